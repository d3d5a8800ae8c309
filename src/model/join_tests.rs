use super::*;
use crate::model::ec2::PrivateAddress;

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn subnet() -> Subnet {
    Subnet {
        id: "subnet-1".into(),
        cidr: Some("10.0.1.0/24".parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "us-east-1a".into(),
        name: Some("game-a".into()),
        available_addresses: Some(200),
    }
}

fn eni(
    id: &str,
    addresses: &[(&str, bool)],
    prefixes: &[&str],
    instance: Option<&str>,
) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        subnet_id: "subnet-1".into(),
        private_addresses: addresses
            .iter()
            .map(|(a, primary)| PrivateAddress {
                address: ip(a),
                primary: *primary,
            })
            .collect(),
        ipv4_prefixes: prefixes.iter().map(|p| p.parse().unwrap()).collect(),
        instance_id: instance.map(Into::into),
        status: Some("in-use".into()),
        interface_type: Some("interface".into()),
        description: None,
    }
}

fn instance(id: &str, name: Option<&str>, state: InstanceState) -> Instance {
    Instance {
        id: id.into(),
        name: name.map(Into::into),
        state,
        instance_type: None,
        subnet_id: Some("subnet-1".into()),
        availability_zone: None,
        private_address: None,
        interfaces: Vec::new(),
    }
}

#[test]
fn every_kind_of_holding_names_its_interface_and_instance() {
    let view = SubnetView::new(
        Some(subnet()),
        &[
            eni(
                "eni-a",
                &[("10.0.1.4", true), ("10.0.1.5", false)],
                &[],
                Some("i-a"),
            ),
            eni(
                "eni-b",
                &[("10.0.1.20", true)],
                &["10.0.1.32/28"],
                Some("i-b"),
            ),
            eni("eni-c", &[("10.0.1.60", true)], &[], None),
        ],
        &[
            instance("i-a", Some("game-1"), InstanceState::Running),
            instance("i-b", None, InstanceState::Stopped),
        ],
    );
    let a = view.holder(ip("10.0.1.4")).unwrap();
    assert_eq!(
        (a.label(), a.holding, a.is_live()),
        ("game-1", Holding::Primary, true)
    );
    assert_eq!(a.describe(), "game-1 (i-a) running, eni-a primary address");
    assert_eq!(
        view.holder(ip("10.0.1.5")).unwrap().holding,
        Holding::Secondary
    );
    let p = view.holder(ip("10.0.1.47")).unwrap();
    assert_eq!(p.label(), "i-b", "no Name: the id");
    assert!(!p.is_live(), "a stopped instance receives nothing");
    assert!(p.describe().contains("in delegated prefix 10.0.1.32/28"));
    let detached = view.holder(ip("10.0.1.60")).unwrap();
    assert_eq!(detached.label(), "eni-c");
    assert!(detached.describe().contains("attached to no instance"));
    assert!(view.holder(ip("10.0.1.48")).is_none());
    assert_eq!(view.contains(ip("10.0.2.1")), Some(false));
    assert_eq!(view.contains(ip("10.0.1.200")), Some(true));
    // 4, 5, 20, 32..=47 (16), 60
    assert_eq!(view.held_usable(), 20);
    assert_eq!(view.usable(), Some(251));
}

#[test]
fn a_subnet_ec2_does_not_know_says_nothing_about_its_block() {
    let view = SubnetView::new(None, &[], &[]);
    assert_eq!(view.contains(ip("10.0.1.1")), None);
    assert_eq!(view.usable(), None);
    assert_eq!(view.held_usable(), 0);
}

#[test]
fn reserved_addresses_are_not_counted_as_held() {
    let view = SubnetView::new(
        Some(subnet()),
        &[eni(
            "eni-a",
            &[
                ("10.0.1.2", true),
                ("10.0.1.255", false),
                ("10.0.1.254", false),
            ],
            &[],
            None,
        )],
        &[],
    );
    assert_eq!(view.held_usable(), 1, "only .254 is a mapped address");
}
