use super::*;
use crate::model::ec2::PrivateAddress;
use crate::model::{ProtocolSet, SocketAddress, TrafficScope};

const GAME: &str = "arn:aws:globalaccelerator::123456789012:accelerator/a1";
const VOICE: &str = "arn:aws:globalaccelerator::123456789012:accelerator/a2";

fn group_arn(accelerator: &str, n: u8) -> String {
    format!("{accelerator}/listener/l/endpoint-group/g{n}")
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// A group over `subnets`, holding the mappings `(subnet, address, port, allowed)`.
fn group(accelerator: (&str, &str), n: u8, rows: &[(&str, &str, u16, bool)]) -> GroupTraffic {
    let arn = group_arn(accelerator.0, n);
    let mut subnets: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    subnets.dedup();
    let mut g = GroupTraffic::new(
        AcceleratorRef {
            arn: accelerator.0.into(),
            name: accelerator.1.into(),
        },
        &arn,
        "us-east-1",
        &subnets,
    );
    for &(subnet, address, port, allowed) in rows {
        assert!(g.record(&mapping(&arn, subnet, address, port, allowed)));
    }
    g
}

fn mapping(group: &str, subnet: &str, address: &str, port: u16, allowed: bool) -> PortMapping {
    PortMapping {
        accelerator_port: 10_000 + port,
        endpoint_group_arn: group.into(),
        endpoint_id: subnet.into(),
        destination: SocketAddress {
            ip: address.into(),
            port,
        },
        protocols: ProtocolSet {
            tcp: false,
            udp: true,
        },
        traffic: if allowed {
            TrafficState::Allow
        } else {
            TrafficState::Deny
        },
    }
}

fn eni(
    id: &str,
    subnet: &str,
    addresses: &[&str],
    prefixes: &[&str],
    instance: Option<&str>,
) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        subnet_id: subnet.into(),
        private_addresses: addresses
            .iter()
            .enumerate()
            .map(|(i, a)| PrivateAddress {
                address: ip(a),
                primary: i == 0,
            })
            .collect(),
        ipv4_prefixes: prefixes.iter().map(|p| p.parse().unwrap()).collect(),
        instance_id: instance.map(str::to_string),
        status: Some("in-use".into()),
        interface_type: Some("interface".into()),
        description: None,
    }
}

fn instance(id: &str, name: &str, state: InstanceState) -> Instance {
    Instance {
        id: id.into(),
        name: Some(name.into()),
        state,
        instance_type: None,
        subnet_id: None,
        availability_zone: None,
        private_address: None,
        interfaces: Vec::new(),
    }
}

fn whole_address(address: &str) -> TrafficScope {
    TrafficScope::Destinations {
        addresses: vec![address.into()],
        ports: Vec::new(),
    }
}

#[test]
fn an_allowed_address_no_interface_holds_is_exposed_and_denied_by_the_fix() {
    let g = group(
        (GAME, "game"),
        1,
        &[
            ("subnet-1", "10.0.1.4", 7777, true),
            ("subnet-1", "10.0.1.4", 7778, true),
            ("subnet-1", "10.0.1.4", 8000, false),
            // Held by a running instance, all allowed: nothing to say.
            ("subnet-1", "10.0.1.5", 7777, true),
            // Denied and held by nobody: not an exposure.
            ("subnet-1", "10.0.1.6", 7777, false),
        ],
    );
    let fleet = Fleet {
        interfaces: vec![eni("eni-1", "subnet-1", &["10.0.1.5"], &[], Some("i-1"))],
        instances: vec![instance("i-1", "game-1", InstanceState::Running)],
    };
    let found = audit(&[g], &fleet);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f.kind(), Kind::Exposed);
    assert_eq!(
        f.problem,
        Problem::Exposed {
            address: ip("10.0.1.4"),
            allowed: Ports::new(vec![7778, 7777]),
            denied: Ports::new(vec![8000]),
        }
    );
    assert_eq!(
        (f.subnet.as_str(), f.region.as_str()),
        ("subnet-1", "us-east-1")
    );
    assert_eq!(f.accelerator.name, "game");
    assert_eq!(
        f.fix,
        Fix::Deny(TrafficChange {
            endpoint_group_arn: group_arn(GAME, 1),
            endpoint_id: "subnet-1".into(),
            scope: whole_address("10.0.1.4"),
        })
    );
    assert_eq!(f.fix.operation(), "DenyCustomRoutingTraffic");
    assert!(f.advice().starts_with("deny it"), "{}", f.advice());
}

