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
use crate::model::ec2::{Instance, InstanceState, NetworkInterface, PrivateAddress, Subnet};
use crate::model::join::SubnetView;
use crate::model::{
    Accelerator, AcceleratorStatus, Page, ProtocolSet, SocketAddress, TrafficState,
};

const SUBNET: &str = "subnet-0dcd4c26ba40f1727";
const REGION: &str = "us-east-1";

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn state(join: Join) -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.join = join;
    let id = match s.start().remove(0) {
        Effect::Call { id, .. } => id,
        other => panic!("{other:?}"),
    };
    let accelerator = Accelerator {
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
    };
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Accelerators(Page {
                items: vec![accelerator],
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

fn lookups(effects: &[Effect]) -> Vec<(RequestId, Ec2Lookup)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ec2 { id, lookup } => Some((*id, lookup.clone())),
            _ => None,
        })
        .collect()
}

/// subnet 10.0.64.0/20 with 10.0.64.4 held by voip-core-01-001 (running).
fn view() -> SubnetView {
    let eni = NetworkInterface {
        id: "eni-084936525ed59d7c5".into(),
        subnet_id: SUBNET.into(),
        private_addresses: vec![PrivateAddress {
            address: Ipv4Addr::new(10, 0, 64, 4),
            primary: true,
        }],
        ipv4_prefixes: vec![],
        instance_id: Some("i-0dc642d822421facb".into()),
        status: None,
        interface_type: None,
        description: None,
    };
    let instance = Instance {
        id: "i-0dc642d822421facb".into(),
        name: Some("voip-core-01-001".into()),
        state: InstanceState::Running,
        instance_type: None,
        subnet_id: Some(SUBNET.into()),
        availability_zone: None,
        private_address: None,
        interfaces: vec![],
    };
    let subnet = Subnet {
        id: SUBNET.into(),
        cidr: Some("10.0.64.0/20".parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "us-east-1c".into(),
        name: Some("voip-core-01".into()),
        available_addresses: None,
    };
    SubnetView::new(Some(subnet), &[eni], &[instance])
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
