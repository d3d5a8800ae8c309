//! The subnet picker of `a` drawn at 80×24 and 160×48, from states built with `update` alone:
//! while EC2 answers, with the region's subnets (two chosen, one name hostile, one long), when
//! EC2 cannot list them, and full at 20 with more ports than the listener has free.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::app::join::{Ec2Answer, Ec2Failure, Join};
use portolan::app::{Action, Context, Effect, Reply, State, update};
use portolan::model::capacity::ListenerUsage;
use portolan::model::ec2::Subnet;
use portolan::model::{
    Accelerator, AcceleratorStatus, DestinationConfig, EndpointGroup, Listener, Page, PortRange,
    Protocol, ProtocolSet,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const ACC: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/3f1c2b7e-5d4a-4e2b-9c1d-0a7e6f5b4c3d";
const HOSTILE: &str = "evil\u{1b}]52;c;aGk=\u{7}name";

fn listener() -> Listener {
    Listener {
        arn: format!("{ACC}/listener/0a1b2c3d"),
        port_ranges: vec![
            PortRange::new(10_000, 30_000).unwrap(),
            PortRange::new(40_000, 40_999).unwrap(),
        ],
    }
}

/// eu-central-1, ports 7777–7786 UDP and 8000 TCP+UDP (11 a mapped address), three subnets.
fn group() -> EndpointGroup {
    let udp: ProtocolSet = [Protocol::Udp].into_iter().collect();
    EndpointGroup {
        arn: format!("{}/endpoint-group/0b2c3d4e5f6a", listener().arn),
        region: "eu-central-1".into(),
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
        endpoints: (0..3)
            .map(|n| format!("subnet-00{n}a1b2c3d4e5f6a7"))
            .collect(),
    }
}

fn subnet(id: String, cidr: &str, zone: char, name: &str) -> Subnet {
    Subnet {
        id,
        cidr: Some(cidr.parse().unwrap()),
        vpc_id: "vpc-0e1f2a3b4c5d6e7f8".into(),
        availability_zone: format!("eu-central-1{zone}"),
        name: Some(name.into()),
        available_addresses: None,
    }
}

/// The group's three subnets and `spare` more, one named with a terminal escape and one with
/// a long name among them.
fn region(spare: usize) -> Vec<Subnet> {
    let zones = ['a', 'b', 'c'];
    let mut all: Vec<Subnet> = (0..3)
        .map(|n| {
            let cidr = format!("10.48.{n}.0/24");
            let name = format!("game-eu-central-0{n}");
            subnet(
                format!("subnet-00{n}a1b2c3d4e5f6a7"),
                &cidr,
                zones[n],
                &name,
            )
        })
        .collect();
    let sizes = ["/28", "/26", "/24", "/25", "/28", "/27"];
    for i in 0..spare {
        let name = match i {
            1 => HOSTILE.to_string(),
            2 => "matchmaking-pool-canary-with-a-rather-long-name".to_string(),
            _ => format!("spare-eu-central-1-{i:02}"),
        };
        let cidr = format!("10.49.{i}.0{}", sizes[i % sizes.len()]);
        let id = format!("subnet-0f{i:02x}c3d4e5f6a7b8c");
        all.push(subnet(id, &cidr, zones[i % 3], &name));
    }
    all
}

struct Harness {
    state: State,
    calls: Vec<u64>,
    ec2: Vec<u64>,
}

impl Harness {
    /// The group's detail on screen, its listener's free ports not counted yet.
    fn detail() -> Self {
        let state = State::new(
            Context {
                profile: "prod-network".into(),
                endpoint: None,
                account: None,
            },
            (80, 24),
            Instant::now(),
        );
        let mut h = Harness {
            state,
            calls: Vec::new(),
            ec2: Vec::new(),
        };
        let effects = h.state.start();
        h.absorb(effects);
        h.answer(Reply::Accelerators(Page {
            items: vec![Accelerator {
                arn: ACC.into(),
                name: "game-eu-central".into(),
                ip_address_type: None,
                enabled: true,
                status: AcceleratorStatus::Deployed,
                static_ips: vec!["75.2.16.1".into()],
                dns_name: "a1.awsglobalaccelerator.com".into(),
                created: None,
                last_modified: None,
                tags: vec![],
            }],
            next_token: None,
        }));
        h.key(KeyCode::Enter);
        h.answer(Reply::Listeners(Page {
            items: vec![listener()],
            next_token: None,
        }));
        h.key(KeyCode::Enter);
        h.answer(Reply::EndpointGroups(Page {
            items: vec![group()],
            next_token: None,
        }));
        h.key(KeyCode::Enter);
        h.answer(Reply::EndpointGroup(group()));
        // The detail's own lookup of its subnets stays unanswered (dashes under the dialog).
        h.ec2.clear();
        h
    }

    fn absorb(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Call { id, .. } => self.calls.push(id),
                Effect::Ec2 { id, .. } => self.ec2.push(id),
                _ => {}
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        let effects = update(
            &mut self.state,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.absorb(effects);
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn answer(&mut self, reply: Reply) {
        let id = self.calls.remove(0);
        let effects = update(
            &mut self.state,
            Action::Reply {
                id,
                result: Ok(reply),
            },
        );
        self.absorb(effects);
    }

    /// `a`, and the region lookup it sends.
    fn open(&mut self) -> u64 {
        self.calls.clear();
        self.key(KeyCode::Char('a'));
        self.ec2.pop().expect("the region is asked for")
    }

    fn ec2(&mut self, id: u64, result: Result<Ec2Answer, Ec2Failure>) {
        let effects = update(&mut self.state, Action::Ec2 { id, result });
        self.absorb(effects);
    }

    /// The listener's free ports counted: `used` of its 22001.
    fn counted(&mut self, used: u64) {
        self.answer(Reply::Usage(ListenerUsage {
            total: 22_001,
            groups: vec![("eu-central-1".into(), group().arn, used)],
        }));
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
}

#[test]
fn the_picker_says_it_is_loading_and_takes_typed_ids_meanwhile() {
    let mut h = Harness::detail();
    h.open();
    for size in SIZES {
        let screen = h.screen(size);
        assert!(
            screen.contains("loading subnets of eu-central-1 from EC2…"),
            "{screen}"
        );
        assert!(screen.contains("Subnet ids ["), "{screen}");
        assert!(
            screen.contains("type filter"),
            "the picker's hints:\n{screen}"
        );
    }
    h.snapshot("picker_loading");
}

#[test]
fn the_picker_lists_the_region_with_sizes_and_ports_and_cuts_only_names() {
    let mut h = Harness::detail();
    let id = h.open();
    h.ec2(id, Ok(Ec2Answer::Region(region(14))));
    h.counted(3_000);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    for size in SIZES {
        let screen = h.screen(size);
        assert!(
            !screen.contains('\u{1b}'),
            "a raw escape reached the screen"
        );
        for s in region(14).iter().take(8) {
            let wanted = s.id.as_str();
            if screen.contains(&wanted[..12]) {
                assert!(screen.contains(wanted), "{wanted} cut:\n{screen}");
            }
        }
        assert!(screen.contains("10.49.2.0/24"), "a block whole:\n{screen}");
        // Two chosen: a /28 (11 × 11 = 121) and a /24 (251 × 11 = 2761) of 19001 free.
        assert!(
            screen.contains("Chosen 2 of 20 at most: 2882 listener ports"),
            "{screen}"
        );
        assert!(screen.contains("19001 free"), "{screen}");
    }
    let wide = h.screen((160, 48));
    assert!(wide.contains("in group"), "{wide}");
    assert!(wide.contains("vpc-0e1f2a3b4c5d6e7f8"), "{wide}");
    assert!(
        wide.contains("matchmaking-pool-canary-wit…  10.49.2.0/24"),
        "{wide}"
    );
    h.snapshot("picker_ready");
}

#[test]
fn a_filtered_picker_shows_what_matches_and_the_cursor_rows_facts() {
    let mut h = Harness::detail();
    let id = h.open();
    h.ec2(id, Ok(Ec2Answer::Region(region(14))));
    h.counted(3_000);
    h.typed("canary");
    let screen = h.screen((80, 24));
    assert!(screen.contains("1 of 17 subnets"), "{screen}");
    assert!(
        screen.contains(
            "▸ subnet-0f02c3d4e5f6a7b8c matchmaking-pool-canary-w… · vpc-0e1f2a3b4c5d6e7f8"
        ),
        "the name beneath, cut, and the VPC the table leaves out:\n{screen}"
    );
    h.snapshot("picker_filtered");
}

#[test]
fn a_region_ec2_cannot_list_leaves_the_typed_ids() {
    let mut h = Harness::detail();
    let id = h.open();
    h.ec2(
        id,
        Err(Ec2Failure {
            message: "dispatch failure: connection refused".into(),
            access: None,
        }),
    );
    h.counted(3_000);
    h.typed("subnet-0123456789abcdef0");
    let screen = h.screen((80, 24));
    assert!(
        screen.contains("✗ EC2 did not list the subnets of eu-central-1"),
        "{screen}"
    );
    assert!(screen.contains("[subnet-0123456789abcdef0"), "{screen}");
    h.snapshot("picker_failed");
}

#[test]
fn a_full_choice_says_the_limit_and_what_does_not_fit() {
    let mut h = Harness::detail();
    let id = h.open();
    h.ec2(id, Ok(Ec2Answer::Region(region(24))));
    h.counted(15_000);
    for _ in 0..20 {
        h.key(KeyCode::Char(' '));
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Char(' ')); // the 21st
    let screen = h.screen((80, 24));
    assert!(screen.contains("Chosen 20 of 20 at most"), "{screen}");
    assert!(screen.contains("at most 20 subnets in one add"), "{screen}");
    assert!(screen.contains("more than that is refused"), "{screen}");
    h.snapshot("picker_full");
}

#[test]
fn with_the_join_off_a_is_the_typed_dialog() {
    let mut h = Harness::detail();
    h.state.join = Join::off();
    h.calls.clear();
    h.key(KeyCode::Char('a'));
    assert!(h.ec2.is_empty(), "nothing asked of EC2");
    for size in SIZES {
        let screen = h.screen(size);
        assert!(screen.contains("Subnet ids ["), "{screen}");
        assert!(!screen.contains("Filter ["), "{screen}");
        assert!(
            screen.contains("counting the listener's free ports"),
            "{screen}"
        );
    }
}

#[test]
fn the_smallest_terminal_keeps_ids_whole_and_says_what_the_table_leaves_out() {
    let mut h = Harness::detail();
    let id = h.open();
    h.ec2(id, Ok(Ec2Answer::Region(region(14))));
    h.counted(3_000);
    for size in [(60, 16), (64, 20), (72, 24)] {
        let screen = h.screen(size);
        assert!(
            screen.contains("[ ] subnet-0f00c3d4e5f6a7b8c "),
            "at {size:?}:\n{screen}"
        );
        // A /28: 11 mapped addresses × 11 ports, in the table or beneath it.
        let row = screen
            .lines()
            .find(|l| l.contains("[ ] subnet-0f00c3d4e5f6a7b8c"))
            .unwrap();
        assert!(
            row.contains(" 121 ") || screen.contains("· 121 ports"),
            "at {size:?}:\n{screen}"
        );
        assert!(screen.contains("spare-"), "the name somewhere:\n{screen}");
    }
}
