//! Every pane and detail view drawn on a `TestBackend` at 80×24 and 160×48, from states built
//! with `update` alone. Data and clock are fixed, so nothing needs redacting.

use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::api::ApiError;
use portolan::app::{Action, Context, Effect, Reply, State, update};
use portolan::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, DestinationConfig,
    DestinationPortMapping, EndpointGroup, IpAddressType, Listener, Page, PortRange, Protocol,
    ProtocolSet, SocketAddress, Tag, TrafficState,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const ACC: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d";

fn at(secs: u64) -> Option<SystemTime> {
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

fn accelerators() -> Vec<Accelerator> {
    let names = [
        ("game-eu-central", true, AcceleratorStatus::Deployed),
        ("game-us-east", true, AcceleratorStatus::InProgress),
        ("voip-core", true, AcceleratorStatus::Deployed),
        ("idle-spare", false, AcceleratorStatus::Deployed),
        (
            "evil\u{1b}]52;c;aGk=\u{7}name",
            true,
            AcceleratorStatus::Deployed,
        ),
    ];
    names
        .into_iter()
        .enumerate()
        .map(|(i, (name, enabled, status))| Accelerator {
            arn: if i == 0 {
                ACC.to_string()
            } else {
                format!("arn:aws:globalaccelerator::111122223333:accelerator/00000000-0000-4000-8000-00000000000{i}")
            },
            name: name.into(),
            ip_address_type: Some(IpAddressType::Ipv4),
            enabled,
            status,
            static_ips: vec![format!("75.2.16.{}", i + 1), format!("99.83.20.{}", i + 1)],
            dns_name: format!("a{i}1c2b7e5d4a4e2b.awsglobalaccelerator.com"),
            created: at(1_767_225_600),
            last_modified: at(1_767_312_000),
            tags: vec![],
        })
        .collect()
}

fn listener() -> Listener {
    Listener {
        arn: format!("{ACC}/listener/0a1b2c3d"),
        port_ranges: vec![
            PortRange::new(10_000, 30_000).unwrap(),
            PortRange::new(40_000, 40_999).unwrap(),
        ],
    }
}

fn groups() -> Vec<EndpointGroup> {
    let udp: ProtocolSet = [Protocol::Udp].into_iter().collect();
    [("eu-central-1", 5), ("us-east-1", 3), ("ap-northeast-1", 1)]
        .into_iter()
        .enumerate()
        .map(|(i, (region, subnets))| EndpointGroup {
            arn: format!("{}/endpoint-group/{i}b2c3d4e5f6a", listener().arn),
            region: region.into(),
            destinations: vec![
                DestinationConfig {
                    ports: PortRange::new(7777, 7786).unwrap(),
                    protocols: udp,
                },
                DestinationConfig {
                    ports: PortRange::new(8000, 8000).unwrap(),
                    protocols: ProtocolSet::BOTH,
                },
            ],
            endpoints: (0..subnets)
                .map(|n| format!("subnet-0{i}{n}a1b2c3d4e5f6a7"))
                .collect(),
        })
        .collect()
}

struct Harness {
    state: State,
    pending: Vec<u64>,
}

impl Harness {
    fn new() -> Self {
        let mut state = State::new(
            Context {
                profile: "prod-network".into(),
                endpoint: None,
                account: None,
            },
            (80, 24),
            Instant::now(),
        );
        let pending = ids(state.start());
        let mut h = Harness { state, pending };
        h.answer(Reply::Accelerators(Page {
            items: accelerators(),
            next_token: None,
        }));
        h
    }

    fn absorb(&mut self, effects: Vec<Effect>) {
        self.pending.extend(ids(effects));
    }

    fn key(&mut self, code: KeyCode) {
        let effects = update(
            &mut self.state,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.absorb(effects);
    }

    fn answer(&mut self, reply: Reply) {
        let id = self.pending.remove(0);
        let effects = update(
            &mut self.state,
            Action::Reply {
                id,
                result: Ok(reply),
            },
        );
        self.absorb(effects);
    }

    fn fail(&mut self, error: ApiError) {
        let id = self.pending.remove(0);
        let effects = update(
            &mut self.state,
            Action::Reply {
                id,
                result: Err(error),
            },
        );
        self.absorb(effects);
    }

    fn screen(&mut self, (w, h): (u16, u16)) -> String {
        update(&mut self.state, Action::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| portolan::ui::render(&self.state, f))
            .unwrap();
        terminal.backend().to_string()
    }

    fn snapshot(&mut self, name: &str) {
        for size in SIZES {
            let screen = self.screen(size);
            insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
        }
    }

    fn open_endpoint_groups(&mut self) {
        self.key(KeyCode::Enter);
        self.answer(Reply::Listeners(Page {
            items: vec![listener()],
            next_token: None,
        }));
        self.key(KeyCode::Enter);
        self.answer(Reply::EndpointGroups(Page {
            items: groups(),
            next_token: None,
        }));
    }
}

fn ids(effects: Vec<Effect>) -> Vec<u64> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Call { id, .. } => Some(id),
            _ => None,
        })
        .collect()
}

