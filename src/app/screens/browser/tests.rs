//! `update` tests of the port-mapping browser.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::overlays::export::ExportScope;
use super::screens::browser::{Browser, Prompt, Source};
use super::*;
use crate::api::ApiError;
use crate::model::{
    Accelerator, DestinationConfig, DestinationPortMapping, EndpointGroup, Page, PortMapping,
    PortRange, ProtocolSet, SocketAddress, TrafficState,
};

const ACC: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1";
const GROUP: &str =
    "arn:aws:globalaccelerator::111122223333:accelerator/a1/listener/l1/endpoint-group/g1";

fn accelerator() -> Accelerator {
    crate::app::fixtures::accelerator(&["75.2.0.1", "99.83.0.1"])
}

fn group() -> EndpointGroup {
    EndpointGroup {
        arn: GROUP.into(),
        region: "eu-west-1".into(),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7009).unwrap(),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: vec!["subnet-a".into(), "subnet-b".into()],
    }
}

fn by_destination(ip: &str, n: usize) -> Vec<DestinationPortMapping> {
    (0..n)
        .map(|i| DestinationPortMapping {
            accelerator_arn: ACC.into(),
            accelerator_sockets: ["75.2.0.1", "99.83.0.1"]
                .into_iter()
                .map(|a| SocketAddress {
                    ip: a.into(),
                    port: 10_000 + u16::try_from(i).unwrap(),
                })
                .collect(),
            endpoint_group_arn: GROUP.into(),
            endpoint_id: "subnet-a".into(),
            endpoint_group_region: "eu-west-1".into(),
            destination: SocketAddress {
                ip: ip.into(),
                port: 7000 + u16::try_from(i % 10).unwrap(),
            },
            ip_address_type: None,
            traffic: TrafficState::Allow,
        })
        .collect()
}

fn port_mappings(from: usize, n: usize) -> Vec<PortMapping> {
    (from..from + n)
        .map(|i| PortMapping {
            // Past 64,511 rows the ports repeat: enough for tests of many loaded rows.
            accelerator_port: u16::try_from(1024 + i % 64_511).unwrap(),
            endpoint_group_arn: GROUP.into(),
            endpoint_id: "subnet-a".into(),
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

fn state_with(browser: Browser) -> (State, Vec<Effect>) {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    let effects = s.push(Screen::Browser(Box::new(browser)));
    (s, effects)
}

fn browser(s: &State) -> &Browser {
    match s.top() {
        Screen::Browser(b) => b,
        other => panic!("{other:?}"),
    }
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(s, KeyCode::Char(c)))
        .collect()
}

fn calls(effects: &[Effect]) -> Vec<(RequestId, Call)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { id, call } => Some((*id, call.clone())),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, id: RequestId, reply: Reply) -> Vec<Effect> {
    update(
        s,
        Action::Reply {
            id,
            result: Ok(reply),
        },
    )
}

fn mappings_page(from: usize, n: usize, next: Option<&str>) -> Reply {
    Reply::PortMappings(Page {
        items: port_mappings(from, n),
        next_token: next.map(str::to_string),
    })
}

/// A whole-group browser with its first page of 100 loaded and more to come.
fn loaded_group_browser() -> State {
    let b = Browser::of_accelerator(&accelerator(), Some(&group()), Default::default(), 100);
    let (mut s, effects) = state_with(b);
    let (id, call) = calls(&effects)[0].clone();
    assert_eq!(
        call,
        Call::ListMappings {
            accelerator_arn: ACC.into(),
            group: Some(GROUP.into()),
            page_size: 100,
            token: None
        }
    );
    answer(&mut s, id, mappings_page(0, 100, Some("p2")));
    s
}

#[test]
fn an_address_that_does_not_parse_is_refused_inline_and_nothing_is_sent() {
    let b = Browser::by_destination(&group(), None, Default::default(), 500);
    let (mut s, effects) = state_with(b);
    assert!(calls(&effects).is_empty(), "nothing before Enter");
    assert!(calls(&typed(&mut s, "10.0.3")).is_empty());
    let effects = key(&mut s, KeyCode::Enter);
    assert!(calls(&effects).is_empty());
    let form = browser(&s).form.as_ref().unwrap();
    assert!(form.error.as_deref().unwrap().contains("IPv4"), "{form:?}");
    assert_eq!(form.address.value(), "10.0.3", "what was typed stays");
    assert!(browser(&s).editing);
    // `q` and `j` are text while the address field has focus.
    typed(&mut s, "q");
    assert!(!s.quit);
}

#[test]
fn a_destination_loads_its_first_page_and_an_empty_answer_is_said_plainly() {
    let b = Browser::by_destination(&group(), Some("subnet-b"), Default::default(), 500);
    let (mut s, _) = state_with(b);
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "10.9.9.9");
    let effects = key(&mut s, KeyCode::Enter);
    let (id, call) = calls(&effects)[0].clone();
    assert_eq!(
        call,
        Call::ListMappingsByDestination {
            subnet: "subnet-a".into(),
            ip: "10.9.9.9".into(),
            page_size: 500,
            token: None
        },
        "subnet-b was preselected, Down wrapped to subnet-a"
    );
    answer(
        &mut s,
        id,
        Reply::DestinationMappings(Page {
            items: vec![],
            next_token: None,
        }),
    );
    let b = browser(&s);
    assert!(b.list.is_loaded() && b.is_complete());
    assert_eq!(b.view_len(), 0);
    assert!(!b.editing);
}

