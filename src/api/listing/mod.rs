//! Listing streams: paged listings read as several token chains at once, handed on in a fixed
//! order. A token chain is inherently one call after another, but the API allows independent
//! chains (one per accelerator, one per endpoint group with the `EndpointGroupArn` filter), so
//! account-wide reads keep several calls in flight.
//!
//! - **Order**: chains are numbered by the caller; every page of chain `i` is handed on before
//!   any page of chain `i + 1`, and a chain's pages in the order the service gave them. The
//!   output is therefore the same on every run and the same as reading the chains one by one.
//! - **How many in flight**: adaptive, like TCP's congestion window. It starts small, doubles
//!   while every call succeeds, halves on each throttling answer (the page is asked again after
//!   a back-off, never lost), and grows back by one per window of successes.
//! - **Memory**: calls in flight are bounded (and their page size chosen from the number of
//!   chains, so the answers in flight hold a bounded number of mappings); pages fetched but
//!   not yet handed on, waiting behind an earlier chain, are packed to about 16 bytes a
//!   mapping and bounded too. A listing whose consumer takes pages in any order (an index
//!   build sorts its records anyway) hands each page on as it arrives and holds none.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};

mod limiter;
mod packed;

pub use limiter::{LimitEvent, Limiter};
use packed::PackedMappings;

use super::{ApiError, ApiResult, GlobalAccelerator, MAX_RESULTS_MAPPINGS, MAX_RESULTS_RESOURCES};
use crate::model::{EndpointGroup, Listener, Page, PortMapping};

/// How a listing reads its chains.
#[derive(Debug, Clone)]
pub struct ListingOptions {
    /// Calls in flight at first.
    pub start_in_flight: usize,
    /// Never more calls in flight than this, whatever the service sustains.
    pub max_in_flight: usize,
    /// Mappings held at once (in flight, or fetched and waiting for an earlier chain).
    pub budget_mappings: usize,
    /// Mappings per request; `None` picks it from the number of chains and the budget.
    pub page_size: Option<i32>,
    /// Wait before asking again for a throttled page; doubles with each throttling of it.
    pub initial_backoff: Duration,
    /// Throttling answers for one page before the listing gives up with the error.
    pub max_throttled: u32,
}

impl Default for ListingOptions {
    /// Two calls at first and at most twelve: far inside Global Accelerator's request rates,
    /// and enough to hide a 100 ms round trip. A million waiting mappings, packed, are 16 MB.
    fn default() -> Self {
        Self {
            start_in_flight: 2,
            max_in_flight: 12,
            budget_mappings: 1_000_000,
            page_size: None,
            initial_backoff: Duration::from_millis(200),
            max_throttled: 8,
        }
    }
}

/// The smallest page the chosen size goes down to: smaller pages cost more round trips than
/// they save in memory.
const MIN_AUTO_PAGE: usize = 2_500;
/// Mappings in the answers in flight at once, at most (about 350 bytes of JSON each, and as
/// much again in a server in this process, as with `--demo`).
const IN_FLIGHT_MAPPINGS: usize = 30_000;

impl ListingOptions {
    /// Mappings per request for `chains` chains: as big as the API allows while the answers
    /// in flight stay within `IN_FLIGHT_MAPPINGS`, never below `MIN_AUTO_PAGE`.
    pub fn mapping_page_size(&self, chains: usize) -> i32 {
        if let Some(size) = self.page_size {
            return size.clamp(1, MAX_RESULTS_MAPPINGS);
        }
        let per_chain = IN_FLIGHT_MAPPINGS / chains.clamp(1, self.max_in_flight.max(1));
        let size = per_chain.clamp(MIN_AUTO_PAGE, MAX_RESULTS_MAPPINGS as usize);
        i32::try_from(size).unwrap_or(MAX_RESULTS_MAPPINGS)
    }

    /// Pages in flight or waiting, at most, for pages of `page_size` items.
    pub fn budget_pages(&self, page_size: i32) -> usize {
        (self.budget_mappings / usize::try_from(page_size.max(1)).unwrap_or(1)).max(2)
    }
}

