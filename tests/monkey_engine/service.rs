//! The monkey's service: random but well-formed answers to every call, some failing, with
//! names that try to break the screen. Its listings hold state, so a re-read can be checked
//! against what the source really holds: each listing is a row of ids read page by page (a
//! page token is an index into it), rows are added at its end and deleted as holes, and it
//! changes only when its first page is read, when something is created and when a group is
//! deleted, as a real account changes between and during re-reads.

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::rngs::StdRng;

use portolan::api::ApiError;
use portolan::app::{Call, Reply};
use portolan::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, DestinationConfig,
    DestinationPortMapping, EndpointGroup, Listener, Page, PortMapping, PortRange, ProtocolSet,
    SocketAddress, Tag, TrafficState,
};

use super::probe::mapping_identity;

/// Names that try to break the screen: escapes, OSC 52, bidi, zero-width, wide characters.
pub const HOSTILE: &[&str] = &[
    "plain-name",
    "evil\u{1b}]52;c;aGk=\u{7}",
    "csi\u{1b}[2J\u{1b}[H",
    "c1\u{9b}31m",
    "bidi\u{202e}drow",
    "zero\u{200b}width",
    "宽字符加速器",
    "emoji🚀🔥",
    "tab\there\nnewline",
];

const ACCOUNT: &str = "arn:aws:globalaccelerator::111122223333";

/// One listing of the service, as the call that reads it names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listing {
    Accelerators,
    /// Listeners of an accelerator.
    Listeners(String),
    /// Endpoint groups of a listener.
    Groups(String),
    /// Every mapping of an accelerator, or of one of its endpoint groups.
    Mappings(String, Option<String>),
    /// Mappings of one destination address in a subnet.
    ByDestination {
        subnet: String,
        ip: String,
    },
}

impl Listing {
    fn of(call: &Call) -> Option<Self> {
        Some(match call {
            Call::ListAccelerators { .. } => Self::Accelerators,
            Call::ListListeners {
                accelerator_arn, ..
            } => Self::Listeners(accelerator_arn.clone()),
            Call::ListEndpointGroups { listener_arn, .. } => Self::Groups(listener_arn.clone()),
            Call::ListMappings {
                accelerator_arn,
                group,
                ..
            } => Self::Mappings(accelerator_arn.clone(), group.clone()),
            Call::ListMappingsByDestination { subnet, ip, .. } => Self::ByDestination {
                subnet: subnet.clone(),
                ip: ip.clone(),
            },
            _ => return None,
        })
    }

    /// How many rows a listing starts with, and the most one page gives.
    fn shape(&self) -> (usize, usize) {
        match self {
            Self::Accelerators => (60, 20),
            Self::Listeners(_) => (5, 3),
            Self::Groups(_) => (7, 4),
            Self::Mappings(..) => (3000, 1500),
            Self::ByDestination { .. } => (14, 6),
        }
    }

    /// The ARN (lists) or the destination identity (mappings) of row `id`.
    fn identity(&self, id: u32) -> String {
        match self {
            Self::Accelerators => accelerator_arn(id),
            Self::Listeners(accelerator) => format!("{accelerator}/listener/l{id}"),
            Self::Groups(listener) => group_arn(listener, id),
            Self::Mappings(accelerator, group) => {
                let m = port_mapping(accelerator, group.as_deref(), id, false);
                mapping_identity(&m.endpoint_group_arn, &m.destination.ip, m.destination.port)
            }
            Self::ByDestination { subnet, ip } => {
                let m = destination_mapping(subnet, ip, id, String::new());
                mapping_identity(&m.endpoint_group_arn, &m.destination.ip, m.destination.port)
            }
        }
    }
}

/// A listing's rows in order; a deleted row leaves a hole so page tokens keep their place.
#[derive(Debug, Default)]
struct Rows {
    ids: Vec<Option<u32>>,
    next: u32,
}

impl Rows {
    fn push(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        self.ids.push(Some(id));
        id
    }

