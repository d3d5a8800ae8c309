//! One function per operation; `dispatch` routes a validated request to it.

mod accelerators;
mod endpoints;
mod groups;
mod listeners;
mod mappings;

use serde_json::Value;

use super::ServiceError;
use super::store::{Store, invalid};
use super::token;
use crate::model::{DestinationConfig, PortRange, Protocol, ProtocolSet};

pub use accelerators::{NewAccelerator, create_accelerator};
pub use endpoints::{Placement, TrafficTarget, add_endpoint_placed, set_traffic};
pub use groups::create_group;
pub use listeners::create_listener;

/// Operations that change nothing: answered under a shared lock, many at once.
pub fn is_read(operation: &str) -> bool {
    operation.starts_with("List") || operation.starts_with("Describe")
}

/// Answers a read (see `is_read`) as the bytes of its JSON body. The port-mapping listings
/// write their rows straight into those bytes; the small answers go through a JSON tree.
pub fn answer_read(store: &Store, operation: &str, body: &Value) -> Result<Vec<u8>, ServiceError> {
    match operation {
        "ListCustomRoutingPortMappings" => mappings::list(store, body),
        "ListCustomRoutingPortMappingsByDestination" => mappings::by_destination(store, body),
        other => read(store, other, body).map(|answer| answer.to_string().into_bytes()),
    }
}

fn read(store: &Store, operation: &str, body: &Value) -> Result<Value, ServiceError> {
    match operation {
        "DescribeCustomRoutingAccelerator" => accelerators::describe(store, body),
        "ListCustomRoutingAccelerators" => accelerators::list(store, body),
        "DescribeCustomRoutingAcceleratorAttributes" | "DescribeAcceleratorAttributes" => {
            accelerators::describe_attributes(store, body)
        }
        "ListTagsForResource" => accelerators::list_tags(store, body),
        "DescribeCustomRoutingListener" => listeners::describe(store, body),
        "ListCustomRoutingListeners" => listeners::list(store, body),
        "DescribeCustomRoutingEndpointGroup" => groups::describe(store, body),
        "ListCustomRoutingEndpointGroups" => groups::list(store, body),
        other => Err(super::validate::unknown_operation(other)),
    }
}

/// Applies a change (every operation that is not a read) under the exclusive lock.
pub fn dispatch(store: &mut Store, operation: &str, body: &Value) -> Result<Value, ServiceError> {
    match operation {
        "CreateCustomRoutingAccelerator" => accelerators::create(store, body),
        "UpdateCustomRoutingAccelerator" => accelerators::update(store, body),
        "DeleteCustomRoutingAccelerator" => accelerators::delete(store, body),
        "UpdateCustomRoutingAcceleratorAttributes" | "UpdateAcceleratorAttributes" => {
            accelerators::update_attributes(store, body)
        }
        "TagResource" => accelerators::tag(store, body),
        "UntagResource" => accelerators::untag(store, body),
        "CreateCustomRoutingListener" => listeners::create(store, body),
        "UpdateCustomRoutingListener" => listeners::update(store, body),
        "DeleteCustomRoutingListener" => listeners::delete(store, body),
        "CreateCustomRoutingEndpointGroup" => groups::create(store, body),
        "DeleteCustomRoutingEndpointGroup" => groups::delete(store, body),
        "AddCustomRoutingEndpoints" => endpoints::add(store, body),
        "RemoveCustomRoutingEndpoints" => endpoints::remove(store, body),
        "AllowCustomRoutingTraffic" => endpoints::allow(store, body),
        "DenyCustomRoutingTraffic" => endpoints::deny(store, body),
        other => Err(super::validate::unknown_operation(other)),
    }
}

/// A member the model marks required (validation has already ensured it is there).
fn text<'a>(body: &'a Value, name: &str) -> &'a str {
    body[name].as_str().unwrap_or_default()
}

fn opt_text<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body[name].as_str()
}

fn page_size(body: &Value, default: usize) -> usize {
    body["MaxResults"].as_u64().map_or(default, |n| n as usize)
}

/// Pages a list ordered by serial: the token names the last serial returned.
fn page_by_serial<T>(
    items: impl Iterator<Item = (u64, T)>,
    body: &Value,
    kind: u8,
) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let after = match opt_text(body, "NextToken") {
        Some(t) => token::decode(kind, t, 1)?[0],
        None => 0,
    };
    let size = page_size(body, 10);
    let mut out = Vec::new();
    let mut last = 0;
    let mut more = false;
    for (serial, item) in items.filter(|(s, _)| *s > after) {
        if out.len() == size {
            more = true;
            break;
        }
        last = serial;
        out.push(item);
    }
    Ok((out, more.then(|| token::encode(kind, &[last]))))
}

fn port_ranges(value: &Value) -> Result<Vec<PortRange>, ServiceError> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let from = r["FromPort"].as_u64().unwrap_or(0) as u16;
            let to = r["ToPort"].as_u64().unwrap_or(0) as u16;
            PortRange::new(from, to).ok_or_else(|| {
                ServiceError::new(
                    "InvalidPortRangeException",
                    format!("port range {from}-{to} is invalid: FromPort must not exceed ToPort"),
                )
            })
        })
        .collect()
}

pub fn destination_configs(value: &Value) -> Result<Vec<DestinationConfig>, ServiceError> {
    let mut out: Vec<DestinationConfig> = Vec::new();
    for d in value.as_array().into_iter().flatten() {
        let ports = port_ranges(&Value::Array(vec![d.clone()]))?.remove(0);
        let protocols: ProtocolSet = d["Protocols"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().and_then(Protocol::from_api_str))
            .collect();
        if protocols.is_empty() {
            return Err(invalid(
                "each destination configuration needs at least one protocol",
            ));
        }
        if let Some(other) = out.iter().find(|o| o.ports.overlaps(ports)) {
            return Err(ServiceError::new(
                "InvalidPortRangeException",
                format!(
                    "destination port ranges {} and {} overlap",
                    other.ports, ports
                ),
            ));
        }
        out.push(DestinationConfig { ports, protocols });
    }
    Ok(out)
}

/// Returns the earlier answer for a repeated token, refuses a token reused with other arguments.
fn idempotent(
    store: &mut Store,
    operation: &str,
    body: &Value,
    create: impl FnOnce(&mut Store) -> Result<Value, ServiceError>,
) -> Result<Value, ServiceError> {
    let key = (
        operation.to_string(),
        text(body, "IdempotencyToken").to_string(),
    );
    if let Some((request, answer)) = store.idempotency.get(&key) {
        if request == body {
            return Ok(answer.clone());
        }
        return Err(invalid(
            "IdempotencyToken was already used with different arguments; use a new token",
        ));
    }
    let answer = create(store)?;
    store
        .idempotency
        .insert(key, (body.clone(), answer.clone()));
    Ok(answer)
}
