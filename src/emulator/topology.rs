//! The TOML topology an emulator starts from. Names are taken as written (hostile names are
//! allowed on purpose: the client must sanitise what it draws).
//!
//! Everything beyond names, ranges and subnets is optional, so a hand-written file stays short;
//! `--state` and `portolan snapshot` fill the rest in (ARNs, times, attributes, every allowed and
//! denied address and socket, where each subnet's ports sit, explicit mappings) so an account
//! comes back exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    pub account_id: String,
    /// The emulator's id counter when the file was written, so resources created after a
    /// restart never reuse an id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_serial: Option<u64>,
    /// A CSV of explicit port mappings in the format `portolan mappings -o csv` writes,
    /// relative to this file: the subnets it covers serve exactly those accelerator ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mappings_file: Option<String>,
    /// Every subnet the account has. Subnets no endpoint group uses are spare, ready for
    /// AddCustomRoutingEndpoints.
    #[serde(default)]
    pub subnets: Vec<SubnetSpec>,
    #[serde(default)]
    pub accelerators: Vec<AcceleratorSpec>,
    /// EC2 instances listed one by one (each with one network interface), beside those a
    /// subnet's `generate_instances` makes by rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<InstanceSpec>,
    /// The directory the file was read from, where `mappings_file` is looked for.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    pub id: String,
    pub region: String,
    /// IPv4 CIDR, /28 to /16.
    pub cidr: String,
    /// The VPC, as EC2 reports it; one VPC per region (derived from the account) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// e.g. `us-east-1b`; one of the region's zones, derived from the id, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The subnet's `Name` tag; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fill the subnet's usable addresses with EC2 instances by the emulator's rule (see
    /// `emulator::ec2::hosts`), except `vacant` addresses and those `[[instances]]` hold.
    #[serde(default, skip_serializing_if = "is_false")]
    pub generate_instances: bool,
    /// Addresses the rule leaves without a network interface.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vacant: Vec<String>,
}

/// One EC2 instance with one network interface (device 0) in `subnet`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InstanceSpec {
    /// `i-` and 8 or 17 hex digits; derived from the account and the instance's place when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The `Name` tag; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `pending`, `running`, `stopping` or `stopped` (instances that hold addresses).
    #[serde(default = "running")]
    pub state: String,
    #[serde(rename = "type", default = "default_instance_type")]
    pub instance_type: String,
    pub subnet: String,
    /// The interface's primary private address.
    pub private_ip: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ips: Vec<String>,
    /// Delegated IPv4 prefixes (`/28`s of the subnet) the interface holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
    /// `eni-` and hex digits; derived from the instance id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_id: Option<String>,
}

fn running() -> String {
    "running".into()
}

fn default_instance_type() -> String {
    "c6i.large".into()
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorSpec {
    /// Kept as written; derived from the account and the accelerator's place when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// RFC 3339, e.g. `2025-06-01T00:00:00Z`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_logs: Option<FlowLogsSpec>,
    /// Static IPv4 addresses (0–2); when absent two are assigned deterministically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_addresses: Option<Vec<String>>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub listeners: Vec<ListenerSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FlowLogsSpec {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ListenerSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The key (16 hex digits) that shuffles this listener's ports; kept so ports survive a
    /// restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_key: Option<String>,
    pub port_ranges: Vec<PortRangeSpec>,
    #[serde(default)]
    pub endpoint_groups: Vec<EndpointGroupSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PortRangeSpec {
    pub from: u16,
    pub to: u16,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointGroupSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub region: String,
    pub destinations: Vec<DestinationSpec>,
    #[serde(default)]
    pub endpoints: Vec<EndpointSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DestinationSpec {
    pub from: u16,
    pub to: u16,
    /// `"TCP"`, `"UDP"`.
    pub protocols: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    pub subnet: String,
    /// Allow all traffic to the subnet after adding it (AWS adds subnets with all traffic denied).
    #[serde(default)]
    pub allow_all: bool,
    /// Addresses allowed on every destination port (applied after `allow_all`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_addresses: Vec<String>,
    /// Addresses denied again after `allow_all` (every destination port of each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denied_addresses: Vec<String>,
    /// Single destinations (`10.0.1.4:7777`) allowed, applied after the address rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_sockets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denied_sockets: Vec<String>,
    /// Where this subnet's mappings sit in the listener's shuffled port space, as
    /// `[first slot, count]` runs; kept so ports survive a restart. Lowest free when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<(u32, u32)>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    #[error("cannot read topology {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("topology {path}: {message}")]
    Parse { path: String, message: String },
    #[error("topology: {0}")]
    Invalid(String),
}

/// The demo topology shipped in `assets/`, compiled into the binary so `--demo` needs no file.
pub const DEMO_TOPOLOGY: &str = include_str!("../../assets/demo-topology.toml");

impl Topology {
    pub fn parse(text: &str, origin: &str) -> Result<Self, TopologyError> {
        toml::from_str(text).map_err(|e| TopologyError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })
    }

    pub fn load(path: &Path) -> Result<Self, TopologyError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TopologyError::Read {
            path: shown.clone(),
            source,
        })?;
        let mut topology = Self::parse(&text, &shown)?;
        topology.base_dir = Some(
            path.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        );
        Ok(topology)
    }

    /// The file's text: TOML, with `header` (comment lines) on top.
    pub fn to_toml(&self, header: &str) -> Result<String, TopologyError> {
        let body = toml::to_string(self).map_err(|e| TopologyError::Invalid(e.to_string()))?;
        Ok(format!("{header}{body}"))
    }

    pub fn demo() -> Self {
        Self::parse(DEMO_TOPOLOGY, "demo topology").expect("the embedded demo topology parses")
    }
}
