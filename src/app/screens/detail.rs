//! The screens' own state: the listeners and endpoint-groups panes (a list under what they
//! belong to) and the detail views, each field loaded on its own.

use std::time::Instant;

use crate::app::call::RequestId;
use crate::app::list::ListPane;
use crate::app::rows::SubnetEndpoint;
use crate::model::{Accelerator, AcceleratorAttributes, EndpointGroup, Listener, Tag};

/// One value loaded by a single call, kept (and marked stale) when a reload fails.
#[derive(Debug, Clone)]
pub struct Loadable<T> {
    pub value: Option<T>,
    pub pending: Option<RequestId>,
    pub loaded_at: Option<Instant>,
    pub error: Option<String>,
    pub stale: bool,
}

impl<T> Default for Loadable<T> {
    fn default() -> Self {
        Self {
            value: None,
            pending: None,
            loaded_at: None,
            error: None,
            stale: false,
        }
    }
}

impl<T> Loadable<T> {
    pub fn arrived(&mut self, value: T, now: Instant) {
        self.value = Some(value);
        self.pending = None;
        self.loaded_at = Some(now);
        self.error = None;
        self.stale = false;
    }

    pub fn failed(&mut self, message: String) {
        self.pending = None;
        self.error = Some(message);
        self.stale = self.value.is_some();
    }
}

#[derive(Debug, Clone)]
pub struct ListenersScreen {
    pub accelerator: Accelerator,
    pub pane: ListPane<Listener>,
}

#[derive(Debug, Clone)]
pub struct GroupsScreen {
    pub accelerator: Accelerator,
    pub listener: Listener,
    pub pane: ListPane<EndpointGroup>,
}

/// `i` on an accelerator: every field, its tags and its flow-log attributes.
#[derive(Debug, Clone)]
pub struct AcceleratorInfo {
    pub accelerator: Loadable<Accelerator>,
    pub tags: Loadable<Vec<Tag>>,
    pub attributes: Loadable<AcceleratorAttributes>,
    pub scroll: u16,
}

/// `i` on a listener.
#[derive(Debug, Clone)]
pub struct ListenerInfo {
    pub accelerator: Accelerator,
    pub listener: Loadable<Listener>,
    /// Ports held and used (counted from the index or the mappings).
    pub usage: Loadable<crate::model::capacity::ListenerUsage>,
    /// Where a mapping index may be.
    pub index_dir: Option<std::path::PathBuf>,
    pub scroll: u16,
}

/// `Enter` on an endpoint group: every field, and its subnet endpoints as a list of their own.
#[derive(Debug, Clone)]
pub struct GroupDetail {
    pub accelerator: Accelerator,
    pub listener: Listener,
    pub group: Loadable<EndpointGroup>,
    pub endpoints: ListPane<SubnetEndpoint>,
}

/// Width of the field names in a detail view.
pub const FIELD_NAME_WIDTH: u16 = 16;

/// Terminal rows `fields` take inside a frame `width` cells wide when long values wrap.
pub fn fields_height(fields: &[(&str, String)], width: u16) -> u16 {
    let value_width = usize::from(width.saturating_sub(2 + FIELD_NAME_WIDTH)).max(1);
    let rows: usize = fields
        .iter()
        .map(|(_, v)| v.chars().count().div_ceil(value_width).max(1))
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

impl GroupDetail {
    /// Every field of the group, ARN included, as the detail shows them.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let Some(g) = &self.group.value else {
            return Vec::new();
        };
        vec![
            ("Region", g.region.clone()),
            ("ARN", g.arn.clone()),
            ("Destinations", crate::app::rows::destinations(g)),
            ("Subnets", g.endpoints.len().to_string()),
            (
                "Listener",
                format!(
                    "{} ({})",
                    crate::app::rows::short_id(&self.listener.arn),
                    crate::app::rows::port_ranges(&self.listener.port_ranges)
                ),
            ),
            ("Accelerator", self.accelerator.name.clone()),
        ]
    }

    /// Rows of the fields frame at a terminal `size`: what the fields need, at most half the
    /// space between the breadcrumbs and the status bar.
    pub fn fields_frame_height(&self, size: (u16, u16)) -> u16 {
        let body = size.1.saturating_sub(4);
        (fields_height(&self.fields(), size.0) + 2).min(body / 2)
    }

    pub fn set_group(&mut self, group: EndpointGroup, now: Instant) {
        let endpoints = group
            .endpoints
            .iter()
            .map(|s| SubnetEndpoint {
                subnet_id: s.clone(),
                region: group.region.clone(),
                group_arn: group.arn.clone(),
                ec2: None,
            })
            .collect();
        self.endpoints.replace_rows(endpoints, now);
        self.group.arrived(group, now);
    }
}
