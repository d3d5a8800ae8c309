//! A create dialog: a centred frame with its fields, the repeated rows (scrolled around the
//! focused one when there are many), the Create button, progress and errors in place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::overlays::create::CreateDialog;
use crate::app::overlays::fields::{Field, Focus, Widget};
use crate::text::sanitize;
use crate::ui::fit::Part;
use crate::ui::screens::list::spans;
use crate::ui::theme::theme;
use tui_input::Input;

/// One line being built, tracking its width so the cursor can be placed.
pub(super) struct LineBuilder {
    spans: Vec<Span<'static>>,
    column: u16,
    pub(super) cursor: Option<u16>,
}

impl LineBuilder {
    pub(super) fn new() -> Self {
        Self {
            spans: Vec::new(),
            column: 0,
            cursor: None,
        }
    }

    pub(super) fn push(&mut self, text: String, style: Style) {
        self.column += u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
        self.spans.push(Span::styled(text, style));
    }

    pub(super) fn field(&mut self, field: &Field, focused: bool) {
        let t = theme();
        let style = if focused { t.selected } else { Style::new() };
        match &field.widget {
            Widget::Toggle(on) => {
                let mark = if *on { "[x]" } else { "[ ]" };
                self.push(format!("{mark} {}", field.label), style);
            }
            Widget::Text(input) => self.input(field.label, input, field.width, focused),
        }
        self.push("  ".into(), Style::new());
    }

    /// A labelled text field `width` cells wide, the cursor in it when `focused`.
    pub(super) fn input(&mut self, label: &str, input: &Input, width: u16, focused: bool) {
        let t = theme();
        let style = if focused { t.selected } else { Style::new() };
        self.push(format!("{label} "), t.field);
        let width = usize::from(width.max(1));
        let scroll = input.visual_scroll(width);
        let shown: String = sanitize(input.value())
            .chars()
            .skip(scroll)
            .take(width)
            .collect();
        if focused {
            let at = input.visual_cursor().saturating_sub(scroll);
            self.cursor = Some(self.column + 1 + u16::try_from(at).unwrap_or(0));
        }
        self.push(format!("[{shown:<width$}]"), style);
    }

    pub(super) fn line(self) -> Line<'static> {
        Line::from(self.spans)
    }
}

/// `text` cut into lines of at most `width` characters, continuation lines indented.
pub(super) fn wrapped(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    let chars: Vec<char> = sanitize(text).chars().collect();
    let width = width.max(8);
    let mut lines = Vec::new();
    let mut rest = &chars[..];
    let mut first = true;
    while !rest.is_empty() {
        let room = if first { width } else { width - 4 };
        let take = room.min(rest.len());
        let cut = if take < rest.len() {
            rest[..take]
                .iter()
                .rposition(|c| *c == ' ')
                .filter(|&p| p > room / 2)
                .map_or(take, |p| p + 1)
        } else {
            take
        };
        let piece: String = rest[..cut].iter().collect();
        let indent = if first { "" } else { "    " };
        lines.push(Line::styled(format!("{indent}{piece}"), style));
        rest = &rest[cut..];
        first = false;
    }
    lines
}

pub(super) fn error_lines(field: &Field, width: usize) -> Vec<Line<'static>> {
    field.error.as_ref().map_or_else(Vec::new, |e| {
        wrapped(&format!("    ✗ {}: {e}", field.label), width, theme().error)
    })
}

/// The submit button (with the call on its way beside it), then the discard question, the
/// service's answer or a warning.
pub(super) fn button_and_answer(
    dialog: &CreateDialog,
    focused: bool,
    width: usize,
) -> Vec<Line<'static>> {
    let t = theme();
    let form = &dialog.form;
    let mut lines = Vec::new();
    let mut button = LineBuilder::new();
    let style = if focused { t.selected } else { t.key };
    button.push(" ".into(), Style::new());
    button.push(format!("[ {} ]", dialog.verb()), style);
    if form.submitting.is_some() {
        let doing = match dialog.verb() {
            "Add" => "adding",
            _ => "creating",
        };
        button.push(
            format!("  {doing}… (keys still work; the answer lands here)"),
            t.spinner,
        );
    }
    lines.push(button.line());
    if form.confirm_discard {
        let question = if dialog.quitting {
            " Quit and lose what you typed? y quits, any other key keeps editing"
        } else {
            " Discard what you typed? y discards, any other key keeps editing"
        };
        lines.push(Line::styled(question, t.stale));
    } else if let Some(e) = &form.error {
        lines.extend(wrapped(&format!(" ✗ {e}"), width, t.error));
    } else if let Some(w) = &form.warning {
        lines.extend(wrapped(&format!(" ⚠ {w}"), width, t.stale));
    }
    lines
}

