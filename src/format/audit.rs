//! An audit finding as `portolan audit` prints it (and as an export of the audit view will):
//! what is wrong, where, on which instance, and what to do, with the fixing call in the API's
//! terms.

use serde_json::{Value, json};

use super::AcceleratorNames;
use super::records::{Column, Record};
use crate::model::TrafficScope;
use crate::model::audit::{Checked, Finding, InstanceRef, Ports, Problem};
use crate::model::ec2::Holding;

/// Port runs a table cell lists before it gives a count instead.
const RUNS_IN_A_CELL: usize = 4;

fn ranges_json(ports: &Ports) -> Value {
    ports
        .ranges()
        .into_iter()
        .map(|(from, to)| json!({"FromPort": from, "ToPort": to}))
        .collect()
}

fn instance_json(i: &InstanceRef) -> Value {
    json!({"InstanceId": i.id, "Name": i.name, "State": i.state.as_api_str()})
}

fn holding_words(h: Holding) -> String {
    match h {
        Holding::Primary => "primary".into(),
        Holding::Secondary => "secondary".into(),
        Holding::Prefix(p) => format!("prefix {p}"),
    }
}

/// `7777-7786`, or a count when the runs are too many for a cell.
fn ports_cell(ports: &Ports, what: &str) -> String {
    let runs = ports.ranges().len();
    if runs <= RUNS_IN_A_CELL {
        format!("{ports} {what}")
    } else {
        format!("{} ports {what} ({runs} runs)", ports.len())
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

/// The fixing call's fields: addresses and ports, or every destination of the subnet.
fn fix_cells(f: &Finding) -> [String; 4] {
    let change = f.fix.change();
    let (all, addresses, ports) = match &change.scope {
        TrafficScope::WholeEndpoint => (true, String::new(), String::new()),
        TrafficScope::Destinations { addresses, ports } => (
            false,
            addresses.join(" "),
            Ports::new(ports.clone()).to_string(),
        ),
    };
    [
        f.fix.operation().to_string(),
        all.to_string(),
        addresses,
        ports,
    ]
}

impl Record for Finding {
    const LIST_KEY: &'static str = "Findings";
    const NOUN: &'static str = "findings";
    const COLUMNS: &'static [&'static str] = &[
        "Finding",
        "AcceleratorName",
        "AcceleratorArn",
        "EndpointGroupArn",
        "EndpointGroupRegion",
        "EndpointId",
        "DestinationAddress",
        "InstanceId",
        "InstanceName",
        "InstanceState",
        "LiveInstances",
        "AllowedPorts",
        "DeniedPorts",
        "Advice",
        "FixOperation",
        "FixAllTraffic",
        "FixAddresses",
        "FixPorts",
    ];
    /// Nothing is ever cut: on a narrow terminal the least needed columns are hidden, and
    /// what to do comes last, where a long line may run on.
    const TABLE: &'static [Column] = &[
        Column::whole("FINDING"),
        Column::whole("ACCELERATOR"),
        Column::whole("ACCELERATOR ARN").wide(),
        Column::whole("REGION").hidden(3),
        Column::whole("ENDPOINT GROUP ARN").wide(),
        Column::whole("SUBNET"),
        Column::whole("ADDRESS"),
        Column::whole("INSTANCE"),
        Column::whole("NAME").hidden(4),
        Column::whole("STATE").hidden(5),
        Column::whole("PORTS").hidden(2),
        Column::whole("WHAT TO DO"),
    ];

    fn to_json(&self) -> Value {
        let (instance, instances, held, holding, interface) = match &self.problem {
            Problem::DeniedPorts {
                instance,
                holding,
                interface_id,
                ..
            } => (
                instance_json(instance),
                Value::Null,
                Value::Null,
                json!(holding_words(*holding)),
                json!(interface_id),
            ),
            Problem::DenyingSubnet {
                instances,
                addresses,
            } => (
                Value::Null,
                instances.iter().map(instance_json).collect(),
                json!(addresses),
                Value::Null,
                Value::Null,
            ),
            Problem::Exposed { .. } => (
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ),
        };
        let (allowed, denied) = match &self.problem {
            Problem::Exposed {
                allowed, denied, ..
            }
            | Problem::DeniedPorts {
                allowed, denied, ..
            } => (ranges_json(allowed), ranges_json(denied)),
            Problem::DenyingSubnet { .. } => (Value::Null, Value::Null),
        };
        json!({
            "Finding": self.kind().as_str(),
            "AcceleratorName": self.accelerator.name,
            "AcceleratorArn": self.accelerator.arn,
            "EndpointGroupArn": self.endpoint_group_arn,
            "EndpointGroupRegion": self.region,
            "EndpointId": self.subnet,
            "DestinationAddress": self.address().map(|a| a.to_string()),
            "AllowedPorts": allowed,
            "DeniedPorts": denied,
            "Instance": instance,
            "NetworkInterfaceId": interface,
            "Holding": holding,
            "LiveInstances": instances,
            "HeldAddresses": held,
            "Advice": self.advice(),
            "Fix": fix_json(self),
        })
    }

    fn cells(&self) -> Vec<String> {
        let (id, name, state, live) = match &self.problem {
            Problem::DeniedPorts { instance, .. } => (
                instance.id.clone(),
                instance.name.clone().unwrap_or_default(),
                instance.state.to_string(),
                String::new(),
            ),
            Problem::DenyingSubnet { instances, .. } => (
                instances
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                String::new(),
                String::new(),
                instances.len().to_string(),
            ),
            Problem::Exposed { .. } => Default::default(),
        };
        let (allowed, denied) = match &self.problem {
            Problem::Exposed {
                allowed, denied, ..
            }
            | Problem::DeniedPorts {
                allowed, denied, ..
            } => (allowed.to_string(), denied.to_string()),
            Problem::DenyingSubnet { .. } => Default::default(),
        };
        let [operation, all, addresses, ports] = fix_cells(self);
        vec![
            self.kind().as_str().to_string(),
            self.accelerator.name.clone(),
            self.accelerator.arn.clone(),
            self.endpoint_group_arn.clone(),
            self.region.clone(),
            self.subnet.clone(),
            self.address().map(|a| a.to_string()).unwrap_or_default(),
            id,
            name,
            state,
            live,
            allowed,
            denied,
            self.advice(),
            operation,
            all,
            addresses,
            ports,
        ]
    }

    fn row(&self, _: &AcceleratorNames) -> Vec<String> {
        let (instance, name, state, ports) = match &self.problem {
            Problem::Exposed { allowed, .. } => (
                "-".to_string(),
                "-".to_string(),
                "-".to_string(),
                ports_cell(allowed, "allowed"),
            ),
            Problem::DenyingSubnet { instances, .. } => (
                format!("{} live", instances.len()),
                "-".to_string(),
                "-".to_string(),
                "all denied".to_string(),
            ),
            Problem::DeniedPorts {
                instance, denied, ..
            } => (
                instance.id.clone(),
                or_dash(instance.name.as_deref()),
                instance.state.to_string(),
                ports_cell(denied, "denied"),
            ),
        };
        vec![
            self.kind().as_str().to_string(),
            self.accelerator.name.clone(),
            self.accelerator.arn.clone(),
            self.region.clone(),
            self.endpoint_group_arn.clone(),
            self.subnet.clone(),
            self.address()
                .map_or_else(|| "-".to_string(), |a| a.to_string()),
            instance,
            name,
            state,
            ports,
            self.advice(),
        ]
    }
}

