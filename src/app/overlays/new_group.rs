//! The new-endpoint-group dialog (`c` on a listener's endpoint groups, the seed operation): a
//! region, with suggestions as it is typed, and the destination port ranges with their
//! protocols.

use crate::app::call::Call;
use crate::app::overlays::fields::{Field, Focus, Form};
use crate::model::{
    AWS_REGIONS, DestinationConfig, Listener, NewEndpointGroup, PortRange, Protocol, ProtocolSet,
    is_known_region, parse_port, parse_region,
};

/// Region suggestions shown at most.
pub const SUGGESTIONS: usize = 6;

pub const HEADING: &str = "Destination port ranges (Ctrl-N adds, Ctrl-D removes)";

pub fn form() -> Form {
    Form::new(
        vec![Field::text("Region", 20)],
        vec![
            Field::text("From", 5),
            Field::text("To", 5),
            Field::toggle("TCP", true),
            Field::toggle("UDP", false),
        ],
        1,
        100,
    )
}

/// Regions matching what is typed in the region field, while it has focus.
pub fn suggestions(form: &Form) -> Vec<&'static str> {
    if form.focus != Focus::Head(0) {
        return Vec::new();
    }
    let typed = form.head[0].value().trim().to_ascii_lowercase();
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

/// Destination ports of the rows typed so far that parse.
pub fn typed_destination_ports(form: &Form) -> u64 {
    form.rows
        .iter()
        .filter_map(|row| {
            let from = parse_port(row.first()?.value()).ok()?;
            let to = parse_port(row.get(1)?.value()).ok()?;
            PortRange::new(from, to).map(|r| u64::from(r.len()))
        })
        .sum()
}

pub fn validate(form: &mut Form, listener: &Listener, taken: &[String]) -> Option<Call> {
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
    let ranges: Vec<Option<PortRange>> = (0..form.rows.len()).map(|r| form.port_range(r)).collect();
    form.mark_overlaps(&ranges);
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
