//! The create dialogs: an endpoint group on a listener (the seed operation), an accelerator,
//! a listener, and adding subnets to a group. Each builds a `Form`, validates it before
//! anything is sent (errors next to the field at fault), and turns it into one call carrying
//! the form's idempotency token. The endpoint-group and add-subnet dialogs have rooms of their
//! own (`new_group`, `add_subnets`), and so does the listener's free-port count (`capacity`).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::overlays::capacity::PortCount;
use crate::app::overlays::fields::{Field, Focus, Form, Outcome};
use crate::app::overlays::subnet_picker::{self, SubnetPicker};
use crate::app::overlays::{add_subnets, new_group};
use crate::model::{
    Accelerator, EndpointGroup, Listener, NewAccelerator, NewListener, PortRange, Tag,
    parse_accelerator_name,
};

/// Rows of a listener's port ranges hold at least this many ports.
const MIN_LISTENER_RANGE: u32 = 16;
const MAX_TAGS: usize = 50;

#[derive(Debug, Clone)]
pub enum DialogKind {
    EndpointGroup {
        accelerator: Accelerator,
        listener: Listener,
        /// Regions that already have an endpoint group on this listener.
        taken: Vec<String>,
    },
    Accelerator,
    Listener {
        accelerator: Accelerator,
        /// Port ranges of the accelerator's other listeners, with their listener ARN.
        others: Vec<(String, PortRange)>,
    },
    /// AddCustomRoutingEndpoints on a group, optionally followed by allowing all traffic.
    AddEndpoints {
        group: EndpointGroup,
        /// The group's listener, whose free ports the dialog counts.
        listener: Listener,
        /// The region's subnets to choose from; `None` with the join off (ids typed only).
        picker: Option<Box<SubnetPicker>>,
    },
}

#[derive(Debug, Clone)]
pub struct CreateDialog {
    pub kind: DialogKind,
    pub form: Form,
    /// The highlighted region suggestion.
    pub suggestion: Option<usize>,
    /// The last submit failed on the port ranges as a whole (InvalidPortRange).
    pub rows_error: Option<String>,
    /// Ctrl-C with typed input: y quits.
    pub quitting: bool,
    /// The listener's free ports, for the capacity lines (endpoint groups, subnets).
    pub count: PortCount,
}

impl CreateDialog {
    pub fn endpoint_group(
        accelerator: Accelerator,
        listener: Listener,
        taken: Vec<String>,
    ) -> Self {
        Self::new(
            DialogKind::EndpointGroup {
                accelerator,
                listener,
                taken,
            },
            new_group::form(),
        )
    }

    pub fn accelerator() -> Self {
        let form = Form::new(
            vec![Field::text("Name", 32), Field::toggle("Enabled", true)],
            vec![Field::text("Key", 20), Field::text("Value", 30)],
            0,
            MAX_TAGS,
        );
        Self::new(DialogKind::Accelerator, form)
    }

    pub fn listener(accelerator: Accelerator, others: Vec<(String, PortRange)>) -> Self {
        let mut form = Form::new(
            vec![],
            vec![Field::text("From", 5), Field::text("To", 5)],
            1,
            10,
        );
        form.focus = Focus::Row(0, 0);
        Self::new(
            DialogKind::Listener {
                accelerator,
                others,
            },
            form,
        )
    }

    fn new(kind: DialogKind, form: Form) -> Self {
        Self {
            kind,
            form,
            suggestion: None,
            rows_error: None,
            quitting: false,
            count: PortCount::NotShown,
        }
    }

    /// `a` in a group's subnet list: with `pick`, the region's subnets to choose from above
    /// the typed ids.
    pub fn add_endpoints(group: EndpointGroup, listener: Listener, pick: bool) -> Self {
        let picker = pick.then(|| Box::new(SubnetPicker::new(&group.region)));
        Self::new(
            DialogKind::AddEndpoints {
                group,
                listener,
                picker,
            },
            add_subnets::form(),
        )
    }

    /// The endpoint group subnets are added to.
    pub fn group(&self) -> Option<&EndpointGroup> {
        match &self.kind {
            DialogKind::AddEndpoints { group, .. } => Some(group),
            _ => None,
        }
    }

    /// The subnet picker, when this dialog has one.
    pub fn picker(&self) -> Option<&SubnetPicker> {
        match &self.kind {
            DialogKind::AddEndpoints { picker, .. } => picker.as_deref(),
            _ => None,
        }
    }

