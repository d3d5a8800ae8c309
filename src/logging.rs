//! Logs go to a file, never to the terminal: headless output is data, and the interactive view
//! owns the screen.

use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;
use tracing_appender::non_blocking::WorkerGuard;

/// `$XDG_STATE_HOME/portolan/portolan.log` (`~/.local/state/…` when unset).
pub fn default_path() -> Option<PathBuf> {
    let dirs = etcetera::choose_base_strategy().ok()?;
    Some(dirs.state_dir()?.join("portolan").join("portolan.log"))
}

/// Starts logging to `path` (filter from `PORTOLAN_LOG`, `info` by default). Returns the guard
/// that flushes the file when dropped, or `None` when the file cannot be opened; the app runs
/// on without logs then.
pub fn init(path: &Path) -> Option<WorkerGuard> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok()?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTOLAN_LOG")
        .unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .ok()?;
    Some(guard)
}
