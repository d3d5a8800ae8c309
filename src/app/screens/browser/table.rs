//! Loaded port mappings, stored compactly: a browser may hold a million of them. Repeated
//! strings (ARNs, subnet ids, regions) are interned once; IPv4 addresses are kept as integers;
//! each mapping is a 20-byte record in fixed-size chunks, so growing never copies what is
//! already loaded and the spare capacity is at most one chunk.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;
use std::sync::Arc;

use crate::model::join::{Holder, SubnetView};
use crate::model::{
    DestinationConfig, DestinationPortMapping, PortMapping, Protocol, ProtocolSet, SocketAddress,
    TrafficState, Verdict,
};

mod join;
mod matcher;
mod store;

pub use join::holder_cells;
pub use matcher::Matcher;
pub use store::COLUMNS;

const CHUNK: usize = 4096;

/// Strings stored once, referred to by index.
#[derive(Debug, Default, Clone)]
struct Interner {
    items: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.items.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        self.items.get(i as usize).map_or("", |s| s)
    }
}

/// An accelerator as the rows refer to it: its ARN, name when known, static IPs, and whether
/// it is enabled (a disabled one passes no traffic, whatever its mappings say).
#[derive(Debug, Clone, PartialEq, Eq)]
struct AcceleratorRef {
    arn: u32,
    name: Option<String>,
    static_ips: Vec<String>,
    enabled: bool,
}

const TRAFFIC_ALLOW: u8 = 1;
/// `dest_ip` holds an interned string (not an IPv4 integer).
const DEST_IS_STRING: u8 = 2;
const PROTO_TCP: u8 = 1;
const PROTO_UDP: u8 = 2;
const PROTO_KNOWN: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Compact {
    dest_ip: u32,
    group: u32,
    subnet: u32,
    accelerator: u16,
    accelerator_port: u16,
    dest_port: u16,
    protocols: u8,
    flags: u8,
}

fn protocol_bits(p: Option<ProtocolSet>) -> u8 {
    p.map_or(0, |p| {
        PROTO_KNOWN
            | if p.contains(Protocol::Tcp) {
                PROTO_TCP
            } else {
                0
            }
            | if p.contains(Protocol::Udp) {
                PROTO_UDP
            } else {
                0
            }
    })
}

/// One loaded mapping, its strings borrowed from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRow<'a> {
    pub accelerator_arn: &'a str,
    pub accelerator_name: Option<&'a str>,
    pub static_ips: &'a [String],
    pub accelerator_port: u16,
    pub endpoint_group_arn: &'a str,
    pub region: Option<&'a str>,
    pub subnet: &'a str,
    pub destination_ip: String,
    pub destination_port: u16,
    pub protocols: Option<ProtocolSet>,
    /// The mapping's own state; `verdict` says whether traffic gets through.
    pub traffic: TrafficState,
    pub accelerator_enabled: bool,
    /// What EC2 says of the row's subnet, once the join has it.
    pub ec2: Option<&'a SubnetView>,
}

