//! The EC2 subset through `Emulator::handle_ec2`, with form bodies as the AWS CLI sends them.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use super::fleet::InstanceState;
use super::{Ec2Error, signed_region};
use crate::emulator::{Emulator, EmulatorOptions, Topology};

const FIXTURE: &str = include_str!("../../../tests/fixtures/ec2.toml");
const A1: &str = "subnet-0e0000000000000a1";
const A2: &str = "subnet-0e0000000000000a2";
const A3: &str = "subnet-0e0000000000000a3";
const A4: &str = "subnet-0e0000000000000a4";
const B1: &str = "subnet-0e0000000000000b1";
const US: &str = "us-east-1";

fn emulator_of(text: &str) -> Emulator {
    let topology = Topology::parse(text, "test").unwrap();
    Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap()
}

fn fixture() -> Emulator {
    emulator_of(FIXTURE)
}

fn call(e: &Emulator, region: &str, form: &str) -> Result<String, Ec2Error> {
    e.handle_ec2(region, form.as_bytes())
        .map(|b| String::from_utf8(b).unwrap())
}

fn code<T: std::fmt::Debug>(r: Result<T, Ec2Error>) -> String {
    r.expect_err("expected an error").code
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// The `<item>`s directly inside the first `<set>` element.
fn items<'a>(doc: &'a str, set: &str) -> Vec<&'a str> {
    let open = format!("<{set}>");
    let Some(start) = doc.find(&open) else {
        assert!(doc.contains(&format!("<{set}/>")), "no {set} in {doc}");
        return Vec::new();
    };
    let close = format!("</{set}>");
    let mut out = Vec::new();
    let mut at = start + open.len();
    let mut depth = 0;
    let mut item_start = at;
    loop {
        let rest = &doc[at..];
        let next = ["<item>", "</item>", close.as_str()]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min()
            .expect("the set is closed");
        at += next.0;
        match next.1 {
            "<item>" => {
                if depth == 0 {
                    item_start = at + "<item>".len();
                }
                depth += 1;
                at += "<item>".len();
            }
            "</item>" => {
                depth -= 1;
                if depth == 0 {
                    out.push(&doc[item_start..at]);
                }
                at += "</item>".len();
            }
            _ if depth == 0 => return out,
            _ => at += close.len(),
        }
    }
}

