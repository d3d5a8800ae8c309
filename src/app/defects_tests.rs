//! Defects a new user met, each shown by the `update` sequence that met it.

use super::*;
use crate::app::screens::browser::Browser;
use crate::model::{PortMapping, ProtocolSet, SocketAddress, TrafficState};

/// The groups pane of accelerator 0's listener, loaded with one group in eu-west-1 (two subnets).
fn groups_pane() -> (State, EndpointGroup) {
    let mut s = loaded(1);
    key(&mut s, KeyCode::Enter);
    let l = listener(&accelerator(0), 1);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![l.clone()], None)));
    key(&mut s, KeyCode::Enter);
    let g = group(&l, "eu-west-1");
    let id = s.top().pending()[0];
    reply(
        &mut s,
        id,
        Reply::EndpointGroups(page(vec![g.clone()], None)),
    );
    (s, g)
}

fn groups_row_subnets(s: &State) -> usize {
    let pane = s
        .screens
        .iter()
        .find_map(|screen| match screen {
            Screen::EndpointGroups(g) => Some(&g.pane),
            _ => None,
        })
        .expect("a groups pane");
    pane.rows()[0].endpoints.len()
}

/// Answers the describe call of the group detail on top with `g`.
fn describe(s: &mut State, effects: &[Effect], g: &EndpointGroup) {
    let id = calls(effects)
        .into_iter()
        .find_map(|(id, c)| matches!(c, Call::DescribeEndpointGroup { .. }).then_some(id))
        .expect("the group is read back");
    reply(s, id, Reply::EndpointGroup(g.clone()));
}

#[test]
fn adding_or_removing_a_subnet_updates_the_groups_list_at_once() {
    let (mut s, g) = groups_pane();
    let effects = key(&mut s, KeyCode::Enter);
    describe(&mut s, &effects, &g);
    ch(&mut s, 'a');
    update(&mut s, Action::Paste("subnet-0a1b2c3d".into()));
    let effects = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let (id, call) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::AddEndpoints { .. }))
        .expect("the add is sent");
    assert!(matches!(call, Call::AddEndpoints { .. }));
    let effects = reply(
        &mut s,
        id,
        Reply::EndpointsAdded {
            added: vec!["subnet-0a1b2c3d".into()],
            allowed: None,
        },
    );
    let mut grown = g.clone();
    grown.endpoints.push("subnet-0a1b2c3d".into());
    describe(&mut s, &effects, &grown);
    assert_eq!(groups_row_subnets(&s), 3, "SUBNETS still showed 2 until r");

    // Removing one: confirm, the answer, the re-read.
    ch(&mut s, 'x');
    let (id, _) = calls(&ch(&mut s, 'y'))[0].clone();
    let effects = reply(&mut s, id, Reply::Done);
    describe(&mut s, &effects, &g);
    assert_eq!(groups_row_subnets(&s), 2);
}

#[test]
fn a_connection_error_goes_once_the_service_answers_again() {
    let mut s = loaded(3);
    let (id, _) = calls(&ch(&mut s, 'r'))[0].clone();
    fail(&mut s, id, ApiError::Transport("connection refused".into()));
    assert!(s.message.as_ref().unwrap().text.contains("could not reach"));
    let (id, _) = calls(&ch(&mut s, 'r'))[0].clone();
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..3), None)),
    );
    assert!(
        s.message.is_none(),
        "the old \"could not reach\" error stayed after a good answer: {:?}",
        s.message
    );
    // Other errors are not about reaching the service: they stay until dismissed.
    let (id, _) = calls(&ch(&mut s, 'r'))[0].clone();
    fail(&mut s, id, ApiError::AccessDenied("no".into()));
    let (id, _) = calls(&ch(&mut s, 'r'))[0].clone();
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..3), None)),
    );
    assert!(s.message.as_ref().is_some_and(|m| m.error));
}

fn mappings(from: usize, n: usize) -> Vec<PortMapping> {
    let g = group(&listener(&accelerator(0), 1), "eu-west-1");
    (from..from + n)
        .map(|i| PortMapping {
            accelerator_port: u16::try_from(1024 + i).unwrap(),
            endpoint_group_arn: g.arn.clone(),
            endpoint_id: "subnet-1".into(),
            destination: SocketAddress {
                ip: format!("10.0.{}.{}", i / 250, i % 250 + 4),
                port: 7000,
            },
            protocols: ProtocolSet::UDP,
            traffic: if i.is_multiple_of(3) {
                TrafficState::Deny
            } else {
                TrafficState::Allow
            },
        })
        .collect()
}

