//! The two port-mapping listings. Mappings are computed from slots on the fly; a page costs
//! time in proportion to its size plus the number of attachments skipped, never to the total.

use std::net::Ipv4Addr;

use serde_json::{Value, json};

use super::accelerators::with_token;
use super::{opt_text, page_size, text};
use crate::emulator::ServiceError;
use crate::emulator::store::{AttachmentView, Resolved, Store, invalid, not_found};
use crate::emulator::token;

const PORT_MAPPINGS: u8 = 4;
const BY_DESTINATION: u8 = 5;

fn socket(address: u32, port: u16) -> Value {
    json!({"IpAddress": Ipv4Addr::from(address).to_string(), "Port": port})
}

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

/// Walks attachments in (group serial, attachment serial) order from the token's position,
/// taking up to the page size of items from each.
fn walk<'a>(
    views: impl Iterator<Item = AttachmentView<'a>>,
    body: &Value,
    kind: u8,
    mut take: impl FnMut(&AttachmentView<'a>, u64) -> Option<Value>,
    offsets: impl Fn(&AttachmentView<'a>) -> std::ops::Range<u64>,
) -> Result<(Vec<Value>, Option<String>), ServiceError> {
    let (g0, a0, k0) = start(body, kind)?;
    let size = page_size(body, 10);
    let mut page = Vec::new();
    for view in views {
        let here = (view.group.serial, view.att.serial);
        if here < (g0, a0) {
            continue;
        }
        let range = offsets(&view);
        let from = if here == (g0, a0) {
            k0.max(range.start)
        } else {
            range.start
        };
        for k in from..range.end {
            if page.len() == size {
                return Ok((page, Some(token::encode(kind, &[here.0, here.1, k]))));
            }
            if let Some(item) = take(&view, k) {
                page.push(item);
            }
        }
    }
    Ok((page, None))
}

pub fn list(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
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
    let store = &*store;
    let views = store
        .groups
        .iter()
        .filter(|g| g.accelerator_arn == acc && only.is_none_or(|o| o == g.arn))
        .flat_map(|g| g.endpoints.iter().filter_map(move |a| store.view(g, a)));
    let (page, next) = walk(
        views,
        body,
        PORT_MAPPINGS,
        |v, k| {
            let Resolved {
                accelerator_port,
                address,
                port,
                traffic,
            } = v.mapping(k)?;
            Some(json!({
                "AcceleratorPort": accelerator_port,
                "EndpointGroupArn": v.group.arn,
                "EndpointId": v.att.subnet_id,
                "DestinationSocketAddress": socket(address, port),
                "Protocols": v.group.protocols_of(port),
                "DestinationTrafficState": traffic.as_api_str(),
            }))
        },
        |v| 0..v.count,
    )?;
    Ok(with_token(json!({"PortMappings": page}), next))
}

pub fn by_destination(store: &mut Store, body: &Value) -> Result<Value, ServiceError> {
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
    let Some(index) = subnet.usable_index(address) else {
        // An address the subnet does not hold has no mappings: an empty answer, not an error.
        start(body, BY_DESTINATION)?;
        return Ok(json!({"DestinationPortMappings": []}));
    };
    let store = &*store;
    let views = store.groups.iter().flat_map(|g| {
        g.endpoints
            .iter()
            .filter(|e| e.subnet_id == subnet_id)
            .filter_map(move |a| store.view(g, a))
    });
    let (page, next) = walk(
        views,
        body,
        BY_DESTINATION,
        |v, k| {
            let m = v.mapping(k)?;
            let acc = store.accelerator(&v.group.accelerator_arn).ok()?;
            let sockets: Vec<Value> = acc
                .ips
                .iter()
                .map(|ip| json!({"IpAddress": ip, "Port": m.accelerator_port}))
                .collect();
            Some(json!({
                "AcceleratorArn": acc.arn,
                "AcceleratorSocketAddresses": sockets,
                "EndpointGroupArn": v.group.arn,
                "EndpointId": v.att.subnet_id,
                "EndpointGroupRegion": v.group.region,
                "DestinationSocketAddress": socket(m.address, m.port),
                "IpAddressType": "IPV4",
                "DestinationTrafficState": m.traffic.as_api_str(),
            }))
        },
        |v| {
            let first = u64::from(index) * v.per_address;
            first..first + v.per_address
        },
    )?;
    Ok(with_token(json!({"DestinationPortMappings": page}), next))
}
