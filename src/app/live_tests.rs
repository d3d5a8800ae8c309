//! `update` tests of live mode and of the guarded changes.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::overlays::confirm::Mutation;
use super::screens::browser::Browser;
use super::*;
use crate::api::ApiError;
use crate::model::{
    Accelerator, AcceleratorStatus, DestinationPortMapping, EndpointGroup, Page, SocketAddress,
    TrafficChange, TrafficScope, TrafficState,
};

const ACC: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1";
const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn accelerator(name: &str, status: AcceleratorStatus) -> Accelerator {
    Accelerator {
        arn: format!("{ACC}{name}"),
        name: name.into(),
        ip_address_type: None,
        enabled: true,
        status,
        static_ips: vec!["75.2.0.1".into()],
        dns_name: String::new(),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn calls(effects: &[Effect]) -> Vec<(RequestId, Call)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { id, call } => Some((*id, call.clone())),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, id: RequestId, result: Result<Reply, ApiError>) -> Vec<Effect> {
    update(s, Action::Reply { id, result })
}

fn tick(s: &mut State, secs: u64) -> Vec<Effect> {
    s.now += Duration::from_secs(secs);
    update(s, Action::Tick)
}

fn accelerators_page(names: &[(&str, AcceleratorStatus)]) -> Reply {
    Reply::Accelerators(Page {
        items: names
            .iter()
            .map(|(n, st)| accelerator(n, st.clone()))
            .collect(),
        next_token: None,
    })
}

fn live_state() -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    let (id, _) = calls(&s.start())[0].clone();
    answer(
        &mut s,
        id,
        Ok(accelerators_page(&[
            ("a", AcceleratorStatus::Deployed),
            ("b", AcceleratorStatus::Deployed),
            ("c", AcceleratorStatus::Deployed),
        ])),
    );
    key(&mut s, KeyCode::Char('L'));
    s
}

#[test]
fn live_mode_re_reads_on_its_interval_and_pauses() {
    let mut s = live_state();
    let first = calls(&tick(&mut s, 0));
    assert_eq!(first.len(), 1, "L re-reads at once");
    answer(
        &mut s,
        first[0].0,
        Ok(accelerators_page(&[
            ("a", AcceleratorStatus::Deployed),
            ("b", AcceleratorStatus::Deployed),
            ("c", AcceleratorStatus::Deployed),
        ])),
    );
    assert!(calls(&tick(&mut s, 2)).is_empty(), "not yet due");
    let polled = calls(&tick(&mut s, 3));
    assert_eq!(polled.len(), 1, "due after 5 s");
    assert!(matches!(
        polled[0].1,
        Call::ListAccelerators { token: None }
    ));
    assert!(
        calls(&tick(&mut s, 6)).is_empty(),
        "not while one is in flight"
    );
    answer(
        &mut s,
        polled[0].0,
        Ok(accelerators_page(&[
            ("a", AcceleratorStatus::Deployed),
            ("b", AcceleratorStatus::InProgress),
            ("c", AcceleratorStatus::Deployed),
        ])),
    );
    let Screen::Accelerators(p) = s.top() else {
        panic!()
    };
    assert_eq!(p.changed.len(), 1, "only b changed: {:?}", p.changed);
    assert!(p.changed.contains_key(&format!("{ACC}b")));
    let (id, _) = calls(&tick(&mut s, 6))[0].clone();
    let Screen::Accelerators(p) = s.top() else {
        panic!()
    };
    assert!(p.changed.is_empty(), "the mark fades");
    answer(
        &mut s,
        id,
        Ok(accelerators_page(&[("a", AcceleratorStatus::Deployed)])),
    );
    key(&mut s, KeyCode::Char('L'));
    assert!(s.live.as_ref().unwrap().paused);
    assert!(calls(&tick(&mut s, 60)).is_empty(), "paused");
    key(&mut s, KeyCode::Char('L'));
    assert_eq!(calls(&tick(&mut s, 1)).len(), 1, "resumed at once");
}

