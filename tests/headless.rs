//! Headless commands through the real client and emulator, on an account with a shared name and
//! a hostile one, checking each output format's exact shape.

use clap::Parser;
use portolan::api::{ClientOptions, SdkClient};
use portolan::cli::{Cli, OutputFormat};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::headless::{HeadlessError, Output, hidden_note, run_to};

const ACCOUNT: &str = r#"
account_id = "123456789012"
[[subnets]]
id = "subnet-0e00000000000001a"
region = "us-east-1"
cidr = "10.7.0.0/28"
[[accelerators]]
name = "twin"
[[accelerators]]
name = "twin"
[[accelerators]]
name = "evil\u001b]52;c;cHduZWQ=\u0007\u001b[2J"
[[accelerators.listeners]]
port_ranges = [{ from = 20000, to = 20099 }]
[[accelerators.listeners.endpoint_groups]]
region = "us-east-1"
destinations = [{ from = 80, to = 81, protocols = ["TCP"] }]
endpoints = [{ subnet = "subnet-0e00000000000001a", allow_all = true }]
"#;

async fn run(
    args: &[&str],
    format: OutputFormat,
    terminal: bool,
) -> (Result<(), HeadlessError>, String) {
    let (r, out, _) = run_at(args, format, terminal.then_some(usize::MAX)).await;
    (r, out)
}

/// Runs as on a terminal `columns` wide (`None`: a pipe); also returns the note for stderr.
async fn run_at(
    args: &[&str],
    format: OutputFormat,
    columns: Option<usize>,
) -> (Result<(), HeadlessError>, String, Option<String>) {
    let topology = Topology::parse(ACCOUNT, "test").unwrap();
    let local = LocalEmulator::start(
        Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap(),
    )
    .await
    .unwrap();
    let api = SdkClient::connect(ClientOptions::local(&local.url))
        .await
        .unwrap();
    let cli = Cli::try_parse_from(std::iter::once("portolan").chain(args.iter().copied())).unwrap();
    let mut buf = Vec::new();
    let (result, note) = {
        let mut out = Output::new(format, &mut buf, columns.is_some()).fitted_to(columns);
        let result = run_to(&cli, &api, None, &mut out).await;
        (result, hidden_note(&out))
    };
    (result, String::from_utf8(buf).unwrap(), note)
}

#[tokio::test]
async fn a_shared_name_is_an_error_listing_every_match() {
    let (r, out) = run(&["listeners", "twin"], OutputFormat::Table, true).await;
    let err = r.unwrap_err().to_string();
    assert!(err.contains("2 accelerators are named \"twin\""), "{err}");
    assert_eq!(
        err.matches("arn:aws:globalaccelerator::123456789012:accelerator/")
            .count(),
        2,
        "{err}"
    );
    assert!(out.is_empty());
}

#[tokio::test]
async fn tables_never_pass_escape_sequences_to_the_terminal() {
    let (r, out) = run(&["accelerators"], OutputFormat::Table, true).await;
    r.unwrap();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("evil\\x1b]52;c;cHduZWQ=\\x07"), "{out}");
    assert!(out.lines().next().unwrap().starts_with("NAME"));
    assert_eq!(out.lines().count(), 4, "a heading and three rows");
}

#[tokio::test]
async fn json_is_the_aws_cli_document_and_ndjson_one_item_a_line() {
    let (r, json) = run(&["mappings", "--all"], OutputFormat::Json, false).await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = doc["PortMappings"].as_array().unwrap();
    assert_eq!(rows.len(), 11 * 2);
    for m in rows {
        for key in [
            "AcceleratorArn",
            "AcceleratorPort",
            "EndpointGroupArn",
            "EndpointId",
            "DestinationSocketAddress",
            "Protocols",
            "DestinationTrafficState",
        ] {
            assert!(m.get(key).is_some(), "{key} in {m}");
        }
        assert_eq!(m["Protocols"], serde_json::json!(["TCP"]));
    }
    assert!(
        json.starts_with("{\n    \"PortMappings\": [\n        {"),
        "AWS CLI indentation"
    );

    let (r, nd) = run(
        &["mappings", "--all", "--page-size", "5"],
        OutputFormat::Ndjson,
        false,
    )
    .await;
    r.unwrap();
    let lines: Vec<serde_json::Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        &lines, rows,
        "pages of 5 stream the same items in the same order"
    );

    let (r, empty) = run(&["listeners", "arn:aws:globalaccelerator::123456789012:accelerator/00000000-0000-4000-8000-000000000000"], OutputFormat::Json, false).await;
    assert!(r.unwrap_err().to_string().contains("not found"));
    assert!(empty.starts_with("{\n    \"Listeners\": ["), "{empty}");
}

