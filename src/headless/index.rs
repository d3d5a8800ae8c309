//! `portolan whois` and `portolan index`: reverse lookups and the index behind them, for
//! scripts and quick looks.

use std::io::Write;
use std::time::{Duration, SystemTime};

use serde_json::json;

use super::progress::Progress;
use super::{HeadlessError, resolve_accelerator};
use crate::api::listing::ListingOptions;
use crate::api::{GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::cli::{IndexCommand, IndexTarget, OutputFormat};
use crate::format::{DestinationHolder, Output};
use crate::index::whois::{Via, WhoisAnswer, WhoisError, parse_address, whois};
use crate::index::{IndexStore, build_each};
use crate::model::Accelerator;
use crate::text::sanitize;

fn store() -> Result<IndexStore, HeadlessError> {
    IndexStore::default_location().ok_or_else(|| {
        HeadlessError::Usage("no cache directory: set HOME or XDG_CACHE_HOME".into())
    })
}

impl From<WhoisError> for HeadlessError {
    fn from(e: WhoisError) -> Self {
        match e {
            WhoisError::Api(e) => HeadlessError::Api(e),
            WhoisError::Input(m) => HeadlessError::Usage(m),
            other => HeadlessError::NotFound(other.to_string()),
        }
    }
}

pub fn answer_json(a: &WhoisAnswer) -> serde_json::Value {
    json!({
        "Verdict": a.verdict().as_str(),
        "AcceleratorSocketAddress": {"IpAddress": a.address.ip, "Port": a.address.port},
        "AcceleratorArn": a.accelerator_arn,
        "AcceleratorName": a.accelerator_name,
        "AcceleratorEnabled": a.accelerator_enabled,
        "ListenerArn": a.listener_arn,
        "EndpointGroupArn": a.endpoint_group_arn,
        "EndpointGroupRegion": a.region,
        "EndpointId": a.subnet,
        "DestinationSocketAddress": {"IpAddress": a.destination.ip, "Port": a.destination.port},
        "Protocols": a.protocols.map(|p| p.iter().map(|p| p.as_api_str()).collect::<Vec<_>>()),
        "DestinationTrafficState": a.traffic.as_api_str(),
        "AnsweredFrom": match a.via { Via::Index => "index", Via::Listing => "listing" },
    })
}

/// The answer as `name: value` lines, the way a person reads it.
pub fn answer_lines(a: &WhoisAnswer) -> Vec<(&'static str, String)> {
    let via = match (a.via, a.index_was_stale) {
        (Via::Index, _) => "the local index, confirmed by a live read",
        (Via::Listing, true) => "a full listing (the index was stale and has been dropped)",
        (Via::Listing, false) => "a listing of the accelerator's mappings (no index)",
    };
    let verdict = a.verdict();
    let enabled = if a.accelerator_enabled {
        "enabled"
    } else {
        "DISABLED"
    };
    vec![
        ("verdict", format!("{verdict}: {}", verdict.explanation())),
        ("address", a.address.to_string()),
        (
            "accelerator",
            format!("{} ({}), {enabled}", a.accelerator_name, a.accelerator_arn),
        ),
        ("listener", a.listener_arn.clone()),
        ("endpoint group", a.endpoint_group_arn.clone()),
        ("region", a.region.clone()),
        ("subnet", a.subnet.clone()),
        ("destination", a.destination.to_string()),
        (
            "protocols",
            a.protocols.map_or_else(|| "-".into(), |p| p.to_string()),
        ),
        ("traffic", traffic_line(a)),
        ("answered from", via.to_string()),
    ]
}

/// The mapping's own state; beside a disabled accelerator it is what traffic would meet once
/// the accelerator is enabled, and says so.
fn traffic_line(a: &WhoisAnswer) -> String {
    if a.accelerator_enabled {
        a.traffic.to_string()
    } else {
        format!(
            "{} (the mapping's state, once the accelerator is enabled)",
            a.traffic
        )
    }
}

pub async fn run_whois<W: Write>(
    api: &dyn GlobalAccelerator,
    address: &str,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let store = IndexStore::default_location();
    if !address.contains(':') {
        let ip = crate::model::parse_ipv4(address).map_err(|_| {
            HeadlessError::Usage(format!(
                "{:?} is neither an accelerator address IP:PORT (like 75.2.10.20:41872) nor a destination IPv4 address (like 10.0.3.17)",
                address.trim()
            ))
        })?;
        return holders_of(api, store.as_ref(), ip, out).await;
    }
    let (ip, port) = parse_address(address)?;
    let answer = whois(api, store.as_ref(), ip, port).await?;
    let format = out.format();
    let out = out.writer();
    match format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&answer_json(&answer)).unwrap_or_default()
        )?,
        OutputFormat::Ndjson => writeln!(out, "{}", answer_json(&answer))?,
        OutputFormat::Csv => {
            let lines = answer_lines(&answer);
            let names: Vec<&str> = lines.iter().map(|(n, _)| *n).collect();
            let values: Vec<String> = lines.into_iter().map(|(_, v)| v).collect();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&names).map_err(std::io::Error::other)?;
            w.write_record(&values).map_err(std::io::Error::other)?;
            out.write_all(
                &w.into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?,
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            for (name, value) in answer_lines(&answer) {
                writeln!(out, "{name:<15} {}", sanitize(&value))?;
            }
        }
    }
    Ok(())
}

