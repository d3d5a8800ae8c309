//! The port-mapping browser: every mapping of one destination address (by subnet endpoint and
//! IP), or of a whole accelerator or endpoint group. Pages are read only as the cursor nears
//! the end of what is loaded; rows live in a compact table so a million of them stay cheap.

mod filter;
pub mod keys;
mod paging;
pub mod table;

use filter::FilterScan;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use tui_input::Input;

use crate::app::call::{Call, RequestId};
use crate::app::list::Filter;
use crate::app::screens::browser::table::MappingTable;
use crate::model::{Accelerator, EndpointGroup, parse_ipv4, parse_port};

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
    /// Accelerators the accelerators pane shows disabled, by ARN: their rows pass no traffic.
    pub disabled: HashSet<String>,
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
            disabled: HashSet::new(),
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
