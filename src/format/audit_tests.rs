use super::*;
use crate::format::{Output, OutputFormat};
use crate::model::TrafficChange;
use crate::model::audit::{AcceleratorRef, Fix};
use crate::model::ec2::InstanceState;

const GROUP: &str =
    "arn:aws:globalaccelerator::123456789012:accelerator/a1/listener/l/endpoint-group/g1";

fn finding(problem: Problem, fix_scope: TrafficScope, allow: bool) -> Finding {
    let change = TrafficChange {
        endpoint_group_arn: GROUP.into(),
        endpoint_id: "subnet-0a00000000000001a".into(),
        scope: fix_scope,
    };
    Finding {
        problem,
        accelerator: AcceleratorRef {
            arn: "arn:aws:globalaccelerator::123456789012:accelerator/a1".into(),
            name: "game-us".into(),
        },
        endpoint_group_arn: GROUP.into(),
        region: "us-east-1".into(),
        subnet: "subnet-0a00000000000001a".into(),
        fix: if allow {
            Fix::Allow(change)
        } else {
            Fix::Deny(change)
        },
    }
}

fn examples() -> Vec<Finding> {
    let instance = InstanceRef {
        id: "i-0123456789abcdef0".into(),
        name: Some("game-us-1-001".into()),
        state: InstanceState::Running,
    };
    vec![
        finding(
            Problem::Exposed {
                address: "10.0.1.14".parse().unwrap(),
                allowed: Ports::new(vec![7777, 7778, 8000]),
                denied: Ports::default(),
            },
            TrafficScope::Destinations {
                addresses: vec!["10.0.1.14".into()],
                ports: Vec::new(),
            },
            false,
        ),
        finding(
            Problem::DenyingSubnet {
                instances: vec![instance.clone()],
                addresses: 3,
            },
            TrafficScope::WholeEndpoint,
            true,
        ),
        finding(
            Problem::DeniedPorts {
                address: "10.0.1.20".parse().unwrap(),
                instance,
                interface_id: "eni-1".into(),
                holding: Holding::Prefix("10.0.1.16/28".parse().unwrap()),
                denied: Ports::new(vec![7777]),
                allowed: Ports::new(vec![7778, 8000]),
            },
            TrafficScope::Destinations {
                addresses: vec!["10.0.1.20".into()],
                ports: vec![7777],
            },
            true,
        ),
    ]
}

fn written(format: OutputFormat) -> String {
    let mut out = Output::new(format, Vec::new(), false);
    out.begin::<Finding>().unwrap();
    out.page(&examples()).unwrap();
    out.finish::<Finding>().unwrap();
    String::from_utf8(out.writer().clone()).unwrap()
}

#[test]
fn csv_has_a_header_and_one_row_per_finding_with_its_fix() {
    let text = written(OutputFormat::Csv);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, Finding::COLUMNS);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let cell = |row: usize, name: &str| {
        let at = Finding::COLUMNS.iter().position(|c| *c == name).unwrap();
        rows[row][at].to_string()
    };
    assert_eq!(cell(0, "Finding"), "exposed");
    assert_eq!(cell(0, "AllowedPorts"), "7777-7778 8000");
    assert_eq!(cell(0, "FixOperation"), "DenyCustomRoutingTraffic");
    assert_eq!(cell(0, "FixAddresses"), "10.0.1.14");
    assert_eq!(cell(1, "LiveInstances"), "1");
    assert_eq!(cell(1, "FixAllTraffic"), "true");
    assert_eq!(cell(2, "InstanceName"), "game-us-1-001");
    assert_eq!(cell(2, "FixPorts"), "7777");
}

#[test]
fn json_names_the_fix_in_the_apis_terms() {
    let values: Vec<Value> = examples().iter().map(Record::to_json).collect();
    assert_eq!(
        values[0]["Fix"],
        json!({
            "Operation": "DenyCustomRoutingTraffic",
            "EndpointGroupArn": GROUP,
            "EndpointId": "subnet-0a00000000000001a",
            "DestinationAddresses": ["10.0.1.14"],
        })
    );
    assert_eq!(values[1]["Fix"]["AllowAllTrafficToEndpoint"], json!(true));
    assert_eq!(values[1]["LiveInstances"][0]["State"], "running");
    assert_eq!(values[2]["Holding"], "prefix 10.0.1.16/28");
    assert_eq!(
        values[2]["DeniedPorts"],
        json!([{"FromPort": 7777, "ToPort": 7777}])
    );
    assert_eq!(values[2]["Instance"]["InstanceId"], "i-0123456789abcdef0");
}

#[test]
fn a_table_cuts_nothing_and_says_what_to_do_last() {
    let mut out = Output::new(OutputFormat::Table, Vec::new(), true).fitted_to(Some(80));
    out.begin::<Finding>().unwrap();
    out.page(&examples()).unwrap();
    out.finish::<Finding>().unwrap();
    let text = String::from_utf8(out.writer().clone()).unwrap();
    assert!(!text.contains('…'), "{text}");
    for whole in [
        "subnet-0a00000000000001a",
        "i-0123456789abcdef0",
        "10.0.1.14",
        "deny it: no network interface holds the address",
        "allow all traffic: 1 live instance gets nothing",
        "allow port 7777 if the instance serves it",
    ] {
        assert!(text.contains(whole), "{whole} in {text}");
    }
    assert!(
        text.lines()
            .next()
            .unwrap()
            .trim_end()
            .ends_with("WHAT TO DO"),
        "{text}"
    );
}

#[test]
fn many_port_runs_are_counted_in_a_table_cell() {
    let ports = Ports::new((0..10).map(|i| 7000 + i * 2).collect());
    assert_eq!(ports_cell(&ports, "denied"), "10 ports denied (10 runs)");
    assert_eq!(
        ports_cell(&Ports::new(vec![1, 2, 3]), "allowed"),
        "1-3 allowed"
    );
}
