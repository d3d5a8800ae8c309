//! Every change the interactive app makes goes through the journal's `Recorder`: traffic
//! with the prior state of each touched socket read first, subnet removals with the traffic
//! they had, creates with the ARN they made. After each, the loop hears the reply and a
//! summary of the journal entry (for `u`); bulk changes and undos report progress per call.

use crate::api::{ApiError, GlobalAccelerator};
use crate::app::actions::Mutation;
use crate::app::{Journaled, Reply};
use crate::journal::{Applied, Journal, Outcome, Recorder, Request, undo_words};
use crate::model::{
    NewAccelerator, NewEndpointGroup, NewListener, TrafficChange, TrafficScope, account_of,
    short_id,
};

/// The recorder of a session with `profile`: the journal in the default state directory (none
/// when there is no home to keep it in). The account is read from each change's ARN.
pub fn recorder(profile: &str) -> Recorder {
    Recorder {
        journal: Journal::open_default(),
        profile: Some(profile.to_string()),
        account: None,
    }
}

/// `recorder` naming the account of `arn`.
pub(super) fn for_arn(recorder: &Recorder, arn: Option<&str>) -> Recorder {
    let mut r = recorder.clone();
    if let Some(account) = arn.and_then(account_of) {
        r.account = Some(account.to_string());
    }
    r
}

/// The summary the app keeps of a journaled change.
pub(super) fn summary(applied: &Applied, what: &str, recorder: &Recorder) -> Journaled {
    let entry = match (&applied.entry, &applied.journal_error) {
        (_, Some(e)) => Err(e.clone()),
        (Some(e), None) => Ok(e.id.clone()),
        (None, None) => Err("no home directory to keep a journal in".into()),
    };
    let undo = match (&applied.entry, &entry) {
        (Some(e), Ok(_)) => undo_words(e),
        (_, Err(e)) => Err(format!("it was not journaled ({e})")),
        (None, Ok(_)) => Err("it was not journaled".into()),
    };
    Journaled {
        entry,
        what: applied
            .entry
            .as_ref()
            .map_or_else(|| what.to_string(), |e| e.what.clone()),
        changed: applied.outcome.applied > 0,
        undo,
        profile: recorder.profile.clone(),
    }
}

/// A failure the journal kept as text, as the error of a reply.
fn failed(operation: &str, outcome: &Outcome) -> ApiError {
    ApiError::Other {
        code: operation.to_string(),
        message: outcome.error.clone().unwrap_or_default(),
    }
}

fn one(result: &Result<impl Sized, ApiError>) -> Outcome {
    match result {
        Ok(_) => Outcome {
            applied: 1,
            error: None,
        },
        Err(e) => Outcome {
            applied: 0,
            error: Some(e.to_string()),
        },
    }
}

type Answer = (Result<Reply, ApiError>, Option<Journaled>);

pub(super) async fn traffic(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    allow: bool,
    change: TrafficChange,
) -> Answer {
    let recorder = for_arn(recorder, Some(&change.endpoint_group_arn));
    let what = Mutation::Traffic {
        allow,
        change: change.clone(),
    }
    .describe();
    let applied = recorder
        .traffic(api, allow, &what, &[change], &mut |_, _| {})
        .await;
    let result = if applied.complete() {
        Ok(Reply::Done)
    } else {
        let op = if allow {
            "AllowCustomRoutingTraffic"
        } else {
            "DenyCustomRoutingTraffic"
        };
        Err(failed(op, &applied.outcome))
    };
    (result, Some(summary(&applied, &what, &recorder)))
}

pub(super) async fn remove_endpoints(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    group: &str,
    subnets: &[String],
) -> Answer {
    let recorder = for_arn(recorder, Some(group));
    let applied = recorder.remove_endpoints(api, group, subnets).await;
    let result = if applied.complete() {
        Ok(Reply::Done)
    } else {
        Err(failed("RemoveCustomRoutingEndpoints", &applied.outcome))
    };
    let what = applied.entry.as_ref().map(|e| e.what.clone());
    let summary = summary(
        &applied,
        what.as_deref().unwrap_or("remove subnets"),
        &recorder,
    );
    (result, Some(summary))
}