impl MappingRow<'_> {
    /// What holds the destination address, when EC2 has said (`Some(None)`: nothing does).
    pub fn holder(&self) -> Option<Option<&Holder>> {
        let view = self.ec2?;
        let ip: Ipv4Addr = self.destination_ip.parse().ok()?;
        Some(view.holder(ip))
    }

    /// Whether traffic reaches the destination, as whois says it: a disabled accelerator
    /// outranks the mapping's ALLOW or DENY.
    pub fn verdict(&self) -> Verdict {
        match (self.accelerator_enabled, self.traffic) {
            (false, _) => Verdict::Disabled,
            (true, TrafficState::Allow) => Verdict::Allow,
            (true, TrafficState::Deny) => Verdict::Deny,
        }
    }

    pub fn destination(&self) -> SocketAddress {
        SocketAddress {
            ip: self.destination_ip.clone(),
            port: self.destination_port,
        }
    }

    pub fn accelerator_sockets(&self) -> Vec<SocketAddress> {
        self.static_ips
            .iter()
            .map(|ip| SocketAddress {
                ip: ip.clone(),
                port: self.accelerator_port,
            })
            .collect()
    }

    /// The row as the browser's columns show it (unsanitised).
    pub fn cells(&self) -> [String; 8] {
        let sockets: Vec<String> = self
            .accelerator_sockets()
            .iter()
            .map(ToString::to_string)
            .collect();
        let sockets = if sockets.is_empty() {
            format!("*:{}", self.accelerator_port)
        } else {
            sockets.join(" ")
        };
        [
            sockets,
            self.destination().to_string(),
            self.protocols.map_or_else(|| "-".into(), |p| p.to_string()),
            self.traffic.to_string(),
            self.accelerator_name
                .unwrap_or(crate::app::rows::short_id(self.accelerator_arn))
                .to_string(),
            self.region.unwrap_or("-").to_string(),
            self.subnet.to_string(),
            crate::app::rows::short_id(self.endpoint_group_arn).to_string(),
        ]
    }

    pub fn to_destination_mapping(&self) -> DestinationPortMapping {
        DestinationPortMapping {
            accelerator_arn: self.accelerator_arn.to_string(),
            accelerator_sockets: self.accelerator_sockets(),
            endpoint_group_arn: self.endpoint_group_arn.to_string(),
            endpoint_id: self.subnet.to_string(),
            endpoint_group_region: self.region.unwrap_or_default().to_string(),
            destination: self.destination(),
            ip_address_type: None,
            traffic: self.traffic,
        }
    }

    pub fn to_port_mapping(&self) -> PortMapping {
        PortMapping {
            accelerator_port: self.accelerator_port,
            endpoint_group_arn: self.endpoint_group_arn.to_string(),
            endpoint_id: self.subnet.to_string(),
            destination: self.destination(),
            protocols: self.protocols.unwrap_or_default(),
            traffic: self.traffic,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct MappingTable {
    strings: Interner,
    accelerators: Vec<AcceleratorRef>,
    /// Region of each endpoint group (by interned ARN), as far as known.
    regions: HashMap<u32, u32>,
    /// Destination port ranges of endpoint groups, to name the protocols of by-destination
    /// rows (that answer does not carry them).
    destinations: HashMap<u32, Vec<DestinationConfig>>,
    chunks: Vec<Vec<Compact>>,
    len: usize,
    /// The EC2 view of subnets (by interned id), shared with the app's join.
    ec2: HashMap<u32, Arc<SubnetView>>,
    /// Every (group, subnet) a row is in.
    pairs: HashSet<(u32, u32)>,
}

impl MappingTable {
    /// The same table with no rows: what is known about accelerators and groups stays.
    pub fn without_rows(self) -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
            pairs: HashSet::new(),
            ..self
        }
    }

    /// A table with no rows that knows what this one knows about accelerators and groups,
    /// with the same string ids (so sockets of the two compare by key).
    pub fn empty_like(&self) -> Self {
        Self {
            strings: self.strings.clone(),
            accelerators: self.accelerators.clone(),
            regions: self.regions.clone(),
            destinations: self.destinations.clone(),
            chunks: Vec::new(),
            len: 0,
            ec2: self.ec2.clone(),
            pairs: HashSet::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Registers an accelerator the rows may refer to; the same ARN, name, IPs and state give
    /// the same reference.
    pub fn accelerator(
        &mut self,
        arn: &str,
        name: Option<&str>,
        static_ips: &[String],
        enabled: bool,
    ) -> u16 {
        let arn = self.strings.intern(arn);
        let wanted = AcceleratorRef {
            arn,
            name: name.map(str::to_string),
            static_ips: static_ips.to_vec(),
            enabled,
        };
        if let Some(i) = self.accelerators.iter().position(|a| *a == wanted) {
            return u16::try_from(i).unwrap_or(u16::MAX);
        }
        self.accelerators.push(wanted);
        u16::try_from(self.accelerators.len() - 1).unwrap_or(u16::MAX)
    }

    pub fn set_region(&mut self, group_arn: &str, region: &str) {
        let group = self.strings.intern(group_arn);
        let region = self.strings.intern(region);
        self.regions.insert(group, region);
    }

    pub fn set_destinations(&mut self, group_arn: &str, destinations: Vec<DestinationConfig>) {
        let group = self.strings.intern(group_arn);
        self.destinations.insert(group, destinations);
    }

    fn address(&mut self, ip: &str) -> (u32, u8) {
        match ip.parse::<Ipv4Addr>() {
            Ok(v4) => (u32::from(v4), 0),
            Err(_) => (self.strings.intern(ip), DEST_IS_STRING),
        }
    }

    fn push(&mut self, row: Compact) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        let last = self.chunks.last().and_then(|c| c.last());
        if last.is_none_or(|l| (l.group, l.subnet) != (row.group, row.subnet)) {
            self.pairs.insert((row.group, row.subnet));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(row);
            self.len += 1;
        }
    }

    /// Adds a row of ListCustomRoutingPortMappings for the accelerator `accelerator`.
    pub fn push_port_mapping(&mut self, accelerator: u16, m: &PortMapping) {
        let (dest_ip, dest_flag) = self.address(&m.destination.ip);
        let row = Compact {
            dest_ip,
            group: self.strings.intern(&m.endpoint_group_arn),
            subnet: self.strings.intern(&m.endpoint_id),
            accelerator,
            accelerator_port: m.accelerator_port,
            dest_port: m.destination.port,
            protocols: protocol_bits(Some(m.protocols)),
            flags: dest_flag | traffic_bit(m.traffic),
        };
        self.push(row);
    }

    /// Adds a row of ListCustomRoutingPortMappingsByDestination; `name` names its accelerator
    /// when known, `enabled` is false when it is known to be disabled.
    pub fn push_destination_mapping(
        &mut self,
        m: &DestinationPortMapping,
        name: Option<&str>,
        enabled: bool,
    ) {
        let ips: Vec<String> = m.accelerator_sockets.iter().map(|s| s.ip.clone()).collect();
        // Every static IP maps the same accelerator port.
        let port = m.accelerator_sockets.first().map_or(0, |s| s.port);
        let accelerator = self.accelerator(&m.accelerator_arn, name, &ips, enabled);
        self.set_region(&m.endpoint_group_arn, &m.endpoint_group_region);
        let group = self.strings.intern(&m.endpoint_group_arn);
        let protocols = self.destinations.get(&group).and_then(|configs| {
            configs
                .iter()
                .find(|c| c.ports.contains(m.destination.port))
                .map(|c| c.protocols)
        });
        let (dest_ip, dest_flag) = self.address(&m.destination.ip);
        let row = Compact {
            dest_ip,
            group,
            subnet: self.strings.intern(&m.endpoint_id),
            accelerator,
            accelerator_port: port,
            dest_port: m.destination.port,
            protocols: protocol_bits(protocols),
            flags: dest_flag | traffic_bit(m.traffic),
        };
        self.push(row);
    }

    pub fn get(&self, index: usize) -> Option<MappingRow<'_>> {
        let row = self.chunks.get(index / CHUNK)?.get(index % CHUNK)?;
        let accelerator = self.accelerators.get(usize::from(row.accelerator))?;
        let destination_ip = if row.flags & DEST_IS_STRING != 0 {
            self.strings.get(row.dest_ip).to_string()
        } else {
            Ipv4Addr::from(row.dest_ip).to_string()
        };
        let protocols = (row.protocols & PROTO_KNOWN != 0).then(|| {
            let mut set = ProtocolSet::default();
            if row.protocols & PROTO_TCP != 0 {
                set.insert(Protocol::Tcp);
            }
            if row.protocols & PROTO_UDP != 0 {
                set.insert(Protocol::Udp);
            }
            set
        });
        Some(MappingRow {
            accelerator_arn: self.strings.get(accelerator.arn),
            accelerator_name: accelerator.name.as_deref(),
            static_ips: &accelerator.static_ips,
            accelerator_port: row.accelerator_port,
            endpoint_group_arn: self.strings.get(row.group),
            region: self.regions.get(&row.group).map(|&r| self.strings.get(r)),
            subnet: self.strings.get(row.subnet),
            destination_ip,
            destination_port: row.dest_port,
            protocols,
            traffic: if row.flags & TRAFFIC_ALLOW != 0 {
                TrafficState::Allow
            } else {
                TrafficState::Deny
            },
            accelerator_enabled: accelerator.enabled,
            ec2: self.ec2.get(&row.subnet).map(Arc::as_ref),
        })
    }

    /// Row `index`'s destination socket (group, address, port, as interned here) and whether
    /// traffic to it is allowed: what a refresh compares.
    pub fn key(&self, index: usize) -> Option<((u32, u32, u16), bool)> {
        let row = self.chunks.get(index / CHUNK)?.get(index % CHUNK)?;
        Some((
            (row.group, row.dest_ip, row.dest_port),
            row.flags & TRAFFIC_ALLOW != 0,
        ))
    }

    /// The accelerator port of row `index`, without building the row.
    pub fn accelerator_port(&self, index: usize) -> Option<u16> {
        self.chunks
            .get(index / CHUNK)?
            .get(index % CHUNK)
            .map(|r| r.accelerator_port)
    }
}

fn traffic_bit(t: TrafficState) -> u8 {
    match t {
        TrafficState::Allow => TRAFFIC_ALLOW,
        TrafficState::Deny => 0,
    }
}

#[cfg(test)]
mod tests;
