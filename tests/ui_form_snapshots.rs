//! The create-endpoint-group form drawn at 80×24 and 160×48: empty, filled, with field
//! errors, submitting, and with a server error. The token is fixed so nothing needs redacting.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::ApiError;
use portolan::app::{Action, Context, Effect, GroupsScreen, Reply, Screen, State, update};
use portolan::model::capacity::ListenerUsage;
use portolan::model::{Accelerator, AcceleratorStatus, EndpointGroup, Listener, PortRange};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ACC: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d";

fn state() -> State {
    let accelerator = Accelerator {
        arn: ACC.into(),
        name: "game-eu-central".into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec![],
        dns_name: String::new(),
        created: None,
        last_modified: None,
        tags: vec![],
    };
    let listener = Listener {
        arn: format!("{ACC}/listener/0a1b2c3d"),
        port_ranges: vec![PortRange::new(10_000, 30_000).unwrap()],
    };
    let mut pane = portolan::app::list::ListPane::default();
    pane.replace_rows(
        vec![EndpointGroup {
            arn: format!("{}/endpoint-group/0b2c3d4e5f6a", listener.arn),
            region: "eu-west-1".into(),
            destinations: vec![],
            endpoints: vec![],
        }],
        Instant::now(),
    );
    let mut s = State::new(
        Context {
            profile: "prod-network".into(),
            endpoint: None,
            account: Some("111122223333".into()),
        },
        (80, 24),
        Instant::now(),
    );
    s.screens.push(Screen::EndpointGroups(GroupsScreen {
        accelerator,
        listener,
        pane,
    }));
    s
}

fn key(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, modifiers)))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn snapshot(s: &mut State, name: &str) {
    if let Some(d) = s.form_mut() {
        d.form.token = "00000000-0000-4000-8000-000000000000".into();
    }
    for (w, h) in [(80, 24), (160, 48)] {
        update(s, Action::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| portolan::ui::render(s, f)).unwrap();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend().to_string());
    }
}

/// `c`, with the listener's usage answered: 20001 ports held, 1320 used.
fn open_form(s: &mut State) {
    let effects = key(s, KeyCode::Char('c'), KeyModifiers::NONE);
    let Some(Effect::Call { id, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    update(
        s,
        Action::Reply {
            id,
            result: Ok(Reply::Usage(ListenerUsage {
                total: 20_001,
                groups: vec![(
                    "eu-west-1".into(),
                    "arn:…/endpoint-group/0b2c3d4e5f6a".into(),
                    1320,
                )],
            })),
        },
    );
}

fn tab(s: &mut State) {
    key(s, KeyCode::Tab, KeyModifiers::NONE);
}

#[test]
fn empty_and_suggesting() {
    let mut s = state();
    open_form(&mut s);
    snapshot(&mut s, "form_empty");
    typed(&mut s, "eu-west");
    key(&mut s, KeyCode::Down, KeyModifiers::NONE);
    snapshot(&mut s, "form_suggestions");
}

#[test]
fn filled_submitting_and_failed() {
    let mut s = state();
    open_form(&mut s);
    typed(&mut s, "ap-south-1");
    tab(&mut s);
    typed(&mut s, "7000");
    tab(&mut s);
    typed(&mut s, "7099");
    key(&mut s, KeyCode::Char('n'), KeyModifiers::CONTROL);
    typed(&mut s, "8000");
    tab(&mut s);
    typed(&mut s, "8000");
    tab(&mut s);
    tab(&mut s);
    key(&mut s, KeyCode::Char(' '), KeyModifiers::NONE);
    snapshot(&mut s, "form_filled");
    let effects = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let Some(Effect::Call { id, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    snapshot(&mut s, "form_submitting");
    update(
        &mut s,
        Action::Reply {
            id,
            result: Err(ApiError::LimitExceeded(
                "The limit of endpoint groups for this listener was reached".into(),
            )),
        },
    );
    snapshot(&mut s, "form_server_error");
}

#[test]
fn field_errors() {
    let mut s = state();
    open_form(&mut s);
    typed(&mut s, "eu-west-1");
    key(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    typed(&mut s, "7000");
    tab(&mut s);
    typed(&mut s, "69");
    key(&mut s, KeyCode::Char('n'), KeyModifiers::CONTROL);
    typed(&mut s, "abc");
    tab(&mut s);
    tab(&mut s);
    key(&mut s, KeyCode::Char(' '), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    snapshot(&mut s, "form_field_errors");
}

#[test]
fn every_region_suggestion_shows_whole_at_80_columns() {
    let mut s = state();
    open_form(&mut s);
    typed(&mut s, "eu-");
    let wanted = s.form().unwrap().suggestions();
    assert_eq!(wanted.len(), 6, "{wanted:?}");
    for (w, h) in [(80, 24), (160, 48)] {
        update(&mut s, Action::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal.draw(|f| portolan::ui::render(&s, f)).unwrap();
        let screen = terminal.backend().to_string();
        let lines: Vec<&str> = screen.lines().collect();
        let from = lines.iter().position(|l| l.contains("Region [")).unwrap();
        let to = lines
            .iter()
            .position(|l| l.contains("Destination port"))
            .unwrap();
        let offered = lines[from + 1..to].join("\n");
        for region in &wanted {
            assert!(
                offered.contains(region),
                "{region} is not shown at {w}:\n{screen}"
            );
        }
    }
}
