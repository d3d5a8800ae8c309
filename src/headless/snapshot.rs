//! `portolan snapshot --out DIR`: any account (a profile, or any endpoint) written as a
//! topology the emulator loads, with every mapping in a side CSV so the emulator serves exactly
//! the same ports. Everything is read through the API client, as from AWS.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::HeadlessError;
use crate::api::listing::all_pages as all;
use crate::api::{GlobalAccelerator, MAX_RESULTS_MAPPINGS, MAX_RESULTS_RESOURCES};
use crate::cli::OutputFormat;
use crate::ec2::Ec2;
use crate::emulator::{
    AcceleratorSpec, DestinationSpec, EndpointGroupSpec, EndpointSpec, FlowLogsSpec, ListenerSpec,
    PortRangeSpec, SubnetSpec, Topology, write_atomically,
};
use crate::format::{AcceleratorPortMapping, Output};
use crate::model::{TrafficState, account_of};

pub const TOPOLOGY_FILE: &str = "topology.toml";
pub const MAPPINGS_FILE: &str = "mappings.csv";

/// What the mappings say about one subnet in one endpoint group.
#[derive(Default)]
struct Seen {
    lowest: Option<u32>,
    highest: Option<u32>,
    /// (address, port, allowed) of every destination.
    sockets: Vec<(u32, u16, bool)>,
}

/// RFC 3339 to the millisecond, rounded (the SDK's float seconds land a hair off).
fn time(t: Option<SystemTime>) -> Option<String> {
    let d = t?.duration_since(UNIX_EPOCH).ok()?;
    let millis = (d.as_nanos() + 500_000) / 1_000_000;
    let rounded = UNIX_EPOCH + std::time::Duration::from_millis(millis as u64);
    Some(humantime::format_rfc3339_millis(rounded).to_string())
}

/// The CIDR whose first usable address (network + 4) and last (broadcast - 1) these are.
fn cidr_of(lowest: u32, highest: u32) -> Option<String> {
    let network = lowest.checked_sub(4)?;
    let size = u64::from(highest.checked_add(2)?) - u64::from(network);
    if !size.is_power_of_two() || !(16..=65_536).contains(&size) || u64::from(network) % size != 0 {
        return None;
    }
    let prefix = 32 - size.trailing_zeros();
    Some(format!("{}/{prefix}", Ipv4Addr::from(network)))
}

/// The fewest rules that give every destination its state: the subnet's majority, then each
/// address's majority where it differs, then single sockets.
fn traffic_rules(subnet: &str, seen: &Seen) -> EndpointSpec {
    let allowed = seen.sockets.iter().filter(|s| s.2).count();
    let subnet_allows = allowed * 2 > seen.sockets.len();
    let mut spec = EndpointSpec {
        subnet: subnet.to_string(),
        allow_all: subnet_allows,
        allowed_addresses: Vec::new(),
        denied_addresses: Vec::new(),
        allowed_sockets: Vec::new(),
        denied_sockets: Vec::new(),
        slots: Vec::new(),
    };
    let mut by_address: BTreeMap<u32, Vec<(u16, bool)>> = BTreeMap::new();
    for &(a, p, allow) in &seen.sockets {
        by_address.entry(a).or_default().push((p, allow));
    }
    for (address, ports) in by_address {
        let allowed = ports.iter().filter(|p| p.1).count();
        let mut effective = subnet_allows;
        if allowed * 2 > ports.len() && !subnet_allows {
            effective = true;
        } else if allowed * 2 < ports.len() && subnet_allows {
            effective = false;
        }
        let ip = Ipv4Addr::from(address);
        if effective != subnet_allows {
            let list = if effective {
                &mut spec.allowed_addresses
            } else {
                &mut spec.denied_addresses
            };
            list.push(ip.to_string());
        }
        let mut odd: Vec<_> = ports.iter().filter(|p| p.1 != effective).collect();
        odd.sort_unstable();
        for (port, allow) in odd {
            let list = if *allow {
                &mut spec.allowed_sockets
            } else {
                &mut spec.denied_sockets
            };
            list.push(format!("{ip}:{port}"));
        }
    }
    spec
}

fn header(account: &str) -> String {
    let taken = humantime::format_rfc3339_seconds(SystemTime::now());
    format!(
        "# Account {account} as `portolan snapshot` read it on {taken}; serve it with\n\
         #   portolan emulator --topology {TOPOLOGY_FILE}\n\
         # ARNs, names, static IPs, tags, flow-log attributes and traffic states are as read. Every\n\
         # mapping is in {MAPPINGS_FILE} (the format `portolan mappings --all -o csv` writes), so the\n\
         # emulator serves exactly the same accelerator ports.\n\
         # Subnet CIDRs are derived: Global Accelerator never tells a subnet's CIDR, but its mappings\n\
         # do. AWS maps every address but the first four and the last, so the first mapped address is\n\
         # the network + 4 and the last is the broadcast address - 1, which fixes the CIDR exactly.\n\
         # Subnets that no endpoint group uses are invisible to Global Accelerator: they come from\n\
         # EC2 (DescribeSubnets in each region in use), with every subnet's VPC, zone and name, as\n\
         # spare ones for AddCustomRoutingEndpoints. Without EC2 (--no-ec2, or no permission) they\n\
         # are missing; add them as [[subnets]] (id, region, cidr).\n"
    )
}

