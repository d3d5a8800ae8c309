//! Keys, in layers: an open modal takes every key, then a text field with focus, then the
//! screen on top, then the keys that work everywhere. The help overlay and the hint bar are
//! drawn from the same table, so they cannot disagree with what the keys do.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::list::{ListPane, Row};
use super::screens::{AcceleratorInfo, GroupDetail, GroupsScreen, ListenerInfo, ListenersScreen};
use super::{Effect, Loadable, Modal, Screen, State};

/// One line of help: the keys and what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static str,
    pub action: &'static str,
}

/// A binding as a struct literal, so tables of them are promoted to statics.
macro_rules! b {
    ($keys:expr, $action:expr) => {
        Binding {
            keys: $keys,
            action: $action,
        }
    };
}

/// Every key, grouped as the help overlay shows them.
pub fn help_sections() -> &'static [(&'static str, &'static [Binding])] {
    &[
        (
            "Move",
            &[
                b!("j k ↓ ↑", "next / previous row"),
                b!("g G Home End", "first / last row"),
                b!("PgDn PgUp", "a screen down / up"),
                b!("Enter l →", "open the selected item"),
                b!(
                    "Esc Backspace h ←",
                    "back (clears a filter or message first)"
                ),
            ],
        ),
        (
            "Lists",
            &[
                b!("/", "filter the loaded rows (Enter keeps, Esc clears)"),
                b!("s", "sort by the next column"),
                b!("S", "reverse the sort"),
                b!("i", "details of the selected accelerator or listener"),
                b!("r", "refresh this pane"),
                b!(
                    "L",
                    "live: re-read this pane every few seconds (again: pause)"
                ),
                b!("c", "create an accelerator, listener or endpoint group"),
            ],
        ),
        (
            "Port mappings",
            &[
                b!("m", "by destination (from an endpoint group)"),
                b!("M", "all mappings of an accelerator or endpoint group"),
                b!("Tab", "back to the destination form (Tab moves in it)"),
                b!(":", "find the destination of an accelerator port"),
                b!("y", "copy the selected row (OSC 52)"),
                b!("e", "export loaded rows, or all (Tab), to CSV/JSON"),
            ],
        ),
        (
            "Changes (each asks y/n first)",
            &[
                b!(
                    "A D",
                    "allow / deny traffic (browser row; subnet in a group)"
                ),
                b!("a", "add subnet endpoints to the group"),
                b!("x", "remove the selected subnet endpoint"),
                b!("Delete", "delete the selected endpoint group"),
            ],
        ),
        (
            "Create forms",
            &[
                b!("Tab Shift-Tab", "next / previous field"),
                b!("Space", "toggle TCP, UDP, Enabled"),
                b!("Ctrl-N Ctrl-D", "add a row / remove the focused row"),
                b!("Ctrl-S", "create (Enter on the Create button too)"),
                b!("Esc", "close (asks first if anything was typed)"),
            ],
        ),
        (
            "App",
            &[
                b!("w", "who is behind IP:PORT? which subnet holds an IP?"),
                b!("I", "index the accelerator's mappings (Esc stops)"),
                b!("?", "this help (Esc closes)"),
                b!("q Ctrl-C", "quit"),
            ],
        ),
    ]
}

