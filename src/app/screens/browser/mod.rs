//! The port-mapping browser: every mapping of one destination address (by subnet endpoint and
//! IP), or of a whole accelerator or endpoint group. Pages are read only as the cursor nears
//! the end of what is loaded; rows live in a compact table so a million of them stay cheap.

mod filter;
pub mod keys;
pub mod table;

use filter::FilterScan;

use std::collections::HashMap;
use std::time::Instant;

use tui_input::Input;

use crate::app::call::{Call, RequestId};
use crate::app::list::Filter;
use crate::app::screens::browser::table::MappingTable;
use crate::model::{
    Accelerator, DestinationPortMapping, EndpointGroup, Page, PortMapping, parse_ipv4, parse_port,
};

/// Rows compared by a refresh to mark what changed.
const MAX_COMPARED: usize = 200_000;

/// What the browser lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// ListCustomRoutingPortMappingsByDestination.
    Destination { subnet: String, ip: String },
    /// ListCustomRoutingPortMappings, of one endpoint group when `group` is set.
    Accelerator { arn: String, group: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Subnet,
    Address,
}

/// The destination to look up: a subnet endpoint of the group and an IPv4 address.
#[derive(Debug, Clone)]
pub struct DestinationForm {
    pub subnets: Vec<String>,
    pub choice: usize,
    pub address: Input,
    pub focus: FormField,
    pub error: Option<String>,
}

impl DestinationForm {
    pub fn subnet(&self) -> Option<&str> {
        self.subnets.get(self.choice).map(String::as_str)
    }
}

/// `:` — find the destination of accelerator port `port`, paging forward until it is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seek {
    pub port: u16,
    /// Rows looked at so far (loaded rows included).
    pub scanned: usize,
}

#[derive(Debug, Clone)]
pub enum Prompt {
    /// `:` asks for an accelerator port.
    Jump { input: Input, error: Option<String> },
}

/// The pages of a re-read, gathered until they cover `target` rows (or the source ends).
#[derive(Debug, Clone)]
pub struct Refresh {
    pub table: MappingTable,
    pub target: usize,
}

#[derive(Debug, Clone)]
pub struct Browser {
    /// What the frame title names (an accelerator name, a region and group).
    pub title: String,
    /// Names of accelerators known from the accelerators pane, for rows of other accelerators
    /// sharing a subnet.
    pub names: HashMap<String, String>,
    /// The accelerator whose mappings are listed (accelerator mode), for its static IPs.
    pub accelerator: Option<Accelerator>,
    /// Present in destination mode.
    pub form: Option<DestinationForm>,
    /// The form has the keys (otherwise the rows do).
    pub editing: bool,
    pub source: Option<Source>,
    pub table: MappingTable,
    /// Indices of the rows the filter lets through; `None` without a filter.
    pub view: Option<Vec<u32>>,
    pub selected: usize,
    pub offset: usize,
    pub next_token: Option<String>,
    pub loaded: bool,
    pub pending: Option<(RequestId, Option<String>)>,
    /// A re-read in progress: its pages gather here until they cover what is loaded, and only
    /// then replace the rows, so a live re-read never shrinks what the user paged through.
    pub refresh: Option<Refresh>,
    /// `G` was pressed: the selection follows the last row as pages arrive, until the end.
    pub to_end: bool,
    /// An endpoint group whose destination ranges (and so protocols) are still to be read.
    pub describe_group: Option<String>,
    pub regions_pending: Option<RequestId>,
    pub loaded_at: Option<Instant>,
    pub stale: bool,
    pub error: Option<String>,
    pub filter: Filter,
    /// The needle the view was last filtered by.
    filtered_by: Option<String>,
    /// A filter still looking at rows.
    scan: Option<FilterScan>,
    pub seek: Option<Seek>,
    pub prompt: Option<Prompt>,
    pub page_size: i32,
    /// A request failed: wait for the user to move before asking for the next page again.
    pub hold: bool,
    /// The destination socket to select again once a refresh brings it back.
    reselect: Option<(String, String, u16)>,
    /// Traffic state by socket before the last refresh.
    previous: Option<HashMap<(u32, u32, u16), bool>>,
    /// Rows a refresh found changed, and when: drawn highlighted for a few seconds.
    pub changed: HashMap<usize, Instant>,
}

impl Browser {
    fn empty(title: String, names: HashMap<String, String>, page_size: i32) -> Self {
        Self {
            title,
            names,
            accelerator: None,
            form: None,
            editing: false,
            source: None,
            table: MappingTable::default(),
            view: None,
            selected: 0,
            offset: 0,
            next_token: None,
            loaded: false,
            pending: None,
            refresh: None,
            to_end: false,
            describe_group: None,
            regions_pending: None,
            loaded_at: None,
            stale: false,
            error: None,
            filter: Filter::default(),
            filtered_by: None,
            scan: None,
            seek: None,
            prompt: None,
            page_size,
            hold: false,
            reselect: None,
            previous: None,
            changed: HashMap::new(),
        }
    }

