use std::fmt;
use std::time::SystemTime;

use super::{DestinationConfig, PortRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpAddressType {
    Ipv4,
    DualStack,
}

impl IpAddressType {
    pub fn as_api_str(self) -> &'static str {
        match self {
            IpAddressType::Ipv4 => "IPV4",
            IpAddressType::DualStack => "DUAL_STACK",
        }
    }

    pub fn from_api_str(s: &str) -> Option<Self> {
        match s {
            "IPV4" => Some(IpAddressType::Ipv4),
            "DUAL_STACK" => Some(IpAddressType::DualStack),
            _ => None,
        }
    }
}

/// Deployment status. After any change AWS reports `InProgress` until the change has
/// propagated to every edge location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AcceleratorStatus {
    Deployed,
    InProgress,
    /// A value this version does not know; kept so it can be shown as received.
    Other(String),
}

impl AcceleratorStatus {
    pub fn from_api_str(s: &str) -> Self {
        match s {
            "DEPLOYED" => AcceleratorStatus::Deployed,
            "IN_PROGRESS" => AcceleratorStatus::InProgress,
            other => AcceleratorStatus::Other(other.to_string()),
        }
    }

    pub fn as_api_str(&self) -> &str {
        match self {
            AcceleratorStatus::Deployed => "DEPLOYED",
            AcceleratorStatus::InProgress => "IN_PROGRESS",
            AcceleratorStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for AcceleratorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// A custom routing accelerator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accelerator {
    pub arn: String,
    pub name: String,
    pub ip_address_type: Option<IpAddressType>,
    pub enabled: bool,
    pub status: AcceleratorStatus,
    /// Static IPs across every IP set (IPv4 first, as the API lists them).
    pub static_ips: Vec<String>,
    pub dns_name: String,
    /// IPv6 DNS name of a dual-stack accelerator is not part of the custom routing shape;
    /// only `dns_name` exists.
    pub created: Option<SystemTime>,
    pub last_modified: Option<SystemTime>,
    /// Tags are not part of the list/describe answers: they come from ListTagsForResource and
    /// stay empty until loaded.
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcceleratorAttributes {
    pub flow_logs_enabled: bool,
    pub flow_logs_s3_bucket: Option<String>,
    pub flow_logs_s3_prefix: Option<String>,
}

/// A custom routing listener: the accelerator ports it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub arn: String,
    pub port_ranges: Vec<PortRange>,
}

impl Listener {
    pub fn total_ports(&self) -> u32 {
        self.port_ranges.iter().map(|r| r.len()).sum()
    }
}

/// A custom routing endpoint group: one region of a listener, its destination port ranges and
/// the subnets (endpoints) it routes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointGroup {
    pub arn: String,
    pub region: String,
    pub destinations: Vec<DestinationConfig>,
    /// Subnet ids.
    pub endpoints: Vec<String>,
}

/// Which kind of resource an ARN names, with the parts that matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnKind {
    Accelerator {
        accelerator_id: String,
    },
    Listener {
        accelerator_id: String,
        listener_id: String,
    },
    EndpointGroup {
        accelerator_id: String,
        listener_id: String,
        endpoint_group_id: String,
    },
}

/// What CreateCustomRoutingAccelerator takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccelerator {
    pub name: String,
    pub ip_address_type: Option<IpAddressType>,
    pub ip_addresses: Vec<String>,
    pub enabled: Option<bool>,
    pub idempotency_token: String,
    pub tags: Vec<Tag>,
}

/// What UpdateCustomRoutingAccelerator takes; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcceleratorUpdate {
    pub arn: String,
    pub name: Option<String>,
    pub ip_address_type: Option<IpAddressType>,
    pub ip_addresses: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// What CreateCustomRoutingListener takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewListener {
    pub accelerator_arn: String,
    pub port_ranges: Vec<PortRange>,
    pub idempotency_token: String,
}

/// What CreateCustomRoutingEndpointGroup takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEndpointGroup {
    pub listener_arn: String,
    pub region: String,
    pub destinations: Vec<DestinationConfig>,
    /// Kept for every retry of one create, so a resubmit after a timeout creates nothing new.
    pub idempotency_token: String,
}

/// Which destinations of one subnet an allow/deny call changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficScope {
    /// Every address and port of the subnet (`AllowAllTrafficToEndpoint`).
    WholeEndpoint,
    /// The given addresses (1–100); with no ports, every destination port of those addresses.
    Destinations {
        addresses: Vec<String>,
        ports: Vec<u16>,
    },
}

/// An Allow/DenyCustomRoutingTraffic request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficChange {
    pub endpoint_group_arn: String,
    pub endpoint_id: String,
    pub scope: TrafficScope,
}

/// The last path element of an ARN: the id a person compares at a glance.
pub fn short_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The account id inside an ARN (`arn:aws:globalaccelerator::ACCOUNT:…`).
pub fn account_of(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The accelerator ARN a listener or endpoint group ARN sits under.
pub fn accelerator_arn_of(arn: &str) -> &str {
    match arn.find("/listener/") {
        Some(i) => &arn[..i],
        None => arn,
    }
}

/// The listener ARN an endpoint group ARN sits under.
pub fn listener_arn_of(arn: &str) -> &str {
    match arn.find("/endpoint-group/") {
        Some(i) => &arn[..i],
        None => arn,
    }
}
