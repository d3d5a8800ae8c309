//! The adaptive bound on calls in flight: small at first, doubled while calls succeed,
//! halved on throttling.

use std::sync::Mutex;

use super::ListingOptions;

/// What the limiter did, kept so tests can tell the in-flight count followed throttling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitEvent {
    /// A call started with this many in flight (itself included) under this limit.
    Started {
        in_flight: usize,
        limit: usize,
    },
    Throttled {
        before: usize,
        after: usize,
    },
    Raised {
        limit: usize,
    },
}

#[derive(Debug)]
pub(super) struct LimiterState {
    limit: usize,
    max: usize,
    successes: usize,
    /// Doubling until the first throttling, then one more per window.
    slow_start: bool,
    in_flight: usize,
    peak: usize,
    events: Vec<LimitEvent>,
}

/// The adaptive bound on calls in flight, shared by every chain of a listing.
#[derive(Debug)]
pub struct Limiter {
    state: Mutex<LimiterState>,
    /// Woken when a call ends or the limit rises.
    room: tokio::sync::Notify,
}

/// Events kept per listing: enough for any test, bounded for a long run.
const MAX_EVENTS: usize = 100_000;

impl Limiter {
    pub fn new(options: &ListingOptions) -> Self {
        let max = options.max_in_flight.max(1);
        Self {
            state: Mutex::new(LimiterState {
                limit: options.start_in_flight.clamp(1, max),
                max,
                successes: 0,
                slow_start: true,
                in_flight: 0,
                peak: 0,
                events: Vec::new(),
            }),
            room: tokio::sync::Notify::new(),
        }
    }

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn record(state: &mut LimiterState, event: LimitEvent) {
        if state.events.len() < MAX_EVENTS {
            state.events.push(event);
        }
    }

    pub fn limit(&self) -> usize {
        self.state().limit
    }

    /// The most calls that were ever in flight at once.
    pub fn peak(&self) -> usize {
        self.state().peak
    }

    pub fn events(&self) -> Vec<LimitEvent> {
        self.state().events.clone()
    }

    /// Waits until one more call fits under the limit, then marks it in flight until the
    /// guard drops. A call that waited out a back-off while the limit fell waits here.
    pub(super) async fn enter(&self) -> InFlight<'_> {
        loop {
            let room = self.room.notified();
            {
                let mut s = self.state();
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    s.peak = s.peak.max(s.in_flight);
                    let event = LimitEvent::Started {
                        in_flight: s.in_flight,
                        limit: s.limit,
                    };
                    Self::record(&mut s, event);
                    return InFlight(self);
                }
            }
            room.await;
        }
    }

    pub(super) fn succeeded(&self) {
        let mut s = self.state();
        s.successes += 1;
        if s.successes >= s.limit && s.limit < s.max {
            s.successes = 0;
            s.limit = if s.slow_start {
                (s.limit * 2).min(s.max)
            } else {
                s.limit + 1
            };
            let event = LimitEvent::Raised { limit: s.limit };
            Self::record(&mut s, event);
            drop(s);
            self.room.notify_waiters();
        }
    }

    pub(super) fn throttled(&self) {
        let mut s = self.state();
        let before = s.limit;
        s.limit = (s.limit / 2).max(1);
        s.successes = 0;
        s.slow_start = false;
        let event = LimitEvent::Throttled {
            before,
            after: s.limit,
        };
        Self::record(&mut s, event);
        tracing::debug!(before, after = s.limit, "throttled: fewer calls in flight");
    }
}

pub(super) struct InFlight<'a>(&'a Limiter);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        {
            let mut s = self.0.state();
            s.in_flight = s.in_flight.saturating_sub(1);
        }
        self.0.room.notify_waiters();
    }
}
