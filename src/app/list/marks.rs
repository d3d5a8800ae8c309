//! Change marks: the rows a re-read found new or changed, drawn marked for a few seconds.

use std::collections::HashMap;
use std::time::Instant;

use super::{List, Store};

/// Rows a re-read compares to mark what changed: past this many, a re-read of a huge list
/// stays cheap and marks nothing.
const MAX_COMPARED: usize = 200_000;

impl<S: Store> List<S> {
    /// Whether a re-read marked row `index` changed.
    pub fn is_marked(&self, index: usize) -> bool {
        !self.changed.is_empty()
            && self
                .rows
                .key(index)
                .is_some_and(|k| self.changed.contains_key(&k))
    }

    /// Forgets marks older than `live::HIGHLIGHT`.
    pub fn fade(&mut self, now: Instant) {
        self.changed
            .retain(|_, at| now.duration_since(*at) < crate::app::live::HIGHLIGHT);
    }

    /// Marks rows of `new` that are not in the loaded rows or differ from them.
    pub(super) fn mark_changes(&mut self, new: &S, now: Instant) {
        self.fade(now);
        if self.rows.len() > MAX_COMPARED || self.rows.is_empty() {
            return;
        }
        let before: HashMap<S::Key, S::Print> = (0..self.rows.len())
            .filter_map(|i| Some((self.rows.key(i)?, self.rows.print(i)?)))
            .collect();
        for i in 0..new.len() {
            if let Some(key) = new.key(i)
                && before.get(&key) != new.print(i).as_ref()
            {
                self.changed.insert(key, now);
            }
        }
    }
}
