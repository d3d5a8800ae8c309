//! Keys of the port-mapping browser, in its own layers: a prompt (`:` or `e`) takes every key,
//! then the destination form while it has focus, then the filter field, then the rows.

use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Command;
use crate::app::screens::browser::{Browser, ExportScope, FormField, Prompt, Source};
use crate::app::{Effect, ExportJob, ExportRows, Screen, State};
use crate::format::OutputFormat;
use crate::model::{Accelerator, EndpointGroup};

/// Accelerator names the accelerators pane knows, by ARN.
fn known_names(state: &State) -> HashMap<String, String> {
    match state.screens.first() {
        Some(Screen::Accelerators(p)) => p
            .rows()
            .iter()
            .map(|a| (a.arn.clone(), a.name.clone()))
            .collect(),
        _ => HashMap::new(),
    }
}

/// `m`: the browser by destination for `group`, `subnet` preselected.
pub fn open_by_destination(
    state: &mut State,
    group: &EndpointGroup,
    subnet: Option<&str>,
) -> Vec<Effect> {
    let browser = Browser::by_destination(group, subnet, known_names(state), state.page_size);
    state.push(Screen::Browser(Box::new(browser)))
}

/// `M`: every mapping of `accelerator`, or of `group` within it.
pub fn open_accelerator(
    state: &mut State,
    accelerator: &Accelerator,
    group: Option<&EndpointGroup>,
) -> Vec<Effect> {
    let browser = Browser::of_accelerator(accelerator, group, known_names(state), state.page_size);
    state.push(Screen::Browser(Box::new(browser)))
}

fn browser(state: &mut State) -> Option<&mut Browser> {
    match state.top_mut() {
        Screen::Browser(b) => Some(b),
        _ => None,
    }
}

