//! `update` tests of the `w` lookup.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::overlays::whois::LookupResult;
use super::*;
use crate::index::Holder;
use crate::index::whois::{Via, WhoisAnswer};
use crate::model::{
    Accelerator, AcceleratorStatus, EndpointGroup, Page, ProtocolSet, SocketAddress, TrafficState,
};

fn accelerator(name: &str) -> Accelerator {
    Accelerator {
        arn: format!("arn:aws:globalaccelerator::111122223333:accelerator/{name}"),
        name: name.into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec!["75.2.0.1".into()],
        dns_name: String::new(),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn state() -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.index_dir = Some("/nowhere".into());
    // Without EC2, as before the join: every endpoint is asked (whois_ec2_tests has the rest).
    s.join = super::join::Join::off();
    let id = match s.start().remove(0) {
        Effect::Call { id, .. } => id,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Accelerators(Page {
                items: vec![accelerator("a"), accelerator("b")],
                next_token: None,
            })),
        },
    );
    s
}

/// The first call of `effects` (a browser opened on an answer also describes the group, for
/// the protocols of its rows).
fn the_call(effects: &[Effect]) -> (RequestId, Call) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Call { id, call } => Some((*id, call.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no call in {effects:?}"))
}

fn group() -> EndpointGroup {
    EndpointGroup {
        arn: "arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group/g"
            .into(),
        region: "eu-west-1".into(),
        destinations: vec![],
        endpoints: vec!["subnet-0a1b2c3d".into()],
    }
}

#[test]
fn an_address_asks_whois_and_enter_opens_the_browser_on_the_answer() {
    let mut s = state();
    key(&mut s, KeyCode::Char('w'));
    typed(&mut s, "75.2.0.1:41872");
    let (id, call) = the_call(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        call,
        Call::Whois {
            ip: "75.2.0.1".parse().unwrap(),
            port: 41872,
            store: Some("/nowhere".into())
        }
    );
    assert!(s.busy());
    let g = group();
    let answer = WhoisAnswer {
        address: SocketAddress {
            ip: "75.2.0.1".into(),
            port: 41872,
        },
        accelerator_arn: accelerator("a").arn,
        accelerator_name: "a".into(),
        accelerator_enabled: true,
        listener_arn: "arn:…/listener/l".into(),
        endpoint_group_arn: g.arn.clone(),
        region: g.region.clone(),
        subnet: "subnet-0a1b2c3d".into(),
        destination: SocketAddress {
            ip: "10.0.3.17".into(),
            port: 7777,
        },
        protocols: Some(ProtocolSet::UDP),
        traffic: TrafficState::Deny,
        via: Via::Index,
        index_was_stale: false,
    };
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Whois(Ok(Box::new(answer)))),
        },
    );
    assert!(matches!(
        s.whois().unwrap().result,
        Some(LookupResult::Address(_))
    ));
    let effects = key(&mut s, KeyCode::Enter);
    let (_, call) = the_call(&effects);
    assert_eq!(
        call,
        Call::ListMappingsByDestination {
            subnet: "subnet-0a1b2c3d".into(),
            ip: "10.0.3.17".into(),
            page_size: DEFAULT_PAGE_SIZE,
            token: None
        }
    );
    assert!(s.whois().is_none());
    assert!(matches!(s.top(), Screen::Browser(_)));
}

#[test]
fn an_ip_alone_searches_the_accelerators_in_view_and_lists_the_holders() {
    let mut s = state();
    key(&mut s, KeyCode::Char('w'));
    typed(&mut s, "10.0.3.17");
    let (id, call) = the_call(&key(&mut s, KeyCode::Enter));
    let Call::Holders { accelerators, .. } = call else {
        panic!("{call:?}")
    };
    assert_eq!(accelerators.len(), 2, "every loaded accelerator");
    let holder = |name: &str, subnet: &str| Holder {
        accelerator_name: name.into(),
        group: group(),
        subnet: subnet.into(),
    };
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Holders {
                ip: "10.0.3.17".into(),
                found: vec![holder("a", "subnet-1"), holder("b", "subnet-2")],
            }),
        },
    );
    key(&mut s, KeyCode::Down);
    let (_, call) = the_call(&key(&mut s, KeyCode::Enter));
    assert!(
        matches!(call, Call::ListMappingsByDestination { ref subnet, .. } if subnet == "subnet-2")
    );
}

