//! The two port-mapping listings. Mappings are computed from slots on the fly and written
//! straight into the answer's bytes: no JSON tree per row, and everything a row shares with
//! its attachment (escaped ARN and subnet id, protocol lists, static IPs) is escaped once per
//! attachment. A token names (group serial, attachment serial, offset), so a page is found by
//! skipping whole attachments and costs time in proportion to its size, never to its position.

use std::net::Ipv4Addr;

use serde_json::Value;

use super::{opt_text, page_size, text};
use crate::emulator::ServiceError;
use crate::emulator::store::{AttachmentView, Resolved, Store, invalid, not_found};
use crate::emulator::token;
use crate::model::TrafficState;

const PORT_MAPPINGS: u8 = 4;
const BY_DESTINATION: u8 = 5;

/// About what one ListCustomRoutingPortMappings row takes, to size the answer once.
const ROW_BYTES: usize = 340;

/// Where a page starts: the first (group, attachment, offset) at or after the token's.
fn start(body: &Value, kind: u8) -> Result<(u64, u64, u64), ServiceError> {
    match opt_text(body, "NextToken") {
        Some(t) => {
            let p = token::decode(kind, t, 3)?;
            Ok((p[0], p[1], p[2]))
        }
        None => Ok((0, 0, 0)),
    }
}

/// A JSON string, quoted and escaped, as bytes to copy into rows.
fn quoted(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

fn push_int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn traffic_bytes(t: TrafficState) -> &'static [u8] {
    match t {
        TrafficState::Allow => b"\"ALLOW\"",
        TrafficState::Deny => b"\"DENY\"",
    }
}

/// The dotted form of the address a run of rows shares; re-formatted only when it changes.
struct AddressText {
    address: Option<u32>,
    text: String,
}

impl AddressText {
    fn new() -> Self {
        Self {
            address: None,
            text: String::with_capacity(15),
        }
    }

    fn of(&mut self, address: u32) -> &[u8] {
        if self.address != Some(address) {
            self.address = Some(address);
            self.text.clear();
            let [a, b, c, d] = Ipv4Addr::from(address).octets();
            let mut buf = itoa::Buffer::new();
            for (i, octet) in [a, b, c, d].into_iter().enumerate() {
                if i > 0 {
                    self.text.push('.');
                }
                self.text.push_str(buf.format(octet));
            }
        }
        self.text.as_bytes()
    }
}

/// One answer being written: `{"<member>":[row,row,…]` and, once the page is cut, the token.
struct PageWriter {
    out: Vec<u8>,
    rows: usize,
    size: usize,
}

impl PageWriter {
    fn new(member: &str, size: usize, row_bytes: usize) -> Self {
        let mut out = Vec::with_capacity(32 + size.min(20_000) * row_bytes);
        out.extend_from_slice(b"{");
        out.extend_from_slice(&quoted(member));
        out.extend_from_slice(b":[");
        Self { out, rows: 0, size }
    }

    fn full(&self) -> bool {
        self.rows >= self.size
    }

    /// Starts a row: the buffer to write its object into.
    fn row(&mut self) -> &mut Vec<u8> {
        if self.rows > 0 {
            self.out.push(b',');
        }
        self.rows += 1;
        &mut self.out
    }

    fn finish(mut self, next: Option<String>) -> Vec<u8> {
        self.out.push(b']');
        if let Some(t) = next {
            self.out.extend_from_slice(b",\"NextToken\":");
            self.out.extend_from_slice(&quoted(&t));
        }
        self.out.push(b'}');
        self.out
    }
}