#[test]
fn accelerators_pane() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('j'));
    h.snapshot("accelerators");
}

#[test]
fn accelerators_filtered_and_sorted() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('S'));
    h.key(KeyCode::Char('/'));
    for c in "game".chars() {
        h.key(KeyCode::Char(c));
    }
    h.snapshot("accelerators_filtered");
}

#[test]
fn stale_rows_after_a_failed_refresh() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('r'));
    h.state.now += Duration::from_secs(75);
    h.fail(ApiError::Throttled(
        "Rate exceeded: slow down, or wait before retrying".into(),
    ));
    h.snapshot("accelerators_stale");
}

#[test]
fn first_load_failure() {
    let mut state = State::new(Context::default(), (80, 24), Instant::now());
    let id = ids(state.start())[0];
    update(
        &mut state,
        Action::Reply {
            id,
            result: Err(ApiError::Credentials(
                "no AWS credentials found: run `aws configure` or `aws sso login --profile NAME`, or try `portolan --demo`".into(),
            )),
        },
    );
    let mut h = Harness {
        state,
        pending: vec![],
    };
    h.snapshot("accelerators_no_credentials");
}

#[test]
fn listeners_pane() {
    let mut h = Harness::new();
    h.key(KeyCode::Enter);
    h.snapshot("listeners_loading");
    h.answer(Reply::Listeners(Page {
        items: vec![listener()],
        next_token: None,
    }));
    h.snapshot("listeners");
}

#[test]
fn endpoint_groups_pane() {
    let mut h = Harness::new();
    h.open_endpoint_groups();
    h.snapshot("endpoint_groups");
}

#[test]
fn endpoint_group_detail() {
    let mut h = Harness::new();
    h.open_endpoint_groups();
    h.key(KeyCode::Enter);
    let group = groups().remove(0);
    h.answer(Reply::EndpointGroup(group));
    h.key(KeyCode::Char('j'));
    h.snapshot("endpoint_group_detail");
}

#[test]
fn accelerator_info() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('i'));
    h.answer(Reply::Accelerator(accelerators().remove(0)));
    h.answer(Reply::Tags(vec![
        Tag {
            key: "team".into(),
            value: "edge-networking".into(),
        },
        Tag {
            key: "cost-centre".into(),
            value: "4411\u{1b}[2J".into(),
        },
    ]));
    h.answer(Reply::Attributes(AcceleratorAttributes {
        flow_logs_enabled: true,
        flow_logs_s3_bucket: Some("flow-logs-111122223333".into()),
        flow_logs_s3_prefix: Some("ga/".into()),
    }));
    h.snapshot("accelerator_info");
}

#[test]
fn listener_info() {
    let mut h = Harness::new();
    h.key(KeyCode::Enter);
    h.answer(Reply::Listeners(Page {
        items: vec![listener()],
        next_token: None,
    }));
    h.key(KeyCode::Char('i'));
    h.answer(Reply::Listener(listener()));
    h.snapshot("listener_info");
}

#[test]
fn help_overlay() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('?'));
    h.snapshot("help");
}