/// Every `<tag>text</tag>` in `doc`, in order.
fn leaves(doc: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(&close).expect("closed");
        out.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

fn leaf(doc: &str, tag: &str) -> String {
    leaves(doc, tag).into_iter().next().unwrap_or_default()
}

fn ids(doc: &str, set: &str, tag: &str) -> Vec<String> {
    items(doc, set).iter().map(|i| leaf(i, tag)).collect()
}

fn subnets(e: &Emulator, region: &str, extra: &str) -> Result<Vec<String>, Ec2Error> {
    call(
        e,
        region,
        &format!("Action=DescribeSubnets&Version=2016-11-15{extra}"),
    )
    .map(|doc| ids(&doc, "subnetSet", "subnetId"))
}

fn interfaces(e: &Emulator, extra: &str) -> Result<Vec<String>, Ec2Error> {
    call(
        e,
        US,
        &format!("Action=DescribeNetworkInterfaces&Version=2016-11-15{extra}"),
    )
    .map(|doc| ids(&doc, "networkInterfaceSet", "networkInterfaceId"))
}

fn instances(e: &Emulator, extra: &str) -> Result<Vec<String>, Ec2Error> {
    call(
        e,
        US,
        &format!("Action=DescribeInstances&Version=2016-11-15{extra}"),
    )
    .map(|doc| ids(&doc, "reservationSet", "instanceId"))
}

/// Every page of a listing, following NextToken.
fn all_pages(
    e: &Emulator,
    action: &str,
    set: &str,
    tag: &str,
    extra: &str,
) -> (Vec<String>, usize) {
    let (mut out, mut pages, mut token) = (Vec::new(), 0, String::new());
    loop {
        let doc = call(
            e,
            US,
            &format!("Action={action}&Version=2016-11-15{extra}{token}"),
        )
        .unwrap();
        pages += 1;
        out.extend(ids(&doc, set, tag));
        match leaves(&doc, "nextToken").pop() {
            Some(t) => token = format!("&NextToken={t}"),
            None => return (out, pages),
        }
    }
}

#[test]
fn describe_subnets_answers_the_signed_region_in_ec2s_document() {
    let e = fixture();
    let doc = call(&e, US, "Action=DescribeSubnets&Version=2016-11-15").unwrap();
    assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"));
    assert!(doc.ends_with("</DescribeSubnetsResponse>"));
    assert_eq!(ids(&doc, "subnetSet", "subnetId"), [A1, A2, A3, A4]);
    let by_id = |id: &str| {
        items(&doc, "subnetSet")
            .into_iter()
            .find(|i| leaf(i, "subnetId") == id)
            .unwrap()
    };
    let a1 = by_id(A1);
    assert_eq!(leaf(a1, "cidrBlock"), "10.2.0.0/24");
    assert_eq!(leaf(a1, "vpcId"), "vpc-0e000000000000001");
    assert_eq!(leaf(a1, "availabilityZone"), "us-east-1a");
    assert_eq!(leaf(a1, "value"), "fleet-a");
    assert_eq!(
        leaf(a1, "subnetArn"),
        format!("arn:aws:ec2:us-east-1:123456789012:subnet/{A1}")
    );
    // Every usable address but the two vacant ones holds an interface.
    assert_eq!(leaf(a1, "availableIpAddressCount"), "2");
    // sbc: 59 usable, sbc-1 holds 3 + a /28, sbc-2 one.
    assert_eq!(leaf(by_id(A3), "availableIpAddressCount"), "39");
    // The spare subnet has defaults: a VPC of the region, a zone of it, no Name tag.
    let a4 = by_id(A4);
    assert_eq!(leaf(a4, "availableIpAddressCount"), "11");
    assert!(leaf(a4, "vpcId").starts_with("vpc-0") && leaf(a4, "vpcId").len() == 21);
    assert!(
        ["us-east-1a", "us-east-1b", "us-east-1c"].contains(&leaf(a4, "availabilityZone").as_str())
    );
    assert!(a4.contains("<tagSet/>"));
    assert_eq!(subnets(&e, "eu-west-1", "").unwrap(), [B1]);
    assert_eq!(subnets(&e, "ap-south-1", "").unwrap(), Vec::<String>::new());
}

#[test]
fn an_unknown_id_fails_the_whole_call() {
    let e = fixture();
    assert_eq!(
        subnets(&e, US, &format!("&SubnetId.1={A3}&SubnetId.2={A1}")).unwrap(),
        [A1, A3],
        "store order"
    );
    let err = subnets(
        &e,
        US,
        &format!("&SubnetId.1={A1}&SubnetId.2=subnet-0e00000000000ffff"),
    )
    .unwrap_err();
    assert_eq!(err.code, "InvalidSubnetID.NotFound");
    assert_eq!(
        err.message,
        "The subnet ID 'subnet-0e00000000000ffff' does not exist"
    );
    assert_eq!(err.status(), 400);
    // A subnet of another region is not found in this one.
    assert_eq!(
        code(subnets(&e, US, &format!("&SubnetId.1={B1}"))),
        "InvalidSubnetID.NotFound"
    );
    let two = subnets(
        &e,
        US,
        "&SubnetId.1=subnet-11111111&SubnetId.2=subnet-22222222",
    )
    .unwrap_err();
    assert_eq!(
        two.message,
        "The subnet IDs 'subnet-11111111, subnet-22222222' do not exist"
    );
    assert_eq!(
        code(subnets(&e, US, "&SubnetId.1=sub-1")),
        "InvalidSubnetID.Malformed"
    );
    let eni = interfaces(
        &e,
        "&NetworkInterfaceId.1=eni-0e000000000000001&NetworkInterfaceId.2=eni-12345678",
    )
    .unwrap_err();
    assert_eq!(
        (eni.code.as_str(), eni.message.as_str()),
        (
            "InvalidNetworkInterfaceID.NotFound",
            "The networkInterface ID 'eni-12345678' does not exist"
        )
    );
    assert_eq!(
        interfaces(&e, "&NetworkInterfaceId.1=eni-0e000000000000001").unwrap(),
        ["eni-0e000000000000001"]
    );
    let i = instances(
        &e,
        "&InstanceId.1=i-0e000000000000002&InstanceId.2=i-0e00000000000000f",
    )
    .unwrap_err();
    assert_eq!(i.code, "InvalidInstanceID.NotFound");
    assert_eq!(
        code(instances(&e, "&InstanceId.1=web-1")),
        "InvalidInstanceID.Malformed"
    );
    assert_eq!(
        instances(&e, "&InstanceId.1=i-0e000000000000002").unwrap(),
        ["i-0e000000000000002"]
    );
}

#[test]
fn subnet_filters_and_together_and_their_values_or() {
    let e = fixture();
    let f = |extra: &str| subnets(&e, US, extra).unwrap();
    assert_eq!(
        f("&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0e000000000000001"),
        [A1, A2]
    );
    assert_eq!(
        f("&Filter.1.Name=availability-zone&Filter.1.Value.1=us-east-1b"),
        [A2, A3]
    );
    assert_eq!(
        f("&Filter.1.Name=cidr-block&Filter.1.Value.1=10.2.2.0%2F26"),
        [A3]
    );
    assert_eq!(
        f("&Filter.1.Name=cidr&Filter.1.Value.1=10.2.2.0/26&Filter.1.Value.2=10.2.0.0/24"),
        [A1, A3]
    );
    assert_eq!(
        f("&Filter.1.Name=tag%3AName&Filter.1.Value.1=fleet-*"),
        [A1, A2]
    );
    assert_eq!(
        f(&format!(
            "&Filter.1.Name=subnet-id&Filter.1.Value.1={A1}&Filter.1.Value.2={A4}"
        )),
        [A1, A4]
    );
    assert_eq!(
        f(
            "&Filter.1.Name=tag:Name&Filter.1.Value.1=fleet-*&Filter.2.Name=availability-zone&Filter.2.Value.1=us-east-1b"
        ),
        [A2]
    );
    assert_eq!(
        f("&Filter.1.Name=tag-key&Filter.1.Value.1=Name").len(),
        3,
        "the spare subnet has no tags"
    );
    let bad = subnets(&e, US, "&Filter.1.Name=cidr-blocks&Filter.1.Value.1=x").unwrap_err();
    assert_eq!(
        (bad.code.as_str(), bad.message.as_str()),
        (
            "InvalidParameterValue",
            "The filter 'cidr-blocks' is invalid"
        )
    );
}

#[test]
fn a_filter_takes_at_most_200_values() {
    let e = fixture();
    let values = |n: usize| {
        (1..=n)
            .map(|i| format!("&Filter.1.Value.{i}=10.2.0.{}", i % 250))
            .collect::<String>()
    };
    let ok = interfaces(
        &e,
        &format!("&Filter.1.Name=addresses.private-ip-address{}", values(200)),
    );
    assert!(!ok.unwrap().is_empty());
    let over = interfaces(
        &e,
        &format!("&Filter.1.Name=addresses.private-ip-address{}", values(201)),
    )
    .unwrap_err();
    assert_eq!(over.code, "FilterLimitExceeded");
    assert!(over.message.contains("200"), "{}", over.message);
}

#[test]
fn pages_follow_next_token_to_the_same_list() {
    let e = fixture();
    for (action, set, tag) in [
        ("DescribeSubnets", "subnetSet", "subnetId"),
        (
            "DescribeNetworkInterfaces",
            "networkInterfaceSet",
            "networkInterfaceId",
        ),
        ("DescribeInstances", "reservationSet", "instanceId"),
    ] {
        let (whole, one) = all_pages(&e, action, set, tag, "");
        assert_eq!(one, 1, "{action}: no MaxResults, one answer");
        for size in [5, 7, 1000] {
            let (paged, pages) = all_pages(&e, action, set, tag, &format!("&MaxResults={size}"));
            assert_eq!(paged, whole, "{action} at {size}");
            assert_eq!(
                pages,
                whole.len().div_ceil(size).max(1),
                "{action} at {size}"
            );
        }
        let unique: HashSet<_> = whole.iter().collect();
        assert_eq!(unique.len(), whole.len(), "{action}: ids repeat");
    }
    // Filters page too, and the token belongs to its filters.
    let filter = format!("&Filter.1.Name=subnet-id&Filter.1.Value.1={A1}");
    let (paged, pages) = all_pages(
        &e,
        "DescribeInstances",
        "reservationSet",
        "instanceId",
        &format!("{filter}&MaxResults=5"),
    );
    assert_eq!(paged, instances(&e, &filter).unwrap());
    assert!(pages > 2);
    let first = call(
        &e,
        US,
        &format!("Action=DescribeInstances{filter}&MaxResults=5"),
    )
    .unwrap();
    let token = leaf(&first, "nextToken");
    for (extra, what) in [
        (
            format!("&MaxResults=5&NextToken={token}"),
            "another filter set",
        ),
        (format!("{filter}&NextToken=garbage"), "garbage"),
    ] {
        assert_eq!(
            code(instances(&e, &extra)),
            "InvalidPaginationToken",
            "{what}"
        );
    }
    assert_eq!(
        code(interfaces(&e, &format!("{filter}&NextToken={token}"))),
        "InvalidPaginationToken",
        "another action's token"
    );
    assert_eq!(
        code(call(
            &e,
            "eu-west-1",
            &format!("Action=DescribeInstances{filter}&NextToken={token}")
        )),
        "InvalidPaginationToken",
        "another region"
    );
}

#[test]
fn max_results_is_5_to_1000_and_excludes_ids_where_ec2_says_so() {
    let e = fixture();
    for bad in ["4", "1001", "0", "ten"] {
        let err = subnets(&e, US, &format!("&MaxResults={bad}")).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue", "{bad}");
    }
    assert_eq!(
        subnets(&e, US, &format!("&SubnetId.1={A1}&MaxResults=5")).unwrap(),
        [A1]
    );
    let eni = interfaces(
        &e,
        "&NetworkInterfaceId.1=eni-0e000000000000001&MaxResults=5",
    )
    .unwrap_err();
    assert_eq!(eni.code, "InvalidParameterCombination");
    assert_eq!(
        code(instances(
            &e,
            "&InstanceId.1=i-0e000000000000001&MaxResults=5"
        )),
        "InvalidParameterCombination"
    );
}

#[test]
fn interfaces_hold_addresses_as_primary_secondary_or_inside_a_prefix() {
    let e = fixture();
    let doc = call(&e, US, "Action=DescribeNetworkInterfaces&Filter.1.Name=addresses.private-ip-address&Filter.1.Value.1=10.2.2.5").unwrap();
    let found = items(&doc, "networkInterfaceSet");
    assert_eq!(found.len(), 1);
    let sbc1 = found[0];
    assert_eq!(leaf(sbc1, "networkInterfaceId"), "eni-0e000000000000001");
    assert_eq!(leaf(sbc1, "privateIpAddress"), "10.2.2.4");
    assert_eq!(leaf(sbc1, "instanceId"), "i-0e000000000000001");
    assert_eq!(leaf(sbc1, "status"), "in-use");
    assert_eq!(leaves(sbc1, "primary"), ["true", "false", "false"]);
    assert_eq!(leaves(sbc1, "ipv4Prefix"), ["10.2.2.16/28"]);
    // An address inside a delegated prefix is no private address of the interface, as on AWS:
    // the address filters miss it, the subnet's interfaces show the prefix.
    let inside = "&Filter.1.Name=addresses.private-ip-address&Filter.1.Value.1=10.2.2.20";
    assert_eq!(interfaces(&e, inside).unwrap(), Vec::<String>::new());
    let by_subnet = interfaces(
        &e,
        &format!("&Filter.1.Name=subnet-id&Filter.1.Value.1={A3}"),
    )
    .unwrap();
    assert_eq!(by_subnet.len(), 2);
    assert_eq!(
        interfaces(
            &e,
            "&Filter.1.Name=attachment.instance-id&Filter.1.Value.1=i-0e000000000000002"
        )
        .unwrap()
        .len(),
        1
    );
    assert_eq!(
        interfaces(
            &e,
            "&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0e000000000000002"
        )
        .unwrap(),
        by_subnet
    );
    assert_eq!(
        interfaces(
            &e,
            "&Filter.1.Name=private-ip-address&Filter.1.Value.1=10.2.2.7"
        )
        .unwrap(),
        interfaces(
            &e,
            "&Filter.1.Name=attachment.instance-id&Filter.1.Value.1=i-0e000000000000002"
        )
        .unwrap()
    );
}

#[test]
fn instances_filter_by_subnet_address_state_and_name() {
    let e = fixture();
    let sbc = instances(
        &e,
        &format!("&Filter.1.Name=subnet-id&Filter.1.Value.1={A3}"),
    )
    .unwrap();
    assert_eq!(sbc, ["i-0e000000000000001", "i-0e000000000000002"]);
    // private-ip-address is the primary address only; the interface filter sees them all.
    assert!(
        instances(
            &e,
            "&Filter.1.Name=private-ip-address&Filter.1.Value.1=10.2.2.5"
        )
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        instances(&e, "&Filter.1.Name=network-interface.addresses.private-ip-address&Filter.1.Value.1=10.2.2.5").unwrap(),
        ["i-0e000000000000001"]
    );
    let stopped = instances(
        &e,
        "&Filter.1.Name=instance-state-name&Filter.1.Value.1=stopped",
    )
    .unwrap();
    assert!(stopped.contains(&"i-0e000000000000002".to_string()));
    assert_eq!(
        instances(&e, "&Filter.1.Name=tag:Name&Filter.1.Value.1=sbc-?").unwrap(),
        sbc
    );
    assert_eq!(
        instances(
            &e,
            "&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0e000000000000002"
        )
        .unwrap(),
        sbc
    );
    let doc = call(
        &e,
        US,
        "Action=DescribeInstances&InstanceId.1=i-0e000000000000002",
    )
    .unwrap();
    let r = items(&doc, "reservationSet")[0];
    assert!(leaf(r, "reservationId").starts_with("r-0"));
    assert_eq!(leaf(r, "instanceType"), "m6i.large");
    assert_eq!(leaf(r, "code"), "80");
    assert_eq!(leaf(r, "name"), "stopped");
    assert_eq!(leaf(r, "privateIpAddress"), "10.2.2.7");
    assert_eq!(leaf(r, "value"), "sbc-2");
    assert_eq!(leaf(r, "networkInterfaceId"), leaf(&call(&e, US, "Action=DescribeNetworkInterfaces&Filter.1.Name=private-ip-address&Filter.1.Value.1=10.2.2.7").unwrap(), "networkInterfaceId"));
    // Instances of another region are not listed.
    let eu = call(&e, "eu-west-1", "Action=DescribeInstances").unwrap();
    let eu_ids = ids(&eu, "reservationSet", "instanceId");
    assert!(!eu_ids.is_empty());
    assert!(
        eu_ids
            .iter()
            .all(|i| !instances(&e, "").unwrap().contains(i))
    );
}

#[test]
fn the_rule_fills_every_free_address_once_and_leaves_vacant_ones() {
    let e = fixture();
    let store = e.read();
    let fleet = &store.fleet;
    for (si, s) in store.subnets.iter().enumerate() {
        let first = s.first_usable();
        for a in first..first + s.usable() {
            let holders = fleet
                .interfaces
                .iter()
                .filter(|n| n.subnet == si && n.holds(a))
                .count();
            if s.generate_instances {
                let expected = usize::from(!s.vacant.contains(&a));
                assert_eq!(holders, expected, "{} {}", s.id, Ipv4Addr::from(a));
            } else {
                assert!(holders <= 1, "{}", Ipv4Addr::from(a));
            }
        }
        if s.generate_instances {
            let first_host = fleet
                .interfaces
                .iter()
                .find(|n| n.subnet == si && n.primary == first)
                .unwrap();
            let instance = fleet
                .instance_of(first_host)
                .expect("the first address is an instance's");
            assert_eq!(instance.state, InstanceState::Running);
        }
    }
    let kinds: HashSet<&str> = fleet
        .instances
        .iter()
        .map(|i| i.instance_type.as_str())
        .collect();
    for kind in ["c6i.large", "c6i.2xlarge", "c6in.4xlarge", "m6i.large"] {
        assert!(kinds.contains(kind), "{kind}");
    }
    assert!(
        fleet.instances.iter().any(|i| i.interfaces.len() == 2),
        "an instance with two interfaces"
    );
    assert!(
        fleet
            .instances
            .iter()
            .any(|i| i.state == InstanceState::Stopped)
    );
}

#[test]
fn dry_runs_unknown_parameters_and_actions_answer_ec2s_codes() {
    let e = fixture();
    let dry = subnets(&e, US, "&DryRun=true").unwrap_err();
    assert_eq!((dry.code.as_str(), dry.status()), ("DryRunOperation", 412));
    assert_eq!(code(subnets(&e, US, "&SubnetIds.1=x")), "UnknownParameter");
    assert_eq!(
        code(subnets(&e, US, "&Filter.1.Value.1=x")),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(call(&e, US, "Action=RunInstances&ImageId=ami-1")),
        "InvalidAction"
    );
    assert_eq!(Ec2Error::status_of("UnauthorizedOperation"), 403);
    assert_eq!(Ec2Error::status_of("AuthFailure"), 401);
    assert_eq!(Ec2Error::throttled().status(), 503);
    assert_eq!(e.calls().get("DescribeSubnets"), Some(&3));
}

#[test]
fn the_region_comes_from_the_signature() {
    let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/eu-west-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
    assert_eq!(signed_region(header, &[]).as_deref(), Some("eu-west-1"));
    let presigned = vec![(
        "X-Amz-Credential".to_string(),
        "AKID/20250601/sa-east-1/ec2/aws4_request".to_string(),
    )];
    assert_eq!(signed_region("", &presigned).as_deref(), Some("sa-east-1"));
    assert_eq!(signed_region("", &[]), None);
    assert_eq!(signed_region("Bearer x", &[]), None);
}

#[test]
fn form_bodies_decode_as_the_cli_encodes_them() {
    let p = super::params(
        b"Action=DescribeSubnets&Filter.1.Name=tag%3AName&Filter.1.Value.1=a+b%2Fc&Bad=%zz&Empty",
    );
    assert_eq!(p[1], ("Filter.1.Name".into(), "tag:Name".into()));
    assert_eq!(p[2].1, "a b/c");
    assert_eq!(p[3].1, "%zz");
    assert_eq!(p[4], ("Empty".into(), String::new()));
}

#[test]
fn hostile_names_stay_well_formed_text() {
    let topology = "account_id = \"123456789012\"\n[[subnets]]\nid = \"subnet-0e0000000000000c1\"\nregion = \"us-east-1\"\ncidr = \"10.9.0.0/28\"\nname = \"\\u001b[2J</value><x>&\"\ngenerate_instances = true\n";
    let e = emulator_of(topology);
    let doc = call(&e, US, "Action=DescribeInstances").unwrap();
    assert!(!doc.chars().any(|c| c == '\u{1b}'));
    assert!(
        doc.contains("<value>\u{fffd}[2J&lt;/value&gt;&lt;x&gt;&amp;-001</value>"),
        "{doc}"
    );
}

#[test]
fn a_topology_with_broken_instances_says_what_is_wrong() {
    let base = "account_id = \"123456789012\"\n[[subnets]]\nid = \"subnet-0e0000000000000c1\"\nregion = \"us-east-1\"\ncidr = \"10.9.0.0/24\"\n";
    for (extra, says) in [
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c2\"\nprivate_ip = \"10.9.0.4\"\n",
            "not in the topology",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.1.4\"\n",
            "not a usable address",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.1\"\n",
            "not a usable address",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.4\"\nstate = \"terminated\"\n",
            "state",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.4\"\nprefixes = [\"10.9.0.24/28\"]\n",
            "not a /28 network",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.4\"\nprefixes = [\"10.9.0.0/28\"]\n",
            "not a usable address",
        ),
        (
            "[[instances]]\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.4\"\nsecondary_ips = [\"10.9.0.4\"]\n",
            "held twice",
        ),
        (
            "[[instances]]\nid = \"i-12345678\"\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.4\"\n[[instances]]\nid = \"i-12345678\"\nsubnet = \"subnet-0e0000000000000c1\"\nprivate_ip = \"10.9.0.5\"\n",
            "used twice",
        ),
    ] {
        let topology = Topology::parse(&format!("{base}{extra}"), "t").unwrap();
        let err = Emulator::from_topology(&topology, EmulatorOptions::default())
            .err()
            .expect(says)
            .to_string();
        assert!(err.contains(says), "{extra}: {err}");
    }
    let vacant = Topology::parse(&format!("{base}vacant = [\"10.9.0.255\"]\n"), "t").unwrap();
    let err = Emulator::from_topology(&vacant, EmulatorOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("vacant"), "{err}");
}

