//! The answer to "who is behind accelerator address IP:PORT?", shared by the headless
//! `whois` and the interactive lookup so both say the same thing.

use std::fmt;
use std::net::Ipv4Addr;

use super::{ProtocolSet, SocketAddress, TrafficState};

/// How the answer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// From the local index, confirmed by a live read.
    Index,
    /// By reading the accelerator's mappings until the port turned up.
    Listing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoisAnswer {
    pub address: SocketAddress,
    pub accelerator_arn: String,
    pub accelerator_name: String,
    /// Read live: a disabled accelerator passes no traffic whatever its mappings say.
    pub accelerator_enabled: bool,
    pub listener_arn: String,
    pub endpoint_group_arn: String,
    pub region: String,
    pub subnet: String,
    pub destination: SocketAddress,
    pub protocols: Option<ProtocolSet>,
    /// The mapping's own state, read live, never from the index.
    pub traffic: TrafficState,
    pub via: Via,
    /// The index disagreed with the service and was dropped.
    pub index_was_stale: bool,
}

/// Whether traffic sent to the address reaches the destination: the accelerator being
/// disabled outranks the mapping's ALLOW or DENY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The accelerator is disabled: nothing reaches any of its destinations.
    Disabled,
    Allow,
    Deny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Disabled => "DISABLED",
            Verdict::Allow => "ALLOW",
            Verdict::Deny => "DENY",
        }
    }

    /// One sentence a person reads first.
    pub fn explanation(self) -> &'static str {
        match self {
            Verdict::Disabled => "the accelerator is disabled, so no traffic reaches it",
            Verdict::Allow => "traffic to this address reaches the destination",
            Verdict::Deny => "the destination denies traffic from this address",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl WhoisAnswer {
    pub fn verdict(&self) -> Verdict {
        match (self.accelerator_enabled, self.traffic) {
            (false, _) => Verdict::Disabled,
            (true, TrafficState::Allow) => Verdict::Allow,
            (true, TrafficState::Deny) => Verdict::Deny,
        }
    }
}

/// How an address is quoted back: whole (a cut quote looks like different input), on one line,
/// and short enough that pasted junk cannot flood the screen.
pub(crate) fn quoted(input: &str) -> String {
    const MAX_QUOTE: usize = 60;
    let mut q: String = input.chars().take(MAX_QUOTE).collect();
    if input.chars().count() > MAX_QUOTE {
        q.push('…');
    }
    format!("{q:?}")
}

/// `IP:PORT` as typed, checked. Every message quotes the whole input and shows the shape asked
/// for.
pub fn parse_accelerator_address(input: &str) -> Result<(Ipv4Addr, u16), String> {
    const EXAMPLE: &str = "75.2.10.20:41872";
    let input = input.trim();
    let q = quoted(input);
    let bracketed = input
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map(|(ip, _)| ip);
    if bracketed
        .unwrap_or(input)
        .parse::<std::net::Ipv6Addr>()
        .is_ok()
    {
        return Err(format!(
            "{q} is an IPv6 address, and IPv6 is not an accelerator address: custom routing accelerators answer on IPv4 only; give IP:PORT, like {EXAMPLE}"
        ));
    }
    let (ip, port) = input.rsplit_once(':').ok_or_else(|| {
        format!("{q} is not an accelerator address: expected IP:PORT, like {EXAMPLE}")
    })?;
    if ip.trim().is_empty() {
        return Err(format!(
            "{q} has no IP before the colon: give IP:PORT, like {EXAMPLE}"
        ));
    }
    let ip = super::parse_ipv4(ip).map_err(|_| {
        format!(
            "{q} is not an accelerator address: {} is not an IPv4 address (expected IP:PORT, like {EXAMPLE})",
            quoted(ip.trim())
        )
    })?;
    if port.trim().is_empty() {
        return Err(format!(
            "{q} has no port: give the accelerator port after the colon, like {ip}:41872"
        ));
    }
    let port = super::parse_port(port).map_err(|e| format!("{q}: {e}"))?;
    Ok((ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(enabled: bool, traffic: TrafficState) -> WhoisAnswer {
        let socket = |ip: &str, port| SocketAddress {
            ip: ip.into(),
            port,
        };
        WhoisAnswer {
            address: socket("75.2.16.23", 6655),
            accelerator_arn: "arn:aws:globalaccelerator::123456789012:accelerator/a".into(),
            accelerator_name: "a".into(),
            accelerator_enabled: enabled,
            listener_arn: String::new(),
            endpoint_group_arn: String::new(),
            region: "us-east-1".into(),
            subnet: "subnet-0a1b2c3d".into(),
            destination: socket("10.0.3.17", 7777),
            protocols: None,
            traffic,
            via: Via::Listing,
            index_was_stale: false,
        }
    }

    #[test]
    fn a_disabled_accelerator_outranks_the_mappings_state() {
        assert_eq!(
            answer(false, TrafficState::Allow).verdict(),
            Verdict::Disabled
        );
        assert_eq!(
            answer(false, TrafficState::Deny).verdict(),
            Verdict::Disabled
        );
        assert_eq!(answer(true, TrafficState::Allow).verdict(), Verdict::Allow);
        assert_eq!(answer(true, TrafficState::Deny).verdict(), Verdict::Deny);
    }
}
