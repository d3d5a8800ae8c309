//! The browser's columns and how the rows on screen are fitted to them: the one place the
//! cells of a mapping are made, whatever columns are chosen and however wide the view.

use crate::app::columns::{ColumnChoice, View};
use crate::app::mappings::MappingRow;
use crate::app::screens::browser::Browser;
use crate::model::{TrafficState, Verdict};
use crate::text::sanitize;
use crate::ui::fit::{self, ColumnSpec, Fitted, Kind};
use crate::ui::screens::list::{COLUMN_SPACING, HIGHLIGHT_WIDTH};

/// The browser's columns, in the order of `app::mappings::COLUMNS`. The accelerator port is
/// its own column: every static IP of an accelerator shares it, so the IPs are said once,
/// under the frame, while the rows on screen are of one accelerator, and get a column only
/// where they span several (or in the wide view).
pub const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::whole("PORT", Kind::Number, 0),
    ColumnSpec::whole("ACCELERATOR IPS", Kind::Address, 4),
    ColumnSpec::whole("DESTINATION", Kind::Address, 0),
    ColumnSpec::whole("PROTO", Kind::Word, 1),
    ColumnSpec::whole("TRAFFIC", Kind::Word, 0),
    ColumnSpec::name("ACCELERATOR", 8, 20, 2),
    ColumnSpec::whole("REGION", Kind::Id, 3),
    ColumnSpec::whole("SUBNET", Kind::Id, 5),
    ColumnSpec::whole("GROUP", Kind::Id, 6),
    ColumnSpec::name("INSTANCE", 8, 28, 1),
    ColumnSpec::whole("STATE", Kind::Word, 1),
    ColumnSpec::whole("INSTANCE ID", Kind::Id, 4),
    ColumnSpec::whole("INTERFACE", Kind::Id, 7),
    ColumnSpec::whole("ACCELERATOR ARN", Kind::Id, 7),
    ColumnSpec::whole("LISTENER", Kind::Id, 8),
    ColumnSpec::whole("GROUP ARN", Kind::Id, 9),
];
const IPS: usize = 1;
pub(super) const TRAFFIC: usize = 4;

/// What the TRAFFIC column says: whether traffic gets through, as whois says it. A disabled
/// accelerator passes nothing: OFF, with the mapping's own state (what A/D change) after it.
pub fn traffic_cell(row: &MappingRow<'_>) -> &'static str {
    match (row.verdict(), row.traffic) {
        (Verdict::Allow, _) => "✓ ALLOW",
        (Verdict::Deny, _) => "✗ DENY",
        (Verdict::Disabled, TrafficState::Allow) => "✗ OFF (allow)",
        (Verdict::Disabled, TrafficState::Deny) => "✗ OFF (deny)",
    }
}

/// A loaded mapping as the browser's columns show it (sanitised), in `COLUMNS` order.
pub fn cells(row: &MappingRow<'_>) -> Vec<String> {
    let traffic = traffic_cell(row).to_string();
    let ips = if row.static_ips.is_empty() {
        "-".to_string()
    } else {
        row.static_ips.join(" ")
    };
    [
        row.accelerator_port.to_string(),
        ips,
        row.destination().to_string(),
        row.protocols.map_or_else(|| "-".into(), |p| p.to_string()),
        traffic,
        row.accelerator_name
            .unwrap_or(crate::model::short_id(row.accelerator_arn))
            .to_string(),
        row.region.unwrap_or("-").to_string(),
        row.subnet.to_string(),
        crate::model::short_id(row.endpoint_group_arn).to_string(),
    ]
    .into_iter()
    .chain(crate::app::mappings::holder_cells(row))
    .chain([
        row.accelerator_arn.to_string(),
        crate::model::short_id(crate::model::listener_arn_of(row.endpoint_group_arn)).to_string(),
        row.endpoint_group_arn.to_string(),
    ])
    .map(|c| sanitize(&c).into_owned())
    .collect()
}

/// The rows on screen of the browser in the columns `choice` shows, fitted to `width` (the
/// table's width, selection mark included); the static IPs all of them share when they are of
/// one accelerator (said under the frame, not in a column, unless the view is wide), and
/// whether any of them is of a disabled accelerator.
pub fn fitted(
    b: &Browser,
    width: u16,
    height: usize,
    choice: &ColumnChoice,
) -> (Vec<ColumnSpec>, Fitted, Option<String>, bool) {
    let offset = b.list.offset().min(b.view_len().saturating_sub(1));
    let end = (offset + height).min(b.view_len());
    let rows: Vec<MappingRow<'_>> = (offset..end)
        .filter_map(|i| b.row_index(i))
        .filter_map(|i| b.table().get(i))
        .collect();
    let one = rows
        .first()
        .filter(|first| {
            rows.iter()
                .all(|r| r.accelerator_arn == first.accelerator_arn)
        })
        .map(|first| sanitize(&first.static_ips.join(" ")).into_owned());
    let off = rows.iter().any(|r| r.verdict() == Verdict::Disabled);
    let one = one.filter(|_| !choice.is_wide(View::Browser));
    let mut shown = choice.shown(View::Browser);
    if one.is_some() {
        shown.retain(|&c| c != IPS);
    }
    let cells: Vec<Vec<String>> = rows.iter().map(cells).collect();
    let (columns, fitted) = fit::fit_shown(
        COLUMNS,
        &shown,
        &cells,
        width.saturating_sub(HIGHLIGHT_WIDTH),
        COLUMN_SPACING,
    );
    (columns, fitted, one, off)
}