#[test]
fn the_state_file_brings_the_same_instances_back() {
    let e = fixture();
    let again = Emulator::from_topology(&e.to_topology(), EmulatorOptions::default()).unwrap();
    for action in [
        "DescribeSubnets",
        "DescribeNetworkInterfaces",
        "DescribeInstances",
    ] {
        for region in [US, "eu-west-1"] {
            let strip = |doc: String| doc.split_once("</requestId>").unwrap().1.to_string();
            let form = format!("Action={action}");
            assert_eq!(
                strip(call(&e, region, &form).unwrap()),
                strip(call(&again, region, &form).unwrap()),
                "{action} {region}"
            );
        }
    }
    let text = e.to_topology().to_toml("").unwrap();
    assert!(
        text.contains("generate_instances = true")
            && text.contains("vacant = [\"10.2.0.200\", \"10.2.0.201\"]"),
        "{text}"
    );
}

/// What an audit of the demo account finds, computed from the store: ALLOWed addresses no
/// interface holds, subnets denying all traffic while instances run, running instances with
/// denied ports.
#[test]
fn the_demo_account_runs_instances_for_the_audit_to_find() {
    use crate::model::TrafficState::{Allow, Deny};
    let e = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
    let store = e.read();
    let fleet = &store.fleet;
    assert_eq!(
        (fleet.instances.len(), fleet.interfaces.len()),
        (13_525, 14_233)
    );
    let mut holder = std::collections::HashMap::new();
    for (n, eni) in fleet.interfaces.iter().enumerate() {
        for a in eni.private_addresses() {
            holder.insert(a, n);
        }
        for &p in &eni.prefixes {
            for a in p..p + 16 {
                holder.insert(a, n);
            }
        }
    }
    let running = |n: usize| {
        fleet
            .instance_of(&fleet.interfaces[n])
            .is_some_and(|i| i.state == InstanceState::Running)
    };
    // `whois 75.2.16.21:54442` ends at 10.0.64.4: a running instance holds it.
    assert!(running(holder[&u32::from(Ipv4Addr::new(10, 0, 64, 4))]));
    let (mut exposed, mut denying, mut denied_running) = (Vec::new(), Vec::new(), HashSet::new());
    for g in &store.groups {
        let ports: Vec<u16> = g
            .destinations
            .iter()
            .flat_map(|d| d.ports.from_port()..=d.ports.to_port())
            .collect();
        for att in &g.endpoints {
            let si = store
                .subnets
                .iter()
                .position(|s| s.id == att.subnet_id)
                .unwrap();
            let s = &store.subnets[si];
            let mut any_allowed = false;
            for a in s.first_usable()..s.first_usable() + s.usable() {
                let states: Vec<_> = ports.iter().map(|&p| att.traffic.state(a, p)).collect();
                any_allowed |= states.contains(&Allow);
                match holder.get(&a) {
                    None if states.contains(&Allow) => exposed.push(Ipv4Addr::from(a).to_string()),
                    Some(&n) if running(n) && states.contains(&Deny) => {
                        denied_running.insert(fleet.interfaces[n].instance);
                    }
                    _ => {}
                }
            }
            let runs = fleet
                .instances
                .iter()
                .any(|i| i.subnet == si && i.state == InstanceState::Running);
            if !any_allowed && runs {
                denying.push(s.id.clone());
            }
        }
    }
    exposed.sort();
    assert_eq!(
        exposed,
        [
            "10.0.38.118",
            "10.0.38.13",
            "10.32.49.247",
            "10.32.49.92",
            "10.64.11.224",
            "10.64.11.79",
            "10.96.28.235",
            "10.96.30.147"
        ]
    );
    // The rule's one, and the subnet in two accelerators: denied in game-us-east, allowed (and
    // so running servers) in voice-chat-us.
    assert_eq!(
        denying,
        ["subnet-0a1206f1fd32b1402", "subnet-01cb3ab285306c1f7"]
    );
    let in_denying = fleet
        .instances
        .iter()
        .filter(|i| store.subnets[i.subnet].id == denying[0] && i.state == InstanceState::Running)
        .count();
    assert_eq!((in_denying, denied_running.len()), (37, 44));
}

