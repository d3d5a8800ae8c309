//! The audit view through the loop's real effect runner, the real SDK client, portolan's EC2
//! client and the emulator: Ctrl-A runs the audit and lists what the account holds, `D` on an
//! exposed address denies it through the confirmation and the journal, `r` no longer finds
//! it, `u` puts it back and `r` finds it again; a refused EC2 permission is named.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::screens::audit::{AuditView, Run};
use portolan::app::{Action, Context, Overlay, Screen, State};
use portolan::ec2::{Ec2, Ec2Client};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::journal::{Journal, Request};
use portolan::model::TrafficState;
use portolan::model::audit::Kind;
use portolan::tui::{Runtime, handle};
use tokio::sync::mpsc;

/// One group in us-east-1 over fleet-a (all allowed, 10.2.0.200 and 10.2.0.201 held by no
/// interface), fleet-b (denies all while instances run) and sbc (all allowed, most of its
/// addresses held by nothing).
const TOPOLOGY: &str = include_str!("fixtures/ec2.toml");
const FLEET_A: &str = "subnet-0e0000000000000a1";

struct Env {
    _server: LocalEmulator,
    api: Arc<dyn GlobalAccelerator>,
    state: State,
    runtime: Runtime,
    rx: mpsc::UnboundedReceiver<Action>,
    journal: Journal,
    _dir: tempfile::TempDir,
}

impl Env {
    async fn start(faults: &[&str]) -> Self {
        let topology = Topology::parse(TOPOLOGY, "tui-audit").unwrap();
        let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
        let injected = Arc::new(Faults::new(5));
        for spec in faults {
            injected.add(spec.parse().unwrap());
        }
        let server = LocalEmulator::start_with_faults(emulator, injected)
            .await
            .unwrap();
        let options = ClientOptions::local(&server.url);
        let api: Arc<dyn GlobalAccelerator> =
            Arc::new(SdkClient::connect(options.clone()).await.unwrap());
        let ec2: Arc<dyn Ec2> = Arc::new(Ec2Client::connect(&options).await.unwrap());
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::in_dir(dir.path().join("portolan"));
        let mut recorder = portolan::tui::recorder("test");
        recorder.journal = Some(journal.clone());
        let (tx, rx) = mpsc::unbounded_channel();
        let runtime = Runtime::new(Arc::clone(&api), tx)
            .with_ec2(Some(ec2))
            .with_recorder(recorder);
        let state = State::new(
            Context {
                profile: "test".into(),
                ..Context::default()
            },
            (100, 30),
            Instant::now(),
        );
        let mut env = Env {
            _server: server,
            api,
            state,
            runtime,
            rx,
            journal,
            _dir: dir,
        };
        let effects = env.state.start();
        env.runtime.apply(effects);
        env.settle().await;
        env
    }

    /// Handles every answer until nothing runs.
    async fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "the runner did not settle");
            if let Ok(action) = self.rx.try_recv() {
                handle(&mut self.state, &mut self.runtime, action);
                continue;
            }
            if self.runtime.running() == 0 {
                return;
            }
            if let Ok(Some(action)) =
                tokio::time::timeout(Duration::from_millis(50), self.rx.recv()).await
            {
                handle(&mut self.state, &mut self.runtime, action);
            }
        }
    }

    async fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let key = Action::Key(KeyEvent::new(code, modifiers));
        handle(&mut self.state, &mut self.runtime, key);
        self.settle().await;
    }

    async fn press(&mut self, c: char) {
        self.key(KeyCode::Char(c), KeyModifiers::NONE).await;
    }

    fn view(&self) -> &AuditView {
        match self.state.top() {
            Screen::Audit(v) => v,
            other => panic!("not the audit view: {}", other.crumb()),
        }
    }

    /// The exposed addresses of fleet-a the view lists.
    fn exposed(&self) -> Vec<String> {
        self.view()
            .list
            .rows()
            .iter()
            .filter(|r| r.finding.kind() == Kind::Exposed && r.finding.subnet == FLEET_A)
            .filter_map(|r| r.finding.address().map(|a| a.to_string()))
            .collect()
    }

    /// Whether every mapping of `ip` in fleet-a is allowed (`Some(true)`), every one denied
    /// (`Some(false)`), or neither.
    async fn allowed(&self, ip: &str) -> Option<bool> {
        let page = self
            .api
            .list_port_mappings_by_destination(FLEET_A, ip, 100, None)
            .await
            .unwrap();
        assert!(!page.items.is_empty());
        let allow = |m: &portolan::model::DestinationPortMapping| m.traffic == TrafficState::Allow;
        if page.items.iter().all(allow) {
            Some(true)
        } else if !page.items.iter().any(allow) {
            Some(false)
        } else {
            None
        }
    }
}

#[tokio::test]
async fn the_audit_view_finds_denies_and_undoes_through_the_journal() {
    let mut env = Env::start(&[]).await;
    env.key(KeyCode::Char('a'), KeyModifiers::CONTROL).await;
    assert_eq!(env.view().run, Run::Done);
    assert_eq!(env.exposed(), ["10.2.0.200", "10.2.0.201"]);
    let kinds: Vec<Kind> = env
        .view()
        .list
        .rows()
        .iter()
        .map(|r| r.finding.kind())
        .collect();
    assert!(kinds.contains(&Kind::DenyingSubnet), "{kinds:?}");
    assert!(env.view().checked.is_some_and(|c| c.mappings > 0));

    // The first row is 10.2.0.200: D asks, y denies it.
    assert_eq!(
        env.view().list.selected().and_then(|r| r.finding.address()),
        Some([10, 2, 0, 200].into())
    );
    assert_eq!(env.allowed("10.2.0.200").await, Some(true));
    env.press('D').await;
    assert!(matches!(env.state.overlay, Some(Overlay::Confirm(_))));
    env.press('y').await;
    assert!(env.state.overlay.is_none(), "{:?}", env.state.message);
    assert!(env.view().list.rows()[0].done);
    assert_eq!(env.allowed("10.2.0.200").await, Some(false));
    let entries = env.journal.entries().unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert!(matches!(
        entries[0].requests[..],
        [Request::DenyCustomRoutingTraffic(_)]
    ));
    assert_eq!(env.state.changes.last().map(|c| c.changed), Some(true));

    // Run again: the denied address is no longer exposed.
    env.press('r').await;
    assert_eq!(env.exposed(), ["10.2.0.201"]);

    // u puts it back (journaled too), and the audit finds it again.
    env.press('u').await;
    assert!(matches!(env.state.overlay, Some(Overlay::Undo(_))));
    env.press('y').await;
    assert_eq!(env.allowed("10.2.0.200").await, Some(true));
    assert_eq!(env.journal.entries().unwrap().entries.len(), 2);
    env.press('r').await;
    assert_eq!(env.exposed(), ["10.2.0.200", "10.2.0.201"]);
}

#[tokio::test]
async fn a_refused_ec2_permission_is_named_in_the_view() {
    let mut env = Env::start(&["DescribeNetworkInterfaces:error=UnauthorizedOperation"]).await;
    env.key(KeyCode::Char('a'), KeyModifiers::CONTROL).await;
    let Run::Failed(failure) = &env.view().run else {
        panic!("{:?}", env.view().run);
    };
    assert_eq!(
        failure.permission.as_deref(),
        Some("ec2:DescribeNetworkInterfaces")
    );
    let message = env.state.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("ec2:DescribeNetworkInterfaces"),
        "{message:?}"
    );
}
