//! What a round reads, what it gives, how it merges into the last rows, and how long to wait
//! before the next one.

use super::rows::NONE;
use super::*;

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
