//! Undo: an entry replayed backwards, said in words first.

use super::apply::{Applied, Recorder, plural};
use super::{Entry, Outcome, Prior, Request};
use crate::api::GlobalAccelerator;
use crate::model::bulk::{SocketState, restore};
use crate::model::{TrafficChange, short_id};

/// What an undo of `entry` would do, in words, or why it cannot be undone.
pub fn undo_words(entry: &Entry) -> Result<String, String> {
    let applied = &entry.requests[..entry.outcome.applied.min(entry.requests.len())];
    if applied.is_empty() {
        return Err(format!("{} changed nothing: nothing to undo", entry.id));
    }
    if entry.undoes.is_some() && applied.iter().all(is_traffic) {
        return Ok(format!("put back the traffic {} changed", entry.id));
    }
    match &applied[0] {
        r if is_traffic(r) => {
            if let Some(e) = &entry.prior_error {
                return Err(format!(
                    "{}: the prior traffic state was not read ({e}), so it cannot be restored",
                    entry.id
                ));
            }
            Ok(format!(
                "restore the prior traffic state of {} socket{}{}",
                entry.prior.len(),
                plural(entry.prior.len()),
                restoring(&entry.prior)
            ))
        }
        Request::AddCustomRoutingEndpoints {
            endpoint_ids,
            endpoint_group_arn,
            ..
        } => Ok(format!(
            "remove {} from group {}",
            endpoint_ids.join(", "),
            short_id(endpoint_group_arn)
        )),
        Request::RemoveCustomRoutingEndpoints {
            endpoint_ids,
            endpoint_group_arn,
        } => {
            if let Some(e) = &entry.prior_error {
                return Err(format!(
                    "{}: the removed subnets' traffic was not read ({e}), so it cannot be put back",
                    entry.id
                ));
            }
            Ok(format!(
                "add {} back to group {} with the traffic it had ({} allowed socket{}); \
                 the service assigns it new accelerator ports",
                endpoint_ids.join(", "),
                short_id(endpoint_group_arn),
                entry.prior.iter().filter(|p| p.allowed).count(),
                plural(entry.prior.iter().filter(|p| p.allowed).count()),
            ))
        }
        Request::CreateCustomRoutingEndpointGroup {
            created_arn: Some(arn),
            ..
        } => Ok(format!(
            "delete the endpoint group {} it created",
            short_id(arn)
        )),
        other => Err(format!(
            "{}: {} cannot be undone from portolan",
            entry.id,
            other.operation()
        )),
    }
}

/// What restoring `prior` does, as the undo's confirmation says it: ": deny 10.0.0.4:7777
/// again", ": deny 12 and allow 3 again" (the change it undoes is named beside it already).
fn restoring(prior: &[Prior]) -> String {
    let allowed = prior.iter().filter(|p| p.allowed).count();
    let denied = prior.len() - allowed;
    match (prior, allowed, denied) {
        ([], ..) => String::new(),
        ([one], ..) => {
            let verb = if one.allowed { "allow" } else { "deny" };
            format!(": {verb} {}:{} again", one.ip, one.port)
        }
        (_, 0, _) => format!(": deny all {denied} again"),
        (_, _, 0) => format!(": allow all {allowed} again"),
        _ => format!(": deny {denied} and allow {allowed} again"),
    }
}

fn is_traffic(r: &Request) -> bool {
    matches!(
        r,
        Request::AllowCustomRoutingTraffic(_) | Request::DenyCustomRoutingTraffic(_)
    )
}

/// Undoes `entry`: traffic goes back to each socket's prior state (and nothing else changes);
/// added subnets are removed; removed subnets are added back with the traffic they had; a
/// created group is deleted. The undo is itself journaled, pointing at `entry`.
pub async fn undo(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    entry: &Entry,
) -> Result<Applied, String> {
    let words = undo_words(entry)?;
    let what = format!("undo {}: {words}", entry.id);
    let applied = &entry.requests[..entry.outcome.applied.min(entry.requests.len())];
    match &applied[0] {
        r if is_traffic(r) => {
            let socket: Vec<SocketState> = entry.prior.iter().map(SocketState::from).collect();
            let (allow, deny) = restore(&socket);
            let changes: Vec<(bool, TrafficChange)> = allow
                .changes
                .into_iter()
                .map(|c| (true, c))
                .chain(deny.changes.into_iter().map(|c| (false, c)))
                .collect();
            Ok(recorder
                .run_traffic(api, &what, &changes, Some(entry.id.clone()), &mut |_, _| {})
                .await)
        }
        Request::AddCustomRoutingEndpoints {
            endpoint_group_arn,
            endpoint_ids,
            ..
        } => {
            let mut done = recorder
                .remove_endpoints(api, endpoint_group_arn, endpoint_ids)
                .await;
            if let Some(e) = done.entry.as_mut() {
                e.undoes = Some(entry.id.clone());
            }
            Ok(done)
        }
        Request::RemoveCustomRoutingEndpoints {
            endpoint_group_arn,
            endpoint_ids,
        } => {
            let mut requests = vec![Request::AddCustomRoutingEndpoints {
                endpoint_group_arn: endpoint_group_arn.clone(),
                endpoint_ids: endpoint_ids.clone(),
                allow_all: false,
            }];
            let mut outcome = Outcome {
                applied: 0,
                error: None,
            };
            let allowed: Vec<SocketState> = entry
                .prior
                .iter()
                .filter(|p| p.allowed)
                .map(SocketState::from)
                .collect();
            let (allow, _) = restore(&allowed);
            requests.extend(allow.changes.iter().map(|c| Request::traffic(true, c)));
            match api
                .add_endpoints(endpoint_group_arn, endpoint_ids.clone())
                .await
            {
                Err(e) => outcome.error = Some(e.to_string()),
                Ok(_) => {
                    outcome.applied = 1;
                    for c in allow.changes {
                        match api.allow_traffic(c).await {
                            Ok(()) => outcome.applied += 1,
                            Err(e) => {
                                outcome.error = Some(e.to_string());
                                break;
                            }
                        }
                    }
                }
            }
            Ok(recorder.write(
                &what,
                requests,
                outcome,
                Vec::new(),
                None,
                Some(entry.id.clone()),
            ))
        }
        Request::CreateCustomRoutingEndpointGroup {
            created_arn: Some(arn),
            ..
        } => {
            let request = Request::DeleteCustomRoutingEndpointGroup {
                endpoint_group_arn: arn.clone(),
            };
            let outcome = Outcome::of_one(api.delete_endpoint_group(arn).await);
            Ok(recorder.write(
                &what,
                vec![request],
                outcome,
                Vec::new(),
                None,
                Some(entry.id.clone()),
            ))
        }
        _ => Err(words),
    }
}
