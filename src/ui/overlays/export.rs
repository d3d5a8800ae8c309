//! The export dialog: the file, what to write, and the answer once writing ends.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::overlays::export::{Export, ExportScope};
use crate::text::sanitize;
use crate::ui::screens::list::input_spans;
use crate::ui::theme::theme;

pub fn render(frame: &mut Frame, area: Rect, dialog: &Export) {
    let t = theme();
    let popup = crate::ui::popup(frame, area, 76.min(area.width), 7.min(area.height));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(" Export mappings ", t.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [field, shown, all, error_area, hint] =
        Layout::vertical([Constraint::Length(1); 5]).areas(inner);
    let mut spans = vec![Span::styled("File ", t.field)];
    spans.extend(input_spans(
        frame,
        field,
        5,
        &dialog.path,
        dialog.writing.is_none(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), field);
    let (a, b) = match dialog.scope {
        ExportScope::Shown => ("(•) ", "( ) "),
        ExportScope::All => ("( ) ", "(•) "),
    };
    let choice = |mark: &str, words: String, on: bool| {
        Line::styled(
            format!("{mark}{}", sanitize(&words)),
            if on {
                t.selected
            } else {
                ratatui::style::Style::new()
            },
        )
    };
    frame.render_widget(
        Paragraph::new(choice(
            a,
            dialog.shown_words(),
            dialog.scope == ExportScope::Shown,
        )),
        shown,
    );
    frame.render_widget(
        Paragraph::new(choice(
            b,
            dialog.all_words().to_string(),
            dialog.scope == ExportScope::All,
        )),
        all,
    );
    if let Some(path) = &dialog.writing {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(
                    "writing {}… (Esc closes; it goes on)",
                    sanitize(&path.display().to_string())
                ),
                t.spinner,
            )),
            error_area,
        );
    } else if let Some(e) = &dialog.error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("✗ {}", sanitize(e)), t.error)),
            error_area,
        );
    }
    frame.render_widget(
        Paragraph::new(Line::styled(
            ".csv, .json or .ndjson by the name · never overwrites · Tab: what to write",
            t.muted,
        )),
        hint,
    );
}
