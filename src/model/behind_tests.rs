use super::*;
use crate::model::ec2::{Instance, InstanceState, NetworkInterface, PrivateAddress, Subnet};

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// subnet-1 (10.0.1.0/24): 10.0.1.4 held by game-1, 10.0.1.20 by an unnamed stopped instance,
/// 10.0.1.32/28 delegated to it, 10.0.1.60 by an interface of no instance.
fn view() -> SubnetView {
    let eni =
        |id: &str, address: &str, prefixes: &[&str], instance: Option<&str>| NetworkInterface {
            id: id.into(),
            subnet_id: "subnet-1".into(),
            private_addresses: vec![PrivateAddress {
                address: ip(address),
                primary: true,
            }],
            ipv4_prefixes: prefixes.iter().map(|p| p.parse().unwrap()).collect(),
            instance_id: instance.map(Into::into),
            status: None,
            interface_type: None,
            description: None,
        };
    let instance = |id: &str, name: Option<&str>, state| Instance {
        id: id.into(),
        name: name.map(Into::into),
        state,
        instance_type: None,
        subnet_id: None,
        availability_zone: None,
        private_address: None,
        interfaces: vec![],
    };
    SubnetView::new(
        Some(Subnet {
            id: "subnet-1".into(),
            cidr: Some("10.0.1.0/24".parse().unwrap()),
            vpc_id: "vpc-1".into(),
            availability_zone: "us-east-1a".into(),
            name: None,
            available_addresses: None,
        }),
        &[
            eni("eni-a", "10.0.1.4", &[], Some("i-a")),
            eni("eni-b", "10.0.1.20", &["10.0.1.32/28"], Some("i-b")),
            eni("eni-c", "10.0.1.60", &[], None),
        ],
        &[
            instance(
                "i-a",
                Some("game-server-with-a-long-name"),
                InstanceState::Running,
            ),
            instance("i-b", None, InstanceState::Stopped),
        ],
    )
}

#[test]
fn a_held_address_names_the_instance_and_how_its_interface_holds_it() {
    let view = view();
    let a = Behind::of(&view, ip("10.0.1.4"));
    assert_eq!(
        a.instance_text(ip("10.0.1.4"), "subnet-1", 64),
        "game-server-with-a-long-name (i-a) running"
    );
    assert_eq!(
        a.instance_text(ip("10.0.1.4"), "subnet-1", 8),
        "game-se… (i-a) running",
        "the name is cut, the id never"
    );
    assert_eq!(
        a.interface_text().as_deref(),
        Some("eni-a, primary address")
    );
    let b = Behind::of(&view, ip("10.0.1.40"));
    assert_eq!(
        b.instance_text(ip("10.0.1.40"), "subnet-1", 64),
        "i-b stopped"
    );
    assert_eq!(
        b.interface_text().as_deref(),
        Some("eni-b, in delegated prefix 10.0.1.32/28")
    );
    let c = Behind::of(&view, ip("10.0.1.60"));
    assert_eq!(
        c.instance_text(ip("10.0.1.60"), "subnet-1", 64),
        "none: eni-c is attached to no instance"
    );
    assert_eq!(
        c.exposure(TrafficState::Allow),
        None,
        "an interface holds it"
    );
}

#[test]
fn an_allowed_address_nothing_holds_is_a_standing_exposure() {
    let view = view();
    let none = Behind::of(&view, ip("10.0.1.9"));
    assert_eq!(none, Behind::Unheld);
    assert_eq!(
        none.instance_text(ip("10.0.1.9"), "subnet-1", 64),
        "none: no network interface holds 10.0.1.9"
    );
    assert_eq!(none.interface_text(), None);
    assert!(
        none.exposure(TrafficState::Allow)
            .unwrap()
            .contains("standing exposure")
    );
    assert_eq!(none.exposure(TrafficState::Deny), None);
}

#[test]
fn what_ec2_cannot_say_is_said_as_such() {
    let ip = ip("10.0.1.9");
    assert!(
        Behind::Off
            .instance_text(ip, "subnet-1", 64)
            .contains("EC2 off")
    );
    assert_eq!(
        Behind::Asking.instance_text(ip, "subnet-1", 64),
        "EC2: asking…"
    );
    assert_eq!(
        Behind::Failed("EC2 permissions missing: ec2:DescribeInstances")
            .instance_text(ip, "subnet-1", 64),
        "EC2 permissions missing: ec2:DescribeInstances"
    );
    assert_eq!(
        Behind::Failed("could not reach EC2: timed out").instance_text(ip, "subnet-1", 64),
        "EC2: could not reach EC2: timed out"
    );
    let unknown = SubnetView::default();
    assert_eq!(Behind::of(&unknown, ip), Behind::UnknownSubnet);
    assert!(
        Behind::UnknownSubnet
            .instance_text(ip, "subnet-9", 64)
            .contains("subnet-9")
    );
    assert_eq!(Behind::UnknownSubnet.exposure(TrafficState::Allow), None);
    assert!(ALLOW_NOTE_SHORT.chars().count() <= 78);
}

#[test]
fn outside_every_subnet_lists_a_few_cidrs_and_counts_the_rest() {
    let cidrs: Vec<Ipv4Net> = ["10.0.1.0/24", "10.0.2.0/24"]
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    assert_eq!(
        outside_every(ip("10.9.9.9"), "this group", &cidrs),
        "10.9.9.9 is outside every subnet of this group (10.0.1.0/24, 10.0.2.0/24)"
    );
    let many: Vec<Ipv4Net> = (0..7)
        .map(|i| format!("10.0.{i}.0/24").parse().unwrap())
        .collect();
    let said = outside_every(ip("10.9.9.9"), "2 accelerators", &many);
    assert!(said.ends_with("10.0.3.0/24, and 3 more)"), "{said}");
}

#[test]
fn the_five_addresses_aws_keeps_are_known() {
    let cidr: Ipv4Net = "10.0.64.0/20".parse().unwrap();
    for kept in ["10.0.64.0", "10.0.64.1", "10.0.64.3", "10.0.79.255"] {
        assert!(kept_by_aws(cidr, ip(kept)), "{kept}");
    }
    for mapped in ["10.0.64.4", "10.0.79.254", "10.0.80.1"] {
        assert!(!kept_by_aws(cidr, ip(mapped)), "{mapped}");
    }
}
