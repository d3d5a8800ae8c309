//! A seeded monkey: random keys, pastes, resizes, ticks and answers (some late, some failed,
//! some for requests already abandoned) fed to the real `update` and drawn with the real
//! renderer on a `TestBackend`, with invariants checked after every step. A short run is a
//! test; `cargo run --release --example monkey -- EVENTS SEED` runs a long one.
//!
//! `service` answers from listings that change as an account does; `invariants` compares the
//! state before and after an event (re-reads, pastes); `probe` is the one place that reads
//! the app's state.

// The short test run and the long example use different parts of it.
#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use portolan::app::{Action, Call, Context, Effect, Reply, RequestId, Screen, State, update};

mod invariants;
mod probe;
mod service;
use service::Service;

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
    /// Re-reads of a loaded list (live or `r`) that completed, and were checked.
    pub rereads: u64,
    /// Pastes while a text input had focus (of an overlay or a screen's prompt).
    pub pastes_into_inputs: u64,
    /// Pastes while an overlay without a focused text input was open.
    pub pastes_over_overlays: u64,
    pub live_toggles: u64,
    /// Creates the service carried out.
    pub creates: u64,
}

pub struct Monkey {
    rng: StdRng,
    state: State,
    pending: Vec<(RequestId, Call)>,
    abandoned: Vec<(RequestId, Call)>,
    terminal: Terminal<TestBackend>,
    service: Service,
    /// The last events, to tell what led to a broken invariant.
    recent: VecDeque<String>,
    pub stats: Stats,
}

/// Events remembered for the report of a broken invariant.
const RECENT: usize = 40;

