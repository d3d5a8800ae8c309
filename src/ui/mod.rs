//! Drawing: a pure function of the state. Nothing here changes data or does IO, and every
//! string that came from the API passes through `text::sanitize` on its way to the screen.

pub mod fit;
mod overlays;
mod screens;
pub mod theme;

use overlays::{
    bulk, columns, confirm, export, form, help, messages, profiles, subnet_picker, undo, whois,
};
use screens::{browser, detail, list};

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{MIN_HEIGHT, MIN_WIDTH, Overlay, Screen, State, hints};
use crate::text::sanitize;
use fit::Part;
use theme::theme;

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(state: &State, frame: &mut Frame) {
    theme::use_theme(state.theme);
    let area = frame.area();
    if state.too_small() {
        too_small(frame, area);
        return;
    }
    let [header, crumbs, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(state, frame, header);
    render_crumbs(state, frame, crumbs);
    let choice = &state.columns.choice;
    match state.top() {
        Screen::Accelerators(pane) => {
            list::render(frame, body, pane, "Accelerators".into(), choice);
        }
        Screen::Listeners(s) => list::render(
            frame,
            body,
            &s.pane,
            format!("Listeners of {}", sanitize(&s.accelerator.name)),
            choice,
        ),
        Screen::EndpointGroups(s) => list::render(
            frame,
            body,
            &s.pane,
            format!(
                "Endpoint groups of listener {}",
                crate::app::rows::short_id(&s.listener.arn)
            ),
            choice,
        ),
        Screen::AcceleratorInfo(s) => detail::accelerator(frame, body, s),
        Screen::ListenerInfo(s) => detail::listener(frame, body, s),
        Screen::GroupDetail(s) => detail::group(frame, body, s, choice),
        Screen::Browser(b) => browser::render(frame, body, b, choice, &state.join),
        Screen::Watch(v) => screens::watch::render(frame, body, state, v),
        Screen::Audit(v) => screens::audit::render(frame, body, state, v),
    }
    render_status(state, frame, status);
    render_hints(state, frame, keys);
    match &state.overlay {
        Some(Overlay::Form(dialog)) => match dialog.picker() {
            Some(p) => {
                let known = state.join.region_subnets(&p.region);
                subnet_picker::render(frame, area, dialog, p, known);
            }
            None => form::render(frame, area, dialog),
        },
        Some(Overlay::Confirm(c)) => confirm::render(frame, area, c),
        Some(Overlay::Whois(l)) => whois::render(frame, area, l, &state.join),
        Some(Overlay::Profiles(p)) => profiles::render(frame, area, p, &state.context.profile),
        Some(Overlay::Export(e)) => export::render(frame, area, e),
        Some(Overlay::Help { scroll }) => help::render(state, frame, area, *scroll),
        Some(Overlay::Messages { scroll }) => messages::render(state, frame, area, *scroll),
        Some(Overlay::Columns(c)) => columns::render(frame, area, c, choice),
        Some(Overlay::Undo(u)) => undo::render(frame, area, u),
        Some(Overlay::Bulk(b)) => bulk::render(frame, area, b),
        None => {}
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Terminal too small").style(theme().error),
        Line::from(format!("{}×{} now", area.width, area.height)),
        Line::from(format!("Enlarge it to at least {MIN_WIDTH}×{MIN_HEIGHT}.")),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let [_, middle] = Layout::vertical([Constraint::Length(top), Constraint::Min(0)]).areas(area);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        middle,
    );
}

/// A box of `width`×`height` cells in the middle of `area`, cut to fit it, cleared with a
/// blank row above and below and nothing beside it: what shows beside a box is fragments of
/// what is under it (`┐c│`, the `5` of a port). A box that would leave only a sliver of the
/// screen beside it takes the whole width (or height).
pub(crate) fn popup(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let width = popup_width(area, width);
    let height = if area.height.saturating_sub(height) / 2 < 1 {
        area.height
    } else {
        height
    };
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let top = popup.y.saturating_sub(1).max(area.y);
    let ring = Rect {
        x: area.x,
        y: top,
        width: area.width,
        height: (popup.bottom() + 1).min(area.bottom()) - top,
    };
    frame.render_widget(ratatui::widgets::Clear, ring);
    popup
}

/// The width `popup` gives a box asked to be `width` wide in `area`.
pub(crate) fn popup_width(area: Rect, width: u16) -> u16 {
    const SLIVER: u16 = 3;
    if area.width.saturating_sub(width) / 2 < SLIVER {
        area.width
    } else {
        width.min(area.width)
    }
}

/// What EC2 refused, in few words for the header (the message log has the sentence).
pub fn chrome_ec2(problem: &str) -> String {
    let short = match problem.strip_prefix("EC2 permissions missing: ") {
        Some(missing) => format!("EC2: no {missing}"),
        None => problem.to_string(),
    };
    sanitize(&short).into_owned()
}

fn render_header(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let context = &state.context;
    let plain = Style::new();
    let mut parts = vec![
        Part::whole(" portolan ", plain, 0),
        Part::whole("│ profile ", plain, 0),
        Part::name(sanitize(&context.profile).into_owned(), plain, 0),
        Part::whole(
            format!(
                " │ account {}",
                context.account.clone().unwrap_or_else(|| "-".into())
            ),
            plain,
            0,
        ),
    ];
    if let Some(endpoint) = &context.endpoint {
        parts.push(Part::whole(" │ ", plain, 2));
        parts.push(Part::name(sanitize(endpoint).into_owned(), plain, 2));
    }
    if let Some(problem) = &state.join.problem {
        parts.push(Part::whole(
            format!(" │ {}", crate::ui::chrome_ec2(problem)),
            t.header.add_modifier(Modifier::BOLD),
            1,
        ));
    }
    if state.read_only {
        parts.push(Part::whole(
            " │ READ-ONLY",
            t.header.add_modifier(Modifier::BOLD),
            0,
        ));
    }
    let line = screens::list::spans(&parts, area.width);
    frame.render_widget(Paragraph::new(line).style(t.header), area);
}

/// The path of screens; too long for the width, the first ones make way (the end of the
/// path matters most), each whole or replaced by `…`.
fn render_crumbs(state: &State, frame: &mut Frame, area: Rect) {
    let crumbs: Vec<String> = state
        .screens
        .iter()
        .map(|s| sanitize(&s.crumb()).into_owned())
        .collect();
    let width = usize::from(area.width.saturating_sub(1));
    let mut skip = 0;
    let mut line = crumbs.join(" › ");
    while fit::width(&line) > width && skip + 1 < crumbs.len() {
        skip += 1;
        line = format!("… › {}", crumbs[skip..].join(" › "));
    }
    let line = format!(" {}", fit::cut_words(&line, width));
    frame.render_widget(Paragraph::new(line).style(theme().crumbs), area);
}

pub fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{}m", s / 3600, (s % 3600) / 60),
    }
}