    pub fn picker_mut(&mut self) -> Option<&mut SubnetPicker> {
        match &mut self.kind {
            DialogKind::AddEndpoints { picker, .. } => picker.as_deref_mut(),
            _ => None,
        }
    }

    /// A paste: into the focused field, or the picker's filter or ids (see `subnet_picker`).
    pub fn paste(&mut self, text: &str) {
        match &mut self.kind {
            DialogKind::AddEndpoints {
                picker: Some(p), ..
            } => subnet_picker::dialog_paste(p, &mut self.form, text),
            _ => self.form.paste(text),
        }
    }

    /// The listener whose free ports this dialog shows.
    pub fn listener_to_count(&self) -> Option<&Listener> {
        match &self.kind {
            DialogKind::EndpointGroup { listener, .. }
            | DialogKind::AddEndpoints { listener, .. } => Some(listener),
            DialogKind::Accelerator | DialogKind::Listener { .. } => None,
        }
    }

    /// The count's call `id` is on its way.
    pub fn counting(&mut self, id: RequestId, now: Instant) {
        self.count = PortCount::Counting { id, since: now };
    }

    /// The count's answer arrived.
    pub fn counted(&mut self, result: Result<Reply, ApiError>) {
        self.count.arrived(result);
    }

    /// The Ctrl-N/Ctrl-D rows exist in this dialog.
    pub fn has_rows(&self) -> bool {
        self.form.max_rows > 0
    }

    /// Space has something to toggle in this dialog.
    pub fn has_toggles(&self) -> bool {
        self.form
            .head
            .iter()
            .chain(&self.form.row_template)
            .any(|f| matches!(f.widget, crate::app::overlays::fields::Widget::Toggle(_)))
    }

    /// Whether this dialog creates something (its button says Create) or changes it (Add).
    pub fn verb(&self) -> &'static str {
        match self.kind {
            DialogKind::AddEndpoints { .. } => "Add",
            _ => "Create",
        }
    }

    pub fn title(&self) -> String {
        match &self.kind {
            DialogKind::AddEndpoints { group, .. } => format!(
                "Add subnet endpoints to {} group {}",
                group.region,
                crate::app::rows::short_id(&group.arn)
            ),
            DialogKind::EndpointGroup { listener, .. } => format!(
                "New endpoint group on listener {}",
                crate::app::rows::short_id(&listener.arn)
            ),
            DialogKind::Accelerator => "New custom routing accelerator".into(),
            DialogKind::Listener { accelerator, .. } => {
                format!("New listener on {}", accelerator.name)
            }
        }
    }

    /// What the rows are, as the section heading says.
    pub fn rows_heading(&self) -> &'static str {
        match self.kind {
            DialogKind::EndpointGroup { .. } => new_group::HEADING,
            DialogKind::Accelerator => "Tags (Ctrl-N adds, Ctrl-D removes)",
            DialogKind::Listener { .. } => {
                "Port ranges, 16 ports or more (Ctrl-N adds, Ctrl-D removes)"
            }
            DialogKind::AddEndpoints { .. } => add_subnets::HEADING,
        }
    }

    /// Regions matching what is typed in the region field, while it has focus.
    pub fn suggestions(&self) -> Vec<&'static str> {
        match self.kind {
            DialogKind::EndpointGroup { .. } => new_group::suggestions(&self.form),
            _ => Vec::new(),
        }
    }

    /// Regions already used on this listener (marked in the suggestions).
    pub fn taken(&self) -> &[String] {
        match &self.kind {
            DialogKind::EndpointGroup { taken, .. } => taken,
            _ => &[],
        }
    }

    /// Handles a key: the subnet picker or region suggestions first, then the form.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        if let DialogKind::AddEndpoints {
            picker: Some(p), ..
        } = &mut self.kind
            && let Some(outcome) = subnet_picker::dialog_key(p, &mut self.form, key)
        {
            return outcome;
        }
        let suggestions = self.suggestions();
        if !suggestions.is_empty() && !self.form.confirm_discard {
            let last = suggestions.len() - 1;
            match key.code {
                KeyCode::Down => {
                    self.suggestion = Some(self.suggestion.map_or(0, |s| (s + 1).min(last)));
                    return Outcome::Changed;
                }
                KeyCode::Up => {
                    self.suggestion = self.suggestion.and_then(|s| s.checked_sub(1));
                    return Outcome::Changed;
                }
                KeyCode::Enter => {
                    let pick = suggestions[self.suggestion.unwrap_or(0).min(last)];
                    self.form.head[0].set_text(pick);
                    self.form.head[0].error = None;
                    self.form.edited();
                    self.suggestion = None;
                    // Enter takes the suggestion only; the next Enter or Tab moves on.
                    return Outcome::Changed;
                }
                _ => {}
            }
        }
        let outcome = self.form.key(key);
        if outcome == Outcome::Changed && self.suggestion.is_some() {
            self.suggestion = self.suggestion.map(|s| s.min(new_group::SUGGESTIONS - 1));
        }
        outcome
    }

    /// Checks every field; on success returns the create call. Errors land on the fields.
    pub fn validate(&mut self) -> Option<Call> {
        self.form.clear_errors();
        self.rows_error = None;
        let call = match &self.kind {
            DialogKind::EndpointGroup {
                listener, taken, ..
            } => new_group::validate(&mut self.form, listener, taken),
            DialogKind::Accelerator => validate_accelerator(&mut self.form),
            DialogKind::Listener {
                accelerator,
                others,
            } => validate_listener(&mut self.form, accelerator, others),
            DialogKind::AddEndpoints { group, picker, .. } => {
                let picked = picker.as_ref().map(|p| p.chosen.as_slice());
                add_subnets::validate(&mut self.form, group, picked)
            }
        };
        if self.form.has_field_errors() {
            return None;
        }
        call
    }

    /// Puts a failed submit's message where it belongs; every field keeps what was typed.
    pub fn failed(&mut self, error: &ApiError) {
        self.form.submitting = None;
        let message = error.to_string();
        match error {
            ApiError::EndpointGroupAlreadyExists(_) if !self.form.head.is_empty() => {
                self.form.head[0].error = Some(message);
            }
            ApiError::InvalidPortRange(_) => self.rows_error = Some(message),
            ApiError::LimitExceeded(_) if matches!(self.kind, DialogKind::AddEndpoints { .. }) => {
                self.form.error = Some(add_subnets::listener_full(&message));
            }
            _ => self.form.error = Some(message),
        }
    }

    /// What the listener's free ports allow, as the user types (see `capacity`).
    pub fn capacity(&self) -> Vec<String> {
        let ports = match &self.kind {
            DialogKind::EndpointGroup { .. } => new_group::typed_destination_ports(&self.form),
            DialogKind::AddEndpoints { group, .. } => add_subnets::destination_ports(group),
            DialogKind::Accelerator | DialogKind::Listener { .. } => return Vec::new(),
        };
        self.count.lines(ports)
    }
}