/// Reads the whole account and writes DIR/topology.toml and DIR/mappings.csv.
pub async fn run_snapshot(
    api: &dyn GlobalAccelerator,
    ec2: Option<&dyn Ec2>,
    dir: &Path,
    progress: &mut dyn Write,
) -> Result<(), HeadlessError> {
    std::fs::create_dir_all(dir)?;
    let accelerators = all(|t| api.list_accelerators(MAX_RESULTS_RESOURCES, t)).await?;
    let account = accelerators
        .iter()
        .find_map(|a| account_of(&a.arn))
        .unwrap_or("000000000000")
        .to_string();
    let csv_path = dir.join(MAPPINGS_FILE);
    let mut csv = Output::new(
        OutputFormat::Csv,
        io::BufWriter::new(std::fs::File::create(
            dir.join(format!(".{MAPPINGS_FILE}.partial")),
        )?),
        false,
    );
    csv.begin::<AcceleratorPortMapping>()?;
    let mut seen: HashMap<(String, String), Seen> = HashMap::new();
    let mut subnets: Vec<SubnetSpec> = Vec::new();
    let mut specs = Vec::new();
    let mut total = 0u64;
    for acc in &accelerators {
        let attributes = api.describe_accelerator_attributes(&acc.arn).await?;
        let tags = api.list_tags(&acc.arn).await?;
        let mut token = None;
        loop {
            let page = api
                .list_port_mappings(&acc.arn, None, MAX_RESULTS_MAPPINGS, token)
                .await?;
            for m in &page.items {
                let Ok(ip) = m.destination.ip.parse::<Ipv4Addr>() else {
                    continue;
                };
                let address = u32::from(ip);
                let s = seen
                    .entry((m.endpoint_group_arn.clone(), m.endpoint_id.clone()))
                    .or_default();
                s.lowest = Some(s.lowest.map_or(address, |l| l.min(address)));
                s.highest = Some(s.highest.map_or(address, |h| h.max(address)));
                s.sockets.push((
                    address,
                    m.destination.port,
                    m.traffic == TrafficState::Allow,
                ));
            }
            total += page.items.len() as u64;
            let rows: Vec<AcceleratorPortMapping> = page
                .items
                .into_iter()
                .map(|mapping| AcceleratorPortMapping {
                    accelerator_arn: acc.arn.clone(),
                    spans_accelerators: true,
                    mapping,
                })
                .collect();
            csv.page(&rows)?;
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let mut listeners = Vec::new();
        for l in all(|t| api.list_listeners(&acc.arn, MAX_RESULTS_RESOURCES, t)).await? {
            let mut groups = Vec::new();
            for g in all(|t| api.list_endpoint_groups(&l.arn, MAX_RESULTS_RESOURCES, t)).await? {
                let mut endpoints = Vec::new();
                for subnet in &g.endpoints {
                    let Some(s) = seen.get(&(g.arn.clone(), subnet.clone())) else {
                        return Err(HeadlessError::Usage(format!(
                            "subnet {subnet} of endpoint group {} has no mappings, so its CIDR cannot be known",
                            g.arn
                        )));
                    };
                    let (lowest, highest) = (s.lowest.unwrap_or(0), s.highest.unwrap_or(0));
                    let cidr = cidr_of(lowest, highest).ok_or_else(|| {
                        HeadlessError::Usage(format!(
                            "subnet {subnet}: mapped addresses {}..{} fit no subnet CIDR",
                            Ipv4Addr::from(lowest),
                            Ipv4Addr::from(highest)
                        ))
                    })?;
                    match subnets.iter().find(|x| x.id == *subnet) {
                        Some(known) if known.cidr != cidr => {
                            return Err(HeadlessError::Usage(format!(
                                "subnet {subnet} maps as {} in one group and {cidr} in another",
                                known.cidr
                            )));
                        }
                        Some(_) => {}
                        None => subnets.push(SubnetSpec {
                            id: subnet.clone(),
                            region: g.region.clone(),
                            cidr,
                            ..SubnetSpec::default()
                        }),
                    }
                    endpoints.push(traffic_rules(subnet, s));
                }
                groups.push(EndpointGroupSpec {
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
                    endpoints,
                });
            }
            listeners.push(ListenerSpec {
                arn: Some(l.arn.clone()),
                port_key: None,
                port_ranges: l
                    .port_ranges
                    .iter()
                    .map(|r| PortRangeSpec {
                        from: r.from_port(),
                        to: r.to_port(),
                    })
                    .collect(),
                endpoint_groups: groups,
            });
        }
        specs.push(AcceleratorSpec {
            arn: Some(acc.arn.clone()),
            name: acc.name.clone(),
            dns_name: Some(acc.dns_name.clone()),
            created: time(acc.created),
            modified: time(acc.last_modified),
            flow_logs: Some(FlowLogsSpec {
                enabled: attributes.flow_logs_enabled,
                bucket: attributes.flow_logs_s3_bucket,
                prefix: attributes.flow_logs_s3_prefix,
            }),
            ip_addresses: Some(acc.static_ips.clone()),
            enabled: acc.enabled,
            tags: tags.into_iter().map(|t| (t.key, t.value)).collect(),
            listeners,
        });
        writeln!(
            progress,
            "{}: {} mappings so far",
            crate::text::sanitize(&acc.name),
            total
        )?;
    }
    csv.finish::<AcceleratorPortMapping>()?;
    csv.writer().flush()?;
    drop(csv);
    let partial = dir.join(format!(".{MAPPINGS_FILE}.partial"));
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &csv_path)?;
    let spare = match ec2 {
        Some(ec2) => with_ec2(ec2, &mut subnets, progress).await?,
        None => 0,
    };
    let topology = Topology {
        account_id: account.clone(),
        next_serial: None,
        mappings_file: Some(MAPPINGS_FILE.to_string()),
        subnets,
        accelerators: specs,
        instances: Vec::new(),
        base_dir: None,
    };
    let text = topology
        .to_toml(&header(&account))
        .map_err(|e| HeadlessError::Usage(e.to_string()))?;
    write_atomically(&dir.join(TOPOLOGY_FILE), text.as_bytes())?;
    writeln!(
        progress,
        "wrote {} ({} accelerators, {spare} spare subnets) and {} ({total} mappings)",
        dir.join(TOPOLOGY_FILE).display(),
        accelerators.len(),
        csv_path.display()
    )?;
    Ok(())
}

