//! The watch view as a user meets it: the real binary in a pseudo-terminal against the
//! standalone emulator, a socket pinned from the browser, denied by another client (the SDK),
//! and the change on the screen as text (`Δ`, which survives NO_COLOR), with the bell; then
//! a change while another screen is on top, and the pin still there after a restart.

mod common;

use common::emulator::Emulator;
use common::pty::Session;
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::model::{PortMapping, TrafficChange, TrafficScope, TrafficState};

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

/// The first mapping of the first accelerator: the browser's first row after `M`.
async fn first_mapping(api: &SdkClient) -> PortMapping {
    let accelerators = api.list_accelerators(10, None).await.unwrap();
    let first = &accelerators.items[0];
    api.list_port_mappings(&first.arn, None, 10, None)
        .await
        .unwrap()
        .items
        .remove(0)
}

async fn set_traffic(api: &SdkClient, m: &PortMapping, to: TrafficState) {
    let change = TrafficChange {
        endpoint_group_arn: m.endpoint_group_arn.clone(),
        endpoint_id: m.endpoint_id.clone(),
        scope: TrafficScope::Destinations {
            addresses: vec![m.destination.ip.clone()],
            ports: vec![m.destination.port],
        },
    };
    match to {
        TrafficState::Allow => api.allow_traffic(change).await.unwrap(),
        TrafficState::Deny => api.deny_traffic(change).await.unwrap(),
    }
}

fn start(url: &str, config: &str, state: &str) -> Session {
    Session::start_with_env(
        env!("CARGO_BIN_EXE_portolan"),
        &["--endpoint-url", url],
        &[("PORTOLAN_CONFIG", config), ("XDG_STATE_HOME", state)],
        100,
        30,
    )
}

/// The screen line showing `destination`.
fn line_of(screen: &str, destination: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(destination))
        .unwrap_or_default()
        .to_string()
}

fn wait_until(s: &Session, done: impl Fn(&str) -> bool) {
    let started = std::time::Instant::now();
    while !done(&s.text()) {
        assert!(
            started.elapsed() < common::pty::WAIT,
            "waited in vain; the screen shows:\n{}",
            s.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn bells(s: &Session) -> usize {
    s.raw.lock().unwrap().iter().filter(|&&b| b == 0x07).count()
}

#[test]
fn a_pinned_socket_denied_from_another_client_is_marked_on_the_screen() {
    let emulator = Emulator::start(SMALL);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let api = rt.block_on(SdkClient::connect(ClientOptions::local(&emulator.url)));
    let api = api.unwrap();
    let m = rt.block_on(first_mapping(&api));
    assert_eq!(m.traffic, TrafficState::Allow, "{m:?}");
    let destination = m.destination.to_string();

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "watch_interval = 1\nwatch_bell = true\n").unwrap();
    let config = config.display().to_string();
    let state = dir.path().join("state").display().to_string();

    let mut s = start(&emulator.url, &config, &state);
    s.wait_for("Accelerators ─ all 3");
    s.send("M");
    s.wait_for(&destination);
    s.send("p");
    s.wait_for(&format!("pinned {destination}"));
    s.send("W");
    s.wait_for("Watch · 1 pin · every 1s");
    let before = s.wait_for("ALLOW");
    assert!(!line_of(&before, &destination).contains('Δ'), "{before}");
    let rung = bells(&s);

    rt.block_on(set_traffic(&api, &m, TrafficState::Deny));
    let after = s.wait_for("Δ ");
    let row = line_of(&after, &destination);
    assert!(row.contains("DENY") && row.contains('Δ'), "{after}");
    assert!(
        after.contains(&format!("{destination}: traffic ALLOW → DENY")),
        "said in the status bar: {after}"
    );
    assert!(bells(&s) > rung, "watch_bell rings the terminal bell");

    // Under another screen the rounds go on, and the status bar tells. (Esc would first
    // dismiss the message: it fades by itself.)
    wait_until(&s, |screen| !screen.contains("→ DENY"));
    s.send("\x1b");
    s.wait_for("all mappings of");
    rt.block_on(set_traffic(&api, &m, TrafficState::Allow));
    s.wait_for("Δ 1 watch change (W)");
    s.send("q");
    assert!(s.exit_status().success());

    // The pin is kept for the account: a new run reads it again.
    let mut s = start(&emulator.url, &config, &state);
    s.wait_for("Accelerators ─ all 3");
    s.send("W");
    let again = s.wait_for("ALLOW");
    assert!(line_of(&again, &destination).contains("ALLOW"), "{again}");
    assert!(again.contains("Watch · 1 pin"), "{again}");
    s.send("q");
    assert!(s.exit_status().success());
}