#[test]
fn rows_show_protocols_from_the_group_and_every_static_ip() {
    let b = Browser::by_destination(&group(), None, Default::default(), 500);
    let (mut s, _) = state_with(b);
    typed(&mut s, "10.0.3.17");
    let (id, _) = calls(&key(&mut s, KeyCode::Enter))[0].clone();
    answer(
        &mut s,
        id,
        Reply::DestinationMappings(Page {
            items: by_destination("10.0.3.17", 10),
            next_token: None,
        }),
    );
    let b = browser(&s);
    let row = b.table().get(b.selected_row().unwrap()).unwrap();
    let cells = row.cells();
    assert_eq!(cells[0], "75.2.0.1:10000 99.83.0.1:10000");
    assert_eq!(cells[1], "10.0.3.17:7000");
    assert_eq!(cells[2], "UDP");
    assert_eq!(cells[3], "ALLOW");
    assert_eq!(cells[5], "eu-west-1");
}

#[test]
fn the_next_page_is_asked_for_once_near_the_end_and_the_end_is_the_end() {
    let mut s = loaded_group_browser();
    assert!(
        calls(&key(&mut s, KeyCode::Char('j'))).is_empty(),
        "far from the end"
    );
    let effects = key(&mut s, KeyCode::End);
    let next = calls(&effects);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].1.token(), Some("p2"));
    assert!(
        calls(&key(&mut s, KeyCode::Up)).is_empty(),
        "p2 asked twice"
    );
    assert!(
        calls(&key(&mut s, KeyCode::End)).is_empty(),
        "p2 asked twice"
    );
    answer(&mut s, next[0].0, mappings_page(100, 50, None));
    let b = browser(&s);
    assert_eq!(b.table().len(), 150);
    assert!(b.is_complete());
    assert!(
        calls(&key(&mut s, KeyCode::End)).is_empty(),
        "nothing after the last page"
    );
    assert_eq!(browser(&s).selected(), 149);
}

#[test]
fn a_new_destination_cancels_the_old_request_and_drops_its_late_answer() {
    let b = Browser::by_destination(&group(), None, Default::default(), 500);
    let (mut s, _) = state_with(b);
    typed(&mut s, "10.0.3.17");
    let (old, _) = calls(&key(&mut s, KeyCode::Enter))[0].clone();
    key(&mut s, KeyCode::Tab);
    for _ in 0..2 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "20");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(effects.contains(&Effect::Cancel(old)), "{effects:?}");
    let (new, call) = calls(&effects)[0].clone();
    assert!(matches!(call, Call::ListMappingsByDestination { ref ip, .. } if ip == "10.0.3.20"));
    s.dirty = false;
    answer(
        &mut s,
        old,
        Reply::DestinationMappings(Page {
            items: by_destination("10.0.3.17", 5),
            next_token: None,
        }),
    );
    assert_eq!(browser(&s).table().len(), 0, "the late answer was shown");
    assert!(!s.dirty);
    answer(
        &mut s,
        new,
        Reply::DestinationMappings(Page {
            items: by_destination("10.0.3.20", 3),
            next_token: None,
        }),
    );
    assert_eq!(browser(&s).table().len(), 3);
}