/// What EC2 adds: each used subnet's VPC, zone and name, and every other IPv4 subnet of the
/// regions in use as a spare one (for AddCustomRoutingEndpoints on the emulator). Returns how
/// many spare subnets were added. EC2 refusing is said and the snapshot goes on without.
async fn with_ec2(
    ec2: &dyn Ec2,
    subnets: &mut Vec<SubnetSpec>,
    progress: &mut dyn Write,
) -> Result<usize, HeadlessError> {
    let mut regions: Vec<String> = subnets.iter().map(|s| s.region.clone()).collect();
    regions.sort();
    regions.dedup();
    let mut spare = 0;
    for region in regions {
        let found = match ec2.subnets_in_region(&region).await {
            Ok(found) => found,
            Err(e) => {
                let said = crate::ec2::Ec2Error::access_summary([&e]).unwrap_or(e.to_string());
                writeln!(
                    progress,
                    "{region}: no spare subnets: {}",
                    crate::text::sanitize(&said)
                )?;
                continue;
            }
        };
        for s in found {
            let Some(cidr) = s.cidr else {
                continue;
            };
            match subnets.iter_mut().find(|x| x.id == s.id) {
                Some(used) => {
                    used.vpc_id = Some(s.vpc_id);
                    used.availability_zone = Some(s.availability_zone);
                    used.name = s.name;
                }
                None => {
                    spare += 1;
                    subnets.push(SubnetSpec {
                        id: s.id,
                        region: region.clone(),
                        cidr: cidr.to_string(),
                        vpc_id: Some(s.vpc_id),
                        availability_zone: Some(s.availability_zone),
                        name: s.name,
                        ..SubnetSpec::default()
                    });
                }
            }
        }
    }
    Ok(spare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_and_last_usable_addresses_fix_the_cidr() {
        let a = |s: &str| u32::from(s.parse::<Ipv4Addr>().unwrap());
        assert_eq!(
            cidr_of(a("10.0.1.4"), a("10.0.1.14")).as_deref(),
            Some("10.0.1.0/28")
        );
        assert_eq!(
            cidr_of(a("10.48.16.4"), a("10.48.31.254")).as_deref(),
            Some("10.48.16.0/20")
        );
        assert_eq!(cidr_of(a("10.0.1.4"), a("10.0.1.13")), None, "not a block");
        assert_eq!(cidr_of(a("10.0.1.12"), a("10.0.1.22")), None, "misaligned");
    }

    #[test]
    fn traffic_rules_reproduce_every_state() {
        let mut seen = Seen::default();
        for a in 4..15u32 {
            for p in [80u16, 81, 82] {
                let allow = !(a == 5 || (a == 7 && p == 81));
                seen.sockets
                    .push((a, p, a != 9 && allow || (a == 9 && p == 82)));
            }
        }
        let spec = traffic_rules("subnet-1", &seen);
        assert!(spec.allow_all);
        assert_eq!(spec.denied_addresses, ["0.0.0.5", "0.0.0.9"]);
        assert_eq!(spec.denied_sockets, ["0.0.0.7:81"]);
        assert_eq!(spec.allowed_sockets, ["0.0.0.9:82"]);
    }
}
