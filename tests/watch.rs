//! Watching pins with the real SDK client against the emulator: a change made by another
//! client is reported in the next round, a round shares its reads between pins, throttling
//! stretches the wait, a destination that disappears is said to be gone, pins persist, and
//! `portolan watch` on a pipe streams NDJSON until interrupted.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::model::watch::{Backoff, FailedCall, Field, Gone, Pin, Presence, WatchRow, merge};
use portolan::model::{Accelerator, PortMapping, TrafficChange, TrafficScope, TrafficState};
use portolan::watch::{PinStore, PollOptions, Target, poll, resolve};

const SMALL: &str = include_str!("fixtures/small.toml");
const SUBNET_1: &str = "subnet-0a00000000000001a";
const SUBNET_2: &str = "subnet-0a00000000000002a";
const BY_DESTINATION: &str = "ListCustomRoutingPortMappingsByDestination";
const DESCRIBE: &str = "DescribeCustomRoutingAccelerator";

struct Env {
    api: SdkClient,
    server: LocalEmulator,
}

async fn client(url: &str, max_attempts: u32) -> SdkClient {
    let mut options = ClientOptions::local(url);
    options.max_attempts = max_attempts;
    SdkClient::connect(options).await.unwrap()
}

async fn start() -> Env {
    let topology = Topology::parse(SMALL, "small").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let server = LocalEmulator::start(emulator).await.unwrap();
    Env {
        api: client(&server.url, 1).await,
        server,
    }
}

async fn accelerator(api: &SdkClient, name: &str) -> Accelerator {
    let page = api.list_accelerators(100, None).await.unwrap();
    page.items.into_iter().find(|a| a.name == name).unwrap()
}

/// The first mapping of `name` into `subnet`, at address `ip` if given, and a pin of it.
async fn mapping(
    api: &SdkClient,
    name: &str,
    subnet: &str,
    ip: Option<&str>,
) -> (Pin, PortMapping) {
    let acc = accelerator(api, name).await;
    let m = api
        .list_port_mappings(&acc.arn, None, 20_000, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.endpoint_id == subnet && ip.is_none_or(|ip| m.destination.ip == ip))
        .unwrap();
    let pin = Pin::parse(&format!("{}:{}", acc.static_ips[0], m.accelerator_port)).unwrap();
    (pin, m)
}

fn deny(m: &PortMapping) -> TrafficChange {
    TrafficChange {
        endpoint_group_arn: m.endpoint_group_arn.clone(),
        endpoint_id: m.endpoint_id.clone(),
        scope: TrafficScope::Destinations {
            addresses: vec![m.destination.ip.clone()],
            ports: vec![m.destination.port],
        },
    }
}

