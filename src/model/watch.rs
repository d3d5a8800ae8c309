//! Watching: "tell me when 75.2.16.21:54442 changes". What can be pinned, what a watched row
//! says, what changed between two rounds (in words for a log line), and how long to wait
//! before the next round. Pure: the reads live in `crate::watch`.

use std::collections::HashMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

use thiserror::Error;

use super::whois::{WhoisAnswer, quoted};
use super::{
    AcceleratorStatus, ArnKind, SocketAddress, TrafficState, Verdict, accelerator_arn_of,
    listener_arn_of, parse_accelerator_address, parse_arn, parse_ipv4, parse_port, parse_subnet_id,
};

/// Something watched.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pin {
    /// An accelerator address `IP:PORT`: the one destination behind it.
    AcceleratorSocket(SocketAddress),
    /// A destination address: every destination socket of it, in every subnet endpoint that
    /// holds it.
    DestinationAddress(Ipv4Addr),
    /// One destination socket of one subnet endpoint of one endpoint group (a browser row).
    DestinationSocket {
        endpoint_group_arn: String,
        subnet: String,
        destination: SocketAddress,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct PinError(pub String);

impl Pin {
    /// What a user types: `75.2.16.21:54442`, `10.0.3.17`, or
    /// `ENDPOINT_GROUP_ARN/SUBNET/IP:PORT`. `Display` writes the same forms back.
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        let input = input.trim();
        if input.contains('/') {
            return parse_destination_socket(input);
        }
        if input.contains(':') {
            let (ip, port) = parse_accelerator_address(input).map_err(PinError)?;
            return Ok(Pin::AcceleratorSocket(SocketAddress {
                ip: ip.to_string(),
                port,
            }));
        }
        parse_ipv4(input).map(Pin::DestinationAddress).map_err(|_| {
            PinError(format!(
                "{} is neither an accelerator address IP:PORT (like 75.2.10.20:41872), a destination IPv4 address (like 10.0.3.17), nor a destination socket ENDPOINT_GROUP_ARN/SUBNET/IP:PORT",
                quoted(input)
            ))
        })
    }

    /// Short, for a table cell: the ARN of a destination socket's group is left out.
    pub fn label(&self) -> String {
        match self {
            Pin::AcceleratorSocket(s) => s.to_string(),
            Pin::DestinationAddress(ip) => ip.to_string(),
            Pin::DestinationSocket {
                subnet,
                destination,
                ..
            } => format!("{subnet}/{destination}"),
        }
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pin::DestinationSocket {
                endpoint_group_arn,
                subnet,
                destination,
            } => write!(f, "{endpoint_group_arn}/{subnet}/{destination}"),
            other => f.write_str(&other.label()),
        }
    }
}

fn parse_destination_socket(input: &str) -> Result<Pin, PinError> {
    let q = quoted(input);
    let shape = "ENDPOINT_GROUP_ARN/SUBNET/IP:PORT";
    let mut parts = input.rsplitn(3, '/');
    let (Some(socket), Some(subnet), Some(group)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(PinError(format!(
            "{q} is not a destination socket: expected {shape}"
        )));
    };
    if !matches!(parse_arn(group), Ok(ArnKind::EndpointGroup { .. })) {
        return Err(PinError(format!(
            "{q}: {} is not an endpoint group ARN (expected {shape})",
            quoted(group)
        )));
    }
    let subnet = parse_subnet_id(subnet).map_err(|e| PinError(format!("{q}: {e}")))?;
    let (ip, port) = socket.rsplit_once(':').ok_or_else(|| {
        PinError(format!(
            "{q}: {} is not a destination IP:PORT (expected {shape})",
            quoted(socket)
        ))
    })?;
    let ip = parse_ipv4(ip).map_err(|e| PinError(format!("{q}: {e}")))?;
    let port = parse_port(port).map_err(|e| PinError(format!("{q}: {e}")))?;
    Ok(Pin::DestinationSocket {
        endpoint_group_arn: group.trim().to_string(),
        subnet,
        destination: SocketAddress {
            ip: ip.to_string(),
            port,
        },
    })
}

/// Why a watched destination is no longer there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gone {
    /// The subnet endpoint no longer maps that destination (or no longer through the pinned
    /// group).
    Unmapped,
    /// The destination is still mapped, but no longer through the pinned accelerator socket.
    Remapped,
    /// The subnet is an endpoint of no endpoint group any more.
    EndpointRemoved,
    /// The accelerator was deleted.
    AcceleratorDeleted,
}

impl Gone {
    pub fn words(self) -> &'static str {
        match self {
            Gone::Unmapped => "no mapping leads there any more",
            Gone::Remapped => "the destination is now reached through another accelerator port",
            Gone::EndpointRemoved => "the subnet is no longer an endpoint of any endpoint group",
            Gone::AcceleratorDeleted => "the accelerator was deleted",
        }
    }
}