/// An event in a line: answers by their shape, not their rows.
fn describe(action: &Action) -> String {
    match action {
        Action::Reply { id, result } => {
            let what = match result {
                Ok(Reply::Accelerators(p)) => {
                    format!("{} accelerators, next {:?}", p.items.len(), p.next_token)
                }
                Ok(Reply::Listeners(p)) => {
                    format!("{} listeners, next {:?}", p.items.len(), p.next_token)
                }
                Ok(Reply::EndpointGroups(p)) => {
                    format!("{} groups, next {:?}", p.items.len(), p.next_token)
                }
                Ok(Reply::PortMappings(p)) => {
                    format!("{} mappings, next {:?}", p.items.len(), p.next_token)
                }
                Ok(Reply::DestinationMappings(p)) => {
                    format!(
                        "{} destination mappings, next {:?}",
                        p.items.len(),
                        p.next_token
                    )
                }
                Ok(other) => {
                    let mut s = format!("{other:?}");
                    s.truncate(160);
                    s
                }
                Err(e) => format!("error {e}"),
            };
            format!("answer {id}: {what}")
        }
        Action::Paste(text) => format!("paste of {} chars", text.chars().count()),
        other => format!("{other:?}"),
    }
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
            service: Service::default(),
            recent: VecDeque::new(),
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
                Effect::Ec2 { id, lookup } => {
                    use portolan::app::join::{Ec2Answer, Ec2Failure, Ec2Lookup};
                    // Now a view of nothing held, now a refused permission.
                    let result = match lookup {
                        _ if self.rng.random_ratio(1, 8) => Err(Ec2Failure {
                            message: "refused".into(),
                            access: Some("EC2 permissions missing: ec2:DescribeInstances".into()),
                        }),
                        Ec2Lookup::Subnets { ids, .. } => Ok(Ec2Answer::Subnets(
                            ids.into_iter().map(|i| (i, Default::default())).collect(),
                        )),
                        // Some of the groups' subnets and some spare ones, for the picker.
                        Ec2Lookup::Region { .. } => Ok(Ec2Answer::Region(
                            (0..self.rng.random_range(0..12u32))
                                .map(|s| portolan::model::ec2::Subnet {
                                    id: format!("subnet-{s:08x}"),
                                    cidr: format!("10.0.{s}.0/{}", 20 + s % 9).parse().ok(),
                                    vpc_id: "vpc-1".into(),
                                    availability_zone: "eu-west-1a".into(),
                                    name: (s % 3 != 0).then(|| format!("pool-{s}\u{1b}[2J")),
                                    available_addresses: None,
                                })
                                .collect(),
                        )),
                    };
                    let more = update(&mut self.state, Action::Ec2 { id, result });
                    self.absorb(more);
                }
                Effect::SaveColumns { path, .. } => {
                    let more = update(
                        &mut self.state,
                        Action::ColumnsSaved {
                            path,
                            result: Err("not in the monkey".into()),
                        },
                    );
                    self.absorb(more);
                }
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
                Effect::Change { id, .. } => {
                    let result = portolan::app::ChangeResult {
                        summary: "not in the monkey".into(),
                        complete: false,
                        accelerator: None,
                    };
                    let more = update(&mut self.state, Action::ChangeDone { id, result });
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
                Effect::Audit { id } => {
                    use portolan::app::screens::audit::{AuditFailure, AuditReport};
                    // Now nothing found, now a refused permission.
                    let result = if self.rng.random_ratio(1, 4) {
                        Err(AuditFailure {
                            message: "refused".into(),
                            permission: Some("ec2:DescribeNetworkInterfaces".into()),
                        })
                    } else {
                        Ok(AuditReport {
                            findings: Vec::new(),
                            checked: Default::default(),
                        })
                    };
                    let more = update(&mut self.state, Action::Audited { id, result });
                    self.absorb(more);
                }
            }
        }
    }

    fn key(&mut self) -> Action {
        // Forms keep what was typed until a confirmed discard: leave them often enough to
        // see the rest of the app.
        if (self.state.form().is_some() || self.state.whois().is_some())
            && self.rng.random_bool(0.25)
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
        // Mostly what people paste (addresses, ports, regions, paths), sometimes garbage.
        const PLAIN: &[&str] = &[
            "10.0.3.17",
            " 10.0.3.17\n",
            "75.2.0.1:20001",
            "7000",
            "us-west-2",
            "/tmp/mappings.csv",
            "subnet-0a1b2c3d",
        ];
        if self.rng.random_bool(0.4) {
            return Action::Paste(PLAIN[self.rng.random_range(0..PLAIN.len())].into());
        }
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

    /// The next random event.
    fn event(&mut self) -> Action {
        // Text inputs get pastes often, so every overlay and prompt gets many.
        let typing = matches!(probe::focus(&self.state), probe::Focus::Input { .. });
        if typing && self.rng.random_bool(0.1) {
            self.stats.pastes += 1;
            return self.paste();
        }
        let roll = self.rng.random_range(0..100);
        match roll {
            0..53 => {
                self.stats.keys += 1;
                self.key()
            }
            53..57 => {
                self.stats.pastes += 1;
                self.paste()
            }
            57 => {
                // Live mode on, paused or resumed: re-reads come on the ticks below.
                self.stats.keys += 1;
                self.stats.live_toggles += 1;
                Action::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::NONE))
            }
            58 => {
                // A re-read by hand.
                self.stats.keys += 1;
                Action::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE))
            }
            59..62 => {
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
                let result = self.service.answer(&mut self.rng, &call, true);
                Action::Reply { id, result }
            }
            _ if !self.pending.is_empty() => {
                self.stats.answers += 1;
                let at = self.rng.random_range(0..self.pending.len());
                let (id, call) = self.pending.swap_remove(at);
                let result = self.service.answer(&mut self.rng, &call, false);
                if result.is_err() {
                    self.stats.failures += 1;
                }
                if matches!(
                    result,
                    Ok(Reply::CreatedAccelerator(_)
                        | Reply::CreatedListener(_)
                        | Reply::CreatedEndpointGroup(_))
                ) {
                    self.stats.creates += 1;
                }
                Action::Reply { id, result }
            }
            _ => {
                self.stats.keys += 1;
                self.key()
            }
        }
    }

    /// One random event; returns a description of a broken invariant, if any.
    pub fn step(&mut self) -> Result<(), String> {
        self.stats.events += 1;
        let before = self.before();
        let action = self.event();
        let watch = invariants::Watch::before(&self.state, &action);
        let was = describe(&action);
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(was.clone());
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
        let checked = watch
            .after(&self.state, &self.service, &mut self.stats)
            .and_then(|()| self.check());
        if let Err(e) = checked {
            let recent: Vec<&str> = self.recent.iter().map(String::as_str).collect();
            return Err(format!("{e}\nlast events:\n  {}", recent.join("\n  ")));
        }
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
        for screen in &self.state.screens {
            if let Some((what, i, len)) = probe::selection_outside(screen) {
                return Err(format!("{what}: selection {i} outside {len} rows"));
            }
            if let Some(twice) = probe::loaded_twice(screen) {
                return Err(format!("{twice} is loaded twice in {}", screen.crumb()));
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
        let Some(in_view) = probe::cells_in_view(self.state.top(), rows) else {
            return Ok(());
        };
        let mut real: HashSet<String> = HashSet::new();
        for cell in in_view.into_iter().flatten() {
            let cell = portolan::text::sanitize(&cell);
            for word in cell
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
            {
                real.insert(word.to_string());
            }
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
            Screen::Audit(_) => "audit",
        };
        let modal = probe::overlay_kind(&self.state).map_or(String::new(), |k| format!("+{k}"));
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
