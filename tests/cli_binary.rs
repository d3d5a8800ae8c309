//! The real `portolan` binary, run as a user runs it: headless commands on the demo account and
//! the standalone emulator.

mod common;

use std::process::Command;

use common::emulator::Emulator;

fn portolan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(args)
        .env("NO_COLOR", "1")
        // Credentials for the loopback emulator only; nothing here reaches AWS.
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // No config of the machine's own.
        .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
        .output()
        .expect("run portolan")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn demo_accelerators_as_the_aws_cli_document() {
    let out = portolan(&["--demo", "accelerators", "--output", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accs = doc["Accelerators"].as_array().unwrap();
    assert!(
        accs.len() >= 20,
        "the demo account has at least 20 accelerators"
    );
    for a in accs {
        assert!(
            a["AcceleratorArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:globalaccelerator::")
        );
        assert!(a["Name"].is_string());
        assert!(a["Status"].is_string());
    }
    // Every --demo run starts from the same file: same ARNs each time.
    let again = portolan(&["--demo", "accelerators", "--output", "json"]);
    assert_eq!(stdout(&out), stdout(&again));
}

#[test]
fn mappings_by_name_stream_as_ndjson_and_csv() {
    let out = portolan(&["--demo", "accelerators", "--output", "ndjson"]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let arn = first["AcceleratorArn"].as_str().unwrap().to_string();

    let out = portolan(&[
        "--demo",
        "mappings",
        "--accelerator",
        &arn,
        "--output",
        "ndjson",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let mut ports = std::collections::HashSet::new();
    for line in text.lines() {
        let m: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            ports.insert(m["AcceleratorPort"].as_u64().unwrap()),
            "ports repeat"
        );
        assert!(matches!(
            m["DestinationTrafficState"].as_str(),
            Some("ALLOW" | "DENY")
        ));
    }
    assert!(
        ports.len() > 1000,
        "demo accelerators hold thousands of mappings"
    );

    let csv = portolan(&[
        "--demo",
        "mappings",
        "--accelerator",
        &arn,
        "--output",
        "csv",
    ]);
    let csv = stdout(&csv);
    assert_eq!(
        csv.lines().count(),
        ports.len() + 1,
        "a header, then one row per mapping"
    );
}

#[test]
fn bad_input_is_refused_before_any_call_with_a_clear_message() {
    let out = portolan(&[
        "--demo",
        "mappings",
        "--endpoint",
        "subnet-0a1b2c3d",
        "--ip",
        "10.0.3",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("IPv4"), "{err}");
    assert!(out.stdout.is_empty());

    let out = portolan(&["--demo", "listeners", "no-such-accelerator"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-accelerator"));

    // The interactive view off a terminal says what to do instead of garbling a pipe.
    let out = portolan(&["--demo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("portolan accelerators"));
    assert!(out.stdout.is_empty());
}

#[test]
fn standalone_emulator_prints_its_url_first() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let url = emulator.url.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let out = portolan(&["--endpoint-url", &url, "accelerators", "--output", "json"]);
    drop(emulator);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!doc["Accelerators"].as_array().unwrap().is_empty());
}

#[test]
fn whois_and_the_index_from_the_command_line() {
    let cache = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(args)
            .env("XDG_CACHE_HOME", cache.path())
            .output()
            .expect("run portolan")
    };
    let out = run(&["--demo", "index", "build", "game-us-east"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("game-us-east: 41710 mappings"),
        "{}",
        stdout(&out)
    );
    let status = stdout(&run(&["--demo", "index", "status"]));
    assert!(
        status.contains("game-us-east") && status.contains("41710"),
        "{status}"
    );

    // The first mapping of the accelerator, looked up by its second static IP.
    let listing = stdout(&run(&[
        "--demo",
        "mappings",
        "--accelerator",
        "game-us-east",
        "--output",
        "ndjson",
    ]));
    let first: serde_json::Value = serde_json::from_str(listing.lines().next().unwrap()).unwrap();
    let port = first["AcceleratorPort"].as_u64().unwrap();
    let out = run(&[
        "--demo",
        "whois",
        &format!("99.83.16.2:{port}"),
        "--output",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["AnsweredFrom"], "index");
    assert_eq!(
        answer["DestinationSocketAddress"],
        first["DestinationSocketAddress"]
    );
    assert_eq!(answer["EndpointId"], first["EndpointId"]);

    let out = run(&["--demo", "whois", "203.0.113.9:80"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a static IP"));
    let out = run(&["--demo", "whois", "75.2.16.2:70000"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--demo", "index", "drop", "game-us-east"]);
    assert!(
        stdout(&out).starts_with("game-us-east: dropped (arn:aws:globalaccelerator::"),
        "named, with the whole ARN: {}",
        stdout(&out)
    );
}

#[test]
fn whois_on_a_disabled_accelerator_leads_with_it() {
    let cache = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(args)
            .env("XDG_CACHE_HOME", cache.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run portolan")
    };
    // fps-ranked-staging is disabled in the demo; its mappings allow traffic.
    let out = run(&["--demo", "whois", "75.2.16.23:6655", "-o", "table"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("verdict")
            && first.contains("DISABLED")
            && first.contains("no traffic reaches it"),
        "{text}"
    );
    assert!(!text.contains("✓"), "{text}");
    let out = run(&["--demo", "whois", "75.2.16.23:6655", "-o", "json"]);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["AcceleratorEnabled"], false);
    assert_eq!(answer["Verdict"], "DISABLED");
    assert_eq!(answer["DestinationTrafficState"], "ALLOW");
}

#[test]
fn a_table_on_a_terminal_fits_it_and_says_what_it_hid() {
    let mut s = common::pty::Session::start(&["--demo", "accelerators"], 80, 40);
    // The note is written after the whole table.
    let screen = s.wait_for("-o wide");
    assert!(s.exit_status().success(), "{screen}");
    assert!(
        screen.contains("portolan: hidden to fit 80 columns: DNS NAME, ARN"),
        "{screen}"
    );
    let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    let table: Vec<&str> = raw
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with("portolan:"))
        .collect();
    assert_eq!(table.len(), 25, "a heading and 24 accelerators: {raw}");
    for line in table {
        assert!(line.chars().count() <= 80, "{line:?}");
        assert!(!line.contains("arn:") && !line.contains('…'), "{line:?}");
    }

    // `-o wide` on the same terminal: every column, every ARN whole (the terminal wraps).
    let mut s = common::pty::Session::start(&["--demo", "accelerators", "-o", "wide"], 80, 40);
    assert!(s.exit_status().success());
    let arns = |raw: &str| {
        raw.split_whitespace()
            .filter(|w| w.starts_with("arn:aws:globalaccelerator::111122223333:accelerator/"))
            .filter(|w| {
                w.len() == "arn:aws:globalaccelerator::111122223333:accelerator/".len() + 36
            })
            .count()
    };
    // The reader thread may still be copying the last lines out of the terminal.
    let started = std::time::Instant::now();
    let raw = loop {
        let raw = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
        if arns(&raw) >= 24 || started.elapsed().as_secs() > 20 {
            break raw;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(arns(&raw), 24, "{raw}");
    assert!(!raw.contains("hidden"), "{raw}");
}

#[test]
fn the_interactive_whois_leads_with_a_disabled_accelerator() {
    let mut s = common::pty::Session::start(&["--demo"], 80, 24);
    s.wait_for("Accelerators ─ all 24");
    s.send("w");
    s.wait_for("Who is behind it?");
    s.send("75.2.16.23:6655");
    s.send("\r");
    let screen = s.wait_for("answered from");
    let traffic = screen
        .lines()
        .find(|l| l.contains("traffic"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(traffic.contains("✗ DISABLED"), "{screen}");
    assert!(!screen.contains("✓ ALLOW"), "{screen}");
    let rows: Vec<&str> = screen.lines().collect();
    let at = |needle: &str| rows.iter().position(|l| l.contains(needle)).unwrap();
    assert!(
        at("DISABLED") < at("destination    "),
        "leads the answer: {screen}"
    );
    assert!(
        traffic.contains("no traffic reaches it"),
        "on one line: {screen}"
    );
    s.send("\x1b");
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn completions_and_the_manual_come_from_the_options() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = portolan(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = stdout(&out);
        assert!(script.contains("portolan"), "{shell}");
        assert!(
            script.contains("whois") && script.contains("endpoint-url"),
            "{shell}"
        );
    }
    let man = stdout(&portolan(&["man"]));
    assert!(man.contains(".TH portolan 1"), "{man}");
    assert!(man.contains("demo"), "{man}");
    let out = portolan(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is refused by clap"
    );
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/config/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn the_config_file_is_found_printed_and_checked() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["config", "path"])
        .env_remove("PORTOLAN_CONFIG")
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out).trim(),
        home.path()
            .join("portolan/config.toml")
            .display()
            .to_string()
    );
    let default = stdout(&portolan(&["config", "default"]));
    for key in [
        "profile",
        "page_size",
        "refresh",
        "read_only",
        "theme",
        "mouse",
        "watch_interval",
        "watch_bell",
    ] {
        assert!(default.contains(key), "{key} missing from {default}");
    }

    let good = fixture("valid/full.toml");
    let out = portolan(&["--config", &good, "config", "check"]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).ends_with(": ok\n"), "{}", stdout(&out));

    let bad = fixture("invalid/mixed.toml");
    let out = portolan(&["--config", &bad, "config", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = stdout(&out);
    assert!(
        said.contains("mixed.toml:2: page_size: expected a whole number"),
        "{said}"
    );
    assert!(said.contains("mixed.toml:6: colour: unknown key"), "{said}");

    // A headless command still runs on a bad file, and says what was wrong on stderr.
    let out = portolan(&["--config", &bad, "--demo", "accelerators", "-o", "ndjson"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 24);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config: ") && err.contains("mixed.toml:4: theme:"),
        "{err}"
    );
}
