//! What EC2 says about the places Global Accelerator sends traffic to: subnets, the network
//! interfaces in them and the instances holding those interfaces. Only what the join with
//! Global Accelerator needs is kept. Every string here came from EC2 and is data: it is
//! sanitised when drawn, like every other string from an API.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// A subnet as DescribeSubnets returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub id: String,
    /// The subnet's IPv4 block; `None` for an IPv6-only subnet (or an answer without one).
    pub cidr: Option<Ipv4Net>,
    pub vpc_id: String,
    pub availability_zone: String,
    /// The `Name` tag.
    pub name: Option<String>,
    /// Addresses EC2 still has free in the subnet.
    pub available_addresses: Option<u32>,
}

impl Subnet {
    /// Whether `address` lies inside the subnet's IPv4 block.
    pub fn contains(&self, address: Ipv4Addr) -> bool {
        self.cidr.is_some_and(|c| c.contains(&address))
    }
}

/// How an interface holds an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// The interface's primary private address.
    Primary,
    /// One of its secondary private addresses.
    Secondary,
    /// An address inside an IPv4 prefix delegated to the interface (a /28 usually).
    Prefix(Ipv4Net),
}

/// A private IPv4 address of an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateAddress {
    pub address: Ipv4Addr,
    pub primary: bool,
}

/// A network interface as DescribeNetworkInterfaces returns it, or as DescribeInstances lists
/// it under an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    /// Every private IPv4 address, the primary one first.
    pub private_addresses: Vec<PrivateAddress>,
    /// IPv4 prefixes delegated to the interface.
    pub ipv4_prefixes: Vec<Ipv4Net>,
    /// The instance it is attached to; `None` when detached or attached to something that is
    /// not an instance (a load balancer, a NAT gateway).
    pub instance_id: Option<String>,
    /// `in-use`, `available`, … as EC2 says it.
    pub status: Option<String>,
    /// `interface`, `efa`, `nat_gateway`, … as EC2 says it.
    pub interface_type: Option<String>,
    pub description: Option<String>,
}

impl NetworkInterface {
    /// The primary private address.
    pub fn primary_address(&self) -> Option<Ipv4Addr> {
        self.private_addresses
            .iter()
            .find(|a| a.primary)
            .or(self.private_addresses.first())
            .map(|a| a.address)
    }

    /// Whether the interface holds `address`, and how: as its primary or a secondary address,
    /// or inside a delegated prefix.
    pub fn holds(&self, address: Ipv4Addr) -> Option<Holding> {
        if let Some(a) = self.private_addresses.iter().find(|a| a.address == address) {
            return Some(if a.primary {
                Holding::Primary
            } else {
                Holding::Secondary
            });
        }
        self.ipv4_prefixes
            .iter()
            .find(|p| p.contains(&address))
            .map(|p| Holding::Prefix(*p))
    }
}

/// An instance's state as EC2 names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
    /// A state this version does not know; kept as received.
    Other(String),
}

impl InstanceState {
    pub fn from_api_str(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "shutting-down" => Self::ShuttingDown,
            "terminated" => Self::Terminated,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            other => Self::Other(other.to_string()),
        }
    }

    pub fn as_api_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::ShuttingDown => "shutting-down",
            Self::Terminated => "terminated",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Other(s) => s,
        }
    }

    /// Running or about to: traffic sent to it is expected to arrive.
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Pending | Self::Running)
    }
}

impl fmt::Display for InstanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_api_str())
    }
}

/// An instance as DescribeInstances returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    /// The `Name` tag.
    pub name: Option<String>,
    pub state: InstanceState,
    pub instance_type: Option<String>,
    /// The subnet of its primary interface.
    pub subnet_id: Option<String>,
    pub availability_zone: Option<String>,
    /// Its primary private address.
    pub private_address: Option<Ipv4Addr>,
    /// Its interfaces, each with every address and prefix it holds.
    pub interfaces: Vec<NetworkInterface>,
}

