//! Changes in the interactive app through its real effect runner, the real SDK client and the
//! emulator: a single deny, a bulk deny of what a filter shows (exactly those sockets, in the
//! calls the grouping rule gives), `u` restoring every socket, `u` again re-applying it — and
//! the journal (in a temporary state directory) holding every one of those changes.

use std::collections::{BTreeMap, BTreeSet};

use crossterm::event::KeyCode;
use portolan::app::{Overlay, Screen};
use portolan::journal::Request;
use portolan::model::bulk::{Target, plan};

/// One accelerator, one group in us-east-1: a /24 (251 addresses) and a /28 (11), ports
/// 7777–7780, everything allowed but one address of the /28.
const TOPOLOGY: &str = include_str!("fixtures/journal.toml");

type Socket = (String, String, u16);

mod common;

use common::runner::{Env, Setup};

async fn start() -> Env {
    with_faults(&[]).await
}

async fn with_faults(faults: &[&str]) -> Env {
    let setup = Setup {
        topology: TOPOLOGY,
        faults,
        seed: 3,
        ec2: false,
    };
    Env::start(setup, |state| state.page_size = 5000).await
}

impl Env {
    fn calls(&self, operation: &str) -> u64 {
        self.server
            .emulator
            .calls()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Every socket of every accelerator and whether it is allowed, read in full.
    async fn everything(&self) -> BTreeMap<Socket, bool> {
        let mut out = BTreeMap::new();
        for a in self.api.list_accelerators(100, None).await.unwrap().items {
            let mut token = None;
            loop {
                let page = self
                    .api
                    .list_port_mappings(&a.arn, None, 1000, token)
                    .await
                    .unwrap();
                for m in page.items {
                    out.insert(
                        (m.endpoint_id, m.destination.ip, m.destination.port),
                        m.traffic == portolan::model::TrafficState::Allow,
                    );
                }
                match page.next_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
        }
        out
    }

    /// The rows the browser shows, as bulk targets.
    fn shown(&self) -> Vec<Target> {
        let Screen::Browser(b) = self.state.top() else {
            panic!("{:?}", self.state.top());
        };
        (0..b.view_len())
            .map(|i| {
                let row = b.table().get(b.row_index(i).unwrap()).unwrap();
                Target {
                    group: row.endpoint_group_arn.to_string(),
                    subnet: row.subnet.to_string(),
                    ip: row.destination_ip.parse().unwrap(),
                    port: Some(row.destination_port),
                }
            })
            .collect()
    }

    fn message(&self) -> String {
        let m = self.state.message.as_ref().expect("a message");
        assert!(!m.error, "{}", m.text);
        m.text.clone()
    }
}

fn sockets(targets: &[Target]) -> BTreeSet<Socket> {
    targets
        .iter()
        .map(|t| (t.subnet.clone(), t.ip.to_string(), t.port.unwrap()))
        .collect()
}

#[tokio::test]
async fn bulk_deny_of_a_filter_then_undo_and_undo_again_all_journaled() {
    let mut env = start().await;
    let before = env.everything().await;
    assert_eq!(before.len(), (251 + 11) * 4);

    // M: every mapping of the accelerator, in the browser.
    env.press(KeyCode::Char('M')).await;
    let Screen::Browser(b) = env.state.top() else {
        panic!("{:?}", env.state.top());
    };
    assert!(b.is_complete() && b.table().len() == before.len());

    // One socket denied through the confirmation: journaled with its prior state.
    let first = env.shown()[0].clone();
    env.press(KeyCode::Char('D')).await;
    env.press(KeyCode::Char('y')).await;
    assert!(
        env.message().starts_with("traffic denied"),
        "{}",
        env.message()
    );
    let one = env.journal.entries().unwrap().entries;
    assert_eq!(one.len(), 1);
    assert!(matches!(
        one[0].requests[..],
        [Request::DenyCustomRoutingTraffic(_)]
    ));
    assert_eq!(one[0].prior.len(), 1);
    assert!(one[0].prior[0].allowed);
    assert_eq!(one[0].profile.as_deref(), Some("test"));
    assert_eq!(one[0].account.as_deref(), Some("123456789012"));
    let after_one = env.everything().await;
    let first_socket = sockets(std::slice::from_ref(&first));
    for (socket, allowed) in &after_one {
        let expected = !first_socket.contains(socket) && before[socket];
        assert_eq!(*allowed, expected, "{socket:?}");
    }

    // A filter, then b, d, y: exactly the sockets it shows are denied.
    env.press(KeyCode::Char('/')).await;
    env.typed("10.0.1.1").await;
    env.press(KeyCode::Enter).await;
    let shown = env.shown();
    let asked = sockets(&shown);
    assert!(asked.len() > 100, "{}", asked.len());
    let plan = plan(&shown);
    assert_eq!(
        (asked.len(), plan.addresses, plan.calls()),
        (440, 110, 2),
        "10.0.1.10–19 and 10.0.1.100–199 at four ports: two calls of at most 100 addresses"
    );
    let denies = env.calls("DenyCustomRoutingTraffic");
    env.press(KeyCode::Char('b')).await;
    let Some(Overlay::Bulk(dialog)) = &env.state.overlay else {
        panic!("{:?}", env.state.overlay);
    };
    assert_eq!(dialog.planned.as_ref().unwrap().plan, plan);
    env.press(KeyCode::Char('d')).await;
    env.press(KeyCode::Char('y')).await;
    assert_eq!(
        env.calls("DenyCustomRoutingTraffic") - denies,
        plan.calls() as u64,
        "one call per group of the plan"
    );
    let summary = env.message();
    assert!(
        summary.contains(&format!("done ({} calls)", plan.calls())),
        "{summary}"
    );
    assert!(env.state.messages.entries().any(|e| e.text == summary));
    let denied = env.everything().await;
    assert_eq!(denied.len(), before.len());
    for (socket, allowed) in &denied {
        if asked.contains(socket) {
            assert!(!allowed, "{socket:?} was shown and should be denied");
        } else {
            assert_eq!(allowed, &after_one[socket], "{socket:?} was not shown");
        }
    }

    // u names the change and asks; y restores every socket's prior state.
    env.press(KeyCode::Char('u')).await;
    let Some(Overlay::Undo(undo)) = &env.state.overlay else {
        panic!("{:?}", env.state.overlay);
    };
    assert!(
        undo.words.starts_with(&format!(
            "restore the prior traffic state of {} sockets",
            asked.len()
        )),
        "{}",
        undo.words
    );
    env.press(KeyCode::Char('y')).await;
    assert!(env.message().starts_with("undo "), "{}", env.message());
    assert_eq!(env.everything().await, after_one, "every socket as it was");

    // u again undoes the undo: the denial is back, nothing else moved.
    env.press(KeyCode::Char('u')).await;
    assert!(
        matches!(&env.state.overlay, Some(Overlay::Undo(u)) if u.words.starts_with("put back"))
    );
    env.press(KeyCode::Char('y')).await;
    assert_eq!(env.everything().await, denied);

    // The journal holds every change of the test, each undo pointing at what it undid.
    let entries = env.journal.entries().unwrap();
    assert!(entries.unreadable.is_empty(), "{:?}", entries.unreadable);
    let entries = entries.entries;
    assert_eq!(entries.len(), 4, "{entries:#?}");
    assert_eq!(entries[1].requests.len(), plan.calls());
    assert_eq!(entries[1].prior.len(), asked.len());
    assert!(entries[1].what.starts_with("deny "), "{}", entries[1].what);
    assert_eq!(entries[2].undoes.as_deref(), Some(entries[1].id.as_str()));
    assert_eq!(entries[3].undoes.as_deref(), Some(entries[2].id.as_str()));
    assert!(entries.iter().all(|e| e.outcome.complete(e.requests.len())));
}

#[tokio::test]
async fn read_only_bulk_and_undo_make_no_call() {
    let mut env = start().await;
    env.state.read_only = true;
    env.press(KeyCode::Char('M')).await;
    let before = env.server.emulator.calls();
    for c in ['b', 'B', 'u'] {
        env.press(KeyCode::Char(c)).await;
        assert!(env.state.overlay.is_none(), "{c}");
        let m = env.state.message.as_ref().unwrap();
        assert!(m.error && m.text.starts_with("read-only"), "{}", m.text);
    }
    assert_eq!(env.server.emulator.calls(), before);
    assert!(env.journal.entries().unwrap().entries.is_empty());
}

#[tokio::test]
async fn a_bulk_change_that_fails_says_exactly_what_was_not_applied() {
    let mut env = with_faults(&["DenyCustomRoutingTraffic:error=AccessDeniedException#1"]).await;
    let before = env.everything().await;
    env.press(KeyCode::Char('M')).await;
    env.press(KeyCode::Char('/')).await;
    env.typed("10.0.1.1").await;
    env.press(KeyCode::Enter).await;
    for c in ['b', 'd', 'y'] {
        env.press(KeyCode::Char(c)).await;
    }
    let m = env.state.message.clone().unwrap();
    assert!(m.error, "{}", m.text);
    assert!(
        m.text
            .contains("0 of 2 calls applied, 1 not made; call 1 failed: access denied"),
        "{}",
        m.text
    );
    assert!(
        env.state
            .messages
            .entries()
            .any(|e| e.text == m.text && e.error)
    );
    assert_eq!(env.everything().await, before, "nothing changed");
    // Journaled as it went; with nothing changed there is nothing to undo.
    let entries = env.journal.entries().unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome.applied, 0);
    env.press(KeyCode::Char('u')).await;
    assert!(env.state.overlay.is_none());
    assert!(
        env.state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("nothing to undo")
    );
}
