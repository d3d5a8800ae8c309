//! `portolan allow|deny|journal|undo` as a user runs them: the real binary against the
//! standalone emulator serving tests/fixtures/small.toml, the journal in a temporary
//! XDG_STATE_HOME. In small.toml subnet-0a00000000000001a is in two groups (game-us in
//! us-east-1, ports 7777-7778 and 8000; voip-eu, ports 9000-9009) and subnet-0a00000000000002a
//! in game-us's alone, every socket denied.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::emulator::Emulator;
use portolan::journal::Journal;
use serde_json::Value;

const SHARED: &str = "subnet-0a00000000000001a";
const ALONE: &str = "subnet-0a00000000000002a";
/// Nothing listens here: a command that makes any call against it fails.
const DEAD: &str = "http://127.0.0.1:1";
const SOME_GROUP: &str =
    "arn:aws:globalaccelerator::123456789012:accelerator/a1/listener/l1/endpoint-group/g1";

fn command(state: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portolan"));
    c.args(args)
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", state)
        // Credentials for the loopback emulator only; nothing here reaches AWS.
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    c
}

fn portolan(state: &Path, args: &[&str]) -> Output {
    command(state, args).output().expect("run portolan")
}

fn portolan_with_stdin(state: &Path, args: &[&str], input: &str) -> Output {
    let mut child = command(state, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn ndjson(out: &Output) -> Vec<Value> {
    ok(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every mapping of the account, read in full.
fn mappings(state: &Path, url: &str) -> BTreeSet<String> {
    ok(&portolan(
        state,
        &["--endpoint-url", url, "mappings", "--all", "-o", "ndjson"],
    ))
    .lines()
    .map(str::to_string)
    .collect()
}

/// The endpoint groups of the named accelerator.
fn groups_of(state: &Path, url: &str, name: &str) -> Vec<String> {
    let accelerators = ndjson(&portolan(state, &["--endpoint-url", url, "accelerators"]));
    let arn = accelerators.iter().find(|a| a["Name"] == name).unwrap()["AcceleratorArn"]
        .as_str()
        .unwrap()
        .to_string();
    let mut out = Vec::new();
    for l in ndjson(&portolan(
        state,
        &["--endpoint-url", url, "listeners", &arn],
    )) {
        let listener = l["ListenerArn"].as_str().unwrap();
        for g in ndjson(&portolan(
            state,
            &["--endpoint-url", url, "endpoint-groups", listener],
        )) {
            if g["EndpointGroupRegion"] == "us-east-1" {
                out.push(g["EndpointGroupArn"].as_str().unwrap().to_string());
            }
        }
    }
    out
}

fn journal_entries(state: &Path) -> Vec<Value> {
    let doc: Value =
        serde_json::from_str(&ok(&portolan(state, &["journal", "-o", "json"]))).unwrap();
    doc["JournalEntries"].as_array().unwrap().clone()
}

fn journal_file(state: &Path) -> std::path::PathBuf {
    state.join("portolan").join("journal.ndjson")
}

#[test]
fn a_dry_run_prints_the_plan_and_makes_no_call() {
    let state = tempfile::tempdir().unwrap();
    // Against an endpoint where nothing listens: any call would fail the command.
    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            DEAD,
            "deny",
            "--group",
            SOME_GROUP,
            "--endpoint",
            SHARED,
            "--ip",
            "10.0.1.4",
            "10.0.1.5",
            "--port",
            "7777",
            "8000",
            "--dry-run",
        ],
    );
    let plan = ok(&out);
    assert!(plan.contains("dry run, no call made"), "{plan}");
    assert!(
        plan.contains("4 sockets, 2 addresses, 1 subnet, 1 call"),
        "{plan}"
    );
    assert!(
        plan.contains(&format!(
            "call 1: DenyCustomRoutingTraffic {SHARED}: 2 addresses × ports 7777 8000: 10.0.1.4 10.0.1.5"
        )),
        "{plan}"
    );
    // As requests, for scripts.
    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            DEAD,
            "-o",
            "ndjson",
            "allow",
            "--group",
            SOME_GROUP,
            "--endpoint",
            SHARED,
            "--ip",
            "10.0.1.4",
            "--dry-run",
        ],
    );
    let requests = ndjson(&out);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["operation"], "AllowCustomRoutingTraffic");
    assert_eq!(requests[0]["destination_addresses"][0], "10.0.1.4");
    assert!(requests[0].get("destination_ports").is_none(), "every port");
    assert!(
        !journal_file(state.path()).exists(),
        "a dry run journals nothing"
    );

    // Against the emulator, the group found by listing: nothing changes.
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let before = mappings(state.path(), &emulator.url);
    let group = &groups_of(state.path(), &emulator.url, "game-us")[0];
    let out = portolan_with_stdin(
        state.path(),
        &[
            "--endpoint-url",
            &emulator.url,
            "allow",
            "--endpoint",
            ALONE,
            "--from-file",
            "-",
            "--dry-run",
        ],
        "10.0.2.4:7777 10.0.2.5:7777 # two at one port\n10.0.2.6\n",
    );
    let plan = ok(&out);
    assert!(plan.contains(&format!("group {group}")), "{plan}");
    assert!(
        plan.contains("2 sockets and every port of 1 address, 3 addresses, 1 subnet, 2 calls"),
        "{plan}"
    );
    assert_eq!(mappings(state.path(), &emulator.url), before);
    assert!(!journal_file(state.path()).exists());
}