/// Walks attachments in (group serial, attachment serial) order from the token's position,
/// writing each offset of `offsets` with `write` until the page is full.
fn walk<'a>(
    views: impl Iterator<Item = AttachmentView<'a>>,
    (g0, a0, k0): (u64, u64, u64),
    page: &mut PageWriter,
    kind: u8,
    mut write: impl FnMut(&AttachmentView<'a>, &mut PageWriter, std::ops::Range<u64>) -> u64,
    offsets: impl Fn(&AttachmentView<'a>) -> std::ops::Range<u64>,
) -> Option<String> {
    for view in views {
        let here = (view.group.serial, view.att.serial);
        let range = offsets(&view);
        let from = if here == (g0, a0) {
            k0.max(range.start)
        } else {
            range.start
        };
        let stopped = write(&view, page, from..range.end);
        if stopped < range.end {
            return Some(token::encode(kind, &[here.0, here.1, stopped]));
        }
    }
    None
}

/// The attachments of `groups` at or after the token's (group, attachment), skipped by
/// serial before any of them is prepared.
fn views_from<'a>(
    store: &'a Store,
    groups: impl Iterator<Item = &'a crate::emulator::store::GroupRec> + 'a,
    (g0, a0): (u64, u64),
    subnet: Option<&'a str>,
) -> impl Iterator<Item = AttachmentView<'a>> + 'a {
    groups
        .filter(move |g| g.serial >= g0)
        .flat_map(move |g| {
            g.endpoints
                .iter()
                .filter(move |a| (g.serial, a.serial) >= (g0, a0))
                .filter(move |a| subnet.is_none_or(|s| s == a.subnet_id))
                .map(move |a| (g, a))
        })
        .filter_map(move |(g, a)| store.view(g, a))
}

pub fn list(store: &Store, body: &Value) -> Result<Vec<u8>, ServiceError> {
    let acc = text(body, "AcceleratorArn");
    store.accelerator(acc)?;
    let only = opt_text(body, "EndpointGroupArn");
    if let Some(g) = only
        && !store
            .groups
            .iter()
            .any(|x| x.arn == g && x.accelerator_arn == acc)
    {
        return Err(not_found("EndpointGroup", g));
    }
    let at = start(body, PORT_MAPPINGS)?;
    let groups = store
        .groups
        .iter()
        .filter(move |g| g.accelerator_arn == acc && only.is_none_or(|o| o == g.arn));
    let mut page = PageWriter::new("PortMappings", page_size(body, 10), ROW_BYTES);
    let next = walk(
        views_from(store, groups, (at.0, at.1), None),
        at,
        &mut page,
        PORT_MAPPINGS,
        write_port_mappings,
        |v| 0..v.count,
    );
    Ok(page.finish(next))
}

/// Writes rows of one attachment for offsets in `range` until the page is full; returns the
/// first offset not written.
fn write_port_mappings(
    view: &AttachmentView<'_>,
    page: &mut PageWriter,
    range: std::ops::Range<u64>,
) -> u64 {
    // `,"EndpointGroupArn":…,"EndpointId":…,"Protocols":[…]}` for each destination range:
    // everything after the traffic state is the same for every row of one range.
    let tails: Vec<Vec<u8>> = view
        .group
        .destinations
        .iter()
        .map(|d| {
            let mut tail = b",\"EndpointGroupArn\":".to_vec();
            tail.extend_from_slice(&quoted(&view.group.arn));
            tail.extend_from_slice(b",\"EndpointId\":");
            tail.extend_from_slice(&quoted(&view.att.subnet_id));
            tail.extend_from_slice(b",\"Protocols\":[");
            for (i, p) in d.protocols.iter().enumerate() {
                if i > 0 {
                    tail.push(b',');
                }
                tail.extend_from_slice(&quoted(p.as_api_str()));
            }
            tail.extend_from_slice(b"]}");
            tail
        })
        .collect();
    let mut address = AddressText::new();
    for k in range.clone() {
        if page.full() {
            return k;
        }
        let Some(Resolved {
            accelerator_port,
            address: ip,
            port,
            destination,
            traffic,
        }) = view.mapping(k)
        else {
            continue;
        };
        let ip = address.of(ip);
        let out = page.row();
        out.extend_from_slice(b"{\"AcceleratorPort\":");
        push_int(out, accelerator_port);
        out.extend_from_slice(b",\"DestinationSocketAddress\":{\"IpAddress\":\"");
        out.extend_from_slice(ip);
        out.extend_from_slice(b"\",\"Port\":");
        push_int(out, port);
        out.extend_from_slice(b"},\"DestinationTrafficState\":");
        out.extend_from_slice(traffic_bytes(traffic));
        out.extend_from_slice(
            tails
                .get(destination)
                .map_or(b"}".as_slice(), Vec::as_slice),
        );
    }
    range.end
}

