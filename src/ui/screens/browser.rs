//! The port-mapping browser: the destination form, then a table that formats only the rows
//! on screen, whether ten or a million are loaded.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap,
};

use crate::app::list::Column;
use crate::app::screens::browser::{Browser, FormField, Prompt, Source};
use crate::text::sanitize;
use crate::ui::screens::list::{
    COLUMN_SPACING, HIGHLIGHT_WIDTH, changed_row, column_widths, input_spans, render_filter,
};
use crate::ui::theme::theme;

pub const COLUMNS: &[Column] = &[
    Column::text("ACCELERATOR SOCKETS", 32, true),
    Column::text("DESTINATION", 15, false),
    Column::text("PROTO", 5, false),
    Column::text("TRAFFIC", 7, false),
    Column::text("ACCELERATOR", 11, true),
    Column::text("REGION", 6, true),
    Column::text("SUBNET", 10, true),
    Column::text("GROUP", 8, true),
];
const TRAFFIC: usize = 3;

fn title(b: &Browser) -> Line<'static> {
    let t = theme();
    let mut spans = vec![Span::raw(" ")];
    let loaded = b.table.len();
    let count = if b.source.is_none() {
        None
    } else if !b.loaded && b.error.is_some() && b.pending.is_none() {
        Some("failed".to_string())
    } else if !b.loaded {
        Some("loading…".to_string())
    } else if b.is_complete() {
        Some(format!("all {loaded}"))
    } else {
        Some(format!("loaded {loaded} · more…"))
    };
    if let Some(count) = count {
        spans.push(Span::styled(format!("{count} "), t.title));
        spans.push(Span::raw("─ "));
    }
    spans.push(Span::raw(format!("{} ", sanitize(&b.describe()))));
    if let Some((looked, of)) = b.filter_progress() {
        spans.push(Span::styled(
            format!(
                "─ filtering: {} match so far, {looked} of {of} rows looked at ",
                b.view_len()
            ),
            t.field,
        ));
    } else if b.filter.is_active() {
        spans.push(Span::styled(
            format!("─ {} of {loaded} loaded match the filter ", b.view_len()),
            t.field,
        ));
    }
    if let Some(seek) = &b.seek {
        spans.push(Span::styled(
            format!(
                "─ looking for port {}: {} scanned ",
                seek.port, seek.scanned
            ),
            t.spinner,
        ));
    }
    if b.stale {
        spans.push(Span::styled("─ STALE ", t.stale));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, b: &Browser) {
    let t = theme();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(title(b));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let show_filter = b.filter.editing || b.filter.is_active();
    let [form_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(if b.form.is_some() { 2 } else { 0 }),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    if b.form.is_some() {
        render_form(frame, form_area, b);
    }
    if show_filter {
        render_filter(frame, filter_area, &b.filter);
    }
    render_rows(frame, table_area, b);
    if let Some(prompt) = &b.prompt {
        render_prompt(frame, area, b, prompt);
    }
}

fn render_form(frame: &mut Frame, area: Rect, b: &Browser) {
    let t = theme();
    let Some(form) = &b.form else { return };
    let [fields, note] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let focus = |field| {
        if b.editing && form.focus == field {
            t.selected
        } else {
            t.field
        }
    };
    let subnet = form
        .subnet()
        .map_or_else(|| "(none)".into(), |s| sanitize(s).into_owned());
    let label = format!(
        "Subnet ‹ {subnet} › {}/{}  ",
        form.choice + 1,
        form.subnets.len()
    );
    let address_label = "Address ";
    let indent = u16::try_from(label.chars().count() + address_label.len()).unwrap_or(0);
    let mut spans = vec![
        Span::styled(label, focus(FormField::Subnet)),
        Span::styled(address_label, focus(FormField::Address)),
    ];
    spans.extend(input_spans(
        frame,
        fields,
        indent,
        &form.address,
        b.editing && form.focus == FormField::Address,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), fields);
    let note_line = match &form.error {
        Some(e) => Line::styled(format!("✗ {}", sanitize(e)), t.error),
        None if b.editing => Line::styled(
            "Enter looks up the address; Tab switches field, ↑↓ pick the subnet",
            t.muted,
        ),
        None => Line::styled("Tab: change the destination", t.muted),
    };
    frame.render_widget(Paragraph::new(note_line), note);
}

fn empty_text(b: &Browser) -> Line<'static> {
    let t = theme();
    if let Some(e) = &b.error {
        return Line::styled(format!("✗ {}", sanitize(e)), t.error);
    }
    match &b.source {
        None => Line::styled("Type a destination IPv4 address and press Enter.", t.muted),
        Some(_) if !b.loaded => Line::styled("loading…", t.muted),
        Some(_) if b.filter.is_active() => {
            Line::styled("no loaded mapping matches the filter", t.muted)
        }
        Some(Source::Destination { subnet, ip }) => Line::styled(
            format!(
                "No mappings: {} is not an address that {} holds in any accelerator. \
                 Global Accelerator never reveals a subnet's CIDR, so an address outside it \
                 simply has none.",
                sanitize(ip),
                sanitize(subnet)
            ),
            t.field,
        ),
        Some(Source::Accelerator { .. }) => {
            Line::styled("No mappings: no subnet endpoint is attached yet.", t.field)
        }
    }
}