/// Whether the watched destination is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    Mapped,
    Gone(Gone),
}

impl Presence {
    pub fn words(self) -> String {
        match self {
            Presence::Mapped => "mapped".into(),
            Presence::Gone(why) => format!("gone ({})", why.words()),
        }
    }
}

/// One watched destination socket as the last round saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRow {
    pub pin: Pin,
    pub accelerator_arn: String,
    /// Empty until a describe or the resolution named it.
    pub accelerator_name: String,
    /// `None` when the accelerator could not be read this round (the last answer stands).
    pub enabled: Option<bool>,
    pub status: Option<AcceleratorStatus>,
    pub listener_arn: String,
    pub endpoint_group_arn: String,
    /// Empty when not known (a gone destination never read).
    pub region: String,
    pub subnet: String,
    pub destination: SocketAddress,
    /// The accelerator sockets that reach the destination, one per static IP.
    pub accelerator_sockets: Vec<SocketAddress>,
    /// `None` once the destination is gone.
    pub traffic: Option<TrafficState>,
    pub presence: Presence,
}

/// What makes two rounds' rows the same row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub pin: Pin,
    pub endpoint_group_arn: String,
    pub subnet: String,
    pub destination: SocketAddress,
}

impl WatchRow {
    pub fn key(&self) -> RowKey {
        RowKey {
            pin: self.pin.clone(),
            endpoint_group_arn: self.endpoint_group_arn.clone(),
            subnet: self.subnet.clone(),
            destination: self.destination.clone(),
        }
    }

    /// `None` once gone; a disabled accelerator outranks the mapping's state.
    pub fn verdict(&self) -> Option<Verdict> {
        let traffic = self.traffic?;
        if self.presence != Presence::Mapped {
            return None;
        }
        Some(match (self.enabled, traffic) {
            (Some(false), _) => Verdict::Disabled,
            (_, TrafficState::Allow) => Verdict::Allow,
            (_, TrafficState::Deny) => Verdict::Deny,
        })
    }

    /// `ALLOW`, `DENY`, `DISABLED` or `GONE`: what a person reads first.
    pub fn verdict_words(&self) -> &'static str {
        self.verdict().map_or("GONE", Verdict::as_str)
    }

    /// The same row, gone for `why`: no traffic state any more, the rest as last seen.
    pub fn gone(&self, why: Gone) -> WatchRow {
        WatchRow {
            traffic: None,
            presence: Presence::Gone(why),
            ..self.clone()
        }
    }

    /// Fills what this round could not read (or never reads for a gone row) from the row
    /// the last round saw.
    fn filled_from(mut self, old: &WatchRow) -> WatchRow {
        if self.accelerator_name.is_empty() {
            self.accelerator_name.clone_from(&old.accelerator_name);
        }
        if self.region.is_empty() {
            self.region.clone_from(&old.region);
        }
        if self.enabled.is_none() {
            self.enabled = old.enabled;
        }
        if self.status.is_none() {
            self.status.clone_from(&old.status);
        }
        if self.accelerator_sockets.is_empty() && self.presence != Presence::Mapped {
            self.accelerator_sockets
                .clone_from(&old.accelerator_sockets);
        }
        self
    }
}

/// A field of a row that can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Presence,
    AcceleratorName,
    Enabled,
    Status,
    Listener,
    EndpointGroup,
    Region,
    Subnet,
    Destination,
    AcceleratorSockets,
    Traffic,
}

impl Field {
    /// The field's name in a log line and in `--output ndjson`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Presence => "presence",
            Field::AcceleratorName => "accelerator name",
            Field::Enabled => "accelerator",
            Field::Status => "status",
            Field::Listener => "listener",
            Field::EndpointGroup => "endpoint group",
            Field::Region => "region",
            Field::Subnet => "subnet",
            Field::Destination => "destination",
            Field::AcceleratorSockets => "accelerator sockets",
            Field::Traffic => "traffic",
        }
    }
}

/// One field that changed, its old and new value in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub from: String,
    pub to: String,
}

impl Change {
    /// `traffic ALLOW → DENY`; a presence change reads `mapped → gone (…)`.
    pub fn words(&self) -> String {
        match self.field {
            Field::Presence => format!("{} → {}", self.from, self.to),
            field => format!("{} {} → {}", field.as_str(), self.from, self.to),
        }
    }
}

/// Every change, in words, for one log line.
pub fn change_words(changes: &[Change]) -> String {
    changes
        .iter()
        .map(Change::words)
        .collect::<Vec<_>>()
        .join("; ")
}

const NONE: &str = "-";

fn enabled_words(e: Option<bool>) -> String {
    match e {
        Some(true) => "enabled".into(),
        Some(false) => "disabled".into(),
        None => NONE.into(),
    }
}

