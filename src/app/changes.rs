//! The changes this session made, as the journal wrote them down, and the bulk changes and
//! undos the runner makes on the app's behalf. The runner owns the journal; the app only keeps
//! the small summaries it needs to offer `u` and to say how a run went.

use super::call::RequestId;
use super::{Effect, State};
use crate::model::TrafficChange;

/// A change the runner wrote to the journal (or tried to), in the words `u` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journaled {
    /// The journal entry's id, or why the change could not be written down.
    pub entry: Result<String, String>,
    /// The change in words, as the journal has it.
    pub what: String,
    /// At least one of its requests went through (a change that failed at once changed
    /// nothing, so there is nothing to undo).
    pub changed: bool,
    /// What undoing it does, or why it cannot be undone.
    pub undo: Result<String, String>,
    /// The profile it was made with: only a session of that profile can undo it.
    pub profile: Option<String>,
}

/// A change the runner makes and journals itself: many traffic calls, or an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeJob {
    /// Allow or deny with these calls, in order, stopping at the first failure.
    Traffic {
        allow: bool,
        /// In full, for the journal.
        what: String,
        /// Short, for the status bar: "deny 40 sockets".
        label: String,
        changes: Vec<TrafficChange>,
    },
    /// Undo the journal entry with this id.
    Undo { entry: String },
}

/// How a bulk change or an undo went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeResult {
    /// Every call applied, or exactly which were and were not.
    pub summary: String,
    pub complete: bool,
    /// The accelerator it touched, to follow until it is deployed again.
    pub accelerator: Option<String>,
}

/// A bulk change or undo on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub id: RequestId,
    /// Short, for the status bar: "deny 40 sockets", "undo".
    pub what: String,
    pub done: usize,
    pub total: usize,
}

/// This session's changes, oldest first, and the run on its way.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub made: Vec<Journaled>,
    pub running: Option<Running>,
}

impl Session {
    /// The last change this session made.
    pub fn last(&self) -> Option<&Journaled> {
        self.made.last()
    }
}

/// The runner wrote a change down (or could not).
pub fn journaled(state: &mut State, change: Journaled) {
    state.dirty = true;
    match &change.entry {
        Ok(id) => {
            let text = if change.changed {
                format!("journal {id}: {}", change.what)
            } else {
                format!("journal {id}: {} (failed: nothing changed)", change.what)
            };
            state.messages.record(&text, false, state.now);
        }
        Err(e) if change.changed => state.error(format!(
            "the change was made but not journaled ({e}): u cannot undo it"
        )),
        Err(e) => state.error(format!("not journaled: {e}")),
    }
    if change.changed {
        state.changes.made.push(change);
    }
}

/// Starts `job` as the run on its way; the status bar shows its progress under `what`.
pub fn start(state: &mut State, what: String, job: ChangeJob) -> Vec<Effect> {
    let id = state.request_id();
    tracing::info!(target: "mutation", what = %what, ?job, "sent");
    state.changes.running = Some(Running {
        id,
        what,
        done: 0,
        total: 0,
    });
    vec![Effect::Change { id, job }]
}

/// Whether a bulk change or undo may start now; says why not.
pub fn may_start(state: &mut State) -> bool {
    if !state.may_change() {
        return false;
    }
    if let Some(r) = &state.changes.running {
        let text = format!("still making the last change ({}): wait for it", r.what);
        state.info(text);
        return false;
    }
    true
}

pub fn progress(state: &mut State, id: RequestId, done: usize, total: usize) {
    if let Some(r) = state.changes.running.as_mut().filter(|r| r.id == id) {
        r.done = done;
        r.total = total;
        state.dirty = true;
    }
}

/// A run ended: say how it went, follow the accelerator, and re-read what is shown.
pub fn done(state: &mut State, id: RequestId, result: ChangeResult) -> Vec<Effect> {
    if state.changes.running.as_ref().is_none_or(|r| r.id != id) {
        return Vec::new();
    }
    state.changes.running = None;
    state.dirty = true;
    if result.complete {
        tracing::info!(target: "mutation", summary = %result.summary, "applied");
        state.info(result.summary);
    } else {
        tracing::warn!(target: "mutation", summary = %result.summary, "failed");
        state.error(result.summary);
    }
    if let Some(arn) = result.accelerator {
        super::follow::follow(state, arn);
    }
    // What changed is read back, not assumed; an overlay opened meanwhile keeps its rows.
    if state.overlay.is_none() {
        state.reload_top()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[path = "changes_tests.rs"]
mod tests;
