use super::*;
use crate::model::ec2::Holding;

const SUBNETS: &str = include_str!("../../tests/fixtures/ec2/describe_subnets.xml");
const INTERFACES: &str = include_str!("../../tests/fixtures/ec2/describe_network_interfaces.xml");
const INSTANCES: &str = include_str!("../../tests/fixtures/ec2/describe_instances.xml");
const UNAUTHORIZED: &str = include_str!("../../tests/fixtures/ec2/error_unauthorized.xml");

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

#[test]
fn subnets_keep_id_cidr_vpc_zone_name_and_free_addresses() {
    let page = subnets_page(SUBNETS).unwrap();
    assert_eq!(
        page.next_token.as_deref(),
        Some("eyJ2IjoiMyIsImMiOiJwYWdlMiJ9")
    );
    assert_eq!(page.items.len(), 2);
    let a = &page.items[0];
    assert_eq!(a.id, "subnet-0a1b2c3d4e5f60001");
    assert_eq!(a.cidr, Some("10.0.64.0/20".parse().unwrap()));
    assert_eq!(a.vpc_id, "vpc-0123456789abcdef0");
    assert_eq!(a.availability_zone, "us-east-1a");
    // The Name tag among others, its entity decoded.
    assert_eq!(a.name.as_deref(), Some("game-servers & relays (a)"));
    assert_eq!(a.available_addresses, Some(4081));
    let b = &page.items[1];
    assert_eq!(b.name, None);
    assert_eq!(b.cidr, Some("10.0.80.0/24".parse().unwrap()));
    assert_eq!(b.availability_zone, "us-east-1b");
}

#[test]
fn interfaces_keep_every_address_the_prefixes_and_the_instance() {
    let page = interfaces_page(INTERFACES).unwrap();
    assert_eq!(page.next_token, None);
    let [eni, spare] = &page.items[..] else {
        panic!("{:?}", page.items)
    };
    assert_eq!(eni.id, "eni-0f7db9c2a5EXAMPLE");
    assert_eq!(eni.subnet_id, "subnet-0a1b2c3d4e5f60001");
    assert_eq!(eni.instance_id.as_deref(), Some("i-0598c7d356EXAMPLE"));
    assert_eq!(eni.primary_address(), Some(ip("10.0.64.4")));
    assert_eq!(
        eni.private_addresses,
        vec![
            PrivateAddress {
                address: ip("10.0.64.4"),
                primary: true
            },
            PrivateAddress {
                address: ip("10.0.64.5"),
                primary: false
            },
        ]
    );
    assert_eq!(eni.ipv4_prefixes, vec!["10.0.64.32/28".parse().unwrap()]);
    assert_eq!(
        eni.holds(ip("10.0.64.40")),
        Some(Holding::Prefix("10.0.64.32/28".parse().unwrap()))
    );
    // The public address of the association is not a private one.
    assert_eq!(eni.holds(ip("203.0.113.12")), None);
    assert_eq!(eni.status.as_deref(), Some("in-use"));
    assert_eq!(eni.interface_type.as_deref(), Some("interface"));
    assert_eq!(
        eni.description.as_deref(),
        Some("Primary network interface")
    );
    assert_eq!(spare.instance_id, None);
    assert_eq!(spare.description, None);
    assert_eq!(spare.status.as_deref(), Some("available"));
}

#[test]
fn instances_of_every_reservation_with_name_state_type_and_interfaces() {
    let page = instances_page(INSTANCES).unwrap();
    let ids: Vec<&str> = page.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "i-0598c7d356EXAMPLE",
            "i-0stopped000EXAMPLE",
            "i-0ended00000EXAMPLE"
        ]
    );
    let game = &page.items[0];
    assert_eq!(game.name.as_deref(), Some("game-eu-7"));
    assert_eq!(game.state, InstanceState::Running);
    assert_eq!(game.instance_type.as_deref(), Some("c6i.large"));
    assert_eq!(game.subnet_id.as_deref(), Some("subnet-0a1b2c3d4e5f60001"));
    assert_eq!(game.availability_zone.as_deref(), Some("us-east-1a"));
    assert_eq!(game.private_address, Some(ip("10.0.64.4")));
    assert_eq!(
        game.private_addresses(),
        vec![ip("10.0.64.4"), ip("10.0.64.5"), ip("10.0.80.11")]
    );
    // The instance's interfaces know whose they are, though EC2 leaves that out here.
    assert!(
        game.interfaces
            .iter()
            .all(|i| i.instance_id.as_deref() == Some("i-0598c7d356EXAMPLE"))
    );
    let (eni, how) = game.holds(ip("10.0.64.33")).unwrap();
    assert_eq!(eni.id, "eni-0f7db9c2a5EXAMPLE");
    assert!(matches!(how, Holding::Prefix(_)));
    let (second, how) = game.holds(ip("10.0.80.11")).unwrap();
    assert_eq!(
        (second.subnet_id.as_str(), how),
        ("subnet-0a1b2c3d4e5f60002", Holding::Primary)
    );

    let stopped = &page.items[1];
    assert_eq!(stopped.state, InstanceState::Stopped);
    assert_eq!(stopped.name, None);
    let ended = &page.items[2];
    assert_eq!(ended.state, InstanceState::Terminated);
    assert!(ended.private_addresses().is_empty());
    assert_eq!(ended.name.as_deref(), Some("old-relay"));
}