struct Chain<T> {
    token: Option<String>,
    asking: bool,
    done: bool,
    throttled: u32,
    waiting: VecDeque<Page<T>>,
}

/// Whether pages are handed on in chain order or as they arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Every page of chain `i` before any of chain `i + 1`; later chains' pages wait.
    Chains,
    /// As they arrive (each chain's own pages still in order); nothing waits.
    Arrival,
}

/// Reads `chains` token chains concurrently and hands every page to `deliver` (see the module
/// notes for the order). `call(i, token)` asks for one page of chain `i`. `deliver` may stop
/// the listing early with `ControlFlow::Break`. At most `budget_pages` pages are in flight or
/// waiting.
pub async fn ordered_pages<T, E, C, Fut, D>(
    chains: usize,
    order: Order,
    limiter: &Limiter,
    budget_pages: usize,
    options: &ListingOptions,
    call: C,
    deliver: D,
) -> Result<(), E>
where
    C: Fn(usize, Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<Page<T>>>,
    D: FnMut(usize, Page<T>) -> Result<ControlFlow<()>, E>,
    E: From<ApiError>,
{
    let budget = Budget {
        limit: budget_pages,
        per_call: 1,
        weight: |_: &Page<T>| 1,
    };
    weighed_pages(chains, order, limiter, budget, options, call, deliver).await
}

/// What may wait: `limit` units, each call in flight counting `per_call`, each waiting page
/// its `weight`.
pub struct Budget<W> {
    pub limit: usize,
    pub per_call: usize,
    pub weight: W,
}

/// `ordered_pages` with a budget in any unit (mappings, for pages of different sizes).
pub async fn weighed_pages<T, E, C, Fut, D, W>(
    chains: usize,
    order: Order,
    limiter: &Limiter,
    budget: Budget<W>,
    options: &ListingOptions,
    call: C,
    mut deliver: D,
) -> Result<(), E>
where
    C: Fn(usize, Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<Page<T>>>,
    D: FnMut(usize, Page<T>) -> Result<ControlFlow<()>, E>,
    E: From<ApiError>,
    W: Fn(&Page<T>) -> usize,
{
    let mut state: Vec<Chain<T>> = (0..chains)
        .map(|_| Chain {
            token: None,
            asking: false,
            done: false,
            throttled: 0,
            waiting: VecDeque::new(),
        })
        .collect();
    let call = &call;
    let mut running = FuturesUnordered::new();
    let mut head = 0;
    let mut waiting = 0usize;
    while head < chains {
        // Start what may start: the chain being handed on first, then later ones while the
        // page budget lasts. The head chain may always ask, so the listing never stalls.
        while running.len() < limiter.limit() {
            let pick = (head..chains).find(|&i| {
                let c = &state[i];
                !c.done
                    && !c.asking
                    && (i == head
                        || order == Order::Arrival
                        || waiting + running.len() * budget.per_call < budget.limit)
            });
            let Some(i) = pick else { break };
            let chain = &mut state[i];
            chain.asking = true;
            let token = chain.token.clone();
            let backoff = (chain.throttled > 0).then(|| {
                options
                    .initial_backoff
                    .saturating_mul(1 << (chain.throttled - 1).min(5))
            });
            running.push(async move {
                if let Some(wait) = backoff {
                    tokio::time::sleep(wait).await;
                }
                let _in_flight = limiter.enter().await;
                (i, call(i, token).await)
            });
        }
        // With a page ready to hand on, take only answers already in and hand the page on;
        // otherwise wait for an answer. Handing on one page at a time (a page of output is a
        // few milliseconds of work) keeps calls starting while a long backlog is written.
        let ready = !state[head].waiting.is_empty();
        let arrived = if ready {
            running.next().now_or_never().flatten()
        } else {
            running.next().await
        };
        if let Some((i, answer)) = arrived {
            let chain = &mut state[i];
            chain.asking = false;
            match answer {
                Ok(page) => {
                    limiter.succeeded();
                    chain.throttled = 0;
                    chain.token.clone_from(&page.next_token);
                    chain.done = page.next_token.is_none();
                    if order == Order::Arrival {
                        if deliver(i, page)?.is_break() {
                            return Ok(());
                        }
                    } else {
                        waiting += (budget.weight)(&page);
                        chain.waiting.push_back(page);
                    }
                }
                Err(ApiError::Throttled(message)) => {
                    limiter.throttled();
                    chain.throttled += 1;
                    if chain.throttled > options.max_throttled {
                        return Err(ApiError::Throttled(message).into());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        } else if !ready {
            break;
        }
        if let Some(page) = state[head].waiting.pop_front() {
            waiting = waiting.saturating_sub((budget.weight)(&page));
            if deliver(head, page)?.is_break() {
                return Ok(());
            }
        }
        while head < chains && state[head].done && state[head].waiting.is_empty() {
            head += 1;
        }
    }
    Ok(())
}

/// Every page of one chain, concatenated: for the small listings (accelerators, listeners,
/// groups).
pub async fn all_pages<T, F, Fut>(mut next: F) -> ApiResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let page = next(token).await?;
        items.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(items),
        }
    }
}

/// The endpoint groups of each accelerator (in the order given; each accelerator's groups
/// listener by listener, as the service lists them), read concurrently.
pub async fn endpoint_groups_of(
    api: &dyn GlobalAccelerator,
    accelerator_arns: &[String],
    options: &ListingOptions,
) -> ApiResult<Vec<Vec<EndpointGroup>>> {
    let limiter = Limiter::new(options);
    let page = MAX_RESULTS_RESOURCES;
    let mut listeners: Vec<Vec<Listener>> = vec![Vec::new(); accelerator_arns.len()];
    ordered_pages::<_, ApiError, _, _, _>(
        accelerator_arns.len(),
        Order::Chains,
        &limiter,
        usize::MAX,
        options,
        |i, token| api.list_listeners(&accelerator_arns[i], page, token),
        |i, p| {
            listeners[i].extend(p.items);
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    let owners: Vec<(usize, String)> = listeners
        .iter()
        .enumerate()
        .flat_map(|(i, ls)| ls.iter().map(move |l| (i, l.arn.clone())))
        .collect();
    let mut groups: Vec<Vec<EndpointGroup>> = vec![Vec::new(); accelerator_arns.len()];
    ordered_pages::<_, ApiError, _, _, _>(
        owners.len(),
        Order::Chains,
        &limiter,
        usize::MAX,
        options,
        |i, token| api.list_endpoint_groups(&owners[i].1, page, token),
        |i, p| {
            groups[owners[i].0].extend(p.items);
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    Ok(groups)
}

/// Every endpoint group of one accelerator, listener by listener.
pub async fn endpoint_groups(
    api: &dyn GlobalAccelerator,
    accelerator_arn: &str,
) -> ApiResult<Vec<EndpointGroup>> {
    let page = MAX_RESULTS_RESOURCES;
    let listeners = all_pages(|t| api.list_listeners(accelerator_arn, page, t)).await?;
    let mut groups = Vec::new();
    for l in listeners {
        groups.extend(all_pages(|t| api.list_endpoint_groups(&l.arn, page, t)).await?);
    }
    Ok(groups)
}

/// One chain of an accelerator's port mappings: one endpoint group's, or (for an accelerator
/// with at most one group) the accelerator's whole listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingChain {
    /// Which of the caller's accelerators.
    pub accelerator: usize,
    pub accelerator_arn: String,
    pub endpoint_group_arn: Option<String>,
}

/// The chains that read every mapping of `accelerators` (each with its endpoint groups, as
/// `endpoint_groups_of` gives them): one per group, in group order, so a big accelerator is
/// read several groups at a time. An accelerator with one group or none is one unfiltered
/// chain, which also makes an empty accelerator answer (with no rows) at its place in order.
pub fn mapping_chains(accelerators: &[(String, Vec<EndpointGroup>)]) -> Vec<MappingChain> {
    let mut chains = Vec::new();
    for (i, (arn, groups)) in accelerators.iter().enumerate() {
        if groups.len() <= 1 {
            chains.push(MappingChain {
                accelerator: i,
                accelerator_arn: arn.clone(),
                endpoint_group_arn: None,
            });
            continue;
        }
        chains.extend(groups.iter().map(|g| MappingChain {
            accelerator: i,
            accelerator_arn: arn.clone(),
            endpoint_group_arn: Some(g.arn.clone()),
        }));
    }
    chains
}

/// Reads the port mappings of `chains` concurrently and hands each page to `deliver` with
/// its chain, in `order` (see the module notes).
pub async fn port_mappings<E, D>(
    api: &dyn GlobalAccelerator,
    chains: &[MappingChain],
    order: Order,
    options: &ListingOptions,
    limiter: &Limiter,
    mut deliver: D,
) -> Result<(), E>
where
    D: FnMut(&MappingChain, Page<PortMapping>) -> Result<ControlFlow<()>, E>,
    E: From<ApiError>,
{
    // The page size follows the chains still being read: small while many share the calls
    // in flight, up to 20,000 for the last long chains, so a big endpoint group read last
    // does not cost a round trip per 2,500 mappings.
    let unfinished = AtomicUsize::new(chains.len());
    let unfinished = &unfinished;
    let ask = |i: usize, token: Option<String>| {
        let c = &chains[i];
        let size = options.mapping_page_size(unfinished.load(Ordering::Relaxed));
        let answer = api.list_port_mappings(
            &c.accelerator_arn,
            c.endpoint_group_arn.as_deref(),
            size,
            token,
        );
        async move {
            let page = answer.await?;
            if page.is_last() {
                unfinished.fetch_sub(1, Ordering::Relaxed);
            }
            Ok(page)
        }
    };
    let budget_pages = options.budget_pages(options.mapping_page_size(chains.len()));
    match order {
        Order::Arrival => {
            ordered_pages(
                chains.len(),
                order,
                limiter,
                budget_pages,
                options,
                ask,
                |i, page| deliver(&chains[i], page),
            )
            .await
        }
        // Pages wait packed, counted by their mappings; each is unpacked as it is handed on.
        Order::Chains => {
            let budget = Budget {
                limit: options.budget_mappings,
                per_call: 0,
                weight: |page: &Page<PackedMappings>| {
                    page.items.iter().map(PackedMappings::len).sum::<usize>()
                },
            };
            weighed_pages(
                chains.len(),
                order,
                limiter,
                budget,
                options,
                |i, token| {
                    let answer = ask(i, token);
                    async move {
                        let page = answer.await?;
                        Ok(Page {
                            items: vec![PackedMappings::pack(page.items)],
                            next_token: page.next_token,
                        })
                    }
                },
                |i, page: Page<PackedMappings>| {
                    let items = page
                        .items
                        .into_iter()
                        .flat_map(PackedMappings::unpack)
                        .collect();
                    deliver(
                        &chains[i],
                        Page {
                            items,
                            next_token: page.next_token,
                        },
                    )
                },
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::packed::PackedRow;
    use super::*;
    use crate::model::{ProtocolSet, SocketAddress, TrafficState};

    fn page(items: Vec<u32>, next: Option<&str>) -> Page<u32> {
        Page {
            items,
            next_token: next.map(str::to_string),
        }
    }

    /// Chain `i` has `3 + i % 3` pages; page `p` holds `[i * 100 + p]`. Pages of low chains
    /// answer slowest, so later chains finish first and must wait.
    async fn fake(i: usize, token: Option<String>) -> ApiResult<Page<u32>> {
        let p: usize = token.map_or(0, |t| t.parse().unwrap());
        let pages = 3 + i % 3;
        tokio::time::sleep(Duration::from_millis(((10 - i.min(9)) * 2) as u64)).await;
        let next = (p + 1 < pages).then(|| (p + 1).to_string());
        Ok(page(vec![(i * 100 + p) as u32], next.as_deref()))
    }

    #[tokio::test]
    async fn pages_come_out_in_chain_order_whatever_order_they_arrive() {
        let options = ListingOptions {
            start_in_flight: 4,
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let mut seen = Vec::new();
        ordered_pages::<_, ApiError, _, _, _>(
            10,
            Order::Chains,
            &limiter,
            6,
            &options,
            fake,
            |i, p| {
                seen.push((i, p.items[0]));
                Ok(ControlFlow::Continue(()))
            },
        )
        .await
        .unwrap();
        let expected: Vec<(usize, u32)> = (0..10)
            .flat_map(|i| (0..3 + i % 3).map(move |p| (i, (i * 100 + p) as u32)))
            .collect();
        assert_eq!(seen, expected);
        assert!(limiter.peak() > 1, "chains were read concurrently");
    }

    #[tokio::test]
    async fn in_arrival_order_every_page_comes_once_and_each_chain_in_order() {
        let options = ListingOptions {
            start_in_flight: 6,
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let mut seen = Vec::new();
        ordered_pages::<_, ApiError, _, _, _>(
            10,
            Order::Arrival,
            &limiter,
            1,
            &options,
            fake,
            |i, p| {
                seen.push((i, p.items[0]));
                Ok(ControlFlow::Continue(()))
            },
        )
        .await
        .unwrap();
        let mut expected: Vec<(usize, u32)> = (0..10)
            .flat_map(|i| (0..3 + i % 3).map(move |p| (i, (i * 100 + p) as u32)))
            .collect();
        assert_ne!(
            seen, expected,
            "later chains answer faster, so they come first"
        );
        for i in 0..10 {
            let own: Vec<_> = seen.iter().filter(|(c, _)| *c == i).collect();
            assert!(
                own.windows(2).all(|w| w[0].1 < w[1].1),
                "chain {i} in order"
            );
        }
        seen.sort_unstable();
        expected.sort_unstable();
        assert_eq!(seen, expected);
    }

    #[test]
    fn packed_pages_unpack_to_the_same_rows() {
        let row = |ip: &str, group: &str, endpoint: &str, port: u16| PortMapping {
            accelerator_port: port,
            endpoint_group_arn: group.into(),
            endpoint_id: endpoint.into(),
            destination: SocketAddress {
                ip: ip.into(),
                port: port ^ 0x5555,
            },
            protocols: ProtocolSet {
                tcp: port.is_multiple_of(2),
                udp: port.is_multiple_of(3),
            },
            traffic: if port.is_multiple_of(5) {
                TrafficState::Allow
            } else {
                TrafficState::Deny
            },
        };
        let rows: Vec<PortMapping> = (1..2000u16)
            .map(|p| {
                let ip = match p % 4 {
                    0 => "10.0.0.1".to_string(),
                    1 => format!("10.1.{}.{}", p / 256, p % 256),
                    2 => "2001:db8::1".to_string(),
                    _ => "010.0.0.1".to_string(),
                };
                row(
                    &ip,
                    &format!("g{}", p / 700),
                    &format!("subnet-{}", p % 3),
                    p,
                )
            })
            .collect();
        assert_eq!(PackedMappings::pack(rows.clone()).unpack(), rows);
        assert!(size_of::<PackedRow>() <= 16);
    }

    #[tokio::test]
    async fn the_page_budget_bounds_calls_and_waiting_pages() {
        let options = ListingOptions {
            start_in_flight: 16,
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let held = std::cell::Cell::new(0usize);
        ordered_pages::<_, ApiError, _, _, _>(
            12,
            Order::Chains,
            &limiter,
            3,
            &options,
            |i, t| {
                held.set(held.get() + 1);
                fake(i, t)
            },
            |_, _| Ok(ControlFlow::Continue(())),
        )
        .await
        .unwrap();
        assert!(held.get() > 12);
        assert!(
            limiter.peak() <= 3 + 1,
            "budget 3 plus the head chain, got {}",
            limiter.peak()
        );
    }

    #[tokio::test]
    async fn throttling_halves_the_window_and_the_page_is_asked_again() {
        let options = ListingOptions {
            start_in_flight: 8,
            initial_backoff: Duration::from_millis(1),
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let calls = std::cell::Cell::new(0usize);
        let mut seen = Vec::new();
        ordered_pages::<_, ApiError, _, _, _>(
            8,
            Order::Chains,
            &limiter,
            100,
            &options,
            |i, t| {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if n.is_multiple_of(5) {
                        return Err(ApiError::Throttled("Rate exceeded".into()));
                    }
                    fake(i, t).await
                }
            },
            |i, p| {
                seen.push((i, p.items[0]));
                Ok(ControlFlow::Continue(()))
            },
        )
        .await
        .unwrap();
        let expected: Vec<(usize, u32)> = (0..8)
            .flat_map(|i| (0..3 + i % 3).map(move |p| (i, (i * 100 + p) as u32)))
            .collect();
        assert_eq!(seen, expected, "no page lost or repeated");
        let events = limiter.events();
        let throttles: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                LimitEvent::Throttled { before, after } => Some((*before, *after)),
                _ => None,
            })
            .collect();
        assert!(!throttles.is_empty());
        for (before, after) in throttles {
            assert!(after < before || before == 1, "{before} -> {after}");
        }
        for e in &events {
            if let LimitEvent::Started { in_flight, limit } = e {
                assert!(
                    in_flight <= limit,
                    "{in_flight} in flight over a limit of {limit}"
                );
            }
        }
    }

    #[tokio::test]
    async fn the_window_grows_back_once_throttling_stops() {
        let options = ListingOptions {
            start_in_flight: 8,
            initial_backoff: Duration::from_millis(1),
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let calls = std::cell::Cell::new(0usize);
        ordered_pages::<_, ApiError, _, _, _>(
            12,
            Order::Chains,
            &limiter,
            100,
            &options,
            |i, t| {
                calls.set(calls.get() + 1);
                let n = calls.get();
                async move {
                    if (3..6).contains(&n) {
                        return Err(ApiError::Throttled("Rate exceeded".into()));
                    }
                    fake(i, t).await
                }
            },
            |_, _| Ok(ControlFlow::Continue(())),
        )
        .await
        .unwrap();
        let events = limiter.events();
        let last_throttle = events
            .iter()
            .rposition(|e| matches!(e, LimitEvent::Throttled { .. }))
            .unwrap();
        let low = match events[last_throttle] {
            LimitEvent::Throttled { after, .. } => after,
            _ => unreachable!(),
        };
        assert!(low < 8);
        assert!(
            events[last_throttle..]
                .iter()
                .any(|e| matches!(e, LimitEvent::Raised { limit } if *limit > low)),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn an_error_other_than_throttling_ends_the_listing() {
        let options = ListingOptions::default();
        let limiter = Limiter::new(&options);
        let result = ordered_pages::<u32, ApiError, _, _, _>(
            3,
            Order::Chains,
            &limiter,
            10,
            &options,
            |_, _| async { Err(ApiError::AccessDenied("no".into())) },
            |_, _| Ok(ControlFlow::Continue(())),
        )
        .await;
        assert_eq!(result, Err(ApiError::AccessDenied("no".into())));
    }

    #[test]
    fn page_size_follows_the_number_of_chains() {
        let o = ListingOptions::default();
        assert_eq!(o.mapping_page_size(1), 20_000);
        assert_eq!(o.mapping_page_size(2), 15_000);
        assert_eq!(o.mapping_page_size(4), 7_500);
        assert_eq!(o.mapping_page_size(12), 2_500);
        assert_eq!(o.mapping_page_size(80), 2_500);
        assert_eq!(o.budget_pages(5_000), 200);
        assert_eq!(o.budget_pages(20_000), 50);
        let fixed = ListingOptions {
            page_size: Some(7),
            ..o
        };
        assert_eq!(fixed.mapping_page_size(80), 7);
    }
}
