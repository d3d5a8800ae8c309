//! The subnet picker of `a` through `update`: it asks EC2 for the group's region, lists what
//! EC2 answers, filters, chooses up to 20, marks the group's own subnets, counts the ports the
//! choice takes, and adds through the same call as the typed dialog — which is what `a` opens
//! with the join off, and what still works when EC2 cannot list the region.

use super::*;
use crate::app::join::{Ec2Answer, Ec2Failure, Ec2Lookup, Join, Known};
use crate::app::overlays::fields::Focus;
use crate::app::overlays::subnet_picker::SubnetPicker;
use crate::model::capacity::ListenerUsage;
use crate::model::ec2::Subnet;
use crate::model::{DestinationConfig, ProtocolSet};

const IN_GROUP: &str = "subnet-0000000a";

fn subnet(n: usize, cidr: &str, name: &str, zone: &str, vpc: &str) -> Subnet {
    Subnet {
        id: format!("subnet-{n:08x}"),
        cidr: Some(cidr.parse().unwrap()),
        vpc_id: vpc.into(),
        availability_zone: zone.into(),
        name: Some(name.into()),
        available_addresses: None,
    }
}

/// subnet-…0a (/24, in the group), …0b (/28), …0c (/26 in another VPC), then `more` spare /28s.
fn region(more: usize) -> Vec<Subnet> {
    let mut all = vec![
        subnet(0xa, "10.0.0.0/24", "game-a", "eu-west-1a", "vpc-1"),
        subnet(0xb, "10.0.1.0/28", "spare-b", "eu-west-1b", "vpc-1"),
        subnet(0xc, "10.0.2.0/26", "voice-c", "eu-west-1c", "vpc-2"),
    ];
    all.extend((0..more).map(|i| {
        let cidr = format!("10.1.{i}.0/28");
        subnet(
            0x100 + i,
            &cidr,
            &format!("pool-{i}"),
            "eu-west-1a",
            "vpc-1",
        )
    }));
    all
}

/// A group of ten destination ports with subnet-…0a in it.
fn ten_port_group(l: &Listener) -> EndpointGroup {
    EndpointGroup {
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7777, 7786).unwrap(),
            protocols: ProtocolSet::BOTH,
        }],
        endpoints: vec![IN_GROUP.into()],
        ..group(l, "eu-west-1")
    }
}

fn detail() -> State {
    let mut s = loaded(1);
    key(&mut s, KeyCode::Enter);
    let l = listener(&accelerator(0), 1);
    let id = s.top().pending()[0];
    reply(&mut s, id, Reply::Listeners(page(vec![l.clone()], None)));
    key(&mut s, KeyCode::Enter);
    let id = s.top().pending()[0];
    let g = ten_port_group(&l);
    reply(&mut s, id, Reply::EndpointGroups(page(vec![g], None)));
    key(&mut s, KeyCode::Enter);
    s
}

/// What `a` asked: the region lookup, and the free-port count.
fn open(s: &mut State) -> (Option<(RequestId, Ec2Lookup)>, RequestId) {
    let effects = ch(s, 'a');
    let lookup = effects.iter().find_map(|e| match e {
        Effect::Ec2 { id, lookup } if matches!(lookup, Ec2Lookup::Region { .. }) => {
            Some((*id, lookup.clone()))
        }
        _ => None,
    });
    let count = calls(&effects)
        .into_iter()
        .find_map(|(id, c)| matches!(c, Call::ListenerUsage { .. }).then_some(id))
        .expect("the dialog counts the listener's free ports");
    (lookup, count)
}

fn answer(s: &mut State, id: RequestId, result: Result<Ec2Answer, Ec2Failure>) {
    update(s, Action::Ec2 { id, result });
}

/// The group detail with the picker open on `region(more)`.
fn picking(more: usize) -> State {
    let mut s = detail();
    let (lookup, _) = open(&mut s);
    let (id, _) = lookup.expect("the region is asked for");
    answer(&mut s, id, Ok(Ec2Answer::Region(region(more))));
    s
}

fn picker(s: &State) -> &SubnetPicker {
    s.form()
        .and_then(|d| d.picker())
        .expect("the picker is open")
}

fn shown(s: &State) -> Vec<String> {
    picker(s)
        .list
        .visible()
        .map(|r| r.subnet.id.clone())
        .collect()
}

