//! The real binary in a pseudo-terminal, as a user meets it: `portolan --demo` at 80×24, keys
//! in, screen text out (through a VT100 parser).

mod common;

use std::num::NonZeroU16;
use std::time::Duration;

use common::pty::Session;
use portable_pty::PtySize;

#[test]
fn demo_from_accelerators_to_an_endpoint_group_and_back() {
    let mut s = Session::start(&["--demo"], 80, 24);
    let first = s.wait_for("Accelerators ─ all 24");
    assert!(first.contains("profile demo"), "{first}");
    assert!(first.contains("account 111122223333"), "{first}");
    assert!(first.contains("game-eu-central"), "{first}");

    s.send("j");
    s.send("\r");
    let listeners = s.wait_for("Listeners of game-us-east");
    assert!(listeners.contains("PORT RANGES"), "{listeners}");
    s.wait_for("─ all 1");

    s.send("\r");
    let groups = s.wait_for("Endpoint groups of listener");
    s.wait_for("eu-central-1");
    assert!(groups.contains("DESTINATION PORTS"), "{groups}");

    s.send("\r");
    let detail = s.wait_for("Subnet endpoints");
    assert!(
        detail.contains("arn:aws:globalaccelerator::111122223333"),
        "{detail}"
    );
    s.wait_for("subnet-");

    s.send("?");
    s.wait_for("Keys (Esc closes)");
    s.send("\x1b");
    s.send("\x1b");
    s.wait_for("Endpoint groups of listener");
    s.send("h");
    s.wait_for("Listeners of game-us-east");
    s.send("\x1b");
    let back = s.wait_for("Accelerators ─ all 24");
    assert!(back.contains("▶ game-us-east"), "selection kept: {back}");

    s.send("q");
    let status = s.exit_status();
    assert!(status.success(), "{status:?}");
    let parser = s.screen.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "the terminal was left in the alternate screen"
    );
}

#[test]
fn a_small_terminal_asks_to_be_enlarged_and_a_resize_relays_out() {
    let mut s = Session::start(&["--demo"], 50, 12);
    s.wait_for("Terminal too small");
    s.wait_for("Enlarge it to at least 60×16");
    let size = PtySize {
        rows: 30,
        cols: 100,
        pixel_width: 0,
        pixel_height: 0,
    };
    s.screen
        .lock()
        .unwrap()
        .screen_mut()
        .set_size(NonZeroU16::new(30).unwrap(), NonZeroU16::new(100).unwrap());
    s.master.resize(size).unwrap();
    let screen = s.wait_for("Accelerators ─ all 24");
    assert!(!screen.contains("too small"), "{screen}");
    s.send("q");
    assert!(s.exit_status().success());
}

/// From the demo's accelerators pane to game-us-east's endpoint groups (3 of them).
fn open_game_us_east_groups(s: &mut Session) {
    s.wait_for("Accelerators ─ all 24");
    s.send("j");
    s.send("\r");
    s.wait_for("─ all 1");
    s.send("\r");
    s.wait_for("─ all 3");
    s.wait_for("eu-central-1");
}

