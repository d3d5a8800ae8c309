//! Defects met walking the demo as a new user, each shown by the `update` sequence that met it.

use super::*;
use crate::app::overlays::capacity::PATIENCE;
use crate::app::screens::browser::Browser;
use crate::model::capacity::ListenerUsage;
use crate::model::{
    DestinationPortMapping, PortMapping, ProtocolSet, SocketAddress, TrafficState, Verdict,
};

/// The detail of accelerator 0's group in eu-west-1, loaded.
fn group_detail() -> State {
    let mut s = loaded(2);
    key(&mut s, KeyCode::Enter);
    let l = listener(&accelerator(0), 1);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![l.clone()], None)));
    key(&mut s, KeyCode::Enter);
    let g = group(&l, "eu-west-1");
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::EndpointGroups(page(vec![g], None)));
    key(&mut s, KeyCode::Enter);
    s
}

/// `a` on the group detail: the add-subnet dialog and the id of its free-port count.
fn add_subnet_dialog(s: &mut State) -> RequestId {
    let effects = ch(s, 'a');
    calls(&effects)
        .into_iter()
        .find_map(|(id, c)| matches!(c, Call::ListenerUsage { .. }).then_some(id))
        .expect("the dialog counts the listener's free ports")
}

fn capacity(s: &State) -> Vec<String> {
    s.form().expect("the dialog is open").capacity()
}

fn usage() -> ListenerUsage {
    ListenerUsage {
        total: 100,
        groups: vec![("eu-west-1".into(), "arn:g".into(), 40)],
    }
}

#[test]
fn a_failed_count_of_free_ports_says_so_instead_of_vanishing() {
    let mut s = group_detail();
    let id = add_subnet_dialog(&mut s);
    assert!(capacity(&s)[0].starts_with("counting the listener's free ports…"));
    fail(&mut s, id, ApiError::AccessDenied("not allowed".into()));
    let lines = capacity(&s).join(" ");
    assert!(
        lines.contains("✗ could not count the listener's free ports: ")
            && lines.contains("not allowed"),
        "{lines}"
    );
    assert!(!lines.contains("counting"), "{lines}");
    assert_eq!(
        s.form().unwrap().count.pending(),
        None,
        "nothing is awaited any more"
    );
}

#[test]
fn a_count_that_takes_too_long_is_stopped_and_typing_goes_on_meanwhile() {
    let mut s = group_detail();
    let id = add_subnet_dialog(&mut s);
    assert!(s.busy(), "the spinner turns, so ticks come while it counts");
    key(&mut s, KeyCode::Tab); // from the subnet picker to the typed ids
    typed(&mut s, "subnet-0a1b2c3d");
    assert_eq!(s.form().unwrap().form.head[0].value(), "subnet-0a1b2c3d");
    s.now += PATIENCE - Duration::from_secs(1);
    assert!(cancels(&update(&mut s, Action::Tick)).is_empty());
    assert!(capacity(&s)[0].starts_with("counting"));
    s.now += Duration::from_secs(2);
    let effects = update(&mut s, Action::Tick);
    assert_eq!(cancels(&effects), vec![id], "the count's call is aborted");
    let lines = capacity(&s).join(" ");
    assert!(
        lines.contains("✗ stopped counting the listener's free ports after 30s"),
        "{lines}"
    );
    // A late answer is dropped; the dialog keeps what was typed.
    reply(&mut s, id, Reply::Usage(usage()));
    assert!(capacity(&s)[0].starts_with('✗'));
    assert_eq!(s.form().unwrap().form.head[0].value(), "subnet-0a1b2c3d");
}

#[test]
fn a_superseded_count_is_dropped_and_the_new_one_ends_in_numbers() {
    let mut s = group_detail();
    let old = add_subnet_dialog(&mut s);
    key(&mut s, KeyCode::Esc);
    let new = add_subnet_dialog(&mut s);
    assert_ne!(old, new);
    reply(&mut s, old, Reply::Usage(usage()));
    assert!(
        capacity(&s)[0].starts_with("counting"),
        "the old answer is not this dialog's"
    );
    reply(&mut s, new, Reply::Usage(usage()));
    assert!(
        capacity(&s)[0].contains("100 held, 40 used, 60 free"),
        "{:?}",
        capacity(&s)
    );
    // An answer of another kind still ends the wait, with a word.
    let mut s = group_detail();
    let id = add_subnet_dialog(&mut s);
    reply(&mut s, id, Reply::Done);
    assert!(
        capacity(&s)[0].starts_with("✗ could not count"),
        "{:?}",
        capacity(&s)
    );
}