#[test]
fn an_error_answer_gives_its_code_and_message() {
    let (code, message) = error_of(UNAUTHORIZED).unwrap();
    assert_eq!(code, "UnauthorizedOperation");
    assert!(message.contains("ec2:DescribeSubnets"));
    assert_eq!(error_of(SUBNETS), None);
    assert_eq!(error_of("<html><body>Bad gateway</body></html>"), None);
    assert_eq!(error_of("not xml"), None);
    let query_style = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    assert_eq!(
        error_of(query_style),
        Some(("Throttling".into(), "Rate exceeded".into()))
    );
}

#[test]
fn an_answer_to_another_call_or_a_cut_off_one_is_refused() {
    assert!(matches!(
        subnets_page(INTERFACES),
        Err(Ec2Error::Malformed(m)) if m.contains("DescribeNetworkInterfacesResponse")
    ));
    // Cut anywhere, even between two items, the answer is refused rather than read in part.
    for cut in [
        SUBNETS.len() / 2,
        SUBNETS.find("<nextToken>").unwrap(),
        SUBNETS.len() - 2,
    ] {
        assert!(
            matches!(subnets_page(&SUBNETS[..cut]), Err(Ec2Error::Malformed(_))),
            "{cut}"
        );
    }
    assert!(subnets_page(&format!("{SUBNETS}\n\n")).is_ok());
    let empty = r#"<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"/>"#;
    assert!(subnets_page(empty).unwrap().items.is_empty());
    assert!(matches!(
        instances_page("<html><body>proxy login</body></html>"),
        Err(Ec2Error::Malformed(_))
    ));
    assert!(matches!(instances_page(""), Err(Ec2Error::Malformed(_))));
}

#[test]
fn unusable_values_are_dropped_not_invented() {
    let body = r#"<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
        <subnetSet>
          <item><cidrBlock>10.0.0.0/24</cidrBlock></item>
          <item><subnetId>subnet-1</subnetId><cidrBlock>not-a-cidr</cidrBlock>
            <availableIpAddressCount>-3</availableIpAddressCount>
            <tagSet><item><key>Name</key><value/></item></tagSet></item>
        </subnetSet><nextToken/></DescribeSubnetsResponse>"#;
    let page = subnets_page(body).unwrap();
    // The item without an id is skipped; the empty token means the last page.
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_token, None);
    let s = &page.items[0];
    assert_eq!(
        (s.cidr, s.available_addresses, s.name.as_deref()),
        (None, None, None)
    );

    let body = r#"<DescribeNetworkInterfacesResponse><networkInterfaceSet><item>
        <networkInterfaceId>eni-1</networkInterfaceId><privateIpAddress>10.0.0.7</privateIpAddress>
        <privateIpAddressesSet><item><privateIpAddress>fe80::1</privateIpAddress></item>
        <item><privateIpAddress>10.0.0.8</privateIpAddress><primary>false</primary></item></privateIpAddressesSet>
        <ipv4PrefixSet><item><ipv4Prefix>bogus</ipv4Prefix></item></ipv4PrefixSet>
        </item></networkInterfaceSet></DescribeNetworkInterfacesResponse>"#;
    let eni = &interfaces_page(body).unwrap().items[0];
    // The primary address missing from the list is added to it, first.
    assert_eq!(
        eni.private_addresses,
        vec![
            PrivateAddress {
                address: ip("10.0.0.7"),
                primary: true
            },
            PrivateAddress {
                address: ip("10.0.0.8"),
                primary: false
            }
        ]
    );
    assert!(eni.ipv4_prefixes.is_empty());
}
