//! One poll round: every distinct by-destination listing and every distinct accelerator read
//! once, a few at a time, then each pin's rows picked out of the answers.

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;

use super::Target;
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_MAPPINGS, listing};
use crate::model::watch::{FailedCall, Failure, Gone, Pin, Presence, Round, WatchRow};
use crate::model::{Accelerator, DestinationPortMapping, listener_arn_of};

#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Calls of a round in flight at once.
    pub max_in_flight: usize,
    /// Mappings per by-destination page.
    pub page_size: i32,
}

impl Default for PollOptions {
    /// Four calls at once: a round of a few pins ends in about one round trip, far inside
    /// Global Accelerator's request rates.
    fn default() -> Self {
        Self {
            max_in_flight: 4,
            page_size: MAX_RESULTS_MAPPINGS,
        }
    }
}

type Read = (String, String);

enum Call {
    ByDestination(Read),
    Describe(String),
}

enum Answer {
    ByDestination(Read, Result<Vec<DestinationPortMapping>, ApiError>),
    Describe(String, Result<Accelerator, ApiError>),
}

async fn call(api: &dyn GlobalAccelerator, call: Call, page_size: i32) -> Answer {
    match call {
        Call::ByDestination((subnet, ip)) => {
            let mappings = listing::all_pages(|t| {
                api.list_port_mappings_by_destination(&subnet, &ip, page_size, t)
            })
            .await;
            Answer::ByDestination((subnet, ip), mappings)
        }
        Call::Describe(arn) => {
            let answer = api.describe_accelerator(&arn).await;
            Answer::Describe(arn, answer)
        }
    }
}

#[derive(Default)]
struct Answers {
    reads: HashMap<Read, Result<Vec<DestinationPortMapping>, ApiError>>,
    described: HashMap<String, Result<Accelerator, ApiError>>,
}

impl Answers {
    async fn ask(&mut self, api: &dyn GlobalAccelerator, calls: Vec<Call>, options: &PollOptions) {
        let answers: Vec<Answer> = futures::stream::iter(calls)
            .map(|c| call(api, c, options.page_size))
            .buffer_unordered(options.max_in_flight.max(1))
            .collect()
            .await;
        for answer in answers {
            match answer {
                Answer::ByDestination(read, result) => {
                    self.reads.insert(read, result);
                }
                Answer::Describe(arn, result) => {
                    self.described.insert(arn, result);
                }
            }
        }
    }

    fn accelerator(&self, arn: &str) -> Option<&Accelerator> {
        self.described.get(arn).and_then(|r| r.as_ref().ok())
    }

    fn deleted(&self, arn: &str) -> bool {
        matches!(
            self.described.get(arn),
            Some(Err(ApiError::AcceleratorNotFound(_)))
        )
    }
}

/// Reads every target once and gives their rows. Calls are shared: one by-destination
/// listing (all pages) per distinct (subnet, destination IP), one describe per distinct
/// accelerator, at most `options.max_in_flight` at once. A failed call leaves the rows it
/// would have given out of the round and is named in `failures`; `throttled` says whether
/// the service throttled any of them (the caller waits longer before the next round).
pub async fn poll(api: &dyn GlobalAccelerator, targets: &[Target], options: &PollOptions) -> Round {
    let reads: BTreeSet<&Read> = targets.iter().flat_map(|t| &t.reads).collect();
    let known: BTreeSet<&String> = targets.iter().flat_map(|t| &t.accelerators).collect();
    let mut answers = Answers::default();
    let calls = reads
        .iter()
        .map(|r| Call::ByDestination((*r).clone()))
        .chain(known.iter().map(|a| Call::Describe((*a).clone())))
        .collect();
    answers.ask(api, calls, options).await;
    // A destination address may be mapped by an accelerator no pin named: it is described
    // now, once, like the others.
    let newcomers: BTreeSet<String> = answers
        .reads
        .values()
        .filter_map(|r| r.as_ref().ok())
        .flatten()
        .map(|m| m.accelerator_arn.clone())
        .filter(|arn| !answers.described.contains_key(arn))
        .collect();
    if !newcomers.is_empty() {
        let calls = newcomers.into_iter().map(Call::Describe).collect();
        answers.ask(api, calls, options).await;
    }

    let mut round = Round::default();
    for target in targets {
        round.rows.extend(rows_of(target, &answers));
    }
    let mut failed_reads: Vec<(&Read, &ApiError)> = answers
        .reads
        .iter()
        .filter_map(|(read, r)| r.as_ref().err().map(|e| (read, e)))
        .filter(|(_, e)| !matches!(e, ApiError::EndpointNotFound(_)))
        .collect();
    failed_reads.sort_by(|a, b| a.0.cmp(b.0));
    let mut failed_describes: Vec<(&String, &ApiError)> = answers
        .described
        .iter()
        .filter_map(|(arn, r)| r.as_ref().err().map(|e| (arn, e)))
        .filter(|(_, e)| !matches!(e, ApiError::AcceleratorNotFound(_)))
        .collect();
    failed_describes.sort_by(|a, b| a.0.cmp(b.0));
    round.throttled = failed_reads
        .iter()
        .map(|(_, e)| *e)
        .chain(failed_describes.iter().map(|(_, e)| *e))
        .any(|e| matches!(e, ApiError::Throttled(_)));
    for ((subnet, ip), e) in failed_reads {
        round.failures.push(Failure {
            call: FailedCall::ByDestination {
                subnet: subnet.clone(),
                ip: ip.clone(),
            },
            message: e.to_string(),
        });
    }
    for (arn, e) in failed_describes {
        round.failures.push(Failure {
            call: FailedCall::Describe {
                accelerator_arn: arn.clone(),
            },
            message: e.to_string(),
        });
    }
    round
}