#[test]
fn too_small() {
    let mut h = Harness::new();
    let screen = h.screen((40, 10));
    insta::assert_snapshot!("too_small_40x10", screen);
    // Degenerate sizes draw without panicking.
    for size in [(1, 1), (2, 1), (59, 16), (60, 15), (300, 100)] {
        h.screen(size);
    }
}

#[test]
fn api_strings_never_reach_the_screen_as_control_characters() {
    let mut h = Harness::new();
    for size in SIZES {
        let screen = h.screen(size);
        assert!(!screen.contains('\u{1b}'), "{screen}");
        assert!(screen.contains("evil\\x1b]52"), "{screen}");
    }
}

fn destination_rows(ip: &str, n: u16) -> Vec<DestinationPortMapping> {
    let group = groups().remove(0);
    (0..n)
        .map(|i| DestinationPortMapping {
            accelerator_arn: ACC.into(),
            accelerator_sockets: ["75.2.16.1", "99.83.20.1"]
                .into_iter()
                .map(|a| SocketAddress {
                    ip: a.into(),
                    port: 10_433 + i * 7,
                })
                .collect(),
            endpoint_group_arn: group.arn.clone(),
            endpoint_id: group.endpoints[0].clone(),
            endpoint_group_region: group.region.clone(),
            destination: SocketAddress {
                ip: ip.into(),
                port: 7777 + i,
            },
            ip_address_type: None,
            traffic: if i % 4 == 3 {
                TrafficState::Deny
            } else {
                TrafficState::Allow
            },
        })
        .collect()
}

impl Harness {
    fn open_browser(&mut self, address: &str) {
        self.open_endpoint_groups();
        self.key(KeyCode::Char('m'));
        for c in address.chars() {
            self.key(KeyCode::Char(c));
        }
    }
}

#[test]
fn browser_waiting_for_a_destination() {
    let mut h = Harness::new();
    h.open_browser("10.0.3.");
    h.snapshot("browser_empty");
    h.key(KeyCode::Enter);
    h.snapshot("browser_bad_address");
}

#[test]
fn browser_loading_loaded_filtered_and_failed() {
    let mut h = Harness::new();
    h.open_browser("10.0.3.17");
    h.key(KeyCode::Enter);
    h.snapshot("browser_loading");
    h.answer(Reply::DestinationMappings(Page {
        items: destination_rows("10.0.3.17", 10),
        next_token: Some("more".into()),
    }));
    h.key(KeyCode::Char('j'));
    h.snapshot("browser_loaded");
    h.key(KeyCode::Char('/'));
    for c in "deny".chars() {
        h.key(KeyCode::Char(c));
    }
    h.snapshot("browser_filtered");
    h.key(KeyCode::Esc);
    h.key(KeyCode::End);
    h.fail(ApiError::InvalidNextToken(
        "The nextToken is not valid or has expired".into(),
    ));
    h.snapshot("browser_error");
}

#[test]
fn browser_empty_answer_says_why() {
    let mut h = Harness::new();
    h.open_browser("10.9.9.9");
    h.key(KeyCode::Enter);
    h.answer(Reply::DestinationMappings(Page {
        items: vec![],
        next_token: None,
    }));
    h.snapshot("browser_no_mappings");
}

