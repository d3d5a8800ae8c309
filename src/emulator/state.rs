//! `portolan emulator --state FILE`: the account as a topology file, rewritten after every
//! accepted change and before the answer leaves, so nothing acknowledged is lost. Each write is
//! atomic (a temporary file, fsync, rename, fsync of the directory): a crash leaves the old
//! file or the new one, never half of either.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use super::load::format_time;
use super::store::Store;
use super::topology::{
    AcceleratorSpec, DestinationSpec, EndpointGroupSpec, EndpointSpec, FlowLogsSpec, ListenerSpec,
    PortRangeSpec, SubnetSpec,
};
use super::traffic::TrafficRule;
use super::{Topology, TopologyError};
use crate::model::TrafficState;

const HEADER: &str = "# portolan emulator state (a topology file): every accepted change is written here before it\n\
# is answered. `portolan emulator --state FILE` loads it again; edit it only while the emulator is\n\
# stopped.\n";

/// Writes `bytes` to `path` so that a crash at any moment leaves either the old file or the
/// new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    #[cfg(unix)]
    File::open(&dir)?.sync_all()?;
    Ok(())
}

fn socket(address: u32, port: u16) -> String {
    format!("{}:{port}", Ipv4Addr::from(address))
}

/// The whole account as a topology: what a state file holds.
pub fn topology_of(store: &Store, mappings_file: Option<String>) -> Topology {
    let subnets = store
        .subnets
        .iter()
        .map(|s| SubnetSpec {
            id: s.id.clone(),
            region: s.region.clone(),
            cidr: s.net.to_string(),
            vpc_id: Some(s.vpc_id.clone()),
            availability_zone: Some(s.availability_zone.clone()),
            name: s.name.clone(),
            generate_instances: s.generate_instances,
            vacant: s
                .vacant
                .iter()
                .map(|&a| Ipv4Addr::from(a).to_string())
                .collect(),
        })
        .collect();
    let accelerators = store
        .accelerators
        .iter()
        .map(|acc| {
            let (enabled, bucket, prefix) = &acc.flow_logs;
            let listeners = store
                .listeners
                .iter()
                .filter(|l| l.accelerator_arn == acc.arn)
                .map(|l| ListenerSpec {
                    arn: Some(l.arn.clone()),
                    port_key: Some(format!("{:016x}", l.shuffle_key)),
                    port_ranges: l
                        .ranges
                        .iter()
                        .map(|r| PortRangeSpec {
                            from: r.from_port(),
                            to: r.to_port(),
                        })
                        .collect(),
                    endpoint_groups: store
                        .groups
                        .iter()
                        .filter(|g| g.listener_arn == l.arn)
                        .map(|g| EndpointGroupSpec {
                            arn: Some(g.arn.clone()),
                            region: g.region.clone(),
                            destinations: g
                                .destinations
                                .iter()
                                .map(|d| DestinationSpec {
                                    from: d.ports.from_port(),
                                    to: d.ports.to_port(),
                                    protocols: d
                                        .protocols
                                        .iter()
                                        .map(|p| p.as_api_str().to_string())
                                        .collect(),
                                })
                                .collect(),
                            endpoints: g.endpoints.iter().map(endpoint_spec).collect(),
                        })
                        .collect(),
                })
                .collect();
            AcceleratorSpec {
                arn: Some(acc.arn.clone()),
                name: acc.name.clone(),
                dns_name: Some(acc.dns_name.clone()),
                created: Some(format_time(acc.created)),
                modified: Some(format_time(acc.modified)),
                flow_logs: (*enabled || bucket.is_some() || prefix.is_some()).then(|| {
                    FlowLogsSpec {
                        enabled: *enabled,
                        bucket: bucket.clone(),
                        prefix: prefix.clone(),
                    }
                }),
                ip_addresses: Some(acc.ips.clone()),
                enabled: acc.enabled,
                tags: acc.tags.iter().cloned().collect::<BTreeMap<_, _>>(),
                listeners,
            }
        })
        .collect();
    Topology {
        account_id: store.account.clone(),
        next_serial: Some(store.serial_now()),
        mappings_file,
        subnets,
        accelerators,
        instances: store.fleet.listed.clone(),
        base_dir: None,
    }
}

fn endpoint_spec(att: &super::store::Attachment) -> EndpointSpec {
    let (subnet_state, rules) = att.traffic.rules();
    let mut spec = EndpointSpec {
        subnet: att.subnet_id.clone(),
        allow_all: subnet_state == TrafficState::Allow,
        allowed_addresses: Vec::new(),
        denied_addresses: Vec::new(),
        allowed_sockets: Vec::new(),
        denied_sockets: Vec::new(),
        // Explicit ports come back from the mappings file; shuffled ones from their slots.
        slots: if att.explicit_ports.is_some() {
            Vec::new()
        } else {
            att.segments.iter().map(|s| (s.start, s.len)).collect()
        },
    };
    for rule in rules {
        match rule {
            TrafficRule::Address(a, TrafficState::Allow) => {
                spec.allowed_addresses.push(Ipv4Addr::from(a).to_string());
            }
            TrafficRule::Address(a, TrafficState::Deny) => {
                spec.denied_addresses.push(Ipv4Addr::from(a).to_string());
            }
            TrafficRule::Socket(a, p, TrafficState::Allow) => {
                spec.allowed_sockets.push(socket(a, p));
            }
            TrafficRule::Socket(a, p, TrafficState::Deny) => spec.denied_sockets.push(socket(a, p)),
        }
    }
    spec
}

