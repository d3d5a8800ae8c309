//! The add-subnet dialog (`a` on an endpoint group): subnet ids, whether to allow all traffic
//! to them at once (a new subnet denies everything until allowed), and what the listener's
//! free ports still hold.

use crate::app::call::Call;
use crate::app::overlays::fields::{Field, Form};
use crate::model::{EndpointGroup, parse_subnet_id};

/// AddCustomRoutingEndpoints takes 1 to 20 subnets a call.
const MAX_ADD: usize = 20;

pub const HEADING: &str = "Added subnets deny all traffic until allowed; each usable address × \
                           destination port takes a listener port";

pub fn form() -> Form {
    Form::new(
        vec![
            Field::text("Subnet ids", 44),
            Field::toggle("allow all traffic to them now (a second call)", false),
        ],
        vec![],
        0,
        0,
    )
}

/// Destination ports of `group` an address takes: each takes one listener port.
pub fn destination_ports(group: &EndpointGroup) -> u64 {
    group
        .destinations
        .iter()
        .map(|d| u64::from(d.ports.len()))
        .sum()
}

/// What the service's LimitExceeded means here.
pub fn listener_full(message: &str) -> String {
    format!(
        "the listener is full: it has fewer free ports than these subnets need (usable \
         addresses × destination ports). Widen the listener's port ranges, remove a subnet or \
         add a smaller one. ({message})"
    )
}

pub fn validate(form: &mut Form, group: &EndpointGroup) -> Option<Call> {
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
