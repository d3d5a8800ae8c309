//! Rounds: when one is due, its call, and what its answer changes — the rows, the marks, the
//! messages, the bell and the wait before the next round.

use std::collections::HashSet;
use std::time::Duration;

use super::{Mark, refresh_views};
use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::{Effect, Message, Screen, State};
use crate::model::watch::{FailedCall, Pin, Round, RowChange, change_words, merge};

/// Starts a round over every resolved pin now, dropping one in flight (its pins may be
/// fewer). Nothing to read: no round, and none due.
pub(super) fn round_now(state: &mut State) -> Vec<Effect> {
    let mut effects: Vec<Effect> = state
        .watch
        .round
        .take()
        .map(|(id, _)| Effect::Cancel(id))
        .into_iter()
        .collect();
    let targets: Vec<_> = state
        .watch
        .pins
        .iter()
        .filter_map(|p| p.target.clone())
        .collect();
    state.watch.next = None;
    if targets.is_empty() || paused(state) {
        return effects;
    }
    let id = state.request_id();
    let pins = targets.iter().map(|t| t.pin.clone()).collect();
    state.watch.round = Some((id, pins));
    effects.push(Effect::Call {
        id,
        call: Call::WatchRound { targets },
    });
    effects
}

/// The pins are another account's than the one the session reads now (a profile switch is
/// under way): no round until that account's pins are in.
fn paused(state: &State) -> bool {
    state.watch.account.is_some() && state.watch.account != state.context.account
}

/// Time passed: a round when one is due; the watch view on top shows the changes as seen
/// and its ages move on.
pub fn tick(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let due = state.watch.round.is_none()
        && state.watch.next.is_some_and(|next| now >= next)
        && !paused(state);
    let effects = if due { round_now(state) } else { Vec::new() };
    if matches!(state.top(), Screen::Watch(_)) {
        state.watch.unseen = 0;
        refresh_views(state);
    }
    effects
}

