use std::process::ExitCode;

use clap::Parser;
use portolan::cli::{Cli, Command};
use portolan::headless;

fn init_logging(cli: &Cli) {
    // Logs never go to stdout: headless output is data, and the terminal UI owns the screen.
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTOLAN_LOG")
        .unwrap_or_else(|_| "info".into());
    if let Some(path) = &cli.log_file
        && let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let result = match &cli.command {
        Some(Command::Emulator(args)) => headless::run_emulator(args).await,
        _ => match headless::connect(&cli).await {
            Ok((api, _local)) => headless::run(&cli, api.as_ref()).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.exit_code();
            if code != ExitCode::SUCCESS {
                eprintln!("portolan: {e}");
            }
            code
        }
    }
}