/// `portolan whois 10.0.3.17`: the subnet endpoints that hold a destination address.
async fn holders_of<W: Write>(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    ip: std::net::Ipv4Addr,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let accelerators = targets(
        api,
        &IndexTarget {
            accelerator: None,
            all: true,
        },
    )
    .await?;
    let found = crate::index::holders(api, store, &accelerators, ip).await?;
    if found.is_empty() {
        return Err(HeadlessError::NotFound(format!(
            "no subnet endpoint of any accelerator holds {ip} (Global Accelerator never tells a subnet's CIDR; every endpoint was asked)"
        )));
    }
    let holders: Vec<DestinationHolder> = found
        .into_iter()
        .map(|h| DestinationHolder {
            address: ip.to_string(),
            accelerator_name: h.accelerator_name,
            endpoint_group_arn: h.group.arn,
            region: h.group.region,
            subnet: h.subnet,
        })
        .collect();
    out.begin::<DestinationHolder>()?;
    out.page(&holders)?;
    out.finish::<DestinationHolder>()?;
    Ok(())
}

async fn targets(
    api: &dyn GlobalAccelerator,
    target: &IndexTarget,
) -> Result<Vec<Accelerator>, HeadlessError> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = api.list_accelerators(MAX_RESULTS_RESOURCES, token).await?;
        all.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    if target.all {
        return Ok(all);
    }
    let given = target.accelerator.as_deref().unwrap_or_default();
    let arn = resolve_accelerator(api, given).await?;
    Ok(all.into_iter().filter(|a| a.arn == arn).collect())
}

fn age(built_at: u64) -> String {
    let built = SystemTime::UNIX_EPOCH + Duration::from_secs(built_at);
    let secs = SystemTime::now()
        .duration_since(built)
        .map_or(0, |d| d.as_secs());
    match secs {
        0..120 => format!("{secs}s ago"),
        120..7200 => format!("{}m ago", secs / 60),
        _ => format!("{}h ago", secs / 3600),
    }
}

pub async fn run_index<W: Write>(
    api: &dyn GlobalAccelerator,
    command: &IndexCommand,
    out: &mut W,
) -> Result<(), HeadlessError> {
    let store = store()?;
    match command {
        IndexCommand::Build(target) => {
            let accelerators = targets(api, target).await?;
            let started = std::time::Instant::now();
            let progress = Progress::new();
            // Indexes finish in any order; their lines are printed in the accelerators' order.
            let mut lines: Vec<Option<String>> = vec![None; accelerators.len()];
            let mut printed = 0;
            build_each::<HeadlessError>(
                api,
                &accelerators,
                &ListingOptions::default(),
                |read| {
                    progress.read(read.total, read.chains_done, read.chains);
                    true
                },
                |at, index| {
                    let bytes = store.save(&index)?;
                    lines[at] = Some(format!(
                        "{}: {} mappings, {bytes} bytes ({:.1} per mapping), {:.1} s",
                        sanitize(&accelerators[at].name),
                        index.len(),
                        bytes as f64 / index.len().max(1) as f64,
                        started.elapsed().as_secs_f64()
                    ));
                    while let Some(Some(line)) = lines.get(printed) {
                        progress.suspend(|| writeln!(out, "{line}"))?;
                        printed += 1;
                    }
                    Ok(())
                },
            )
            .await?;
        }
        IndexCommand::Status => {
            let catalog = store.catalog();
            if catalog.entries.is_empty() {
                writeln!(out, "no index yet: portolan index build ACCEL (or --all)")?;
            }
            for e in &catalog.entries {
                writeln!(
                    out,
                    "{:<24} {:>7} mappings {:>9} bytes  built {}  {}",
                    sanitize(&e.accelerator_name),
                    e.mappings,
                    e.bytes,
                    age(e.built_at),
                    e.accelerator_arn
                )?;
            }
            writeln!(out, "({})", store.root().display())?;
        }
        IndexCommand::Drop(target) => {
            // (name, ARN): a person reads the name, a script may want the ARN.
            let targets: Vec<(String, String)> = if target.all {
                store
                    .catalog()
                    .entries
                    .into_iter()
                    .map(|e| (e.accelerator_name, e.accelerator_arn))
                    .collect()
            } else {
                let given = target.accelerator.as_deref().unwrap_or_default();
                let arn = resolve_accelerator(api, given).await?;
                let name = if given.trim() == arn {
                    store
                        .catalog()
                        .entries
                        .into_iter()
                        .find(|e| e.accelerator_arn == arn)
                        .map_or_else(|| arn.clone(), |e| e.accelerator_name)
                } else {
                    given.to_string()
                };
                vec![(name, arn)]
            };
            for (name, arn) in targets {
                let removed = store.remove(&arn)?;
                writeln!(
                    out,
                    "{}: {} ({})",
                    sanitize(&name),
                    if removed { "dropped" } else { "had no index" },
                    sanitize(&arn)
                )?;
            }
        }
    }
    Ok(())
}
