//! `b` and `B` in the mapping browser: allow or deny many sockets at once — every row the
//! filter shows (of the rows loaded so far), or a pasted list of `IP:PORT`s and addresses.
//! The sockets are grouped into calls that touch exactly them (`model::bulk::plan`); the
//! dialog says how many sockets, addresses, subnets and calls that is, then asks allow or
//! deny, then y/n. The runner makes the calls with progress and journals them as one change.

use std::net::Ipv4Addr;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::changes::{self, ChangeJob};
use crate::app::screens::browser::Browser;
use crate::app::{Effect, Hint, Overlay, Screen, State};
use crate::model::bulk::{Plan, Target, parse_destinations, plan};

mod resolve;

/// The most sockets one bulk change lists by address and port (as the headless commands).
pub const MAX_SOCKETS: usize = 250_000;
/// The longest list the dialog keeps.
const MAX_TEXT: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkSource {
    /// The rows the browser's filter shows.
    Filter,
    /// A pasted or typed list.
    List,
}

/// Where the dialog is: the list being typed, the plan shown, or the last question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Editing,
    Planned,
    Confirm { allow: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    pub source: BulkSource,
    /// The list as pasted or typed (kept when it does not read, for a fix).
    pub text: String,
    /// Why the list does not read, or what is missing.
    pub error: Option<String>,
    pub planned: Option<Planned>,
    /// Allow (true) or deny, once chosen.
    pub verb: Option<bool>,
}

/// What a bulk change covers, for the dialog to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub plan: Plan,
    /// Where the sockets come from, in words.
    pub from: String,
    /// Listed sockets or addresses that were not found, in words.
    pub not_found: Vec<String>,
}

impl Planned {
    fn new(plan: Plan, from: String, not_found: Vec<String>) -> Self {
        Planned {
            plan,
            from,
            not_found,
        }
    }

    /// "40 sockets, 40 addresses, 1 subnet, 1 call".
    pub fn counts(&self) -> String {
        self.plan.counts()
    }

    /// The change in words, as the journal keeps it.
    pub fn what(&self, allow: bool) -> String {
        let verb = if allow { "allow" } else { "deny" };
        format!("{verb} {}: {}", self.counts(), self.from)
    }
}

impl Bulk {
    pub fn stage(&self) -> Stage {
        match (&self.planned, self.verb) {
            (None, _) => Stage::Editing,
            (Some(_), None) => Stage::Planned,
            (Some(_), Some(allow)) => Stage::Confirm { allow },
        }
    }
}

fn browser(state: &State) -> Option<&Browser> {
    match state.top() {
        Screen::Browser(b) => Some(b),
        _ => None,
    }
}

fn not_here(state: &mut State) -> Vec<Effect> {
    state.info("open the mapping browser (m or M) to change many sockets at once");
    Vec::new()
}

/// `b`: every row the filter shows.
pub fn open_filtered(state: &mut State) -> Vec<Effect> {
    if browser(state).is_none() {
        return not_here(state);
    }
    if !changes::may_start(state) {
        return Vec::new();
    }
    let Some(b) = browser(state) else {
        return Vec::new();
    };
    if let Some((looked, of)) = b.list.filter_progress() {
        let text = format!("the filter is still looking at rows ({looked} of {of}): a moment");
        state.info(text);
        return Vec::new();
    }
    if b.view_len() == 0 {
        state.info("no row is shown: nothing to change");
        return Vec::new();
    }
    if b.view_len() > MAX_SOCKETS {
        let text = format!(
            "{} rows are shown, more than {MAX_SOCKETS} at once: narrow the filter (/)",
            b.view_len()
        );
        state.error(text);
        return Vec::new();
    }
    let targets = shown_targets(b);
    let from = shown_words(b);
    let planned = Planned::new(plan(&targets), from, Vec::new());
    state.overlay = Some(Overlay::Bulk(Box::new(Bulk {
        source: BulkSource::Filter,
        text: String::new(),
        error: None,
        planned: Some(planned),
        verb: None,
    })));
    Vec::new()
}

/// `B`: a pasted or typed list.
pub fn open_list(state: &mut State) -> Vec<Effect> {
    if browser(state).is_none() {
        return not_here(state);
    }
    if changes::may_start(state) {
        state.overlay = Some(Overlay::Bulk(Box::new(Bulk {
            source: BulkSource::List,
            text: String::new(),
            error: None,
            planned: None,
            verb: None,
        })));
    }
    Vec::new()
}

/// One target per row the browser shows.
fn shown_targets(b: &Browser) -> Vec<Target> {
    let table = b.table();
    (0..b.view_len())
        .filter_map(|i| table.get(b.row_index(i)?))
        .filter_map(|row| {
            Some(Target {
                group: row.endpoint_group_arn.to_string(),
                subnet: row.subnet.to_string(),
                ip: row.destination_ip.parse::<Ipv4Addr>().ok()?,
                port: Some(row.destination_port),
            })
        })
        .collect()
}

