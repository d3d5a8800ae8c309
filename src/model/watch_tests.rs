use super::*;

const GROUP: &str =
    "arn:aws:globalaccelerator::123456789012:accelerator/a1/listener/l1/endpoint-group/g1";
const SUBNET: &str = "subnet-0a00000000000001a";

fn socket(ip: &str, port: u16) -> SocketAddress {
    SocketAddress {
        ip: ip.into(),
        port,
    }
}

fn row(pin: &str, port: u16, traffic: TrafficState) -> WatchRow {
    WatchRow {
        pin: Pin::parse(pin).unwrap(),
        accelerator_arn: "arn:aws:globalaccelerator::123456789012:accelerator/a1".into(),
        accelerator_name: "game".into(),
        enabled: Some(true),
        status: Some(AcceleratorStatus::Deployed),
        listener_arn: "arn:aws:globalaccelerator::123456789012:accelerator/a1/listener/l1".into(),
        endpoint_group_arn: GROUP.into(),
        region: "us-east-1".into(),
        subnet: SUBNET.into(),
        destination: socket("10.0.1.4", port),
        accelerator_sockets: vec![socket("75.2.1.10", 10_000 + port)],
        traffic: Some(traffic),
        presence: Presence::Mapped,
    }
}

fn refused(input: &str) -> String {
    Pin::parse(input).unwrap_err().0
}

#[test]
fn every_typed_form_parses_and_prints_back_the_same() {
    let forms = [
        "75.2.16.21:54442".to_string(),
        "10.0.3.17".to_string(),
        format!("{GROUP}/{SUBNET}/10.0.1.4:7777"),
    ];
    for typed in &forms {
        let pin = Pin::parse(&format!("  {typed} ")).unwrap();
        assert_eq!(&pin.to_string(), typed);
        assert_eq!(Pin::parse(&pin.to_string()).unwrap(), pin);
    }
    assert_eq!(
        Pin::parse(&forms[0]).unwrap(),
        Pin::AcceleratorSocket(socket("75.2.16.21", 54442))
    );
    assert_eq!(
        Pin::parse(&forms[1]).unwrap(),
        Pin::DestinationAddress(Ipv4Addr::new(10, 0, 3, 17))
    );
    let Pin::DestinationSocket {
        endpoint_group_arn,
        subnet,
        destination,
    } = Pin::parse(&forms[2]).unwrap()
    else {
        panic!("a destination socket")
    };
    assert_eq!(
        (endpoint_group_arn.as_str(), subnet.as_str(), destination),
        (GROUP, SUBNET, socket("10.0.1.4", 7777))
    );
    assert_eq!(
        Pin::parse(&forms[2]).unwrap().label(),
        format!("{SUBNET}/10.0.1.4:7777")
    );
}

#[test]
fn mistakes_are_named_and_quote_the_input() {
    assert!(refused("75.2.16.21:").contains("has no port"));
    assert!(refused("2001:db8::1").contains("IPv6"));
    let m = refused("not-an-address");
    assert!(m.starts_with("\"not-an-address\" is neither"), "{m}");
    assert!(m.contains("ENDPOINT_GROUP_ARN/SUBNET/IP:PORT"), "{m}");
    let m = refused(&format!("{SUBNET}/10.0.1.4:7777"));
    assert!(
        m.contains("expected ENDPOINT_GROUP_ARN/SUBNET/IP:PORT"),
        "{m}"
    );
    let accelerator = "arn:aws:globalaccelerator::123456789012:accelerator/a1";
    let m = refused(&format!("{accelerator}/{SUBNET}/10.0.1.4:7777"));
    assert!(m.contains("is not an endpoint group ARN"), "{m}");
    assert!(refused(&format!("{GROUP}/subnet-zz/10.0.1.4:7777")).contains("subnet id"));
    assert!(refused(&format!("{GROUP}/{SUBNET}/10.0.1.4")).contains("not a destination IP:PORT"));
    assert!(refused(&format!("{GROUP}/{SUBNET}/10.0.1:80")).contains("IPv4"));
    assert!(refused(&format!("{GROUP}/{SUBNET}/10.0.1.4:0")).contains("port must be"));
    assert!(refused(&"9".repeat(5000)).chars().count() < 400);
}

#[test]
fn diff_names_each_changed_field_in_words() {
    let old = row("75.2.1.10:10005", 7777, TrafficState::Allow);
    assert!(diff(&old, &old).is_empty());
    let mut new = old.clone();
    new.traffic = Some(TrafficState::Deny);
    new.status = Some(AcceleratorStatus::InProgress);
    let changes = diff(&old, &new);
    let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, [Field::Status, Field::Traffic]);
    assert_eq!(
        change_words(&changes),
        "status DEPLOYED → IN_PROGRESS; traffic ALLOW → DENY"
    );
    new.enabled = Some(false);
    assert_eq!(new.verdict(), Some(Verdict::Disabled));
    assert!(
        diff(&old, &new)
            .iter()
            .any(|c| c.words() == "accelerator enabled → disabled")
    );
    let gone = old.gone(Gone::EndpointRemoved);
    assert_eq!(gone.verdict_words(), "GONE");
    assert_eq!(
        change_words(&diff(&old, &gone)),
        "mapped → gone (the subnet is no longer an endpoint of any endpoint group); traffic ALLOW → -"
    );
}

fn round(rows: Vec<WatchRow>) -> Round {
    Round {
        rows,
        ..Round::default()
    }
}

