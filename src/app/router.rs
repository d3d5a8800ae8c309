//! Who gets an input: the open overlay, if any, takes every key, paste, click, hint and tick
//! first; then the screen on top; then the keys that work everywhere. Every kind of input goes
//! through this one decision, so no overlay can be skipped by one kind and not another.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use super::keymap::Command;
use super::{Effect, Hint, Overlay, State};

/// A key: Ctrl-C and Ctrl-Z work everywhere, then the overlay, then the screen.
pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        super::overlays::form::quit(state);
        return Vec::new();
    }
    if ctrl && key.code == KeyCode::Char('z') {
        state.suspend = true;
        return Vec::new();
    }
    match &state.overlay {
        Some(Overlay::Form(_)) => super::overlays::form::key(state, key),
        Some(Overlay::Confirm(_)) => super::overlays::confirm::key(state, key),
        Some(Overlay::Whois(_)) => super::overlays::whois::key(state, key),
        Some(Overlay::Profiles(_)) => super::overlays::profiles::key(state, key),
        Some(Overlay::Export(_)) => super::overlays::export::key(state, key),
        Some(Overlay::Columns(_)) => super::overlays::columns::key(state, key),
        Some(Overlay::Undo(_)) => super::overlays::undo::key(state, key),
        Some(Overlay::Bulk(_)) => super::overlays::bulk::key(state, key),
        Some(Overlay::Help { .. }) => {
            help_key(state, key);
            Vec::new()
        }
        Some(Overlay::Messages { .. }) => {
            super::overlays::messages::key(state, key);
            Vec::new()
        }
        None => super::screens::keys::handle(state, key),
    }
}

pub fn paste(state: &mut State, text: &str) {
    match &mut state.overlay {
        Some(Overlay::Form(dialog)) => dialog.paste(text),
        Some(Overlay::Whois(_)) => super::overlays::whois::paste(state, text),
        Some(Overlay::Export(_)) => super::overlays::export::paste(state, text),
        Some(Overlay::Bulk(_)) => super::overlays::bulk::paste(state, text),
        // Nothing to type into: a paste must not fall through to the screen below.
        Some(
            Overlay::Confirm(_)
            | Overlay::Columns(_)
            | Overlay::Profiles(_)
            | Overlay::Help { .. }
            | Overlay::Messages { .. }
            | Overlay::Undo(_),
        ) => {}
        None => super::screens::keys::paste(state, text),
    }
}

pub fn mouse(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    match &mut state.overlay {
        Some(Overlay::Help { .. }) if state.mouse => {
            let delta = match mouse.kind {
                MouseEventKind::ScrollDown => 3,
                MouseEventKind::ScrollUp => -3,
                _ => return Vec::new(),
            };
            scroll_help(state, delta);
            state.dirty = true;
            Vec::new()
        }
        Some(Overlay::Messages { .. }) if state.mouse => {
            super::overlays::messages::mouse(state, mouse);
            Vec::new()
        }
        // An overlay hides what is under it: a click never reaches the list below.
        Some(_) => Vec::new(),
        None => super::mouse::handle(state, mouse),
    }
}

pub fn hints(state: &State) -> Vec<Hint> {
    match &state.overlay {
        Some(overlay) => super::hints::overlay(state, overlay),
        None => super::hints::screen(state),
    }
}

/// Time passed. Live re-reads wait while an overlay is open: the rows under it stay as the
/// user last saw them, and nothing moves under a confirmation.
pub fn tick(state: &mut State) -> Vec<Effect> {
    let mut effects = super::follow::poll(state);
    effects.extend(super::overlays::form::tick(state));
    if state.overlay.is_none() {
        effects.extend(super::live::poll(state));
    }
    super::live::fade(state);
    super::screens::with_list!(mut state.top_mut(), |l| l.filter_step());
    // After the fade: the watch view keeps its own marks.
    effects.extend(super::watch::tick(state));
    effects
}

/// Lines of the help text (sections, their keys and the blank lines between them).
pub fn help_lines(state: &State) -> usize {
    let sections = state.keymap.help();
    let keys: usize = sections.iter().map(|(_, b)| b.len() + 1).sum();
    keys + sections.len().saturating_sub(1)
}

/// How far the help can scroll at the current size: its frame takes two rows.
pub fn help_max_scroll(state: &State) -> u16 {
    let height = help_lines(state) + 2;
    let shown = height.min(usize::from(state.size.1));
    u16::try_from(height - shown).unwrap_or(u16::MAX)
}

fn scroll_help(state: &mut State, delta: i32) {
    let max = help_max_scroll(state);
    if let Some(Overlay::Help { scroll }) = &mut state.overlay {
        super::overlays::scroll::clamp(scroll, delta, max);
    }
}

fn help_key(state: &mut State, key: KeyEvent) {
    use super::overlays::scroll::{ScrollKey, read};
    let page = i32::from(state.size.1.saturating_sub(4)).max(1);
    match read(state, &key, Command::Help, page) {
        ScrollKey::Close => state.overlay = None,
        ScrollKey::Down(delta) => scroll_help(state, delta),
        ScrollKey::Nothing => state.dirty = false,
    }
}
