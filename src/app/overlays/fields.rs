//! The modal form machinery the create dialogs share: fixed fields, then repeated rows of
//! fields (port ranges, tags), then a submit button; one focus walks them all in order.
//! What is typed is never dropped except by a confirmed discard or removing a row.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::call::RequestId;
use crate::model::{PortRange, parse_port};

#[derive(Debug, Clone)]
pub enum Widget {
    Text(Input),
    Toggle(bool),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub widget: Widget,
    pub error: Option<String>,
    /// Cells the field takes on screen (text fields).
    pub width: u16,
}

impl Field {
    pub fn text(label: &'static str, width: u16) -> Self {
        Self {
            label,
            widget: Widget::Text(Input::default()),
            error: None,
            width,
        }
    }

    pub fn toggle(label: &'static str, on: bool) -> Self {
        Self {
            label,
            widget: Widget::Toggle(on),
            error: None,
            width: 0,
        }
    }

    pub fn value(&self) -> &str {
        match &self.widget {
            Widget::Text(input) => input.value(),
            Widget::Toggle(_) => "",
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self.widget, Widget::Toggle(true))
    }

    pub fn set_text(&mut self, value: &str) {
        if let Widget::Text(input) = &mut self.widget {
            *input = Input::new(value.to_string());
        }
    }
}

/// Where the focus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Head(usize),
    Row(usize, usize),
    Submit,
}

/// What a key did to the form, for the dialog that owns it to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Nothing,
    Changed,
    Submit,
    /// Esc with nothing typed, or a confirmed discard.
    Close,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub head: Vec<Field>,
    pub rows: Vec<Vec<Field>>,
    /// A fresh row, as Ctrl-N adds it.
    pub row_template: Vec<Field>,
    pub min_rows: usize,
    pub max_rows: usize,
    pub focus: Focus,
    /// Kept for every retry of this form, so a resubmit cannot create a second resource.
    pub token: String,
    pub submitting: Option<RequestId>,
    /// Submitted at least once: the token may already have created the resource.
    pub attempted: bool,
    /// The service's answer to the last submit, or a problem with the form as a whole.
    pub error: Option<String>,
    /// A warning the user may overrule by submitting again.
    pub warning: Option<String>,
    pub warning_acknowledged: bool,
    /// Esc with typed input: waiting for y/n.
    pub confirm_discard: bool,
    dirty: bool,
}

/// Longest text a field keeps: far beyond any valid value, short enough to draw.
pub const MAX_FIELD: usize = 256;

impl Form {
    pub fn new(head: Vec<Field>, row_template: Vec<Field>, rows: usize, max_rows: usize) -> Self {
        Self {
            head,
            rows: vec![row_template.clone(); rows],
            min_rows: rows.min(1),
            row_template,
            max_rows,
            focus: Focus::Head(0),
            token: uuid::Uuid::new_v4().to_string(),
            submitting: None,
            attempted: false,
            error: None,
            warning: None,
            warning_acknowledged: false,
            confirm_discard: false,
            dirty: false,
        }
    }

