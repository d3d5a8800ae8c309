//! The panes' rows (accelerators, listeners, endpoint groups, subnet endpoints): a `Vec` of
//! typed items, each known by its ARN, with columns of text.

use std::time::Instant;

use super::{Landed, List, Match, SortKey, Store};

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
    /// re-read still needs, which the caller requests at once.
    pub fn page_arrived(
        &mut self,
        items: Vec<T>,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<String> {
        self.pager.pending.as_ref()?;
        let receiver = self.receiver();
        let first = receiver.len();
        receiver.extend(items);
        match self.arrived(first, next_token, now) {
            Landed::Gathering(token) => Some(token),
            Landed::From(_) => None,
        }
    }

    /// Replaces every row with items known locally (not paged from the API).
    pub fn replace_rows(&mut self, items: Vec<T>, now: Instant) {
        self.replace(items, now);
    }

    /// Inserts or replaces one item (after a create or a describe) and selects it.
    pub fn upsert(&mut self, item: T) {
        let id = item.id().to_string();
        self.edit(|rows| match rows.iter_mut().find(|r| r.id() == id) {
            Some(row) => *row = item,
            None => rows.push(item),
        });
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
        self.edit(|rows| rows.retain(|r| r.id() != id));
    }

    pub fn select_id(&mut self, id: &str) -> bool {
        self.select_key(&id.to_string())
    }
}