#[tokio::test]
async fn csv_has_a_header_then_one_row_per_item() {
    let (r, csv) = run(
        &[
            "mappings",
            "--endpoint",
            "subnet-0e00000000000001a",
            "--ip",
            "10.7.0.4",
        ],
        OutputFormat::Csv,
        false,
    )
    .await;
    r.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "AcceleratorArn,AcceleratorSocketAddresses,EndpointGroupArn,EndpointId,EndpointGroupRegion,DestinationSocketAddress,IpAddressType,DestinationTrafficState"
    );
    assert_eq!(lines.len(), 3, "ports 80 and 81 of 10.7.0.4");
    assert!(lines[1].contains(",10.7.0.4:80,IPV4,ALLOW"), "{}", lines[1]);
    let sockets = lines[1].split(',').nth(1).unwrap();
    assert_eq!(
        sockets.split(' ').count(),
        2,
        "one socket per static IP, space-separated: {sockets}"
    );
}

#[tokio::test]
async fn bad_destination_input_is_refused_before_any_call() {
    let (r, out) = run(
        &[
            "mappings",
            "--endpoint",
            "subnet-0e00000000000001a",
            "--ip",
            "10.7.0",
        ],
        OutputFormat::Csv,
        false,
    )
    .await;
    let e = r.unwrap_err();
    assert!(matches!(e, HeadlessError::Usage(_)));
    assert!(e.to_string().contains("--ip"));
    assert!(out.is_empty());
}

#[tokio::test]
async fn unknown_arns_say_what_to_run_not_which_key_to_press() {
    let listener = "arn:aws:globalaccelerator::123456789012:accelerator/00000000-0000-4000-8000-000000000000/listener/0badf00d";
    let (r, _) = run(&["endpoint-groups", listener], OutputFormat::Table, true).await;
    let err = r.unwrap_err().to_string();
    // The first missing part is named: here the accelerator.
    assert!(err.contains("not found: check the ARN"), "{err}");
    assert!(err.contains("`portolan accelerators`"), "{err}");
    assert!(!err.contains("(r)"), "{err}");

    let (r, json) = run(&["accelerators"], OutputFormat::Json, false).await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let real = doc["Accelerators"][0]["AcceleratorArn"].as_str().unwrap();
    let (r, _) = run(
        &["endpoint-groups", &format!("{real}/listener/0badf00d")],
        OutputFormat::Table,
        true,
    )
    .await;
    let err = r.unwrap_err().to_string();
    assert!(err.starts_with("listener not found"), "{err}");
    assert!(err.contains("`portolan listeners ACCEL`"), "{err}");
    assert!(!err.contains("(r)"), "{err}");

    let accelerator =
        "arn:aws:globalaccelerator::123456789012:accelerator/00000000-0000-4000-8000-000000000000";
    let (r, _) = run(&["listeners", accelerator], OutputFormat::Table, true).await;
    let err = r.unwrap_err().to_string();
    assert!(err.contains("portolan accelerators"), "{err}");
    assert!(!err.contains("(r)"), "{err}");
}

#[test]
fn no_service_error_offers_a_key_on_the_command_line() {
    use portolan::api::ApiError;
    for code in [
        "AcceleratorNotFoundException",
        "EndpointGroupNotFoundException",
        "ListenerNotFoundException",
        "InvalidNextTokenException",
        "EndpointNotFoundException",
        "ThrottlingException",
        "InternalServiceErrorException",
        "ConflictException",
    ] {
        let message = HeadlessError::Api(ApiError::from_code(code, "detail")).to_string();
        assert!(
            !message.contains("(r)") && !message.contains("refresh the list"),
            "{code}: {message}"
        );
    }
}

#[tokio::test]
async fn whois_input_mistakes_quote_the_whole_input_and_show_the_shape() {
    for (input, says) in [
        ("2001:db8::1", "\"2001:db8::1\" is an IPv6 address"),
        ("75.2.16.2:", "\"75.2.16.2:\" has no port"),
        (
            "10.0.3",
            "\"10.0.3\" is neither an accelerator address IP:PORT",
        ),
        ("", "\"\" is neither an accelerator address IP:PORT"),
    ] {
        let (r, out) = run(&["whois", input], OutputFormat::Table, true).await;
        let e = r.unwrap_err();
        assert!(matches!(e, HeadlessError::Usage(_)), "{input}: {e:?}");
        let message = e.to_string();
        assert!(message.contains(says), "{input}: {message}");
        assert!(!message.contains("enter a value"), "{input}: {message}");
        assert!(out.is_empty());
    }
}

