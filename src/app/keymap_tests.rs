//! The keymap: defaults, rebinding, conflicts.

use super::*;
use crossterm::event::KeyModifiers;

fn over(name: &str, keys: &[&str], line: usize) -> Override {
    Override {
        name: name.into(),
        keys: keys.iter().map(|k| (*k).to_string()).collect(),
        line,
    }
}

fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn the_defaults_are_free_of_conflicts_and_round_trip() {
    let map = KeyMap::default();
    let bound: usize = map.keys.values().map(Vec::len).sum();
    assert_eq!(bound, map.commands.len(), "no key is bound twice");
    for s in specs() {
        for k in s.keys {
            let key = Key::parse(k).unwrap();
            assert_eq!(Key::parse(&key.to_string()).unwrap(), key, "{k}");
        }
    }
    assert_eq!(
        map.command(&event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Command::Last)
    );
    assert_eq!(
        map.command(&event(KeyCode::Down, KeyModifiers::NONE)),
        Some(Command::Down)
    );
    assert_eq!(
        map.command(&event(KeyCode::Char('z'), KeyModifiers::NONE)),
        None
    );
}

#[test]
fn a_rebinding_changes_what_the_key_does_and_what_help_shows() {
    let (map, problems) = KeyMap::with_overrides(&[
        over("quit", &["x", "Ctrl-q"], 3),
        over("remove_endpoint", &["X"], 4),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        map.command(&event(KeyCode::Char('x'), KeyModifiers::NONE)),
        Some(Command::Quit)
    );
    assert_eq!(
        map.command(&event(KeyCode::Char('Q'), KeyModifiers::CONTROL)),
        Some(Command::Quit)
    );
    assert_eq!(
        map.command(&event(KeyCode::Char('q'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(map.keys(Command::Quit), "x Ctrl-Q");
    let help = map.help();
    let app = &help.iter().find(|(t, _)| *t == "App").unwrap().1;
    assert!(
        app.iter()
            .any(|(k, h)| k == "x Ctrl-Q" && h.starts_with("quit"))
    );
    assert!(map.markdown().contains("| `x Ctrl-Q` | `quit` |"));
}

#[test]
fn conflicts_and_bad_entries_are_reported_and_not_applied() {
    let (map, problems) = KeyMap::with_overrides(&[
        over("quit", &["j"], 2),
        over("copy", &["Y"], 3),
        over("teleport", &["t"], 4),
        over("help", &["Ctrl-C"], 5),
        over("sort", &["Hyper-s"], 6),
        over("allow", &["Z"], 7),
        over("deny", &["Z"], 8),
    ]);
    let said: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{}: {}", p.line, p.name, p.message))
        .collect();
    assert_eq!(said.len(), 6, "{said:#?}");
    assert!(
        said.iter()
            .any(|s| s.starts_with("2:keymap.quit: j is also the key of down")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("4:keymap.teleport: no such command")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("5:keymap.help: Ctrl-C is reserved")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("6:keymap.sort: \"Hyper-s\" is not a key")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("7:keymap.allow: Z is also the key of deny")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|s| s.starts_with("8:keymap.deny: Z is also the key of allow")),
        "{said:#?}"
    );
    // Nothing was silently resolved: the conflicting commands keep their defaults, the
    // sound rebinding applies.
    assert_eq!(map.keys(Command::Quit), "q");
    assert_eq!(map.keys(Command::Down), "j ↓");
    assert_eq!(map.keys(Command::Allow), "A");
    assert_eq!(map.keys(Command::Deny), "D");
    assert_eq!(map.keys(Command::Copy), "Y");
}

#[test]
fn swapping_two_keys_is_no_conflict() {
    let (map, problems) = KeyMap::with_overrides(&[over("down", &["k"], 1), over("up", &["j"], 2)]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        map.command(&event(KeyCode::Char('k'), KeyModifiers::NONE)),
        Some(Command::Down)
    );
}
