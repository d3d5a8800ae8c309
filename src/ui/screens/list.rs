//! A list pane: a framed table of the visible rows only, with what is loaded, the filter and
//! the sort said in the frame's title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table, TableState};

use crate::ui::theme::theme;
use tui_input::Input;

use crate::app::list::{Column, Filter, ListPane, Row};
use crate::text::sanitize;

/// What the title says about the rows: how many, whether more exist, filter and sort.
fn title<T: Row>(pane: &ListPane<T>, name: &str) -> Line<'static> {
    let t = theme();
    let loaded = pane.rows().len();
    let mut spans = vec![Span::styled(format!(" {name} "), t.title)];
    let count = if !pane.is_loaded() && pane.error.is_some() && !pane.is_loading() {
        "failed".to_string()
    } else if !pane.is_loaded() {
        "loading…".to_string()
    } else if pane.is_complete() {
        format!("all {loaded}")
    } else {
        format!("loaded {loaded} · more…")
    };
    spans.push(Span::raw(format!("─ {count} ")));
    if pane.filter.is_active() {
        spans.push(Span::styled(
            format!(
                "─ {} of {loaded} loaded match the filter ",
                pane.visible_len()
            ),
            t.field,
        ));
    }
    if let Some((column, reversed)) = pane.sort {
        let name = T::COLUMNS.get(column).map_or("?", |c| c.title);
        let arrow = if reversed { "↓" } else { "↑" };
        spans.push(Span::raw(format!("─ sort {name} {arrow} ")));
    }
    if pane.stale {
        spans.push(Span::styled("─ STALE ", t.stale));
    }
    Line::from(spans)
}

pub fn render<T: Row>(frame: &mut Frame, area: Rect, pane: &ListPane<T>, name: String) {
    let t = theme();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(title(pane, &sanitize(&name)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let show_filter = pane.filter.editing || pane.filter.is_active();
    let [filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    if show_filter {
        render_filter(frame, filter_area, &pane.filter);
    }
    render_rows(frame, table_area, pane);
}

pub fn render_filter(frame: &mut Frame, area: Rect, filter: &Filter) {
    let t = theme();
    let mut spans = vec![Span::styled("/ ", t.key)];
    spans.extend(input_spans(frame, area, 2, &filter.input, filter.editing));
    if !filter.editing {
        spans.push(Span::styled("  (Esc clears; / edits)", t.muted));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The visible part of a text field that starts `indent` cells into `area`; with focus, the
/// terminal cursor goes where the next character will.
pub fn input_spans(
    frame: &mut Frame,
    area: Rect,
    indent: u16,
    input: &Input,
    focused: bool,
) -> Vec<Span<'static>> {
    let width = usize::from(area.width.saturating_sub(indent + 1)).max(1);
    let scroll = input.visual_scroll(width);
    let shown: String = sanitize(input.value())
        .chars()
        .skip(scroll)
        .take(width)
        .collect();
    if focused {
        let cursor = input.visual_cursor().saturating_sub(scroll);
        let x = area.x + indent + u16::try_from(cursor).unwrap_or(u16::MAX);
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
    }
    vec![Span::raw(shown)]
}

/// A row a re-read found changed: bold italic as well as coloured, so it reads without colour.
pub fn changed_row(row: TableRow<'_>, changed: bool) -> TableRow<'_> {
    if changed {
        row.style(theme().changed)
    } else {
        row
    }
}

pub const HIGHLIGHT_WIDTH: u16 = 2;
pub const COLUMN_SPACING: u16 = 2;

/// Widths that fit what is on screen: each column as wide as its widest visible cell; when
/// that is too wide, the growing columns give way from the last one, down to their minimum,
/// then the rest; whatever is left over goes to the last growing column.
pub fn column_widths(columns: &[Column], cells: &[Vec<String>], available: u16) -> Vec<u16> {
    let spacing = COLUMN_SPACING * u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
    let available = available.saturating_sub(spacing);
    let mut widths: Vec<u16> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let widest = cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
                .max(c.title.len());
            u16::try_from(widest).unwrap_or(u16::MAX)
        })
        .collect();
    let mut excess = widths.iter().sum::<u16>().saturating_sub(available);
    let growing = || columns.iter().enumerate().rev().filter(|(_, c)| c.grow);
    let fixed = || columns.iter().enumerate().rev().filter(|(_, c)| !c.grow);
    // First the growing columns give way down to their minimum, then down to nothing (the
    // last ones first), and only then the fixed ones.
    let passes = growing()
        .map(|(i, c)| (i, c.min_width))
        .chain(growing().map(|(i, _)| (i, 0)))
        .chain(fixed().map(|(i, _)| (i, 1)));
    for (i, floor) in passes.collect::<Vec<_>>() {
        if excess == 0 {
            break;
        }
        let give = widths[i].saturating_sub(floor).min(excess);
        widths[i] -= give;
        excess -= give;
    }
    let spare = available.saturating_sub(widths.iter().sum());
    if let Some(last_grow) = columns.iter().rposition(|c| c.grow) {
        widths[last_grow] += spare;
    }
    widths
}

/// Body of one list: a table of the rows between the offset and the bottom of the area.
/// Only those rows are formatted, however many are loaded.
pub fn render_rows<T: Row>(frame: &mut Frame, area: Rect, pane: &ListPane<T>) {
    let t = theme();
    if area.height == 0 {
        return;
    }
    if pane.visible_len() == 0 {
        let text = if let Some(error) = &pane.error {
            Line::styled(format!("✗ {}", sanitize(error)), t.error)
        } else if !pane.is_loaded() {
            Line::styled("loading…", t.muted)
        } else if pane.filter.is_active() {
            Line::styled("no loaded row matches the filter", t.muted)
        } else {
            Line::styled("none", t.muted)
        };
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = pane.offset().min(pane.visible_len().saturating_sub(1));
    let shown: Vec<&T> = (offset..(offset + height).min(pane.visible_len()))
        .filter_map(|i| pane.visible_row(i))
        .collect();
    let marked: Vec<bool> = shown
        .iter()
        .map(|r| pane.changed.contains_key(r.id()))
        .collect();
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|row| {
            row.cells()
                .iter()
                .map(|c| sanitize(c).into_owned())
                .collect()
        })
        .collect();
    let widths = column_widths(
        T::COLUMNS,
        &cells,
        area.width.saturating_sub(HIGHLIGHT_WIDTH),
    );
    let rows: Vec<TableRow> = cells
        .into_iter()
        .zip(marked)
        .map(|(row, changed)| changed_row(TableRow::new(row.into_iter().map(Cell::from)), changed))
        .collect();
    let widths: Vec<Constraint> = widths.into_iter().map(Constraint::Length).collect();
    let header =
        TableRow::new(T::COLUMNS.iter().map(|c| Cell::from(c.title))).style(t.column_header);
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(t.selected)
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .column_spacing(COLUMN_SPACING);
    let mut table_state =
        TableState::default().with_selected(Some(pane.selected_index().saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut table_state);
}
