//! The audit view: a summary of what was found and looked at, the note that ALLOW is only
//! Global Accelerator's setting, the findings as a list pane, and the selected finding in
//! full under it. Its part of the status bar says what a running audit reads, on any screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::columns::View;
use crate::app::keymap::Command;
use crate::app::screens::audit::{
    AuditProgress, AuditRow, AuditView, DETAIL_ROWS, NEEDS_EC2, Run, above_rows, found_words,
};
use crate::app::{Screen, State};
use crate::model::audit::{Checked, NOTE, Problem};
use crate::text::sanitize;
use crate::ui::fit::{ColumnSpec, Kind, Part};
use crate::ui::screens::list::{self, Fit};
use crate::ui::theme::theme;

impl Fit for AuditRow {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::whole("KIND", Kind::Word, 0),
        ColumnSpec::name("ACCELERATOR", 8, 20, 1),
        ColumnSpec::whole("REGION", Kind::Id, 5),
        ColumnSpec::whole("SUBNET", Kind::Id, 3),
        ColumnSpec::whole("ADDRESS", Kind::Address, 0),
        ColumnSpec::name("INSTANCE", 8, 24, 3),
        ColumnSpec::whole("INSTANCE ID", Kind::Id, 5),
        ColumnSpec::whole("STATE", Kind::Word, 3),
        ColumnSpec::whole("PORTS", Kind::Number, 3),
        ColumnSpec::name("WHAT TO DO", 12, 28, 2),
        ColumnSpec::whole("GROUP", Kind::Id, 6),
        ColumnSpec::whole("INTERFACE", Kind::Id, 6),
        ColumnSpec::whole("FIX", Kind::Word, 7),
    ];
    const VIEW: View = View::Audit;
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &AuditView) {
    let [above, table, detail] = Layout::vertical([
        Constraint::Length(above_rows(area.width)),
        Constraint::Min(0),
        Constraint::Length(DETAIL_ROWS),
    ])
    .areas(area);
    render_above(frame, above, view);
    if view.list.rows().is_empty() {
        render_empty(frame, table, state, view);
    } else {
        let name = match view.run {
            Run::Running { .. } => "Audit (re-running)",
            _ => "Audit",
        };
        list::render(frame, table, &view.list, name.into(), &state.columns.choice);
    }
    if let Some(row) = view.list.selected() {
        render_detail(frame, detail, state, row);
    }
}

fn plural(n: impl std::fmt::Display + PartialEq + From<u8>, one: &str, many: &str) -> String {
    let word = if n == 1.into() { one } else { many };
    format!("{n} {word}")
}

/// What was looked at, each count a part of its own (the least telling go first).
fn checked_parts(c: &Checked) -> Vec<Part<Style>> {
    let plain = Style::new();
    vec![
        Part::whole(
            format!(
                " in {}",
                plural(c.accelerators, "accelerator", "accelerators")
            ),
            plain,
            1,
        ),
        Part::whole(
            format!(
                " · {}",
                plural(c.groups, "endpoint group", "endpoint groups")
            ),
            plain,
            3,
        ),
        Part::whole(
            format!(" · {}", plural(c.subnets, "subnet", "subnets")),
            plain,
            2,
        ),
        Part::whole(
            format!(" · {}", plural(c.destinations, "address", "addresses")),
            plain,
            4,
        ),
        Part::whole(
            format!(" · {}", plural(c.instances, "instance", "instances")),
            plain,
            2,
        ),
        Part::whole(
            format!(" · {}", plural(c.mappings, "mapping", "mappings")),
            plain,
            1,
        ),
    ]
}

fn progress_words(p: &AuditProgress) -> String {
    if p.asking_ec2 {
        format!(
            "all {} read · asking EC2 what holds each address",
            plural(p.mappings, "mapping", "mappings")
        )
    } else if p.chains == 0 {
        "reading the accelerators and their endpoint groups".into()
    } else {
        format!(
            "{} read ({} of {} listings)",
            plural(p.mappings, "mapping", "mappings"),
            p.chains_done,
            p.chains
        )
    }
}

/// The summary line and the note on ALLOW.
fn render_above(frame: &mut Frame, area: Rect, view: &AuditView) {
    let t = theme();
    let bold = t.title.add_modifier(Modifier::BOLD);
    let mut parts = Vec::new();
    if let Run::Running { progress, .. } = &view.run {
        let again = if view.checked.is_some() {
            "re-running: "
        } else {
            "auditing: "
        };
        parts.push(Part::whole(
            format!("⧗ {again}{} ", progress_words(progress)),
            t.spinner,
            0,
        ));
    }
    match (&view.run, &view.checked) {
        (Run::NeedsEc2, _) => parts.push(Part::whole("the audit needs EC2", t.error, 0)),
        (Run::Failed(_), _) => parts.push(Part::whole(
            "✗ the audit stopped (r runs it again)",
            t.error,
            0,
        )),
        (Run::Stopped, None) => {
            parts.push(Part::whole("the audit was stopped (r runs it)", t.muted, 0))
        }
        (Run::Running { .. }, Some(_)) => parts.push(Part::whole(
            format!("· last run: {}", found_words(&view.counts())),
            t.muted,
            1,
        )),
        (_, Some(checked)) => {
            parts.push(Part::whole(found_words(&view.counts()), bold, 0));
            parts.extend(checked_parts(checked));
        }
        (_, None) => {}
    }
    // One column of margin, as the chrome's lines have.
    let area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(1),
        ..area
    };
    let [summary, note] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(list::spans(&parts, summary.width)), summary);
    frame.render_widget(
        Paragraph::new(Line::styled(NOTE, t.muted)).wrap(Wrap { trim: true }),
        note,
    );
}