/// Types `text` into the filter, after clearing it.
fn filter(s: &mut State, text: &str) {
    while !picker(s).list.filter.text().is_empty() {
        key(s, KeyCode::Backspace);
    }
    typed(s, text);
}

/// Puts the cursor on `id` (through the filter) and presses Space; the filter is cleared again.
fn choose(s: &mut State, id: &str) {
    filter(s, id);
    ch(s, ' ');
    filter(s, "");
}

fn sent_add(effects: &[Effect]) -> (RequestId, Vec<String>, bool) {
    calls(effects)
        .into_iter()
        .find_map(|(id, c)| match c {
            Call::AddEndpoints {
                subnets, allow_all, ..
            } => Some((id, subnets, allow_all)),
            _ => None,
        })
        .expect("the add is sent")
}

#[test]
fn a_asks_ec2_for_the_subnets_of_the_groups_region() {
    let mut s = detail();
    let (lookup, _) = open(&mut s);
    let (_, lookup) = lookup.expect("an EC2 lookup");
    assert_eq!(
        lookup,
        Ec2Lookup::Region {
            region: "eu-west-1".into()
        }
    );
    assert!(picker(&s).focused, "the picker has the keys");
    assert!(matches!(s.join.region_subnets("eu-west-1"), Known::Loading));
    let hints = crate::app::hints(&s);
    assert!(hints.iter().any(|h| h.keys == "Space"), "{hints:?}");
    // Asked once: more keys ask nothing again while the answer is on its way.
    let effects = ch(&mut s, 'x');
    assert!(!effects.iter().any(|e| matches!(e, Effect::Ec2 { .. })));
}

#[test]
fn each_subnet_has_its_size_and_ports_and_those_in_the_group_are_marked_last() {
    let s = picking(0);
    let p = picker(&s);
    assert_eq!(
        shown(&s),
        ["subnet-0000000b", "subnet-0000000c", IN_GROUP],
        "the group's own subnet comes last"
    );
    let b = p.row("subnet-0000000b").unwrap();
    assert_eq!(
        (b.usable, b.ports, b.in_group),
        (Some(11), Some(110), false)
    );
    let c = p.row("subnet-0000000c").unwrap();
    assert_eq!((c.usable, c.ports), (Some(59), Some(590)));
    let a = p.row(IN_GROUP).unwrap();
    assert!(a.in_group);
    assert_eq!(a.ports, Some(2510), "251 mapped addresses × 10 ports");
}

#[test]
fn typing_filters_over_id_name_cidr_zone_and_vpc() {
    let mut s = picking(2);
    for (needle, want) in [
        ("0000000c", vec!["subnet-0000000c"]),
        ("SPARE", vec!["subnet-0000000b"]),
        ("10.0.2.", vec!["subnet-0000000c"]),
        ("west-1b", vec!["subnet-0000000b"]),
        ("vpc-2", vec!["subnet-0000000c"]),
        ("pool", vec!["subnet-00000100", "subnet-00000101"]),
        ("nothing-like-it", vec![]),
    ] {
        filter(&mut s, needle);
        assert_eq!(shown(&s), want, "filter {needle}");
    }
    filter(&mut s, "");
    assert_eq!(shown(&s).len(), 5);
}

#[test]
fn space_chooses_and_lets_go_and_a_subnet_in_the_group_cannot_be_chosen() {
    let mut s = picking(0);
    ch(&mut s, ' ');
    assert_eq!(picker(&s).chosen, ["subnet-0000000b"]);
    ch(&mut s, ' ');
    assert!(picker(&s).chosen.is_empty(), "Space again lets it go");
    choose(&mut s, "subnet-0000000c");
    choose(&mut s, IN_GROUP);
    let p = picker(&s);
    assert_eq!(p.chosen, ["subnet-0000000c"]);
    // The notice of the refused one stays until the next key; the filter keys cleared it.
    filter(&mut s, IN_GROUP);
    ch(&mut s, ' ');
    let notice = picker(&s).notice.clone().unwrap();
    assert!(
        notice.contains("already in this endpoint group"),
        "{notice}"
    );
}