#[test]
fn browser_by_destination_and_lazy_pages_of_a_whole_accelerator() {
    let mut s = Session::start(&["--demo", "--page-size", "50"], 100, 30);
    open_game_us_east_groups(&mut s);
    // By destination: the first subnet of the group is preselected.
    s.send("m");
    s.wait_for("Subnet ‹ subnet-02d1c490fa23a2312");
    s.send("10.48.24.9\r");
    let rows = s.wait_for("all 10 ─ mappings of 10.48.24.9");
    assert!(rows.contains("10.48.24.9:7777"), "{rows}");
    assert!(rows.contains("ALLOW"), "{rows}");
    s.send("\x1b");
    s.wait_for("Endpoint groups of listener");

    // Every mapping of the group, 50 a page: paging down past the first page loads more.
    s.send("M");
    s.wait_for("loaded 50 · more…");
    for _ in 0..3 {
        s.send("\x1b[6~");
    }
    let more = s.wait_for("loaded 100 · more…");
    // The accelerator port has its own column; the static IPs it is on are said once.
    assert!(more.contains("PORT   DESTINATION"), "{more}");
    assert!(more.contains("IPs 75.2.16.2 99.83.16.2"), "{more}");
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn create_an_endpoint_group_with_two_ranges() {
    let mut s = Session::start(&["--demo"], 100, 30);
    open_game_us_east_groups(&mut s);
    s.send("c");
    s.wait_for("New endpoint group on listener");
    // Region, then range 1: 7000-7049 TCP; Ctrl-N, range 2: 7100-7149 UDP only.
    s.send("ap-south-1\t7000\t7049\t");
    s.send("\x0e");
    s.send("7100\t7149\t \t ");
    let form = s.wait_for("[ ] TCP  [x] UDP");
    assert!(form.contains("7100"), "{form}");
    s.send("\x13");
    let listed = s.wait_for("created endpoint group ap-south-1");
    assert!(listed.contains("─ all 4"), "{listed}");
    assert!(listed.contains("7000-7049 TCP, 7100-7149 UDP"), "{listed}");
    assert!(
        listed.contains("▶ ap-south-1"),
        "the new group is selected: {listed}"
    );
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn deny_a_destination_from_the_browser() {
    let mut s = Session::start(&["--demo"], 100, 30);
    open_game_us_east_groups(&mut s);
    s.send("m");
    s.wait_for("Subnet ‹ subnet-02d1c490fa23a2312");
    s.send("10.48.24.9\r");
    s.wait_for("all 10 ─ mappings of 10.48.24.9");
    s.send("j");
    s.send("D");
    let dialog = s.wait_for("Confirm the change");
    assert!(
        dialog.contains("Deny traffic to 10.48.24.9:7778"),
        "{dialog}"
    );
    s.send("y");
    let screen = s.wait_for("traffic denied: 10.48.24.9:7778");
    let row = screen
        .lines()
        .find(|l| l.contains("10.48.24.9:7778"))
        .unwrap_or_default();
    assert!(row.contains("DENY"), "{screen}");
    assert!(
        row.contains('▶'),
        "the selection stayed on the row: {screen}"
    );
    let others = screen.lines().filter(|l| l.contains("ALLOW")).count();
    assert_eq!(others, 9, "{screen}");
    s.wait_for("DEPLOYED");
    s.send("q");
    assert!(s.exit_status().success());
}

fn signal(s: &Session, name: &str) {
    let pid = s.child.process_id().expect("a pid").to_string();
    let status = std::process::Command::new("kill")
        .args([format!("-{name}"), pid])
        .status()
        .unwrap();
    assert!(status.success());
}

fn assert_restored(s: &Session) {
    let parser = s.screen.lock().unwrap();
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "still in the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for name in ["TERM", "HUP"] {
        let mut s = Session::start(&["--demo"], 80, 24);
        s.wait_for("Accelerators ─ all 24");
        signal(&s, name);
        let status = s.exit_status();
        assert!(status.success(), "SIG{name}: {status:?}");
        // The reader thread may still be draining the last bytes.
        std::thread::sleep(Duration::from_millis(200));
        assert_restored(&s);
    }
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    // Job control needs a shell: run portolan from an interactive bash, as a user does.
    let mut s = Session::start_program("bash", &["--norc", "--noprofile", "-i"], 80, 24);
    s.send("PS1='$ '\r");
    s.send(&format!("{} --demo\r", env!("CARGO_BIN_EXE_portolan")));
    s.wait_for("Accelerators ─ all 24");
    s.send("\x1a");
    let stopped = s.wait_for("Stopped");
    assert!(
        !s.screen.lock().unwrap().screen().alternate_screen(),
        "{stopped}"
    );
    s.send("fg\r");
    let back = s.wait_for("game-eu-central");
    assert!(s.screen.lock().unwrap().screen().alternate_screen());
    assert!(back.contains("Accelerators ─ all 24"), "{back}");
    s.send("q");
    s.wait_for("$ ");
    assert!(!s.screen.lock().unwrap().screen().alternate_screen());
    s.send("exit\r");
    assert!(s.exit_status().success());
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    // Debug builds panic on request once the terminal is taken over.
    let mut s = Session::start_program(
        "env",
        &[
            "PORTOLAN_TEST_PANIC=1",
            env!("CARGO_BIN_EXE_portolan"),
            "--demo",
        ],
        80,
        24,
    );
    let status = s.exit_status();
    assert!(!status.success());
    std::thread::sleep(Duration::from_millis(200));
    assert_restored(&s);
    // The message comes after the terminal was handed back, on the normal screen.
    let raw = s.raw.lock().unwrap().clone();
    let leave = raw
        .windows(8)
        .rposition(|w| w == b"\x1b[?1049l")
        .expect("left the alternate screen");
    let message = raw
        .windows(10)
        .position(|w| w == b"test panic")
        .expect("the message");
    assert!(
        leave < message,
        "the message was printed inside the alternate screen"
    );
}

#[test]
fn a_dumb_terminal_is_pointed_at_the_headless_commands() {
    let mut s = Session::start_program(
        "env",
        &["TERM=dumb", env!("CARGO_BIN_EXE_portolan"), "--demo"],
        80,
        24,
    );
    let status = s.exit_status();
    assert!(!status.success());
    std::thread::sleep(Duration::from_millis(200));
    let text = s.text();
    assert!(text.contains("portolan accelerators"), "{text}");
    assert!(!s.screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn the_config_file_makes_the_view_read_only_and_says_what_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "read_only = true\ntheme = \"purple\"\n").unwrap();
    let path = path.display().to_string();
    let mut s = Session::start_with_env(
        env!("CARGO_BIN_EXE_portolan"),
        &["--demo"],
        &[("PORTOLAN_CONFIG", &path)],
        100,
        24,
    );
    let first = s.wait_for("Accelerators ─ all 24");
    assert!(first.contains("READ-ONLY"), "{first}");
    assert!(first.contains("config.toml:2: theme:"), "{first}");
    s.send("c");
    let refused = s.wait_for("read-only");
    assert!(!refused.contains("Create accelerator"), "{refused}");
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn a_failed_export_keeps_its_dialog_and_writes_what_the_filter_shows() {
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("out.csv");
    std::fs::write(&taken, "already here\n").unwrap();
    let mut s = Session::start(&["--demo"], 80, 24);
    s.wait_for("Accelerators ─ all 24");
    s.send("M");
    s.wait_for("loaded 1000");
    s.send("/deny\r");
    s.send("e");
    let dialog = s.wait_for("rows shown (filter");
    let shown: usize = dialog
        .split("the ")
        .find_map(|t| t.split_once(" rows shown").map(|(n, _)| n))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{dialog}"));
    assert!(shown > 0 && shown < 1000, "offers the rows shown: {dialog}");
    s.send(&"\x7f".repeat(80));
    s.send(&format!("{}\r", taken.display()));
    let failed = s.wait_for("the file exists");
    assert!(
        failed.contains("Export mappings"),
        "the dialog closed: {failed}"
    );
    // What is typed next edits the path, not the browser's filter.
    s.send("\x7f\x7f\x7f\x7f2.csv\r");
    s.wait_for(&format!("wrote {shown} mappings"));
    let written = std::fs::read_to_string(dir.path().join("out2.csv")).unwrap();
    assert_eq!(
        written.lines().count(),
        shown + 1,
        "a header and the rows shown"
    );
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "already here\n");
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn whois_names_the_instance_behind_an_accelerator_address() {
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let mut s = Session::start_with_env(
        env!("CARGO_BIN_EXE_portolan"),
        &["--demo"],
        &[("XDG_CACHE_HOME", cache_dir)],
        80,
        24,
    );
    s.wait_for("Accelerators ─ all 24");
    s.send("w");
    s.wait_for("Who is behind it?");
    s.send("75.2.16.21:54442");
    s.send("\r");
    // The answer comes first, then what EC2 says of its subnet.
    let screen = s.wait_for("voip-core-01-001");
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(&format!("{name:<14} ")))
            .unwrap_or_else(|| panic!("no {name} line: {screen}"))
            .to_string()
    };
    assert!(line("destination").contains("10.0.64.4:5060"), "{screen}");
    assert!(
        line("instance").contains("voip-core-01-001 (i-0dc642d822421facb) running"),
        "{screen}"
    );
    assert!(line("interface").contains("primary address"), "{screen}");
    assert!(
        screen.contains("security groups and NACLs are not read"),
        "{screen}"
    );
    assert!(
        screen.contains("Enter opens it in the mapping browser"),
        "{screen}"
    );
    s.send("\x1b");
    s.send("q");
    assert!(s.exit_status().success());
}
