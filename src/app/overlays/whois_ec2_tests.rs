//! `update` tests of the `w` lookup joined with EC2: an answer asks the join for its subnet,
//! and the lookup names the instance and interface holding the destination, says nothing
//! holds it, or why EC2 cannot say.

use std::net::Ipv4Addr;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::join::{Ec2Answer, Ec2Failure, Ec2Lookup, Join};
use super::overlays::whois::behind;
use super::*;
use crate::index::whois::{Via, WhoisAnswer};
use crate::model::behind::Behind;
use crate::model::ec2::{InstanceState, Subnet};
use crate::model::join::SubnetView;
use crate::model::{
    Accelerator, AcceleratorStatus, Page, ProtocolSet, SocketAddress, TrafficState,
};

const SUBNET: &str = "subnet-0dcd4c26ba40f1727";
const REGION: &str = "us-east-1";

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn voip() -> Accelerator {
    Accelerator {
        arn: "arn:aws:globalaccelerator::111122223333:accelerator/a".into(),
        name: "voip-core".into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec!["75.2.16.21".into()],
        dns_name: String::new(),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn state(join: Join) -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.join = join;
    let id = match s.start().remove(0) {
        Effect::Call { id, .. } => id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Accelerators(Page {
                items: vec![voip()],
                next_token: None,
            })),
        },
    );
    s
}

fn answer(destination: &str, traffic: TrafficState) -> WhoisAnswer {
    WhoisAnswer {
        address: SocketAddress {
            ip: "75.2.16.21".into(),
            port: 54442,
        },
        accelerator_arn: "arn:aws:globalaccelerator::111122223333:accelerator/a".into(),
        accelerator_name: "voip-core".into(),
        accelerator_enabled: true,
        listener_arn: "arn:…/listener/l".into(),
        endpoint_group_arn: "arn:…/listener/l/endpoint-group/g".into(),
        region: REGION.into(),
        subnet: SUBNET.into(),
        destination: SocketAddress {
            ip: destination.into(),
            port: 5060,
        },
        protocols: Some(ProtocolSet::BOTH),
        traffic,
        via: Via::Listing,
        index_was_stale: false,
    }
}

/// `w`, the address, Enter, and the service's answer; what `update` asked for after it.
fn asked(s: &mut State, a: WhoisAnswer) -> Vec<Effect> {
    key(s, KeyCode::Char('w'));
    for c in "75.2.16.21:54442".chars() {
        key(s, KeyCode::Char(c));
    }
    let id = key(s, KeyCode::Enter)
        .into_iter()
        .find_map(|e| match e {
            Effect::Call { id, .. } => Some(id),
            _ => None,
        })
        .unwrap();
    update(
        s,
        Action::Reply {
            id,
            result: Ok(Reply::Whois(Ok(Box::new(a)))),
        },
    )
}

use crate::app::fixtures::ec2_lookups as lookups;

/// subnet 10.0.64.0/20 with 10.0.64.4 held by voip-core-01-001 (running).
fn view() -> SubnetView {
    let subnet = Subnet {
        id: SUBNET.into(),
        cidr: Some("10.0.64.0/20".parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "us-east-1c".into(),
        name: Some("voip-core-01".into()),
        available_addresses: None,
    };
    crate::app::fixtures::view_holding(
        subnet,
        Ipv4Addr::new(10, 0, 64, 4),
        "eni-084936525ed59d7c5",
        ("i-0dc642d822421facb", "voip-core-01-001"),
    )
}

fn shown<'a>(s: &'a State) -> Behind<'a> {
    let Some(overlays::whois::LookupResult::Address(a)) = &s.whois().unwrap().result else {
        panic!("no answer")
    };
    behind(&s.join, &a.region, &a.subnet, &a.destination.ip)
}