#[test]
fn errors_keep_the_rows_and_say_what_happened() {
    for error in [
        ApiError::InvalidNextToken("The token is not valid".into()),
        ApiError::EndpointNotFound("subnet-a is not an endpoint".into()),
        ApiError::Throttled("Rate exceeded".into()),
    ] {
        let mut s = loaded_group_browser();
        let (id, _) = calls(&key(&mut s, KeyCode::End))[0].clone();
        update(
            &mut s,
            Action::Reply {
                id,
                result: Err(error.clone()),
            },
        );
        let b = browser(&s);
        assert_eq!(b.table().len(), 100, "rows kept after {error:?}");
        assert!(b.list.pager.stale);
        assert_eq!(
            b.list.pager.error.as_deref(),
            Some(error.to_string().as_str())
        );
        assert_eq!(s.message.as_ref().unwrap().text, error.to_string());
        // The page can be asked for again once the user moves.
        key(&mut s, KeyCode::Esc);
        assert!(
            !browser(&s).list.is_loading(),
            "retried without the user asking"
        );
        assert_eq!(calls(&key(&mut s, KeyCode::Up)).len(), 1);
    }
}

#[test]
fn a_port_is_found_among_loaded_rows_or_by_paging_forward() {
    let mut s = loaded_group_browser();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "1050");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(calls(&effects).is_empty(), "port 1050 is loaded");
    let b = browser(&s);
    assert_eq!(
        b.table().accelerator_port(b.selected_row().unwrap()),
        Some(1050)
    );

    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "1300");
    let effects = key(&mut s, KeyCode::Enter);
    let (id, call) = calls(&effects)[0].clone();
    assert!(matches!(call, Call::ListMappings { page_size: 100, .. }));
    assert_eq!(browser(&s).seek.as_ref().unwrap().port, 1300);
    let effects = answer(&mut s, id, mappings_page(100, 100, Some("p3")));
    let (id, _) = calls(&effects)[0].clone();
    assert_eq!(browser(&s).seek.as_ref().unwrap().scanned, 200);
    answer(&mut s, id, mappings_page(200, 100, Some("p4")));
    let b = browser(&s);
    assert!(b.seek.is_none());
    assert_eq!(
        b.table().accelerator_port(b.selected_row().unwrap()),
        Some(1300)
    );

    // Esc stops a search and cancels its request.
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "9999");
    let (id, _) = calls(&key(&mut s, KeyCode::Enter))[0].clone();
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Cancel(id)]);
    assert!(browser(&s).seek.is_none());
    assert_eq!(
        s.screens.len(),
        2,
        "Esc stopped the search, did not go back"
    );

    // A port that is not a port is refused in the prompt.
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "70000");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(
        browser(&s).prompt,
        Some(Prompt::Jump { error: Some(_), .. })
    ));
}

#[test]
fn filter_copy_and_export() {
    let mut s = loaded_group_browser();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "deny");
    assert_eq!(browser(&s).view_len(), 34, "every third row is denied");
    key(&mut s, KeyCode::Enter);
    let effects = key(&mut s, KeyCode::Char('y'));
    let [Effect::Copy(text)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(text.contains("DENY") && text.contains(GROUP), "{text}");

    key(&mut s, KeyCode::Char('e'));
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.export().unwrap().scope, ExportScope::All);
    for _ in 0..60 {
        key(&mut s, KeyCode::Backspace);
    }
    typed(&mut s, "out.json");
    let effects = key(&mut s, KeyCode::Enter);
    let [Effect::Export(job)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(job.path, std::path::PathBuf::from("out.json"));
    assert_eq!(job.format, crate::format::OutputFormat::Json);
    assert!(matches!(
        job.rows,
        ExportRows::All(Source::Accelerator { .. })
    ));
    assert!(s.busy());
    update(
        &mut s,
        Action::Exported {
            path: "out.json".into(),
            result: Ok(150),
        },
    );
    assert!(s.message.as_ref().unwrap().text.contains("150"));
    assert_eq!(s.exports, 0);
}

#[test]
fn a_refresh_keeps_rows_until_its_first_page_arrives() {
    let mut s = loaded_group_browser();
    let (id, _) = calls(&key(&mut s, KeyCode::Char('r')))[0].clone();
    assert_eq!(browser(&s).table().len(), 100);
    answer(&mut s, id, mappings_page(0, 100, Some("p2")));
    assert_eq!(browser(&s).table().len(), 100, "replaced, not appended");
}

