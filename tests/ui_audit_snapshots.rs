//! The audit view drawn on a `TestBackend` at 80×24 and 160×48, from states built with
//! `update` alone and a made-up report: running, its findings (ids, addresses and ports whole
//! at both sizes), a fix confirmed and marked done, the join off, a refused permission.

use std::net::Ipv4Addr;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::app::screens::audit::{AuditFailure, AuditProgress, AuditReport};
use portolan::app::{Action, Context, Effect, Reply, State, update};
use portolan::model::audit::{AcceleratorRef, Checked, Finding, Fix, InstanceRef, Ports, Problem};
use portolan::model::ec2::{Holding, InstanceState};
use portolan::model::{TrafficChange, TrafficScope};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const ACCOUNT: &str = "arn:aws:globalaccelerator::111122223333:accelerator/";

fn state() -> State {
    State::new(
        Context {
            profile: "prod-network".into(),
            endpoint: None,
            account: Some("111122223333".into()),
        },
        (80, 24),
        Instant::now(),
    )
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn open_audit(state: &mut State) -> Vec<Effect> {
    update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL)),
    )
}

fn audit_id(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Audit { id } => Some(*id),
            _ => None,
        })
        .expect("the audit is asked for")
}

fn screen(state: &mut State, (w, h): (u16, u16)) -> String {
    update(state, Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| portolan::ui::render(state, f)).unwrap();
    terminal.backend().to_string()
}

