//! The audit view through the loop's real effect runner, the real SDK client, portolan's EC2
//! client and the emulator: Ctrl-A runs the audit and lists what the account holds, `D` on an
//! exposed address denies it through the confirmation and the journal, `r` no longer finds
//! it, `u` puts it back and `r` finds it again; a refused EC2 permission is named.

use crossterm::event::{KeyCode, KeyModifiers};
use portolan::app::screens::audit::{AuditView, Run};
use portolan::app::{Overlay, Screen};
use portolan::journal::Request;
use portolan::model::TrafficState;
use portolan::model::audit::Kind;

/// One group in us-east-1 over fleet-a (all allowed, 10.2.0.200 and 10.2.0.201 held by no
/// interface), fleet-b (denies all while instances run) and sbc (all allowed, most of its
/// addresses held by nothing).
const TOPOLOGY: &str = include_str!("fixtures/ec2.toml");
const FLEET_A: &str = "subnet-0e0000000000000a1";

mod common;

use common::runner::{Env, Setup};

async fn start(faults: &[&str]) -> Env {
    let setup = Setup {
        topology: TOPOLOGY,
        faults,
        seed: 5,
        ec2: true,
    };
    Env::start(setup, |_| {}).await
}

impl Env {
    fn view(&self) -> &AuditView {
        match self.state.top() {
            Screen::Audit(v) => v,
            other => panic!("not the audit view: {}", other.crumb()),
        }
    }

    /// The exposed addresses of fleet-a the view lists.
    fn exposed(&self) -> Vec<String> {
        self.view()
            .list
            .rows()
            .iter()
            .filter(|r| r.finding.kind() == Kind::Exposed && r.finding.subnet == FLEET_A)
            .filter_map(|r| r.finding.address().map(|a| a.to_string()))
            .collect()
    }

    /// Whether every mapping of `ip` in fleet-a is allowed (`Some(true)`), every one denied
    /// (`Some(false)`), or neither.
    async fn allowed(&self, ip: &str) -> Option<bool> {
        let page = self
            .api
            .list_port_mappings_by_destination(FLEET_A, ip, 100, None)
            .await
            .unwrap();
        assert!(!page.items.is_empty());
        let allow = |m: &portolan::model::DestinationPortMapping| m.traffic == TrafficState::Allow;
        if page.items.iter().all(allow) {
            Some(true)
        } else if !page.items.iter().any(allow) {
            Some(false)
        } else {
            None
        }
    }
}

#[tokio::test]
async fn the_audit_view_finds_denies_and_undoes_through_the_journal() {
    let mut env = start(&[]).await;
    env.key(KeyCode::Char('a'), KeyModifiers::CONTROL).await;
    assert_eq!(env.view().run, Run::Done);
    assert_eq!(env.exposed(), ["10.2.0.200", "10.2.0.201"]);
    let kinds: Vec<Kind> = env
        .view()
        .list
        .rows()
        .iter()
        .map(|r| r.finding.kind())
        .collect();
    assert!(kinds.contains(&Kind::DenyingSubnet), "{kinds:?}");
    assert!(env.view().checked.is_some_and(|c| c.mappings > 0));

    // The first row is 10.2.0.200: D asks, y denies it.
    assert_eq!(
        env.view().list.selected().and_then(|r| r.finding.address()),
        Some([10, 2, 0, 200].into())
    );
    assert_eq!(env.allowed("10.2.0.200").await, Some(true));
    env.typed("D").await;
    assert!(matches!(env.state.overlay, Some(Overlay::Confirm(_))));
    env.typed("y").await;
    assert!(env.state.overlay.is_none(), "{:?}", env.state.message);
    assert!(env.view().list.rows()[0].done);
    assert_eq!(env.allowed("10.2.0.200").await, Some(false));
    let entries = env.journal.entries().unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert!(matches!(
        entries[0].requests[..],
        [Request::DenyCustomRoutingTraffic(_)]
    ));
    assert_eq!(env.state.changes.last().map(|c| c.changed), Some(true));

    // Run again: the denied address is no longer exposed.
    env.typed("r").await;
    assert_eq!(env.exposed(), ["10.2.0.201"]);

    // u puts it back (journaled too), and the audit finds it again.
    env.typed("u").await;
    assert!(matches!(env.state.overlay, Some(Overlay::Undo(_))));
    env.typed("y").await;
    assert_eq!(env.allowed("10.2.0.200").await, Some(true));
    assert_eq!(env.journal.entries().unwrap().entries.len(), 2);
    env.typed("r").await;
    assert_eq!(env.exposed(), ["10.2.0.200", "10.2.0.201"]);
}

#[tokio::test]
async fn a_refused_ec2_permission_is_named_in_the_view() {
    let mut env = start(&["DescribeNetworkInterfaces:error=UnauthorizedOperation"]).await;
    env.key(KeyCode::Char('a'), KeyModifiers::CONTROL).await;
    let Run::Failed(failure) = &env.view().run else {
        panic!("{:?}", env.view().run);
    };
    assert_eq!(
        failure.permission.as_deref(),
        Some("ec2:DescribeNetworkInterfaces")
    );
    let message = env.state.message.clone().unwrap();
    assert!(
        message.error && message.text.contains("ec2:DescribeNetworkInterfaces"),
        "{message:?}"
    );
}
