//! The browser's filter test of one row, without building its cells.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::{
    CHUNK, DEST_IS_STRING, MappingTable, PROTO_KNOWN, PROTO_TCP, PROTO_UDP, TRAFFIC_ALLOW,
};

impl MappingTable {
    /// A matcher for `needle` (already lower case) over this table's rows.
    pub fn matcher(&self, needle: &str) -> Matcher<'_> {
        let protocols = std::array::from_fn(|bits| {
            let bits = u8::try_from(bits).unwrap_or(0);
            let text = if bits & PROTO_KNOWN == 0 {
                "-"
            } else {
                match (bits & PROTO_TCP != 0, bits & PROTO_UDP != 0) {
                    (true, true) => "tcp+udp",
                    (true, false) => "tcp",
                    (false, true) => "udp",
                    (false, false) => "",
                }
            };
            text.contains(needle)
        });
        let accelerators = self
            .accelerators
            .iter()
            .map(|a| {
                let arn = self.strings.get(a.arn);
                let shown = a.name.as_deref().unwrap_or(crate::app::rows::short_id(arn));
                // A disabled accelerator's rows say OFF in the traffic column.
                shown.to_lowercase().contains(needle) || (!a.enabled && "off".contains(needle))
            })
            .collect();
        Matcher {
            table: self,
            needle: needle.to_string(),
            strings: vec![0; self.strings.items.len()],
            accelerators,
            protocols,
            traffic: ["deny".contains(needle), "allow".contains(needle)],
            no_region: "-".contains(needle),
            buffer: String::with_capacity(64),
        }
    }
}

/// Tests rows against a lower-case substring without building their cells: strings many rows
/// share (ARNs, subnets, regions, accelerators) are tested once each, and only the addresses
/// are formatted per row, into one reused buffer.
pub struct Matcher<'a> {
    table: &'a MappingTable,
    needle: String,
    /// Per interned string: 0 not tested yet, 1 no match, 2 match.
    strings: Vec<u8>,
    accelerators: Vec<bool>,
    protocols: [bool; 8],
    traffic: [bool; 2],
    no_region: bool,
    buffer: String,
}

impl Matcher<'_> {
    fn string(&mut self, id: u32) -> bool {
        let Some(known) = self.strings.get_mut(id as usize) else {
            return false;
        };
        if *known == 0 {
            let hit = self
                .table
                .strings
                .get(id)
                .to_lowercase()
                .contains(&self.needle);
            *known = if hit { 2 } else { 1 };
        }
        *known == 2
    }

    /// Whether any column of row `index` contains the needle.
    pub fn matches(&mut self, index: usize) -> bool {
        let table = self.table;
        let Some(row) = table
            .chunks
            .get(index / CHUNK)
            .and_then(|c| c.get(index % CHUNK))
        else {
            return false;
        };
        let region_hit = match table.regions.get(&row.group) {
            Some(&region) => self.string(region),
            None => self.no_region,
        };
        if self.traffic[usize::from(row.flags & TRAFFIC_ALLOW)]
            || self.protocols[usize::from(row.protocols & 7)]
            || self.accelerators.get(usize::from(row.accelerator)) == Some(&true)
            || region_hit
            || self.string(row.group)
            || self.string(row.subnet)
        {
            return true;
        }
        self.buffer.clear();
        if row.flags & DEST_IS_STRING != 0 {
            let ip = table.strings.get(row.dest_ip).to_lowercase();
            let _ = write!(self.buffer, "{ip}:{}", row.dest_port);
        } else {
            let _ = write!(
                self.buffer,
                "{}:{}",
                Ipv4Addr::from(row.dest_ip),
                row.dest_port
            );
        }
        if self.buffer.contains(&self.needle) {
            return true;
        }
        if row.flags & DEST_IS_STRING == 0
            && let Some(view) = table.ec2.get(&row.subnet)
        {
            let holder = view.holder(Ipv4Addr::from(row.dest_ip));
            let hit = match holder {
                Some(h) => {
                    h.interface_id.to_lowercase().contains(&self.needle)
                        || h.instance.as_ref().is_some_and(|i| {
                            i.id.contains(&self.needle)
                                || i.state.as_api_str().contains(&self.needle)
                                || i.name
                                    .as_ref()
                                    .is_some_and(|n| n.to_lowercase().contains(&self.needle))
                        })
                }
                None => "no interface".contains(&self.needle),
            };
            if hit {
                return true;
            }
        }
        self.buffer.clear();
        let ips = table
            .accelerators
            .get(usize::from(row.accelerator))
            .map_or(&[][..], |a| &a.static_ips[..]);
        if ips.is_empty() {
            let _ = write!(self.buffer, "*:{}", row.accelerator_port);
        }
        for (i, ip) in ips.iter().enumerate() {
            let space = if i > 0 { " " } else { "" };
            let _ = write!(self.buffer, "{space}{ip}:{}", row.accelerator_port);
        }
        self.buffer.contains(&self.needle)
    }
}
