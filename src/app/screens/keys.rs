//! Keys, in layers: an open modal takes every key, then a text field with focus, then the
//! screen on top, then the keys that work everywhere. Screen keys go through the keymap, and
//! the help overlay and the hint bar are drawn from it, so they cannot disagree.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Command;
use crate::app::list::{List, ListPane, Store};
use crate::app::screens::{
    AcceleratorInfo, GroupDetail, GroupsScreen, ListenerInfo, ListenersScreen,
};
use crate::app::{Effect, Loadable, Overlay, Screen, State};

/// Runs `$body` with `$pane` bound to the list of the top screen, if it has one.
macro_rules! with_list {
    ($state:expr, |$pane:ident| $body:expr) => {
        crate::app::screens::with_list!(mut $state.top_mut(), |$pane| $body)
    };
}

/// A key for the filter field; false when the field does not have focus.
fn filter_key<S: Store>(pane: &mut List<S>, key: &KeyEvent) -> bool {
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
fn clear_filter<S: Store>(pane: &mut List<S>) -> bool {
    if !pane.filter.is_active() {
        return false;
    }
    pane.filter.input.reset();
    pane.refilter();
    true
}

fn paste_into<S: Store>(pane: &mut List<S>, text: &str) {
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
    let body = state.size.1.saturating_sub(crate::app::CHROME_ROWS);
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
        _ => {
            with_list!(state, |pane| pane.move_by(delta.into()));
        }
    }
}

/// A paste for the screen on top (an overlay, if open, took it already).
pub fn paste(state: &mut State, text: &str) {
    if !crate::app::screens::browser::keys::paste(state, text)
        && !crate::app::screens::watch::paste(state, text)
    {
        with_list!(state, |pane| paste_into(pane, text));
    }
}

/// A key for the screen on top (no overlay is open).
pub fn handle(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Esc && state.indexing.is_some() {
        return crate::app::indexing::stop(state);
    }
    if let Some(effects) = crate::app::screens::browser::keys::handle(state, key) {
        return effects;
    }
    if let Some(effects) = crate::app::screens::watch::handle(state, key) {
        return effects;
    }
    if let Some(effects) = crate::app::screens::audit::handle(state, key) {
        return effects;
    }
    if with_list!(state, |pane| filter_key(pane, &key)) == Some(true) {
        return Vec::new();
    }
    let page = isize::try_from(state.list_rows()).unwrap_or(1).max(1);
    let Some(command) = state.keymap.command(&key) else {
        state.dirty = false;
        return Vec::new();
    };
    match command {
        Command::Quit if state.changes.running.is_some() => {
            // Quitting now would stop it between calls, before the journal hears of it.
            state.info("a change is on its way: q again once it is done (Ctrl-C quits anyway)");
        }
        Command::Quit => state.quit = true,
        Command::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Command::Messages => crate::app::overlays::messages::open(state),
        Command::Down => move_selection(state, 1),
        Command::Up => move_selection(state, -1),
        Command::PageDown => move_selection(state, page),
        Command::PageUp => move_selection(state, -page),
        Command::First => jump(state, false),
        Command::Last => jump(state, true),
        Command::Sort => {
            let shown = state.shown_columns();
            with_list!(state, |pane| pane.cycle_sort_among(&shown));
        }
        Command::ReverseSort => {
            let shown = state.shown_columns();
            with_list!(state, |pane| pane.reverse_sort_among(&shown));
        }
        Command::Wide => return crate::app::columns::toggle_wide(state),
        Command::Columns => return crate::app::overlays::columns::open(state),
        Command::Filter => drop(with_list!(state, |pane| pane.filter.editing = true)),
        Command::Refresh => {
            state.join.refresh();
            return state.reload_top();
        }
        Command::Open => return open(state),
        Command::Info => return info(state),
        Command::ByDestination => return open_mappings(state, false),
        Command::Create => return crate::app::overlays::form::open(state),
        Command::Live => crate::app::live::toggle(state),
        Command::Whois => return crate::app::overlays::whois::open(state),
        Command::Profiles => return crate::app::overlays::profiles::open(state),
        Command::Index => return crate::app::indexing::start(state),
        Command::Allow => return crate::app::overlays::confirm::traffic(state, true),
        Command::Deny => return crate::app::overlays::confirm::traffic(state, false),
        Command::RemoveEndpoint => return crate::app::overlays::confirm::remove_endpoint(state),
        Command::AddEndpoints => return crate::app::overlays::form::open_add_endpoints(state),
        Command::DeleteGroup => return crate::app::overlays::confirm::delete_group(state),
        Command::Bulk => return crate::app::overlays::bulk::open_filtered(state),
        Command::BulkList => return crate::app::overlays::bulk::open_list(state),
        Command::Undo => return crate::app::overlays::undo::open(state),
        Command::AllMappings => return open_mappings(state, true),
        Command::Back => return back(state),
        Command::Pin => return crate::app::screens::watch::pin_key(state),
        Command::WatchView => return crate::app::screens::watch::open(state),
        Command::Audit => return crate::app::screens::audit::open(state),
        // Browser and watch view commands, handled there; elsewhere they do nothing.
        Command::DestinationForm
        | Command::FindPort
        | Command::Copy
        | Command::Export
        | Command::Unpin => {
            state.dirty = false;
        }
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
        _ => drop(with_list!(state, |pane| if last {
            pane.select_last();
        } else {
            pane.select_first();
        })),
    }
}

/// Esc and friends: clear a filter, else go back. A message shown goes with the same press
/// (the log keeps it): a key that only dismissed a message would look swallowed.
fn back(state: &mut State) -> Vec<Effect> {
    state.message = None;
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
    use crate::app::screens::browser::keys::{open_accelerator, open_by_destination};
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
