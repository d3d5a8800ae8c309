//! A progress bar for long headless runs (`mappings --all`, `index build`, `deny`), drawn on stderr
//! only when stderr is a terminal: a pipe or a file gets nothing, not even a carriage return.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over token chains (endpoint groups, or whole accelerators); the count of
    /// mappings read goes in its message.
    pub fn new() -> Self {
        Self::drawn("{bar:24} {pos}/{len} endpoint groups · {msg} · {elapsed}")
    }

    /// A bar over the `total` calls of a change (`allow`, `deny`).
    pub fn calls(total: usize) -> Self {
        let progress = Self::drawn("{bar:24} {pos}/{len} calls · {elapsed}");
        progress.bar.set_length(total as u64);
        progress
    }

    fn drawn(template: &str) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    /// Calls made so far of how many.
    pub fn made(&self, done: usize, total: usize) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }

    /// After each page: mappings read so far, and chains finished of how many.
    pub fn read(&self, mappings: usize, chains_done: usize, chains: usize) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_length(chains as u64);
        self.bar.set_position(chains_done as u64);
        self.bar.set_message(format!("{mappings} mappings read"));
    }

    /// Says what is being done now, in the bar's message.
    pub fn doing(&self, what: String) {
        if !self.bar.is_hidden() {
            self.bar.set_message(what);
        }
    }

    /// Runs `f` with the bar out of the way, for lines written to the same terminal.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
