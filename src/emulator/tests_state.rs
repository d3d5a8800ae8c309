//! What `--state` writes brings the account back exactly: ARNs, times, attributes, tags,
//! traffic rules and every port, after changes of every kind.

use std::time::Duration;

use serde_json::{Value, json};

use super::tests::{call, emulator, first};
use super::{Emulator, EmulatorOptions, Topology};

fn all_pages(e: &Emulator, op: &str, body: Value, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut body = body;
    loop {
        let page = call(e, op, body.clone()).unwrap();
        out.extend(page[key].as_array().unwrap().iter().cloned());
        match page["NextToken"].as_str() {
            Some(t) => body["NextToken"] = json!(t),
            None => return out,
        }
    }
}

/// Every listing and description the account answers, in order.
pub(super) fn everything(e: &Emulator) -> Vec<Value> {
    let mut out = Vec::new();
    let accs = all_pages(
        e,
        "ListCustomRoutingAccelerators",
        json!({}),
        "Accelerators",
    );
    out.extend(accs.iter().cloned());
    for acc in &accs {
        let arn = &acc["AcceleratorArn"];
        let by_arn = json!({"AcceleratorArn": arn});
        out.push(
            call(
                e,
                "DescribeCustomRoutingAcceleratorAttributes",
                by_arn.clone(),
            )
            .unwrap(),
        );
        out.push(call(e, "ListTagsForResource", json!({"ResourceArn": arn})).unwrap());
        let mut mappings = by_arn.clone();
        mappings["MaxResults"] = json!(500);
        out.extend(all_pages(
            e,
            "ListCustomRoutingPortMappings",
            mappings,
            "PortMappings",
        ));
        for l in all_pages(e, "ListCustomRoutingListeners", by_arn, "Listeners") {
            let groups = all_pages(
                e,
                "ListCustomRoutingEndpointGroups",
                json!({"ListenerArn": l["ListenerArn"]}),
                "EndpointGroups",
            );
            out.push(l);
            out.extend(groups);
        }
    }
    for subnet in ["subnet-0a00000000000001a", "subnet-0b00000000000001b"] {
        for last in [4, 5, 9, 14] {
            let address = if subnet.contains("0a0") {
                format!("10.0.1.{last}")
            } else {
                format!("10.1.1.{last}")
            };
            out.extend(all_pages(
                e,
                "ListCustomRoutingPortMappingsByDestination",
                json!({"EndpointId": subnet, "DestinationAddress": address}),
                "DestinationPortMappings",
            ));
        }
    }
    out
}

fn reloaded(e: &Emulator) -> Emulator {
    let text = e.to_topology().to_toml("# test\n").unwrap();
    let topology = Topology::parse(&text, "state").unwrap();
    Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap()
}

#[test]
fn a_saved_account_comes_back_exactly_after_changes_of_every_kind() {
    let e = emulator(Duration::ZERO);
    let (acc, listener, group) = first(&e);
    let ok = |op: &str, body: Value| call(&e, op, body).unwrap();
    ok(
        "TagResource",
        json!({"ResourceArn": acc, "Tags": [{"Key": "a", "Value": "1"}]}),
    );
    ok(
        "UntagResource",
        json!({"ResourceArn": acc, "TagKeys": ["env"]}),
    );
    ok(
        "UpdateCustomRoutingAcceleratorAttributes",
        json!({"AcceleratorArn": acc, "FlowLogsEnabled": true,
            "FlowLogsS3Bucket": "logs", "FlowLogsS3Prefix": "p/"}),
    );
    let subnet = "subnet-0a00000000000002a";
    ok(
        "AllowCustomRoutingTraffic",
        json!({"EndpointGroupArn": group, "EndpointId": subnet,
            "DestinationAddresses": ["10.0.2.5"], "DestinationPorts": [7777]}),
    );
    ok(
        "AllowCustomRoutingTraffic",
        json!({"EndpointGroupArn": group, "EndpointId": subnet, "DestinationAddresses": ["10.0.2.9"]}),
    );
    ok(
        "DenyCustomRoutingTraffic",
        json!({"EndpointGroupArn": group, "EndpointId": subnet,
            "DestinationAddresses": ["10.0.2.9"], "DestinationPorts": [8000]}),
    );
    // Free a run of slots in the middle, then fill part of it: placement no longer follows
    // the order of the file.
    ok(
        "RemoveCustomRoutingEndpoints",
        json!({"EndpointGroupArn": group, "EndpointIds": ["subnet-0a00000000000001a"]}),
    );
    ok(
        "AddCustomRoutingEndpoints",
        json!({"EndpointGroupArn": group,
            "EndpointConfigurations": [{"EndpointId": "subnet-0a0000000000000f1"}]}),
    );
    let created = ok(
        "CreateCustomRoutingAccelerator",
        json!({"Name": "late", "IdempotencyToken": "x", "Enabled": false}),
    );
    let late = created["Accelerator"]["AcceleratorArn"].clone();
    let new_listener = ok(
        "CreateCustomRoutingListener",
        json!({"AcceleratorArn": late, "IdempotencyToken": "y",
            "PortRanges": [{"FromPort": 3000, "ToPort": 3100}]}),
    );
    ok(
        "UpdateCustomRoutingListener",
        json!({"ListenerArn": listener, "PortRanges": [{"FromPort": 10000, "ToPort": 11999}]}),
    );
    assert!(new_listener["Listener"]["ListenerArn"].is_string());

    let before = everything(&e);
    let again = reloaded(&e);
    assert_eq!(everything(&again), before);
    // Ids made after the restart never repeat one made before it.
    let next = call(
        &again,
        "CreateCustomRoutingAccelerator",
        json!({"Name": "after", "IdempotencyToken": "z"}),
    )
    .unwrap();
    let before_arns: Vec<_> = before
        .iter()
        .filter_map(|v| v["AcceleratorArn"].as_str())
        .collect();
    assert!(!before_arns.contains(&next["Accelerator"]["AcceleratorArn"].as_str().unwrap()));
}

#[test]
fn the_demo_account_survives_a_save_and_load_with_every_port() {
    let demo = Emulator::from_topology(&Topology::demo(), EmulatorOptions::default()).unwrap();
    let again = reloaded(&demo);
    assert_eq!(again.mapping_count(), demo.mapping_count());
    let accs = all_pages(
        &demo,
        "ListCustomRoutingAccelerators",
        json!({}),
        "Accelerators",
    );
    assert_eq!(
        all_pages(
            &again,
            "ListCustomRoutingAccelerators",
            json!({}),
            "Accelerators"
        ),
        accs
    );
    for acc in accs.iter().step_by(5) {
        let body = json!({"AcceleratorArn": acc["AcceleratorArn"], "MaxResults": 20000});
        let page = |e: &Emulator| call(e, "ListCustomRoutingPortMappings", body.clone()).unwrap();
        assert_eq!(page(&again), page(&demo));
    }
}
