//! The subnet picker of the add-subnet dialog (`a` on an endpoint group): every subnet of the
//! group's region as EC2 lists it, each with the addresses Global Accelerator would map and the
//! listener ports it would take, those already in the group marked and not choosable. Typing
//! filters, Space chooses, up to the 20 subnets one AddCustomRoutingEndpoints call takes; ids
//! typed in the dialog's field count with the chosen ones. The rows come from the join
//! (`join::demand` hands them over), so the picker never asks EC2 itself.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use crate::app::Hint;
use crate::app::list::{Column, ListPane, Row};
use crate::app::overlays::add_subnets::{self, MAX_ADD};
use crate::app::overlays::fields::{Focus, Form, MAX_FIELD, Outcome};
use crate::model::EndpointGroup;
use crate::model::ec2::Subnet;

/// Longest filter kept: far beyond any id, name or block.
const MAX_FILTER: usize = 128;

/// Rows PageUp and PageDown move by.
const PAGE: isize = 10;

/// Rows of the terminal the dialog leaves to the screen: the header and the hint bar, and
/// the blank row between each and the dialog.
pub const AROUND: u16 = 4;

/// Lines of the dialog besides the subnet rows at the least: the frame, the filter, the
/// column titles, the cursor row's facts, the count, a blank, the ids, the toggle and the
/// button.
pub const OTHER_LINES: u16 = 10;

/// Subnet rows the picker shows in a terminal `height` rows high (at least three, at most
/// twenty): the drawing and the scrolling agree on it.
pub fn rows_shown(height: u16) -> usize {
    usize::from(height.saturating_sub(AROUND + OTHER_LINES)).clamp(3, 20)
}

/// One subnet of the region, as a row of the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub subnet: Subnet,
    /// Already an endpoint of the group: marked, never chosen.
    pub in_group: bool,
    /// Addresses Global Accelerator would map (its size less the five AWS keeps); `None`
    /// without an IPv4 block.
    pub usable: Option<u32>,
    /// Listener ports it would take: every mapped address × every destination port.
    pub ports: Option<u64>,
}

impl Choice {
    fn new(subnet: Subnet, group: &EndpointGroup, destination_ports: u64) -> Self {
        let usable = crate::model::join::usable(&subnet);
        Self {
            in_group: group.endpoints.contains(&subnet.id),
            ports: usable.map(|u| u64::from(u) * destination_ports),
            usable,
            subnet,
        }
    }
}

impl Row for Choice {
    /// What the filter looks in: the sizes are numbers drawn beside these, not filtered.
    const COLUMNS: &'static [Column] = &[
        Column::text("SUBNET", 24, false),
        Column::text("NAME", 6, true),
        Column::text("CIDR", 12, false),
        Column::text("ZONE", 10, false),
        Column::text("VPC", 12, false),
    ];

    fn cells(&self) -> Vec<String> {
        let s = &self.subnet;
        vec![
            s.id.clone(),
            s.name.clone().unwrap_or_default(),
            s.cidr.map(|c| c.to_string()).unwrap_or_default(),
            s.availability_zone.clone(),
            s.vpc_id.clone(),
        ]
    }

    fn id(&self) -> &str {
        &self.subnet.id
    }
}

/// What a key did in the picker, for the dialog to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKey {
    Changed,
    Nothing,
    /// Enter: add what is chosen (and typed).
    Submit,
    /// Tab (forward) or Shift-Tab: the keys go to the dialog's fields.
    Leave {
        forward: bool,
    },
}

/// The subnets a selection takes, counted against the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Taken {
    /// Distinct subnets chosen or typed.
    pub subnets: usize,
    /// Listener ports those of known size take.
    pub ports: u64,
    /// Typed ids (or subnets without an IPv4 block) whose size EC2 did not tell.
    pub unknown: usize,
}

#[derive(Debug, Clone)]
pub struct SubnetPicker {
    /// The endpoint group's region, whose subnets are listed.
    pub region: String,
    pub list: ListPane<Choice>,
    /// Chosen subnet ids, in the order chosen.
    pub chosen: Vec<String>,
    /// The picker has the keys; otherwise the dialog's fields below it do.
    pub focused: bool,
    /// Why the last Space did nothing (a 21st subnet, one already in the group).
    pub notice: Option<String>,
    /// The region's subnets the rows were made from.
    source: Option<Arc<Vec<Subnet>>>,
    /// The keys went to the typed ids once, when the region could not be listed.
    gave_way: bool,
}

