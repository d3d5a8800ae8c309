//! Each listed item as the AWS CLI names its fields (JSON) and as rows (CSV, table).

use std::time::SystemTime;

use serde_json::{Value, json};

use super::AcceleratorNames;
use crate::model::{
    Accelerator, DestinationPortMapping, EndpointGroup, Listener, PortMapping, SocketAddress,
    accelerator_arn_of,
};

/// How a table cell may be fitted into a narrow column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// A name people read: may be cut, and then ends in `…`.
    Name,
    /// An id, number or address: a cut one looks like another, so it is printed whole or its
    /// column is hidden.
    Whole,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub heading: &'static str,
    pub fit: Fit,
    /// Which column a terminal too narrow for the table hides first: the highest goes first;
    /// 0 is never hidden.
    pub hide_order: u8,
    /// Only in `-o wide`, beside the name it identifies.
    pub wide_only: bool,
}

impl Column {
    pub(super) const fn name(heading: &'static str) -> Self {
        Self {
            heading,
            fit: Fit::Name,
            hide_order: 0,
            wide_only: false,
        }
    }

    pub(super) const fn whole(heading: &'static str) -> Self {
        Self {
            heading,
            fit: Fit::Whole,
            hide_order: 0,
            wide_only: false,
        }
    }

    pub(super) const fn hidden(mut self, order: u8) -> Self {
        self.hide_order = order;
        self
    }

    pub(super) const fn wide(mut self) -> Self {
        self.wide_only = true;
        self
    }
}

pub trait Record {
    /// The list's key in the AWS CLI's answer (`PortMappings`, …).
    const LIST_KEY: &'static str;
    /// What an empty table says there is none of.
    const NOUN: &'static str;
    /// CSV header, in the API's field names.
    const COLUMNS: &'static [&'static str];
    /// Table columns, in people's words, names first; `-o wide` shows them all.
    const TABLE: &'static [Column];
    fn to_json(&self) -> Value;
    /// CSV cells, one per `COLUMNS`.
    fn cells(&self) -> Vec<String>;
    /// Table cells, one per `TABLE`; `names` turns accelerator ARNs into names.
    fn row(&self, names: &AcceleratorNames) -> Vec<String>;
}

pub(super) fn time(t: Option<SystemTime>) -> Value {
    t.map_or(Value::Null, |t| {
        json!(humantime::format_rfc3339_seconds(t).to_string())
    })
}

pub(super) fn socket_json(s: &SocketAddress) -> Value {
    json!({"IpAddress": s.ip, "Port": s.port})
}

fn sockets(list: &[SocketAddress]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

fn protocols(p: crate::model::ProtocolSet) -> Vec<&'static str> {
    p.iter().map(|p| p.as_api_str()).collect()
}

impl Record for Accelerator {
    const LIST_KEY: &'static str = "Accelerators";
    const NOUN: &'static str = "accelerators";
    const COLUMNS: &'static [&'static str] = &[
        "Name",
        "Status",
        "Enabled",
        "IpAddresses",
        "DnsName",
        "AcceleratorArn",
    ];
    const TABLE: &'static [Column] = &[
        Column::name("NAME"),
        Column::whole("STATUS").hidden(3),
        Column::whole("ENABLED").hidden(2),
        Column::whole("STATIC IPS").hidden(1),
        Column::whole("DNS NAME").hidden(5),
        Column::whole("ARN").hidden(4),
    ];

    fn to_json(&self) -> Value {
        let (v4, v6): (Vec<&String>, Vec<&String>) =
            self.static_ips.iter().partition(|ip| !ip.contains(':'));
        let mut sets =
            vec![json!({"IpFamily": "IPv4", "IpAddresses": v4, "IpAddressFamily": "IPv4"})];
        if !v6.is_empty() {
            sets.push(json!({"IpFamily": "IPv6", "IpAddresses": v6, "IpAddressFamily": "IPv6"}));
        }
        json!({
            "AcceleratorArn": self.arn,
            "Name": self.name,
            "IpAddressType": self.ip_address_type.map(|t| t.as_api_str()),
            "Enabled": self.enabled,
            "IpSets": sets,
            "DnsName": self.dns_name,
            "Status": self.status.as_api_str(),
            "CreatedTime": time(self.created),
            "LastModifiedTime": time(self.last_modified),
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.status.to_string(),
            self.enabled.to_string(),
            self.static_ips.join(" "),
            self.dns_name.clone(),
            self.arn.clone(),
        ]
    }

    fn row(&self, _: &AcceleratorNames) -> Vec<String> {
        self.cells()
    }
}