async fn targets(api: &SdkClient, pins: &[Pin]) -> Vec<Target> {
    resolve(api, None, pins)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn count(server: &LocalEmulator, op: &str) -> u64 {
    server.emulator.calls().get(op).copied().unwrap_or(0)
}

#[tokio::test]
async fn a_socket_denied_by_another_client_is_a_change_in_the_next_round() {
    let env = start().await;
    let (pin, m) = mapping(&env.api, "game-us", SUBNET_1, None).await;
    let targets = targets(&env.api, std::slice::from_ref(&pin)).await;
    let options = PollOptions::default();
    let first = poll(&env.api, &targets, &options).await;
    assert!(first.failures.is_empty() && !first.throttled, "{first:?}");
    let [row] = first.rows.as_slice() else {
        panic!("one row: {first:?}")
    };
    assert_eq!(row.destination, m.destination);
    assert_eq!(row.verdict_words(), "ALLOW");
    assert_eq!(row.accelerator_name, "game-us");
    assert_eq!(row.enabled, Some(true));
    assert_eq!(row.region, "us-east-1");

    let other = client(&env.server.url, 3).await;
    other.deny_traffic(deny(&m)).await.unwrap();
    let second = poll(&env.api, &targets, &options).await;
    let (rows, changes) = merge(&first.rows, &second);
    assert_eq!(rows[0].traffic, Some(TrafficState::Deny));
    let [change] = changes.as_slice() else {
        panic!("one change: {changes:?}")
    };
    let traffic: Vec<_> = change
        .changes
        .iter()
        .filter(|c| c.field == Field::Traffic)
        .collect();
    assert_eq!(traffic.len(), 1, "{change:?}");
    assert_eq!(traffic[0].words(), "traffic ALLOW → DENY");
    assert!(
        change.line().contains("traffic ALLOW → DENY"),
        "{}",
        change.line()
    );
}

#[tokio::test]
async fn a_round_reads_each_destination_once_and_each_accelerator_once() {
    let env = start().await;
    let (game_socket, m) = mapping(&env.api, "game-us", SUBNET_1, None).await;
    let ip = m.destination.ip.clone();
    // The same address through voip-eu, which maps the same subnet.
    let (voip_socket, v) = mapping(&env.api, "voip-eu", SUBNET_1, Some(&ip)).await;
    let (_, elsewhere) = mapping(&env.api, "game-us", SUBNET_2, None).await;
    let game_group = m.endpoint_group_arn.clone();
    let other_port = format!("{game_group}/{SUBNET_1}/{ip}:{}", m.destination.port + 1);
    let pins: Vec<Pin> = [
        game_socket.to_string(),
        voip_socket.to_string(),
        other_port,
        ip.clone(),
        elsewhere.destination.ip.clone(),
    ]
    .iter()
    .map(|p| Pin::parse(p).unwrap())
    .collect();

    // Pins kept for the account come back the same and resolve the same.
    let dir = tempfile::tempdir().unwrap();
    let store = PinStore::in_dir(dir.path());
    store.save("123456789012", &pins).unwrap();
    let loaded = store.load("123456789012").unwrap();
    assert_eq!(loaded.pins, pins);
    let targets = targets(&env.api, &loaded.pins).await;

    for _ in 0..2 {
        let (reads, describes) = (
            count(&env.server, BY_DESTINATION),
            count(&env.server, DESCRIBE),
        );
        let round = poll(&env.api, &targets, &PollOptions::default()).await;
        assert!(round.failures.is_empty(), "{:?}", round.failures);
        // (subnet 1, ip) serves four pins; (subnet 2, another ip) the fifth.
        assert_eq!(count(&env.server, BY_DESTINATION) - reads, 2);
        assert_eq!(
            count(&env.server, DESCRIBE) - describes,
            2,
            "game-us and voip-eu"
        );
        let of = |pin: &Pin| round.rows.iter().filter(|r| &r.pin == pin).count();
        assert_eq!(of(&pins[0]), 1);
        assert_eq!(of(&pins[1]), 1);
        assert_eq!(of(&pins[2]), 1);
        // 3 game-us ports and 10 voip-eu ports at the address; 3 game-us ports at the other.
        assert_eq!(of(&pins[3]), 13);
        assert_eq!(of(&pins[4]), 3);
        let voip: &WatchRow = round.rows.iter().find(|r| r.pin == pins[1]).unwrap();
        assert_eq!(voip.destination, v.destination);
        assert_eq!(voip.accelerator_name, "voip-eu");
        assert!(round.rows.iter().all(|r| r.presence == Presence::Mapped));
    }
}

#[tokio::test]
async fn throttling_keeps_the_rows_and_doubles_the_wait_until_a_clean_round() {
    let env = start().await;
    let (pin, _) = mapping(&env.api, "game-us", SUBNET_1, None).await;
    let targets = targets(&env.api, &[pin]).await;
    let options = PollOptions::default();
    let mut backoff = Backoff::new(Duration::from_secs(1));
    let first = poll(&env.api, &targets, &options).await;
    assert_eq!(backoff.after_round(first.throttled), Duration::from_secs(1));

    env.server
        .faults
        .add(format!("{BY_DESTINATION}:throttle#2").parse().unwrap());
    for wait in [2, 4] {
        let round = poll(&env.api, &targets, &options).await;
        assert!(round.throttled, "{round:?}");
        assert!(matches!(
            round.failures[0].call,
            FailedCall::ByDestination { .. }
        ));
        assert!(round.rows.is_empty());
        let (rows, changes) = merge(&first.rows, &round);
        assert_eq!(rows, first.rows, "an unread row stays as it was");
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(
            backoff.after_round(round.throttled),
            Duration::from_secs(wait)
        );
    }
    let clean = poll(&env.api, &targets, &options).await;
    assert!(!clean.throttled && clean.failures.is_empty());
    assert_eq!(backoff.after_round(clean.throttled), Duration::from_secs(1));
}

#[tokio::test]
async fn a_destination_that_disappears_is_a_gone_row_and_a_change() {
    let env = start().await;
    let (socket, m) = mapping(&env.api, "game-us", SUBNET_2, None).await;
    let address = Pin::parse(&m.destination.ip).unwrap();
    let targets = targets(&env.api, &[socket.clone(), address.clone()]).await;
    let options = PollOptions::default();
    let first = poll(&env.api, &targets, &options).await;
    assert_eq!(first.rows.len(), 4, "{:?}", first.rows);

    // Subnet 2 is in one group only: removed, no group holds it.
    env.api
        .remove_endpoints(&m.endpoint_group_arn, vec![SUBNET_2.into()])
        .await
        .unwrap();
    let second = poll(&env.api, &targets, &options).await;
    assert!(second.failures.is_empty(), "{:?}", second.failures);
    let (rows, changes) = merge(&first.rows, &second);
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|r| matches!(r.presence, Presence::Gone(_)) && r.traffic.is_none())
    );
    let socket_row = rows.iter().find(|r| r.pin == socket).unwrap();
    assert_eq!(socket_row.presence, Presence::Gone(Gone::EndpointRemoved));
    assert_eq!(socket_row.verdict_words(), "GONE");
    assert_eq!(changes.len(), 4);
    assert!(
        changes
            .iter()
            .all(|c| c.changes[0].field == Field::Presence && c.line().contains("mapped → gone")),
        "{changes:?}"
    );
    // Another round says nothing new.
    let third = poll(&env.api, &targets, &options).await;
    let (again, changes) = merge(&rows, &third);
    assert_eq!((again, changes.len()), (rows, 0));
}

