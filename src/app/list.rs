//! A list pane's rows: loaded lazily page by page, filtered and sorted locally, with the
//! selection kept on the same item (by its ARN) whatever reorders the view.

use std::collections::HashMap;
use std::time::Instant;

use tui_input::Input;

mod refresh;

use refresh::{Refresh, merge};

use super::RequestId;
use super::sort::compare;

/// A column of a list pane. Widths are in terminal cells; the drawing side turns them into
/// layout constraints.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub min_width: u16,
    /// Takes a share of the width left over.
    pub grow: bool,
    /// Sorted as a number rather than as text.
    pub numeric: bool,
}

impl Column {
    pub const fn text(title: &'static str, min_width: u16, grow: bool) -> Self {
        Self {
            title,
            min_width,
            grow,
            numeric: false,
        }
    }

    pub const fn number(title: &'static str, min_width: u16) -> Self {
        Self {
            title,
            min_width,
            grow: false,
            numeric: true,
        }
    }
}

/// What a list pane needs from the items it shows.
pub trait Row: Clone {
    const COLUMNS: &'static [Column];
    /// The text of each column, unsanitised (drawing sanitises).
    fn cells(&self) -> Vec<String>;
    /// What identifies the item across reloads.
    fn id(&self) -> &str;
}

/// Why a request of this pane is in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetch {
    /// The first page, with nothing loaded yet.
    First,
    /// The page after what is loaded.
    Next,
    /// Reloading from the first page; rows stay on screen until the reload is complete.
    Refresh,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: RequestId,
    pub fetch: Fetch,
    pub token: Option<String>,
}

/// The `/` filter of a pane: the text typed, and whether the field has the keys.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub input: Input,
    pub editing: bool,
}

impl Filter {
    pub fn text(&self) -> &str {
        self.input.value()
    }

    pub fn is_active(&self) -> bool {
        !self.input.value().is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct ListPane<T> {
    rows: Vec<T>,
    /// Indices into `rows` of what the filter lets through, in display order.
    view: Vec<usize>,
    selected: usize,
    offset: usize,
    next_token: Option<String>,
    /// At least one page has arrived.
    loaded: bool,
    pub pending: Option<Pending>,
    /// A refresh in progress.
    refresh: Option<Refresh<T>>,
    /// Items created here that no page has listed yet: a refresh that stops short of the end
    /// of the listing keeps them.
    unconfirmed: Vec<String>,
    pub loaded_at: Option<Instant>,
    /// The last refresh failed: the rows shown are older than the pane says.
    pub stale: bool,
    pub error: Option<String>,
    pub filter: Filter,
    /// A request failed: wait for the user to move before asking for the next page again.
    hold: bool,
    /// Sort column and whether it is reversed; `None` keeps the API's order.
    pub sort: Option<(usize, bool)>,
    /// Items a refresh found new or changed, and when (drawn marked for a few seconds).
    pub changed: HashMap<String, Instant>,
    /// `G` was pressed: the selection follows the last row as pages arrive, until the end.
    pub to_end: bool,
}

impl<T> Default for ListPane<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            view: Vec::new(),
            selected: 0,
            offset: 0,
            next_token: None,
            loaded: false,
            pending: None,
            refresh: None,
            unconfirmed: Vec::new(),
            loaded_at: None,
            stale: false,
            error: None,
            filter: Filter::default(),
            hold: false,
            sort: None,
            changed: HashMap::new(),
            to_end: false,
        }
    }
}

impl<T: Row> ListPane<T> {
    pub fn rows(&self) -> &[T] {
        &self.rows
    }

    /// Rows in display order (filtered and sorted).
    pub fn visible(&self) -> impl ExactSizeIterator<Item = &T> {
        self.view.iter().map(|&i| &self.rows[i])
    }

    pub fn visible_len(&self) -> usize {
        self.view.len()
    }

