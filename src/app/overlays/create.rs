//! The create dialogs: an endpoint group on a listener (the seed operation), an accelerator,
//! a listener. Each builds a `Form`, validates it before anything is sent (errors next to the
//! field at fault), and turns it into one create call carrying the form's idempotency token.

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::ApiError;
use crate::app::call::Call;
use crate::app::overlays::fields::{Field, Focus, Form, Outcome};
use crate::model::{
    AWS_REGIONS, Accelerator, DestinationConfig, EndpointGroup, Listener, NewAccelerator,
    NewEndpointGroup, NewListener, PortRange, Protocol, ProtocolSet, Tag, is_known_region,
    parse_accelerator_name, parse_port, parse_region, parse_subnet_id,
};

/// Rows of a listener's port ranges hold at least this many ports.
const MIN_LISTENER_RANGE: u32 = 16;
const MAX_TAGS: usize = 50;
const SUGGESTIONS: usize = 6;

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
    /// The listener's ports, for the capacity lines (endpoint groups, subnets).
    pub usage: Option<crate::model::capacity::ListenerUsage>,
    pub usage_pending: Option<crate::app::call::RequestId>,
}

impl CreateDialog {
    pub fn endpoint_group(
        accelerator: Accelerator,
        listener: Listener,
        taken: Vec<String>,
    ) -> Self {
        let form = Form::new(
            vec![Field::text("Region", 20)],
            vec![
                Field::text("From", 5),
                Field::text("To", 5),
                Field::toggle("TCP", true),
                Field::toggle("UDP", false),
            ],
            1,
            100,
        );
        Self::new(
            DialogKind::EndpointGroup {
                accelerator,
                listener,
                taken,
            },
            form,
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
            usage: None,
            usage_pending: None,
        }
    }

    /// `a` in a group's subnet list: subnet ids, and whether to allow all traffic at once
    /// (a new subnet denies everything until allowed).
    pub fn add_endpoints(group: EndpointGroup) -> Self {
        let form = Form::new(
            vec![
                Field::text("Subnet ids", 44),
                Field::toggle("allow all traffic to them now (a second call)", false),
            ],
            vec![],
            0,
            0,
        );
        Self::new(DialogKind::AddEndpoints { group }, form)
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
            DialogKind::AddEndpoints { group } => {
                format!("Add subnet endpoints to {}", group.arn)
            }
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
            DialogKind::EndpointGroup { .. } => {
                "Destination port ranges (Ctrl-N adds, Ctrl-D removes)"
            }
            DialogKind::Accelerator => "Tags (Ctrl-N adds, Ctrl-D removes)",
            DialogKind::Listener { .. } => {
                "Port ranges, 16 ports or more (Ctrl-N adds, Ctrl-D removes)"
            }
            DialogKind::AddEndpoints { .. } => {
                "Added subnets deny all traffic until allowed; each usable address × destination port takes a listener port"
            }
        }
    }

    /// Regions matching what is typed in the region field, while it has focus.
    pub fn suggestions(&self) -> Vec<&'static str> {
        if !matches!(self.kind, DialogKind::EndpointGroup { .. })
            || self.form.focus != Focus::Head(0)
        {
            return Vec::new();
        }
        let typed = self.form.head[0].value().trim().to_ascii_lowercase();
        if typed.is_empty() || is_known_region(&typed) {
            return Vec::new();
        }
        AWS_REGIONS
            .iter()
            .copied()
            .filter(|r| r.contains(typed.as_str()))
            .take(SUGGESTIONS)
            .collect()
    }

    /// Regions already used on this listener (marked in the suggestions).
    pub fn taken(&self) -> &[String] {
        match &self.kind {
            DialogKind::EndpointGroup { taken, .. } => taken,
            _ => &[],
        }
    }

    /// Handles a key: region suggestions first, then the form.
    pub fn key(&mut self, key: KeyEvent) -> Outcome {
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
            self.suggestion = self.suggestion.map(|s| s.min(SUGGESTIONS - 1));
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
            } => validate_group(&mut self.form, listener, taken),
            DialogKind::Accelerator => validate_accelerator(&mut self.form),
            DialogKind::Listener {
                accelerator,
                others,
            } => validate_listener(&mut self.form, accelerator, others),
            DialogKind::AddEndpoints { group } => validate_add(&mut self.form, group),
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
                self.form.error = Some(format!(
                    "the listener is full: it has fewer free ports than these subnets need                      (usable addresses × destination ports). Widen the listener's port ranges,                      remove a subnet or add a smaller one. ({message})"
                ));
            }
            _ => self.form.error = Some(message),
        }
    }
}

fn ports(form: &mut Form, row: usize) -> Option<PortRange> {
    let fields = &mut form.rows[row];
    let from = parse_port(fields[0].value())
        .map_err(|e| fields[0].error = Some(e.to_string()))
        .ok();
    let to = parse_port(fields[1].value())
        .map_err(|e| fields[1].error = Some(e.to_string()))
        .ok();
    let (from, to) = (from?, to?);
    match PortRange::new(from, to) {
        Some(r) => Some(r),
        None => {
            fields[1].error = Some(format!("To must be {from} or more"));
            None
        }
    }
}

/// Marks rows whose range overlaps an earlier row's.
fn overlaps(form: &mut Form, ranges: &[Option<PortRange>]) {
    for (j, b) in ranges.iter().enumerate() {
        let Some(b) = b else { continue };
        if let Some((i, a)) = ranges[..j]
            .iter()
            .enumerate()
            .find_map(|(i, a)| a.filter(|a| a.overlaps(*b)).map(|a| (i, a)))
        {
            form.rows[j][0].error = Some(format!("overlaps {a} (row {})", i + 1));
        }
    }
}

