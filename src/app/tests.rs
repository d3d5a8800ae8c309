//! `update` without a terminal or a network: actions in, state and effects out.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::ApiError;
use crate::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, EndpointGroup, Listener, Page,
    PortRange, Tag,
};

const ACCOUNT: &str = "111122223333";

fn accelerator(n: usize) -> Accelerator {
    Accelerator {
        arn: format!("arn:aws:globalaccelerator::{ACCOUNT}:accelerator/acc-{n:04}"),
        name: format!("accel-{n:04}"),
        ip_address_type: None,
        enabled: n.is_multiple_of(2),
        status: AcceleratorStatus::Deployed,
        static_ips: vec![format!("75.2.0.{n}")],
        dns_name: format!("a{n}.awsglobalaccelerator.com"),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn listener(acc: &Accelerator, n: usize) -> Listener {
    Listener {
        arn: format!("{}/listener/l{n}", acc.arn),
        port_ranges: vec![PortRange::new(10_000, 10_099).unwrap()],
    }
}

fn group(l: &Listener, region: &str) -> EndpointGroup {
    EndpointGroup {
        arn: format!("{}/endpoint-group/g-{region}", l.arn),
        region: region.into(),
        destinations: vec![],
        endpoints: vec!["subnet-1".into(), "subnet-2".into()],
    }
}

fn state() -> State {
    State::new(Context::default(), (100, 30), Instant::now())
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(state: &mut State, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c))
}

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        ch(state, c);
    }
}

fn reply(state: &mut State, id: RequestId, reply: Reply) -> Vec<Effect> {
    update(
        state,
        Action::Reply {
            id,
            result: Ok(reply),
        },
    )
}

fn fail(state: &mut State, id: RequestId, error: ApiError) -> Vec<Effect> {
    update(
        state,
        Action::Reply {
            id,
            result: Err(error),
        },
    )
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

fn cancels(effects: &[Effect]) -> Vec<RequestId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Cancel(id) => Some(*id),
            _ => None,
        })
        .collect()
}

fn page<T>(items: Vec<T>, next: Option<&str>) -> Page<T> {
    Page {
        items,
        next_token: next.map(str::to_string),
    }
}

fn accelerators(range: std::ops::Range<usize>) -> Vec<Accelerator> {
    range.map(accelerator).collect()
}

/// A state with `n` accelerators loaded in one page.
fn loaded(n: usize) -> State {
    let mut s = state();
    let effects = s.start();
    let (id, _) = calls(&effects)[0].clone();
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..n), None)),
    );
    s
}

fn accelerator_pane(s: &State) -> &ListPane<Accelerator> {
    match &s.screens[0] {
        Screen::Accelerators(p) => p,
        other => panic!("{other:?}"),
    }
}

fn selected_name(s: &State) -> String {
    accelerator_pane(s).selected().unwrap().name.clone()
}

#[test]
fn start_asks_for_the_first_page_of_accelerators() {
    let mut s = state();
    let effects = s.start();
    assert_eq!(
        calls(&effects),
        vec![(1, Call::ListAccelerators { token: None })]
    );
    assert!(s.busy());
    assert_eq!(s.next_tick(), Some(Duration::from_millis(100)));
}

#[test]
fn pages_load_lazily_and_each_token_only_once() {
    let mut s = state();
    let effects = s.start();
    let (id, _) = calls(&effects)[0].clone();
    // 100 rows on a 23-row screen: the cursor is far from the end, no second request yet.
    let effects = reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..100), Some("t2"))),
    );
    assert!(calls(&effects).is_empty());
    assert_eq!(s.context.account.as_deref(), Some(ACCOUNT));
    assert!(!accelerator_pane(&s).is_complete());

    // Within a screen of the end: the next page is requested once.
    let effects = ch(&mut s, 'G');
    let next = calls(&effects);
    assert_eq!(
        next.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        vec![Call::ListAccelerators {
            token: Some("t2".into())
        }]
    );
    assert!(calls(&ch(&mut s, 'k')).is_empty(), "same token asked twice");
    assert!(calls(&ch(&mut s, 'j')).is_empty(), "same token asked twice");

    reply(
        &mut s,
        next[0].0,
        Reply::Accelerators(page(accelerators(100..150), None)),
    );
    let pane = accelerator_pane(&s);
    assert_eq!(pane.rows().len(), 150);
    assert!(pane.is_complete());
    assert!(calls(&ch(&mut s, 'G')).is_empty());
    assert_eq!(selected_name(&s), "accel-0149");
}

