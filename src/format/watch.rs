//! A watched row as `portolan watch` prints it: its state when the watch starts, then one
//! line per change.

use std::time::SystemTime;

use serde_json::{Value, json};

use super::AcceleratorNames;
use super::records::{Column, Record, socket_json, time};
use crate::model::watch::{Change, Presence, WatchRow, change_words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEventKind {
    /// What a pin shows when the watch starts.
    State,
    /// A row that changed, as it is now.
    Change,
}

impl WatchEventKind {
    fn as_str(self) -> &'static str {
        match self {
            WatchEventKind::State => "state",
            WatchEventKind::Change => "change",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEvent {
    pub kind: WatchEventKind,
    pub at: SystemTime,
    pub row: WatchRow,
    /// Empty for a state event.
    pub changes: Vec<Change>,
}

impl WatchEvent {
    /// The changes in words, or for a state event what the verdict means.
    fn message(&self) -> String {
        if self.kind == WatchEventKind::Change {
            return change_words(&self.changes);
        }
        match (self.row.presence, self.row.verdict()) {
            (Presence::Gone(why), _) => format!("gone: {}", why.words()),
            (_, Some(v)) => v.explanation().to_string(),
            (_, None) => String::new(),
        }
    }

    /// `HH:MM:SSZ`: enough for a line on a terminal, the date is in the JSON.
    fn clock(&self) -> String {
        let full = humantime::format_rfc3339_seconds(self.at).to_string();
        full.get(11..).unwrap_or(&full).to_string()
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

impl Record for WatchEvent {
    const LIST_KEY: &'static str = "WatchEvents";
    const NOUN: &'static str = "watched destinations";
    const COLUMNS: &'static [&'static str] = &[
        "Event",
        "Time",
        "Pin",
        "Verdict",
        "AcceleratorName",
        "AcceleratorArn",
        "AcceleratorEnabled",
        "AcceleratorStatus",
        "ListenerArn",
        "EndpointGroupArn",
        "EndpointGroupRegion",
        "EndpointId",
        "DestinationSocketAddress",
        "AcceleratorSocketAddresses",
        "DestinationTrafficState",
        "Message",
    ];
    const TABLE: &'static [Column] = &[
        Column::whole("TIME"),
        Column::whole("PIN"),
        Column::whole("VERDICT"),
        Column::whole("DESTINATION"),
        Column::whole("SUBNET").hidden(3),
        Column::whole("REGION").hidden(2),
        Column::name("ACCELERATOR"),
        Column::whole("ACCELERATOR ARN").wide(),
        Column::whole("STATUS").hidden(1),
        Column::whole("ENDPOINT GROUP ARN").wide(),
        // Whole, and last: a cut change would hide what changed, and the last cell may run on.
        Column::whole("CHANGE"),
    ];

    fn to_json(&self) -> Value {
        let r = &self.row;
        json!({
            "Event": self.kind.as_str(),
            "Time": time(Some(self.at)),
            "Pin": r.pin.to_string(),
            "Verdict": r.verdict_words(),
            "Presence": match r.presence { Presence::Mapped => "mapped", Presence::Gone(_) => "gone" },
            "GoneBecause": match r.presence { Presence::Gone(why) => json!(why.words()), Presence::Mapped => Value::Null },
            "AcceleratorName": r.accelerator_name,
            "AcceleratorArn": r.accelerator_arn,
            "AcceleratorEnabled": r.enabled,
            "AcceleratorStatus": r.status.as_ref().map(|s| s.as_api_str().to_string()),
            "ListenerArn": r.listener_arn,
            "EndpointGroupArn": r.endpoint_group_arn,
            "EndpointGroupRegion": r.region,
            "EndpointId": r.subnet,
            "DestinationSocketAddress": socket_json(&r.destination),
            "AcceleratorSocketAddresses": r.accelerator_sockets.iter().map(socket_json).collect::<Vec<_>>(),
            "DestinationTrafficState": r.traffic.map(|t| t.as_api_str()),
            "Changes": self.changes.iter().map(|c| json!({"Field": c.field.as_str(), "From": c.from, "To": c.to})).collect::<Vec<_>>(),
            "Message": self.message(),
        })
    }

    fn cells(&self) -> Vec<String> {
        let r = &self.row;
        vec![
            self.kind.as_str().to_string(),
            humantime::format_rfc3339_seconds(self.at).to_string(),
            r.pin.to_string(),
            r.verdict_words().to_string(),
            r.accelerator_name.clone(),
            r.accelerator_arn.clone(),
            r.enabled.map(|e| e.to_string()).unwrap_or_default(),
            r.status
                .as_ref()
                .map(|s| s.as_api_str().to_string())
                .unwrap_or_default(),
            r.listener_arn.clone(),
            r.endpoint_group_arn.clone(),
            r.region.clone(),
            r.subnet.clone(),
            r.destination.to_string(),
            r.accelerator_sockets
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            r.traffic.map(|t| t.to_string()).unwrap_or_default(),
            self.message(),
        ]
    }

    fn row(&self, _: &AcceleratorNames) -> Vec<String> {
        let r = &self.row;
        let change = match self.kind {
            WatchEventKind::Change => change_words(&self.changes),
            WatchEventKind::State => String::new(),
        };
        vec![
            self.clock(),
            r.pin.label(),
            r.verdict_words().to_string(),
            r.destination.to_string(),
            r.subnet.clone(),
            or_dash(&r.region),
            or_dash(&r.accelerator_name),
            r.accelerator_arn.clone(),
            r.status
                .as_ref()
                .map_or_else(|| "-".into(), |s| s.as_api_str().to_string()),
            r.endpoint_group_arn.clone(),
            change,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Output, OutputFormat};
    use crate::model::watch::{Gone, Pin, diff};
    use crate::model::{AcceleratorStatus, SocketAddress, TrafficState};

    fn event(kind: WatchEventKind, row: WatchRow, changes: Vec<Change>) -> WatchEvent {
        WatchEvent {
            kind,
            at: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000),
            row,
            changes,
        }
    }

    fn row() -> WatchRow {
        let socket = |ip: &str, port| SocketAddress {
            ip: ip.into(),
            port,
        };
        WatchRow {
            pin: Pin::parse("75.2.1.10:10005").unwrap(),
            accelerator_arn: "arn:aws:globalaccelerator::123456789012:accelerator/a1".into(),
            accelerator_name: "game\u{1b}[2J".into(),
            enabled: Some(true),
            status: Some(AcceleratorStatus::Deployed),
            listener_arn: "arn:…/listener/l1".into(),
            endpoint_group_arn: "arn:…/endpoint-group/g1".into(),
            region: "us-east-1".into(),
            subnet: "subnet-0a00000000000001a".into(),
            destination: socket("10.0.1.4", 7777),
            accelerator_sockets: vec![socket("75.2.1.10", 10005)],
            traffic: Some(TrafficState::Allow),
            presence: Presence::Mapped,
        }
    }

    fn printed(format: OutputFormat, events: &[WatchEvent]) -> String {
        let mut out = Output::new(format, Vec::new(), false);
        out.begin::<WatchEvent>().unwrap();
        for e in events {
            out.page(std::slice::from_ref(e)).unwrap();
        }
        String::from_utf8(out.writer().clone()).unwrap()
    }

    #[test]
    fn state_then_changes_as_ndjson_and_as_table_lines() {
        let old = row();
        let mut denied = old.clone();
        denied.traffic = Some(TrafficState::Deny);
        let gone = denied.gone(Gone::Unmapped);
        let events = [
            event(WatchEventKind::State, old.clone(), Vec::new()),
            event(WatchEventKind::Change, denied.clone(), diff(&old, &denied)),
            event(WatchEventKind::Change, gone.clone(), diff(&denied, &gone)),
        ];
        let text = printed(OutputFormat::Ndjson, &events);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["Event"], "state");
        assert_eq!(lines[0]["Time"], "2023-11-14T22:13:20Z");
        assert_eq!(
            lines[0]["Message"],
            "traffic to this address reaches the destination"
        );
        assert_eq!(lines[1]["Verdict"], "DENY");
        assert_eq!(
            lines[1]["Changes"],
            json!([{"Field": "traffic", "From": "ALLOW", "To": "DENY"}])
        );
        assert_eq!(lines[2]["Verdict"], "GONE");
        assert_eq!(lines[2]["DestinationTrafficState"], Value::Null);
        assert_eq!(lines[2]["GoneBecause"], "no mapping leads there any more");

        let table = printed(OutputFormat::Table, &events);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("TIME"), "{table}");
        assert!(
            lines[1].starts_with("22:13:20Z  75.2.1.10:10005  ALLOW"),
            "{table}"
        );
        assert!(lines[2].ends_with("traffic ALLOW → DENY"), "{table}");
        assert!(
            lines[3].contains("GONE") && lines[3].contains("mapped → gone"),
            "{table}"
        );
        assert!(!table.contains('\u{1b}'), "names are sanitised: {table:?}");
    }
}
