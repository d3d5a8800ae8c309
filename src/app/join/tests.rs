//! The join's cache, and `update` asking EC2 for what the screen on top shows.

use std::net::Ipv4Addr;
use std::time::Instant;

use super::*;
use crate::app::list::Row;
use crate::app::screens::browser::Browser;
use crate::app::{Action, Context, Effect, Reply, Screen, State, update};

use crate::model::{
    Accelerator, EndpointGroup, Listener, Page, PortMapping, ProtocolSet, SocketAddress,
    TrafficState,
};

const LISTENER: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1";
const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn subnet(id: &str, cidr: &str) -> Subnet {
    Subnet {
        id: id.into(),
        cidr: Some(cidr.parse().unwrap()),
        vpc_id: "vpc-1".into(),
        availability_zone: "eu-west-1a".into(),
        name: Some(format!("{id}-name")),
        available_addresses: None,
    }
}

/// subnet-a (10.0.0.0/24): 10.0.0.4 held by game-1 (running); nothing else held.
fn view_a() -> SubnetView {
    crate::app::fixtures::view_holding(
        subnet("subnet-a", "10.0.0.0/24"),
        Ipv4Addr::new(10, 0, 0, 4),
        "eni-1",
        ("i-1", "game-1"),
    )
}

use crate::app::fixtures::ec2_lookups as lookups;

fn subnets_of(lookup: &Ec2Lookup) -> (&str, Vec<&str>) {
    match lookup {
        Ec2Lookup::Subnets { region, ids } => {
            (region.as_str(), ids.iter().map(String::as_str).collect())
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_subnet_is_asked_once_until_a_refresh_and_shown_stale_meanwhile() {
    let mut join = Join::default();
    assert_eq!(join.subnet("eu-west-1", "subnet-a"), Known::Loading);
    let first = join
        .ask_subnets("eu-west-1", &["subnet-a", "subnet-a"], 1)
        .unwrap();
    assert_eq!(subnets_of(&first), ("eu-west-1", vec!["subnet-a"]));
    assert!(
        join.ask_subnets("eu-west-1", &["subnet-a"], 2).is_none(),
        "on its way"
    );
    assert!(join.answered(
        1,
        Ok(Ec2Answer::Subnets(vec![("subnet-a".into(), view_a())]))
    ));
    assert!(
        !join.answered(1, Ok(Ec2Answer::Subnets(vec![]))),
        "answered already"
    );
    let Known::Ready(v) = join.subnet("eu-west-1", "subnet-a") else {
        panic!()
    };
    assert_eq!(v.held_usable(), 1);
    assert!(
        join.ask_subnets("eu-west-1", &["subnet-a"], 3).is_none(),
        "cached"
    );
    join.refresh();
    let again = join.ask_subnets("eu-west-1", &["subnet-a"], 4);
    assert!(again.is_some(), "r asks again");
    assert!(
        matches!(join.subnet("eu-west-1", "subnet-a"), Known::Ready(_)),
        "the old view stays on screen until the new one comes"
    );
    // A subnet asked for that the answer leaves out: EC2 knows nothing of it.
    join.ask_subnets("us-east-1", &["subnet-x"], 5).unwrap();
    join.answered(5, Ok(Ec2Answer::Subnets(vec![])));
    let Known::Ready(unknown) = join.subnet("us-east-1", "subnet-x") else {
        panic!()
    };
    assert!(unknown.subnet.is_none());
}

#[test]
fn a_refused_permission_is_kept_once_and_nothing_more_is_asked_until_r() {
    let mut join = Join::default();
    join.ask_subnets("eu-west-1", &["subnet-a"], 1).unwrap();
    let refused = Ec2Failure {
        message: "UnauthorizedOperation".into(),
        access: Some("EC2 permissions missing: ec2:DescribeNetworkInterfaces".into()),
    };
    join.answered(1, Err(refused));
    assert_eq!(
        join.problem.as_deref(),
        Some("EC2 permissions missing: ec2:DescribeNetworkInterfaces")
    );
    assert!(matches!(
        join.subnet("eu-west-1", "subnet-a"),
        Known::Failed(_)
    ));
    assert!(join.ask_subnets("eu-west-1", &["subnet-b"], 2).is_none());
    assert!(join.ask_region("eu-west-1", 3).is_none());
    join.refresh();
    assert!(join.problem.is_none());
    assert!(join.ask_subnets("eu-west-1", &["subnet-a"], 4).is_some());
}

#[test]
fn the_join_off_asks_nothing_and_says_so() {
    let mut join = Join::off();
    assert_eq!(join.subnet("eu-west-1", "subnet-a"), Known::Off);
    assert_eq!(join.region_subnets("eu-west-1"), Known::Off);
    assert!(join.ask_subnets("eu-west-1", &["subnet-a"], 1).is_none());
    assert!(join.ask_region("eu-west-1", 1).is_none());
}

fn accelerator() -> Accelerator {
    crate::app::fixtures::accelerator(&["75.2.0.1"])
}

fn group() -> EndpointGroup {
    EndpointGroup {
        arn: GROUP.into(),
        region: "eu-west-1".into(),
        destinations: vec![],
        endpoints: vec!["subnet-a".into(), "subnet-b".into()],
    }
}

fn browser_state() -> (State, Vec<Effect>) {
    let b = Browser::of_accelerator(&accelerator(), Some(&group()), Default::default(), 100);
    let mut s = State::new(Context::default(), (160, 30), Instant::now());
    let effects = s.push(Screen::Browser(Box::new(b)));
    let id = match &effects[..] {
        [Effect::Call { id, .. }, ..] => *id,
        other => panic!("{other:?}"),
    };
    let items = (0..20)
        .map(|i| PortMapping {
            accelerator_port: 1024 + i,
            endpoint_group_arn: GROUP.into(),
            endpoint_id: "subnet-a".into(),
            destination: SocketAddress {
                ip: format!("10.0.0.{}", 4 + i),
                port: 7000,
            },
            protocols: ProtocolSet::UDP,
            traffic: TrafficState::Allow,
        })
        .collect();
    let effects = update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::PortMappings(Page {
                items,
                next_token: None,
            })),
        },
    );
    (s, effects)
}

