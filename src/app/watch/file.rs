//! The account's pins file: read once the account is known (the first answer names it),
//! written on every pin and unpin. The reading and writing is the loop's (effects); this
//! decides when, and what the answers change.

use super::{Pinned, refresh_views, resolve, rounds};
use crate::app::{Effect, State};
use crate::model::watch::Pin;

/// What became of the pins file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinFile {
    /// The account's saved pins, and the entries that are no pin (each with why).
    Loaded {
        account: String,
        pins: Vec<Pin>,
        unreadable: Vec<String>,
    },
    /// The file is there but could not be read.
    LoadFailed {
        account: String,
        message: String,
    },
    SaveFailed {
        account: String,
        message: String,
    },
}

/// After every action: once the session's account is known, the pins are that account's. A
/// first account keeps what was pinned before it was known; another account (after a
/// profile switch) brings its own pins, the last account's being saved already.
pub fn sync_account(state: &mut State) -> Vec<Effect> {
    let Some(account) = state.context.account.clone() else {
        return Vec::new();
    };
    if state.watch.account.as_deref() == Some(account.as_str()) {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if state.watch.account.is_some() {
        effects.extend(state.watch.clear().into_iter().map(Effect::Cancel));
        refresh_views(state);
    }
    state.watch.account = Some(account.clone());
    state.watch.writable = false;
    match state.watch.store.clone() {
        Some(dir) => {
            state.watch.loading = true;
            effects.push(Effect::LoadPins { dir, account });
        }
        None => state.watch.loading = false,
    }
    effects
}

/// The save of the pins as they are now, when they may be saved.
pub(super) fn save(state: &State) -> Option<Effect> {
    let w = &state.watch;
    if w.loading || !w.writable {
        return None;
    }
    Some(Effect::SavePins {
        dir: w.store.clone()?,
        account: w.account.clone()?,
        pins: w.pins.iter().map(|p| p.pin.clone()).collect(),
    })
}

/// What the loop found in (or could not do with) the pins file.
pub fn pin_file(state: &mut State, event: PinFile) -> Vec<Effect> {
    state.dirty = true;
    let (PinFile::Loaded { account, .. }
    | PinFile::LoadFailed { account, .. }
    | PinFile::SaveFailed { account, .. }) = &event;
    if state.watch.account.as_ref() != Some(account) {
        // Another account's file, after a profile switch.
        return Vec::new();
    }
    match event {
        PinFile::Loaded {
            pins, unreadable, ..
        } => loaded(state, pins, &unreadable),
        PinFile::LoadFailed { message, .. } => {
            state.watch.loading = false;
            state.watch.writable = false;
            state.error(format!(
                "watch: the saved pins could not be read ({message}); pins are not saved this session, so the file stays as it is"
            ));
            Vec::new()
        }
        PinFile::SaveFailed { message, .. } => {
            state.error(format!("watch: the pins could not be saved: {message}"));
            Vec::new()
        }
    }
}

fn loaded(state: &mut State, saved: Vec<Pin>, unreadable: &[String]) -> Vec<Effect> {
    let w = &mut state.watch;
    w.loading = false;
    w.writable = true;
    // Saved pins first, then what was pinned while the file was being read.
    let typed = std::mem::take(&mut w.pins);
    let added_meanwhile = typed.iter().any(|p| !saved.contains(&p.pin));
    for pin in saved {
        if let Some(p) = typed.iter().find(|p| p.pin == pin) {
            w.pins.push(p.clone());
            continue;
        }
        let target = super::resolved_locally(&pin);
        w.pins.push(Pinned {
            pin,
            target,
            error: None,
            resolving: false,
        });
    }
    for p in typed {
        if !w.is_pinned(&p.pin) {
            w.pins.push(p);
        }
    }
    let to_resolve: Vec<Pin> = w
        .pins
        .iter()
        .filter(|p| p.target.is_none() && !p.resolving && p.error.is_none())
        .map(|p| p.pin.clone())
        .collect();
    if let Some(first) = unreadable.first() {
        for line in unreadable {
            state
                .messages
                .record(&format!("watch: {line}"), true, state.now);
        }
        let n = unreadable.len();
        let s = if n == 1 { "" } else { "s" };
        state.error(format!(
            "watch: {n} saved pin{s} could not be read and will be dropped at the next pin or unpin: {first}"
        ));
    }
    let mut effects: Vec<Effect> = if added_meanwhile {
        save(state).into_iter().collect()
    } else {
        Vec::new()
    };
    effects.extend(resolve(state, to_resolve));
    effects.extend(rounds::round_now(state));
    refresh_views(state);
    effects
}
