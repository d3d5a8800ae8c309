//! The `P` profile switcher: the profiles of the user's AWS config, the current one marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::overlays::profiles::Picker;
use crate::text::sanitize;
use crate::ui::theme::theme;

pub fn render(frame: &mut Frame, area: Rect, picker: &Picker, current: &str) {
    let t = theme();
    let mut lines = Vec::new();
    match &picker.names {
        None => lines.push(Line::styled("reading the AWS config files…", t.muted)),
        Some(Err(e)) => lines.push(Line::styled(format!("✗ {}", sanitize(e)), t.error)),
        Some(Ok(names)) => {
            for (i, name) in names.iter().enumerate() {
                let selected = i == picker.selected;
                let marker = if selected { "▶ " } else { "  " };
                let mut spans = vec![Span::raw(marker), Span::raw(sanitize(name).into_owned())];
                if name == current {
                    spans.push(Span::styled("  (current)", t.muted));
                }
                let line = Line::from(spans);
                lines.push(if selected {
                    line.style(t.selected)
                } else {
                    line
                });
            }
        }
    }
    lines.push(Line::raw(""));
    if let Some(profile) = &picker.switching {
        lines.push(Line::styled(
            format!("connecting with profile {}…", sanitize(profile)),
            t.spinner,
        ));
    }
    if let Some(e) = &picker.error {
        lines.push(Line::styled(format!("✗ {}", sanitize(e)), t.error));
    }
    // Long messages wrap: count the rows they take at this width.
    let width = 96.min(area.width.saturating_sub(4)).max(20);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let popup = crate::ui::popup(frame, area, width, height);
    // Keep the selected profile in view in a long list.
    let visible = usize::from(height.saturating_sub(2));
    let scroll = picker.selected.saturating_sub(visible.saturating_sub(3));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(" AWS profiles ", t.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(0), 0)),
        popup,
    );
}