fn table_row_cells(s: &State, index: usize) -> [String; 4] {
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    crate::app::mappings::holder_cells(&b.table().get(index).unwrap())
}

#[test]
fn the_browser_asks_ec2_for_the_subnets_on_screen_and_its_rows_name_the_instance() {
    let (mut s, effects) = browser_state();
    let asked = lookups(&effects);
    assert_eq!(asked.len(), 1, "{effects:?}");
    assert_eq!(subnets_of(&asked[0].1), ("eu-west-1", vec!["subnet-a"]));
    assert_eq!(
        table_row_cells(&s, 0),
        ["-", "-", "-", "-"],
        "not known yet"
    );
    let effects = update(
        &mut s,
        Action::Ec2 {
            id: asked[0].0,
            result: Ok(Ec2Answer::Subnets(vec![("subnet-a".into(), view_a())])),
        },
    );
    assert!(lookups(&effects).is_empty(), "nothing more to ask");
    assert_eq!(
        table_row_cells(&s, 0),
        ["game-1", "running", "i-1", "eni-1"]
    );
    assert_eq!(table_row_cells(&s, 1)[0], "no interface");
    // The filter finds rows by their instance.
    for c in "/game-1\n".chars() {
        let code = if c == '\n' {
            crossterm::event::KeyCode::Enter
        } else {
            crossterm::event::KeyCode::Char(c)
        };
        update(&mut s, Action::Key(crossterm::event::KeyEvent::from(code)));
    }
    for _ in 0..10 {
        update(&mut s, Action::Tick);
    }
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    assert_eq!(b.view_len(), 1, "one row is game-1's");
    // A refresh asks again; the rows keep saying game-1 meanwhile.
    let effects = update(
        &mut s,
        Action::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('r'),
        )),
    );
    assert_eq!(lookups(&effects).len(), 1, "r asks EC2 again");
    assert_eq!(table_row_cells(&s, 0)[0], "game-1");
}

#[test]
fn the_group_detail_lists_each_subnet_with_what_ec2_says() {
    let listener = Listener {
        arn: LISTENER.into(),
        port_ranges: vec![],
    };
    let mut detail = crate::app::GroupDetail {
        accelerator: accelerator(),
        listener,
        group: crate::app::Loadable::default(),
        endpoints: Default::default(),
    };
    detail.set_group(group(), Instant::now());
    let mut s = State::new(Context::default(), (160, 30), Instant::now());
    s.screens.push(Screen::GroupDetail(detail));
    let effects = update(&mut s, Action::Tick);
    let asked = lookups(&effects);
    assert_eq!(
        subnets_of(&asked[0].1),
        ("eu-west-1", vec!["subnet-a", "subnet-b"])
    );
    update(
        &mut s,
        Action::Ec2 {
            id: asked[0].0,
            result: Ok(Ec2Answer::Subnets(vec![("subnet-a".into(), view_a())])),
        },
    );
    let Screen::GroupDetail(d) = s.top() else {
        panic!()
    };
    let rows: Vec<Vec<String>> = d.endpoints.rows().iter().map(Row::cells).collect();
    assert_eq!(
        rows[0][..6],
        [
            "subnet-a",
            "subnet-a-name",
            "10.0.0.0/24",
            "eu-west-1a",
            "vpc-1",
            "1/251"
        ]
    );
    assert_eq!(rows[1][1], "(EC2 does not know it)");
}

#[test]
fn a_refused_permission_is_said_once_and_the_header_keeps_it() {
    let (mut s, effects) = browser_state();
    let id = lookups(&effects)[0].0;
    update(
        &mut s,
        Action::Ec2 {
            id,
            result: Err(Ec2Failure {
                message: "refused".into(),
                access: Some("EC2 permissions missing: ec2:DescribeInstances".into()),
            }),
        },
    );
    let said = s.message.as_ref().unwrap().text.clone();
    assert!(
        said.starts_with("EC2 permissions missing: ec2:DescribeInstances"),
        "{said}"
    );
    s.message = None;
    let effects = update(&mut s, Action::Tick);
    assert!(lookups(&effects).is_empty());
    assert!(s.message.is_none(), "said once");
    assert_eq!(table_row_cells(&s, 0), ["-", "-", "-", "-"]);
}