/// Adds subnets, then (when asked) allows all traffic to each: the add and every allow are
/// requests of one journal entry, stopping at the first failure.
pub(super) async fn add_endpoints(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    group: String,
    subnets: Vec<String>,
    allow_all: bool,
) -> Answer {
    let recorder = for_arn(recorder, Some(&group));
    let what = format!(
        "add {} to group {}{}",
        subnets.join(", "),
        short_id(&group),
        if allow_all {
            " with all traffic allowed"
        } else {
            ""
        }
    );
    let whole = |subnet: &String| TrafficChange {
        endpoint_group_arn: group.clone(),
        endpoint_id: subnet.clone(),
        scope: TrafficScope::WholeEndpoint,
    };
    let mut requests = vec![Request::AddCustomRoutingEndpoints {
        endpoint_group_arn: group.clone(),
        endpoint_ids: subnets.clone(),
        allow_all,
    }];
    let added = api.add_endpoints(&group, subnets.clone()).await;
    let mut outcome = one(&added);
    let answer = match added {
        Err(e) => {
            if allow_all {
                requests.extend(subnets.iter().map(|s| Request::traffic(true, &whole(s))));
            }
            Err(e)
        }
        Ok(added) => {
            let mut allowed = None;
            if allow_all {
                requests.extend(added.iter().map(|s| Request::traffic(true, &whole(s))));
                let mut result = Ok(());
                for subnet in &added {
                    if let Err(e) = api.allow_traffic(whole(subnet)).await {
                        outcome.error = Some(e.to_string());
                        result = Err(e.to_string());
                        break;
                    }
                    outcome.applied += 1;
                }
                allowed = Some(result);
            }
            Ok(Reply::EndpointsAdded { added, allowed })
        }
    };
    let applied = recorder.record(&what, requests, outcome);
    (answer, Some(summary(&applied, &what, &recorder)))
}

pub(super) async fn delete_group(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    arn: String,
) -> Answer {
    let recorder = for_arn(recorder, Some(&arn));
    let what = format!("delete endpoint group {arn}");
    let result = api.delete_endpoint_group(&arn).await;
    let outcome = one(&result);
    let request = Request::DeleteCustomRoutingEndpointGroup {
        endpoint_group_arn: arn,
    };
    let applied = recorder.record(&what, vec![request], outcome);
    (
        result.map(|()| Reply::Done),
        Some(summary(&applied, &what, &recorder)),
    )
}

pub(super) async fn create_group(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    new: NewEndpointGroup,
) -> Answer {
    let recorder = for_arn(recorder, Some(&new.listener_arn));
    let what = format!(
        "create an endpoint group in {} on listener {}",
        new.region,
        short_id(&new.listener_arn)
    );
    let (listener_arn, region) = (new.listener_arn.clone(), new.region.clone());
    let result = api.create_endpoint_group(new).await;
    let request = Request::CreateCustomRoutingEndpointGroup {
        listener_arn,
        region,
        created_arn: result.as_ref().ok().map(|g| g.arn.clone()),
    };
    let applied = recorder.record(&what, vec![request], one(&result));
    (
        result.map(Reply::CreatedEndpointGroup),
        Some(summary(&applied, &what, &recorder)),
    )
}

pub(super) async fn create_accelerator(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    new: NewAccelerator,
) -> Answer {
    let what = format!("create accelerator {}", new.name);
    let name = new.name.clone();
    let result = api.create_accelerator(new).await;
    let arn = result.as_ref().ok().map(|a| a.arn.clone());
    let recorder = for_arn(recorder, arn.as_deref());
    let request = Request::CreateCustomRoutingAccelerator {
        name,
        created_arn: arn,
    };
    let applied = recorder.record(&what, vec![request], one(&result));
    (
        result.map(Reply::CreatedAccelerator),
        Some(summary(&applied, &what, &recorder)),
    )
}

pub(super) async fn create_listener(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    new: NewListener,
) -> Answer {
    let recorder = for_arn(recorder, Some(&new.accelerator_arn));
    let what = format!("create a listener on accelerator {}", new.accelerator_arn);
    let accelerator_arn = new.accelerator_arn.clone();
    let result = api.create_listener(new).await;
    let request = Request::CreateCustomRoutingListener {
        accelerator_arn,
        created_arn: result.as_ref().ok().map(|l| l.arn.clone()),
    };
    let applied = recorder.record(&what, vec![request], one(&result));
    (
        result.map(Reply::CreatedListener),
        Some(summary(&applied, &what, &recorder)),
    )
}