#[test]
fn the_add_subnet_dialog_offers_only_its_own_keys() {
    let mut s = group_detail();
    add_subnet_dialog(&mut s);
    let hints = crate::app::hints(&s);
    assert!(
        hints.iter().any(|h| h.keys == "⏎" && h.action == "add"),
        "the picker has the keys first: {hints:?}"
    );
    key(&mut s, KeyCode::Tab);
    let hints = crate::app::hints(&s);
    assert!(
        hints.iter().all(|h| !h.action.contains("row")),
        "no rows to add in this dialog: {hints:?}"
    );
    assert!(
        hints
            .iter()
            .any(|h| h.keys == "Ctrl-S" && h.action == "add"),
        "{hints:?}"
    );
    let title = s.form().unwrap().title();
    assert!(title.ends_with("eu-west-1 group g-eu-west-1"), "{title}");
}

#[test]
fn the_listener_form_offers_no_space_toggle() {
    let mut s = loaded(1);
    key(&mut s, KeyCode::Enter);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![], None)));
    ch(&mut s, 'c');
    assert!(s.form().is_some(), "the new-listener dialog is open");
    let hints = crate::app::hints(&s);
    assert!(
        hints.iter().all(|h| h.keys != "Space"),
        "nothing to toggle: {hints:?}"
    );
    assert!(hints.iter().any(|h| h.keys == "Ctrl-N/D"), "{hints:?}");
}

/// Opens the add-subnet dialog, pastes a subnet id and sends the add; its request id.
fn send_an_add(s: &mut State) -> RequestId {
    add_subnet_dialog(s);
    update(s, Action::Paste("subnet-0a1b2c3d".into()));
    let effects = update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let (id, _) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::AddEndpoints { .. }))
        .expect("the add is sent");
    id
}

#[test]
fn the_listener_full_message_reads_as_one_sentence() {
    let mut s = group_detail();
    let id = send_an_add(&mut s);
    fail(&mut s, id, ApiError::LimitExceeded("no room".into()));
    let text = s.form().unwrap().form.error.clone().unwrap();
    assert!(text.starts_with("the listener is full"), "{text}");
    assert!(
        !text.contains("  "),
        "runs of spaces inside the message: {text:?}"
    );
}

#[test]
fn live_says_it_waits_while_an_overlay_is_open_or_the_user_types() {
    let mut s = loaded(2);
    assert_eq!(live::waiting(&s), None, "not live");
    ch(&mut s, 'L');
    assert_eq!(live::waiting(&s), None);
    ch(&mut s, '?');
    assert_eq!(live::waiting(&s), Some("help open"));
    assert!(calls(&update(&mut s, Action::Tick)).is_empty(), "held");
    key(&mut s, KeyCode::Esc);
    assert_eq!(live::waiting(&s), None);
    ch(&mut s, 'c');
    assert_eq!(live::waiting(&s), Some("dialog open"));
    key(&mut s, KeyCode::Esc);
    ch(&mut s, '/');
    assert_eq!(live::waiting(&s), Some("typing"));
    key(&mut s, KeyCode::Enter);
    assert_eq!(live::waiting(&s), None);
    ch(&mut s, 'L');
    ch(&mut s, '?');
    assert_eq!(live::waiting(&s), None, "paused says paused, not waiting");
}

fn port_mappings(n: u16) -> Vec<PortMapping> {
    (0..n)
        .map(|i| PortMapping {
            accelerator_port: 1024 + i,
            endpoint_group_arn: "arn:g".into(),
            endpoint_id: "subnet-1".into(),
            destination: SocketAddress {
                ip: "10.0.0.4".into(),
                port: 7000 + i,
            },
            protocols: ProtocolSet::UDP,
            traffic: if i == 0 {
                TrafficState::Deny
            } else {
                TrafficState::Allow
            },
        })
        .collect()
}

fn browser_of(s: &State) -> &Browser {
    match s.top() {
        Screen::Browser(b) => b,
        other => panic!("{other:?}"),
    }
}

fn verdicts(b: &Browser) -> Vec<Verdict> {
    (0..b.table().len())
        .map(|i| b.table().get(i).unwrap().verdict())
        .collect()
}

