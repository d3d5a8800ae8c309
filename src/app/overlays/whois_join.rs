//! The `w` lookup joined with EC2: what holds the destination of an answer (read through the
//! app's join), and an IP-only search narrowed by the subnets' CIDRs, so that only the
//! endpoints that may hold the address are asked and an address outside all of them is said
//! as a fact.

use super::{Lookup, LookupResult};
use crate::app::call::Call;
use crate::app::join::{Join, Known};
use crate::app::{Effect, State};
use crate::index::Scope;
use crate::model::behind::{Behind, kept_by_aws, outside_every};

/// An IP-only search that waits for EC2 to give the CIDRs of the subnets in scope, so that
/// only the endpoints whose CIDR holds the address are asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing {
    pub ip: std::net::Ipv4Addr,
    /// The accelerators' endpoint groups; `None` until the service has said them.
    pub scope: Option<Vec<Scope>>,
}

/// Why no endpoint holds `ip`, as far as it is known.
pub(super) fn none_holds(lookup: &Lookup, ip: &str) -> String {
    let scope = &lookup.scope_name;
    let Some(n) = lookup.narrowed.as_ref().filter(|n| !n.outside.is_empty()) else {
        return format!(
            "no subnet endpoint of {scope} holds {ip}; Global Accelerator never tells a subnet's CIDR, so every endpoint was asked"
        );
    };
    let kept = ip
        .parse()
        .ok()
        .and_then(|a| n.inside.iter().find(|(_, cidr)| kept_by_aws(*cidr, a)));
    match kept {
        Some((subnet, cidr)) => format!(
            "{ip} is one of the five addresses AWS keeps in every subnet ({subnet}, {cidr}): Global Accelerator never maps it"
        ),
        None => format!(
            "no subnet endpoint of {scope} holds {ip}: {} are outside it by their CIDRs, and the others were asked",
            n.outside.len()
        ),
    }
}

/// Once the join knows the CIDRs of every subnet in an IP-only search's scope (or cannot
/// say), the search goes on: an address outside all of them is said at once, otherwise only
/// the endpoints that may hold it are asked. Nothing while EC2 is still on its way.
pub fn narrow(state: &mut State) -> Vec<Effect> {
    let join = &state.join;
    let Some(Some(Narrowing {
        ip,
        scope: Some(scope),
    })) = state.whois().map(|l| l.narrowing.as_ref())
    else {
        return Vec::new();
    };
    let waiting = std::cell::Cell::new(false);
    let narrowed = crate::index::narrow(scope, *ip, |region, subnet| {
        match join.cidr(region, subnet) {
            Known::Ready(cidr) => Some(*cidr),
            Known::Loading => {
                waiting.set(true);
                None
            }
            // Not known: asked, as without EC2.
            Known::Off | Known::Failed(_) => None,
        }
    });
    if waiting.get() {
        return Vec::new();
    }
    let id = state.request_id();
    let store = state.index_dir.clone();
    let Some(lookup) = state.whois_mut() else {
        return Vec::new();
    };
    let Some(Narrowing {
        ip,
        scope: Some(scope),
    }) = lookup.narrowing.take()
    else {
        return Vec::new();
    };
    lookup.narrowed = Some(narrowed.clone());
    if narrowed.is_outside_all() {
        lookup.error = Some(outside_every(ip, &lookup.scope_name, &narrowed.cidrs));
        return Vec::new();
    }
    lookup.pending = Some(id);
    vec![Effect::Call {
        id,
        call: Call::HoldersWithin {
            ip,
            scope,
            narrowed,
            store,
        },
    }]
}

/// What EC2 says is behind `ip` in subnet endpoint `subnet` of `region`, as the join knows
/// it. A refused permission is said rather than "asking", as nothing more is asked until `r`.
pub fn behind<'a>(join: &'a Join, region: &str, subnet: &str, ip: &str) -> Behind<'a> {
    let Ok(address) = ip.parse() else {
        return Behind::Off;
    };
    match join.subnet(region, subnet) {
        Known::Off => Behind::Off,
        Known::Loading => join
            .problem
            .as_deref()
            .map_or(Behind::Asking, Behind::Failed),
        Known::Failed(m) => Behind::Failed(join.problem.as_deref().unwrap_or(m)),
        Known::Ready(view) => Behind::of(view, address),
    }
}

/// The subnet endpoints, by region, whose EC2 view the lookup shows: the answer's, or each
/// holder's.
pub fn wanted(lookup: &Lookup) -> Vec<(&str, &str)> {
    match &lookup.result {
        Some(LookupResult::Address(a)) => vec![(a.region.as_str(), a.subnet.as_str())],
        Some(LookupResult::Holders { found, .. }) => found
            .iter()
            .map(|h| (h.group.region.as_str(), h.subnet.as_str()))
            .collect(),
        None => Vec::new(),
    }
}

/// The regions whose subnets (and so CIDRs) an IP-only search waits for: one DescribeSubnets
/// per region says them all, where the views of the subnets would read every interface.
pub fn regions_wanted(lookup: &Lookup) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    let scope = lookup
        .narrowing
        .iter()
        .flat_map(|n| n.scope.iter().flatten());
    for (region, _) in scope.flat_map(Scope::endpoints) {
        if !regions.iter().any(|r| r == region) {
            regions.push(region.to_string());
        }
    }
    regions
}
