//! The ALLOW audit with the real SDK client and portolan's EC2 client against the emulator:
//! exactly what the demo account holds to be found, nothing on a clean account, and a
//! refused EC2 permission named. Then `portolan audit` as a user runs it: exit status 3 with
//! findings, 0 when clean, 1 on an error, 2 without EC2.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use portolan::api::{ClientOptions, SdkClient};
use portolan::audit::{AuditError, Report};
use portolan::ec2::Ec2Client;
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::model::TrafficScope;
use portolan::model::audit::{Fix, Kind, Problem};
use portolan::model::ec2::Holding;

const CLEAN: &str = include_str!("fixtures/audit-clean.toml");

async fn start(topology: &Topology, faults: Arc<Faults>) -> (SdkClient, Ec2Client, LocalEmulator) {
    let emulator = Emulator::from_topology(topology, EmulatorOptions::default()).unwrap();
    let server = LocalEmulator::start_with_faults(emulator, faults)
        .await
        .unwrap();
    let options = ClientOptions::local(&server.url);
    let api = SdkClient::connect(options.clone()).await.unwrap();
    let ec2 = Ec2Client::connect(&options).await.unwrap();
    (api, ec2, server)
}

async fn audit(topology: &Topology) -> Report {
    let (api, ec2, _server) = start(topology, Arc::new(Faults::new(1))).await;
    portolan::audit::run(&api, &ec2).await.unwrap()
}

#[tokio::test]
async fn the_demo_account_holds_exactly_what_the_audit_is_there_to_find() {
    let report = audit(&Topology::demo()).await;
    let of = |kind: Kind| report.findings.iter().filter(move |f| f.kind() == kind);
    let exposed: BTreeSet<String> = of(Kind::Exposed)
        .map(|f| f.address().unwrap().to_string())
        .collect();
    assert_eq!(
        exposed,
        [
            "10.0.38.118",
            "10.0.38.13",
            "10.32.49.247",
            "10.32.49.92",
            "10.64.11.224",
            "10.64.11.79",
            "10.96.28.235",
            "10.96.30.147",
        ]
        .map(String::from)
        .into(),
    );
    assert_eq!(of(Kind::Exposed).count(), 8, "each in one group");
    for f in of(Kind::Exposed) {
        let Fix::Deny(change) = &f.fix else {
            panic!("{f:?}")
        };
        assert_eq!(
            change.scope,
            TrafficScope::Destinations {
                addresses: vec![f.address().unwrap().to_string()],
                ports: Vec::new(),
            }
        );
        assert_eq!(change.endpoint_id, f.subnet);
    }
    let denying: Vec<(&str, &str, usize)> = of(Kind::DenyingSubnet)
        .map(|f| {
            let Problem::DenyingSubnet { instances, .. } = &f.problem else {
                unreachable!()
            };
            (
                f.subnet.as_str(),
                f.accelerator.name.as_str(),
                instances.len(),
            )
        })
        .collect();
    assert_eq!(denying.len(), 2, "{denying:?}");
    assert_eq!(denying[0].0, "subnet-0a1206f1fd32b1402");
    assert_eq!(denying[0].2, 37);
    // The subnet in two accelerators is denying in one of them only.
    assert_eq!(denying[1].0, "subnet-01cb3ab285306c1f7");
    assert_eq!(denying[1].1, "game-us-east");
    assert!(!report.findings.iter().any(|f| f.subnet == denying[1].0
        && f.accelerator.name != "game-us-east"
        && f.kind() == Kind::DenyingSubnet));
    for f in of(Kind::DenyingSubnet) {
        assert_eq!(f.fix.change().scope, TrafficScope::WholeEndpoint);
        assert!(f.fix.allows());
    }
    // Running instances with denied ports: those of the denying subnets, and those listed
    // address by address, 44 in all.
    let mut instances: BTreeSet<String> = BTreeSet::new();
    for f in &report.findings {
        match &f.problem {
            Problem::DenyingSubnet {
                instances: live, ..
            } => {
                instances.extend(live.iter().map(|i| i.id.clone()));
            }
            Problem::DeniedPorts { instance, .. } => {
                assert!(instance.state.is_live());
                assert!(
                    !denying
                        .iter()
                        .any(|d| d.0 == f.subnet && d.1 == f.accelerator.name),
                    "a denying subnet is not listed again address by address"
                );
                instances.insert(instance.id.clone());
            }
            Problem::Exposed { .. } => {}
        }
    }
    assert_eq!(instances.len(), 44);
    // Exposures first, then the denying subnets, then the denied ports.
    let kinds: Vec<Kind> = report.findings.iter().map(|f| f.kind()).collect();
    assert!(kinds.is_sorted(), "{kinds:?}");
    // 10.48.0.126 is held only inside a delegated /28, which no address filter sees: a
    // running instance holds it (every port denied), so it is no exposure.
    let prefixed: Vec<&Problem> = report
        .findings
        .iter()
        .filter(|f| f.address().is_some_and(|a| a.to_string() == "10.48.0.126"))
        .map(|f| &f.problem)
        .collect();
    let [Problem::DeniedPorts { holding, .. }] = prefixed.as_slice() else {
        panic!("{prefixed:#?}")
    };
    assert_eq!(*holding, Holding::Prefix("10.48.0.112/28".parse().unwrap()));
    let c = report.checked;
    assert!(c.accelerators >= 20 && c.groups > c.accelerators, "{c:?}");
    assert!(c.mappings > 1_000_000, "{c:?}");
    assert!(c.instances > 10_000 && c.destinations > 10_000, "{c:?}");
}