#[test]
fn rows_of_a_disabled_accelerator_pass_no_traffic() {
    // Accelerator 1 is disabled: every mapping of it, ALLOW or DENY, passes nothing.
    let mut s = loaded(2);
    ch(&mut s, 'j');
    let (id, call) = calls(&ch(&mut s, 'M'))[0].clone();
    assert!(matches!(call, Call::ListMappings { .. }));
    reply(
        &mut s,
        id,
        Reply::PortMappings(page(port_mappings(3), None)),
    );
    let b = browser_of(&s);
    assert_eq!(verdicts(b), [Verdict::Disabled; 3]);
    assert_eq!(
        b.table().get(1).unwrap().traffic,
        TrafficState::Allow,
        "its own state is kept"
    );
    assert!(
        b.table().matcher("off").matches(1),
        "the filter finds what the cell says"
    );

    // By destination, rows of several accelerators: only the disabled one's are off.
    let mut s = loaded(2);
    let mut b = Browser::by_destination(
        &group(&listener(&accelerator(0), 1), "eu-west-1"),
        None,
        Default::default(),
        100,
    );
    b.disabled = crate::app::screens::browser::keys::known_disabled(&s);
    b.form.as_mut().unwrap().address = tui_input::Input::new("10.0.0.4".into());
    assert!(b.submit_form());
    let (id, _) = calls(&s.push(Screen::Browser(Box::new(b))))[0].clone();
    let rows: Vec<DestinationPortMapping> = [0, 1]
        .into_iter()
        .map(|n| DestinationPortMapping {
            accelerator_arn: accelerator(n).arn,
            accelerator_sockets: vec![],
            endpoint_group_arn: "arn:g".into(),
            endpoint_id: "subnet-1".into(),
            endpoint_group_region: "eu-west-1".into(),
            destination: SocketAddress {
                ip: "10.0.0.4".into(),
                port: 7000,
            },
            ip_address_type: None,
            traffic: TrafficState::Allow,
        })
        .collect();
    reply(&mut s, id, Reply::DestinationMappings(page(rows, None)));
    assert_eq!(
        verdicts(browser_of(&s)),
        [Verdict::Allow, Verdict::Disabled]
    );
}

#[test]
fn a_refused_add_is_kept_in_the_log_and_its_journal_line_says_nothing_changed() {
    let mut s = group_detail();
    let id = send_an_add(&mut s);
    fail(
        &mut s,
        id,
        ApiError::InvalidArgument("subnet-0a1b2c3d is not a subnet of this account".into()),
    );
    assert!(s.form().is_some(), "the form stays as typed");
    update(
        &mut s,
        Action::Journaled(crate::app::changes::Journaled {
            entry: Ok("20260102T030405Z-ab12cd34".into()),
            what: "add subnet-0a1b2c3d to group g".into(),
            changed: false,
            undo: Err("nothing to undo".into()),
            profile: None,
        }),
    );
    let log: Vec<(String, bool)> = s
        .messages
        .entries()
        .map(|e| (e.text.clone(), e.error))
        .collect();
    assert!(
        log.iter()
            .any(|(t, error)| *error && t.contains("is not a subnet of this account")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|(t, _)| t
            == "journal 20260102T030405Z-ab12cd34: add subnet-0a1b2c3d to group g (failed: nothing changed)"),
        "{log:?}"
    );
}

#[test]
fn subnets_added_together_are_spoken_of_in_the_plural() {
    let mut s = group_detail();
    add_subnet_dialog(&mut s);
    update(
        &mut s,
        Action::Paste("subnet-0a1b2c3d subnet-0e5f6a7b".into()),
    );
    let effects = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let (id, _) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::AddEndpoints { .. }))
        .expect("the add is sent");
    reply(
        &mut s,
        id,
        Reply::EndpointsAdded {
            added: vec!["subnet-0a1b2c3d".into(), "subnet-0e5f6a7b".into()],
            allowed: Some(Ok(())),
        },
    );
    let last = s.messages.entries().last().unwrap().text.clone();
    assert_eq!(
        last,
        "added subnet-0a1b2c3d, subnet-0e5f6a7b and allowed all traffic to them"
    );
}

#[test]
fn an_empty_watch_view_offers_p_but_not_the_keys_that_need_a_pin() {
    let mut s = loaded(2);
    ch(&mut s, 'W');
    assert!(
        matches!(s.top(), Screen::Watch(_)),
        "W opens the watch view"
    );
    let keys: Vec<String> = crate::app::hints(&s).into_iter().map(|h| h.keys).collect();
    assert!(keys.contains(&"p".to_string()), "{keys:?}");
    assert!(
        !keys.contains(&"d".to_string()),
        "d unpins nothing: {keys:?}"
    );
    assert!(
        !keys.contains(&"y".to_string()),
        "y copies nothing: {keys:?}"
    );
}
