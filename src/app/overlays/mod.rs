//! What floats over a screen, one file each: its state, keys and hints.

pub mod add_subnets;
pub mod bulk;
pub mod capacity;
pub mod columns;
pub mod confirm;
pub mod create;
pub mod export;
pub mod fields;
pub mod form;
pub mod messages;
pub mod new_group;
pub mod profiles;
pub mod scroll;
pub mod subnet_picker;
pub mod undo;
pub mod whois;

use super::State;

/// What floats over the screens. One at a time, and it gets every input first: keys, paste,
/// mouse, hints and ticks (see `router`).
#[derive(Debug)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// A create form, or adding subnet endpoints.
    Form(Box<create::CreateDialog>),
    /// A change waiting for y/n (or on its way).
    Confirm(confirm::Confirm),
    /// The `w` lookup.
    Whois(Box<whois::Lookup>),
    /// The `P` profile switcher.
    Profiles(profiles::Picker),
    /// `e` in the browser: where to write which mappings.
    Export(Box<export::Export>),
    /// The `!` log of every message, `scroll` lines back from the newest.
    Messages {
        scroll: u16,
    },
    /// `C`: the columns of the view on top.
    Columns(columns::Chooser),
    /// `u`: undo the last change, once confirmed.
    Undo(Box<undo::Undo>),
    /// `b`/`B` in the browser: allow or deny many sockets at once.
    Bulk(Box<bulk::Bulk>),
}

/// `form()`/`form_mut()` and the like: the open overlay, when it is of that kind.
macro_rules! overlay_accessors {
    ($($get:ident, $get_mut:ident, $variant:ident, $ty:ty;)*) => {
        impl State {
            $(
                pub fn $get(&self) -> Option<&$ty> {
                    match &self.overlay {
                        Some(Overlay::$variant(x)) => Some(x),
                        _ => None,
                    }
                }

                pub fn $get_mut(&mut self) -> Option<&mut $ty> {
                    match &mut self.overlay {
                        Some(Overlay::$variant(x)) => Some(x),
                        _ => None,
                    }
                }
            )*
        }
    };
}

overlay_accessors! {
    form, form_mut, Form, create::CreateDialog;
    confirm, confirm_mut, Confirm, confirm::Confirm;
    whois, whois_mut, Whois, whois::Lookup;
    picker, picker_mut, Profiles, profiles::Picker;
    export, export_mut, Export, export::Export;
    chooser, chooser_mut, Columns, columns::Chooser;
}
