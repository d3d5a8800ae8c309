//! The real event loop, with the real SDK client against the emulator, on a `TestBackend`:
//! keys are handled at once while a call hangs, and the spinner says something is loading.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Reply, Screen, State, update};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::tui::run;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SMALL: &str = include_str!("fixtures/small.toml");

async fn emulator(faults: &[&str]) -> (LocalEmulator, Arc<dyn GlobalAccelerator>) {
    let topology = Topology::parse(SMALL, "small").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let injected = Arc::new(Faults::new(3));
    for spec in faults {
        injected.add(spec.parse().unwrap());
    }
    let server = LocalEmulator::start_with_faults(emulator, injected)
        .await
        .unwrap();
    let api = SdkClient::connect(ClientOptions::local(&server.url))
        .await
        .unwrap();
    (server, Arc::new(api))
}

fn key(code: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// A state whose accelerators are already loaded, so the first keys have rows to act on.
async fn loaded_state(api: &dyn GlobalAccelerator) -> State {
    let mut state = State::new(Context::default(), (80, 24), Instant::now());
    let id = match state.start().remove(0) {
        portolan::app::Effect::Call { id, .. } => id,
        other => panic!("{other:?}"),
    };
    let page = api.list_accelerators(100, None).await.unwrap();
    update(
        &mut state,
        Action::Reply {
            id,
            result: Ok(Reply::Accelerators(page)),
        },
    );
    state
}

#[tokio::test]
async fn keys_are_handled_while_a_list_call_hangs() {
    let (_server, api) = emulator(&[
        "ListCustomRoutingListeners:latency=2s",
        "ListCustomRoutingEndpointGroups:latency=2s",
    ])
    .await;
    let state = loaded_state(api.as_ref()).await;
    let (keys, events) = mpsc::unbounded();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let driver = async move {
        keys.unbounded_send(key(KeyCode::Enter)).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        for code in [
            KeyCode::Char('?'),
            KeyCode::Char('j'),
            KeyCode::Esc,
            KeyCode::Char('/'),
            KeyCode::Char('x'),
            KeyCode::Esc,
        ] {
            keys.unbounded_send(key(code)).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
        keys
    };
    let (state, _keys) = tokio::join!(run(&mut terminal, events, Arc::clone(&api), state), driver);
    let state = state.unwrap();

    // Every key was handled, and the quit came while the listeners call was still out: had
    // the loop waited on the network, the answer would have landed first.
    assert!(state.quit);
    assert!(state.overlay.is_none());
    let Screen::Listeners(listeners) = state.top() else {
        panic!("expected the listeners pane, got {:?}", state.top());
    };
    assert!(listeners.pane.is_loading(), "the call had already answered");
    assert!(state.busy());
    let screen = terminal.backend().to_string();
    assert!(screen.contains("loading"), "{screen}");
    assert!(
        ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            .iter()
            .any(|g| screen.contains(g)),
        "no spinner: {screen}"
    );
}

#[tokio::test]
async fn answers_arrive_through_the_loop_and_quit_ends_it() {
    let (_server, api) = emulator(&[]).await;
    let state = State::new(Context::default(), (80, 24), Instant::now());
    let (keys, events) = mpsc::unbounded();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let driver = async move {
        // Nothing to wait on but the first page; then open the first accelerator.
        tokio::time::sleep(Duration::from_millis(800)).await;
        keys.unbounded_send(key(KeyCode::Enter)).unwrap();
        tokio::time::sleep(Duration::from_millis(800)).await;
        keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
        keys
    };
    let (state, _keys) = tokio::join!(run(&mut terminal, events, api, state), driver);
    let state = state.unwrap();
    let Screen::Listeners(listeners) = state.top() else {
        panic!("expected the listeners pane, got {:?}", state.top());
    };
    assert_eq!(listeners.pane.rows().len(), 1);
    assert_eq!(state.context.account.as_deref(), Some("123456789012"));
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Listeners of game-us"), "{screen}");
}

#[tokio::test]
async fn export_writes_every_mapping_of_an_accelerator_through_the_loop() {
    let (_server, api) = emulator(&[]).await;
    let expected = {
        let acc = api
            .list_accelerators(100, None)
            .await
            .unwrap()
            .items
            .remove(0);
        api.list_port_mappings(&acc.arn, None, 20_000, None)
            .await
            .unwrap()
            .items
            .len()
    };
    let state = loaded_state(api.as_ref()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.json");
    let (keys, events) = mpsc::unbounded();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let typed = path.display().to_string();
    let written = path.clone();
    let driver = async move {
        keys.unbounded_send(key(KeyCode::Char('M'))).unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        keys.unbounded_send(key(KeyCode::Char('e'))).unwrap();
        // Replace the suggested name with a path in the temporary directory.
        for _ in 0..80 {
            keys.unbounded_send(key(KeyCode::Backspace)).unwrap();
        }
        for c in typed.chars() {
            keys.unbounded_send(key(KeyCode::Char(c))).unwrap();
        }
        keys.unbounded_send(key(KeyCode::Tab)).unwrap();
        keys.unbounded_send(key(KeyCode::Enter)).unwrap();
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let done = std::fs::read_to_string(&written)
                .ok()
                .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok());
            if done.is_some() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
        keys
    };
    let (state, _keys) = tokio::join!(run(&mut terminal, events, api, state), driver);
    let state = state.unwrap();
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(document["PortMappings"].as_array().unwrap().len(), expected);
    let message = state.message.unwrap();
    assert!(
        message.text.contains(&format!("wrote {expected} mappings")),
        "{message:?}"
    );
    assert_eq!(state.exports, 0);
}

#[tokio::test]
async fn under_a_fault_mix_rows_stay_marked_stale_and_recover_when_it_stops() {
    let (server, api) = emulator(&[]).await;
    let mut state = loaded_state(api.as_ref()).await;
    state.live = Some(portolan::app::live::Live::new(
        Duration::from_secs(1),
        Instant::now(),
    ));
    let faults = Arc::clone(&server.faults);
    let (keys, events) = mpsc::unbounded();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let driver = async move {
        // Every call fails for a while: throttled, reset, or cut short.
        for spec in [
            "*:throttle@60%",
            "*:reset@20%",
            "ListCustomRoutingAccelerators:truncate@20%",
        ] {
            faults.add(spec.parse().unwrap());
        }
        faults.add(
            "ListCustomRoutingAccelerators:error=InternalServiceErrorException"
                .parse()
                .unwrap(),
        );
        tokio::time::sleep(Duration::from_millis(2500)).await;
        keys.unbounded_send(key(KeyCode::Char('j'))).unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        faults.clear();
        // Live mode re-reads on its own; throttling has stretched its interval (up to 8 s
        // here), so recovery comes within one stretched interval plus a retry.
        tokio::time::sleep(Duration::from_millis(11_000)).await;
        keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
        keys
    };
    let (state, _keys) = tokio::join!(run(&mut terminal, events, Arc::clone(&api), state), driver);
    let state = state.unwrap();
    let Screen::Accelerators(pane) = state.top() else {
        panic!("{:?}", state.top())
    };
    assert_eq!(
        pane.rows().len(),
        3,
        "the rows were kept through the failures"
    );
    assert!(!pane.pager.stale, "recovered once the faults stopped");
    assert_eq!(
        pane.selected().unwrap().name,
        "voip-eu",
        "the selection stayed"
    );
    let calls = server.emulator.calls();
    assert!(calls["ListCustomRoutingAccelerators"] >= 3, "{calls:?}");
}

/// Ctrl-W and the column chooser through the real loop: the runner keeps the choice in the
/// config file, comments and all; a file it cannot write is a message and the choice holds.
#[tokio::test]
async fn the_loop_keeps_the_column_choice_in_the_config_file() {
    use portolan::app::columns::View;
    let (_server, api) = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "# mine\ntheme = \"dark\" # dark\n").unwrap();
    for (file, writable) in [(path.clone(), true), (dir.path().to_path_buf(), false)] {
        let mut state = loaded_state(api.as_ref()).await;
        state.columns.file = Some(file);
        let (keys, events) = mpsc::unbounded();
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let driver = async move {
            let ctrl_w = Event::Key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
            keys.unbounded_send(Ok(ctrl_w)).unwrap();
            // Hide the second column of the accelerators pane.
            for code in [
                KeyCode::Char('C'),
                KeyCode::Char('j'),
                KeyCode::Char(' '),
                KeyCode::Enter,
            ] {
                keys.unbounded_send(key(code)).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            keys.unbounded_send(key(KeyCode::Char('q'))).unwrap();
            keys
        };
        let (state, _keys) =
            tokio::join!(run(&mut terminal, events, Arc::clone(&api), state), driver);
        let state = state.unwrap();
        let choice = &state.columns.choice;
        assert!(choice.is_wide(View::Accelerators));
        assert_eq!(
            choice.titles(View::Accelerators).unwrap(),
            ["NAME", "ENABLED", "STATIC IPS", "DNS NAME"]
        );
        let message = state.message.clone().unwrap();
        if writable {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with("# mine\ntheme = \"dark\" # dark\n"),
                "{text}"
            );
            let (settings, problems) = portolan::config::parse(&text, &path);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(&settings.columns, choice, "{text}");
            assert!(!message.error, "{message:?}");
        } else {
            assert!(message.error, "{message:?}");
            assert!(
                message.text.contains("hold for this session"),
                "{message:?}"
            );
        }
    }
}
