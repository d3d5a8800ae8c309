//! Watching: "tell me when 75.2.16.21:54442 changes". What can be pinned, what a watched row
//! says, what changed between two rounds (in words for a log line), and how long to wait
//! before the next round. Pure: the reads live in `crate::watch`.

use std::collections::HashMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

use thiserror::Error;

mod rounds;
mod rows;

pub use rounds::*;
pub use rows::*;

use super::whois::{WhoisAnswer, quoted};
use super::{
    AcceleratorStatus, ArnKind, SocketAddress, TrafficState, Verdict, accelerator_arn_of,
    listener_arn_of, parse_accelerator_address, parse_arn, parse_ipv4, parse_port, parse_subnet_id,
};

/// Something watched.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pin {
    /// An accelerator address `IP:PORT`: the one destination behind it.
    AcceleratorSocket(SocketAddress),
    /// A destination address: every destination socket of it, in every subnet endpoint that
    /// holds it.
    DestinationAddress(Ipv4Addr),
    /// One destination socket of one subnet endpoint of one endpoint group (a browser row).
    DestinationSocket {
        endpoint_group_arn: String,
        subnet: String,
        destination: SocketAddress,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct PinError(pub String);

impl Pin {
    /// What a user types: `75.2.16.21:54442`, `10.0.3.17`, or
    /// `ENDPOINT_GROUP_ARN/SUBNET/IP:PORT`. `Display` writes the same forms back.
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        let input = input.trim();
        if input.contains('/') {
            return parse_destination_socket(input);
        }
        if input.contains(':') {
            let (ip, port) = parse_accelerator_address(input).map_err(PinError)?;
            return Ok(Pin::AcceleratorSocket(SocketAddress {
                ip: ip.to_string(),
                port,
            }));
        }
        parse_ipv4(input).map(Pin::DestinationAddress).map_err(|_| {
            PinError(format!(
                "{} is neither an accelerator address IP:PORT (like 75.2.10.20:41872), a destination IPv4 address (like 10.0.3.17), nor a destination socket ENDPOINT_GROUP_ARN/SUBNET/IP:PORT",
                quoted(input)
            ))
        })
    }

    /// Short, for a table cell: the ARN of a destination socket's group is left out.
    pub fn label(&self) -> String {
        match self {
            Pin::AcceleratorSocket(s) => s.to_string(),
            Pin::DestinationAddress(ip) => ip.to_string(),
            Pin::DestinationSocket {
                subnet,
                destination,
                ..
            } => format!("{subnet}/{destination}"),
        }
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pin::DestinationSocket {
                endpoint_group_arn,
                subnet,
                destination,
            } => write!(f, "{endpoint_group_arn}/{subnet}/{destination}"),
            other => f.write_str(&other.label()),
        }
    }
}

fn parse_destination_socket(input: &str) -> Result<Pin, PinError> {
    let q = quoted(input);
    let shape = "ENDPOINT_GROUP_ARN/SUBNET/IP:PORT";
    let mut parts = input.rsplitn(3, '/');
    let (Some(socket), Some(subnet), Some(group)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(PinError(format!(
            "{q} is not a destination socket: expected {shape}"
        )));
    };
    if !matches!(parse_arn(group), Ok(ArnKind::EndpointGroup { .. })) {
        return Err(PinError(format!(
            "{q}: {} is not an endpoint group ARN (expected {shape})",
            quoted(group)
        )));
    }
    let subnet = parse_subnet_id(subnet).map_err(|e| PinError(format!("{q}: {e}")))?;
    let (ip, port) = socket.rsplit_once(':').ok_or_else(|| {
        PinError(format!(
            "{q}: {} is not a destination IP:PORT (expected {shape})",
            quoted(socket)
        ))
    })?;
    let ip = parse_ipv4(ip).map_err(|e| PinError(format!("{q}: {e}")))?;
    let port = parse_port(port).map_err(|e| PinError(format!("{q}: {e}")))?;
    Ok(Pin::DestinationSocket {
        endpoint_group_arn: group.trim().to_string(),
        subnet,
        destination: SocketAddress {
            ip: ip.to_string(),
            port,
        },
    })
}

#[cfg(test)]
#[path = "../watch_tests.rs"]
mod tests;
