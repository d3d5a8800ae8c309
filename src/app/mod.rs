//! The interactive explorer's state and its one `update` function. `update` changes the state
//! and returns effects (calls to make, calls to abort); it never does IO, so every behaviour
//! here is tested without a terminal or a network.

mod action;
mod call;
pub mod changes;
pub mod columns;
mod commands;
mod deliver;
#[cfg(test)]
mod fixtures;
mod follow;
mod hints;
mod indexing;
pub mod join;
mod key;
pub mod keymap;
pub mod list;
pub mod live;
mod mouse;
pub mod overlays;
mod router;
pub mod rows;
pub mod screens;
mod sort;
pub mod watch;

pub use overlays::{confirm as actions, create as dialogs, profiles};
pub use screens::browser::{self, table as mappings};

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use action::{Action, Context, Effect, ExportJob, ExportRows, Message};
pub use call::{Call, Reply, RequestId};
pub use changes::{ChangeJob, ChangeResult, Journaled};
pub use hints::{Hint, changing_keys};
pub use keymap::KeyMap;
pub use overlays::Overlay;
pub use router::hints;
pub use screens::{
    AcceleratorInfo, FIELD_NAME_WIDTH, GroupDetail, GroupsScreen, ListenerInfo, ListenersScreen,
    Loadable, Screen, fields_height,
};

pub use crate::model::ThemeName;
use list::ListPane;
use screens::with_list;

/// Rows of chrome around a list: header, breadcrumbs, the list's frame and column header,
/// status bar and key hints. The drawing code lays out the same rows.
pub const CHROME_ROWS: u16 = 7;
/// Below this size the screen shows only a request to enlarge the terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// Mappings per browser request unless `--page-size` says otherwise. Measured through the
/// SDK against the emulator (`cargo bench --bench browser`): 1000 a page gave the most
/// mappings per second and a first page in about 12 ms; 20000 took 0.3 s for the first page
/// and was slower overall.
pub const DEFAULT_PAGE_SIZE: i32 = 1000;
pub const READ_ONLY: &str = "read-only (--read-only, or read_only in the config file): portolan creates and changes nothing";
/// Information messages fade after this long; errors stay until dismissed.
const INFO_TTL: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct State {
    pub now: Instant,
    pub started: Instant,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    pub context: Context,
    /// Never empty: the accelerators pane is at the bottom.
    pub screens: Vec<Screen>,
    /// What floats over the screens; it takes every input.
    pub overlay: Option<Overlay>,
    /// The accelerator followed after a change until it is DEPLOYED.
    pub follow: Option<follow::Follow>,
    /// Auto-refresh (`L`, `--refresh`); `None` until first turned on.
    pub live: Option<live::Live>,
    /// The address last looked up with `w`, offered again by the next one.
    pub last_whois: String,
    /// Where mapping indexes live (none: lookups read the service).
    pub index_dir: Option<PathBuf>,
    /// An index build in progress.
    pub indexing: Option<indexing::Indexing>,
    /// Started with --read-only: nothing is changed, every mutation is refused before a call.
    pub read_only: bool,
    /// Pinned sockets, re-read on an interval whatever screen is on top.
    pub watch: watch::Watching,
    /// What EC2 says of the subnets and destinations on screen.
    pub join: join::Join,
    pub message: Option<Message>,
    /// Every message and error so far (the last `overlays::messages::KEPT`), with its time.
    pub messages: overlays::messages::MessageLog,
    pub mouse: bool,
    pub theme: ThemeName,
    /// Which key runs which command on the screens (the config can rebind them).
    pub keymap: std::sync::Arc<KeyMap>,
    /// Mappings per request in the browser.
    pub page_size: i32,
    /// Which columns each view shows, and the config file that keeps them.
    pub columns: columns::Columns,
    /// Exports still being written.
    pub exports: usize,
    /// This session's journaled changes (for `u`) and the bulk change or undo on its way.
    pub changes: changes::Session,
    pub quit: bool,
    /// Ctrl-Z: the loop hands the terminal back to the shell.
    pub suspend: bool,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    /// The message shown says the service could not be reached: the next answer clears it.
    unreachable: bool,
    next_request: RequestId,
}

