//! The watch view: the pins' rows as a list pane (what changed reads `Δ` in its own column
//! and bold, so it shows without colour), the pin prompt over it, and the watch's part of the
//! status bar on every screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::columns::View;
use crate::app::keymap::Command;
use crate::app::screens::watch::{PinPrompt, WatchView};
use crate::app::watch::WatchItem;
use crate::app::{Screen, State};
use crate::text::sanitize;
use crate::ui::fit::{ColumnSpec, Kind, Part};
use crate::ui::screens::list::{self, Fit, input_spans};
use crate::ui::theme::theme;

impl Fit for WatchItem {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::whole("CHANGED", Kind::Word, 0),
        ColumnSpec::whole("PIN", Kind::Address, 0),
        ColumnSpec::whole("TRAFFIC", Kind::Word, 0),
        ColumnSpec::whole("DESTINATION", Kind::Address, 0),
        ColumnSpec::name("ACCELERATOR", 8, 24, 1),
        ColumnSpec::whole("ENABLED", Kind::Word, 2),
        ColumnSpec::whole("STATUS", Kind::Word, 2),
        ColumnSpec::whole("REGION", Kind::Id, 3),
        ColumnSpec::whole("SUBNET", Kind::Id, 3),
        ColumnSpec::whole("LISTENER", Kind::Id, 5),
        ColumnSpec::whole("GROUP", Kind::Id, 4),
        ColumnSpec::whole("VIA", Kind::Address, 5),
        ColumnSpec::name("CHANGE", 12, 48, 4),
    ];
    const VIEW: View = View::Watch;
}

/// What the frame calls the view: how often it reads, and why it waits longer or what
/// failed.
fn name(state: &State) -> String {
    let w = &state.watch;
    let pins = match w.pins.len() {
        1 => "1 pin".to_string(),
        n => format!("{n} pins"),
    };
    let every = w.interval().as_secs();
    let mut name = format!("Watch · {pins} · every {every}s");
    if w.backoff.backing_off() {
        name.push_str(&format!(
            " · AWS throttles: next in {}s",
            w.backoff.next().as_secs()
        ));
    }
    if w.failing.is_some() {
        name.push_str(" · a read failed (! log)");
    }
    name
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, view: &WatchView) {
    if view.list.visible_len() == 0 && !view.list.filter.is_active() && state.watch.pins.is_empty()
    {
        empty(frame, area, state);
    } else {
        list::render(frame, area, &view.list, name(state), &state.columns.choice);
    }
    if let Some(prompt) = &view.prompt {
        render_prompt(frame, area, prompt);
    }
}

/// Nothing pinned: how to pin.
fn empty(frame: &mut Frame, area: Rect, state: &State) {
    let t = theme();
    let key = |c| state.keymap.key(c);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(" Watch ─ nothing pinned ", t.title));
    let lines = vec![
        Line::raw(format!(
            "{} here pins a typed or pasted accelerator address IP:PORT, a destination IP, or a destination socket;",
            key(Command::Pin)
        )),
        Line::raw(format!(
            "{} in the mapping browser pins the selected row; Ctrl-P in the {} lookup pins its answer.",
            key(Command::Pin),
            key(Command::Whois)
        )),
        Line::raw(""),
        Line::styled(
            format!(
                "Pins are read every {}s on every screen; a change is marked Δ here, said in the status bar and the log.",
                state.watch.interval().as_secs()
            ),
            t.muted,
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}

fn render_prompt(frame: &mut Frame, area: Rect, prompt: &PinPrompt) {
    let t = theme();
    let height = if prompt.error.is_some() { 8 } else { 6 };
    let popup = crate::ui::popup(frame, area, 76, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(" Pin to watch ", t.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [field, help, error] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(inner);
    let mut spans = vec![Span::styled("Pin ", t.field)];
    spans.extend(input_spans(frame, field, 4, &prompt.input, true));
    frame.render_widget(Paragraph::new(Line::from(spans)), field);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "IP:PORT of an accelerator, a destination IP, or GROUP_ARN/SUBNET/IP:PORT; several: spaces or a pasted list",
            t.muted,
        ))
        .wrap(Wrap { trim: true }),
        help,
    );
    if let Some(e) = &prompt.error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("✗ {}", sanitize(e)), t.error))
                .wrap(Wrap { trim: true }),
            error,
        );
    }
}

/// The watch's part of the status bar, on every screen: changes not yet seen in the view
/// (bold, with `Δ`, until it is opened), else how many pins are read, and throttling.
pub fn status(state: &State) -> Vec<Part<Style>> {
    let t = theme();
    let w = &state.watch;
    let mut parts = Vec::new();
    if w.pins.is_empty() {
        return parts;
    }
    let on_top = matches!(state.top(), Screen::Watch(_));
    if w.unseen > 0 && !on_top {
        let s = if w.unseen == 1 { "" } else { "s" };
        parts.push(Part::whole(
            format!(
                "Δ {} watch change{s} ({}) ",
                w.unseen,
                state.keymap.key(Command::WatchView)
            ),
            t.stale.add_modifier(Modifier::BOLD),
            0,
        ));
    } else if !on_top {
        parts.push(Part::whole(
            format!("◉ watching {} ", w.pins.len()),
            t.muted,
            3,
        ));
    }
    if w.backoff.backing_off() {
        parts.push(Part::whole(
            format!(
                "◉ watch throttled: next in {}s ",
                w.backoff.next().as_secs()
            ),
            t.stale,
            1,
        ));
    }
    parts
}
