//! Names from the API that try to drive the terminal: escape sequences, OSC 52, BEL, C1
//! controls, bidi overrides, zero-width and wide characters. Loaded into the emulator as written,
//! they must reach the screen as visible text only, with tables still aligned — in the
//! interactive view (checked on the raw bytes written to a pseudo-terminal) and in the
//! headless table output.

mod common;

use std::process::Command;

use common::emulator::Emulator;
use common::pty::Session;

const TOPOLOGY: &str = r#"
account_id = "123456789012"

[[subnets]]
id = "subnet-0a00000000000001a"
region = "us-east-1"
cidr = "10.0.1.0/28"

[[accelerators]]
name = "osc52\u001b]52;c;ZXZpbA==\u0007grab"
tags = { "team\u001b[31mRED" = "c1\u009b2Jclear", "bidi\u202edrow" = "zero\u200bwidth" }

[[accelerators.listeners]]
port_ranges = [{ from = 10000, to = 10999 }]

[[accelerators.listeners.endpoint_groups]]
region = "us-east-1"
destinations = [{ from = 7777, to = 7778, protocols = ["UDP"] }]
endpoints = [{ subnet = "subnet-0a00000000000001a", allow_all = true }]

[[accelerators.listeners.endpoint_groups]]
region = "us-west-2\u001b[2J"
destinations = [{ from = 5060, to = 5060, protocols = ["TCP"] }]

[[accelerators]]
name = "宽字符加速器🚀🔥-wide"

[[accelerators]]
name = "plain"
"#;

/// Byte strings no hostile name may put on the terminal.
const FORBIDDEN: &[(&str, &[u8])] = &[
    ("OSC 52", b"\x1b]52"),
    ("SGR from a name", b"\x1b[31mRED"),
    ("BEL", b"\x07"),
    ("C1 CSI", "\u{9b}".as_bytes()),
    ("bidi override", "\u{202e}".as_bytes()),
    ("zero-width space", "\u{200b}".as_bytes()),
];

/// The emulator serving the hostile topology, and the folder its file is in.
fn emulator() -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.toml");
    std::fs::write(&path, TOPOLOGY).unwrap();
    (Emulator::start(&path), dir)
}

fn assert_clean(bytes: &[u8], context: &str) {
    for (what, needle) in FORBIDDEN {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == *needle),
            "{what} reached the terminal ({context})"
        );
    }
}

#[test]
fn hostile_names_are_shown_not_obeyed_in_the_terminal() {
    let (emulator, _dir) = emulator();
    let mut s = Session::start(&["--endpoint-url", &emulator.url], 100, 30);
    let screen = s.wait_for("Accelerators ─ all 3");
    assert!(
        screen.contains("osc52\\x1b]52;c;ZXZpbA==\\x07grab"),
        "{screen}"
    );
    // Wide names take two cells a character and the frame stays closed on every row.
    {
        let parser = s.screen.lock().unwrap();
        let vt = parser.screen();
        for row in 3..8 {
            assert_eq!(
                vt.cell(row, 99).map(|c| c.contents()),
                Some("│"),
                "row {row}"
            );
        }
    }
    // Into the hostile accelerator's tags and its endpoint group's region.
    s.send("i");
    let info = s.wait_for("Tags");
    s.wait_for("team\\x1b[31mRED");
    assert!(info.contains("osc52"), "{info}");
    s.send("\x1b");
    s.send("\r");
    s.wait_for("Listeners of");
    s.send("\r");
    let groups = s.wait_for("us-west-2\\x1b[2J");
    assert!(groups.contains("Endpoint groups"), "{groups}");
    s.send("q");
    assert!(s.exit_status().success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_clean(&s.raw.lock().unwrap(), "interactive view");
}

#[test]
fn the_headless_table_escapes_them_too() {
    let (emulator, _dir) = emulator();
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args([
            "--endpoint-url",
            &emulator.url,
            "accelerators",
            "--output",
            "table",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean(&out.stdout, "headless table");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("osc52\\x1b]52"), "{text}");
    // JSON keeps the name exactly, escaped the JSON way.
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args([
            "--endpoint-url",
            &emulator.url,
            "accelerators",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_clean(&out.stdout, "headless json");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = doc["Accelerators"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["Name"].as_str())
        .collect();
    assert!(
        names.contains(&"osc52\u{1b}]52;c;ZXZpbA==\u{7}grab"),
        "{names:?}"
    );
}
