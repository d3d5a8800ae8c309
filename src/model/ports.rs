use std::fmt;

/// An inclusive range of port numbers, always `1 <= from <= to <= 65535`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    from: u16,
    to: u16,
}

impl PortRange {
    /// Builds a range, refusing port 0 and reversed bounds.
    pub fn new(from: u16, to: u16) -> Option<Self> {
        (from >= 1 && from <= to).then_some(Self { from, to })
    }

    pub fn from_port(self) -> u16 {
        self.from
    }

    pub fn to_port(self) -> u16 {
        self.to
    }

    /// Number of ports in the range (1..=65535).
    pub fn len(self) -> u32 {
        u32::from(self.to) - u32::from(self.from) + 1
    }

    /// Never true: a range holds at least one port. Present for clippy's `len_without_is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }

    pub fn contains(self, port: u16) -> bool {
        (self.from..=self.to).contains(&port)
    }

    pub fn overlaps(self, other: PortRange) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    pub fn ports(self) -> impl Iterator<Item = u16> {
        self.from..=self.to
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    /// The wire spelling used by the API (`TCP`, `UDP`).
    pub fn as_api_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }

    pub fn from_api_str(s: &str) -> Option<Self> {
        match s {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            _ => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api_str())
    }
}

/// A set of protocols: TCP, UDP or both. The empty set exists only as a value to validate
/// (a destination needs at least one protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ProtocolSet {
    pub tcp: bool,
    pub udp: bool,
}

impl ProtocolSet {
    pub const TCP: ProtocolSet = ProtocolSet {
        tcp: true,
        udp: false,
    };
    pub const UDP: ProtocolSet = ProtocolSet {
        tcp: false,
        udp: true,
    };
    pub const BOTH: ProtocolSet = ProtocolSet {
        tcp: true,
        udp: true,
    };

    pub fn is_empty(self) -> bool {
        !self.tcp && !self.udp
    }

    pub fn contains(self, protocol: Protocol) -> bool {
        match protocol {
            Protocol::Tcp => self.tcp,
            Protocol::Udp => self.udp,
        }
    }

    pub fn insert(&mut self, protocol: Protocol) {
        match protocol {
            Protocol::Tcp => self.tcp = true,
            Protocol::Udp => self.udp = true,
        }
    }

    /// The protocols in a stable order (TCP before UDP).
    pub fn iter(self) -> impl Iterator<Item = Protocol> {
        [(self.tcp, Protocol::Tcp), (self.udp, Protocol::Udp)]
            .into_iter()
            .filter_map(|(on, p)| on.then_some(p))
    }
}

impl FromIterator<Protocol> for ProtocolSet {
    fn from_iter<I: IntoIterator<Item = Protocol>>(iter: I) -> Self {
        let mut set = ProtocolSet::default();
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl fmt::Display for ProtocolSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Protocol::as_api_str).collect();
        f.write_str(&names.join("+"))
    }
}

/// One destination port range of an endpoint group and the protocols it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DestinationConfig {
    pub ports: PortRange,
    pub protocols: ProtocolSet,
}

impl fmt::Display for DestinationConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.ports, self.protocols)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_rejects_zero_and_reversed() {
        assert!(PortRange::new(0, 10).is_none());
        assert!(PortRange::new(10, 9).is_none());
        assert_eq!(PortRange::new(5, 5).map(PortRange::len), Some(1));
        assert_eq!(PortRange::new(1, 65535).map(PortRange::len), Some(65535));
    }

    #[test]
    fn overlap_is_inclusive() {
        let a = PortRange::new(10, 20).unwrap();
        assert!(a.overlaps(PortRange::new(20, 30).unwrap()));
        assert!(!a.overlaps(PortRange::new(21, 30).unwrap()));
        assert!(a.overlaps(PortRange::new(1, 10).unwrap()));
    }

    #[test]
    fn protocol_set_display_is_stable() {
        assert_eq!(ProtocolSet::BOTH.to_string(), "TCP+UDP");
        assert_eq!(
            [Protocol::Udp, Protocol::Tcp]
                .into_iter()
                .collect::<ProtocolSet>(),
            ProtocolSet::BOTH
        );
        assert!(ProtocolSet::default().is_empty());
    }
}
