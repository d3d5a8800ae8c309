//! The emulated account's resources and the lookups and answers every operation shares.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ipnet::Ipv4Net;
use serde_json::{Value, json};

use super::ServiceError;
use super::ec2::fleet::Fleet;
use super::ports::{Segment, Shuffle, SlotAllocator, locate, mix, nth_port, slot_of};
use super::traffic::TrafficRules;
use crate::model::{DestinationConfig, PortRange, TrafficState};

pub struct Subnet {
    pub id: String,
    pub region: String,
    pub net: Ipv4Net,
    /// What EC2 says of the subnet (defaults filled in at load).
    pub vpc_id: String,
    pub availability_zone: String,
    pub name: Option<String>,
    /// The topology's `generate_instances` and `vacant`, kept so the state file keeps them.
    pub generate_instances: bool,
    pub vacant: Vec<u32>,
}

impl Subnet {
    /// Addresses AWS maps: all but the first four and the last.
    pub fn usable(&self) -> u32 {
        (1u32 << (32 - self.net.prefix_len())).saturating_sub(5)
    }

    pub fn first_usable(&self) -> u32 {
        u32::from(self.net.network()) + 4
    }

    pub fn usable_index(&self, address: Ipv4Addr) -> Option<u32> {
        let a = u32::from(address);
        (a >= self.first_usable() && a < self.first_usable() + self.usable())
            .then(|| a - self.first_usable())
    }
}

pub struct AcceleratorRec {
    pub serial: u64,
    pub arn: String,
    pub name: String,
    pub ip_address_type: String,
    pub ips: Vec<String>,
    pub enabled: bool,
    pub dns_name: String,
    pub created: f64,
    pub modified: f64,
    pub changed_at: Option<Instant>,
    pub key: u64,
    pub tags: Vec<(String, String)>,
    pub flow_logs: (bool, Option<String>, Option<String>),
}

pub struct ListenerRec {
    pub serial: u64,
    pub arn: String,
    pub accelerator_arn: String,
    pub ranges: Vec<PortRange>,
    pub slots: SlotAllocator,
    /// Keys the shuffle of this listener's ports (fixed at creation, kept by `--state`).
    pub shuffle_key: u64,
}

impl ListenerRec {
    pub fn size(&self) -> u32 {
        self.ranges.iter().map(|r| r.len()).sum()
    }
}

pub struct Attachment {
    pub serial: u64,
    pub subnet_id: String,
    pub segments: Vec<Segment>,
    pub traffic: TrafficRules,
    /// Accelerator ports given by a topology's explicit mappings, by mapping index; such a
    /// subnet serves exactly these instead of shuffled ones.
    pub explicit_ports: Option<Vec<u16>>,
}

pub struct GroupRec {
    pub serial: u64,
    pub arn: String,
    pub listener_arn: String,
    pub accelerator_arn: String,
    pub region: String,
    pub destinations: Vec<DestinationConfig>,
    pub endpoints: Vec<Attachment>,
}

impl GroupRec {
    pub fn ports_per_address(&self) -> u32 {
        self.destinations.iter().map(|d| d.ports.len()).sum()
    }

    pub fn destination_ranges(&self) -> Vec<PortRange> {
        self.destinations.iter().map(|d| d.ports).collect()
    }

    pub fn protocols_of(&self, port: u16) -> Vec<&'static str> {
        self.destinations
            .iter()
            .find(|d| d.ports.contains(port))
            .map(|d| d.protocols.iter().map(|p| p.as_api_str()).collect())
            .unwrap_or_default()
    }
}

/// One attachment of a group, ready to compute its `k`-th mapping.
pub struct AttachmentView<'a> {
    pub group: &'a GroupRec,
    pub att: &'a Attachment,
    pub first_address: u32,
    pub count: u64,
    pub per_address: u64,
    destination_ranges: Vec<PortRange>,
    listener_ranges: &'a [PortRange],
    shuffle: Shuffle,
}