#[test]
fn merge_reports_changes_and_keeps_what_a_round_could_not_read() {
    let pin = "10.0.1.4";
    let old = vec![
        row(pin, 7777, TrafficState::Allow),
        row(pin, 7778, TrafficState::Allow),
    ];
    // Same state: nothing to say.
    let (rows, changes) = merge(&old, &round(old.clone()));
    assert_eq!((rows, changes.len()), (old.clone(), 0));

    // One denied, the accelerator not described this round: its state is kept, not "changed".
    let mut fresh = old.clone();
    fresh[1].traffic = Some(TrafficState::Deny);
    fresh[0].enabled = None;
    fresh[0].status = None;
    let (rows, changes) = merge(&old, &round(fresh));
    assert_eq!(rows[0], old[0]);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].line(),
        "10.0.1.4 → 10.0.1.4:7778: traffic ALLOW → DENY"
    );

    // A row the round did not see is gone; seen again, it is back.
    let (rows, changes) = merge(&old, &round(vec![old[0].clone()]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].presence, Presence::Gone(Gone::Unmapped));
    assert_eq!(changes.len(), 1);
    assert!(changes[0].line().contains("mapped → gone"), "{changes:?}");
    let (again, changes) = merge(&rows, &round(old.clone()));
    assert_eq!(again, old);
    assert!(
        changes[0]
            .line()
            .contains("gone (no mapping leads there any more) → mapped")
    );
    // A gone row stays gone without saying so again.
    let (still, changes) = merge(&rows, &round(vec![old[0].clone()]));
    assert_eq!((still, changes.len()), (rows, 0));

    // Unread: the rows behind a failed read stay as they were, and nothing is reported.
    let unread = Round {
        rows: Vec::new(),
        failures: vec![Failure {
            call: FailedCall::ByDestination {
                subnet: SUBNET.into(),
                ip: "10.0.1.4".into(),
            },
            message: "AWS is throttling requests".into(),
        }],
        throttled: true,
    };
    let (rows, changes) = merge(&old, &unread);
    assert_eq!((rows, changes.len()), (old.clone(), 0));
}

#[test]
fn merge_orders_rows_by_pin_then_destination_and_new_rows_are_changes() {
    let a = row("75.2.1.10:10005", 7777, TrafficState::Allow);
    let b = row("10.0.1.4", 7778, TrafficState::Allow);
    let c = row("10.0.1.4", 7777, TrafficState::Deny);
    let (rows, changes) = merge(
        std::slice::from_ref(&a),
        &round(vec![a.clone(), b.clone(), c.clone()]),
    );
    assert_eq!(rows, [a, c, b]);
    let words: Vec<String> = changes.iter().map(RowChange::line).collect();
    assert_eq!(
        words,
        [
            "10.0.1.4 → 10.0.1.4:7777: - → mapped",
            "10.0.1.4 → 10.0.1.4:7778: - → mapped"
        ]
    );
}

#[test]
fn a_gone_row_from_the_round_keeps_what_was_known() {
    let old = row("75.2.1.10:10005", 7777, TrafficState::Allow);
    let mut fresh = old.gone(Gone::AcceleratorDeleted);
    fresh.region.clear();
    fresh.accelerator_name.clear();
    fresh.accelerator_sockets.clear();
    let (rows, changes) = merge(std::slice::from_ref(&old), &round(vec![fresh]));
    assert_eq!(rows[0].region, "us-east-1");
    assert_eq!(rows[0].accelerator_name, "game");
    assert_eq!(rows[0].accelerator_sockets, old.accelerator_sockets);
    let fields: Vec<Field> = changes[0].changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, [Field::Presence, Field::Traffic]);
}

#[test]
fn backoff_doubles_while_throttled_up_to_the_cap_and_resets_after_a_clean_round() {
    let second = Duration::from_secs(1);
    let mut b = Backoff::with_cap(second, Duration::from_secs(5));
    assert_eq!(b.next(), second);
    assert!(!b.backing_off());
    let waits: Vec<u64> = (0..5).map(|_| b.after_round(true).as_secs()).collect();
    assert_eq!(waits, [2, 4, 5, 5, 5]);
    assert!(b.backing_off());
    assert_eq!(b.after_round(false), second);
    assert!(!b.backing_off());
    assert_eq!(b.after_round(true), 2 * second);
    // A cap below the interval never shortens it.
    let mut slow = Backoff::with_cap(Duration::from_secs(60), Duration::from_secs(5));
    assert_eq!(slow.after_round(true), Duration::from_secs(60));
    assert_eq!(Backoff::new(second).interval(), second);
}

#[test]
fn a_destination_socket_is_its_own_target() {
    let t = Target::destination_socket(GROUP, SUBNET, &socket("10.0.1.4", 7777));
    assert_eq!(
        t.pin,
        Pin::parse(&format!("{GROUP}/{SUBNET}/10.0.1.4:7777")).unwrap()
    );
    assert_eq!(t.reads, [(SUBNET.to_string(), "10.0.1.4".to_string())]);
    assert_eq!(
        t.accelerators,
        ["arn:aws:globalaccelerator::123456789012:accelerator/a1"]
    );
    let expected = t.expected.unwrap();
    assert_eq!(
        expected.listener_arn,
        "arn:aws:globalaccelerator::123456789012:accelerator/a1/listener/l1"
    );
    assert_eq!(expected.key().pin, t.pin);
}