/// How long the loop may sleep before the watch needs a tick: until the next round, and a
/// second at most while the watch view shows ages.
pub fn next_tick(state: &State) -> Option<Duration> {
    // Paused, a round that is due waits for the account, not for the clock.
    let until_round = state
        .watch
        .next
        .filter(|_| !paused(state))
        .map(|next| next.saturating_duration_since(state.now));
    let view = matches!(state.top(), Screen::Watch(_)).then_some(Duration::from_secs(1));
    match (until_round, view) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// An answer to one of the watch's requests.
pub fn answered(state: &mut State, id: RequestId, result: Result<Reply, ApiError>) -> Vec<Effect> {
    state.dirty = true;
    if let Some(pins) = state.watch.resolving.remove(&id) {
        return resolved(state, &pins, result);
    }
    let Some((_, pins)) = state.watch.round.take_if(|(r, _)| *r == id) else {
        return Vec::new();
    };
    let round = match result {
        Ok(Reply::WatchRound(round)) => round,
        Ok(_) => Round::default(),
        // A round reports its failures inside it; a task that died is one failure.
        Err(e) => {
            round_failed(state, &e.to_string(), matches!(e, ApiError::Throttled(_)));
            return Vec::new();
        }
    };
    let effects = landed(state, &pins, round);
    refresh_views(state);
    effects
}

fn resolved(state: &mut State, pins: &[Pin], result: Result<Reply, ApiError>) -> Vec<Effect> {
    let answers: Vec<Result<_, String>> = match result {
        Ok(Reply::PinsResolved(answers)) => answers,
        Ok(_) => vec![Err("no answer".to_string()); pins.len()],
        Err(e) => vec![Err(e.to_string()); pins.len()],
    };
    let mut any = false;
    for (pin, answer) in pins.iter().zip(answers) {
        let Some(p) = state.watch.pins.iter_mut().find(|p| &p.pin == pin) else {
            // Unpinned while it was being resolved.
            continue;
        };
        p.resolving = false;
        match answer {
            Ok(target) => {
                p.target = Some(target);
                p.error = None;
                any = true;
            }
            Err(e) => {
                p.error = Some(e.clone());
                let r = state.keymap.key(crate::app::keymap::Command::Refresh);
                state.error(format!(
                    "watch: {} cannot be watched: {e} ({r} in the watch view tries again)",
                    pin.label()
                ));
            }
        }
    }
    let effects = if any { round_now(state) } else { Vec::new() };
    refresh_views(state);
    effects
}

/// A round that read nothing: the rows stay, the next round comes after the back-off.
fn round_failed(state: &mut State, message: &str, throttled: bool) {
    let wait = state.watch.backoff.after_round(throttled);
    state.watch.next = Some(state.now + wait);
    if state.watch.failing.is_none() {
        state.error(format!(
            "watch: the round failed: {message}; the rows stay as last read"
        ));
    }
    state.watch.failing = Some(message.to_string());
    refresh_views(state);
}

/// Merges a round into the rows; tells what changed.
fn landed(state: &mut State, pins: &[Pin], mut round: Round) -> Vec<Effect> {
    let now = state.now;
    let w = &mut state.watch;
    let read: HashSet<&Pin> = pins.iter().collect();
    let pinned: HashSet<Pin> = w.pins.iter().map(|p| p.pin.clone()).collect();
    round
        .rows
        .retain(|r| pinned.contains(&r.pin) && read.contains(&r.pin));
    let (before, others): (Vec<_>, Vec<_>) = std::mem::take(&mut w.rows)
        .into_iter()
        .partition(|r| read.contains(&r.pin));
    let (mut rows, changes) = merge(&before, &round);
    rows.extend(others);
    rows.retain(|r| pinned.contains(&r.pin));
    w.rows = rows;
    // A pin's first rows are how it is, not a change.
    let changes: Vec<RowChange> = changes
        .into_iter()
        .filter(|c| w.seen.contains(&c.row.pin) && pinned.contains(&c.row.pin))
        .collect();
    for row in &w.rows {
        w.seen.insert(row.pin.clone());
    }
    w.read
        .extend(pins.iter().filter(|p| pinned.contains(*p)).cloned());
    for c in &changes {
        w.marks.insert(
            c.row.key(),
            Mark {
                at: now,
                words: change_words(&c.changes),
            },
        );
    }
    w.marks
        .retain(|_, m| now.duration_since(m.at) < super::MARKED);
    w.last_round = Some(now);
    let was_backing_off = w.backoff.backing_off();
    let wait = w.backoff.after_round(round.throttled);
    w.next = Some(now + wait);
    let newly_throttled = w.backoff.backing_off() && !was_backing_off;
    tell_failures(state, &round, newly_throttled.then_some(wait));
    tell_changes(state, &changes)
}

/// Each change is a line of the log; the status bar says the first and how many there were.
fn tell_changes(state: &mut State, changes: &[RowChange]) -> Vec<Effect> {
    let Some(first) = changes.first() else {
        return Vec::new();
    };
    let now = state.now;
    if !matches!(state.top(), Screen::Watch(_)) {
        state.watch.unseen += changes.len();
    }
    for c in changes {
        state
            .messages
            .record(&format!("watch: {}", line(c, true)), false, now);
    }
    // Short enough for the status bar beside what else it says; the log has the subnets.
    let text = match changes.len() {
        1 => line(first, false),
        n => format!("{n} watch changes: {}; …", line(first, false)),
    };
    state.message = Some(Message {
        text,
        error: false,
        at: now,
    });
    if state.watch.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}

/// A change in words: the socket pinned, the destination it leads to (and in which subnet,
/// for the log), then what changed.
fn line(c: &RowChange, subnet: bool) -> String {
    let destination = c.row.destination.to_string();
    let mut head = match &c.row.pin {
        Pin::AcceleratorSocket(s) => format!("{s} → {destination}"),
        Pin::DestinationAddress(_) | Pin::DestinationSocket { .. } => destination,
    };
    if subnet {
        head.push_str(&format!(" in {}", c.row.subnet));
    }
    format!("{head}: {}", change_words(&c.changes))
}

/// A failing round is said once, when it starts failing, and again when reads work again;
/// throttling is said when the wait first grows (`throttled_wait`).
fn tell_failures(state: &mut State, round: &Round, throttled_wait: Option<Duration>) {
    let failing = round.failures.first().map(|f| {
        let what = match &f.call {
            FailedCall::ByDestination { subnet, ip } => format!("the mappings of {ip} in {subnet}"),
            FailedCall::Describe { accelerator_arn } => format!("accelerator {accelerator_arn}"),
        };
        let more = match round.failures.len() {
            1 => String::new(),
            n => format!(" (and {} more calls)", n - 1),
        };
        format!("could not read {what}: {}{more}", f.message)
    });
    match (&state.watch.failing, failing) {
        (None, Some(now_failing)) => {
            state.error(format!("watch: {now_failing}; its rows stay as last read"));
            state.watch.failing = Some(now_failing);
        }
        (Some(_), None) => {
            state.watch.failing = None;
            state.info("watch: every read works again");
        }
        (Some(_), Some(still)) => state.watch.failing = Some(still),
        (None, None) => {}
    }
    if let Some(wait) = throttled_wait {
        let every = state.watch.interval().as_secs();
        state.error(format!(
            "watch: AWS is throttling; the next round in {}s (every {every}s again after a clean round)",
            wait.as_secs()
        ));
    }
}
