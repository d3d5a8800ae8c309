//! The message log (`!`): every status message and error of the session, with its time, kept
//! after the status bar has moved on or cut it. Long messages wrap whole, newest last.

use std::collections::VecDeque;
use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent, MouseEventKind};
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::Command;
use crate::app::{Hint, Overlay, State};

/// How many messages the log keeps; older ones make way.
pub const KEPT: usize = 500;
/// Cells before a message's text: its age, right-aligned, and its mark (`✗`, `•`).
pub const INDENT: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub text: String,
    pub error: bool,
    /// When it was last said.
    pub at: Instant,
    /// Said this many times in a row (a failing live re-read repeats itself).
    pub times: u32,
}

#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    entries: VecDeque<Entry>,
}

impl MessageLog {
    pub fn record(&mut self, text: &str, error: bool, at: Instant) {
        if let Some(last) = self.entries.back_mut()
            && last.text == text
            && last.error == error
        {
            last.at = at;
            last.times += 1;
            return;
        }
        if self.entries.len() == KEPT {
            self.entries.pop_front();
        }
        self.entries.push_back(Entry {
            text: text.to_string(),
            error,
            at,
            times: 1,
        });
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The overlay's frame for a terminal of `size`: (width, height), borders included. Below
/// 116 columns it takes the whole width, as a popup leaving a sliver beside it would.
pub fn frame_size(size: (u16, u16)) -> (u16, u16) {
    let width = if size.0 >= 116 { 110 } else { size.0 };
    (width, size.1.saturating_sub(4).max(3))
}

/// The text of an entry in lines of at most `width` cells after the indent: broken between
/// words, so a number is never split; only a word longer than a whole line is broken.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let needed = if line.is_empty() {
                word.width()
            } else {
                line.width() + 1 + word.width()
            };
            if needed <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the line: as much as fits, the rest on the next.
            let mut head = String::new();
            let mut rest = word.chars();
            for c in rest.by_ref() {
                head.push(c);
                if head.width() >= width {
                    break;
                }
            }
            lines.push(head);
            word = rest.collect();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// An entry's text as the log shows it, a repeat count included.
pub fn text_of(entry: &Entry) -> String {
    if entry.times > 1 {
        format!("{} (×{})", entry.text, entry.times)
    } else {
        entry.text.clone()
    }
}

/// How many lines the log takes at the current size.
pub fn line_count(state: &State) -> usize {
    let width = usize::from(frame_size(state.size).0.saturating_sub(2)).saturating_sub(INDENT);
    state
        .messages
        .entries()
        .map(|e| wrap(&crate::text::sanitize(&text_of(e)), width).len())
        .sum()
}

/// How far back the log can scroll: the newest lines are shown at the bottom at 0.
pub fn max_scroll(state: &State) -> u16 {
    let shown = usize::from(frame_size(state.size).1.saturating_sub(2));
    u16::try_from(line_count(state).saturating_sub(shown)).unwrap_or(u16::MAX)
}

pub fn open(state: &mut State) {
    state.overlay = Some(Overlay::Messages { scroll: 0 });
}

fn scroll_by(state: &mut State, delta: i32) {
    let max = max_scroll(state);
    if let Some(Overlay::Messages { scroll }) = &mut state.overlay {
        super::scroll::clamp(scroll, delta, max);
    }
}

/// Keys: up goes back in time (the scroll counts lines above the newest).
pub fn key(state: &mut State, key: KeyEvent) {
    use super::scroll::{ScrollKey, read};
    let page = i32::from(frame_size(state.size).1.saturating_sub(3)).max(1);
    match read(state, &key, Command::Messages, page) {
        ScrollKey::Close => state.overlay = None,
        ScrollKey::Down(delta) => scroll_by(state, -delta),
        ScrollKey::Nothing => state.dirty = false,
    }
}

pub fn mouse(state: &mut State, mouse: MouseEvent) {
    let delta = match mouse.kind {
        MouseEventKind::ScrollUp => 3,
        MouseEventKind::ScrollDown => -3,
        _ => return,
    };
    scroll_by(state, delta);
    state.dirty = true;
}

pub fn hints(state: &State) -> Vec<Hint> {
    let keys = format!(
        "{} {}",
        state.keymap.key(Command::Up),
        state.keymap.key(Command::Down)
    );
    vec![
        Hint {
            keys,
            action: "older/newer",
        },
        Hint {
            keys: format!(
                "{} {}",
                state.keymap.key(Command::First),
                state.keymap.key(Command::Last)
            ),
            action: "oldest/newest",
        },
        Hint {
            keys: "Esc".into(),
            action: "close",
        },
    ]
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