#[test]
fn moving_stays_inside_the_list() {
    let mut s = loaded(5);
    ch(&mut s, 'k');
    assert_eq!(selected_name(&s), "accel-0000");
    for _ in 0..10 {
        ch(&mut s, 'j');
    }
    assert_eq!(selected_name(&s), "accel-0004");
    key(&mut s, KeyCode::PageUp);
    assert_eq!(selected_name(&s), "accel-0000");
    key(&mut s, KeyCode::PageDown);
    assert_eq!(selected_name(&s), "accel-0004");
    ch(&mut s, 'g');
    assert_eq!(selected_name(&s), "accel-0000");
}

#[test]
fn the_window_follows_the_selection() {
    let mut s = loaded(100);
    let rows = s.list_rows();
    for _ in 0..rows {
        ch(&mut s, 'j');
    }
    let pane = accelerator_pane(&s);
    assert_eq!(pane.selected_index(), rows);
    assert_eq!(pane.offset(), 1);
    ch(&mut s, 'G');
    assert_eq!(accelerator_pane(&s).offset(), 100 - rows);
    ch(&mut s, 'g');
    assert_eq!(accelerator_pane(&s).offset(), 0);
}

#[test]
fn drilling_in_and_back_out_cancels_what_the_closed_screen_waited_for() {
    let mut s = loaded(3);
    ch(&mut s, 'j');
    let effects = key(&mut s, KeyCode::Enter);
    let acc = accelerator(1);
    let (listeners_id, call) = calls(&effects)[0].clone();
    assert_eq!(
        call,
        Call::ListListeners {
            accelerator_arn: acc.arn.clone(),
            token: None
        }
    );
    assert_eq!(s.screens.len(), 2);
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(cancels(&effects), vec![listeners_id]);
    assert_eq!(s.screens.len(), 1);
    assert_eq!(selected_name(&s), "accel-0001", "selection kept on return");
}

#[test]
fn a_late_answer_for_a_closed_screen_is_dropped() {
    let mut s = loaded(3);
    let first = calls(&key(&mut s, KeyCode::Enter))[0].0;
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'j');
    let second = calls(&key(&mut s, KeyCode::Enter))[0].0;
    assert_ne!(first, second);
    s.dirty = false;
    let stale = listener(&accelerator(0), 9);
    reply(&mut s, first, Reply::Listeners(page(vec![stale], None)));
    let Screen::Listeners(screen) = s.top() else {
        panic!()
    };
    assert!(screen.pane.rows().is_empty(), "the old answer was shown");
    assert!(screen.pane.is_loading());
    assert!(!s.dirty, "a dropped answer needs no redraw");

    let fresh = listener(&accelerator(1), 1);
    reply(
        &mut s,
        second,
        Reply::Listeners(page(vec![fresh.clone()], None)),
    );
    let Screen::Listeners(screen) = s.top() else {
        panic!()
    };
    assert_eq!(screen.pane.rows(), &[fresh]);
}

#[test]
fn a_failed_refresh_keeps_the_rows_and_marks_them_stale() {
    let mut s = loaded(4);
    ch(&mut s, 'j');
    let id = calls(&ch(&mut s, 'r'))[0].0;
    assert_eq!(
        accelerator_pane(&s).rows().len(),
        4,
        "rows stay while reloading"
    );
    fail(&mut s, id, ApiError::Throttled("Rate exceeded".into()));
    let pane = accelerator_pane(&s);
    assert_eq!(pane.rows().len(), 4);
    assert!(pane.pager.stale);
    assert_eq!(selected_name(&s), "accel-0001");
    let message = s.message.clone().unwrap();
    assert!(message.error);
    assert_eq!(
        message.text,
        ApiError::Throttled("Rate exceeded".into()).to_string()
    );
    assert!(s.top().freshness().1);

    // A later refresh that works clears the mark and keeps the selection by ARN.
    let id = calls(&ch(&mut s, 'r'))[0].0;
    let mut rows = accelerators(0..4);
    rows.reverse();
    reply(&mut s, id, Reply::Accelerators(page(rows, None)));
    assert!(!accelerator_pane(&s).pager.stale);
    assert_eq!(selected_name(&s), "accel-0001");
}

#[test]
fn a_first_load_that_fails_shows_the_error_and_nothing_stale() {
    let mut s = state();
    let id = calls(&s.start())[0].0;
    fail(
        &mut s,
        id,
        ApiError::Credentials("no AWS credentials found".into()),
    );
    let pane = accelerator_pane(&s);
    assert!(!pane.pager.stale);
    assert!(
        pane.pager
            .error
            .as_deref()
            .unwrap()
            .contains("no AWS credentials")
    );
    assert!(!s.busy());
}

