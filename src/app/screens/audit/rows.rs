//! The audit view's rows: one finding each, with the cells its columns show, and what to do
//! once its fix was made here.

use crate::app::list::{Column, Row};
use crate::model::TrafficScope;
use crate::model::audit::{Finding, Ports, Problem};

/// Port runs a cell lists before it gives a count instead.
const RUNS_IN_A_CELL: usize = 4;

/// One line of the audit view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: String,
    pub finding: Finding,
    /// Its fix was made from this view (`u` undoes it, as any change).
    pub done: bool,
}

impl AuditRow {
    pub fn new(finding: Finding) -> Self {
        let address = finding
            .address()
            .map_or_else(String::new, |a| a.to_string());
        let id = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{address}",
            finding.kind(),
            finding.endpoint_group_arn,
            finding.subnet
        );
        Self {
            id,
            finding,
            done: false,
        }
    }

    /// What the fix does, in the words of the confirmation: `deny`, `allow`.
    pub fn verb(&self) -> &'static str {
        if self.finding.fix.allows() {
            "allow"
        } else {
            "deny"
        }
    }

    /// What the row says to do: the advice, or that it was done.
    pub fn what_to_do(&self) -> String {
        if self.done {
            let done = if self.finding.fix.allows() {
                "allowed"
            } else {
                "denied"
            };
            format!("✓ {done} here (u undoes, r runs the audit again)")
        } else {
            self.finding.advice()
        }
    }

    /// The instances of the finding: one's Name, id and state; how many a subnet denies (the
    /// detail line and `-o json` name them).
    fn instance_cells(&self) -> [String; 3] {
        let dash = || "-".to_string();
        match &self.finding.problem {
            Problem::DeniedPorts { instance, .. } => [
                instance
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(dash),
                instance.id.clone(),
                instance.state.to_string(),
            ],
            Problem::DenyingSubnet { instances, .. } => {
                [dash(), format!("{} live", instances.len()), dash()]
            }
            Problem::Exposed { .. } => [dash(), dash(), dash()],
        }
    }

    /// The ports the finding is about: the allowed ones of an exposed address, the denied
    /// ones of an instance; every port of a denying subnet.
    pub fn ports_cell(&self) -> String {
        match self.finding.ports() {
            Some(ports) => ports_words(ports),
            None => "all".into(),
        }
    }

    /// The fix in the API's terms, as one line: `DenyCustomRoutingTraffic every port of
    /// 10.0.3.17`.
    pub fn fix_words(&self) -> String {
        let change = self.finding.fix.change();
        let scope = match &change.scope {
            TrafficScope::WholeEndpoint => format!("all traffic to {}", change.endpoint_id),
            TrafficScope::Destinations { addresses, ports } if ports.is_empty() => {
                format!("every port of {}", addresses.join(" "))
            }
            TrafficScope::Destinations { addresses, ports } => format!(
                "ports {} of {}",
                Ports::new(ports.clone()),
                addresses.join(" ")
            ),
        };
        format!("{} {scope}", self.finding.fix.operation())
    }
}

/// `7777-7786 8000`, or a count when the runs are too many for a cell.
fn ports_words(ports: &Ports) -> String {
    let runs = ports.ranges().len();
    if runs <= RUNS_IN_A_CELL {
        ports.to_string()
    } else {
        format!("{} ports in {runs} runs", ports.len())
    }
}

impl Row for AuditRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("KIND", 14, false),
        Column::text("ACCELERATOR", 12, true),
        Column::text("REGION", 12, false),
        Column::text("SUBNET", 24, false),
        Column::text("ADDRESS", 13, false),
        Column::text("INSTANCE", 12, true),
        Column::text("INSTANCE ID", 19, false),
        Column::text("STATE", 8, false),
        Column::text("PORTS", 9, false),
        Column::text("WHAT TO DO", 20, true),
        Column::text("GROUP", 12, false).wide(),
        Column::text("INTERFACE", 21, false).wide(),
        Column::text("FIX", 24, false).wide(),
    ];

    fn cells(&self) -> Vec<String> {
        let f = &self.finding;
        let [name, id, state] = self.instance_cells();
        let interface = match &f.problem {
            Problem::DeniedPorts { interface_id, .. } => interface_id.clone(),
            _ => "-".into(),
        };
        vec![
            f.kind().as_str().to_string(),
            f.accelerator.name.clone(),
            f.region.clone(),
            f.subnet.clone(),
            f.address().map_or_else(|| "-".into(), |a| a.to_string()),
            name,
            id,
            state,
            self.ports_cell(),
            self.what_to_do(),
            crate::app::rows::short_id(&f.endpoint_group_arn).to_string(),
            interface,
            f.fix.operation().to_string(),
        ]
    }

    fn id(&self) -> &str {
        &self.id
    }
}