#[test]
fn an_address_held_in_a_delegated_prefix_is_held() {
    let g = group(
        (GAME, "game"),
        1,
        &[
            ("subnet-1", "10.0.1.20", 7777, true),
            ("subnet-1", "10.0.1.21", 7777, false),
            ("subnet-1", "10.0.1.21", 7778, true),
            // The same address in another VPC's subnet is not held by the same interface.
            ("subnet-2", "10.0.1.20", 7777, true),
        ],
    );
    let fleet = Fleet {
        interfaces: vec![eni(
            "eni-1",
            "subnet-1",
            &["10.0.1.4"],
            &["10.0.1.16/28"],
            Some("i-1"),
        )],
        instances: vec![instance("i-1", "sbc", InstanceState::Running)],
    };
    let found = audit(&[g], &fleet);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].kind(), Kind::Exposed);
    assert_eq!(found[0].subnet, "subnet-2");
    let Problem::DeniedPorts {
        address,
        instance,
        interface_id,
        holding,
        denied,
        allowed,
    } = &found[1].problem
    else {
        panic!("{found:#?}")
    };
    assert_eq!(*address, ip("10.0.1.21"));
    assert_eq!(*holding, Holding::Prefix("10.0.1.16/28".parse().unwrap()));
    assert_eq!(
        (instance.id.as_str(), interface_id.as_str()),
        ("i-1", "eni-1")
    );
    assert_eq!(
        (denied.as_slice(), allowed),
        (&[7777][..], &Ports::new(vec![7778]))
    );
    // Only the denied port: the allowed one needs no call.
    assert_eq!(
        found[1].fix.change().scope,
        TrafficScope::Destinations {
            addresses: vec!["10.0.1.21".into()],
            ports: vec![7777],
        }
    );
    assert!(found[1].fix.allows());
    assert_eq!(
        found[1].advice(),
        "allow port 7777 if the instance serves it"
    );
    assert_eq!(found[1].ports(), Some(&Ports::new(vec![7777])));
}

#[test]
fn a_subnet_denying_every_mapping_while_instances_run_is_one_finding() {
    let g = group(
        (GAME, "game"),
        1,
        &[
            ("subnet-1", "10.0.1.4", 7777, false),
            ("subnet-1", "10.0.1.4", 7778, false),
            ("subnet-1", "10.0.1.5", 7777, false),
            ("subnet-1", "10.0.1.5", 7778, false),
            ("subnet-1", "10.0.1.6", 7777, false),
            ("subnet-1", "10.0.1.6", 7778, false),
            ("subnet-1", "10.0.1.7", 7777, false),
            ("subnet-1", "10.0.1.7", 7778, false),
        ],
    );
    let fleet = Fleet {
        interfaces: vec![
            eni(
                "eni-2",
                "subnet-1",
                &["10.0.1.5", "10.0.1.6"],
                &[],
                Some("i-2"),
            ),
            eni("eni-1", "subnet-1", &["10.0.1.4"], &[], Some("i-1")),
            eni("eni-3", "subnet-1", &["10.0.1.7"], &[], Some("i-3")),
        ],
        instances: vec![
            instance("i-2", "game-2", InstanceState::Pending),
            instance("i-1", "game-1", InstanceState::Running),
            instance("i-3", "game-3", InstanceState::Stopped),
        ],
    };
    let found = audit(&[g], &fleet);
    assert_eq!(
        found.len(),
        1,
        "no address-by-address rows as well: {found:#?}"
    );
    let Problem::DenyingSubnet {
        instances,
        addresses,
    } = &found[0].problem
    else {
        panic!("{found:#?}")
    };
    let ids: Vec<&str> = instances.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["i-1", "i-2"], "live ones only, by id");
    assert_eq!(*addresses, 3);
    assert_eq!(found[0].address(), None);
    assert_eq!(
        found[0].fix,
        Fix::Allow(TrafficChange {
            endpoint_group_arn: group_arn(GAME, 1),
            endpoint_id: "subnet-1".into(),
            scope: TrafficScope::WholeEndpoint,
        })
    );
    assert!(
        found[0].advice().ends_with("2 live instances get nothing"),
        "{}",
        found[0].advice()
    );
}