    fn alive(&self) -> impl Iterator<Item = u32> + '_ {
        self.ids.iter().flatten().copied()
    }

    /// Deletes up to `n` rows at random and adds up to `n` at the end.
    fn churn(&mut self, rng: &mut StdRng, n: usize) {
        for _ in 0..rng.random_range(0..=n) {
            if self.ids.is_empty() {
                break;
            }
            let at = rng.random_range(0..self.ids.len());
            self.ids[at] = None;
        }
        for _ in 0..rng.random_range(0..=n) {
            self.push();
        }
    }
}

/// The service behind the monkey's calls.
#[derive(Debug, Default)]
pub struct Service {
    listings: HashMap<Listing, Rows>,
}

fn name(rng: &mut StdRng, n: usize) -> String {
    format!("{}-{n}", HOSTILE[rng.random_range(0..HOSTILE.len())])
}

fn accelerator_arn(id: u32) -> String {
    format!("{ACCOUNT}:accelerator/a{id}")
}

fn group_arn(listener: &str, id: u32) -> String {
    format!("{listener}/endpoint-group/g{id}")
}

fn accelerator(rng: &mut StdRng, id: u32) -> Accelerator {
    let n = id as usize;
    Accelerator {
        arn: accelerator_arn(id),
        name: name(rng, n),
        ip_address_type: None,
        enabled: rng.random(),
        status: if rng.random() {
            AcceleratorStatus::Deployed
        } else {
            AcceleratorStatus::InProgress
        },
        static_ips: vec![
            format!("75.2.0.{}", n % 250),
            format!("99.83.0.{}", n % 250),
        ],
        dns_name: format!("{}.example", name(rng, n)),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn group(rng: &mut StdRng, arn: String, i: usize) -> EndpointGroup {
    EndpointGroup {
        arn,
        region: name(rng, i),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7000 + u16::try_from(i % 50).unwrap_or(0))
                .unwrap_or(PortRange::new(1, 1).expect("1-1 is a range")),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: (0..i % 5).map(|s| format!("subnet-{s:08x}")).collect(),
    }
}

/// Mapping `id` of an accelerator: its own accelerator port and destination address.
fn port_mapping(accelerator: &str, group: Option<&str>, id: u32, flip: bool) -> PortMapping {
    let i = id as usize;
    let deny = i.is_multiple_of(3) != flip;
    PortMapping {
        accelerator_port: u16::try_from(1 + i % 65_535).unwrap_or(1),
        endpoint_group_arn: group.map_or_else(
            || group_arn(&format!("{accelerator}/listener/l0"), id % 3),
            str::to_string,
        ),
        endpoint_id: format!("subnet-{:08x}", i % 7),
        destination: SocketAddress {
            ip: format!("10.{}.{}.{}", (i / 62_500) % 250, (i / 250) % 250, i % 250),
            port: 7000,
        },
        protocols: ProtocolSet::BOTH,
        traffic: if deny {
            TrafficState::Deny
        } else {
            TrafficState::Allow
        },
    }
}

/// Mapping `id` of one destination address: one per destination port, in two accelerators.
fn destination_mapping(subnet: &str, ip: &str, id: u32, region: String) -> DestinationPortMapping {
    let accelerator = accelerator_arn(id % 2);
    DestinationPortMapping {
        endpoint_group_arn: group_arn(&format!("{accelerator}/listener/l0"), 0),
        accelerator_arn: accelerator,
        accelerator_sockets: vec![SocketAddress {
            ip: "75.2.0.1".into(),
            port: u16::try_from(20_000 + id % 40_000).unwrap_or(1),
        }],
        endpoint_id: subnet.to_string(),
        endpoint_group_region: region,
        destination: SocketAddress {
            ip: ip.to_string(),
            port: u16::try_from(7000 + id % 50_000).unwrap_or(1),
        },
        ip_address_type: None,
        traffic: TrafficState::Allow,
    }
}

fn bad_token(token: &str) -> ApiError {
    ApiError::InvalidNextToken(format!("no such page: {token}"))
}

impl Service {
    /// Rows `listing` holds now.
    pub fn holds(&self, listing: &Listing) -> usize {
        self.listings.get(listing).map_or(0, |r| r.alive().count())
    }

    /// The identities (ARNs, or destinations of mappings) of the rows `listing` holds now.
    pub fn identities(&self, listing: &Listing) -> HashSet<String> {
        self.listings.get(listing).map_or_else(HashSet::new, |r| {
            r.alive().map(|id| listing.identity(id)).collect()
        })
    }

    fn rows(&mut self, rng: &mut StdRng, listing: &Listing) -> &mut Rows {
        let (most, _) = listing.shape();
        self.listings.entry(listing.clone()).or_insert_with(|| {
            let mut rows = Rows::default();
            for _ in 0..rng.random_range(0..=most) {
                rows.push();
            }
            rows
        })
    }

    /// An answer to `call`: mostly right-shaped data, sometimes an error. `late` answers a
    /// request the app abandoned; it reads but changes nothing.
    pub fn answer(&mut self, rng: &mut StdRng, call: &Call, late: bool) -> Result<Reply, ApiError> {
        if rng.random_bool(0.08) {
            let errors = [
                ApiError::Throttled("Rate exceeded".into()),
                ApiError::Timeout("timed out".into()),
                ApiError::Transport("connection reset".into()),
                ApiError::InvalidNextToken("bad token".into()),
                ApiError::EndpointNotFound("gone".into()),
                ApiError::AccessDenied("no".into()),
                ApiError::LimitExceeded("full".into()),
                ApiError::EndpointGroupAlreadyExists("exists".into()),
            ];
            return Err(errors[rng.random_range(0..errors.len())].clone());
        }
        if let Some(listing) = Listing::of(call) {
            return self.page(rng, &listing, call, late);
        }
        let n = rng.random_range(0..40);
        let some_group = |rng: &mut StdRng, i: usize| {
            group(
                rng,
                group_arn(&format!("{}/listener/l0", accelerator_arn(0)), i as u32),
                i,
            )
        };
        Ok(match call {
            Call::DescribeEndpointGroup { arn } => Reply::EndpointGroup(group(rng, arn.clone(), n)),
            Call::DescribeAccelerator { .. } => Reply::Accelerator(accelerator(rng, n as u32)),
            Call::DescribeListener { arn } => Reply::Listener(Listener {
                arn: arn.clone(),
                port_ranges: vec![PortRange::new(1, 65_535).expect("a range")],
            }),
            Call::AcceleratorAttributes { .. } => Reply::Attributes(AcceleratorAttributes {
                flow_logs_enabled: true,
                flow_logs_s3_bucket: Some(name(rng, n)),
                flow_logs_s3_prefix: None,
            }),
            Call::ListTags { .. } => Reply::Tags(vec![Tag {
                key: name(rng, n),
                value: name(rng, n + 1),
            }]),
            Call::GroupsOfAccelerator { .. } => {
                Reply::Groups((0..3).map(|i| some_group(rng, i)).collect())
            }
            Call::CreateEndpointGroup(r) => {
                let listing = Listing::Groups(r.listener_arn.clone());
                let id = self.rows(rng, &listing).push();
                Reply::CreatedEndpointGroup(EndpointGroup {
                    arn: group_arn(&r.listener_arn, id),
                    region: r.region.clone(),
                    destinations: r.destinations.clone(),
                    endpoints: vec![],
                })
            }
            Call::CreateAccelerator(_) => {
                let id = self.rows(rng, &Listing::Accelerators).push();
                Reply::CreatedAccelerator(accelerator(rng, id))
            }
            Call::CreateListener(r) => {
                let listing = Listing::Listeners(r.accelerator_arn.clone());
                let id = self.rows(rng, &listing).push();
                Reply::CreatedListener(Listener {
                    arn: listing.identity(id),
                    port_ranges: r.port_ranges.clone(),
                })
            }
            Call::DeleteEndpointGroup { arn } => {
                if let Some((listener, id)) = arn.rsplit_once("/endpoint-group/g")
                    && let Ok(id) = id.parse::<u32>()
                    && let Some(rows) = self.listings.get_mut(&Listing::Groups(listener.into()))
                {
                    for slot in &mut rows.ids {
                        if *slot == Some(id) {
                            *slot = None;
                        }
                    }
                }
                Reply::Done
            }
            Call::AddEndpoints { subnets, .. } => Reply::EndpointsAdded {
                added: subnets.clone(),
                allowed: None,
            },
            Call::ListenerUsage { .. } => Reply::Usage(portolan::model::capacity::ListenerUsage {
                total: 10_001,
                groups: vec![("eu-west-1".into(), "arn:g".into(), n as u64 * 11)],
            }),
            Call::Whois { .. } => {
                Reply::Whois(Err("no mapping of x uses accelerator port 1".into()))
            }
            Call::Holders { ip, .. } | Call::HoldersWithin { ip, .. } => Reply::Holders {
                ip: ip.to_string(),
                found: vec![],
            },
            Call::HolderScope { .. } => Reply::HolderScope(vec![]),
            Call::AllowTraffic(_) | Call::DenyTraffic(_) | Call::RemoveEndpoints { .. } => {
                Reply::Done
            }
            Call::ResolvePins { pins, .. } => Reply::PinsResolved(
                pins.iter()
                    .map(|p| Err(format!("{p}: no mapping leads there")))
                    .collect(),
            ),
            // Each destination socket as it was, its traffic and accelerator flipping at random.
            Call::WatchRound { targets } => Reply::WatchRound(portolan::model::watch::Round {
                rows: targets
                    .iter()
                    .filter_map(|t| t.expected.clone())
                    .map(|mut row| {
                        row.presence = portolan::model::watch::Presence::Mapped;
                        row.enabled = Some(rng.random_bool(0.8));
                        row.traffic = Some(if rng.random_bool(0.5) {
                            TrafficState::Allow
                        } else {
                            TrafficState::Deny
                        });
                        row
                    })
                    .collect(),
                failures: Vec::new(),
                throttled: rng.random_bool(0.1),
            }),
            Call::ListAccelerators { .. }
            | Call::ListListeners { .. }
            | Call::ListEndpointGroups { .. }
            | Call::ListMappings { .. }
            | Call::ListMappingsByDestination { .. } => unreachable!("listings are paged above"),
        })
    }

    /// One page of `listing`, from the index its token names.
    fn page(
        &mut self,
        rng: &mut StdRng,
        listing: &Listing,
        call: &Call,
        late: bool,
    ) -> Result<Reply, ApiError> {
        let (most, page_most) = listing.shape();
        let from = match call.token() {
            None => 0,
            Some(t) => t
                .strip_prefix('p')
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| bad_token(t))?,
        };
        let page_most = match call {
            Call::ListMappings { page_size, .. }
            | Call::ListMappingsByDestination { page_size, .. } => {
                page_most.min(usize::try_from(*page_size).unwrap_or(1).max(1))
            }
            _ => page_most,
        };
        let take = rng.random_range(1..=page_most);
        let rows = self.rows(rng, listing);
        if from == 0 && !late && rng.random_bool(0.5) {
            rows.churn(rng, (most / 100).max(2));
        }
        if from > rows.ids.len() {
            return Err(bad_token(call.token().unwrap_or_default()));
        }
        let end = (from + take).min(rows.ids.len());
        let ids: Vec<u32> = rows.ids[from..end].iter().flatten().copied().collect();
        let next_token = (end < rows.ids.len()).then(|| format!("p{end}"));
        Ok(match listing {
            Listing::Accelerators => Reply::Accelerators(Page {
                items: ids.into_iter().map(|id| accelerator(rng, id)).collect(),
                next_token,
            }),
            Listing::Listeners(_) => Reply::Listeners(Page {
                items: ids
                    .into_iter()
                    .map(|id| Listener {
                        arn: listing.identity(id),
                        port_ranges: vec![PortRange::new(10_000, 20_000).expect("a range")],
                    })
                    .collect(),
                next_token,
            }),
            Listing::Groups(listener) => Reply::EndpointGroups(Page {
                items: ids
                    .into_iter()
                    .map(|id| group(rng, group_arn(listener, id), id as usize))
                    .collect(),
                next_token,
            }),
            Listing::Mappings(accelerator, group) => Reply::PortMappings(Page {
                items: ids
                    .into_iter()
                    .map(|id| {
                        port_mapping(accelerator, group.as_deref(), id, rng.random_bool(0.02))
                    })
                    .collect(),
                next_token,
            }),
            Listing::ByDestination { subnet, ip } => Reply::DestinationMappings(Page {
                items: ids
                    .into_iter()
                    .map(|id| destination_mapping(subnet, ip, id, name(rng, id as usize)))
                    .collect(),
                next_token,
            }),
        })
    }
}
