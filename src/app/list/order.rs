//! The sort of a list's view: by a column's typed keys (numbers and addresses by value, text
//! in natural order), reversible, stable, with the selection kept on its row.

use super::{List, SortKey, Store, filter};

impl<S: Store> List<S> {
    /// Cycles the sort column: the order read, then each column in turn.
    pub fn cycle_sort(&mut self) {
        let all: Vec<usize> = (0..self.rows.columns()).collect();
        self.cycle_sort_among(&all);
    }

    /// Cycles the sort through the columns on show (`shown`, in their order): the order
    /// read, then each of them in turn. A sort by a column no longer shown starts again.
    pub fn cycle_sort_among(&mut self, shown: &[usize]) {
        let columns = self.rows.columns();
        let shown: Vec<usize> = shown.iter().copied().filter(|&c| c < columns).collect();
        let at = |c: usize| shown.iter().position(|&s| s == c);
        self.sort = match self.sort {
            None => shown.first().map(|&c| (c, false)),
            Some((c, _)) => match at(c) {
                Some(i) => shown.get(i + 1).map(|&c| (c, false)),
                None => shown.first().map(|&c| (c, false)),
            },
        };
        self.resort();
    }

    pub fn reverse_sort(&mut self) {
        self.reverse_sort_among(&[0]);
    }

    /// Reverses the sort; with none, sorts by the first column on show, reversed.
    pub fn reverse_sort_among(&mut self, shown: &[usize]) {
        self.sort = Some(match self.sort {
            None => (shown.first().copied().unwrap_or(0), true),
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