impl State {
    pub fn new(context: Context, size: (u16, u16), now: Instant) -> Self {
        Self {
            now,
            started: now,
            size,
            context,
            screens: vec![Screen::Accelerators(ListPane::default())],
            overlay: None,
            follow: None,
            live: None,
            last_whois: String::new(),
            index_dir: None,
            indexing: None,
            read_only: false,
            watch: watch::Watching::default(),
            join: join::Join::default(),
            message: None,
            messages: overlays::messages::MessageLog::default(),
            mouse: false,
            theme: ThemeName::Dark,
            keymap: std::sync::Arc::default(),
            page_size: DEFAULT_PAGE_SIZE,
            columns: columns::Columns::default(),
            exports: 0,
            changes: changes::Session::default(),
            quit: false,
            suspend: false,
            dirty: true,
            unreachable: false,
            next_request: 1,
        }
    }

    /// The effects that load the first screen.
    pub fn start(&mut self) -> Vec<Effect> {
        self.reload_top()
    }

    pub fn top(&self) -> &Screen {
        self.screens
            .last()
            .expect("the accelerators pane is never popped")
    }

    pub fn top_mut(&mut self) -> &mut Screen {
        self.screens
            .last_mut()
            .expect("the accelerators pane is never popped")
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// Any request in flight on any screen.
    pub fn busy(&self) -> bool {
        self.exports > 0
            || self.changes.running.is_some()
            || self.indexing.is_some()
            || self
                .form()
                .is_some_and(|d| d.form.submitting.is_some() || d.count.pending().is_some())
            || self.confirm().is_some_and(|c| c.pending.is_some())
            || self.follow.as_ref().is_some_and(|f| f.pending.is_some())
            || self
                .whois()
                .is_some_and(|l| l.pending.is_some() || l.narrowing.is_some())
            || self.screens.iter().any(|s| !s.pending().is_empty())
    }

    /// Rows a list shows at the current size (one fewer while a filter line is shown).
    pub fn list_rows(&self) -> usize {
        let filter_line = !matches!(self.top(), Screen::Browser(_))
            && with_list!(self.top(), |l| l.filter.editing || l.filter.is_active())
                .unwrap_or(false);
        let above = match self.top() {
            Screen::GroupDetail(s) => s.fields_frame_height(self.size),
            Screen::Audit(_) => screens::audit::extra_rows(self.size.0),
            Screen::Browser(b) => b.rows_above(self.size.0.saturating_sub(2)),
            _ => 0,
        };
        let chrome = CHROME_ROWS + u16::from(filter_line) + above;
        usize::from(self.size.1.saturating_sub(chrome)).max(1)
    }

    /// How long the loop may sleep before state needs redrawing without any input: the
    /// spinner turns while requests are in flight, ages tick once a second, messages fade.
    pub fn next_tick(&self) -> Option<Duration> {
        if with_list!(self.top(), |l| l.filter_progress().is_some()).unwrap_or(false) {
            // A filter is looking at rows a chunk per tick: keep it going at once.
            return Some(Duration::ZERO);
        }
        if self.busy() {
            return Some(Duration::from_millis(100));
        }
        let age_on_screen = self.top().freshness().0.is_some()
            || self.follow.is_some()
            || self.live.as_ref().is_some_and(|l| !l.paused);
        let fading = self.message.as_ref().is_some_and(|m| !m.error);
        let chrome = (age_on_screen || fading).then_some(Duration::from_secs(1));
        match (chrome, watch::next_tick(self)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn request_id(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    fn reload_top(&mut self) -> Vec<Effect> {
        let mut effects: Vec<Effect> = self
            .top_mut()
            .cancel_all()
            .into_iter()
            .map(Effect::Cancel)
            .collect();
        let mut next = self.next_request;
        let calls = self.top_mut().reload(|| {
            next += 1;
            next - 1
        });
        self.next_request = next;
        effects.extend(
            calls
                .into_iter()
                .map(|(id, call)| Effect::Call { id, call }),
        );
        effects
    }

    fn push(&mut self, screen: Screen) -> Vec<Effect> {
        self.screens.push(screen);
        self.reload_top()
    }

    fn pop(&mut self) -> Vec<Effect> {
        if self.screens.len() <= 1 {
            return Vec::new();
        }
        let mut screen = self.screens.pop().expect("checked above");
        screen
            .cancel_all()
            .into_iter()
            .map(Effect::Cancel)
            .collect()
    }

    /// Whether a change may be made; says why not when the session is read-only.
    pub fn may_change(&mut self) -> bool {
        if self.read_only {
            tracing::info!("mutation refused: read-only");
            self.error(READ_ONLY);
            return false;
        }
        true
    }

    pub fn info(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.record(&text, false, self.now);
        self.message = Some(Message {
            text,
            error: false,
            at: self.now,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.unreachable = false;
        let text = text.into();
        self.messages.record(&text, true, self.now);
        self.message = Some(Message {
            text,
            error: true,
            at: self.now,
        });
    }

    /// Requests the next page of the visible list when the cursor nears the end of what is
    /// loaded.
    fn load_more(&mut self) -> Vec<Effect> {
        let rows = self.list_rows();
        let id = self.next_request;
        let top = self.top_mut();
        let token = match &*top {
            Screen::Browser(b) => b.wants_next_page(rows),
            top => with_list!(top, |l| l.wants_next_page(rows)).flatten(),
        };
        let Some((token, call)) = token.and_then(|t| Some((t.clone(), top.list_call(Some(t))?)))
        else {
            return Vec::new();
        };
        with_list!(mut top, |l| l.begin_next_page(id, token));
        self.next_request += 1;
        vec![Effect::Call { id, call }]
    }

    fn scroll_top_into_view(&mut self) {
        let rows = self.list_rows();
        with_list!(mut self.top_mut(), |l| l.scroll_into_view(rows));
    }
}

/// Applies one action to the state and returns what the loop must do next.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = match action {
        Action::Key(key) => {
            state.dirty = true;
            router::key(state, key)
        }
        Action::Paste(text) => {
            state.dirty = true;
            router::paste(state, &text);
            Vec::new()
        }
        Action::Mouse(mouse) => router::mouse(state, mouse),
        Action::Resize(width, height) => {
            state.size = (width, height);
            state.dirty = true;
            Vec::new()
        }
        Action::Tick => {
            let effects = router::tick(state);
            if state
                .message
                .as_ref()
                .is_some_and(|m| !m.error && state.now.duration_since(m.at) >= INFO_TTL)
            {
                state.message = None;
            }
            state.dirty = true;
            effects
        }
        Action::Reply { id, result } => state.deliver(id, result),
        Action::IndexProgress { id, read, bound } => {
            indexing::progress(state, id, read, bound);
            Vec::new()
        }
        Action::IndexBuilt { id, result } => {
            indexing::finished(state, id, result);
            Vec::new()
        }
        Action::Profiles { id, result } => {
            state.dirty = true;
            profiles::listed(state, id, result);
            Vec::new()
        }
        Action::Switched {
            id,
            profile,
            result,
        } => {
            state.dirty = true;
            profiles::switched(state, id, profile, result)
        }
        Action::Exported { path, result } => {
            overlays::export::finished(state, &path, result);
            Vec::new()
        }
        Action::ColumnsSaved { path, result } => {
            columns::saved(state, &path, result);
            Vec::new()
        }
        Action::Journaled(change) => {
            changes::journaled(state, change);
            Vec::new()
        }
        Action::ChangeProgress { id, done, total } => {
            changes::progress(state, id, done, total);
            Vec::new()
        }
        Action::ChangeDone { id, result } => changes::done(state, id, result),
        Action::PinFile(event) => watch::pin_file(state, event),
        Action::Ec2 { id, result } => {
            let before = state.join.problem.is_some();
            state.dirty |= state.join.answered(id, result);
            if let (false, Some(problem)) = (before, state.join.problem.clone()) {
                // Said once; the header keeps it short until `r`.
                state.info(format!(
                    "{problem}: the rest works without EC2 (r asks again)"
                ));
            }
            overlays::whois::narrow(state)
        }
        Action::AuditProgress { id, progress } => {
            screens::audit::progress(state, id, progress);
            Vec::new()
        }
        Action::Audited { id, result } => {
            screens::audit::answered(state, id, result);
            Vec::new()
        }
    };
    effects.extend(watch::sync_account(state));
    state.scroll_top_into_view();
    effects.extend(state.load_more());
    state.scroll_top_into_view();
    effects.extend(join::wanted(state));
    effects
}

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "screens/browser/tests.rs"]
mod browser_tests;

#[cfg(test)]
#[path = "screens/browser/form_cidr_tests.rs"]
mod browser_cidr_tests;

#[cfg(test)]
#[path = "overlays/form_tests.rs"]
mod form_tests;

#[cfg(test)]
mod live_tests;

#[cfg(test)]
#[path = "overlays/whois_tests.rs"]
mod lookup_tests;

#[cfg(test)]
#[path = "overlays/whois_ec2_tests.rs"]
mod lookup_ec2_tests;
