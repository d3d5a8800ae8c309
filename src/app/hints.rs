//! The hint bar: the few keys that matter on the screen on top, their keys taken from the
//! effective keymap.

use super::keymap::Command;
use super::{Overlay, Screen, State};

/// One entry of the hint bar: the keys and what they do.
#[derive(Debug, Clone)]
pub struct Hint {
    pub keys: String,
    pub action: &'static str,
}

/// A hint for fixed keys.
fn fixed(keys: &str, action: &'static str) -> Hint {
    Hint {
        keys: keys.to_string(),
        action,
    }
}

/// The one-line hint for the open overlay.
pub fn overlay(state: &State, overlay: &Overlay) -> Vec<Hint> {
    match overlay {
        Overlay::Help { .. } => {
            let keys = format!(
                "{} {}",
                state.keymap.key(Command::Down),
                state.keymap.key(Command::Up)
            );
            vec![fixed(&keys, "scroll"), fixed("Esc", "close")]
        }
        Overlay::Messages { .. } => super::overlays::messages::hints(state),
        Overlay::Undo(_) => super::overlays::undo::hints(),
        Overlay::Bulk(bulk) => super::overlays::bulk::hints(bulk),
        Overlay::Whois(_) => vec![
            fixed("⏎", "look up / open in the browser"),
            fixed("Ctrl-P", "pin"),
            fixed("↑↓", "pick"),
            fixed("Esc", "close"),
        ],
        Overlay::Export(e) if e.writing.is_some() => vec![fixed("Esc", "close (it goes on)")],
        Overlay::Export(_) => vec![
            fixed("⏎", "write"),
            fixed("Tab", "shown/all"),
            fixed("Esc", "cancel"),
        ],
        Overlay::Columns(_) => vec![
            fixed("Space", "show/hide"),
            fixed("J/K", "move"),
            fixed("d", "defaults"),
            fixed("⏎", "apply"),
            fixed("Esc", "cancel"),
        ],
        Overlay::Profiles(_) => vec![
            fixed("⏎", "switch to it"),
            fixed("↑↓", "pick"),
            fixed("Esc", "close"),
        ],
        Overlay::Confirm(confirm) => {
            let mut hints = vec![fixed("y", "apply")];
            if confirm.options.len() > 1 {
                hints.push(fixed("Tab", "wider"));
                hints.push(fixed("Shift-Tab", "narrower"));
            }
            hints.push(fixed("n Esc", "cancel"));
            hints
        }
        Overlay::Form(dialog) if dialog.form.confirm_discard => vec![
            fixed("y", "discard what was typed"),
            fixed("n", "keep editing"),
        ],
        Overlay::Form(dialog) if dialog.picker().is_some_and(|p| p.focused) => {
            super::overlays::subnet_picker::hints()
        }
        Overlay::Form(dialog) => {
            let mut hints = vec![fixed("Tab", "next field")];
            if dialog.has_toggles() {
                hints.push(fixed("Space", "toggle"));
            }
            // The add-subnet dialog has no rows, and adds rather than creates.
            if dialog.has_rows() {
                hints.push(fixed("Ctrl-N/D", "add/remove row"));
            }
            let submit = match dialog.verb() {
                "Add" => "add",
                _ => "create",
            };
            hints.push(fixed("Ctrl-S", submit));
            hints.push(fixed("Esc", "close"));
            hints
        }
    }
}

