//! The `w` lookup drawn on a `TestBackend` at 80×24 and 160×48, from states built with
//! `update` alone: an answer with the instance and interface EC2 names, and an ALLOWed
//! address nothing holds.

use std::net::Ipv4Addr;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::app::join::{Ec2Answer, Join};
use portolan::app::{Action, Context, Effect, Reply, State, update};
use portolan::model::ec2::{Instance, InstanceState, NetworkInterface, PrivateAddress, Subnet};
use portolan::model::join::SubnetView;
use portolan::model::{
    Accelerator, AcceleratorStatus, Page, ProtocolSet, SocketAddress, TrafficState, Via,
    WhoisAnswer,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const ACC: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/42d70772-250b-db59-e68c-d0c28c5d10a7";
const SUBNET: &str = "subnet-0dcd4c26ba40f1727";

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn screen(state: &mut State, (w, h): (u16, u16)) -> String {
    update(state, Action::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| portolan::ui::render(state, f)).unwrap();
    terminal.backend().to_string()
}

fn call_id(effects: &[Effect]) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Call { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap()
}

/// 10.0.64.0/20, with 10.0.64.4 held by voip-core-01-001 (running).
fn view() -> SubnetView {
    let eni = NetworkInterface {
        id: "eni-084936525ed59d7c5".into(),
        subnet_id: SUBNET.into(),
        private_addresses: vec![PrivateAddress {
            address: Ipv4Addr::new(10, 0, 64, 4),
            primary: true,
        }],
        ipv4_prefixes: vec![],
        instance_id: Some("i-0dc642d822421facb".into()),
        status: Some("in-use".into()),
        interface_type: Some("interface".into()),
        description: None,
    };
    let instance = Instance {
        id: "i-0dc642d822421facb".into(),
        name: Some("voip-core-01-001".into()),
        state: InstanceState::Running,
        instance_type: Some("c6in.large".into()),
        subnet_id: Some(SUBNET.into()),
        availability_zone: Some("us-east-1c".into()),
        private_address: Some(Ipv4Addr::new(10, 0, 64, 4)),
        interfaces: vec![],
    };
    let subnet = Subnet {
        id: SUBNET.into(),
        cidr: Some("10.0.64.0/20".parse().unwrap()),
        vpc_id: "vpc-0a37447d18196b9da".into(),
        availability_zone: "us-east-1c".into(),
        name: Some("voip-core-01".into()),
        available_addresses: None,
    };
    SubnetView::new(Some(subnet), &[eni], &[instance])
}

/// `w 75.2.16.21:54442` answered with `destination`, and EC2's view of its subnet.
fn looked_up(destination: &str) -> State {
    let mut state = State::new(
        Context {
            profile: "prod-network".into(),
            endpoint: None,
            account: Some("111122223333".into()),
        },
        (80, 24),
        Instant::now(),
    );
    state.join = Join::default();
    let id = call_id(&state.start());
    let accelerator = Accelerator {
        arn: ACC.into(),
        name: "voip-core".into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec!["75.2.16.21".into(), "99.83.16.21".into()],
        dns_name: "a1.awsglobalaccelerator.com".into(),
        created: None,
        last_modified: None,
        tags: vec![],
    };
    update(
        &mut state,
        Action::Reply {
            id,
            result: Ok(Reply::Accelerators(Page {
                items: vec![accelerator],
                next_token: None,
            })),
        },
    );
    key(&mut state, KeyCode::Char('w'));
    for c in "75.2.16.21:54442".chars() {
        key(&mut state, KeyCode::Char(c));
    }
    let id = call_id(&key(&mut state, KeyCode::Enter));
    let answer = WhoisAnswer {
        address: SocketAddress {
            ip: "75.2.16.21".into(),
            port: 54442,
        },
        accelerator_arn: ACC.into(),
        accelerator_name: "voip-core".into(),
        accelerator_enabled: true,
        listener_arn: format!("{ACC}/listener/5b10f69a"),
        endpoint_group_arn: format!("{ACC}/listener/5b10f69a/endpoint-group/a19dd6f8788b"),
        region: "us-east-1".into(),
        subnet: SUBNET.into(),
        destination: SocketAddress {
            ip: destination.into(),
            port: 5060,
        },
        protocols: Some(ProtocolSet::BOTH),
        traffic: TrafficState::Allow,
        via: Via::Listing,
        index_was_stale: false,
    };
    let effects = update(
        &mut state,
        Action::Reply {
            id,
            result: Ok(Reply::Whois(Ok(Box::new(answer)))),
        },
    );
    let ec2 = effects
        .iter()
        .find_map(|e| match e {
            Effect::Ec2 { id, .. } => Some(*id),
            _ => None,
        })
        .expect("the answer's subnet is asked of EC2");
    update(
        &mut state,
        Action::Ec2 {
            id: ec2,
            result: Ok(Ec2Answer::Subnets(vec![(SUBNET.into(), view())])),
        },
    );
    state
}

#[test]
fn the_lookup_names_the_instance_and_the_interface_holding_the_destination() {
    let mut state = looked_up("10.0.64.4");
    for size in SIZES {
        let shown = screen(&mut state, size);
        for whole in [
            "voip-core-01-001 (i-0dc642d822421facb) running",
            "eni-084936525ed59d7c5, primary address",
            "10.0.64.4:5060",
            "subnet-0dcd4c26ba40f1727",
            "security groups and",
            "Enter opens it in the mapping browser",
        ] {
            assert!(shown.contains(whole), "{whole}: {shown}");
        }
        insta::assert_snapshot!(format!("whois_instance_{}x{}", size.0, size.1), shown);
    }
}

#[test]
fn an_allowed_address_nothing_holds_is_shown_as_a_standing_exposure() {
    let mut state = looked_up("10.0.64.9");
    for size in SIZES {
        let shown = screen(&mut state, size);
        assert!(
            shown.contains("none: no network interface holds 10.0.64.9"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "⚠ standing exposure: ALLOWed traffic goes to whoever next gets this address"
            ),
            "{shown}"
        );
        assert!(shown.contains("Enter opens it"), "{shown}");
        insta::assert_snapshot!(format!("whois_unheld_{}x{}", size.0, size.1), shown);
    }
}
