//! `C`: the column chooser, every column of the view with a checkbox, in the order the view
//! is to show them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::columns::ColumnChoice;
use crate::app::overlays::columns::Chooser;
use crate::ui::theme::theme;

pub fn render(frame: &mut Frame, area: Rect, chooser: &Chooser, choice: &ColumnChoice) {
    let t = theme();
    let columns = chooser.view.columns();
    let wide = choice.is_wide(chooser.view);
    let longest = columns.iter().map(|c| c.title.len()).max().unwrap_or(0);
    let mut lines: Vec<Line> = chooser
        .items
        .iter()
        .enumerate()
        .map(|(i, &(c, on))| {
            let selected = i == chooser.selected;
            let mut spans = vec![
                Span::raw(if selected { "▶ " } else { "  " }),
                Span::raw(if on { "[x] " } else { "[ ] " }),
                Span::raw(format!("{:<longest$}", columns[c].title)),
            ];
            if columns[c].wide {
                let note = if wide && !on {
                    "  wide · shown now: the view is wide"
                } else {
                    "  wide"
                };
                spans.push(Span::styled(note, t.muted));
            }
            let line = Line::from(spans);
            if selected {
                line.style(t.selected)
            } else {
                line
            }
        })
        .collect();
    lines.push(Line::raw(""));
    match &chooser.error {
        Some(e) => lines.push(Line::styled(format!("✗ {e}"), t.error)),
        None => lines.push(Line::styled(
            "Space show/hide · J/K move · d defaults · Enter apply · Esc cancel",
            t.muted,
        )),
    }
    let width = 72.min(area.width.saturating_sub(4)).max(20);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let popup = crate::ui::popup(frame, area, width, height);
    // Keep the selected column in view when the list is taller than the box.
    let visible = usize::from(height.saturating_sub(4));
    let scroll = chooser.selected.saturating_sub(visible.saturating_sub(1));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(
            format!(" Columns of {} ", chooser.view.name()),
            t.title,
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(0), 0)),
        popup,
    );
}
