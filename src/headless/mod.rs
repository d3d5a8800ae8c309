//! The headless commands: answer one question, print it, exit. Every listing streams page by
//! page so `mappings --all` over a million mappings runs in constant memory.

mod audit;
mod index;
mod journal;
mod mappings;
mod progress;
mod snapshot;
mod traffic;

pub use audit::run_audit;
pub use journal::run_journal;
pub use traffic::run_change;
mod watch;
mod whois;

pub use whois::Ec2Join;

use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::Arc;

use thiserror::Error;

use crate::api::listing::{self, ListingOptions, MappingChain};
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::cli::{Cli, Command, ConfigCommand, EmulatorArgs, MappingsArgs, OutputFormat};
use crate::emulator::{Emulator, EmulatorOptions, Faults, Topology};
pub use crate::format::Output;
use crate::format::{AcceleratorNames, AcceleratorPortMapping, Record};
use crate::model::{Accelerator, ArnKind, Page, parse_arn, parse_ipv4, parse_subnet_id};
use crate::session::SessionError;

#[derive(Debug, Error)]
pub enum HeadlessError {
    #[error("{}", api_message(.0))]
    Api(#[from] ApiError),
    /// Input refused before any call was made.
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A lookup that found nothing (exit status 1, like a failed call).
    #[error("{0}")]
    NotFound(String),
    /// A change that failed or stopped part-way: what was and was not applied (exit status 1).
    #[error("{0}")]
    Failed(String),
    /// The audit found this many things, already printed (exit status 3, nothing more said).
    #[error("{0} findings")]
    Findings(usize),
}

/// The client's messages end with the interactive view's hint (`refresh the list (r)`); a
/// command line has no list and no keys, so it says what to run instead.
fn api_message(e: &ApiError) -> String {
    let not_found = |what: &str, lister: &str| {
        format!(
            "{what} not found: check the ARN (it may have been deleted or belong to another account); `{lister}` lists them"
        )
    };
    match e {
        ApiError::AcceleratorNotFound(_) => not_found("accelerator", "portolan accelerators"),
        ApiError::ListenerNotFound(_) => not_found("listener", "portolan listeners ACCEL"),
        ApiError::EndpointGroupNotFound(_) => {
            not_found("endpoint group", "portolan endpoint-groups LISTENER_ARN")
        }
        ApiError::InvalidNextToken(_) => {
            "the service refused its own page token; run the command again".into()
        }
        other => other.to_string(),
    }
}

impl From<SessionError> for HeadlessError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Api(e) => HeadlessError::Api(e),
            SessionError::Demo(e) | SessionError::Setup(e) => HeadlessError::Usage(e),
        }
    }
}

impl HeadlessError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            HeadlessError::Usage(_) => ExitCode::from(2),
            HeadlessError::Findings(_) => ExitCode::from(3),
            HeadlessError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        }
    }

    /// Whatever there was to say has been printed: the exit status alone tells the rest.
    pub fn is_said(&self) -> bool {
        matches!(self, HeadlessError::Findings(_))
    }
}

/// `portolan completions SHELL` and `portolan man`: generated from the clap definitions, so
/// they always match the options.
pub fn run_docs(command: &Command, out: &mut dyn Write) -> Result<(), HeadlessError> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    match command {
        Command::Completions { shell } => {
            // Generated into memory first: the generator panics on a write error, and a
            // closed pipe (`| head`) is not an error worth a panic.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut cli, "portolan", &mut script);
            Ok(out.write_all(&script)?)
        }
        Command::Man => Ok(clap_mangen::Man::new(cli).render(out)?),
        _ => Err(HeadlessError::Usage("not a documentation command".into())),
    }
}