#[test]
fn no_colour_theme_uses_no_colour_and_still_marks_every_state() {
    use ratatui::style::{Color, Modifier};
    let mut h = Harness::new();
    h.state.theme = portolan::model::ThemeName::NoColor;
    h.open_browser("10.0.3.17");
    h.key(KeyCode::Enter);
    h.answer(Reply::DestinationMappings(Page {
        items: destination_rows("10.0.3.17", 8),
        next_token: None,
    }));
    update(&mut h.state, Action::Resize(160, 48));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal
        .draw(|f| portolan::ui::render(&h.state, f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    let screen = terminal.backend().to_string();
    insta::assert_snapshot!("browser_no_colour_160x48", screen);
    // The selected row is reversed, DENY is bold, and both carry their own markers.
    let row_of = |needle: &str| {
        screen
            .lines()
            .position(|l| l.contains(needle))
            .map(|r| u16::try_from(r).unwrap())
            .unwrap()
    };
    let selected = row_of("▶");
    assert!(buffer[(3, selected)].modifier.contains(Modifier::REVERSED));
    let deny = row_of("✗ DENY");
    let x = u16::try_from(
        screen
            .lines()
            .nth(usize::from(deny))
            .unwrap()
            .chars()
            .position(|c| c == '✗')
            .unwrap(),
    )
    .unwrap();
    assert!(buffer[(x, deny)].modifier.contains(Modifier::BOLD));
}

/// Words on the table rows of the screen made only of digits, dots, colons and dashes: what
/// a cut number would look like.
fn numeric_words(screen: &[String]) -> Vec<String> {
    screen
        .iter()
        .filter(|l| l.starts_with('│') && !l.starts_with("│/ ") && !l.starts_with("│Subnet"))
        .flat_map(|l| {
            l.replace('│', " ")
                .split_whitespace()
                .map(|w| w.trim_end_matches(',').to_string())
                .collect::<Vec<_>>()
        })
        .filter(|w| {
            w.chars().any(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_digit() || ".:-".contains(c))
        })
        .collect()
}

impl Harness {
    fn lines(&mut self, (w, h): (u16, u16)) -> Vec<String> {
        update(&mut self.state, Action::Resize(w, h));
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| portolan::ui::render(&self.state, f))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..h)
            .map(|y| (0..w).map(|x| buffer[(x, y)].symbol()).collect())
            .collect()
    }
}

fn high_port_rows(n: u16) -> Vec<DestinationPortMapping> {
    let other =
        "arn:aws:globalaccelerator::111122223333:accelerator/00000000-0000-4000-8000-000000000002";
    destination_rows("10.48.24.4", n)
        .into_iter()
        .enumerate()
        .map(|(i, mut m)| {
            for s in &mut m.accelerator_sockets {
                s.port = 54_442 + u16::try_from(i).unwrap();
            }
            if i % 2 == 1 {
                m.accelerator_arn = other.into();
                for (s, ip) in m
                    .accelerator_sockets
                    .iter_mut()
                    .zip(["75.2.16.2", "99.83.20.2"])
                {
                    s.ip = ip.into();
                }
            }
            m
        })
        .collect()
}

#[test]
fn rows_of_two_accelerators_show_their_ips_as_a_column() {
    let mut h = Harness::new();
    h.open_browser("10.48.24.4");
    h.key(KeyCode::Enter);
    h.answer(Reply::DestinationMappings(Page {
        items: high_port_rows(12),
        next_token: None,
    }));
    h.snapshot("browser_two_accelerators");
    let wide = h.lines((160, 48)).join("\n");
    assert!(wide.contains("ACCELERATOR IPS"), "{wide}");
    assert!(wide.contains("75.2.16.2 99.83.20.2"), "{wide}");
}

#[test]
fn no_number_on_screen_is_cut() {
    let rows = high_port_rows(12);
    let mut real: Vec<String> = Vec::new();
    for m in &rows {
        real.push(m.destination.to_string());
        real.push(m.destination.ip.clone());
        for s in &m.accelerator_sockets {
            real.push(s.port.to_string());
            real.push(s.ip.clone());
        }
    }
    let mut h = Harness::new();
    h.open_browser("10.48.24.4");
    h.key(KeyCode::Enter);
    h.answer(Reply::DestinationMappings(Page {
        items: rows,
        next_token: None,
    }));
    for width in [60, 61, 64, 70, 75, 80, 90, 100, 120, 160, 200] {
        let screen = h.lines((width, 24));
        let mut words = numeric_words(&screen);
        // The breadcrumbs too: the first crumbs make way whole.
        words.extend(numeric_words(&[format!("│{}", screen[1])]));
        assert!(words.iter().any(|w| w.starts_with("5444")), "{screen:#?}");
        for word in words {
            assert!(
                real.contains(&word),
                "{word} is not a value at {width} columns:\n{}",
                screen.join("\n")
            );
        }
    }
}

