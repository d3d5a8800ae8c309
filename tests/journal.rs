//! Changes through the journal, with the real SDK client against the emulator: a bulk deny
//! makes exactly the calls the grouping rule gives and touches nothing else, a failure in the
//! middle is reported exactly, and undo restores every socket's prior state.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::journal::{Journal, Recorder, undo};
use portolan::model::TrafficScope;
use portolan::model::bulk::{MAX_PER_CALL, Target, plan};

/// One group in us-east-1 with a /24 subnet (251 usable addresses) and four ports, all
/// allowed, and a second subnet with a /28 partly denied.
const TOPOLOGY: &str = include_str!("fixtures/journal.toml");

const SUBNET: &str = "subnet-0a00000000000001a";

struct Env {
    api: SdkClient,
    server: LocalEmulator,
    accelerator: String,
    group: String,
}

async fn start() -> Env {
    let topology = Topology::parse(TOPOLOGY, "journal").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let server = LocalEmulator::start(emulator).await.unwrap();
    let api = SdkClient::connect(ClientOptions::local(&server.url))
        .await
        .unwrap();
    let accelerator = api.list_accelerators(10, None).await.unwrap().items[0]
        .arn
        .clone();
    let listener = api
        .list_listeners(&accelerator, 10, None)
        .await
        .unwrap()
        .items[0]
        .arn
        .clone();
    let group = api
        .list_endpoint_groups(&listener, 10, None)
        .await
        .unwrap()
        .items[0]
        .arn
        .clone();
    Env {
        api,
        server,
        accelerator,
        group,
    }
}

/// Every socket of the accelerator and whether it is allowed, read in full.
async fn everything(env: &Env) -> BTreeMap<(String, String, u16), bool> {
    let mut out = BTreeMap::new();
    let mut token = None;
    loop {
        let page = env
            .api
            .list_port_mappings(&env.accelerator, None, 1000, token)
            .await
            .unwrap();
        for m in page.items {
            out.insert(
                (m.endpoint_id, m.destination.ip, m.destination.port),
                m.traffic == portolan::model::TrafficState::Allow,
            );
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => return out,
        }
    }
}

fn calls(env: &Env, operation: &str) -> u64 {
    env.server
        .emulator
        .calls()
        .get(operation)
        .copied()
        .unwrap_or(0)
}

/// What a filter would show: 250 sockets of the big subnet, addresses 1–100 at 7777 and 7778,
/// 101–150 at 7779 only.
fn filtered(group: &str) -> Vec<Target> {
    let mut out = Vec::new();
    for host in 4u8..154 {
        let ip = Ipv4Addr::new(10, 0, 1, host);
        let ports: &[u16] = if host < 104 { &[7777, 7778] } else { &[7779] };
        for &port in ports {
            out.push(Target {
                group: group.into(),
                subnet: SUBNET.into(),
                ip,
                port: Some(port),
            });
        }
    }
    out
}

/// The grouping rule, computed independently: addresses sharing a port set share calls,
/// cut at 100 addresses and 100 ports.
fn expected_calls(targets: &[Target]) -> usize {
    let mut by_ip: BTreeMap<Ipv4Addr, BTreeSet<u16>> = BTreeMap::new();
    for t in targets {
        by_ip.entry(t.ip).or_default().insert(t.port.unwrap());
    }
    let mut classes: BTreeMap<Vec<u16>, usize> = BTreeMap::new();
    for ports in by_ip.values() {
        *classes.entry(ports.iter().copied().collect()).or_default() += 1;
    }
    classes
        .iter()
        .map(|(ports, ips)| ips.div_ceil(MAX_PER_CALL) * ports.len().div_ceil(MAX_PER_CALL))
        .sum()
}

