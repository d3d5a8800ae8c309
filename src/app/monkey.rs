//! A seeded monkey: random keys, pastes, resizes, ticks and answers (some late, some failed,
//! some for requests already abandoned) fed to the real `update` and drawn with the real
//! renderer on a `TestBackend`, with invariants checked after every step. A short run is a
//! test; `cargo run --release --example monkey -- EVENTS SEED` runs a long one.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{Action, Call, Context, Effect, Reply, RequestId, Screen, State, update};
use crate::api::ApiError;
use crate::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, DestinationConfig,
    DestinationPortMapping, EndpointGroup, Listener, Page, PortMapping, PortRange, ProtocolSet,
    SocketAddress, Tag, TrafficState,
};

/// Names that try to break the screen: escapes, OSC 52, bidi, zero-width, wide characters.
const HOSTILE: &[&str] = &[
    "plain-name",
    "evil\u{1b}]52;c;aGk=\u{7}",
    "csi\u{1b}[2J\u{1b}[H",
    "c1\u{9b}31m",
    "bidi\u{202e}drow",
    "zero\u{200b}width",
    "宽字符加速器",
    "emoji🚀🔥",
    "tab\there\nnewline",
];

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

fn name(rng: &mut StdRng, n: usize) -> String {
    format!("{}-{n}", HOSTILE[rng.random_range(0..HOSTILE.len())])
}