    /// Something was typed or toggled since the form opened.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    fn order(&self) -> Vec<Focus> {
        let mut order: Vec<Focus> = (0..self.head.len()).map(Focus::Head).collect();
        for (r, row) in self.rows.iter().enumerate() {
            order.extend((0..row.len()).map(|f| Focus::Row(r, f)));
        }
        order.push(Focus::Submit);
        order
    }

    pub fn focused(&self) -> Option<&Field> {
        match self.focus {
            Focus::Head(i) => self.head.get(i),
            Focus::Row(r, f) => self.rows.get(r).and_then(|row| row.get(f)),
            Focus::Submit => None,
        }
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        match self.focus {
            Focus::Head(i) => self.head.get_mut(i),
            Focus::Row(r, f) => self.rows.get_mut(r).and_then(|row| row.get_mut(f)),
            Focus::Submit => None,
        }
    }

    pub fn move_focus(&mut self, forward: bool) {
        let order = self.order();
        let at = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward {
            (at + 1) % order.len()
        } else {
            (at + order.len() - 1) % order.len()
        };
        self.focus = order[next];
    }

    fn add_row(&mut self) -> bool {
        if self.rows.len() >= self.max_rows {
            self.error = Some(format!("at most {} rows", self.max_rows));
            return false;
        }
        let at = match self.focus {
            Focus::Row(r, _) => r + 1,
            Focus::Head(_) => 0,
            Focus::Submit => self.rows.len(),
        };
        self.rows.insert(at, self.row_template.clone());
        self.focus = Focus::Row(at, 0);
        true
    }

    fn remove_row(&mut self) -> bool {
        let Focus::Row(r, _) = self.focus else {
            return false;
        };
        if self.rows.len() <= self.min_rows {
            self.error = Some("at least one row is needed".into());
            return false;
        }
        self.rows.remove(r);
        self.focus = if self.rows.is_empty() {
            Focus::Submit
        } else {
            Focus::Row(r.min(self.rows.len() - 1), 0)
        };
        true
    }

    /// Clears every field error (before validating again).
    pub fn clear_errors(&mut self) {
        for field in self.head.iter_mut().chain(self.rows.iter_mut().flatten()) {
            field.error = None;
        }
        self.error = None;
    }

    pub fn has_field_errors(&self) -> bool {
        self.head
            .iter()
            .chain(self.rows.iter().flatten())
            .any(|f| f.error.is_some())
    }

    /// Handles a key; the dialog decides what Submit and Close mean.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('y' | 'Y') => Outcome::Close,
                _ => {
                    self.confirm_discard = false;
                    Outcome::Changed
                }
            };
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('s') if ctrl => return Outcome::Submit,
            KeyCode::Char('n') if ctrl => {
                self.dirty |= self.add_row();
                return Outcome::Changed;
            }
            KeyCode::Char('d') if ctrl => {
                self.dirty |= self.remove_row();
                return Outcome::Changed;
            }
            KeyCode::Esc => {
                if self.dirty {
                    self.confirm_discard = true;
                    return Outcome::Changed;
                }
                return Outcome::Close;
            }
            KeyCode::Tab | KeyCode::Down if !ctrl => {
                self.move_focus(true);
                return Outcome::Changed;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.move_focus(false);
                return Outcome::Changed;
            }
            KeyCode::Enter if self.focus == Focus::Submit => return Outcome::Submit,
            KeyCode::Enter => {
                self.move_focus(true);
                return Outcome::Changed;
            }
            _ => {}
        }
        let Some(field) = self.focused_mut() else {
            return Outcome::Nothing;
        };
        let changed = match &mut field.widget {
            Widget::Toggle(on) => {
                if key.code == KeyCode::Char(' ') {
                    *on = !*on;
                    true
                } else {
                    false
                }
            }
            Widget::Text(input) => {
                if input.value().chars().count() >= MAX_FIELD
                    && matches!(key.code, KeyCode::Char(_))
                {
                    false
                } else {
                    input.handle_event(&Event::Key(key)).is_some()
                }
            }
        };
        if changed {
            field.error = None;
            self.dirty = true;
            self.edited();
            Outcome::Changed
        } else {
            Outcome::Nothing
        }
    }

    /// A paste goes into the focused text field as one line of printable characters.
    pub fn paste(&mut self, text: &str) {
        let Some(field) = self.focused_mut() else {
            return;
        };
        if let Widget::Text(input) = &mut field.widget {
            let room = MAX_FIELD.saturating_sub(input.value().chars().count());
            let clean: String = text
                .chars()
                .filter(|c| !c.is_control())
                .take(room)
                .collect();
            *input = Input::new(format!("{}{}", input.value(), clean.trim()));
            field.error = None;
            self.dirty = true;
            self.edited();
        }
    }

    /// Something was put in a field from outside the keys (a paste routed here): the form
    /// counts as typed in.
    pub fn touched(&mut self) {
        self.dirty = true;
        self.edited();
    }

    /// Something typed changed: a warning about the old value no longer holds, and the next
    /// submit checks again.
    pub fn edited(&mut self) {
        self.warning = None;
        self.warning_acknowledged = false;
    }

    /// The port range typed in the From and To fields (the first two) of row `row`; errors
    /// land on the field at fault.
    pub fn port_range(&mut self, row: usize) -> Option<PortRange> {
        let fields = self.rows.get_mut(row)?;
        let [from_field, to_field, ..] = &mut fields[..] else {
            return None;
        };
        let from = parse_port(from_field.value())
            .map_err(|e| from_field.error = Some(e.to_string()))
            .ok();
        let to = parse_port(to_field.value())
            .map_err(|e| to_field.error = Some(e.to_string()))
            .ok();
        let (from, to) = (from?, to?);
        let range = PortRange::new(from, to);
        if range.is_none() {
            to_field.error = Some(format!("To must be {from} or more"));
        }
        range
    }

    /// Marks rows whose range (`ranges`, one per row) overlaps an earlier row's.
    pub fn mark_overlaps(&mut self, ranges: &[Option<PortRange>]) {
        for (j, b) in ranges.iter().enumerate() {
            let Some(b) = b else { continue };
            if let Some((i, a)) = ranges[..j]
                .iter()
                .enumerate()
                .find_map(|(i, a)| a.filter(|a| a.overlaps(*b)).map(|a| (i, a)))
                && let Some(from) = self.rows.get_mut(j).and_then(|r| r.first_mut())
            {
                from.error = Some(format!("overlaps {a} (row {})", i + 1));
            }
        }
    }
}
