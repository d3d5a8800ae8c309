//! `update` tests of watching: pins from the browser, the lookup and the prompt, rounds on
//! any screen, what a change does, and the pins file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::PinFile;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::list::Row;
use crate::app::screens::browser::Browser;
use crate::app::screens::watch::WatchView;
use crate::app::watch::WatchItem;
use crate::app::{Action, Context, Effect, Screen, State, update};
use crate::model::watch::{Pin, Presence, Round, Target, WatchRow};
use crate::model::{
    AcceleratorStatus, DestinationConfig, DestinationPortMapping, EndpointGroup, Page, PortRange,
    ProtocolSet, SocketAddress, TrafficState, WhoisAnswer,
};

const ACCOUNT: &str = "111122223333";
const SUBNET: &str = "subnet-0a00000000000001a";
const ACC: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1";
const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn state() -> State {
    State::new(Context::default(), (100, 30), Instant::now())
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(s, KeyCode::Char(c)))
        .collect()
}

fn reply(s: &mut State, id: RequestId, reply: Reply) -> Vec<Effect> {
    update(
        s,
        Action::Reply {
            id,
            result: Ok(reply),
        },
    )
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

/// The round the effects ask for: its id and targets.
fn round_call(effects: &[Effect]) -> (RequestId, Vec<Target>) {
    calls(effects)
        .into_iter()
        .find_map(|(id, c)| match c {
            Call::WatchRound { targets } => Some((id, targets)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no round in {effects:?}"))
}

fn tick_after(s: &mut State, d: Duration) -> Vec<Effect> {
    s.now += d;
    update(s, Action::Tick)
}

fn socket(ip: &str, port: u16) -> SocketAddress {
    SocketAddress {
        ip: ip.into(),
        port,
    }
}

/// The row a round reads for a destination socket pin, with `traffic`.
fn row_of(target: &Target, traffic: TrafficState, enabled: bool) -> WatchRow {
    WatchRow {
        accelerator_name: "game".into(),
        enabled: Some(enabled),
        status: Some(AcceleratorStatus::Deployed),
        region: "eu-west-1".into(),
        accelerator_sockets: vec![socket("75.2.0.1", 10_001)],
        traffic: Some(traffic),
        presence: Presence::Mapped,
        ..target.expected.clone().unwrap()
    }
}

fn round(rows: Vec<WatchRow>) -> Reply {
    Reply::WatchRound(Round {
        rows,
        failures: Vec::new(),
        throttled: false,
    })
}

fn mapping(port: u16) -> DestinationPortMapping {
    DestinationPortMapping {
        accelerator_arn: ACC.into(),
        accelerator_sockets: vec![socket("75.2.0.1", 10_000 + port)],
        endpoint_group_arn: GROUP.into(),
        endpoint_id: SUBNET.into(),
        endpoint_group_region: "eu-west-1".into(),
        destination: socket("10.0.1.4", 7000 + port),
        ip_address_type: None,
        traffic: TrafficState::Allow,
    }
}

/// A browser of 10.0.1.4 in the subnet with three rows, the second selected.
fn browsing() -> State {
    browsing_from(state())
}

fn browsing_from(mut s: State) -> State {
    let group = EndpointGroup {
        arn: GROUP.into(),
        region: "eu-west-1".into(),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7009).unwrap(),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: vec![SUBNET.into()],
    };
    let b = Browser::by_destination(&group, None, HashMap::new(), 1000);
    s.push(Screen::Browser(Box::new(b)));
    typed(&mut s, "10.0.1.4");
    let effects = key(&mut s, KeyCode::Enter);
    let (id, _) = calls(&effects)[0].clone();
    reply(
        &mut s,
        id,
        Reply::DestinationMappings(Page {
            items: (0..3).map(mapping).collect(),
            next_token: None,
        }),
    );
    key(&mut s, KeyCode::Char('j'));
    s
}

fn view(s: &State) -> &WatchView {
    s.screens
        .iter()
        .find_map(|screen| match screen {
            Screen::Watch(v) => Some(&**v),
            _ => None,
        })
        .expect("a watch view")
}

fn shown(s: &State) -> Vec<WatchItem> {
    view(s).list.visible().cloned().collect()
}

/// Pins the browser's selected row and answers its first round: ALLOW.
fn pinned_and_read() -> (State, Target) {
    let mut s = browsing();
    let effects = key(&mut s, KeyCode::Char('p'));
    let (id, targets) = round_call(&effects);
    let target = targets[0].clone();
    reply(
        &mut s,
        id,
        round(vec![row_of(&target, TrafficState::Allow, true)]),
    );
    (s, target)
}

#[test]
fn p_in_the_browser_pins_the_selected_rows_destination_socket_and_reads_it_at_once() {
    let mut s = browsing();
    let effects = key(&mut s, KeyCode::Char('p'));
    let (_, targets) = round_call(&effects);
    let expected = Target::destination_socket(GROUP, SUBNET, &socket("10.0.1.4", 7001));
    assert_eq!(targets, vec![expected.clone()]);
    assert_eq!(s.watch.pins.len(), 1);
    assert_eq!(s.watch.pins[0].pin, expected.pin);
    let m = s.message.as_ref().unwrap();
    assert!(m.text.contains("pinned 10.0.1.4:7001"), "{m:?}");
    // The browser stays on top; a second p on the same row pins nothing new.
    assert!(matches!(s.top(), Screen::Browser(_)));
    assert!(calls(&key(&mut s, KeyCode::Char('p'))).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("already"));
    assert_eq!(s.watch.pins.len(), 1);
}

#[test]
fn a_typed_pin_that_does_not_parse_keeps_the_text_and_says_why() {
    let mut s = state();
    key(&mut s, KeyCode::Char('W'));
    assert!(matches!(s.top(), Screen::Watch(_)));
    key(&mut s, KeyCode::Char('p'));
    typed(&mut s, "10.0.3.17 75.2.16.21:99999");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(calls(&effects).is_empty());
    let prompt = view(&s).prompt.as_ref().expect("the prompt stays open");
    assert_eq!(prompt.input.value(), "10.0.3.17 75.2.16.21:99999");
    assert!(
        prompt.error.as_ref().unwrap().contains("99999"),
        "{prompt:?}"
    );
    assert!(s.watch.pins.is_empty(), "all or nothing");
    // Fixed, both are pinned, and resolved in one call.
    for _ in 0..5 {
        key(&mut s, KeyCode::Backspace);
    }
    update(&mut s, Action::Paste("54442".into()));
    let effects = key(&mut s, KeyCode::Enter);
    assert!(view(&s).prompt.is_none());
    let resolving: Vec<Vec<Pin>> = calls(&effects)
        .into_iter()
        .filter_map(|(_, c)| match c {
            Call::ResolvePins { pins, .. } => Some(pins),
            _ => None,
        })
        .collect();
    assert_eq!(resolving.len(), 1, "one call for both: {effects:?}");
    assert_eq!(resolving[0].len(), 2);
    assert_eq!(s.watch.pins.len(), 2);
    assert_eq!(shown(&s)[0].cells()[2], "RESOLVING");
}

#[test]
fn a_pin_that_cannot_be_resolved_says_why_in_its_row_and_r_tries_again() {
    let mut s = state();
    key(&mut s, KeyCode::Char('W'));
    key(&mut s, KeyCode::Char('p'));
    typed(&mut s, "10.9.9.9");
    let effects = key(&mut s, KeyCode::Enter);
    let (id, _) = calls(&effects)[0].clone();
    reply(
        &mut s,
        id,
        Reply::PinsResolved(vec![Err("no subnet endpoint holds 10.9.9.9".into())]),
    );
    let row = &shown(&s)[0];
    assert_eq!(row.cells()[2], "FAILED");
    assert!(row.cells()[4].contains("no subnet endpoint"), "{row:?}");
    assert!(s.message.as_ref().unwrap().error);
    let again = key(&mut s, KeyCode::Char('r'));
    assert!(
        calls(&again)
            .iter()
            .any(|(_, c)| matches!(c, Call::ResolvePins { .. })),
        "{again:?}"
    );
}

#[test]
fn d_unpins_the_selected_pin_and_the_prompt_offers_it_again() {
    let (mut s, target) = pinned_and_read();
    key(&mut s, KeyCode::Char('W'));
    assert_eq!(shown(&s).len(), 1);
    let effects = key(&mut s, KeyCode::Char('d'));
    assert!(s.watch.pins.is_empty() && s.watch.rows.is_empty());
    assert!(shown(&s).is_empty());
    assert!(s.watch.next.is_none(), "nothing left to read");
    assert!(calls(&effects).is_empty());
    assert!(s.message.as_ref().unwrap().text.contains("unpinned"));
    key(&mut s, KeyCode::Char('p'));
    let prompt = view(&s).prompt.as_ref().unwrap();
    assert_eq!(prompt.input.value(), target.pin.to_string());
    // Enter pins it again, and it is read at once.
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(round_call(&effects).1, vec![target]);
}

#[test]
fn a_change_is_marked_in_its_row_said_in_the_log_and_rings_the_bell_when_asked() {
    let (mut s, target) = pinned_and_read();
    s.watch.bell = true;
    key(&mut s, KeyCode::Char('W'));
    assert!(!shown(&s)[0].marked, "a first sighting is no change");
    assert!(shown(&s)[0].cells()[0].is_empty());
    let effects = tick_after(&mut s, Duration::from_secs(10));
    let (id, _) = round_call(&effects);
    let effects = reply(
        &mut s,
        id,
        round(vec![row_of(&target, TrafficState::Deny, true)]),
    );
    assert!(effects.contains(&Effect::Bell), "{effects:?}");
    let row = &shown(&s)[0];
    assert!(row.marked);
    assert_eq!(row.cells()[0], "Δ 0s");
    assert_eq!(row.cells()[2], "DENY");
    assert!(view(&s).list.changed.contains_key(&row.id), "drawn bold");
    let logged: Vec<String> = s.messages.entries().map(|e| e.text.clone()).collect();
    assert!(
        logged
            .iter()
            .any(|t| t == "watch: 10.0.1.4:7001 in subnet-0a00000000000001a: traffic ALLOW → DENY"),
        "{logged:?}"
    );
    // The mark stays a while, then goes; the change's words stay.
    tick_after(&mut s, Duration::from_secs(65));
    assert_eq!(shown(&s)[0].cells()[0], "Δ 1m");
    s.now += super::MARKED;
    update(&mut s, Action::Tick);
    let row = &shown(&s)[0];
    assert!(!row.marked && row.cells()[0].is_empty(), "{row:?}");
}

#[test]
fn without_watch_bell_a_change_rings_nothing() {
    let (mut s, target) = pinned_and_read();
    let (id, _) = round_call(&tick_after(&mut s, Duration::from_secs(10)));
    let effects = reply(
        &mut s,
        id,
        round(vec![row_of(&target, TrafficState::Deny, true)]),
    );
    assert!(!effects.contains(&Effect::Bell));
    assert!(s.message.is_some());
}

#[test]
fn rounds_go_on_under_other_screens_and_a_change_reaches_the_status_bar() {
    let (mut s, target) = pinned_and_read();
    // Back to the accelerators pane (the first Esc dismisses the message); the watch view
    // was never opened.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    assert!(matches!(s.top(), Screen::Accelerators(_)));
    assert_eq!(
        s.next_tick(),
        Some(Duration::from_secs(10)),
        "the loop wakes for the next round"
    );
    assert!(
        tick_after(&mut s, Duration::from_secs(5)).is_empty(),
        "not due"
    );
    let (id, _) = round_call(&tick_after(&mut s, Duration::from_secs(5)));
    // A disabled accelerator leads the row, whatever the mapping says.
    reply(
        &mut s,
        id,
        round(vec![row_of(&target, TrafficState::Allow, false)]),
    );
    assert_eq!(s.watch.unseen, 1);
    let m = s.message.as_ref().unwrap();
    assert!(m.text.contains("accelerator enabled → disabled"), "{m:?}");
    assert_eq!(s.watch.rows[0].verdict_words(), "DISABLED");
    // Opening the view shows it as seen.
    key(&mut s, KeyCode::Char('W'));
    assert_eq!(s.watch.unseen, 0);
    assert_eq!(shown(&s)[0].cells()[2], "DISABLED");
    // An open dialog does not hold rounds either.
    s.overlay = Some(crate::app::Overlay::Help { scroll: 0 });
    assert!(!calls(&tick_after(&mut s, Duration::from_secs(10))).is_empty());
}

#[test]
fn a_round_that_fails_keeps_the_rows_and_is_said_once() {
    use crate::model::watch::{FailedCall, Failure};
    let (mut s, _) = pinned_and_read();
    let failed = || {
        Reply::WatchRound(Round {
            rows: Vec::new(),
            failures: vec![Failure {
                call: FailedCall::ByDestination {
                    subnet: SUBNET.into(),
                    ip: "10.0.1.4".into(),
                },
                message: "Rate exceeded".into(),
            }],
            throttled: true,
        })
    };
    let (id, _) = round_call(&tick_after(&mut s, Duration::from_secs(10)));
    reply(&mut s, id, failed());
    assert_eq!(s.watch.rows[0].verdict_words(), "ALLOW", "the rows stay");
    assert!(s.watch.failing.is_some());
    let errors = s.messages.entries().filter(|e| e.error).count();
    // Throttled: the next round waits twice as long.
    assert!(tick_after(&mut s, Duration::from_secs(10)).is_empty());
    let (id, _) = round_call(&tick_after(&mut s, Duration::from_secs(10)));
    reply(&mut s, id, failed());
    assert!(
        s.messages.entries().filter(|e| e.error).count() <= errors + 1,
        "a failing round is not said every time"
    );
}

#[test]
fn ctrl_p_in_the_lookup_pins_its_answer_without_resolving_again() {
    let mut s = state();
    key(&mut s, KeyCode::Char('w'));
    let answer = WhoisAnswer {
        address: socket("75.2.0.1", 10_001),
        accelerator_arn: ACC.into(),
        accelerator_name: "game".into(),
        accelerator_enabled: true,
        listener_arn: format!("{ACC}/listener/l1"),
        endpoint_group_arn: GROUP.into(),
        region: "eu-west-1".into(),
        subnet: SUBNET.into(),
        destination: socket("10.0.1.4", 7001),
        protocols: None,
        traffic: TrafficState::Allow,
        via: crate::model::Via::Listing,
        index_was_stale: false,
    };
    s.whois_mut().unwrap().result = Some(crate::app::overlays::whois::LookupResult::Address(
        Box::new(answer.clone()),
    ));
    let effects = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    let (_, targets) = round_call(&effects);
    assert_eq!(targets, vec![Target::accelerator_socket(&answer)]);
    assert!(s.whois().is_some(), "the lookup stays open");
}

#[test]
fn read_only_does_not_stop_watching() {
    let mut s = browsing();
    s.read_only = true;
    let effects = key(&mut s, KeyCode::Char('p'));
    round_call(&effects);
    assert_eq!(s.watch.pins.len(), 1);
}

fn with_store(s: &mut State) -> PathBuf {
    let dir = PathBuf::from("/state/portolan/watch");
    s.watch.store = Some(dir.clone());
    dir
}

fn saves(effects: &[Effect]) -> Vec<Vec<Pin>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SavePins { pins, .. } => Some(pins.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_accounts_pins_are_loaded_once_it_is_known_and_saved_on_every_change() {
    let mut s = state();
    with_store(&mut s);
    // The browser's answer names the account: its pins are read.
    let mut s = browsing_from(s);
    assert_eq!(s.watch.account.as_deref(), Some(ACCOUNT));
    assert!(s.watch.loading);
    assert!(update(&mut s, Action::Resize(100, 30)).is_empty(), "once");
    // Pinned while the file is read: not saved yet (that would lose what the file holds).
    let effects = key(&mut s, KeyCode::Char('p'));
    assert!(saves(&effects).is_empty());
    let typed = s.watch.pins[0].pin.clone();
    let saved = Pin::parse("10.0.3.17").unwrap();
    let effects = update(
        &mut s,
        Action::PinFile(PinFile::Loaded {
            account: ACCOUNT.into(),
            pins: vec![saved.clone()],
            unreadable: vec!["watch.json: pin 2: \"nonsense\" is neither…".into()],
        }),
    );
    assert_eq!(saves(&effects), vec![vec![saved.clone(), typed.clone()]]);
    assert!(
        calls(&effects).iter().any(
            |(_, c)| matches!(c, Call::ResolvePins { pins, .. } if *pins == vec![saved.clone()])
        )
    );
    let m = s.message.as_ref().unwrap();
    assert!(
        m.error && m.text.contains("1 saved pin could not be read"),
        "{m:?}"
    );
    // Unpinning saves what is left.
    key(&mut s, KeyCode::Char('W'));
    let effects = key(&mut s, KeyCode::Char('d'));
    assert_eq!(saves(&effects).len(), 1);
}

#[test]
fn a_pins_file_that_cannot_be_read_is_never_overwritten() {
    let mut s = state();
    with_store(&mut s);
    let mut s = browsing_from(s);
    update(
        &mut s,
        Action::PinFile(PinFile::LoadFailed {
            account: ACCOUNT.into(),
            message: "expected value at line 1".into(),
        }),
    );
    assert!(s.message.as_ref().unwrap().text.contains("not saved"));
    let effects = key(&mut s, KeyCode::Char('p'));
    assert!(saves(&effects).is_empty());
    assert_eq!(s.watch.pins.len(), 1, "watched all the same");
}

#[test]
fn another_account_brings_its_own_pins_and_the_old_rounds_stop() {
    let mut s = state();
    with_store(&mut s);
    let mut s = browsing_from(s);
    let (id, targets) = round_call(&key(&mut s, KeyCode::Char('p')));
    reply(
        &mut s,
        id,
        round(vec![row_of(&targets[0], TrafficState::Allow, true)]),
    );
    update(
        &mut s,
        Action::PinFile(PinFile::Loaded {
            account: ACCOUNT.into(),
            pins: Vec::new(),
            unreadable: Vec::new(),
        }),
    );
    assert_eq!(s.watch.pins.len(), 1);
    // A profile switch: the account is unknown for a while, and no round is made.
    s.context.account = None;
    s.now += Duration::from_secs(60);
    assert_eq!(
        s.next_tick(),
        Some(Duration::from_secs(1)),
        "a due round that cannot be made wakes nobody at once (the browser's age ticks)"
    );
    assert!(calls(&tick_after(&mut s, Duration::from_secs(60))).is_empty());
    s.context.account = Some("444455556666".into());
    let effects = update(&mut s, Action::Resize(100, 30));
    assert!(s.watch.pins.is_empty());
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadPins { account, .. } if account == "444455556666"))
    );
}
