//! Rules that live only in the model's prose, each refused with InvalidArgumentException and a
//! message that names the rule.

use std::time::Duration;

use serde_json::json;

use super::tests::{call, emulator, first};

fn refused(r: Result<serde_json::Value, (String, String)>) -> String {
    let (code, message) = r.expect_err("expected a refusal");
    assert_eq!(code, "InvalidArgumentException", "{message}");
    message
}

#[test]
fn a_custom_routing_accelerator_is_created_ipv4_only() {
    let e = emulator(Duration::ZERO);
    let body = json!({"Name": "dual", "IdempotencyToken": "t-1", "IpAddressType": "DUAL_STACK"});
    let message = refused(call(&e, "CreateCustomRoutingAccelerator", body));
    assert!(message.contains("IPv4 only"), "{message}");
    assert!(message.contains("IpAddressType"), "{message}");
    let listed = call(&e, "ListCustomRoutingAccelerators", json!({})).unwrap();
    assert!(
        listed["Accelerators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["Name"] != "dual"),
        "a refused create creates nothing"
    );
    let ok = json!({"Name": "v4", "IdempotencyToken": "t-2", "IpAddressType": "IPV4"});
    let created = call(&e, "CreateCustomRoutingAccelerator", ok).unwrap();
    assert_eq!(created["Accelerator"]["IpAddressType"], "IPV4");
}

#[test]
fn a_custom_routing_accelerator_cannot_be_updated_to_dual_stack() {
    let e = emulator(Duration::ZERO);
    let (acc, _, _) = first(&e);
    let body = json!({"AcceleratorArn": acc, "IpAddressType": "DUAL_STACK"});
    let message = refused(call(&e, "UpdateCustomRoutingAccelerator", body));
    assert!(message.contains("IPv4 only"), "{message}");
    let now = call(
        &e,
        "DescribeCustomRoutingAccelerator",
        json!({"AcceleratorArn": acc}),
    )
    .unwrap();
    assert_eq!(now["Accelerator"]["IpAddressType"], "IPV4");
    let same = json!({"AcceleratorArn": acc, "IpAddressType": "IPV4", "Name": "renamed"});
    let updated = call(&e, "UpdateCustomRoutingAccelerator", same).unwrap();
    assert_eq!(updated["Accelerator"]["Name"], "renamed");
}

#[test]
fn enabling_flow_logs_needs_bucket_and_prefix_in_the_same_request() {
    let e = emulator(Duration::ZERO);
    let (acc, _, _) = first(&e);
    let op = "UpdateCustomRoutingAcceleratorAttributes";
    let both = json!({"AcceleratorArn": acc, "FlowLogsEnabled": true,
        "FlowLogsS3Bucket": "logs", "FlowLogsS3Prefix": "ga/"});
    call(&e, op, both).unwrap();
    // An earlier call stored both; the model still wants them in this one.
    let without_prefix =
        json!({"AcceleratorArn": acc, "FlowLogsEnabled": true, "FlowLogsS3Bucket": "logs"});
    let message = refused(call(&e, op, without_prefix));
    assert!(message.contains("FlowLogsS3Prefix"), "{message}");
    assert!(message.contains("same request"), "{message}");
    assert!(!message.contains("FlowLogsS3Bucket"), "{message}");
    let without_bucket =
        json!({"AcceleratorArn": acc, "FlowLogsEnabled": true, "FlowLogsS3Prefix": "ga/"});
    let message = refused(call(&e, op, without_bucket));
    assert!(message.contains("FlowLogsS3Bucket"), "{message}");
    let neither = json!({"AcceleratorArn": acc, "FlowLogsEnabled": true});
    let message = refused(call(&e, op, neither));
    assert!(
        message.contains("FlowLogsS3Bucket and FlowLogsS3Prefix"),
        "{message}"
    );
    // Turning flow logs off needs neither, and keeps what was stored.
    let off = call(
        &e,
        op,
        json!({"AcceleratorArn": acc, "FlowLogsEnabled": false}),
    )
    .unwrap();
    assert_eq!(
        off["AcceleratorAttributes"],
        json!({"FlowLogsEnabled": false, "FlowLogsS3Bucket": "logs", "FlowLogsS3Prefix": "ga/"})
    );
}

#[test]
fn the_standard_attribute_calls_answer_for_a_custom_routing_accelerator() {
    let e = emulator(Duration::ZERO);
    let (acc, _, _) = first(&e);
    let set = json!({"AcceleratorArn": acc, "FlowLogsEnabled": true,
        "FlowLogsS3Bucket": "logs", "FlowLogsS3Prefix": "tf/"});
    call(&e, "UpdateAcceleratorAttributes", set).unwrap();
    let read = call(
        &e,
        "DescribeCustomRoutingAcceleratorAttributes",
        json!({"AcceleratorArn": acc}),
    )
    .unwrap();
    assert_eq!(read["AcceleratorAttributes"]["FlowLogsS3Prefix"], "tf/");
    let same = call(
        &e,
        "DescribeAcceleratorAttributes",
        json!({"AcceleratorArn": acc}),
    )
    .unwrap();
    assert_eq!(same, read);
    let half = json!({"AcceleratorArn": acc, "FlowLogsEnabled": true, "FlowLogsS3Bucket": "logs"});
    let message = refused(call(&e, "UpdateAcceleratorAttributes", half));
    assert!(message.contains("FlowLogsS3Prefix"), "{message}");
    let (code, _) = call(
        &e,
        "UpdateAccelerator",
        json!({"AcceleratorArn": acc, "Enabled": false}),
    )
    .unwrap_err();
    assert_eq!(
        code, "UnknownOperationException",
        "standard accelerators are not served"
    );
}