#[test]
fn throttling_slows_polling_and_recovery_restores_it() {
    let mut s = live_state();
    let (id, _) = calls(&tick(&mut s, 5))[0].clone();
    answer(&mut s, id, Err(ApiError::Throttled("Rate exceeded".into())));
    let live = s.live.clone().unwrap();
    assert_eq!(live.current, Duration::from_secs(10));
    assert!(live.throttled);
    assert!(s.message.as_ref().unwrap().text.contains("every 10s"));
    assert!(
        calls(&tick(&mut s, 6)).is_empty(),
        "waits the longer interval"
    );
    let (id, _) = calls(&tick(&mut s, 5))[0].clone();
    answer(&mut s, id, Err(ApiError::Throttled("Rate exceeded".into())));
    assert_eq!(s.live.as_ref().unwrap().current, Duration::from_secs(20));
    for _ in 0..10 {
        if let Some((id, _)) = calls(&tick(&mut s, 61)).first().cloned() {
            answer(&mut s, id, Err(ApiError::Throttled("slow".into())));
        }
    }
    assert_eq!(
        s.live.as_ref().unwrap().current,
        Duration::from_secs(60),
        "capped"
    );
    let (id, _) = calls(&tick(&mut s, 61))[0].clone();
    answer(
        &mut s,
        id,
        Ok(accelerators_page(&[("a", AcceleratorStatus::Deployed)])),
    );
    let live = s.live.clone().unwrap();
    assert_eq!(live.current, Duration::from_secs(5));
    assert!(!live.throttled);
}

#[test]
fn a_live_re_read_keeps_the_selection_on_the_same_item() {
    let mut s = live_state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    let (id, _) = calls(&tick(&mut s, 5))[0].clone();
    // c moved to the top and a new accelerator appeared.
    answer(
        &mut s,
        id,
        Ok(accelerators_page(&[
            ("c", AcceleratorStatus::Deployed),
            ("new", AcceleratorStatus::InProgress),
            ("a", AcceleratorStatus::Deployed),
            ("b", AcceleratorStatus::Deployed),
        ])),
    );
    let Screen::Accelerators(p) = s.top() else {
        panic!()
    };
    assert_eq!(p.selected().unwrap().name, "c");
    assert!(p.changed.contains_key(&format!("{ACC}new")));
}

fn mapping(port: u16, traffic: TrafficState) -> DestinationPortMapping {
    DestinationPortMapping {
        accelerator_arn: ACC.into(),
        accelerator_sockets: vec![SocketAddress {
            ip: "75.2.0.1".into(),
            port: 40_000 + port,
        }],
        endpoint_group_arn: GROUP.into(),
        endpoint_id: "subnet-0a1b2c3d".into(),
        endpoint_group_region: "eu-west-1".into(),
        destination: SocketAddress {
            ip: "10.0.3.17".into(),
            port,
        },
        ip_address_type: None,
        traffic,
    }
}

fn browser_state(read_only: bool) -> State {
    let group = EndpointGroup {
        arn: GROUP.into(),
        region: "eu-west-1".into(),
        destinations: vec![],
        endpoints: vec!["subnet-0a1b2c3d".into()],
    };
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.read_only = read_only;
    s.screens
        .push(Screen::Browser(Box::new(Browser::by_destination(
            &group,
            None,
            Default::default(),
            100,
        ))));
    for c in "10.0.3.17".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    let (id, _) = calls(&key(&mut s, KeyCode::Enter))[0].clone();
    answer(
        &mut s,
        id,
        Ok(Reply::DestinationMappings(Page {
            items: (7000..7005)
                .map(|p| mapping(p, TrafficState::Allow))
                .collect(),
            next_token: None,
        })),
    );
    key(&mut s, KeyCode::Char('j'));
    s
}