fn validate_group(form: &mut Form, listener: &Listener, taken: &[String]) -> Option<Call> {
    let region = form.head[0].value().trim().to_string();
    if region.is_empty() {
        form.head[0].error = Some("type a region, such as eu-west-1".into());
    } else if region.len() > 255 {
        form.head[0].error = Some("a region name is at most 255 characters".into());
    } else if taken.contains(&region) && !form.attempted {
        form.head[0].error = Some(format!(
            "this listener already has an endpoint group in {region}"
        ));
    }
    let ranges: Vec<Option<PortRange>> = (0..form.rows.len()).map(|r| ports(form, r)).collect();
    overlaps(form, &ranges);
    for row in &mut form.rows {
        if !row[2].is_on() && !row[3].is_on() {
            row[2].error = Some("pick TCP, UDP or both".into());
        }
    }
    if form.has_field_errors() {
        return None;
    }
    if !is_known_region(&region) && !form.warning_acknowledged {
        let shape = parse_region(&region)
            .err()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        form.warning = Some(format!(
            "{region} is not an AWS region portolan knows{shape}; Ctrl-S again sends it anyway"
        ));
        form.warning_acknowledged = true;
        return None;
    }
    form.warning = None;
    let destinations = form
        .rows
        .iter()
        .zip(&ranges)
        .filter_map(|(row, range)| {
            let mut protocols = ProtocolSet::default();
            if row[2].is_on() {
                protocols.insert(Protocol::Tcp);
            }
            if row[3].is_on() {
                protocols.insert(Protocol::Udp);
            }
            range.map(|ports| DestinationConfig { ports, protocols })
        })
        .collect();
    Some(Call::CreateEndpointGroup(NewEndpointGroup {
        listener_arn: listener.arn.clone(),
        region,
        destinations,
        idempotency_token: form.token.clone(),
    }))
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
    let ranges: Vec<Option<PortRange>> = (0..form.rows.len()).map(|r| ports(form, r)).collect();
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
    overlaps(form, &ranges);
    let port_ranges: Vec<PortRange> = ranges.into_iter().flatten().collect();
    Some(Call::CreateListener(NewListener {
        accelerator_arn: accelerator.arn.clone(),
        port_ranges,
        idempotency_token: form.token.clone(),
    }))
}

/// AddCustomRoutingEndpoints takes 1 to 20 subnets a call.
const MAX_ADD: usize = 20;

fn validate_add(form: &mut Form, group: &EndpointGroup) -> Option<Call> {
    let typed = form.head[0].value().to_string();
    let mut subnets: Vec<String> = Vec::new();
    for word in typed.split([',', ' ']).filter(|w| !w.trim().is_empty()) {
        match parse_subnet_id(word) {
            Ok(id) if group.endpoints.contains(&id) => {
                form.head[0].error = Some(format!("{id} is already in this endpoint group"));
            }
            Ok(id) if !subnets.contains(&id) => subnets.push(id),
            Ok(_) => {}
            Err(e) => form.head[0].error = Some(e.to_string()),
        }
    }
    if subnets.is_empty() && form.head[0].error.is_none() {
        form.head[0].error = Some("type one or more subnet ids, such as subnet-0a1b2c3d".into());
    }
    if subnets.len() > MAX_ADD {
        form.head[0].error = Some(format!("at most {MAX_ADD} subnets a call"));
    }
    Some(Call::AddEndpoints {
        group_arn: group.arn.clone(),
        subnets,
        allow_all: form.head[1].is_on(),
    })
}

/// Prefix lengths the capacity lines show, from small subnets to large.
const SHOWN_PREFIXES: [u8; 6] = [28, 26, 24, 22, 20, 18];

impl CreateDialog {
    /// Destination ports of the rows typed so far that parse.
    fn typed_destination_ports(&self) -> u64 {
        self.form
            .rows
            .iter()
            .filter_map(|row| {
                let from = parse_port(row.first()?.value()).ok()?;
                let to = parse_port(row.get(1)?.value()).ok()?;
                PortRange::new(from, to).map(|r| u64::from(r.len()))
            })
            .sum()
    }

    /// What the listener's free ports allow, as the user types: how many listener ports one
    /// subnet of each size takes, and how many such subnets still fit.
    pub fn capacity(&self) -> Vec<String> {
        use crate::model::capacity::{ports_per_subnet, subnets_that_fit};
        let ports = match &self.kind {
            DialogKind::EndpointGroup { .. } => self.typed_destination_ports(),
            DialogKind::AddEndpoints { group } => group
                .destinations
                .iter()
                .map(|d| u64::from(d.ports.len()))
                .sum(),
            _ => return Vec::new(),
        };
        let Some(usage) = &self.usage else {
            return match self.usage_pending {
                Some(_) => vec!["counting the listener's free ports…".into()],
                None => Vec::new(),
            };
        };
        let free = usage.free();
        let mut lines = vec![format!(
            "Listener ports: {} held, {} used, {free} free; {ports} destination port(s) per address",
            usage.total,
            usage.used()
        )];
        if ports > 0 {
            let takes: Vec<String> = SHOWN_PREFIXES
                .iter()
                .map(|&p| format!("/{p} {}", ports_per_subnet(p, ports)))
                .collect();
            let fits: Vec<String> = SHOWN_PREFIXES
                .iter()
                .map(|&p| format!("/{p} ×{}", subnets_that_fit(p, ports, free)))
                .collect();
            lines.push(format!("One subnet takes: {}", takes.join(" · ")));
            lines.push(format!("Still fit: {}", fits.join(" · ")));
        }
        lines.push(
            "(Global Accelerator never tells a subnet's size: pick the row for yours)".into(),
        );
        lines
    }
}