#[test]
fn a_refresh_reads_as_many_pages_as_were_loaded_before_swapping() {
    let mut s = state();
    let id = calls(&s.start())[0].0;
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..100), Some("p2"))),
    );
    let id = calls(&ch(&mut s, 'G'))[0].0;
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(100..130), None)),
    );
    let id = calls(&ch(&mut s, 'r'))[0].0;
    let effects = reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..100), Some("p2"))),
    );
    let (id, call) = calls(&effects)[0].clone();
    assert_eq!(
        call,
        Call::ListAccelerators {
            token: Some("p2".into())
        }
    );
    assert_eq!(
        accelerator_pane(&s).rows().len(),
        130,
        "old rows until the reload ends"
    );
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(100..131), None)),
    );
    assert_eq!(accelerator_pane(&s).rows().len(), 131);
    assert_eq!(
        selected_name(&s),
        "accel-0129",
        "G went to the end; the selection is kept by ARN"
    );
}

#[test]
fn esc_clears_the_filter_then_goes_back_and_takes_a_message_along() {
    let mut s = loaded(5);
    key(&mut s, KeyCode::Enter);
    let Screen::Listeners(_) = s.top() else {
        panic!()
    };
    let id = s.top().pending()[0];
    let acc = accelerator(0);
    reply(
        &mut s,
        id,
        Reply::Listeners(page(vec![listener(&acc, 1), listener(&acc, 2)], None)),
    );
    ch(&mut s, '/');
    typed(&mut s, "l2");
    key(&mut s, KeyCode::Enter);
    s.error("something failed");
    // A message shown does not swallow the press: it goes along with what Esc does.
    key(&mut s, KeyCode::Esc);
    assert!(s.message.is_none());
    assert_eq!(s.screens.len(), 2);
    let Screen::Listeners(screen) = s.top() else {
        panic!()
    };
    assert_eq!(screen.pane.visible_len(), 2, "filter cleared first");
    s.info("traffic denied");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screens.len(), 1);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screens.len(), 1, "the accelerators pane stays");
    assert!(!s.quit);
}

#[test]
fn the_filter_field_takes_every_printable_key() {
    let mut s = loaded(20);
    ch(&mut s, '/');
    typed(&mut s, "q-1");
    assert!(!s.quit, "q typed into the filter must not quit");
    let pane = accelerator_pane(&s);
    assert_eq!(pane.filter.text(), "q-1");
    assert_eq!(pane.visible_len(), 0);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    typed(&mut s, "001");
    let pane = accelerator_pane(&s);
    assert_eq!(pane.visible_len(), 11, "accel-0010..0019 and accel-0001");
    assert_eq!(pane.visible_len(), pane.visible().count());
    // Esc while typing clears and leaves the field.
    key(&mut s, KeyCode::Esc);
    let pane = accelerator_pane(&s);
    assert_eq!(pane.visible_len(), 20);
    assert!(!pane.filter.editing);
}

#[test]
fn a_paste_goes_into_the_filter_as_one_clean_line() {
    let mut s = loaded(20);
    ch(&mut s, '/');
    update(&mut s, Action::Paste("accel-001\n\u{1b}[2J".repeat(100)));
    let pane = accelerator_pane(&s);
    assert!(pane.filter.text().len() <= 256);
    assert!(!pane.filter.text().contains('\u{1b}'));
    // Without the field open, a paste changes nothing.
    key(&mut s, KeyCode::Enter);
    let before = accelerator_pane(&s).filter.text().to_string();
    update(&mut s, Action::Paste("zzz".into()));
    assert_eq!(accelerator_pane(&s).filter.text(), before);
}

#[test]
fn sorting_reorders_loaded_rows_and_keeps_the_selection() {
    let mut s = loaded(6);
    ch(&mut s, 'j');
    ch(&mut s, 'j');
    ch(&mut s, 'S');
    let pane = accelerator_pane(&s);
    assert_eq!(pane.sort, Some((0, true)));
    assert_eq!(pane.visible_row(0).unwrap().name, "accel-0005");
    assert_eq!(selected_name(&s), "accel-0002");
    // s cycles columns: ENABLED sorts "no" before "yes".
    ch(&mut s, 's');
    ch(&mut s, 's');
    let pane = accelerator_pane(&s);
    assert_eq!(pane.sort, Some((2, false)));
    assert!(!pane.visible_row(0).unwrap().enabled);
    assert_eq!(selected_name(&s), "accel-0002");
    for _ in 0..3 {
        ch(&mut s, 's');
    }
    assert_eq!(accelerator_pane(&s).sort, None, "back to the API's order");
}

