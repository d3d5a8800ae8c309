//! The create-endpoint-group form through `update`, with every call it asks for run by the
//! real SDK client against the emulator: success, a race with another client, injected
//! service errors, and a lost answer retried with the same idempotency token.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Effect, Screen, State, update};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::model::{DestinationConfig, NewEndpointGroup, PortRange, ProtocolSet};

const SMALL: &str = include_str!("fixtures/small.toml");

struct Env {
    api: SdkClient,
    faults: Arc<Faults>,
    state: State,
    _server: LocalEmulator,
}

impl Env {
    async fn start() -> Self {
        let topology = Topology::parse(SMALL, "small").unwrap();
        let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
        let faults = Arc::new(Faults::new(5));
        let server = LocalEmulator::start_with_faults(emulator, Arc::clone(&faults))
            .await
            .unwrap();
        let api = SdkClient::connect(ClientOptions::local(&server.url))
            .await
            .unwrap();
        let state = State::new(Context::default(), (100, 30), Instant::now());
        let mut env = Env {
            api,
            faults,
            state,
            _server: server,
        };
        let effects = env.state.start();
        env.run(effects).await;
        // game-us → its listener → its endpoint groups.
        env.key(KeyCode::Enter, KeyModifiers::NONE).await;
        env.key(KeyCode::Enter, KeyModifiers::NONE).await;
        assert!(matches!(env.state.top(), Screen::EndpointGroups(_)));
        env
    }

    /// Runs every call the effects ask for, feeding the answers back until none is left.
    async fn run(&mut self, mut effects: Vec<Effect>) {
        while let Some(effect) = effects.pop() {
            if let Effect::Call { id, call } = effect {
                let result = portolan::tui::run_call(call, &self.api).await;
                effects.extend(update(&mut self.state, Action::Reply { id, result }));
            }
        }
    }

    async fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let effects = update(&mut self.state, Action::Key(KeyEvent::new(code, modifiers)));
        self.run(effects).await;
    }

    async fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE).await;
        }
    }

    /// Opens the form and fills region, one range and both protocols; the focus ends on the
    /// Create button.
    async fn fill(&mut self, region: &str, from: &str, to: &str) {
        self.key(KeyCode::Char('c'), KeyModifiers::NONE).await;
        self.typed(region).await;
        self.key(KeyCode::Tab, KeyModifiers::NONE).await;
        self.typed(from).await;
        self.key(KeyCode::Tab, KeyModifiers::NONE).await;
        self.typed(to).await;
        self.key(KeyCode::Tab, KeyModifiers::NONE).await;
        self.key(KeyCode::Tab, KeyModifiers::NONE).await;
        self.key(KeyCode::Char(' '), KeyModifiers::NONE).await;
        self.key(KeyCode::Tab, KeyModifiers::NONE).await;
    }

    async fn submit(&mut self) {
        self.key(KeyCode::Enter, KeyModifiers::NONE).await;
    }

    fn listener_arn(&self) -> String {
        match self.state.top() {
            Screen::EndpointGroups(s) => s.listener.arn.clone(),
            other => panic!("{other:?}"),
        }
    }

    async fn groups_in(&self, region: &str) -> usize {
        self.api
            .list_endpoint_groups(&self.listener_arn(), 100, None)
            .await
            .unwrap()
            .items
            .iter()
            .filter(|g| g.region == region)
            .count()
    }

    fn fault(&self, spec: &str) {
        self.faults.add(spec.parse().unwrap());
    }

    fn assert_kept(&self, region: &str, from: &str, to: &str) {
        let d = self.state.form().expect("the form stays open");
        assert_eq!(d.form.head[0].value(), region);
        assert_eq!(d.form.rows[0][0].value(), from);
        assert_eq!(d.form.rows[0][1].value(), to);
        assert!(d.form.rows[0][2].is_on() && d.form.rows[0][3].is_on());
    }
}

#[tokio::test]
async fn a_created_group_is_listed_and_selected() {
    let mut env = Env::start().await;
    env.fill("ap-south-1", "6000", "6010").await;
    env.submit().await;
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    let Screen::EndpointGroups(s) = env.state.top() else {
        panic!()
    };
    let selected = s.pane.selected().unwrap();
    assert_eq!(selected.region, "ap-south-1");
    assert_eq!(selected.destinations[0].protocols, ProtocolSet::BOTH);
    assert!(
        env.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("ap-south-1")
    );
    assert_eq!(env.groups_in("ap-south-1").await, 1);
}