impl Record for Listener {
    const LIST_KEY: &'static str = "Listeners";
    const NOUN: &'static str = "listeners";
    const COLUMNS: &'static [&'static str] = &["ListenerArn", "PortRanges", "TotalPorts"];
    /// A listener has no name: its ports are what people know it by (and, in `-o wide`, its
    /// accelerator's name beside its ARN).
    const TABLE: &'static [Column] = &[
        Column::name("ACCELERATOR").wide(),
        Column::whole("PORT RANGES"),
        Column::whole("PORTS").hidden(1),
        Column::whole("LISTENER ARN"),
    ];

    fn to_json(&self) -> Value {
        let ranges: Vec<Value> = self
            .port_ranges
            .iter()
            .map(|r| json!({"FromPort": r.from_port(), "ToPort": r.to_port()}))
            .collect();
        json!({"ListenerArn": self.arn, "PortRanges": ranges})
    }

    fn cells(&self) -> Vec<String> {
        let ranges: Vec<String> = self.port_ranges.iter().map(ToString::to_string).collect();
        vec![
            self.arn.clone(),
            ranges.join(" "),
            self.total_ports().to_string(),
        ]
    }

    fn row(&self, names: &AcceleratorNames) -> Vec<String> {
        let [arn, ranges, ports] = <[String; 3]>::try_from(self.cells()).unwrap_or_default();
        let name = names.name_of(accelerator_arn_of(&self.arn)).to_string();
        vec![name, ranges, ports, arn]
    }
}

impl Record for EndpointGroup {
    const LIST_KEY: &'static str = "EndpointGroups";
    const NOUN: &'static str = "endpoint groups";
    const COLUMNS: &'static [&'static str] = &[
        "EndpointGroupArn",
        "EndpointGroupRegion",
        "Destinations",
        "EndpointIds",
    ];
    /// One group per region per listener: the region is what people call it (and, in
    /// `-o wide`, its accelerator's name).
    const TABLE: &'static [Column] = &[
        Column::name("ACCELERATOR").wide(),
        Column::whole("REGION"),
        Column::whole("DESTINATIONS").hidden(1),
        Column::whole("SUBNETS").hidden(2),
        Column::whole("SUBNET IDS").wide(),
        Column::whole("ENDPOINT GROUP ARN").hidden(3),
    ];

    fn to_json(&self) -> Value {
        json!({
            "EndpointGroupArn": self.arn,
            "EndpointGroupRegion": self.region,
            "DestinationDescriptions": self.destinations.iter().map(|d| json!({
                "FromPort": d.ports.from_port(), "ToPort": d.ports.to_port(), "Protocols": protocols(d.protocols),
            })).collect::<Vec<_>>(),
            "EndpointDescriptions": self.endpoints.iter().map(|e| json!({"EndpointId": e})).collect::<Vec<_>>(),
        })
    }

    fn cells(&self) -> Vec<String> {
        let dests: Vec<String> = self
            .destinations
            .iter()
            .map(|d| format!("{}/{}", d.ports, d.protocols))
            .collect();
        vec![
            self.arn.clone(),
            self.region.clone(),
            dests.join(" "),
            self.endpoints.join(" "),
        ]
    }

    fn row(&self, names: &AcceleratorNames) -> Vec<String> {
        let [arn, region, destinations, subnets] =
            <[String; 4]>::try_from(self.cells()).unwrap_or_default();
        let count = self.endpoints.len().to_string();
        let name = names.name_of(accelerator_arn_of(&self.arn)).to_string();
        vec![name, region, destinations, count, subnets, arn]
    }
}

