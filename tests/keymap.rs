//! The keymap from the config file, as the user meets it: a rebound key does the new thing and
//! the old key does nothing, the help overlay and the hint bar show the new key, and the
//! README's key table is the default keymap's own.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use portolan::app::{Action, Context, KeyMap, State, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 60)).unwrap();
    terminal.draw(|f| portolan::ui::render(state, f)).unwrap();
    terminal.backend().to_string()
}

fn press(state: &mut State, c: char) {
    update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    );
}

fn with_config(text: &str) -> State {
    let (settings, problems) = portolan::config::parse(text, Path::new("config.toml"));
    assert!(problems.is_empty(), "{problems:?}");
    let mut state = State::new(Context::default(), (120, 60), Instant::now());
    state.keymap = Arc::new(settings.keymap);
    state
}

#[test]
fn a_rebound_key_changes_what_it_does_and_what_help_and_hints_show() {
    let mut state = with_config("[keymap]\nquit = \"Q\"\nhelp = \"F1\"\nfilter = \"F\"\n");
    let hints = screen(&state);
    let last = hints.lines().last().unwrap();
    assert!(
        last.contains("Q quit") && last.contains("F1 help"),
        "{last}"
    );
    assert!(
        last.contains("F filter") && !last.contains("/ filter"),
        "{last}"
    );

    press(&mut state, 'q');
    assert!(!state.quit, "q no longer quits");
    press(&mut state, '?');
    assert!(state.overlay.is_none(), "? no longer opens the help");
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
    );
    assert!(state.overlay.is_some(), "F1 opens the help");
    let help = screen(&state);
    let quit_line = help.lines().find(|l| l.contains("quit (Ctrl-C")).unwrap();
    assert!(quit_line.contains("  Q  "), "{quit_line}");
    assert!(
        help.lines()
            .any(|l| l.contains("F1") && l.contains("this help"))
    );
    update(
        &mut state,
        Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(state.overlay.is_none());
    press(&mut state, 'Q');
    assert!(state.quit, "Q quits");
}

#[test]
fn a_conflict_keeps_the_defaults_and_is_reported() {
    let (settings, problems) = portolan::config::parse(
        "[keymap]\nquit = \"j\"\n",
        Path::new("/home/u/.config/portolan/config.toml"),
    );
    assert_eq!(problems.len(), 1);
    let said = problems[0].to_string();
    assert!(
        said.starts_with(
            "/home/u/.config/portolan/config.toml:2: keymap.quit: j is also the key of down"
        ),
        "{said}"
    );
    let mut state = State::new(Context::default(), (120, 60), Instant::now());
    state.keymap = Arc::new(settings.keymap);
    press(&mut state, 'j');
    assert!(!state.quit, "j still moves down");
    press(&mut state, 'q');
    assert!(state.quit, "q still quits");
}

#[test]
fn the_readme_key_table_is_the_default_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- keys: generated from the keymap; tests/keymap.rs checks it -->\n";
    let from = readme.find(start).expect("README has the key table marker") + start.len();
    let to = from + readme[from..].find("<!-- /keys -->").expect("end marker");
    let expected = KeyMap::default().markdown();
    assert_eq!(
        &readme[from..to],
        expected,
        "the README's key table is out of date; replace it with:\n{expected}"
    );
}
