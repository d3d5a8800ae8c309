//! Finding what is wrong: each mapped address of each subnet endpoint against the interface
//! holding it and the instance that interface is attached to.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use super::{
    AddressTraffic, EndpointTraffic, Finding, Fix, Fleet, GroupTraffic, InstanceRef, Ports, Problem,
};
use crate::model::bulk::MAX_PER_CALL;
use crate::model::ec2::{Holding, Instance, NetworkInterface};
use crate::model::{TrafficChange, TrafficScope};

/// Where an address is held: by which interface, and how.
struct Holders<'a> {
    by_address: HashMap<(&'a str, Ipv4Addr), &'a NetworkInterface>,
    /// Interfaces with a prefix too wide to list address by address, per subnet.
    wide: HashMap<&'a str, Vec<&'a NetworkInterface>>,
    instances: HashMap<&'a str, &'a Instance>,
}

/// Prefixes up to this many addresses are listed address by address (EC2 delegates /28s).
const LISTED_PREFIX: u64 = 256;

impl<'a> Holders<'a> {
    fn new(fleet: &'a Fleet) -> Self {
        let mut by_address = HashMap::new();
        let mut wide: HashMap<&str, Vec<&NetworkInterface>> = HashMap::new();
        for eni in &fleet.interfaces {
            let subnet = eni.subnet_id.as_str();
            for a in &eni.private_addresses {
                by_address.entry((subnet, a.address)).or_insert(eni);
            }
            for p in &eni.ipv4_prefixes {
                if 1u64 << (32 - u32::from(p.prefix_len())) <= LISTED_PREFIX {
                    for a in u32::from(p.network())..=u32::from(p.broadcast()) {
                        by_address.entry((subnet, Ipv4Addr::from(a))).or_insert(eni);
                    }
                } else {
                    wide.entry(subnet).or_default().push(eni);
                }
            }
        }
        let instances = fleet.instances.iter().map(|i| (i.id.as_str(), i)).collect();
        Self {
            by_address,
            wide,
            instances,
        }
    }

    fn holder(&self, subnet: &str, address: Ipv4Addr) -> Option<(&'a NetworkInterface, Holding)> {
        let listed = self.by_address.get(&(subnet, address)).copied();
        let wide = || {
            self.wide
                .get(subnet)?
                .iter()
                .copied()
                .find(|i| i.holds(address).is_some())
        };
        let eni = listed.or_else(wide)?;
        eni.holds(address).map(|how| (eni, how))
    }

    /// The live instance an interface is attached to.
    fn live(&self, eni: &NetworkInterface) -> Option<&'a Instance> {
        let instance = self.instances.get(eni.instance_id.as_deref()?)?;
        instance.state.is_live().then_some(*instance)
    }
}

/// A live instance holding a mapped address of an endpoint.
struct LiveHolder<'a> {
    address: Ipv4Addr,
    traffic: &'a AddressTraffic,
    eni: &'a NetworkInterface,
    holding: Holding,
    instance: &'a Instance,
}

/// Every finding of `groups` against `fleet`, most serious first (see [`Kind`]); within a
/// kind, subnets denying more instances first, then by accelerator name and ARN, group,
/// subnet and address, so the order is the same on every run.
pub fn audit(groups: &[GroupTraffic], fleet: &Fleet) -> Vec<Finding> {
    let holders = Holders::new(fleet);
    let mut findings = Vec::new();
    for group in groups {
        for endpoint in &group.endpoints {
            endpoint_findings(group, endpoint, &holders, &mut findings);
        }
    }
    findings.sort_by_cached_key(|f| {
        let denied_instances = match &f.problem {
            Problem::DenyingSubnet { instances, .. } => instances.len(),
            _ => 0,
        };
        (
            f.kind(),
            Reverse(denied_instances),
            f.accelerator.name.clone(),
            f.accelerator.arn.clone(),
            f.endpoint_group_arn.clone(),
            f.subnet.clone(),
            f.address(),
        )
    });
    findings
}

