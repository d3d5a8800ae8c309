//! Builds the emulated account from a topology file through the same functions the operations
//! use, so a topology obeys the same rules (capacity, overlaps, regions) as API calls do. What
//! a state file or a snapshot adds (ARNs, times, attributes, traffic rules, port placement,
//! explicit mappings) is applied on top, each checked.

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, UNIX_EPOCH};

use ipnet::Ipv4Net;
use serde_json::json;

use super::ec2::hosts;
use super::ops::{
    NewAccelerator, Placement, TrafficTarget, add_endpoint_placed, create_accelerator,
    create_group, create_listener, destination_configs, set_traffic,
};
use super::ports::{Segment, port_position};
use super::store::{Store, Subnet};
use super::topology::EndpointSpec;
use super::{ServiceError, Topology, TopologyError};
use crate::model::{PortRange, TrafficState};

/// Topology resources are dated from this instant (2025-06-01T00:00:00Z), a day apart, so every
/// run shows the same times.
const BASE_CREATED: f64 = 1_748_736_000.0;

fn invalid(what: &str, e: ServiceError) -> TopologyError {
    TopologyError::Invalid(format!("{what}: {}", e.message))
}

fn bad(message: String) -> TopologyError {
    TopologyError::Invalid(message)
}

/// An RFC 3339 time as epoch seconds (to the millisecond, as the emulator keeps them).
pub fn parse_time(what: &str, text: &str) -> Result<f64, TopologyError> {
    let t = humantime::parse_rfc3339_weak(text)
        .map_err(|_| bad(format!("{what}: {text:?} is not an RFC 3339 time")))?;
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    Ok(Duration::from_millis(d.as_millis() as u64).as_secs_f64())
}

