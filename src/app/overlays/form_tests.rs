//! The create dialogs without a terminal: validation rules, key handling, submit and answer.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::overlays::create::CreateDialog;
use super::overlays::fields::Focus;
use super::*;
use crate::api::ApiError;
use crate::model::{Accelerator, EndpointGroup, Listener, NewEndpointGroup, PortRange, Protocol};

fn accelerator() -> Accelerator {
    crate::app::fixtures::accelerator(&[])
}

fn listener() -> Listener {
    Listener {
        arn: format!("{}/listener/l1", accelerator().arn),
        port_ranges: vec![PortRange::new(10_000, 20_000).unwrap()],
    }
}

fn group_dialog() -> CreateDialog {
    CreateDialog::endpoint_group(accelerator(), listener(), vec!["us-east-1".into()])
}

fn press(d: &mut CreateDialog, code: KeyCode) {
    d.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn ctrl(d: &mut CreateDialog, c: char) {
    d.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn typed(d: &mut CreateDialog, text: &str) {
    for c in text.chars() {
        press(d, KeyCode::Char(c));
    }
}

/// Fills the region and the first row, leaving the focus on the first row's From field.
fn filled(region: &str, from: &str, to: &str) -> CreateDialog {
    let mut d = group_dialog();
    typed(&mut d, region);
    d.suggestion = None;
    d.form.focus = Focus::Row(0, 0);
    typed(&mut d, from);
    press(&mut d, KeyCode::Tab);
    typed(&mut d, to);
    d
}

fn request(d: &mut CreateDialog) -> NewEndpointGroup {
    match d.validate() {
        Some(Call::CreateEndpointGroup(r)) => r,
        other => panic!("{other:?}: {:?}", d.form),
    }
}

#[test]
fn focus_walks_fields_rows_and_the_button_in_order() {
    let mut d = group_dialog();
    let mut seen = vec![d.form.focus];
    for _ in 0..6 {
        press(&mut d, KeyCode::Tab);
        seen.push(d.form.focus);
    }
    assert_eq!(
        seen,
        [
            Focus::Head(0),
            Focus::Row(0, 0),
            Focus::Row(0, 1),
            Focus::Row(0, 2),
            Focus::Row(0, 3),
            Focus::Submit,
            Focus::Head(0),
        ]
    );
    press(&mut d, KeyCode::BackTab);
    assert_eq!(d.form.focus, Focus::Submit);
}

#[test]
fn rows_are_added_and_removed_with_ctrl_n_and_ctrl_d_within_limits() {
    let mut d = filled("eu-west-1", "7000", "7099");
    ctrl(&mut d, 'n');
    assert_eq!(d.form.rows.len(), 2);
    assert_eq!(d.form.focus, Focus::Row(1, 0), "the new row has the focus");
    assert!(d.form.rows[1][2].is_on(), "TCP on by default");
    assert!(!d.form.rows[1][3].is_on());
    ctrl(&mut d, 'd');
    assert_eq!(d.form.rows.len(), 1);
    assert_eq!(
        d.form.rows[0][0].value(),
        "7000",
        "the other row kept what was typed"
    );
    ctrl(&mut d, 'd');
    assert_eq!(d.form.rows.len(), 1, "one row always stays");
    assert!(d.form.error.is_some());
    for _ in 0..120 {
        ctrl(&mut d, 'n');
    }
    assert_eq!(d.form.rows.len(), 100, "the model's maximum");
}

#[test]
fn space_toggles_protocols_and_at_least_one_is_needed() {
    let mut d = filled("eu-west-1", "7000", "7099");
    press(&mut d, KeyCode::Tab);
    press(&mut d, KeyCode::Char(' '));
    assert!(!d.form.rows[0][2].is_on());
    assert!(d.validate().is_none());
    assert!(
        d.form.rows[0][2]
            .error
            .as_deref()
            .unwrap()
            .contains("TCP, UDP")
    );
    press(&mut d, KeyCode::Tab);
    press(&mut d, KeyCode::Char(' '));
    let r = request(&mut d);
    assert!(r.destinations[0].protocols.contains(Protocol::Udp));
    assert!(!r.destinations[0].protocols.contains(Protocol::Tcp));
}

#[test]
fn ports_are_checked_before_sending() {
    for (from, to, field, text) in [
        ("0", "10", 0, "port"),
        ("70000", "70001", 0, "port"),
        ("abc", "10", 0, "port"),
        ("", "10", 0, "value"),
        ("7000", "6999", 1, "7000 or more"),
        ("7000", "7.5", 1, "port"),
    ] {
        let mut d = filled("eu-west-1", from, to);
        assert!(d.validate().is_none(), "{from}-{to} was accepted");
        let error = d.form.rows[0][field].error.clone().unwrap_or_default();
        assert!(error.contains(text), "{from}-{to}: {error}");
        assert_eq!(d.form.rows[0][0].value(), from, "what was typed stays");
    }
    let mut d = filled("eu-west-1", "1", "65535");
    assert_eq!(request(&mut d).destinations[0].ports.len(), 65_535);
}

#[test]
fn overlapping_ranges_are_refused_on_the_later_row() {
    let mut d = filled("eu-west-1", "7000", "7099");
    ctrl(&mut d, 'n');
    typed(&mut d, "7099");
    press(&mut d, KeyCode::Tab);
    typed(&mut d, "7200");
    assert!(d.validate().is_none());
    assert!(d.form.rows[0][0].error.is_none());
    let error = d.form.rows[1][0].error.clone().unwrap();
    assert!(
        error.contains("7000-7099") && error.contains("row 1"),
        "{error}"
    );
}

#[test]
fn region_rules_taken_unknown_and_empty() {
    let mut d = filled("", "7000", "7099");
    assert!(d.validate().is_none());
    assert!(d.form.head[0].error.is_some());

    let mut d = filled("us-east-1", "7000", "7099");
    assert!(d.validate().is_none());
    assert!(
        d.form.head[0]
            .error
            .as_deref()
            .unwrap()
            .contains("already has")
    );
    // A retry of a submit that may have created it is not refused.
    d.form.attempted = true;
    assert_eq!(request(&mut d).region, "us-east-1");

    let mut d = filled("mars-north-1", "7000", "7099");
    assert!(d.validate().is_none(), "the first Ctrl-S warns");
    assert!(
        d.form
            .warning
            .as_deref()
            .unwrap()
            .contains("not an AWS region")
    );
    assert_eq!(
        request(&mut d).region,
        "mars-north-1",
        "the second sends it"
    );
}

#[test]
fn a_region_warning_goes_once_the_region_is_corrected() {
    let mut d = filled("mars-north-1", "7000", "7099");
    assert!(d.validate().is_none());
    assert!(d.form.warning.is_some());
    d.form.focus = Focus::Head(0);
    for _ in 0.."mars-north-1".len() {
        press(&mut d, KeyCode::Backspace);
    }
    assert!(
        d.form.warning.is_none(),
        "the warning about mars-north-1 outlived the text it was about"
    );
    typed(&mut d, "eu-west-1");
    d.suggestion = None;
    assert!(d.form.warning.is_none());
    assert_eq!(request(&mut d).region, "eu-west-1");
    // A paste that changes the field clears it too.
    let mut d = filled("mars-north-1", "7000", "7099");
    assert!(d.validate().is_none());
    d.form.focus = Focus::Row(0, 1);
    d.form.paste("9");
    assert!(d.form.warning.is_none());
}

#[test]
fn region_suggestions_follow_what_is_typed_and_enter_takes_one() {
    let mut d = group_dialog();
    typed(&mut d, "eu-we");
    assert_eq!(d.suggestions(), ["eu-west-1", "eu-west-2", "eu-west-3"]);
    for code in [KeyCode::Down, KeyCode::Down, KeyCode::Down, KeyCode::Up] {
        press(&mut d, code);
    }
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.form.head[0].value(), "eu-west-2");
    assert_eq!(
        d.form.focus,
        Focus::Head(0),
        "Enter takes the suggestion and leaves the focus where it is"
    );
    assert!(d.suggestions().is_empty());
    press(&mut d, KeyCode::Enter);
    assert_eq!(d.form.focus, Focus::Row(0, 0), "the next Enter moves on");
    // Text fields take every printable key, `-` and `q` included.
    let mut d = group_dialog();
    typed(&mut d, "q-?/j");
    assert_eq!(d.form.head[0].value(), "q-?/j");
}

#[test]
fn pasted_junk_and_huge_pastes_are_contained() {
    let mut d = group_dialog();
    d.form.paste(&"eu-west-1\u{1b}[2J\n".repeat(10_000));
    let value = d.form.head[0].value().to_string();
    assert!(value.chars().count() <= 256);
    assert!(!value.contains('\u{1b}'));
    assert!(
        d.validate().is_none(),
        "a region that long is refused, not sent"
    );
    d.form.focus = Focus::Row(0, 0);
    d.form.paste("７０００");
    assert!(d.validate().is_none());
    assert!(
        d.form.rows[0][0].error.is_some(),
        "full-width digits are not a port"
    );
}

#[test]
fn accelerator_and_listener_forms_check_their_own_rules() {
    let mut d = CreateDialog::accelerator();
    typed(&mut d, "-bad-name");
    ctrl(&mut d, 'n');
    typed(&mut d, "team");
    ctrl(&mut d, 'n');
    typed(&mut d, "team");
    assert!(d.validate().is_none());
    assert!(d.form.head[0].error.is_some());
    assert!(
        d.form.rows[1][0]
            .error
            .as_deref()
            .unwrap()
            .contains("already")
    );

    let others = vec![(listener().arn, PortRange::new(10_000, 20_000).unwrap())];
    let mut d = CreateDialog::listener(accelerator(), others);
    typed(&mut d, "19000");
    press(&mut d, KeyCode::Tab);
    typed(&mut d, "21000");
    ctrl(&mut d, 'n');
    typed(&mut d, "30000");
    press(&mut d, KeyCode::Tab);
    typed(&mut d, "30010");
    assert!(d.validate().is_none());
    assert!(
        d.form.rows[0][0]
            .error
            .as_deref()
            .unwrap()
            .contains("overlaps")
    );
    assert!(d.form.rows[1][1].error.as_deref().unwrap().contains("16"));
}

fn groups_state() -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.screens.push(Screen::EndpointGroups(GroupsScreen {
        accelerator: accelerator(),
        listener: listener(),
        pane: list::ListPane::default(),
    }));
    s
}