#[test]
fn stopped_instances_and_detached_interfaces_are_not_counted() {
    let g = group(
        (GAME, "game"),
        1,
        &[
            // Every mapping denied, but nothing live holds an address.
            ("subnet-1", "10.0.1.4", 7777, false),
            ("subnet-1", "10.0.1.5", 7777, false),
            // An allowed subnet: a stopped instance with a denied port, and a detached
            // interface holding an allowed address.
            ("subnet-2", "10.0.2.4", 7777, false),
            ("subnet-2", "10.0.2.4", 7778, true),
            ("subnet-2", "10.0.2.5", 7777, true),
            ("subnet-2", "10.0.2.6", 7777, false),
        ],
    );
    let fleet = Fleet {
        interfaces: vec![
            eni("eni-1", "subnet-1", &["10.0.1.4"], &[], Some("i-1")),
            eni("eni-2", "subnet-2", &["10.0.2.4"], &[], Some("i-2")),
            eni("eni-3", "subnet-2", &["10.0.2.5"], &[], None),
            // Its instance is gone from EC2's answers (terminated long ago).
            eni("eni-4", "subnet-2", &["10.0.2.6"], &[], Some("i-gone")),
        ],
        instances: vec![
            instance("i-1", "old", InstanceState::Stopped),
            instance("i-2", "spare", InstanceState::Stopping),
        ],
    };
    assert_eq!(audit(&[g], &fleet), Vec::new());
}

#[test]
fn an_address_denied_on_every_port_is_allowed_whole() {
    let ports: Vec<(&str, &str, u16, bool)> = (0..120)
        .map(|p| ("subnet-1", "10.0.1.5", 7000 + p, p % 2 == 0))
        .chain([
            ("subnet-1", "10.0.1.4", 7777, false),
            ("subnet-1", "10.0.1.4", 7778, false),
        ])
        .collect();
    let g = group((GAME, "game"), 1, &ports);
    let fleet = Fleet {
        interfaces: vec![eni(
            "eni-1",
            "subnet-1",
            &["10.0.1.4", "10.0.1.5"],
            &[],
            Some("i-1"),
        )],
        instances: vec![instance("i-1", "game-1", InstanceState::Running)],
    };
    let found = audit(&[g], &fleet);
    assert_eq!(found.len(), 2);
    let addresses: Vec<_> = found
        .iter()
        .map(|f| f.address().unwrap().to_string())
        .collect();
    assert_eq!(addresses, ["10.0.1.4", "10.0.1.5"]);
    // Every port denied: the whole address; 60 of 120 denied still fit in one call.
    assert_eq!(found[0].fix.change().scope, whole_address("10.0.1.4"));
    assert!(
        found[0].advice().ends_with("all 2 ports denied"),
        "{}",
        found[0].advice()
    );
    let TrafficScope::Destinations { ports, .. } = &found[1].fix.change().scope else {
        panic!()
    };
    assert_eq!(ports.len(), 60);
    // More denied ports than one call lists: every port of the address allows the same.
    let many: Vec<(&str, &str, u16, bool)> = (0..300)
        .map(|p| ("subnet-1", "10.0.1.5", 7000 + p, p == 0))
        .collect();
    let found = audit(&[group((GAME, "game"), 1, &many)], &fleet);
    assert_eq!(found[0].fix.change().scope, whole_address("10.0.1.5"));
}

