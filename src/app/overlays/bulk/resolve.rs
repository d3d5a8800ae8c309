//! Where the sockets of a pasted list are: in a by-destination browser, in the subnet it
//! browses and the endpoint group it was opened on; in an accelerator browser, wherever the
//! loaded rows hold the address (so only loaded rows can be found there).

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use crate::app::screens::browser::{Browser, Source};
use crate::model::bulk::{Destination, Target};

/// Names listed that were not found, as many as the dialog shows.
const SHOWN_MISSING: usize = 20;

/// The targets of `list`, where they come from in words, and what was not found; an error
/// when nothing of the list can be changed here.
pub fn resolve(
    b: &Browser,
    list: &[Destination],
) -> Result<(Vec<Target>, String, Vec<String>), String> {
    let (targets, missing, from) = match (&b.group, &b.form) {
        (Some(group), Some(form)) => {
            let subnet = match &b.source {
                Some(Source::Destination { subnet, .. }) => Some(subnet.clone()),
                _ => form.subnet().map(str::to_string),
            }
            .ok_or("this endpoint group has no subnet endpoints")?;
            let (targets, missing) = in_subnet(&group.arn, &subnet, &group.destinations, list);
            let from = format!(
                "a pasted list, in subnet {subnet} of group {}",
                crate::app::rows::short_id(&group.arn)
            );
            (targets, missing, from)
        }
        _ => {
            let (targets, missing) = in_loaded_rows(b, list);
            let more = if b.is_complete() {
                ""
            } else {
                " (more pages not loaded)"
            };
            let from = format!(
                "a pasted list, found among the {} loaded rows{more}",
                b.table().len()
            );
            (targets, missing, from)
        }
    };
    if targets.is_empty() {
        return Err(format!("nothing of the list is here: {}", words(&missing)));
    }
    let mut shown: Vec<String> = missing.iter().take(SHOWN_MISSING).cloned().collect();
    if missing.len() > SHOWN_MISSING {
        shown.push(format!("and {} more", missing.len() - SHOWN_MISSING));
    }
    Ok((targets, from, shown))
}

fn words(missing: &[String]) -> String {
    let mut out: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
    let more = missing.len().saturating_sub(5);
    let tail = format!("and {more} more");
    if more > 0 {
        out.push(&tail);
    }
    out.join(", ")
}

fn socket(d: &Destination) -> String {
    match d.port {
        Some(p) => format!("{}:{p}", d.ip),
        None => d.ip.to_string(),
    }
}

/// By destination: every listed address is in the browsed subnet; a port outside the group's
/// destination ranges (when they are known) is not found.
fn in_subnet(
    group: &str,
    subnet: &str,
    ranges: &[crate::model::DestinationConfig],
    list: &[Destination],
) -> (Vec<Target>, Vec<String>) {
    let mut targets = Vec::new();
    let mut missing = Vec::new();
    for d in list {
        if let Some(port) = d.port
            && !ranges.is_empty()
            && !ranges.iter().any(|r| r.ports.contains(port))
        {
            missing.push(format!(
                "{} (not a destination port of the group)",
                socket(d)
            ));
            continue;
        }
        targets.push(Target {
            group: group.to_string(),
            subnet: subnet.to_string(),
            ip: d.ip,
            port: d.port,
        });
    }
    (targets, missing)
}

/// In an accelerator browser: the groups and subnets the loaded rows hold each address in
/// (at the listed port, when one is given).
fn in_loaded_rows(b: &Browser, list: &[Destination]) -> (Vec<Target>, Vec<String>) {
    let wanted: HashSet<Ipv4Addr> = list.iter().map(|d| d.ip).collect();
    // Each wanted address: its (port, group, subnet) among the loaded rows.
    let mut found: HashMap<Ipv4Addr, Vec<(u16, String, String)>> = HashMap::new();
    let table = b.table();
    for i in 0..table.len() {
        let Some(row) = table.get(i) else { continue };
        let Ok(ip) = row.destination_ip.parse::<Ipv4Addr>() else {
            continue;
        };
        if wanted.contains(&ip) {
            found.entry(ip).or_default().push((
                row.destination_port,
                row.endpoint_group_arn.to_string(),
                row.subnet.to_string(),
            ));
        }
    }
    let mut targets = Vec::new();
    let mut missing = Vec::new();
    for d in list {
        let mut places: Vec<(&str, &str)> = found
            .get(&d.ip)
            .into_iter()
            .flatten()
            .filter(|(port, _, _)| d.port.is_none_or(|p| p == *port))
            .map(|(_, g, s)| (g.as_str(), s.as_str()))
            .collect();
        places.sort_unstable();
        places.dedup();
        if places.is_empty() {
            missing.push(socket(d));
        }
        targets.extend(places.into_iter().map(|(group, subnet)| Target {
            group: group.to_string(),
            subnet: subnet.to_string(),
            ip: d.ip,
            port: d.port,
        }));
    }
    (targets, missing)
}
