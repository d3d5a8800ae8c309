//! `portolan watch PIN…`: the state of every pin, then one line per change, until Ctrl-C.
//! Pins come from the command line only; the ones the interactive view keeps are its own.

use std::io::Write;
use std::time::{Duration, SystemTime};

use super::HeadlessError;
use crate::api::GlobalAccelerator;
use crate::cli::{OutputFormat, WatchArgs};
use crate::format::{Output, WatchEvent, WatchEventKind};
use crate::index::IndexStore;
use crate::model::watch::{
    Backoff, DEFAULT_INTERVAL_SECS, FailedCall, Pin, Round, WatchRow, merge,
};
use crate::text::sanitize;
use crate::watch::{PollOptions, Target, WatchError, poll, resolve};

impl From<WatchError> for HeadlessError {
    fn from(e: WatchError) -> Self {
        match e {
            WatchError::Whois(e) => e.into(),
            WatchError::Api(e) => HeadlessError::Api(e),
            other @ WatchError::NotHeld { .. } => HeadlessError::NotFound(other.to_string()),
        }
    }
}

/// Until Ctrl-C; a process that cannot hear it watches until killed.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

pub async fn run_watch<W: Write>(
    api: &dyn GlobalAccelerator,
    args: &WatchArgs,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    if out.format() == OutputFormat::Json {
        return Err(HeadlessError::Usage(
            "a watch never ends, so it has no JSON document to close: use -o ndjson (one line per event)".into(),
        ));
    }
    let pins = args
        .pins
        .iter()
        .map(|p| Pin::parse(p).map_err(|e| HeadlessError::Usage(e.0)))
        .collect::<Result<Vec<_>, _>>()?;
    let interval = Duration::from_secs(args.interval.unwrap_or(DEFAULT_INTERVAL_SECS));
    let watching = watch(api, &pins, interval, out);
    let result = tokio::select! {
        r = watching => r,
        () = interrupted() => Ok(()),
    };
    out.writer().flush()?;
    result
}

async fn watch<W: Write>(
    api: &dyn GlobalAccelerator,
    pins: &[Pin],
    interval: Duration,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let store = IndexStore::default_location();
    let mut targets: Vec<Target> = Vec::with_capacity(pins.len());
    for (pin, resolved) in pins.iter().zip(resolve(api, store.as_ref(), pins).await) {
        match resolved {
            Ok(t) => targets.push(t),
            Err(e) => {
                let e = HeadlessError::from(e);
                return Err(match e {
                    HeadlessError::NotFound(m) => HeadlessError::NotFound(format!("{pin}: {m}")),
                    HeadlessError::Usage(m) => HeadlessError::Usage(format!("{pin}: {m}")),
                    other => other,
                });
            }
        }
    }
    let options = PollOptions::default();
    let mut backoff = Backoff::new(interval);
    let first = poll(api, &targets, &options).await;
    tell(&first, &mut backoff);
    out.begin::<WatchEvent>()?;
    let now = SystemTime::now();
    let events: Vec<WatchEvent> = first
        .rows
        .iter()
        .map(|row| event(WatchEventKind::State, now, row.clone(), Vec::new()))
        .collect();
    out.page(&events)?;
    out.writer().flush()?;
    let mut rows: Vec<WatchRow> = first.rows;
    loop {
        tokio::time::sleep(backoff.next()).await;
        let round = poll(api, &targets, &options).await;
        tell(&round, &mut backoff);
        let (next, changes) = merge(&rows, &round);
        let now = SystemTime::now();
        let events: Vec<WatchEvent> = changes
            .into_iter()
            .map(|c| event(WatchEventKind::Change, now, c.row, c.changes))
            .collect();
        out.page(&events)?;
        out.writer().flush()?;
        rows = next;
    }
}

fn event(
    kind: WatchEventKind,
    at: SystemTime,
    row: WatchRow,
    changes: Vec<crate::model::watch::Change>,
) -> WatchEvent {
    WatchEvent {
        kind,
        at,
        row,
        changes,
    }
}

/// Records the round in the back-off and says on stderr what could not be read (the rows
/// behind it stay as they were) and how long the next wait is while AWS throttles.
fn tell(round: &Round, backoff: &mut Backoff) {
    let wait = backoff.after_round(round.throttled);
    for f in &round.failures {
        let what = match &f.call {
            FailedCall::ByDestination { subnet, ip } => format!("the mappings of {ip} in {subnet}"),
            FailedCall::Describe { accelerator_arn } => format!("accelerator {accelerator_arn}"),
        };
        eprintln!(
            "portolan: watch: could not read {}: {}",
            sanitize(&what),
            sanitize(&f.message)
        );
    }
    if backoff.backing_off() {
        eprintln!(
            "portolan: watch: AWS is throttling; the next round in {} s (every {} s again after a clean round)",
            wait.as_secs(),
            backoff.interval().as_secs()
        );
    }
}
