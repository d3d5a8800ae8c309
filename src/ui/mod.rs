//! Drawing: a pure function of the state. Nothing here changes data or does IO, and every
//! string that came from the API passes through `text::sanitize` on its way to the screen.

pub mod fit;
mod overlays;
mod screens;
pub mod theme;

use overlays::{confirm, form, help, profiles, whois};
use screens::{browser, detail, list};

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{MIN_HEIGHT, MIN_WIDTH, Overlay, Screen, State, hints};
use crate::text::sanitize;
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
    match state.top() {
        Screen::Accelerators(pane) => list::render(frame, body, pane, "Accelerators".into()),
        Screen::Listeners(s) => list::render(
            frame,
            body,
            &s.pane,
            format!("Listeners of {}", sanitize(&s.accelerator.name)),
        ),
        Screen::EndpointGroups(s) => list::render(
            frame,
            body,
            &s.pane,
            format!(
                "Endpoint groups of listener {}",
                crate::app::rows::short_id(&s.listener.arn)
            ),
        ),
        Screen::AcceleratorInfo(s) => detail::accelerator(frame, body, s),
        Screen::ListenerInfo(s) => detail::listener(frame, body, s),
        Screen::GroupDetail(s) => detail::group(frame, body, s),
        Screen::Browser(b) => browser::render(frame, body, b),
    }
    render_status(state, frame, status);
    render_hints(state, frame, keys);
    match &state.overlay {
        Some(Overlay::Form(dialog)) => form::render(frame, area, dialog),
        Some(Overlay::Confirm(c)) => confirm::render(frame, area, c),
        Some(Overlay::Whois(l)) => whois::render(frame, area, l),
        Some(Overlay::Profiles(p)) => profiles::render(frame, area, p, &state.context.profile),
        Some(Overlay::Help { scroll }) => help::render(state, frame, area, *scroll),
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

/// A box of `width`×`height` cells in the middle of `area`, cut to fit it, cleared.
pub(crate) fn popup(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    use ratatui::layout::Flex;
    let [popup] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(ratatui::widgets::Clear, popup);
    popup
}

fn render_header(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let context = &state.context;
    let mut spans = vec![
        Span::raw(" portolan "),
        Span::raw("│ profile "),
        Span::raw(sanitize(&context.profile).into_owned()),
        Span::raw(" │ account "),
        Span::raw(context.account.clone().unwrap_or_else(|| "-".into())),
    ];
    if let Some(endpoint) = &context.endpoint {
        spans.push(Span::raw(" │ "));
        spans.push(Span::raw(sanitize(endpoint).into_owned()));
    }
    if state.read_only {
        spans.push(Span::raw(" │ "));
        spans.push(Span::styled(
            "READ-ONLY",
            t.header.add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.header), area);
}

fn render_crumbs(state: &State, frame: &mut Frame, area: Rect) {
    let crumbs: Vec<String> = state
        .screens
        .iter()
        .map(|s| sanitize(&s.crumb()).into_owned())
        .collect();
    let mut line = format!(" {}", crumbs.join(" › "));
    // Too long for the width: the end of the path matters most.
    let width = usize::from(area.width);
    let length = line.chars().count();
    if length > width && width > 2 {
        let tail: String = line.chars().skip(length - (width - 2)).collect();
        line = format!(" …{tail}");
    }
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

fn render_status(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let mut spans = vec![Span::raw(" ")];
    if state.busy() {
        let frame_no = state.now.duration_since(state.started).as_millis() / 100;
        let glyph = SPINNER[usize::try_from(frame_no).unwrap_or(0) % SPINNER.len()];
        spans.push(Span::styled(format!("{glyph} loading "), t.spinner));
    }
    if let Some(f) = &state.follow {
        let status = f.status.as_deref().unwrap_or("checking");
        spans.push(Span::styled(
            format!(
                "⟳ {} {} {} ",
                sanitize(&f.name),
                sanitize(status),
                age(state.now.duration_since(f.since))
            ),
            t.spinner,
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
        spans.push(Span::styled(
            format!(
                "⧗ indexing {} [{}{}] {} read (≤ {}) Esc stops ",
                sanitize(&i.name),
                "█".repeat(filled),
                "░".repeat(10 - filled),
                i.read,
                i.bound
            ),
            t.spinner,
        ));
    }
    match &state.live {
        Some(l) if l.paused => spans.push(Span::styled("⏸ paused ", t.muted)),
        Some(l) if l.throttled => spans.push(Span::styled(
            format!("● LIVE throttled: every {}s ", l.current.as_secs()),
            t.stale,
        )),
        Some(l) => spans.push(Span::styled(
            format!("● LIVE every {}s ", l.current.as_secs()),
            t.info,
        )),
        None => {}
    }
    let (loaded_at, stale) = state.top().freshness();
    match loaded_at {
        Some(at) if stale => spans.push(Span::styled(
            format!(
                "STALE: refresh failed, data from {} ago ",
                age(state.now.duration_since(at))
            ),
            t.stale,
        )),
        Some(at) => spans.push(Span::styled(
            format!("refreshed {} ago ", age(state.now.duration_since(at))),
            t.muted,
        )),
        None => {}
    }
    if let Some(message) = &state.message {
        let (mark, style) = if message.error {
            ("✗ ", t.error)
        } else {
            ("• ", t.info)
        };
        spans.push(Span::styled(
            format!("{mark}{}", sanitize(&message.text)),
            style,
        ));
        if message.error {
            spans.push(Span::styled(" (Esc dismisses)", t.muted));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_hints(state: &State, frame: &mut Frame, area: Rect) {
    let t = theme();
    let mut spans = vec![Span::raw(" ")];
    for binding in hints(state) {
        spans.push(Span::styled(binding.keys, t.key));
        spans.push(Span::raw(format!(" {}  ", binding.action)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