/// No finding to list: the audit is on its way, cannot run, or found nothing.
fn render_empty(frame: &mut Frame, area: Rect, state: &State, view: &AuditView) {
    let t = theme();
    let key = |c| state.keymap.key(c);
    let (title, lines): (&str, Vec<Line>) = match &view.run {
        Run::Running { progress, .. } => (
            " Audit ─ running ",
            vec![
                Line::raw(
                    "Reading every mapping of every accelerator from Global Accelerator, then asking EC2 which network interface and instance holds each address.",
                ),
                Line::raw(""),
                Line::styled(format!("⧗ {}", progress_words(progress)), t.spinner),
                Line::styled(format!("{} stops it.", key(Command::Back)), t.muted),
            ],
        ),
        Run::NeedsEc2 => {
            let mut lines = vec![Line::styled(NEEDS_EC2, t.error)];
            if let Some(problem) = &state.join.problem {
                lines.push(Line::raw(""));
                lines.push(Line::raw(format!(
                    "EC2 could not be set up: {}",
                    sanitize(problem)
                )));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Nothing was asked. Start portolan without --no-ec2 (and with ec2 = true, the default) to audit.",
                t.muted,
            ));
            (" Audit ─ needs EC2 ", lines)
        }
        Run::Failed(f) => {
            let mut lines = vec![Line::styled(format!("✗ {}", sanitize(&f.message)), t.error)];
            if let Some(p) = &f.permission {
                lines.push(Line::raw(""));
                lines.push(Line::raw(format!(
                    "Missing: {}. Grant it to this profile's IAM identity (the audit reads with ec2:DescribeNetworkInterfaces and ec2:DescribeInstances), then {} runs it again.",
                    sanitize(p),
                    key(Command::Refresh)
                )));
            } else {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!("{} runs it again.", key(Command::Refresh)),
                    t.muted,
                ));
            }
            (" Audit ─ failed ", lines)
        }
        Run::Stopped => (
            " Audit ─ stopped ",
            vec![Line::raw(format!(
                "The audit was stopped before it ended: {} runs it again.",
                key(Command::Refresh)
            ))],
        ),
        Run::Done => (
            " Audit ─ nothing found ",
            vec![Line::raw(
                "Every allowed address is held by a network interface, no subnet denies the instances running in it, and no live instance has a denied port.",
            )],
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(title, t.title));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}

/// The selected finding whole: where it is, then what to do and the call that does it.
fn render_detail(frame: &mut Frame, area: Rect, state: &State, row: &AuditRow) {
    let t = theme();
    let f = &row.finding;
    let plain = Style::new();
    let mut place = vec![Part::whole(format!("▸ {}", f.kind()), t.title, 0)];
    if let Some(a) = f.address() {
        place.push(Part::whole(format!(" {a}"), t.title, 0));
    }
    place.push(Part::whole(format!(" in {}", f.subnet), plain, 1));
    place.push(Part::name(
        format!(" · {}", sanitize(&f.accelerator.name)),
        plain,
        1,
    ));
    place.push(Part::whole(format!(" · {}", f.region), plain, 3));
    match &f.problem {
        Problem::DeniedPorts {
            instance,
            interface_id,
            ..
        } => {
            // The name first: it is what people know the server by.
            if let Some(name) = instance.name.as_deref().map(sanitize) {
                let name = crate::ui::fit::cut(&name, 28);
                place.push(Part::whole(format!(" · {name}"), plain, 2));
            }
            place.push(Part::whole(
                format!(" ({}) {}", sanitize(&instance.id), instance.state),
                plain,
                2,
            ));
            place.push(Part::whole(
                format!(" via {}", sanitize(interface_id)),
                plain,
                5,
            ));
        }
        Problem::DenyingSubnet {
            instances,
            addresses,
        } => {
            place.push(Part::whole(
                format!(
                    " · {}",
                    plural(instances.len(), "live instance", "live instances")
                ),
                plain,
                2,
            ));
            place.push(Part::whole(
                format!(" holding {}", plural(*addresses, "address", "addresses")),
                plain,
                4,
            ));
        }
        Problem::Exposed { .. } => {}
    }
    place.push(Part::whole(
        format!(" · ports {}", row.ports_cell()),
        plain,
        3,
    ));
    let width = area.width.saturating_sub(1);
    let first = list::spans(&place, width);
    let key = state.keymap.key(if f.fix.allows() {
        Command::Allow
    } else {
        Command::Deny
    });
    let todo = vec![
        Part::name(format!("→ {}", row.what_to_do()), t.field, 0),
        Part::whole(
            if row.done {
                format!(" · made: {}", sanitize(&row.fix_words()))
            } else {
                format!(" · {key}: {}", sanitize(&row.fix_words()))
            },
            t.muted,
            1,
        ),
    ];
    let second = list::spans(&todo, width);
    let lead = |line: Line<'static>| {
        Line::from(
            std::iter::once(Span::raw(" "))
                .chain(line.spans)
                .collect::<Vec<_>>(),
        )
    };
    frame.render_widget(Paragraph::new(vec![lead(first), lead(second)]), area);
}

/// The audit's part of the status bar, on every screen while one runs.
pub fn status(state: &State) -> Vec<Part<Style>> {
    let t = theme();
    state
        .screens
        .iter()
        .filter_map(|s| match s {
            Screen::Audit(v) => match &v.run {
                Run::Running { progress, .. } => Some(Part::whole(
                    format!("⧗ audit: {} ", short_progress(progress)),
                    t.spinner,
                    1,
                )),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn short_progress(p: &AuditProgress) -> String {
    if p.asking_ec2 {
        "asking EC2".into()
    } else {
        format!("{} mappings read", p.mappings)
    }
}
