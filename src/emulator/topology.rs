//! The TOML topology an emulator starts from. Names are taken as written (hostile names are
//! allowed on purpose: the client must sanitise what it draws).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    pub account_id: String,
    /// Every subnet the account has. Subnets no endpoint group uses are spare, ready for
    /// AddCustomRoutingEndpoints.
    #[serde(default)]
    pub subnets: Vec<SubnetSpec>,
    #[serde(default)]
    pub accelerators: Vec<AcceleratorSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SubnetSpec {
    pub id: String,
    pub region: String,
    /// IPv4 CIDR, /28 to /16.
    pub cidr: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorSpec {
    pub name: String,
    /// Static IPv4 addresses (0–2); when absent two are assigned deterministically.
    #[serde(default)]
    pub ip_addresses: Option<Vec<String>>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub listeners: Vec<ListenerSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ListenerSpec {
    pub port_ranges: Vec<PortRangeSpec>,
    #[serde(default)]
    pub endpoint_groups: Vec<EndpointGroupSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PortRangeSpec {
    pub from: u16,
    pub to: u16,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointGroupSpec {
    pub region: String,
    pub destinations: Vec<DestinationSpec>,
    #[serde(default)]
    pub endpoints: Vec<EndpointSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DestinationSpec {
    pub from: u16,
    pub to: u16,
    /// `"TCP"`, `"UDP"`.
    pub protocols: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    pub subnet: String,
    /// Allow all traffic to the subnet after adding it (AWS adds subnets with all traffic denied).
    #[serde(default)]
    pub allow_all: bool,
    /// Addresses denied again after `allow_all` (every destination port of each).
    #[serde(default)]
    pub denied_addresses: Vec<String>,
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
        Self::parse(&text, &shown)
    }

    pub fn demo() -> Self {
        Self::parse(DEMO_TOPOLOGY, "demo topology").expect("the embedded demo topology parses")
    }
}
