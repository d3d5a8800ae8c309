//! The mapping index and reverse lookups against the emulator through the real SDK: build and
//! reload, answers that match a full listing, staleness after subnets change, and the plain
//! answers for addresses nobody uses.

use std::net::Ipv4Addr;

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::index::whois::{Via, WhoisError, whois};
use portolan::index::{IndexStore, build};
use portolan::model::{Accelerator, PortMapping, TrafficState};

const SMALL: &str = include_str!("fixtures/small.toml");

struct Env {
    api: SdkClient,
    store: IndexStore,
    _dir: tempfile::TempDir,
    _server: LocalEmulator,
}

async fn start() -> Env {
    let topology = Topology::parse(SMALL, "small").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let server = LocalEmulator::start(emulator).await.unwrap();
    let api = SdkClient::connect(ClientOptions::local(&server.url))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    Env {
        api,
        store: IndexStore::new(dir.path()),
        _dir: dir,
        _server: server,
    }
}

impl Env {
    async fn accelerator(&self, name: &str) -> Accelerator {
        let page = self.api.list_accelerators(100, None).await.unwrap();
        page.items.into_iter().find(|a| a.name == name).unwrap()
    }

    async fn mappings(&self, acc: &Accelerator) -> Vec<PortMapping> {
        self.api
            .list_port_mappings(&acc.arn, None, 20_000, None)
            .await
            .unwrap()
            .items
    }

    async fn index(&self, acc: &Accelerator) {
        let index = build(&self.api, acc, |_| true).await.unwrap().unwrap();
        self.store.save(&index).unwrap();
    }

    fn ip(acc: &Accelerator, n: usize) -> Ipv4Addr {
        acc.static_ips[n].parse().unwrap()
    }
}

#[tokio::test]
async fn an_index_round_trips_and_answers_like_a_full_listing() {
    let env = start().await;
    let acc = env.accelerator("game-us").await;
    let built = build(&env.api, &acc, |_| true).await.unwrap().unwrap();
    let bytes = env.store.save(&built).unwrap();
    let loaded = env.store.load(&acc.arn).unwrap().unwrap();
    assert_eq!(loaded, built);
    assert_eq!(loaded.len(), 88);
    assert!(
        bytes / 88 < 40,
        "{bytes} bytes for 88 mappings (tables included)"
    );
    let catalog = env.store.catalog();
    assert_eq!(
        catalog
            .owner_of(&acc.static_ips[1])
            .unwrap()
            .accelerator_arn,
        acc.arn
    );

    for (i, m) in env.mappings(&acc).await.iter().enumerate() {
        let ip = Env::ip(&acc, i % 2);
        let answer = whois(&env.api, Some(&env.store), ip, m.accelerator_port)
            .await
            .unwrap();
        assert_eq!(answer.via, Via::Index);
        assert_eq!(answer.destination, m.destination);
        assert_eq!(answer.subnet, m.endpoint_id);
        assert_eq!(answer.endpoint_group_arn, m.endpoint_group_arn);
        assert_eq!(
            answer.traffic, m.traffic,
            "live state for port {}",
            m.accelerator_port
        );
        assert_eq!(answer.protocols, Some(m.protocols));
        assert!(!answer.region.is_empty());
        assert!(answer.endpoint_group_arn.starts_with(&answer.listener_arn));
    }
}

#[tokio::test]
async fn without_an_index_the_listing_gives_the_same_answers() {
    let env = start().await;
    let acc = env.accelerator("voip-eu").await;
    let mappings = env.mappings(&acc).await;
    for m in mappings.iter().step_by(7) {
        let answer = whois(&env.api, None, Env::ip(&acc, 0), m.accelerator_port)
            .await
            .unwrap();
        assert_eq!(answer.via, Via::Listing);
        assert_eq!(answer.destination, m.destination);
        assert_eq!(answer.region, "us-east-1");
    }
}

#[tokio::test]
async fn plain_answers_for_unknown_addresses_and_unused_ports() {
    let env = start().await;
    let acc = env.accelerator("game-us").await;
    let r = whois(&env.api, None, "198.51.100.7".parse().unwrap(), 80).await;
    assert!(matches!(r, Err(WhoisError::NotAStaticIp { .. })), "{r:?}");
    let used: Vec<u16> = env
        .mappings(&acc)
        .await
        .iter()
        .map(|m| m.accelerator_port)
        .collect();
    let unused = (10_000..11_000).find(|p| !used.contains(p)).unwrap();
    for store in [None, Some(&env.store)] {
        if store.is_some() {
            env.index(&acc).await;
        }
        let r = whois(&env.api, store, Env::ip(&acc, 0), unused).await;
        assert!(
            matches!(&r, Err(WhoisError::PortUnused { port, .. }) if *port == unused),
            "{r:?}"
        );
    }
    // The error says it plainly.
    let message = whois(&env.api, None, Env::ip(&acc, 0), 1)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(message, "no mapping of game-us uses accelerator port 1");
}

