//! The join with EC2, as the app keeps it: per region, each subnet endpoint's view (CIDR,
//! zone, VPC, name, the holder of each address) and the region's subnets for the picker. It
//! is asked for lazily — only for what a screen shows ([`demand`]) — and kept until `r` or a
//! live re-read, which mark it stale: stale answers stay on screen until fresh ones replace
//! them, so a re-read never blanks a cell. What EC2 refuses is said once in the header.

mod demand;

use std::collections::HashMap;
use std::sync::Arc;

pub use demand::{region_lookup as ask_region, wanted};

use ipnet::Ipv4Net;

use super::RequestId;
use crate::model::ec2::Subnet;
use crate::model::join::SubnetView;

/// What the runner asks EC2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Lookup {
    /// The subnets `ids` of `region`, the interfaces in them and the instances they belong
    /// to, joined into one view per subnet.
    Subnets { region: String, ids: Vec<String> },
    /// Every subnet of `region` (the subnet picker).
    Region { region: String },
}

/// What EC2 answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Ec2Answer {
    /// One view per subnet asked for, in the order asked (a subnet EC2 does not know has a
    /// view without a subnet).
    Subnets(Vec<(String, SubnetView)>),
    Region(Vec<Subnet>),
}

/// Why EC2 gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ec2Failure {
    pub message: String,
    /// The permission refused (`ec2:DescribeInstances`), or refused credentials: not worth
    /// asking again until `r`.
    pub access: Option<String>,
}

