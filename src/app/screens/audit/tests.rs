//! `update` tests of the audit view: opening runs the audit, its answer becomes rows, `D` /
//! `A` make a row's fix through the confirmation, the wrong key and read-only refuse, the
//! join off asks nothing, Esc stops a running audit, `r` runs it again.

use std::net::Ipv4Addr;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::call::{Call, Reply};
use crate::app::list::Row;
use crate::app::overlays::Overlay;
use crate::app::{Action, Context, READ_ONLY, update};
use crate::model::audit::{AcceleratorRef, Fix, InstanceRef, Ports, Problem};
use crate::model::ec2::{Holding, InstanceState};
use crate::model::{TrafficChange, TrafficScope};

const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn state() -> State {
    State::new(Context::default(), (100, 30), Instant::now())
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The audit's key (Ctrl-A), from any screen.
fn ctrl_a(s: &mut State) -> Vec<Effect> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL)),
    )
}

fn change(subnet: &str, scope: TrafficScope) -> TrafficChange {
    TrafficChange {
        endpoint_group_arn: GROUP.into(),
        endpoint_id: subnet.into(),
        scope,
    }
}

fn finding(problem: Problem, subnet: &str, fix: Fix) -> Finding {
    Finding {
        problem,
        accelerator: AcceleratorRef {
            arn: "arn:aws:globalaccelerator::111122223333:accelerator/a1".into(),
            name: "game-eu-central".into(),
        },
        endpoint_group_arn: GROUP.into(),
        region: "eu-central-1".into(),
        subnet: subnet.into(),
        fix,
    }
}

fn one_address(ip: &str) -> TrafficScope {
    TrafficScope::Destinations {
        addresses: vec![ip.into()],
        ports: Vec::new(),
    }
}

/// One finding of each kind, in the order the audit gives them.
pub fn report() -> AuditReport {
    let instance = |id: &str, name: &str| InstanceRef {
        id: id.into(),
        name: Some(name.into()),
        state: InstanceState::Running,
    };
    AuditReport {
        findings: vec![
            finding(
                Problem::Exposed {
                    address: Ipv4Addr::new(10, 48, 0, 9),
                    allowed: Ports::new((7777..=7786).collect()),
                    denied: Ports::default(),
                },
                "subnet-0a00000000000001a",
                Fix::Deny(change("subnet-0a00000000000001a", one_address("10.48.0.9"))),
            ),
            finding(
                Problem::DenyingSubnet {
                    instances: vec![
                        instance("i-0aaaaaaaaaaaaaaa1", "game-01"),
                        instance("i-0aaaaaaaaaaaaaaa2", "game-02"),
                    ],
                    addresses: 2,
                },
                "subnet-0b00000000000002b",
                Fix::Allow(change(
                    "subnet-0b00000000000002b",
                    TrafficScope::WholeEndpoint,
                )),
            ),
            finding(
                Problem::DeniedPorts {
                    address: Ipv4Addr::new(10, 48, 0, 126),
                    instance: instance("i-0b2e7b73eb197249e", "game-eu-central-01-028"),
                    interface_id: "eni-0123456789abcdef0".into(),
                    holding: Holding::Primary,
                    denied: Ports::new((7777..=7786).collect()),
                    allowed: Ports::default(),
                },
                "subnet-0a00000000000001a",
                Fix::Allow(change(
                    "subnet-0a00000000000001a",
                    one_address("10.48.0.126"),
                )),
            ),
        ],
        checked: Checked {
            accelerators: 2,
            groups: 3,
            subnets: 4,
            destinations: 500,
            instances: 40,
            mappings: 5000,
        },
    }
}

/// The audit asked for by `effects`.
fn audit_id(effects: &[Effect]) -> RequestId {
    let ids: Vec<RequestId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 1, "one audit: {effects:?}");
    ids[0]
}

fn view(s: &State) -> &AuditView {
    match s.top() {
        Screen::Audit(v) => v,
        other => panic!("not the audit view: {}", other.crumb()),
    }
}

/// The view open with the made-up report's rows.
fn audited() -> State {
    let mut s = state();
    let id = audit_id(&ctrl_a(&mut s));
    update(
        &mut s,
        Action::Audited {
            id,
            result: Ok(report()),
        },
    );
    s
}

