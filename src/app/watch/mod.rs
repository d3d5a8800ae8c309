//! Watching pinned sockets: the pins, their rows as the last round read them, the rounds (at
//! most one in flight, on an interval that backs off while AWS throttles), the marks on what
//! changed, and the account's pins file. Rounds go on whatever screen is on top — the point
//! is to keep an eye on a few sockets while working elsewhere — so a change reaches the user
//! through the status bar, the message log and, if asked for, the bell, from any screen.
//! The watch view (`screens::watch`) only shows this state.

mod file;
mod items;
mod rounds;

pub use file::{PinFile, pin_file, sync_account};
pub use items::{Waiting, WatchItem, items, pin_cell};
pub use rounds::{answered, next_tick, tick};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::call::{Call, RequestId};
use super::{Effect, State};
use crate::model::watch::{Backoff, DEFAULT_INTERVAL_SECS, Pin, RowKey, Target, WatchRow};

/// How long a change stays marked (`Δ` and bold) in the watch view.
pub const MARKED: Duration = Duration::from_secs(5 * 60);

/// One pin and what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    pub pin: Pin,
    /// What a round reads for it; `None` until resolved.
    pub target: Option<Target>,
    /// Why it could not be resolved (`r` in the watch view tries again).
    pub error: Option<String>,
    pub resolving: bool,
}

/// A change a round found in a row: when, and what changed, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub at: Instant,
    pub words: String,
}

#[derive(Debug, Clone)]
pub struct Watching {
    /// In the order pinned.
    pub pins: Vec<Pinned>,
    /// Every pin's rows as the last rounds read them.
    pub rows: Vec<WatchRow>,
    /// Ring the bell on a change (`watch_bell`).
    pub bell: bool,
    pub backoff: Backoff,
    /// When the next round is due; `None` while one is in flight or nothing is resolved.
    pub next: Option<Instant>,
    /// When the last round ended.
    pub last_round: Option<Instant>,
    /// The round in flight and the pins it reads.
    round: Option<(RequestId, Vec<Pin>)>,
    /// Resolutions in flight and the pins each resolves.
    resolving: HashMap<RequestId, Vec<Pin>>,
    /// Pins a round has read rows for: only their later rows are changes (the first sighting
    /// of a pin is not).
    seen: HashSet<Pin>,
    /// Pins a round has read, rows or not.
    read: HashSet<Pin>,
    /// Rows a round found changed.
    pub marks: HashMap<RowKey, Mark>,
    /// Changes since the watch view was last on top.
    pub unseen: usize,
    /// What the last round could not read, when it failed.
    pub failing: Option<String>,
    /// Where pins files live; `None`: pins last as long as the session.
    pub store: Option<PathBuf>,
    /// The account the pins are kept for, once known.
    pub account: Option<String>,
    /// Its pins file is being read.
    pub loading: bool,
    /// Its pins file may be written (not after it could not be read: that would lose it).
    pub writable: bool,
    /// The last pin unpinned, as typed: the pin prompt offers it again.
    pub last_unpinned: Option<String>,
}

impl Default for Watching {
    fn default() -> Self {
        Self {
            pins: Vec::new(),
            rows: Vec::new(),
            bell: false,
            backoff: Backoff::new(Duration::from_secs(DEFAULT_INTERVAL_SECS)),
            next: None,
            last_round: None,
            round: None,
            resolving: HashMap::new(),
            seen: HashSet::new(),
            read: HashSet::new(),
            marks: HashMap::new(),
            unseen: 0,
            failing: None,
            store: None,
            account: None,
            loading: false,
            writable: false,
            last_unpinned: None,
        }
    }
}

impl Watching {
    /// `watch_interval` (at least a second).
    pub fn set_interval(&mut self, interval: Duration) {
        self.backoff = Backoff::new(interval.max(Duration::from_secs(1)));
    }

    pub fn interval(&self) -> Duration {
        self.backoff.interval()
    }

    pub fn is_pinned(&self, pin: &Pin) -> bool {
        self.pins.iter().any(|p| &p.pin == pin)
    }

    /// Whether answer `id` is the watch's.
    pub fn waits_for(&self, id: RequestId) -> bool {
        self.round.as_ref().is_some_and(|(r, _)| *r == id) || self.resolving.contains_key(&id)
    }

    /// A round read `pin` and found no row of it.
    pub fn seen_nothing(&self, pin: &Pin) -> bool {
        self.read.contains(pin) && !self.rows.iter().any(|r| &r.pin == pin)
    }

    pub fn round_in_flight(&self) -> bool {
        self.round.is_some()
    }

    /// Forgets every pin and what was read (another account's pins come next); returns the
    /// requests to abort.
    fn clear(&mut self) -> Vec<RequestId> {
        let mut ids: Vec<RequestId> = self.resolving.drain().map(|(id, _)| id).collect();
        ids.extend(self.round.take().map(|(id, _)| id));
        self.pins.clear();
        self.rows.clear();
        self.seen.clear();
        self.read.clear();
        self.marks.clear();
        self.unseen = 0;
        self.failing = None;
        self.next = None;
        self.last_round = None;
        self.last_unpinned = None;
        ids
    }
}

/// Adds `pin` (with its target when it needs no resolving), saves the pins and reads it at
/// once.
pub fn pin(state: &mut State, pin: Pin, target: Option<Target>) -> Vec<Effect> {
    pin_all(state, vec![(pin, target)])
}

