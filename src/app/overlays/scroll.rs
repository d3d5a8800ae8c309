//! Keys of the overlays that only scroll text (help, the message log): the same keys close and
//! move both, so they are read in one place.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::State;
use crate::app::keymap::Command;

/// What a key asks of a scrolled overlay.
pub enum ScrollKey {
    Close,
    /// Lines further down the text (negative: up); `First`/`Last` are far beyond either end.
    Down(i32),
    Nothing,
}

/// Reads `key` for an overlay that `toggle` opens (and closes), paging by `page` lines.
pub fn read(state: &State, key: &KeyEvent, toggle: Command, page: i32) -> ScrollKey {
    match state.keymap.command(key) {
        Some(c) if c == toggle => ScrollKey::Close,
        Some(Command::Back | Command::Quit | Command::Open) => ScrollKey::Close,
        Some(Command::Down) => ScrollKey::Down(1),
        Some(Command::Up) => ScrollKey::Down(-1),
        Some(Command::PageDown) => ScrollKey::Down(page),
        Some(Command::PageUp) => ScrollKey::Down(-page),
        Some(Command::First) => ScrollKey::Down(i32::MIN / 2),
        Some(Command::Last) => ScrollKey::Down(i32::MAX / 2),
        _ if key.code == KeyCode::Esc => ScrollKey::Close,
        _ => ScrollKey::Nothing,
    }
}

/// Moves `scroll` by `delta`, inside `0..=max`.
pub fn clamp(scroll: &mut u16, delta: i32, max: u16) {
    let next = i32::from(*scroll)
        .saturating_add(delta)
        .clamp(0, i32::from(max));
    *scroll = u16::try_from(next).unwrap_or(0);
}