#[test]
fn the_twenty_first_subnet_is_refused_and_nothing_chosen_is_lost() {
    let mut s = picking(25);
    filter(&mut s, "pool");
    for _ in 0..20 {
        ch(&mut s, ' ');
        key(&mut s, KeyCode::Down);
    }
    assert_eq!(picker(&s).chosen.len(), 20);
    ch(&mut s, ' ');
    let p = picker(&s);
    assert_eq!(p.chosen.len(), 20, "the 21st is not taken");
    assert!(!p.chosen.contains(&"subnet-00000114".to_string()));
    let notice = p.notice.clone().unwrap();
    assert!(notice.contains("at most 20 subnets"), "{notice}");
    // Letting one go makes room again.
    key(&mut s, KeyCode::Up);
    ch(&mut s, ' ');
    key(&mut s, KeyCode::Down);
    ch(&mut s, ' ');
    assert_eq!(picker(&s).chosen.len(), 20);
    assert!(picker(&s).chosen.contains(&"subnet-00000114".to_string()));
    // A typed id counts towards the 20 as well.
    let mut s = picking(25);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "subnet-0000000d");
    key(&mut s, KeyCode::BackTab);
    filter(&mut s, "pool");
    for _ in 0..20 {
        ch(&mut s, ' ');
        key(&mut s, KeyCode::Down);
    }
    assert_eq!(picker(&s).chosen.len(), 19);
}

#[test]
fn the_ports_the_choice_takes_are_counted_against_the_listeners_free_ones() {
    let mut s = detail();
    let (lookup, count) = open(&mut s);
    answer(&mut s, lookup.unwrap().0, Ok(Ec2Answer::Region(region(0))));
    let usage = ListenerUsage {
        total: 1000,
        groups: vec![("eu-west-1".into(), "arn:g".into(), 200)],
    };
    reply(&mut s, count, Reply::Usage(usage));
    choose(&mut s, "subnet-0000000b");
    choose(&mut s, "subnet-0000000c");
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "subnet-0000000d"); // not in the region's list: size unknown
    let d = s.form().unwrap();
    let typed_ids = crate::app::overlays::add_subnets::typed_ids(&d.form);
    let taken = d.picker().unwrap().taken(&typed_ids);
    assert_eq!((taken.subnets, taken.ports, taken.unknown), (3, 700, 1));
    assert_eq!(d.count.free(), Some(800));
}

#[test]
fn enter_adds_the_chosen_and_typed_subnets_through_the_same_call() {
    let mut s = picking(0);
    choose(&mut s, "subnet-0000000c");
    choose(&mut s, "subnet-0000000b");
    key(&mut s, KeyCode::Tab); // the typed ids
    typed(&mut s, "subnet-0000000d subnet-0000000c");
    key(&mut s, KeyCode::Tab); // allow all
    ch(&mut s, ' ');
    key(&mut s, KeyCode::BackTab);
    key(&mut s, KeyCode::BackTab); // back in the picker
    assert!(picker(&s).focused);
    let (_, subnets, allow_all) = sent_add(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        subnets,
        ["subnet-0000000c", "subnet-0000000b", "subnet-0000000d"],
        "chosen first, in the order chosen, then typed; each once"
    );
    assert!(allow_all);
    // Below the list the dialog is a form like the others: Enter moves on from the allow-all
    // field to Add, and Enter on Add adds.
    let mut s = picking(0);
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "subnet-0000000d");
    key(&mut s, KeyCode::Tab);
    ch(&mut s, ' ');
    assert!(calls(&key(&mut s, KeyCode::Enter)).is_empty());
    assert_eq!(s.form().unwrap().form.focus, Focus::Submit);
    let (_, subnets, allow_all) = sent_add(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        (subnets, allow_all),
        (vec!["subnet-0000000d".to_string()], true)
    );
    // Enter on nothing chosen or typed sends nothing and says why.
    let mut s = picking(0);
    assert!(calls(&key(&mut s, KeyCode::Enter)).is_empty());
    let error = s.form().unwrap().form.head[0].error.clone().unwrap();
    assert!(error.contains("choose a subnet above"), "{error}");
}

#[test]
fn a_failed_add_keeps_what_was_chosen_typed_and_filtered() {
    let mut s = picking(0);
    choose(&mut s, "subnet-0000000b");
    filter(&mut s, "voice");
    ch(&mut s, ' ');
    key(&mut s, KeyCode::Tab);
    typed(&mut s, "subnet-0000000d");
    let (id, _, _) = sent_add(&update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    ));
    fail(&mut s, id, ApiError::LimitExceeded("no room".into()));
    let d = s.form().expect("the dialog stays");
    assert!(
        d.form
            .error
            .as_deref()
            .unwrap()
            .starts_with("the listener is full")
    );
    assert_eq!(d.form.head[0].value(), "subnet-0000000d");
    let p = d.picker().unwrap();
    assert_eq!(p.chosen, ["subnet-0000000b", "subnet-0000000c"]);
    assert_eq!(p.list.filter.text(), "voice");
    // And the same submit goes again; a changed choice clears the old answer.
    key(&mut s, KeyCode::BackTab);
    ch(&mut s, ' ');
    assert!(s.form().unwrap().form.error.is_none());
    ch(&mut s, ' ');
    let effects = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert_eq!(sent_add(&effects).1.len(), 3);
}

