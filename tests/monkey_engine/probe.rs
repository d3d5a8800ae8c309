//! Everything the monkey reads of the app's state, in one place: the invariants ask these
//! functions, never the panes', the browser's or the overlays' fields, so a change of those
//! names is met here alone.

use std::collections::HashSet;

use portolan::app::list::{Fetch, ListPane, Row};
use portolan::app::overlays::bulk::Stage;
use portolan::app::screens::browser::{Browser, FormField, Prompt, Source};
use portolan::app::{Overlay, RequestId, Screen, State};

use super::service::Listing;

/// What identifies a mapping across re-reads: its endpoint group and destination socket.
pub fn mapping_identity(group: &str, ip: &str, port: u16) -> String {
    format!("{group} {ip}:{port}")
}

/// A list screen (a list pane or the browser) at one moment.
#[derive(Debug, Clone)]
pub struct ListSnapshot {
    /// The service's listing it reads.
    pub listing: Listing,
    /// Rows loaded (filtered out or not).
    pub loaded: usize,
    /// The identity of the selected row: an ARN, or a mapping's group and destination.
    pub selected: Option<String>,
    /// The request of a re-read in flight (a reload of a list already loaded).
    pub rereading: Option<RequestId>,
    /// The selection moves by itself as rows arrive: `G` follows the end, `:` seeks a port.
    pub moves_itself: bool,
}

fn pane_snapshot<T: Row>(p: &ListPane<T>, listing: Listing) -> ListSnapshot {
    ListSnapshot {
        listing,
        loaded: p.rows().len(),
        selected: p.selected().map(|r| r.id().to_string()),
        rereading: p
            .pager
            .pending
            .as_ref()
            .filter(|p| p.fetch == Fetch::Refresh)
            .map(|p| p.id),
        moves_itself: p.pager.follows_to_end(),
    }
}

fn browser_listing(b: &Browser) -> Option<Listing> {
    Some(match b.source.as_ref()? {
        Source::Destination { subnet, ip } => Listing::ByDestination {
            subnet: subnet.clone(),
            ip: ip.clone(),
        },
        Source::Accelerator { arn, group } => Listing::Mappings(arn.clone(), group.clone()),
    })
}

fn browser_identity(b: &Browser, table_row: usize) -> Option<String> {
    let r = b.table().get(table_row)?;
    Some(mapping_identity(
        r.endpoint_group_arn,
        &r.destination_ip,
        r.destination_port,
    ))
}

/// The list `screen` shows, if it is a list pane or a browser with a source.
pub fn list_snapshot(screen: &Screen) -> Option<ListSnapshot> {
    match screen {
        Screen::Accelerators(p) => Some(pane_snapshot(p, Listing::Accelerators)),
        Screen::Listeners(s) => Some(pane_snapshot(
            &s.pane,
            Listing::Listeners(s.accelerator.arn.clone()),
        )),
        Screen::EndpointGroups(s) => Some(pane_snapshot(
            &s.pane,
            Listing::Groups(s.listener.arn.clone()),
        )),
        Screen::Browser(b) => Some(ListSnapshot {
            listing: browser_listing(b)?,
            loaded: b.table().len(),
            selected: b.selected_row().and_then(|i| browser_identity(b, i)),
            rereading: b
                .refreshing()
                .then_some(b.list.pager.pending.as_ref())
                .flatten()
                .map(|p| p.id),
            moves_itself: b.list.pager.follows_to_end() || b.seek.is_some(),
        }),
        _ => None,
    }
}

/// Identities of the rows `screen` has loaded (`visible`: only those its filter shows).
pub fn identities(screen: &Screen, visible: bool) -> HashSet<String> {
    fn pane<T: Row>(p: &ListPane<T>, visible: bool) -> HashSet<String> {
        if visible {
            p.visible().map(|r| r.id().to_string()).collect()
        } else {
            p.rows().iter().map(|r| r.id().to_string()).collect()
        }
    }
    match screen {
        Screen::Accelerators(p) => pane(p, visible),
        Screen::Listeners(s) => pane(&s.pane, visible),
        Screen::EndpointGroups(s) => pane(&s.pane, visible),
        Screen::Browser(b) if visible => (0..b.view_len())
            .filter_map(|i| b.row_index(i).and_then(|r| browser_identity(b, r)))
            .collect(),
        Screen::Browser(b) => (0..b.table().len())
            .filter_map(|r| browser_identity(b, r))
            .collect(),
        _ => HashSet::new(),
    }
}

/// A selection outside the rows of its list: (list, selected, rows).
pub fn selection_outside(screen: &Screen) -> Option<(&'static str, usize, usize)> {
    fn pane<T: Row>(what: &'static str, p: &ListPane<T>) -> Option<(&'static str, usize, usize)> {
        (p.visible_len() > 0 && p.selected_index() >= p.visible_len())
            .then(|| (what, p.selected_index(), p.visible_len()))
    }
    match screen {
        Screen::Accelerators(p) => pane("accelerators", p),
        Screen::Listeners(s) => pane("listeners", &s.pane),
        Screen::EndpointGroups(s) => pane("groups", &s.pane),
        Screen::Browser(b) if b.view_len() > 0 && b.selected() >= b.view_len() => {
            Some(("browser", b.selected(), b.view_len()))
        }
        _ => None,
    }
}