fn sockets_words(s: &[SocketAddress]) -> String {
    if s.is_empty() {
        return NONE.into();
    }
    s.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which fields differ between two sightings of a row, oldest value first.
pub fn diff(old: &WatchRow, new: &WatchRow) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut field = |field: Field, from: String, to: String| {
        if from != to {
            changes.push(Change { field, from, to });
        }
    };
    let or_none = |s: &str| {
        if s.is_empty() {
            NONE.to_string()
        } else {
            s.to_string()
        }
    };
    field(Field::Presence, old.presence.words(), new.presence.words());
    field(
        Field::AcceleratorName,
        or_none(&old.accelerator_name),
        or_none(&new.accelerator_name),
    );
    field(
        Field::Enabled,
        enabled_words(old.enabled),
        enabled_words(new.enabled),
    );
    let status =
        |s: &Option<AcceleratorStatus>| s.as_ref().map_or(NONE.into(), ToString::to_string);
    field(Field::Status, status(&old.status), status(&new.status));
    field(
        Field::Listener,
        or_none(&old.listener_arn),
        or_none(&new.listener_arn),
    );
    field(
        Field::EndpointGroup,
        or_none(&old.endpoint_group_arn),
        or_none(&new.endpoint_group_arn),
    );
    field(Field::Region, or_none(&old.region), or_none(&new.region));
    field(Field::Subnet, or_none(&old.subnet), or_none(&new.subnet));
    field(
        Field::Destination,
        old.destination.to_string(),
        new.destination.to_string(),
    );
    field(
        Field::AcceleratorSockets,
        sockets_words(&old.accelerator_sockets),
        sockets_words(&new.accelerator_sockets),
    );
    let traffic = |t: Option<TrafficState>| t.map_or(NONE.into(), |t| t.to_string());
    field(Field::Traffic, traffic(old.traffic), traffic(new.traffic));
    changes
}

/// A pin resolved: what a poll round reads for it (`crate::watch::resolve` makes one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub pin: Pin,
    /// The by-destination listings that hold the pin's rows: (subnet, destination IP).
    pub reads: Vec<(String, String)>,
    /// The accelerators whose state the pin's rows show.
    pub accelerators: Vec<String>,
    /// For a pin of one destination socket, the row as resolved: what a round reports gone
    /// when it does not find it.
    pub expected: Option<WatchRow>,
}

impl Target {
    /// A destination socket needs no call to resolve: it names its group, subnet and socket.
    pub fn destination_socket(
        endpoint_group_arn: &str,
        subnet: &str,
        destination: &SocketAddress,
    ) -> Target {
        let pin = Pin::DestinationSocket {
            endpoint_group_arn: endpoint_group_arn.to_string(),
            subnet: subnet.to_string(),
            destination: destination.clone(),
        };
        let accelerator_arn = accelerator_arn_of(endpoint_group_arn).to_string();
        let expected = WatchRow {
            pin: pin.clone(),
            accelerator_arn: accelerator_arn.clone(),
            accelerator_name: String::new(),
            enabled: None,
            status: None,
            listener_arn: listener_arn_of(endpoint_group_arn).to_string(),
            endpoint_group_arn: endpoint_group_arn.to_string(),
            region: String::new(),
            subnet: subnet.to_string(),
            destination: destination.clone(),
            accelerator_sockets: Vec::new(),
            traffic: None,
            presence: Presence::Gone(Gone::Unmapped),
        };
        Target {
            pin: pin.clone(),
            reads: vec![(subnet.to_string(), destination.ip.clone())],
            accelerators: vec![accelerator_arn],
            expected: Some(expected),
        }
    }
}

impl Target {
    /// An accelerator socket resolved by a whois answer: the one destination behind it, as
    /// the answer saw it (the interactive lookup pins what it already knows).
    pub fn accelerator_socket(a: &WhoisAnswer) -> Target {
        let pin = Pin::AcceleratorSocket(a.address.clone());
        let expected = WatchRow {
            pin: pin.clone(),
            accelerator_arn: a.accelerator_arn.clone(),
            accelerator_name: a.accelerator_name.clone(),
            enabled: Some(a.accelerator_enabled),
            status: None,
            listener_arn: a.listener_arn.clone(),
            endpoint_group_arn: a.endpoint_group_arn.clone(),
            region: a.region.clone(),
            subnet: a.subnet.clone(),
            destination: a.destination.clone(),
            accelerator_sockets: vec![a.address.clone()],
            traffic: Some(a.traffic),
            presence: Presence::Mapped,
        };
        Target {
            pin,
            reads: vec![(a.subnet.clone(), a.destination.ip.clone())],
            accelerators: vec![a.accelerator_arn.clone()],
            expected: Some(expected),
        }
    }
}

