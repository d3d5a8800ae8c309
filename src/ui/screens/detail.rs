//! Detail views: every field of one accelerator, listener or endpoint group, long values
//! wrapped under their own column so ARNs stay whole and readable.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::rows::{port_ranges, yes_no};
use crate::app::{AcceleratorInfo, FIELD_NAME_WIDTH, GroupDetail, ListenerInfo, Loadable};
use crate::text::sanitize;
use crate::ui::theme::theme;

/// Lines for `name: value` pairs, values wrapped to `width` (the frame's inner width).
fn field_lines(fields: &[(&str, String)], width: u16) -> Vec<Line<'static>> {
    let t = theme();
    let name_width = usize::from(FIELD_NAME_WIDTH);
    let value_width = usize::from(width.saturating_sub(FIELD_NAME_WIDTH)).max(1);
    let mut lines = Vec::new();
    for (name, value) in fields {
        let clean: Vec<char> = sanitize(value).chars().collect();
        let mut chunks = clean.chunks(value_width);
        let first: String = chunks.next().unwrap_or_default().iter().collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<name_width$}", sanitize(name)), t.field),
            Span::raw(first),
        ]));
        for chunk in chunks {
            lines.push(Line::from(format!(
                "{:name_width$}{}",
                "",
                chunk.iter().collect::<String>()
            )));
        }
    }
    lines
}

fn section(title: &str) -> Line<'static> {
    Line::styled(title.to_string(), theme().title)
}

fn time(t: Option<SystemTime>) -> String {
    t.map_or_else(
        || "-".into(),
        |t| humantime::format_rfc3339_seconds(t).to_string(),
    )
}

/// What a part still loading or failed shows instead of its fields.
fn placeholder<T>(part: &Loadable<T>) -> Option<Line<'static>> {
    let t = theme();
    match (&part.value, &part.error) {
        (None, Some(e)) => Some(Line::styled(format!("✗ {}", sanitize(e)), t.error)),
        (None, None) => Some(Line::styled("loading…", t.muted)),
        _ => None,
    }
}

fn framed(frame: &mut Frame, area: Rect, title: String, lines: Vec<Line<'static>>, scroll: u16) {
    let t = theme();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Span::styled(format!(" {title} "), t.title));
    let inner_height = block.inner(area).height;
    let max_scroll = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(inner_height);
    let scroll = scroll.min(max_scroll);
    let block = if scroll < max_scroll {
        block.title_bottom(Span::styled(" ↓ more: j scrolls ", t.muted))
    } else {
        block
    };
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

pub fn accelerator(frame: &mut Frame, area: Rect, info: &AcceleratorInfo) {
    let width = area.width.saturating_sub(2);
    let mut lines = Vec::new();
    let mut name = String::from("Accelerator");
    if let Some(line) = placeholder(&info.accelerator) {
        lines.push(line);
    }
    if let Some(a) = &info.accelerator.value {
        name = format!("Accelerator {}", sanitize(&a.name));
        let ip_type = a.ip_address_type.map_or("-", |t| t.as_api_str());
        lines.extend(field_lines(
            &[
                ("Name", a.name.clone()),
                ("ARN", a.arn.clone()),
                ("Status", a.status.to_string()),
                ("Enabled", yes_no(a.enabled).into()),
                ("IP type", ip_type.into()),
                ("Static IPs", a.static_ips.join(", ")),
                ("DNS name", a.dns_name.clone()),
                ("Created", time(a.created)),
                ("Last modified", time(a.last_modified)),
            ],
            width,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(section("Flow logs"));
    lines.extend(placeholder(&info.attributes));
    if let Some(attrs) = &info.attributes.value {
        lines.extend(field_lines(
            &[
                ("Enabled", yes_no(attrs.flow_logs_enabled).into()),
                (
                    "S3 bucket",
                    attrs
                        .flow_logs_s3_bucket
                        .clone()
                        .unwrap_or_else(|| "-".into()),
                ),
                (
                    "S3 prefix",
                    attrs
                        .flow_logs_s3_prefix
                        .clone()
                        .unwrap_or_else(|| "-".into()),
                ),
            ],
            width,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(section("Tags"));
    lines.extend(placeholder(&info.tags));
    if let Some(tags) = &info.tags.value {
        if tags.is_empty() {
            lines.push(Line::styled("none", theme().muted));
        }
        let pairs: Vec<(&str, String)> = tags
            .iter()
            .map(|t| (t.key.as_str(), t.value.clone()))
            .collect();
        lines.extend(field_lines(&pairs, width));
    }
    framed(frame, area, name, lines, info.scroll);
}

pub fn listener(frame: &mut Frame, area: Rect, info: &ListenerInfo) {
    let width = area.width.saturating_sub(2);
    let mut lines = Vec::new();
    lines.extend(placeholder(&info.listener));
    if let Some(l) = &info.listener.value {
        let mut fields = vec![
            ("ARN", l.arn.clone()),
            ("Accelerator", info.accelerator.name.clone()),
            ("Port ranges", port_ranges(&l.port_ranges)),
            ("Total ports", l.total_ports().to_string()),
        ];
        fields.extend(
            l.port_ranges
                .iter()
                .map(|r| ("  range", format!("{r} ({} ports)", r.len()))),
        );
        lines.extend(field_lines(&fields, width));
    }
    lines.push(Line::raw(""));
    lines.push(section("Ports"));
    lines.extend(placeholder(&info.usage));
    if let Some(u) = &info.usage.value {
        let mut fields = vec![
            ("Held", format!("{} by the listener's ranges", u.total)),
            (
                "Used",
                format!("{} by {} endpoint group(s)", u.used(), u.groups.len()),
            ),
            ("Free", u.free().to_string()),
        ];
        fields.extend(u.groups.iter().map(|(region, arn, used)| {
            (
                "  group",
                format!("{region} {}: {used}", crate::model::short_id(arn)),
            )
        }));
        lines.extend(field_lines(&fields, width));
        lines.push(Line::styled(
            "A subnet takes (its size − 5) × the group's destination ports; its size is not known here.",
            theme().muted,
        ));
    }
    framed(frame, area, "Listener".into(), lines, info.scroll);
}

pub fn group(
    frame: &mut Frame,
    area: Rect,
    detail: &GroupDetail,
    choice: &crate::app::columns::ColumnChoice,
) {
    let size = (frame.area().width, frame.area().height);
    let fields_height = detail.fields_frame_height(size);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(fields_height), Constraint::Min(0)]).areas(area);
    let mut lines = Vec::new();
    lines.extend(placeholder(&detail.group));
    lines.extend(field_lines(&detail.fields(), top.width.saturating_sub(2)));
    let mut title = "Endpoint group".to_string();
    if detail.group.stale {
        title.push_str(" ─ STALE");
    }
    framed(frame, top, title, lines, 0);
    crate::ui::screens::list::render(
        frame,
        bottom,
        &detail.endpoints,
        "Subnet endpoints".into(),
        choice,
    );
}
