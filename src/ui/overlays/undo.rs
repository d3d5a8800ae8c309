//! The confirmation of an undo: the change, and what undoing it does.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::overlays::undo::Undo;
use crate::text::sanitize;
use crate::ui::theme::theme;

pub fn render(frame: &mut Frame, area: Rect, undo: &Undo) {
    let t = theme();
    let lines = vec![
        Line::from(vec![
            Span::styled("Last change: ", t.field),
            Span::raw(sanitize(&undo.change.what).into_owned()),
        ]),
        Line::styled(format!("journal entry {}", sanitize(&undo.entry)), t.muted),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Undo: ", t.field),
            Span::styled(sanitize(&undo.words).into_owned(), t.title),
        ]),
        Line::raw(""),
        Line::styled(
            "The undo is journaled too: u again puts the change back.",
            t.muted,
        ),
        Line::from(vec![
            Span::styled("y", t.key),
            Span::raw(" undo it   "),
            Span::styled("n", t.key),
            Span::raw(" / "),
            Span::styled("Esc", t.key),
            Span::raw(" keep it"),
        ]),
    ];
    let height = super::bulk::fitted_height(&lines, area).min(area.height);
    let popup = crate::ui::popup(frame, area, 76.min(area.width), height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.stale)
        .title(Span::styled(" Undo the last change ", t.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
