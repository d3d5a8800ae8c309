//! The `?` overlay: every key, from the effective keymap the hint bar uses too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::ui::theme::theme;

/// The help's width; inside its borders a line is the keys' column and the action.
const WIDTH: u16 = 72;
/// The keys' column: two spaces and the keys, padded.
const KEYS: usize = 22;

pub fn render(state: &State, frame: &mut Frame, area: Rect, scroll: u16) {
    let t = theme();
    let mut lines = Vec::new();
    let sections = state.keymap.help();
    let last = sections.len().saturating_sub(1);
    // Read-only: the keys that would change something are shown as unavailable.
    let refused = if state.read_only {
        crate::app::changing_keys(state)
    } else {
        Vec::new()
    };
    for (i, (section, bindings)) in sections.into_iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section, t.title));
        for (keys, action) in bindings {
            if i < last && refused.contains(&keys) {
                lines.push(Line::styled(format!("  {keys:<18}✗ {action}"), t.muted));
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<width$}", width = KEYS - 2), t.key),
                Span::raw(action),
            ]));
        }
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = crate::ui::popup(frame, area, WIDTH, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(
            if state.read_only {
                " Keys (read-only: ✗ is refused; Esc closes) "
            } else {
                " Keys (Esc closes) "
            },
            t.title,
        ));
    let max_scroll = height.saturating_sub(popup.height);
    let block = if scroll < max_scroll {
        let down = state.keymap.key(crate::app::keymap::Command::Down);
        block.title_bottom(Span::styled(format!(" ↓ more: {down} scrolls "), t.muted))
    } else {
        block
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        popup,
    );
}

#[cfg(test)]
#[path = "help_tests.rs"]
mod tests;
