//! SDK shapes → domain types. Total by design: an answer from a non-AWS endpoint may miss
//! fields, so an item without what makes it usable (a port, an ARN) is skipped rather than
//! shown wrong, and everything else defaults to empty.

use std::time::SystemTime;

use aws_sdk_globalaccelerator::types as sdk;

use crate::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, DestinationConfig,
    DestinationPortMapping, EndpointGroup, IpAddressType, Listener, PortMapping, PortRange,
    Protocol, ProtocolSet, SocketAddress, Tag, TrafficState,
};

fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<SystemTime> {
    t.and_then(|t| SystemTime::try_from(*t).ok())
}

fn port(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok()).filter(|p| *p >= 1)
}

fn range(from: Option<i32>, to: Option<i32>) -> Option<PortRange> {
    PortRange::new(port(from)?, port(to)?)
}

fn socket(s: Option<&sdk::SocketAddress>) -> Option<SocketAddress> {
    let s = s?;
    Some(SocketAddress {
        ip: text(s.ip_address()),
        port: port(s.port())?,
    })
}

fn traffic(s: Option<&sdk::CustomRoutingDestinationTrafficState>) -> TrafficState {
    // An unknown or missing state is shown as DENY: claiming traffic flows when it may not is
    // the worse mistake during an incident.
    s.and_then(|s| TrafficState::from_api_str(s.as_str()))
        .unwrap_or(TrafficState::Deny)
}

fn ip_type(t: Option<&sdk::IpAddressType>) -> Option<IpAddressType> {
    t.and_then(|t| IpAddressType::from_api_str(t.as_str()))
}

pub fn accelerator(a: &sdk::CustomRoutingAccelerator) -> Option<Accelerator> {
    Some(Accelerator {
        arn: a.accelerator_arn()?.to_string(),
        name: text(a.name()),
        ip_address_type: ip_type(a.ip_address_type()),
        enabled: a.enabled().unwrap_or(false),
        status: AcceleratorStatus::from_api_str(
            a.status().map(|s| s.as_str()).unwrap_or("UNKNOWN"),
        ),
        static_ips: a
            .ip_sets()
            .iter()
            .flat_map(|s| s.ip_addresses().iter().cloned())
            .collect(),
        dns_name: text(a.dns_name()),
        created: time(a.created_time()),
        last_modified: time(a.last_modified_time()),
        tags: Vec::new(),
    })
}

pub fn attributes(a: Option<&sdk::CustomRoutingAcceleratorAttributes>) -> AcceleratorAttributes {
    AcceleratorAttributes {
        flow_logs_enabled: a.and_then(|a| a.flow_logs_enabled()).unwrap_or(false),
        flow_logs_s3_bucket: a.and_then(|a| a.flow_logs_s3_bucket()).map(str::to_string),
        flow_logs_s3_prefix: a.and_then(|a| a.flow_logs_s3_prefix()).map(str::to_string),
    }
}

pub fn listener(l: &sdk::CustomRoutingListener) -> Option<Listener> {
    Some(Listener {
        arn: l.listener_arn()?.to_string(),
        port_ranges: l
            .port_ranges()
            .iter()
            .filter_map(|r| range(r.from_port(), r.to_port()))
            .collect(),
    })
}

fn protocols(p: impl Iterator<Item = Option<Protocol>>) -> ProtocolSet {
    p.flatten().collect()
}

pub fn endpoint_group(g: &sdk::CustomRoutingEndpointGroup) -> Option<EndpointGroup> {
    Some(EndpointGroup {
        arn: g.endpoint_group_arn()?.to_string(),
        region: text(g.endpoint_group_region()),
        destinations: g
            .destination_descriptions()
            .iter()
            .filter_map(|d| {
                Some(DestinationConfig {
                    ports: range(d.from_port(), d.to_port())?,
                    protocols: protocols(
                        d.protocols()
                            .iter()
                            .map(|p| Protocol::from_api_str(p.as_str())),
                    ),
                })
            })
            .collect(),
        endpoints: g
            .endpoint_descriptions()
            .iter()
            .filter_map(|e| e.endpoint_id().map(str::to_string))
            .collect(),
    })
}