#[test]
fn deny_starts_at_the_socket_tab_widens_and_y_sends_it() {
    let mut s = browser_state(false);
    assert!(
        key(&mut s, KeyCode::Char('D')).is_empty(),
        "nothing before y"
    );
    let scope = |s: &State| match s.confirm().unwrap().chosen() {
        Mutation::Traffic {
            change,
            allow: false,
        } => change.scope.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        scope(&s),
        TrafficScope::Destinations {
            addresses: vec!["10.0.3.17".into()],
            ports: vec![7001]
        }
    );
    key(&mut s, KeyCode::Tab);
    assert_eq!(
        scope(&s),
        TrafficScope::Destinations {
            addresses: vec!["10.0.3.17".into()],
            ports: vec![]
        }
    );
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    assert_eq!(
        scope(&s),
        TrafficScope::WholeEndpoint,
        "stops at the widest"
    );
    key(&mut s, KeyCode::BackTab);
    key(&mut s, KeyCode::BackTab);
    // The dialog owns the keys: j does not move the rows underneath.
    key(&mut s, KeyCode::Char('j'));
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    assert_eq!(b.selected(), 1);
    let effects = key(&mut s, KeyCode::Char('y'));
    let (id, call) = calls(&effects)[0].clone();
    assert_eq!(
        call,
        Call::DenyTraffic(TrafficChange {
            endpoint_group_arn: GROUP.into(),
            endpoint_id: "subnet-0a1b2c3d".into(),
            scope: TrafficScope::Destinations {
                addresses: vec!["10.0.3.17".into()],
                ports: vec![7001]
            }
        })
    );
    assert!(s.busy());
    // Applied: the browser re-reads and the accelerator is followed.
    let effects = answer(&mut s, id, Ok(Reply::Done));
    assert!(s.confirm().is_none());
    let reread = calls(&effects);
    assert!(
        reread
            .iter()
            .any(|(_, c)| matches!(c, Call::ListMappingsByDestination { .. })),
        "{reread:?}"
    );
    assert_eq!(s.follow.as_ref().unwrap().arn, ACC);
    let (reread_id, _) = reread[0].clone();
    let mut items: Vec<_> = (7000..7005)
        .map(|p| mapping(p, TrafficState::Allow))
        .collect();
    items[1].traffic = TrafficState::Deny;
    answer(
        &mut s,
        reread_id,
        Ok(Reply::DestinationMappings(Page {
            items,
            next_token: None,
        })),
    );
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    let row = b.table().get(b.selected_row().unwrap()).unwrap();
    assert_eq!(
        (row.destination_port, row.traffic),
        (7001, TrafficState::Deny)
    );
    assert_eq!(b.list.changed.len(), 1, "the flipped row is marked");

    // The follow polls the accelerator until it is DEPLOYED.
    let (id, call) = calls(&tick(&mut s, 1))[0].clone();
    assert_eq!(call, Call::DescribeAccelerator { arn: ACC.into() });
    answer(
        &mut s,
        id,
        Ok(Reply::Accelerator(accelerator(
            "",
            AcceleratorStatus::InProgress,
        ))),
    );
    assert!(calls(&tick(&mut s, 1)).is_empty(), "polls every 2 s");
    let (id, _) = calls(&tick(&mut s, 1))[0].clone();
    answer(
        &mut s,
        id,
        Ok(Reply::Accelerator(accelerator(
            "",
            AcceleratorStatus::Deployed,
        ))),
    );
    assert!(s.follow.is_none());
    assert!(s.message.as_ref().unwrap().text.contains("DEPLOYED"));
}

#[test]
fn n_and_esc_cancel_without_a_call() {
    for cancel in [KeyCode::Char('n'), KeyCode::Esc] {
        let mut s = browser_state(false);
        key(&mut s, KeyCode::Char('A'));
        assert!(s.confirm().is_some());
        assert!(key(&mut s, cancel).is_empty());
        assert!(s.confirm().is_none());
        assert_eq!(s.screens.len(), 2, "Esc closed the dialog, not the browser");
    }
}

#[test]
fn a_failed_change_stays_in_the_dialog() {
    let mut s = browser_state(false);
    key(&mut s, KeyCode::Char('D'));
    let (id, _) = calls(&key(&mut s, KeyCode::Char('y')))[0].clone();
    answer(
        &mut s,
        id,
        Err(ApiError::AccessDenied("not allowed".into())),
    );
    let confirm = s.confirm().unwrap();
    assert!(confirm.error.as_deref().unwrap().contains("not allowed"));
    assert!(confirm.pending.is_none());
    assert!(s.follow.is_none());
}

#[test]
fn read_only_refuses_every_change_before_any_call() {
    let mut s = browser_state(true);
    for code in [KeyCode::Char('A'), KeyCode::Char('D')] {
        assert!(key(&mut s, code).is_empty());
        assert!(s.confirm().is_none());
        assert!(s.message.as_ref().unwrap().text.contains("--read-only"));
    }
}