/// A mapping as a watched row, with its accelerator's state when it was read.
fn row_of(pin: &Pin, m: &DestinationPortMapping, accelerator: Option<&Accelerator>) -> WatchRow {
    WatchRow {
        pin: pin.clone(),
        accelerator_arn: m.accelerator_arn.clone(),
        accelerator_name: accelerator.map(|a| a.name.clone()).unwrap_or_default(),
        enabled: accelerator.map(|a| a.enabled),
        status: accelerator.map(|a| a.status.clone()),
        listener_arn: listener_arn_of(&m.endpoint_group_arn).to_string(),
        endpoint_group_arn: m.endpoint_group_arn.clone(),
        region: m.endpoint_group_region.clone(),
        subnet: m.endpoint_id.clone(),
        destination: m.destination.clone(),
        accelerator_sockets: m.accelerator_sockets.clone(),
        traffic: Some(m.traffic),
        presence: Presence::Mapped,
    }
}

/// The target's rows from this round's answers; nothing from a read that failed.
fn rows_of(target: &Target, answers: &Answers) -> Vec<WatchRow> {
    let pin = &target.pin;
    let Some(expected) = &target.expected else {
        // A destination address: every mapping its subnets hold for it.
        let mut rows: Vec<WatchRow> = target
            .reads
            .iter()
            .filter_map(|read| answers.reads.get(read)?.as_ref().ok())
            .flatten()
            .map(|m| row_of(pin, m, answers.accelerator(&m.accelerator_arn)))
            .collect();
        rows.sort_by(|a, b| {
            (&a.endpoint_group_arn, &a.subnet, &a.destination).cmp(&(
                &b.endpoint_group_arn,
                &b.subnet,
                &b.destination,
            ))
        });
        return rows;
    };
    let accelerator = answers.accelerator(&expected.accelerator_arn);
    let gone = |why: Gone| {
        let mut row = expected.gone(why);
        if let Some(a) = accelerator {
            row.accelerator_name.clone_from(&a.name);
            row.enabled = Some(a.enabled);
            row.status = Some(a.status.clone());
        } else {
            row.enabled = None;
            row.status = None;
        }
        vec![row]
    };
    if answers.deleted(&expected.accelerator_arn) {
        return gone(Gone::AcceleratorDeleted);
    }
    let read = (expected.subnet.clone(), expected.destination.ip.clone());
    let mappings = match answers.reads.get(&read) {
        Some(Ok(mappings)) => mappings,
        Some(Err(ApiError::EndpointNotFound(_))) => return gone(Gone::EndpointRemoved),
        Some(Err(_)) | None => return Vec::new(),
    };
    let found = mappings.iter().find(|m| {
        m.accelerator_arn == expected.accelerator_arn
            && m.endpoint_group_arn == expected.endpoint_group_arn
            && m.endpoint_id == expected.subnet
            && m.destination == expected.destination
    });
    match (found, pin) {
        (None, _) => gone(Gone::Unmapped),
        (Some(m), Pin::AcceleratorSocket(socket)) if !m.accelerator_sockets.contains(socket) => {
            gone(Gone::Remapped)
        }
        (Some(m), _) => vec![row_of(pin, m, accelerator)],
    }
}
