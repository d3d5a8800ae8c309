//! The real event loop, with the real SDK client against the emulator, on a `TestBackend`:
//! keys are handled at once while a call hangs, and the spinner says something is loading.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc;
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Reply, Screen, State, run, update};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
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
    assert!(state.modal.is_none());
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
