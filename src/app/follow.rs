//! After a change, the accelerator it touched is followed until it reports DEPLOYED again:
//! its status shows in the header meanwhile, and the log says how long propagation took.

use std::time::{Duration, Instant};

use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::rows::short_id;
use crate::app::{Effect, Screen, State};

/// The accelerator whose status is followed after a change, until it is DEPLOYED again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub arn: String,
    pub name: String,
    pub since: Instant,
    pub next_poll: Instant,
    pub pending: Option<RequestId>,
    pub status: Option<String>,
}

const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// Starts following `arn` until it reports DEPLOYED.
pub fn follow(state: &mut State, arn: String) {
    let name = state
        .screens
        .iter()
        .find_map(|s| match s {
            Screen::Accelerators(p) => p
                .rows()
                .iter()
                .find(|a| a.arn == arn)
                .map(|a| a.name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| short_id(&arn).to_string());
    state.follow = Some(Follow {
        arn,
        name,
        since: state.now,
        next_poll: state.now,
        pending: None,
        status: None,
    });
}

/// On each tick: ask for the followed accelerator's status when it is time.
pub fn poll(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let due = state
        .follow
        .as_ref()
        .is_some_and(|f| f.pending.is_none() && now >= f.next_poll);
    if !due {
        return Vec::new();
    }
    let id = state.request_id();
    let Some(f) = state.follow.as_mut() else {
        return Vec::new();
    };
    f.pending = Some(id);
    vec![Effect::Call {
        id,
        call: Call::DescribeAccelerator { arn: f.arn.clone() },
    }]
}

/// The followed accelerator's status arrived.
pub fn followed(state: &mut State, result: Result<Reply, ApiError>) -> Vec<Effect> {
    let now = state.now;
    let Some(f) = state.follow.as_mut() else {
        return Vec::new();
    };
    f.pending = None;
    f.next_poll = now + FOLLOW_EVERY;
    match result {
        Ok(Reply::Accelerator(a)) if a.status == crate::model::AcceleratorStatus::Deployed => {
            let took = now.duration_since(f.since).as_secs();
            let name = f.name.clone();
            state.follow = None;
            state.info(format!(
                "{name} is DEPLOYED: the change has propagated ({took}s)"
            ));
            // The accelerators pane shows the new status too.
            if let Some(Screen::Accelerators(p)) = state.screens.first_mut() {
                p.replace_item(a);
            }
        }
        Ok(Reply::Accelerator(a)) => f.status = Some(a.status.to_string()),
        Ok(_) => {}
        Err(e) => f.status = Some(format!("status unknown: {e}")),
    }
    Vec::new()
}
