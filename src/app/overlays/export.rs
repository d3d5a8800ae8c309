//! `e` in the browser: write mappings to a file. The dialog offers what the browser shows
//! (its filter applied) or every row of the source, stays open while the file is written, and
//! keeps the path and shows the error when writing fails, so a retry is one edit away.

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::screens::browser::{Browser, Source};
use crate::app::{Effect, ExportJob, ExportRows, Overlay, Screen, State};
use crate::format::OutputFormat;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// The rows the browser shows: the loaded rows its filter lets through.
    Shown,
    /// Every page of the source, read as the file is written (no filter).
    All,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub path: Input,
    pub scope: ExportScope,
    pub error: Option<String>,
    /// Rows the browser shows, of `loaded`.
    pub shown: usize,
    pub loaded: usize,
    /// The browser's filter, when one narrows what is shown.
    pub filter: Option<String>,
    /// The file being written: the dialog waits for its answer.
    pub writing: Option<PathBuf>,
}

impl Export {
    /// What the first choice says: the rows shown, and why fewer than loaded.
    pub fn shown_words(&self) -> String {
        match &self.filter {
            Some(f) => format!(
                "the {} rows shown (filter \"{f}\", of {} loaded)",
                self.shown, self.loaded
            ),
            None => format!("the {} loaded rows", self.shown),
        }
    }

    pub fn all_words(&self) -> &'static str {
        if self.filter.is_some() {
            "every row, read page by page (unfiltered)"
        } else {
            "every row, read page by page"
        }
    }
}

fn browser(state: &State) -> Option<&Browser> {
    match state.top() {
        Screen::Browser(b) => Some(b),
        _ => None,
    }
}

/// `e`: the export dialog for the browser on top.
pub fn open(state: &mut State) {
    let Some(b) = browser(state) else {
        return;
    };
    let filter = b
        .list
        .filter
        .is_active()
        .then(|| b.list.filter.text().to_string());
    let dialog = Export {
        path: Input::new(default_path(b)),
        scope: ExportScope::Shown,
        error: None,
        shown: b.view_len(),
        loaded: b.table().len(),
        filter,
        writing: None,
    };
    state.overlay = Some(Overlay::Export(Box::new(dialog)));
}

fn default_path(b: &Browser) -> String {
    let name: String = match &b.source {
        Some(Source::Destination { ip, .. }) => ip.clone(),
        _ => b.title.clone(),
    }
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || c == '.' {
            c
        } else {
            '-'
        }
    })
    .collect();
    format!("portolan-mappings-{name}.csv")
}

pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(dialog) = state.export_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc {
        if let Some(path) = &dialog.writing {
            let path = path.display().to_string();
            state.info(format!(
                "still writing {path}: the status bar says when it is done"
            ));
        }
        state.overlay = None;
        return Vec::new();
    }
    if dialog.writing.is_some() {
        state.dirty = false;
        return Vec::new();
    }
    match key.code {
        KeyCode::Tab | KeyCode::BackTab => {
            dialog.scope = match dialog.scope {
                ExportScope::Shown => ExportScope::All,
                ExportScope::All => ExportScope::Shown,
            };
        }
        KeyCode::Enter => return write(state),
        _ => {
            if dialog.path.handle_event(&Event::Key(key)).is_some() {
                dialog.error = None;
            } else {
                state.dirty = false;
            }
        }
    }
    Vec::new()
}

/// A paste goes into the path, as one line of printable characters.
pub fn paste(state: &mut State, text: &str) {
    let Some(dialog) = state.export_mut() else {
        return;
    };
    if dialog.writing.is_some() {
        return;
    }
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(1024)
        .collect();
    dialog.path = Input::new(format!("{}{}", dialog.path.value(), clean.trim()));
    dialog.error = None;
}

fn write(state: &mut State) -> Vec<Effect> {
    let job = match (state.export(), browser(state)) {
        (Some(dialog), Some(b)) => job(dialog, b),
        _ => Err("the browser is no longer open".into()),
    };
    let Some(dialog) = state.export_mut() else {
        return Vec::new();
    };
    match job {
        Ok(job) => {
            dialog.writing = Some(job.path.clone());
            dialog.error = None;
            state.exports += 1;
            vec![Effect::Export(job)]
        }
        Err(message) => {
            dialog.error = Some(message);
            Vec::new()
        }
    }
}

/// The format a path's extension names: `.json`, `.ndjson`, otherwise CSV.
fn format_of(path: &str) -> OutputFormat {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        OutputFormat::Ndjson
    } else if lower.ends_with(".json") {
        OutputFormat::Json
    } else {
        OutputFormat::Csv
    }
}

fn job(dialog: &Export, b: &Browser) -> Result<ExportJob, String> {
    let typed = dialog.path.value().trim();
    if typed.is_empty() {
        return Err("type a file name".into());
    }
    if typed.chars().any(char::is_control) {
        return Err("a file name cannot hold control characters".into());
    }
    let source = b
        .source
        .clone()
        .ok_or("nothing to export: choose a destination first")?;
    let rows = match dialog.scope {
        ExportScope::Shown => ExportRows::Loaded {
            table: Box::new(b.table().clone()),
            shown: b.list.view().cloned(),
            by_destination: matches!(source, Source::Destination { .. }),
        },
        ExportScope::All => ExportRows::All(source),
    };
    Ok(ExportJob {
        path: PathBuf::from(typed),
        format: format_of(typed),
        rows,
    })
}

/// An export finished. The dialog, if it still waits for it, closes on success and stays
/// with the path as typed and the error on failure; the status bar says it either way.
pub fn finished(state: &mut State, path: &std::path::Path, result: Result<u64, String>) {
    state.exports = state.exports.saturating_sub(1);
    state.dirty = true;
    let waiting = state
        .export()
        .is_some_and(|d| d.writing.as_deref() == Some(path));
    let shown = path.display();
    match result {
        Ok(rows) => {
            if waiting {
                state.overlay = None;
            }
            state.info(format!("wrote {rows} mappings to {shown}"));
        }
        Err(e) => {
            if let Some(dialog) = state.export_mut().filter(|_| waiting) {
                dialog.writing = None;
                dialog.error = Some(e.clone());
            }
            state.error(format!("export to {shown} failed: {e}"));
        }
    }
}
