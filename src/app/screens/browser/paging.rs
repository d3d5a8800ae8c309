//! Pages into the browser's list (the engine keeps re-reads whole and the cursor on its
//! socket), and the `:` search that pages forward until it finds a port.

use std::time::Instant;

use super::{Browser, Source};
use crate::app::call::{Call, RequestId};
use crate::app::list::Landed;
use crate::model::{DestinationPortMapping, Page, PortMapping};

impl Browser {
    /// Starts reading from the first page. A re-read keeps the rows, the cursor and every
    /// page loaded until it has read as many rows again.
    pub fn begin_load(&mut self, id: RequestId) {
        self.list.begin_reload(id);
    }

    pub fn refreshing(&self) -> bool {
        self.list.pager.is_rereading()
    }

    /// The token of the page to ask for now, if any (never while the form has the keys).
    pub fn wants_next_page(&self, screen: usize) -> Option<String> {
        if self.editing {
            return None;
        }
        self.list.wants_next_page(screen)
    }

    pub fn begin_next_page(&mut self, id: RequestId, token: String) {
        self.list.begin_next_page(id, token);
    }

    pub fn port_mappings_arrived(&mut self, page: Page<PortMapping>, now: Instant) -> Option<Call> {
        let (accelerator, source) = (self.accelerator.as_ref(), self.source.as_ref());
        let disabled = &self.disabled;
        let table = self.list.receiver();
        let accelerator = match (accelerator, source) {
            (Some(a), _) => table.accelerator(&a.arn, Some(&a.name), &a.static_ips, a.enabled),
            (None, Some(Source::Accelerator { arn, .. })) => {
                table.accelerator(arn, None, &[], !disabled.contains(arn))
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
        let (names, disabled) = (&self.names, &self.disabled);
        let table = self.list.receiver();
        let first = table.len();
        for m in &page.items {
            let name = names.get(&m.accelerator_arn).map(String::as_str);
            let enabled = !disabled.contains(&m.accelerator_arn);
            table.push_destination_mapping(m, name, enabled);
        }
        self.rows_arrived(first, page.next_token, now)
    }

    /// Rows `first..` arrived, into the table or into a re-read in progress. Returns the call
    /// a re-read or a running seek needs next.
    fn rows_arrived(
        &mut self,
        first: usize,
        next_token: Option<String>,
        now: Instant,
    ) -> Option<Call> {
        match self.list.arrived(first, next_token, now) {
            Landed::Gathering(token) => self.page_call(Some(token), self.page_size),
            Landed::From(first) => self.continue_seek(first),
        }
    }

    /// Looks for the seek's port in rows `from..`; selects it when found, asks for the next
    /// page when not and more exist, and ends the seek otherwise.
    pub fn continue_seek(&mut self, from: usize) -> Option<Call> {
        let port = self.seek.as_ref()?.port;
        let table = self.list.rows();
        let found = (from..table.len()).find(|&i| table.accelerator_port(i) == Some(port));
        let scanned = table.len();
        if let Some(seek) = self.seek.as_mut() {
            seek.scanned = scanned;
        }
        if let Some(index) = found {
            self.seek = None;
            self.list.select_row(index);
            return None;
        }
        match self.list.pager.next_token() {
            Some(token) if !self.list.is_loading() => {
                self.page_call(Some(token.to_string()), self.page_size)
            }
            _ => None,
        }
    }

    pub fn failed(&mut self, message: String) {
        self.list.failed(message);
        self.seek = None;
    }

    /// Forgets the requests in flight.
    pub fn cancel(&mut self) {
        self.list.cancel();
        self.regions_pending = None;
        self.seek = None;
    }
}