/// Every mapping of accelerator 0, its first page of 100 loaded and more to come.
fn browser_state() -> State {
    let mut s = loaded(1);
    let b = Browser::of_accelerator(&accelerator(0), None, Default::default(), 100);
    let effects = s.push(Screen::Browser(Box::new(b)));
    let (id, _) = calls(&effects)[0].clone();
    reply(
        &mut s,
        id,
        Reply::PortMappings(page(mappings(0, 100), Some("p2"))),
    );
    s
}

fn browser_of(s: &State) -> &Browser {
    match s.top() {
        Screen::Browser(b) => b,
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_during_a_search_stops_the_search_even_with_a_message_shown() {
    let mut s = browser_state();
    ch(&mut s, ':');
    typed(&mut s, "9999");
    let (id, _) = calls(&key(&mut s, KeyCode::Enter))[0].clone();
    s.error("an earlier error");
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Cancel(id)], "Esc cleared the message");
    assert!(browser_of(&s).seek.is_none());
    assert_eq!(s.message.as_ref().unwrap().text, "search stopped");
}

#[test]
fn the_delete_group_confirmation_says_what_goes_and_offers_no_tab() {
    let (mut s, _) = groups_pane();
    key(&mut s, KeyCode::Delete);
    let confirm = s.confirm().expect("Delete asks first");
    let text = confirm.chosen().describe();
    assert!(
        text.contains("2 subnet endpoints and every port mapping of them"),
        "{text}"
    );
    let hints = crate::app::hints(&s);
    assert!(
        hints
            .iter()
            .all(|h| !h.keys.contains("Tab") && !h.action.contains("wider")),
        "{hints:?}"
    );
    assert!(hints.iter().any(|h| h.keys == "y"));
}

#[test]
fn y_says_what_it_copied() {
    let mut s = browser_state();
    let effects = ch(&mut s, 'y');
    assert!(matches!(effects.as_slice(), [Effect::Copy(_)]));
    let text = &s.message.as_ref().expect("a word in the status bar").text;
    assert!(
        text.contains("copied") && text.contains("10.0.0.4:7000"),
        "{text}"
    );
}

#[test]
fn a_on_the_groups_pane_says_what_to_do() {
    let (mut s, _) = groups_pane();
    let effects = ch(&mut s, 'A');
    assert!(effects.is_empty() && s.overlay.is_none());
    let text = &s.message.as_ref().expect("A said nothing").text;
    assert!(text.contains("open a group"), "{text}");
}

#[test]
fn l_re_reads_at_once() {
    let mut s = loaded(3);
    ch(&mut s, 'L');
    let effects = update(&mut s, Action::Tick);
    assert!(
        calls(&effects)
            .iter()
            .any(|(_, c)| matches!(c, Call::ListAccelerators { token: None })),
        "the first re-read waited a whole interval"
    );
}

