//! A seeded monkey: random keys, pastes, resizes, ticks and answers (some late, some failed,
//! some for requests already abandoned) fed to the real `update` and drawn with the real
//! renderer on a `TestBackend`, with invariants checked after every step. A short run is a
//! test; `cargo run --release --example monkey -- EVENTS SEED` runs a long one.

// The short test run and the long example use different parts of it.
#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use portolan::app::list::{ListPane, Row};
use portolan::app::{Action, Call, Context, Effect, RequestId, Screen, State, update};

mod service;
use service::answer;

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub events: u64,
    pub keys: u64,
    pub pastes: u64,
    pub resizes: u64,
    pub answers: u64,
    pub stale_answers: u64,
    pub failures: u64,
    pub restarts: u64,
}

pub struct Monkey {
    rng: StdRng,
    state: State,
    pending: Vec<(RequestId, Call)>,
    abandoned: Vec<(RequestId, Call)>,
    terminal: Terminal<TestBackend>,
    pub stats: Stats,
}

fn fresh_state(now: Instant) -> State {
    let mut s = State::new(
        Context {
            profile: "monkey".into(),
            endpoint: None,
            account: None,
        },
        (80, 24),
        now,
    );
    s.index_dir = None;
    s
}

const KEYS: &[KeyCode] = &[
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char('g'),
    KeyCode::Char('G'),
    KeyCode::Enter,
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Esc,
    KeyCode::Char('l'),
    KeyCode::Char('h'),
    KeyCode::Char('/'),
    KeyCode::Char('s'),
    KeyCode::Char('S'),
    KeyCode::Char('r'),
    KeyCode::Char('i'),
    KeyCode::Char('m'),
    KeyCode::Char('M'),
    KeyCode::Char('c'),
    KeyCode::Char('w'),
    KeyCode::Char('L'),
    KeyCode::Char('A'),
    KeyCode::Char('D'),
    KeyCode::Char('a'),
    KeyCode::Char('x'),
    KeyCode::Char('y'),
    KeyCode::Char('n'),
    KeyCode::Char('e'),
    KeyCode::Char(':'),
    KeyCode::Char('p'),
    KeyCode::Char('W'),
    KeyCode::Char('d'),
    KeyCode::Char('?'),
    KeyCode::Char(' '),
    KeyCode::Char('.'),
    KeyCode::Char('1'),
    KeyCode::Char('7'),
    KeyCode::Char('0'),
    KeyCode::Delete,
    KeyCode::Backspace,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
];

/// What the form held before a step, to tell a lost input from a confirmed discard.
struct Before {
    dialog: bool,
    dirty: bool,
    confirming: bool,
    submitting: Option<RequestId>,
}

impl Monkey {
    pub fn new(seed: u64) -> Self {
        let mut m = Self {
            rng: StdRng::seed_from_u64(seed),
            state: fresh_state(Instant::now()),
            pending: Vec::new(),
            abandoned: Vec::new(),
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("a test terminal"),
            stats: Stats::default(),
        };
        let effects = m.state.start();
        m.absorb(effects);
        m
    }