#[tokio::test]
async fn a_bulk_deny_changes_exactly_the_sockets_asked_for_and_undo_puts_them_back() {
    let env = start().await;
    let dir = tempfile::tempdir().unwrap();
    let recorder = Recorder {
        journal: Some(Journal::in_dir(dir.path())),
        profile: Some("test".into()),
        account: Some("123456789012".into()),
    };
    let before = everything(&env).await;
    let targets = filtered(&env.group);
    assert_eq!(targets.len(), 250);
    let plan = plan(&targets);
    assert_eq!(plan.calls(), expected_calls(&targets));
    assert_eq!((plan.sockets, plan.addresses, plan.subnets), (250, 150, 1));

    let mut seen = Vec::new();
    let applied = recorder
        .traffic(
            &env.api,
            false,
            "deny 250 sockets",
            &plan.changes,
            &mut |d, n| seen.push((d, n)),
        )
        .await;
    assert!(applied.complete(), "{:?}", applied.outcome);
    assert_eq!(
        calls(&env, "DenyCustomRoutingTraffic"),
        expected_calls(&targets) as u64
    );
    assert_eq!(seen.last(), Some(&(plan.calls(), plan.calls())));

    let after = everything(&env).await;
    let asked: BTreeSet<(String, String, u16)> = targets
        .iter()
        .map(|t| (t.subnet.clone(), t.ip.to_string(), t.port.unwrap()))
        .collect();
    assert_eq!(after.len(), before.len());
    for (socket, allowed) in &after {
        if asked.contains(socket) {
            assert!(!allowed, "{socket:?} was asked to be denied");
        } else {
            assert_eq!(
                Some(allowed),
                before.get(socket),
                "{socket:?} was not asked for"
            );
        }
    }

    // The journal holds the change with the prior state of every socket it touched.
    let entry = applied.entry.clone().unwrap();
    assert_eq!(entry.prior.len(), 250);
    assert!(entry.prior.iter().all(|p| p.allowed));
    let read = Journal::in_dir(dir.path()).entries().unwrap();
    assert_eq!(read.entries, vec![entry.clone()]);

    let undone = undo(&env.api, &recorder, &entry).await.unwrap();
    assert!(undone.complete(), "{:?}", undone.outcome);
    assert_eq!(everything(&env).await, before, "undo restores every socket");
    let read = Journal::in_dir(dir.path()).entries().unwrap();
    assert_eq!(read.entries.len(), 2);
    assert_eq!(read.entries[1].undoes.as_deref(), Some(entry.id.as_str()));
}

#[tokio::test]
async fn undo_restores_a_mixed_prior_state_exactly() {
    let env = start().await;
    let recorder = Recorder::default();
    let before = everything(&env).await;
    // Allow the whole small subnet: 10.0.2.4 was denied on every port.
    let change = portolan::model::TrafficChange {
        endpoint_group_arn: env.group.clone(),
        endpoint_id: "subnet-0a00000000000002a".into(),
        scope: TrafficScope::WholeEndpoint,
    };
    let mut applied = recorder
        .traffic(&env.api, true, "allow all", &[change], &mut |_, _| {})
        .await;
    assert!(applied.complete());
    assert!(everything(&env).await.values().all(|a| *a));
    // Without a journal there is no entry; undo from what was recorded in memory.
    assert!(applied.entry.is_none());
    let with_journal = Recorder {
        journal: Some(Journal::in_dir(tempfile::tempdir().unwrap().keep())),
        ..Recorder::default()
    };
    let change = portolan::model::TrafficChange {
        endpoint_group_arn: env.group.clone(),
        endpoint_id: "subnet-0a00000000000002a".into(),
        scope: TrafficScope::Destinations {
            addresses: vec!["10.0.2.4".into(), "10.0.2.5".into()],
            ports: vec![7777],
        },
    };
    applied = with_journal
        .traffic(&env.api, false, "deny two", &[change], &mut |_, _| {})
        .await;
    let entry = applied.entry.unwrap();
    assert_eq!(entry.prior.len(), 2);
    undo(&env.api, &with_journal, &entry).await.unwrap();
    let now = everything(&env).await;
    assert!(
        now.values().all(|a| *a),
        "back to all allowed, as before the deny"
    );
    assert_ne!(now, before, "the first change was not undone");
}

#[tokio::test]
async fn a_failure_in_the_middle_says_exactly_what_was_applied() {
    let env = start().await;
    let recorder = Recorder::default();
    let before = everything(&env).await;
    let change = |subnet: &str, host: u8| portolan::model::TrafficChange {
        endpoint_group_arn: env.group.clone(),
        endpoint_id: subnet.into(),
        scope: TrafficScope::Destinations {
            addresses: vec![format!("10.0.1.{host}")],
            ports: vec![7777],
        },
    };
    let changes = vec![
        change(SUBNET, 10),
        change("subnet-0ffffffffffffffff", 11),
        change(SUBNET, 12),
    ];
    let applied = recorder
        .traffic(&env.api, false, "deny three", &changes, &mut |_, _| {})
        .await;
    assert!(!applied.complete());
    assert_eq!(applied.outcome.applied, 1);
    let summary = applied.summary("deny three");
    assert!(
        summary.contains("1 of 3 calls applied, 1 not made; call 2 failed"),
        "{summary}"
    );
    let after = everything(&env).await;
    let changed: Vec<_> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(
        changed,
        vec![(SUBNET.to_string(), "10.0.1.10".to_string(), 7777)]
    );
}
