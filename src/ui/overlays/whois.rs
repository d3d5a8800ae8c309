//! The `w` lookup: an address field, then the answer — with the instance and interface EC2
//! says hold the destination — or the subnets holding an IP.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::join::Join;
use crate::app::overlays::whois::{Lookup, LookupResult, behind};
use crate::model::behind::{ALLOW_NOTE, ALLOW_NOTE_SHORT};
use crate::model::{Verdict, Via};
use crate::text::sanitize;
use crate::ui::screens::list::input_spans;
use crate::ui::theme::theme;

fn field(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<14} "), theme().field),
        Span::raw(sanitize(&value).into_owned()),
    ])
}

/// Characters of an instance's Name tag shown before it is cut (its id never is).
const NAME_MAX: usize = 24;

/// What EC2 may say takes a few lines more than the answer alone.
const HEIGHT: u16 = 20;

pub fn render(frame: &mut Frame, area: Rect, lookup: &Lookup, join: &Join) {
    let t = theme();
    let width = 96.min(area.width);
    let height = HEIGHT.min(area.height);
    let popup = crate::ui::popup(frame, area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.key)
        .title(Span::styled(" Who is behind it? ", t.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let hint_text = format!(
        "IP:PORT of an accelerator, or a destination IP alone (searched in {})",
        sanitize(&lookup.scope_name)
    );
    // Two lines when one cannot hold where the search goes.
    let hint_rows = if crate::ui::fit::width(&hint_text) <= usize::from(inner.width) {
        1
    } else {
        2
    };
    let [input_line, hint, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(hint_rows),
        Constraint::Min(0),
    ])
    .areas(inner);
    let mut spans = vec![Span::styled("Address ", t.field)];
    let typed = input_spans(frame, input_line, 8, &lookup.input, true);
    // The last address asked, shown selected: typing replaces it.
    spans.extend(
        typed
            .into_iter()
            .map(|s| if lookup.fresh { s.style(t.selected) } else { s }),
    );
    frame.render_widget(Paragraph::new(Line::from(spans)), input_line);
    // Word wrapping may leave the end of the first line empty: keep a word's worth spare.
    let room = usize::from(hint.width) * usize::from(hint_rows) - 16 * usize::from(hint_rows - 1);
    frame.render_widget(
        Paragraph::new(Line::styled(
            crate::ui::fit::cut_words(&hint_text, room),
            t.muted,
        ))
        .wrap(Wrap { trim: true }),
        hint,
    );
    let mut lines = vec![Line::raw("")];
    if lookup.pending.is_some() {
        lines.push(Line::styled("looking up…", t.spinner));
    } else if lookup.narrowing.is_some() {
        lines.push(Line::styled(
            "asking EC2 for the subnets' CIDRs, so only those that may hold it are asked…",
            t.spinner,
        ));
    }
    if let Some(e) = &lookup.error {
        lines.push(Line::styled(format!("✗ {}", sanitize(e)), t.error));
    }
    match &lookup.result {
        Some(LookupResult::Address(a)) => {
            let traffic = match a.verdict() {
                Verdict::Disabled => {
                    Span::styled("✗ DISABLED accelerator: no traffic reaches it", t.deny)
                }
                Verdict::Allow => Span::styled("✓ ALLOW", t.allow),
                Verdict::Deny => Span::styled("✗ DENY", t.deny),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<14} ", "traffic"), t.field),
                traffic,
            ]));
            lines.push(field("destination", a.destination.to_string()));
            let ec2 = behind(join, &a.region, &a.subnet, &a.destination.ip);
            let instance = ec2.instance_text(
                a.destination
                    .ip
                    .parse()
                    .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED),
                &a.subnet,
                NAME_MAX,
            );
            let instance_style = match ec2.holder() {
                Some(h) if h.is_live() => t.allow,
                Some(h) if h.instance.is_some() => t.deny,
                _ => t.muted,
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<14} ", "instance"), t.field),
                Span::styled(sanitize(&instance).into_owned(), instance_style),
            ]));
            if let Some(interface) = ec2.interface_text() {
                lines.push(field("interface", interface));
            }
            if let Some(exposure) = ec2.exposure(a.traffic) {
                lines.push(Line::styled(format!("⚠ {exposure}"), t.deny));
            }
            lines.push(field("subnet", a.subnet.clone()));
            lines.push(field("region", a.region.clone()));
            lines.push(field(
                "protocols",
                a.protocols.map_or_else(|| "-".into(), |p| p.to_string()),
            ));
            lines.push(field("accelerator", a.accelerator_name.clone()));
            lines.push(field(
                "endpoint group",
                crate::model::short_id(&a.endpoint_group_arn).to_string(),
            ));
            lines.push(field(
                "listener",
                crate::model::short_id(&a.listener_arn).to_string(),
            ));
            let via = match (a.via, a.index_was_stale) {
                (Via::Index, _) => "local index, confirmed live",
                (Via::Listing, true) => "listing (the index was stale and is dropped)",
                (Via::Listing, false) => "listing (no index: portolan index build)",
            };
            let note = if crate::ui::fit::width(ALLOW_NOTE) < usize::from(body.width) {
                ALLOW_NOTE
            } else {
                ALLOW_NOTE_SHORT
            };
            lines.push(Line::styled(note, t.muted));
            lines.push(Line::styled(format!("answered from {via}"), t.muted));
            lines.push(Line::styled(
                "Enter opens it in the mapping browser · Ctrl-P pins it to the watch",
                t.muted,
            ));
        }
        Some(LookupResult::Holders { ip, found }) => {
            lines.push(Line::styled(format!("{ip} is in:"), t.title));
            for (i, h) in found.iter().enumerate() {
                let style = if i == lookup.selected {
                    t.selected
                } else {
                    ratatui::style::Style::new()
                };
                let mut row = format!(
                    "{} {}  {}  {}",
                    if i == lookup.selected { "▶" } else { " " },
                    sanitize(&h.subnet),
                    sanitize(&h.group.region),
                    sanitize(&h.accelerator_name)
                );
                // What holds the address there, when EC2 has said.
                let ec2 = behind(join, &h.group.region, &h.subnet, ip);
                if let Some(holder) = ec2.holder() {
                    row.push_str("  ");
                    row.push_str(&sanitize(holder.label()));
                }
                lines.push(Line::styled(row, style));
            }
            lines.push(Line::styled(
                "↑↓ pick · Enter browses its mappings",
                t.muted,
            ));
        }
        None => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
}