/// An identity a list pane holds twice: selection by identity could not tell them apart.
pub fn loaded_twice(screen: &Screen) -> Option<String> {
    fn pane<T: Row>(p: &ListPane<T>) -> Option<String> {
        let mut seen = HashSet::new();
        p.rows()
            .iter()
            .find(|r| !seen.insert(r.id()))
            .map(|r| r.id().to_string())
    }
    match screen {
        Screen::Accelerators(p) => pane(p),
        Screen::Listeners(s) => pane(&s.pane),
        Screen::EndpointGroups(s) => pane(&s.pane),
        _ => None,
    }
}

/// The cells of the table rows `screen` shows in a window of `rows` lines, with the values
/// a browser row draws beyond its cells; `None` when no table is on screen.
pub fn cells_in_view(screen: &Screen, rows: usize) -> Option<Vec<Vec<String>>> {
    fn pane<T: Row>(p: &ListPane<T>, rows: usize) -> Option<Vec<Vec<String>>> {
        let end = (p.offset() + rows).min(p.visible_len());
        let cells: Vec<Vec<String>> = (p.offset()..end)
            .filter_map(|i| p.visible_row(i).map(Row::cells))
            .collect();
        (p.visible_len() > 0).then_some(cells)
    }
    match screen {
        Screen::Accelerators(p) => pane(p, rows),
        Screen::Listeners(s) => pane(&s.pane, rows),
        Screen::EndpointGroups(s) => pane(&s.pane, rows),
        Screen::Browser(b) if b.prompt.is_none() => {
            let end = (b.list.offset() + rows).min(b.view_len());
            let cells = (b.list.offset()..end)
                .filter_map(|i| b.row_index(i).and_then(|i| b.table().get(i)))
                .map(|row| {
                    let mut cells = row.cells().to_vec();
                    cells.push(row.accelerator_port.to_string());
                    cells.push(row.destination().to_string());
                    cells.extend(row.static_ips.iter().cloned());
                    cells
                })
                .collect();
            (b.view_len() > 0).then_some(cells)
        }
        _ => None,
    }
}

/// Where a paste should land.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Focus {
    /// A text input with focus, holding this value: in an overlay, or a prompt of the screen.
    Input { overlay: bool, value: String },
    /// An overlay is open but no text input of it has focus (help, confirm, a toggle).
    OverlayWithoutInput,
    /// No overlay, and nothing on the screen to type into.
    Nothing,
}

/// The text input that has focus, if any.
pub fn focus(state: &State) -> Focus {
    let overlay = |value: &str| Focus::Input {
        overlay: true,
        value: value.to_string(),
    };
    match &state.overlay {
        // The subnet picker's filter, while the picker has the keys.
        Some(Overlay::Form(dialog)) if dialog.picker().is_some_and(|p| p.focused) => {
            overlay(dialog.picker().map_or("", |p| p.list.filter.text()))
        }
        Some(Overlay::Form(dialog)) => match dialog.form.focused() {
            Some(field)
                if matches!(
                    field.widget,
                    portolan::app::overlays::fields::Widget::Text(_)
                ) =>
            {
                overlay(field.value())
            }
            _ => Focus::OverlayWithoutInput,
        },
        // A remembered address not yet touched is replaced by what comes in.
        Some(Overlay::Whois(lookup)) if lookup.fresh => overlay(""),
        Some(Overlay::Whois(lookup)) => overlay(lookup.input.value()),
        Some(Overlay::Export(export)) if export.writing.is_none() => overlay(export.path.value()),
        Some(Overlay::Bulk(bulk)) if bulk.stage() == Stage::Editing => overlay(&bulk.text),
        Some(_) => Focus::OverlayWithoutInput,
        None => screen_focus(state.top()),
    }
}

fn screen_focus(screen: &Screen) -> Focus {
    let input = |value: &str| Focus::Input {
        overlay: false,
        value: value.to_string(),
    };
    fn pane<T: Row>(p: &ListPane<T>) -> Option<&str> {
        p.filter.editing.then(|| p.filter.text())
    }
    let typed = match screen {
        Screen::Accelerators(p) => pane(p),
        Screen::Listeners(s) => pane(&s.pane),
        Screen::EndpointGroups(s) => pane(&s.pane),
        Screen::GroupDetail(s) => pane(&s.endpoints),
        Screen::Browser(b) => match (&b.prompt, b.editing, &b.form) {
            (Some(Prompt::Jump { input, .. }), _, _) => Some(input.value()),
            (None, true, Some(form)) if form.focus == FormField::Address => {
                Some(form.address.value())
            }
            (None, true, _) => None,
            (None, false, _) => b.list.filter.editing.then(|| b.list.filter.text()),
        },
        _ => None,
    };
    typed.map_or(Focus::Nothing, input)
}

/// What the open overlay is, by kind.
pub fn overlay_kind(state: &State) -> Option<&'static str> {
    Some(match state.overlay.as_ref()? {
        Overlay::Help { .. } => "help",
        Overlay::Form(_) => "form",
        Overlay::Confirm(_) => "confirm",
        Overlay::Whois(_) => "lookup",
        Overlay::Profiles(_) => "profiles",
        Overlay::Export(_) => "export",
        Overlay::Messages { .. } => "messages",
        Overlay::Columns(_) => "columns",
        Overlay::Undo(_) => "undo",
        Overlay::Bulk(_) => "bulk",
    })
}

/// Everything under the overlays, to tell whether an input reached it.
pub fn underneath(state: &State) -> String {
    format!("{:?}", state.screens)
}