fn snapshot(state: &mut State, name: &str) {
    for size in SIZES {
        let text = screen(state, size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

struct Place {
    accelerator: &'static str,
    id: &'static str,
    group: &'static str,
    region: &'static str,
    subnet: &'static str,
}

const CONFERENCE: Place = Place {
    accelerator: "conference-bridge",
    id: "18a0e009-5e7b-9a2a-30b6-88d0671e4ac8",
    group: "listener/3b499d67/endpoint-group/af757a9087f4",
    region: "eu-west-1",
    subnet: "subnet-02291ed0c676a350a",
};
const GAME_EU: Place = Place {
    accelerator: "game-eu-central",
    id: "a9acfd08-32c5-bada-a865-ce2655d9eccf",
    group: "listener/88099add/endpoint-group/4e1d8c3e4040",
    region: "ap-northeast-1",
    subnet: "subnet-0a1206f1fd32b1402",
};
const GAME_EU_PORTS: Place = Place {
    accelerator: "game-eu-central",
    id: "a9acfd08-32c5-bada-a865-ce2655d9eccf",
    group: "listener/88099add/endpoint-group/9eb4f702cf44",
    region: "eu-central-1",
    subnet: "subnet-00bdec3f91d49a8ea",
};

fn finding(at: &Place, problem: Problem, allow: bool, scope: TrafficScope) -> Finding {
    let group = format!("{ACCOUNT}{}/{}", at.id, at.group);
    let change = TrafficChange {
        endpoint_group_arn: group.clone(),
        endpoint_id: at.subnet.into(),
        scope,
    };
    Finding {
        problem,
        accelerator: AcceleratorRef {
            arn: format!("{ACCOUNT}{}", at.id),
            name: at.accelerator.into(),
        },
        endpoint_group_arn: group,
        region: at.region.into(),
        subnet: at.subnet.into(),
        fix: if allow {
            Fix::Allow(change)
        } else {
            Fix::Deny(change)
        },
    }
}

fn every_port(ip: Ipv4Addr) -> TrafficScope {
    TrafficScope::Destinations {
        addresses: vec![ip.to_string()],
        ports: Vec::new(),
    }
}

fn ports(runs: &[(u16, u16)]) -> Ports {
    Ports::new(runs.iter().flat_map(|&(a, b)| a..=b).collect())
}

/// Three exposed addresses, a subnet denying 37 running instances, two instances with denied
/// ports (one of them with a long Name).
fn report() -> AuditReport {
    let exposed = |ip: Ipv4Addr| {
        finding(
            &CONFERENCE,
            Problem::Exposed {
                address: ip,
                allowed: ports(&[(5060, 5061), (10000, 10009)]),
                denied: Ports::default(),
            },
            false,
            every_port(ip),
        )
    };
    let running = |n: u32, name: &str| InstanceRef {
        id: format!("i-0b2e7b73eb19{n:05x}"),
        name: Some(name.into()),
        state: InstanceState::Running,
    };
    let denied = |ip: Ipv4Addr, n: u32, name: &str| {
        finding(
            &GAME_EU_PORTS,
            Problem::DeniedPorts {
                address: ip,
                instance: running(n, name),
                interface_id: format!("eni-0c1d2e3f4a5b{n:05x}"),
                holding: Holding::Primary,
                denied: ports(&[(7777, 7786)]),
                allowed: Ports::default(),
            },
            true,
            every_port(ip),
        )
    };
    AuditReport {
        findings: vec![
            exposed(Ipv4Addr::new(10, 32, 49, 92)),
            exposed(Ipv4Addr::new(10, 32, 49, 247)),
            exposed(Ipv4Addr::new(10, 32, 50, 3)),
            finding(
                &GAME_EU,
                Problem::DenyingSubnet {
                    instances: (0..37)
                        .map(|n| running(n, &format!("game-eu-central-01-{n:03}")))
                        .collect(),
                    addresses: 37,
                },
                true,
                TrafficScope::WholeEndpoint,
            ),
            denied(Ipv4Addr::new(10, 48, 0, 126), 28, "game-eu-central-01-028"),
            denied(
                Ipv4Addr::new(10, 48, 0, 199),
                35,
                "game-eu-central-01-035-spare-capacity-for-the-weekend-tournament",
            ),
        ],
        checked: Checked {
            accelerators: 24,
            groups: 80,
            subnets: 336,
            destinations: 88_688,
            instances: 13_274,
            mappings: 1_027_351,
        },
    }
}

fn audited() -> State {
    let mut s = state();
    let id = audit_id(&open_audit(&mut s));
    update(
        &mut s,
        Action::Audited {
            id,
            result: Ok(report()),
        },
    );
    s.message = None;
    s
}

#[test]
fn audit_running() {
    let mut s = state();
    let id = audit_id(&open_audit(&mut s));
    update(
        &mut s,
        Action::AuditProgress {
            id,
            progress: AuditProgress {
                mappings: 412_000,
                chains_done: 31,
                chains: 80,
                asking_ec2: false,
            },
        },
    );
    snapshot(&mut s, "audit_running");
}

#[test]
fn audit_findings() {
    let mut s = audited();
    snapshot(&mut s, "audit_findings");
    // Every finding's address and the subnets are whole at the wide size.
    let wide = screen(&mut s, (160, 48));
    for ip in [
        "10.32.49.92",
        "10.32.49.247",
        "10.32.50.3",
        "10.48.0.126",
        "10.48.0.199",
    ] {
        assert!(wide.contains(ip), "{ip} lost:\n{wide}");
    }
    let narrow = screen(&mut s, (80, 24));
    assert!(
        narrow.contains("ALLOW is Global Accelerator's setting"),
        "the note is said:\n{narrow}"
    );
}

#[test]
fn audit_fix_confirmed_and_done() {
    let mut s = audited();
    key(&mut s, KeyCode::Char('D'));
    snapshot(&mut s, "audit_confirm");
    let effects = key(&mut s, KeyCode::Char('y'));
    let id = effects
        .iter()
        .find_map(|e| match e {
            Effect::Call { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Done),
        },
    );
    snapshot(&mut s, "audit_done");
    // `r`: the rows stay while it runs again, and the summary says what the last run found.
    let id = audit_id(&key(&mut s, KeyCode::Char('r')));
    update(
        &mut s,
        Action::AuditProgress {
            id,
            progress: AuditProgress {
                mappings: 1_027_351,
                chains_done: 80,
                chains: 80,
                asking_ec2: true,
            },
        },
    );
    snapshot(&mut s, "audit_rerunning");
}

#[test]
fn audit_denying_subnet_selected() {
    let mut s = audited();
    for _ in 0..3 {
        key(&mut s, KeyCode::Char('j'));
    }
    snapshot(&mut s, "audit_denying_subnet");
    key(&mut s, KeyCode::Char('G'));
    snapshot(&mut s, "audit_denied_ports");
}

#[test]
fn audit_needs_ec2() {
    let mut s = state();
    s.join = portolan::app::join::Join::off();
    open_audit(&mut s);
    snapshot(&mut s, "audit_needs_ec2");
}

#[test]
fn audit_refused_permission() {
    let mut s = state();
    let id = audit_id(&open_audit(&mut s));
    update(
        &mut s,
        Action::Audited {
            id,
            result: Err(AuditFailure {
                message: "the audit needs EC2 to see what holds each address, and EC2 in eu-central-1 said: EC2 permissions missing: ec2:DescribeNetworkInterfaces".into(),
                permission: Some("ec2:DescribeNetworkInterfaces".into()),
            }),
        },
    );
    snapshot(&mut s, "audit_refused");
}
