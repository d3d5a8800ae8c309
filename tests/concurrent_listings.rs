//! Concurrent listings through the real `SdkClient` and the emulator: reading endpoint groups
//! and accelerators as separate chains, several at once, gives exactly the rows of one
//! sequential listing, in the same order; throttling in the middle lowers the number of calls
//! in flight and loses no page.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use portolan::api::listing::{self, LimitEvent, Limiter, ListingOptions};
use portolan::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::model::PortMapping;

struct Env {
    api: SdkClient,
    faults: Arc<Faults>,
    _server: LocalEmulator,
}

async fn start(topology: Topology, max_attempts: u32) -> Env {
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let faults = Arc::new(Faults::new(5));
    let server = LocalEmulator::start_with_faults(emulator, Arc::clone(&faults))
        .await
        .unwrap();
    let mut options = ClientOptions::local(&server.url);
    options.max_attempts = max_attempts;
    let api = SdkClient::connect(options).await.unwrap();
    Env {
        api,
        faults,
        _server: server,
    }
}

/// One token chain after another, no filter: what a plain client reads.
async fn sequential(api: &SdkClient, arns: &[String]) -> Vec<(String, PortMapping)> {
    let mut rows = Vec::new();
    for arn in arns {
        let mut token = None;
        loop {
            let page = api
                .list_port_mappings(arn, None, 20_000, token)
                .await
                .unwrap();
            rows.extend(page.items.into_iter().map(|m| (arn.clone(), m)));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    rows
}

async fn concurrent(
    api: &SdkClient,
    arns: &[String],
    options: &ListingOptions,
    limiter: &Limiter,
) -> Result<(Vec<(String, PortMapping)>, usize), ApiError> {
    let groups = listing::endpoint_groups_of(api, arns, options).await?;
    let chains = listing::mapping_chains(&arns.iter().cloned().zip(groups).collect::<Vec<_>>());
    let mut rows = Vec::new();
    listing::port_mappings::<ApiError, _>(
        api,
        &chains,
        listing::Order::Chains,
        options,
        limiter,
        |chain, page| {
            rows.extend(
                page.items
                    .into_iter()
                    .map(|m| (chain.accelerator_arn.clone(), m)),
            );
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    Ok((rows, chains.len()))
}

async fn arns_named(api: &SdkClient, names: &[&str]) -> Vec<String> {
    let all = api.list_accelerators(100, None).await.unwrap().items;
    names
        .iter()
        .map(|n| all.iter().find(|a| a.name == *n).unwrap().arn.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_chains_return_exactly_the_sequential_rows() {
    let env = start(Topology::demo(), 3).await;
    // Accelerators of 8, 3 and 1 endpoint groups; 40,000-odd mappings between them.
    let arns = arns_named(&env.api, &["voip-media-eu", "chess-live", "voip-core"]).await;
    let expected = sequential(&env.api, &arns).await;
    for page_size in [None, Some(997)] {
        let options = ListingOptions {
            page_size,
            ..ListingOptions::default()
        };
        let limiter = Limiter::new(&options);
        let (rows, chains) = concurrent(&env.api, &arns, &options, &limiter)
            .await
            .unwrap();
        assert_eq!(chains, 8 + 3 + 1);
        assert_eq!(rows.len(), expected.len(), "{page_size:?}");
        assert!(
            rows == expected,
            "rows or their order differ at {page_size:?}"
        );
        assert!(limiter.peak() > 1, "chains were read concurrently");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accelerator_at_once_matches_one_by_one() {
    let topology = Topology::parse(include_str!("fixtures/small.toml"), "small").unwrap();
    let env = start(topology, 3).await;
    let arns: Vec<String> = env
        .api
        .list_accelerators(100, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|a| a.arn)
        .collect();
    let expected = sequential(&env.api, &arns).await;
    assert_eq!(expected.len(), 88 + 110);
    let options = ListingOptions {
        page_size: Some(7),
        ..ListingOptions::default()
    };
    let limiter = Limiter::new(&options);
    let (rows, _) = concurrent(&env.api, &arns, &options, &limiter)
        .await
        .unwrap();
    assert!(rows == expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_lowers_the_calls_in_flight_and_loses_no_page() {
    // One attempt per call: every throttling answer reaches the listing itself.
    let env = start(Topology::demo(), 1).await;
    let arns = arns_named(&env.api, &["voip-media-eu", "party-games-sa"]).await;
    let expected = sequential(&env.api, &arns).await;
    env.faults.add(
        "ListCustomRoutingPortMappings:throttle@25%"
            .parse()
            .unwrap(),
    );
    let options = ListingOptions {
        start_in_flight: 8,
        page_size: Some(1500),
        initial_backoff: Duration::from_millis(2),
        max_throttled: 30,
        ..ListingOptions::default()
    };
    let limiter = Limiter::new(&options);
    let (rows, _) = concurrent(&env.api, &arns, &options, &limiter)
        .await
        .unwrap();
    assert!(rows == expected, "a page was lost, repeated or reordered");
    let events = limiter.events();
    let throttled: Vec<(usize, usize)> = events
        .iter()
        .filter_map(|e| match *e {
            LimitEvent::Throttled { before, after } => Some((before, after)),
            _ => None,
        })
        .collect();
    assert!(throttled.len() >= 3, "the fault throttled: {throttled:?}");
    assert!(
        throttled.iter().any(|(b, a)| a < b),
        "throttling lowered the limit: {throttled:?}"
    );
    for (before, after) in &throttled {
        assert!(after < before || *before == 1);
    }
    // Never more calls in flight than the limit at the time, so a lowered limit is obeyed.
    let mut started = 0;
    for e in &events {
        if let LimitEvent::Started { in_flight, limit } = *e {
            started += 1;
            assert!(
                in_flight <= limit,
                "{in_flight} in flight under a limit of {limit}"
            );
        }
    }
    assert!(started > rows.len() / 1500);
}
