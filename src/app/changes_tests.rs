//! `update` tests of undo (`u`) and of bulk changes in the browser (`b`, `B`).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::changes::{ChangeJob, ChangeResult, Journaled};
use crate::app::overlays::bulk::{BulkSource, Stage};
use crate::app::screens::browser::Browser;
use crate::app::{Action, Context, Effect, Overlay, READ_ONLY, Reply, Screen, State, update};
use crate::model::bulk::{Target, plan};
use crate::model::{
    Accelerator, DestinationConfig, EndpointGroup, Page, PortMapping, PortRange, ProtocolSet,
    SocketAddress, TrafficScope, TrafficState,
};

const ACC: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1";
const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn state() -> State {
    State::new(
        Context {
            profile: "prod".into(),
            ..Context::default()
        },
        (100, 30),
        Instant::now(),
    )
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn message(s: &State) -> (String, bool) {
    let m = s.message.as_ref().expect("a message");
    (m.text.clone(), m.error)
}

fn journaled(what: &str, undo: Result<&str, &str>) -> Journaled {
    Journaled {
        entry: Ok("20260102T030405Z-ab12cd34".into()),
        what: what.into(),
        changed: true,
        undo: undo.map(str::to_string).map_err(str::to_string),
        profile: Some("prod".into()),
    }
}

const DENY: &str = "Deny traffic to 10.0.0.4:7000 in subnet subnet-a, endpoint group g1";
const RESTORE: &str = "restore the prior traffic state of 1 socket: allow 10.0.0.4:7000 again";

#[test]
fn nothing_to_undo_is_said_and_opens_nothing() {
    let mut s = state();
    assert!(key(&mut s, KeyCode::Char('u')).is_empty());
    assert!(s.overlay.is_none());
    let (text, error) = message(&s);
    assert!(text.starts_with("nothing to undo"), "{text}");
    assert!(!error);
    // A change that failed at once changed nothing: still nothing to undo.
    let mut failed = journaled(DENY, Err("it changed nothing"));
    failed.changed = false;
    update(&mut s, Action::Journaled(failed));
    key(&mut s, KeyCode::Char('u'));
    assert!(s.overlay.is_none());
    assert!(message(&s).0.starts_with("nothing to undo"));
}

#[test]
fn undo_confirms_naming_the_change_then_runs_and_rereads() {
    let mut s = state();
    update(&mut s, Action::Journaled(journaled(DENY, Ok(RESTORE))));
    assert!(s.messages.entries().any(|e| e.text.contains("ab12cd34")));
    assert!(key(&mut s, KeyCode::Char('u')).is_empty(), "asks first");
    let Some(Overlay::Undo(undo)) = &s.overlay else {
        panic!("{:?}", s.overlay);
    };
    assert_eq!(undo.change.what, DENY);
    assert_eq!(undo.words, RESTORE);
    // n keeps it.
    key(&mut s, KeyCode::Char('n'));
    assert!(s.overlay.is_none());
    key(&mut s, KeyCode::Char('u'));
    let effects = key(&mut s, KeyCode::Char('y'));
    let [Effect::Change { id, job }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        *job,
        ChangeJob::Undo {
            entry: "20260102T030405Z-ab12cd34".into()
        }
    );
    assert!(s.overlay.is_none());
    assert!(s.busy());
    // While it runs, neither another undo nor a quit starts.
    assert!(key(&mut s, KeyCode::Char('u')).is_empty());
    assert!(message(&s).0.contains("still making"), "{:?}", s.message);
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.quit);
    update(
        &mut s,
        Action::ChangeProgress {
            id: *id,
            done: 1,
            total: 2,
        },
    );
    assert_eq!(s.changes.running.as_ref().unwrap().done, 1);
    let effects = update(
        &mut s,
        Action::ChangeDone {
            id: *id,
            result: ChangeResult {
                summary: "undo: done (2 calls)".into(),
                complete: true,
                accelerator: Some(ACC.into()),
            },
        },
    );
    assert!(s.changes.running.is_none());
    assert_eq!(message(&s), ("undo: done (2 calls)".into(), false));
    assert!(s.follow.is_some(), "the accelerator is followed");
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Call {
                call: crate::app::Call::ListAccelerators { .. },
                ..
            }
        )),
        "the screen is read again: {effects:?}"
    );
    // The undo is itself a change: u offers to undo it.
    update(
        &mut s,
        Action::Journaled(journaled(
            "undo 20260102T030405Z-ab12cd34: …",
            Ok("put back the traffic 20260102T030405Z-ab12cd34 changed"),
        )),
    );
    key(&mut s, KeyCode::Char('u'));
    assert!(matches!(&s.overlay, Some(Overlay::Undo(u)) if u.words.starts_with("put back")));
}

