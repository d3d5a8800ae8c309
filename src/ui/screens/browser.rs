//! The port-mapping browser: the destination form, then a table that formats only the rows
//! on screen, whether ten or a million are loaded.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

use crate::app::columns::{ColumnChoice, View};
use crate::app::join::{Join, Known};
use crate::app::screens::browser::{Browser, FormField, Prompt, Source};
use crate::model::behind::kept_by_aws;
use crate::text::sanitize;
use crate::ui::fit::Part;
use crate::ui::screens::list::{draw_table, input_spans, render_filter, spans};
use crate::ui::theme::theme;

use super::browser_columns::{COLUMNS, TRAFFIC, fitted};

/// The frame's title; `off`: rows on screen are of a disabled accelerator.
fn title(b: &Browser, width: u16, off: bool, wide: bool) -> Line<'static> {
    let t = theme();
    let loaded = b.table().len();
    let count = if b.source.is_none() {
        None
    } else if !b.list.is_loaded() && b.list.pager.error.is_some() && !b.list.is_loading() {
        Some("failed".to_string())
    } else if !b.list.is_loaded() {
        Some("loading…".to_string())
    } else if b.is_complete() {
        Some(format!("all {loaded}"))
    } else {
        Some(format!("loaded {loaded} · more…"))
    };
    let mut parts = vec![Part::whole(" ", Style::new(), 0)];
    if let Some(count) = count {
        parts.push(Part::whole(format!("{count} "), t.title, 0));
        parts.push(Part::whole("─ ", Style::new(), 0));
    }
    match &b.source {
        // Never cut: short of room the subnet goes first (the form under the title names it).
        Some(Source::Destination { subnet, ip }) => {
            parts.push(Part::whole(
                format!("mappings of {} ", sanitize(ip)),
                Style::new(),
                1,
            ));
            parts.push(Part::whole(
                format!("in {} ", sanitize(subnet)),
                Style::new(),
                3,
            ));
        }
        // "mappings of NAME › REGION group ID": the name may be cut, the group is whole or
        // left to the breadcrumbs.
        Some(Source::Accelerator { group: Some(_), .. }) if b.title.contains(" › ") => {
            let (name, group) = b.title.split_once(" › ").unwrap_or_default();
            parts.push(Part::name(
                format!("mappings of {} ", sanitize(name)),
                Style::new(),
                1,
            ));
            parts.push(Part::whole(
                format!("› {} ", sanitize(group)),
                Style::new(),
                3,
            ));
        }
        _ => parts.push(Part::name(
            format!("{} ", sanitize(&b.describe())),
            Style::new(),
            1,
        )),
    }
    if off {
        parts.push(Part::whole("─ OFF: accelerator disabled ", t.deny, 1));
    }
    if let Some((looked, of)) = b.list.filter_progress() {
        parts.push(Part::whole(
            format!(
                "─ filtering: {} match so far, {looked} of {of} rows looked at ",
                b.view_len()
            ),
            t.field,
            2,
        ));
    } else if b.list.filter.is_active() {
        parts.push(Part::whole(
            format!("─ {} of {loaded} loaded match the filter ", b.view_len()),
            t.field,
            2,
        ));
    }
    if let Some((column, reversed)) = b.list.sort {
        let name = COLUMNS.get(column).map_or("?", |c| c.title);
        let arrow = if reversed { "↓" } else { "↑" };
        parts.push(Part::whole(
            format!("─ sort {name} {arrow} "),
            Style::new(),
            3,
        ));
    }
    if let Some(seek) = &b.seek {
        parts.push(Part::whole(
            format!(
                "─ looking for port {}: {} scanned ",
                seek.port, seek.scanned
            ),
            t.spinner,
            0,
        ));
    }
    if wide {
        parts.push(Part::whole("─ wide ", t.field, 2));
    }
    if b.list.pager.stale {
        parts.push(Part::whole("─ STALE ", t.stale, 0));
    }
    spans(&parts, width)
}

pub fn render(frame: &mut Frame, area: Rect, b: &Browser, choice: &ColumnChoice, join: &Join) {
    let t = theme();
    let width = area.width.saturating_sub(2);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border);
    let inner = block.inner(area);
    let show_filter = b.list.filter.editing || b.list.filter.is_active();
    // A long note (an address outside every subnet, with their CIDRs) takes two lines rather
    // than being cut; the app counts the same rows to keep the cursor on screen.
    let above = b.rows_above(width);
    let [form_area, filter_area, table_area] = Layout::vertical([
        Constraint::Length(above - u16::from(show_filter)),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(0),
    ])
    .areas(inner);
    let (note, off) = render_rows(frame, table_area, b, choice, join);
    let block = block.title(title(b, width, off, choice.is_wide(View::Browser)));
    let block = match note {
        Some(note) => block.title_bottom(note),
        None => block,
    };
    frame.render_widget(block, area);
    if b.form.is_some() {
        render_form(frame, form_area, b);
    }
    if show_filter {
        render_filter(frame, filter_area, &b.list.filter);
    }
    if let Some(prompt) = &b.prompt {
        render_prompt(frame, area, b, prompt);
    }
}

fn render_form(frame: &mut Frame, area: Rect, b: &Browser) {
    let t = theme();
    let Some(form) = &b.form else { return };
    let [fields, note] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
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
    let (text, style) = form_note(b);
    frame.render_widget(
        Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true }),
        note,
    );
}

