//! Speed, in one run against one emulator (the demo account, in this process on loopback):
//!
//! - the emulator's serve rate to a raw HTTP client, at the first and the last page, and with
//!   32 clients at once;
//! - `portolan mappings --accelerator voip-core -o csv` (the release binary, as a child
//!   process) against the AWS CLI doing the same listing (`--page-size 20000`), time and peak
//!   RSS; the AWS CLI part is skipped, and said so, when it is not installed;
//! - `portolan index build --all` and `portolan mappings --all -o csv`: time and peak RSS;
//! - the same with 100 ms added to every call (about the distance to us-west-2), and, in this
//!   process, the whole account read one chain after another against concurrently;
//! - the floor: voip-core's pages replayed without a network into the SDK alone, against
//!   portolan's client on the same replayed pages and against the live emulator.
//!
//! Run: `cargo bench --bench speed`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::ops::ControlFlow;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_globalaccelerator::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_runtime_api::http::{Request as SmithyRequest, Response as SmithyResponse};
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use portolan::api::listing::{self, Limiter, ListingOptions};
use portolan::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};

const TARGET: &str = "GlobalAccelerator_V20180706.";

/// One page as the raw client got it: the answer, its mappings, how long it took.
type RawPage = (Vec<u8>, usize, Duration);

/// A keep-alive HTTP/1.1 connection that sends awsJson requests and reads whole answers: no
/// SDK, no JSON parsing, so it measures the emulator alone.
struct RawClient {
    stream: BufReader<TcpStream>,
}

impl RawClient {
    fn connect(url: &str) -> Self {
        let addr = url.trim_start_matches("http://");
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            stream: BufReader::new(stream),
        }
    }

    fn call(&mut self, operation: &str, body: &str) -> Vec<u8> {
        let request = format!(
            "POST / HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: {TARGET}{operation}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.stream.get_mut().write_all(request.as_bytes()).unwrap();
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut answer = vec![0; length];
        self.stream.read_exact(&mut answer).unwrap();
        answer
    }

    /// Every page of an accelerator's mappings: (answer bytes, mappings, time) per page. The
    /// token is cut from the answer's tail, so the timed part is the emulator's alone.
    fn pages(&mut self, arn: &str, size: u32) -> Vec<RawPage> {
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = serde_json::json!({"AcceleratorArn": arn, "MaxResults": size});
            if let Some(t) = &token {
                body["NextToken"] = t.clone().into();
            }
            let started = Instant::now();
            let answer = self.call("ListCustomRoutingPortMappings", &body.to_string());
            let took = started.elapsed();
            let tail = String::from_utf8_lossy(&answer[answer.len().saturating_sub(200)..]);
            token = tail
                .rsplit_once("\"NextToken\":\"")
                .and_then(|(_, t)| t.split_once('"'))
                .map(|(t, _)| t.to_string());
            pages.push((answer, 0, took));
            if token.is_none() {
                return pages;
            }
        }
    }
}

/// How many mappings a page holds (read after the timing).
fn rows_in(answer: &[u8]) -> usize {
    let page: serde_json::Value = serde_json::from_slice(answer).unwrap();
    page["PortMappings"].as_array().unwrap().len()
}

fn counted(mut pages: Vec<RawPage>) -> Vec<RawPage> {
    for p in &mut pages {
        p.1 = rows_in(&p.0);
    }
    pages
}

/// A child process's wall time and peak RSS (from `wait4`'s rusage), stdout discarded.
struct Run {
    took: Duration,
    peak_mb: f64,
    ok: bool,
}

fn run_child(program: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    // Peak RSS from `/usr/bin/time`, whose child starts small: a child forked straight from
    // this process would report this process's own peak.
    let report = tempfile::NamedTempFile::new().unwrap();
    let timed = std::path::Path::new("/usr/bin/time").exists();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(report.path())
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    let started = Instant::now();
    let status = command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let took = started.elapsed();
    let kb: f64 = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(f64::NAN);
    Run {
        took,
        peak_mb: kb / 1024.0,
        ok: status.success(),
    }
}