#[tokio::test]
async fn a_changed_accelerator_makes_the_index_stale_and_answers_stay_right() {
    let env = start().await;
    let acc = env.accelerator("game-us").await;
    env.index(&acc).await;
    let before = env.mappings(&acc).await;
    let group = before[0].endpoint_group_arn.clone();
    let subnet = before
        .iter()
        .find(|m| m.endpoint_group_arn == group)
        .unwrap()
        .endpoint_id
        .clone();
    let gone: Vec<&PortMapping> = before.iter().filter(|m| m.endpoint_id == subnet).collect();

    // Removed: the index still names the subnet, the live read disagrees.
    env.api
        .remove_endpoints(&group, vec![subnet.clone()])
        .await
        .unwrap();
    let r = whois(
        &env.api,
        Some(&env.store),
        Env::ip(&acc, 0),
        gone[0].accelerator_port,
    )
    .await;
    assert!(matches!(r, Err(WhoisError::PortUnused { .. })), "{r:?}");
    let rebuilt = env
        .store
        .load(&acc.arn)
        .unwrap()
        .expect("rebuilt, not left stale");
    assert_eq!(rebuilt.len(), 88 - gone.len());
    assert!(rebuilt.lookup(gone[0].accelerator_port).is_none());

    // Added back: it gets whatever ports the allocator gives; rebuild nothing and ask.
    env.index(&acc).await;
    env.api
        .add_endpoints(&group, vec![subnet.clone()])
        .await
        .unwrap();
    let after = env.mappings(&acc).await;
    for m in after.iter().filter(|m| m.endpoint_id == subnet) {
        let answer = whois(
            &env.api,
            Some(&env.store),
            Env::ip(&acc, 1),
            m.accelerator_port,
        )
        .await
        .unwrap();
        assert_eq!(answer.destination, m.destination);
        assert_eq!(answer.subnet, subnet);
        assert_eq!(
            answer.traffic,
            TrafficState::Deny,
            "a re-added subnet denies traffic"
        );
        // Rebuild after the first stale answer so the rest come from a fresh index.
        if env.store.load(&acc.arn).unwrap().is_none() {
            env.index(&acc).await;
        }
    }
    // Every other mapping still answers right through the rebuilt index.
    for m in after.iter().step_by(5) {
        let answer = whois(
            &env.api,
            Some(&env.store),
            Env::ip(&acc, 0),
            m.accelerator_port,
        )
        .await
        .unwrap();
        assert_eq!(answer.destination, m.destination);
        assert_eq!(answer.via, Via::Index);
    }
}

#[tokio::test]
async fn an_ip_alone_finds_the_subnets_that_hold_it_with_or_without_an_index() {
    let env = start().await;
    let all = env.api.list_accelerators(100, None).await.unwrap().items;
    let ip: Ipv4Addr = "10.0.1.9".parse().unwrap();
    let expected = vec![
        (
            "game-us".to_string(),
            "subnet-0a00000000000001a".to_string(),
        ),
        (
            "voip-eu".to_string(),
            "subnet-0a00000000000001a".to_string(),
        ),
    ];
    let names = |found: Vec<portolan::index::Holder>| -> Vec<(String, String)> {
        found
            .into_iter()
            .map(|h| (h.accelerator_name, h.subnet))
            .collect()
    };
    let asked = portolan::index::holders(&env.api, None, &all, ip)
        .await
        .unwrap();
    assert_eq!(names(asked), expected);
    for acc in &all {
        env.index(acc).await;
    }
    let indexed = portolan::index::holders(&env.api, Some(&env.store), &all, ip)
        .await
        .unwrap();
    assert_eq!(names(indexed), expected);
    // An address outside every subnet (or a reserved one) is held by none.
    for outside in ["10.9.9.9", "10.0.1.0", "10.0.1.15"] {
        let found = portolan::index::holders(&env.api, None, &all, outside.parse().unwrap())
            .await
            .unwrap();
        assert!(found.is_empty(), "{outside}: {found:?}");
    }
}