    fn absorb(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Call { id, call } => self.pending.push((id, call)),
                Effect::Cancel(id) => {
                    if let Some(at) = self.pending.iter().position(|(p, _)| *p == id) {
                        let gone = self.pending.swap_remove(at);
                        self.abandoned.push(gone);
                    }
                }
                Effect::BuildIndex { id, .. } => {
                    let more = update(
                        &mut self.state,
                        Action::IndexBuilt {
                            id,
                            result: Ok((1, 1)),
                        },
                    );
                    self.absorb(more);
                }
                Effect::Export(job) => {
                    let more = update(
                        &mut self.state,
                        Action::Exported {
                            path: job.path,
                            result: Err("not in the monkey".into()),
                        },
                    );
                    self.absorb(more);
                }
                Effect::Copy(_) => {}
                Effect::ListProfiles { id } => {
                    let names = vec!["default".into(), "prod".into(), "staging".into()];
                    let more = update(
                        &mut self.state,
                        Action::Profiles {
                            id,
                            result: Ok(names),
                        },
                    );
                    self.absorb(more);
                }
                Effect::SwitchProfile { id, profile } => {
                    let more = update(
                        &mut self.state,
                        Action::Switched {
                            id,
                            profile,
                            result: Err("not in the monkey".into()),
                        },
                    );
                    self.absorb(more);
                }
                Effect::LoadPins { account, .. } => {
                    let loaded = portolan::app::watch::PinFile::Loaded {
                        account,
                        pins: Vec::new(),
                        unreadable: Vec::new(),
                    };
                    let more = update(&mut self.state, Action::PinFile(loaded));
                    self.absorb(more);
                }
                Effect::SavePins { .. } | Effect::Bell => {}
            }
        }
    }

    fn key(&mut self) -> Action {
        // Forms keep what was typed until a confirmed discard: leave them often enough to
        // see the rest of the app.
        if (self.state.form().is_some() || self.state.whois().is_some())
            && self.rng.random_bool(0.15)
        {
            let way_out = [
                KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE),
                KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
            ];
            return Action::Key(way_out[self.rng.random_range(0..way_out.len())]);
        }
        let r = self.rng.random_range(0..100);
        let (code, modifiers) = match r {
            0..4 => (
                KeyCode::Char(['n', 'd', 's', 'z', 'c'][self.rng.random_range(0..5)]),
                KeyModifiers::CONTROL,
            ),
            4..20 => (
                KeyCode::Char(char::from(self.rng.random_range(b'!'..=b'~'))),
                KeyModifiers::NONE,
            ),
            _ => (
                KEYS[self.rng.random_range(0..KEYS.len())],
                KeyModifiers::NONE,
            ),
        };
        // Ctrl-C quits only through its own confirmation; keep the monkey in the app.
        let modifiers = if code == KeyCode::Char('c') && modifiers == KeyModifiers::CONTROL {
            KeyModifiers::NONE
        } else {
            modifiers
        };
        Action::Key(KeyEvent::new(code, modifiers))
    }

    fn paste(&mut self) -> Action {
        let len = self.rng.random_range(0..600);
        let text: String = (0..len)
            .map(|_| match self.rng.random_range(0..10) {
                0 => '\u{1b}',
                1 => '\n',
                2 => '界',
                3 => '\u{202e}',
                _ => char::from(self.rng.random_range(b' '..=b'~')),
            })
            .collect();
        Action::Paste(text)
    }

    fn before(&self) -> Before {
        let d = self.state.form();
        Before {
            dialog: d.is_some(),
            dirty: d.is_some_and(|d| d.form.is_dirty()),
            confirming: d.is_some_and(|d| d.form.confirm_discard),
            submitting: d.and_then(|d| d.form.submitting),
        }
    }

    /// One random event; returns a description of a broken invariant, if any.
    pub fn step(&mut self) -> Result<(), String> {
        self.stats.events += 1;
        let before = self.before();
        let roll = self.rng.random_range(0..100);
        let action = match roll {
            0..55 => {
                self.stats.keys += 1;
                self.key()
            }
            55..58 => {
                self.stats.pastes += 1;
                self.paste()
            }
            58..62 => {
                self.stats.resizes += 1;
                let w = if self.rng.random_bool(0.2) {
                    self.rng.random_range(1..60)
                } else {
                    self.rng.random_range(60..=300)
                };
                let h = if self.rng.random_bool(0.2) {
                    self.rng.random_range(1..16)
                } else {
                    self.rng.random_range(16..=100)
                };
                Action::Resize(w, h)
            }
            62..70 => {
                self.state.now += Duration::from_millis(self.rng.random_range(0..8000));
                Action::Tick
            }
            70..75 if !self.abandoned.is_empty() => {
                self.stats.stale_answers += 1;
                let at = self.rng.random_range(0..self.abandoned.len());
                let (id, call) = self.abandoned.swap_remove(at);
                let result = answer(&mut self.rng, &call);
                Action::Reply { id, result }
            }
            _ if !self.pending.is_empty() => {
                self.stats.answers += 1;
                let at = self.rng.random_range(0..self.pending.len());
                let (id, call) = self.pending.swap_remove(at);
                let result = answer(&mut self.rng, &call);
                if result.is_err() {
                    self.stats.failures += 1;
                }
                Action::Reply { id, result }
            }
            _ => {
                self.stats.keys += 1;
                self.key()
            }
        };
        let was = format!("{action:?}");
        let replied = matches!(&action, Action::Reply { id, .. } if Some(*id) == before.submitting);
        let confirm_key =
            matches!(&action, Action::Key(k) if matches!(k.code, KeyCode::Char('y' | 'Y')));
        let effects = update(&mut self.state, action);
        self.absorb(effects);
        if before.dialog && self.state.form().is_none() && !self.state.quit {
            let allowed = !before.dirty || (before.confirming && confirm_key) || replied;
            if !allowed {
                return Err(format!("a form with typed input was dropped by {was}"));
            }
        }
        self.check()?;
        let (w, h) = self.state.size;
        let area = self.terminal.backend().buffer().area;
        if (area.width, area.height) != (w, h) {
            self.terminal.backend_mut().resize(w, h);
        }
        // Every frame drawn whole: the checks read what this state draws, not cells an
        // earlier frame left behind (the test backend keeps some across diffs).
        self.terminal.clear().map_err(|e| e.to_string())?;
        self.terminal
            .draw(|f| portolan::ui::render(&self.state, f))
            .map_err(|e| e.to_string())?;
        self.numbers_whole()?;
        if self.state.quit {
            self.stats.restarts += 1;
            self.state = fresh_state(self.state.now);
            self.pending.clear();
            self.abandoned.clear();
            let effects = self.state.start();
            self.absorb(effects);
        }
        Ok(())
    }

    fn check(&self) -> Result<(), String> {
        let bad = |what: &str, i: usize, len: usize| {
            Err(format!("{what}: selection {i} outside {len} rows"))
        };
        for screen in &self.state.screens {
            match screen {
                Screen::Accelerators(p)
                    if p.visible_len() > 0 && p.selected_index() >= p.visible_len() =>
                {
                    return bad("accelerators", p.selected_index(), p.visible_len());
                }
                Screen::Listeners(s)
                    if s.pane.visible_len() > 0
                        && s.pane.selected_index() >= s.pane.visible_len() =>
                {
                    return bad("listeners", s.pane.selected_index(), s.pane.visible_len());
                }
                Screen::EndpointGroups(s)
                    if s.pane.visible_len() > 0
                        && s.pane.selected_index() >= s.pane.visible_len() =>
                {
                    return bad("groups", s.pane.selected_index(), s.pane.visible_len());
                }
                Screen::Browser(b) if b.view_len() > 0 && b.selected() >= b.view_len() => {
                    return bad("browser", b.selected(), b.view_len());
                }
                _ => {}
            }
        }
        if self.state.screens.is_empty() {
            return Err("the accelerators pane was popped".into());
        }
        Ok(())
    }

    /// Every fitted cell keeps its numbers whole: each word of a table row on screen made of
    /// digits, dots, colons and dashes (what a cut port or address looks like) is a whole
    /// value of a row in view.
    fn numbers_whole(&self) -> Result<(), String> {
        if self.state.overlay.is_some() || self.state.too_small() {
            return Ok(());
        }
        let rows = usize::from(self.state.size.1);
        let mut real: HashSet<String> = HashSet::new();
        let mut add = |cells: Vec<String>| {
            for cell in cells {
                let cell = portolan::text::sanitize(&cell);
                for word in cell
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                {
                    real.insert(word.to_string());
                }
            }
        };
        fn pane<T: Row>(p: &ListPane<T>, rows: usize, add: &mut impl FnMut(Vec<String>)) -> bool {
            for i in p.offset()..(p.offset() + rows).min(p.visible_len()) {
                if let Some(row) = p.visible_row(i) {
                    add(row.cells());
                }
            }
            p.visible_len() > 0
        }
        let shown = match self.state.top() {
            Screen::Accelerators(p) => pane(p, rows, &mut add),
            Screen::Listeners(s) => pane(&s.pane, rows, &mut add),
            Screen::EndpointGroups(s) => pane(&s.pane, rows, &mut add),
            Screen::Browser(b) if b.prompt.is_none() => {
                for i in b.list.offset()..(b.list.offset() + rows).min(b.view_len()) {
                    if let Some(row) = b.row_index(i).and_then(|i| b.table().get(i)) {
                        let mut cells = row.cells().to_vec();
                        cells.push(row.accelerator_port.to_string());
                        cells.push(row.destination().to_string());
                        cells.extend(row.static_ips.iter().cloned());
                        add(cells);
                    }
                }
                b.view_len() > 0
            }
            _ => false,
        };
        if !shown {
            return Ok(());
        }
        let buffer = self.terminal.backend().buffer();
        let area = buffer.area;
        for y in 0..area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..area.width {
                let symbol = buffer[(x, y)].symbol();
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            let Some(inner) = line.strip_prefix('│') else {
                continue;
            };
            if ["/ ", "Subnet", "Tab", "Enter", "✗", "Type"]
                .iter()
                .any(|p| inner.starts_with(p))
            {
                continue;
            }
            for word in inner.replace('│', " ").split_whitespace() {
                let word = word.trim_end_matches(',');
                let numeric = word.chars().any(|c| c.is_ascii_digit())
                    && word
                        .chars()
                        .all(|c| c.is_ascii_digit() || ".:-".contains(c));
                if numeric && !real.contains(word) {
                    return Err(format!(
                        "{word} on screen is no value of a row in view (a cut number?) in {}:\n{}",
                        self.whereabouts(),
                        self.terminal.backend()
                    ));
                }
            }
        }
        Ok(())
    }

    /// Which screen and modal the monkey is in, for tuning its coverage.
    pub fn whereabouts(&self) -> String {
        let screen = match self.state.top() {
            Screen::Accelerators(_) => "accelerators",
            Screen::Listeners(_) => "listeners",
            Screen::EndpointGroups(_) => "groups",
            Screen::AcceleratorInfo(_) => "accelerator-info",
            Screen::ListenerInfo(_) => "listener-info",
            Screen::GroupDetail(_) => "group-detail",
            Screen::Browser(_) => "browser",
            Screen::Watch(_) => "watch",
        };
        let modal = if self.state.form().is_some() {
            "+form"
        } else if self.state.confirm().is_some() {
            "+confirm"
        } else if self.state.whois().is_some() {
            "+lookup"
        } else if self.state.overlay.is_some() {
            "+help"
        } else {
            ""
        };
        format!("{screen}{modal}")
    }

    /// Runs `events` steps, stopping at the first broken invariant.
    pub fn run(&mut self, events: u64) -> Result<Stats, String> {
        for _ in 0..events {
            self.step()?;
        }
        Ok(self.stats)
    }
}