#[test]
fn a_deny_is_journaled_and_undo_restores_every_mapping() {
    let state = tempfile::tempdir().unwrap();
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let url = emulator.url.as_str();
    let group = groups_of(state.path(), url, "game-us").remove(0);
    let before = mappings(state.path(), url);

    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            url,
            "deny",
            "--group",
            &group,
            "--endpoint",
            SHARED,
            "--ip",
            "10.0.1.4,10.0.1.5",
            "--port",
            "7777",
            "8000",
        ],
    );
    let said = ok(&out);
    assert!(
        said.contains("deny 4 sockets on subnet-0a00000000000001a"),
        "{said}"
    );
    assert!(said.contains("done (1 call)"), "{said}");
    let after = mappings(state.path(), url);
    let changed: Vec<&String> = after.difference(&before).collect();
    assert_eq!(changed.len(), 4, "{changed:?}");
    for m in &changed {
        let m: Value = serde_json::from_str(m).unwrap();
        assert_eq!(m["DestinationTrafficState"], "DENY");
        assert_eq!(
            m["EndpointGroupArn"],
            group.as_str(),
            "the other group is not touched"
        );
    }

    let entries = journal_entries(state.path());
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(
        (e["Calls"].as_u64(), e["CallsApplied"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(e["Account"], "123456789012");
    assert_eq!(e["Profile"], "default");
    assert!(e["Error"].is_null());
    assert!(e["What"].as_str().unwrap().starts_with("deny 4 sockets"));
    let id = e["Id"].as_str().unwrap().to_string();
    assert!(said.contains(&format!("portolan undo {id}")), "{said}");

    // A unique prefix is enough.
    let out = portolan(
        state.path(),
        &["--endpoint-url", url, "undo", &id[..id.len() - 2]],
    );
    let said = ok(&out);
    assert!(
        said.contains(&format!(
            "undo {id}: restore the prior traffic state of 4 sockets"
        )),
        "{said}"
    );
    assert_eq!(
        mappings(state.path(), url),
        before,
        "undo restores every mapping"
    );
    let entries = journal_entries(state.path());
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["Undoes"], id.as_str());

    // The table lists it by id.
    let table = ok(&portolan(state.path(), &["journal", "-o", "table"]));
    assert!(table.starts_with("ID "), "{table}");
    assert!(table.contains(&id), "{table}");
}

#[test]
fn a_failure_part_way_says_what_was_applied_and_exits_1() {
    let state = tempfile::tempdir().unwrap();
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let url = emulator.url.as_str();
    let before = mappings(state.path(), url);
    // Call 1 denies 10.0.1.6 at every port; call 2 names a port outside the group's ranges.
    let out = portolan_with_stdin(
        state.path(),
        &[
            "--endpoint-url",
            url,
            "deny",
            "--group",
            &groups_of(state.path(), url, "game-us")[0],
            "--endpoint",
            SHARED,
            "--from-file",
            "-",
        ],
        "10.0.1.6\n10.0.1.7:9999\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("1 of 2 calls applied, 0 not made; call 2 failed"),
        "{err}"
    );
    assert!(err.contains("portolan undo "), "{err}");
    let changed = mappings(state.path(), url).difference(&before).count();
    assert_eq!(changed, 3, "10.0.1.6 at its three ports, nothing more");
    let entries = journal_entries(state.path());
    assert_eq!(entries[0]["CallsApplied"], 1);
    assert_eq!(entries[0]["Calls"], 2);
    assert!(entries[0]["Error"].as_str().unwrap().contains("9999"));
    // Undo puts back what was applied.
    ok(&portolan(
        state.path(),
        &[
            "--endpoint-url",
            url,
            "undo",
            entries[0]["Id"].as_str().unwrap(),
        ],
    ));
    assert_eq!(mappings(state.path(), url), before);
}

#[test]
fn read_only_refuses_allow_deny_and_undo_before_any_call() {
    let state = tempfile::tempdir().unwrap();
    let deny = [
        "--endpoint-url",
        DEAD,
        "--read-only",
        "deny",
        "--group",
        SOME_GROUP,
        "--endpoint",
        SHARED,
        "--ip",
        "10.0.1.4",
    ];
    for args in [
        &deny[..],
        &[
            "--endpoint-url",
            DEAD,
            "--read-only",
            "allow",
            "--endpoint",
            SHARED,
            "--ip",
            "10.0.1.4",
        ],
        &[
            "--endpoint-url",
            DEAD,
            "--read-only",
            "undo",
            "20260101T000000Z-abcd",
        ],
    ] {
        let out = portolan(state.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("read-only") && err.contains("no call made"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    // The config file's read_only does the same.
    let config = state.path().join("config.toml");
    std::fs::write(&config, "read_only = true\n").unwrap();
    let out = command(
        state.path(),
        &deny[..2]
            .iter()
            .chain(&deny[3..])
            .copied()
            .collect::<Vec<_>>(),
    )
    .env("PORTOLAN_CONFIG", &config)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("read-only"));
    // Looking is not changing: a dry run is allowed.
    let mut dry: Vec<&str> = deny.to_vec();
    dry.push("--dry-run");
    ok(&portolan(state.path(), &dry));
    assert!(!journal_file(state.path()).exists());
}

#[test]
fn a_bad_line_in_the_file_is_named_and_nothing_is_called() {
    let state = tempfile::tempdir().unwrap();
    let file = state.path().join("drain.txt");
    std::fs::write(
        &file,
        "# drain\n10.0.1.4:7777\n10.0.1.5:7777\n10.0.1.x:7778\n",
    )
    .unwrap();
    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            DEAD,
            "deny",
            "--group",
            SOME_GROUP,
            "--endpoint",
            SHARED,
            "--from-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("line 4") && err.contains("10.0.1.x"), "{err}");
    assert!(!journal_file(state.path()).exists());
}

#[test]
fn the_group_is_found_when_only_one_holds_the_subnet() {
    let state = tempfile::tempdir().unwrap();
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let url = emulator.url.as_str();
    let game = groups_of(state.path(), url, "game-us").remove(0);
    let voip = groups_of(state.path(), url, "voip-eu").remove(0);

    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            url,
            "allow",
            "--endpoint",
            ALONE,
            "--ip",
            "10.0.2.9",
            "--port",
            "8000",
        ],
    );
    ok(&out);
    let entries = journal_entries(state.path());
    assert_eq!(entries.len(), 1);
    let allowed: Vec<String> = mappings(state.path(), url)
        .into_iter()
        .filter(|m| m.contains("\"ALLOW\"") && m.contains(ALONE))
        .collect();
    assert_eq!(allowed.len(), 1, "{allowed:?}");
    assert!(allowed[0].contains(&game) && allowed[0].contains("10.0.2.9"));

    let out = portolan(
        state.path(),
        &[
            "--endpoint-url",
            url,
            "deny",
            "--endpoint",
            SHARED,
            "--ip",
            "10.0.1.4",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("is in 2 endpoint groups"), "{err}");
    assert!(err.contains(&game) && err.contains(&voip), "{err}");
    assert_eq!(
        journal_entries(state.path()).len(),
        1,
        "nothing more was changed"
    );
}

/// Two `portolan deny` processes at once, three times over, each making four calls: the
/// journal holds all six entries, every line whole.
#[test]
fn the_journal_holds_every_change_with_two_processes_writing() {
    let state = tempfile::tempdir().unwrap();
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let url = emulator.url.as_str();
    let group = groups_of(state.path(), url, "game-us").remove(0);
    let lists = [
        (
            SHARED,
            "10.0.1.4\n10.0.1.5:7777\n10.0.1.6:7778\n10.0.1.7:8000\n",
        ),
        (
            ALONE,
            "10.0.2.4\n10.0.2.5:7777\n10.0.2.6:7778\n10.0.2.7:8000\n",
        ),
    ];
    let mut files = Vec::new();
    for (i, (_, list)) in lists.iter().enumerate() {
        let f = state.path().join(format!("list{i}.txt"));
        std::fs::write(&f, list).unwrap();
        files.push(f);
    }
    for _ in 0..3 {
        let children: Vec<_> = lists
            .iter()
            .zip(&files)
            .map(|((subnet, _), file)| {
                command(
                    state.path(),
                    &[
                        "--endpoint-url",
                        url,
                        "deny",
                        "--group",
                        &group,
                        "--endpoint",
                        subnet,
                        "--from-file",
                        file.to_str().unwrap(),
                    ],
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
            })
            .collect();
        for child in children {
            ok(&child.wait_with_output().unwrap());
        }
    }
    let read = Journal::in_dir(state.path().join("portolan"))
        .entries()
        .unwrap();
    assert!(read.unreadable.is_empty(), "{:?}", read.unreadable);
    assert_eq!(read.entries.len(), 6);
    for e in &read.entries {
        assert_eq!(e.requests.len(), 4, "{e:?}");
        assert!(e.outcome.complete(4), "{e:?}");
        // 1 address at 3 ports, then 3 single sockets.
        assert_eq!(e.prior.len(), 6, "{e:?}");
    }
    let ids: BTreeSet<&str> = read.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 6);
    let lines = std::fs::read_to_string(journal_file(state.path())).unwrap();
    assert_eq!(lines.lines().count(), 6);
    assert_eq!(journal_entries(state.path()).len(), 6);
}
