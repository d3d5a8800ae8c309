//! Figures for the mapping index and reverse lookups, on the demo account through the real SDK
//! and the emulator: index build time and size for every accelerator (over a million
//! mappings), bytes per mapping, and for the nearly full voip-core accelerator the latency of
//! `whois` with and without an index, beside the AWS CLI answering the same question by
//! paging (skipped, and said so, when the AWS CLI is not installed).
//!
//! Run: `cargo bench --bench index`

use std::net::Ipv4Addr;
use std::process::Command;
use std::time::{Duration, Instant};

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::index::whois::whois;
use portolan::index::{IndexStore, build};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The AWS CLI on PATH, or the one `scripts/aws-cli-check.sh` installs.
fn aws_cli() -> Option<String> {
    let local = concat!(env!("CARGO_MANIFEST_DIR"), "/target/aws-cli-venv/bin/aws");
    [
        std::env::var("AWS").ok(),
        Some("aws".into()),
        Some(local.into()),
    ]
    .into_iter()
    .flatten()
    .find(|cmd| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench index` for figures");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let emulator =
            Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
        let server = LocalEmulator::start(emulator).await.unwrap();
        let api = SdkClient::connect(ClientOptions::local(&server.url))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = IndexStore::new(dir.path());
        let accelerators = api.list_accelerators(100, None).await.unwrap().items;

        println!("index: every accelerator of the demo account");
        let started = Instant::now();
        let (mut mappings, mut bytes) = (0usize, 0u64);
        for a in &accelerators {
            let index = build(&api, a, |_| true).await.unwrap().unwrap();
            mappings += index.len();
            bytes += store.save(&index).unwrap();
        }
        let took = started.elapsed();
        println!(
            "  {mappings} mappings of {} accelerators in {:.1} s; {bytes} bytes on disk = {:.1} bytes per mapping",
            accelerators.len(),
            took.as_secs_f64(),
            bytes as f64 / mappings as f64
        );

        let voip = accelerators.iter().find(|a| a.name == "voip-core").unwrap();
        let ip: Ipv4Addr = voip.static_ips[0].parse().unwrap();
        let all = api
            .list_port_mappings(&voip.arn, None, 20_000, None)
            .await
            .unwrap();
        let mut ports: Vec<u16> = Vec::new();
        let mut token = all.next_token.clone();
        ports.extend(all.items.iter().map(|m| m.accelerator_port));
        while let Some(t) = token {
            let page = api
                .list_port_mappings(&voip.arn, None, 20_000, Some(t))
                .await
                .unwrap();
            ports.extend(page.items.iter().map(|m| m.accelerator_port));
            token = page.next_token;
        }
        println!("whois on voip-core ({} mappings):", ports.len());
        // Spread over the listing, so answers without an index vary in how far they read.
        let pick: Vec<u16> = (0..200).map(|i| ports[(i * 7919) % ports.len()]).collect();
        let mut with = Vec::new();
        for &p in &pick {
            let t = Instant::now();
            whois(&api, Some(&store), ip, p).await.unwrap();
            with.push(t.elapsed());
        }
        println!(
            "  with the index (confirmed by one live read): median {:.2} ms, max {:.2} ms",
            ms(median(with.clone())),
            ms(*with.iter().max().unwrap())
        );
        let mut without = Vec::new();
        for &p in pick.iter().take(20) {
            let t = Instant::now();
            whois(&api, None, ip, p).await.unwrap();
            without.push(t.elapsed());
        }
        println!(
            "  without an index (reading until found): median {:.0} ms, max {:.0} ms",
            ms(median(without.clone())),
            ms(*without.iter().max().unwrap())
        );
        match aws_cli() {
            Some(aws) => {
                let t = Instant::now();
                let out = Command::new(&aws)
                    .args([
                        "--endpoint-url",
                        &server.url,
                        "--region",
                        "us-west-2",
                        "--output",
                        "json",
                        "globalaccelerator",
                        "list-custom-routing-port-mappings",
                        "--accelerator-arn",
                        &voip.arn,
                        "--page-size",
                        "20000",
                    ])
                    .env("AWS_ACCESS_KEY_ID", "bench")
                    .env("AWS_SECRET_ACCESS_KEY", "bench")
                    .output()
                    .unwrap();
                let found = String::from_utf8_lossy(&out.stdout).matches("AcceleratorPort").count();
                println!(
                    "  the AWS CLI paging the same accelerator (list-custom-routing-port-mappings --page-size 20000): {:.0} ms for {found} mappings",
                    ms(t.elapsed())
                );
            }
            None => println!("  the AWS CLI is not installed: its column is skipped"),
        }
    });
}
