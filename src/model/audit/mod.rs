//! The ALLOW audit: Global Accelerator's traffic settings set against what EC2 says holds each
//! address. Three things are found:
//!
//! - **exposed**: a destination address with ALLOWed ports that no network interface holds;
//!   whatever is next given the address receives the traffic;
//! - **denying subnet**: a subnet endpoint of a group whose every mapping is DENY while live
//!   (pending or running) instances hold addresses in it: an outage;
//! - **denied ports**: a live instance holding an address of a group's subnet whose ports are
//!   not all allowed. Subnets already reported as denying are not listed again address by
//!   address: the subnet's finding covers them.
//!
//! ALLOW is Global Accelerator's setting only: security groups and network ACLs are not read,
//! so "allowed" here never means the packets arrive.
//!
//! Everything here is pure: mappings are folded into [`GroupTraffic`] as they are read, EC2's
//! answers come in a [`Fleet`], and [`audit`] gives the findings, most serious first.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

use super::ec2::{Holding, Instance, InstanceState, NetworkInterface};
use super::{PortMapping, TrafficChange, TrafficState};

mod find;

pub use find::{Checked, audit};

/// What the audit says once, wherever it is read.
pub const NOTE: &str =
    "ALLOW is Global Accelerator's setting: security groups and network ACLs are not read";

/// An accelerator as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceleratorRef {
    pub arn: String,
    pub name: String,
}

/// Destination ports, sorted, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ports(Vec<u16>);

impl Ports {
    pub fn new(mut ports: Vec<u16>) -> Self {
        ports.sort_unstable();
        ports.dedup();
        Self(ports)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[u16] {
        &self.0
    }

    /// Runs of consecutive ports, as `(from, to)`.
    pub fn ranges(&self) -> Vec<(u16, u16)> {
        let mut runs: Vec<(u16, u16)> = Vec::new();
        for &p in &self.0 {
            match runs.last_mut() {
                Some((_, to)) if u32::from(*to) + 1 == u32::from(p) => *to = p,
                _ => runs.push((p, p)),
            }
        }
        runs
    }
}

/// `7777-7778 8000`.
impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (from, to)) in self.ranges().into_iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            if from == to {
                write!(f, "{sep}{from}")?;
            } else {
                write!(f, "{sep}{from}-{to}")?;
            }
        }
        Ok(())
    }
}

/// The ports of one destination address, as its mappings say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressTraffic {
    allowed: Vec<u16>,
    denied: Vec<u16>,
}

/// One subnet endpoint of a group: its destination addresses and their ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointTraffic {
    pub subnet: String,
    pub destinations: BTreeMap<Ipv4Addr, AddressTraffic>,
}

/// One endpoint group and its mappings, folded in as they are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupTraffic {
    pub accelerator: AcceleratorRef,
    pub arn: String,
    pub region: String,
    pub endpoints: Vec<EndpointTraffic>,
    /// Mappings recorded.
    pub mappings: u64,
}

impl GroupTraffic {
    /// A group with its subnet endpoints and no mappings yet.
    pub fn new(accelerator: AcceleratorRef, arn: &str, region: &str, subnets: &[String]) -> Self {
        Self {
            accelerator,
            arn: arn.to_string(),
            region: region.to_string(),
            endpoints: subnets
                .iter()
                .map(|s| EndpointTraffic {
                    subnet: s.clone(),
                    destinations: BTreeMap::new(),
                })
                .collect(),
            mappings: 0,
        }
    }

    /// Records one mapping of this group. A mapping of another group, or one whose
    /// destination is not an IPv4 address, is not recorded (`false`). A subnet the group did
    /// not list when it was read (added since) is added.
    pub fn record(&mut self, mapping: &PortMapping) -> bool {
        if mapping.endpoint_group_arn != self.arn {
            return false;
        }
        let Ok(address) = mapping.destination.ip.parse::<Ipv4Addr>() else {
            return false;
        };
        let at = match self
            .endpoints
            .iter()
            .position(|e| e.subnet == mapping.endpoint_id)
        {
            Some(at) => at,
            None => {
                self.endpoints.push(EndpointTraffic {
                    subnet: mapping.endpoint_id.clone(),
                    destinations: BTreeMap::new(),
                });
                self.endpoints.len() - 1
            }
        };
        let ports = self.endpoints[at].destinations.entry(address).or_default();
        match mapping.traffic {
            TrafficState::Allow => ports.allowed.push(mapping.destination.port),
            TrafficState::Deny => ports.denied.push(mapping.destination.port),
        }
        self.mappings += 1;
        true
    }
}

