//! Load and soak figures: the emulator under 32 concurrent SDK clients (requests per second
//! and p99 latency), and resident memory while the browser pages through the nearly full
//! demo accelerator to the end, closes and opens it again, round after round.
//!
//! Run: `cargo bench --bench soak`

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Effect, Screen, State, update};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn load(url: &str) {
    const CLIENTS: usize = 32;
    const PER_CLIENT: usize = 300;
    let mut tasks = Vec::new();
    let started = Instant::now();
    for i in 0..CLIENTS {
        let api = SdkClient::connect(ClientOptions::local(url)).await.unwrap();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(PER_CLIENT);
            let accelerators = api.list_accelerators(100, None).await.unwrap().items;
            for n in 0..PER_CLIENT {
                let t = Instant::now();
                if n % 2 == 0 {
                    api.list_accelerators(100, None).await.unwrap();
                } else {
                    let a = &accelerators[(i + n) % accelerators.len()];
                    api.list_port_mappings(&a.arn, None, 100, None)
                        .await
                        .unwrap();
                }
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all: Vec<Duration> = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    println!(
        "load: {CLIENTS} clients × {PER_CLIENT} requests (list accelerators / a page of 100 mappings): {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        all.len() as f64 / elapsed.as_secs_f64(),
        all[all.len() / 2].as_secs_f64() * 1e3,
        all[all.len() * 99 / 100].as_secs_f64() * 1e3
    );
}

/// Runs every call the effects ask for against `api`, feeding answers back.
async fn settle(state: &mut State, api: &dyn GlobalAccelerator, mut effects: Vec<Effect>) {
    while let Some(effect) = effects.pop() {
        if let Effect::Call { id, call } = effect {
            let result = portolan::tui::run_call(call, api).await;
            effects.extend(update(state, Action::Reply { id, result }));
        }
    }
}

async fn key(state: &mut State, api: &dyn GlobalAccelerator, code: KeyCode) {
    let effects = update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    settle(state, api, effects).await;
}

async fn soak(api: &dyn GlobalAccelerator) {
    let mut state = State::new(Context::default(), (160, 48), Instant::now());
    let effects = state.start();
    settle(&mut state, api, effects).await;
    let at = match state.top() {
        Screen::Accelerators(p) => p.rows().iter().position(|a| a.name == "voip-core").unwrap(),
        _ => unreachable!(),
    };
    for _ in 0..at {
        key(&mut state, api, KeyCode::Char('j')).await;
    }
    println!("soak: browsing voip-core to the end and back, round after round (RSS)");
    println!("  before: {:.1} MB", rss_mb());
    for round in 1..=6 {
        key(&mut state, api, KeyCode::Char('M')).await;
        let mut rows = 0;
        loop {
            key(&mut state, api, KeyCode::End).await;
            let Screen::Browser(b) = state.top() else {
                unreachable!()
            };
            if b.is_complete() {
                rows = b.table().len().max(rows);
                break;
            }
        }
        key(&mut state, api, KeyCode::Home).await;
        key(&mut state, api, KeyCode::Esc).await;
        println!(
            "  round {round}: {rows} mappings loaded and dropped, RSS {:.1} MB",
            rss_mb()
        );
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench soak` for figures");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let emulator =
            Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
        let server = LocalEmulator::start(emulator).await.unwrap();
        load(&server.url).await;
        let api: Arc<dyn GlobalAccelerator> = Arc::new(
            SdkClient::connect(ClientOptions::local(&server.url))
                .await
                .unwrap(),
        );
        soak(api.as_ref()).await;
    });
}
