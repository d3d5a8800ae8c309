//! The event loop and the effect runners: the only interactive code that touches the terminal,
//! tasks, files, the clipboard and the clients.
//!
//! One task owns the state and waits on terminal events, answers from
//! finished calls, and a timer that runs only while something on screen moves. Calls run as
//! spawned tasks; an abandoned one is aborted and its late answer, if any, is dropped by id.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

use crossterm::event::{
    EnableBracketedPaste, EnableMouseCapture, Event, EventStream, KeyEventKind,
};
use crossterm::execute;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

mod audit;
mod calls;
mod changes;
mod columns;
mod ec2;
mod export;
mod indexing;
mod jobs;
mod terminal;
mod watch;

pub use calls::{run as run_call, run_recorded as run_call_recorded};
pub use changes::recorder;

use crate::api::GlobalAccelerator;
use crate::app::overlays::profiles::Connected;
use crate::app::{Action, Effect, RequestId, State, update};
use crate::ec2::Ec2;
use terminal::{restore, suspend, terminated};

/// Connects anew with a profile, for the profile switcher.
pub type Connector = Arc<
    dyn Fn(String) -> futures::future::BoxFuture<'static, Result<Switched, String>> + Send + Sync,
>;

/// The clients the loop runs effects with: Global Accelerator's, EC2's for the join (none:
/// the join is off), and how the profile switcher connects (none: it cannot).
pub struct Clients {
    pub api: Arc<dyn GlobalAccelerator>,
    pub ec2: Option<Arc<dyn Ec2>>,
    pub connector: Option<Connector>,
}

/// A session for another profile: what the app is told, and its EC2 client for the join.
pub struct Switched {
    pub connected: Connected,
    pub ec2: Option<Arc<dyn Ec2>>,
}

/// The EC2 client of a profile switch, kept until the switch is taken or dropped.
type Pending = Arc<std::sync::Mutex<Option<(RequestId, Option<Arc<dyn Ec2>>)>>>;

/// Runs effects as tasks against the API and remembers how to abort them.
pub struct Runtime {
    api: Arc<dyn GlobalAccelerator>,
    /// The join's EC2 client; `None` with the join off.
    ec2: Option<Arc<dyn Ec2>>,
    switched_ec2: Pending,
    connector: Option<Connector>,
    /// Every change goes through it into the journal.
    recorder: crate::journal::Recorder,
    tx: mpsc::UnboundedSender<Action>,
    tasks: HashMap<RequestId, AbortHandle>,
    pin_files: watch::PinFiles,
}

impl Runtime {
    pub fn new(api: Arc<dyn GlobalAccelerator>, tx: mpsc::UnboundedSender<Action>) -> Self {
        Self {
            api,
            ec2: None,
            switched_ec2: Pending::default(),
            connector: None,
            recorder: crate::journal::Recorder::default(),
            tx,
            tasks: HashMap::new(),
            pin_files: watch::PinFiles::default(),
        }
    }

    /// How the profile switcher connects; without one it says switching is not possible.
    pub fn with_connector(mut self, connector: Option<Connector>) -> Self {
        self.connector = connector;
        self
    }

    /// The EC2 client the join asks.
    pub fn with_ec2(mut self, ec2: Option<Arc<dyn Ec2>>) -> Self {
        self.ec2 = ec2;
        self
    }

    /// Who makes the changes and where they are journaled.
    pub fn with_recorder(mut self, recorder: crate::journal::Recorder) -> Self {
        self.recorder = recorder;
        self
    }

