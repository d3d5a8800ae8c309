use std::process::ExitCode;

use clap::Parser;
use portolan::cli::{Cli, Command};
use portolan::{config, headless, logging, session};

#[tokio::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    let (settings, columns, problems) = load_config(&mut cli);
    let interactive = cli.command.is_none();
    let log_path = cli
        .log_file
        .clone()
        .or_else(|| interactive.then(logging::default_path).flatten());
    let _log_guard = log_path.as_deref().and_then(logging::init);
    let result = match &cli.command {
        Some(Command::Emulator(args)) => headless::run_emulator(args).await,
        Some(command @ (Command::Completions { .. } | Command::Man)) => {
            headless::run_docs(command, &mut std::io::stdout().lock())
        }
        Some(Command::Config(what)) => {
            headless::run_config(*what, &cli, &mut std::io::stdout().lock())
        }
        Some(Command::Journal) => headless::run_journal(&cli),
        Some(Command::Audit) => headless::run_audit(&cli).await,
        Some(Command::Allow(_) | Command::Deny(_) | Command::Undo { .. }) => {
            headless::run_change(&cli).await
        }
        None => return run_app(&cli, settings, columns, &problems).await,
        Some(_) => match session::connect(&cli).await {
            Ok(session) => {
                let ec2 = headless::Ec2Join {
                    client: session.ec2.as_deref(),
                    problem: session.ec2_problem.as_deref(),
                };
                headless::run(&cli, session.api.as_ref(), ec2).await
            }
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            if code != ExitCode::SUCCESS && !e.is_said() {
                // Messages can quote names from the service or a topology file.
                eprintln!("portolan: {}", portolan::text::sanitize(&e.to_string()));
            }
            code
        }
    }
}

/// Applies the config file under the command line; the settings, the column choice and the
/// file that keeps it, and what was wrong in the file, to be told.
fn load_config(
    cli: &mut Cli,
) -> (
    config::Settings,
    portolan::app::columns::Columns,
    Vec<String>,
) {
    if matches!(
        cli.command,
        Some(
            Command::Config(_) | Command::Completions { .. } | Command::Man | Command::Emulator(_)
        )
    ) {
        return Default::default();
    }
    let Some(path) = config::path_for(cli) else {
        return Default::default();
    };
    let (settings, problems) = config::load(&path);
    let aws_profile = std::env::var_os("AWS_PROFILE").is_some_and(|p| !p.is_empty());
    config::apply(&settings, cli, aws_profile);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if cli.command.is_some() {
        for problem in &problems {
            eprintln!("portolan: config: {}", portolan::text::sanitize(problem));
        }
    }
    let columns = portolan::app::columns::Columns {
        choice: settings.columns.clone(),
        file: Some(path),
    };
    (settings, columns, problems)
}

async fn run_app(
    cli: &Cli,
    settings: config::Settings,
    columns: portolan::app::columns::Columns,
    config_problems: &[String],
) -> ExitCode {
    use std::io::IsTerminal;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if dumb || !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!(
            "portolan: the interactive view needs a terminal; in scripts use a subcommand, e.g. `portolan accelerators` (see --help)"
        );
        return ExitCode::from(2);
    }
    let session = match session::connect(cli).await {
        Ok(session) => session,
        Err(e) => {
            eprintln!("portolan: {}", portolan::text::sanitize(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let state = portolan::app::State::new(
        portolan::app::Context {
            profile: session.profile.clone(),
            endpoint: session.endpoint.clone(),
            account: None,
        },
        (80, 24),
        std::time::Instant::now(),
    );
    let mut state = state;
    state.mouse = cli.mouse;
    state.keymap = std::sync::Arc::new(settings.keymap);
    state.columns = columns;
    let every = settings
        .watch_interval
        .unwrap_or(portolan::model::watch::DEFAULT_INTERVAL_SECS);
    state
        .watch
        .set_interval(std::time::Duration::from_secs(every));
    state.watch.bell = settings.watch_bell;
    state.watch.store = portolan::watch::PinStore::default_dir();
    state.read_only = cli.read_only;
    let no_color = cli.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    state.theme = if no_color {
        portolan::model::ThemeName::NoColor
    } else {
        cli.theme.unwrap_or_default()
    };
    state.index_dir =
        portolan::index::IndexStore::default_location().map(|s| s.root().to_path_buf());
    if let Some(secs) = cli.refresh {
        state.live = Some(portolan::app::live::Live::new(
            std::time::Duration::from_secs(secs),
            state.now,
        ));
    }
    if let Some(first) = config_problems.first() {
        let more = match config_problems.len() {
            1 => String::new(),
            n => format!(" (and {} more: portolan config check)", n - 1),
        };
        state.error(format!("config: {}{more}", portolan::text::sanitize(first)));
    }
    state.join.problem.clone_from(&session.ec2_problem);
    if let Some(size) = cli.page_size {
        state.page_size = size;
    }
    match portolan::tui::run_terminal(
        portolan::tui::Clients {
            api: session.api,
            ec2: session.ec2,
            connector: Some(connector(cli)),
        },
        state,
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portolan: the terminal failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How the profile switcher (`P`) connects: the same options, another profile, never the
/// demo account; a profile that cannot read is refused, so the current session stays.
fn connector(cli: &Cli) -> portolan::tui::Connector {
    let base = cli.clone();
    std::sync::Arc::new(move |profile: String| {
        let mut cli = base.clone();
        cli.demo = false;
        cli.profile = Some(profile);
        Box::pin(async move {
            let session = session::connect(&cli).await.map_err(|e| e.to_string())?;
            // Credentials load lazily: one small read proves the profile works before the
            // current session is given up.
            session
                .api
                .list_accelerators(1, None)
                .await
                .map_err(|e| e.to_string())?;
            Ok(portolan::tui::Switched {
                connected: portolan::app::overlays::profiles::Connected {
                    api: session.api,
                    endpoint: session.endpoint,
                },
                ec2: session.ec2,
            })
        })
    })
}
