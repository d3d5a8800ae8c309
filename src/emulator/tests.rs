//! Operations through `Emulator::handle` with raw JSON, as a client sends them.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Emulator, EmulatorOptions, Topology};

const SMALL: &str = include_str!("../../tests/fixtures/small.toml");

pub(super) fn emulator(settle: Duration) -> Emulator {
    Emulator::from_topology(
        &Topology::parse(SMALL, "small").unwrap(),
        EmulatorOptions { settle },
    )
    .unwrap()
}

pub(super) fn call(e: &Emulator, op: &str, body: Value) -> Result<Value, (String, String)> {
    e.handle(op, body.to_string().as_bytes())
        .map_err(|err| (err.code.to_string(), err.message))
}

pub(super) fn code(r: Result<Value, (String, String)>) -> String {
    r.expect_err("expected an error").0
}

pub(super) fn first(e: &Emulator) -> (String, String, String) {
    let accs = call(e, "ListCustomRoutingAccelerators", json!({})).unwrap();
    let acc = accs["Accelerators"][0]["AcceleratorArn"]
        .as_str()
        .unwrap()
        .to_string();
    let lis = call(
        e,
        "ListCustomRoutingListeners",
        json!({"AcceleratorArn": acc}),
    )
    .unwrap();
    let lis = lis["Listeners"][0]["ListenerArn"]
        .as_str()
        .unwrap()
        .to_string();
    let groups = call(
        e,
        "ListCustomRoutingEndpointGroups",
        json!({"ListenerArn": lis}),
    )
    .unwrap();
    let group = groups["EndpointGroups"][0]["EndpointGroupArn"]
        .as_str()
        .unwrap()
        .to_string();
    (acc, lis, group)
}