/// A port mapping and its accelerator. The AWS CLI's document has no accelerator field (its
/// listing covers one accelerator), so JSON carries it only when a listing spans several
/// (`mappings --all`); CSV and table rows always do.
pub struct AcceleratorPortMapping {
    pub accelerator_arn: String,
    pub spans_accelerators: bool,
    pub mapping: PortMapping,
}

impl Record for AcceleratorPortMapping {
    const LIST_KEY: &'static str = "PortMappings";
    const NOUN: &'static str = "port mappings";
    const COLUMNS: &'static [&'static str] = &[
        "AcceleratorArn",
        "AcceleratorPort",
        "EndpointGroupArn",
        "EndpointId",
        "DestinationSocketAddress",
        "Protocols",
        "DestinationTrafficState",
    ];
    const TABLE: &'static [Column] = &[
        Column::name("ACCELERATOR"),
        Column::whole("ACCELERATOR ARN").wide(),
        Column::whole("ACC PORT"),
        Column::whole("DESTINATION"),
        Column::whole("PROTOCOLS").hidden(3),
        Column::whole("TRAFFIC").hidden(1),
        Column::whole("SUBNET").hidden(2),
        Column::whole("ENDPOINT GROUP ARN").hidden(4),
    ];

    fn to_json(&self) -> Value {
        let m = &self.mapping;
        let mut v = json!({
            "AcceleratorPort": m.accelerator_port,
            "EndpointGroupArn": m.endpoint_group_arn,
            "EndpointId": m.endpoint_id,
            "DestinationSocketAddress": socket_json(&m.destination),
            "Protocols": protocols(m.protocols),
            "DestinationTrafficState": m.traffic.as_api_str(),
        });
        if self.spans_accelerators {
            v["AcceleratorArn"] = json!(self.accelerator_arn);
        }
        v
    }

    fn cells(&self) -> Vec<String> {
        let m = &self.mapping;
        vec![
            self.accelerator_arn.clone(),
            m.accelerator_port.to_string(),
            m.endpoint_group_arn.clone(),
            m.endpoint_id.clone(),
            m.destination.to_string(),
            protocols(m.protocols).join(" "),
            m.traffic.to_string(),
        ]
    }

    fn row(&self, names: &AcceleratorNames) -> Vec<String> {
        let m = &self.mapping;
        vec![
            names.name_of(&self.accelerator_arn).to_string(),
            self.accelerator_arn.clone(),
            m.accelerator_port.to_string(),
            m.destination.to_string(),
            protocols(m.protocols).join(" "),
            m.traffic.to_string(),
            m.endpoint_id.clone(),
            m.endpoint_group_arn.clone(),
        ]
    }
}

