use std::net::Ipv4Addr;

use serde_json::{Value, json};

use super::text;
use crate::emulator::ServiceError;
use crate::emulator::ports::{Segment, port_position, runs};
use crate::emulator::store::{Attachment, Store, invalid};
use crate::emulator::traffic::TrafficRules;
use crate::model::TrafficState;

/// Where an attached subnet's mappings go in the listener's port space.
pub enum Placement {
    /// The lowest free slots, as AddCustomRoutingEndpoints does.
    Lowest,
    /// Exactly these slots (a restored state).
    Slots(Vec<Segment>),
    /// Exactly these accelerator ports, one per mapping index (explicit mappings).
    Explicit(Vec<u16>),
}

/// Checks that `ids` can join the group; returns the listener's index and the slots they need.
fn checked_need(
    store: &Store,
    group_index: usize,
    ids: &[String],
) -> Result<(usize, u64), ServiceError> {
    let group = &store.groups[group_index];
    let mut needed = 0u64;
    for (i, id) in ids.iter().enumerate() {
        let subnet = store
            .subnet(id)
            .ok_or_else(|| invalid(format!("EndpointId {id} is not a subnet of this account")))?;
        if subnet.region != group.region {
            return Err(invalid(format!(
                "subnet {id} is in {}, the endpoint group in {}",
                subnet.region, group.region
            )));
        }
        if ids[..i].contains(id) {
            return Err(invalid(format!("EndpointId {id} is given twice")));
        }
        if group.endpoints.iter().any(|e| e.subnet_id == *id) {
            return Err(ServiceError::new(
                "EndpointAlreadyExistsException",
                format!("subnet {id} is already an endpoint of this group"),
            ));
        }
        needed += u64::from(subnet.usable()) * u64::from(group.ports_per_address());
    }
    let listener = store.listener_index(&group.listener_arn)?;
    let free = store.listeners[listener].slots.free_slots();
    if needed > free {
        return Err(ServiceError::new(
            "LimitExceededException",
            format!(
                "the listener has {free} free ports; these subnets need {needed} (usable addresses × destination ports)"
            ),
        ));
    }
    Ok((listener, needed))
}

/// Attaches subnets; each of their usable addresses × destination ports takes a listener port.
fn add_all(store: &mut Store, group_index: usize, ids: &[String]) -> Result<(), ServiceError> {
    checked_need(store, group_index, ids)?;
    for id in ids {
        attach(store, group_index, id, Placement::Lowest)?;
    }
    Ok(())
}

/// Attaches one subnet where `placement` says (topology loading and restored state).
pub fn add_endpoint_placed(
    store: &mut Store,
    group_index: usize,
    subnet_id: &str,
    placement: Placement,
) -> Result<(), ServiceError> {
    checked_need(store, group_index, &[subnet_id.to_string()])?;
    attach(store, group_index, subnet_id, placement)
}

