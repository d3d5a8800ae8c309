//! `I`: build the mapping index of an accelerator from the UI, with progress, and Esc to stop
//! (nothing is saved then). The build runs as a task that reports the count as pages arrive.

use super::{Effect, Screen, State};
use crate::model::Accelerator;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexing {
    pub id: super::RequestId,
    pub name: String,
    pub read: usize,
    /// Ports the accelerator's listeners hold: no accelerator maps more.
    pub bound: u64,
}

fn target(state: &State) -> Option<Accelerator> {
    state.screens.iter().rev().find_map(|s| match s {
        Screen::Listeners(s) => Some(s.accelerator.clone()),
        Screen::EndpointGroups(s) => Some(s.accelerator.clone()),
        Screen::GroupDetail(s) => Some(s.accelerator.clone()),
        Screen::Accelerators(p) => p.selected().cloned(),
        _ => None,
    })
}

pub fn start(state: &mut State) -> Vec<Effect> {
    if let Some(i) = &state.indexing {
        let name = i.name.clone();
        state.info(format!("already indexing {name} (Esc stops it)"));
        return Vec::new();
    }
    let Some(store) = state.index_dir.clone() else {
        state.error("no cache directory for the index: set HOME or XDG_CACHE_HOME");
        return Vec::new();
    };
    let Some(accelerator) = target(state) else {
        state.dirty = false;
        return Vec::new();
    };
    let id = state.request_id();
    state.indexing = Some(Indexing {
        id,
        name: accelerator.name.clone(),
        read: 0,
        bound: 0,
    });
    vec![Effect::BuildIndex {
        id,
        accelerator,
        store,
    }]
}

/// Esc while indexing stops the build.
pub fn stop(state: &mut State) -> Vec<Effect> {
    match state.indexing.take() {
        Some(i) => {
            state.info(format!("stopped indexing {}: nothing was saved", i.name));
            vec![Effect::Cancel(i.id)]
        }
        None => Vec::new(),
    }
}

pub fn progress(state: &mut State, id: super::RequestId, read: usize, bound: u64) {
    if let Some(i) = state.indexing.as_mut().filter(|i| i.id == id) {
        i.read = read;
        i.bound = bound;
        state.dirty = true;
    }
}

pub fn finished(state: &mut State, id: super::RequestId, result: Result<(usize, u64), String>) {
    let Some(i) = state.indexing.take_if(|i| i.id == id) else {
        return;
    };
    state.dirty = true;
    match result {
        Ok((mappings, bytes)) => state.info(format!(
            "indexed {}: {mappings} mappings, {bytes} bytes; w answers from it now",
            i.name
        )),
        Err(e) => state.error(format!("indexing {} failed: {e}", i.name)),
    }
}
