//! The audit view (`Ctrl-A`): the ALLOW audit of the whole account — addresses whose traffic is
//! allowed while no network interface holds them, subnets denying every mapping while
//! instances run in them, instances whose ports are denied — one row per finding, each with
//! what to do. `D` / `A` on a row make its fix through the same confirmation and journal as
//! the browser's; `r` runs the audit again. The audit itself (every mapping from Global
//! Accelerator, the interfaces and instances from EC2) is an effect the loop runs in a task.

mod rows;

pub use rows::AuditRow;

use std::time::Instant;

use crossterm::event::KeyEvent;

use crate::app::keymap::Command;
use crate::app::list::ListPane;
use crate::app::overlays::confirm::{self, Mutation};
use crate::app::{Effect, Hint, RequestId, Screen, State};
use crate::model::audit::{Checked, Finding, Kind};

/// What the view says when the join with EC2 is off: the audit has nothing to compare.
pub const NEEDS_EC2: &str = "the audit needs EC2, which this session does not use (--no-ec2, or ec2 = false in the config): it compares what Global Accelerator allows with the network interfaces and instances EC2 lists";

/// Rows the detail of the selected finding takes under the table.
pub const DETAIL_ROWS: u16 = 2;

/// What an audit found and what it looked at (the runner's `audit::Report`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub findings: Vec<Finding>,
    pub checked: Checked,
}

/// Why an audit ended without findings to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFailure {
    pub message: String,
    /// The IAM permission EC2 refused (`ec2:DescribeNetworkInterfaces`), if that was why.
    pub permission: Option<String>,
}

/// How far a running audit has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuditProgress {
    pub mappings: usize,
    pub chains_done: usize,
    pub chains: usize,
    /// Every mapping is read; EC2 is being asked.
    pub asking_ec2: bool,
}

/// Where the audit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// The join with EC2 is off: nothing is asked.
    NeedsEc2,
    Running {
        id: RequestId,
        progress: AuditProgress,
    },
    Failed(AuditFailure),
    /// Stopped before it ended.
    Stopped,
    Done,
}

#[derive(Debug, Clone)]
pub struct AuditView {
    pub list: ListPane<AuditRow>,
    pub run: Run,
    /// What the last audit that ended looked at.
    pub checked: Option<Checked>,
}

impl AuditView {
    fn new(run: Run) -> Self {
        Self {
            list: ListPane::default(),
            run,
            checked: None,
        }
    }