impl AttachmentView<'_> {
    pub fn mapping(&self, k: u64) -> Option<Resolved> {
        let address = self.first_address + u32::try_from(k / self.per_address).ok()?;
        let (destination, port) = locate(&self.destination_ranges, (k % self.per_address) as u32)?;
        let accelerator_port = match &self.att.explicit_ports {
            Some(ports) => *ports.get(usize::try_from(k).ok()?)?,
            None => {
                let slot = slot_of(&self.att.segments, k)?;
                nth_port(self.listener_ranges, self.shuffle.forward(slot))?
            }
        };
        Some(Resolved {
            accelerator_port,
            address,
            port,
            destination,
            traffic: self.att.traffic.state(address, port),
        })
    }
}

/// One mapping, resolved: what ListCustomRoutingPortMappings reports for it.
pub struct Resolved {
    pub accelerator_port: u16,
    pub address: u32,
    pub port: u16,
    /// Which of the group's destination configurations holds `port`.
    pub destination: usize,
    pub traffic: TrafficState,
}

pub struct Store {
    pub account: String,
    pub subnets: Vec<Subnet>,
    pub accelerators: Vec<AcceleratorRec>,
    pub listeners: Vec<ListenerRec>,
    pub groups: Vec<GroupRec>,
    /// The EC2 instances and network interfaces in the account's subnets.
    pub fleet: Fleet,
    /// (operation, token) → (request, answer) of create calls, so a retry returns the first answer.
    pub idempotency: HashMap<(String, String), (Value, Value)>,
    pub settle: Duration,
    serial: u64,
}

/// Now, to the millisecond: what a state file keeps exactly.
pub fn now_epoch() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| Duration::from_millis(d.as_millis() as u64).as_secs_f64())
        .unwrap_or(0.0)
}

impl Store {
    pub fn new(account: String, settle: Duration) -> Self {
        Self {
            account,
            subnets: Vec::new(),
            accelerators: Vec::new(),
            listeners: Vec::new(),
            groups: Vec::new(),
            fleet: Fleet::default(),
            idempotency: HashMap::new(),
            settle,
            serial: 0,
        }
    }

    /// A fresh serial; ids derived from it are the same on every run of the same calls.
    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// Resumes the id counter of a saved account, so new ids never repeat old ones.
    pub fn continue_serials(&mut self, saved: u64) {
        self.serial = self.serial.max(saved);
    }

    pub fn serial_now(&self) -> u64 {
        self.serial
    }

    pub fn id_hex(&self, serial: u64, salt: u64, digits: usize) -> String {
        let seed = self
            .account
            .bytes()
            .fold(0u64, |h, b| mix(h ^ u64::from(b)));
        let mut out = String::new();
        let mut n = 0;
        while out.len() < digits {
            out.push_str(&format!(
                "{:016x}",
                mix(seed ^ mix(serial ^ (salt << 48)) ^ n)
            ));
            n += 1;
        }
        out.truncate(digits);
        out
    }

    pub fn accelerator(&self, arn: &str) -> Result<&AcceleratorRec, ServiceError> {
        self.accelerators
            .iter()
            .find(|a| a.arn == arn)
            .ok_or_else(|| not_found("Accelerator", arn))
    }

    pub fn accelerator_mut(&mut self, arn: &str) -> Result<&mut AcceleratorRec, ServiceError> {
        self.accelerators
            .iter_mut()
            .find(|a| a.arn == arn)
            .ok_or_else(|| not_found("Accelerator", arn))
    }

    /// A listener by ARN; an ARN whose accelerator does not exist is AcceleratorNotFound.
    pub fn listener(&self, arn: &str) -> Result<&ListenerRec, ServiceError> {
        if let Some(l) = self.listeners.iter().find(|l| l.arn == arn) {
            return Ok(l);
        }
        match arn.split_once("/listener/") {
            Some((acc, _)) if self.accelerator(acc).is_err() => Err(not_found("Accelerator", acc)),
            _ => Err(not_found("Listener", arn)),
        }
    }

    pub fn listener_index(&self, arn: &str) -> Result<usize, ServiceError> {
        self.listener(arn)?;
        Ok(self
            .listeners
            .iter()
            .position(|l| l.arn == arn)
            .unwrap_or_default())
    }