pub fn format_time(epoch: f64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis((epoch * 1000.0).round().max(0.0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

/// Explicit accelerator ports, by (endpoint group ARN, subnet id), then destination socket.
type Explicit = HashMap<(String, String), HashMap<SocketAddrV4, u16>>;

fn read_mappings(topology: &Topology) -> Result<Explicit, TopologyError> {
    let Some(name) = &topology.mappings_file else {
        return Ok(Explicit::new());
    };
    let path = topology
        .base_dir
        .clone()
        .unwrap_or_else(|| ".".into())
        .join(name);
    let shown = path.display().to_string();
    let mut reader = csv::Reader::from_path(&path).map_err(|e| TopologyError::Parse {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let headers = reader
        .headers()
        .map_err(|e| TopologyError::Parse {
            path: shown.clone(),
            message: e.to_string(),
        })?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| TopologyError::Parse {
                path: shown.clone(),
                message: format!(
                    "no {name} column (the file `portolan mappings -o csv` writes has one)"
                ),
            })
    };
    let (port, group, subnet, destination) = (
        column("AcceleratorPort")?,
        column("EndpointGroupArn")?,
        column("EndpointId")?,
        column("DestinationSocketAddress")?,
    );
    let mut out = Explicit::new();
    for (line, record) in reader.records().enumerate() {
        let row = line + 2;
        let record = record.map_err(|e| TopologyError::Parse {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let accelerator_port: u16 = field(port).parse().map_err(|_| TopologyError::Parse {
            path: shown.clone(),
            message: format!("row {row}: AcceleratorPort {:?} is not a port", field(port)),
        })?;
        let socket: SocketAddrV4 =
            field(destination)
                .parse()
                .map_err(|_| TopologyError::Parse {
                    path: shown.clone(),
                    message: format!(
                        "row {row}: DestinationSocketAddress {:?} is not IPv4:PORT",
                        field(destination)
                    ),
                })?;
        let key = (field(group).to_string(), field(subnet).to_string());
        if out
            .entry(key)
            .or_default()
            .insert(socket, accelerator_port)
            .is_some()
        {
            return Err(TopologyError::Parse {
                path: shown.clone(),
                message: format!("row {row}: destination {socket} is listed twice"),
            });
        }
    }
    Ok(out)
}

pub fn load(topology: &Topology, settle: Duration) -> Result<Store, TopologyError> {
    let account = &topology.account_id;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TopologyError::Invalid(format!(
            "account_id {account:?} is not 12 digits"
        )));
    }
    let mut explicit = read_mappings(topology)?;
    let mut store = Store::new(account.clone(), settle);
    for s in &topology.subnets {
        let net: Ipv4Net = s.cidr.parse().map_err(|_| {
            TopologyError::Invalid(format!("subnet {}: {:?} is not an IPv4 CIDR", s.id, s.cidr))
        })?;
        if !(16..=28).contains(&net.prefix_len()) {
            return Err(TopologyError::Invalid(format!(
                "subnet {}: /{} is outside /16../28",
                s.id,
                net.prefix_len()
            )));
        }
        if store.subnet(&s.id).is_some() {
            return Err(TopologyError::Invalid(format!(
                "subnet {} is declared twice",
                s.id
            )));
        }
        let net = net.trunc();
        let mut subnet = Subnet {
            id: s.id.clone(),
            region: s.region.clone(),
            net,
            vpc_id: s
                .vpc_id
                .clone()
                .unwrap_or_else(|| hosts::default_vpc(account, &s.region)),
            availability_zone: s
                .availability_zone
                .clone()
                .unwrap_or_else(|| hosts::default_zone(&s.region, &s.id)),
            name: s.name.clone(),
            generate_instances: s.generate_instances,
            vacant: Vec::new(),
        };
        for text in &s.vacant {
            let a = parse_address(text)
                .and_then(|a| {
                    subnet
                        .usable_index(Ipv4Addr::from(a))
                        .map(|_| a)
                        .ok_or_else(|| format!("{text} is not a usable address of {net}"))
                })
                .map_err(|m| bad(format!("subnet {}: vacant address {m}", s.id)))?;
            subnet.vacant.push(a);
        }
        store.subnets.push(subnet);
    }
    store.fleet = hosts::build(account, &store.subnets, &topology.instances)?;
    let mut modified_times = Vec::new();
    let mut arns = HashSet::new();
    let mut claim = |arn: &str| {
        if arns.insert(arn.to_string()) {
            Ok(())
        } else {
            Err(bad(format!("ARN {arn} is used twice")))
        }
    };
    for (i, acc) in topology.accelerators.iter().enumerate() {
        let what = format!("accelerator {:?}", acc.name);
        let new = NewAccelerator {
            name: acc.name.clone(),
            ip_address_type: "IPV4".into(),
            ip_addresses: acc.ip_addresses.clone().unwrap_or_default(),
            enabled: acc.enabled,
            tags: acc
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        let created = match &acc.created {
            Some(t) => parse_time(&what, t)?,
            None => BASE_CREATED + 86_400.0 * i as f64,
        };
        let modified = match &acc.modified {
            Some(t) => parse_time(&what, t)?,
            None => created,
        };
        let generated = create_accelerator(&mut store, new, created);
        let acc_arn = acc.arn.clone().unwrap_or(generated);
        claim(&acc_arn)?;
        modified_times.push(modified);
        if let Some(rec) = store.accelerators.last_mut() {
            rec.arn = acc_arn.clone();
            if let Some(dns) = &acc.dns_name {
                rec.dns_name = dns.clone();
            }
            if let Some(f) = &acc.flow_logs {
                rec.flow_logs = (f.enabled, f.bucket.clone(), f.prefix.clone());
            }
        }
        for listener in &acc.listeners {
            let ranges = listener
                .port_ranges
                .iter()
                .map(|r| {
                    PortRange::new(r.from, r.to).ok_or_else(|| {
                        TopologyError::Invalid(format!(
                            "{what}: port range {}-{} is invalid",
                            r.from, r.to
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let generated =
                create_listener(&mut store, &acc_arn, ranges).map_err(|e| invalid(&what, e))?;
            let listener_arn = listener.arn.clone().unwrap_or(generated);
            claim(&listener_arn)?;
            if let Some(rec) = store.listeners.last_mut() {
                rec.arn = listener_arn.clone();
                if let Some(key) = &listener.port_key {
                    rec.shuffle_key = u64::from_str_radix(key, 16).map_err(|_| {
                        bad(format!("{what}: port_key {key:?} is not 16 hex digits"))
                    })?;
                }
            }
            for group in &listener.endpoint_groups {
                let dests = json!(group.destinations.iter().map(|d| json!({"FromPort": d.from, "ToPort": d.to, "Protocols": d.protocols})).collect::<Vec<_>>());
                let dests = destination_configs(&dests).map_err(|e| invalid(&what, e))?;
                let generated = create_group(&mut store, &listener_arn, &group.region, dests)
                    .map_err(|e| invalid(&what, e))?;
                let group_arn = group.arn.clone().unwrap_or(generated.clone());
                claim(&group_arn)?;
                let index = store
                    .group_index(&generated)
                    .map_err(|e| invalid(&what, e))?;
                store.groups[index].arn = group_arn.clone();
                for e in &group.endpoints {
                    let here = format!("{what}, {} endpoint {}", group.region, e.subnet);
                    let ports = explicit.remove(&(group_arn.clone(), e.subnet.clone()));
                    let placement = placement(&store, index, e, ports)
                        .map_err(|m| bad(format!("{here}: {m}")))?;
                    add_endpoint_placed(&mut store, index, &e.subnet, placement)
                        .map_err(|err| invalid(&here, err))?;
                    apply_traffic(&mut store, index, e).map_err(|m| bad(format!("{here}: {m}")))?;
                }
            }
        }
    }
    if let Some(((group, subnet), _)) = explicit.into_iter().next() {
        return Err(bad(format!(
            "the mappings file lists subnet {subnet} in endpoint group {group}, which the topology does not hold"
        )));
    }
    // A topology describes a settled account.
    for (acc, modified) in store.accelerators.iter_mut().zip(modified_times) {
        acc.changed_at = None;
        acc.modified = modified;
    }
    store.continue_serials(topology.next_serial.unwrap_or(0));
    Ok(store)
}

/// Where a subnet's mappings go: its explicit ports, its recorded slots, or the lowest free.
fn placement(
    store: &Store,
    group_index: usize,
    e: &EndpointSpec,
    explicit: Option<HashMap<SocketAddrV4, u16>>,
) -> Result<Placement, String> {
    if let Some(by_socket) = explicit {
        let subnet = store
            .subnet(&e.subnet)
            .ok_or_else(|| "not a subnet of this account".to_string())?;
        let group = &store.groups[group_index];
        let ranges = group.destination_ranges();
        let per_address = group.ports_per_address();
        let count = subnet.usable() as usize * per_address as usize;
        let mut ports = vec![None; count];
        for (socket, port) in by_socket {
            let address = subnet.usable_index(*socket.ip()).ok_or_else(|| {
                format!(
                    "mapped destination {socket} is not a usable address of {}",
                    subnet.net
                )
            })?;
            let position = port_position(&ranges, socket.port()).ok_or_else(|| {
                format!("mapped destination {socket} is outside the group's destination ports")
            })?;
            ports[(address * per_address + position) as usize] = Some(port);
        }
        let given = ports.iter().filter(|p| p.is_some()).count();
        if given != count {
            return Err(format!(
                "the mappings file gives {given} of its {count} mappings; give all or none"
            ));
        }
        return Ok(Placement::Explicit(ports.into_iter().flatten().collect()));
    }
    if e.slots.is_empty() {
        return Ok(Placement::Lowest);
    }
    Ok(Placement::Slots(
        e.slots
            .iter()
            .map(|&(start, len)| Segment { start, len })
            .collect(),
    ))
}

fn parse_address(text: &str) -> Result<u32, String> {
    text.parse::<Ipv4Addr>()
        .map(u32::from)
        .map_err(|_| format!("{text:?} is not an IPv4 address"))
}

fn parse_socket(text: &str) -> Result<(u32, u16), String> {
    text.parse::<SocketAddrV4>()
        .map(|s| (u32::from(*s.ip()), s.port()))
        .map_err(|_| format!("{text:?} is not IPv4:PORT"))
}

/// Traffic rules coarsest first: the subnet, then addresses, then single sockets.
fn apply_traffic(store: &mut Store, index: usize, e: &EndpointSpec) -> Result<(), String> {
    let usable = |store: &Store, a: u32| {
        store
            .subnet(&e.subnet)
            .and_then(|s| s.usable_index(Ipv4Addr::from(a)))
            .map(|_| a)
            .ok_or_else(|| {
                format!(
                    "{} is not a usable address of the subnet",
                    Ipv4Addr::from(a)
                )
            })
    };
    let set = |store: &mut Store, target, state| {
        set_traffic(store, index, &e.subnet, target, state).map_err(|err| err.message)
    };
    if e.allow_all {
        set(store, TrafficTarget::Subnet, TrafficState::Allow)?;
    }
    for (list, state) in [
        (&e.allowed_addresses, TrafficState::Allow),
        (&e.denied_addresses, TrafficState::Deny),
    ] {
        for text in list {
            let a = usable(store, parse_address(text)?)?;
            let target = TrafficTarget::Sockets {
                addresses: vec![a],
                ports: vec![],
            };
            set(store, target, state)?;
        }
    }
    for (list, state) in [
        (&e.allowed_sockets, TrafficState::Allow),
        (&e.denied_sockets, TrafficState::Deny),
    ] {
        for text in list {
            let (a, port) = parse_socket(text)?;
            let a = usable(store, a)?;
            if store.groups[index].protocols_of(port).is_empty() {
                return Err(format!(
                    "{text}: port {port} is outside the group's destination ports"
                ));
            }
            let target = TrafficTarget::Sockets {
                addresses: vec![a],
                ports: vec![port],
            };
            set(store, target, state)?;
        }
    }
    Ok(())
}