fn message(s: &State) -> String {
    s.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn ctrl_a_opens_the_audit_view_and_runs_the_audit() {
    let mut s = state();
    let effects = ctrl_a(&mut s);
    let id = audit_id(&effects);
    assert_eq!(s.top().crumb(), "audit");
    assert_eq!(view(&s).running(), Some(id));
    assert!(s.busy(), "a running audit turns the spinner");
    update(
        &mut s,
        Action::AuditProgress {
            id,
            progress: AuditProgress {
                mappings: 2000,
                chains_done: 1,
                chains: 3,
                asking_ec2: false,
            },
        },
    );
    assert!(matches!(
        view(&s).run,
        Run::Running {
            progress: AuditProgress { mappings: 2000, .. },
            ..
        }
    ));
}

#[test]
fn the_report_becomes_one_row_per_finding() {
    let s = audited();
    let v = view(&s);
    assert_eq!(v.run, Run::Done);
    assert_eq!(v.list.rows().len(), 3);
    assert_eq!(
        v.counts().map(|(_, n)| n),
        [1, 1, 1],
        "one finding of each kind"
    );
    assert_eq!(
        message(&s),
        "audit: 1 exposed, 1 denying subnet, 1 with denied ports"
    );
    let cells = v.list.rows()[1].cells();
    assert_eq!(cells[0], "denying-subnet");
    assert_eq!(cells[6], "2 live");
    assert_eq!(v.list.rows()[0].cells()[8], "7777-7786");
    assert!(!s.busy());
}

#[test]
fn d_on_an_exposed_address_denies_it_through_the_confirmation() {
    let mut s = audited();
    assert!(key(&mut s, KeyCode::Char('D')).is_empty());
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        panic!("D asks first: {:?}", s.overlay);
    };
    let deny = change("subnet-0a00000000000001a", one_address("10.48.0.9"));
    assert_eq!(
        c.options,
        vec![Mutation::Traffic {
            allow: false,
            change: deny.clone()
        }],
        "the fix and only the fix is offered"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    let (id, call) = match effects.as_slice() {
        [Effect::Call { id, call }] => (*id, call.clone()),
        other => panic!("one call: {other:?}"),
    };
    assert_eq!(call, Call::DenyTraffic(deny));
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Done),
        },
    );
    assert!(s.overlay.is_none());
    let row = &view(&s).list.rows()[0];
    assert!(row.done, "the row is marked done");
    assert!(row.cells()[9].starts_with("✓ denied"), "{:?}", row.cells());
    assert!(view(&s).list.changed.contains_key(&row.id));
    assert!(
        !view(&s).list.rows()[2].done,
        "other rows stay as they were"
    );
    // Once done, the key says so instead of asking again.
    key(&mut s, KeyCode::Char('D'));
    assert!(s.overlay.is_none());
    assert!(message(&s).contains("already denied"), "{}", message(&s));
}

#[test]
fn a_on_a_denying_subnet_allows_all_its_traffic() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('A'));
    let effects = key(&mut s, KeyCode::Char('y'));
    let calls: Vec<&Call> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { call, .. } => Some(call),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        vec![&Call::AllowTraffic(change(
            "subnet-0b00000000000002b",
            TrafficScope::WholeEndpoint
        ))]
    );
}

#[test]
fn a_on_denied_ports_allows_the_address() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Char('A'));
    let Some(Overlay::Confirm(c)) = &s.overlay else {
        panic!("A asks first");
    };
    assert_eq!(c.options.len(), 1);
    assert_eq!(
        c.chosen().call(),
        Call::AllowTraffic(change(
            "subnet-0a00000000000001a",
            one_address("10.48.0.126")
        ))
    );
}

#[test]
fn the_key_that_is_not_the_fix_is_refused_with_the_right_one_named() {
    let mut s = audited();
    assert!(key(&mut s, KeyCode::Char('A')).is_empty());
    assert!(s.overlay.is_none(), "nothing is offered");
    let said = message(&s);
    assert!(
        said.contains("A does not fix this") && said.contains("denying (D)"),
        "{said}"
    );
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('D'));
    assert!(s.overlay.is_none());
    assert!(message(&s).contains("allowing (A)"), "{}", message(&s));
}

#[test]
fn read_only_refuses_before_the_confirmation() {
    let mut s = audited();
    s.read_only = true;
    assert!(key(&mut s, KeyCode::Char('D')).is_empty());
    assert!(s.overlay.is_none());
    assert_eq!(message(&s), READ_ONLY);
    assert!(
        !hints(&s, view(&s)).iter().any(|h| h.keys == "D"),
        "no fix is offered read-only"
    );
}

