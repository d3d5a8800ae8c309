//! Global Accelerator joined with EC2: for one subnet endpoint, what EC2 says of the subnet
//! (CIDR, zone, VPC, name) and which interface, of which instance, holds each address. Built
//! once from the three Describe answers, then asked per destination as rows are drawn.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use super::ec2::{Holding, Instance, InstanceState, NetworkInterface, Subnet};

/// Addresses AWS keeps in every subnet (the first four and the last): never mapped.
pub const RESERVED_PER_SUBNET: u32 = 5;

/// The instance an interface is attached to, as the join shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceFacts {
    pub id: String,
    /// The `Name` tag.
    pub name: Option<String>,
    pub state: InstanceState,
}

/// What holds one address: an interface, how, and the instance behind it if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub interface_id: String,
    pub holding: Holding,
    /// `None` when the interface is detached or belongs to something that is not an instance,
    /// or EC2 did not list the instance.
    pub instance: Option<InstanceFacts>,
}

impl Holder {
    /// The instance's name, else its id, else the interface: one word for a narrow cell.
    pub fn label(&self) -> &str {
        match &self.instance {
            Some(i) => i.name.as_deref().unwrap_or(&i.id),
            None => &self.interface_id,
        }
    }

    /// Whether traffic sent here is expected to arrive at a running (or starting) instance.
    pub fn is_live(&self) -> bool {
        self.instance.as_ref().is_some_and(|i| i.state.is_live())
    }

    /// "voip-core-01-001 (i-0dc6…) running, eni-… secondary address" in full.
    pub fn describe(&self) -> String {
        let how = match self.holding {
            Holding::Primary => "primary address".to_string(),
            Holding::Secondary => "secondary address".to_string(),
            Holding::Prefix(p) => format!("in delegated prefix {p}"),
        };
        match &self.instance {
            Some(i) => match &i.name {
                Some(name) => format!("{name} ({}) {}, {} {how}", i.id, i.state, self.interface_id),
                None => format!("{} {}, {} {how}", i.id, i.state, self.interface_id),
            },
            None => format!("{} {how} (attached to no instance)", self.interface_id),
        }
    }
}

/// One subnet as EC2 knows it, with the holder of every address held in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubnetView {
    /// `None`: EC2 does not know the subnet in this region.
    pub subnet: Option<Subnet>,
    holders: HashMap<Ipv4Addr, Holder>,
}

impl SubnetView {
    /// The join of a subnet (if EC2 knows it) with the interfaces in it and the instances
    /// among `instances` they are attached to. Prefix addresses are expanded one by one.
    pub fn new(
        subnet: Option<Subnet>,
        interfaces: &[NetworkInterface],
        instances: &[Instance],
    ) -> Self {
        let by_id: HashMap<&str, &Instance> =
            instances.iter().map(|i| (i.id.as_str(), i)).collect();
        let mut holders = HashMap::new();
        for eni in interfaces {
            let instance = eni
                .instance_id
                .as_deref()
                .and_then(|id| by_id.get(id))
                .map(|i| InstanceFacts {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    state: i.state.clone(),
                });
            let holder = |holding| Holder {
                interface_id: eni.id.clone(),
                holding,
                instance: instance.clone(),
            };
            for a in &eni.private_addresses {
                let how = if a.primary {
                    Holding::Primary
                } else {
                    Holding::Secondary
                };
                holders.entry(a.address).or_insert_with(|| holder(how));
            }
            for prefix in &eni.ipv4_prefixes {
                for address in prefix.hosts().chain([prefix.network(), prefix.broadcast()]) {
                    holders
                        .entry(address)
                        .or_insert_with(|| holder(Holding::Prefix(*prefix)));
                }
            }
        }
        Self { subnet, holders }
    }

    /// What holds `address`, if anything does.
    pub fn holder(&self, address: Ipv4Addr) -> Option<&Holder> {
        self.holders.get(&address)
    }

    /// Whether `address` lies inside the subnet's block; `None` when the block is not known.
    pub fn contains(&self, address: Ipv4Addr) -> Option<bool> {
        let s = self.subnet.as_ref()?;
        s.cidr.map(|c| c.contains(&address))
    }

    /// Addresses Global Accelerator maps in the subnet: its size less the five AWS keeps.
    pub fn usable(&self) -> Option<u32> {
        usable(self.subnet.as_ref()?)
    }

    /// How many of the subnet's mapped addresses an interface holds.
    pub fn held_usable(&self) -> usize {
        let Some(cidr) = self.subnet.as_ref().and_then(|s| s.cidr) else {
            return self.holders.len();
        };
        let first = u32::from(cidr.network()) + 4;
        let last = u32::from(cidr.broadcast()).saturating_sub(1);
        self.holders
            .keys()
            .filter(|a| (first..=last).contains(&u32::from(**a)))
            .count()
    }

    /// Every address held, with its holder (no order).
    pub fn holders(&self) -> impl Iterator<Item = (Ipv4Addr, &Holder)> {
        self.holders.iter().map(|(a, h)| (*a, h))
    }
}

/// Addresses Global Accelerator maps in `subnet`: its size less the five AWS keeps.
pub fn usable(subnet: &Subnet) -> Option<u32> {
    let cidr = subnet.cidr?;
    let size = 1u64 << (32 - u32::from(cidr.prefix_len()));
    u32::try_from(size.saturating_sub(u64::from(RESERVED_PER_SUBNET))).ok()
}

#[cfg(test)]
#[path = "join_tests.rs"]
mod tests;
