//! One router: whichever overlay is open gets every kind of input, and nothing reaches the
//! screen below it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::*;

fn click(state: &mut State, column: u16, row: u16) -> Vec<Effect> {
    update(
        state,
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }),
    )
}

fn paste(state: &mut State, text: &str) {
    update(state, Action::Paste(text.into()));
}

#[test]
fn a_paste_reaches_the_whois_input() {
    let mut s = loaded(3);
    ch(&mut s, 'w');
    paste(&mut s, "75.2.16.21:54442\n");
    assert_eq!(s.whois().unwrap().input.value(), "75.2.16.21:54442");
}

#[test]
fn every_overlay_receives_paste_and_none_leaks_to_the_screen() {
    let mut s = loaded(3);
    ch(&mut s, '/');
    key(&mut s, KeyCode::Enter);
    ch(&mut s, '?');
    paste(&mut s, "accel-0001");
    assert!(
        accelerator_pane(&s).filter.text().is_empty(),
        "a paste under the help reached the filter"
    );
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'P');
    paste(&mut s, "accel-0001");
    assert!(accelerator_pane(&s).filter.text().is_empty());
}

#[test]
fn a_click_under_the_profile_picker_does_not_reach_the_list() {
    let mut s = loaded(10);
    s.mouse = true;
    ch(&mut s, 'P');
    // Row 6 is the fourth accelerator when nothing covers the list.
    click(&mut s, 10, 6);
    assert_eq!(selected_name(&s), "accel-0000");
    assert!(s.picker().is_some());
}

#[test]
fn help_stops_at_its_end_and_g_and_shift_g_jump() {
    let mut s = loaded(3);
    s.size = (80, 24);
    ch(&mut s, '?');
    let max = crate::app::router::help_max_scroll(&s);
    assert!(max > 0, "the help is longer than 24 rows");
    for _ in 0..60 {
        ch(&mut s, 'j');
    }
    let scroll = |s: &State| match s.overlay {
        Some(Overlay::Help { scroll }) => scroll,
        _ => panic!("help closed"),
    };
    assert_eq!(scroll(&s), max);
    ch(&mut s, 'k');
    assert_eq!(scroll(&s), max - 1, "one k moves the text at once");
    ch(&mut s, 'g');
    assert_eq!(scroll(&s), 0);
    ch(&mut s, 'G');
    assert_eq!(scroll(&s), max);
    key(&mut s, KeyCode::PageUp);
    assert!(scroll(&s) < max, "PgUp scrolls back");
}

#[test]
fn live_re_reads_wait_while_any_overlay_is_open() {
    let mut s = loaded(3);
    ch(&mut s, 'L');
    for open in ['w', 'P', '?'] {
        ch(&mut s, open);
        s.now += Duration::from_secs(30);
        let effects = update(&mut s, Action::Tick);
        assert!(
            calls(&effects)
                .iter()
                .all(|(_, c)| !matches!(c, Call::ListAccelerators { .. })),
            "a re-read ran under {open}"
        );
        key(&mut s, KeyCode::Esc);
    }
    s.now += Duration::from_secs(30);
    let effects = update(&mut s, Action::Tick);
    assert!(
        calls(&effects)
            .iter()
            .any(|(_, c)| matches!(c, Call::ListAccelerators { .. })),
        "the re-read runs once the overlay is closed"
    );
}

#[test]
fn whois_offers_the_last_address_again() {
    let mut s = loaded(3);
    ch(&mut s, 'w');
    typed(&mut s, "75.2.0.1:10001");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    ch(&mut s, 'w');
    assert_eq!(s.whois().unwrap().input.value(), "75.2.0.1:10001");
}
