//! Pages into the browser: the first load, the next page near the end, re-reads that keep
//! every loaded page and the cursor, change marks, and the `:` search that pages forward.

use std::collections::HashMap;
use std::time::Instant;

use super::{Browser, Refresh, Source};
use crate::app::call::{Call, RequestId};
use crate::model::{DestinationPortMapping, Page, PortMapping};

/// Rows compared by a refresh to mark what changed.
const MAX_COMPARED: usize = 200_000;

impl Browser {
    /// Starts reading from the first page. A re-read keeps the rows, the cursor and every
    /// page loaded until it has read as many rows again.
    pub fn begin_load(&mut self, id: RequestId) {
        self.hold = false;
        self.refresh = self.loaded.then(|| Refresh {
            table: self.table.empty_like(),
            target: self.table.len(),
        });
        self.pending = Some((id, None));
    }

    /// The user moved: a re-read no longer carries the selection back to its socket.
    pub fn reselect_none(&mut self) {
        self.reselect = None;
    }

    pub fn refreshing(&self) -> bool {
        self.refresh.is_some()
    }

    pub fn wants_next_page(&self, screen: usize) -> Option<String> {
        // While a filter runs, its view is not yet the whole answer.
        if self.hold
            || self.pending.is_some()
            || !self.loaded
            || self.editing
            || self.scan.is_some()
        {
            return None;
        }
        let token = self.next_token.as_ref()?;
        (self.selected + screen >= self.view_len()).then(|| token.clone())
    }

    pub fn begin_next_page(&mut self, id: RequestId, token: String) {
        self.pending = Some((id, Some(token)));
    }

    pub fn port_mappings_arrived(&mut self, page: Page<PortMapping>, now: Instant) -> Option<Call> {
        self.pending = None;
        let table = match self.refresh.as_mut() {
            Some(r) => &mut r.table,
            None => &mut self.table,
        };
        let accelerator = match (&self.accelerator, &self.source) {
            (Some(a), _) => table.accelerator(&a.arn, Some(&a.name), &a.static_ips, a.enabled),
            (None, Some(Source::Accelerator { arn, .. })) => {
                table.accelerator(arn, None, &[], !self.disabled.contains(arn))
            }
            _ => 0,
        };
        let first = table.len();
        for m in &page.items {
            table.push_port_mapping(accelerator, m);
        }
        self.rows_arrived(first, page.next_token, now)
    }

    pub fn destination_mappings_arrived(
        &mut self,
        page: Page<DestinationPortMapping>,
        now: Instant,
    ) -> Option<Call> {
        self.pending = None;
        let table = match self.refresh.as_mut() {
            Some(r) => &mut r.table,
            None => &mut self.table,
        };
        let first = table.len();
        for m in &page.items {
            let name = self.names.get(&m.accelerator_arn).map(String::as_str);
            let enabled = !self.disabled.contains(&m.accelerator_arn);
            table.push_destination_mapping(m, name, enabled);
        }
        self.rows_arrived(first, page.next_token, now)
    }