/// The one-line hint for the screen on top.
pub fn hints(state: &State) -> &'static [Binding] {
    if state.modal.is_some() {
        return &[b!("j k", "scroll"), b!("Esc", "close")];
    }
    if state.lookup.is_some() {
        return &[
            b!("⏎", "look up / open in the browser"),
            b!("↑↓", "pick"),
            b!("Esc", "close"),
        ];
    }
    if state.confirm.is_some() {
        return &[
            b!("y", "apply"),
            b!("Tab", "wider"),
            b!("Shift-Tab", "narrower"),
            b!("n Esc", "cancel"),
        ];
    }
    if let Some(dialog) = &state.dialog {
        if dialog.form.confirm_discard {
            return &[b!("y", "discard what was typed"), b!("n", "keep editing")];
        }
        return &[
            b!("Tab", "next field"),
            b!("Space", "toggle"),
            b!("Ctrl-N/D", "add/remove row"),
            b!("Ctrl-S", "create"),
            b!("Esc", "close"),
        ];
    }
    if filter_editing(state) {
        return &[
            b!("type", "filter loaded rows"),
            b!("Enter", "keep"),
            b!("Esc", "clear"),
        ];
    }
    match state.top() {
        Screen::Browser(b) if b.prompt.is_some() => {
            &[b!("⏎", "go"), b!("Tab", "loaded/all"), b!("Esc", "cancel")]
        }
        Screen::Browser(b) if b.editing => &[
            b!("Tab", "field"),
            b!("↑↓", "subnet"),
            b!("⏎", "look up"),
            b!("Esc", "rows/back"),
        ],
        Screen::Browser(b) if b.seek.is_some() => &[b!("Esc", "stop searching")],
        Screen::Browser(_) => &[
            b!("A/D", "allow/deny"),
            b!("/", "filter"),
            b!(":", "port"),
            b!("y", "copy"),
            b!("e", "export"),
            b!("esc", "back"),
            b!("?", "help"),
        ],
        Screen::Accelerators(_) => &[
            b!("⏎", "listeners"),
            b!("M", "mappings"),
            b!("i", "info"),
            b!("c", "create"),
            b!("/", "filter"),
            b!("?", "help"),
            b!("q", "quit"),
        ],
        Screen::Listeners(_) => &[
            b!("⏎", "endpoint groups"),
            b!("i", "info"),
            b!("c", "create"),
            b!("/", "filter"),
            b!("s", "sort"),
            b!("esc", "back"),
            b!("?", "help"),
        ],
        Screen::EndpointGroups(_) => &[
            b!("⏎", "details"),
            b!("m", "by destination"),
            b!("M", "all mappings"),
            b!("c", "create"),
            b!("Del", "delete"),
            b!("esc", "back"),
            b!("?", "help"),
        ],
        Screen::GroupDetail(_) => &[
            b!("m", "by destination"),
            b!("M", "all"),
            b!("A/D", "allow/deny"),
            b!("a", "add"),
            b!("x", "remove"),
            b!("esc", "back"),
            b!("?", "help"),
        ],
        Screen::AcceleratorInfo(_) | Screen::ListenerInfo(_) => &[
            b!("j k", "scroll"),
            b!("r", "refresh"),
            b!("esc", "back"),
            b!("?", "help"),
        ],
    }
}

fn filter_editing(state: &State) -> bool {
    match state.top() {
        Screen::Accelerators(p) => p.filter.editing,
        Screen::Listeners(s) => s.pane.filter.editing,
        Screen::EndpointGroups(s) => s.pane.filter.editing,
        Screen::GroupDetail(s) => s.endpoints.filter.editing,
        Screen::Browser(b) => b.filter.editing,
        _ => false,
    }
}

/// Runs `$body` with `$pane` bound to the list of the top screen, if it has one; the body is
/// compiled once per row type.
macro_rules! with_list {
    ($state:expr, |$pane:ident| $body:expr) => {
        match $state.top_mut() {
            Screen::Accelerators($pane) => Some($body),
            Screen::Listeners(s) => {
                let $pane = &mut s.pane;
                Some($body)
            }
            Screen::EndpointGroups(s) => {
                let $pane = &mut s.pane;
                Some($body)
            }
            Screen::GroupDetail(s) => {
                let $pane = &mut s.endpoints;
                Some($body)
            }
            _ => None,
        }
    };
}

/// A key for the filter field; false when the field does not have focus.
fn filter_key<T: Row>(pane: &mut ListPane<T>, key: &KeyEvent) -> bool {
    if !pane.filter.editing {
        return false;
    }
    match key.code {
        KeyCode::Enter => pane.filter.editing = false,
        KeyCode::Esc => {
            pane.filter.input.reset();
            pane.filter.editing = false;
            pane.refilter();
        }
        _ => {
            if pane.filter.input.handle_event(&Event::Key(*key)).is_some() {
                pane.refilter();
            }
        }
    }
    true
}

/// Clears an active filter; true when there was one.
fn clear_filter<T: Row>(pane: &mut ListPane<T>) -> bool {
    if !pane.filter.is_active() {
        return false;
    }
    pane.filter.input.reset();
    pane.refilter();
    true
}

fn paste_into<T: Row>(pane: &mut ListPane<T>, text: &str) {
    if !pane.filter.editing {
        return;
    }
    // A filter is one line: keep printable characters only, and a sane amount of them.
    let clean: String = text.chars().filter(|c| !c.is_control()).take(256).collect();
    let value = format!("{}{clean}", pane.filter.input.value());
    pane.filter.input = tui_input::Input::new(value);
    pane.refilter();
}

