//! The `/` filter of every list, a chunk of rows at a time: a keystroke never waits for a
//! million rows, the view holds the matches found so far, and each tick looks at the next
//! chunk. A pane of a few hundred rows is done in the first chunk.

use tui_input::Input;

use super::{List, Match, Store};

/// Rows a filter looks at per step: a few milliseconds of loop time even on a loaded 2-core
/// machine (`cargo bench --bench browser` prints the longest step).
pub const FILTER_CHUNK: usize = 50_000;

/// The text typed, and whether the field has the keys.
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

/// A filter at work over the loaded rows.
#[derive(Debug, Clone)]
pub(super) struct Scan {
    /// The shorter needle's matches, still to be narrowed.
    previous: Option<Vec<u32>>,
    previous_at: usize,
    /// The next row to look at.
    next: usize,
}

pub(super) fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl<S: Store> List<S> {
    /// Starts filtering by what the filter field holds (here, then a chunk on each tick).
    /// The selection goes back to the row it was on once the filter has found it.
    pub fn refilter(&mut self) {
        self.keep();
        self.cursor.first();
        self.restart_view(true);
        self.settle_wanted(None);
    }

    /// Builds the view again from the loaded rows: every row (sorted, if a sort is chosen)
    /// without a filter, or a new filter scan. `narrow` lets a longer needle look only at
    /// what a finished shorter one let through.
    pub(super) fn restart_view(&mut self, narrow: bool) {
        // Narrowing needs a finished filter: its matches then cover every loaded row.
        let finished = self.scan.take().is_none();
        if !self.filter.is_active() {
            self.filtered_by = None;
            self.view = None;
            self.sort_view();
            return;
        }
        let needle = self.filter.text().to_lowercase();
        let narrowing = narrow
            && finished
            && self
                .filtered_by
                .as_ref()
                .is_some_and(|previous| needle.contains(previous.as_str()));
        let previous = self.view.take();
        self.scan = Some(match (narrowing, previous) {
            (true, Some(previous)) => Scan {
                previous: Some(previous),
                previous_at: 0,
                next: self.rows.len(),
            },
            _ => Scan {
                previous: None,
                previous_at: 0,
                next: 0,
            },
        });
        self.view = Some(Vec::new());
        self.filtered_by = Some(needle);
        self.filter_step();
    }

    /// Looks at the next chunk of rows for the running filter; true while more remain.
    pub fn filter_step(&mut self) -> bool {
        let Some(mut scan) = self.scan.take() else {
            return false;
        };
        let needle = self.filtered_by.clone().unwrap_or_default();
        let mut matcher = self.rows.matcher(&needle);
        let mut budget = FILTER_CHUNK;
        let view = self.view.get_or_insert_with(Vec::new);
        if let Some(previous) = &scan.previous {
            let end = (scan.previous_at + budget).min(previous.len());
            view.extend(
                previous[scan.previous_at..end]
                    .iter()
                    .filter(|&&i| matcher.matches(i as usize)),
            );
            budget -= end - scan.previous_at;
            scan.previous_at = end;
            if end == previous.len() {
                scan.previous = None;
            }
        }
        if scan.previous.is_none() {
            let end = (scan.next + budget).min(self.rows.len());
            view.extend((scan.next..end).filter(|&i| matcher.matches(i)).map(index));
            scan.next = end;
        }
        if scan.previous.is_none() && scan.next >= self.rows.len() {
            // Done: rows that arrive from now on are filtered as they come.
            drop(matcher);
            self.sort_view();
            self.settle_wanted(None);
            return false;
        }
        self.scan = Some(scan);
        true
    }

    /// Rows the running filter has looked at, of how many; `None` when no filter runs.
    pub fn filter_progress(&self) -> Option<(usize, usize)> {
        let scan = self.scan.as_ref()?;
        let looked = match &scan.previous {
            Some(_) => scan.previous_at,
            None => scan.next,
        };
        Some((looked, self.rows.len()))
    }

    /// Rows `first..` were appended: those the filter lets through join the view (a running
    /// filter reaches them by itself).
    pub(super) fn view_appended(&mut self, first: usize) {
        if self.scan.is_some() {
            return;
        }
        let Some(view) = self.view.as_mut() else {
            return;
        };
        let rows = first..self.rows.len();
        match &self.filtered_by {
            Some(needle) => {
                let mut matcher = self.rows.matcher(needle);
                view.extend(rows.filter(|&i| matcher.matches(i)).map(index));
            }
            None => view.extend(rows.map(index)),
        }
    }
}
