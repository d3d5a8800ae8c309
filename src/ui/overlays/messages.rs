//! The `!` message log: every message of the session with its age, newest at the bottom, long
//! ones wrapped whole between words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::keymap::Command;
use crate::app::overlays::messages::{INDENT, frame_size, max_scroll, text_of, wrap};
use crate::text::sanitize;
use crate::ui::theme::theme;

pub fn render(state: &State, frame: &mut Frame, area: Rect, scroll: u16) {
    let t = theme();
    let (width, height) = frame_size((area.width, area.height));
    let popup = crate::ui::popup(frame, area, width, height);
    let text_width = usize::from(popup.width.saturating_sub(2)).saturating_sub(INDENT);
    let mut lines = Vec::new();
    for entry in state.messages.entries() {
        let age = crate::ui::age(state.now.duration_since(entry.at));
        let (mark, style) = if entry.error {
            ("✗", t.error)
        } else {
            ("•", t.info)
        };
        let text = sanitize(&text_of(entry)).into_owned();
        for (i, part) in wrap(&text, text_width).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(format!("{age:>6} {mark} "), t.muted)
            } else {
                Span::raw(" ".repeat(INDENT))
            };
            lines.push(Line::from(vec![lead, Span::styled(part, style)]));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("  nothing yet", t.muted));
    }
    let shown = usize::from(popup.height.saturating_sub(2));
    let back = usize::from(scroll.min(max_scroll(state)));
    let top = lines.len().saturating_sub(shown + back);
    let kept = state.messages.len();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(
            format!(" Messages: {kept}, newest last (Esc closes) "),
            t.title,
        ));
    if top > 0 {
        let up = state.keymap.key(Command::Up);
        block = block.title_bottom(Span::styled(format!(" ↑ older: {up} "), t.muted));
    }
    if back > 0 {
        let down = state.keymap.key(Command::Down);
        block =
            block.title_bottom(Line::styled(format!(" ↓ newer: {down} "), t.muted).right_aligned());
    }
    let visible: Vec<Line> = lines.into_iter().skip(top).take(shown).collect();
    frame.render_widget(Paragraph::new(visible).block(block), popup);
}