#[test]
fn help_owns_the_keys_while_open() {
    let mut s = loaded(3);
    ch(&mut s, '?');
    assert!(s.overlay.is_some());
    ch(&mut s, 'j');
    assert_eq!(
        selected_name(&s),
        "accel-0000",
        "j scrolled the help, not the list"
    );
    ch(&mut s, 'q');
    assert!(s.overlay.is_none());
    assert!(!s.quit, "q closed the help");
    ch(&mut s, 'q');
    assert!(s.quit);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut s = loaded(3);
    ch(&mut s, '/');
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit);
}

#[test]
fn info_loads_tags_and_flow_logs_and_a_failure_stays_in_its_part() {
    let mut s = loaded(2);
    let effects = ch(&mut s, 'i');
    let requested = calls(&effects);
    assert_eq!(requested.len(), 3);
    let arn = accelerator(0).arn;
    let id_of = |want: &Call| requested.iter().find(|(_, c)| c == want).unwrap().0;
    let tags = id_of(&Call::ListTags { arn: arn.clone() });
    let attrs = id_of(&Call::AcceleratorAttributes { arn: arn.clone() });
    let describe = id_of(&Call::DescribeAccelerator { arn });
    let tag = Tag {
        key: "team".into(),
        value: "edge".into(),
    };
    reply(&mut s, tags, Reply::Tags(vec![tag.clone()]));
    fail(&mut s, attrs, ApiError::AccessDenied("no".into()));
    reply(&mut s, describe, Reply::Accelerator(accelerator(0)));
    let Screen::AcceleratorInfo(info) = s.top() else {
        panic!()
    };
    assert_eq!(info.tags.value.as_deref(), Some(&[tag][..]));
    assert!(info.attributes.value.is_none());
    assert!(info.attributes.error.is_some());
    assert!(info.accelerator.loaded_at.is_some());
    assert!(!s.busy());
    assert_eq!(info.attributes.value, None::<AcceleratorAttributes>);
}

#[test]
fn an_endpoint_group_opens_with_what_is_known_and_refreshes_by_describe() {
    let mut s = loaded(1);
    key(&mut s, KeyCode::Enter);
    let acc = accelerator(0);
    let l = listener(&acc, 1);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![l.clone()], None)));
    key(&mut s, KeyCode::Enter);
    let id = s.top().pending()[0];
    let g = group(&l, "eu-west-1");
    reply(
        &mut s,
        id,
        Reply::EndpointGroups(page(vec![g.clone()], None)),
    );
    let effects = key(&mut s, KeyCode::Enter);
    let (id, call) = calls(&effects)[0].clone();
    assert_eq!(call, Call::DescribeEndpointGroup { arn: g.arn.clone() });
    let Screen::GroupDetail(detail) = s.top() else {
        panic!()
    };
    assert_eq!(
        detail.endpoints.rows().len(),
        2,
        "shown before the describe answers"
    );
    let mut described = g.clone();
    described.endpoints.push("subnet-3".into());
    reply(&mut s, id, Reply::EndpointGroup(described));
    let Screen::GroupDetail(detail) = s.top() else {
        panic!()
    };
    assert_eq!(detail.endpoints.rows().len(), 3);
    ch(&mut s, 'G');
    let Screen::GroupDetail(detail) = s.top() else {
        panic!()
    };
    assert_eq!(detail.endpoints.selected().unwrap().subnet_id, "subnet-3");
    let crumbs: Vec<String> = s.screens.iter().map(Screen::crumb).collect();
    assert_eq!(
        crumbs,
        [
            "accelerators",
            "accel-0000",
            "listener l1",
            "eu-west-1 group g-eu-west-1"
        ]
    );
}

#[test]
fn ticks_only_while_something_moves_and_info_messages_fade() {
    let s = state();
    assert_eq!(s.next_tick(), None, "nothing loaded, nothing in flight");
    let mut s = loaded(1);
    assert_eq!(
        s.next_tick(),
        Some(Duration::from_secs(1)),
        "an age is on screen"
    );
    s.info("copied");
    s.now += Duration::from_secs(6);
    update(&mut s, Action::Tick);
    assert!(s.message.is_none());
    s.error("broken");
    s.now += Duration::from_secs(60);
    update(&mut s, Action::Tick);
    assert!(s.message.is_some(), "errors stay until dismissed");
}