/// Adds every pin not pinned yet: one save, one resolution for those that need it, one round.
pub fn pin_all(state: &mut State, pins: Vec<(Pin, Option<Target>)>) -> Vec<Effect> {
    let mut added = Vec::new();
    let mut to_resolve = Vec::new();
    let mut already = Vec::new();
    for (pin, target) in pins {
        if state.watch.is_pinned(&pin) {
            already.push(pin_cell(&pin));
            continue;
        }
        let target = target.or_else(|| resolved_locally(&pin));
        if target.is_none() {
            to_resolve.push(pin.clone());
        }
        added.push(pin_cell(&pin));
        state.watch.pins.push(Pinned {
            pin,
            target,
            error: None,
            resolving: false,
        });
    }
    if added.is_empty() {
        let text = match already.as_slice() {
            [one] => format!("{one} is pinned already"),
            all => format!("all {} are pinned already", all.len()),
        };
        state.info(text);
        return Vec::new();
    }
    let mut effects: Vec<Effect> = file::save(state).into_iter().collect();
    effects.extend(resolve(state, to_resolve));
    effects.extend(rounds::round_now(state));
    let view = state.keymap.key(crate::app::keymap::Command::WatchView);
    let kept = if state.watch.store.is_none() {
        ", for this session only"
    } else {
        ""
    };
    state.info(format!(
        "pinned {} ({view} shows {}{kept})",
        one_or_many(&added, "pins"),
        if added.len() == 1 { "it" } else { "them" }
    ));
    refresh_views(state);
    effects
}

/// `10.0.3.17`, or `3 pins` for several.
fn one_or_many(labels: &[String], many: &str) -> String {
    match labels {
        [one] => one.clone(),
        all => format!("{} {many}", all.len()),
    }
}

/// Removes `pin` and what was read of it, and saves the pins.
pub fn unpin(state: &mut State, pin: &Pin) -> Vec<Effect> {
    let w = &mut state.watch;
    let Some(at) = w.pins.iter().position(|p| &p.pin == pin) else {
        return Vec::new();
    };
    w.pins.remove(at);
    w.rows.retain(|r| &r.pin != pin);
    w.marks.retain(|k, _| &k.pin != pin);
    w.seen.remove(pin);
    w.read.remove(pin);
    w.last_unpinned = Some(pin.to_string());
    let mut effects: Vec<Effect> = file::save(state).into_iter().collect();
    if !state.watch.pins.iter().any(|p| p.target.is_some()) {
        // Nothing left to read: no more rounds.
        state.watch.next = None;
        effects.extend(state.watch.round.take().map(|(id, _)| Effect::Cancel(id)));
    }
    let again = state.keymap.key(crate::app::keymap::Command::Pin);
    state.info(format!(
        "unpinned {} ({again} in the watch view pins it again)",
        pin_cell(pin)
    ));
    refresh_views(state);
    effects
}

/// A destination socket names everything a round reads: no call is needed.
fn resolved_locally(pin: &Pin) -> Option<Target> {
    match pin {
        Pin::DestinationSocket {
            endpoint_group_arn,
            subnet,
            destination,
        } => Some(Target::destination_socket(
            endpoint_group_arn,
            subnet,
            destination,
        )),
        Pin::AcceleratorSocket(_) | Pin::DestinationAddress(_) => None,
    }
}

/// Asks for `pins` to be resolved (as whois resolves addresses).
fn resolve(state: &mut State, pins: Vec<Pin>) -> Vec<Effect> {
    if pins.is_empty() {
        return Vec::new();
    }
    let id = state.request_id();
    for p in &mut state.watch.pins {
        if pins.contains(&p.pin) {
            p.resolving = true;
            p.error = None;
        }
    }
    state.watch.resolving.insert(id, pins.clone());
    let store = state.index_dir.clone();
    vec![Effect::Call {
        id,
        call: Call::ResolvePins { pins, store },
    }]
}

/// `r` in the watch view: pins that could not be resolved are tried again, and a round
/// starts now.
pub fn retry(state: &mut State) -> Vec<Effect> {
    let failed: Vec<Pin> = state
        .watch
        .pins
        .iter()
        .filter(|p| p.target.is_none() && !p.resolving)
        .map(|p| p.pin.clone())
        .collect();
    let mut effects = resolve(state, failed);
    effects.extend(rounds::round_now(state));
    if state.watch.pins.is_empty() {
        state.info("nothing is pinned");
    }
    refresh_views(state);
    effects
}

/// Shows the watch's state in every watch view of the stack.
pub fn refresh_views(state: &mut State) {
    if !state
        .screens
        .iter()
        .any(|s| matches!(s, super::Screen::Watch(_)))
    {
        return;
    }
    let now = state.now;
    let rows = items(&state.watch, now);
    let marked: HashMap<String, Instant> = rows
        .iter()
        .filter(|r| r.marked)
        .map(|r| (r.id.clone(), now))
        .collect();
    for screen in &mut state.screens {
        if let super::Screen::Watch(view) = screen {
            view.list.replace_rows(rows.clone(), now);
            view.list.changed.clone_from(&marked);
            view.list.pager.loaded_at = state.watch.last_round;
            view.list.pager.stale = state.watch.failing.is_some();
        }
    }
}

#[cfg(test)]
mod tests;