    pub fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Call { id, call } => {
                    tracing::debug!(id, ?call, "call");
                    let (api, tx) = (Arc::clone(&self.api), self.tx.clone());
                    let task =
                        tokio::spawn(calls::run_call(id, call, api, self.recorder.clone(), tx));
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::Change { id, job } => {
                    let (api, tx) = (Arc::clone(&self.api), self.tx.clone());
                    let task = tokio::spawn(jobs::run_job(id, job, api, self.recorder.clone(), tx));
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::Cancel(id) => {
                    if let Some(task) = self.tasks.remove(&id) {
                        task.abort();
                    }
                }
                Effect::Copy(text) => {
                    // The terminal (or tmux with `set -g set-clipboard on`) puts it on the
                    // clipboard; over SSH this reaches the user's own machine.
                    let mut out = io::stdout();
                    let _ = write!(out, "{}", osc52(&text)).and_then(|()| out.flush());
                }
                Effect::BuildIndex {
                    id,
                    accelerator,
                    store,
                } => {
                    let api = Arc::clone(&self.api);
                    let tx = self.tx.clone();
                    let task = tokio::spawn(async move {
                        indexing::run(api.as_ref(), id, accelerator, store, tx).await;
                    });
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::ListProfiles { id } => {
                    let tx = self.tx.clone();
                    let task = tokio::spawn(async move {
                        let result = crate::profiles::names().await;
                        let _ = tx.send(Action::Profiles { id, result });
                    });
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::SwitchProfile { id, profile } => {
                    let tx = self.tx.clone();
                    let connect = self.connector.clone();
                    let slot = Arc::clone(&self.switched_ec2);
                    let task = tokio::spawn(async move {
                        let result = match connect {
                            Some(connect) => connect(profile.clone()).await,
                            None => Err("switching profiles is not possible here".into()),
                        };
                        let result = result.map(|s| {
                            if let Ok(mut slot) = slot.lock() {
                                *slot = Some((id, s.ec2));
                            }
                            s.connected
                        });
                        let _ = tx.send(Action::Switched {
                            id,
                            profile,
                            result,
                        });
                    });
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::Ec2 { id, lookup } => {
                    let (ec2, tx) = (self.ec2.clone(), self.tx.clone());
                    let task = tokio::spawn(ec2::run(id, lookup, ec2, tx));
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::Audit { id } => {
                    let (api, ec2, tx) = (Arc::clone(&self.api), self.ec2.clone(), self.tx.clone());
                    let task = tokio::spawn(audit::run(id, api, ec2, tx));
                    self.tasks.insert(id, task.abort_handle());
                }
                Effect::SaveColumns { path, choice } => columns::save(path, &choice, &self.tx),
                effect @ (Effect::LoadPins { .. } | Effect::SavePins { .. } | Effect::Bell) => {
                    self.pin_files.run(effect, &self.tx);
                }
                Effect::Export(job) => {
                    let api = Arc::clone(&self.api);
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let path = job.path.clone();
                        let result = export::run(job, api.as_ref()).await;
                        tracing::info!(path = %path.display(), ?result, "export");
                        let _ = tx.send(Action::Exported { path, result });
                    });
                }
            }
        }
    }

    /// Calls still running.
    pub fn running(&self) -> usize {
        self.tasks.values().filter(|t| !t.is_finished()).count()
    }

    fn finished(&mut self, id: RequestId) {
        self.tasks.remove(&id);
    }
}

/// The OSC 52 sequence that asks the terminal to set its clipboard to `text`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

fn to_action(event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Action::Key(key)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Mouse(mouse) => Some(Action::Mouse(mouse)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// Drives `state` until the user quits or the event stream ends, drawing on `terminal`.
/// Generic over the backend and the event source so tests run the very same loop.
pub async fn run<B, E>(
    terminal: &mut Terminal<B>,
    events: E,
    api: Arc<dyn GlobalAccelerator>,
    state: State,
) -> io::Result<State>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    let clients = Clients {
        api,
        ec2: None,
        connector: None,
    };
    run_with(
        terminal,
        events,
        clients,
        state,
        std::future::pending(),
        || Ok(false),
    )
    .await
}

/// The loop, with what only a real terminal has: a `connector` for the profile switcher, a
/// `shutdown` that ends it cleanly (SIGTERM, SIGHUP), and `suspend`, which hands the
/// terminal back until the shell resumes the process (Ctrl-Z); it answers whether it
/// suspended.
pub async fn run_with<B, E>(
    terminal: &mut Terminal<B>,
    mut events: E,
    clients: Clients,
    mut state: State,
    shutdown: impl std::future::Future<Output = ()>,
    mut suspend: impl FnMut() -> io::Result<bool>,
) -> io::Result<State>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    tokio::pin!(shutdown);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let Clients {
        api,
        ec2,
        connector,
    } = clients;
    if ec2.is_none() {
        let problem = state.join.problem.take();
        state.join = crate::app::join::Join::off();
        state.join.problem = problem;
        state.columns.choice.ec2_off = true;
    }
    let mut runtime = Runtime::new(api, tx)
        .with_ec2(ec2)
        .with_connector(connector)
        .with_recorder(changes::recorder(&state.context.profile));
    let effects = state.start();
    runtime.apply(effects);
    loop {
        if state.dirty {
            terminal
                .draw(|frame| crate::ui::render(&state, frame))
                .map_err(io::Error::other)?;
            state.dirty = false;
        }
        if state.quit {
            break;
        }
        if state.suspend {
            state.suspend = false;
            match suspend() {
                Ok(true) => {
                    // Back from the shell, on a cleared screen: forget the last frame so the
                    // next draw paints everything (without asking the terminal where its
                    // cursor is, which `Terminal::clear` would).
                    terminal.swap_buffers();
                    state.dirty = true;
                }
                Ok(false) => state.info("suspending is not possible here"),
                Err(e) => state.error(format!("could not suspend: {e}")),
            }
            continue;
        }
        let tick = state.next_tick();
        let action = tokio::select! {
            () = &mut shutdown => {
                tracing::info!("terminated by a signal: restoring the terminal");
                break;
            }
            event = events.next() => match event {
                Some(Ok(event)) => match to_action(event) {
                    Some(action) => action,
                    None => continue,
                },
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(action) = rx.recv() => action,
            () = sleep_or_never(tick) => Action::Tick,
        };
        handle(&mut state, &mut runtime, action);
        // Take every answer already waiting before drawing once.
        while let Ok(action) = rx.try_recv() {
            handle(&mut state, &mut runtime, action);
        }
    }
    // Calls still out are abandoned; the state keeps saying what was in flight.
    runtime.apply(
        state
            .screens
            .iter()
            .flat_map(crate::app::Screen::pending)
            .map(Effect::Cancel)
            .collect(),
    );
    Ok(state)
}

/// One action: the runtime forgets finished tasks, `update` runs, its effects start.
pub fn handle(state: &mut State, runtime: &mut Runtime, action: Action) {
    if let Action::Reply { id, .. }
    | Action::IndexBuilt { id, .. }
    | Action::Profiles { id, .. }
    | Action::ChangeDone { id, .. }
    | Action::Audited { id, .. } = &action
    {
        runtime.finished(*id);
    }
    if let Action::Switched {
        id,
        result,
        profile,
    } = &action
    {
        runtime.finished(*id);
        // Only a switch the state still waits for replaces the client.
        if let (Ok(connected), Some(picker)) = (result, state.picker())
            && picker.id == *id
        {
            runtime.api = Arc::clone(&connected.api);
            let taken = runtime.switched_ec2.lock().ok().and_then(|mut s| s.take());
            runtime.ec2 = taken.and_then(|(for_id, ec2)| (for_id == *id).then_some(ec2).flatten());
            runtime.recorder.profile = Some(profile.clone());
            runtime.recorder.account = None;
        }
    }
    state.now = std::time::Instant::now();
    let effects = update(state, action);
    runtime.apply(effects);
}

async fn sleep_or_never(tick: Option<std::time::Duration>) {
    match tick {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Takes over the real terminal, runs the loop, and gives the terminal back however the loop
/// ends. A panic restores the terminal before its message is printed.
pub async fn run_terminal(clients: Clients, state: State) -> io::Result<()> {
    let mouse = state.mouse;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore(mouse);
        previous(info);
    }));
    let mut terminal = ratatui::try_init()?;
    // A seam for the terminal-hygiene test: debug builds can be asked to panic once the
    // terminal is taken over.
    #[cfg(debug_assertions)]
    if std::env::var_os("PORTOLAN_TEST_PANIC").is_some() {
        panic!("test panic requested by PORTOLAN_TEST_PANIC");
    }
    let mut state = state;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let setup = if mouse {
        execute!(io::stdout(), EnableBracketedPaste, EnableMouseCapture)
    } else {
        execute!(io::stdout(), EnableBracketedPaste)
    };
    let result = match setup {
        Ok(()) => run_with(
            &mut terminal,
            EventStream::new(),
            clients,
            state,
            terminated(),
            || suspend(mouse),
        )
        .await
        .map(drop),
        Err(e) => Err(e),
    };
    restore(mouse);
    result
}
