//! The watch view drawn on a `TestBackend` at 80×24 and 160×48, from states built with
//! `update` alone: a changed row (its `Δ` is text, so it reads without colour), a pin still
//! resolving, one that cannot be resolved, and the pin prompt with an error.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::app::{Action, Call, Context, Effect, Reply, State, update};
use portolan::model::watch::{Presence, Round, Target, WatchRow};
use portolan::model::{AcceleratorStatus, SocketAddress, TrafficState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const GROUP: &str = "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d/listener/0a1b2c3d/endpoint-group/0b2c3d4e5f6a";
const SUBNET: &str = "subnet-00a1b2c3d4e5f6a70";

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

fn calls(effects: &[Effect]) -> Vec<(u64, Call)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { id, call } => Some((*id, call.clone())),
            _ => None,
        })
        .collect()
}

fn round_of(effects: &[Effect]) -> (u64, Vec<Target>) {
    let rounds: Vec<_> = calls(effects)
        .into_iter()
        .filter_map(|(id, c)| match c {
            Call::WatchRound { targets } => Some((id, targets)),
            _ => None,
        })
        .collect();
    assert_eq!(rounds.len(), 1, "one round for every pin: {effects:?}");
    rounds.into_iter().next().unwrap()
}

fn row(target: &Target, traffic: TrafficState) -> WatchRow {
    WatchRow {
        accelerator_name: "game-eu-central".into(),
        enabled: Some(true),
        status: Some(AcceleratorStatus::Deployed),
        region: "eu-central-1".into(),
        accelerator_sockets: vec![
            SocketAddress {
                ip: "75.2.16.1".into(),
                port: 41_803,
            },
            SocketAddress {
                ip: "99.83.16.1".into(),
                port: 41_803,
            },
        ],
        traffic: Some(traffic),
        presence: Presence::Mapped,
        ..target.expected.clone().unwrap()
    }
}

fn answer(state: &mut State, id: u64, reply: Reply) -> Vec<Effect> {
    update(
        state,
        Action::Reply {
            id,
            result: Ok(reply),
        },
    )
}

fn screen(state: &mut State, (w, h): (u16, u16)) -> String {
    update(state, Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| portolan::ui::render(state, f)).unwrap();
    terminal.backend().to_string()
}

/// Three pins: two destination sockets read twice (the second denied in between), and an
/// address whose resolution failed; one accelerator socket still resolving.
fn watching() -> State {
    let mut state = State::new(
        Context {
            profile: "prod-network".into(),
            endpoint: None,
            account: Some("111122223333".into()),
        },
        (80, 24),
        Instant::now(),
    );
    key(&mut state, KeyCode::Char('W'));
    key(&mut state, KeyCode::Char('p'));
    typed(
        &mut state,
        &format!("{GROUP}/{SUBNET}/10.48.0.4:7777 {GROUP}/{SUBNET}/10.48.0.4:7778 10.9.9.9"),
    );
    let effects = key(&mut state, KeyCode::Enter);
    let (resolve, _) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::ResolvePins { .. }))
        .unwrap();
    let (id, targets) = round_of(&effects);
    let first: Vec<WatchRow> = targets
        .iter()
        .map(|t| row(t, TrafficState::Allow))
        .collect();
    answer(
        &mut state,
        resolve,
        Reply::PinsResolved(vec![Err(
            "no subnet endpoint of any accelerator holds 10.9.9.9".into(),
        )]),
    );
    answer(
        &mut state,
        id,
        Reply::WatchRound(Round {
            rows: first.clone(),
            ..Round::default()
        }),
    );
    state.now += Duration::from_secs(10);
    let (id, _) = round_of(&update(&mut state, Action::Tick));
    let mut second = first;
    second[1].traffic = Some(TrafficState::Deny);
    answer(
        &mut state,
        id,
        Reply::WatchRound(Round {
            rows: second,
            ..Round::default()
        }),
    );
    state.now += Duration::from_secs(12);
    update(&mut state, Action::Tick);
    key(&mut state, KeyCode::Char('p'));
    typed(&mut state, "75.2.16.1:41803");
    key(&mut state, KeyCode::Enter);
    state
}

#[test]
fn the_watch_view_marks_a_change_in_text() {
    let mut state = watching();
    for size in SIZES {
        let shown = screen(&mut state, size);
        let denied = shown
            .lines()
            .find(|l| l.contains("10.48.0.4:7778") && l.contains("DENY"))
            .unwrap_or_else(|| panic!("{shown}"));
        assert!(denied.contains("Δ 12s"), "{shown}");
        insta::assert_snapshot!(format!("watch_{}x{}", size.0, size.1), shown);
    }
}

#[test]
fn the_pin_prompt_keeps_what_was_typed_and_says_why_not() {
    let mut state = watching();
    key(&mut state, KeyCode::Char('p'));
    typed(&mut state, "75.2.16.1:99999");
    key(&mut state, KeyCode::Enter);
    for size in SIZES {
        let shown = screen(&mut state, size);
        assert!(shown.contains("Pin 75.2.16.1:99999"), "{shown}");
        insta::assert_snapshot!(format!("watch_prompt_{}x{}", size.0, size.1), shown);
    }
}