/// "the 40 rows the filter "10.0.1." shows, of 5000 loaded (more pages not loaded)".
fn shown_words(b: &Browser) -> String {
    let loaded = b.table().len();
    let more = if b.is_complete() {
        ""
    } else {
        " (more pages not loaded: only loaded rows count)"
    };
    if b.list.filter.is_active() {
        format!(
            "the {} rows the filter \"{}\" shows, of {loaded} loaded{more}",
            b.view_len(),
            b.list.filter.text()
        )
    } else {
        format!("all {loaded} loaded rows (no filter){more}")
    }
}

/// Keys while the dialog is open.
pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Bulk(bulk)) = &mut state.overlay else {
        return Vec::new();
    };
    match (bulk.stage(), key.code) {
        (Stage::Confirm { allow }, KeyCode::Char('y' | 'Y')) => {
            let Some(planned) = bulk.planned.take() else {
                return Vec::new();
            };
            state.overlay = None;
            if !changes::may_start(state) {
                return Vec::new();
            }
            let verb = if allow { "allow" } else { "deny" };
            let label = format!("{verb} {}", planned.plan.covered());
            let job = ChangeJob::Traffic {
                allow,
                what: planned.what(allow),
                label: label.clone(),
                changes: planned.plan.changes,
            };
            changes::start(state, label, job)
        }
        (Stage::Confirm { .. }, KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc) => {
            bulk.verb = None;
            Vec::new()
        }
        (Stage::Planned, KeyCode::Char(c @ ('a' | 'A' | 'd' | 'D'))) => {
            bulk.verb = Some(c.eq_ignore_ascii_case(&'a'));
            Vec::new()
        }
        (Stage::Planned, KeyCode::Esc | KeyCode::Char('q')) if bulk.source == BulkSource::List => {
            // Back to the list, as typed.
            bulk.planned = None;
            Vec::new()
        }
        (Stage::Planned, KeyCode::Esc | KeyCode::Char('n' | 'q'))
        | (Stage::Editing, KeyCode::Esc) => {
            state.overlay = None;
            Vec::new()
        }
        (Stage::Editing, KeyCode::Enter) => {
            plan_list(state);
            Vec::new()
        }
        (Stage::Editing, KeyCode::Backspace) => {
            bulk.text.pop();
            bulk.error = None;
            Vec::new()
        }
        (Stage::Editing, KeyCode::Char('u')) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            bulk.text.clear();
            bulk.error = None;
            Vec::new()
        }
        (Stage::Editing, KeyCode::Char(c))
            if !key.modifiers.contains(KeyModifiers::CONTROL) && bulk.text.len() < MAX_TEXT =>
        {
            bulk.text.push(c);
            bulk.error = None;
            Vec::new()
        }
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// A paste goes into the list being typed, lines and all (other control characters go).
pub fn paste(state: &mut State, text: &str) {
    let Some(Overlay::Bulk(bulk)) = &mut state.overlay else {
        return;
    };
    if bulk.stage() != Stage::Editing {
        return;
    }
    let room = MAX_TEXT.saturating_sub(bulk.text.len());
    // Terminals paste line ends as CR (or CR LF): they are lines of the list all the same.
    let clean: String = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            '\t' => ' ',
            c => c,
        })
        .filter(|c| *c == '\n' || !c.is_control())
        .take(room)
        .collect();
    bulk.text.push_str(&clean);
    bulk.error = None;
}

/// Enter on the list: read it, find its sockets in the browser's context, and plan.
fn plan_list(state: &mut State) {
    let Some(Overlay::Bulk(bulk)) = &state.overlay else {
        return;
    };
    let text = bulk.text.clone();
    let result = match (parse_destinations(&text), browser(state)) {
        (Err(e), _) => Err(e),
        (Ok(_), None) => Err("the browser is no longer open".into()),
        (Ok(list), Some(b)) => resolve::resolve(b, &list),
    };
    let Some(Overlay::Bulk(bulk)) = &mut state.overlay else {
        return;
    };
    match result {
        Ok((targets, from, not_found)) => {
            if targets.len() > MAX_SOCKETS {
                bulk.error = Some(format!(
                    "the list names {} sockets, more than {MAX_SOCKETS} at once",
                    targets.len()
                ));
                return;
            }
            bulk.planned = Some(Planned::new(plan(&targets), from, not_found));
        }
        Err(e) => bulk.error = Some(e),
    }
}

pub fn hints(bulk: &Bulk) -> Vec<Hint> {
    let hint = |keys: &str, action| Hint {
        keys: keys.into(),
        action,
    };
    match bulk.stage() {
        Stage::Editing => vec![
            hint("paste/type", "IP:PORT or IP"),
            hint("⏎", "plan"),
            hint("Ctrl-U", "clear"),
            hint("Esc", "close"),
        ],
        Stage::Planned => vec![
            hint("a", "allow them"),
            hint("d", "deny them"),
            hint(
                "Esc",
                if bulk.source == BulkSource::List {
                    "back"
                } else {
                    "close"
                },
            ),
        ],
        Stage::Confirm { .. } => vec![hint("y", "apply"), hint("n Esc", "back")],
    }
}
