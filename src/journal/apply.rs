//! Changes made through the journal: the prior state of every socket a traffic change
//! touches is read first, the requests are made in order (stopping at the first failure), and
//! one entry records what was asked and how far it got. Undo replays an entry backwards.

use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::time::SystemTime;

use futures::{StreamExt, TryStreamExt};

use super::{Entry, Journal, Outcome, Prior, Request};
use crate::api::listing::all_pages;
use crate::api::{ApiError, GlobalAccelerator};
use crate::model::{TrafficChange, TrafficScope, accelerator_arn_of, short_id};

/// Prior-state reads in flight at once.
const READS: usize = 8;
const PAGE: i32 = 1000;

/// Who is making changes, and where they are written down.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    /// `None`: changes are made but not journaled (no home directory, or a test).
    pub journal: Option<Journal>,
    pub profile: Option<String>,
    pub account: Option<String>,
}

/// How a change went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The journal entry written, when one was.
    pub entry: Option<Entry>,
    pub requests: Vec<Request>,
    pub outcome: Outcome,
    /// The journal could not be written (the change itself went as `outcome` says).
    pub journal_error: Option<String>,
}

impl Applied {
    pub fn complete(&self) -> bool {
        self.outcome.complete(self.requests.len())
    }

    /// One line for the user: all applied, or exactly which requests were and were not.
    pub fn summary(&self, what: &str) -> String {
        let total = self.requests.len();
        let mut out = match &self.outcome.error {
            None => format!("{what}: done ({total} call{})", plural(total)),
            Some(e) => format!(
                "{what}: {} of {total} call{} applied, {} not made; call {} failed: {e}",
                self.outcome.applied,
                plural(total),
                total - self.outcome.applied - 1,
                self.outcome.applied + 1,
            ),
        };
        if let Some(e) = &self.journal_error {
            out.push_str(&format!(" (not journaled: {e})"));
        }
        out
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Recorder {
    /// Allows or denies traffic with `changes`, in order, journaling the prior state of
    /// every socket they touch. `progress` hears (calls done, calls in all).
    pub async fn traffic(
        &self,
        api: &dyn GlobalAccelerator,
        allow: bool,
        what: &str,
        changes: &[TrafficChange],
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Applied {
        let pairs: Vec<(bool, TrafficChange)> =
            changes.iter().map(|c| (allow, c.clone())).collect();
        self.run_traffic(api, what, &pairs, None, progress).await
    }

    /// Journals a change made elsewhere (creates, endpoint changes) with how it went.
    pub fn record(&self, what: &str, requests: Vec<Request>, outcome: Outcome) -> Applied {
        self.write(what, requests, outcome, Vec::new(), None, None)
    }

    /// Removes subnets, journaling the traffic each had so an undo can put it back.
    pub async fn remove_endpoints(
        &self,
        api: &dyn GlobalAccelerator,
        group: &str,
        subnets: &[String],
    ) -> Applied {
        let whole: Vec<TrafficChange> = subnets
            .iter()
            .map(|s| TrafficChange {
                endpoint_group_arn: group.to_string(),
                endpoint_id: s.clone(),
                scope: TrafficScope::WholeEndpoint,
            })
            .collect();
        let (prior, prior_error) = match read_prior(api, &whole).await {
            Ok(p) => (p, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        let request = Request::RemoveCustomRoutingEndpoints {
            endpoint_group_arn: group.to_string(),
            endpoint_ids: subnets.to_vec(),
        };
        let outcome = Outcome::of_one(api.remove_endpoints(group, subnets.to_vec()).await);
        let what = format!(
            "remove {} from group {}",
            subnets.join(", "),
            short_id(group)
        );
        self.write(&what, vec![request], outcome, prior, prior_error, None)
    }

    pub(super) fn write(
        &self,
        what: &str,
        requests: Vec<Request>,
        outcome: Outcome,
        prior: Vec<Prior>,
        prior_error: Option<String>,
        undoes: Option<String>,
    ) -> Applied {
        let now = SystemTime::now();
        let at = humantime::format_rfc3339_seconds(now).to_string();
        let stamp: String = at.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let entry = Entry {
            id: format!("{stamp}-{:08x}", rand::random::<u32>()),
            at,
            profile: self.profile.clone(),
            account: self.account.clone(),
            what: what.to_string(),
            requests: requests.clone(),
            outcome: outcome.clone(),
            prior,
            prior_error,
            undoes,
        };
        let journal_error = self
            .journal
            .as_ref()
            .and_then(|j| j.append(&entry).err())
            .map(|e| e.to_string());
        Applied {
            entry: self.journal.is_some().then_some(entry),
            requests,
            outcome,
            journal_error,
        }
    }
}

/// The state, now, of every socket `changes` touch (each once), read by destination for
/// listed addresses and from the group's mappings for a whole subnet.
pub async fn read_prior(
    api: &dyn GlobalAccelerator,
    changes: &[TrafficChange],
) -> Result<Vec<Prior>, ApiError> {
    // The reads own what they need: a stream of borrowing closures is not provably `Send`
    // for every lifetime, and the interactive runner spawns this future.
    enum Read {
        Address(TrafficChange, String, Vec<u16>),
        Whole(TrafficChange),
    }
    let mut reads = Vec::new();
    for c in changes {
        match &c.scope {
            TrafficScope::WholeEndpoint => reads.push(Read::Whole(c.clone())),
            TrafficScope::Destinations { addresses, ports } => {
                reads.extend(
                    addresses
                        .iter()
                        .map(|a| Read::Address(c.clone(), a.clone(), ports.clone())),
                );
            }
        }
    }
    let found: Vec<Vec<Prior>> = futures::stream::iter(reads)
        .map(|read| async move {
            match read {
                Read::Address(c, ip, ports) => {
                    let rows = all_pages(|t| {
                        api.list_port_mappings_by_destination(&c.endpoint_id, &ip, PAGE, t)
                    })
                    .await?;
                    Ok::<_, ApiError>(
                        rows.into_iter()
                            .filter(|m| m.endpoint_group_arn == c.endpoint_group_arn)
                            .filter(|m| ports.is_empty() || ports.contains(&m.destination.port))
                            .filter_map(|m| {
                                prior(&c, &m.destination.ip, m.destination.port, m.traffic)
                            })
                            .collect(),
                    )
                }
                Read::Whole(c) => {
                    let accelerator = accelerator_arn_of(&c.endpoint_group_arn);
                    let rows = all_pages(|t| {
                        api.list_port_mappings(accelerator, Some(&c.endpoint_group_arn), PAGE, t)
                    })
                    .await?;
                    Ok(rows
                        .into_iter()
                        .filter(|m| m.endpoint_id == c.endpoint_id)
                        .filter_map(|m| prior(&c, &m.destination.ip, m.destination.port, m.traffic))
                        .collect())
                }
            }
        })
        .buffered(READS)
        .try_collect()
        .await?;
    let mut seen = HashSet::new();
    Ok(found
        .into_iter()
        .flatten()
        .filter(|p| {
            seen.insert((
                p.endpoint_group_arn.clone(),
                p.endpoint_id.clone(),
                p.ip,
                p.port,
            ))
        })
        .collect())
}

fn prior(
    c: &TrafficChange,
    ip: &str,
    port: u16,
    traffic: crate::model::TrafficState,
) -> Option<Prior> {
    Some(Prior {
        endpoint_group_arn: c.endpoint_group_arn.clone(),
        endpoint_id: c.endpoint_id.clone(),
        ip: ip.parse::<Ipv4Addr>().ok()?,
        port,
        allowed: traffic == crate::model::TrafficState::Allow,
    })
}

impl Recorder {
    /// Allows and denies `changes` in order, stopping at the first failure, after reading the
    /// prior state of every socket they touch; journaled as one change.
    pub(super) async fn run_traffic(
        &self,
        api: &dyn GlobalAccelerator,
        what: &str,
        changes: &[(bool, TrafficChange)],
        undoes: Option<String>,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Applied {
        let plain: Vec<TrafficChange> = changes.iter().map(|(_, c)| c.clone()).collect();
        let (prior, prior_error) = match read_prior(api, &plain).await {
            Ok(p) => (p, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        let requests: Vec<Request> = changes
            .iter()
            .map(|(allow, c)| Request::traffic(*allow, c))
            .collect();
        let mut outcome = Outcome {
            applied: 0,
            error: None,
        };
        for (i, (allow, c)) in changes.iter().enumerate() {
            progress(i, changes.len());
            let result = if *allow {
                api.allow_traffic(c.clone()).await
            } else {
                api.deny_traffic(c.clone()).await
            };
            match result {
                Ok(()) => outcome.applied += 1,
                Err(e) => {
                    outcome.error = Some(e.to_string());
                    break;
                }
            }
        }
        progress(outcome.applied, changes.len());
        self.write(what, requests, outcome, prior, prior_error, undoes)
    }
}
