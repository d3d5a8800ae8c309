//! The subnet picker through the real effect runner: the region's subnets from the emulator's
//! EC2 by portolan's EC2 client, two spare ones chosen, the add made by the real SDK client
//! and journaled — and the group's own subnets marked, not offered.

use crossterm::event::KeyCode;
use portolan::app::Screen;
use portolan::journal::Request;

/// One group in eu-west-1 with a /24 in it, and three spare subnets of the region (and one of
/// another region, which the picker must not offer).
const TOPOLOGY: &str = r#"
account_id = "123456789012"

[[subnets]]
id = "subnet-0a00000000000001a"
region = "eu-west-1"
cidr = "10.0.1.0/24"
name = "game-01"

[[subnets]]
id = "subnet-0b00000000000001b"
region = "eu-west-1"
cidr = "10.0.2.0/28"
name = "spare-small"

[[subnets]]
id = "subnet-0b00000000000002b"
region = "eu-west-1"
cidr = "10.0.3.0/26"
name = "spare-medium"
availability_zone = "eu-west-1c"

[[subnets]]
id = "subnet-0b00000000000003b"
region = "eu-west-1"
cidr = "10.0.4.0/24"
name = "spare-large"

[[subnets]]
id = "subnet-0c00000000000001c"
region = "us-east-1"
cidr = "10.9.0.0/24"
name = "elsewhere"

[[accelerators]]
name = "game"

[[accelerators.listeners]]
port_ranges = [{ from = 10000, to = 14999 }]

[[accelerators.listeners.endpoint_groups]]
region = "eu-west-1"
destinations = [{ from = 7777, to = 7780, protocols = ["UDP"] }]
endpoints = [{ subnet = "subnet-0a00000000000001a", allow_all = true }]
"#;

mod common;

use common::runner::{Env, Setup};

async fn start() -> Env {
    let setup = Setup {
        topology: TOPOLOGY,
        faults: &[],
        seed: 1,
        ec2: true,
    };
    Env::start(setup, |_| {}).await
}

impl Env {
    /// Clears the picker's filter.
    async fn unfilter(&mut self) {
        while self
            .state
            .form()
            .and_then(|d| d.picker())
            .is_some_and(|p| p.list.filter.is_active())
        {
            self.press(KeyCode::Backspace).await;
        }
    }
}

#[tokio::test]
async fn two_spare_subnets_chosen_from_ec2_are_added_and_journaled() {
    let mut env = start().await;
    env.press(KeyCode::Enter).await; // the listeners
    env.press(KeyCode::Enter).await; // the endpoint groups
    env.press(KeyCode::Enter).await; // the group's detail
    assert!(matches!(env.state.top(), Screen::GroupDetail(_)));
    let group_arn = match env.state.top() {
        Screen::GroupDetail(d) => d.group.value.as_ref().unwrap().arn.clone(),
        _ => unreachable!(),
    };
    env.press(KeyCode::Char('a')).await;

    let picker = env.state.form().and_then(|d| d.picker()).expect("a picker");
    let mut ids: Vec<&str> = picker
        .list
        .rows()
        .iter()
        .map(|r| r.subnet.id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "subnet-0a00000000000001a",
            "subnet-0b00000000000001b",
            "subnet-0b00000000000002b",
            "subnet-0b00000000000003b"
        ],
        "the region's subnets, from EC2"
    );
    let own = picker.row("subnet-0a00000000000001a").unwrap();
    assert!(own.in_group);
    let medium = picker.row("subnet-0b00000000000002b").unwrap();
    assert_eq!(medium.subnet.availability_zone, "eu-west-1c");
    assert_eq!(medium.subnet.name.as_deref(), Some("spare-medium"));
    assert_eq!((medium.usable, medium.ports), (Some(59), Some(236)));
    let free = env.state.form().unwrap().count.free();
    assert_eq!(free, Some(5000 - 251 * 4), "the listener's free ports");

    // The group's own subnet is refused; two spare ones are chosen through the filter.
    env.typed("game-01").await;
    env.press(KeyCode::Char(' ')).await;
    env.unfilter().await;
    env.typed("spare-small").await;
    env.press(KeyCode::Char(' ')).await;
    env.unfilter().await;
    env.typed("10.0.3.").await;
    env.press(KeyCode::Char(' ')).await;
    let picker = env.state.form().unwrap().picker().unwrap();
    assert_eq!(
        picker.chosen,
        ["subnet-0b00000000000001b", "subnet-0b00000000000002b"]
    );
    env.press(KeyCode::Enter).await;

    assert!(env.state.overlay.is_none(), "{:?}", env.state.overlay);
    let message = env.state.message.as_ref().unwrap().text.clone();
    assert!(
        message.starts_with("added subnet-0b00000000000001b, subnet-0b00000000000002b"),
        "{message}"
    );
    let group = env.api.describe_endpoint_group(&group_arn).await.unwrap();
    assert_eq!(group.endpoints.len(), 3, "{:?}", group.endpoints);
    assert!(
        group
            .endpoints
            .contains(&"subnet-0b00000000000002b".to_string())
    );
    let entries = env.journal.entries().unwrap().entries;
    assert_eq!(entries.len(), 1);
    let [Request::AddCustomRoutingEndpoints { endpoint_ids, .. }] = &entries[0].requests[..] else {
        panic!("{:?}", entries[0].requests);
    };
    assert_eq!(
        endpoint_ids,
        &["subnet-0b00000000000001b", "subnet-0b00000000000002b"]
    );
    assert!(
        entries[0].what.contains("subnet-0b00000000000001b"),
        "{}",
        entries[0].what
    );
}
