//! portolan's EC2 client against the emulator's EC2 subset: each call, batching past 200
//! values, delegated prefixes, and a denied permission. The two sides share no code, and
//! scripts/aws-cli-check.sh checks the emulator's side with the AWS CLI and boto3 as well.

use std::net::Ipv4Addr;
use std::sync::Arc;

use portolan::api::ClientOptions;
use portolan::ec2::{Ec2, Ec2Client, Ec2Error};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::model::ec2::Holding;

const EC2: &str = include_str!("fixtures/ec2.toml");
const FLEET_A: &str = "subnet-0e0000000000000a1";
const SBC: &str = "subnet-0e0000000000000a3";

async fn start() -> (Ec2Client, LocalEmulator, Arc<Faults>) {
    let topology = Topology::parse(EC2, "ec2").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let faults = Arc::new(Faults::new(7));
    let server = LocalEmulator::start_with_faults(emulator, Arc::clone(&faults))
        .await
        .unwrap();
    let client = Ec2Client::connect(&ClientOptions::local(&server.url))
        .await
        .unwrap();
    (client, server, faults)
}

#[tokio::test]
async fn subnets_of_a_region_come_with_cidr_vpc_zone_and_name() {
    let (ec2, _server, _) = start().await;
    let subnets = ec2.subnets_in_region("us-east-1").await.unwrap();
    assert_eq!(subnets.len(), 4, "{subnets:?}");
    let a = subnets.iter().find(|s| s.id == FLEET_A).unwrap();
    assert_eq!(
        a.cidr.map(|c| c.to_string()).as_deref(),
        Some("10.2.0.0/24")
    );
    assert_eq!(a.vpc_id, "vpc-0e000000000000001");
    assert_eq!(a.availability_zone, "us-east-1a");
    assert_eq!(a.name.as_deref(), Some("fleet-a"));
    // Another region's subnets are not listed in this one.
    let eu = ec2.subnets_in_region("eu-west-1").await.unwrap();
    assert_eq!(eu.len(), 1);
    assert!(eu.iter().all(|s| !subnets.iter().any(|u| u.id == s.id)));
}

#[tokio::test]
async fn lookups_past_200_values_are_batched_and_unknown_ids_do_not_fail_them() {
    let (ec2, server, _) = start().await;
    let before = server
        .emulator
        .calls()
        .get("DescribeSubnets")
        .copied()
        .unwrap_or(0);
    // 449 ids nobody has, and one real one: three filters of at most 200 values.
    let mut ids: Vec<String> = (0..449).map(|i| format!("subnet-0f{i:015x}")).collect();
    ids.push(FLEET_A.to_string());
    let found = ec2.subnets_by_id("us-east-1", &ids).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, FLEET_A);
    let calls = server
        .emulator
        .calls()
        .get("DescribeSubnets")
        .copied()
        .unwrap_or(0)
        - before;
    assert_eq!(calls, 3);
}