#[test]
fn resizing_relays_the_window_out() {
    let mut s = loaded(100);
    ch(&mut s, 'G');
    update(&mut s, Action::Resize(80, 16));
    let rows = s.list_rows();
    assert_eq!(rows, 9);
    let pane = accelerator_pane(&s);
    assert_eq!(pane.offset(), 100 - rows);
    update(&mut s, Action::Resize(20, 5));
    assert!(s.too_small());
}

#[test]
fn a_failed_page_is_not_asked_for_again_until_the_user_moves() {
    let mut s = state();
    let id = calls(&s.start())[0].0;
    reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..100), Some("p2"))),
    );
    let id = calls(&ch(&mut s, 'G'))[0].0;
    let effects = fail(&mut s, id, ApiError::Throttled("slow down".into()));
    assert!(calls(&effects).is_empty(), "retried at once: {effects:?}");
    assert!(calls(&update(&mut s, Action::Tick)).is_empty());
    let effects = ch(&mut s, 'k');
    assert_eq!(
        calls(&effects)[0].1,
        Call::ListAccelerators {
            token: Some("p2".into())
        }
    );
}

#[test]
fn m_on_a_subnet_of_a_group_opens_the_browser_on_that_subnet() {
    let mut s = loaded(1);
    key(&mut s, KeyCode::Enter);
    let acc = accelerator(0);
    let l = listener(&acc, 1);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![l.clone()], None)));
    key(&mut s, KeyCode::Enter);
    let id = s.top().pending()[0];
    reply(
        &mut s,
        id,
        Reply::EndpointGroups(page(vec![group(&l, "eu-west-1")], None)),
    );
    key(&mut s, KeyCode::Enter);
    ch(&mut s, 'j');
    let effects = ch(&mut s, 'm');
    assert!(
        calls(&effects).is_empty(),
        "nothing is sent before an address"
    );
    let Screen::Browser(b) = s.top() else {
        panic!()
    };
    assert_eq!(b.form.as_ref().unwrap().subnet(), Some("subnet-2"));
    assert!(b.names.contains_key(&acc.arn));
    key(&mut s, KeyCode::Esc);
    let effects = ch(&mut s, 'M');
    let (_, call) = calls(&effects)[0].clone();
    assert!(matches!(call, Call::ListMappings { group: Some(_), .. }));
}

#[path = "mouse_tests.rs"]
mod mouse_clicks;

#[path = "overlays/profiles_tests.rs"]
mod profile_switch;

#[path = "router_tests.rs"]
mod routing;

#[test]
fn static_ips_sort_as_addresses() {
    let mut s = state();
    let effects = s.start();
    let (id, _) = calls(&effects)[0].clone();
    let rows: Vec<Accelerator> = [11, 1, 10, 2]
        .into_iter()
        .map(|n| {
            let mut a = accelerator(n);
            a.static_ips = vec![format!("75.2.0.{n}")];
            a
        })
        .collect();
    reply(&mut s, id, Reply::Accelerators(page(rows, None)));
    for _ in 0..4 {
        ch(&mut s, 's');
    }
    let pane = accelerator_pane(&s);
    assert_eq!(pane.sort, Some((3, false)), "sorted by STATIC IPS");
    let order: Vec<&str> = pane.visible().map(|a| a.static_ips[0].as_str()).collect();
    assert_eq!(order, ["75.2.0.1", "75.2.0.2", "75.2.0.10", "75.2.0.11"]);
}

#[test]
fn g_pressed_while_a_page_loads_follows_the_pages_to_the_end() {
    let mut s = state();
    let effects = s.start();
    let (id, _) = calls(&effects)[0].clone();
    let mut effects = reply(
        &mut s,
        id,
        Reply::Accelerators(page(accelerators(0..100), Some("t2"))),
    );
    effects.extend(ch(&mut s, 'G'));
    let mut served = 1;
    while let Some((id, Call::ListAccelerators { token: Some(t) })) = calls(&effects).pop() {
        let k: usize = t[1..].parse().unwrap();
        let next = (k < 5).then(|| format!("t{}", k + 1));
        effects = reply(
            &mut s,
            id,
            Reply::Accelerators(page(accelerators((k - 1) * 100..k * 100), next.as_deref())),
        );
        served += 1;
    }
    assert_eq!(served, 5);
    assert_eq!(accelerator_pane(&s).rows().len(), 500);
    assert_eq!(selected_name(&s), "accel-0499");
}

#[path = "defects_tests.rs"]
mod defects;

#[path = "walk_tests.rs"]
mod walk;

#[path = "overlays/subnet_picker_tests.rs"]
mod subnet_picker;
