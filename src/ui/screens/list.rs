//! A list pane: a framed table of the visible rows only, with what is loaded, the filter and
//! the sort said in the frame's title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row as TableRow, Table, TableState};

use crate::ui::theme::theme;
use tui_input::Input;

use crate::app::columns::{ColumnChoice, View};
use crate::app::list::{Filter, ListPane, Row};
use crate::app::rows::SubnetEndpoint;
use crate::model::{Accelerator, EndpointGroup, Listener};
use crate::text::sanitize;
use crate::ui::fit::{self, ColumnSpec, Fitted, Kind, Part};
use ratatui::style::Style;

/// How each kind of row is fitted: its columns in the order of `Row::COLUMNS`, and the view
/// whose column choice it follows. Wide columns come last and go first when room is short.
pub trait Fit: Row {
    const SPECS: &'static [ColumnSpec];
    const VIEW: View;
}

impl Fit for Accelerator {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::name("NAME", 8, 24, 0),
        ColumnSpec::whole("STATUS", Kind::Word, 1),
        ColumnSpec::whole("ENABLED", Kind::Word, 2),
        ColumnSpec::whole("STATIC IPS", Kind::Address, 1),
        ColumnSpec::whole("DNS NAME", Kind::Address, 3),
        ColumnSpec::whole("IP TYPE", Kind::Word, 5),
        ColumnSpec::whole("CREATED", Kind::Word, 6),
        ColumnSpec::whole("ARN", Kind::Id, 4),
    ];
    const VIEW: View = View::Accelerators;
}

impl Fit for Listener {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::whole("LISTENER", Kind::Id, 0),
        ColumnSpec::whole("PORT RANGES", Kind::Number, 1),
        ColumnSpec::whole("PORTS", Kind::Number, 0),
        ColumnSpec::whole("ARN", Kind::Id, 4),
    ];
    const VIEW: View = View::Listeners;
}

impl Fit for EndpointGroup {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::whole("REGION", Kind::Id, 0),
        ColumnSpec::whole("DESTINATION PORTS", Kind::Number, 2),
        ColumnSpec::whole("SUBNETS", Kind::Number, 0),
        ColumnSpec::whole("GROUP", Kind::Id, 1),
        ColumnSpec::list("SUBNET IDS", 26, u16::MAX, 5),
        ColumnSpec::whole("ARN", Kind::Id, 4),
    ];
    const VIEW: View = View::Groups;
}

impl Fit for SubnetEndpoint {
    const SPECS: &'static [ColumnSpec] = &[
        ColumnSpec::whole("SUBNET ENDPOINT", Kind::Id, 0),
        ColumnSpec::name("NAME", 8, 24, 2),
        ColumnSpec::whole("CIDR", Kind::Address, 1),
        ColumnSpec::whole("ZONE", Kind::Id, 3),
        ColumnSpec::whole("VPC", Kind::Id, 4),
        ColumnSpec::whole("HELD", Kind::Number, 1),
        ColumnSpec::whole("REGION", Kind::Id, 4),
        ColumnSpec::whole("GROUP ARN", Kind::Id, 5),
    ];
    const VIEW: View = View::Subnets;
}

/// What the title says about the rows: how many, whether more exist, filter and sort; fitted
/// to `width` so no count is ever cut (the pane's name may be, with `…`).
fn title<T: Row>(pane: &ListPane<T>, name: &str, wide: bool, width: u16) -> Line<'static> {
    let t = theme();
    let loaded = pane.rows().len();
    let count = if !pane.is_loaded() && pane.pager.error.is_some() && !pane.is_loading() {
        "failed".to_string()
    } else if !pane.is_loaded() {
        "loading…".to_string()
    } else if pane.is_complete() {
        format!("all {loaded}")
    } else {
        format!("loaded {loaded} · more…")
    };
    let mut parts = vec![
        Part::name(format!(" {name} "), t.title, 1),
        Part::whole(format!("─ {count} "), Style::new(), 0),
    ];
    if pane.filter.is_active() {
        parts.push(Part::whole(
            format!(
                "─ {} of {loaded} loaded match the filter ",
                pane.visible_len()
            ),
            t.field,
            2,
        ));
    }
    if let Some((column, reversed)) = pane.sort {
        let name = T::COLUMNS.get(column).map_or("?", |c| c.title);
        let arrow = if reversed { "↓" } else { "↑" };
        parts.push(Part::whole(
            format!("─ sort {name} {arrow} "),
            Style::new(),
            3,
        ));
    }
    if wide {
        parts.push(Part::whole("─ wide ", t.field, 2));
    }
    if pane.pager.stale {
        parts.push(Part::whole("─ STALE ", t.stale, 0));
    }
    spans(&parts, width)
}

/// The fitted parts as one line.
pub fn spans(parts: &[Part<Style>], width: u16) -> Line<'static> {
    Line::from(
        fit::line(parts, width)
            .into_iter()
            .map(|(text, style)| Span::styled(text, style))
            .collect::<Vec<_>>(),
    )
}