/// A call of a round that did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailedCall {
    /// ListCustomRoutingPortMappingsByDestination for one subnet endpoint and address.
    ByDestination { subnet: String, ip: String },
    /// DescribeCustomRoutingAccelerator.
    Describe { accelerator_arn: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub call: FailedCall,
    /// The client's message, one line.
    pub message: String,
}

/// What one poll round read: its rows (pins in the order given, each pin's rows by group,
/// subnet and destination), the calls that failed, and whether the service throttled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    pub rows: Vec<WatchRow>,
    pub failures: Vec<Failure>,
    pub throttled: bool,
}

impl Round {
    fn unread(&self, row: &WatchRow) -> bool {
        self.failures.iter().any(|f| match &f.call {
            FailedCall::ByDestination { subnet, ip } => {
                *subnet == row.subnet && *ip == row.destination.ip
            }
            FailedCall::Describe { .. } => false,
        })
    }
}

/// A row that changed in a round, as it is now, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChange {
    pub row: WatchRow,
    pub changes: Vec<Change>,
}

impl RowChange {
    /// One line a person reads: `75.2.16.21:54442 → 10.0.3.17:7777: traffic ALLOW → DENY`.
    pub fn line(&self) -> String {
        format!(
            "{} → {}: {}",
            self.row.pin.label(),
            self.row.destination,
            change_words(&self.changes)
        )
    }
}

/// The rows after `round`, given the rows before it, and what changed. A row the round did
/// not see becomes gone unless the call that would have seen it failed (then it stays as it
/// was); what a round could not read (an accelerator's state, say) is kept from before. A row
/// seen for the first time is a change from nothing.
pub fn merge(old: &[WatchRow], round: &Round) -> (Vec<WatchRow>, Vec<RowChange>) {
    let before: HashMap<RowKey, &WatchRow> = old.iter().map(|r| (r.key(), r)).collect();
    let mut rows = Vec::with_capacity(round.rows.len());
    let mut changes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for fresh in &round.rows {
        let key = fresh.key();
        seen.insert(key.clone());
        let (row, changed) = match before.get(&key) {
            Some(old) => {
                let row = fresh.clone().filled_from(old);
                let changed = diff(old, &row);
                (row, changed)
            }
            None => {
                let changed = vec![Change {
                    field: Field::Presence,
                    from: NONE.into(),
                    to: fresh.presence.words(),
                }];
                (fresh.clone(), changed)
            }
        };
        if !changed.is_empty() {
            changes.push(RowChange {
                row: row.clone(),
                changes: changed,
            });
        }
        rows.push(row);
    }
    for old_row in old {
        if seen.contains(&old_row.key()) {
            continue;
        }
        if round.unread(old_row) || old_row.presence != Presence::Mapped {
            rows.push(old_row.clone());
            continue;
        }
        let gone = old_row.gone(Gone::Unmapped);
        changes.push(RowChange {
            row: gone.clone(),
            changes: diff(old_row, &gone),
        });
        rows.push(gone);
    }
    // Each pin's rows together, pins in the order the round gave them (then the old order).
    let mut rank: HashMap<Pin, usize> = HashMap::new();
    for r in round.rows.iter().chain(old) {
        let next = rank.len();
        rank.entry(r.pin.clone()).or_insert(next);
    }
    let order = |r: &WatchRow| {
        (
            rank.get(&r.pin).copied().unwrap_or(usize::MAX),
            r.endpoint_group_arn.clone(),
            r.subnet.clone(),
            r.destination.clone(),
        )
    };
    rows.sort_by_key(order);
    changes.sort_by_key(|c| order(&c.row));
    (rows, changes)
}

/// Seconds between rounds when neither `--interval` nor `watch_interval` in the config says.
pub const DEFAULT_INTERVAL_SECS: u64 = 10;

/// The longest wait between rounds while the service throttles, whatever the interval.
pub const BACKOFF_CAP: Duration = Duration::from_secs(300);

/// How long to wait before the next round: the interval, doubled after each throttled round
/// up to a cap, and the interval again after a clean round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    interval: Duration,
    cap: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(interval: Duration) -> Self {
        Self::with_cap(interval, BACKOFF_CAP)
    }

    /// A cap below the interval is the interval.
    pub fn with_cap(interval: Duration, cap: Duration) -> Self {
        Self {
            interval,
            cap: cap.max(interval),
            next: interval,
        }
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The wait before the next round.
    pub fn next(&self) -> Duration {
        self.next
    }

    /// Whether the last rounds were throttled and the wait is longer than the interval.
    pub fn backing_off(&self) -> bool {
        self.next > self.interval
    }

    /// Records a round; returns the wait before the next one.
    pub fn after_round(&mut self, throttled: bool) -> Duration {
        self.next = if throttled {
            self.next.saturating_mul(2).min(self.cap)
        } else {
            self.interval
        };
        self.next
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