/// The dialog's lines, and where the cursor goes (line index, column).
fn lines(
    dialog: &CreateDialog,
    rows_height: usize,
    width: usize,
) -> (Vec<Line<'static>>, Option<(usize, u16)>) {
    let t = theme();
    let form = &dialog.form;
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in form.head.iter().enumerate() {
        let mut line = LineBuilder::new();
        line.push(" ".into(), Style::new());
        line.field(field, form.focus == Focus::Head(i));
        if let Some(c) = line.cursor {
            cursor = Some((lines.len(), c));
        }
        lines.push(line.line());
        lines.extend(error_lines(field, width));
        if i == 0 {
            let suggestions = dialog.suggestions();
            if !suggestions.is_empty() {
                // Each suggestion whole, on as many lines as they need: ↓ may pick any.
                let lead = "   ↑↓ Enter: ";
                let mut spans = vec![Span::styled(lead, t.muted)];
                let mut used = crate::ui::fit::width(lead);
                for (n, region) in suggestions.iter().enumerate() {
                    let taken = dialog.taken().iter().any(|r| r == region);
                    let text = if taken {
                        format!("{region} (has a group)")
                    } else {
                        (*region).to_string()
                    };
                    let style = if dialog.suggestion == Some(n) {
                        t.selected
                    } else if taken {
                        t.muted
                    } else {
                        Style::new()
                    };
                    let needed = crate::ui::fit::width(&text);
                    if used + needed > width && spans.len() > 1 {
                        lines.push(Line::from(std::mem::take(&mut spans)));
                        spans.push(Span::raw(" ".repeat(crate::ui::fit::width(lead))));
                        used = crate::ui::fit::width(lead);
                    }
                    used += needed + 2;
                    spans.push(Span::styled(text, style));
                    spans.push(Span::raw("  "));
                }
                lines.push(Line::from(spans));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.extend(wrapped(
        &format!(" {}", dialog.rows_heading()),
        width,
        t.title,
    ));
    let focused_row = match form.focus {
        Focus::Row(r, _) => r,
        _ => 0,
    };
    let window = rows_height.max(1);
    let first = focused_row
        .saturating_sub(window - 1)
        .min(form.rows.len().saturating_sub(window));
    if form.rows.is_empty() && dialog.has_rows() {
        lines.push(Line::styled("   none", t.muted));
    }
    if first > 0 {
        lines.push(Line::styled(format!("   ↑ {first} more"), t.muted));
    }
    for (r, row) in form.rows.iter().enumerate().skip(first).take(window) {
        let mut line = LineBuilder::new();
        line.push(format!(" {:>3}  ", r + 1), t.muted);
        for (f, field) in row.iter().enumerate() {
            line.field(field, form.focus == Focus::Row(r, f));
        }
        if let Some(c) = line.cursor {
            cursor = Some((lines.len(), c));
        }
        lines.push(line.line());
        lines.extend(row.iter().flat_map(|f| error_lines(f, width)));
    }
    let after = form.rows.len().saturating_sub(first + window);
    if after > 0 {
        lines.push(Line::styled(format!("   ↓ {after} more"), t.muted));
    }
    if let Some(e) = &dialog.rows_error {
        lines.extend(wrapped(&format!("   ✗ {e}"), width, t.error));
    }
    for line in dialog.capacity() {
        lines.extend(wrapped(&format!(" {line}"), width, t.muted));
    }
    lines.push(Line::raw(""));
    lines.extend(button_and_answer(
        dialog,
        form.focus == Focus::Submit,
        width,
    ));
    lines.push(Line::styled(
        format!(" token {} (kept for retries)", form.token),
        t.muted,
    ));
    (lines, cursor)
}

pub fn render(frame: &mut Frame, area: Rect, dialog: &CreateDialog) {
    let width = 78.min(area.width);
    // Lines besides the rows: title row, head fields with suggestions and errors, headings,
    // button, messages, token.
    let fixed = dialog.form.head.len() * 2 + 9 + dialog.capacity().len() * 2;
    let rows_height = usize::from(area.height.saturating_sub(2))
        .saturating_sub(fixed)
        .clamp(1, 12);
    let (lines, cursor) = lines(dialog, rows_height, usize::from(width.saturating_sub(2)));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height);
    framed(frame, area, (width, height), dialog, lines, cursor);
}

/// Draws `lines` in a popup of `size` centred in `area`, framed and titled as `dialog` is,
/// and puts the terminal cursor at `cursor` (line, column inside the frame) unless a discard
/// is being confirmed.
pub(super) fn framed(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    dialog: &CreateDialog,
    lines: Vec<Line<'static>>,
    cursor: Option<(usize, u16)>,
) {
    let t = theme();
    let popup = crate::ui::popup(frame, area, width, height);
    let title = [Part::name(
        format!(" {} ", sanitize(&dialog.title())),
        t.title,
        0,
    )];
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(spans(&title, width.saturating_sub(2)));
    let inner = block.inner(popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    if let Some((line, column)) = cursor
        && !dialog.form.confirm_discard
    {
        let y = inner.y + u16::try_from(line).unwrap_or(u16::MAX);
        let x = inner.x + column;
        if y < inner.bottom() && x < inner.right() {
            frame.set_cursor_position((x, y));
        }
    }
}
