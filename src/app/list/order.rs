//! The sort of a list's view: by a column's typed keys (numbers and addresses by value, text
//! in natural order), reversible, stable, with the selection kept on its row.

use super::{List, SortKey, Store, filter};

impl<S: Store> List<S> {
    /// Cycles the sort column: the order read, then each column in turn.
    pub fn cycle_sort(&mut self) {
        let columns = self.rows.columns();
        self.sort = match self.sort {
            None if columns > 0 => Some((0, false)),
            Some((c, _)) if c + 1 < columns => Some((c + 1, false)),
            _ => None,
        };
        self.resort();
    }

    pub fn reverse_sort(&mut self) {
        self.sort = Some(match self.sort {
            None => (0, true),
            Some((c, rev)) => (c, !rev),
        });
        self.resort();
    }

    fn resort(&mut self) {
        let current = self.keep();
        if self.scan.is_none() {
            if self.sort.is_none() && !self.filter.is_active() {
                self.view = None;
            }
            self.sort_view();
            if !self.settle_wanted(current) {
                self.cursor.first();
            }
        }
    }

    /// Orders the view by the sort, if one is chosen (stable: ties keep the order read).
    pub(super) fn sort_view(&mut self) {
        let Some((column, reversed)) = self.sort else {
            return;
        };
        let view = self
            .view
            .take()
            .unwrap_or_else(|| (0..self.rows.len()).map(filter::index).collect());
        let mut keyed: Vec<(SortKey, u32)> = view
            .into_iter()
            .map(|i| (self.rows.sort_key(i as usize, column), i))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            let order = a.compare(b);
            if reversed { order.reverse() } else { order }
        });
        self.view = Some(keyed.into_iter().map(|(_, i)| i).collect());
    }
}
