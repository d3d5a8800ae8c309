//! The add-subnet dialog with the region's subnets to choose from: the filter, the subnets
//! (ids, blocks and numbers whole; a name cut with `…`, a column that does not fit dropped and
//! its value shown for the cursor row beneath), what the choice takes of the listener, then the
//! typed ids, the allow-all toggle and the Add button as in the typed dialog.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::form::{LineBuilder, button_and_answer, error_lines, framed, wrapped};
use crate::app::join::Known;
use crate::app::overlays::add_subnets;
use crate::app::overlays::add_subnets::MAX_ADD;
use crate::app::overlays::create::CreateDialog;
use crate::app::overlays::fields::Focus;
use crate::app::overlays::subnet_picker::{AROUND, Choice, SubnetPicker, rows_shown};
use crate::model::ec2::Subnet;
use crate::text::sanitize;
use crate::ui::fit::{self, ColumnSpec, Kind};
use crate::ui::theme::theme;

/// The widest the dialog gets: every column of a subnet fits.
const WIDEST: u16 = 132;
/// Cells of the filter field.
const FILTER_WIDTH: u16 = 20;
/// `[x] ` before each subnet.
const MARK: u16 = 4;

/// Columns of a subnet row, in the order shown; ids, blocks and numbers are never cut, the
/// name is; VPC goes first when the width is short, then the name, the zone, the addresses.
const SUBNET: usize = 0;
const NAME: usize = 1;
const CIDR: usize = 2;
const ZONE: usize = 3;
const VPC: usize = 4;
const ADDRS: usize = 5;
const PORTS: usize = 6;
const COLUMNS: [ColumnSpec; 7] = [
    ColumnSpec::whole("SUBNET", Kind::Id, 0),
    ColumnSpec::name("NAME", 6, 24, 5),
    ColumnSpec::whole("CIDR", Kind::Address, 1),
    ColumnSpec::whole("ZONE", Kind::Id, 4),
    ColumnSpec::whole("VPC", Kind::Id, 6),
    ColumnSpec::whole("ADDRS", Kind::Number, 3),
    ColumnSpec::whole("PORTS", Kind::Number, 2),
];

fn cells(row: &Choice) -> Vec<String> {
    let s = &row.subnet;
    let dash = || "-".to_string();
    vec![
        sanitize(&s.id).into_owned(),
        s.name
            .as_deref()
            .map_or_else(dash, |n| sanitize(n).into_owned()),
        s.cidr.map_or_else(dash, |c| c.to_string()),
        sanitize(&s.availability_zone).into_owned(),
        sanitize(&s.vpc_id).into_owned(),
        row.usable.map_or_else(dash, |u| u.to_string()),
        if row.in_group {
            "in group".into()
        } else {
            row.ports.map_or_else(dash, |p| p.to_string())
        },
    ]
}

/// The line in place of the rows while there are none to show, if any.
fn no_rows(
    picker: &SubnetPicker,
    known: Known<'_, Vec<Subnet>>,
    width: usize,
) -> Vec<Line<'static>> {
    let t = theme();
    let region = sanitize(&picker.region).into_owned();
    if !picker.has_rows() {
        return match known {
            Known::Failed(why) => wrapped(
                &format!(" ✗ EC2 did not list the subnets of {region}: {why}. Type ids below."),
                width,
                t.error,
            ),
            _ => wrapped(
                &format!(" loading subnets of {region} from EC2… (ids typed below work meanwhile)"),
                width,
                t.muted,
            ),
        };
    }
    if picker.list.rows().is_empty() {
        return wrapped(
            &format!(" EC2 lists no subnet in {region}: type ids below"),
            width,
            t.muted,
        );
    }
    if picker.list.view_len() == 0 {
        let text = format!(" no subnet matches \"{}\"", picker.list.filter.text());
        return wrapped(&text, width, t.muted);
    }
    Vec::new()
}

/// The first row shown of `rows` lines: where the list last scrolled to, moved only as far as
/// the cursor needs.
fn first_shown(picker: &SubnetPicker, rows: usize) -> usize {
    let (selected, offset) = (picker.list.selected_index(), picker.list.offset());
    let first = if selected < offset {
        selected
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    };
    first.min(picker.list.view_len().saturating_sub(rows))
}

/// The columns shown at `width` (a width for each, `None`: dropped), from every row so they
/// hold still while the filter and the cursor move.
/// Two cells between columns, or one where two would drop a column that one shows.
fn widths(picker: &SubnetPicker, width: u16) -> (Vec<Option<u16>>, u16) {
    let all: Vec<Vec<String>> = picker.list.rows().iter().map(cells).collect();
    let available = width.saturating_sub(2 + MARK);
    let wide = in_order(fit::fit(&COLUMNS, &all, available, 2).widths);
    let tight = in_order(fit::fit(&COLUMNS, &all, available, 1).widths);
    let loses = tight
        .iter()
        .zip(&wide)
        .any(|(t, w)| t.is_some() && w.is_none());
    if loses { (tight, 1) } else { (wide, 2) }
}

