//! `portolan whois` joined with EC2, from the real binary on the demo account: the instance and
//! interface behind an address in every format, `--no-ec2` leaving them out, an ALLOWed
//! address nothing holds, and a missing EC2 permission that names itself without failing.

mod common;

use std::process::{Command, Output};

use common::emulator::Emulator;
use serde_json::Value;

/// Behind 75.2.16.21:54442 in the demo: 10.0.64.4:5060, held by voip-core-01-001.
const VOIP: &str = "75.2.16.21:54442";
/// Behind 75.2.16.4:51406: 10.64.11.79:7000, ALLOWed, an address no interface holds.
const VACANT: &str = "75.2.16.4:51406";
const NOTE: &str =
    "ALLOW is Global Accelerator's setting: security groups and network ACLs are not read";

fn portolan(args: &[&str]) -> Output {
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", cache.path())
        // Credentials for the loopback emulator only; nothing here reaches AWS.
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
        .output()
        .expect("run portolan");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&portolan(args).stdout).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn json_carries_the_instance_and_interface_and_no_ec2_leaves_them_out() {
    let answer = json(&["--demo", "whois", VOIP, "--output", "json"]);
    assert_eq!(answer["DestinationSocketAddress"]["IpAddress"], "10.0.64.4");
    assert_eq!(answer["Instance"]["InstanceId"], "i-0dc642d822421facb");
    assert_eq!(answer["Instance"]["Name"], "voip-core-01-001");
    assert_eq!(answer["Instance"]["State"], "running");
    let eni = &answer["NetworkInterface"];
    assert!(
        eni["NetworkInterfaceId"]
            .as_str()
            .unwrap()
            .starts_with("eni-"),
        "{eni}"
    );
    assert_eq!(eni["Holding"], "primary");
    assert_eq!(answer["StandingExposure"], false);
    assert_eq!(answer["Ec2Problem"], Value::Null);
    assert_eq!(answer["TrafficNote"], NOTE);

    let without = json(&["--demo", "--no-ec2", "whois", VOIP, "--output", "json"]);
    for key in [
        "Instance",
        "NetworkInterface",
        "StandingExposure",
        "Ec2Problem",
    ] {
        assert!(without.get(key).is_none(), "{key}: {without}");
    }
    assert_eq!(
        without["DestinationSocketAddress"],
        answer["DestinationSocketAddress"]
    );
    assert_eq!(without["TrafficNote"], NOTE, "said with or without EC2");
}

#[test]
fn the_table_names_the_instance_and_says_the_allow_note_once_on_stderr() {
    let out = portolan(&["--demo", "whois", VOIP, "--output", "table"]);
    let table = text(&out.stdout);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} line: {table}"))
            .to_string()
    };
    assert!(
        line("instance").ends_with("voip-core-01-001 (i-0dc642d822421facb) running"),
        "{table}"
    );
    assert!(line("interface").contains(", primary address"), "{table}");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches(NOTE).count(), 1, "{stderr}");
    assert!(!table.contains("security groups"), "{table}");

    let csv = text(&portolan(&["--demo", "whois", VOIP, "--output", "csv"]).stdout);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    let row = rows.records().next().unwrap().unwrap();
    let value = |name: &str| &row[names.iter().position(|n| n == name).unwrap()];
    assert_eq!(
        value("instance"),
        "voip-core-01-001 (i-0dc642d822421facb) running"
    );
    assert_eq!(value("traffic note"), NOTE);

    let plain = text(&portolan(&["--demo", "--no-ec2", "whois", VOIP, "-o", "table"]).stdout);
    assert!(!plain.contains("instance"), "{plain}");
}

#[test]
fn an_allowed_address_no_interface_holds_is_a_standing_exposure() {
    let answer = json(&["--demo", "whois", VACANT, "--output", "json"]);
    assert_eq!(answer["DestinationTrafficState"], "ALLOW");
    assert_eq!(answer["Instance"], Value::Null);
    assert_eq!(answer["NetworkInterface"], Value::Null);
    assert_eq!(answer["StandingExposure"], true);
    let table = text(&portolan(&["--demo", "whois", VACANT, "-o", "table"]).stdout);
    assert!(
        table.contains("none: no network interface holds 10.64.11.79")
            && table.contains("standing exposure"),
        "{table}"
    );
}

#[test]
fn a_missing_ec2_permission_answers_with_global_accelerator_and_names_it() {
    let emulator = Emulator::start_with(
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-topology.toml"),
        &["--fault", "DescribeInstances:error=UnauthorizedOperation"],
    );
    let url = emulator.url.as_str();
    let out = portolan(&["--endpoint-url", url, "whois", VOIP, "--output", "json"]);
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["Verdict"], "ALLOW");
    assert_eq!(answer["DestinationSocketAddress"]["IpAddress"], "10.0.64.4");
    assert_eq!(answer["Instance"], Value::Null);
    assert_eq!(
        answer["Ec2Problem"],
        "EC2 permissions missing: ec2:DescribeInstances"
    );
    assert!(
        text(&out.stderr).contains("EC2 permissions missing: ec2:DescribeInstances"),
        "{}",
        text(&out.stderr)
    );
    let table = text(&portolan(&["--endpoint-url", url, "whois", VOIP, "-o", "table"]).stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("instance") && l.ends_with("ec2:DescribeInstances")),
        "{table}"
    );
}

#[test]
fn an_ip_alone_outside_every_subnet_is_said_from_the_cidrs() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(args)
            .env("XDG_CACHE_HOME", tempfile::tempdir().unwrap().path())
            .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
            .output()
            .unwrap()
    };
    let out = run(&["--demo", "whois", "10.9.9.9"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("10.9.9.9 is outside every subnet of the 24 accelerators (10.0.0.0/28,"),
        "{said}"
    );
    let out = run(&["--demo", "--no-ec2", "whois", "10.9.9.9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("never tells a subnet's CIDR; every endpoint was asked"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--demo", "whois", "10.0.64.1"]);
    assert!(
        text(&out.stderr).contains("one of the five addresses AWS keeps"),
        "{}",
        text(&out.stderr)
    );
    let held = json(&["--demo", "whois", "10.0.64.4", "-o", "json"]);
    assert_eq!(held["Holders"][0]["EndpointId"], "subnet-0dcd4c26ba40f1727");
}
