use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::{Action, Context, update};

fn state() -> State {
    let mut s = State::new(Context::default(), (80, 24), Instant::now());
    s.start();
    s
}

fn key(s: &mut State, code: KeyCode) {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn scroll(s: &State) -> Option<u16> {
    match s.overlay {
        Some(Overlay::Messages { scroll }) => Some(scroll),
        _ => None,
    }
}

#[test]
fn every_message_is_kept_with_its_time_after_the_status_bar_moves_on() {
    let mut s = state();
    let first = s.now;
    s.error("traffic denied: 10.48.24.4:7777 for subnet-0abc");
    s.now += Duration::from_secs(30);
    s.info("wrote 15 mappings to out.csv");
    update(&mut s, Action::Tick);
    s.now += Duration::from_secs(30);
    update(&mut s, Action::Tick);
    assert!(s.message.as_ref().is_some_and(|m| m.error) || s.message.is_none());
    let kept: Vec<(&str, bool, Instant)> = s
        .messages
        .entries()
        .map(|e| (e.text.as_str(), e.error, e.at))
        .collect();
    assert_eq!(
        kept,
        vec![
            (
                "traffic denied: 10.48.24.4:7777 for subnet-0abc",
                true,
                first
            ),
            (
                "wrote 15 mappings to out.csv",
                false,
                first + Duration::from_secs(30)
            ),
        ]
    );
}

#[test]
fn the_log_is_bounded_and_folds_repeats() {
    let mut log = MessageLog::default();
    let now = Instant::now();
    for i in 0..(KEPT + 20) {
        log.record(&format!("message {i}"), false, now);
    }
    assert_eq!(log.len(), KEPT);
    assert_eq!(log.entries().next().unwrap().text, "message 20");
    log.record("could not reach the endpoint", true, now);
    log.record(
        "could not reach the endpoint",
        true,
        now + Duration::from_secs(3),
    );
    assert_eq!(log.len(), KEPT);
    let last = log.entries().last().unwrap();
    assert_eq!((last.times, last.at), (2, now + Duration::from_secs(3)));
    assert_eq!(text_of(last), "could not reach the endpoint (×2)");
}

#[test]
fn wrapping_breaks_between_words_only() {
    let text = "traffic denied: 10.48.24.4:7777 for subnet-0123456789abcdef0 in eu-central-1";
    let lines = wrap(text, 20);
    assert_eq!(
        lines,
        vec![
            "traffic denied:",
            "10.48.24.4:7777 for",
            "subnet-0123456789abc",
            "def0 in eu-central-1"
        ]
    );
    assert!(lines.iter().all(|l| l.width() <= 20));
    assert_eq!(wrap("", 10), vec![String::new()]);
}

#[test]
fn bang_opens_the_log_which_scrolls_to_its_ends_and_no_further() {
    let mut s = state();
    for i in 0..60 {
        s.error(format!("failure number {i} of a long series"));
    }
    key(&mut s, KeyCode::Char('!'));
    assert_eq!(scroll(&s), Some(0));
    let max = max_scroll(&s);
    assert_eq!(usize::from(max), 60 - 18, "60 lines in an 18-line frame");
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(scroll(&s), Some(1));
    key(&mut s, KeyCode::Char('g'));
    assert_eq!(scroll(&s), Some(max));
    key(&mut s, KeyCode::Char('k'));
    assert_eq!(scroll(&s), Some(max), "stops at the oldest");
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(scroll(&s), Some(0));
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(scroll(&s), Some(0), "stops at the newest");
    update(&mut s, Action::Paste("10.0.0.1".into()));
    assert_eq!(scroll(&s), Some(0), "a paste goes nowhere");
    let hints: Vec<&str> = crate::app::hints(&s).iter().map(|h| h.action).collect();
    assert!(hints.contains(&"older/newer"), "{hints:?}");
    key(&mut s, KeyCode::Esc);
    assert!(s.overlay.is_none());
}

#[test]
fn bang_is_text_while_typing_a_filter() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    key(&mut s, KeyCode::Char('!'));
    assert!(s.overlay.is_none());
}