/// The one-line hint for the screen on top; keys of commands come from the keymap.
pub fn screen(state: &State) -> Vec<Hint> {
    if filter_editing(state) {
        return vec![
            fixed("type", "filter loaded rows"),
            fixed("Enter", "keep"),
            fixed("Esc", "clear"),
        ];
    }
    use Command as C;
    let table: &[(&[Command], &'static str)] = match state.top() {
        Screen::Browser(b) if b.prompt.is_some() => {
            return vec![fixed("⏎", "search"), fixed("Esc", "cancel")];
        }
        Screen::Browser(b) if b.editing => {
            return vec![
                fixed("Tab", "field"),
                fixed("↑↓", "subnet"),
                fixed("⏎", "look up"),
                fixed("Esc", "rows/back"),
            ];
        }
        Screen::Browser(b) if b.seek.is_some() => return vec![fixed("Esc", "stop searching")],
        Screen::Audit(v) => return super::screens::audit::hints(state, v),
        Screen::Watch(v) if v.prompt.is_some() => {
            return vec![fixed("⏎", "pin"), fixed("Esc", "cancel")];
        }
        Screen::Watch(_) => &[
            (&[C::Pin], "pin"),
            (&[C::Unpin], "unpin"),
            (&[C::Refresh], "read now"),
            (&[C::Filter], "filter"),
            (&[C::Copy], "copy"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
        Screen::Browser(_) => &[
            (&[C::Allow, C::Deny], "allow/deny"),
            (&[C::Pin], "pin"),
            (&[C::Filter], "filter"),
            (&[C::Bulk, C::BulkList], "bulk"),
            (&[C::FindPort], "port"),
            (&[C::Copy], "copy"),
            (&[C::Export], "export"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
        Screen::Accelerators(_) => &[
            (&[C::Open], "listeners"),
            (&[C::AllMappings], "mappings"),
            (&[C::Info], "info"),
            (&[C::Create], "create"),
            (&[C::Filter], "filter"),
            (&[C::Help], "help"),
            (&[C::Quit], "quit"),
        ],
        Screen::Listeners(_) => &[
            (&[C::Open], "endpoint groups"),
            (&[C::Info], "info"),
            (&[C::Create], "create"),
            (&[C::Filter], "filter"),
            (&[C::Sort], "sort"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
        Screen::EndpointGroups(_) => &[
            (&[C::Open], "details"),
            (&[C::ByDestination], "by destination"),
            (&[C::AllMappings], "all mappings"),
            (&[C::Create], "create"),
            (&[C::DeleteGroup], "delete"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
        Screen::GroupDetail(_) => &[
            (&[C::ByDestination], "by destination"),
            (&[C::AllMappings], "all"),
            (&[C::Allow, C::Deny], "allow/deny"),
            (&[C::AddEndpoints], "add"),
            (&[C::RemoveEndpoint], "remove"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
        Screen::AcceleratorInfo(_) | Screen::ListenerInfo(_) => &[
            (&[C::Down, C::Up], "scroll"),
            (&[C::Refresh], "refresh"),
            (&[C::Back], "back"),
            (&[C::Help], "help"),
        ],
    };
    // Keys that act on a row are not offered while there is none.
    // (In the watch view p asks for a pin to type: it needs no row.)
    let (no_rows, watch) = match state.top() {
        Screen::Browser(b) => (b.view_len() == 0, false),
        Screen::Watch(v) => (v.list.view_len() == 0, true),
        _ => (false, false),
    };
    let needs_row = |c: Command| acts_on_row(c) && !(watch && c == Command::Pin);
    table
        .iter()
        // Read-only: keys that would change something are not offered.
        .filter(|(commands, _)| !(state.read_only && commands.iter().all(|c| changes(*c))))
        .filter(|(commands, _)| !(no_rows && commands.iter().all(|c| needs_row(*c))))
        .map(|(commands, action)| Hint {
            keys: commands
                .iter()
                .map(|c| state.keymap.key(*c))
                .collect::<Vec<_>>()
                .join("/"),
            action,
        })
        .collect()
}

/// Whether a command needs a row under the cursor (or rows to write).
fn acts_on_row(command: Command) -> bool {
    matches!(
        command,
        Command::Allow
            | Command::Deny
            | Command::Copy
            | Command::Export
            | Command::Bulk
            | Command::Pin
            | Command::Unpin
    )
}

/// Whether a command creates or changes something (refused when read-only).
pub fn changes(command: Command) -> bool {
    matches!(
        command,
        Command::Create
            | Command::Allow
            | Command::Deny
            | Command::AddEndpoints
            | Command::RemoveEndpoint
            | Command::DeleteGroup
            | Command::Undo
            | Command::Bulk
            | Command::BulkList
    )
}

/// The keys of the commands that change something, as the help lists them.
pub fn changing_keys(state: &State) -> Vec<String> {
    use Command as C;
    [
        C::Create,
        C::Allow,
        C::Deny,
        C::AddEndpoints,
        C::RemoveEndpoint,
        C::DeleteGroup,
        C::Bulk,
        C::BulkList,
        C::Undo,
    ]
    .into_iter()
    .map(|c| state.keymap.keys(c))
    .collect()
}

fn filter_editing(state: &State) -> bool {
    crate::app::screens::with_list!(state.top(), |l| l.filter.editing).unwrap_or(false)
}
