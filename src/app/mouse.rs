//! The mouse, when it is on (`--mouse`, `mouse = true`): the wheel scrolls, a click on a row
//! selects it, a click on an earlier step of the path at the top goes back to it. Positions
//! follow the layout the drawing code uses (header, path, framed list, status, hints).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::screens::{keys, with_list};
use super::{Effect, Screen, State};

/// The path line's row, under the header.
const CRUMBS_ROW: u16 = 1;
/// The list's frame starts under the path.
const BODY_ROW: u16 = 2;

pub fn handle(state: &mut State, mouse: MouseEvent) -> Vec<Effect> {
    if !state.mouse || state.too_small() {
        return Vec::new();
    }
    match mouse.kind {
        MouseEventKind::ScrollDown => scroll(state, 3),
        MouseEventKind::ScrollUp => scroll(state, -3),
        MouseEventKind::Down(MouseButton::Left) if mouse.row == CRUMBS_ROW => {
            match crumb_at(state, mouse.column) {
                Some(i) if i + 1 < state.screens.len() => back_to(state, i),
                _ => Vec::new(),
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            let Some((first, offset, len)) = rows(state) else {
                return Vec::new();
            };
            let Some(line) = mouse.row.checked_sub(first) else {
                return Vec::new();
            };
            // The frame's bottom border, the status bar and the hints are below the rows.
            let below_rows = state.size.1.saturating_sub(3);
            let target = offset + usize::from(line);
            if mouse.row >= below_rows || target >= len {
                return Vec::new();
            }
            let current = selected_index(state);
            let delta =
                isize::try_from(target).unwrap_or(0) - isize::try_from(current).unwrap_or(0);
            scroll(state, delta)
        }
        _ => Vec::new(),
    }
}

fn scroll(state: &mut State, delta: isize) -> Vec<Effect> {
    state.dirty = true;
    keys::move_selection(state, delta);
    state.load_more()
}

fn selected_index(state: &State) -> usize {
    with_list!(state.top(), |l| l.selected_index()).unwrap_or(0)
}

/// The screen row of the first list row, the list's offset and how many rows it shows in
/// all; `None` on screens without a list.
fn rows(state: &State) -> Option<(u16, usize, usize)> {
    // The frame's top border, an optional filter line, then the column titles.
    let filter = |editing: bool, active: bool| u16::from(editing || active);
    let above = match state.top() {
        Screen::GroupDetail(s) => s.fields_frame_height(state.size),
        Screen::Browser(b) if b.form.is_some() => 2,
        Screen::Audit(_) => super::screens::audit::above_rows(state.size.0),
        _ => 0,
    };
    with_list!(state.top(), |l| (
        BODY_ROW + above + 2 + filter(l.filter.editing, l.filter.is_active()),
        l.offset(),
        l.view_len(),
    ))
}

/// Which step of the path is at column `x`, laid out as the path line draws it: a space,
/// then the steps joined by " › ", the start cut to "…" when it is too long.
pub fn crumb_at(state: &State, x: u16) -> Option<usize> {
    let crumbs: Vec<String> = state
        .screens
        .iter()
        .map(|s| crate::text::sanitize(&s.crumb()).into_owned())
        .collect();
    let width = usize::from(state.size.0);
    let length = 1
        + crumbs.iter().map(|c| c.chars().count()).sum::<usize>()
        + 3 * crumbs.len().saturating_sub(1);
    // Cut: " …" then the last (width - 2) characters.
    let shift = if length > width && width > 2 {
        length - (width - 2)
    } else {
        0
    };
    let mut column = usize::from(x) + shift;
    if shift > 0 {
        if usize::from(x) < 2 {
            return None;
        }
        column -= 2;
    }
    let mut start = 1;
    for (i, crumb) in crumbs.iter().enumerate() {
        let end = start + crumb.chars().count();
        if (start..end).contains(&column) {
            return Some(i);
        }
        start = end + 3;
    }
    None
}

fn back_to(state: &mut State, index: usize) -> Vec<Effect> {
    let mut effects = Vec::new();
    while state.screens.len() > index + 1 {
        effects.extend(state.pop());
    }
    state.dirty = true;
    effects
}