#[test]
fn bad_input_and_empty_answers_say_so_in_place() {
    let mut s = state();
    key(&mut s, KeyCode::Char('w'));
    typed(&mut s, "75.2.0.1:99999");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(s.whois().unwrap().error.is_some());
    for _ in 0..14 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "not an ip");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let error = s.whois().unwrap().error.clone().unwrap();
    assert!(error.contains("neither"), "{error}");
    for _ in 0..9 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "10.9.9.9");
    let (id, _) = the_call(&key(&mut s, KeyCode::Enter));
    update(
        &mut s,
        Action::Reply {
            id,
            result: Ok(Reply::Holders {
                ip: "10.9.9.9".into(),
                found: vec![],
            }),
        },
    );
    let error = s.whois().unwrap().error.clone().unwrap();
    assert!(error.contains("never tells a subnet's CIDR"), "{error}");
    // q is text while the lookup is open; Esc closes it.
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.quit);
    key(&mut s, KeyCode::Esc);
    assert!(s.whois().is_none());
}

#[test]
fn i_builds_the_index_with_progress_and_esc_stops_it() {
    let mut s = state();
    let effects = key(&mut s, KeyCode::Char('I'));
    let [
        Effect::BuildIndex {
            id,
            accelerator,
            store,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(accelerator.name, "a", "the selected accelerator");
    assert_eq!(store, &std::path::PathBuf::from("/nowhere"));
    let id = *id;
    assert!(s.busy());
    update(
        &mut s,
        Action::IndexProgress {
            id,
            read: 20_000,
            bound: 45_000,
        },
    );
    assert_eq!(s.indexing.as_ref().unwrap().read, 20_000);
    assert!(
        key(&mut s, KeyCode::Char('I')).is_empty(),
        "one build at a time"
    );
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Cancel(id)]);
    assert!(s.indexing.is_none());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was saved")
    );
    // A late end of the stopped build changes nothing.
    update(
        &mut s,
        Action::IndexBuilt {
            id,
            result: Ok((1, 1)),
        },
    );
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was saved")
    );

    let effects = key(&mut s, KeyCode::Char('I'));
    let [Effect::BuildIndex { id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let id = *id;
    update(
        &mut s,
        Action::IndexBuilt {
            id,
            result: Ok((41_710, 500_000)),
        },
    );
    assert!(s.indexing.is_none());
    assert!(s.message.as_ref().unwrap().text.contains("41710 mappings"));
}

#[test]
fn the_last_address_comes_back_and_typing_or_pasting_replaces_it() {
    let mut s = state();
    key(&mut s, KeyCode::Char('w'));
    typed(&mut s, "75.2.16.21:54442");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    // Reopened: the last address is there, and a new one typed replaces it.
    key(&mut s, KeyCode::Char('w'));
    assert_eq!(s.whois().unwrap().input.value(), "75.2.16.21:54442");
    typed(&mut s, "75.2.16.23:6655");
    assert_eq!(s.whois().unwrap().input.value(), "75.2.16.23:6655");
    key(&mut s, KeyCode::Esc);
    // A paste replaces it too.
    key(&mut s, KeyCode::Char('w'));
    update(&mut s, Action::Paste("10.0.64.4".into()));
    assert_eq!(s.whois().unwrap().input.value(), "10.0.64.4");
    key(&mut s, KeyCode::Esc);
    // Backspace edits what is there instead.
    key(&mut s, KeyCode::Char('w'));
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "3");
    assert_eq!(s.whois().unwrap().input.value(), "75.2.16.21:54443");
}