/// No column shown where one more important is not (a cut name beside no zone): what the
/// table leaves out, the line beneath it says for the cursor row.
fn in_order(mut widths: Vec<Option<u16>>) -> Vec<Option<u16>> {
    let dropped = COLUMNS
        .iter()
        .zip(&widths)
        .filter(|(_, w)| w.is_none())
        .map(|(c, _)| c.priority)
        .min();
    if let Some(first) = dropped {
        for (c, w) in COLUMNS.iter().zip(&mut widths) {
            if c.priority > first {
                *w = None;
            }
        }
    }
    widths
}

/// The column titles and the rows from `first`, fitted to `width`. A subnet that alone
/// takes more listener ports than are left free has its count in the error colour.
fn table(
    picker: &SubnetPicker,
    (first, rows): (usize, usize),
    width: u16,
    left: Option<u64>,
) -> Vec<Line<'static>> {
    let t = theme();
    let (widths, spacing) = widths(picker, width);
    let shown: Vec<(usize, usize)> = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, usize::from(w))))
        .collect();
    let gap = " ".repeat(usize::from(spacing));
    let lay = |cells: &[String], styles: &dyn Fn(usize) -> Style| -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        for (n, &(i, w)) in shown.iter().enumerate() {
            if n > 0 {
                spans.push(Span::raw(gap.clone()));
            }
            let cell = fit::cut(cells.get(i).map_or("", String::as_str), w);
            let text = if matches!(COLUMNS[i].kind, Kind::Number) {
                format!("{cell:>w$}")
            } else {
                format!("{cell:<w$}")
            };
            spans.push(Span::styled(text, styles(i)));
        }
        spans
    };
    let titles: Vec<String> = COLUMNS.iter().map(|c| c.title.to_string()).collect();
    let mut header = vec![Span::raw(" ".repeat(1 + usize::from(MARK)))];
    header.extend(lay(&titles, &|_| Style::new()));
    let mut lines = vec![Line::from(header).style(t.column_header)];
    for position in first..(first + rows).min(picker.list.view_len()) {
        let Some(row) = picker.list.visible_row(position) else {
            continue;
        };
        let chosen = picker.chosen.contains(&row.subnet.id);
        let mark = match (row.in_group, chosen) {
            (true, _) => "   ",
            (false, true) => "[x]",
            (false, false) => "[ ]",
        };
        let too_big = !row.in_group && !chosen && row.ports.zip(left).is_some_and(|(p, l)| p > l);
        let ports_style = if too_big { t.error } else { Style::new() };
        let mut spans = vec![Span::raw(format!(" {mark} "))];
        spans.extend(lay(&cells(row), &|i| {
            if i == PORTS {
                ports_style
            } else {
                Style::new()
            }
        }));
        let style = if position == picker.list.selected_index() && picker.focused {
            t.selected
        } else if row.in_group {
            t.muted
        } else {
            Style::new()
        };
        lines.push(Line::from(spans).style(style));
    }
    lines
}

/// Cells the cursor row's name keeps beneath the table before a value the table leaves out
/// gives way to it.
const NAME_AT_LEAST: usize = 8;

/// The cursor row's name whole where it fits, and what of it the table leaves out (its zone,
/// its VPC; on a narrow terminal its numbers too), on one line: each value whole or not at all,
/// the name cut to the room left.
fn facts(picker: &SubnetPicker, width: u16) -> Option<Line<'static>> {
    let t = theme();
    let row = picker.list.selected()?;
    let (widths, _) = widths(picker, width);
    let cells = cells(row);
    let lead = format!(" ▸ {} ", cells[SUBNET]);
    let mut extras: Vec<String> = [
        (CIDR, ""),
        (PORTS, " ports"),
        (ADDRS, " addresses"),
        (ZONE, ""),
        (VPC, ""),
    ]
    .into_iter()
    .filter(|(column, _)| widths[*column].is_none())
    .map(|(column, unit)| {
        let unit = if row.in_group && column == PORTS {
            ""
        } else {
            unit
        };
        format!(" · {}{unit}", cells[column])
    })
    .collect();
    let room = usize::from(width).saturating_sub(fit::width(&lead));
    let name_needs = fit::width(&cells[NAME]).min(NAME_AT_LEAST);
    while !extras.is_empty()
        && extras.iter().map(|e| fit::width(e)).sum::<usize>() + name_needs > room
    {
        extras.pop();
    }
    let left = room.saturating_sub(extras.iter().map(|e| fit::width(e)).sum());
    let mut text = lead;
    text.push_str(&fit::cut(&cells[NAME], left));
    text.extend(extras);
    Some(Line::styled(text, t.muted))
}