/// The bottom border's note of the columns left out for want of room.
pub fn hidden_note(hidden: &[&str], width: u16) -> Option<Line<'static>> {
    if hidden.is_empty() {
        return None;
    }
    let note = format!(" hidden: {} (too narrow) ", hidden.join(", "));
    let short = format!(" hidden: {} ", hidden.join(", "));
    let parts = [Part::whole(short, theme().muted, 0)];
    let line = if fit::width(&note) <= usize::from(width) {
        Line::styled(note, theme().muted)
    } else {
        spans(&parts, width)
    };
    Some(line.right_aligned())
}

pub fn render<T: Fit>(
    frame: &mut Frame,
    area: Rect,
    pane: &ListPane<T>,
    name: String,
    choice: &ColumnChoice,
) {
    let t = theme();
    let width = area.width.saturating_sub(2);
    let wide = choice.is_wide(T::VIEW);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(title(pane, &sanitize(&name), wide, width));
    let inner = block.inner(area);
    let show_filter = pane.filter.editing || pane.filter.is_active();
    let [filter_area, table_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    let hidden = render_rows(frame, table_area, pane, &choice.shown(T::VIEW));
    let block = match hidden_note(&hidden, width) {
        Some(note) => block.title_bottom(note),
        None => block,
    };
    frame.render_widget(block, area);
    if show_filter {
        render_filter(frame, filter_area, &pane.filter);
    }
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

/// Body of one list: a table of the `shown` columns of the rows between the offset and the
/// bottom of the area. Only those rows are formatted, however many are loaded. Returns the
/// columns left out.
pub fn render_rows<T: Fit>(
    frame: &mut Frame,
    area: Rect,
    pane: &ListPane<T>,
    shown: &[usize],
) -> Vec<&'static str> {
    let t = theme();
    if area.height == 0 {
        return Vec::new();
    }
    if pane.visible_len() == 0 {
        let text = if let Some(error) = &pane.pager.error {
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
        return Vec::new();
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = pane.offset().min(pane.visible_len().saturating_sub(1));
    let rows: Vec<&T> = (offset..(offset + height).min(pane.visible_len()))
        .filter_map(|i| pane.visible_row(i))
        .collect();
    let marked: Vec<bool> = rows
        .iter()
        .map(|r| pane.changed.contains_key(r.id()))
        .collect();
    let cells: Vec<Vec<String>> = rows.iter().map(|row| row_cells(*row)).collect();
    let (specs, fitted) = fit::fit_shown(
        T::SPECS,
        shown,
        &cells,
        area.width.saturating_sub(HIGHLIGHT_WIDTH),
        COLUMN_SPACING,
    );
    let hidden = fitted.hidden(&specs);
    draw_table(
        frame,
        area,
        fitted,
        &marked,
        pane.selected_index().saturating_sub(offset),
        |_, text| Cell::from(text),
    );
    hidden
}

/// The cells of a row as drawn (sanitised), in column order.
pub fn row_cells<T: Row>(row: &T) -> Vec<String> {
    row.cells()
        .iter()
        .map(|c| sanitize(c).into_owned())
        .collect()
}

/// Draws fitted rows as a table with its header and the selection; `cell` styles a cell
/// given its column (an index into the specs).
pub fn draw_table(
    frame: &mut Frame,
    area: Rect,
    fitted: Fitted,
    marked: &[bool],
    selected: usize,
    cell: impl Fn(usize, String) -> Cell<'static>,
) {
    let t = theme();
    let columns = fitted.shown();
    let widths: Vec<Constraint> = fitted
        .shown_widths()
        .into_iter()
        .map(Constraint::Length)
        .collect();
    let rows: Vec<TableRow> = fitted
        .rows
        .into_iter()
        .zip(marked.iter().copied().chain(std::iter::repeat(false)))
        .map(|(row, changed)| {
            let cells = row
                .into_iter()
                .zip(&columns)
                .map(|(text, &i)| cell(i, text));
            changed_row(TableRow::new(cells), changed)
        })
        .collect();
    let header = TableRow::new(fitted.header.into_iter().map(Cell::from)).style(t.column_header);
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(t.selected)
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .column_spacing(COLUMN_SPACING);
    let mut table_state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut table_state);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_titles<T: Fit>() {
        let titles: Vec<&str> = T::COLUMNS.iter().map(|c| c.title).collect();
        let fitted: Vec<&str> = T::SPECS.iter().map(|c| c.title).collect();
        assert_eq!(titles, fitted, "a pane's fit specs follow its columns");
    }

    #[test]
    fn every_pane_fits_the_columns_it_has() {
        same_titles::<Accelerator>();
        same_titles::<Listener>();
        same_titles::<EndpointGroup>();
        same_titles::<SubnetEndpoint>();
    }
}
