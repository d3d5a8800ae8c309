//! The port-mapping browser: every mapping of one destination address (by subnet endpoint and
//! IP), or of a whole accelerator or endpoint group. Pages are read only as the cursor nears
//! the end of what is loaded; rows live in a compact table so a million of them stay cheap.

pub mod keys;
mod paging;
pub mod table;

use std::collections::{HashMap, HashSet};
use unicode_width::UnicodeWidthStr as _;

use ipnet::Ipv4Net;
use tui_input::Input;

use crate::app::call::{Call, RequestId};
use crate::app::list::List;
use crate::app::screens::browser::table::MappingTable;
use crate::model::behind::outside_every;
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
    /// What the lookup did that was not asked for (another subnet, by its CIDR).
    pub note: Option<String>,
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
    /// The endpoint group a by-destination browser was opened on: a pasted list of
    /// addresses is changed in it.
    pub group: Option<EndpointGroup>,
    /// The form has the keys (otherwise the rows do).
    pub editing: bool,
    pub source: Option<Source>,
    /// The loaded mappings: pages, view, filter, sort, cursor, change marks.
    pub list: List<MappingTable>,
    /// An endpoint group whose destination ranges (and so protocols) are still to be read.
    pub describe_group: Option<String>,
    pub regions_pending: Option<RequestId>,
    pub seek: Option<Seek>,
    pub prompt: Option<Prompt>,
    pub page_size: i32,
}

impl Browser {
    fn empty(title: String, names: HashMap<String, String>, page_size: i32) -> Self {
        Self {
            title,
            names,
            disabled: HashSet::new(),
            accelerator: None,
            form: None,
            group: None,
            editing: false,
            source: None,
            list: List::default(),
            describe_group: None,
            regions_pending: None,
            seek: None,
            prompt: None,
            page_size,
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
        b.list
            .store_mut()
            .set_destinations(&group.arn, group.destinations.clone());
        if group.destinations.is_empty() {
            // Opened from a lookup: the group's port ranges name each row's protocols.
            b.describe_group = Some(group.arn.clone());
        }
        b.list.store_mut().set_region(&group.arn, &group.region);
        let choice = preselect
            .and_then(|s| group.endpoints.iter().position(|e| e == s))
            .unwrap_or(0);
        b.form = Some(DestinationForm {
            subnets: group.endpoints.clone(),
            choice,
            address: Input::default(),
            focus: FormField::Address,
            error: None,
            note: None,
        });
        b.editing = true;
        b.group = Some(group.clone());
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
            b.list.store_mut().set_region(&g.arn, &g.region);
        }
        b.accelerator = Some(accelerator.clone());
        b.source = Some(Source::Accelerator {
            arn: accelerator.arn.clone(),
            group: group.map(|g| g.arn.clone()),
        });
        b
    }

    /// The loaded mappings.
    pub fn table(&self) -> &MappingTable {
        self.list.rows()
    }

    pub fn view_len(&self) -> usize {
        self.list.view_len()
    }

    /// The table index of the row at position `i` of the view.
    pub fn row_index(&self, i: usize) -> Option<usize> {
        self.list.row_index(i)
    }

    /// The selected position in the view.
    pub fn selected(&self) -> usize {
        self.list.selected_index()
    }

    /// The table index of the selected row.
    pub fn selected_row(&self) -> Option<usize> {
        self.list.selected_row()
    }

    pub fn is_complete(&self) -> bool {
        self.list.is_complete()
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
        self.submit_form_within(|_| None)
    }

    /// [`Browser::submit_form`], knowing the CIDR of some of the group's subnets (what EC2
    /// said): the subnet whose CIDR holds the address is the one asked, and an address outside
    /// every subnet is said as a fact, without asking.
    pub fn submit_form_within(&mut self, cidr_of: impl Fn(&str) -> Option<Ipv4Net>) -> bool {
        let Some(form) = self.form.as_mut() else {
            return false;
        };
        let Some(mut subnet) = form.subnet().map(str::to_string) else {
            form.error = Some("this endpoint group has no subnet endpoints".into());
            return false;
        };
        form.note = None;
        match parse_ipv4(form.address.value()) {
            Ok(ip) => {
                if let Some(cidr) = cidr_of(&subnet).filter(|c| !c.contains(&ip)) {
                    let holder = form
                        .subnets
                        .iter()
                        .position(|s| cidr_of(s).is_some_and(|c| c.contains(&ip)));
                    let Some(at) = holder else {
                        form.error = Some(outside(&form.subnets, &subnet, cidr, ip, &cidr_of));
                        return false;
                    };
                    form.choice = at;
                    let held = form.subnets[at].clone();
                    let block = cidr_of(&held).map(|c| c.to_string()).unwrap_or_default();
                    form.note = Some(format!(
                        "{ip} is in this subnet's block ({block}), not in {cidr}"
                    ));
                    subnet = held;
                }
                form.error = None;
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

    /// The region of the endpoint group a by-destination browser looks in.
    pub fn group_region(&self) -> Option<&str> {
        self.group.as_ref().map(|g| g.region.as_str())
    }

    fn clear_rows(&mut self) {
        let regions = std::mem::take(self.list.store_mut()).without_rows();
        self.list.clear(regions);
        self.seek = None;
    }

    /// Parses the port typed at `:` and looks for it: among the loaded rows first, then
    /// by paging forward. Returns the call a seek needs.
    pub fn start_seek(&mut self, typed: &str) -> Result<Option<Call>, String> {
        let port = parse_port(typed).map_err(|e| e.to_string())?;
        self.seek = Some(Seek { port, scanned: 0 });
        let call = self.continue_seek(0);
        if call.is_none() && self.seek.is_some() && !self.list.is_loading() {
            self.seek = None;
            return Err(format!("no mapping uses accelerator port {port}"));
        }
        Ok(call)
    }

    /// What the crumb and the title call this browser.
    /// What the line under the destination form says, and whether it is an error.
    pub fn form_note(&self) -> Option<(String, bool)> {
        let form = self.form.as_ref()?;
        Some(match (&form.error, &form.note) {
            (Some(e), _) => (format!("✗ {e}"), true),
            (None, Some(n)) if !self.editing => (n.clone(), false),
            (None, _) if self.editing => (
                "Enter looks up the address; Tab switches field, ↑↓ pick the subnet".into(),
                false,
            ),
            (None, _) => ("Tab: change the destination".into(), false),
        })
    }

    /// Rows of the frame above the table when it is `width` cells wide inside: the form (its
    /// note takes two lines when longer than the width) and the filter line.
    pub fn rows_above(&self, width: u16) -> u16 {
        let form = match self.form_note() {
            Some((note, _)) if note.width() > usize::from(width) => 3,
            Some(_) => 2,
            None => 0,
        };
        form + u16::from(self.list.filter.editing || self.list.filter.is_active())
    }

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

/// Why `ip` is asked of no subnet: outside every subnet of the group when every CIDR is
/// known, else outside the chosen one.
fn outside(
    subnets: &[String],
    chosen: &str,
    cidr: Ipv4Net,
    ip: std::net::Ipv4Addr,
    cidr_of: &impl Fn(&str) -> Option<Ipv4Net>,
) -> String {
    let mut known: Vec<Ipv4Net> = subnets.iter().filter_map(|s| cidr_of(s)).collect();
    if known.len() < subnets.len() {
        return format!(
            "{ip} is outside {chosen} ({cidr}); Tab and ↑↓ pick another of the group's subnets"
        );
    }
    known.sort();
    known.dedup();
    outside_every(ip, "this group", &known)
}
