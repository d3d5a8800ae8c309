//! The watch view's rows: each pin's watched rows, or the pin alone while it has none, with
//! the cells its columns show.

use std::time::{Duration, Instant};

use super::{MARKED, Watching};
use crate::app::list::{Column, Row};
use crate::app::rows::short_id;
use crate::model::SocketAddress;
use crate::model::watch::{Pin, WatchRow};

/// What a pin without rows is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    Resolving,
    /// Resolved; its first round is on its way.
    Reading,
    /// It could not be resolved: why.
    Failed(String),
    /// A round read it and found no mapping.
    NoRows,
}

/// One line of the watch view: a watched row, or a pin that has none (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchItem {
    pub id: String,
    pub pin: Pin,
    pub row: Option<WatchRow>,
    pub waiting: Option<Waiting>,
    /// `Δ` and how long ago, while the last change is marked.
    pub changed: String,
    pub marked: bool,
    /// The last change, in words.
    pub change: String,
}

/// `12s`, `4m`, `2h5m`: as the status bar says ages.
fn ago(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{}m", s / 3600, (s % 3600) / 60),
    }
}

/// The pin as its column shows it: the socket or address pinned (a destination socket's
/// subnet and group have columns of their own).
pub fn pin_cell(pin: &Pin) -> String {
    match pin {
        Pin::AcceleratorSocket(s) => s.to_string(),
        Pin::DestinationAddress(ip) => ip.to_string(),
        Pin::DestinationSocket { destination, .. } => destination.to_string(),
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

fn sockets(s: &[SocketAddress]) -> String {
    let parts: Vec<String> = s.iter().map(ToString::to_string).collect();
    or_dash(&parts.join(" "))
}

impl Row for WatchItem {
    const COLUMNS: &'static [Column] = &[
        Column::text("CHANGED", 7, false),
        Column::text("PIN", 16, false),
        Column::text("TRAFFIC", 8, false),
        Column::text("DESTINATION", 15, false),
        Column::text("ACCELERATOR", 12, true),
        Column::text("ENABLED", 8, false),
        Column::text("STATUS", 11, false),
        Column::text("REGION", 12, false),
        Column::text("SUBNET", 24, false),
        Column::text("LISTENER", 8, false),
        Column::text("GROUP", 8, false),
        Column::text("VIA", 20, false),
        Column::text("CHANGE", 20, true),
    ];

    fn cells(&self) -> Vec<String> {
        let Some(r) = &self.row else {
            let (traffic, note) = match &self.waiting {
                Some(Waiting::Resolving) => ("RESOLVING", "finding what it leads to…".to_string()),
                Some(Waiting::Failed(e)) => ("FAILED", format!("✗ {e}")),
                Some(Waiting::NoRows) => ("NONE", "no mapping leads there".to_string()),
                Some(Waiting::Reading) | None => {
                    ("READING", "the first round is on its way".into())
                }
            };
            let (subnet, destination) = match &self.pin {
                Pin::DestinationSocket {
                    subnet,
                    destination,
                    ..
                } => (subnet.clone(), destination.to_string()),
                _ => ("-".into(), "-".into()),
            };
            let mut cells = vec!["-".to_string(); Self::COLUMNS.len()];
            cells[0] = self.changed.clone();
            cells[1] = pin_cell(&self.pin);
            cells[2] = traffic.into();
            cells[3] = destination;
            cells[4] = note;
            cells[8] = subnet;
            return cells;
        };
        let enabled = match r.enabled {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "-",
        };
        vec![
            self.changed.clone(),
            pin_cell(&self.pin),
            r.verdict_words().into(),
            r.destination.to_string(),
            or_dash(&r.accelerator_name),
            enabled.into(),
            r.status.as_ref().map_or("-".into(), ToString::to_string),
            or_dash(&r.region),
            or_dash(&r.subnet),
            or_dash(short_id(&r.listener_arn)),
            or_dash(short_id(&r.endpoint_group_arn)),
            sockets(&r.accelerator_sockets),
            or_dash(&self.change),
        ]
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// The watch's pins and rows as the view lists them: pins in the order pinned, each pin's
/// rows together.
pub fn items(w: &Watching, now: Instant) -> Vec<WatchItem> {
    let mut items = Vec::new();
    for p in &w.pins {
        let rows: Vec<&WatchRow> = w.rows.iter().filter(|r| r.pin == p.pin).collect();
        if rows.is_empty() {
            let waiting = match (&p.error, p.resolving, &p.target) {
                (Some(e), _, _) => Waiting::Failed(e.clone()),
                (None, true, _) | (None, false, None) => Waiting::Resolving,
                (None, false, Some(_)) if w.seen_nothing(&p.pin) => Waiting::NoRows,
                (None, false, Some(_)) => Waiting::Reading,
            };
            items.push(WatchItem {
                id: p.pin.to_string(),
                pin: p.pin.clone(),
                row: None,
                waiting: Some(waiting),
                changed: String::new(),
                marked: false,
                change: String::new(),
            });
        }
        for r in rows {
            let mark = w
                .marks
                .get(&r.key())
                .filter(|m| now.duration_since(m.at) < MARKED);
            items.push(WatchItem {
                id: format!(
                    "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    p.pin, r.endpoint_group_arn, r.subnet, r.destination
                ),
                pin: p.pin.clone(),
                row: Some(r.clone()),
                waiting: None,
                changed: mark.map_or_else(String::new, |m| {
                    format!("Δ {}", ago(now.duration_since(m.at)))
                }),
                marked: mark.is_some(),
                change: w
                    .marks
                    .get(&r.key())
                    .map_or_else(String::new, |m| m.words.clone()),
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_the_status_bar() {
        assert_eq!(ago(Duration::from_secs(12)), "12s");
        assert_eq!(ago(Duration::from_secs(240)), "4m");
        assert_eq!(ago(Duration::from_secs(7500)), "2h5m");
    }
}