/// The line under the form's fields: what went wrong, what the lookup did, or the keys.
fn form_note(b: &Browser) -> (String, Style) {
    let t = theme();
    match b.form_note() {
        Some((text, true)) => (sanitize(&text).into_owned(), t.error),
        Some((text, false)) => (sanitize(&text).into_owned(), t.muted),
        None => (String::new(), t.muted),
    }
}

fn empty_text(b: &Browser, join: &Join) -> Line<'static> {
    let t = theme();
    if let Some(e) = &b.list.pager.error {
        return Line::styled(format!("✗ {}", sanitize(e)), t.error);
    }
    match &b.source {
        None => Line::styled("Type a destination IPv4 address and press Enter.", t.muted),
        Some(_) if !b.list.is_loaded() => Line::styled("loading…", t.muted),
        Some(_) if b.list.filter.is_active() => {
            Line::styled("no loaded mapping matches the filter", t.muted)
        }
        Some(Source::Destination { subnet, ip }) => {
            Line::styled(no_mappings(b, join, subnet, ip), t.field)
        }
        Some(Source::Accelerator { .. }) => {
            Line::styled("No mappings: no subnet endpoint is attached yet.", t.field)
        }
    }
}

/// Why a destination has no mappings: from the subnet's CIDR when EC2 gave it, else what
/// Global Accelerator alone allows one to say.
fn no_mappings(b: &Browser, join: &Join, subnet: &str, ip: &str) -> String {
    let (ip_shown, subnet_shown) = (sanitize(ip), sanitize(subnet));
    let cidr = match b.group_region().map(|r| join.cidr(r, subnet)) {
        Some(Known::Ready(c)) => Some(*c),
        _ => None,
    };
    match (cidr, ip.parse::<std::net::Ipv4Addr>()) {
        (Some(c), Ok(a)) if !c.contains(&a) => {
            format!("No mappings: {ip_shown} is outside {subnet_shown} ({c}).")
        }
        (Some(c), Ok(a)) if kept_by_aws(c, a) => format!(
            "No mappings: {ip_shown} is one of the five addresses AWS keeps in every subnet \
             ({subnet_shown}, {c}); Global Accelerator never maps it."
        ),
        (Some(c), Ok(_)) => format!(
            "No mappings: {subnet_shown} ({c}) holds {ip_shown}, yet Global Accelerator lists \
             none for it in any accelerator."
        ),
        _ => format!(
            "No mappings: {ip_shown} is not an address that {subnet_shown} holds in any \
             accelerator. Global Accelerator never reveals a subnet's CIDR, so an address \
             outside it simply has none."
        ),
    }
}

/// The table of the rows on screen; returns what the bottom border says (the shared static
/// IPs, the hidden columns), and whether a row on screen is of a disabled accelerator.
fn render_rows(
    frame: &mut Frame,
    area: Rect,
    b: &Browser,
    choice: &ColumnChoice,
    join: &Join,
) -> (Option<Line<'static>>, bool) {
    let t = theme();
    if area.height == 0 {
        return (None, false);
    }
    if b.view_len() == 0 {
        frame.render_widget(
            Paragraph::new(empty_text(b, join)).wrap(Wrap { trim: true }),
            area,
        );
        return (None, false);
    }
    let height = usize::from(area.height.saturating_sub(1));
    let offset = b.list.offset().min(b.view_len().saturating_sub(1));
    let marked: Vec<bool> = (offset..(offset + height).min(b.view_len()))
        .filter_map(|i| b.row_index(i))
        .map(|i| b.list.is_marked(i))
        .collect();
    let (columns, fitted, one, off) = fitted(b, area.width, height, choice);
    let mut parts = Vec::new();
    if let Some(ips) = one {
        if ips.is_empty() {
            parts.push(Part::whole(" static IPs not known ", t.muted, 0));
        } else {
            parts.push(Part::whole(format!(" IPs {ips} "), t.muted, 0));
            // The explanation gives way before the names of hidden columns do.
            parts.push(Part::whole("(each row's PORT on each) ", t.muted, 2));
        }
    }
    let hidden = fitted.hidden(&columns);
    if !hidden.is_empty() {
        let sep = if parts.is_empty() { " " } else { "─ " };
        let mut note = format!("{sep}hidden: {} ", hidden.join(", "));
        let beside = parts.first().map_or(0, |p| crate::ui::fit::width(&p.text));
        if beside + crate::ui::fit::width(&note) + 2 > usize::from(area.width) {
            // Too many to name: how many, and where they are.
            note = format!("{sep}hidden: {} columns (wide view) ", hidden.len());
        }
        parts.push(Part::whole(note, t.muted, 1));
    }
    let traffic = columns
        .iter()
        .position(|c| c.title == COLUMNS[TRAFFIC].title);
    draw_table(
        frame,
        area,
        fitted,
        &marked,
        b.selected().saturating_sub(offset),
        |i, text| {
            if Some(i) != traffic {
                Cell::from(text)
            } else if text.starts_with('✓') {
                Cell::from(Span::styled(text, t.allow))
            } else {
                Cell::from(Span::styled(text, t.deny))
            }
        },
    );
    ((!parts.is_empty()).then(|| spans(&parts, area.width)), off)
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
