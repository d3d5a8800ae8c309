//! Many traffic changes at once. The sockets asked for are grouped per endpoint group and
//! subnet into Allow/Deny calls whose addresses × ports are exactly those sockets: one call
//! changes every listed address at every listed port, so only addresses asking for the same
//! ports may share a call. Each call lists at most 100 addresses and 100 ports.

use std::collections::{BTreeSet, HashMap};
use std::net::Ipv4Addr;

use super::{TrafficChange, TrafficScope, parse_ipv4, parse_port};

/// The most addresses, and the most ports, one Allow/DenyCustomRoutingTraffic call lists.
pub const MAX_PER_CALL: usize = 100;

/// One destination asked for: an address of a subnet endpoint, at one port or at all of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub group: String,
    pub subnet: String,
    pub ip: Ipv4Addr,
    /// `None`: every destination port of the address.
    pub port: Option<u16>,
}

/// The calls a bulk change takes, and what it covers, for the confirmation to say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub changes: Vec<TrafficChange>,
    /// Distinct sockets asked for (an address at all its ports counts once).
    pub sockets: usize,
    pub addresses: usize,
    pub subnets: usize,
}

impl Plan {
    pub fn calls(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Addresses asked for at every port (each counted once among `sockets`).
    pub fn whole_addresses(&self) -> usize {
        self.changes
            .iter()
            .map(|c| match &c.scope {
                TrafficScope::Destinations { addresses, ports } if ports.is_empty() => {
                    addresses.len()
                }
                _ => 0,
            })
            .sum()
    }

    /// The sockets the plan covers: "40 sockets"; an address at every port is said as such,
    /// never counted as one socket: "2 sockets and every port of 1 address".
    pub fn covered(&self) -> String {
        let whole = self.whole_addresses();
        match (self.sockets.saturating_sub(whole), whole) {
            (n, 0) => count(n, "socket", "sockets"),
            (0, w) => format!("every port of {}", count(w, "address", "addresses")),
            (n, w) => format!(
                "{} and every port of {}",
                count(n, "socket", "sockets"),
                count(w, "address", "addresses"),
            ),
        }
    }

    /// What the plan covers, as every front end says it: "40 sockets, 40 addresses, 1 subnet,
    /// 1 call" (the addresses left out when they are all at every port: said already).
    pub fn counts(&self) -> String {
        let addresses = if self.whole_addresses() == self.addresses {
            String::new()
        } else {
            format!(", {}", count(self.addresses, "address", "addresses"))
        };
        format!(
            "{}{addresses}, {}, {}",
            self.covered(),
            count(self.subnets, "subnet", "subnets"),
            count(self.calls(), "call", "calls"),
        )
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What one (group, subnet) asks for: whole addresses, and ports by address.
#[derive(Default)]
struct Wanted {
    whole: Vec<Ipv4Addr>,
    ports: HashMap<Ipv4Addr, BTreeSet<u16>>,
    /// Addresses in the order first asked for, so plans read in the order of the list.
    order: Vec<Ipv4Addr>,
}

/// Groups `targets` into calls. Duplicates count once; an address asked for at all its ports
/// and at some ports is changed at all its ports. Deterministic: the same list gives the same
/// calls in the same order.
pub fn plan(targets: &[Target]) -> Plan {
    let mut endpoints: Vec<((String, String), Wanted)> = Vec::new();
    for t in targets {
        let key = (t.group.clone(), t.subnet.clone());
        let slot = match endpoints.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                endpoints.push((key, Wanted::default()));
                endpoints.len() - 1
            }
        };
        let wanted = &mut endpoints[slot].1;
        let seen = wanted.whole.contains(&t.ip) || wanted.ports.contains_key(&t.ip);
        if !seen {
            wanted.order.push(t.ip);
        }
        match t.port {
            None => {
                wanted.ports.remove(&t.ip);
                if !wanted.whole.contains(&t.ip) {
                    wanted.whole.push(t.ip);
                }
            }
            Some(port) if !wanted.whole.contains(&t.ip) => {
                wanted.ports.entry(t.ip).or_default().insert(port);
            }
            Some(_) => {}
        }
    }

    let mut out = Plan {
        subnets: endpoints.len(),
        ..Plan::default()
    };
    for ((group, subnet), wanted) in endpoints {
        out.addresses += wanted.order.len();
        out.sockets += wanted.whole.len() + wanted.ports.values().map(BTreeSet::len).sum::<usize>();
        let change = |addresses: &[Ipv4Addr], ports: Vec<u16>| TrafficChange {
            endpoint_group_arn: group.clone(),
            endpoint_id: subnet.clone(),
            scope: TrafficScope::Destinations {
                addresses: addresses.iter().map(ToString::to_string).collect(),
                ports,
            },
        };
        for chunk in wanted.whole.chunks(MAX_PER_CALL) {
            out.changes.push(change(chunk, Vec::new()));
        }
        // Addresses asking for the same ports share calls, in the order first asked for.
        let mut classes: Vec<(Vec<u16>, Vec<Ipv4Addr>)> = Vec::new();
        for ip in &wanted.order {
            let Some(ports) = wanted.ports.get(ip) else {
                continue;
            };
            let ports: Vec<u16> = ports.iter().copied().collect();
            match classes.iter_mut().find(|(p, _)| *p == ports) {
                Some((_, ips)) => ips.push(*ip),
                None => classes.push((ports, vec![*ip])),
            }
        }
        for (ports, ips) in &classes {
            for addresses in ips.chunks(MAX_PER_CALL) {
                for ports in ports.chunks(MAX_PER_CALL) {
                    out.changes.push(change(addresses, ports.to_vec()));
                }
            }
        }
    }
    out
}

/// One socket's traffic state, as recorded before a change so that it can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SocketState {
    pub group: String,
    pub subnet: String,
    pub ip: Ipv4Addr,
    pub port: u16,
    pub allowed: bool,
}

