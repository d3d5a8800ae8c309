//! The wide view and the column chooser through `update`: keys in, the choice and the effect
//! that keeps it out.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::{Action, Context, Overlay, Reply, update};
use crate::model::{Accelerator, AcceleratorStatus, Page};

fn accelerator(n: usize) -> Accelerator {
    Accelerator {
        arn: format!("arn:aws:globalaccelerator::111122223333:accelerator/acc-{n:04}"),
        name: format!("accel-{n:04}"),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: vec![format!("75.2.0.{n}")],
        dns_name: format!("a{n}.awsglobalaccelerator.com"),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

/// Accelerators loaded, the choice kept in `config.toml`.
fn loaded() -> State {
    let mut s = State::new(Context::default(), (100, 30), Instant::now());
    s.columns.file = Some(PathBuf::from("config.toml"));
    let effects = s.start();
    let Some(Effect::Call { id, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    update(
        &mut s,
        Action::Reply {
            id: *id,
            result: Ok(Reply::Accelerators(Page {
                items: (0..5).rev().map(accelerator).collect(),
                next_token: None,
            })),
        },
    );
    s
}

fn press(s: &mut State, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, modifiers)))
}

fn ch(s: &mut State, c: char) -> Vec<Effect> {
    press(s, KeyCode::Char(c), KeyModifiers::NONE)
}

fn saved(effects: &[Effect]) -> Option<ColumnChoice> {
    effects.iter().find_map(|e| match e {
        Effect::SaveColumns { path, choice } => {
            assert_eq!(path, &PathBuf::from("config.toml"));
            Some(choice.clone())
        }
        _ => None,
    })
}

fn titles(s: &State) -> Vec<&'static str> {
    let view = View::of(s.top()).unwrap();
    s.shown_columns()
        .into_iter()
        .map(|i| view.columns()[i].title)
        .collect()
}

#[test]
fn ctrl_w_toggles_the_wide_view_and_asks_for_it_to_be_kept() {
    let mut s = loaded();
    assert_eq!(
        titles(&s),
        ["NAME", "STATUS", "ENABLED", "STATIC IPS", "DNS NAME"]
    );
    let effects = press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    let kept = saved(&effects).expect("the wide view is kept in the config file");
    assert!(kept.is_wide(View::Accelerators));
    assert_eq!(
        titles(&s),
        [
            "NAME",
            "STATUS",
            "ENABLED",
            "STATIC IPS",
            "DNS NAME",
            "IP TYPE",
            "CREATED",
            "ARN"
        ]
    );
    // Only this view turned wide.
    assert!(!s.columns.choice.is_wide(View::Browser));
    let effects = press(&mut s, KeyCode::Char('W'), KeyModifiers::CONTROL);
    assert!(!saved(&effects).unwrap().is_wide(View::Accelerators));
    assert_eq!(titles(&s).len(), 5);
    // Plain `w` is still whois.
    ch(&mut s, 'w');
    assert!(matches!(s.overlay, Some(Overlay::Whois(_))));
}

#[test]
fn the_chooser_toggles_moves_and_applies_and_the_choice_is_kept() {
    let mut s = loaded();
    ch(&mut s, 'C');
    let chooser = s.chooser().expect("C opens the column chooser");
    assert_eq!(chooser.view, View::Accelerators);
    assert_eq!(chooser.items.len(), View::Accelerators.columns().len());
    // The shown columns first and checked, the rest after.
    assert_eq!(chooser.chosen(), View::Accelerators.defaults());
    // Hide STATUS, show ARN and move it up under NAME.
    ch(&mut s, 'j');
    ch(&mut s, ' ');
    press(&mut s, KeyCode::End, KeyModifiers::NONE);
    ch(&mut s, ' ');
    for _ in 0..6 {
        ch(&mut s, 'K');
    }
    press(&mut s, KeyCode::Down, KeyModifiers::SHIFT);
    assert_eq!(s.chooser().unwrap().selected, 2);
    // Nothing applies before Enter.
    assert_eq!(titles(&s).len(), 5);
    let effects = press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(s.overlay.is_none());
    assert_eq!(
        titles(&s),
        ["NAME", "ARN", "ENABLED", "STATIC IPS", "DNS NAME"]
    );
    let kept = saved(&effects).expect("the choice is kept");
    assert_eq!(kept, s.columns.choice);
    assert_eq!(
        kept.titles(View::Accelerators).unwrap(),
        ["NAME", "ARN", "ENABLED", "STATIC IPS", "DNS NAME"]
    );
    // Opened again, it shows the choice in force.
    ch(&mut s, 'C');
    assert_eq!(
        s.chooser().unwrap().chosen(),
        s.columns.choice.chosen(View::Accelerators)
    );
    // `d` puts the defaults back; applied, nothing custom is left.
    ch(&mut s, 'd');
    let effects = press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(
        saved(&effects)
            .unwrap()
            .custom(View::Accelerators)
            .is_none()
    );
}

