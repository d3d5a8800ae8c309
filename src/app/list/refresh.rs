//! A list pane's refresh: pages gathered apart from the rows shown until they cover what the
//! pane held, then merged with what was created or deleted here while they were read.

use std::collections::HashMap;

use super::Row;

#[derive(Debug, Clone)]
pub(super) struct Refresh<T> {
    rows: Vec<T>,
    /// Rows the pane held when the refresh started.
    target: usize,
    /// Items created or deleted here meanwhile: pages read before the change do not show it.
    upserted: Vec<String>,
    removed: Vec<String>,
}

impl<T: Row> Refresh<T> {
    pub(super) fn new(target: usize) -> Self {
        Self {
            rows: Vec::new(),
            target,
            upserted: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// Takes a page; true when another is needed to cover the target.
    pub(super) fn page(&mut self, items: Vec<T>, more: bool) -> bool {
        merge(&mut self.rows, items);
        more && self.rows.len() < self.target
    }

    pub(super) fn upserted(&mut self, id: &str) {
        self.removed.retain(|r| r != id);
        self.upserted.push(id.to_string());
    }

    pub(super) fn removed(&mut self, id: &str) {
        self.upserted.retain(|r| r != id);
        self.removed.push(id.to_string());
    }

    /// Whether `id` was created here while the pages were read.
    pub(super) fn created_meanwhile(&self, id: &str) -> bool {
        self.upserted.iter().any(|u| u == id)
    }

    /// The rows read, without what was deleted here meanwhile, and with the rows of `keep`
    /// (created here, not listed by the pages) taken from the `loaded` ones.
    pub(super) fn finish(self, loaded: &[T], keep: &[String]) -> Vec<T> {
        let Self {
            mut rows, removed, ..
        } = self;
        rows.retain(|r| !removed.iter().any(|id| id == r.id()));
        let created: Vec<T> = keep
            .iter()
            .filter(|id| !rows.iter().any(|r| r.id() == id.as_str()))
            .filter_map(|id| loaded.iter().find(|r| r.id() == id.as_str()))
            .cloned()
            .collect();
        rows.extend(created);
        rows
    }
}

/// Adds `items` to `rows`; an item already there (a page read after it was created here, or
/// a listing that moved between pages) replaces it instead of showing twice.
pub(super) fn merge<T: Row>(rows: &mut Vec<T>, items: Vec<T>) {
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
