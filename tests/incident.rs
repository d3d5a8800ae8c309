//! Guarded changes through `update`, every call run by the real SDK client against the
//! emulator: traffic flips seen in a re-read, subnets denied and allowed, added and removed,
//! a group deleted, and read-only mode making no call at all.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Effect, Screen, State, update};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::model::TrafficState;

const SMALL: &str = include_str!("fixtures/small.toml");
const MUTATIONS: &[&str] = &[
    "AllowCustomRoutingTraffic",
    "DenyCustomRoutingTraffic",
    "AddCustomRoutingEndpoints",
    "RemoveCustomRoutingEndpoints",
    "DeleteCustomRoutingEndpointGroup",
    "CreateCustomRoutingEndpointGroup",
    "CreateCustomRoutingAccelerator",
    "CreateCustomRoutingListener",
];

struct Env {
    api: SdkClient,
    state: State,
    server: LocalEmulator,
}

impl Env {
    /// game-us → its listener → its endpoint groups (us-east-1 first).
    async fn start(read_only: bool) -> Self {
        let topology = Topology::parse(SMALL, "small").unwrap();
        let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
        let server = LocalEmulator::start(emulator).await.unwrap();
        let api = SdkClient::connect(ClientOptions::local(&server.url))
            .await
            .unwrap();
        let mut state = State::new(Context::default(), (100, 30), Instant::now());
        // No EC2 client here, so the join is off as `tui::run` has it: `a` asks for typed ids.
        state.join = portolan::app::join::Join::off();
        state.read_only = read_only;
        let mut env = Env { api, state, server };
        let effects = env.state.start();
        env.run(effects).await;
        env.press(KeyCode::Enter).await;
        env.press(KeyCode::Enter).await;
        assert!(matches!(env.state.top(), Screen::EndpointGroups(_)));
        env
    }

    async fn run(&mut self, mut effects: Vec<Effect>) {
        while let Some(effect) = effects.pop() {
            if let Effect::Call { id, call } = effect {
                let result = portolan::tui::run_call(call, &self.api).await;
                effects.extend(update(&mut self.state, Action::Reply { id, result }));
            }
        }
    }

    async fn press(&mut self, code: KeyCode) {
        let effects = update(
            &mut self.state,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.run(effects).await;
    }

    async fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c)).await;
        }
    }

    fn mutation_calls(&self) -> u64 {
        let calls = self.server.emulator.calls();
        MUTATIONS.iter().filter_map(|op| calls.get(*op)).sum()
    }

    /// The browser's rows as (destination port, traffic).
    fn rows(&self) -> Vec<(String, u16, TrafficState)> {
        let Screen::Browser(b) = self.state.top() else {
            panic!("{:?}", self.state.top())
        };
        (0..b.table().len())
            .filter_map(|i| b.table().get(i))
            .map(|r| (r.destination_ip.clone(), r.destination_port, r.traffic))
            .collect()
    }

    fn subnets(&self) -> Vec<String> {
        let Screen::GroupDetail(d) = self.state.top() else {
            panic!("{:?}", self.state.top())
        };
        d.endpoints
            .rows()
            .iter()
            .map(|e| e.subnet_id.clone())
            .collect()
    }

    /// Traffic states of `ip` in `subnet` within the endpoint group on screen (the subnet may
    /// sit in other accelerators' groups too).
    async fn traffic_of(&self, subnet: &str, ip: &str) -> Vec<TrafficState> {
        let Screen::GroupDetail(d) = self.state.top() else {
            panic!("{:?}", self.state.top())
        };
        let group = d.group.value.as_ref().unwrap().arn.clone();
        self.api
            .list_port_mappings_by_destination(subnet, ip, 100, None)
            .await
            .unwrap()
            .items
            .iter()
            .filter(|m| m.endpoint_group_arn == group)
            .map(|m| m.traffic)
            .collect()
    }
}

#[tokio::test]
async fn deny_then_allow_one_destination_socket() {
    let mut env = Env::start(false).await;
    env.press(KeyCode::Char('m')).await;
    env.typed("10.0.1.4").await;
    env.press(KeyCode::Enter).await;
    let before = env.rows();
    // 3 ports in game-us, and 10 in voip-eu, which holds the same subnet.
    assert_eq!(before.len(), 13, "{before:?}");
    assert!(before.iter().all(|r| r.2 == TrafficState::Allow));
    env.press(KeyCode::Char('j')).await;
    env.press(KeyCode::Char('D')).await;
    env.press(KeyCode::Char('y')).await;
    let after = env.rows();
    let denied: Vec<_> = after.iter().filter(|r| r.2 == TrafficState::Deny).collect();
    assert_eq!(denied.len(), 1, "exactly the selected socket: {after:?}");
    assert_eq!(denied[0].1, before[1].1);
    let Screen::Browser(b) = env.state.top() else {
        panic!()
    };
    assert_eq!(
        b.table()
            .get(b.selected_row().unwrap())
            .unwrap()
            .destination_port,
        before[1].1
    );

    env.press(KeyCode::Char('A')).await;
    env.press(KeyCode::Char('y')).await;
    assert!(env.rows().iter().all(|r| r.2 == TrafficState::Allow));
}

