//! Live mode: the visible pane is re-read on an interval, slower while the API throttles, and
//! what a re-read changed is marked for a few seconds.

use std::time::{Duration, Instant};

use super::screens::with_list;
use super::{Effect, State};
use crate::api::ApiError;

/// How long a changed row stays marked.
pub const HIGHLIGHT: Duration = Duration::from_secs(5);
/// The interval `L` starts with when `--refresh` did not set one.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(5);
/// Throttling never slows polling beyond this.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    /// The interval asked for.
    pub every: Duration,
    /// The interval in use: longer after throttling.
    pub current: Duration,
    pub next: Instant,
    pub paused: bool,
    pub throttled: bool,
}

impl Live {
    pub fn new(every: Duration, now: Instant) -> Self {
        let every = every.max(Duration::from_secs(1));
        Self {
            every,
            current: every,
            next: now + every,
            paused: false,
            throttled: false,
        }
    }
}

/// `L`: start, pause or resume polling.
pub fn toggle(state: &mut State) {
    let now = state.now;
    match state.live.as_mut() {
        None => {
            let mut live = Live::new(DEFAULT_EVERY, now);
            // The first re-read comes at once, not a whole interval later.
            live.next = now;
            state.live = Some(live);
            state.info("live: the pane is re-read every 5s (L pauses)");
        }
        Some(live) if live.paused => {
            live.paused = false;
            live.next = now;
            let every = live.current.as_secs();
            state.info(format!("live: re-reading every {every}s"));
        }
        Some(live) => {
            live.paused = true;
            state.info("live paused (L resumes)");
        }
    }
}

/// On each tick: re-read the visible pane when it is due and nothing of it is in flight.
pub fn poll(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let due = state
        .live
        .as_ref()
        .is_some_and(|l| !l.paused && now >= l.next);
    let quiet = state.top().pending().is_empty() && !editing(state);
    if !due || !quiet {
        return Vec::new();
    }
    if let Some(live) = state.live.as_mut() {
        live.next = now + live.current;
    }
    state.join.refresh();
    state.reload_top()
}

/// Why live re-reads are held right now, in a few words for the status bar: an overlay is
/// open (the router gives it the ticks) or the user is typing. `None`: they run.
pub fn waiting(state: &State) -> Option<&'static str> {
    use super::Overlay;
    if state.live.as_ref().is_none_or(|l| l.paused) {
        return None;
    }
    match &state.overlay {
        Some(Overlay::Help { .. }) => Some("help open"),
        Some(Overlay::Messages { .. }) => Some("log open"),
        Some(_) => Some("dialog open"),
        None if editing(state) => Some("typing"),
        None => None,
    }
}

/// Typing into a filter or the destination form is not interrupted by a re-read.
fn editing(state: &State) -> bool {
    let form = matches!(state.top(), super::Screen::Browser(b) if b.editing || b.prompt.is_some());
    form || with_list!(state.top(), |l| l.filter.editing).unwrap_or(false)
}

/// Every answer tells live mode whether the API is throttling.
pub fn observe(state: &mut State, result: &Result<super::Reply, ApiError>) {
    let now = state.now;
    let Some(live) = state.live.as_mut() else {
        return;
    };
    match result {
        Err(ApiError::Throttled(_)) => {
            live.current = (live.current * 2).min(MAX_BACKOFF);
            live.next = now + live.current;
            live.throttled = true;
            let every = live.current.as_secs();
            state.error(format!(
                "AWS is throttling: live polling slowed to every {every}s until it stops"
            ));
        }
        Ok(_) if live.throttled => {
            live.current = live.every;
            live.throttled = false;
        }
        _ => {}
    }
}

/// Forgets change marks older than `HIGHLIGHT`, so drawing only asks whether a row is marked.
pub fn fade(state: &mut State) {
    let now = state.now;
    with_list!(mut state.top_mut(), |l| l.fade(now));
}