#[test]
fn one_accelerator_says_its_ips_once_and_its_ports_in_a_column() {
    let mut h = Harness::new();
    let mut effects = update(
        &mut h.state,
        Action::Key(KeyEvent::new(KeyCode::Char('M'), KeyModifiers::NONE)),
    );
    let group = groups().remove(0);
    let mut answered = 0;
    while let Some(effect) = effects.pop() {
        let Effect::Call { id, call } = effect else {
            continue;
        };
        let reply = match call {
            portolan::app::Call::GroupsOfAccelerator { .. } => Reply::Groups(groups()),
            portolan::app::Call::ListMappings { .. } => Reply::PortMappings(Page {
                items: (0..30u16)
                    .map(|i| portolan::model::PortMapping {
                        accelerator_port: 54_442 + i,
                        endpoint_group_arn: group.arn.clone(),
                        endpoint_id: group.endpoints[0].clone(),
                        destination: SocketAddress {
                            ip: format!("10.48.24.{}", 4 + i / 10),
                            port: 7777 + i % 10,
                        },
                        protocols: ProtocolSet::BOTH,
                        traffic: TrafficState::Allow,
                    })
                    .collect(),
                next_token: Some("more".into()),
            }),
            other => panic!("unexpected call {other:?}"),
        };
        answered += 1;
        effects.extend(update(
            &mut h.state,
            Action::Reply {
                id,
                result: Ok(reply),
            },
        ));
    }
    assert!(answered >= 1);
    h.snapshot("browser_one_accelerator");
    let narrow = h.lines((80, 24));
    let table = narrow.join("\n");
    for title in ["PORT", "DESTINATION", "PROTO", "TRAFFIC", "ACCELERATOR"] {
        assert!(
            table.contains(title),
            "{title} missing at 80 columns:\n{table}"
        );
    }
    assert!(
        table.contains("54442") && table.contains("10.48.24.4:7777"),
        "{table}"
    );
    assert!(table.contains("IPs 75.2.16.1 99.83.20.1"), "{table}");
    assert!(!table.contains("ACCELERATOR IPS"), "{table}");
}

#[test]
fn a_long_message_is_cut_between_words_and_the_log_holds_it_whole() {
    let mut h = Harness::new();
    h.state.error(
        "traffic denied: 10.48.24.4:7777 for subnet-000a1b2c3d4e5f6a7 in eu-central-1 \
         (endpoint group 0b2c3d4e5f6a of listener 0a1b2c3d); the accelerator is IN_PROGRESS \
         until the change is deployed, which takes a minute or two",
    );
    h.state.now += Duration::from_secs(42);
    h.state.info("copied 75.2.16.1:54442 → 10.48.24.4:7777");
    h.state.error(
        "deny failed: the accelerator 75.2.16.1:54442 is being changed; try again in a moment",
    );
    for (w, hgt) in [(60, 24), (80, 24), (160, 48)] {
        let screen = h.lines((w, hgt));
        let status = &screen[usize::from(hgt) - 2];
        if w < 160 {
            assert!(
                status.contains("…") && status.contains("(! log"),
                "{status}"
            );
        } else {
            assert!(
                status.contains("try again in a moment (Esc dismisses)"),
                "{status}"
            );
        }
        for word in status.split_whitespace() {
            let word = word.trim_end_matches(['…', ';', ',']);
            if word.chars().any(|c| c.is_ascii_digit()) && word.contains(':') {
                assert!(
                    ["75.2.16.1:54442", "10.48.24.4:7777"].contains(&word),
                    "{word} cut at {w}: {status}"
                );
            }
        }
    }
    h.snapshot("status_cut_message");
    h.key(KeyCode::Char('!'));
    h.snapshot("message_log");
    let log = h.lines((80, 24)).join("\n");
    assert!(log.contains("a minute or two"), "{log}");
    assert!(
        log.contains("42s ✗ traffic denied: 10.48.24.4:7777"),
        "{log}"
    );
}