fn hint_text(s: &State) -> String {
    crate::app::hints(s)
        .iter()
        .map(|h| format!("{} {}", h.keys, h.action))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[test]
fn read_only_hints_offer_no_change() {
    let (mut s, _) = groups_pane();
    assert!(hint_text(&s).contains("create"));
    s.read_only = true;
    let text = hint_text(&s);
    assert!(
        !text.contains("create") && !text.contains("delete"),
        "{text}"
    );
    s.screens.truncate(1);
    assert!(!hint_text(&s).contains("create"));
    let mut s = browser_state();
    s.read_only = true;
    assert!(!hint_text(&s).contains("allow/deny"));
    assert!(hint_text(&s).contains("export"));
}

#[test]
fn a_browser_without_rows_offers_no_row_keys() {
    let mut s = browser_state();
    assert!(hint_text(&s).contains("allow/deny"));
    ch(&mut s, '/');
    typed(&mut s, "no-such-row");
    update(&mut s, Action::Key(KeyEvent::from(KeyCode::Enter)));
    for _ in 0..10 {
        update(&mut s, Action::Tick);
    }
    let text = hint_text(&s);
    assert_eq!(browser_of(&s).view_len(), 0);
    assert!(
        !text.contains("allow/deny") && !text.contains("copy") && !text.contains("export"),
        "{text}"
    );
    assert!(text.contains("filter") && text.contains("back"), "{text}");
}

#[test]
fn export_offers_and_writes_the_rows_shown() {
    let mut s = browser_state();
    ch(&mut s, '/');
    typed(&mut s, "deny");
    key(&mut s, KeyCode::Enter);
    assert_eq!(browser_of(&s).view_len(), 34);
    ch(&mut s, 'e');
    let dialog = s.export().expect("e opens the export dialog");
    assert!(
        dialog.shown_words().contains("34 rows shown"),
        "{}",
        dialog.shown_words()
    );
    assert!(!dialog.shown_words().contains("the 100 loaded rows"));
    let effects = key(&mut s, KeyCode::Enter);
    let [Effect::Export(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let ExportRows::Loaded { shown, .. } = &job.rows else {
        panic!("{:?}", job.rows)
    };
    assert_eq!(
        shown.as_ref().map(Vec::len),
        Some(34),
        "writes what is shown"
    );
}

#[test]
fn a_failed_export_keeps_its_dialog_with_the_path_and_the_error() {
    let mut s = browser_state();
    ch(&mut s, 'e');
    for _ in 0..80 {
        key(&mut s, KeyCode::Backspace);
    }
    update(&mut s, Action::Paste("taken.csv".into()));
    assert_eq!(
        s.export().unwrap().path.value(),
        "taken.csv",
        "paste reaches the path"
    );
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::Export(_)]));
    assert!(s.export().unwrap().writing.is_some());
    update(
        &mut s,
        Action::Exported {
            path: "taken.csv".into(),
            result: Err("the file exists; choose another name".into()),
        },
    );
    let dialog = s.export().expect("the dialog stays after a failure");
    assert_eq!(dialog.path.value(), "taken.csv");
    assert!(dialog.error.as_deref().unwrap().contains("file exists"));
    assert_eq!(s.exports, 0);
    // What is typed next edits the path; nothing reaches the browser's filter.
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "v2");
    assert_eq!(s.export().unwrap().path.value(), "taken.csv2");
    assert!(!browser_of(&s).list.filter.is_active());
    // Success closes it and says so.
    key(&mut s, KeyCode::Enter);
    update(
        &mut s,
        Action::Exported {
            path: "taken.csv2".into(),
            result: Ok(100),
        },
    );
    assert!(s.overlay.is_none());
    assert!(s.message.as_ref().unwrap().text.contains("wrote 100"));
}

#[test]
fn a_pasted_socket_finds_its_accelerator_port() {
    let mut s = browser_state();
    ch(&mut s, ':');
    update(&mut s, Action::Paste("75.2.0.0:1050\n".into()));
    let effects = key(&mut s, KeyCode::Enter);
    assert!(calls(&effects).is_empty(), "port 1050 is loaded");
    let b = browser_of(&s);
    assert!(b.prompt.is_none(), "{:?}", b.prompt);
    assert_eq!(
        b.table().accelerator_port(b.selected_row().unwrap()),
        Some(1050)
    );
    ch(&mut s, ':');
    update(&mut s, Action::Paste("10.9.9.9:1050".into()));
    key(&mut s, KeyCode::Enter);
    let Some(crate::app::screens::browser::Prompt::Jump { error: Some(e), .. }) =
        &browser_of(&s).prompt
    else {
        panic!("a foreign IP is refused in the prompt")
    };
    assert!(e.contains("not a static IP of this accelerator"), "{e}");
}

/// With a filter line (or a destination form) above the table, `G` kept the cursor one row
/// below the last one drawn: the ▶ was on the row above the one `y`, `D` and `A` act on.
#[test]
fn the_cursor_stays_among_the_rows_drawn_under_a_filter_line() {
    let mut s = browser_state();
    s.size = (80, 24);
    ch(&mut s, '/');
    typed(&mut s, "7000");
    key(&mut s, KeyCode::Enter);
    for _ in 0..10 {
        update(&mut s, Action::Tick);
    }
    assert!(browser_of(&s).list.filter.is_active());
    // Header, path, frame, column titles, status and hints, and the filter line.
    assert_eq!(s.list_rows(), 24 - 7 - 1);
    for k in [KeyCode::Char('G'), KeyCode::PageUp, KeyCode::PageDown] {
        key(&mut s, k);
        let b = browser_of(&s);
        let on_screen = b.selected() - b.list.offset();
        assert!(
            on_screen < s.list_rows(),
            "{k:?}: row {on_screen} of {}",
            s.list_rows()
        );
    }
    // A destination browser's form takes two rows more.
    let g = group(&listener(&accelerator(0), 1), "eu-west-1");
    let b = Browser::by_destination(&g, None, Default::default(), 100);
    s.push(Screen::Browser(Box::new(b)));
    assert_eq!(s.list_rows(), 24 - 7 - 2);
}