fn median_run(runs: usize, f: impl Fn() -> Run) -> Run {
    let mut all: Vec<Run> = (0..runs).map(|_| f()).collect();
    all.sort_by_key(|r| r.took);
    all.swap_remove(runs / 2)
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

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Every mapping of `arns`, one unfiltered token chain after another at 20,000 a page: how
/// a plain client (and portolan before) reads an account.
async fn sequential_rows(api: &SdkClient, arns: &[String]) -> usize {
    let mut rows = 0;
    for arn in arns {
        let mut token = None;
        loop {
            let page = api
                .list_port_mappings(arn, None, 20_000, token)
                .await
                .unwrap();
            rows += page.items.len();
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    rows
}

async fn concurrent_rows(api: &SdkClient, arns: &[String]) -> (usize, usize) {
    let options = ListingOptions::default();
    let groups = listing::endpoint_groups_of(api, arns, &options)
        .await
        .unwrap();
    let chains = listing::mapping_chains(&arns.iter().cloned().zip(groups).collect::<Vec<_>>());
    let limiter = Limiter::new(&options);
    let mut rows = 0;
    listing::port_mappings::<ApiError, _>(
        api,
        &chains,
        listing::Order::Chains,
        &options,
        &limiter,
        |_, page| {
            rows += page.items.len();
            Ok(ControlFlow::Continue(()))
        },
    )
    .await
    .unwrap();
    (rows, limiter.peak())
}

fn replay(pages: &[RawPage]) -> StaticReplayClient {
    StaticReplayClient::new(
        pages
            .iter()
            .map(|(body, _, _)| {
                let mut response =
                    SmithyResponse::new(200u16.try_into().unwrap(), SdkBody::from(body.clone()));
                response
                    .headers_mut()
                    .insert("content-type", "application/x-amz-json-1.1");
                ReplayEvent::new(SmithyRequest::new(SdkBody::empty()), response)
            })
            .collect(),
    )
}

/// The SDK alone: send, receive and deserialize every replayed page; nothing converted.
async fn sdk_alone(pages: &[RawPage], arn: &str) -> (Duration, usize) {
    let config = aws_sdk_globalaccelerator::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new("AKID", "secret", None, None, "bench"))
        .endpoint_url("http://127.0.0.1:9")
        .http_client(replay(pages))
        .build();
    let client = aws_sdk_globalaccelerator::Client::from_conf(config);
    let started = Instant::now();
    let mut rows = 0;
    let mut token = None;
    for _ in pages {
        let out = client
            .list_custom_routing_port_mappings()
            .accelerator_arn(arn)
            .max_results(20_000)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        rows += out.port_mappings().len();
        token = out.next_token().map(str::to_string);
    }
    (started.elapsed(), rows)
}

/// Portolan's client on the same replayed pages: the SDK plus conversion to domain rows.
async fn portolan_client(pages: &[RawPage], arn: &str) -> (Duration, usize) {
    let options = ClientOptions {
        http_client: Some(replay(pages).into_shared()),
        ..ClientOptions::local("http://127.0.0.1:9")
    };
    let api = SdkClient::connect(options).await.unwrap();
    let started = Instant::now();
    let mut rows = 0;
    let mut token = None;
    for _ in pages {
        let page = api
            .list_port_mappings(arn, None, 20_000, token)
            .await
            .unwrap();
        rows += page.items.len();
        token = page.next_token;
    }
    (started.elapsed(), rows)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench speed` for figures");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(bench());
}

async fn bench() {
    let emulator = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
    let total_mappings = emulator.mapping_count();
    let server = LocalEmulator::start(emulator).await.unwrap();
    let url = server.url.clone();
    let api = SdkClient::connect(ClientOptions::local(&url))
        .await
        .unwrap();
    let accelerators = api.list_accelerators(100, None).await.unwrap().items;
    let arns: Vec<String> = accelerators.iter().map(|a| a.arn.clone()).collect();
    let voip = accelerators
        .iter()
        .find(|a| a.name == "voip-core")
        .unwrap()
        .arn
        .clone();
    let bin = env!("CARGO_BIN_EXE_portolan");
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap().to_string();
    let env: Vec<(&str, &str)> = vec![
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_DEFAULT_REGION", "us-west-2"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_PAGER", ""),
        ("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml"),
        ("XDG_CACHE_HOME", &cache_dir),
    ];
    println!(
        "speed: the demo account ({} accelerators, {total_mappings} mappings), one emulator at {url}",
        arns.len()
    );

    // The emulator alone.
    let (raw_url, raw_voip) = (url.clone(), voip.clone());
    let serve = tokio::task::spawn_blocking(move || {
        let mut raw = RawClient::connect(&raw_url);
        raw.pages(&raw_voip, 20_000);
        let mut best: Option<(Duration, usize, Vec<RawPage>)> = None;
        for _ in 0..5 {
            let pages = raw.pages(&raw_voip, 20_000);
            let took: Duration = pages.iter().map(|p| p.2).sum();
            if best.as_ref().is_none_or(|b| took < b.0) {
                best = Some((took, 0, pages));
            }
        }
        let (took, _, pages) = best.unwrap();
        let pages = counted(pages);
        let rows: usize = pages.iter().map(|p| p.1).sum();
        let small = raw.pages(&raw_voip, 1_000);
        ((took, rows, pages), small)
    })
    .await
    .unwrap();
    let ((took, rows, voip_pages), small) = serve;
    let bytes: usize = voip_pages.iter().map(|p| p.0.len()).sum();
    println!("\nemulator, to a raw HTTP client (keep-alive, no SDK):");
    println!(
        "  voip-core, {rows} mappings in {} pages of 20,000: {:.1} ms = {:.2} M mappings/s ({:.1} MB of JSON)",
        voip_pages.len(),
        ms(took),
        rows as f64 / secs(took) / 1e6,
        bytes as f64 / 1e6
    );
    let page_ms: Vec<String> = voip_pages
        .iter()
        .map(|p| format!("{:.1}", ms(p.2)))
        .collect();
    println!(
        "  each 20,000 page, first to last: {} ms",
        page_ms.join(", ")
    );
    let first = small.first().unwrap().2;
    let last = small[small.len() - 2].2;
    println!(
        "  pages of 1,000: the first {:.2} ms, the {}th {:.2} ms (cost follows the page, not its position)",
        ms(first),
        small.len() - 1,
        ms(last)
    );
    let (many_url, many_arns) = (url.clone(), arns.clone());
    let (many_took, many_rows) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let (rows, last) = std::thread::scope(|s| {
            let handles: Vec<_> = (0..32)
                .map(|i| {
                    let (url, arn) = (&many_url, &many_arns[i % many_arns.len()]);
                    s.spawn(move || {
                        let pages = RawClient::connect(url).pages(arn, 20_000);
                        let done = Instant::now();
                        // Counted once every client is done, outside the time.
                        (pages.iter().map(|p| p.0.len()).sum::<usize>(), done, pages)
                    })
                })
                .collect();
            let mut results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            let last = results.iter().map(|r| r.1).max().unwrap();
            let rows: usize = results
                .iter_mut()
                .map(|r| {
                    std::mem::take(&mut r.2)
                        .iter()
                        .map(|p| rows_in(&p.0))
                        .sum::<usize>()
                })
                .sum();
            (rows, last)
        });
        (last - started, rows)
    })
    .await
    .unwrap();
    println!(
        "  32 clients at once, each a whole accelerator: {many_rows} mappings in {:.0} ms = {:.2} M mappings/s",
        ms(many_took),
        many_rows as f64 / secs(many_took) / 1e6
    );

    // portolan against the AWS CLI.
    println!("\nvoip-core ({rows} mappings) as CSV/JSON to /dev/null, median of 3:");
    let mine = median_run(3, || {
        run_child(
            bin,
            &[
                "--endpoint-url",
                &url,
                "mappings",
                "--accelerator",
                "voip-core",
                "-o",
                "csv",
            ],
            &env,
        )
    });
    assert!(mine.ok);
    println!(
        "  portolan mappings --accelerator voip-core -o csv: {:.0} ms, peak RSS {:.0} MB",
        ms(mine.took),
        mine.peak_mb
    );
    match aws_cli() {
        Some(aws) => {
            let theirs = median_run(3, || {
                run_child(
                    &aws,
                    &[
                        "--endpoint-url",
                        &url,
                        "--output",
                        "json",
                        "globalaccelerator",
                        "list-custom-routing-port-mappings",
                        "--accelerator-arn",
                        &voip,
                        "--page-size",
                        "20000",
                    ],
                    &env,
                )
            });
            assert!(theirs.ok);
            println!(
                "  aws globalaccelerator list-custom-routing-port-mappings --page-size 20000: {:.0} ms, peak RSS {:.0} MB",
                ms(theirs.took),
                theirs.peak_mb
            );
            println!(
                "  portolan is {:.1}x faster in {:.1}x less memory",
                secs(theirs.took) / secs(mine.took),
                theirs.peak_mb / mine.peak_mb
            );
        }
        None => {
            println!("  (the AWS CLI is not installed: `scripts/aws-cli-check.sh` installs it)")
        }
    }

    // The whole account, then the same 100 ms further away.
    for latency in [None, Some("*:latency=100ms")] {
        server.faults.clear();
        match latency {
            Some(spec) => {
                server.faults.add(spec.parse().unwrap());
                println!("\nthe whole account with 100 ms added to every call ({spec}):");
            }
            None => println!("\nthe whole account, no added latency:"),
        }
        let build = run_child(
            bin,
            &["--endpoint-url", &url, "index", "build", "--all"],
            &env,
        );
        assert!(build.ok);
        println!(
            "  portolan index build --all: {:.1} s, peak RSS {:.0} MB",
            secs(build.took),
            build.peak_mb
        );
        let all = run_child(
            bin,
            &["--endpoint-url", &url, "mappings", "--all", "-o", "csv"],
            &env,
        );
        assert!(all.ok);
        println!(
            "  portolan mappings --all -o csv: {:.1} s, peak RSS {:.0} MB",
            secs(all.took),
            all.peak_mb
        );
        let started = Instant::now();
        let rows = sequential_rows(&api, &arns).await;
        let one_by_one = started.elapsed();
        let started = Instant::now();
        let (rows_too, peak) = concurrent_rows(&api, &arns).await;
        let at_once = started.elapsed();
        assert_eq!(rows, rows_too);
        println!(
            "  in process, {rows} mappings: one chain after another {:.1} s; endpoint groups concurrently {:.1} s (at most {peak} calls in flight)",
            secs(one_by_one),
            secs(at_once)
        );
    }
    server.faults.clear();

    // The floor: the SDK alone on the same pages, without a network.
    println!(
        "\nthe floor, voip-core's {} pages replayed without a network, best of 5:",
        voip_pages.len()
    );
    let mut sdk = Duration::MAX;
    let mut client = Duration::MAX;
    let mut live = Duration::MAX;
    for _ in 0..5 {
        let (t, n) = sdk_alone(&voip_pages, &voip).await;
        assert_eq!(n, rows);
        sdk = sdk.min(t);
        let (t, n) = portolan_client(&voip_pages, &voip).await;
        assert_eq!(n, rows);
        client = client.min(t);
        let started = Instant::now();
        assert_eq!(
            sequential_rows(&api, std::slice::from_ref(&voip)).await,
            rows
        );
        live = live.min(started.elapsed());
    }
    println!("  the SDK alone (deserialize only): {:.1} ms", ms(sdk));
    println!(
        "  portolan's client (the SDK and conversion to rows): {:.1} ms = {:.2}x the SDK alone",
        ms(client),
        secs(client) / secs(sdk)
    );
    println!(
        "  portolan's client against the live emulator: {:.1} ms (the emulator's share: {:.1} ms)",
        ms(live),
        ms(took)
    );
}
