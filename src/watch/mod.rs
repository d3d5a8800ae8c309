//! Watching pins: resolve each pin once into the reads that hold its rows, then poll in
//! rounds. A round makes one by-destination listing per distinct (subnet, destination IP) and
//! one describe per distinct accelerator, shared by every pin that needs them; the rows it
//! gives are merged into the last ones with `model::watch::merge`, which says what changed.
//! Pins are kept per account in the state directory. Every front end uses these functions:
//! `portolan watch` in a loop, the interactive view from its effect runner.

mod poll;
mod store;

use std::net::Ipv4Addr;

use thiserror::Error;

use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::index::IndexStore;
use crate::index::whois::{WhoisError, whois};
use crate::model::watch::Pin;
pub use crate::model::watch::Target;
use crate::model::{Accelerator, accelerator_arn_of};
pub use poll::{PollOptions, poll};
pub use store::{Loaded, PinStore};

#[derive(Debug, Error)]
pub enum WatchError {
    #[error("{0}")]
    Whois(#[from] WhoisError),
    #[error(
        "no subnet endpoint of any accelerator holds {ip} (Global Accelerator never tells a subnet's CIDR; every endpoint was asked)"
    )]
    NotHeld { ip: Ipv4Addr },
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// Resolves one pin: an accelerator socket as `whois` does (the index when there is one,
/// else the accelerator's mappings), a destination address to the subnet endpoints that hold
/// it (as `whois IP` does), a destination socket as it is. `accelerators` is the account's
/// accelerators, read once for every destination address pin.
async fn resolve_one(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    accelerators: &[Accelerator],
    pin: &Pin,
) -> Result<Target, WatchError> {
    match pin {
        Pin::AcceleratorSocket(socket) => {
            let ip: Ipv4Addr = socket.ip.parse().map_err(|_| {
                WhoisError::Input(format!("{:?} is not an IPv4 address", socket.ip))
            })?;
            let answer = whois(api, store, ip, socket.port).await?;
            let mut target = Target::accelerator_socket(&answer);
            // The pin as typed, whatever form whois gives the address back in.
            target.pin = pin.clone();
            if let Some(row) = target.expected.as_mut() {
                row.pin = pin.clone();
            }
            Ok(target)
        }
        Pin::DestinationAddress(ip) => {
            let holders = crate::index::holders(api, store, accelerators, *ip).await?;
            if holders.is_empty() {
                return Err(WatchError::NotHeld { ip: *ip });
            }
            let mut reads: Vec<(String, String)> = holders
                .iter()
                .map(|h| (h.subnet.clone(), ip.to_string()))
                .collect();
            let mut arns: Vec<String> = holders
                .iter()
                .map(|h| accelerator_arn_of(&h.group.arn).to_string())
                .collect();
            reads.sort();
            reads.dedup();
            arns.sort();
            arns.dedup();
            Ok(Target {
                pin: pin.clone(),
                reads,
                accelerators: arns,
                expected: None,
            })
        }
        Pin::DestinationSocket {
            endpoint_group_arn,
            subnet,
            destination,
        } => Ok(Target::destination_socket(
            endpoint_group_arn,
            subnet,
            destination,
        )),
    }
}

/// Pins resolved at once, at most this many.
const RESOLVING_AT_ONCE: usize = 4;

/// Resolves every pin, each to its own answer, in the order given (a pin that cannot be
/// resolved does not stop the others).
pub async fn resolve(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    pins: &[Pin],
) -> Vec<Result<Target, WatchError>> {
    use futures::StreamExt;
    let needs_accelerators = pins.iter().any(|p| matches!(p, Pin::DestinationAddress(_)));
    let accelerators = if needs_accelerators {
        match crate::api::listing::all_pages(|t| api.list_accelerators(MAX_RESULTS_RESOURCES, t))
            .await
        {
            Ok(all) => all,
            Err(e) => {
                // Only the destination address pins need the list; the others still resolve.
                let mut out = Vec::with_capacity(pins.len());
                for pin in pins {
                    out.push(match pin {
                        Pin::DestinationAddress(_) => Err(WatchError::Api(e.clone())),
                        other => resolve_one(api, store, &[], other).await,
                    });
                }
                return out;
            }
        }
    } else {
        Vec::new()
    };
    // The futures are made first: a stream mapping over borrowed pins would make a future
    // that is not `Send`, and a task could not run it.
    let resolving: Vec<_> = pins
        .iter()
        .map(|pin| resolve_one(api, store, &accelerators, pin))
        .collect();
    futures::stream::iter(resolving)
        .buffered(RESOLVING_AT_ONCE)
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: T) {}

    /// The interactive view runs these in spawned tasks, which need futures that are `Send`.
    #[test]
    fn resolving_and_polling_can_run_in_a_task() {
        fn check(api: &dyn GlobalAccelerator, targets: &[Target], pins: &[Pin]) {
            send(resolve(api, None, pins));
            send(poll(api, targets, &PollOptions::default()));
        }
        let _ = check;
    }
}
