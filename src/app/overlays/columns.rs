//! `C`: the column chooser. It lists every column of the view on top, the shown ones first in
//! their order and checked; Space shows or hides one, `J`/`K` move it, Enter applies (and keeps
//! the choice in the config file), Esc leaves everything as it was.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::columns::{self, View};
use crate::app::keymap::Command;
use crate::app::{Effect, Overlay, State};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    pub view: View,
    /// Every column of the view (an index into `View::columns`) and whether it is chosen, in
    /// the order the view is to show them.
    pub items: Vec<(usize, bool)>,
    pub selected: usize,
    /// Why Enter did not apply.
    pub error: Option<String>,
}

impl Chooser {
    /// The chooser for `chosen` columns of `view`: those first, checked, then the rest.
    pub fn new(view: View, chosen: &[usize]) -> Self {
        let mut items: Vec<(usize, bool)> = chosen.iter().map(|&c| (c, true)).collect();
        items.extend(
            (0..view.columns().len())
                .filter(|c| !chosen.contains(c))
                .map(|c| (c, false)),
        );
        Self {
            view,
            items,
            selected: 0,
            error: None,
        }
    }

    /// The checked columns, in order.
    pub fn chosen(&self) -> Vec<usize> {
        self.items
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| *c)
            .collect()
    }

    fn toggle(&mut self) {
        if let Some((_, on)) = self.items.get_mut(self.selected) {
            *on = !*on;
        }
        self.error = None;
    }

    /// Moves the selected column `down` (or up) one place, keeping it selected.
    fn shift(&mut self, down: bool) {
        let to = if down {
            self.selected + 1
        } else {
            self.selected.wrapping_sub(1)
        };
        if to < self.items.len() {
            self.items.swap(self.selected, to);
            self.selected = to;
        }
    }

    fn go(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }
}

pub fn open(state: &mut State) -> Vec<Effect> {
    let Some(view) = View::of(state.top()) else {
        state.info("this screen has no columns");
        return Vec::new();
    };
    let chosen = state.columns.choice.chosen(view);
    state.overlay = Some(Overlay::Columns(Chooser::new(view, &chosen)));
    Vec::new()
}

pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let command = state.keymap.command(&key);
    let Some(chooser) = state.chooser_mut() else {
        return Vec::new();
    };
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    match key.code {
        KeyCode::Esc => state.overlay = None,
        KeyCode::Enter => return apply(state),
        KeyCode::Char(' ') => chooser.toggle(),
        KeyCode::Char('J') => chooser.shift(true),
        KeyCode::Char('K') => chooser.shift(false),
        KeyCode::Down if shift => chooser.shift(true),
        KeyCode::Up if shift => chooser.shift(false),
        KeyCode::Char('d') => {
            let view = chooser.view;
            *chooser = Chooser::new(view, &view.defaults());
        }
        _ => match command {
            Some(Command::Down) => chooser.go(1),
            Some(Command::Up) => chooser.go(-1),
            Some(Command::First) => chooser.go(isize::MIN),
            Some(Command::Last) => chooser.go(isize::MAX),
            Some(Command::Columns | Command::Quit) => state.overlay = None,
            _ => state.dirty = false,
        },
    }
    Vec::new()
}

/// Enter: the checked columns become the view's, and the config file is asked to keep them.
fn apply(state: &mut State) -> Vec<Effect> {
    let Some(chooser) = state.chooser_mut() else {
        return Vec::new();
    };
    let chosen = chooser.chosen();
    if chosen.is_empty() {
        chooser.error = Some("choose at least one column (Space shows one)".into());
        return Vec::new();
    }
    let view = chooser.view;
    state.overlay = None;
    state.columns.choice.choose(view, chosen);
    state.info(format!("columns of {} applied", view.name()));
    columns::save(state)
}