#[test]
fn findings_come_most_serious_first_in_the_same_order_every_time() {
    let voice = group(
        (VOICE, "voice"),
        1,
        &[
            ("subnet-9", "10.9.0.4", 5060, false),
            ("subnet-9", "10.9.0.5", 5060, true),
            ("subnet-9", "10.9.0.6", 5060, true),
        ],
    );
    let game = group(
        (GAME, "game"),
        2,
        &[
            ("subnet-1", "10.0.1.9", 7777, true),
            ("subnet-1", "10.0.1.4", 7777, false),
            ("subnet-3", "10.0.3.4", 7777, false),
            ("subnet-4", "10.0.4.4", 7777, false),
            ("subnet-4", "10.0.4.5", 7777, false),
        ],
    );
    let fleet = Fleet {
        interfaces: vec![
            eni("eni-1", "subnet-1", &["10.0.1.4"], &[], Some("i-1")),
            eni("eni-3", "subnet-3", &["10.0.3.4"], &[], Some("i-3")),
            eni("eni-4", "subnet-4", &["10.0.4.4"], &[], Some("i-4")),
            eni("eni-5", "subnet-4", &["10.0.4.5"], &[], Some("i-5")),
            eni("eni-9", "subnet-9", &["10.9.0.4"], &[], Some("i-9")),
        ],
        instances: ["i-1", "i-3", "i-4", "i-5", "i-9"]
            .iter()
            .map(|id| instance(id, id, InstanceState::Running))
            .collect(),
    };
    let found = audit(&[voice.clone(), game.clone()], &fleet);
    let order: Vec<(Kind, &str, &str, Option<Ipv4Addr>)> = found
        .iter()
        .map(|f| {
            (
                f.kind(),
                f.accelerator.name.as_str(),
                f.subnet.as_str(),
                f.address(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (Kind::Exposed, "game", "subnet-1", Some(ip("10.0.1.9"))),
            (Kind::Exposed, "voice", "subnet-9", Some(ip("10.9.0.5"))),
            (Kind::Exposed, "voice", "subnet-9", Some(ip("10.9.0.6"))),
            // Two instances denied before one.
            (Kind::DenyingSubnet, "game", "subnet-4", None),
            (Kind::DenyingSubnet, "game", "subnet-3", None),
            (Kind::DeniedPorts, "game", "subnet-1", Some(ip("10.0.1.4"))),
            (Kind::DeniedPorts, "voice", "subnet-9", Some(ip("10.9.0.4"))),
        ]
    );
    let mut reversed = fleet.clone();
    reversed.interfaces.reverse();
    reversed.instances.reverse();
    assert_eq!(audit(&[game, voice], &reversed), found);
}

#[test]
fn only_the_groups_own_ipv4_mappings_are_recorded_and_new_subnets_are_added() {
    let arn = group_arn(GAME, 1);
    let mut g = GroupTraffic::new(
        AcceleratorRef {
            arn: GAME.into(),
            name: "game".into(),
        },
        &arn,
        "us-east-1",
        &["subnet-1".to_string()],
    );
    assert!(!g.record(&mapping(
        &group_arn(GAME, 2),
        "subnet-1",
        "10.0.1.4",
        1,
        true
    )));
    assert!(!g.record(&mapping(&arn, "subnet-1", "2001:db8::4", 1, true)));
    assert!(!g.record(&mapping(&arn, "subnet-1", "10.0.1", 1, true)));
    assert_eq!(g.mappings, 0);
    assert!(g.record(&mapping(&arn, "subnet-7", "10.0.7.4", 1, true)));
    let subnets: Vec<&str> = g.endpoints.iter().map(|e| e.subnet.as_str()).collect();
    assert_eq!(subnets, ["subnet-1", "subnet-7"]);
    let fleet = Fleet {
        interfaces: vec![eni("eni-1", "subnet-7", &["10.0.7.4"], &[], None)],
        instances: vec![instance("i-1", "x", InstanceState::Terminated)],
    };
    assert_eq!(
        Checked::of(3, &[g.clone(), g], &fleet),
        Checked {
            accelerators: 3,
            groups: 2,
            subnets: 2,
            destinations: 1,
            instances: 1,
            mappings: 2,
        }
    );
}

#[test]
fn ports_fold_into_runs() {
    let ports = Ports::new(vec![8000, 7777, 7779, 7778, 7777, 65535]);
    assert_eq!(ports.len(), 5);
    assert_eq!(ports.ranges(), [(7777, 7779), (8000, 8000), (65535, 65535)]);
    assert_eq!(ports.to_string(), "7777-7779 8000 65535");
    assert_eq!(Ports::default().to_string(), "");
}