/// A value of the join as a screen sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known<'a, T> {
    /// The join is off (`--no-ec2`, `ec2 = false`, or no EC2 client).
    Off,
    /// Not asked yet, or on its way.
    Loading,
    Failed(&'a str),
    Ready(&'a T),
}

#[derive(Debug, Clone)]
enum Entry<T> {
    /// Asked for by `id`; what was known before, shown meanwhile.
    Loading {
        id: RequestId,
        stale: Option<T>,
    },
    Ready {
        generation: u64,
        value: T,
    },
    Failed {
        generation: u64,
        message: String,
    },
}

/// Whether `entry` waits for the answer to request `id`.
fn waits<T>(entry: Option<&Entry<T>>, id: RequestId) -> bool {
    matches!(entry, Some(Entry::Loading { id: i, .. }) if *i == id)
}

impl<T> Entry<T> {
    fn failed(generation: u64, message: &str) -> Self {
        Entry::Failed {
            generation,
            message: message.to_string(),
        }
    }

    fn known(&self) -> Known<'_, T> {
        match self {
            Entry::Loading { stale: Some(v), .. } | Entry::Ready { value: v, .. } => {
                Known::Ready(v)
            }
            Entry::Loading { stale: None, .. } => Known::Loading,
            Entry::Failed { message, .. } => Known::Failed(message),
        }
    }

    /// Whether it must be asked (again): never asked, or asked before the last re-read.
    fn due(&self, generation: u64) -> bool {
        match self {
            Entry::Loading { .. } => false,
            Entry::Ready { generation: g, .. } | Entry::Failed { generation: g, .. } => {
                *g < generation
            }
        }
    }

    fn take(self) -> Option<T> {
        match self {
            Entry::Loading { stale, .. } => stale,
            Entry::Ready { value, .. } => Some(value),
            Entry::Failed { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct RegionCache {
    subnets: HashMap<String, Entry<Arc<SubnetView>>>,
    all: Option<Entry<Arc<Vec<Subnet>>>>,
}

/// The join's state: on or off, what is known, what is asked.
#[derive(Debug, Clone)]
pub struct Join {
    pub enabled: bool,
    /// What EC2 refused (a permission, credentials): the header says it, once, until `r`.
    pub problem: Option<String>,
    generation: u64,
    regions: HashMap<String, RegionCache>,
    asked: HashMap<RequestId, Ec2Lookup>,
}

impl Default for Join {
    fn default() -> Self {
        Self {
            enabled: true,
            problem: None,
            generation: 0,
            regions: HashMap::new(),
            asked: HashMap::new(),
        }
    }
}

impl Join {
    /// The join switched off: every value is [`Known::Off`], nothing is asked.
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// `r` or a live re-read: what is known is asked again when next shown (and shown until
    /// the answer comes); a refused permission is tried again.
    pub fn refresh(&mut self) {
        self.generation += 1;
        self.problem = None;
    }

    /// The view of subnet endpoint `id` in `region`.
    pub fn subnet(&self, region: &str, id: &str) -> Known<'_, SubnetView> {
        if !self.enabled {
            return Known::Off;
        }
        match self.regions.get(region).and_then(|r| r.subnets.get(id)) {
            Some(e) => match e.known() {
                Known::Ready(v) => Known::Ready(v.as_ref()),
                Known::Failed(m) => Known::Failed(m),
                Known::Loading => Known::Loading,
                Known::Off => Known::Off,
            },
            None => Known::Loading,
        }
    }

    /// The shared view of subnet endpoint `id` in `region`, when known (for tables that keep
    /// it beside their rows).
    pub fn subnet_arc(&self, region: &str, id: &str) -> Option<&Arc<SubnetView>> {
        match self.regions.get(region)?.subnets.get(id)? {
            Entry::Loading { stale: Some(v), .. } | Entry::Ready { value: v, .. } => Some(v),
            _ => None,
        }
    }

    /// Every subnet of `region`, for the picker. Not asked because EC2 refused (the header
    /// says what): that refusal, rather than a wait that never ends.
    pub fn region_subnets(&self, region: &str) -> Known<'_, Vec<Subnet>> {
        if !self.enabled {
            return Known::Off;
        }
        match self.regions.get(region).and_then(|r| r.all.as_ref()) {
            Some(e) => match e.known() {
                Known::Ready(v) => Known::Ready(v.as_ref()),
                Known::Failed(m) => Known::Failed(m),
                _ => Known::Loading,
            },
            None => match &self.problem {
                Some(problem) => Known::Failed(problem),
                None => Known::Loading,
            },
        }
    }

    /// The shared list of every subnet of `region`, when known (the picker keeps it beside
    /// its rows).
    pub fn region_subnets_arc(&self, region: &str) -> Option<&Arc<Vec<Subnet>>> {
        match self.regions.get(region)?.all.as_ref()? {
            Entry::Loading { stale: Some(v), .. } | Entry::Ready { value: v, .. } => Some(v),
            _ => None,
        }
    }

    /// The IPv4 block of subnet endpoint `id` in `region`, from the subnet's view or the
    /// region's list, whichever EC2 has given. A subnet EC2 does not know (or an IPv6-only
    /// one) is `Failed`, as is any subnet while a refused permission stands.
    pub fn cidr(&self, region: &str, id: &str) -> Known<'_, Ipv4Net> {
        const UNKNOWN: &str = "EC2 gives no IPv4 block for this subnet";
        let view = self.subnet(region, id);
        if let Known::Ready(v) = view {
            return v
                .subnet
                .as_ref()
                .and_then(|s| s.cidr.as_ref())
                .map_or(Known::Failed(UNKNOWN), Known::Ready);
        }
        let all = self.region_subnets(region);
        if let Known::Ready(all) = all {
            return all
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.cidr.as_ref())
                .map_or(Known::Failed(UNKNOWN), Known::Ready);
        }
        match (view, all) {
            (Known::Off, _) => Known::Off,
            (Known::Failed(m), _) | (_, Known::Failed(m)) => Known::Failed(m),
            _ => match &self.problem {
                Some(p) => Known::Failed(p),
                None => Known::Loading,
            },
        }
    }

    /// The lookup that brings the subnets among `ids` of `region` not known at this
    /// generation and not on their way; `None` when there is nothing to ask.
    pub fn ask_subnets(&mut self, region: &str, ids: &[&str], id: RequestId) -> Option<Ec2Lookup> {
        if !self.enabled || self.problem.is_some() || region.is_empty() {
            return None;
        }
        let generation = self.generation;
        let cache = self.regions.entry(region.to_string()).or_default();
        let mut due: Vec<String> = Vec::new();
        for &s in ids {
            let wanted = cache.subnets.get(s).is_none_or(|e| e.due(generation));
            if wanted && !due.iter().any(|d| d == s) {
                due.push(s.to_string());
            }
        }
        if due.is_empty() {
            return None;
        }
        for s in &due {
            let stale = cache.subnets.remove(s).and_then(Entry::take);
            cache
                .subnets
                .insert(s.clone(), Entry::Loading { id, stale });
        }
        let lookup = Ec2Lookup::Subnets {
            region: region.to_string(),
            ids: due,
        };
        self.asked.insert(id, lookup.clone());
        Some(lookup)
    }

    /// The lookup that brings every subnet of `region`, unless known or on its way.
    pub fn ask_region(&mut self, region: &str, id: RequestId) -> Option<Ec2Lookup> {
        if !self.enabled || self.problem.is_some() || region.is_empty() {
            return None;
        }
        let generation = self.generation;
        let cache = self.regions.entry(region.to_string()).or_default();
        if cache.all.as_ref().is_some_and(|e| !e.due(generation)) {
            return None;
        }
        let stale = cache.all.take().and_then(Entry::take);
        cache.all = Some(Entry::Loading { id, stale });
        let lookup = Ec2Lookup::Region {
            region: region.to_string(),
        };
        self.asked.insert(id, lookup.clone());
        Some(lookup)
    }

    /// Whether request `id` is a lookup of the join.
    pub fn asked(&self, id: RequestId) -> bool {
        self.asked.contains_key(&id)
    }

    /// The answer to request `id`; an answer nobody waits for any more is dropped. Returns
    /// whether it changed anything.
    pub fn answered(&mut self, id: RequestId, result: Result<Ec2Answer, Ec2Failure>) -> bool {
        let Some(lookup) = self.asked.remove(&id) else {
            return false;
        };
        let generation = self.generation;
        let (region, ids) = match &lookup {
            Ec2Lookup::Subnets { region, ids } => (region, Some(ids)),
            Ec2Lookup::Region { region } => (region, None),
        };
        let cache = self.regions.entry(region.clone()).or_default();
        match result {
            Ok(Ec2Answer::Subnets(views)) => {
                for (subnet, view) in views {
                    if waits(cache.subnets.get(&subnet), id) {
                        let value = Arc::new(view);
                        cache
                            .subnets
                            .insert(subnet, Entry::Ready { generation, value });
                    }
                }
                // A subnet asked for and not in the answer: EC2 said nothing of it.
                for s in ids.into_iter().flatten() {
                    if waits(cache.subnets.get(s), id) {
                        let value = Arc::new(SubnetView::default());
                        cache
                            .subnets
                            .insert(s.clone(), Entry::Ready { generation, value });
                    }
                }
            }
            Ok(Ec2Answer::Region(subnets)) => {
                if waits(cache.all.as_ref(), id) {
                    let value = Arc::new(subnets);
                    cache.all = Some(Entry::Ready { generation, value });
                }
            }
            Err(failure) => {
                if let Some(access) = failure.access.clone() {
                    self.problem = Some(access);
                }
                let message = &failure.message;
                for s in ids.into_iter().flatten() {
                    if waits(cache.subnets.get(s), id) {
                        cache
                            .subnets
                            .insert(s.clone(), Entry::failed(generation, message));
                    }
                }
                if ids.is_none() && waits(cache.all.as_ref(), id) {
                    cache.all = Some(Entry::failed(generation, message));
                }
            }
        }
        true
    }

    /// Lookups still out.
    pub fn pending(&self) -> usize {
        self.asked.len()
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
