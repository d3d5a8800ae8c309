//! How accelerators, listeners and endpoint groups appear as rows of a list pane.

use super::list::{Column, Row};
use crate::model::{Accelerator, EndpointGroup, Listener, PortRange};

pub use crate::model::{accelerator_arn_of, account_of, listener_arn_of, short_id};

pub fn port_ranges(ranges: &[PortRange]) -> String {
    let parts: Vec<String> = ranges.iter().map(ToString::to_string).collect();
    parts.join(", ")
}

pub fn destinations(group: &EndpointGroup) -> String {
    let parts: Vec<String> = group.destinations.iter().map(ToString::to_string).collect();
    parts.join(", ")
}

pub fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl Row for Accelerator {
    const COLUMNS: &'static [Column] = &[
        Column::text("NAME", 14, true),
        Column::text("STATUS", 11, false),
        Column::text("ENABLED", 7, false),
        Column::text("STATIC IPS", 15, true),
        Column::text("DNS NAME", 20, true),
        Column::text("IP TYPE", 9, false).wide(),
        Column::text("CREATED", 20, false).wide(),
        Column::text("ARN", 40, true).wide(),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.status.to_string(),
            yes_no(self.enabled).to_string(),
            self.static_ips.join(" "),
            self.dns_name.clone(),
            self.ip_address_type
                .map_or("-", |t| t.as_api_str())
                .to_string(),
            self.created.map_or_else(
                || "-".to_string(),
                |t| humantime::format_rfc3339_seconds(t).to_string(),
            ),
            self.arn.clone(),
        ]
    }

    fn id(&self) -> &str {
        &self.arn
    }
}

impl Row for Listener {
    const COLUMNS: &'static [Column] = &[
        Column::text("LISTENER", 12, false),
        Column::text("PORT RANGES", 20, true),
        Column::number("PORTS", 7),
        Column::text("ARN", 40, true).wide(),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            short_id(&self.arn).to_string(),
            port_ranges(&self.port_ranges),
            self.total_ports().to_string(),
            self.arn.clone(),
        ]
    }

    fn id(&self) -> &str {
        &self.arn
    }
}

impl Row for EndpointGroup {
    const COLUMNS: &'static [Column] = &[
        Column::text("REGION", 14, false),
        Column::text("DESTINATION PORTS", 20, true),
        Column::number("SUBNETS", 7),
        Column::text("GROUP", 12, false),
        Column::text("SUBNET IDS", 24, true).wide(),
        Column::text("ARN", 40, true).wide(),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.region.clone(),
            destinations(self),
            self.endpoints.len().to_string(),
            short_id(&self.arn).to_string(),
            self.endpoints.join(" "),
            self.arn.clone(),
        ]
    }

    fn id(&self) -> &str {
        &self.arn
    }
}

/// A subnet endpoint of an endpoint group, as a row of the group's detail, with the group it
/// is in (for the wide view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetEndpoint {
    pub subnet_id: String,
    pub region: String,
    pub group_arn: String,
    /// What EC2 says of the subnet, once the join has it.
    pub ec2: Option<std::sync::Arc<crate::model::join::SubnetView>>,
}

impl Row for SubnetEndpoint {
    const COLUMNS: &'static [Column] = &[
        Column::text("SUBNET ENDPOINT", 24, false),
        Column::text("NAME", 8, true),
        Column::text("CIDR", 15, false),
        Column::text("ZONE", 10, false),
        Column::text("VPC", 12, false),
        Column::number("HELD", 7),
        Column::text("REGION", 14, false).wide(),
        Column::text("GROUP ARN", 40, true).wide(),
    ];

    /// EC2's columns say `-` until the join has the subnet (or when it is off); a subnet EC2
    /// does not know says so in its name.
    fn cells(&self) -> Vec<String> {
        let subnet = self.ec2.as_ref().and_then(|v| v.subnet.as_ref());
        let dash = || "-".to_string();
        let name = match (&self.ec2, subnet) {
            (Some(_), None) => "(EC2 does not know it)".to_string(),
            (_, Some(s)) => s.name.clone().unwrap_or_else(dash),
            (None, None) => dash(),
        };
        let held = match (&self.ec2, subnet) {
            (Some(v), Some(_)) => match v.usable() {
                Some(usable) => format!("{}/{usable}", v.held_usable()),
                None => v.held_usable().to_string(),
            },
            _ => dash(),
        };
        vec![
            self.subnet_id.clone(),
            name,
            subnet
                .and_then(|s| s.cidr)
                .map_or_else(dash, |c| c.to_string()),
            subnet.map_or_else(dash, |s| s.availability_zone.clone()),
            subnet.map_or_else(dash, |s| s.vpc_id.clone()),
            held,
            self.region.clone(),
            self.group_arn.clone(),
        ]
    }

    fn id(&self) -> &str {
        &self.subnet_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: &str =
        "arn:aws:globalaccelerator::111122223333:accelerator/abc/listener/0a1b/endpoint-group/9f8e";

    #[test]
    fn arn_parts() {
        assert_eq!(short_id(GROUP), "9f8e");
        assert_eq!(account_of(GROUP), Some("111122223333"));
        assert_eq!(account_of("arn:aws:x::12:y"), None);
        assert_eq!(
            accelerator_arn_of(GROUP),
            "arn:aws:globalaccelerator::111122223333:accelerator/abc"
        );
        assert_eq!(
            listener_arn_of(GROUP),
            "arn:aws:globalaccelerator::111122223333:accelerator/abc/listener/0a1b"
        );
    }
}
