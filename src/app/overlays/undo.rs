//! `u`: undo the last change of this session, after a confirmation that names it and says
//! what undoing does (traffic goes back to each socket's prior state; a removed subnet comes
//! back with its traffic, on new accelerator ports). The runner finds the journal entry by
//! id, undoes it and journals the undo, so an undo can itself be undone.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::changes::{self, ChangeJob, Journaled};
use crate::app::{Effect, Hint, Overlay, State};

/// The confirmation of an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The change to undo.
    pub change: Journaled,
    /// The journal entry's id.
    pub entry: String,
    /// What undoing it does.
    pub words: String,
}

/// `u`: offers to undo the last change, or says why there is nothing to undo.
pub fn open(state: &mut State) -> Vec<Effect> {
    if !changes::may_start(state) {
        return Vec::new();
    }
    let Some(last) = state.changes.last().cloned() else {
        state.info("nothing to undo: this session has changed nothing yet (portolan journal lists older changes)");
        return Vec::new();
    };
    if let Some(profile) = last
        .profile
        .as_deref()
        .filter(|p| *p != state.context.profile)
    {
        state.error(format!(
            "the last change was made with profile {profile}: switch back to it (P) to undo it"
        ));
        return Vec::new();
    }
    let entry = match &last.entry {
        Ok(id) => id.clone(),
        Err(e) => {
            state.error(format!(
                "the last change ({}) was not journaled ({e}), so it cannot be undone",
                last.what
            ));
            return Vec::new();
        }
    };
    match &last.undo {
        Ok(words) => {
            let words = words.clone();
            state.overlay = Some(Overlay::Undo(Box::new(Undo {
                change: last,
                entry,
                words,
            })));
        }
        Err(why) => state.error(format!("cannot undo the last change: {why}")),
    }
    Vec::new()
}

/// Keys while the confirmation is open: y undoes, n and Esc close.
pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Undo(undo)) = &state.overlay else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Char('y' | 'Y') => {
            let undo = undo.clone();
            state.overlay = None;
            if !changes::may_start(state) {
                return Vec::new();
            }
            changes::start(state, "undo".into(), ChangeJob::Undo { entry: undo.entry })
        }
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
            state.overlay = None;
            Vec::new()
        }
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

pub fn hints() -> Vec<Hint> {
    vec![
        Hint {
            keys: "y".into(),
            action: "undo it",
        },
        Hint {
            keys: "n Esc".into(),
            action: "keep it",
        },
    ]
}