#[test]
fn with_the_join_off_nothing_is_asked_and_the_view_says_why() {
    let mut s = state();
    s.join = crate::app::join::Join::off();
    let effects = ctrl_a(&mut s);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Audit { .. })),
        "{effects:?}"
    );
    assert_eq!(view(&s).run, Run::NeedsEc2);
    assert!(message(&s).contains("needs EC2"), "{}", message(&s));
    // `r` asks nothing either.
    let effects = key(&mut s, KeyCode::Char('r'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Audit { .. })));
}

#[test]
fn esc_stops_a_running_audit_and_its_late_answer_is_dropped() {
    let mut s = state();
    let id = audit_id(&ctrl_a(&mut s));
    let effects = key(&mut s, KeyCode::Esc);
    assert!(effects.contains(&Effect::Cancel(id)), "{effects:?}");
    assert_eq!(s.top().crumb(), "accelerators");
    update(
        &mut s,
        Action::Audited {
            id,
            result: Ok(report()),
        },
    );
    assert_eq!(s.screens.len(), 1);
}

#[test]
fn r_runs_it_again_and_keeps_the_cursor_on_its_finding() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('G'));
    let first = audit_id(&key(&mut s, KeyCode::Char('r')));
    assert_eq!(view(&s).list.rows().len(), 3, "the rows stay meanwhile");
    // Again while running: the first is stopped.
    let effects = key(&mut s, KeyCode::Char('r'));
    let second = audit_id(&effects);
    assert!(effects.contains(&Effect::Cancel(first)));
    update(
        &mut s,
        Action::Audited {
            id: first,
            result: Ok(AuditReport {
                findings: Vec::new(),
                checked: Checked::default(),
            }),
        },
    );
    assert_eq!(
        view(&s).list.rows().len(),
        3,
        "a stopped audit's answer is dropped"
    );
    let mut fixed = report();
    fixed.findings.remove(0);
    update(
        &mut s,
        Action::Audited {
            id: second,
            result: Ok(fixed),
        },
    );
    let v = view(&s);
    assert_eq!(v.list.rows().len(), 2);
    assert_eq!(
        v.list.selected().map(|r| r.finding.kind()),
        Some(Kind::DeniedPorts),
        "the cursor stays on its finding"
    );
}

#[test]
fn a_refused_permission_is_named() {
    let mut s = state();
    let id = audit_id(&ctrl_a(&mut s));
    update(
        &mut s,
        Action::Audited {
            id,
            result: Err(AuditFailure {
                message: "the audit needs EC2 to see what holds each address, and EC2 in eu-central-1 said: EC2 permissions missing: ec2:DescribeNetworkInterfaces".into(),
                permission: Some("ec2:DescribeNetworkInterfaces".into()),
            }),
        },
    );
    let v = view(&s);
    assert!(matches!(&v.run, Run::Failed(f) if f.permission.is_some()));
    let m = s.message.as_ref().unwrap();
    assert!(
        m.error && m.text.contains("ec2:DescribeNetworkInterfaces"),
        "{m:?}"
    );
}

#[test]
fn ctrl_a_elsewhere_goes_back_to_the_audit_as_it_was() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('W'));
    assert_eq!(s.top().crumb(), "watch");
    let effects = ctrl_a(&mut s);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Audit { .. })));
    assert_eq!(view(&s).list.rows().len(), 3);
}

#[test]
fn the_hints_offer_only_the_fix_of_the_selected_finding() {
    let mut s = audited();
    let keys =
        |s: &State| -> Vec<String> { hints(s, view(s)).into_iter().map(|h| h.keys).collect() };
    assert!(keys(&s).contains(&"D".to_string()));
    assert!(!keys(&s).contains(&"A".to_string()));
    key(&mut s, KeyCode::Char('j'));
    assert!(keys(&s).contains(&"A".to_string()));
    assert!(!keys(&s).contains(&"D".to_string()));
}

#[test]
fn the_filter_narrows_the_findings() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('/'));
    for c in "denied-ports".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    key(&mut s, KeyCode::Enter);
    assert_eq!(view(&s).list.visible_len(), 1);
    // D on the one row left: its fix is allow.
    key(&mut s, KeyCode::Char('D'));
    assert!(message(&s).contains("allowing (A)"), "{}", message(&s));
}