/// The calls that put every socket of `prior` back as it was: allows and denies, each
/// grouped by [`plan`], so nothing outside `prior` is touched.
pub fn restore(prior: &[SocketState]) -> (Plan, Plan) {
    let targets = |allowed: bool| -> Vec<Target> {
        prior
            .iter()
            .filter(|s| s.allowed == allowed)
            .map(|s| Target {
                group: s.group.clone(),
                subnet: s.subnet.clone(),
                ip: s.ip,
                port: Some(s.port),
            })
            .collect()
    };
    (plan(&targets(true)), plan(&targets(false)))
}

/// An `IP:PORT` or `IP` read from a pasted list or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Destination {
    pub ip: Ipv4Addr,
    pub port: Option<u16>,
}

/// Reads a list of `IP:PORT` and `IP` separated by spaces, commas, semicolons or lines; `#`
/// starts a comment to the end of the line. Every unreadable entry is named, with its line.
pub fn parse_destinations(text: &str) -> Result<Vec<Destination>, String> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for word in line
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
        {
            match parse_destination(word) {
                Ok(d) => out.push(d),
                Err(e) => bad.push(format!("line {}: {e}", n + 1)),
            }
        }
    }
    if !bad.is_empty() {
        let more = bad.len().saturating_sub(5);
        let mut message = bad.into_iter().take(5).collect::<Vec<_>>().join("; ");
        if more > 0 {
            message.push_str(&format!("; and {more} more"));
        }
        return Err(message);
    }
    if out.is_empty() {
        return Err("no IP:PORT or IP in the list".into());
    }
    Ok(out)
}

fn parse_destination(word: &str) -> Result<Destination, String> {
    match word.rsplit_once(':') {
        Some((ip, port)) => Ok(Destination {
            ip: parse_ipv4(ip).map_err(|e| e.to_string())?,
            port: Some(parse_port(port).map_err(|e| e.to_string())?),
        }),
        None => Ok(Destination {
            ip: parse_ipv4(word).map_err(|e| e.to_string())?,
            port: None,
        }),
    }
}

#[cfg(test)]
#[path = "bulk_tests.rs"]
mod tests;