pub fn by_destination(store: &Store, body: &Value) -> Result<Vec<u8>, ServiceError> {
    let subnet_id = text(body, "EndpointId");
    let address: Ipv4Addr = text(body, "DestinationAddress")
        .parse()
        .map_err(|_| invalid("DestinationAddress must be an IPv4 address"))?;
    let subnet = store
        .subnet(subnet_id)
        .ok_or_else(|| not_found("Endpoint", subnet_id))?;
    if !store
        .groups
        .iter()
        .any(|g| g.endpoints.iter().any(|e| e.subnet_id == subnet_id))
    {
        return Err(not_found("Endpoint", subnet_id));
    }
    let at = start(body, BY_DESTINATION)?;
    let mut page = PageWriter::new("DestinationPortMappings", page_size(body, 10), 400);
    let Some(index) = subnet.usable_index(address) else {
        // An address the subnet does not hold has no mappings: an empty answer, not an error.
        return Ok(page.finish(None));
    };
    let next = walk(
        views_from(store, store.groups.iter(), (at.0, at.1), Some(subnet_id)),
        at,
        &mut page,
        BY_DESTINATION,
        |view, page, range| write_by_destination(store, view, page, range),
        |v| {
            let first = u64::from(index) * v.per_address;
            first..first + v.per_address
        },
    );
    Ok(page.finish(next))
}

fn write_by_destination(
    store: &Store,
    view: &AttachmentView<'_>,
    page: &mut PageWriter,
    range: std::ops::Range<u64>,
) -> u64 {
    let Ok(acc) = store.accelerator(&view.group.accelerator_arn) else {
        return range.end;
    };
    let mut head = b"{\"AcceleratorArn\":".to_vec();
    head.extend_from_slice(&quoted(&acc.arn));
    head.extend_from_slice(b",\"AcceleratorSocketAddresses\":[");
    let ips: Vec<Vec<u8>> = acc.ips.iter().map(|ip| quoted(ip)).collect();
    let mut tail = b",\"EndpointGroupArn\":".to_vec();
    tail.extend_from_slice(&quoted(&view.group.arn));
    tail.extend_from_slice(b",\"EndpointGroupRegion\":");
    tail.extend_from_slice(&quoted(&view.group.region));
    tail.extend_from_slice(b",\"EndpointId\":");
    tail.extend_from_slice(&quoted(&view.att.subnet_id));
    tail.extend_from_slice(b",\"IpAddressType\":\"IPV4\"}");
    let mut address = AddressText::new();
    for k in range.clone() {
        if page.full() {
            return k;
        }
        let Some(m) = view.mapping(k) else {
            continue;
        };
        let destination = address.of(m.address);
        let out = page.row();
        out.extend_from_slice(&head);
        for (i, ip) in ips.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"IpAddress\":");
            out.extend_from_slice(ip);
            out.extend_from_slice(b",\"Port\":");
            push_int(out, m.accelerator_port);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"DestinationSocketAddress\":{\"IpAddress\":\"");
        out.extend_from_slice(destination);
        out.extend_from_slice(b"\",\"Port\":");
        push_int(out, m.port);
        out.extend_from_slice(b"},\"DestinationTrafficState\":");
        out.extend_from_slice(traffic_bytes(m.traffic));
        out.extend_from_slice(&tail);
    }
    range.end
}

#[cfg(test)]
mod tests {
    //! The written answers against answers built the obvious way, as JSON trees, from the
    //! same arithmetic: same rows, same tokens, at every page size and position.

    use serde_json::{Value, json};

    use super::*;
    use crate::emulator::{Emulator, EmulatorOptions, Topology};