#[test]
fn an_answer_asks_ec2_for_its_subnet_and_names_the_instance_holding_it() {
    let mut s = state(Join::default());
    let effects = asked(&mut s, answer("10.0.64.4", TrafficState::Allow));
    let asks = lookups(&effects);
    assert_eq!(
        asks.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
        vec![Ec2Lookup::Subnets {
            region: REGION.into(),
            ids: vec![SUBNET.into()]
        }]
    );
    assert_eq!(shown(&s), Behind::Asking);
    let effects = update(
        &mut s,
        Action::Ec2 {
            id: asks[0].0,
            result: Ok(Ec2Answer::Subnets(vec![(SUBNET.into(), view())])),
        },
    );
    assert!(lookups(&effects).is_empty(), "asked once");
    let holder = shown(&s).holder().unwrap().clone();
    let instance = holder.instance.clone().unwrap();
    assert_eq!(instance.id, "i-0dc642d822421facb");
    assert_eq!(instance.name.as_deref(), Some("voip-core-01-001"));
    assert_eq!(instance.state, InstanceState::Running);
    assert_eq!(holder.interface_id, "eni-084936525ed59d7c5");
    // Keys in the lookup ask nothing more of EC2.
    assert!(lookups(&key(&mut s, KeyCode::Down)).is_empty());
}

#[test]
fn an_allowed_address_nothing_holds_is_said_a_standing_exposure() {
    let mut s = state(Join::default());
    let asks = lookups(&asked(&mut s, answer("10.0.64.9", TrafficState::Allow)));
    update(
        &mut s,
        Action::Ec2 {
            id: asks[0].0,
            result: Ok(Ec2Answer::Subnets(vec![(SUBNET.into(), view())])),
        },
    );
    assert_eq!(shown(&s), Behind::Unheld);
    assert!(shown(&s).exposure(TrafficState::Allow).is_some());
}

#[test]
fn a_refused_permission_is_said_in_place_and_the_join_off_asks_nothing() {
    let mut s = state(Join::default());
    let asks = lookups(&asked(&mut s, answer("10.0.64.4", TrafficState::Allow)));
    update(
        &mut s,
        Action::Ec2 {
            id: asks[0].0,
            result: Err(Ec2Failure {
                message: "not allowed to call ec2:DescribeInstances (no)".into(),
                access: Some("EC2 permissions missing: ec2:DescribeInstances".into()),
            }),
        },
    );
    assert_eq!(
        shown(&s),
        Behind::Failed("EC2 permissions missing: ec2:DescribeInstances")
    );

    let mut off = state(Join::off());
    let effects = asked(&mut off, answer("10.0.64.4", TrafficState::Allow));
    assert!(lookups(&effects).is_empty());
    assert_eq!(shown(&off), Behind::Off);
}

#[test]
fn a_permission_refused_before_is_said_rather_than_asked_again() {
    let mut join = Join::default();
    join.problem = Some("EC2 refused the credentials (AuthFailure)".into());
    let mut s = state(join);
    let effects = asked(&mut s, answer("10.0.64.4", TrafficState::Allow));
    assert!(lookups(&effects).is_empty(), "nothing asked until r");
    assert_eq!(
        shown(&s),
        Behind::Failed("EC2 refused the credentials (AuthFailure)")
    );
}

/// The scope of an IP-only search: two groups, in two regions, of voip-core.
fn scope() -> Vec<crate::index::Scope> {
    let group = |region: &str, subnets: &[&str]| crate::model::EndpointGroup {
        arn: format!("arn:…/listener/l/endpoint-group/{region}"),
        region: region.into(),
        destinations: vec![],
        endpoints: subnets.iter().map(|s| (*s).to_string()).collect(),
    };
    vec![crate::index::Scope {
        accelerator: voip(),
        groups: vec![
            group(REGION, &[SUBNET, "subnet-b"]),
            group("eu-west-1", &["subnet-c"]),
        ],
    }]
}

fn subnet(id: &str, cidr: &str) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: Some(cidr.parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "az".into(),
        name: None,
        available_addresses: None,
    }
}

/// `w IP`, Enter, and the scope read: the lookups the join is asked for, by region.
fn searched(s: &mut State, ip: &str) -> Vec<(RequestId, Ec2Lookup)> {
    key(s, KeyCode::Char('w'));
    for c in ip.chars() {
        key(s, KeyCode::Char(c));
    }
    let (id, call) = key(s, KeyCode::Enter)
        .into_iter()
        .find_map(|e| match e {
            Effect::Call { id, call } => Some((id, call)),
            _ => None,
        })
        .unwrap();
    assert!(matches!(call, Call::HolderScope { .. }), "{call:?}");
    lookups(&update(
        s,
        Action::Reply {
            id,
            result: Ok(Reply::HolderScope(scope())),
        },
    ))
}