/// Every mapping of "idle-spare", the disabled accelerator: one DENY row, the rest ALLOW.
fn open_disabled_accelerator(h: &mut Harness) {
    for _ in 0..3 {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Char('M'));
    let group = groups().remove(0);
    h.answer(Reply::PortMappings(Page {
        items: (0..6u16)
            .map(|i| portolan::model::PortMapping {
                accelerator_port: 10_433 + i,
                endpoint_group_arn: group.arn.clone(),
                endpoint_id: group.endpoints[0].clone(),
                destination: SocketAddress {
                    ip: "10.0.3.17".into(),
                    port: 7777 + i,
                },
                protocols: ProtocolSet::BOTH,
                traffic: if i == 2 {
                    TrafficState::Deny
                } else {
                    TrafficState::Allow
                },
            })
            .collect(),
        next_token: None,
    }));
}

#[test]
fn rows_of_a_disabled_accelerator_never_say_allow() {
    let mut h = Harness::new();
    h.state.theme = portolan::model::ThemeName::NoColor;
    open_disabled_accelerator(&mut h);
    for size in SIZES {
        let screen = h.screen(size);
        assert!(
            !screen.contains("✓ ALLOW"),
            "no traffic reaches them:\n{screen}"
        );
        assert!(
            screen.contains("✗ OFF (allow)") && screen.contains("✗ OFF (deny)"),
            "{screen}"
        );
        assert!(screen.contains("─ OFF: accelerator disabled "), "{screen}");
    }
    h.snapshot("browser_disabled_accelerator");
    // However many keys the browser offers, the help key closes its hint line.
    let screen = h.screen((80, 24));
    let hints = screen.lines().last().unwrap_or_default();
    assert!(
        hints.trim_end_matches('"').trim_end().ends_with("? help"),
        "{screen}"
    );
    // Narrower still: the note on the shared IPs gives way, the hidden columns stay named.
    let screen = h.screen((66, 24));
    let bottom = screen.lines().rev().nth(2).unwrap_or_default().to_string();
    assert!(bottom.contains("IPs 75.2.16.4 99.83.20.4"), "{screen}");
    assert!(bottom.contains("hidden: 6 columns (wide view)"), "{screen}");
}

#[test]
fn live_says_when_an_overlay_holds_its_re_reads() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('L'));
    let status = |h: &mut Harness| h.lines((80, 24))[22].clone();
    assert!(
        status(&mut h).contains("● LIVE every 5s"),
        "{}",
        status(&mut h)
    );
    h.key(KeyCode::Char('c'));
    let waiting = status(&mut h);
    assert!(
        waiting.contains("⏸ LIVE (waiting: dialog open)") && !waiting.contains("● LIVE"),
        "{waiting}"
    );
    h.key(KeyCode::Esc);
    assert!(
        status(&mut h).contains("● LIVE every 5s"),
        "{}",
        status(&mut h)
    );
    h.key(KeyCode::Char('/'));
    assert!(
        status(&mut h).contains("⏸ LIVE (waiting: typing)"),
        "{}",
        status(&mut h)
    );
}

#[test]
fn a_cut_title_keeps_a_space_before_the_border_and_never_cuts_an_id() {
    let mut h = Harness::new();
    h.open_browser("10.0.3.17");
    h.key(KeyCode::Enter);
    h.answer(Reply::DestinationMappings(Page {
        items: destination_rows("10.0.3.17", 10),
        next_token: Some("more".into()),
    }));
    h.key(KeyCode::End);
    h.fail(ApiError::InvalidNextToken("expired".into()));
    for width in [60, 64, 70, 76, 80, 90, 100, 120] {
        let screen = h.lines((width, 24));
        let title = &screen[2];
        assert!(!title.contains("…─"), "at {width}: {title}");
        assert!(
            title.contains("mappings of 10.0.3.17 "),
            "at {width}: {title}"
        );
        if title.contains("subnet-") {
            assert!(
                title.contains("in subnet-000a1b2c3d4e5f6a7 "),
                "at {width}: {title}"
            );
        }
    }
}

