//! The account's EC2 instances and network interfaces: those a topology lists one by one, and
//! those a subnet's `generate_instances` makes by rule. Built once at load, compactly (ids and
//! addresses; everything else an answer shows is derived when it is written).
//!
//! The rule, for each usable address of the subnet from the lowest up, skipping `vacant`
//! addresses and those listed instances hold (`k` counts hosts, `h` is a hash of the subnet id
//! and `k`):
//! - the first host is a running instance whose only interface holds the subnet's first usable
//!   address as its primary address;
//! - then, by `h`: half the hosts are single-address instances (`c6i.large`); 28% hold 2–8
//!   addresses (`c6i.2xlarge`), as primary and secondary addresses of one interface or, for one
//!   in eight of those with 3 or more, of two (device 0 holds one address, device 1 the rest);
//!   20% also hold a delegated /28 prefix (`c6in.4xlarge`: the addresses up to the next /28
//!   boundary as primary and secondaries, then the /28 itself) where a whole free /28 follows;
//!   2% are network interfaces attached to no instance (status `available`);
//! - 6% of the instances are `stopped`, the rest `running`.
//!
//! Ids are hashes of the subnet id and the host's place, so they are the same on every run.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::ops::Range;

use ipnet::Ipv4Net;

use super::fleet::{Fleet, Instance, InstanceState, Interface, PREFIX_SIZE};
use crate::emulator::ports::mix;
use crate::emulator::store::Subnet;
use crate::emulator::topology::{InstanceSpec, TopologyError};

/// Instances and interfaces are dated from 2025-06-01T00:00:00Z, within 150 days after it.
const BASE_LAUNCH: f64 = 1_748_736_000.0;

/// A stable 64-bit hash of some strings.
pub fn hash(parts: &[&str]) -> u64 {
    parts.iter().fold(0x6563_325f_686f_7374, |h, p| {
        p.bytes().fold(mix(h ^ 0xff), |h, b| mix(h ^ u64::from(b)))
    })
}

/// `prefix-0` and 16 hex digits, the shape of EC2's long ids.
pub fn long_id(prefix: &str, h: u64) -> String {
    format!("{prefix}-0{h:016x}")
}

/// The VPC a subnet is in when its topology does not say: one per region.
pub fn default_vpc(account: &str, region: &str) -> String {
    long_id("vpc", hash(&[account, region, "vpc"]))
}

/// The zone a subnet is in when its topology does not say: one of the region's first three.
pub fn default_zone(region: &str, subnet_id: &str) -> String {
    // Tokyo has no 1b for new accounts.
    let letters: &[char] = if region == "ap-northeast-1" {
        &['a', 'c', 'd']
    } else {
        &['a', 'b', 'c']
    };
    let letter = letters[(hash(&[subnet_id, "zone"]) % letters.len() as u64) as usize];
    format!("{region}{letter}")
}

fn bad(message: String) -> TopologyError {
    TopologyError::Invalid(message)
}

fn address(what: &str, text: &str, subnet: &Subnet) -> Result<u32, TopologyError> {
    let a: Ipv4Addr = text
        .parse()
        .map_err(|_| bad(format!("{what}: {text:?} is not an IPv4 address")))?;
    usable(what, u32::from(a), subnet)
}

fn usable(what: &str, a: u32, subnet: &Subnet) -> Result<u32, TopologyError> {
    subnet
        .usable_index(Ipv4Addr::from(a))
        .map(|_| a)
        .ok_or_else(|| {
            bad(format!(
                "{what}: {} is not a usable address of subnet {} ({})",
                Ipv4Addr::from(a),
                subnet.id,
                subnet.net
            ))
        })
}

/// Addresses held so far in one subnet, so no address is held twice.
#[derive(Default)]
struct Taken(HashMap<usize, HashSet<u32>>);

impl Taken {
    fn claim(&mut self, subnet: usize, a: u32, what: &str) -> Result<(), TopologyError> {
        if self.0.entry(subnet).or_default().insert(a) {
            Ok(())
        } else {
            Err(bad(format!("{what}: {} is held twice", Ipv4Addr::from(a))))
        }
    }

    fn sorted(&self, subnet: usize) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .0
            .get(&subnet)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        v.sort_unstable();
        v
    }
}

