//! Builds the emulated account from a topology file through the same functions the operations
//! use, so a topology obeys the same rules (capacity, overlaps, regions) as API calls do.

use std::net::Ipv4Addr;
use std::time::Duration;

use ipnet::Ipv4Net;
use serde_json::json;

use super::ops::{
    NewAccelerator, TrafficTarget, add_endpoint, create_accelerator, create_group, create_listener,
    destination_configs, set_traffic,
};
use super::store::{Store, Subnet};
use super::{ServiceError, Topology, TopologyError};
use crate::model::{PortRange, TrafficState};

/// Topology resources are dated from this instant (2025-06-01T00:00:00Z), a day apart, so every
/// run shows the same times.
const BASE_CREATED: f64 = 1_748_736_000.0;

fn invalid(what: &str, e: ServiceError) -> TopologyError {
    TopologyError::Invalid(format!("{what}: {}", e.message))
}

pub fn load(topology: &Topology, settle: Duration) -> Result<Store, TopologyError> {
    let account = &topology.account_id;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TopologyError::Invalid(format!(
            "account_id {account:?} is not 12 digits"
        )));
    }
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
        store.subnets.push(Subnet {
            id: s.id.clone(),
            region: s.region.clone(),
            net: net.trunc(),
        });
    }
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
        let acc_arn = create_accelerator(&mut store, new, BASE_CREATED + 86_400.0 * i as f64);
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
            let listener_arn =
                create_listener(&mut store, &acc_arn, ranges).map_err(|e| invalid(&what, e))?;
            for group in &listener.endpoint_groups {
                let dests = json!(group.destinations.iter().map(|d| json!({"FromPort": d.from, "ToPort": d.to, "Protocols": d.protocols})).collect::<Vec<_>>());
                let dests = destination_configs(&dests).map_err(|e| invalid(&what, e))?;
                let group_arn = create_group(&mut store, &listener_arn, &group.region, dests)
                    .map_err(|e| invalid(&what, e))?;
                let index = store
                    .group_index(&group_arn)
                    .map_err(|e| invalid(&what, e))?;
                for e in &group.endpoints {
                    let here = format!("{what}, {} endpoint {}", group.region, e.subnet);
                    add_endpoint(&mut store, index, &e.subnet)
                        .map_err(|err| invalid(&here, err))?;
                    if e.allow_all {
                        set_traffic(
                            &mut store,
                            index,
                            &e.subnet,
                            TrafficTarget::Subnet,
                            TrafficState::Allow,
                        )
                        .map_err(|err| invalid(&here, err))?;
                    }
                    for address in &e.denied_addresses {
                        let ip: Ipv4Addr = address.parse().map_err(|_| {
                            TopologyError::Invalid(format!(
                                "{here}: {address:?} is not an IPv4 address"
                            ))
                        })?;
                        let target = TrafficTarget::Sockets {
                            addresses: vec![u32::from(ip)],
                            ports: vec![],
                        };
                        set_traffic(&mut store, index, &e.subnet, target, TrafficState::Deny)
                            .map_err(|err| invalid(&here, err))?;
                    }
                }
            }
        }
    }
    // A topology describes a settled account.
    for acc in &mut store.accelerators {
        acc.changed_at = None;
        acc.modified = acc.created;
    }
    Ok(store)
}