pub fn move_selection(state: &mut State, delta: isize) {
    let delta = i16::try_from(delta.clamp(-1000, 1000)).unwrap_or(0);
    // Detail views scroll by lines; the bound is generous (long values wrap), and drawing
    // clamps to the real overflow.
    let body = state.size.1.saturating_sub(super::CHROME_ROWS);
    match state.top_mut() {
        Screen::AcceleratorInfo(info) => {
            let tags = info.tags.value.as_ref().map_or(0, Vec::len);
            let lines = u16::try_from(24 + tags).unwrap_or(u16::MAX);
            info.scroll = info
                .scroll
                .saturating_add_signed(delta)
                .min(lines.saturating_sub(body));
        }
        Screen::ListenerInfo(info) => {
            let ranges = info
                .listener
                .value
                .as_ref()
                .map_or(0, |l| l.port_ranges.len());
            let lines = u16::try_from(8 + ranges).unwrap_or(u16::MAX);
            info.scroll = info
                .scroll
                .saturating_add_signed(delta)
                .min(lines.saturating_sub(body));
        }
        Screen::Browser(b) => b.move_by(delta.into()),
        _ => {
            with_list!(state, |pane| pane.move_by(delta.into()));
        }
    }
}

pub fn paste(state: &mut State, text: &str) {
    if let Some(dialog) = state.dialog.as_mut() {
        dialog.form.paste(text);
        return;
    }
    if state.modal.is_none() && !super::browser_keys::paste(state, text) {
        with_list!(state, |pane| paste_into(pane, text));
    }
}