fn validate_accelerator(form: &mut Form) -> Option<Call> {
    let name = parse_accelerator_name(form.head[0].value())
        .map_err(|e| form.head[0].error = Some(e.to_string()))
        .ok();
    let mut tags: Vec<Tag> = Vec::new();
    for row in &mut form.rows {
        let key = row[0].value().trim().to_string();
        let value = row[1].value().to_string();
        if key.is_empty() || key.chars().count() > 128 {
            row[0].error = Some("a tag key is 1 to 128 characters".into());
        } else if tags.iter().any(|t| t.key == key) {
            row[0].error = Some(format!("{key} is already a key above"));
        }
        if value.chars().count() > 256 {
            row[1].error = Some("a tag value is at most 256 characters".into());
        }
        tags.push(Tag { key, value });
    }
    Some(Call::CreateAccelerator(NewAccelerator {
        name: name?,
        ip_address_type: None,
        ip_addresses: vec![],
        enabled: Some(form.head[1].is_on()),
        idempotency_token: form.token.clone(),
        tags,
    }))
}

fn validate_listener(
    form: &mut Form,
    accelerator: &Accelerator,
    others: &[(String, PortRange)],
) -> Option<Call> {
    let ranges: Vec<Option<PortRange>> = (0..form.rows.len()).map(|r| form.port_range(r)).collect();
    for (row, range) in form.rows.iter_mut().zip(&ranges) {
        let Some(range) = range else { continue };
        if range.len() < MIN_LISTENER_RANGE {
            row[1].error = Some(format!(
                "{range} holds {} ports; a listener range needs {MIN_LISTENER_RANGE} or more",
                range.len()
            ));
        } else if let Some((arn, other)) = others.iter().find(|(_, o)| o.overlaps(*range)) {
            row[0].error = Some(format!(
                "overlaps {other} of listener {}",
                crate::app::rows::short_id(arn)
            ));
        }
    }
    form.mark_overlaps(&ranges);
    let port_ranges: Vec<PortRange> = ranges.into_iter().flatten().collect();
    Some(Call::CreateListener(NewListener {
        accelerator_arn: accelerator.arn.clone(),
        port_ranges,
        idempotency_token: form.token.clone(),
    }))
}
