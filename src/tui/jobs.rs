//! Bulk changes and undos, run for the app: a progress action per call, then how it went
//! (`Applied::summary`: exactly what was and was not applied) and the journal's answer.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::changes::{for_arn, summary};
use crate::api::GlobalAccelerator;
use crate::app::{Action, ChangeJob, ChangeResult, Journaled, RequestId};
use crate::journal::{self, Applied, Recorder, Request};
use crate::model::accelerator_arn_of;

/// Runs a bulk change or an undo, sending a progress action per call, then how it went and
/// the journal's answer.
pub async fn run_job(
    id: RequestId,
    job: ChangeJob,
    api: Arc<dyn GlobalAccelerator>,
    recorder: Recorder,
    tx: UnboundedSender<Action>,
) {
    let progress_tx = tx.clone();
    let mut progress = move |done: usize, total: usize| {
        let _ = progress_tx.send(Action::ChangeProgress { id, done, total });
    };
    let (result, journaled) = match job {
        ChangeJob::Traffic {
            allow,
            what,
            label,
            changes,
        } => {
            let group = changes.first().map(|c| c.endpoint_group_arn.clone());
            let recorder = for_arn(&recorder, group.as_deref());
            let applied = recorder
                .traffic(api.as_ref(), allow, &what, &changes, &mut progress)
                .await;
            let journaled = summary(&applied, &what, &recorder);
            (
                outcome_of(&applied, &label, group.as_deref()),
                Some(journaled),
            )
        }
        ChangeJob::Undo { entry } => undo(api.as_ref(), &recorder, &entry).await,
    };
    let _ = tx.send(Action::ChangeDone { id, result });
    if let Some(j) = journaled {
        let _ = tx.send(Action::Journaled(j));
    }
}

/// How it went, said under the short `label` (the log has the change in full beside its
/// journal entry).
fn outcome_of(applied: &Applied, label: &str, group: Option<&str>) -> ChangeResult {
    // A journal failure is said by the journal's own answer, once.
    let quiet = Applied {
        journal_error: None,
        ..applied.clone()
    };
    ChangeResult {
        summary: quiet.summary(label),
        complete: applied.complete(),
        accelerator: (applied.outcome.applied > 0)
            .then(|| group.map(|g| accelerator_arn_of(g).to_string()))
            .flatten(),
    }
}

/// Finds the entry, checks it belongs to this profile, undoes it.
async fn undo(
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
    id: &str,
) -> (ChangeResult, Option<Journaled>) {
    let refused = |why: String| {
        let result = ChangeResult {
            summary: format!("undo {id}: {why}"),
            complete: false,
            accelerator: None,
        };
        (result, None)
    };
    let Some(journal) = recorder.journal.clone() else {
        return refused("no journal to find it in".into());
    };
    let wanted = id.to_string();
    let found = tokio::task::spawn_blocking(move || journal.find(&wanted)).await;
    let entry = match found {
        Ok(Ok(Ok(entry))) => entry,
        Ok(Ok(Err(why))) => return refused(why),
        Ok(Err(e)) => return refused(format!("the journal could not be read: {e}")),
        Err(e) => return refused(format!("the journal could not be read: {e}")),
    };
    if entry.profile.is_some() && entry.profile != recorder.profile {
        return refused(format!(
            "it was made with profile {}: switch back to it (P) to undo it",
            entry.profile.as_deref().unwrap_or_default()
        ));
    }
    let recorder = Recorder {
        account: entry.account.clone(),
        ..recorder.clone()
    };
    match journal::undo(api, &recorder, &entry).await {
        Err(why) => refused(why),
        Ok(applied) => {
            let what = applied
                .entry
                .as_ref()
                .map_or_else(|| format!("undo {id}"), |e| e.what.clone());
            let group = entry.requests.first().and_then(group_of);
            let journaled = summary(&applied, &what, &recorder);
            (
                outcome_of(&applied, &format!("undo {id}"), group),
                Some(journaled),
            )
        }
    }
}

fn group_of(request: &Request) -> Option<&str> {
    match request {
        Request::AllowCustomRoutingTraffic(t) | Request::DenyCustomRoutingTraffic(t) => {
            Some(&t.endpoint_group_arn)
        }
        Request::AddCustomRoutingEndpoints {
            endpoint_group_arn, ..
        }
        | Request::RemoveCustomRoutingEndpoints {
            endpoint_group_arn, ..
        }
        | Request::DeleteCustomRoutingEndpointGroup { endpoint_group_arn } => {
            Some(endpoint_group_arn)
        }
        Request::CreateCustomRoutingEndpointGroup { created_arn, .. } => created_arn.as_deref(),
        Request::CreateCustomRoutingAccelerator { .. }
        | Request::CreateCustomRoutingListener { .. } => None,
    }
}