    pub fn visible_row(&self, index: usize) -> Option<&T> {
        self.view.get(index).map(|&i| &self.rows[i])
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn selected(&self) -> Option<&T> {
        self.visible_row(self.selected)
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Every page has been read.
    pub fn is_complete(&self) -> bool {
        self.loaded && self.next_token.is_none()
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// Starts loading from the first page: a first load when nothing is loaded yet, a refresh
    /// otherwise. Returns the token to send (always none: the first page).
    pub fn begin_reload(&mut self, id: RequestId) {
        self.hold = false;
        let fetch = if self.loaded {
            self.refresh = Some(Refresh::new(self.rows.len()));
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

    /// Whether the page after the loaded rows should be requested now: the cursor is within
    /// `screen` rows of the end of the view, more pages exist, and nothing is in flight.
    pub fn wants_next_page(&self, screen: usize) -> Option<String> {
        if self.hold || self.pending.is_some() || !self.loaded {
            return None;
        }
        let token = self.next_token.as_ref()?;
        (self.selected + screen >= self.view.len()).then(|| token.clone())
    }

    pub fn begin_next_page(&mut self, id: RequestId, token: String) {
        self.pending = Some(Pending {
            id,
            fetch: Fetch::Next,
            token: Some(token),
        });
    }

    /// Takes a page answering `pending`. Returns the token of a further page a refresh still
    /// needs, which the caller requests at once.
    pub fn page_arrived(
        &mut self,
        items: Vec<T>,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<String> {
        let pending = self.pending.take()?;
        self.error = None;
        self.unconfirmed
            .retain(|id| !items.iter().any(|r| r.id() == id));
        match pending.fetch {
            Fetch::First | Fetch::Next => {
                let keep = self.selected().map(|r| r.id().to_string());
                merge(&mut self.rows, items);
                self.settle(next_token, now, keep);
                None
            }
            Fetch::Refresh => {
                let mut refresh = self.refresh.take().unwrap_or_else(|| Refresh::new(0));
                if refresh.page(items, next_token.is_some()) {
                    self.refresh = Some(refresh);
                    return next_token;
                }
                if next_token.is_none() {
                    // The whole listing was read: what it lacks is gone, unless it was
                    // created after its page was read.
                    self.unconfirmed.retain(|id| refresh.created_meanwhile(id));
                }
                let buffer = refresh.finish(&self.rows, &self.unconfirmed);
                let before: HashMap<&str, Vec<String>> =
                    self.rows.iter().map(|r| (r.id(), r.cells())).collect();
                let changed: Vec<String> = buffer
                    .iter()
                    .filter(|r| before.get(r.id()) != Some(&r.cells()))
                    .map(|r| r.id().to_string())
                    .collect();
                self.changed
                    .retain(|_, at| now.duration_since(*at) < super::live::HIGHLIGHT);
                self.changed.extend(changed.into_iter().map(|id| (id, now)));
                self.install(buffer, next_token, now);
                None
            }
        }
    }

    /// Makes `rows` the loaded rows, fresh as of `now`, keeping the selection on the same item.
    fn install(&mut self, rows: Vec<T>, next_token: Option<String>, now: Instant) {
        let keep = self.selected().map(|r| r.id().to_string());
        self.rows = rows;
        self.settle(next_token, now, keep);
    }

    /// After the rows changed: the view rebuilt, the selection back on `keep`.
    fn settle(&mut self, next_token: Option<String>, now: Instant, keep: Option<String>) {
        self.next_token = next_token;
        self.loaded = true;
        self.loaded_at = Some(now);
        self.stale = false;
        self.rebuild_view();
        if let Some(id) = keep {
            self.select_id(&id);
        }
        if self.to_end {
            self.selected = self.view.len().saturating_sub(1);
            self.to_end = self.next_token.is_some();
        }
    }

    /// Continues a refresh that needs another page.
    pub fn continue_refresh(&mut self, id: RequestId, token: String) {
        self.pending = Some(Pending {
            id,
            fetch: Fetch::Refresh,
            token: Some(token),
        });
    }

    /// A request failed: rows already loaded stay, marked stale.
    pub fn failed(&mut self, message: String) {
        // No automatic retry: the next page is asked for again once the user moves.
        self.hold = true;
        self.pending = None;
        self.refresh = None;
        self.to_end = false;
        self.error = Some(message);
        if self.loaded {
            self.stale = true;
        }
    }

    /// Drops the request in flight (superseded or abandoned).
    pub fn cancel(&mut self) -> Option<RequestId> {
        self.refresh = None;
        self.pending.take().map(|p| p.id)
    }

    /// Replaces every row with items known locally (not paged from the API).
    pub fn replace_rows(&mut self, items: Vec<T>, now: Instant) {
        self.install(items, None, now);
    }

    /// Inserts or replaces one item (after a create or a describe) and selects it.
    pub fn upsert(&mut self, item: T) {
        let id = item.id().to_string();
        if let Some(refresh) = self.refresh.as_mut() {
            refresh.upserted(&id);
        }
        match self.rows.iter_mut().find(|r| r.id() == id) {
            Some(row) => *row = item,
            None => {
                self.rows.push(item);
                self.unconfirmed.push(id.clone());
            }
        }
        self.rebuild_view();
        self.select_id(&id);
    }

    /// Replaces an item already loaded, leaving the selection where it is.
    pub fn replace_item(&mut self, item: T) {
        let keep = self.selected().map(|r| r.id().to_string());
        if let Some(row) = self.rows.iter_mut().find(|r| r.id() == item.id()) {
            *row = item;
            self.rebuild_view();
            if let Some(id) = keep {
                self.select_id(&id);
            }
        }
    }

    pub fn remove(&mut self, id: &str) {
        if let Some(refresh) = self.refresh.as_mut() {
            refresh.removed(id);
        }
        self.unconfirmed.retain(|u| u != id);
        let keep = self.selected().map(|r| r.id().to_string());
        self.rows.retain(|r| r.id() != id);
        self.rebuild_view();
        if let Some(k) = keep {
            self.select_id(&k);
        }
    }

    pub fn select_id(&mut self, id: &str) -> bool {
        match self.view.iter().position(|&i| self.rows[i].id() == id) {
            Some(pos) => {
                self.selected = pos;
                true
            }
            None => false,
        }
    }

    /// Moves the selection by `delta` rows, clamped to the view.
    pub fn move_by(&mut self, delta: isize) {
        self.hold = false;
        self.to_end = false;
        let last = self.view.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select_first(&mut self) {
        self.hold = false;
        self.to_end = false;
        self.selected = 0;
    }

    pub fn select_last(&mut self) {
        self.hold = false;
        self.selected = self.view.len().saturating_sub(1);
        self.to_end = self.next_token.is_some() || self.pending.is_some();
    }

    /// Keeps the selected row inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.view.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Cycles the sort column: API order, then each column in turn.
    pub fn cycle_sort(&mut self) {
        let columns = T::COLUMNS.len();
        self.sort = match self.sort {
            None => Some((0, false)),
            Some((c, _)) if c + 1 < columns => Some((c + 1, false)),
            Some(_) => None,
        };
        self.reorder();
    }

    pub fn reverse_sort(&mut self) {
        self.sort = Some(match self.sort {
            None => (0, true),
            Some((c, rev)) => (c, !rev),
        });
        self.reorder();
    }

    /// Re-applies the filter after its text changed.
    pub fn refilter(&mut self) {
        self.reorder();
    }

    fn reorder(&mut self) {
        let keep = self.selected().map(|r| r.id().to_string());
        self.rebuild_view();
        match keep {
            Some(id) if self.select_id(&id) => {}
            _ => self.selected = 0,
        }
    }

    fn rebuild_view(&mut self) {
        let needle = self.filter.text().to_lowercase();
        let mut view: Vec<usize> = (0..self.rows.len())
            .filter(|&i| needle.is_empty() || matches(&self.rows[i], &needle))
            .collect();
        if let Some((column, reversed)) = self.sort {
            let numeric = T::COLUMNS.get(column).is_some_and(|c| c.numeric);
            let keys: Vec<String> = self
                .rows
                .iter()
                .map(|r| r.cells().swap_remove(column.min(T::COLUMNS.len() - 1)))
                .collect();
            view.sort_by(|&a, &b| {
                let order = compare(&keys[a], &keys[b], numeric);
                if reversed { order.reverse() } else { order }
            });
        }
        self.view = view;
        self.selected = self.selected.min(self.view.len().saturating_sub(1));
    }
}

fn matches<T: Row>(row: &T, needle: &str) -> bool {
    row.id().to_lowercase().contains(needle)
        || row
            .cells()
            .iter()
            .any(|c| c.to_lowercase().contains(needle))
}