    /// A browser by destination for the subnets of `group`, the form open on the first one.
    pub fn by_destination(
        group: &EndpointGroup,
        preselect: Option<&str>,
        names: HashMap<String, String>,
        page_size: i32,
    ) -> Self {
        let mut b = Self::empty(
            format!(
                "{} group {}",
                group.region,
                crate::app::rows::short_id(&group.arn)
            ),
            names,
            page_size,
        );
        b.table
            .set_destinations(&group.arn, group.destinations.clone());
        if group.destinations.is_empty() {
            // Opened from a lookup: the group's port ranges name each row's protocols.
            b.describe_group = Some(group.arn.clone());
        }
        b.table.set_region(&group.arn, &group.region);
        let choice = preselect
            .and_then(|s| group.endpoints.iter().position(|e| e == s))
            .unwrap_or(0);
        b.form = Some(DestinationForm {
            subnets: group.endpoints.clone(),
            choice,
            address: Input::default(),
            focus: FormField::Address,
            error: None,
        });
        b.editing = true;
        b
    }

    /// A browser of every mapping of `accelerator` (or of one of its endpoint groups).
    pub fn of_accelerator(
        accelerator: &Accelerator,
        group: Option<&EndpointGroup>,
        names: HashMap<String, String>,
        page_size: i32,
    ) -> Self {
        let title = match group {
            Some(g) => format!(
                "{} › {} group {}",
                accelerator.name,
                g.region,
                crate::app::rows::short_id(&g.arn)
            ),
            None => accelerator.name.clone(),
        };
        let mut b = Self::empty(title, names, page_size);
        if let Some(g) = group {
            b.table.set_region(&g.arn, &g.region);
        }
        b.accelerator = Some(accelerator.clone());
        b.source = Some(Source::Accelerator {
            arn: accelerator.arn.clone(),
            group: group.map(|g| g.arn.clone()),
        });
        b
    }

    pub fn view_len(&self) -> usize {
        self.view.as_ref().map_or(self.table.len(), Vec::len)
    }

    /// The table index of the row at position `i` of the view.
    pub fn row_index(&self, i: usize) -> Option<usize> {
        match &self.view {
            Some(v) => v.get(i).map(|&r| r as usize),
            None => (i < self.table.len()).then_some(i),
        }
    }

    pub fn selected_row(&self) -> Option<usize> {
        self.row_index(self.selected)
    }

    pub fn is_complete(&self) -> bool {
        self.loaded && self.next_token.is_none()
    }

    /// The call for the page after `token` of the current source.
    pub fn page_call(&self, token: Option<String>, page_size: i32) -> Option<Call> {
        Some(match self.source.as_ref()? {
            Source::Destination { subnet, ip } => Call::ListMappingsByDestination {
                subnet: subnet.clone(),
                ip: ip.clone(),
                page_size,
                token,
            },
            Source::Accelerator { arn, group } => Call::ListMappings {
                accelerator_arn: arn.clone(),
                group: group.clone(),
                page_size,
                token,
            },
        })
    }

    /// Validates the form; on success the source changes and the rows are cleared.
    pub fn submit_form(&mut self) -> bool {
        let Some(form) = self.form.as_mut() else {
            return false;
        };
        let Some(subnet) = form.subnet().map(str::to_string) else {
            form.error = Some("this endpoint group has no subnet endpoints".into());
            return false;
        };
        match parse_ipv4(form.address.value()) {
            Ok(ip) => {
                form.error = None;
                self.previous = None;
                self.source = Some(Source::Destination {
                    subnet,
                    ip: ip.to_string(),
                });
                self.editing = false;
                self.clear_rows();
                true
            }
            Err(e) => {
                form.error = Some(e.to_string());
                false
            }
        }
    }

    fn clear_rows(&mut self) {
        let regions = std::mem::take(&mut self.table);
        self.table = regions.without_rows();
        self.view = self.filter.is_active().then(Vec::new);
        self.scan = None;
        self.selected = 0;
        self.offset = 0;
        self.next_token = None;
        self.loaded = false;
        self.loaded_at = None;
        self.stale = false;
        self.error = None;
        self.seek = None;
        self.refresh = None;
        self.to_end = false;
        self.changed.clear();
    }

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
            (Some(a), _) => table.accelerator(&a.arn, Some(&a.name), &a.static_ips),
            (None, Some(Source::Accelerator { arn, .. })) => table.accelerator(arn, None, &[]),
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
            table.push_destination_mapping(m, name);
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

    pub fn move_by(&mut self, delta: isize) {
        self.hold = false;
        self.reselect = None;
        self.to_end = false;
        if let Some(scan) = self.scan.as_mut() {
            scan.keep = None;
        }
        let last = self.view_len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.view_len().saturating_sub(height));
    }

    /// Parses the port typed at `:` and looks for it: among the loaded rows first, then
    /// by paging forward. Returns the call a seek needs.
    pub fn start_seek(&mut self, typed: &str) -> Result<Option<Call>, String> {
        let port = parse_port(typed).map_err(|e| e.to_string())?;
        self.seek = Some(Seek { port, scanned: 0 });
        let call = self.continue_seek(0);
        if call.is_none() && self.seek.is_some() && self.pending.is_none() {
            self.seek = None;
            return Err(format!("no mapping uses accelerator port {port}"));
        }
        Ok(call)
    }

    /// What the crumb and the title call this browser.
    pub fn describe(&self) -> String {
        match &self.source {
            Some(Source::Destination { subnet, ip }) => format!("mappings of {ip} in {subnet}"),
            Some(Source::Accelerator { group: Some(_), .. }) => {
                format!("mappings of {}", self.title)
            }
            Some(Source::Accelerator { .. }) => format!("all mappings of {}", self.title),
            None => format!("mappings by destination in {}", self.title),
        }
    }
}