#[test]
fn a_failed_run_is_an_error_that_stays() {
    let mut s = state();
    update(&mut s, Action::Journaled(journaled(DENY, Ok(RESTORE))));
    key(&mut s, KeyCode::Char('u'));
    let effects = key(&mut s, KeyCode::Char('y'));
    let Some(Effect::Change { id, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    let summary = "undo: 1 of 2 calls applied, 0 not made; call 2 failed: throttled";
    update(
        &mut s,
        Action::ChangeDone {
            id: *id,
            result: ChangeResult {
                summary: summary.into(),
                complete: false,
                accelerator: None,
            },
        },
    );
    assert_eq!(message(&s), (summary.into(), true));
    assert!(s.messages.entries().any(|e| e.text == summary && e.error));
}

#[test]
fn what_cannot_be_undone_says_why() {
    let mut s = state();
    update(
        &mut s,
        Action::Journaled(journaled(
            "delete endpoint group g1",
            Err("x: DeleteCustomRoutingEndpointGroup cannot be undone from portolan"),
        )),
    );
    key(&mut s, KeyCode::Char('u'));
    assert!(s.overlay.is_none());
    let (text, error) = message(&s);
    assert!(text.contains("cannot be undone from portolan"), "{text}");
    assert!(error);

    // A change the journal could not keep: said when it happens, and again at u.
    let mut lost = journaled(DENY, Err("it was not journaled (disk full)"));
    lost.entry = Err("disk full".into());
    update(&mut s, Action::Journaled(lost));
    let (text, error) = message(&s);
    assert!(text.contains("not journaled (disk full)"), "{text}");
    assert!(error);
    key(&mut s, KeyCode::Char('u'));
    assert!(s.overlay.is_none());
    assert!(message(&s).0.contains("was not journaled"));

    // Made with another profile, before a switch: not undone with this one.
    let mut other = journaled(DENY, Ok(RESTORE));
    other.profile = Some("staging".into());
    update(&mut s, Action::Journaled(other));
    key(&mut s, KeyCode::Char('u'));
    assert!(s.overlay.is_none());
    assert!(message(&s).0.contains("profile staging"), "{:?}", s.message);
}

#[test]
fn read_only_refuses_undo_and_bulk_before_anything() {
    let mut s = state();
    s.read_only = true;
    update(&mut s, Action::Journaled(journaled(DENY, Ok(RESTORE))));
    assert!(key(&mut s, KeyCode::Char('u')).is_empty());
    assert!(s.overlay.is_none());
    assert_eq!(message(&s), (READ_ONLY.into(), true));

    let mut s = loaded_browser(state_read_only());
    for c in ['b', 'B'] {
        s.message = None;
        assert!(key(&mut s, KeyCode::Char(c)).is_empty());
        assert!(s.overlay.is_none(), "{c}");
        assert_eq!(message(&s), (READ_ONLY.into(), true));
    }
    let hints = crate::app::hints(&s);
    assert!(!hints.iter().any(|h| h.action == "bulk"), "{hints:?}");
}

fn state_read_only() -> State {
    let mut s = state();
    s.read_only = true;
    s
}

fn accelerator() -> Accelerator {
    crate::app::fixtures::accelerator(&["75.2.0.1"])
}

fn group() -> EndpointGroup {
    EndpointGroup {
        arn: GROUP.into(),
        region: "eu-west-1".into(),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7002).unwrap(),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: vec!["subnet-a".into(), "subnet-b".into()],
    }
}

/// 10.0.0.4–10.0.0.13 at ports 7000–7002 in subnet-a, and 10.0.1.4 at 7000 in subnet-b.
fn mappings() -> Vec<PortMapping> {
    let mut out = Vec::new();
    let mut port = 10_000;
    let mut row = |subnet: &str, ip: String, dest: u16| {
        port += 1;
        out.push(PortMapping {
            accelerator_port: port,
            endpoint_group_arn: GROUP.into(),
            endpoint_id: subnet.into(),
            destination: SocketAddress { ip, port: dest },
            protocols: ProtocolSet::UDP,
            traffic: TrafficState::Allow,
        });
    };
    for host in 4..14 {
        for dest in 7000..7003 {
            row("subnet-a", format!("10.0.0.{host}"), dest);
        }
    }
    row("subnet-b", "10.0.1.4".into(), 7000);
    out
}

/// An accelerator browser with the rows of `mappings` loaded and `more` pages to come.
fn loaded_browser_with(mut s: State, more: bool) -> State {
    let b = Browser::of_accelerator(&accelerator(), None, Default::default(), 1000);
    let effects = s.push(Screen::Browser(Box::new(b)));
    let Some(Effect::Call { id, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    update(
        &mut s,
        Action::Reply {
            id: *id,
            result: Ok(Reply::PortMappings(Page {
                items: mappings(),
                next_token: more.then(|| "p2".to_string()),
            })),
        },
    );
    s
}

fn loaded_browser(s: State) -> State {
    loaded_browser_with(s, false)
}

fn filter(s: &mut State, text: &str) {
    key(s, KeyCode::Char('/'));
    typed(s, text);
    key(s, KeyCode::Enter);
    while crate::app::screens::with_list!(s.top(), |l| l.filter_progress().is_some())
        .unwrap_or(false)
    {
        update(s, Action::Tick);
    }
}

fn bulk(s: &State) -> &crate::app::overlays::bulk::Bulk {
    match &s.overlay {
        Some(Overlay::Bulk(b)) => b,
        other => panic!("{other:?}"),
    }
}

#[test]
fn bulk_on_a_filter_counts_what_it_shows_then_asks_allow_or_deny_then_yes() {
    let mut s = loaded_browser_with(state(), true);
    filter(&mut s, "10.0.0.1");
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    assert_eq!(b.view_len(), 12, "10.0.0.10–13 at three ports");
    assert!(key(&mut s, KeyCode::Char('b')).is_empty());
    let dialog = bulk(&s);
    assert_eq!(dialog.source, BulkSource::Filter);
    assert_eq!(dialog.stage(), Stage::Planned);
    let planned = dialog.planned.as_ref().unwrap();
    assert_eq!(
        planned.counts(),
        "12 sockets, 4 addresses, 1 subnet, 1 call",
        "four addresses asking the same three ports share one call"
    );
    assert_eq!(
        planned.from,
        "the 12 rows the filter \"10.0.0.1\" shows, of 31 loaded (more pages not loaded: only loaded rows count)"
    );
    let expected = plan(
        &(10..14)
            .flat_map(|h| {
                (7000..7003).map(move |p| Target {
                    group: GROUP.into(),
                    subnet: "subnet-a".into(),
                    ip: format!("10.0.0.{h}").parse().unwrap(),
                    port: Some(p),
                })
            })
            .collect::<Vec<_>>(),
    );
    assert_eq!(planned.plan, expected);
    // Nothing is sent before the verb and the y.
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
    assert!(key(&mut s, KeyCode::Char('d')).is_empty());
    assert_eq!(bulk(&s).stage(), Stage::Confirm { allow: false });
    key(&mut s, KeyCode::Esc);
    assert_eq!(bulk(&s).stage(), Stage::Planned, "Esc goes back a step");
    key(&mut s, KeyCode::Char('d'));
    let effects = key(&mut s, KeyCode::Char('y'));
    let [Effect::Change { id, job }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let ChangeJob::Traffic {
        allow,
        what,
        label,
        changes,
    } = job
    else {
        panic!("{job:?}")
    };
    assert!(!allow);
    assert_eq!(label, "deny 12 sockets");
    assert_eq!(*changes, expected.changes);
    assert!(what.starts_with("deny 12 sockets, 4 addresses, 1 subnet, 1 call: the 12 rows"));
    assert!(s.overlay.is_none());
    let running = s.changes.running.as_ref().unwrap();
    assert_eq!(
        (running.id, running.what.as_str()),
        (*id, "deny 12 sockets")
    );
    update(
        &mut s,
        Action::ChangeProgress {
            id: *id,
            done: 0,
            total: 1,
        },
    );
    let screen = render(&s);
    assert!(screen.contains("deny 12 sockets: 0/1 calls"), "{screen}");
}

fn render(s: &State) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| crate::ui::render(s, f)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn bulk_needs_rows_shown_and_the_browser() {
    let mut s = state();
    key(&mut s, KeyCode::Char('b'));
    assert!(s.overlay.is_none());
    assert!(message(&s).0.contains("mapping browser"));
    let mut s = loaded_browser(state());
    filter(&mut s, "192.168.");
    key(&mut s, KeyCode::Char('b'));
    assert!(s.overlay.is_none());
    assert!(message(&s).0.contains("no row is shown"));
    // Without a filter it is every loaded row, and says so.
    let mut s = loaded_browser(state());
    key(&mut s, KeyCode::Char('b'));
    let planned = bulk(&s).planned.clone().unwrap();
    assert_eq!(planned.from, "all 31 loaded rows (no filter)");
    assert_eq!(planned.plan.subnets, 2);
}

#[test]
fn a_pasted_list_that_does_not_read_keeps_the_text_and_names_the_line() {
    let mut s = loaded_browser(state());
    key(&mut s, KeyCode::Char('B'));
    assert_eq!(bulk(&s).stage(), Stage::Editing);
    let pasted = "10.0.0.4:7000\n10.0.0.5:7001 bogus\n10.0.0.6:99999";
    update(&mut s, Action::Paste(pasted.into()));
    assert_eq!(bulk(&s).text, pasted, "lines are kept");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let dialog = bulk(&s);
    assert_eq!(dialog.stage(), Stage::Editing);
    assert_eq!(dialog.text, pasted, "what was pasted stays for a fix");
    let error = dialog.error.as_deref().unwrap();
    assert!(
        error.contains("line 2") && error.contains("line 3"),
        "{error}"
    );
    // `q`, `a` and `d` are text here, not commands.
    typed(&mut s, "qad");
    assert!(!s.quit);
    assert!(bulk(&s).text.ends_with("qad"));
    assert!(bulk(&s).error.is_none(), "typing clears the error");
    // An empty list says so.
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    assert_eq!(bulk(&s).text, "");
    key(&mut s, KeyCode::Enter);
    assert!(bulk(&s).error.as_deref().unwrap().contains("no IP:PORT"));
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

#[test]
fn a_pasted_list_is_found_in_the_loaded_rows_and_what_is_not_is_named() {
    let mut s = loaded_browser(state());
    key(&mut s, KeyCode::Char('B'));
    update(
        &mut s,
        // As a terminal pastes it: lines end in CR.
        Action::Paste("10.0.0.4:7000, 10.0.1.4 # ticket 42\r10.0.0.4:7999 10.9.9.9".into()),
    );
    key(&mut s, KeyCode::Enter);
    let dialog = bulk(&s);
    assert_eq!(dialog.stage(), Stage::Planned, "{:?}", dialog.error);
    let planned = dialog.planned.as_ref().unwrap();
    assert_eq!(planned.not_found, vec!["10.0.0.4:7999", "10.9.9.9"]);
    assert_eq!(
        planned.counts(),
        "1 socket and every port of 1 address, 2 addresses, 2 subnets, 2 calls"
    );
    assert_eq!(
        planned.from,
        "a pasted list, found among the 31 loaded rows"
    );
    let ports: Vec<(String, Vec<u16>)> = planned
        .plan
        .changes
        .iter()
        .map(|c| match &c.scope {
            TrafficScope::Destinations { ports, .. } => (c.endpoint_id.clone(), ports.clone()),
            TrafficScope::WholeEndpoint => panic!("never the whole subnet"),
        })
        .collect();
    assert_eq!(
        ports,
        vec![("subnet-a".into(), vec![7000]), ("subnet-b".into(), vec![])]
    );
    // Esc goes back to the list as it was.
    key(&mut s, KeyCode::Esc);
    assert_eq!(bulk(&s).stage(), Stage::Editing);
    assert!(bulk(&s).text.contains("ticket 42"));
    // Nothing found at all is an error, not an empty change.
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(&mut s, Action::Paste("10.9.9.9:7000".into()));
    key(&mut s, KeyCode::Enter);
    assert_eq!(bulk(&s).stage(), Stage::Editing);
    assert!(bulk(&s).error.as_deref().unwrap().contains("10.9.9.9:7000"));
}

#[test]
fn a_pasted_list_in_a_by_destination_browser_is_changed_in_its_subnet_and_group() {
    let mut s = state();
    let b = Browser::by_destination(&group(), Some("subnet-b"), Default::default(), 1000);
    s.push(Screen::Browser(Box::new(b)));
    typed(&mut s, "10.0.1.4");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('B'));
    update(
        &mut s,
        Action::Paste("10.0.1.5 10.0.1.6:7001 10.0.1.6:8080".into()),
    );
    key(&mut s, KeyCode::Enter);
    let planned = bulk(&s).planned.clone().expect("planned");
    assert_eq!(
        planned.not_found,
        vec!["10.0.1.6:8080 (not a destination port of the group)"]
    );
    assert!(
        planned.from.contains("subnet subnet-b of group g1"),
        "{}",
        planned.from
    );
    assert!(
        planned
            .plan
            .changes
            .iter()
            .all(|c| c.endpoint_id == "subnet-b" && c.endpoint_group_arn == GROUP)
    );
    assert_eq!(planned.plan.sockets, 2);
    // a allows, and the last question says so.
    key(&mut s, KeyCode::Char('a'));
    assert_eq!(bulk(&s).stage(), Stage::Confirm { allow: true });
    assert!(render(&s).contains("Allow traffic to these sockets?"));
}