/// `portolan config path|default|check`.
pub fn run_config(
    what: ConfigCommand,
    cli: &Cli,
    out: &mut dyn Write,
) -> Result<(), HeadlessError> {
    let path = crate::config::path_for(cli).ok_or_else(|| {
        HeadlessError::Usage("no home directory to find the config file in".into())
    })?;
    match what {
        ConfigCommand::Path => writeln!(out, "{}", path.display())?,
        ConfigCommand::Default => out.write_all(crate::config::default_text().as_bytes())?,
        ConfigCommand::Check => {
            if !path.exists() {
                writeln!(
                    out,
                    "{}: no such file; every default applies",
                    path.display()
                )?;
                return Ok(());
            }
            let (_, problems) = crate::config::load(&path);
            if problems.is_empty() {
                writeln!(out, "{}: ok", path.display())?;
                return Ok(());
            }
            for problem in &problems {
                writeln!(out, "{}", crate::text::sanitize(&problem.to_string()))?;
            }
            return Err(HeadlessError::NotFound(format!(
                "{} problem(s) in {}",
                problems.len(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// Runs a headless command against `api` (and EC2, for the commands that join with it),
/// writing to stdout.
pub async fn run(
    cli: &Cli,
    api: &dyn GlobalAccelerator,
    ec2: Ec2Join<'_>,
) -> Result<(), HeadlessError> {
    let mut out = stdout_output(cli);
    let result = run_joined(cli, api, ec2, &mut out).await;
    if let Some(note) = hidden_note(&out) {
        eprintln!("portolan: {note}");
    }
    result
}

/// Lists go to stdout as `-o` says: a table fitted to a terminal, NDJSON when piped.
pub(crate) fn stdout_output(cli: &Cli) -> Output<io::BufWriter<io::StdoutLock<'static>>> {
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let format = cli.output.unwrap_or(if terminal {
        OutputFormat::Table
    } else {
        OutputFormat::Ndjson
    });
    let columns = terminal
        .then(crossterm::terminal::size)
        .and_then(Result::ok)
        .map(|(columns, _)| usize::from(columns));
    Output::new(
        format,
        io::BufWriter::with_capacity(1 << 16, stdout.lock()),
        terminal,
    )
    .fitted_to(columns)
}

/// What a terminal table left out to fit, and how to see it all.
pub fn hidden_note<W: Write>(out: &Output<W>) -> Option<String> {
    let hidden = out.hidden_columns();
    if hidden.is_empty() {
        return None;
    }
    Some(format!(
        "hidden to fit {} columns: {} (`-o wide` prints every column whole)",
        out.room().unwrap_or_default(),
        hidden.join(", ")
    ))
}

/// Runs a headless command against `api` (and `ec2`, when given), writing to `out`.
pub async fn run_to<W: Write>(
    cli: &Cli,
    api: &dyn GlobalAccelerator,
    ec2: Option<&dyn crate::ec2::Ec2>,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let ec2 = Ec2Join {
        client: ec2,
        problem: None,
    };
    run_joined(cli, api, ec2, out).await
}

/// Runs a headless command against `api` and, where it joins with it, EC2.
pub async fn run_joined<W: Write>(
    cli: &Cli,
    api: &dyn GlobalAccelerator,
    ec2: Ec2Join<'_>,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    match &cli.command {
        None | Some(Command::Accelerators) => {
            stream(out, |t| api.list_accelerators(MAX_RESULTS_RESOURCES, t)).await?;
        }
        Some(Command::Listeners { accelerator }) => {
            let arn = resolve_accelerator(api, accelerator).await?;
            if out.format() == OutputFormat::Wide {
                mappings::name_accelerators(api, out).await?;
            }
            stream(out, |t| api.list_listeners(&arn, MAX_RESULTS_RESOURCES, t)).await?;
        }
        Some(Command::EndpointGroups { listener_arn }) => {
            if !matches!(parse_arn(listener_arn), Ok(ArnKind::Listener { .. })) {
                return Err(HeadlessError::Usage(format!(
                    "{listener_arn:?} is not a listener ARN (…:accelerator/ID/listener/ID); `portolan listeners ACCEL` lists them"
                )));
            }
            if out.format() == OutputFormat::Wide {
                mappings::name_accelerators(api, out).await?;
            }
            stream(out, |t| {
                api.list_endpoint_groups(listener_arn, MAX_RESULTS_RESOURCES, t)
            })
            .await?;
        }
        Some(Command::Mappings(args)) => mappings::mappings(cli, args, api, out).await?,
        Some(Command::Whois { address }) => whois::run_whois(api, ec2, address, out).await?,
        Some(Command::Watch(args)) => watch::run_watch(api, args, out).await?,
        Some(Command::Index(command)) => {
            index::run_index(api, command, out.writer()).await?;
        }
        Some(Command::Snapshot { out: dir }) => {
            snapshot::run_snapshot(api, ec2.client, dir, &mut io::stderr()).await?;
        }
        Some(Command::Completions { .. } | Command::Man | Command::Config(_)) => {
            return Err(HeadlessError::Usage(
                "completions, the manual page and the config file need no account".into(),
            ));
        }
        Some(Command::Emulator(_)) => {
            return Err(HeadlessError::Usage(
                "the emulator runs on its own: portolan emulator".into(),
            ));
        }
        Some(Command::Allow(_) | Command::Deny(_) | Command::Undo { .. } | Command::Journal) => {
            return Err(HeadlessError::Usage(
                "changes and the journal run on their own: run_change, run_journal".into(),
            ));
        }
        Some(Command::Audit) => {
            return Err(HeadlessError::Usage(
                "the audit needs EC2 as well and runs on its own: run_audit".into(),
            ));
        }
    }
    Ok(())
}

/// Writes every page of a listing as it arrives.
async fn stream<W, R, F, Fut>(out: &mut Output<W>, mut next: F) -> Result<u64, HeadlessError>
where
    W: Write,
    R: Record,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<R>, ApiError>>,
{
    out.begin::<R>()?;
    let mut token = None;
    loop {
        let page = next(token).await?;
        out.page(&page.items)?;
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(out.finish::<R>()?)
}

async fn all_accelerators(api: &dyn GlobalAccelerator) -> Result<Vec<Accelerator>, ApiError> {
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = api.list_accelerators(MAX_RESULTS_RESOURCES, token).await?;
        all.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// An ARN as given, or the ARN of the one accelerator with that exact name. Names need not be
/// unique, so a shared name is an error that lists the candidates.
pub async fn resolve_accelerator(
    api: &dyn GlobalAccelerator,
    given: &str,
) -> Result<String, HeadlessError> {
    if let Ok(ArnKind::Accelerator { .. }) = parse_arn(given) {
        return Ok(given.trim().to_string());
    }
    if parse_arn(given).is_ok() {
        return Err(HeadlessError::Usage(format!(
            "{given:?} is an ARN, but not an accelerator's (…:accelerator/ID); `portolan accelerators` lists them"
        )));
    }
    let matches: Vec<String> = all_accelerators(api)
        .await?
        .into_iter()
        .filter(|a| a.name == given)
        .map(|a| a.arn)
        .collect();
    let shown = crate::text::sanitize(given);
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(HeadlessError::Usage(format!(
            "no accelerator is named {shown:?} (names are case-sensitive; `portolan accelerators` lists them)"
        ))),
        many => Err(HeadlessError::Usage(format!(
            "{} accelerators are named {shown:?}; give one of their ARNs: {}",
            many.len(),
            many.join(", ")
        ))),
    }
}

/// `portolan emulator`: serve until Ctrl-C, printing the endpoint URL first.
pub async fn run_emulator(args: &EmulatorArgs) -> Result<(), HeadlessError> {
    if !(args.settle.is_finite() && args.settle >= 0.0) {
        return Err(HeadlessError::Usage(
            "--settle must be a number of seconds, 0 or more".into(),
        ));
    }
    let options = EmulatorOptions {
        settle: std::time::Duration::from_secs_f64(args.settle),
    };
    let seed = || match &args.topology {
        Some(path) => Topology::load(path),
        None => Ok(Topology::demo()),
    };
    let emulator = match &args.state {
        Some(state) => Emulator::with_state(state, seed, options),
        None => seed().and_then(|topology| Emulator::from_topology(&topology, options)),
    }
    .map_err(|e| HeadlessError::Usage(e.to_string()))?;
    let faults = Faults::new(args.fault_seed);
    for spec in &args.faults {
        faults.add(spec.clone());
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| HeadlessError::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
    let mut stdout = io::stdout();
    writeln!(stdout, "http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            let term = async {
                match term.as_mut() {
                    Some(t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = ctrl_c => {}
                () = term => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    };
    crate::emulator::serve(listener, Arc::new(emulator), Arc::new(faults), shutdown).await?;
    Ok(())
}