fn render_rows(frame: &mut Frame, area: Rect, b: &Browser) {
    let t = theme();
    if area.height == 0 {
        return;
    }
    if b.view_len() == 0 {
        frame.render_widget(
            Paragraph::new(empty_text(b)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = b.offset.min(b.view_len().saturating_sub(1));
    let end = (offset + height).min(b.view_len());
    let indices: Vec<usize> = (offset..end).filter_map(|i| b.row_index(i)).collect();
    let marked: Vec<bool> = indices.iter().map(|i| b.changed.contains_key(i)).collect();
    let rows: Vec<Vec<String>> = indices
        .iter()
        .filter_map(|&i| b.table.get(i))
        .map(|row| {
            row.cells()
                .into_iter()
                .map(|c| sanitize(&c).into_owned())
                .collect()
        })
        .collect();
    let widths = column_widths(COLUMNS, &rows, area.width.saturating_sub(HIGHLIGHT_WIDTH));
    let table_rows: Vec<Row> = rows
        .into_iter()
        .zip(marked)
        .map(|(cells, changed)| {
            let row = Row::new(cells.into_iter().enumerate().map(|(i, c)| {
                if i != TRAFFIC {
                    Cell::from(c)
                } else if c == "ALLOW" {
                    Cell::from(Span::styled("✓ ALLOW", t.allow))
                } else {
                    Cell::from(Span::styled(format!("✗ {c}"), t.deny))
                }
            }));
            changed_row(row, changed)
        })
        .collect();
    let header = Row::new(COLUMNS.iter().map(|c| Cell::from(c.title))).style(t.column_header);
    let table = Table::new(
        table_rows,
        widths
            .into_iter()
            .map(Constraint::Length)
            .collect::<Vec<_>>(),
    )
    .header(header)
    .row_highlight_style(t.selected)
    .highlight_symbol("▶ ")
    .highlight_spacing(HighlightSpacing::Always)
    .column_spacing(COLUMN_SPACING);
    let mut state = TableState::default().with_selected(Some(b.selected.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
}

fn render_prompt(frame: &mut Frame, area: Rect, _b: &Browser, prompt: &Prompt) {
    let t = theme();
    let popup = crate::ui::popup(frame, area, 70, 6);
    let (name, label, input, error, extra) = match prompt {
        Prompt::Jump { input, error } => (
            " Find an accelerator port ",
            "Port ",
            input,
            error,
            Line::styled(
                "Enter searches (loading pages as needed) · Esc cancels",
                t.muted,
            ),
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(name, t.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [field, extra_area, error_area] = Layout::vertical([Constraint::Length(1); 3]).areas(inner);
    let mut spans = vec![Span::styled(label, t.field)];
    spans.extend(input_spans(frame, field, 5, input, true));
    frame.render_widget(Paragraph::new(Line::from(spans)), field);
    frame.render_widget(Paragraph::new(extra), extra_area);
    if let Some(e) = error {
        frame.render_widget(
            Paragraph::new(Line::styled(format!("✗ {}", sanitize(e)), t.error)),
            error_area,
        );
    }
}