    /// The audit in flight.
    pub fn running(&self) -> Option<RequestId> {
        match self.run {
            Run::Running { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Forgets the audit in flight, returning its id so the loop can stop it.
    pub fn cancel(&mut self) -> Option<RequestId> {
        let id = self.running()?;
        self.run = Run::Stopped;
        Some(id)
    }

    /// Findings of each kind among the rows, most serious first.
    pub fn counts(&self) -> [(Kind, usize); 3] {
        let count = |kind| {
            self.list
                .rows()
                .iter()
                .filter(|r| r.finding.kind() == kind)
                .count()
        };
        [Kind::Exposed, Kind::DenyingSubnet, Kind::DeniedPorts].map(|k| (k, count(k)))
    }
}

/// Rows above the table at `width` columns: the summary, then the note on ALLOW (two rows
/// when it does not fit on one).
pub fn above_rows(width: u16) -> u16 {
    let note = u16::try_from(crate::model::audit::NOTE.len()).unwrap_or(u16::MAX);
    1 + if width > note { 1 } else { 2 }
}

/// Rows the view takes besides its table's frame.
pub fn extra_rows(width: u16) -> u16 {
    above_rows(width) + DETAIL_ROWS
}

fn view_mut(state: &mut State) -> Option<&mut AuditView> {
    match state.top_mut() {
        Screen::Audit(v) => Some(v),
        _ => None,
    }
}

/// The view (anywhere in the stack) waiting for audit `id`.
fn waiting(state: &mut State, id: RequestId) -> Option<&mut AuditView> {
    state.screens.iter_mut().find_map(|s| match s {
        Screen::Audit(v) if v.running() == Some(id) => Some(&mut **v),
        _ => None,
    })
}

/// `Ctrl-A`: the audit view, run at once (back to it, as it was, when it is open under other
/// screens).
pub fn open(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(at) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Audit(_)))
    {
        while state.screens.len() > at + 1 {
            effects.extend(state.pop());
        }
        return effects;
    }
    effects.extend(state.push(Screen::Audit(Box::new(AuditView::new(Run::Stopped)))));
    effects.extend(start(state));
    effects
}

/// Runs the audit of the view on top (again), stopping one still running.
fn start(state: &mut State) -> Vec<Effect> {
    if !state.join.enabled {
        if let Some(v) = view_mut(state) {
            v.run = Run::NeedsEc2;
        }
        state.info("the audit needs EC2: this session runs without it (--no-ec2, ec2 = false)");
        return Vec::new();
    }
    let id = state.request_id();
    let Some(v) = view_mut(state) else {
        return Vec::new();
    };
    let mut effects: Vec<Effect> = v.cancel().map(Effect::Cancel).into_iter().collect();
    v.run = Run::Running {
        id,
        progress: AuditProgress::default(),
    };
    effects.push(Effect::Audit { id });
    effects
}

/// The runner read further.
pub fn progress(state: &mut State, id: RequestId, p: AuditProgress) {
    if let Some(v) = waiting(state, id) {
        v.run = Run::Running { id, progress: p };
        state.dirty = true;
    }
}

/// The audit ended: its findings become the rows (the cursor stays on its finding), or why
/// it could not run is said.
pub fn answered(state: &mut State, id: RequestId, result: Result<AuditReport, AuditFailure>) {
    let now = state.now;
    if waiting(state, id).is_none() {
        return;
    }
    state.dirty = true;
    let Some(v) = waiting(state, id) else {
        return;
    };
    match result {
        Ok(report) => {
            let rows: Vec<AuditRow> = report.findings.into_iter().map(AuditRow::new).collect();
            v.list.replace_rows(rows, now);
            v.checked = Some(report.checked);
            v.run = Run::Done;
            let found = found_words(&v.counts());
            state.info(format!("audit: {found}"));
        }
        Err(failure) => {
            let message = match &failure.permission {
                Some(p) => format!("audit stopped: EC2 refused {p}"),
                None => format!("the audit stopped: {}", failure.message),
            };
            v.run = Run::Failed(failure);
            state.error(message);
        }
    }
}

/// `8 exposed, 2 denying subnets, 3 with denied ports`, or `nothing found`.
pub fn found_words(counts: &[(Kind, usize); 3]) -> String {
    let words = |kind: Kind, n: usize| match (kind, n) {
        (Kind::Exposed, n) => format!("{n} exposed"),
        (Kind::DenyingSubnet, 1) => "1 denying subnet".into(),
        (Kind::DenyingSubnet, n) => format!("{n} denying subnets"),
        (Kind::DeniedPorts, n) => format!("{n} with denied ports"),
    };
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(kind, n)| words(kind, n))
        .collect();
    if parts.is_empty() {
        "nothing found".into()
    } else {
        parts.join(", ")
    }
}

/// Handles `key` when the audit view is on top and the key is its own; `None` leaves it to
/// the keys every list shares (Esc there goes back and stops a running audit).
pub fn handle(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    let command = state.keymap.command(&key);
    let v = view_mut(state)?;
    if v.list.filter.editing {
        return None;
    }
    match command? {
        Command::Deny => return Some(fix(state, false)),
        Command::Allow => return Some(fix(state, true)),
        Command::Refresh => return Some(start(state)),
        Command::Open => whole(state),
        Command::Live => {
            state.info("the audit reads every mapping of the account: r runs it again");
        }
        Command::Audit => state.dirty = false,
        _ => return None,
    }
    Some(Vec::new())
}

