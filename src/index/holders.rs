//! IP-only search: which subnet endpoints hold a destination address. From a fresh index when
//! there is one, otherwise by asking each endpoint for one page — except endpoints whose CIDR
//! EC2 gave and which do not hold the address: Global Accelerator never tells a subnet's CIDR,
//! so without EC2 nothing is guessed, and with it nothing is asked in vain.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::{fingerprint, groups_of};
use crate::api::{ApiError, GlobalAccelerator};
use crate::model::{Accelerator, EndpointGroup};

/// A subnet endpoint found holding a destination address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub accelerator_name: String,
    pub group: EndpointGroup,
    pub subnet: String,
}

/// One accelerator and its endpoint groups: where an IP-only search looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub accelerator: Accelerator,
    pub groups: Vec<EndpointGroup>,
}

impl Scope {
    /// Every (region, subnet endpoint) of the accelerator.
    pub fn endpoints(&self) -> impl Iterator<Item = (&str, &str)> {
        self.groups.iter().flat_map(|g| {
            g.endpoints
                .iter()
                .map(move |s| (g.region.as_str(), s.as_str()))
        })
    }
}

/// Endpoints asked at once when there is no index.
const CONCURRENT_ASKS: usize = 8;

/// The endpoint groups of each of `accelerators`.
pub async fn scope_of(
    api: &dyn GlobalAccelerator,
    accelerators: &[Accelerator],
) -> Result<Vec<Scope>, ApiError> {
    let mut scope = Vec::with_capacity(accelerators.len());
    for accelerator in accelerators {
        scope.push(Scope {
            accelerator: accelerator.clone(),
            groups: groups_of(api, &accelerator.arn).await?,
        });
    }
    Ok(scope)
}

/// What the subnets' CIDRs say of an address, over a scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowed {
    /// Subnet endpoints whose CIDR does not hold the address: not asked.
    pub outside: Vec<String>,
    /// Their CIDRs, each once, in order.
    pub cidrs: Vec<Ipv4Net>,
    /// Endpoints whose CIDR holds the address, with it.
    pub inside: Vec<(String, Ipv4Net)>,
    /// Endpoints whose CIDR is not known: asked, as without EC2.
    pub unknown: usize,
}

impl Narrowed {
    /// Every endpoint's CIDR is known and none holds the address: a fact, nothing to ask.
    pub fn is_outside_all(&self) -> bool {
        !self.outside.is_empty() && self.inside.is_empty() && self.unknown == 0
    }

    /// Whether `subnet` is known not to hold the address.
    pub fn excludes(&self, subnet: &str) -> bool {
        self.outside.iter().any(|s| s == subnet)
    }
}

/// Sorts the endpoints of `scope` by what `cidr_of(region, subnet)` says of `ip` (`None`:
/// not known).
pub fn narrow(
    scope: &[Scope],
    ip: Ipv4Addr,
    cidr_of: impl Fn(&str, &str) -> Option<Ipv4Net>,
) -> Narrowed {
    let mut n = Narrowed::default();
    for (region, subnet) in scope.iter().flat_map(Scope::endpoints) {
        match cidr_of(region, subnet) {
            Some(c) if c.contains(&ip) => {
                if !n.inside.iter().any(|(s, _)| s == subnet) {
                    n.inside.push((subnet.to_string(), c));
                }
            }
            Some(c) => {
                if !n.outside.iter().any(|s| s == subnet) {
                    n.outside.push(subnet.to_string());
                }
                if !n.cidrs.contains(&c) {
                    n.cidrs.push(c);
                }
            }
            None => n.unknown += 1,
        }
    }
    n.cidrs.sort();
    n
}

/// Which subnet endpoints of `accelerators` hold destination address `ip`: from an index when
/// there is one, otherwise by asking each endpoint for one page, several at a time.
pub async fn holders(
    api: &dyn GlobalAccelerator,
    store: Option<&super::IndexStore>,
    accelerators: &[Accelerator],
    ip: Ipv4Addr,
) -> Result<Vec<Holder>, ApiError> {
    let scope = scope_of(api, accelerators).await?;
    holders_within(api, store, &scope, ip, &Narrowed::default()).await
}

/// Which subnet endpoints of `scope` hold `ip`; endpoints `narrowed` excludes are not asked.
pub async fn holders_within(
    api: &dyn GlobalAccelerator,
    store: Option<&super::IndexStore>,
    scope: &[Scope],
    ip: Ipv4Addr,
    narrowed: &Narrowed,
) -> Result<Vec<Holder>, ApiError> {
    let mut found = Vec::new();
    for Scope {
        accelerator,
        groups,
    } in scope
    {
        let index = store.and_then(|s| s.load(&accelerator.arn).ok().flatten());
        let fresh = index
            .as_ref()
            .filter(|i| i.fingerprint == fingerprint(groups));
        let pairs: Vec<(EndpointGroup, String)> = match fresh {
            Some(index) => index
                .subnets_holding(ip)
                .into_iter()
                .filter_map(|(subnet, group)| {
                    groups
                        .iter()
                        .find(|g| g.arn == group)
                        .map(|g| (g.clone(), subnet))
                })
                .collect(),
            None => {
                let mut asks: Vec<(EndpointGroup, String)> = Vec::new();
                for g in groups {
                    for s in g.endpoints.iter().filter(|s| !narrowed.excludes(s)) {
                        asks.push((g.clone(), s.clone()));
                    }
                }
                let ip = ip.to_string();
                let mut pairs = Vec::new();
                for chunk in asks.chunks(CONCURRENT_ASKS) {
                    let mut asking = Vec::with_capacity(chunk.len());
                    for (_, subnet) in chunk {
                        asking.push(holds(api, subnet, &ip));
                    }
                    let answers = futures::future::join_all(asking).await;
                    for ((g, s), held) in chunk.iter().zip(answers) {
                        if held? {
                            pairs.push((g.clone(), s.clone()));
                        }
                    }
                }
                pairs
            }
        };
        found.extend(pairs.into_iter().map(|(group, subnet)| Holder {
            accelerator_name: accelerator.name.clone(),
            group,
            subnet,
        }));
    }
    found.sort_by(|a, b| (&a.accelerator_name, &a.subnet).cmp(&(&b.accelerator_name, &b.subnet)));
    Ok(found)
}

/// Whether subnet endpoint `subnet` holds destination `ip`: one row of the by-destination
/// listing is proof (an address inside a subnet is mapped in every group that holds it).
async fn holds(api: &dyn GlobalAccelerator, subnet: &str, ip: &str) -> Result<bool, ApiError> {
    let page = api
        .list_port_mappings_by_destination(subnet, ip, 1, None)
        .await?;
    Ok(!page.items.is_empty())
}
