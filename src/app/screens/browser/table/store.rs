//! The mapping table as the list engine keeps it: rows known by their destination socket
//! (group, address, port), compared by traffic state, sorted by typed keys.

use std::net::Ipv4Addr;

use super::{MappingTable, Matcher};
use crate::app::list::{Column, Match, SortKey, Store};

/// The browser's columns in the order it shows them by default, then those of the wide view.
/// The drawing side fits them (`ui::screens::browser::COLUMNS` follows these titles).
pub const COLUMNS: &[Column] = &[
    Column::number("PORT", 5),
    Column::text("ACCELERATOR IPS", 15, false),
    Column::text("DESTINATION", 15, false),
    Column::text("PROTO", 5, false),
    Column::text("TRAFFIC", 7, false),
    Column::text("ACCELERATOR", 8, true),
    Column::text("REGION", 9, false),
    Column::text("SUBNET", 15, false),
    Column::text("GROUP", 8, false),
    Column::text("INSTANCE", 8, true),
    Column::text("STATE", 7, false),
    Column::text("INSTANCE ID", 19, false),
    Column::text("INTERFACE", 21, false),
    Column::text("ACCELERATOR ARN", 40, false).wide(),
    Column::text("LISTENER", 8, false).wide(),
    Column::text("GROUP ARN", 40, false).wide(),
];

impl Match for Matcher<'_> {
    fn matches(&mut self, index: usize) -> bool {
        Matcher::matches(self, index)
    }
}

impl Store for MappingTable {
    /// The destination socket, as interned by this table and the tables `empty_like` makes.
    type Key = (u32, u32, u16);
    /// Whether traffic to it is allowed.
    type Print = bool;
    type Matcher<'a> = Matcher<'a>;

    fn len(&self) -> usize {
        MappingTable::len(self)
    }

    fn key(&self, index: usize) -> Option<Self::Key> {
        MappingTable::key(self, index).map(|(key, _)| key)
    }

    fn print(&self, index: usize) -> Option<bool> {
        MappingTable::key(self, index).map(|(_, allow)| allow)
    }

    fn matcher(&self, needle: &str) -> Matcher<'_> {
        MappingTable::matcher(self, needle)
    }

    fn columns(&self) -> usize {
        COLUMNS.len()
    }

    fn sort_key(&self, index: usize, column: usize) -> SortKey {
        let Some(row) = self.get(index) else {
            return SortKey::Text(String::new());
        };
        let text = |s: &str| SortKey::Text(s.to_string());
        match column {
            0 => SortKey::Number(u64::from(row.accelerator_port)),
            1 => SortKey::Text(row.static_ips.join(" ")),
            2 => match row.destination_ip.parse::<Ipv4Addr>() {
                Ok(ip) => SortKey::Number(
                    u64::from(u32::from(ip)) << 16 | u64::from(row.destination_port),
                ),
                Err(_) => SortKey::Text(row.destination().to_string()),
            },
            3 => row
                .protocols
                .map_or_else(|| text("-"), |p| SortKey::Text(p.to_string())),
            4 => SortKey::Text(row.traffic.to_string()),
            5 => text(
                row.accelerator_name
                    .unwrap_or(crate::app::rows::short_id(row.accelerator_arn)),
            ),
            6 => text(row.region.unwrap_or("-")),
            7 => text(row.subnet),
            8 => text(crate::app::rows::short_id(row.endpoint_group_arn)),
            9..=12 => text(&super::holder_cells(&row)[column - 9]),
            13 => text(row.accelerator_arn),
            14 => text(crate::app::rows::short_id(
                crate::app::rows::listener_arn_of(row.endpoint_group_arn),
            )),
            _ => text(row.endpoint_group_arn),
        }
    }

    fn empty_like(&self) -> Self {
        MappingTable::empty_like(self)
    }
}
