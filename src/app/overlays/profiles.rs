//! `P`: the profile switcher. It lists the profiles of the user's AWS config files; choosing
//! one connects anew and reloads everything from the accelerators pane, in that profile's
//! account. The current session stays until the new one is ready.

use std::fmt;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::GlobalAccelerator;
use crate::app::keymap::Command;
use crate::app::list::ListPane;
use crate::app::{Effect, Overlay, RequestId, Screen, State};

/// A client for the chosen profile, and the endpoint it talks to when not AWS's own.
#[derive(Clone)]
pub struct Connected {
    pub api: Arc<dyn GlobalAccelerator>,
    pub endpoint: Option<String>,
}

impl fmt::Debug for Connected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connected")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Picker {
    pub id: RequestId,
    /// The profile names, once read.
    pub names: Option<Result<Vec<String>, String>>,
    pub selected: usize,
    /// The profile being connected to.
    pub switching: Option<String>,
    /// Why the last switch failed.
    pub error: Option<String>,
}

pub fn open(state: &mut State) -> Vec<Effect> {
    let id = state.request_id();
    let current = state.context.profile.clone();
    state.overlay = Some(Overlay::Profiles(Picker {
        id,
        ..Picker::default()
    }));
    tracing::debug!(current, "profile switcher opened");
    vec![Effect::ListProfiles { id }]
}

/// Profile names arrived (or could not be read).
pub fn listed(state: &mut State, id: RequestId, result: Result<Vec<String>, String>) {
    let current = state.context.profile.clone();
    let Some(picker) = state.picker_mut().filter(|p| p.id == id) else {
        return;
    };
    picker.selected = result
        .as_ref()
        .ok()
        .and_then(|names| names.iter().position(|n| *n == current))
        .unwrap_or(0);
    picker.names = Some(match result {
        Ok(names) if names.is_empty() => Err(
            "no profiles in ~/.aws/config or ~/.aws/credentials (`aws configure --profile NAME` makes one)"
                .into(),
        ),
        other => other,
    });
}

pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let command = state.keymap.command(&key);
    let Some(picker) = state.picker_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc || matches!(command, Some(Command::Quit | Command::Profiles)) {
        // A switch on its way is abandoned: the current session stays.
        let id = picker.id;
        state.overlay = None;
        return vec![Effect::Cancel(id)];
    }
    if picker.switching.is_some() {
        return Vec::new();
    }
    let count = match &picker.names {
        Some(Ok(names)) => names.len(),
        _ => 0,
    };
    match (key.code, command) {
        (_, Some(Command::Down)) => {
            picker.selected = (picker.selected + 1).min(count.saturating_sub(1))
        }
        (_, Some(Command::Up)) => picker.selected = picker.selected.saturating_sub(1),
        (_, Some(Command::First)) => picker.selected = 0,
        (_, Some(Command::Last)) => picker.selected = count.saturating_sub(1),
        (KeyCode::Enter, _) => {
            let Some(Ok(names)) = &picker.names else {
                return Vec::new();
            };
            let Some(profile) = names.get(picker.selected).cloned() else {
                return Vec::new();
            };
            picker.switching = Some(profile.clone());
            picker.error = None;
            return vec![Effect::SwitchProfile {
                id: picker.id,
                profile,
            }];
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

/// The new session is ready (or not): on success everything starts again from the
/// accelerators pane, in the new account.
pub fn switched(
    state: &mut State,
    id: RequestId,
    profile: String,
    result: Result<Connected, String>,
) -> Vec<Effect> {
    let Some(picker) = state.picker_mut().filter(|p| p.id == id) else {
        return Vec::new();
    };
    let connected = match result {
        Ok(connected) => connected,
        Err(e) => {
            picker.switching = None;
            picker.error = Some(format!("{profile}: {e}"));
            return Vec::new();
        }
    };
    let mut effects: Vec<Effect> = state
        .screens
        .iter_mut()
        .flat_map(Screen::cancel_all)
        .map(Effect::Cancel)
        .collect();
    if let Some(indexing) = state.indexing.take() {
        effects.push(Effect::Cancel(indexing.id));
    }
    state.overlay = None;
    state.follow = None;
    state.screens = vec![Screen::Accelerators(ListPane::default())];
    state.context.profile = profile.clone();
    state.context.account = None;
    // Another account: nothing EC2 said of this one holds there.
    state.join = if state.join.enabled {
        super::super::join::Join::default()
    } else {
        super::super::join::Join::off()
    };
    state.context.endpoint = connected.endpoint;
    state.info(format!("switched to profile {profile}"));
    effects.extend(state.start());
    effects
}