/// Every explicit mapping, in the CSV format `portolan mappings --all -o csv` writes.
fn explicit_csv(store: &Store) -> Result<Vec<u8>, TopologyError> {
    let fail = |e: csv::Error| TopologyError::Invalid(e.to_string());
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "AcceleratorArn",
        "AcceleratorPort",
        "EndpointGroupArn",
        "EndpointId",
        "DestinationSocketAddress",
        "Protocols",
        "DestinationTrafficState",
    ])
    .map_err(fail)?;
    for g in &store.groups {
        for att in g.endpoints.iter().filter(|a| a.explicit_ports.is_some()) {
            let Some(view) = store.view(g, att) else {
                continue;
            };
            for k in 0..view.count {
                let Some(m) = view.mapping(k) else { continue };
                out.write_record([
                    g.accelerator_arn.as_str(),
                    &m.accelerator_port.to_string(),
                    &g.arn,
                    &att.subnet_id,
                    &socket(m.address, m.port),
                    &g.protocols_of(m.port).join(" "),
                    m.traffic.as_api_str(),
                ])
                .map_err(fail)?;
            }
        }
    }
    out.into_inner()
        .map_err(|e| TopologyError::Invalid(e.to_string()))
}

/// The state file of one emulator and the explicit mappings file beside it.
pub struct StateFile {
    path: PathBuf,
    /// Which explicit attachments the current mappings file holds, and its name. Explicit
    /// mappings never change while attached, so the file is rewritten only when one goes.
    mappings: Option<(Vec<(u64, u64)>, String)>,
    generation: u64,
}

impl StateFile {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            mappings: None,
            generation: 0,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, e: io::Error) -> TopologyError {
        TopologyError::Read {
            path: self.path.display().to_string(),
            source: e,
        }
    }

    /// Writes the account. A new mappings file is written (atomically, under a new name)
    /// before the state that names it, and the old one removed after, so the pair on disk
    /// always agrees.
    pub fn save(&mut self, store: &Store) -> Result<(), TopologyError> {
        let explicit: Vec<(u64, u64)> = store
            .groups
            .iter()
            .flat_map(|g| {
                g.endpoints
                    .iter()
                    .filter(|a| a.explicit_ports.is_some())
                    .map(move |a| (g.serial, a.serial))
            })
            .collect();
        let mut stale = None;
        let mappings_file = if explicit.is_empty() {
            stale = self.mappings.take().map(|(_, name)| name);
            None
        } else {
            match &self.mappings {
                Some((held, name)) if *held == explicit => Some(name.clone()),
                _ => {
                    self.generation += 1;
                    let name = format!("{}.mappings-{}.csv", self.base(), self.generation);
                    let bytes = explicit_csv(store)?;
                    write_atomically(&self.sibling(&name), &bytes).map_err(|e| self.io(e))?;
                    stale = self
                        .mappings
                        .replace((explicit, name.clone()))
                        .map(|(_, old)| old);
                    Some(name)
                }
            }
        };
        let text = topology_of(store, mappings_file).to_toml(HEADER)?;
        write_atomically(&self.path, text.as_bytes()).map_err(|e| self.io(e))?;
        // Only a mappings file this emulator wrote is removed, never one it was given.
        if let Some(old) =
            stale.filter(|old| old.starts_with(&format!("{}.mappings-", self.base())))
        {
            let _ = std::fs::remove_file(self.sibling(&old));
        }
        Ok(())
    }

    /// After loading this file: the mappings file it names is the one in use.
    pub fn adopt(&mut self, store: &Store, topology: &Topology) {
        if let Some(name) = &topology.mappings_file {
            let explicit = store
                .groups
                .iter()
                .flat_map(|g| {
                    g.endpoints
                        .iter()
                        .filter(|a| a.explicit_ports.is_some())
                        .map(move |a| (g.serial, a.serial))
                })
                .collect();
            self.mappings = Some((explicit, name.clone()));
            self.generation = name
                .rsplit_once(".mappings-")
                .and_then(|(_, n)| n.trim_end_matches(".csv").parse().ok())
                .unwrap_or(0);
        }
    }

    fn base(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into())
    }

    fn sibling(&self, name: &str) -> PathBuf {
        match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.join(name),
            _ => PathBuf::from(name),
        }
    }
}