fn endpoint_findings(
    group: &GroupTraffic,
    endpoint: &EndpointTraffic,
    holders: &Holders<'_>,
    findings: &mut Vec<Finding>,
) {
    let finding = |problem: Problem, fix: Fix| Finding {
        problem,
        accelerator: group.accelerator.clone(),
        endpoint_group_arn: group.arn.clone(),
        region: group.region.clone(),
        subnet: endpoint.subnet.clone(),
        fix,
    };
    let change = |scope: TrafficScope| TrafficChange {
        endpoint_group_arn: group.arn.clone(),
        endpoint_id: endpoint.subnet.clone(),
        scope,
    };
    let address_scope = |address: Ipv4Addr, ports: Vec<u16>| TrafficScope::Destinations {
        addresses: vec![address.to_string()],
        ports,
    };
    let mut live = Vec::new();
    let mut any_allowed = false;
    for (&address, traffic) in &endpoint.destinations {
        any_allowed |= !traffic.allowed.is_empty();
        match holders.holder(&endpoint.subnet, address) {
            None if !traffic.allowed.is_empty() => findings.push(finding(
                Problem::Exposed {
                    address,
                    allowed: Ports::new(traffic.allowed.clone()),
                    denied: Ports::new(traffic.denied.clone()),
                },
                Fix::Deny(change(address_scope(address, Vec::new()))),
            )),
            Some((eni, holding)) => {
                if let Some(instance) = holders.live(eni) {
                    live.push(LiveHolder {
                        address,
                        traffic,
                        eni,
                        holding,
                        instance,
                    });
                }
            }
            None => {}
        }
    }
    if live.is_empty() {
        return;
    }
    if !any_allowed {
        let mut seen = HashSet::new();
        let mut instances: Vec<InstanceRef> = live
            .iter()
            .filter(|h| seen.insert(h.instance.id.as_str()))
            .map(|h| InstanceRef::of(h.instance))
            .collect();
        instances.sort_by(|a, b| a.id.cmp(&b.id));
        findings.push(finding(
            Problem::DenyingSubnet {
                instances,
                addresses: live.len(),
            },
            Fix::Allow(change(TrafficScope::WholeEndpoint)),
        ));
        return;
    }
    for h in live.into_iter().filter(|h| !h.traffic.denied.is_empty()) {
        let denied = Ports::new(h.traffic.denied.clone());
        let allowed = Ports::new(h.traffic.allowed.clone());
        // The denied ports when one call can list them; else every port of the address,
        // which allows the same (the allowed ones stay allowed).
        let ports = if !allowed.is_empty() && denied.len() <= MAX_PER_CALL {
            denied.as_slice().to_vec()
        } else {
            Vec::new()
        };
        findings.push(finding(
            Problem::DeniedPorts {
                address: h.address,
                instance: InstanceRef::of(h.instance),
                interface_id: h.eni.id.clone(),
                holding: h.holding,
                denied,
                allowed,
            },
            Fix::Allow(change(address_scope(h.address, ports))),
        ));
    }
}

/// What an audit looked at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    pub accelerators: usize,
    pub groups: usize,
    /// Distinct subnets among the groups' endpoints.
    pub subnets: usize,
    /// Distinct destination addresses (a subnet's address once, however many groups map it).
    pub destinations: usize,
    /// Instances EC2 named as holding interfaces in those subnets, whatever their state.
    pub instances: usize,
    pub mappings: u64,
}

impl Checked {
    /// The counts of `groups` and `fleet`; `accelerators` is every accelerator read,
    /// those without groups included.
    pub fn of(accelerators: usize, groups: &[GroupTraffic], fleet: &Fleet) -> Self {
        let endpoints = || groups.iter().flat_map(|g| &g.endpoints);
        let subnets: HashSet<&str> = endpoints().map(|e| e.subnet.as_str()).collect();
        let destinations: HashSet<(&str, Ipv4Addr)> = endpoints()
            .flat_map(|e| e.destinations.keys().map(|a| (e.subnet.as_str(), *a)))
            .collect();
        let instances: HashSet<&str> = fleet.instances.iter().map(|i| i.id.as_str()).collect();
        Self {
            accelerators,
            groups: groups.len(),
            subnets: subnets.len(),
            destinations: destinations.len(),
            instances: instances.len(),
            mappings: groups.iter().map(|g| g.mappings).sum(),
        }
    }
}
