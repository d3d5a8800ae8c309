//! The local mapping index: every port mapping of an accelerator, read once and kept compactly
//! in the cache directory, so "which destination is behind accelerator port P?" is answered
//! without paging through the service. Custom routing mappings are static while the
//! accelerator's endpoint groups and subnets stay the same; the index records what those were
//! (its fingerprint), and every answer taken from it is confirmed by one live read.

mod holders;
mod store;
pub mod whois;

use std::net::Ipv4Addr;
use std::ops::ControlFlow;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::api::listing::{self, ListingOptions};
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_MAPPINGS, MAX_RESULTS_RESOURCES};
use crate::model::{Accelerator, EndpointGroup, PortMapping, Protocol, ProtocolSet, SocketAddress};
pub use holders::{Holder, Narrowed, Scope, holders, holders_within, narrow, scope_of};
pub use store::{Catalog, CatalogEntry, IndexStore};

/// Bumped whenever the file layout changes; older files are rebuilt, never misread.
pub const FORMAT_VERSION: u16 = 1;

/// One mapping: the accelerator port and where it leads. Groups and subnets are indices into
/// the index's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRecord {
    pub port: u16,
    pub group: u16,
    pub subnet: u16,
    pub ip: u32,
    pub destination_port: u16,
    pub protocols: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEntry {
    pub arn: String,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingIndex {
    pub version: u16,
    pub accelerator_arn: String,
    pub accelerator_name: String,
    pub static_ips: Vec<String>,
    /// What the accelerator's endpoint groups and subnets were when the index was built.
    pub fingerprint: String,
    /// Seconds since the Unix epoch.
    pub built_at: u64,
    pub groups: Vec<GroupEntry>,
    pub subnets: Vec<String>,
    /// Sorted by accelerator port (each port is used at most once per accelerator).
    pub records: Vec<IndexRecord>,
}

/// Where an accelerator port leads, as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexHit {
    pub group_arn: String,
    pub region: String,
    pub subnet: String,
    pub destination: SocketAddress,
    pub protocols: ProtocolSet,
}

fn protocol_bits(p: ProtocolSet) -> u8 {
    u8::from(p.contains(Protocol::Tcp)) | (u8::from(p.contains(Protocol::Udp)) << 1)
}

fn protocols_of(bits: u8) -> ProtocolSet {
    let mut set = ProtocolSet::default();
    if bits & 1 != 0 {
        set.insert(Protocol::Tcp);
    }
    if bits & 2 != 0 {
        set.insert(Protocol::Udp);
    }
    set
}

