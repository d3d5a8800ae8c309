//! What EC2 says is behind a destination address: the instance and the network interface
//! holding it, nothing (an address traffic may reach with no one there), or why EC2 cannot
//! say. whois says it in the interactive view and on the command line alike.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use super::TrafficState;
use super::ec2::Holding;
use super::join::{Holder, SubnetView};

/// Said once beside every whois answer, as the audit says it: Global Accelerator's ALLOW is not
/// the whole path.
pub const ALLOW_NOTE: &str = super::audit::NOTE;

/// [`ALLOW_NOTE`] for a line of 80 columns.
pub const ALLOW_NOTE_SHORT: &str =
    "ALLOW is Global Accelerator's setting: security groups and NACLs are not read";

/// What EC2 says is behind one destination address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind<'a> {
    /// The join with EC2 is off (`--no-ec2`, `ec2 = false`).
    Off,
    /// EC2 is being asked.
    Asking,
    /// EC2 gave no answer: a refused permission, refused credentials, an outage.
    Failed(&'a str),
    /// EC2 does not know the subnet (in this account and region).
    UnknownSubnet,
    Held(&'a Holder),
    /// No network interface holds the address.
    Unheld,
}

impl<'a> Behind<'a> {
    /// What `view` says is behind `address`.
    pub fn of(view: &'a SubnetView, address: Ipv4Addr) -> Self {
        if view.subnet.is_none() {
            return Self::UnknownSubnet;
        }
        view.holder(address).map_or(Self::Unheld, Self::Held)
    }

    /// The holder, when an interface holds the address.
    pub fn holder(&self) -> Option<&'a Holder> {
        match self {
            Self::Held(h) => Some(h),
            _ => None,
        }
    }

    /// The instance line: "voip-core-01-001 (i-0dc6…) running", or what stands in for it.
    /// A Name tag longer than `name_max` characters is cut (ids never are).
    pub fn instance_text(&self, address: Ipv4Addr, subnet: &str, name_max: usize) -> String {
        match self {
            Self::Off => "not asked: EC2 off (--no-ec2 or ec2 = false)".into(),
            Self::Asking => "EC2: asking…".into(),
            Self::Failed(message) if message.starts_with("EC2") => (*message).to_string(),
            Self::Failed(message) => format!("EC2: {message}"),
            Self::UnknownSubnet => format!("EC2: {subnet} is not a subnet of this account"),
            Self::Unheld => format!("none: no network interface holds {address}"),
            Self::Held(h) => match &h.instance {
                Some(i) => match &i.name {
                    Some(name) => format!("{} ({}) {}", cut(name, name_max), i.id, i.state),
                    None => format!("{} {}", i.id, i.state),
                },
                None => format!("none: {} is attached to no instance", h.interface_id),
            },
        }
    }

    /// The interface line: "eni-0a1b… primary address", when an interface holds it.
    pub fn interface_text(&self) -> Option<String> {
        self.holder()
            .map(|h| format!("{}, {}", h.interface_id, how(h.holding)))
    }

    /// Traffic ALLOWed to an address no interface holds is a standing exposure: the next
    /// interface given the address receives it. `None` otherwise.
    pub fn exposure(&self, traffic: TrafficState) -> Option<&'static str> {
        (matches!(self, Self::Unheld) && traffic == TrafficState::Allow)
            .then_some("standing exposure: ALLOWed traffic goes to whoever next gets this address")
    }
}

/// CIDRs an "outside every subnet" sentence lists before it counts the rest.
const CIDRS_LISTED: usize = 4;

/// "10.9.9.9 is outside every subnet of this group (10.0.1.0/24, 10.0.2.0/24)": a fact once EC2
/// has given every subnet's CIDR.
pub fn outside_every(address: Ipv4Addr, of: &str, cidrs: &[Ipv4Net]) -> String {
    let mut listed: Vec<String> = cidrs
        .iter()
        .take(CIDRS_LISTED)
        .map(ToString::to_string)
        .collect();
    if cidrs.len() > CIDRS_LISTED {
        listed.push(format!("and {} more", cidrs.len() - CIDRS_LISTED));
    }
    format!(
        "{address} is outside every subnet of {of} ({})",
        listed.join(", ")
    )
}

/// Whether `address` is one of the five addresses AWS keeps in a subnet of block `cidr` (the
/// first four and the last), which Global Accelerator never maps.
pub fn kept_by_aws(cidr: Ipv4Net, address: Ipv4Addr) -> bool {
    let (first, last) = (u32::from(cidr.network()), u32::from(cidr.broadcast()));
    let a = u32::from(address);
    cidr.contains(&address) && (a < first.saturating_add(4) || a == last)
}

/// How an interface holds an address, in words.
pub fn how(holding: Holding) -> String {
    match holding {
        Holding::Primary => "primary address".into(),
        Holding::Secondary => "secondary address".into(),
        Holding::Prefix(p) => format!("in delegated prefix {p}"),
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
#[path = "behind_tests.rs"]
mod tests;