const SUBNET: &str = "subnet-0e00000000000001a";

/// Every ARN of the account, whole, from the AWS CLI's document.
async fn arns() -> Vec<String> {
    let (r, json) = run(&["mappings", "--all"], OutputFormat::Json, false).await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut arns: Vec<String> = doc["PortMappings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            [
                m["AcceleratorArn"].as_str().unwrap().to_string(),
                m["EndpointGroupArn"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    let (r, json) = run(&["accelerators"], OutputFormat::Json, false).await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for a in doc["Accelerators"].as_array().unwrap() {
        arns.push(a["AcceleratorArn"].as_str().unwrap().to_string());
    }
    arns.sort();
    arns.dedup();
    arns
}

fn words_with_arns(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| w.contains("arn:") || w.contains(":accelerator/"))
        .collect()
}

#[tokio::test]
async fn a_table_on_a_pipe_cuts_nothing_and_names_the_accelerator() {
    let whole = arns().await;
    for args in [
        &["mappings", "--all"][..],
        &["mappings", "--endpoint", SUBNET, "--ip", "10.7.0.4"],
    ] {
        let (r, out, note) = run_at(args, OutputFormat::Table, None).await;
        r.unwrap();
        assert!(note.is_none(), "nothing hidden on a pipe");
        assert!(!out.contains('…'), "{out}");
        let arn_words = words_with_arns(&out);
        assert!(!arn_words.is_empty(), "{out}");
        for w in arn_words {
            assert!(
                whole.iter().any(|a| a == w),
                "cut or foreign ARN {w:?} in\n{out}"
            );
        }
        // The accelerator's name leads each row, not an ARN.
        for line in out.lines().skip(1) {
            assert!(line.starts_with("evil\\x1b]52;c;cHduZWQ="), "{line}");
        }
    }
}

#[tokio::test]
async fn a_terminal_table_hides_columns_it_cannot_fit_and_never_cuts_an_id() {
    let whole = arns().await;
    for columns in [60, 80, 120, 160] {
        for args in [
            &["mappings", "--all"][..],
            &["mappings", "--endpoint", SUBNET, "--ip", "10.7.0.4"],
            &["accelerators"],
        ] {
            let (r, out, note) = run_at(args, OutputFormat::Table, Some(columns)).await;
            r.unwrap();
            for line in out.lines() {
                assert!(
                    line.chars().count() <= columns,
                    "{args:?} at {columns}: {line:?}"
                );
            }
            for w in words_with_arns(&out) {
                assert!(
                    whole.iter().any(|a| a == w),
                    "{args:?} at {columns}: cut ARN {w:?}"
                );
            }
            let heading = out.lines().next().unwrap();
            if heading.contains("ARN") || columns >= 160 {
                continue;
            }
            let note = note.unwrap_or_else(|| panic!("{args:?} at {columns}: no note\n{out}"));
            assert!(note.contains("-o wide") && note.contains("ARN"), "{note}");
        }
    }
    // Only a name is cut, and it says so.
    let (r, out, _) = run_at(&["mappings", "--all"], OutputFormat::Table, Some(40)).await;
    r.unwrap();
    let first = out.lines().nth(1).unwrap();
    let name = first.split_whitespace().next().unwrap();
    assert!(
        name.starts_with("evil\\x1b]52") && name.ends_with('…'),
        "{out}"
    );
    assert!(
        first.ends_with("10.7.0.4:80") || first.ends_with("10.7.0.4:81"),
        "{first}"
    );
}

#[tokio::test]
async fn wide_shows_names_and_whole_ids_side_by_side() {
    let whole = arns().await;
    let (r, out, note) = run_at(&["mappings", "--all"], OutputFormat::Wide, Some(80)).await;
    r.unwrap();
    assert!(note.is_none(), "wide hides nothing");
    let heading = out.lines().next().unwrap();
    assert!(heading.starts_with("ACCELERATOR   "), "{heading}");
    assert!(heading.contains("ACCELERATOR ARN") && heading.contains("ENDPOINT GROUP ARN"));
    assert!(!out.contains('…'));
    for line in out.lines().skip(1) {
        let arns = words_with_arns(line);
        assert_eq!(arns.len(), 2, "{line}");
        for w in arns {
            assert!(whole.iter().any(|a| a == w), "{w}");
        }
    }
}

#[tokio::test]
async fn the_subnets_holding_an_address_come_in_every_format() {
    let (r, csv) = run(&["whois", "10.7.0.4"], OutputFormat::Csv, false).await;
    r.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "DestinationAddress,AcceleratorName,EndpointGroupArn,EndpointGroupRegion,EndpointId"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].ends_with(&format!(",us-east-1,{SUBNET}")), "{csv}");

    let (r, json) = run(&["whois", "10.7.0.4"], OutputFormat::Json, false).await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    assert_eq!(doc["Holders"][0]["EndpointId"], SUBNET);

    let (r, table, _) = run_at(&["whois", "10.7.0.4"], OutputFormat::Table, None).await;
    r.unwrap();
    assert!(table.starts_with("ADDRESS "), "{table}");
    assert!(table.contains(SUBNET), "{table}");
}

