//! What a watched row says, and what changed between two of its rounds, in words.

use super::*;

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
    pub(super) fn filled_from(mut self, old: &WatchRow) -> WatchRow {
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

pub(super) const NONE: &str = "-";

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