fn accelerator(rng: &mut StdRng, n: usize) -> Accelerator {
    Accelerator {
        arn: format!("arn:aws:globalaccelerator::111122223333:accelerator/a{n}"),
        name: name(rng, n),
        ip_address_type: None,
        enabled: rng.random(),
        status: if rng.random() {
            AcceleratorStatus::Deployed
        } else {
            AcceleratorStatus::InProgress
        },
        static_ips: vec![
            format!("75.2.0.{}", n % 250),
            format!("99.83.0.{}", n % 250),
        ],
        dns_name: format!("{}.example", name(rng, n)),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn token(rng: &mut StdRng) -> Option<String> {
    rng.random_bool(0.3)
        .then(|| format!("t{}", rng.random::<u32>()))
}

/// An answer to `call`, made up: mostly right-shaped data, sometimes an error.
fn answer(rng: &mut StdRng, call: &Call) -> Result<Reply, ApiError> {
    if rng.random_bool(0.08) {
        let errors = [
            ApiError::Throttled("Rate exceeded".into()),
            ApiError::Timeout("timed out".into()),
            ApiError::Transport("connection reset".into()),
            ApiError::InvalidNextToken("bad token".into()),
            ApiError::EndpointNotFound("gone".into()),
            ApiError::AccessDenied("no".into()),
            ApiError::LimitExceeded("full".into()),
            ApiError::EndpointGroupAlreadyExists("exists".into()),
        ];
        return Err(errors[rng.random_range(0..errors.len())].clone());
    }
    let n = rng.random_range(0..40);
    let group = |rng: &mut StdRng, i: usize| EndpointGroup {
        arn: format!(
            "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l0/endpoint-group/g{i}"
        ),
        region: name(rng, i),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7000 + u16::try_from(i % 50).unwrap_or(0))
                .unwrap_or(PortRange::new(1, 1).expect("1-1 is a range")),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: (0..i % 5).map(|s| format!("subnet-{s:08x}")).collect(),
    };
    Ok(match call {
        Call::ListAccelerators { .. } => Reply::Accelerators(Page {
            items: (0..n).map(|i| accelerator(rng, i)).collect(),
            next_token: token(rng),
        }),
        Call::ListListeners { .. } => Reply::Listeners(Page {
            items: (0..n % 4)
                .map(|i| Listener {
                    arn: format!(
                        "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l{i}"
                    ),
                    port_ranges: vec![PortRange::new(10_000, 20_000).expect("a range")],
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::ListEndpointGroups { .. } => Reply::EndpointGroups(Page {
            items: (0..n % 6).map(|i| group(rng, i)).collect(),
            next_token: token(rng),
        }),
        Call::DescribeEndpointGroup { .. } => Reply::EndpointGroup(group(rng, n)),
        Call::DescribeAccelerator { .. } => Reply::Accelerator(accelerator(rng, n)),
        Call::DescribeListener { .. } => Reply::Listener(Listener {
            arn: "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l0".into(),
            port_ranges: vec![PortRange::new(1, 65_535).expect("a range")],
        }),
        Call::AcceleratorAttributes { .. } => Reply::Attributes(AcceleratorAttributes {
            flow_logs_enabled: true,
            flow_logs_s3_bucket: Some(name(rng, n)),
            flow_logs_s3_prefix: None,
        }),
        Call::ListTags { .. } => Reply::Tags(vec![Tag {
            key: name(rng, n),
            value: name(rng, n + 1),
        }]),
        Call::ListMappings { .. } => Reply::PortMappings(Page {
            items: (0..n * 50)
                .map(|i| PortMapping {
                    accelerator_port: u16::try_from(1 + i).unwrap_or(1),
                    endpoint_group_arn: group(rng, i % 3).arn,
                    endpoint_id: format!("subnet-{:08x}", i % 7),
                    destination: SocketAddress {
                        ip: format!("10.0.{}.{}", i / 250, i % 250),
                        port: 7000,
                    },
                    protocols: ProtocolSet::BOTH,
                    traffic: if i % 3 == 0 {
                        TrafficState::Deny
                    } else {
                        TrafficState::Allow
                    },
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::ListMappingsByDestination { ip, subnet, .. } => Reply::DestinationMappings(Page {
            items: (0..n % 12)
                .map(|i| DestinationPortMapping {
                    accelerator_arn: "arn:aws:globalaccelerator::111122223333:accelerator/a0"
                        .into(),
                    accelerator_sockets: vec![SocketAddress {
                        ip: "75.2.0.1".into(),
                        port: u16::try_from(20_000 + i).unwrap_or(1),
                    }],
                    endpoint_group_arn: group(rng, 0).arn,
                    endpoint_id: subnet.clone(),
                    endpoint_group_region: name(rng, i),
                    destination: SocketAddress {
                        ip: ip.clone(),
                        port: u16::try_from(7000 + i).unwrap_or(1),
                    },
                    ip_address_type: None,
                    traffic: TrafficState::Allow,
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::GroupsOfAccelerator { .. } => Reply::Groups((0..3).map(|i| group(rng, i)).collect()),
        Call::CreateEndpointGroup(r) => Reply::CreatedEndpointGroup(EndpointGroup {
            arn: format!("{}/endpoint-group/new{n}", r.listener_arn),
            region: r.region.clone(),
            destinations: r.destinations.clone(),
            endpoints: vec![],
        }),
        Call::CreateAccelerator(_) => Reply::CreatedAccelerator(accelerator(rng, 1000 + n)),
        Call::CreateListener(r) => Reply::CreatedListener(Listener {
            arn: format!("{}/listener/new{n}", r.accelerator_arn),
            port_ranges: r.port_ranges.clone(),
        }),
        Call::AddEndpoints { subnets, .. } => Reply::EndpointsAdded {
            added: subnets.clone(),
            allowed: None,
        },
        Call::ListenerUsage { .. } => Reply::Usage(crate::model::capacity::ListenerUsage {
            total: 10_001,
            groups: vec![("eu-west-1".into(), "arn:g".into(), n as u64 * 11)],
        }),
        Call::Whois { .. } => Reply::Whois(Err("no mapping of x uses accelerator port 1".into())),
        Call::Holders { ip, .. } => Reply::Holders {
            ip: ip.to_string(),
            found: vec![],
        },
        Call::AllowTraffic(_)
        | Call::DenyTraffic(_)
        | Call::RemoveEndpoints { .. }
        | Call::DeleteEndpointGroup { .. } => Reply::Done,
    })
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
            }
        }
    }

    fn key(&mut self) -> Action {
        // Forms keep what was typed until a confirmed discard: leave them often enough to
        // see the rest of the app.
        if (self.state.dialog.is_some() || self.state.lookup.is_some())
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
        let d = self.state.dialog.as_ref();
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
        if before.dialog && self.state.dialog.is_none() && !self.state.quit {
            let allowed = !before.dirty || (before.confirming && confirm_key) || replied;
            if !allowed {
                return Err(format!("a form with typed input was dropped by {was}"));
            }
        }
        self.check()?;
        let (w, h) = self.state.size;
        self.terminal.backend_mut().resize(w, h);
        self.terminal
            .draw(|f| crate::ui::render(&self.state, f))
            .map_err(|e| e.to_string())?;
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
                Screen::Browser(b) if b.view_len() > 0 && b.selected >= b.view_len() => {
                    return bad("browser", b.selected, b.view_len());
                }
                _ => {}
            }
        }
        if self.state.screens.is_empty() {
            return Err("the accelerators pane was popped".into());
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
        };
        let modal = if self.state.dialog.is_some() {
            "+form"
        } else if self.state.confirm.is_some() {
            "+confirm"
        } else if self.state.lookup.is_some() {
            "+lookup"
        } else if self.state.modal.is_some() {
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
