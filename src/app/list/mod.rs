//! The one list engine of every pane and of the mapping browser: rows loaded lazily page by
//! page ([`pager`]), a view of indices that a filter ([`filter`]) and a typed sort make, a
//! cursor ([`cursor`]) kept on the same item by its identity whatever reorders the view or
//! re-reads the rows, and marks on the rows a re-read found changed. How rows are stored is
//! the [`Store`]'s business: a `Vec` for the panes, a compact table for the browser.

pub mod cursor;
pub mod filter;
mod marks;
mod order;
pub mod pager;
mod pane;

pub use filter::{FILTER_CHUNK, Filter};
pub use pager::{Arrival, Fetch, Pager, Pending};
pub use pane::{Column, ListPane, Row};

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::time::Instant;

use cursor::Cursor;
use filter::Scan;

use super::RequestId;
pub use super::sort::SortKey;

/// How a list's rows are kept, and what the engine asks of them.
pub trait Store: Default + Clone {
    /// What identifies a row across re-reads (an ARN; a group and destination socket).
    type Key: Clone + Eq + Hash + Debug;
    /// What a re-read compares to tell whether a row changed.
    type Print: PartialEq;
    /// Tests rows against one needle; may remember what it learnt between rows.
    type Matcher<'a>: Match
    where
        Self: 'a;

    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn key(&self, index: usize) -> Option<Self::Key>;
    fn print(&self, index: usize) -> Option<Self::Print>;
    /// A matcher for `needle`, already lower case.
    fn matcher(&self, needle: &str) -> Self::Matcher<'_>;
    /// How many columns a sort cycles through.
    fn columns(&self) -> usize;
    /// Row `index`'s key for sorting by `column`: numbers and addresses as numbers.
    fn sort_key(&self, index: usize, column: usize) -> SortKey;
    /// No rows, but whatever else the store knows (so keys of the two compare).
    fn empty_like(&self) -> Self;
}

pub trait Match {
    /// Whether row `index` holds the needle.
    fn matches(&mut self, index: usize) -> bool;
}

/// What a page that arrived did to a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landed {
    /// A re-read goes on with the page after this token.
    Gathering(String),
    /// Rows from this index on are new to the list (0: a re-read replaced them all).
    From(usize),
}

#[derive(Debug, Clone)]
pub struct List<S: Store> {
    rows: S,
    pub pager: Pager<S>,
    cursor: Cursor,
    /// Indices into the rows of what the filter lets through, in display order; `None` shows
    /// every row in the order read (no filter, no sort), so a million rows need no view.
    view: Option<Vec<u32>>,
    /// A filter still looking at rows.
    scan: Option<Scan>,
    /// The needle the view was last filtered by.
    filtered_by: Option<String>,
    pub filter: Filter,
    /// Sort column and whether it is reversed; `None` keeps the order read.
    pub sort: Option<(usize, bool)>,
    /// Rows a re-read found new or changed, and when (drawn marked for a few seconds).
    pub changed: HashMap<S::Key, Instant>,
    /// The row the cursor goes back to once the view holds it again (after a filter, a sort, a
    /// re-read); forgotten when the user moves.
    wanted: Option<S::Key>,
    /// Rows created and deleted here, which pages read before the change do not show.
    pub(super) local: Local<S::Key>,
}

/// What was changed here rather than read: a created item no page has listed yet, and items
/// created or deleted while a re-read gathers pages read before the change.
#[derive(Debug, Clone)]
pub(super) struct Local<K> {
    pub(super) unconfirmed: Vec<K>,
    pub(super) upserted: Vec<K>,
    pub(super) removed: Vec<K>,
}

impl<K> Default for Local<K> {
    fn default() -> Self {
        Self {
            unconfirmed: Vec::new(),
            upserted: Vec::new(),
            removed: Vec::new(),
        }
    }
}

impl<S: Store> Default for List<S> {
    fn default() -> Self {
        Self::new(S::default())
    }
}