impl SubnetPicker {
    pub fn new(region: &str) -> Self {
        Self {
            region: region.to_string(),
            list: ListPane::default(),
            chosen: Vec::new(),
            focused: true,
            notice: None,
            source: None,
            gave_way: false,
        }
    }

    /// Makes rows of the region's `subnets` unless they are the ones shown: those not yet in
    /// `group` first, each as EC2 lists them. The filter, the cursor and the choice stay.
    pub fn show(
        &mut self,
        subnets: &Arc<Vec<Subnet>>,
        group: &EndpointGroup,
        destination_ports: u64,
        now: Instant,
    ) -> bool {
        if self
            .source
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, subnets))
        {
            return false;
        }
        let mut rows: Vec<Choice> = subnets
            .iter()
            .map(|s| Choice::new(s.clone(), group, destination_ports))
            .collect();
        rows.sort_by_key(|r| r.in_group);
        self.list.replace_rows(rows, now);
        self.source = Some(Arc::clone(subnets));
        true
    }

    /// The region could not be listed: the keys go to the typed ids, once (a Shift-Tab
    /// brings them back).
    pub fn give_way(&mut self) -> bool {
        if self.gave_way || !self.focused {
            return false;
        }
        self.gave_way = true;
        self.focused = false;
        true
    }

    /// Whether rows were made (the region's subnets arrived at least once).
    pub fn has_rows(&self) -> bool {
        self.source.is_some()
    }

    pub fn row(&self, id: &str) -> Option<&Choice> {
        self.list.rows().iter().find(|r| r.subnet.id == id)
    }

    /// The chosen ids, then the typed ones not among them.
    pub fn all<'a>(&'a self, typed: &'a [String]) -> Vec<&'a str> {
        let mut all: Vec<&str> = self.chosen.iter().map(String::as_str).collect();
        for id in typed {
            if !all.contains(&id.as_str()) {
                all.push(id);
            }
        }
        all
    }

    /// What the chosen and `typed` subnets take together.
    pub fn taken(&self, typed: &[String]) -> Taken {
        let mut taken = Taken::default();
        for id in self.all(typed) {
            taken.subnets += 1;
            match self.row(id).and_then(|r| r.ports) {
                Some(p) => taken.ports += p,
                None => taken.unknown += 1,
            }
        }
        taken
    }

    /// Space: chooses the subnet under the cursor, or lets it go. One already in the group,
    /// or a 21st, is refused with a notice, and nothing chosen changes.
    fn toggle(&mut self, typed: &[String]) {
        let Some(row) = self.list.selected() else {
            self.notice = Some("no subnet under the cursor".into());
            return;
        };
        let id = row.subnet.id.clone();
        if row.in_group {
            self.notice = Some(format!("{id} is already in this endpoint group"));
        } else if let Some(at) = self.chosen.iter().position(|c| *c == id) {
            self.chosen.remove(at);
        } else if typed.contains(&id) {
            self.notice = Some(format!("{id} is typed in the ids field already"));
        } else if self.all(typed).len() >= MAX_ADD {
            self.notice = Some(format!(
                "at most {MAX_ADD} subnets in one add (AddCustomRoutingEndpoints takes \
                 {MAX_ADD} a call): add these {MAX_ADD} first, then the rest"
            ));
        } else {
            self.chosen.push(id);
        }
    }

    /// A key while the picker has the keys; `typed` are the ids typed in the dialog's field.
    pub fn key(&mut self, key: KeyEvent, typed: &[String]) -> PickerKey {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        self.notice = None;
        match key.code {
            KeyCode::Enter => return PickerKey::Submit,
            KeyCode::Char('s') if ctrl => return PickerKey::Submit,
            KeyCode::Tab => return PickerKey::Leave { forward: true },
            KeyCode::BackTab => return PickerKey::Leave { forward: false },
            KeyCode::Char(' ') => self.toggle(typed),
            KeyCode::Up => self.list.move_by(-1),
            KeyCode::Down => self.list.move_by(1),
            KeyCode::PageUp => self.list.move_by(-PAGE),
            KeyCode::PageDown => self.list.move_by(PAGE),
            KeyCode::Char(_) if self.list.filter.text().chars().count() >= MAX_FILTER => {
                return PickerKey::Nothing;
            }
            KeyCode::Char(_)
            | KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End => {
                let before = self.list.filter.text().to_string();
                if self
                    .list
                    .filter
                    .input
                    .handle_event(&Event::Key(key))
                    .is_none()
                {
                    return PickerKey::Nothing;
                }
                if self.list.filter.text() != before {
                    self.list.refilter();
                }
            }
            _ => return PickerKey::Nothing,
        }
        PickerKey::Changed
    }

    /// A paste into the filter, as one clean line (ids are pasted into the ids field).
    pub fn paste(&mut self, text: &str) {
        let room = MAX_FILTER.saturating_sub(self.list.filter.text().chars().count());
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control())
            .take(room)
            .collect();
        let value = format!("{}{}", self.list.filter.text(), clean.trim());
        self.list.filter.input = tui_input::Input::new(value);
        self.list.refilter();
    }
}