#[tokio::test]
async fn another_client_winning_the_region_is_reported_on_the_region_field() {
    let mut env = Env::start().await;
    env.fill("ap-northeast-1", "6000", "6010").await;
    env.api
        .create_endpoint_group(NewEndpointGroup {
            listener_arn: env.listener_arn(),
            region: "ap-northeast-1".into(),
            destinations: vec![DestinationConfig {
                ports: PortRange::new(5000, 5001).unwrap(),
                protocols: ProtocolSet::TCP,
            }],
            idempotency_token: "someone-else".into(),
        })
        .await
        .unwrap();
    env.submit().await;
    env.assert_kept("ap-northeast-1", "6000", "6010");
    let d = env.state.form().unwrap();
    let error = d.form.head[0].error.as_deref().unwrap();
    assert!(error.to_lowercase().contains("already"), "{error}");
    assert_eq!(env.groups_in("ap-northeast-1").await, 1);
}

#[tokio::test]
async fn injected_service_errors_are_shown_in_place_with_nothing_lost() {
    let mut env = Env::start().await;
    env.fill("ca-central-1", "6000", "6010").await;
    for (exception, place) in [
        ("InvalidPortRangeException", "rows"),
        ("LimitExceededException", "form"),
        ("AccessDeniedException", "form"),
    ] {
        env.faults.clear();
        env.fault(&format!(
            "CreateCustomRoutingEndpointGroup:error={exception}#1"
        ));
        env.submit().await;
        env.assert_kept("ca-central-1", "6000", "6010");
        let d = env.state.form().unwrap();
        let shown = match place {
            "rows" => d.rows_error.clone(),
            _ => d.form.error.clone(),
        };
        assert!(shown.is_some(), "{exception} not shown at {place}: {d:?}");
        assert!(d.form.head[0].error.is_none());
    }
    assert_eq!(env.groups_in("ca-central-1").await, 0);
    // With the faults gone the same form goes through.
    env.faults.clear();
    env.submit().await;
    assert!(env.state.form().is_none());
    assert_eq!(env.groups_in("ca-central-1").await, 1);
}

#[tokio::test]
async fn a_lost_answer_retried_creates_exactly_one_group() {
    let mut env = Env::start().await;
    env.fill("sa-east-1", "6000", "6010").await;
    env.fault("CreateCustomRoutingEndpointGroup:apply-then-drop#1");
    env.submit().await;
    if env.state.form().is_some() {
        // The answer was lost after the group was made: retrying with the same token is
        // allowed even though the region now has a group, and succeeds.
        env.assert_kept("sa-east-1", "6000", "6010");
        env.faults.clear();
        env.key(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    }
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    assert!(
        env.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("sa-east-1")
    );
    assert_eq!(env.groups_in("sa-east-1").await, 1);
}

#[tokio::test]
async fn the_same_form_creates_an_accelerator_and_a_listener() {
    let mut env = Env::start().await;
    // Back to the accelerators pane.
    env.key(KeyCode::Esc, KeyModifiers::NONE).await;
    env.key(KeyCode::Esc, KeyModifiers::NONE).await;
    env.key(KeyCode::Char('c'), KeyModifiers::NONE).await;
    env.typed("edge-2").await;
    env.key(KeyCode::Char('n'), KeyModifiers::CONTROL).await;
    env.typed("team").await;
    env.key(KeyCode::Tab, KeyModifiers::NONE).await;
    env.typed("sre").await;
    env.key(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    let Screen::Accelerators(pane) = env.state.top() else {
        panic!()
    };
    let created = pane.selected().unwrap().clone();
    assert_eq!(created.name, "edge-2");
    let tags = env.api.list_tags(&created.arn).await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(
        (tags[0].key.as_str(), tags[0].value.as_str()),
        ("team", "sre")
    );

    // Its listeners pane is empty; `c` there makes one.
    env.key(KeyCode::Enter, KeyModifiers::NONE).await;
    env.key(KeyCode::Char('c'), KeyModifiers::NONE).await;
    env.typed("40000").await;
    env.key(KeyCode::Tab, KeyModifiers::NONE).await;
    env.typed("40009").await;
    env.key(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    let d = env.state.form().expect("10 ports is too few");
    assert!(d.form.rows[0][1].error.is_some());
    env.key(KeyCode::Backspace, KeyModifiers::NONE).await;
    env.key(KeyCode::Backspace, KeyModifiers::NONE).await;
    env.typed("99").await;
    env.key(KeyCode::Char('s'), KeyModifiers::CONTROL).await;
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    let listeners = env
        .api
        .list_listeners(&created.arn, 100, None)
        .await
        .unwrap();
    assert_eq!(listeners.items.len(), 1);
    assert_eq!(listeners.items[0].total_ports(), 100);
}
