//! The add-subnet dialog (`a` on an endpoint group): subnet ids, chosen in the region's
//! subnets (`subnet_picker`, with the join on) or typed, whether to allow all traffic to them
//! at once (a new subnet denies everything until allowed), and what the listener's free ports
//! still hold.

use crate::app::call::Call;
use crate::app::overlays::fields::{Field, Form};
use crate::model::{EndpointGroup, parse_subnet_id};

/// AddCustomRoutingEndpoints takes 1 to 20 subnets a call.
pub const MAX_ADD: usize = 20;

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

/// The ids typed in the field that read as subnet ids, each once.
pub fn typed_ids(form: &Form) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in words(form.head[0].value()).filter_map(|w| parse_subnet_id(w).ok()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

/// Whether every word of `text` reads as a subnet id (a paste of ids, not a filter).
pub fn all_subnet_ids(text: &str) -> bool {
    let mut words = words(text).peekable();
    words.peek().is_some() && words.all(|w| parse_subnet_id(w).is_ok())
}

/// The add call for the subnets `picked` in the picker (`None`: the dialog has none) and
/// those typed; errors land on the ids field.
pub fn validate(form: &mut Form, group: &EndpointGroup, picked: Option<&[String]>) -> Option<Call> {
    let typed = form.head[0].value().to_string();
    let mut subnets: Vec<String> = picked.unwrap_or_default().to_vec();
    for word in words(&typed) {
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
        form.head[0].error = Some(match picked {
            Some(_) => "choose a subnet above (Space) or type ids, such as subnet-0a1b2c3d".into(),
            None => "type one or more subnet ids, such as subnet-0a1b2c3d".into(),
        });
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