/// Handles `key` if the browser is on top and the key is its own; `None` leaves the key to
/// the keys every screen shares (movement, help, quit).
pub fn handle(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    let command = state.keymap.command(&key);
    let b = browser(state)?;
    if b.prompt.is_some() {
        return Some(prompt_key(state, key));
    }
    if b.editing {
        return Some(form_key(state, key));
    }
    if b.filter.editing {
        match key.code {
            KeyCode::Enter => b.filter.editing = false,
            KeyCode::Esc => {
                b.filter.input.reset();
                b.filter.editing = false;
                b.refilter();
            }
            _ => {
                if b.filter.input.handle_event(&Event::Key(key)).is_some() {
                    b.refilter();
                }
            }
        }
        return Some(Vec::new());
    }
    match command {
        Some(Command::Filter) => b.filter.editing = true,
        Some(Command::DestinationForm) if b.form.is_some() => b.editing = true,
        Some(Command::FindPort) => {
            b.prompt = Some(Prompt::Jump {
                input: Input::default(),
                error: None,
            });
        }
        Some(Command::Export) => {
            let path = default_export_path(b);
            b.prompt = Some(Prompt::Export {
                path: Input::new(path),
                scope: ExportScope::Loaded,
                error: None,
            });
        }
        Some(Command::Copy) => {
            let effects = copy(b);
            match effects.first() {
                Some(Effect::Copy(text)) => {
                    let row = text.split('\t').take(2).collect::<Vec<_>>().join(" → ");
                    state.info(format!(
                        "copied the row {row} (tab-separated, with its ARNs) to the clipboard"
                    ));
                }
                _ => state.info("nothing to copy: no row is selected"),
            }
            return Some(effects);
        }
        Some(Command::Back) => {
            // A running search stops first: the hint says Esc stops it.
            if b.seek.take().is_some() {
                let cancelled = b.pending.take().map(|(id, _)| id);
                state.info("search stopped");
                return Some(cancelled.into_iter().map(Effect::Cancel).collect());
            }
            if state.message.take().is_some() {
                return Some(Vec::new());
            }
            let b = browser(state)?;
            if b.filter.is_active() {
                b.filter.input.reset();
                b.refilter();
                return Some(Vec::new());
            }
            return Some(state.pop());
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn default_export_path(b: &Browser) -> String {
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

fn copy(b: &Browser) -> Vec<Effect> {
    let Some(row) = b.selected_row().and_then(|i| b.table.get(i)) else {
        return Vec::new();
    };
    let mut cells = row.cells().to_vec();
    cells.push(row.accelerator_arn.to_string());
    cells.push(row.endpoint_group_arn.to_string());
    vec![Effect::Copy(cells.join("\t"))]
}

fn form_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(b) = browser(state) else {
        return Vec::new();
    };
    let Some(form) = b.form.as_mut() else {
        b.editing = false;
        return Vec::new();
    };
    let count = form.subnets.len().max(1);
    match (key.code, form.focus) {
        (KeyCode::Tab | KeyCode::BackTab, FormField::Subnet) => form.focus = FormField::Address,
        (KeyCode::Tab | KeyCode::BackTab, FormField::Address) => form.focus = FormField::Subnet,
        (KeyCode::Up | KeyCode::Left | KeyCode::Char('k'), FormField::Subnet) => {
            form.choice = (form.choice + count - 1) % count;
        }
        (KeyCode::Down | KeyCode::Right | KeyCode::Char('j' | ' '), FormField::Subnet) => {
            form.choice = (form.choice + 1) % count;
        }
        (KeyCode::Enter, _) => {
            if b.submit_form() {
                return state.reload_top();
            }
        }
        (KeyCode::Esc, _) => {
            if b.source.is_some() {
                b.editing = false;
            } else {
                return state.pop();
            }
        }
        (_, FormField::Address) => {
            if form.address.handle_event(&Event::Key(key)).is_some() {
                form.error = None;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

fn prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(b) = browser(state) else {
        return Vec::new();
    };
    let Some(prompt) = b.prompt.as_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc {
        b.prompt = None;
        return Vec::new();
    }
    match prompt {
        Prompt::Jump { input, error } => match key.code {
            KeyCode::Enter => {
                let typed = input.value().to_string();
                match b.start_seek(&typed) {
                    Ok(call) => {
                        b.prompt = None;
                        if let Some(call) = call {
                            let id = state.request_id();
                            if let Some(b) = browser(state) {
                                b.begin_next_page(id, call.token().unwrap_or_default().into());
                            }
                            return vec![Effect::Call { id, call }];
                        }
                    }
                    Err(message) => {
                        if let Some(Prompt::Jump { error, .. }) = b.prompt.as_mut() {
                            *error = Some(message);
                        }
                    }
                }
            }
            _ => {
                input.handle_event(&Event::Key(key));
                *error = None;
            }
        },
        Prompt::Export { path, scope, error } => match key.code {
            KeyCode::Tab | KeyCode::BackTab => {
                *scope = match scope {
                    ExportScope::Loaded => ExportScope::All,
                    ExportScope::All => ExportScope::Loaded,
                };
            }
            KeyCode::Enter => match export_job(b) {
                Ok(job) => {
                    b.prompt = None;
                    state.exports += 1;
                    state.info(format!("exporting to {}…", job.path.display()));
                    return vec![Effect::Export(job)];
                }
                Err(message) => {
                    if let Some(Prompt::Export { error, .. }) = b.prompt.as_mut() {
                        *error = Some(message);
                    }
                }
            },
            _ => {
                path.handle_event(&Event::Key(key));
                *error = None;
            }
        },
    }
    Vec::new()
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

fn export_job(b: &Browser) -> Result<ExportJob, String> {
    let Some(Prompt::Export { path, scope, .. }) = &b.prompt else {
        return Err("no export is being asked for".into());
    };
    let typed = path.value().trim();
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
    let rows = match scope {
        ExportScope::Loaded => ExportRows::Loaded {
            table: b.table.clone(),
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

/// A paste goes to the field with focus, as one line of printable characters.
pub fn paste(state: &mut State, text: &str) -> bool {
    let Some(b) = browser(state) else {
        return false;
    };
    let clean: String = text.chars().filter(|c| !c.is_control()).take(256).collect();
    let clean = clean.trim();
    let target = match (&mut b.prompt, b.editing, b.filter.editing) {
        (Some(Prompt::Jump { input, .. }), _, _) => input,
        (Some(Prompt::Export { path, .. }), _, _) => path,
        (None, true, _) => match b.form.as_mut() {
            Some(form) if form.focus == FormField::Address => &mut form.address,
            _ => return true,
        },
        (None, false, true) => &mut b.filter.input,
        (None, false, false) => return true,
    };
    *target = Input::new(format!("{}{clean}", target.value()));
    if b.filter.editing {
        b.refilter();
    }
    true
}