#[tokio::test]
async fn listener_capacity_matches_what_the_emulator_allocates() {
    use portolan::index::listener_usage;
    use portolan::model::capacity::{ports_per_subnet, subnets_that_fit};
    let env = start().await;
    let acc = env.accelerator("game-us").await;
    let listener = env
        .api
        .list_listeners(&acc.arn, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let counted = listener_usage(&env.api, None, &listener).await.unwrap();
    assert_eq!(counted.total, 1000);
    assert_eq!(counted.used(), 88);
    env.index(&acc).await;
    let indexed = listener_usage(&env.api, Some(&env.store), &listener)
        .await
        .unwrap();
    assert_eq!(indexed, counted, "the index counts what the listing counts");

    // The us-east-1 group maps 3 destination ports: a /28 (11 usable addresses) takes 33.
    let group = env
        .api
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|g| g.region == "us-east-1")
        .unwrap();
    let ports: u64 = group
        .destinations
        .iter()
        .map(|d| u64::from(d.ports.len()))
        .sum();
    assert_eq!(ports, 3);
    let predicted = ports_per_subnet(28, ports);
    assert_eq!(subnets_that_fit(28, ports, counted.free()), 912 / 33);
    env.api
        .add_endpoints(&group.arn, vec!["subnet-0a0000000000000f1".into()])
        .await
        .unwrap();
    let after = listener_usage(&env.api, Some(&env.store), &listener)
        .await
        .unwrap();
    assert_eq!(
        after.used() - counted.used(),
        predicted,
        "the stale index is not trusted"
    );
}

#[tokio::test]
async fn a_disabled_accelerator_is_the_answer_whatever_the_mapping_allows() {
    use portolan::model::{AcceleratorUpdate, Verdict};
    let env = start().await;
    let acc = env.accelerator("voip-eu").await;
    let allowed = env
        .mappings(&acc)
        .await
        .into_iter()
        .find(|m| m.traffic == TrafficState::Allow)
        .expect("voip-eu allows all traffic to its subnet");
    // Indexed while enabled, so the index catalog alone would call it enabled.
    env.index(&acc).await;
    env.api
        .update_accelerator(AcceleratorUpdate {
            arn: acc.arn.clone(),
            name: None,
            ip_address_type: None,
            ip_addresses: None,
            enabled: Some(false),
        })
        .await
        .unwrap();
    for (store, via) in [(None, Via::Listing), (Some(&env.store), Via::Index)] {
        let answer = whois(&env.api, store, Env::ip(&acc, 0), allowed.accelerator_port)
            .await
            .unwrap();
        assert_eq!(answer.via, via);
        assert!(!answer.accelerator_enabled, "{via:?}");
        assert_eq!(
            answer.traffic,
            TrafficState::Allow,
            "the mapping's own state"
        );
        assert_eq!(answer.verdict(), Verdict::Disabled, "{via:?}");
    }
}

#[tokio::test]
async fn with_the_subnets_cidrs_only_the_endpoints_that_may_hold_an_ip_are_asked() {
    use portolan::ec2::{Ec2, Ec2Client};
    use portolan::index::{Scope, holders_within, narrow, scope_of};
    let env = start().await;
    let ec2 = Ec2Client::connect(&ClientOptions::local(&env._server.url))
        .await
        .unwrap();
    let all = env.api.list_accelerators(100, None).await.unwrap().items;
    let scope = scope_of(&env.api, &all).await.unwrap();
    let mut cidrs = std::collections::HashMap::new();
    for (region, subnet) in scope.iter().flat_map(Scope::endpoints) {
        for s in ec2
            .subnets_by_id(region, &[subnet.to_string()])
            .await
            .unwrap()
        {
            cidrs.insert(s.id.clone(), s.cidr.unwrap());
        }
    }
    let endpoints = scope.iter().flat_map(Scope::endpoints).count();
    let asked = || {
        env._server
            .emulator
            .calls()
            .get("ListCustomRoutingPortMappingsByDestination")
            .copied()
            .unwrap_or(0)
    };

    let ip: Ipv4Addr = "10.0.1.9".parse().unwrap();
    let narrowed = narrow(&scope, ip, |_, s| cidrs.get(s).copied());
    assert!(!narrowed.is_outside_all());
    let before = asked();
    let found = holders_within(&env.api, None, &scope, ip, &narrowed)
        .await
        .unwrap();
    let holders: Vec<&str> = found.iter().map(|h| h.subnet.as_str()).collect();
    assert_eq!(holders, ["subnet-0a00000000000001a"; 2], "{found:?}");
    let calls = asked() - before;
    // The one subnet whose CIDR holds it, an endpoint of two accelerators; not the others.
    assert_eq!(narrowed.inside.len(), 1, "{narrowed:?}");
    assert_eq!(calls, 2, "of {endpoints} endpoints");

    let outside: Ipv4Addr = "10.9.9.9".parse().unwrap();
    let narrowed = narrow(&scope, outside, |_, s| cidrs.get(s).copied());
    assert!(narrowed.is_outside_all(), "{narrowed:?}");
    assert_eq!(narrowed.outside.len(), cidrs.len());
    // Without the CIDRs nothing is excluded: every endpoint is asked, as before.
    let unknown = narrow(&scope, outside, |_, _| None);
    assert_eq!(unknown.unknown, endpoints);
    assert!(!unknown.is_outside_all());
}