/// `D` / `A`: the selected finding's fix, confirmed first, when the key is the fix's.
fn fix(state: &mut State, allow: bool) -> Vec<Effect> {
    let Some(row) = view_mut(state).and_then(|v| v.list.selected().cloned()) else {
        state.info("nothing to fix: no finding is selected");
        return Vec::new();
    };
    let pressed = state
        .keymap
        .key(if allow { Command::Allow } else { Command::Deny });
    if row.finding.fix.allows() != allow {
        let right = state
            .keymap
            .key(if allow { Command::Deny } else { Command::Allow });
        state.info(format!(
            "{pressed} does not fix this: {} is fixed by {}ing ({right})",
            kind_phrase(row.finding.kind()),
            row.verb()
        ));
        return Vec::new();
    }
    if row.done {
        let done = if allow { "allowed" } else { "denied" };
        state.info(format!(
            "already {done} here: r runs the audit again to see what is left"
        ));
        return Vec::new();
    }
    confirm::open(
        state,
        vec![Mutation::Traffic {
            allow,
            change: row.finding.fix.change().clone(),
        }],
    )
}

fn kind_phrase(kind: Kind) -> &'static str {
    match kind {
        Kind::Exposed => "an exposed address",
        Kind::DenyingSubnet => "a denying subnet",
        Kind::DeniedPorts => "an instance with denied ports",
    }
}

/// Enter: the selected finding in full, in the status bar and the log.
fn whole(state: &mut State) {
    let Some(row) = view_mut(state).and_then(|v| v.list.selected().cloned()) else {
        state.dirty = false;
        return;
    };
    let f = &row.finding;
    let what = match f.address() {
        Some(a) => format!("{a} in {}", f.subnet),
        None => f.subnet.clone(),
    };
    state.info(format!(
        "{} {what} ({}, {}): {} · fix: {}",
        f.kind(),
        f.accelerator.name,
        f.region,
        row.what_to_do(),
        row.fix_words()
    ));
}

/// A confirmed change was applied: the findings it fixes are marked done.
pub fn fixed(state: &mut State, mutation: &Mutation) {
    let Mutation::Traffic { allow, change } = mutation else {
        return;
    };
    let now: Instant = state.now;
    for screen in &mut state.screens {
        let Screen::Audit(v) = screen else { continue };
        let fixes =
            |r: &AuditRow| r.finding.fix.allows() == *allow && r.finding.fix.change() == change;
        let ids: Vec<String> = v
            .list
            .rows()
            .iter()
            .filter(|r| fixes(r))
            .map(|r| r.id.clone())
            .collect();
        if ids.is_empty() {
            continue;
        }
        v.list.edit(|rows| {
            for r in rows.iter_mut().filter(|r| fixes(r)) {
                r.done = true;
            }
        });
        for id in ids {
            v.list.changed.insert(id, now);
        }
    }
}

/// The hint bar of the audit view: only the fix of the selected finding is offered.
pub fn hints(state: &State, view: &AuditView) -> Vec<Hint> {
    let key = |c| state.keymap.key(c);
    let hint = |keys: String, action: &'static str| Hint { keys, action };
    let mut hints = Vec::new();
    if let Some(row) = view.list.selected()
        && !row.done
        && !state.read_only
    {
        hints.push(if row.finding.fix.allows() {
            hint(key(Command::Allow), "allow (fix)")
        } else {
            hint(key(Command::Deny), "deny (fix)")
        });
    }
    let rerun = if view.running().is_some() {
        "restart"
    } else {
        "re-run"
    };
    if !matches!(view.run, Run::NeedsEc2) {
        hints.push(hint(key(Command::Refresh), rerun));
    }
    if !view.list.rows().is_empty() {
        hints.push(hint(key(Command::Open), "whole"));
        hints.push(hint(key(Command::Filter), "filter"));
        hints.push(hint(key(Command::Sort), "sort"));
    }
    if !state.read_only && state.changes.last().is_some() {
        hints.push(hint(key(Command::Undo), "undo"));
    }
    let back = if view.running().is_some() {
        "stop"
    } else {
        "back"
    };
    hints.push(hint(key(Command::Back), back));
    hints.push(hint(key(Command::Help), "help"));
    hints
}

#[cfg(test)]
mod tests;
