//! Pages waiting behind an earlier chain, packed to about 16 bytes a mapping.

use std::net::Ipv4Addr;

use crate::model::{PortMapping, ProtocolSet, SocketAddress, TrafficState};

/// One mapping in 16 bytes; its strings are indices into the page's table.
#[derive(Debug, Clone, Copy)]
pub(super) struct PackedRow {
    /// The destination address, when `ip_text` is `NO_TEXT`.
    ip: u32,
    accelerator_port: u16,
    destination_port: u16,
    group: u16,
    endpoint: u16,
    /// A destination address that is not plain IPv4, kept as written.
    ip_text: u16,
    protocols: u8,
    allow: bool,
}

const NO_TEXT: u16 = u16::MAX;

/// A page of mappings as it waits behind an earlier chain: rows of `PackedRow` and the few
/// distinct strings they share (a group ARN, a handful of subnet ids).
#[derive(Debug, Default)]
pub(super) struct PackedMappings {
    texts: Vec<String>,
    rows: Vec<PackedRow>,
}

impl PackedMappings {
    /// Mappings held.
    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The index of `s` in the table; only recent entries are searched, so a page of many
    /// distinct strings costs a longer table, never quadratic time.
    pub(super) fn intern(&mut self, s: String) -> u16 {
        let recent = self.texts.len().saturating_sub(8);
        if let Some(at) = self.texts[recent..].iter().rposition(|t| *t == s) {
            return u16::try_from(recent + at).unwrap_or(NO_TEXT);
        }
        self.texts.push(s);
        u16::try_from(self.texts.len() - 1).unwrap_or(NO_TEXT)
    }

    pub(super) fn pack(items: Vec<PortMapping>) -> Self {
        let mut packed = Self {
            texts: Vec::new(),
            rows: Vec::with_capacity(items.len()),
        };
        for m in items {
            let (ip, ip_text) = match m.destination.ip.parse::<Ipv4Addr>() {
                // Rust reads only the canonical dotted form, so it writes back the same text.
                Ok(v4) => (u32::from(v4), NO_TEXT),
                Err(_) => (0, packed.intern(m.destination.ip)),
            };
            let row = PackedRow {
                ip,
                accelerator_port: m.accelerator_port,
                destination_port: m.destination.port,
                group: packed.intern(m.endpoint_group_arn),
                endpoint: packed.intern(m.endpoint_id),
                ip_text,
                protocols: u8::from(m.protocols.tcp) | (u8::from(m.protocols.udp) << 1),
                allow: m.traffic == TrafficState::Allow,
            };
            packed.rows.push(row);
        }
        packed
    }

    pub(super) fn text(&self, at: u16) -> String {
        self.texts.get(usize::from(at)).cloned().unwrap_or_default()
    }

    pub(super) fn unpack(self) -> Vec<PortMapping> {
        self.rows
            .iter()
            .map(|r| PortMapping {
                accelerator_port: r.accelerator_port,
                endpoint_group_arn: self.text(r.group),
                endpoint_id: self.text(r.endpoint),
                destination: SocketAddress {
                    ip: if r.ip_text == NO_TEXT {
                        Ipv4Addr::from(r.ip).to_string()
                    } else {
                        self.text(r.ip_text)
                    },
                    port: r.destination_port,
                },
                protocols: ProtocolSet {
                    tcp: r.protocols & 1 != 0,
                    udp: r.protocols & 2 != 0,
                },
                traffic: if r.allow {
                    TrafficState::Allow
                } else {
                    TrafficState::Deny
                },
            })
            .collect()
    }
}