    pub fn group_index(&self, arn: &str) -> Result<usize, ServiceError> {
        self.groups
            .iter()
            .position(|g| g.arn == arn)
            .ok_or_else(|| not_found("EndpointGroup", arn))
    }

    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.iter().find(|s| s.id == id)
    }

    /// Records a change, so the accelerator reports IN_PROGRESS for the settle time.
    pub fn touch(&mut self, accelerator_arn: &str) {
        let settle = self.settle;
        if let Ok(a) = self.accelerator_mut(accelerator_arn) {
            a.modified = now_epoch();
            a.changed_at = (!settle.is_zero()).then(Instant::now);
        }
    }

    pub fn shuffle(&self, listener: &ListenerRec) -> Shuffle {
        Shuffle::new(listener.shuffle_key, listener.size())
    }

    /// Everything needed to compute an attachment's mappings, gathered once per attachment so
    /// a page of 20,000 mappings costs no lookups per row.
    pub fn view<'a>(
        &'a self,
        group: &'a GroupRec,
        att: &'a Attachment,
    ) -> Option<AttachmentView<'a>> {
        let subnet = self.subnet(&att.subnet_id)?;
        let listener = self
            .listeners
            .iter()
            .find(|l| l.arn == group.listener_arn)?;
        Some(AttachmentView {
            group,
            att,
            first_address: subnet.first_usable(),
            count: u64::from(subnet.usable()) * u64::from(group.ports_per_address()),
            per_address: u64::from(group.ports_per_address()),
            destination_ranges: group.destination_ranges(),
            listener_ranges: &listener.ranges,
            shuffle: self.shuffle(listener),
        })
    }

    pub fn mappings_of(&self, att: &Attachment, group: &GroupRec) -> u64 {
        let usable = self.subnet(&att.subnet_id).map(Subnet::usable).unwrap_or(0);
        u64::from(usable) * u64::from(group.ports_per_address())
    }

    pub fn status(&self, acc: &AcceleratorRec) -> &'static str {
        match acc.changed_at {
            Some(t) if t.elapsed() < self.settle => "IN_PROGRESS",
            _ => "DEPLOYED",
        }
    }

    pub fn accelerator_json(&self, acc: &AcceleratorRec) -> Value {
        let (v4, v6): (Vec<&String>, Vec<&String>) =
            acc.ips.iter().partition(|ip| !ip.contains(':'));
        let mut sets =
            vec![json!({"IpFamily": "IPv4", "IpAddresses": v4, "IpAddressFamily": "IPv4"})];
        if !v6.is_empty() {
            sets.push(json!({"IpFamily": "IPv6", "IpAddresses": v6, "IpAddressFamily": "IPv6"}));
        }
        json!({
            "AcceleratorArn": acc.arn,
            "Name": acc.name,
            "IpAddressType": acc.ip_address_type,
            "Enabled": acc.enabled,
            "IpSets": sets,
            "DnsName": acc.dns_name,
            "Status": self.status(acc),
            "CreatedTime": acc.created,
            "LastModifiedTime": acc.modified,
        })
    }
}

pub fn listener_json(l: &ListenerRec) -> Value {
    json!({"ListenerArn": l.arn, "PortRanges": ranges_json(&l.ranges)})
}

pub fn ranges_json(ranges: &[PortRange]) -> Vec<Value> {
    ranges
        .iter()
        .map(|r| json!({"FromPort": r.from_port(), "ToPort": r.to_port()}))
        .collect()
}

pub fn group_json(g: &GroupRec) -> Value {
    json!({
        "EndpointGroupArn": g.arn,
        "EndpointGroupRegion": g.region,
        "DestinationDescriptions": g.destinations.iter().map(|d| json!({
            "FromPort": d.ports.from_port(),
            "ToPort": d.ports.to_port(),
            "Protocols": d.protocols.iter().map(|p| p.as_api_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "EndpointDescriptions": g.endpoints.iter().map(|e| json!({"EndpointId": e.subnet_id})).collect::<Vec<_>>(),
    })
}

pub fn not_found(kind: &'static str, arn: &str) -> ServiceError {
    let code = match kind {
        "Accelerator" => "AcceleratorNotFoundException",
        "Listener" => "ListenerNotFoundException",
        "EndpointGroup" => "EndpointGroupNotFoundException",
        _ => "EndpointNotFoundException",
    };
    let shown: String = arn.chars().take(255).collect();
    ServiceError::new(code, format!("{kind} {shown} not found"))
}

pub fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidArgumentException", message)
}