fn attach(
    store: &mut Store,
    group_index: usize,
    id: &str,
    placement: Placement,
) -> Result<(), ServiceError> {
    let count = u64::from(store.subnet(id).map(|s| s.usable()).unwrap_or(0))
        * u64::from(store.groups[group_index].ports_per_address());
    let listener = store.listener_index(&store.groups[group_index].listener_arn)?;
    let wrong = |what: String| invalid(format!("subnet {id}: {what}"));
    let (segments, explicit_ports) = match placement {
        Placement::Lowest => (
            store.listeners[listener]
                .slots
                .allocate(count)
                .unwrap_or_default(),
            None,
        ),
        Placement::Slots(segments) => {
            let held: u64 = segments.iter().map(|s| u64::from(s.len)).sum();
            if held != count {
                return Err(wrong(format!(
                    "its slots hold {held} mappings, it has {count}"
                )));
            }
            if !store.listeners[listener].slots.take(&segments) {
                return Err(wrong("its slots are taken or outside the listener".into()));
            }
            (segments, None)
        }
        Placement::Explicit(ports) => {
            if ports.len() as u64 != count {
                return Err(wrong(format!(
                    "{} explicit mappings given, it has {count} (usable addresses × destination ports)",
                    ports.len()
                )));
            }
            let l = &store.listeners[listener];
            let shuffle = store.shuffle(l);
            let slots = ports
                .iter()
                .map(|&p| {
                    port_position(&l.ranges, p)
                        .map(|position| shuffle.backward(position))
                        .ok_or_else(|| {
                            wrong(format!(
                                "accelerator port {p} is outside the listener's ranges"
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let segments = runs(slots);
            if !store.listeners[listener].slots.take(&segments) {
                return Err(wrong(
                    "its explicit accelerator ports repeat, or another subnet holds them".into(),
                ));
            }
            (segments, Some(ports))
        }
    };
    let serial = store.next_serial();
    store.groups[group_index].endpoints.push(Attachment {
        serial,
        subnet_id: id.to_string(),
        segments,
        traffic: TrafficRules::new(),
        explicit_ports,
    });
    let acc = store.groups[group_index].accelerator_arn.clone();
    store.touch(&acc);
    Ok(())
}

pub fn add(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let arn = text(body, "EndpointGroupArn");
    let index = store.group_index(arn)?;
    let ids: Vec<String> = body["EndpointConfigurations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            c["EndpointId"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| invalid("EndpointConfigurations: EndpointId is required"))
        })
        .collect::<Result<_, _>>()?;
    add_all(store, index, &ids)?;
    let described: Vec<Value> = ids.iter().map(|id| json!({"EndpointId": id})).collect();
    Ok(json!({"EndpointDescriptions": described, "EndpointGroupArn": arn}))
}

pub fn remove(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    let index = store.group_index(text(body, "EndpointGroupArn"))?;
    let ids: Vec<&str> = body["EndpointIds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if ids.is_empty() {
        return Err(invalid("EndpointIds must name at least one subnet"));
    }
    if let Some(missing) = ids.iter().find(|id| {
        !store.groups[index]
            .endpoints
            .iter()
            .any(|e| e.subnet_id == **id)
    }) {
        return Err(ServiceError::new(
            "EndpointNotFoundException",
            format!("subnet {missing} is not an endpoint of this group"),
        ));
    }
    let listener = store.listener_index(&store.groups[index].listener_arn.clone())?;
    let group = &mut store.groups[index];
    let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut group.endpoints)
        .into_iter()
        .partition(|e| ids.contains(&e.subnet_id.as_str()));
    group.endpoints = kept;
    let acc = group.accelerator_arn.clone();
    for e in gone {
        store.listeners[listener].slots.release(&e.segments);
    }
    store.touch(&acc);
    Ok(json!({}))
}

pub fn allow(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    traffic(
        store,
        body,
        TrafficState::Allow,
        "AllowAllTrafficToEndpoint",
    )
}

pub fn deny(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
    traffic(store, body, TrafficState::Deny, "DenyAllTrafficToEndpoint")
}

/// What an allow/deny call addresses: the whole subnet, or addresses (and maybe ports).
pub enum TrafficTarget {
    Subnet,
    Sockets {
        addresses: Vec<u32>,
        ports: Vec<u16>,
    },
}

fn traffic(
    store: &mut Store,
    body: &Value,
    state: TrafficState,
    all_flag: &str,
) -> Result<Value, ServiceError> {
    let index = store.group_index(text(body, "EndpointGroupArn"))?;
    let subnet_id = text(body, "EndpointId");
    let addresses: Vec<&str> = body["DestinationAddresses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let ports: Vec<u16> = body["DestinationPorts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_u64())
        .map(|p| p as u16)
        .collect();
    let target = if body[all_flag].as_bool() == Some(true) {
        if !addresses.is_empty() || !ports.is_empty() {
            return Err(invalid(format!(
                "with {all_flag} true, give no DestinationAddresses or DestinationPorts"
            )));
        }
        TrafficTarget::Subnet
    } else {
        if addresses.is_empty() {
            return Err(invalid(format!(
                "DestinationAddresses is required unless {all_flag} is true"
            )));
        }
        let subnet = store.subnet(subnet_id).ok_or_else(|| {
            invalid(format!(
                "EndpointId {subnet_id} is not a subnet of this account"
            ))
        })?;
        let addresses = addresses
            .iter()
            .map(|a| {
                let ip: Ipv4Addr = a.parse().map_err(|_| {
                    invalid(format!(
                        "DestinationAddresses: {a:?} is not an IPv4 address"
                    ))
                })?;
                subnet
                    .usable_index(ip)
                    .map(|_| u32::from(ip))
                    .ok_or_else(|| {
                        invalid(format!(
                            "{ip} is not a usable address of subnet {subnet_id} ({})",
                            subnet.net
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let group = &store.groups[index];
        if let Some(p) = ports
            .iter()
            .find(|p| !group.destinations.iter().any(|d| d.ports.contains(**p)))
        {
            return Err(invalid(format!(
                "DestinationPorts: port {p} is outside the endpoint group's destination ranges"
            )));
        }
        TrafficTarget::Sockets { addresses, ports }
    };
    set_traffic(store, index, subnet_id, target, state)?;
    Ok(json!({}))
}

pub fn set_traffic(
    store: &mut Store,
    group_index: usize,
    subnet_id: &str,
    target: TrafficTarget,
    state: TrafficState,
) -> Result<(), ServiceError> {
    if store.subnet(subnet_id).is_none() {
        return Err(invalid(format!(
            "EndpointId {subnet_id} is not a subnet of this account"
        )));
    }
    let group = &mut store.groups[group_index];
    let att = group
        .endpoints
        .iter_mut()
        .find(|e| e.subnet_id == subnet_id)
        .ok_or_else(|| {
            invalid(format!(
                "subnet {subnet_id} is not an endpoint of this group"
            ))
        })?;
    match target {
        TrafficTarget::Subnet => att.traffic.set_subnet(state),
        TrafficTarget::Sockets { addresses, ports } if ports.is_empty() => {
            addresses
                .iter()
                .for_each(|a| att.traffic.set_address(*a, state));
        }
        TrafficTarget::Sockets { addresses, ports } => {
            for a in &addresses {
                for p in &ports {
                    att.traffic.set_socket(*a, *p, state);
                }
            }
        }
    }
    let acc = group.accelerator_arn.clone();
    store.touch(&acc);
    Ok(())
}