#[test]
fn esc_cancels_the_chooser_and_a_paste_does_nothing() {
    let mut s = loaded();
    let before = s.columns.choice.clone();
    ch(&mut s, 'C');
    ch(&mut s, ' ');
    update(&mut s, Action::Paste("NAME\n q\u{1b}[31m ".into()));
    let chooser = s.chooser().expect("a paste leaves the chooser open");
    assert_eq!(chooser.chosen().len(), 4, "only the Space changed a box");
    assert!(!s.quit);
    let effects = press(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(s.overlay.is_none());
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(s.columns.choice, before);
}

#[test]
fn at_least_one_column_stays() {
    let mut s = loaded();
    ch(&mut s, 'C');
    for _ in 0..5 {
        ch(&mut s, ' ');
        ch(&mut s, 'j');
    }
    assert!(s.chooser().unwrap().chosen().is_empty());
    let effects = press(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(effects.is_empty());
    let chooser = s.chooser().expect("still open");
    assert!(chooser.error.as_deref().unwrap().contains("at least one"));
    assert_eq!(titles(&s).len(), 5);
}

#[test]
fn the_sort_cycles_through_the_columns_on_show() {
    let mut s = loaded();
    let arn = View::Accelerators.column("ARN").unwrap();
    s.columns.choice.choose(View::Accelerators, vec![arn, 0]);
    ch(&mut s, 's');
    let Screen::Accelerators(pane) = s.top() else {
        panic!()
    };
    assert_eq!(pane.sort, Some((arn, false)), "the first column shown");
    ch(&mut s, 's');
    let Screen::Accelerators(pane) = s.top() else {
        panic!()
    };
    assert_eq!(pane.sort, Some((0, false)));
    assert_eq!(pane.visible().next().unwrap().name, "accel-0000");
    ch(&mut s, 's');
    let Screen::Accelerators(pane) = s.top() else {
        panic!()
    };
    assert_eq!(pane.sort, None, "then the order read");
}

#[test]
fn a_failed_write_is_a_message_and_the_choice_holds() {
    let mut s = loaded();
    press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    update(
        &mut s,
        Action::ColumnsSaved {
            path: PathBuf::from("config.toml"),
            result: Err("permission denied".into()),
        },
    );
    let message = s.message.clone().unwrap();
    assert!(message.error);
    assert!(message.text.contains("permission denied"), "{message:?}");
    assert!(message.text.contains("this session"), "{message:?}");
    assert!(s.columns.choice.is_wide(View::Accelerators));
    // Without a config file there is nothing to write; the choice holds all the same.
    s.columns.file = None;
    let effects = press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert!(saved(&effects).is_none());
    assert!(!s.columns.choice.is_wide(View::Accelerators));
    assert!(s.message.unwrap().text.contains("this session"));
}

#[test]
fn info_screens_have_no_columns() {
    let mut s = loaded();
    ch(&mut s, 'i');
    assert!(View::of(s.top()).is_none());
    let effects = press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert!(saved(&effects).is_none());
    ch(&mut s, 'C');
    assert!(s.overlay.is_none());
    assert!(s.message.unwrap().text.contains("no columns"));
}

#[test]
fn choosing_leaves_out_what_is_unknown_or_repeated_and_the_defaults_are_no_choice() {
    let mut c = ColumnChoice::default();
    c.choose(View::Listeners, vec![3, 3, 99, 0]);
    assert_eq!(c.chosen(View::Listeners), [3, 0]);
    c.choose(View::Listeners, View::Listeners.defaults());
    assert!(c.custom(View::Listeners).is_none());
    c.choose(View::Listeners, vec![]);
    assert!(c.custom(View::Listeners).is_none());
    // Wide adds the wide columns not chosen, after the chosen ones.
    let arn = View::Groups.column("arn").unwrap();
    c.choose(View::Groups, vec![arn, 0]);
    c.set_wide(View::Groups, true);
    let ids = View::Groups.column("SUBNET IDS").unwrap();
    assert_eq!(c.shown(View::Groups), [arn, 0, ids]);
    // Every view's titles are unique, so the config file can name them.
    for view in View::ALL {
        let titles: Vec<&str> = view.columns().iter().map(|c| c.title).collect();
        for t in &titles {
            assert_eq!(titles.iter().filter(|x| *x == t).count(), 1, "{view:?} {t}");
        }
        assert_eq!(View::from_name(view.name()), Some(view));
    }
}

#[test]
fn with_the_join_off_the_columns_only_ec2_fills_are_not_shown() {
    let mut choice = ColumnChoice::default();
    let titles = |choice: &ColumnChoice, view: View| -> Vec<&str> {
        choice
            .shown(view)
            .into_iter()
            .map(|i| view.columns()[i].title)
            .collect()
    };
    assert!(titles(&choice, View::Browser).contains(&"INSTANCE"));
    assert!(titles(&choice, View::Subnets).contains(&"CIDR"));
    choice.ec2_off = true;
    for view in [View::Browser, View::Subnets] {
        let shown = titles(&choice, view);
        assert!(
            shown.iter().all(|t| !super::ec2_columns(view).contains(t)),
            "{view:?}: {shown:?}"
        );
    }
    assert_eq!(titles(&choice, View::Subnets), ["SUBNET ENDPOINT"]);
    choice.set_wide(View::Browser, true);
    assert!(
        !titles(&choice, View::Browser).contains(&"INTERFACE"),
        "nor in the wide view"
    );
}
