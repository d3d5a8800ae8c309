use std::fmt;

use super::{IpAddressType, ProtocolSet};

/// An IP address and port as the API reports it. The address stays a string: answers may
/// come from a non-AWS endpoint and are shown (sanitised), not interpreted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocketAddress {
    pub ip: String,
    pub port: u16,
}

impl fmt::Display for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ip.contains(':') {
            write!(f, "[{}]:{}", self.ip, self.port)
        } else {
            write!(f, "{}:{}", self.ip, self.port)
        }
    }
}

/// Whether traffic to a destination socket is let through (`ALLOW`) or dropped (`DENY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrafficState {
    Allow,
    Deny,
}

impl TrafficState {
    pub fn as_api_str(self) -> &'static str {
        match self {
            TrafficState::Allow => "ALLOW",
            TrafficState::Deny => "DENY",
        }
    }

    pub fn from_api_str(s: &str) -> Option<Self> {
        match s {
            "ALLOW" => Some(TrafficState::Allow),
            "DENY" => Some(TrafficState::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for TrafficState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api_str())
    }
}

/// One accelerator port and the destination it reaches (ListCustomRoutingPortMappings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub accelerator_port: u16,
    pub endpoint_group_arn: String,
    pub endpoint_id: String,
    pub destination: SocketAddress,
    pub protocols: ProtocolSet,
    pub traffic: TrafficState,
}

/// One destination socket and the accelerator sockets (one per static IP) that reach it
/// (ListCustomRoutingPortMappingsByDestination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationPortMapping {
    pub accelerator_arn: String,
    pub accelerator_sockets: Vec<SocketAddress>,
    pub endpoint_group_arn: String,
    pub endpoint_id: String,
    pub endpoint_group_region: String,
    pub destination: SocketAddress,
    pub ip_address_type: Option<IpAddressType>,
    pub traffic: TrafficState,
}

/// One page of a list call. `next_token` is opaque and absent on the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    pub fn is_last(&self) -> bool {
        self.next_token.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_display_brackets_ipv6() {
        let v4 = SocketAddress {
            ip: "10.0.0.1".into(),
            port: 80,
        };
        let v6 = SocketAddress {
            ip: "2600::1".into(),
            port: 80,
        };
        assert_eq!(v4.to_string(), "10.0.0.1:80");
        assert_eq!(v6.to_string(), "[2600::1]:80");
    }

    #[test]
    fn traffic_state_round_trips() {
        for s in [TrafficState::Allow, TrafficState::Deny] {
            assert_eq!(TrafficState::from_api_str(s.as_api_str()), Some(s));
        }
        assert_eq!(TrafficState::from_api_str("allow"), None);
    }
}