/// What `tests/fixtures/small.toml`'s header promises EC2 tests elsewhere.
#[test]
fn the_small_fixture_holds_what_its_header_says() {
    let e = emulator_of(include_str!("../../../tests/fixtures/small.toml"));
    let held = |region: &str, a: &str| {
        interfaces_in(
            &e,
            region,
            &format!("&Filter.1.Name=addresses.private-ip-address&Filter.1.Value.1={a}"),
        )
        .len()
    };
    assert_eq!(held(US, "10.0.1.14"), 0);
    assert_eq!(held("eu-west-1", "10.1.1.4"), 0);
    for a in (4..=13)
        .map(|n| format!("10.0.1.{n}"))
        .chain((4..=14).map(|n| format!("10.0.2.{n}")))
    {
        assert_eq!(held(US, &a), 1, "{a}");
    }
    let first = call(
        &e,
        US,
        "Action=DescribeInstances&Filter.1.Name=private-ip-address&Filter.1.Value.1=10.0.2.4",
    )
    .unwrap();
    assert_eq!(leaf(&first, "name"), "running");
    assert_eq!(leaf(&first, "value"), "game-us-2-001");
    let spare = "&Filter.1.Name=subnet-id&Filter.1.Value.1=subnet-0a0000000000000f1";
    assert!(interfaces_in(&e, US, spare).is_empty());
    let (us, eu) = (
        instances(&e, "").unwrap().len(),
        call(&e, "eu-west-1", "Action=DescribeInstances")
            .map(|d| ids(&d, "reservationSet", "instanceId"))
            .unwrap()
            .len(),
    );
    assert_eq!((us, eu), (11, 6), "the counts the header gives");
}

fn interfaces_in(e: &Emulator, region: &str, extra: &str) -> Vec<String> {
    call(
        e,
        region,
        &format!("Action=DescribeNetworkInterfaces{extra}"),
    )
    .map(|doc| ids(&doc, "networkInterfaceSet", "networkInterfaceId"))
    .unwrap()
}