/// Answers every page call the effects hold, from `pages` (page k holds rows k*100..).
fn serve_pages(
    s: &mut State,
    mut effects: Vec<Effect>,
    pages: usize,
    mut changed: impl FnMut(usize, &mut Reply),
) -> usize {
    let mut served = 0;
    while let Some((id, call)) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::ListMappings { .. }))
    {
        let Call::ListMappings { token, .. } = call else {
            unreachable!()
        };
        let k: usize = token.map_or(0, |t| {
            t.trim_start_matches('p').parse::<usize>().unwrap() - 1
        });
        let next = (k + 1 < pages).then(|| format!("p{}", k + 2));
        let mut reply = mappings_page(k * 100, 100, next.as_deref());
        changed(k, &mut reply);
        served += 1;
        effects = answer(s, id, reply);
    }
    served
}

#[test]
fn a_live_re_read_keeps_every_loaded_page_and_the_cursor_on_its_socket() {
    let mut s = loaded_group_browser();
    // Down to the end of five pages, then back up into them.
    let effects = key(&mut s, KeyCode::Char('G'));
    assert_eq!(serve_pages(&mut s, effects, 5, |_, _| {}), 4);
    assert_eq!(browser(&s).table().len(), 500);
    for _ in 0..40 {
        key(&mut s, KeyCode::Char('k'));
    }
    let before = browser(&s)
        .selected_row()
        .and_then(|i| browser(&s).table().get(i))
        .map(|r| (r.destination_ip.clone(), r.destination_port))
        .unwrap();
    let loaded = browser(&s).table().len();
    let effects = key(&mut s, KeyCode::Char('r'));
    serve_pages(&mut s, effects, 5, |k, reply| {
        if k == 2
            && let Reply::PortMappings(p) = reply
        {
            p.items[7].traffic = TrafficState::Allow;
            p.items[6].traffic = TrafficState::Deny;
        }
    });
    let b = browser(&s);
    assert_eq!(
        b.table().len(),
        loaded,
        "a re-read never shrinks what is loaded"
    );
    let after = b
        .selected_row()
        .and_then(|i| b.table().get(i))
        .map(|r| (r.destination_ip.clone(), r.destination_port))
        .unwrap();
    assert_eq!(after, before, "the cursor stays on its socket");
    assert!(!b.refreshing());
    assert!(
        !b.list.changed.is_empty(),
        "a changed traffic state is marked"
    );
}

#[test]
fn rows_stay_while_a_re_read_gathers_its_pages() {
    let mut s = loaded_group_browser();
    let effects = key(&mut s, KeyCode::Char('G'));
    serve_pages(&mut s, effects, 3, |_, _| {});
    assert_eq!(browser(&s).table().len(), 300);
    let (id, _) = calls(&key(&mut s, KeyCode::Char('r')))[0].clone();
    let effects = answer(&mut s, id, mappings_page(0, 100, Some("p2")));
    assert_eq!(
        browser(&s).table().len(),
        300,
        "the old rows stay until the re-read covers them"
    );
    assert!(browser(&s).refreshing());
    assert!(
        calls(&effects).iter().any(|(_, c)| c.token() == Some("p2")),
        "the re-read goes on by itself"
    );
}

#[test]
fn g_pressed_during_a_load_goes_on_to_the_very_end() {
    let mut s = loaded_group_browser();
    let effects = key(&mut s, KeyCode::Char('G'));
    // One press while the next page is on its way; then pages arrive one by one.
    key(&mut s, KeyCode::Char('G'));
    let served = serve_pages(&mut s, effects, 8, |_, _| {});
    assert_eq!(served, 7);
    let b = browser(&s);
    assert_eq!(b.table().len(), 800);
    assert_eq!(
        b.selected(),
        799,
        "the selection followed every page to the last row"
    );
}

#[test]
fn a_browser_opened_from_a_lookup_reads_its_group_for_protocols() {
    let mut bare = group();
    bare.destinations.clear();
    let mut b = Browser::by_destination(&bare, Some("subnet-a"), Default::default(), 100);
    if let Some(form) = b.form.as_mut() {
        form.address = tui_input::Input::new("10.0.0.4".into());
    }
    assert!(b.submit_form());
    let (mut s, effects) = state_with(b);
    let (id, _) = calls(&effects)
        .into_iter()
        .find(|(_, c)| matches!(c, Call::DescribeEndpointGroup { arn } if arn == GROUP))
        .expect("the group is described");
    answer(&mut s, id, Reply::EndpointGroup(group()));
    let (page_id, _) = calls(&effects)[0].clone();
    answer(
        &mut s,
        page_id,
        Reply::DestinationMappings(Page {
            items: by_destination("10.0.0.4", 3),
            next_token: None,
        }),
    );
    let b = browser(&s);
    let row = b.table().get(0).unwrap();
    assert_eq!(row.protocols, Some(ProtocolSet::UDP), "{row:?}");
}

