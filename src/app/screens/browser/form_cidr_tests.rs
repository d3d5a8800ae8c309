//! `update` tests of the by-destination form with the subnets' CIDRs from EC2: the subnet whose
//! CIDR holds the address is the one asked, an address outside every subnet of the group is
//! said as a fact and nothing is asked, and without the CIDRs the chosen subnet is asked as
//! before.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::join::{Ec2Answer, Ec2Failure, Ec2Lookup, Join};
use super::screens::browser::Browser;
use super::*;
use crate::model::EndpointGroup;
use crate::model::ec2::Subnet;

const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";
const REGION: &str = "eu-west-1";

fn group() -> EndpointGroup {
    EndpointGroup {
        arn: GROUP.into(),
        region: REGION.into(),
        destinations: vec![],
        endpoints: vec!["subnet-a".into(), "subnet-b".into(), "subnet-c".into()],
    }
}

fn subnet(id: &str, cidr: &str) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: Some(cidr.parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "eu-west-1a".into(),
        name: None,
        available_addresses: None,
    }
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn form(s: &State) -> &crate::app::screens::browser::DestinationForm {
    match s.top() {
        Screen::Browser(b) => b.form.as_ref().unwrap(),
        other => panic!("{other:?}"),
    }
}

/// A by-destination browser on subnet-a of the group, with what EC2 said of the region
/// (`None`: the join is off).
fn opened(region: Option<Result<Vec<Subnet>, &str>>) -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.join = if region.is_some() {
        Join::default()
    } else {
        Join::off()
    };
    let b = Browser::by_destination(&group(), Some("subnet-a"), Default::default(), 500);
    s.push(Screen::Browser(Box::new(b)));
    // The first key runs the demand: the region's subnets are asked once.
    let asks: Vec<(RequestId, Ec2Lookup)> = key(&mut s, KeyCode::Tab)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Ec2 { id, lookup } => Some((id, lookup)),
            _ => None,
        })
        .collect();
    key(&mut s, KeyCode::Tab);
    match region {
        None => assert!(asks.is_empty(), "{asks:?}"),
        Some(answer) => {
            let region_ask = asks
                .iter()
                .find(|(_, l)| matches!(l, Ec2Lookup::Region { region } if region == REGION))
                .unwrap_or_else(|| panic!("the group's region is asked: {asks:?}"));
            let result = answer.map(Ec2Answer::Region).map_err(|m| Ec2Failure {
                message: m.into(),
                access: None,
            });
            update(
                &mut s,
                Action::Ec2 {
                    id: region_ask.0,
                    result,
                },
            );
        }
    }
    s
}

/// Types `ip`, presses Enter; the subnet asked, if any.
fn looked_up(s: &mut State, ip: &str) -> Option<String> {
    for c in ip.chars() {
        key(s, KeyCode::Char(c));
    }
    key(s, KeyCode::Enter).into_iter().find_map(|e| match e {
        Effect::Call {
            call: Call::ListMappingsByDestination { subnet, .. },
            ..
        } => Some(subnet),
        _ => None,
    })
}

fn three() -> Vec<Subnet> {
    vec![
        subnet("subnet-a", "10.0.1.0/24"),
        subnet("subnet-b", "10.0.2.0/24"),
        subnet("subnet-c", "10.0.3.0/24"),
        subnet("subnet-spare", "10.0.9.0/24"),
    ]
}

#[test]
fn the_subnet_whose_cidr_holds_the_address_is_the_one_asked() {
    let mut s = opened(Some(Ok(three())));
    assert_eq!(looked_up(&mut s, "10.0.2.9").as_deref(), Some("subnet-b"));
    let form = form(&s);
    assert_eq!(
        form.subnet(),
        Some("subnet-b"),
        "the form says where it looked"
    );
    assert_eq!(
        form.note.as_deref(),
        Some("10.0.2.9 is in this subnet's block (10.0.2.0/24), not in 10.0.1.0/24")
    );
}

#[test]
fn an_address_outside_every_subnet_of_the_group_is_a_fact_and_nothing_is_asked() {
    let mut s = opened(Some(Ok(three())));
    assert_eq!(
        looked_up(&mut s, "10.0.9.9"),
        None,
        "the spare subnet is not the group's"
    );
    assert_eq!(
        form(&s).error.as_deref(),
        Some(
            "10.0.9.9 is outside every subnet of this group (10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24)"
        )
    );
}

#[test]
fn without_the_cidrs_the_chosen_subnet_is_asked_as_before() {
    for region in [None, Some(Err("could not reach EC2: timed out"))] {
        let mut s = opened(region);
        assert_eq!(looked_up(&mut s, "10.9.9.9").as_deref(), Some("subnet-a"));
        assert_eq!(form(&s).note, None);
    }
}

#[test]
fn an_address_outside_the_chosen_subnet_when_others_are_not_known_asks_for_another() {
    // subnet-c is not in the region's list: its block is not known.
    let known = vec![
        subnet("subnet-a", "10.0.1.0/24"),
        subnet("subnet-b", "10.0.2.0/24"),
    ];
    let mut s = opened(Some(Ok(known)));
    assert_eq!(looked_up(&mut s, "10.0.3.9"), None);
    let error = form(&s).error.clone().unwrap();
    assert!(
        error.starts_with("10.0.3.9 is outside subnet-a (10.0.1.0/24); Tab and ↑↓ pick another"),
        "{error}"
    );
    // The address inside the chosen subnet is asked there.
    for _ in 0..8 {
        key(&mut s, KeyCode::Backspace);
    }
    assert_eq!(looked_up(&mut s, "10.0.1.9").as_deref(), Some("subnet-a"));
}