/// The status bar: what is going on, then the last message. Every part is whole or left out;
/// a message too long for what is left is cut between words, ends in `…` and says that the
/// log holds the rest, so no number in it is ever cut.
fn render_status(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let mut parts: Vec<Part<Style>> = Vec::new();
    if state.busy() {
        let frame_no = state.now.duration_since(state.started).as_millis() / 100;
        let glyph = SPINNER[usize::try_from(frame_no).unwrap_or(0) % SPINNER.len()];
        parts.push(Part::whole(format!("{glyph} loading "), t.spinner, 0));
    }
    if let Some(change) = bulk::status(state) {
        parts.push(Part::whole(change, t.spinner, 0));
    }
    if let Some(f) = &state.follow {
        let status = f.status.as_deref().unwrap_or("checking");
        parts.push(Part::whole(
            format!(
                "⟳ {} {} {} ",
                sanitize(&f.name),
                sanitize(status),
                age(state.now.duration_since(f.since))
            ),
            t.spinner,
            1,
        ));
    }
    if let Some(i) = &state.indexing {
        let filled = usize::try_from(
            (i.read as u64 * 10)
                .checked_div(i.bound)
                .unwrap_or(0)
                .min(10),
        )
        .unwrap_or(0);
        parts.push(Part::whole(
            format!(
                "⧗ indexing {} [{}{}] {} read (≤ {}) Esc stops ",
                sanitize(&i.name),
                "█".repeat(filled),
                "░".repeat(10 - filled),
                i.read,
                i.bound
            ),
            t.spinner,
            1,
        ));
    }
    match &state.live {
        Some(l) if l.paused => parts.push(Part::whole("⏸ paused ", t.muted, 2)),
        Some(_) if let Some(why) = crate::app::live::waiting(state) => {
            parts.push(Part::whole(format!("⏸ LIVE (waiting: {why}) "), t.stale, 1))
        }
        Some(l) if l.throttled => parts.push(Part::whole(
            format!("● LIVE throttled: every {}s ", l.current.as_secs()),
            t.stale,
            0,
        )),
        Some(l) => parts.push(Part::whole(
            format!("● LIVE every {}s ", l.current.as_secs()),
            t.info,
            1,
        )),
        None => {}
    }
    parts.extend(screens::audit::status(state));
    parts.extend(screens::watch::status(state));
    let (loaded_at, stale) = state.top().freshness();
    match loaded_at {
        Some(at) if stale => parts.push(Part::whole(
            format!(
                "STALE: refresh failed, data from {} ago ",
                age(state.now.duration_since(at))
            ),
            t.stale,
            0,
        )),
        Some(at) => parts.push(Part::whole(
            format!("refreshed {} ago ", age(state.now.duration_since(at))),
            t.muted,
            3,
        )),
        None => {}
    }
    let budget = area.width.saturating_sub(1);
    let message = state.message.as_ref().map(|m| {
        let (mark, style) = if m.error {
            ("✗ ", t.error)
        } else {
            ("• ", t.info)
        };
        (mark, style, sanitize(&m.text).into_owned(), m.error)
    });
    let dismiss = " (Esc dismisses)";
    let whole = |(mark, _, text, error): &(&str, Style, String, bool)| {
        fit::width(mark) + fit::width(text) + if *error { fit::width(dismiss) } else { 0 }
    };
    let reserve = message.as_ref().map_or(0, |m| {
        u16::try_from(whole(m))
            .unwrap_or(u16::MAX)
            .min((budget / 2).max(24))
    });
    let mut spans = vec![Span::raw(" ")];
    let mut used = 0;
    for (text, style) in fit::line(&parts, budget.saturating_sub(reserve)) {
        used += fit::width(&text);
        spans.push(Span::styled(text, style));
    }
    if let Some(m) = &message {
        let room = usize::from(budget).saturating_sub(used);
        let (mark, style, text, error) = m;
        spans.push(Span::styled(*mark, *style));
        if whole(m) <= room {
            spans.push(Span::styled(text.clone(), *style));
            if *error {
                spans.push(Span::styled(dismiss, t.muted));
            }
        } else {
            let log = state.keymap.key(crate::app::keymap::Command::Messages);
            let note = format!(" ({log} log)");
            let text_room = room.saturating_sub(fit::width(mark) + fit::width(&note));
            spans.push(Span::styled(fit::cut_words(text, text_room.max(1)), *style));
            spans.push(Span::styled(note, t.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The key hints: each whole, the last ones left out when the line is full — but the help
/// key, where it is offered, always stays: it is how the rest are found.
fn render_hints(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let mut bindings = hints(state);
    let help = bindings
        .last()
        .is_some_and(|h| h.action == "help")
        .then(|| bindings.pop())
        .flatten();
    let needed = |h: &crate::app::Hint| fit::width(&h.keys) + fit::width(h.action) + 1;
    let mut spans = vec![Span::raw(" ")];
    let mut room = usize::from(area.width.saturating_sub(1));
    if let Some(h) = &help {
        room = room.saturating_sub(needed(h) + 2);
    }
    for binding in bindings.into_iter().chain(help.clone()) {
        let is_help = help.as_ref().is_some_and(|h| h.keys == binding.keys);
        if !is_help {
            if needed(&binding) > room {
                // What follows is dropped, but the help key still closes the line.
                room = 0;
                continue;
            }
            room = room.saturating_sub(needed(&binding) + 2);
        }
        spans.push(Span::styled(binding.keys.clone(), t.key));
        spans.push(Span::raw(format!(" {}  ", binding.action)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