/// What EC2 says about the groups' subnets: every network interface in them, and the
/// instances those interfaces are attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    pub interfaces: Vec<NetworkInterface>,
    pub instances: Vec<Instance>,
}

/// An instance as a finding names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRef {
    pub id: String,
    /// The `Name` tag.
    pub name: Option<String>,
    pub state: InstanceState,
}

impl InstanceRef {
    fn of(instance: &Instance) -> Self {
        Self {
            id: instance.id.clone(),
            name: instance.name.clone(),
            state: instance.state.clone(),
        }
    }
}

/// What is wrong, with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Ports of `address` are allowed but no network interface holds it.
    Exposed {
        address: Ipv4Addr,
        allowed: Ports,
        denied: Ports,
    },
    /// Every mapping of the subnet is DENY while these live instances hold `addresses` of
    /// its mapped addresses.
    DenyingSubnet {
        instances: Vec<InstanceRef>,
        addresses: usize,
    },
    /// A live instance holds `address` and these of its ports are denied.
    DeniedPorts {
        address: Ipv4Addr,
        instance: InstanceRef,
        interface_id: String,
        holding: Holding,
        denied: Ports,
        allowed: Ports,
    },
}

/// The three kinds of finding, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Traffic that reaches whatever next holds an address is a matter of security.
    Exposed,
    /// Every instance of a subnet gets nothing: an outage of many.
    DenyingSubnet,
    /// One instance gets some of its traffic, or none.
    DeniedPorts,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exposed => "exposed",
            Kind::DenyingSubnet => "denying-subnet",
            Kind::DeniedPorts => "denied-ports",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The change that puts a finding right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    Allow(TrafficChange),
    Deny(TrafficChange),
}

impl Fix {
    pub fn change(&self) -> &TrafficChange {
        match self {
            Fix::Allow(c) | Fix::Deny(c) => c,
        }
    }

    pub fn allows(&self) -> bool {
        matches!(self, Fix::Allow(_))
    }

    /// The operation the fix calls, as the API spells it.
    pub fn operation(&self) -> &'static str {
        match self {
            Fix::Allow(_) => "AllowCustomRoutingTraffic",
            Fix::Deny(_) => "DenyCustomRoutingTraffic",
        }
    }
}

/// One finding: what is wrong, where, and the change that fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub problem: Problem,
    pub accelerator: AcceleratorRef,
    pub endpoint_group_arn: String,
    pub region: String,
    pub subnet: String,
    pub fix: Fix,
}

impl Finding {
    pub fn kind(&self) -> Kind {
        match self.problem {
            Problem::Exposed { .. } => Kind::Exposed,
            Problem::DenyingSubnet { .. } => Kind::DenyingSubnet,
            Problem::DeniedPorts { .. } => Kind::DeniedPorts,
        }
    }

    /// The destination address the finding is about; `None` for a whole subnet.
    pub fn address(&self) -> Option<Ipv4Addr> {
        match &self.problem {
            Problem::Exposed { address, .. } | Problem::DeniedPorts { address, .. } => {
                Some(*address)
            }
            Problem::DenyingSubnet { .. } => None,
        }
    }

    /// What to do, in one short line (the kind says why).
    pub fn advice(&self) -> String {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match &self.problem {
            Problem::Exposed { .. } => "deny it: no network interface holds the address".into(),
            Problem::DenyingSubnet { instances, .. } => format!(
                "allow all traffic: {} live instance{} get{} nothing",
                instances.len(),
                s(instances.len()),
                if instances.len() == 1 { "s" } else { "" },
            ),
            Problem::DeniedPorts {
                denied, allowed, ..
            } if allowed.is_empty() => format!(
                "allow it if the instance should serve: all {} port{} denied",
                denied.len(),
                s(denied.len())
            ),
            Problem::DeniedPorts { denied, .. } => format!(
                "allow port{} {denied} if the instance serves {}",
                s(denied.len()),
                if denied.len() == 1 { "it" } else { "them" },
            ),
        }
    }

    /// The ports the finding is about: allowed ones of an exposed address, denied ones of an
    /// instance's address; none for a whole subnet (every one is denied).
    pub fn ports(&self) -> Option<&Ports> {
        match &self.problem {
            Problem::Exposed { allowed, .. } => Some(allowed),
            Problem::DeniedPorts { denied, .. } => Some(denied),
            Problem::DenyingSubnet { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests;