#[tokio::test]
async fn interfaces_and_instances_say_who_holds_an_address() {
    let (ec2, _server, _) = start().await;
    // sbc-1 holds 10.2.2.4 as its primary address, 10.2.2.5 as a secondary one, and
    // 10.2.2.16/28 as a delegated prefix, which the address filters do not see.
    let interfaces = ec2
        .interfaces_in_subnets("us-east-1", &[SBC.to_string()])
        .await
        .unwrap();
    let holder = |ip: Ipv4Addr| interfaces.iter().find_map(|i| i.holds(ip));
    assert_eq!(holder(Ipv4Addr::new(10, 2, 2, 4)), Some(Holding::Primary));
    assert_eq!(holder(Ipv4Addr::new(10, 2, 2, 5)), Some(Holding::Secondary));
    assert!(matches!(
        holder(Ipv4Addr::new(10, 2, 2, 20)),
        Some(Holding::Prefix(_))
    ));
    let by_address = ec2
        .interfaces_holding("us-east-1", &[Ipv4Addr::new(10, 2, 2, 5)])
        .await
        .unwrap();
    assert_eq!(by_address.len(), 1);

    let instances = ec2
        .instances_holding(
            "us-east-1",
            &[Ipv4Addr::new(10, 2, 2, 4), Ipv4Addr::new(10, 2, 2, 7)],
        )
        .await
        .unwrap();
    let mut names: Vec<(String, bool)> = instances
        .iter()
        .map(|i| (i.name.clone().unwrap_or_default(), i.state.is_live()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![("sbc-1".to_string(), true), ("sbc-2".to_string(), false)]
    );
    // The vacant addresses of fleet-a are held by nothing.
    let vacant = ec2
        .interfaces_holding("us-east-1", &[Ipv4Addr::new(10, 2, 0, 200)])
        .await
        .unwrap();
    assert!(vacant.is_empty());
    let fleet = ec2
        .instances_in_subnets("us-east-1", &[FLEET_A.to_string()])
        .await
        .unwrap();
    assert!(fleet.len() > 20, "{}", fleet.len());
}

#[tokio::test]
async fn the_join_names_the_instance_and_interface_of_each_address() {
    let (ec2, _server, _) = start().await;
    let unknown = "subnet-0f0000000000000ff".to_string();
    let views = portolan::ec2::subnet_views(&ec2, "us-east-1", &[SBC.to_string(), unknown.clone()])
        .await
        .unwrap();
    let ids: Vec<&str> = views.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, [SBC, unknown.as_str()], "in the order asked");
    let sbc = &views[0].1;
    assert_eq!(sbc.contains(Ipv4Addr::new(10, 2, 2, 4)), Some(true));
    assert_eq!(sbc.contains(Ipv4Addr::new(10, 9, 9, 9)), Some(false));
    let primary = sbc.holder(Ipv4Addr::new(10, 2, 2, 4)).unwrap();
    assert_eq!(primary.holding, Holding::Primary);
    let instance = primary.instance.as_ref().unwrap();
    assert_eq!(instance.name.as_deref(), Some("sbc-1"));
    assert!(primary.is_live());
    let stopped = sbc.holder(Ipv4Addr::new(10, 2, 2, 7)).unwrap();
    assert!(!stopped.is_live(), "sbc-2 is stopped");
    assert!(matches!(
        sbc.holder(Ipv4Addr::new(10, 2, 2, 20)).unwrap().holding,
        Holding::Prefix(_)
    ));
    assert!(sbc.holder(Ipv4Addr::new(10, 2, 2, 40)).is_none());
    // A subnet EC2 does not know has a view without a subnet, not an error.
    assert!(views[1].1.subnet.is_none());
}

#[tokio::test]
async fn a_denied_permission_is_named_and_not_retried() {
    let (ec2, server, faults) = start().await;
    // Only the first call is refused: a retry would have succeeded.
    faults.add(
        "DescribeInstances:error=UnauthorizedOperation#1"
            .parse()
            .unwrap(),
    );
    let err = ec2
        .instances_in_subnets("us-east-1", &[FLEET_A.to_string()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Ec2Error::UnauthorizedOperation { .. }),
        "{err:?}"
    );
    assert_eq!(err.missing_permission(), Some("ec2:DescribeInstances"));
    assert_eq!(server.emulator.calls().get("DescribeInstances"), None);
    // Subnets still answer: one missing permission leaves the rest working.
    assert!(!ec2.subnets_in_region("us-east-1").await.unwrap().is_empty());
}

#[tokio::test]
async fn throttling_is_retried_until_it_passes() {
    let (ec2, server, faults) = start().await;
    // The first two attempts are throttled (RequestLimitExceeded); the third answers.
    faults.add("DescribeSubnets:throttle#2".parse().unwrap());
    let subnets = ec2.subnets_in_region("us-east-1").await.unwrap();
    assert_eq!(subnets.len(), 4);
    assert_eq!(
        server.emulator.calls().get("DescribeSubnets").copied(),
        Some(1)
    );
}
