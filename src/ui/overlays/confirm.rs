//! The confirmation of a change: what exactly will change, the scope choices for traffic,
//! and the answer once sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::overlays::confirm::{Confirm, Mutation};
use crate::model::TrafficScope;
use crate::text::sanitize;
use crate::ui::theme::theme;

fn scope_name(m: &Mutation) -> &'static str {
    match m {
        Mutation::Traffic { change, .. } => match &change.scope {
            TrafficScope::WholeEndpoint => "the whole subnet",
            TrafficScope::Destinations { ports, .. } if ports.is_empty() => {
                "every port of the address"
            }
            TrafficScope::Destinations { .. } => "this socket",
        },
        _ => "",
    }
}

pub fn render(frame: &mut Frame, area: Rect, confirm: &Confirm) {
    let t = theme();
    let mut lines = vec![Line::styled(
        sanitize(&confirm.chosen().describe()).into_owned(),
        t.title,
    )];
    if confirm.options.len() > 1 {
        lines.push(Line::raw(""));
        let mut spans = vec![Span::styled("Scope: ", t.field)];
        for (i, option) in confirm.options.iter().enumerate() {
            let (mark, style) = if i == confirm.choice {
                ("(•) ", t.selected)
            } else {
                ("( ) ", ratatui::style::Style::new())
            };
            spans.push(Span::styled(format!("{mark}{}", scope_name(option)), style));
            spans.push(Span::raw("  "));
        }
        lines.push(Line::from(spans));
        lines.push(Line::styled("Tab widens, Shift-Tab narrows", t.muted));
    }
    lines.push(Line::raw(""));
    if confirm.pending.is_some() {
        lines.push(Line::styled(
            "applying… the rows are re-read when it is done",
            t.spinner,
        ));
    } else {
        if let Some(e) = &confirm.error {
            lines.push(Line::styled(format!("✗ {}", sanitize(e)), t.error));
        }
        lines.push(Line::from(vec![
            Span::styled("y", t.key),
            Span::raw(" apply   "),
            Span::styled("n", t.key),
            Span::raw(" / "),
            Span::styled("Esc", t.key),
            Span::raw(" cancel"),
        ]));
    }
    let width = 76.min(area.width);
    let height = 12.min(area.height);
    let popup = crate::ui::popup(frame, area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.stale)
        .title(Span::styled(" Confirm the change ", t.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