pub fn handle(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        super::dialog_keys::quit(state);
        return Vec::new();
    }
    if ctrl && key.code == KeyCode::Char('z') {
        state.suspend = true;
        return Vec::new();
    }
    if state.dialog.is_some() {
        return super::dialog_keys::key(state, key);
    }
    if state.confirm.is_some() {
        return super::actions::key(state, key);
    }
    if state.lookup.is_some() {
        return super::lookup::key(state, key);
    }
    if let Some(modal) = state.modal {
        handle_modal(state, modal, key);
        return Vec::new();
    }
    if key.code == KeyCode::Esc && state.indexing.is_some() {
        return super::indexing::stop(state);
    }
    if let Some(effects) = super::browser_keys::handle(state, key) {
        return effects;
    }
    if with_list!(state, |pane| filter_key(pane, &key)) == Some(true) {
        return Vec::new();
    }
    let page = isize::try_from(state.list_rows()).unwrap_or(1).max(1);
    match key.code {
        KeyCode::Char('q') => state.quit = true,
        KeyCode::Char('?') => state.modal = Some(Modal::Help { scroll: 0 }),
        KeyCode::Char('j') | KeyCode::Down => move_selection(state, 1),
        KeyCode::Char('k') | KeyCode::Up => move_selection(state, -1),
        KeyCode::PageDown => move_selection(state, page),
        KeyCode::PageUp => move_selection(state, -page),
        KeyCode::Char('g') | KeyCode::Home => jump(state, false),
        KeyCode::Char('G') | KeyCode::End => jump(state, true),
        KeyCode::Char('s') => drop(with_list!(state, |pane| pane.cycle_sort())),
        KeyCode::Char('S') => drop(with_list!(state, |pane| pane.reverse_sort())),
        KeyCode::Char('/') => drop(with_list!(state, |pane| pane.filter.editing = true)),
        KeyCode::Char('r') => return state.reload_top(),
        KeyCode::Enter | KeyCode::Char('l') | KeyCode::Right => return open(state),
        KeyCode::Char('i') => return info(state),
        KeyCode::Char('m') => return open_mappings(state, false),
        KeyCode::Char('c') => return super::dialog_keys::open(state),
        KeyCode::Char('L') => super::live::toggle(state),
        KeyCode::Char('w') => return super::lookup::open(state),
        KeyCode::Char('I') => return super::indexing::start(state),
        KeyCode::Char('A') => return super::actions::traffic(state, true),
        KeyCode::Char('D') => return super::actions::traffic(state, false),
        KeyCode::Char('x') => return super::actions::remove_endpoint(state),
        KeyCode::Char('a') => return super::dialog_keys::open_add_endpoints(state),
        KeyCode::Delete => return super::actions::delete_group(state),
        KeyCode::Char('M') => return open_mappings(state, true),
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Char('h') | KeyCode::Left => {
            return back(state);
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

fn jump(state: &mut State, last: bool) {
    match state.top_mut() {
        Screen::AcceleratorInfo(AcceleratorInfo { scroll, .. })
        | Screen::ListenerInfo(ListenerInfo { scroll, .. }) => {
            *scroll = 0;
            if last {
                move_selection(state, 1000);
            }
        }
        Screen::Browser(b) => {
            b.hold = false;
            b.selected = if last {
                b.view_len().saturating_sub(1)
            } else {
                0
            };
        }
        _ => drop(with_list!(state, |pane| if last {
            pane.select_last();
        } else {
            pane.select_first();
        })),
    }
}

fn handle_modal(state: &mut State, modal: Modal, key: KeyEvent) {
    match modal {
        Modal::Help { scroll } => {
            let scroll = match key.code {
                KeyCode::Esc | KeyCode::Char('?' | 'q') | KeyCode::Enter => {
                    state.modal = None;
                    return;
                }
                KeyCode::Char('j') | KeyCode::Down => scroll.saturating_add(1),
                KeyCode::Char('k') | KeyCode::Up => scroll.saturating_sub(1),
                KeyCode::Char('g') | KeyCode::Home => 0,
                _ => scroll,
            };
            state.modal = Some(Modal::Help { scroll });
        }
    }
}

/// Esc and friends: dismiss an error, then clear a filter, then go back.
fn back(state: &mut State) -> Vec<Effect> {
    if state.message.take().is_some() {
        return Vec::new();
    }
    if with_list!(state, |pane| clear_filter(pane)) == Some(true) {
        return Vec::new();
    }
    if state.screens.len() == 1 {
        state.info("this is the top: q quits");
        return Vec::new();
    }
    state.pop()
}

fn open(state: &mut State) -> Vec<Effect> {
    let next = match state.top() {
        Screen::Accelerators(p) => p.selected().map(|a| {
            Screen::Listeners(ListenersScreen {
                accelerator: a.clone(),
                pane: ListPane::default(),
            })
        }),
        Screen::Listeners(s) => s.pane.selected().map(|l| {
            Screen::EndpointGroups(GroupsScreen {
                accelerator: s.accelerator.clone(),
                listener: l.clone(),
                pane: ListPane::default(),
            })
        }),
        Screen::EndpointGroups(s) => s.pane.selected().map(|g| {
            let mut detail = GroupDetail {
                accelerator: s.accelerator.clone(),
                listener: s.listener.clone(),
                group: Loadable::default(),
                endpoints: ListPane::default(),
            };
            // Show what the list already knows at once; the describe call refreshes it.
            detail.set_group(g.clone(), state.now);
            detail.group.loaded_at = None;
            Screen::GroupDetail(detail)
        }),
        _ => None,
    };
    match next {
        Some(screen) => state.push(screen),
        None => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// `m` (by destination, from an endpoint group) and `M` (every mapping of an accelerator or
/// endpoint group).
fn open_mappings(state: &mut State, all: bool) -> Vec<Effect> {
    use super::browser_keys::{open_accelerator, open_by_destination};
    let target = match state.top() {
        Screen::Accelerators(p) if all => p.selected().map(|a| (a.clone(), None, None)),
        Screen::EndpointGroups(s) => s
            .pane
            .selected()
            .map(|g| (s.accelerator.clone(), Some(g.clone()), None)),
        Screen::GroupDetail(s) => s.group.value.as_ref().map(|g| {
            let subnet = s.endpoints.selected().map(|e| e.subnet_id.clone());
            (s.accelerator.clone(), Some(g.clone()), subnet)
        }),
        _ => None,
    };
    match target {
        Some((accelerator, group, _)) if all => {
            open_accelerator(state, &accelerator, group.as_ref())
        }
        Some((_, Some(group), subnet)) => open_by_destination(state, &group, subnet.as_deref()),
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

fn info(state: &mut State) -> Vec<Effect> {
    let next = match state.top() {
        Screen::Accelerators(p) => p.selected().map(|a| {
            Screen::AcceleratorInfo(AcceleratorInfo {
                accelerator: Loadable {
                    value: Some(a.clone()),
                    ..Loadable::default()
                },
                tags: Loadable::default(),
                attributes: Loadable::default(),
                scroll: 0,
            })
        }),
        Screen::Listeners(s) => s.pane.selected().map(|l| {
            Screen::ListenerInfo(ListenerInfo {
                accelerator: s.accelerator.clone(),
                listener: Loadable {
                    value: Some(l.clone()),
                    ..Loadable::default()
                },
                usage: Loadable::default(),
                index_dir: state.index_dir.clone(),
                scroll: 0,
            })
        }),
        Screen::EndpointGroups(_) => return open(state),
        _ => None,
    };
    match next {
        Some(screen) => state.push(screen),
        None => {
            state.dirty = false;
            Vec::new()
        }
    }
}