#[tokio::test]
async fn deny_all_and_allow_all_of_a_subnet() {
    let mut env = Env::start(false).await;
    env.press(KeyCode::Enter).await; // the us-east-1 group's detail
    assert_eq!(env.subnets()[0], "subnet-0a00000000000001a");
    env.press(KeyCode::Char('D')).await;
    env.press(KeyCode::Char('y')).await;
    let states = env.traffic_of("subnet-0a00000000000001a", "10.0.1.9").await;
    assert!(!states.is_empty() && states.iter().all(|s| *s == TrafficState::Deny));
    env.press(KeyCode::Char('A')).await;
    env.press(KeyCode::Char('y')).await;
    let states = env.traffic_of("subnet-0a00000000000001a", "10.0.1.9").await;
    assert!(states.iter().all(|s| *s == TrafficState::Allow));
}

#[tokio::test]
async fn add_a_subnet_denied_then_allowed_and_remove_it() {
    let mut env = Env::start(false).await;
    env.press(KeyCode::Enter).await;
    env.press(KeyCode::Char('a')).await;
    env.typed("subnet-0a0000000000000f1").await;
    env.press(KeyCode::Char('s')).await; // a text field takes `s`
    env.press(KeyCode::Backspace).await;
    let effects = update(
        &mut env.state,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    env.run(effects).await;
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    assert!(
        env.subnets()
            .contains(&"subnet-0a0000000000000f1".to_string())
    );
    let message = env.state.message.clone().unwrap().text;
    assert!(message.contains("denied"), "{message}");
    let states = env
        .traffic_of("subnet-0a0000000000000f1", "10.0.15.5")
        .await;
    assert!(!states.is_empty() && states.iter().all(|s| *s == TrafficState::Deny));

    // Select the new subnet, allow all of it, then remove it.
    let at = env
        .subnets()
        .iter()
        .position(|s| s == "subnet-0a0000000000000f1")
        .unwrap();
    env.press(KeyCode::Char('g')).await;
    for _ in 0..at {
        env.press(KeyCode::Char('j')).await;
    }
    env.press(KeyCode::Char('A')).await;
    env.press(KeyCode::Char('y')).await;
    let states = env
        .traffic_of("subnet-0a0000000000000f1", "10.0.15.5")
        .await;
    assert!(states.iter().all(|s| *s == TrafficState::Allow));
    env.press(KeyCode::Char('x')).await;
    let confirm = env.state.confirm().unwrap();
    assert!(
        confirm
            .chosen()
            .describe()
            .contains("subnet-0a0000000000000f1")
    );
    env.press(KeyCode::Char('y')).await;
    assert!(
        !env.subnets()
            .contains(&"subnet-0a0000000000000f1".to_string())
    );
}

#[tokio::test]
async fn adding_with_allow_all_makes_two_calls() {
    let mut env = Env::start(false).await;
    env.press(KeyCode::Enter).await;
    env.press(KeyCode::Char('a')).await;
    env.typed("subnet-0a0000000000000f1").await;
    env.press(KeyCode::Tab).await;
    env.press(KeyCode::Char(' ')).await;
    env.press(KeyCode::Tab).await;
    env.press(KeyCode::Enter).await;
    assert!(env.state.form().is_none(), "{:?}", env.state.overlay);
    let states = env
        .traffic_of("subnet-0a0000000000000f1", "10.0.15.5")
        .await;
    assert!(!states.is_empty() && states.iter().all(|s| *s == TrafficState::Allow));
    let calls = env.server.emulator.calls();
    assert_eq!(calls.get("AddCustomRoutingEndpoints"), Some(&1));
    assert_eq!(calls.get("AllowCustomRoutingTraffic"), Some(&1));
}

#[tokio::test]
async fn delete_an_endpoint_group() {
    let mut env = Env::start(false).await;
    let Screen::EndpointGroups(s) = env.state.top() else {
        panic!()
    };
    let listener = s.listener.arn.clone();
    let victim = s.pane.selected().unwrap().arn.clone();
    env.press(KeyCode::Delete).await;
    let describe = env.state.confirm().unwrap().chosen().describe();
    assert!(describe.contains(&victim), "{describe}");
    env.press(KeyCode::Char('y')).await;
    let Screen::EndpointGroups(s) = env.state.top() else {
        panic!()
    };
    assert!(s.pane.rows().iter().all(|g| g.arn != victim));
    let left = env
        .api
        .list_endpoint_groups(&listener, 100, None)
        .await
        .unwrap();
    assert!(left.items.iter().all(|g| g.arn != victim));
    assert_eq!(left.items.len(), 1);
}

#[tokio::test]
async fn read_only_makes_no_change_and_no_call() {
    let mut env = Env::start(true).await;
    env.press(KeyCode::Delete).await;
    env.press(KeyCode::Char('y')).await;
    env.press(KeyCode::Char('c')).await;
    env.press(KeyCode::Enter).await; // group detail
    for key in ['D', 'y', 'A', 'y', 'x', 'y', 'a'] {
        env.press(KeyCode::Char(key)).await;
    }
    env.press(KeyCode::Char('m')).await;
    env.typed("10.0.1.4").await;
    env.press(KeyCode::Enter).await;
    for key in ['D', 'y', 'A', 'y'] {
        env.press(KeyCode::Char(key)).await;
    }
    // `y` with no confirmation open copies the row and says so; D says why it is refused.
    env.press(KeyCode::Char('D')).await;
    assert_eq!(env.rows().len(), 13, "reading still works");
    assert_eq!(env.mutation_calls(), 0, "{:?}", env.server.emulator.calls());
    assert!(
        env.state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("--read-only")
    );
}