#[test]
fn the_add_subnet_dialog_ends_in_a_word_when_the_count_fails() {
    let mut h = Harness::new();
    // With the join off (`--no-ec2`) the dialog is the typed one, as it always was.
    h.state.join = portolan::app::join::Join::off();
    h.open_endpoint_groups();
    h.key(KeyCode::Enter);
    h.answer(Reply::EndpointGroup(groups().remove(0)));
    h.key(KeyCode::Char('a'));
    let counting = h.lines((80, 24)).join("\n");
    assert!(
        counting.contains("counting the listener's free ports…"),
        "{counting}"
    );
    h.fail(ApiError::AccessDenied(
        "not authorized to perform ListCustomRoutingPortMappings".into(),
    ));
    let screen = h.lines((80, 24)).join("\n");
    assert!(
        screen.contains("✗ could not count the listener's free ports"),
        "{screen}"
    );
    assert!(!screen.contains("counting the listener"), "{screen}");
    assert!(
        screen.contains("Add subnet endpoints to eu-central-1 group 0b2c3d4e5f6a "),
        "the title names the group whole:\n{screen}"
    );
    assert!(screen.contains("takes a listener port"), "{screen}");
    if let Some(d) = h.state.form_mut() {
        d.form.token = "00000000-0000-4000-8000-000000000000".into();
    }
    h.snapshot("add_subnets_count_failed");
}

#[test]
fn the_lookup_says_where_it_searches_even_at_80_columns() {
    let mut h = Harness::new();
    h.open_endpoint_groups();
    h.key(KeyCode::Char('w'));
    for size in SIZES {
        let screen = h.lines(size).join("\n");
        assert!(screen.contains("game-eu-central)"), "{screen}");
        assert!(!screen.contains("searched in…"), "{screen}");
    }
}

impl Harness {
    fn ctrl(&mut self, c: char) {
        let effects = update(
            &mut self.state,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        );
        self.absorb(effects);
    }

    fn one(&mut self, name: &str, size: (u16, u16)) -> String {
        let screen = self.screen(size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen.clone());
        screen
    }
}

#[test]
fn a_pane_in_the_wide_view_shows_names_and_whole_ids_side_by_side() {
    let mut h = Harness::new();
    h.open_endpoint_groups();
    h.ctrl('w');
    let screen = h.one("endpoint_groups_wide", (160, 48));
    assert!(screen.contains("─ wide "), "{screen}");
    assert!(screen.contains("SUBNET IDS"), "{screen}");
    for subnet in &groups()[1].endpoints {
        assert!(screen.contains(subnet.as_str()), "{subnet} whole: {screen}");
    }
    // The ARN does not fit beside them: left out whole, and the frame says so.
    assert!(screen.contains("hidden: ARN"), "{screen}");
    assert!(!screen.contains("arn:aws"), "{screen}");
    // A list of subnets too long for its column is shortened between ids, with `…`.
    assert!(screen.contains(" subnet-002a1b2c3d4e5f6a7…  "), "{screen}");
    assert!(!screen.contains("subnet-003"), "{screen}");
}

#[test]
fn chosen_columns_show_whole_arns_in_the_order_chosen() {
    let mut h = Harness::new();
    h.key(KeyCode::Char('C'));
    h.one("columns_chooser", (80, 24));
    // Hide ENABLED, the static IPs and the DNS name, show the ARN and move it under the name.
    h.key(KeyCode::Char('j'));
    for _ in 0..3 {
        h.key(KeyCode::Char('j'));
        h.key(KeyCode::Char(' '));
    }
    h.key(KeyCode::End);
    h.key(KeyCode::Char(' '));
    for _ in 0..6 {
        h.key(KeyCode::Char('K'));
    }
    h.one("columns_chooser_changed", (80, 24));
    h.key(KeyCode::Enter);
    let screen = h.one("accelerators_chosen_columns", (160, 48));
    assert!(screen.contains("│  NAME  "), "{screen}");
    assert!(screen.contains(&format!(" {ACC}  DEPLOYED")), "{screen}");
    assert!(!screen.contains("DNS NAME"), "{screen}");
    assert!(!screen.contains("hidden:"), "{screen}");
    // At 80 columns the ARN does not fit: hidden and named, never cut.
    let narrow = h.screen((80, 24));
    assert!(narrow.contains("hidden: ARN"), "{narrow}");
    assert!(!narrow.contains("arn:aws"), "{narrow}");
}
