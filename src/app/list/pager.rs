//! Paging: which request of a list is in flight and why, the token of the page after what is
//! loaded, and the rule of a re-read — it gathers its pages apart until they cover as many rows
//! as were loaded (or the source ends), so a live re-read never shrinks what the user paged
//! through.

use std::time::Instant;

use super::Store;
use crate::app::RequestId;

/// Why a request of a list is in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// The first page, with nothing loaded yet.
    First,
    /// The page after what is loaded.
    Next,
    /// Re-reading from the first page; rows stay on screen until the re-read is complete.
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: RequestId,
    pub fetch: Fetch,
    pub token: Option<String>,
}

/// What a page that arrived amounts to.
#[derive(Debug)]
pub enum Arrival<S> {
    /// Its rows went after the loaded rows.
    Appended,
    /// A re-read needs the page after this one (its token) before it covers what is loaded.
    Gathering(String),
    /// A re-read is complete: these rows replace the loaded ones.
    Complete(S),
}

#[derive(Debug, Clone)]
struct Reread<S> {
    rows: S,
    /// How many rows were loaded when it started.
    target: usize,
}

#[derive(Debug, Clone)]
pub struct Pager<S> {
    pub pending: Option<Pending>,
    next_token: Option<String>,
    /// At least one page has arrived.
    loaded: bool,
    /// A request failed: wait for the user to move before asking for the next page again.
    pub(super) hold: bool,
    pub loaded_at: Option<Instant>,
    /// The last read failed: the rows shown are older than the list says.
    pub stale: bool,
    pub error: Option<String>,
    /// `G` was pressed: the selection follows the last row as pages arrive, until the end.
    pub(super) to_end: bool,
    reread: Option<Reread<S>>,
}

impl<S> Default for Pager<S> {
    fn default() -> Self {
        Self {
            pending: None,
            next_token: None,
            loaded: false,
            hold: false,
            loaded_at: None,
            stale: false,
            error: None,
            to_end: false,
            reread: None,
        }
    }
}

impl<S: Store> Pager<S> {
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Every page has been read.
    pub fn is_complete(&self) -> bool {
        self.loaded && self.next_token.is_none()
    }

    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }

    /// How many rows a re-read in progress must gather: the rows loaded when it began.
    pub fn reread_target(&self) -> Option<usize> {
        self.reread.as_ref().map(|r| r.target)
    }

    pub fn is_rereading(&self) -> bool {
        self.reread.is_some()
    }

    pub fn follows_to_end(&self) -> bool {
        self.to_end
    }

    /// Starts reading from the first page: a first load when nothing is loaded yet, a re-read
    /// of `loaded` otherwise.
    pub fn begin_reload(&mut self, id: RequestId, loaded: &S) {
        self.hold = false;
        let fetch = if self.loaded {
            self.reread = Some(Reread {
                rows: loaded.empty_like(),
                target: loaded.len(),
            });
            Fetch::Refresh
        } else {
            Fetch::First
        };
        self.pending = Some(Pending {
            id,
            fetch,
            token: None,
        });
    }

    /// The token of the page after the loaded rows, when one may be asked for now.
    pub fn may_ask_next(&self) -> Option<&String> {
        if self.hold || self.pending.is_some() || !self.loaded {
            return None;
        }
        self.next_token.as_ref()
    }

    /// Request `id` for the page after `token` is in flight: the next page of a re-read in
    /// progress, or the next page after the loaded rows.
    pub fn awaiting(&mut self, id: RequestId, token: String) {
        let fetch = if self.reread.is_some() {
            Fetch::Refresh
        } else {
            Fetch::Next
        };
        self.pending = Some(Pending {
            id,
            fetch,
            token: Some(token),
        });
    }

    /// Where the rows of the page answering the request in flight go: a re-read's own rows,
    /// or after the loaded ones.
    pub fn receiver<'a>(&'a mut self, loaded: &'a mut S) -> &'a mut S {
        match self.reread.as_mut() {
            Some(r) => &mut r.rows,
            None => loaded,
        }
    }

    /// The page answering the request in flight arrived (its rows already in the receiver).
    pub fn arrived(&mut self, next_token: Option<String>, now: Instant) -> Arrival<S> {
        self.pending = None;
        self.error = None;
        if let Some(reread) = &self.reread
            && let Some(token) = next_token.as_ref()
            && reread.rows.len() < reread.target
        {
            return Arrival::Gathering(token.clone());
        }
        self.settled(next_token, now);
        match self.reread.take() {
            Some(reread) => Arrival::Complete(reread.rows),
            None => Arrival::Appended,
        }
    }

    /// The rows are as read at `now`, with `next_token` after them.
    pub fn settled(&mut self, next_token: Option<String>, now: Instant) {
        self.next_token = next_token;
        self.loaded = true;
        self.loaded_at = Some(now);
        self.stale = false;
    }

    /// A request failed: rows already loaded stay, marked stale. No automatic retry: the next
    /// page is asked for again once the user moves.
    pub fn failed(&mut self, message: String) {
        self.hold = true;
        self.pending = None;
        self.reread = None;
        self.to_end = false;
        self.error = Some(message);
        self.stale = self.loaded;
    }

    /// Drops the request in flight (superseded or abandoned).
    pub fn cancel(&mut self) -> Option<RequestId> {
        self.reread = None;
        self.to_end = false;
        self.pending.take().map(|p| p.id)
    }

    /// The user moved: paging may go on.
    pub fn release(&mut self) {
        self.hold = false;
        self.to_end = false;
    }

    /// `G`: follow the pages to the end, if more are to come.
    pub fn follow_to_end(&mut self) {
        self.hold = false;
        self.to_end = self.next_token.is_some() || self.pending.is_some();
    }
}