/// Every ARN-like word of `text`, without the punctuation around it.
fn arn_words(text: &str) -> Vec<&str> {
    words_with_arns(text)
        .into_iter()
        .map(|w| w.trim_matches(|c: char| "(),".contains(c)))
        .collect()
}

#[tokio::test]
async fn every_headless_table_in_wide_form_names_and_never_cuts_an_id() {
    let mut whole = arns().await;
    let (r, json) = run(
        &["listeners", "evil\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J"],
        OutputFormat::Json,
        false,
    )
    .await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let listener = doc["Listeners"][0]["ListenerArn"]
        .as_str()
        .unwrap()
        .to_string();
    let accelerator = listener.split("/listener/").next().unwrap().to_string();
    whole.push(listener.clone());
    let (r, json) = run(
        &["mappings", "--endpoint", SUBNET, "--ip", "10.7.0.4"],
        OutputFormat::Json,
        false,
    )
    .await;
    r.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let socket = &doc["DestinationPortMappings"][0]["AcceleratorSocketAddresses"][0];
    let socket = format!(
        "{}:{}",
        socket["IpAddress"].as_str().unwrap(),
        socket["Port"]
    );
    let name = "evil\\x1b]52;c;cHduZWQ=";
    let commands: [&[&str]; 7] = [
        &["accelerators"],
        &["listeners", &accelerator],
        &["endpoint-groups", &listener],
        &["mappings", "--all"],
        &["mappings", "--endpoint", SUBNET, "--ip", "10.7.0.4"],
        &["whois", "10.7.0.4"],
        &["whois", &socket],
    ];
    for args in commands {
        // Wide on a narrow terminal: nothing is fitted, so nothing is cut or hidden.
        let (r, out, note) = run_at(args, OutputFormat::Wide, Some(60)).await;
        r.unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(note.is_none(), "{args:?}: wide hides nothing");
        assert!(!out.contains('…'), "{args:?}: wide cuts nothing\n{out}");
        let ids = arn_words(&out);
        assert!(!ids.is_empty(), "{args:?}: whole ids\n{out}");
        for w in ids {
            assert!(
                whole.iter().any(|a| a == w),
                "{args:?}: cut or foreign ARN {w:?}\n{out}"
            );
        }
        // Names beside the ids: every row that is of the hostile accelerator names it (the
        // accelerators list has the twins too), and its ARN is on the same line.
        let answer = args[0] == "whois" && args[1].contains(':');
        let heading = out.lines().next().unwrap_or_default();
        if !answer && args[0] != "accelerators" {
            assert!(heading.contains("ACCELERATOR "), "{args:?}: {heading}");
            assert!(heading.contains(" ARN"), "{args:?}: {heading}");
        }
        if args == ["whois", "10.7.0.4"] {
            assert!(heading.contains("ACCELERATOR ARN"), "{heading}");
        }
        let rows: Vec<&str> = out
            .lines()
            .filter(|l| l.contains(&accelerator) && (!answer || l.starts_with("accelerator ")))
            .collect();
        assert!(!rows.is_empty(), "{args:?}: the accelerator's ARN\n{out}");
        for line in rows {
            assert!(
                line.contains(name),
                "{args:?}: no name beside the ARN: {line}"
            );
        }
    }
}