/// The call that fixes a finding, as the journal writes requests.
fn fix_json(f: &Finding) -> Value {
    let change = f.fix.change();
    let (all, addresses, ports) = match &change.scope {
        TrafficScope::WholeEndpoint => (true, Vec::new(), Vec::new()),
        TrafficScope::Destinations { addresses, ports } => {
            (false, addresses.clone(), ports.clone())
        }
    };
    let all_key = if f.fix.allows() {
        "AllowAllTrafficToEndpoint"
    } else {
        "DenyAllTrafficToEndpoint"
    };
    let mut call = json!({
        "Operation": f.fix.operation(),
        "EndpointGroupArn": change.endpoint_group_arn,
        "EndpointId": change.endpoint_id,
    });
    if all {
        call[all_key] = json!(true);
    } else {
        call["DestinationAddresses"] = json!(addresses);
        if !ports.is_empty() {
            call["DestinationPorts"] = json!(ports);
        }
    }
    call
}

/// What the audit looked at, under the names the JSON document gives it.
pub fn checked_json(c: &Checked) -> Value {
    json!({
        "Accelerators": c.accelerators,
        "EndpointGroups": c.groups,
        "Subnets": c.subnets,
        "Destinations": c.destinations,
        "Instances": c.instances,
        "Mappings": c.mappings,
    })
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