#[test]
fn loads_the_fixture_with_the_counts_it_documents() {
    let e = emulator(Duration::ZERO);
    assert_eq!(e.mapping_count(), 88 + 110);
    let accs = call(
        &e,
        "ListCustomRoutingAccelerators",
        json!({"MaxResults": 100}),
    )
    .unwrap();
    let names: Vec<_> = accs["Accelerators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["game-us", "voip-eu", "idle"]);
    assert_eq!(
        accs["Accelerators"][0]["IpSets"][0]["IpAddresses"],
        json!(["75.2.1.10", "99.83.1.10"])
    );
    assert_eq!(accs["Accelerators"][2]["Enabled"], json!(false));
    // Same ARNs on every load.
    assert_eq!(
        accs,
        call(
            &emulator(Duration::ZERO),
            "ListCustomRoutingAccelerators",
            json!({"MaxResults": 100})
        )
        .unwrap()
    );
}

#[test]
fn unknown_operations_and_malformed_bodies_are_errors_not_panics() {
    let e = emulator(Duration::ZERO);
    assert_eq!(
        e.handle("ListAccelerators", b"{}").unwrap_err().code,
        "UnknownOperationException"
    );
    assert_eq!(
        e.handle("Nope\u{1b}[2J", b"{}").unwrap_err().code,
        "UnknownOperationException"
    );
    assert_eq!(
        e.handle("ListCustomRoutingAccelerators", b"{not json")
            .unwrap_err()
            .code,
        "SerializationException"
    );
    assert_eq!(
        e.handle("ListCustomRoutingAccelerators", b"[1,2]")
            .unwrap_err()
            .code,
        "SerializationException"
    );
    assert!(
        e.handle("ListCustomRoutingAccelerators", b"").is_ok(),
        "an empty body is {{}}"
    );
    assert_eq!(
        e.handle("ListCustomRoutingAccelerators", br#"{"MaxResults": 0}"#)
            .unwrap_err()
            .code,
        "InvalidArgumentException"
    );
}

#[test]
fn traffic_rules_from_the_model_prose() {
    let e = emulator(Duration::ZERO);
    let (_, _, group) = first(&e);
    let subnet = "subnet-0a00000000000002a";
    let base = json!({"EndpointGroupArn": group, "EndpointId": subnet});
    let with = |extra: Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let allow = "AllowCustomRoutingTraffic";
    assert_eq!(
        code(call(
            &e,
            allow,
            with(json!({"AllowAllTrafficToEndpoint": true, "DestinationAddresses": ["10.0.2.4"]}))
        )),
        "InvalidArgumentException"
    );
    assert_eq!(
        code(call(
            &e,
            allow,
            with(json!({"AllowAllTrafficToEndpoint": true, "DestinationPorts": [7777]}))
        )),
        "InvalidArgumentException"
    );
    assert_eq!(
        code(call(&e, allow, with(json!({})))),
        "InvalidArgumentException",
        "addresses required without the flag"
    );
    assert_eq!(
        code(call(
            &e,
            allow,
            with(json!({"DestinationAddresses": ["10.9.9.9"]}))
        )),
        "InvalidArgumentException",
        "outside the subnet"
    );
    assert_eq!(
        code(call(
            &e,
            allow,
            with(json!({"DestinationAddresses": ["10.0.2.0"]}))
        )),
        "InvalidArgumentException",
        "a reserved address"
    );
    assert_eq!(
        code(call(
            &e,
            allow,
            with(json!({"DestinationAddresses": ["10.0.2.4"], "DestinationPorts": [9999]}))
        )),
        "InvalidArgumentException",
        "a port outside the group"
    );
    let unknown = json!({"EndpointGroupArn": group, "EndpointId": "subnet-0123456789abcdef0", "AllowAllTrafficToEndpoint": true});
    assert_eq!(code(call(&e, allow, unknown)), "InvalidArgumentException");
    call(
        &e,
        allow,
        with(json!({"DestinationAddresses": ["10.0.2.4"], "DestinationPorts": [7777]})),
    )
    .unwrap();
    let rows = call(
        &e,
        "ListCustomRoutingPortMappingsByDestination",
        json!({"EndpointId": subnet, "DestinationAddress": "10.0.2.4"}),
    )
    .unwrap();
    let states: Vec<_> = rows["DestinationPortMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["DestinationSocketAddress"]["Port"].as_u64().unwrap(),
                m["DestinationTrafficState"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(states, [(7777, "ALLOW"), (7778, "DENY"), (8000, "DENY")]);
}

#[test]
fn listener_and_group_rules() {
    let e = emulator(Duration::ZERO);
    let (acc, lis, group) = first(&e);
    let create_listener = |ranges: Value, token: &str| {
        call(
            &e,
            "CreateCustomRoutingListener",
            json!({"AcceleratorArn": acc, "PortRanges": ranges, "IdempotencyToken": token}),
        )
    };
    assert_eq!(
        code(create_listener(
            json!([{"FromPort": 10500, "ToPort": 11500}]),
            "a"
        )),
        "InvalidPortRangeException",
        "overlaps the other listener"
    );
    assert_eq!(
        code(create_listener(
            json!([{"FromPort": 30000, "ToPort": 30009}]),
            "b"
        )),
        "InvalidPortRangeException",
        "under 16 ports"
    );
    assert_eq!(
        code(create_listener(
            json!([{"FromPort": 30100, "ToPort": 30000}]),
            "c"
        )),
        "InvalidPortRangeException",
        "reversed"
    );
    create_listener(json!([{"FromPort": 30000, "ToPort": 30015}]), "d").unwrap();
    let dests = |a: u16, b: u16, c: u16, d: u16| json!([{"FromPort": a, "ToPort": b, "Protocols": ["TCP"]}, {"FromPort": c, "ToPort": d, "Protocols": ["UDP"]}]);
    let create_group = |region: &str, d: Value, token: &str| {
        call(
            &e,
            "CreateCustomRoutingEndpointGroup",
            json!({"ListenerArn": lis, "EndpointGroupRegion": region, "DestinationConfigurations": d, "IdempotencyToken": token}),
        )
    };
    assert_eq!(
        code(create_group("sa-east-1", dests(80, 90, 90, 95), "g1")),
        "InvalidPortRangeException"
    );
    assert_eq!(
        code(create_group("us-east-1", dests(80, 90, 91, 95), "g2")),
        "EndpointGroupAlreadyExistsException"
    );
    let made = create_group("sa-east-1", dests(80, 90, 91, 95), "g3").unwrap();
    assert_eq!(
        create_group("sa-east-1", dests(80, 90, 91, 95), "g3").unwrap(),
        made,
        "same token, same answer"
    );
    assert_eq!(
        code(create_group("sa-east-1", dests(80, 90, 91, 96), "g3")),
        "InvalidArgumentException",
        "token reused with other arguments"
    );
    assert_eq!(
        code(call(
            &e,
            "DeleteCustomRoutingListener",
            json!({"ListenerArn": lis})
        )),
        "AssociatedEndpointGroupFoundException"
    );
    assert_eq!(
        code(call(
            &e,
            "DeleteCustomRoutingAccelerator",
            json!({"AcceleratorArn": acc})
        )),
        "AcceleratorNotDisabledException"
    );
    assert_eq!(
        code(call(
            &e,
            "AddCustomRoutingEndpoints",
            json!({"EndpointGroupArn": group, "EndpointConfigurations": [{"EndpointId": "subnet-0b0000000000000f1"}]})
        )),
        "InvalidArgumentException",
        "a subnet of another region"
    );
    assert_eq!(
        code(call(
            &e,
            "AddCustomRoutingEndpoints",
            json!({"EndpointGroupArn": group, "EndpointConfigurations": [{"EndpointId": "subnet-0a00000000000001a"}]})
        )),
        "EndpointAlreadyExistsException"
    );
    assert_eq!(
        code(call(
            &e,
            "RemoveCustomRoutingEndpoints",
            json!({"EndpointGroupArn": group, "EndpointIds": ["subnet-0a0000000000000f1"]})
        )),
        "EndpointNotFoundException"
    );
    assert_eq!(
        code(call(
            &e,
            "CreateCustomRoutingAccelerator",
            json!({"Name": "-bad", "IdempotencyToken": "x"})
        )),
        "InvalidArgumentException"
    );
    assert_eq!(
        code(call(
            &e,
            "UpdateCustomRoutingAcceleratorAttributes",
            json!({"AcceleratorArn": acc, "FlowLogsEnabled": true})
        )),
        "InvalidArgumentException",
        "flow logs need a bucket"
    );
}

#[test]
fn pages_of_any_size_rebuild_the_listing() {
    let e = emulator(Duration::ZERO);
    let (acc, _, _) = first(&e);
    let mut reference = None;
    for size in [1, 7, 100, 20000] {
        let mut rows = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"AcceleratorArn": acc, "MaxResults": size});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = call(&e, "ListCustomRoutingPortMappings", body).unwrap();
            rows.extend(page["PortMappings"].as_array().unwrap().iter().cloned());
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(rows.len(), 88, "page size {size}");
        match &reference {
            None => reference = Some(rows),
            Some(r) => assert_eq!(r, &rows, "page size {size}"),
        }
    }
    let bad = call(
        &e,
        "ListCustomRoutingPortMappings",
        json!({"AcceleratorArn": acc, "NextToken": "abc"}),
    );
    assert_eq!(code(bad), "InvalidNextTokenException");
}

#[test]
fn changes_report_in_progress_until_settled() {
    let e = emulator(Duration::from_secs(60));
    let (acc, _, _) = first(&e);
    let status = |e: &Emulator| {
        call(
            e,
            "DescribeCustomRoutingAccelerator",
            json!({"AcceleratorArn": acc}),
        )
        .unwrap()["Accelerator"]["Status"]
            .clone()
    };
    assert_eq!(status(&e), json!("DEPLOYED"), "a topology starts settled");
    call(
        &e,
        "UpdateCustomRoutingAccelerator",
        json!({"AcceleratorArn": acc, "Name": "renamed"}),
    )
    .unwrap();
    assert_eq!(status(&e), json!("IN_PROGRESS"));
    let quick = emulator(Duration::ZERO);
    call(
        &quick,
        "UpdateCustomRoutingAccelerator",
        json!({"AcceleratorArn": acc, "Name": "renamed"}),
    )
    .unwrap();
    assert_eq!(status(&quick), json!("DEPLOYED"));
}

#[test]
fn by_destination_spans_accelerators_and_is_empty_outside_the_subnet() {
    let e = emulator(Duration::ZERO);
    let rows = call(&e, "ListCustomRoutingPortMappingsByDestination", json!({"EndpointId": "subnet-0a00000000000001a", "DestinationAddress": "10.0.1.4", "MaxResults": 100})).unwrap();
    let rows = rows["DestinationPortMappings"].as_array().unwrap();
    assert_eq!(rows.len(), 3 + 10, "3 ports in game-us, 10 in voip-eu");
    let accs: std::collections::BTreeSet<_> = rows
        .iter()
        .map(|r| r["AcceleratorArn"].as_str().unwrap())
        .collect();
    assert_eq!(accs.len(), 2);
    for addr in ["10.0.1.3", "10.0.1.15", "10.0.9.9"] {
        let r = call(
            &e,
            "ListCustomRoutingPortMappingsByDestination",
            json!({"EndpointId": "subnet-0a00000000000001a", "DestinationAddress": addr}),
        )
        .unwrap();
        assert_eq!(r["DestinationPortMappings"], json!([]), "{addr}");
    }
    let spare = call(
        &e,
        "ListCustomRoutingPortMappingsByDestination",
        json!({"EndpointId": "subnet-0a0000000000000f1", "DestinationAddress": "10.0.15.4"}),
    );
    assert_eq!(
        code(spare),
        "EndpointNotFoundException",
        "a subnet in no group"
    );
}

#[test]
fn topology_errors_name_what_is_wrong() {
    let bad = SMALL.replace("10000, to = 10999", "10000, to = 10050");
    let err = Emulator::from_topology(
        &Topology::parse(&bad, "t").unwrap(),
        EmulatorOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("free ports"), "{err}");
    let bad = SMALL.replace(
        "subnet = \"subnet-0b00000000000001b\"",
        "subnet = \"subnet-0a0000000000000f1\"",
    );
    let err = Emulator::from_topology(
        &Topology::parse(&bad, "t").unwrap(),
        EmulatorOptions::default(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("us-east-1"), "{err}");
    let empty = Topology::parse(include_str!("../../tests/fixtures/empty.toml"), "empty").unwrap();
    let e = Emulator::from_topology(&empty, EmulatorOptions::default()).unwrap();
    assert_eq!(
        call(&e, "ListCustomRoutingAccelerators", json!({})).unwrap()["Accelerators"],
        json!([])
    );
}

#[test]
fn the_demo_account_is_big_and_loads_under_the_same_rules() {
    let e = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
    assert!(e.mapping_count() > 1_000_000, "{}", e.mapping_count());
    let accs = call(
        &e,
        "ListCustomRoutingAccelerators",
        json!({"MaxResults": 100}),
    )
    .unwrap();
    let accs = accs["Accelerators"].as_array().unwrap();
    assert!(accs.len() >= 20);
    assert!(accs.iter().any(|a| a["Enabled"] == json!(false)));
}
