//! The browser's filter, a chunk of rows at a time: a keystroke never waits for a million rows,
//! the view holds the matches found so far, and each tick looks at the next chunk.

use super::Browser;

/// Rows a filter looks at per step: a few milliseconds of loop time even on a loaded 2-core
/// machine (`cargo bench --bench browser` prints the longest step).
const FILTER_CHUNK: usize = 50_000;

/// A filter at work over the loaded rows.
#[derive(Debug, Clone)]
pub(super) struct FilterScan {
    /// The shorter needle's matches, still to be narrowed.
    previous: Option<Vec<u32>>,
    previous_at: usize,
    /// The next table row to look at.
    next: usize,
    /// The table row selected when the filter changed, selected again once it is found.
    pub(super) keep: Option<usize>,
}

impl Browser {
    /// Starts filtering by what the filter field holds. The rows are looked at a chunk at a
    /// time (here, then on each tick), so a keystroke never waits for a million rows; the view
    /// holds the matches found so far.
    pub fn refilter(&mut self) {
        let keep = self.selected_row();
        // Narrowing needs a finished filter: its matches then cover every loaded row.
        let finished = self.scan.take().is_none();
        if !self.filter.is_active() {
            self.view = None;
            self.filtered_by = None;
        } else {
            let needle = self.filter.text().to_lowercase();
            // A longer needle only narrows: look at what the shorter one let through, then
            // at the rows that arrived after it had looked.
            let narrowing = finished
                && self
                    .filtered_by
                    .as_ref()
                    .is_some_and(|previous| needle.contains(previous.as_str()));
            let previous = self.view.take();
            self.scan = Some(match (narrowing, previous) {
                (true, Some(previous)) => FilterScan {
                    previous: Some(previous),
                    previous_at: 0,
                    next: self.table.len(),
                    keep,
                },
                _ => FilterScan {
                    previous: None,
                    previous_at: 0,
                    next: 0,
                    keep,
                },
            });
            self.view = Some(Vec::new());
            self.filtered_by = Some(needle);
            self.filter_step();
        }
        self.selected = 0;
        if self.scan.is_none() {
            self.select_kept(keep);
        }
    }

    /// Looks at the next chunk of rows for the running filter; true while more remain.
    pub fn filter_step(&mut self) -> bool {
        let Some(mut scan) = self.scan.take() else {
            return false;
        };
        let needle = self.filtered_by.clone().unwrap_or_default();
        let mut matcher = self.table.matcher(&needle);
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
            let end = (scan.next + budget).min(self.table.len());
            view.extend(
                (scan.next..end)
                    .filter(|&i| matcher.matches(i))
                    .map(|i| u32::try_from(i).unwrap_or(u32::MAX)),
            );
            scan.next = end;
        }
        if scan.previous.is_none() && scan.next >= self.table.len() {
            // Done: rows that arrive from now on are filtered as they come.
            self.select_kept(scan.keep);
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
        Some((looked, self.table.len()))
    }

    fn select_kept(&mut self, keep: Option<usize>) {
        if let Some(index) = keep
            && let Some(pos) = (0..self.view_len()).find(|&p| self.row_index(p) == Some(index))
        {
            self.selected = pos;
        }
        self.selected = self.selected.min(self.view_len().saturating_sub(1));
    }
}
