use super::*;
use crate::model::PortRange;

fn destination_mapping(i: u16) -> DestinationPortMapping {
    DestinationPortMapping {
        accelerator_arn: "arn:aws:globalaccelerator::111122223333:accelerator/a".into(),
        accelerator_sockets: vec![
            SocketAddress {
                ip: "75.2.0.1".into(),
                port: 40_000 + i,
            },
            SocketAddress {
                ip: "99.83.0.1".into(),
                port: 40_000 + i,
            },
        ],
        endpoint_group_arn: "arn:…/endpoint-group/g1".into(),
        endpoint_id: "subnet-1".into(),
        endpoint_group_region: "eu-west-1".into(),
        destination: SocketAddress {
            ip: "10.0.3.17".into(),
            port: 7000 + i,
        },
        ip_address_type: None,
        traffic: if i.is_multiple_of(2) {
            TrafficState::Allow
        } else {
            TrafficState::Deny
        },
    }
}

#[test]
fn rows_come_back_as_they_went_in() {
    let mut table = MappingTable::default();
    table.set_destinations(
        "arn:…/endpoint-group/g1",
        vec![DestinationConfig {
            ports: PortRange::new(7000, 7100).unwrap(),
            protocols: ProtocolSet::UDP,
        }],
    );
    for i in 0..10_000 {
        table.push_destination_mapping(&destination_mapping(i % 100), Some("game"), true);
    }
    assert_eq!(table.len(), 10_000);
    let row = table.get(5_001).unwrap();
    assert_eq!(row.to_destination_mapping(), destination_mapping(1));
    assert_eq!(row.protocols, Some(ProtocolSet::UDP));
    assert_eq!(row.accelerator_name, Some("game"));
    assert_eq!(
        row.cells()[0],
        "75.2.0.1:40001 99.83.0.1:40001",
        "every static IP with its port"
    );
    assert!(table.get(10_000).is_none());
    assert_eq!(table.accelerators.len(), 1);
}

#[test]
fn port_mappings_keep_protocols_and_odd_addresses() {
    let mut table = MappingTable::default();
    let acc = table.accelerator("arn:a", None, &["75.2.0.9".into()], true);
    let m = PortMapping {
        accelerator_port: 1024,
        endpoint_group_arn: "arn:g".into(),
        endpoint_id: "subnet-9".into(),
        destination: SocketAddress {
            ip: "not-an-ip\u{1b}".into(),
            port: 80,
        },
        protocols: ProtocolSet::BOTH,
        traffic: TrafficState::Deny,
    };
    table.push_port_mapping(acc, &m);
    let row = table.get(0).unwrap();
    assert_eq!(row.to_port_mapping(), m);
    assert_eq!(row.region, None);
    table.set_region("arn:g", "us-east-1");
    assert_eq!(table.get(0).unwrap().region, Some("us-east-1"));
    for (needle, hit) in [
        ("subnet-9", true),
        ("us-east", true),
        ("subnet-8", false),
        ("75.2.0.9:1024", true),
        ("tcp+udp", true),
        ("deny", true),
        ("allow", false),
        ("not-an-ip\u{1b}:80", true),
        ("arn:g", true),
    ] {
        assert_eq!(table.matcher(needle).matches(0), hit, "{needle}");
    }
    assert_eq!(table.accelerator_port(0), Some(1024));
}

#[test]
fn a_record_is_twenty_bytes() {
    assert_eq!(std::mem::size_of::<Compact>(), 20);
}