    fn socket(address: u32, port: u16) -> Value {
        json!({"IpAddress": Ipv4Addr::from(address).to_string(), "Port": port})
    }

    /// Every row of an accelerator's listing, built as JSON trees.
    fn reference_rows(store: &Store, acc: &str, only: Option<&str>) -> Vec<Value> {
        let mut rows = Vec::new();
        for g in store
            .groups
            .iter()
            .filter(|g| g.accelerator_arn == acc && only.is_none_or(|o| o == g.arn))
        {
            for a in &g.endpoints {
                let v = store.view(g, a).unwrap();
                for k in 0..v.count {
                    let m = v.mapping(k).unwrap();
                    rows.push(json!({
                        "AcceleratorPort": m.accelerator_port,
                        "EndpointGroupArn": g.arn,
                        "EndpointId": a.subnet_id,
                        "DestinationSocketAddress": socket(m.address, m.port),
                        "Protocols": g.protocols_of(m.port),
                        "DestinationTrafficState": m.traffic.as_api_str(),
                    }));
                }
            }
        }
        rows
    }

    fn pages(store: &Store, body: Value, size: usize) -> (Vec<Value>, usize) {
        let mut rows = Vec::new();
        let mut token: Option<String> = None;
        let mut count = 0;
        loop {
            let mut body = body.clone();
            body["MaxResults"] = json!(size);
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let bytes = list(store, &body).unwrap();
            let page: Value = serde_json::from_slice(&bytes).expect("valid JSON");
            count += 1;
            let items = page["PortMappings"].as_array().unwrap();
            assert!(items.len() <= size);
            rows.extend(items.iter().cloned());
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => return (rows, count),
            }
        }
    }

    #[test]
    fn written_pages_hold_exactly_the_rows_of_the_reference() {
        let e = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
        let store = e.read();
        // Several accelerators, a group filter, and page sizes that cut attachments anywhere.
        let accs: Vec<String> = store.accelerators.iter().map(|a| a.arn.clone()).collect();
        for acc in accs.iter().take(3) {
            let expected = reference_rows(&store, acc, None);
            for size in [1000, 7919, 20000] {
                let (rows, count) = pages(&store, json!({"AcceleratorArn": acc}), size);
                assert_eq!(rows.len(), expected.len(), "{acc} at {size}");
                assert!(rows == expected, "{acc} at {size}: rows differ");
                assert_eq!(count, expected.len() / size + 1, "{acc} at {size}");
            }
        }
        let g = store.groups.iter().find(|g| g.endpoints.len() > 1).unwrap();
        let expected = reference_rows(&store, &g.accelerator_arn, Some(&g.arn));
        let (rows, _) = pages(
            &store,
            json!({"AcceleratorArn": g.accelerator_arn, "EndpointGroupArn": g.arn}),
            3001,
        );
        assert!(rows == expected, "one group's rows differ");
    }

    #[test]
    fn hostile_names_are_escaped_in_written_rows() {
        let mut t =
            Topology::parse(include_str!("../../../tests/fixtures/small.toml"), "small").unwrap();
        for s in &mut t.subnets {
            s.id = format!("{}\"\\\u{1b}[2J\u{7}", s.id);
        }
        for a in &mut t.accelerators {
            for l in &mut a.listeners {
                for g in &mut l.endpoint_groups {
                    for e in &mut g.endpoints {
                        e.subnet = format!("{}\"\\\u{1b}[2J\u{7}", e.subnet);
                    }
                }
            }
        }
        let e = Emulator::from_topology(&t, EmulatorOptions::default()).unwrap();
        let store = e.read();
        let acc = store.accelerators[0].arn.clone();
        let (rows, _) = pages(&store, json!({"AcceleratorArn": acc}), 50);
        assert!(!rows.is_empty());
        assert!(rows == reference_rows(&store, &acc, None));
        assert!(
            rows[0]["EndpointId"]
                .as_str()
                .unwrap()
                .ends_with("\u{1b}[2J\u{7}")
        );
    }
}
