//! The bulk change dialog: the list being typed, then what the change covers (sockets,
//! addresses, subnets, calls), then the last question; and its progress in the status bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::overlays::bulk::{Bulk, BulkSource, Planned, Stage};
use crate::text::sanitize;
use crate::ui::theme::theme;

/// Lines of the list shown while it is typed (its end, where the cursor is).
const LIST_LINES: u16 = 6;

pub fn render(frame: &mut Frame, area: Rect, bulk: &Bulk) {
    match (bulk.stage(), &bulk.planned) {
        (Stage::Planned, Some(p)) => planned(frame, area, bulk, p, None),
        (Stage::Confirm { allow }, Some(p)) => planned(frame, area, bulk, p, Some(allow)),
        _ => editing(frame, area, bulk),
    }
}

fn key_line(keys: &[(&str, &str)]) -> Line<'static> {
    let t = theme();
    let mut spans = Vec::new();
    for (key, action) in keys {
        spans.push(Span::styled(key.to_string(), t.key));
        spans.push(Span::raw(format!(" {action}   ")));
    }
    Line::from(spans)
}

fn editing(frame: &mut Frame, area: Rect, bulk: &Bulk) {
    let t = theme();
    let popup = crate::ui::popup(frame, area, 76.min(area.width), 13.min(area.height));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(" Allow or deny a list ", t.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [help, list, error, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(
            "Paste or type IP:PORT or IP (every port of it), separated by spaces, commas or lines; # starts a comment.",
        )
        .style(t.muted)
        .wrap(Wrap { trim: true }),
        help,
    );
    // The end of the list, as wrapped lines of the list's width, the cursor after it.
    let width = usize::from(list.width.max(1));
    let mut lines: Vec<String> = Vec::new();
    for line in bulk.text.split('\n') {
        let chars: Vec<char> = sanitize(line).chars().collect();
        if chars.is_empty() {
            lines.push(String::new());
        }
        lines.extend(chars.chunks(width).map(|c| c.iter().collect()));
    }
    if lines.last().is_some_and(|l| l.chars().count() >= width) {
        lines.push(String::new());
    }
    let rows = usize::from(list.height.clamp(1, LIST_LINES));
    let first = lines.len().saturating_sub(rows);
    let shown: Vec<Line> = lines[first..]
        .iter()
        .map(|l| Line::raw(l.clone()))
        .collect();
    let last = lines.last().map_or(0, |l| l.chars().count());
    let y = list.y + u16::try_from(lines.len() - first - 1).unwrap_or(0);
    let x = list.x + u16::try_from(last).unwrap_or(0);
    frame.set_cursor_position((x.min(list.right().saturating_sub(1)), y));
    frame.render_widget(Paragraph::new(shown).style(t.selected), list);
    if let Some(e) = &bulk.error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("✗ {}", sanitize(e)), t.error))
                .wrap(Wrap { trim: true }),
            error,
        );
    }
    frame.render_widget(
        Paragraph::new(key_line(&[
            ("⏎", "plan"),
            ("Ctrl-U", "clear"),
            ("Esc", "close"),
        ])),
        keys,
    );
}

fn planned(frame: &mut Frame, area: Rect, bulk: &Bulk, p: &Planned, verb: Option<bool>) {
    let t = theme();
    let mut lines = Vec::new();
    let title = match verb {
        Some(true) => "Allow traffic to these sockets?",
        Some(false) => "Deny traffic to these sockets?",
        None => "Allow or deny many sockets at once",
    };
    lines.push(Line::styled(title, t.title));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Covers  ", t.field),
        Span::raw(p.counts()),
    ]));
    lines.push(Line::from(vec![
        Span::styled("From    ", t.field),
        Span::raw(sanitize(&p.from).into_owned()),
    ]));
    if !p.not_found.is_empty() {
        lines.push(Line::styled(
            format!(
                "Not found (left out): {}",
                sanitize(&p.not_found.join(", "))
            ),
            t.stale,
        ));
    }
    lines.push(Line::styled(
        "Each call changes every address it lists at every port it lists; the calls are grouped so that only these sockets change.",
        t.muted,
    ));
    lines.push(Line::raw(""));
    let back = if bulk.source == BulkSource::List {
        "back to the list"
    } else {
        "close"
    };
    lines.push(match verb {
        Some(_) => key_line(&[("y", "apply"), ("n Esc", "back")]),
        None => key_line(&[("a", "allow them"), ("d", "deny them"), ("Esc", back)]),
    });
    let height = fitted_height(&lines, area).min(area.height);
    let popup = crate::ui::popup(frame, area, 76.min(area.width), height);
    let border = if verb.is_some() { t.stale } else { t.key };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(" Bulk change ", t.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// Rows a box of 76 columns (or the whole width, as `popup` makes it) needs for `lines`
/// wrapped, frame included.
pub fn fitted_height(lines: &[Line], area: Rect) -> u16 {
    let width = 76.min(area.width);
    let width = if area.width.saturating_sub(width) / 2 < 3 {
        area.width
    } else {
        width
    };
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| wrapped_rows(&l.to_string(), inner))
        .sum();
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

/// Rows `text` takes wrapped at word boundaries in `width` columns (as `Wrap` does).
fn wrapped_rows(text: &str, width: usize) -> usize {
    let (mut rows, mut used) = (1, 0);
    for word in text.split(' ') {
        let w = crate::ui::fit::width(word);
        if used > 0 && used + 1 + w <= width {
            used += 1 + w;
            continue;
        }
        if used == 0 && w <= width {
            used = w;
            continue;
        }
        if used > 0 {
            rows += 1;
        }
        // A word longer than the width takes rows of its own.
        let extra = w.saturating_sub(1) / width;
        rows += extra;
        used = w - extra * width;
    }
    rows
}

/// The status bar's part for a bulk change or undo on its way.
pub fn status(state: &State) -> Option<String> {
    let r = state.changes.running.as_ref()?;
    Some(if r.total == 0 {
        format!("⧗ {}: reading the prior state ", sanitize(&r.what))
    } else {
        format!("⧗ {}: {}/{} calls ", sanitize(&r.what), r.done, r.total)
    })
}
