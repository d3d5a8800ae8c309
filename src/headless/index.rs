//! `portolan index`: the local mapping index that makes reverse lookups (`portolan whois`)
//! instant.

use std::io::Write;
use std::time::{Duration, SystemTime};

use super::progress::Progress;
use super::{HeadlessError, resolve_accelerator};
use crate::api::listing::ListingOptions;
use crate::api::{GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::cli::{IndexCommand, IndexTarget};
use crate::index::{IndexStore, build_each};
use crate::model::Accelerator;
use crate::text::sanitize;

pub(super) fn store() -> Result<IndexStore, HeadlessError> {
    IndexStore::default_location().ok_or_else(|| {
        HeadlessError::Usage("no cache directory: set HOME or XDG_CACHE_HOME".into())
    })
}

pub(super) async fn targets(
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