fn portolan_watch(url: &str, pin: &str, home: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["--endpoint-url", url, "watch", pin, "--interval", "1"])
        .env("NO_COLOR", "1")
        // Credentials for the loopback emulator only; nothing here reaches AWS.
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn the_binary_on_a_pipe_prints_ndjson_state_then_a_change_line() {
    let emulator = common::emulator::Emulator::start("tests/fixtures/small.toml");
    let api = client(&emulator.url, 3).await;
    let (pin, m) = mapping(&api, "game-us", SUBNET_1, None).await;
    let home = tempfile::tempdir().unwrap();
    let mut child = portolan_watch(&emulator.url, &pin.to_string(), home.path());
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let next = || -> serde_json::Value {
        let line = lines
            .recv_timeout(Duration::from_secs(15))
            .expect("a line from portolan watch");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };
    let state = next();
    assert_eq!(state["Event"], "state", "{state}");
    assert_eq!(state["Pin"], pin.to_string());
    assert_eq!(state["Verdict"], "ALLOW");
    assert_eq!(state["DestinationTrafficState"], "ALLOW");
    assert_eq!(state["AcceleratorName"], "game-us");
    assert_eq!(
        state["DestinationSocketAddress"]["Port"],
        m.destination.port
    );

    api.deny_traffic(deny(&m)).await.unwrap();
    let change = next();
    assert_eq!(change["Event"], "change", "{change}");
    assert_eq!(change["Verdict"], "DENY");
    let changes = change["Changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["Field"] == "traffic" && c["From"] == "ALLOW" && c["To"] == "DENY"),
        "{change}"
    );
    assert!(
        change["Message"]
            .as_str()
            .unwrap()
            .contains("traffic ALLOW → DENY"),
        "{change}"
    );

    // Ctrl-C ends the watch with success.
    let pid = child.id().to_string();
    let interrupted = Command::new("kill").args(["-INT", &pid]).status();
    let mut status = None;
    if interrupted.is_ok_and(|s| s.success()) {
        for _ in 0..50 {
            if let Some(s) = child.try_wait().unwrap() {
                status = Some(s);
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}