    /// Rows `first..` arrived, into the table or into a re-read in progress.
    fn rows_arrived(
        &mut self,
        first: usize,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<Call> {
        let Some(refresh) = &self.refresh else {
            return self.after_rows(first, next_token, now);
        };
        if next_token.is_some() && refresh.table.len() < refresh.target {
            return self.page_call(next_token, self.page_size);
        }
        let table = self.refresh.take().map(|r| r.table).unwrap_or_default();
        // The selection follows the same destination socket, wherever it lands; the cursor
        // stays where it is when the socket is gone.
        self.reselect = self
            .selected_row()
            .and_then(|i| self.table.get(i))
            .map(|r| {
                (
                    r.endpoint_group_arn.to_string(),
                    r.destination_ip.clone(),
                    r.destination_port,
                )
            });
        self.previous = self.snapshot();
        self.table = table;
        self.view = None;
        self.scan = None;
        self.changed.clear();
        let call = self.after_rows(0, next_token, now);
        if self.filter.is_active() {
            // The new rows are filtered a chunk at a time, like a new filter.
            self.filtered_by = None;
            let selected = self.selected;
            self.refilter();
            if self.scan.is_some() {
                self.selected = selected.min(self.view_len().saturating_sub(1));
            }
        }
        call
    }

    /// Traffic state of the loaded rows by destination socket, to tell which rows a refresh
    /// changed (bounded, so a refresh of a huge browser stays cheap).
    fn snapshot(&self) -> Option<HashMap<(u32, u32, u16), bool>> {
        (self.table.len() <= MAX_COMPARED).then(|| {
            (0..self.table.len())
                .filter_map(|i| self.table.key(i))
                .collect()
        })
    }

    /// Bookkeeping after rows `first..` arrived: the filter, the seek, the selection.
    /// Returns the next call a running seek needs.
    fn after_rows(
        &mut self,
        first: usize,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<Call> {
        self.loaded = true;
        self.loaded_at = Some(now);
        self.stale = false;
        self.error = None;
        self.next_token = next_token;
        if let Some(view) = self.view.as_mut()
            && self.scan.is_none()
        {
            let needle = self.filter.text().to_lowercase();
            let mut matcher = self.table.matcher(&needle);
            view.extend(
                (first..self.table.len())
                    .filter(|&i| matcher.matches(i))
                    .map(|i| u32::try_from(i).unwrap_or(u32::MAX)),
            );
        }
        if let Some((group, ip, port)) = &self.reselect
            && let Some(index) = (first..self.table.len()).find(|&i| {
                self.table.get(i).is_some_and(|r| {
                    r.endpoint_group_arn == group
                        && &r.destination_ip == ip
                        && r.destination_port == *port
                })
            })
        {
            self.reselect = None;
            self.select_table_row(index);
        }
        if let Some(previous) = &self.previous {
            for i in first..self.table.len() {
                let Some((key, allow)) = self.table.key(i) else {
                    continue;
                };
                if previous.get(&key).is_some_and(|&was| was != allow)
                    || (!previous.is_empty() && !previous.contains_key(&key))
                {
                    self.changed.insert(i, now);
                }
            }
        }
        if self.to_end {
            self.selected = self.view_len().saturating_sub(1);
            self.to_end = self.next_token.is_some();
        }
        self.selected = self.selected.min(self.view_len().saturating_sub(1));
        self.continue_seek(first)
    }

    /// Looks for the seek's port in rows `from..`; selects it when found, asks for the next
    /// page when not and more exist, and ends the seek otherwise.
    pub fn continue_seek(&mut self, from: usize) -> Option<Call> {
        let port = self.seek.as_ref()?.port;
        let found =
            (from..self.table.len()).find(|&i| self.table.accelerator_port(i) == Some(port));
        if let Some(seek) = self.seek.as_mut() {
            seek.scanned = self.table.len();
        }
        if let Some(index) = found {
            self.seek = None;
            self.select_table_row(index);
            return None;
        }
        match self.next_token.clone() {
            Some(token) if self.pending.is_none() => self.page_call(Some(token), self.page_size),
            _ => None,
        }
    }

    /// Selects table row `index`, clearing a filter that hides it.
    pub fn select_table_row(&mut self, index: usize) {
        if let Some(view) = &self.view {
            match view.iter().position(|&r| r as usize == index) {
                Some(pos) => {
                    self.selected = pos;
                    return;
                }
                None => {
                    self.filter.input.reset();
                    self.scan = None;
                    self.view = None;
                    self.filtered_by = None;
                }
            }
        }
        self.selected = index;
    }

    pub fn failed(&mut self, message: String) {
        // No automatic retry: the next page is asked for again once the user moves.
        self.hold = true;
        self.pending = None;
        self.refresh = None;
        self.to_end = false;
        self.seek = None;
        self.error = Some(message);
        self.stale = self.loaded;
    }
}