fn key(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, modifiers)))
}

#[test]
fn esc_asks_before_discarding_and_ctrl_c_asks_before_quitting() {
    let mut s = groups_state();
    key(&mut s, KeyCode::Char('c'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s.form().is_none(), "nothing typed: Esc closes at once");

    key(&mut s, KeyCode::Char('c'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('e'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s.form().unwrap().form.confirm_discard);
    key(&mut s, KeyCode::Char('n'), KeyModifiers::NONE);
    let d = s.form().unwrap();
    assert!(!d.form.confirm_discard);
    assert_eq!(d.form.head[0].value(), "e", "n kept what was typed");

    key(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!s.quit, "Ctrl-C asks first");
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!s.quit && s.form().is_some());
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(s.form().is_none() && !s.quit, "y discarded");

    key(&mut s, KeyCode::Char('c'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('e'), KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('c'), KeyModifiers::CONTROL);
    key(&mut s, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(s.quit);
}

#[test]
fn a_submit_keeps_its_token_and_a_failure_keeps_every_field() {
    let mut s = groups_state();
    key(&mut s, KeyCode::Char('c'), KeyModifiers::NONE);
    s.overlay = Some(crate::app::Overlay::Form(Box::new(filled(
        "eu-west-1",
        "7000",
        "7099",
    ))));
    let effects = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [
        Effect::Call {
            id,
            call: Call::CreateEndpointGroup(first),
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert!(s.busy());
    assert!(
        key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL).is_empty(),
        "no second send while one is in flight"
    );
    key(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    key(&mut s, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(s.form().is_some(), "not closed under a create in flight");
    update(
        &mut s,
        Action::Reply {
            id: *id,
            result: Err(ApiError::Timeout("timed out".into())),
        },
    );
    let d = s.form().unwrap();
    assert!(d.form.error.as_deref().unwrap().contains("timed out"));
    assert_eq!(d.form.rows[0][1].value(), "7099");
    let effects = key(&mut s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [
        Effect::Call {
            id,
            call: Call::CreateEndpointGroup(retry),
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(retry.idempotency_token, first.idempotency_token);
    let created = EndpointGroup {
        arn: format!("{}/endpoint-group/new", listener().arn),
        region: "eu-west-1".into(),
        destinations: retry.destinations.clone(),
        endpoints: vec![],
    };
    update(
        &mut s,
        Action::Reply {
            id: *id,
            result: Ok(Reply::CreatedEndpointGroup(created.clone())),
        },
    );
    assert!(s.form().is_none());
    let Screen::EndpointGroups(g) = s.top() else {
        panic!()
    };
    assert_eq!(
        g.pane.selected(),
        Some(&created),
        "the new group is selected"
    );
    assert!(s.message.as_ref().unwrap().text.contains("eu-west-1"));
}

#[test]
fn server_errors_land_where_they_belong() {
    let cases = [
        (
            ApiError::EndpointGroupAlreadyExists("exists".into()),
            "region",
        ),
        (ApiError::InvalidPortRange("bad ports".into()), "rows"),
        (ApiError::LimitExceeded("quota".into()), "form"),
        (ApiError::AccessDenied("no".into()), "form"),
    ];
    for (error, place) in cases {
        let mut d = filled("eu-west-1", "7000", "7099");
        d.failed(&error);
        let text = error.to_string();
        let (region, rows, form) = (
            d.form.head[0].error.clone(),
            d.rows_error.clone(),
            d.form.error.clone(),
        );
        let got = match (region, rows, form) {
            (Some(t), None, None) if t == text => "region",
            (None, Some(t), None) if t == text => "rows",
            (None, None, Some(t)) if t == text => "form",
            other => panic!("{error:?} landed at {other:?}"),
        };
        assert_eq!(got, place, "{error:?}");
    }
}

#[test]
fn read_only_refuses_forms_before_any_call() {
    let mut s = groups_state();
    s.read_only = true;
    let effects = key(&mut s, KeyCode::Char('c'), KeyModifiers::NONE);
    assert!(effects.is_empty());
    assert!(s.form().is_none());
    assert!(s.message.as_ref().unwrap().text.contains("--read-only"));
}

fn group(name: &str) -> EndpointGroup {
    EndpointGroup {
        arn: format!("{}/endpoint-group/{name}", listener().arn),
        region: name.into(),
        destinations: vec![],
        endpoints: vec![],
    }
}

fn groups_page(names: &[&str], next_token: Option<&str>) -> Reply {
    Reply::EndpointGroups(crate::model::Page {
        items: names.iter().map(|n| group(n)).collect(),
        next_token: next_token.map(str::to_string),
    })
}

fn call_ids(effects: &[Effect]) -> Vec<RequestId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

fn answer(s: &mut State, id: RequestId, result: Reply) -> Vec<Effect> {
    update(
        s,
        Action::Reply {
            id,
            result: Ok(result),
        },
    )
}

/// Submits a filled endpoint group form and answers it with `created`.
fn create(s: &mut State, created: &EndpointGroup) {
    key(s, KeyCode::Char('c'), KeyModifiers::NONE);
    s.overlay = Some(crate::app::Overlay::Form(Box::new(filled(
        "eu-west-1",
        "7000",
        "7099",
    ))));
    let effects = key(s, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [id] = call_ids(&effects)[..] else {
        panic!("{effects:?}")
    };
    answer(s, id, Reply::CreatedEndpointGroup(created.clone()));
}

fn listed(s: &State) -> Vec<String> {
    let Screen::EndpointGroups(g) = s.top() else {
        panic!()
    };
    g.pane.rows().iter().map(|g| g.region.clone()).collect()
}

#[test]
fn a_group_created_during_a_re_read_stays_listed_and_selected() {
    let mut s = groups_state();
    let first = call_ids(&s.reload_top())[0];
    answer(&mut s, first, groups_page(&["g1", "g2"], None));
    let reread = call_ids(&key(&mut s, KeyCode::Char('r'), KeyModifiers::NONE))[0];
    create(&mut s, &group("new"));
    // The re-read's page was read before the create: it covers the two rows it set out to.
    answer(&mut s, reread, groups_page(&["g1", "g2"], Some("more")));
    assert_eq!(listed(&s), ["g1", "g2", "new"]);
    let Screen::EndpointGroups(g) = s.top() else {
        panic!()
    };
    assert_eq!(g.pane.selected().map(|g| g.region.as_str()), Some("new"));
}

#[test]
fn a_page_read_after_a_create_does_not_list_the_new_group_twice() {
    let mut s = groups_state();
    let first = call_ids(&s.reload_top())[0];
    // The cursor is near the end: the next page is asked for at once.
    let next = call_ids(&answer(&mut s, first, groups_page(&["g1"], Some("t"))))[0];
    create(&mut s, &group("new"));
    answer(&mut s, next, groups_page(&["new", "g2"], None));
    assert_eq!(listed(&s), ["g1", "new", "g2"]);
}

#[test]
fn a_group_deleted_during_a_re_read_stays_gone() {
    let mut s = groups_state();
    let first = call_ids(&s.reload_top())[0];
    answer(&mut s, first, groups_page(&["g1", "g2"], None));
    let reread = call_ids(&key(&mut s, KeyCode::Char('r'), KeyModifiers::NONE))[0];
    key(&mut s, KeyCode::Delete, KeyModifiers::NONE);
    let delete = call_ids(&key(&mut s, KeyCode::Char('y'), KeyModifiers::NONE))[0];
    answer(&mut s, delete, Reply::Done);
    assert_eq!(listed(&s), ["g2"]);
    // Read before the delete, the page still lists g1.
    answer(&mut s, reread, groups_page(&["g1", "g2"], None));
    assert_eq!(listed(&s), ["g2"]);
}

#[test]
fn a_created_group_no_page_has_listed_yet_survives_a_re_read_that_stops_short() {
    let mut s = groups_state();
    let first = call_ids(&s.reload_top())[0];
    let names: Vec<String> = (1..=30).map(|i| format!("g{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    // More than a screen, and more pages to come.
    answer(&mut s, first, groups_page(&names, Some("t")));
    create(&mut s, &group("new"));
    let reread = call_ids(&key(&mut s, KeyCode::Char('r'), KeyModifiers::NONE))[0];
    // The listing puts the new group on a later page than the re-read reads.
    let mut page = names.clone();
    page.push("g31");
    answer(&mut s, reread, groups_page(&page, Some("t2")));
    assert!(listed(&s).contains(&"new".to_string()), "{:?}", listed(&s));
    let Screen::EndpointGroups(g) = s.top() else {
        panic!()
    };
    assert_eq!(g.pane.selected().map(|g| g.region.as_str()), Some("new"));
}