#[tokio::test]
async fn a_clean_account_has_no_findings() {
    let report = audit(&Topology::parse(CLEAN, "audit-clean").unwrap()).await;
    assert_eq!(report.findings, Vec::new());
    assert_eq!(
        (
            report.checked.accelerators,
            report.checked.groups,
            report.checked.subnets
        ),
        (2, 2, 3)
    );
    assert!(report.checked.instances > 0 && report.checked.mappings > 0);
}

#[tokio::test]
async fn a_refused_ec2_permission_ends_the_audit_and_is_named() {
    let faults = Arc::new(Faults::new(1));
    faults.add(
        "DescribeNetworkInterfaces:error=UnauthorizedOperation"
            .parse()
            .unwrap(),
    );
    let topology = Topology::parse(CLEAN, "audit-clean").unwrap();
    let (api, ec2, _server) = start(&topology, faults).await;
    let err = portolan::audit::run(&api, &ec2).await.unwrap_err();
    assert!(matches!(err, AuditError::Ec2 { .. }), "{err:?}");
    assert_eq!(
        err.missing_permission(),
        Some("ec2:DescribeNetworkInterfaces")
    );
    assert!(
        err.to_string().contains("ec2:DescribeNetworkInterfaces"),
        "{err}"
    );
}

/// `portolan ARGS` against the emulator at `url`, as a user runs it.
fn portolan(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_portolan"))
        .arg("--endpoint-url")
        .arg(url)
        .args(args)
        .env("NO_COLOR", "1")
        // Credentials for the loopback emulator only; nothing here reaches AWS.
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "example")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
        .output()
        .expect("run portolan")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");
const CLEAN_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-clean.toml"
);

#[test]
fn findings_exit_3_with_a_json_document_of_them() {
    let emulator = common::emulator::Emulator::start(SMALL);
    let out = portolan(&emulator.url, &["audit", "-o", "json"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "",
        "JSON carries the note; stderr stays quiet"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["Findings"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["Finding"].as_str().unwrap(),
                f["AcceleratorName"].as_str().unwrap(),
                f["EndpointId"].as_str().unwrap(),
            )
        })
        .collect();
    // small.toml: 10.0.1.14 is ALLOWed in two accelerators and held by nobody; 10.0.2.0/28
    // denies all traffic while seven instances run in it.
    assert_eq!(
        seen,
        [
            ("exposed", "game-us", "subnet-0a00000000000001a"),
            ("exposed", "voip-eu", "subnet-0a00000000000001a"),
            ("denying-subnet", "game-us", "subnet-0a00000000000002a"),
        ]
    );
    assert_eq!(findings[0]["DestinationAddress"], "10.0.1.14");
    assert_eq!(findings[0]["Fix"]["Operation"], "DenyCustomRoutingTraffic");
    assert_eq!(findings[0]["Fix"]["DestinationAddresses"][0], "10.0.1.14");
    assert_eq!(findings[2]["Fix"]["AllowAllTrafficToEndpoint"], true);
    assert_eq!(findings[2]["LiveInstances"].as_array().unwrap().len(), 7);
    assert!(
        doc["Note"]
            .as_str()
            .unwrap()
            .contains("security groups and network ACLs are not read")
    );
    assert_eq!(doc["Checked"]["Accelerators"], 3);
    assert_eq!(doc["Checked"]["Mappings"], 198);
}

#[test]
fn csv_starts_with_its_header_and_has_a_row_per_finding() {
    let emulator = common::emulator::Emulator::start(SMALL);
    let out = portolan(&emulator.url, &["audit", "-o", "csv"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Finding,AcceleratorName,AcceleratorArn,EndpointGroupArn,EndpointGroupRegion,EndpointId,DestinationAddress,InstanceId,InstanceName,InstanceState,LiveInstances,AllowedPorts,DeniedPorts,Advice,FixOperation,FixAllTraffic,FixAddresses,FixPorts"
    );
    assert_eq!(lines.len(), 4);
    // The note and what was looked at go to stderr, once.
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr
            .matches("security groups and network ACLs are not read")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("2 exposed addresses, 1 denying subnet in 3 accelerators"),
        "{stderr}"
    );
}

#[test]
fn a_clean_account_exits_0() {
    let emulator = common::emulator::Emulator::start(CLEAN_FILE);
    let out = portolan(&emulator.url, &["audit", "-o", "table"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "(no findings)\n");
    assert!(
        text(&out.stderr).contains("nothing found in 2 accelerators"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_refused_ec2_permission_exits_1_and_names_it() {
    let emulator = common::emulator::Emulator::start_with(
        CLEAN_FILE,
        &["--fault", "DescribeInstances:error=UnauthorizedOperation"],
    );
    let out = portolan(&emulator.url, &["audit", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("ec2:DescribeInstances"), "{stderr}");
}

#[test]
fn without_ec2_the_audit_is_refused_before_any_call() {
    // Nothing listens here: a call would fail with exit status 1, not 2.
    let out = portolan("http://127.0.0.1:1", &["--no-ec2", "audit"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the audit needs EC2"),
        "{}",
        text(&out.stderr)
    );
}