/// The hint bar while the picker has the keys.
pub fn hints() -> Vec<Hint> {
    let hint = |keys: &str, action| Hint {
        keys: keys.into(),
        action,
    };
    vec![
        hint("type", "filter"),
        hint("Space", "choose"),
        hint("⏎", "add"),
        hint("Tab", "typed ids"),
        hint("Esc", "close"),
    ]
}

/// Whether the dialog holds something the user would lose by closing it: ids typed, a
/// toggle changed, a subnet chosen.
pub fn is_dirty(picker: &SubnetPicker, form: &Form) -> bool {
    form.is_dirty() || !picker.chosen.is_empty()
}

/// A key in a dialog with a picker: the picker takes it while it has the keys, Tab and
/// Shift-Tab walk from the dialog's last and first fields into it, and Esc asks before a
/// choice is lost. `None`: the form handles the key as in any dialog.
pub fn dialog_key(picker: &mut SubnetPicker, form: &mut Form, key: KeyEvent) -> Option<Outcome> {
    if form.confirm_discard {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if key.code == KeyCode::Esc {
        if is_dirty(picker, form) {
            form.confirm_discard = true;
            return Some(Outcome::Changed);
        }
        return Some(Outcome::Close);
    }
    if !picker.focused {
        let into = match key.code {
            KeyCode::Tab | KeyCode::Down if !ctrl => form.focus == Focus::Submit,
            KeyCode::BackTab | KeyCode::Up => form.focus == Focus::Head(0),
            _ => false,
        };
        if into {
            picker.focused = true;
            return Some(Outcome::Changed);
        }
        return None;
    }
    let typed = add_subnets::typed_ids(form);
    let before = picker.chosen.len();
    let outcome = picker.key(key, &typed);
    if picker.chosen.len() != before {
        // The service's answer was about another choice.
        form.error = None;
        form.edited();
    }
    Some(match outcome {
        PickerKey::Changed => Outcome::Changed,
        PickerKey::Nothing => Outcome::Nothing,
        PickerKey::Submit => Outcome::Submit,
        PickerKey::Leave { forward } => {
            picker.focused = false;
            form.focus = if forward {
                Focus::Head(0)
            } else {
                Focus::Submit
            };
            Outcome::Changed
        }
    })
}

/// A paste in a dialog with a picker: ids go to the ids field (that is how ids come from
/// elsewhere), other text into the filter while the picker has the keys.
pub fn dialog_paste(picker: &mut SubnetPicker, form: &mut Form, text: &str) {
    if !picker.focused {
        form.paste(text);
    } else if add_subnets::all_subnet_ids(text) {
        let mut joined = form.head[0].value().trim().to_string();
        let mut left_out = 0;
        for word in text.split(|c: char| c == ',' || c.is_whitespace()) {
            if word.is_empty() {
                continue;
            }
            let sep = usize::from(!joined.is_empty());
            if joined.chars().count() + sep + word.chars().count() > MAX_FIELD {
                left_out += 1;
                continue;
            }
            if sep == 1 {
                joined.push(' ');
            }
            joined.push_str(word);
        }
        form.head[0].set_text(&joined);
        form.head[0].error = None;
        form.touched();
        if left_out > 0 {
            picker.notice = Some(format!(
                "the ids field holds {MAX_FIELD} characters: {left_out} pasted id(s) left \
                 out; choose them in the list"
            ));
        }
    } else {
        picker.paste(text);
    }
}