/// EC2's answer to each region's lookup: the region's subnets, with CIDRs.
fn answer_regions(
    s: &mut State,
    asks: Vec<(RequestId, Ec2Lookup)>,
    fail: Option<&str>,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (id, lookup) in asks {
        let Ec2Lookup::Region { region } = lookup else {
            panic!("{lookup:?}")
        };
        let result = match region.as_str() {
            r if Some(r) == fail => Err(Ec2Failure {
                message: "could not reach EC2: timed out".into(),
                access: None,
            }),
            REGION => Ok(Ec2Answer::Region(vec![
                subnet(SUBNET, "10.0.64.0/20"),
                subnet("subnet-b", "10.0.1.0/24"),
                subnet("subnet-spare", "10.0.200.0/24"),
            ])),
            _ => Ok(Ec2Answer::Region(vec![subnet("subnet-c", "10.0.2.0/24")])),
        };
        effects.extend(update(s, Action::Ec2 { id, result }));
    }
    effects
}

#[test]
fn an_ip_outside_every_subnet_is_said_as_a_fact_without_asking_the_service() {
    let mut s = state(Join::default());
    let asks = searched(&mut s, "10.9.9.9");
    assert_eq!(
        asks.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
        vec![
            Ec2Lookup::Region {
                region: REGION.into()
            },
            Ec2Lookup::Region {
                region: "eu-west-1".into()
            }
        ],
        "one DescribeSubnets per region, not every interface of every subnet"
    );
    assert!(s.whois().unwrap().narrowing.is_some());
    let (first, second) = (asks[..1].to_vec(), asks[1..].to_vec());
    assert!(
        answer_regions(&mut s, first, None).is_empty(),
        "waits for every region"
    );
    let calls = answer_regions(&mut s, second, None);
    assert!(
        !calls.iter().any(|e| matches!(e, Effect::Call { .. })),
        "nothing asked of Global Accelerator: {calls:?}"
    );
    let lookup = s.whois().unwrap();
    assert_eq!(
        lookup.error.as_deref(),
        Some(
            "10.9.9.9 is outside every subnet of 1 accelerator (10.0.1.0/24, 10.0.2.0/24, 10.0.64.0/20)"
        ),
        "the group's subnets, not the region's spare ones"
    );
    assert!(lookup.narrowing.is_none() && lookup.pending.is_none());
}

#[test]
fn only_the_subnets_whose_cidr_holds_the_ip_are_asked_and_unknown_ones_still_are() {
    let mut s = state(Join::default());
    let asks = searched(&mut s, "10.0.64.4");
    // eu-west-1 fails: its subnet's CIDR is not known, so it is asked as before.
    let call = answer_regions(&mut s, asks, Some("eu-west-1"))
        .into_iter()
        .find_map(|e| match e {
            Effect::Call { call, .. } => Some(call),
            _ => None,
        })
        .expect("the holders are asked once every region has answered");
    let Call::HoldersWithin { narrowed, .. } = call else {
        panic!("{call:?}")
    };
    assert_eq!(narrowed.outside, vec!["subnet-b".to_string()]);
    assert_eq!(narrowed.inside.len(), 1);
    assert_eq!(narrowed.unknown, 1);
    assert!(narrowed.excludes("subnet-b") && !narrowed.excludes("subnet-c"));
}

#[test]
fn without_the_join_an_ip_alone_asks_every_endpoint_as_before() {
    for join in [Join::off(), {
        let mut j = Join::default();
        j.problem = Some("EC2 permissions missing: ec2:DescribeSubnets".into());
        j
    }] {
        let mut s = state(join);
        key(&mut s, KeyCode::Char('w'));
        for c in "10.9.9.9".chars() {
            key(&mut s, KeyCode::Char(c));
        }
        let effects = key(&mut s, KeyCode::Enter);
        assert!(
            effects.iter().any(|e| matches!(
                e,
                Effect::Call {
                    call: Call::Holders { .. },
                    ..
                }
            )),
            "{effects:?}"
        );
    }
}

#[test]
fn an_address_aws_keeps_is_named_when_the_service_maps_it_nowhere() {
    let mut s = state(Join::default());
    let asks = searched(&mut s, "10.0.64.1");
    let id = answer_regions(&mut s, asks, None)
        .iter()
        .find_map(|e| match e {
            Effect::Call { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Holders {
                ip: "10.0.64.1".into(),
                found: vec![],
            }),
        },
    );
    let error = s.whois().unwrap().error.clone().unwrap();
    assert!(
        error.contains("one of the five addresses AWS keeps") && error.contains(SUBNET),
        "{error}"
    );
}