impl Record for DestinationPortMapping {
    const LIST_KEY: &'static str = "DestinationPortMappings";
    const NOUN: &'static str = "port mappings for that destination";
    const COLUMNS: &'static [&'static str] = &[
        "AcceleratorArn",
        "AcceleratorSocketAddresses",
        "EndpointGroupArn",
        "EndpointId",
        "EndpointGroupRegion",
        "DestinationSocketAddress",
        "IpAddressType",
        "DestinationTrafficState",
    ];
    /// Every static IP of an accelerator shares the accelerator port, so the port is its own
    /// column and the IPs another.
    const TABLE: &'static [Column] = &[
        Column::name("ACCELERATOR"),
        Column::whole("ACCELERATOR ARN").wide(),
        Column::whole("ACC PORT"),
        Column::whole("STATIC IPS").hidden(2),
        Column::whole("DESTINATION"),
        Column::whole("TRAFFIC").hidden(1),
        Column::whole("REGION").hidden(3),
        Column::whole("SUBNET").hidden(4),
        Column::whole("IP TYPE").hidden(5),
        Column::whole("ENDPOINT GROUP ARN").hidden(6),
    ];

    fn to_json(&self) -> Value {
        json!({
            "AcceleratorArn": self.accelerator_arn,
            "AcceleratorSocketAddresses": self.accelerator_sockets.iter().map(socket_json).collect::<Vec<_>>(),
            "EndpointGroupArn": self.endpoint_group_arn,
            "EndpointId": self.endpoint_id,
            "EndpointGroupRegion": self.endpoint_group_region,
            "DestinationSocketAddress": socket_json(&self.destination),
            "IpAddressType": self.ip_address_type.map(|t| t.as_api_str()),
            "DestinationTrafficState": self.traffic.as_api_str(),
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.accelerator_arn.clone(),
            sockets(&self.accelerator_sockets),
            self.endpoint_group_arn.clone(),
            self.endpoint_id.clone(),
            self.endpoint_group_region.clone(),
            self.destination.to_string(),
            self.ip_address_type
                .map(|t| t.as_api_str())
                .unwrap_or_default()
                .to_string(),
            self.traffic.to_string(),
        ]
    }

    fn row(&self, names: &AcceleratorNames) -> Vec<String> {
        // One port for all static IPs; should an answer ever disagree, every port is shown.
        let mut ports: Vec<u16> = self.accelerator_sockets.iter().map(|s| s.port).collect();
        ports.dedup();
        let ports: Vec<String> = ports.iter().map(ToString::to_string).collect();
        let ips: Vec<&str> = self
            .accelerator_sockets
            .iter()
            .map(|s| s.ip.as_str())
            .collect();
        vec![
            names.name_of(&self.accelerator_arn).to_string(),
            self.accelerator_arn.clone(),
            ports.join(" "),
            ips.join(" "),
            self.destination.to_string(),
            self.traffic.to_string(),
            self.endpoint_group_region.clone(),
            self.endpoint_id.clone(),
            self.ip_address_type
                .map(|t| t.as_api_str())
                .unwrap_or_default()
                .to_string(),
            self.endpoint_group_arn.clone(),
        ]
    }
}

/// A subnet endpoint that holds a destination address (`portolan whois 10.0.3.17`). No AWS
/// call answers this, so the fields take the API's names for the same things.
pub struct DestinationHolder {
    pub address: String,
    pub accelerator_name: String,
    pub endpoint_group_arn: String,
    pub region: String,
    pub subnet: String,
}

impl Record for DestinationHolder {
    const LIST_KEY: &'static str = "Holders";
    const NOUN: &'static str = "subnets holding that address";
    const COLUMNS: &'static [&'static str] = &[
        "DestinationAddress",
        "AcceleratorName",
        "EndpointGroupArn",
        "EndpointGroupRegion",
        "EndpointId",
    ];
    const TABLE: &'static [Column] = &[
        Column::whole("ADDRESS"),
        Column::whole("SUBNET"),
        Column::whole("REGION"),
        Column::name("ACCELERATOR"),
        Column::whole("ACCELERATOR ARN").wide(),
        Column::whole("ENDPOINT GROUP ARN").hidden(1),
    ];

    fn to_json(&self) -> Value {
        json!({
            "DestinationAddress": self.address,
            "AcceleratorName": self.accelerator_name,
            "EndpointGroupArn": self.endpoint_group_arn,
            "EndpointGroupRegion": self.region,
            "EndpointId": self.subnet,
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.address.clone(),
            self.accelerator_name.clone(),
            self.endpoint_group_arn.clone(),
            self.region.clone(),
            self.subnet.clone(),
        ]
    }

    fn row(&self, _: &AcceleratorNames) -> Vec<String> {
        vec![
            self.address.clone(),
            self.subnet.clone(),
            self.region.clone(),
            self.accelerator_name.clone(),
            accelerator_arn_of(&self.endpoint_group_arn).to_string(),
            self.endpoint_group_arn.clone(),
        ]
    }
}