impl Instance {
    /// Every private IPv4 address of the instance, the primary one first, without repeats.
    pub fn private_addresses(&self) -> Vec<Ipv4Addr> {
        let mut out: Vec<Ipv4Addr> = self.private_address.into_iter().collect();
        for a in self.interfaces.iter().flat_map(|i| &i.private_addresses) {
            if !out.contains(&a.address) {
                out.push(a.address);
            }
        }
        out
    }

    /// The interface of this instance holding `address`, and how it holds it.
    pub fn holds(&self, address: Ipv4Addr) -> Option<(&NetworkInterface, Holding)> {
        self.interfaces
            .iter()
            .find_map(|i| i.holds(address).map(|h| (i, h)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn interface() -> NetworkInterface {
        NetworkInterface {
            id: "eni-1".into(),
            subnet_id: "subnet-1".into(),
            private_addresses: vec![
                PrivateAddress {
                    address: ip("10.0.1.17"),
                    primary: true,
                },
                PrivateAddress {
                    address: ip("10.0.1.18"),
                    primary: false,
                },
            ],
            ipv4_prefixes: vec!["10.0.1.32/28".parse().unwrap()],
            instance_id: Some("i-1".into()),
            status: Some("in-use".into()),
            interface_type: Some("interface".into()),
            description: None,
        }
    }

    #[test]
    fn an_interface_holds_its_primary_secondary_and_prefix_addresses() {
        let eni = interface();
        assert_eq!(eni.holds(ip("10.0.1.17")), Some(Holding::Primary));
        assert_eq!(eni.holds(ip("10.0.1.18")), Some(Holding::Secondary));
        assert_eq!(
            eni.holds(ip("10.0.1.47")),
            Some(Holding::Prefix("10.0.1.32/28".parse().unwrap()))
        );
        assert_eq!(eni.holds(ip("10.0.1.48")), None);
        assert_eq!(eni.holds(ip("10.0.1.31")), None);
        assert_eq!(eni.primary_address(), Some(ip("10.0.1.17")));
    }

    #[test]
    fn an_instance_lists_every_address_once_and_finds_the_interface_holding_one() {
        let mut second = interface();
        second.id = "eni-2".into();
        second.private_addresses = vec![PrivateAddress {
            address: ip("10.0.2.5"),
            primary: true,
        }];
        second.ipv4_prefixes.clear();
        let instance = Instance {
            id: "i-1".into(),
            name: Some("game-1".into()),
            state: InstanceState::Running,
            instance_type: Some("c5.large".into()),
            subnet_id: Some("subnet-1".into()),
            availability_zone: Some("us-east-1a".into()),
            private_address: Some(ip("10.0.1.17")),
            interfaces: vec![interface(), second],
        };
        assert_eq!(
            instance.private_addresses(),
            vec![ip("10.0.1.17"), ip("10.0.1.18"), ip("10.0.2.5")]
        );
        let (eni, how) = instance.holds(ip("10.0.2.5")).unwrap();
        assert_eq!((eni.id.as_str(), how), ("eni-2", Holding::Primary));
        assert!(instance.holds(ip("10.0.3.1")).is_none());
    }

    #[test]
    fn states_round_trip_and_unknown_ones_are_kept() {
        for s in [
            "pending",
            "running",
            "shutting-down",
            "terminated",
            "stopping",
            "stopped",
        ] {
            assert_eq!(InstanceState::from_api_str(s).as_api_str(), s);
        }
        assert_eq!(
            InstanceState::from_api_str("hibernating"),
            InstanceState::Other("hibernating".into())
        );
        assert!(InstanceState::Running.is_live() && !InstanceState::Stopped.is_live());
    }

    #[test]
    fn a_subnet_contains_the_addresses_of_its_block_only() {
        let subnet = Subnet {
            id: "subnet-1".into(),
            cidr: Some("10.0.1.0/24".parse().unwrap()),
            vpc_id: "vpc-1".into(),
            availability_zone: "us-east-1a".into(),
            name: None,
            available_addresses: Some(250),
        };
        assert!(subnet.contains(ip("10.0.1.255")));
        assert!(!subnet.contains(ip("10.0.2.0")));
        let v6_only = Subnet {
            cidr: None,
            ..subnet
        };
        assert!(!v6_only.contains(ip("10.0.1.1")));
    }
}