/// A canonical description of the accelerator's endpoint groups, their destination ranges
/// and subnets: when it changes, mappings may have changed.
pub fn fingerprint(groups: &[EndpointGroup]) -> String {
    let mut lines: Vec<String> = groups
        .iter()
        .map(|g| {
            let mut endpoints = g.endpoints.clone();
            endpoints.sort();
            let destinations: Vec<String> =
                g.destinations.iter().map(ToString::to_string).collect();
            format!(
                "{}|{}|{}|{}",
                g.arn,
                g.region,
                destinations.join(","),
                endpoints.join(",")
            )
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Every endpoint group of every listener of the accelerator.
pub async fn groups_of(
    api: &dyn GlobalAccelerator,
    accelerator_arn: &str,
) -> Result<Vec<EndpointGroup>, ApiError> {
    listing::endpoint_groups(api, accelerator_arn).await
}

/// Builds an index from mappings read elsewhere (streamed, or from a test).
pub struct IndexBuilder {
    index: MappingIndex,
}

impl IndexBuilder {
    pub fn new(accelerator: &Accelerator, groups: &[EndpointGroup]) -> Self {
        let built_at = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            index: MappingIndex {
                version: FORMAT_VERSION,
                accelerator_arn: accelerator.arn.clone(),
                accelerator_name: accelerator.name.clone(),
                static_ips: accelerator.static_ips.clone(),
                fingerprint: fingerprint(groups),
                built_at,
                groups: groups
                    .iter()
                    .map(|g| GroupEntry {
                        arn: g.arn.clone(),
                        region: g.region.clone(),
                    })
                    .collect(),
                subnets: Vec::new(),
                records: Vec::new(),
            },
        }
    }

    fn group(&mut self, arn: &str) -> u16 {
        let groups = &mut self.index.groups;
        let at = groups.iter().position(|g| g.arn == arn).unwrap_or_else(|| {
            groups.push(GroupEntry {
                arn: arn.to_string(),
                region: String::new(),
            });
            groups.len() - 1
        });
        u16::try_from(at).unwrap_or(u16::MAX)
    }

    fn subnet(&mut self, id: &str) -> u16 {
        let subnets = &mut self.index.subnets;
        let at = subnets.iter().position(|s| s == id).unwrap_or_else(|| {
            subnets.push(id.to_string());
            subnets.len() - 1
        });
        u16::try_from(at).unwrap_or(u16::MAX)
    }

    pub fn add(&mut self, mappings: &[PortMapping]) {
        for m in mappings {
            // Custom routing destinations are IPv4 subnets; anything else cannot be indexed.
            let Ok(ip) = m.destination.ip.parse::<Ipv4Addr>() else {
                continue;
            };
            let record = IndexRecord {
                port: m.accelerator_port,
                group: self.group(&m.endpoint_group_arn),
                subnet: self.subnet(&m.endpoint_id),
                ip: u32::from(ip),
                destination_port: m.destination.port,
                protocols: protocol_bits(m.protocols),
            };
            self.index.records.push(record);
        }
    }

    pub fn len(&self) -> usize {
        self.index.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.records.is_empty()
    }

    pub fn finish(mut self) -> MappingIndex {
        self.index.records.sort_unstable_by_key(|r| r.port);
        self.index
    }
}

/// Reads every mapping of `accelerator`, its endpoint groups several at a time; `progress`
/// hears the count after each page and may stop the build by returning false.
pub async fn build(
    api: &dyn GlobalAccelerator,
    accelerator: &Accelerator,
    mut progress: impl FnMut(usize) -> bool,
) -> Result<Option<MappingIndex>, ApiError> {
    let mut index = None;
    build_each::<ApiError>(
        api,
        std::slice::from_ref(accelerator),
        &ListingOptions::default(),
        |read| progress(read.of_accelerator),
        |_, built| {
            index = Some(built);
            Ok(())
        },
    )
    .await?;
    Ok(index)
}

/// How far a build of several accelerators has read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    /// Which of the accelerators is being handed on.
    pub accelerator: usize,
    /// Mappings read of that accelerator so far.
    pub of_accelerator: usize,
    /// Mappings read of every accelerator so far.
    pub total: usize,
    /// Chains (endpoint groups, or whole accelerators) finished, of `chains`.
    pub chains_done: usize,
    pub chains: usize,
}

/// Builds the index of each of `accelerators`, reading them (and their endpoint groups)
/// concurrently. Pages are taken as they arrive (the records are sorted at the end), so
/// nothing waits in memory but the compact records. `built` hears each finished index as
/// soon as its last page is in, so in the order they finish; `progress` hears after every
/// page and stops the builds by returning false.
/// Returns whether every index was built.
pub async fn build_each<E: From<ApiError>>(
    api: &dyn GlobalAccelerator,
    accelerators: &[Accelerator],
    options: &ListingOptions,
    mut progress: impl FnMut(BuildProgress) -> bool,
    mut built: impl FnMut(usize, MappingIndex) -> Result<(), E>,
) -> Result<bool, E> {
    let arns: Vec<String> = accelerators.iter().map(|a| a.arn.clone()).collect();
    let groups = listing::endpoint_groups_of(api, &arns, options).await?;
    let mut builders: Vec<Option<IndexBuilder>> = accelerators
        .iter()
        .zip(&groups)
        .map(|(a, g)| Some(IndexBuilder::new(a, g)))
        .collect();
    let chains = listing::mapping_chains(&arns.into_iter().zip(groups).collect::<Vec<_>>());
    let mut left = vec![0usize; accelerators.len()];
    for c in &chains {
        left[c.accelerator] += 1;
    }
    let limiter = listing::Limiter::new(options);
    let (mut total, mut chains_done) = (0usize, 0usize);
    let mut stopped = false;
    listing::port_mappings::<E, _>(
        api,
        &chains,
        listing::Order::Arrival,
        options,
        &limiter,
        |chain, page| {
            let at = chain.accelerator;
            let Some(builder) = builders[at].as_mut() else {
                return Ok(ControlFlow::Continue(()));
            };
            builder.add(&page.items);
            total += page.items.len();
            if page.is_last() {
                chains_done += 1;
            }
            let read = BuildProgress {
                accelerator: at,
                of_accelerator: builder.len(),
                total,
                chains_done,
                chains: chains.len(),
            };
            if !progress(read) {
                stopped = true;
                return Ok(ControlFlow::Break(()));
            }
            if page.is_last() {
                left[at] -= 1;
                if left[at] == 0
                    && let Some(done) = builders[at].take()
                {
                    built(at, done.finish())?;
                }
            }
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    Ok(!stopped)
}

impl MappingIndex {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn hit(&self, r: &IndexRecord) -> IndexHit {
        let group = self.groups.get(usize::from(r.group));
        IndexHit {
            group_arn: group.map(|g| g.arn.clone()).unwrap_or_default(),
            region: group.map(|g| g.region.clone()).unwrap_or_default(),
            subnet: self
                .subnets
                .get(usize::from(r.subnet))
                .cloned()
                .unwrap_or_default(),
            destination: SocketAddress {
                ip: Ipv4Addr::from(r.ip).to_string(),
                port: r.destination_port,
            },
            protocols: protocols_of(r.protocols),
        }
    }

    /// Where accelerator port `port` leads, by binary search.
    pub fn lookup(&self, port: u16) -> Option<IndexHit> {
        let at = self.records.binary_search_by_key(&port, |r| r.port).ok()?;
        Some(self.hit(&self.records[at]))
    }

    /// The subnets holding destination address `ip`.
    pub fn subnets_holding(&self, ip: Ipv4Addr) -> Vec<(String, String)> {
        let ip = u32::from(ip);
        let mut found: Vec<(String, String)> = self
            .records
            .iter()
            .filter(|r| r.ip == ip)
            .map(|r| {
                let hit = self.hit(r);
                (hit.subnet, hit.group_arn)
            })
            .collect();
        found.sort();
        found.dedup();
        found
    }
}

/// What a listener's ports are doing: the ports its ranges hold and how many each of its
/// endpoint groups uses, counted from a fresh index or else from the mappings themselves.
pub async fn listener_usage(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    listener: &crate::model::Listener,
) -> Result<crate::model::capacity::ListenerUsage, ApiError> {
    let accelerator_arn = crate::model::accelerator_arn_of(&listener.arn);
    let groups =
        listing::all_pages(|t| api.list_endpoint_groups(&listener.arn, MAX_RESULTS_RESOURCES, t))
            .await?;
    let index = store.and_then(|s| s.load(accelerator_arn).ok().flatten());
    let all_groups = match &index {
        Some(_) => groups_of(api, accelerator_arn).await?,
        None => Vec::new(),
    };
    let fresh = index.filter(|i| i.fingerprint == fingerprint(&all_groups));
    let mut counted = Vec::new();
    for g in &groups {
        let used = match &fresh {
            Some(index) => {
                let at = index.groups.iter().position(|e| e.arn == g.arn);
                at.map_or(0, |at| {
                    index
                        .records
                        .iter()
                        .filter(|r| usize::from(r.group) == at)
                        .count() as u64
                })
            }
            None => {
                let mut count = 0u64;
                let mut token = None;
                loop {
                    let page = api
                        .list_port_mappings(
                            accelerator_arn,
                            Some(&g.arn),
                            MAX_RESULTS_MAPPINGS,
                            token,
                        )
                        .await?;
                    count += page.items.len() as u64;
                    match page.next_token {
                        Some(t) => token = Some(t),
                        None => break,
                    }
                }
                count
            }
        };
        counted.push((g.region.clone(), g.arn.clone(), used));
    }
    Ok(crate::model::capacity::ListenerUsage {
        total: u64::from(listener.total_ports()),
        groups: counted,
    })
}