/// Moves the strings out of the SDK's row instead of copying them: a listing converts a
/// million of these.
pub fn owned_port_mapping(m: sdk::PortMapping) -> Option<PortMapping> {
    let destination = m.destination_socket_address?;
    Some(PortMapping {
        accelerator_port: port(m.accelerator_port)?,
        endpoint_group_arn: m.endpoint_group_arn.unwrap_or_default(),
        endpoint_id: m.endpoint_id.unwrap_or_default(),
        destination: SocketAddress {
            port: port(destination.port)?,
            ip: destination.ip_address.unwrap_or_default(),
        },
        protocols: protocols(
            m.protocols
                .iter()
                .flatten()
                .map(|p| Protocol::from_api_str(p.as_str())),
        ),
        traffic: traffic(m.destination_traffic_state.as_ref()),
    })
}

pub fn destination_port_mapping(m: &sdk::DestinationPortMapping) -> Option<DestinationPortMapping> {
    Some(DestinationPortMapping {
        accelerator_arn: text(m.accelerator_arn()),
        accelerator_sockets: m
            .accelerator_socket_addresses()
            .iter()
            .filter_map(|s| socket(Some(s)))
            .collect(),
        endpoint_group_arn: text(m.endpoint_group_arn()),
        endpoint_id: text(m.endpoint_id()),
        endpoint_group_region: text(m.endpoint_group_region()),
        destination: socket(m.destination_socket_address())?,
        ip_address_type: ip_type(m.ip_address_type()),
        traffic: traffic(m.destination_traffic_state()),
    })
}

pub fn tag(t: &sdk::Tag) -> Tag {
    Tag {
        key: t.key().to_string(),
        value: t.value().to_string(),
    }
}

pub fn sdk_protocols(set: ProtocolSet) -> Vec<sdk::CustomRoutingProtocol> {
    set.iter()
        .map(|p| match p {
            Protocol::Tcp => sdk::CustomRoutingProtocol::Tcp,
            Protocol::Udp => sdk::CustomRoutingProtocol::Udp,
        })
        .collect()
}

pub fn sdk_port_range(r: PortRange) -> sdk::PortRange {
    sdk::PortRange::builder()
        .from_port(i32::from(r.from_port()))
        .to_port(i32::from(r.to_port()))
        .build()
}

pub fn sdk_ip_type(t: IpAddressType) -> sdk::IpAddressType {
    match t {
        IpAddressType::Ipv4 => sdk::IpAddressType::Ipv4,
        IpAddressType::DualStack => sdk::IpAddressType::DualStack,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_without_a_port_are_skipped_and_unknown_states_read_as_deny() {
        let m = sdk::PortMapping::builder().endpoint_id("subnet-1").build();
        assert!(owned_port_mapping(m.clone()).is_none());
        let m = sdk::PortMapping::builder()
            .accelerator_port(10001)
            .destination_socket_address(
                sdk::SocketAddress::builder()
                    .ip_address("10.0.0.4")
                    .port(80)
                    .build(),
            )
            .protocols(sdk::CustomRoutingProtocol::Udp)
            .destination_traffic_state(sdk::CustomRoutingDestinationTrafficState::from("SOMETHING"))
            .build();
        let m = owned_port_mapping(m.clone()).unwrap();
        assert_eq!(m.traffic, TrafficState::Deny);
        assert_eq!(m.protocols, ProtocolSet::UDP);
        assert_eq!(m.destination.to_string(), "10.0.0.4:80");
    }

    #[test]
    fn accelerator_ips_are_flattened_across_ip_sets() {
        let a = sdk::CustomRoutingAccelerator::builder()
            .accelerator_arn("arn")
            .ip_sets(
                sdk::IpSet::builder()
                    .ip_addresses("1.1.1.1")
                    .ip_addresses("2.2.2.2")
                    .build(),
            )
            .ip_sets(sdk::IpSet::builder().ip_addresses("2600::1").build())
            .status(sdk::CustomRoutingAcceleratorStatus::InProgress)
            .build();
        let a = accelerator(&a).unwrap();
        assert_eq!(a.static_ips, ["1.1.1.1", "2.2.2.2", "2600::1"]);
        assert_eq!(a.status, AcceleratorStatus::InProgress);
    }
}