/// How many subnets are chosen and typed and the listener ports they take, against what the
/// listener has free (from the dialog's count, once it has one).
fn taken(dialog: &CreateDialog, picker: &SubnetPicker, width: usize) -> Vec<Line<'static>> {
    let t = theme();
    let typed = add_subnets::typed_ids(&dialog.form);
    let taken = picker.taken(&typed);
    let per = dialog.group().map_or(0, add_subnets::destination_ports);
    let mut text = format!(" Chosen {} of {MAX_ADD} at most", taken.subnets);
    let known = taken.subnets - taken.unknown;
    if known > 0 || taken.unknown == 0 {
        text.push_str(&format!(
            ": {} listener ports ({per} a mapped address)",
            taken.ports
        ));
    }
    match (known, taken.unknown) {
        (_, 0) => {}
        (0, _) => text.push_str(", of a size EC2 did not tell"),
        (_, n) => text.push_str(&format!(" and {n} of a size EC2 did not tell")),
    }
    let mut lines = Vec::new();
    match dialog.count.free() {
        Some(free) if taken.ports > free => {
            text.push_str(&format!(
                "; the listener has {free} free: more than that is refused"
            ));
            lines.extend(wrapped(&text, width, t.error));
        }
        Some(free) => {
            text.push_str(&format!("; {free} free"));
            lines.extend(wrapped(&text, width, Style::new()));
        }
        None => {
            lines.extend(wrapped(&text, width, Style::new()));
            for line in dialog.count.lines(per).into_iter().take(1) {
                lines.extend(wrapped(&format!(" {line}"), width, t.muted));
            }
        }
    }
    lines
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    dialog: &CreateDialog,
    picker: &SubnetPicker,
    known: Known<'_, Vec<Subnet>>,
) {
    let t = theme();
    let form = &dialog.form;
    let outer = crate::ui::popup_width(area, WIDEST);
    let inner = outer.saturating_sub(2);
    let width = usize::from(inner);
    let mut top = Vec::new();
    let mut filter = LineBuilder::new();
    filter.push(" ".into(), Style::new());
    filter.input(
        "Filter",
        &picker.list.filter.input,
        FILTER_WIDTH,
        picker.focused && !form.confirm_discard,
    );
    let total = picker.list.rows().len();
    if picker.has_rows() {
        let count = if picker.list.filter.is_active() {
            format!("  {} of {total} subnets", picker.list.view_len())
        } else {
            format!("  {total} subnets")
        };
        filter.push(count, t.muted);
    }
    let filter_cursor = filter.cursor.map(|c| (0usize, c));
    top.push(filter.line());
    let empty = no_rows(picker, known, width);
    let mut below = Vec::new();
    if empty.is_empty() {
        below.extend(facts(picker, inner));
    }
    below.extend(taken(dialog, picker, width));
    if let Some(n) = &picker.notice {
        below.extend(wrapped(&format!(" ⚠ {n}"), width, t.stale));
    }
    let tall = area.height >= 40;
    if tall {
        below.extend(wrapped(
            &format!(" {}", add_subnets::HEADING),
            width,
            t.muted,
        ));
    }
    below.push(Line::raw(""));
    let mut cursor = None;
    for (i, field) in form.head.iter().enumerate() {
        let mut line = LineBuilder::new();
        line.push(" ".into(), Style::new());
        line.field(field, !picker.focused && form.focus == Focus::Head(i));
        if let Some(c) = line.cursor {
            cursor = Some((below.len(), c));
        }
        below.push(line.line());
        below.extend(error_lines(field, width));
    }
    below.extend(button_and_answer(
        dialog,
        !picker.focused && form.focus == Focus::Submit,
        width,
    ));
    // The rows get what the rest leaves, up to what the scrolling assumes.
    let tallest = area.height.saturating_sub(AROUND);
    let room = usize::from(tallest.saturating_sub(2)).saturating_sub(top.len() + below.len());
    let middle = if empty.is_empty() {
        let rows = rows_shown(area.height).min(room.saturating_sub(1)).max(1);
        let left = dialog.count.free().map(|free| {
            let typed = add_subnets::typed_ids(form);
            free.saturating_sub(picker.taken(&typed).ports)
        });
        table(picker, (first_shown(picker, rows), rows), inner, left)
    } else {
        empty
    };
    let below_at = top.len() + middle.len();
    let cursor = if picker.focused {
        filter_cursor
    } else {
        cursor.map(|(line, c)| (below_at + line, c))
    };
    let lines: Vec<Line> = top.into_iter().chain(middle).chain(below).collect();
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(tallest.max(3));
    framed(frame, area, (outer, height), dialog, lines, cursor);
}