#[test]
fn a_filter_over_many_rows_runs_in_steps_and_ends_with_every_match() {
    let b = Browser::of_accelerator(&accelerator(), Some(&group()), Default::default(), 100);
    let (mut s, effects) = state_with(b);
    let (id, _) = calls(&effects)[0].clone();
    let rows = port_mappings(0, 250_000);
    answer(
        &mut s,
        id,
        Reply::PortMappings(Page {
            items: rows.clone(),
            next_token: None,
        }),
    );
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "10.0.7.");
    let b = browser(&s);
    let (looked, of) = b
        .list
        .filter_progress()
        .expect("the filter is still running");
    assert!(looked < of, "one keystroke looked at {looked} of {of}");
    assert_eq!(s.next_tick(), Some(std::time::Duration::ZERO));
    while browser(&s).list.filter_progress().is_some() {
        update(&mut s, Action::Tick);
    }
    // 10.0.7.x: rows 1750..2000 (250 addresses a /24).
    let expected = rows
        .iter()
        .filter(|m| m.destination.ip.starts_with("10.0.7."))
        .count();
    assert_eq!(browser(&s).view_len(), expected);
    // A longer needle narrows what the finished filter found.
    typed(&mut s, "9");
    while browser(&s).list.filter_progress().is_some() {
        update(&mut s, Action::Tick);
    }
    let narrowed = rows
        .iter()
        .filter(|m| m.destination.ip.starts_with("10.0.7.9"))
        .count();
    assert_eq!(browser(&s).view_len(), narrowed);
}

#[test]
fn pages_read_after_a_re_read_are_not_marked_changed() {
    let mut s = loaded_group_browser();
    let effects = key(&mut s, KeyCode::Char('r'));
    assert_eq!(
        serve_pages(&mut s, effects, 3, |_, _| {}),
        1,
        "one page covers 100"
    );
    assert!(browser(&s).list.changed.is_empty(), "nothing changed");
    let effects = key(&mut s, KeyCode::Char('G'));
    serve_pages(&mut s, effects, 3, |_, _| {});
    let b = browser(&s);
    assert_eq!(b.table().len(), 300);
    assert!(
        b.list.changed.is_empty(),
        "rows read for the first time are not changes: {} marked",
        b.list.changed.len()
    );
}

#[test]
fn the_browser_sorts_by_typed_columns_and_keeps_its_row() {
    let mut s = loaded_group_browser();
    for _ in 0..5 {
        key(&mut s, KeyCode::Char('j'));
    }
    let port = |s: &State| {
        let b = browser(s);
        b.table().accelerator_port(b.selected_row().unwrap())
    };
    assert_eq!(port(&s), Some(1029));
    key(&mut s, KeyCode::Char('S'));
    let b = browser(&s);
    assert_eq!(b.list.sort, Some((0, true)), "PORT, reversed");
    assert_eq!(
        b.table().accelerator_port(b.row_index(0).unwrap()),
        Some(1123)
    );
    assert_eq!(port(&s), Some(1029), "the cursor stays on its row");
    // DESTINATION sorts addresses by value: 10.0.0.10 after 10.0.0.9.
    key(&mut s, KeyCode::Char('s'));
    key(&mut s, KeyCode::Char('s'));
    let b = browser(&s);
    assert_eq!(b.list.sort, Some((2, false)));
    let shown: Vec<String> = (0..7)
        .map(|i| {
            b.table()
                .get(b.row_index(i).unwrap())
                .unwrap()
                .destination_ip
        })
        .collect();
    assert_eq!(
        shown[..7],
        [
            "10.0.0.4",
            "10.0.0.5",
            "10.0.0.6",
            "10.0.0.7",
            "10.0.0.8",
            "10.0.0.9",
            "10.0.0.10"
        ]
    );
    assert_eq!(port(&s), Some(1029));
}