impl<S: Store> List<S> {
    pub fn new(rows: S) -> Self {
        Self {
            rows,
            pager: Pager::default(),
            cursor: Cursor::default(),
            view: None,
            scan: None,
            filtered_by: None,
            filter: Filter::default(),
            sort: None,
            changed: HashMap::new(),
            wanted: None,
            local: Local::default(),
        }
    }

    /// The loaded rows, in the order read.
    pub fn rows(&self) -> &S {
        &self.rows
    }

    /// The store, for what it knows besides its rows (the browser's regions and groups).
    /// Rows must not be added or removed through it.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.rows
    }

    /// Starts again with `rows` and nothing loaded: the filter and sort stay, and so does the
    /// request in flight, for the caller to cancel.
    pub fn clear(&mut self, rows: S) {
        let (filter, sort) = (std::mem::take(&mut self.filter), self.sort);
        let pending = self.pager.pending.take();
        *self = Self::new(rows);
        self.filter = filter;
        self.sort = sort;
        self.pager.pending = pending;
        self.restart_view(false);
    }

    pub fn view(&self) -> Option<&Vec<u32>> {
        self.view.as_ref()
    }

    pub fn view_len(&self) -> usize {
        self.view.as_ref().map_or(self.rows.len(), Vec::len)
    }

    /// The row index at position `i` of the view.
    pub fn row_index(&self, i: usize) -> Option<usize> {
        match &self.view {
            Some(v) => v.get(i).map(|&r| r as usize),
            None => (i < self.rows.len()).then_some(i),
        }
    }

    pub fn selected_index(&self) -> usize {
        self.cursor.selected
    }

    pub fn offset(&self) -> usize {
        self.cursor.offset
    }

    /// The row index of the selection.
    pub fn selected_row(&self) -> Option<usize> {
        self.row_index(self.cursor.selected)
    }

    pub fn selected_key(&self) -> Option<S::Key> {
        self.selected_row().and_then(|i| self.rows.key(i))
    }

    pub fn is_loaded(&self) -> bool {
        self.pager.is_loaded()
    }

    pub fn is_complete(&self) -> bool {
        self.pager.is_complete()
    }

    pub fn is_loading(&self) -> bool {
        self.pager.pending.is_some()
    }

    pub fn begin_reload(&mut self, id: RequestId) {
        self.local.upserted.clear();
        self.local.removed.clear();
        self.pager.begin_reload(id, &self.rows);
    }

    /// The token of the page after the loaded rows when it should be asked for now: the
    /// cursor is within `screen` rows of the end of the view, more pages exist, nothing is in
    /// flight and no filter is still looking (its view is not yet the whole answer).
    pub fn wants_next_page(&self, screen: usize) -> Option<String> {
        if self.scan.is_some() {
            return None;
        }
        let token = self.pager.may_ask_next()?;
        (self.cursor.selected + screen >= self.view_len()).then(|| token.clone())
    }

    pub fn begin_next_page(&mut self, id: RequestId, token: String) {
        self.pager.awaiting(id, token);
    }

    /// Where the rows of the page in flight go (a re-read gathers its own).
    pub fn receiver(&mut self) -> &mut S {
        self.pager.receiver(&mut self.rows)
    }

    /// The page in flight arrived, its rows pushed into `receiver()` from `first` on.
    pub fn arrived(&mut self, first: usize, next_token: Option<String>, now: Instant) -> Landed {
        match self.pager.arrived(next_token, now) {
            Arrival::Gathering(token) => Landed::Gathering(token),
            Arrival::Appended => {
                self.appended(first);
                Landed::From(first)
            }
            Arrival::Complete(rows) => {
                self.mark_changes(&rows, now);
                self.install(rows);
                Landed::From(0)
            }
        }
    }

    pub fn failed(&mut self, message: String) {
        self.pager.failed(message);
    }

    pub fn cancel(&mut self) -> Option<RequestId> {
        self.pager.cancel()
    }

    /// Makes `rows` the loaded rows, complete and fresh as of `now` (rows known locally, not
    /// paged), keeping the selection on the same item.
    pub fn replace(&mut self, rows: S, now: Instant) {
        self.pager.settled(None, now);
        self.install(rows);
    }

    /// Changes the rows in place, keeping the selection on the same item when it stays.
    pub fn edit(&mut self, change: impl FnOnce(&mut S)) {
        self.keep();
        change(&mut self.rows);
        self.restart_view(false);
        self.settle_wanted(None);
        self.wanted = None;
    }

    /// Rows `first..` were appended.
    fn appended(&mut self, first: usize) {
        self.view_appended(first);
        if self.scan.is_none() {
            if self.sort.is_some() {
                let current = self.keep();
                self.sort_view();
                self.settle_wanted(current);
            } else if let Some(wanted) = &self.wanted
                && (first..self.rows.len()).any(|i| self.rows.key(i).as_ref() == Some(wanted))
            {
                self.settle_wanted(None);
            }
        }
        self.follow_end();
    }

    /// Rows of a complete re-read replace the loaded ones; the cursor stays on its item,
    /// wherever it lands, or where it is when the item is gone (until it comes back).
    fn install(&mut self, rows: S) {
        let current = self.keep();
        self.rows = rows;
        self.restart_view(false);
        self.settle_wanted(current);
        self.follow_end();
    }

    fn follow_end(&mut self) {
        if self.pager.to_end {
            self.cursor.last(self.view_len());
            self.pager.to_end = self.pager.next_token().is_some();
        }
        self.cursor.clamp(self.view_len());
    }

    /// Remembers the selected row to come back to, unless one is wanted already; returns
    /// the selected row's key.
    fn keep(&mut self) -> Option<S::Key> {
        let current = self.selected_key();
        if self.wanted.is_none() {
            self.wanted.clone_from(&current);
        }
        current
    }

    /// Selects the wanted row if the view holds it, else `fallback`'s row (a running filter
    /// decides later). True when either was found.
    fn settle_wanted(&mut self, fallback: Option<S::Key>) -> bool {
        let mut found = false;
        if self.scan.is_none() {
            if let Some(key) = self.wanted.clone()
                && self.select_key(&key)
            {
                self.wanted = None;
                found = true;
            } else if let Some(key) = fallback {
                found = self.select_key(&key);
            }
        }
        self.cursor.clamp(self.view_len());
        found
    }

    /// Selects the row of `key`; false when the view does not hold it.
    pub fn select_key(&mut self, key: &S::Key) -> bool {
        let found = (0..self.view_len()).find(|&p| {
            self.row_index(p)
                .and_then(|i| self.rows.key(i))
                .is_some_and(|k| &k == key)
        });
        if let Some(pos) = found {
            self.cursor.selected = pos;
        }
        found.is_some()
    }

    /// Selects row `index`, clearing a filter that hides it.
    pub fn select_row(&mut self, index: usize) {
        let position = |l: &Self| (0..l.view_len()).find(|&p| l.row_index(p) == Some(index));
        if position(self).is_none() && self.filter.is_active() {
            self.filter.input.reset();
            self.restart_view(false);
        }
        if let Some(pos) = position(self) {
            self.cursor.selected = pos;
        }
        self.wanted = None;
    }

    /// Moves the selection by `delta` rows, clamped to the view.
    pub fn move_by(&mut self, delta: isize) {
        self.pager.release();
        self.wanted = None;
        self.cursor.move_by(delta, self.view_len());
    }

    pub fn select_first(&mut self) {
        self.pager.release();
        self.wanted = None;
        self.cursor.first();
    }

    /// `G`: the last row, and the last of the pages still to come as they arrive.
    pub fn select_last(&mut self) {
        self.wanted = None;
        self.cursor.last(self.view_len());
        self.pager.follow_to_end();
    }

    /// Keeps the selected row inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        self.cursor.scroll_into_view(height, self.view_len());
    }
}

#[cfg(test)]
mod tests;