#[test]
fn with_the_join_off_a_opens_the_typed_dialog() {
    let mut s = detail();
    s.join = Join::off();
    let (lookup, _) = open(&mut s);
    assert!(lookup.is_none(), "nothing is asked of EC2");
    let d = s.form().expect("the dialog is open");
    assert!(d.picker().is_none());
    typed(&mut s, "subnet-0000000d");
    assert_eq!(s.form().unwrap().form.head[0].value(), "subnet-0000000d");
    let hints = crate::app::hints(&s);
    assert!(hints.iter().any(|h| h.keys == "Ctrl-S"), "{hints:?}");
}

#[test]
fn a_failed_region_lookup_hands_the_keys_to_the_typed_ids() {
    let mut s = detail();
    let (lookup, _) = open(&mut s);
    let failure = Ec2Failure {
        message: "connection refused".into(),
        access: None,
    };
    answer(&mut s, lookup.unwrap().0, Err(failure));
    assert!(matches!(
        s.join.region_subnets("eu-west-1"),
        Known::Failed("connection refused")
    ));
    assert!(!picker(&s).focused, "the keys went to the ids field");
    typed(&mut s, "subnet-0000000d");
    let effects = update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert_eq!(sent_add(&effects).1, ["subnet-0000000d"]);
}

#[test]
fn a_refused_permission_is_a_failure_not_a_wait_that_never_ends() {
    let mut s = detail();
    s.join.problem = Some("EC2 permissions missing: ec2:DescribeSubnets".into());
    let (lookup, _) = open(&mut s);
    assert!(lookup.is_none(), "EC2 is not asked again until r");
    assert!(matches!(
        s.join.region_subnets("eu-west-1"),
        Known::Failed(m) if m.contains("DescribeSubnets")
    ));
    assert!(!picker(&s).focused);
}

#[test]
fn a_paste_of_ids_goes_to_the_ids_field_and_other_text_filters() {
    let mut s = picking(0);
    update(
        &mut s,
        Action::Paste("subnet-0000000d\nsubnet-0000000e".into()),
    );
    let d = s.form().unwrap();
    assert_eq!(d.form.head[0].value(), "subnet-0000000d subnet-0000000e");
    assert!(d.picker().unwrap().list.filter.text().is_empty());
    update(&mut s, Action::Paste("voice".into()));
    assert_eq!(shown(&s), ["subnet-0000000c"]);
}

#[test]
fn esc_asks_before_a_choice_is_lost_and_closes_when_there_is_none() {
    let mut s = picking(0);
    filter(&mut s, "spare");
    key(&mut s, KeyCode::Esc);
    assert!(
        s.overlay.is_none(),
        "a filter alone is not worth a question"
    );
    let mut s = picking(0);
    ch(&mut s, ' ');
    key(&mut s, KeyCode::Esc);
    assert!(s.form().unwrap().form.confirm_discard);
    ch(&mut s, 'n');
    assert_eq!(picker(&s).chosen, ["subnet-0000000b"], "kept");
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'y');
    assert!(s.overlay.is_none());
    // Ctrl-C asks too, before quitting with a choice made.
    let mut s = picking(0);
    ch(&mut s, ' ');
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(!s.quit);
    assert!(s.form().unwrap().form.confirm_discard);
}

#[test]
fn the_cursor_stays_among_the_rows_shown() {
    let mut s = picking(40);
    let rows = crate::app::overlays::subnet_picker::rows_shown(s.size.1);
    for _ in 0..rows + 5 {
        key(&mut s, KeyCode::Down);
    }
    let list = &picker(&s).list;
    assert_eq!(list.selected_index(), rows + 5);
    assert!(list.offset() <= list.selected_index() && list.selected_index() < list.offset() + rows);
    key(&mut s, KeyCode::PageUp);
    key(&mut s, KeyCode::PageUp);
    let list = &picker(&s).list;
    assert!(list.offset() <= list.selected_index());
}