pub fn build(
    account: &str,
    subnets: &[Subnet],
    listed: &[InstanceSpec],
) -> Result<Fleet, TopologyError> {
    let mut fleet = Fleet {
        held: vec![0; subnets.len()],
        ..Fleet::default()
    };
    let mut taken = Taken::default();
    for (i, spec) in listed.iter().enumerate() {
        let what = format!("instance {}", spec.id.as_deref().unwrap_or(&spec.subnet));
        let si = subnets
            .iter()
            .position(|s| s.id == spec.subnet)
            .ok_or_else(|| {
                bad(format!(
                    "{what}: subnet {} is not in the topology",
                    spec.subnet
                ))
            })?;
        let subnet = &subnets[si];
        let state = InstanceState::parse(&spec.state).ok_or_else(|| {
            bad(format!(
                "{what}: state {:?} is not pending, running, stopping or stopped",
                spec.state
            ))
        })?;
        let primary = address(&what, &spec.private_ip, subnet)?;
        taken.claim(si, primary, &what)?;
        let mut secondaries = Vec::new();
        for text in &spec.secondary_ips {
            let a = address(&what, text, subnet)?;
            taken.claim(si, a, &what)?;
            secondaries.push(a);
        }
        let mut prefixes = Vec::new();
        for text in &spec.prefixes {
            let net: Ipv4Net = text
                .parse()
                .map_err(|_| bad(format!("{what}: prefix {text:?} is not a CIDR")))?;
            if net.prefix_len() != 28 || net.trunc() != net {
                return Err(bad(format!("{what}: prefix {text} is not a /28 network")));
            }
            let p = u32::from(net.network());
            for a in p..p + PREFIX_SIZE {
                usable(&format!("{what}, prefix {text}"), a, subnet)?;
                taken.claim(si, a, &what)?;
            }
            prefixes.push(p);
        }
        let id = spec
            .id
            .clone()
            .unwrap_or_else(|| long_id("i", hash(&[account, "listed", &i.to_string()])));
        let interface_id = spec
            .interface_id
            .clone()
            .unwrap_or_else(|| long_id("eni", hash(&[&id, "eni"])));
        let launched = launch_time(hash(&[&id]));
        push_instance(
            &mut fleet,
            Instance {
                id: id.clone(),
                name: spec.name.clone(),
                state,
                instance_type: spec.instance_type.clone(),
                subnet: si,
                launched,
                interfaces: 0..0,
            },
            vec![Interface {
                id: interface_id.clone(),
                subnet: si,
                instance: None,
                device_index: 0,
                primary,
                secondaries,
                prefixes,
                created: launched,
            }],
        );
        fleet.listed.push(InstanceSpec {
            id: Some(id),
            interface_id: Some(interface_id),
            ..spec.clone()
        });
    }
    for (si, subnet) in subnets.iter().enumerate() {
        for &a in &subnet.vacant {
            taken.claim(si, a, &format!("subnet {}: vacant address", subnet.id))?;
        }
        if subnet.generate_instances {
            generate(&mut fleet, si, subnet, &taken.sorted(si));
        }
    }
    let mut ids = HashSet::new();
    for id in fleet
        .instances
        .iter()
        .map(|i| &i.id)
        .chain(fleet.interfaces.iter().map(|n| &n.id))
    {
        if !ids.insert(id.as_str()) {
            return Err(bad(format!("EC2 id {id} is used twice")));
        }
    }
    Ok(fleet)
}

fn launch_time(h: u64) -> f64 {
    BASE_LAUNCH + ((h >> 20) % (150 * 86_400)) as f64
}

fn push_instance(fleet: &mut Fleet, mut instance: Instance, interfaces: Vec<Interface>) {
    let index = fleet.instances.len();
    let start = fleet.interfaces.len();
    for mut interface in interfaces {
        fleet.held[interface.subnet] += interface.held();
        interface.instance = Some(index);
        fleet.interfaces.push(interface);
    }
    instance.interfaces = start..fleet.interfaces.len();
    fleet.instances.push(instance);
}

/// Fills `subnet`'s free addresses by the rule in this module's comment. `taken` is sorted.
fn generate(fleet: &mut Fleet, si: usize, subnet: &Subnet, taken: &[u32]) {
    let seed = hash(&[&subnet.id, "hosts"]);
    let first = subnet.first_usable();
    let end = first + subnet.usable();
    let base = subnet.name.clone().unwrap_or_else(|| subnet.id.clone());
    let mut a = first;
    let mut k: u64 = 0;
    let mut named = 0;
    while a < end {
        let next_taken = taken.partition_point(|&t| t < a);
        if taken.get(next_taken) == Some(&a) {
            a += 1;
            continue;
        }
        // Free addresses run from `a` up to (not including) `free_end`.
        let free_end = taken.get(next_taken).copied().unwrap_or(end).min(end);
        let h = mix(seed ^ mix(k));
        let roll = h % 100;
        let place = k.to_string();
        let id_of = |salt: &str| long_id(salt, hash(&[&subnet.id, salt, &place]));
        let launched = launch_time(h);
        let interface = |id: String, device_index, addresses: Range<u32>, prefixes| Interface {
            id,
            subnet: si,
            instance: None,
            device_index,
            primary: addresses.start,
            secondaries: (addresses.start + 1..addresses.end).collect(),
            prefixes,
            created: launched,
        };
        k += 1;
        if k > 1 && roll >= 98 {
            let lone = interface(id_of("eni"), 0, a..a + 1, Vec::new());
            fleet.held[si] += lone.held();
            fleet.interfaces.push(lone);
            a += 1;
            continue;
        }
        let prefix_at = (a + 1).next_multiple_of(PREFIX_SIZE);
        let (instance_type, interfaces, next) =
            if k > 1 && roll >= 78 && prefix_at + PREFIX_SIZE <= free_end {
                let eni = interface(id_of("eni"), 0, a..prefix_at, vec![prefix_at]);
                ("c6in.4xlarge", vec![eni], prefix_at + PREFIX_SIZE)
            } else if k > 1 && roll >= 50 && free_end - a >= 2 {
                let count = (2 + (h >> 8) % 7).min(u64::from(free_end - a)) as u32;
                let span = a..a + count;
                let interfaces = if count >= 3 && (h >> 16).is_multiple_of(8) {
                    vec![
                        interface(id_of("eni"), 0, a..a + 1, Vec::new()),
                        interface(id_of("eni1"), 1, a + 1..span.end, Vec::new()),
                    ]
                } else {
                    vec![interface(id_of("eni"), 0, span.clone(), Vec::new())]
                };
                ("c6i.2xlarge", interfaces, span.end)
            } else {
                let eni = interface(id_of("eni"), 0, a..a + 1, Vec::new());
                ("c6i.large", vec![eni], a + 1)
            };
        named += 1;
        let state = if k > 1 && (h >> 24) % 100 < 6 {
            InstanceState::Stopped
        } else {
            InstanceState::Running
        };
        push_instance(
            fleet,
            Instance {
                id: id_of("i"),
                name: Some(format!("{base}-{named:03}")),
                state,
                instance_type: instance_type.to_string(),
                subnet: si,
                launched,
                interfaces: 0..0,
            },
            interfaces,
        );
        a = next;
    }
}
