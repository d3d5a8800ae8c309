//! The panes' rows (accelerators, listeners, endpoint groups, subnet endpoints): a `Vec` of
//! typed items, each known by its ARN, with columns of text.

use std::time::Instant;

use std::collections::HashMap;

use super::{Landed, List, Local, Match, SortKey, Store};

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
    /// Shown in the wide view (or when chosen), not by default.
    pub wide: bool,
}

impl Column {
    pub const fn text(title: &'static str, min_width: u16, grow: bool) -> Self {
        Self {
            title,
            min_width,
            grow,
            numeric: false,
            wide: false,
        }
    }

    pub const fn number(title: &'static str, min_width: u16) -> Self {
        Self {
            title,
            min_width,
            grow: false,
            numeric: true,
            wide: false,
        }
    }

    /// The same column, shown only in the wide view or when chosen.
    pub const fn wide(mut self) -> Self {
        self.wide = true;
        self
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

/// A pane: items in a `Vec`, by their ARN.
pub type ListPane<T> = List<Vec<T>>;

/// Tests items against a lower-case needle: their id and every cell.
pub struct RowMatcher<'a, T> {
    rows: &'a [T],
    needle: String,
}

impl<T: Row> Match for RowMatcher<'_, T> {
    fn matches(&mut self, index: usize) -> bool {
        let Some(row) = self.rows.get(index) else {
            return false;
        };
        row.id().to_lowercase().contains(&self.needle)
            || row
                .cells()
                .iter()
                .any(|c| c.to_lowercase().contains(&self.needle))
    }
}

impl<T: Row> Store for Vec<T> {
    type Key = String;
    type Print = Vec<String>;
    type Matcher<'a>
        = RowMatcher<'a, T>
    where
        T: 'a;

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn key(&self, index: usize) -> Option<String> {
        self.get(index).map(|r| r.id().to_string())
    }

    fn print(&self, index: usize) -> Option<Vec<String>> {
        self.get(index).map(Row::cells)
    }

    fn matcher(&self, needle: &str) -> RowMatcher<'_, T> {
        RowMatcher {
            rows: self,
            needle: needle.to_string(),
        }
    }

    fn columns(&self) -> usize {
        T::COLUMNS.len()
    }

    fn sort_key(&self, index: usize, column: usize) -> SortKey {
        let numeric = T::COLUMNS.get(column).is_some_and(|c| c.numeric);
        let text = self
            .get(index)
            .map(|r| r.cells().swap_remove(column.min(T::COLUMNS.len() - 1)))
            .unwrap_or_default();
        SortKey::typed(text, numeric)
    }

    fn empty_like(&self) -> Self {
        Vec::new()
    }
}

impl<T: Row> List<Vec<T>> {
    /// Rows in display order (filtered and sorted).
    pub fn visible(&self) -> impl Iterator<Item = &T> {
        (0..self.view_len()).filter_map(|i| self.visible_row(i))
    }

    pub fn visible_len(&self) -> usize {
        self.view_len()
    }

    pub fn visible_row(&self, index: usize) -> Option<&T> {
        self.row_index(index).and_then(|i| self.rows().get(i))
    }

    pub fn selected(&self) -> Option<&T> {
        self.visible_row(self.selected_index())
    }

    /// Takes a page answering the request in flight. Returns the token of a further page a
    /// re-read still needs, which the caller requests at once. An item the page lists again
    /// (created here, or moved between pages) replaces its row instead of showing twice; a
    /// completed re-read keeps what was created here and no page has listed yet, and leaves
    /// out what was deleted here while it read.
    pub fn page_arrived(
        &mut self,
        items: Vec<T>,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<String> {
        self.pager.pending.as_ref()?;
        self.local
            .unconfirmed
            .retain(|id| !items.iter().any(|r| r.id() == id));
        let target = self.pager.reread_target();
        let first = self.receiver().len();
        merge(self.receiver(), items);
        if let Some(target) = target
            && (next_token.is_none() || self.receiver().len() >= target)
        {
            self.reconcile_reread(next_token.is_none());
        }
        match self.arrived(first, next_token, now) {
            Landed::Gathering(token) => Some(token),
            Landed::From(_) => None,
        }
    }

    /// Before a re-read's rows replace the loaded ones: local creates and deletes survive it.
    fn reconcile_reread(&mut self, whole: bool) {
        let local = std::mem::take(&mut self.local);
        let Local {
            mut unconfirmed,
            upserted,
            removed,
        } = local;
        if whole {
            // The whole listing was read: what it lacks is gone, unless created since.
            unconfirmed.retain(|id| upserted.contains(id));
        }
        let keep: Vec<T> = self
            .rows()
            .iter()
            .filter(|r| unconfirmed.iter().chain(&upserted).any(|id| id == r.id()))
            .cloned()
            .collect();
        let receiver = self.receiver();
        receiver.retain(|r| !removed.iter().any(|id| id == r.id()));
        merge(receiver, keep);
        self.local.unconfirmed = unconfirmed;
    }

    /// Replaces every row with items known locally (not paged from the API).
    pub fn replace_rows(&mut self, items: Vec<T>, now: Instant) {
        self.replace(items, now);
    }

    /// Inserts or replaces one item (after a create or a describe) and selects it.
    pub fn upsert(&mut self, item: T) {
        let id = item.id().to_string();
        if self.pager.is_rereading() {
            self.local.removed.retain(|r| *r != id);
            self.local.upserted.push(id.clone());
        }
        if !self.rows().iter().any(|r| r.id() == id) {
            self.local.unconfirmed.push(id.clone());
        }
        self.edit(|rows| merge(rows, vec![item]));
        self.select_id(&id);
    }

    /// Replaces an item already loaded, leaving the selection where it is.
    pub fn replace_item(&mut self, item: T) {
        if self.rows().iter().any(|r| r.id() == item.id()) {
            self.edit(|rows| {
                if let Some(row) = rows.iter_mut().find(|r| r.id() == item.id()) {
                    *row = item;
                }
            });
        }
    }

    pub fn remove(&mut self, id: &str) {
        if self.pager.is_rereading() {
            self.local.upserted.retain(|r| r != id);
            self.local.removed.push(id.to_string());
        }
        self.local.unconfirmed.retain(|r| r != id);
        self.edit(|rows| rows.retain(|r| r.id() != id));
    }

    pub fn select_id(&mut self, id: &str) -> bool {
        self.select_key(&id.to_string())
    }
}

/// Adds `items` to `rows`; an item already there replaces it instead of showing twice.
fn merge<T: Row>(rows: &mut Vec<T>, items: Vec<T>) {
    let mut at: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id().to_string(), i))
        .collect();
    for item in items {
        match at.get(item.id()) {
            Some(&i) => rows[i] = item,
            None => {
                at.insert(item.id().to_string(), rows.len());
                rows.push(item);
            }
        }
    }
}
