//! The listener's free ports, as the endpoint-group and add-subnet dialogs show them while the
//! user types. A call of its own counts them; the count always ends, in numbers or in a
//! sentence saying why there are none, and the form takes keys all the while.

use std::time::{Duration, Instant};

use crate::api::ApiError;
use crate::app::call::{Reply, RequestId};
use crate::model::capacity::{ListenerUsage, ports_per_subnet, subnets_that_fit};

/// How long the dialog waits for a count. Without a mapping index the count reads every
/// mapping of the listener, which on a big one takes minutes.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Prefix lengths the capacity lines show, from small subnets to large.
const SHOWN_PREFIXES: [u8; 6] = [28, 26, 24, 22, 20, 18];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortCount {
    /// The dialog shows no capacity (accelerators, listeners).
    NotShown,
    Counting {
        id: RequestId,
        since: Instant,
    },
    Counted(ListenerUsage),
    /// Why there is no count.
    Failed(String),
}

impl PortCount {
    /// The count's call, while the dialog waits for it.
    pub fn pending(&self) -> Option<RequestId> {
        match self {
            PortCount::Counting { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The count's answer: the numbers, or why there are none.
    pub fn arrived(&mut self, result: Result<Reply, ApiError>) {
        *self = match result {
            Ok(Reply::Usage(usage)) => PortCount::Counted(usage),
            Ok(_) => PortCount::Failed(
                "could not count the listener's free ports: the answer was of another kind".into(),
            ),
            Err(e) => PortCount::Failed(format!("could not count the listener's free ports: {e}")),
        };
    }

    /// The listener's free ports, once counted.
    pub fn free(&self) -> Option<u64> {
        match self {
            PortCount::Counted(usage) => Some(usage.free()),
            _ => None,
        }
    }

    /// Stops waiting for a count older than `PATIENCE`; returns the call to abort.
    pub fn give_up_if_slow(&mut self, now: Instant) -> Option<RequestId> {
        let PortCount::Counting { id, since } = *self else {
            return None;
        };
        if now.saturating_duration_since(since) < PATIENCE {
            return None;
        }
        *self = PortCount::Failed(format!(
            "stopped counting the listener's free ports after {}s: without a mapping index \
             (portolan index build) the count reads every mapping of the listener",
            PATIENCE.as_secs()
        ));
        Some(id)
    }

    /// What the listener's free ports allow for `ports` destination ports an address: how
    /// many listener ports one subnet of each size takes, and how many such subnets still fit.
    pub fn lines(&self, ports: u64) -> Vec<String> {
        let usage = match self {
            PortCount::NotShown => return Vec::new(),
            PortCount::Counting { .. } => {
                return vec![format!(
                    "counting the listener's free ports… (at most {}s; type on meanwhile)",
                    PATIENCE.as_secs()
                )];
            }
            PortCount::Failed(why) => {
                return vec![format!(
                    "✗ {why}. The service itself refuses subnets that do not fit."
                )];
            }
            PortCount::Counted(usage) => usage,
        };
        let free = usage.free();
        let mut lines = vec![format!(
            "Listener ports: {} held, {} used, {free} free; {ports} destination port(s) per address",
            usage.total,
            usage.used()
        )];
        if ports > 0 {
            let takes: Vec<String> = SHOWN_PREFIXES
                .iter()
                .map(|&p| format!("/{p} {}", ports_per_subnet(p, ports)))
                .collect();
            let fits: Vec<String> = SHOWN_PREFIXES
                .iter()
                .map(|&p| format!("/{p} ×{}", subnets_that_fit(p, ports, free)))
                .collect();
            lines.push(format!("One subnet takes: {}", takes.join(" · ")));
            lines.push(format!("Still fit: {}", fits.join(" · ")));
        }
        lines.push(
            "(Global Accelerator never tells a subnet's size: pick the row for yours)".into(),
        );
        lines
    }
}
