//! The interactive app on its real effect runner, the real SDK client (and portolan's EC2
//! client when asked) and an in-process emulator, with the journal in a temporary state
//! directory: keys in, every answer handled until nothing runs.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::app::{Action, Context, Screen, State};
use portolan::ec2::{Ec2, Ec2Client};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::journal::Journal;
use portolan::tui::{Runtime, handle};
use tokio::sync::mpsc;

/// How to start: the topology, faults to inject (with the seed of their dice), and whether
/// the runner has an EC2 client.
pub struct Setup<'a> {
    pub topology: &'a str,
    pub faults: &'a [&'a str],
    pub seed: u64,
    pub ec2: bool,
}

pub struct Env {
    pub server: LocalEmulator,
    pub api: Arc<dyn GlobalAccelerator>,
    pub state: State,
    pub runtime: Runtime,
    pub rx: mpsc::UnboundedReceiver<Action>,
    pub journal: Journal,
    _dir: tempfile::TempDir,
}

impl Env {
    /// The app on the accelerators pane, its first answers handled.
    pub async fn start(setup: Setup<'_>, tune: impl FnOnce(&mut State)) -> Self {
        let topology = Topology::parse(setup.topology, "runner").unwrap();
        let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
        let injected = Arc::new(Faults::new(setup.seed));
        for spec in setup.faults {
            injected.add(spec.parse().unwrap());
        }
        let server = LocalEmulator::start_with_faults(emulator, injected)
            .await
            .unwrap();
        let options = ClientOptions::local(&server.url);
        let api: Arc<dyn GlobalAccelerator> =
            Arc::new(SdkClient::connect(options.clone()).await.unwrap());
        // What the runner does with XDG_STATE_HOME=DIR: the journal in DIR/portolan.
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::in_dir(dir.path().join("portolan"));
        let mut recorder = portolan::tui::recorder("test");
        recorder.journal = Some(journal.clone());
        let (tx, rx) = mpsc::unbounded_channel();
        let mut runtime = Runtime::new(Arc::clone(&api), tx).with_recorder(recorder);
        let mut state = State::new(
            Context {
                profile: "test".into(),
                ..Context::default()
            },
            (100, 30),
            Instant::now(),
        );
        if setup.ec2 {
            let ec2: Arc<dyn Ec2> = Arc::new(Ec2Client::connect(&options).await.unwrap());
            runtime = runtime.with_ec2(Some(ec2));
        } else {
            // As the loop does without an EC2 client.
            state.join = portolan::app::join::Join::off();
            state.columns.choice.ec2_off = true;
        }
        tune(&mut state);
        let mut env = Env {
            server,
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

    /// Handles every answer until nothing runs and a browser's filter has looked at every row.
    pub async fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "the runner did not settle");
            if let Ok(action) = self.rx.try_recv() {
                handle(&mut self.state, &mut self.runtime, action);
                continue;
            }
            if self.runtime.running() > 0 {
                if let Ok(Some(action)) =
                    tokio::time::timeout(Duration::from_millis(50), self.rx.recv()).await
                {
                    handle(&mut self.state, &mut self.runtime, action);
                }
                continue;
            }
            let filtering = match self.state.top() {
                Screen::Browser(b) => b.list.filter_progress().is_some(),
                _ => false,
            };
            if !filtering {
                return;
            }
            handle(&mut self.state, &mut self.runtime, Action::Tick);
        }
    }

    pub async fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let key = Action::Key(KeyEvent::new(code, modifiers));
        handle(&mut self.state, &mut self.runtime, key);
        self.settle().await;
    }

    pub async fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE).await;
    }

    pub async fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c)).await;
        }
    }
}
