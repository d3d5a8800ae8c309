//! EC2 over HTTP on the Global Accelerator listener: told apart by the absent X-Amz-Target and
//! the form's Action, answered for the signed region, with faults by action name.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};

const FIXTURE: &str = include_str!("../../../tests/fixtures/ec2.toml");

async fn server() -> LocalEmulator {
    let topology = Topology::parse(FIXTURE, "ec2").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    LocalEmulator::start_with_faults(emulator, Arc::new(Faults::new(1)))
        .await
        .unwrap()
}

fn signed(region: &str) -> String {
    format!(
        "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/{region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n"
    )
}

/// Sends one request and returns the status code, the content type and the body.
async fn send(url: &str, head: &str, body: &str) -> (u16, String, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{head}Host: localhost\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    (status, content_type, body.to_string())
}

async fn ec2(url: &str, region: Option<&str>, form: &str) -> (u16, String, String) {
    let auth = region.map(signed).unwrap_or_default();
    let head = format!(
        "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n{auth}"
    );
    send(url, &head, form).await
}

#[tokio::test]
async fn form_requests_are_ec2_and_answer_for_the_signed_region() {
    let s = server().await;
    let form = "Action=DescribeSubnets&Version=2016-11-15";
    let (status, content_type, body) = ec2(&s.url, Some("us-east-1"), form).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/xml"), "{content_type}");
    assert!(body.contains("<subnetId>subnet-0e0000000000000a1</subnetId>"));
    assert!(!body.contains("subnet-0e0000000000000b1"));
    let (_, _, eu) = ec2(&s.url, Some("eu-west-1"), form).await;
    assert!(eu.contains("subnet-0e0000000000000b1") && !eu.contains("subnet-0e0000000000000a1"));
    // A GET with the parameters in the query string is the same call.
    let head = format!("GET /?{form} HTTP/1.1\r\n{}", signed("eu-west-1"));
    let (status, _, got) = send(&s.url, &head, "").await;
    assert_eq!(status, 200);
    assert!(got.contains("subnet-0e0000000000000b1"));
    // Unsigned: no region to answer for.
    let (status, _, body) = ec2(&s.url, None, form).await;
    assert_eq!(status, 401);
    assert!(
        body.contains("<Response><Errors><Error><Code>AuthFailure</Code>"),
        "{body}"
    );
    assert!(body.contains("<RequestID>"));
}

#[tokio::test]
async fn errors_come_in_ec2s_document_with_its_status() {
    let s = server().await;
    let (status, _, body) = ec2(
        &s.url,
        Some("us-east-1"),
        "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-0e00000000000ffff",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("<Code>InvalidSubnetID.NotFound</Code>"),
        "{body}"
    );
    let (status, _, body) = ec2(&s.url, Some("us-east-1"), "Action=TerminateInstances").await;
    assert_eq!(status, 400);
    assert!(body.contains("<Code>InvalidAction</Code>"), "{body}");
}

#[tokio::test]
async fn faults_are_injected_by_action_in_ec2s_terms() {
    let s = server().await;
    let region = Some("us-east-1");
    s.faults.add(
        "DescribeSubnets:error=UnauthorizedOperation"
            .parse()
            .unwrap(),
    );
    s.faults
        .add("DescribeInstances:throttle#1".parse().unwrap());
    let (status, _, body) = ec2(&s.url, region, "Action=DescribeSubnets").await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>UnauthorizedOperation</Code>"),
        "{body}"
    );
    let (status, _, body) = ec2(&s.url, region, "Action=DescribeInstances").await;
    assert_eq!(status, 503);
    assert!(body.contains("<Code>RequestLimitExceeded</Code>"), "{body}");
    let (status, _, _) = ec2(&s.url, region, "Action=DescribeInstances").await;
    assert_eq!(status, 200, "the throttle fired once");
    let (status, _, _) = ec2(&s.url, region, "Action=DescribeNetworkInterfaces").await;
    assert_eq!(status, 200);
    s.faults.add("*:error=AuthFailure".parse().unwrap());
    let (status, _, body) = ec2(&s.url, region, "Action=DescribeNetworkInterfaces").await;
    assert_eq!(status, 401);
    assert!(body.contains("<Code>AuthFailure</Code>"), "{body}");
    let calls = s.emulator.calls();
    assert_eq!(
        calls.get("DescribeInstances"),
        Some(&1),
        "a throttled call never reached the store"
    );
}

#[tokio::test]
async fn global_accelerator_keeps_its_protocol_on_the_same_listener() {
    let s = server().await;
    let head = "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: GlobalAccelerator_V20180706.ListCustomRoutingAccelerators\r\n";
    let (status, content_type, body) = send(&s.url, head, "{}").await;
    assert_eq!(status, 200);
    assert!(content_type.contains("json"));
    assert!(body.contains("game-fleet"));
    // No target and no Action: neither protocol.
    let head = "POST / HTTP/1.1\r\nContent-Type: application/x-amz-json-1.1\r\n";
    let (status, _, body) = send(&s.url, head, "{}").await;
    assert_eq!(status, 400);
    assert!(body.contains("UnknownOperationException"), "{body}");
    // A target wins over a form body.
    let head = format!(
        "POST / HTTP/1.1\r\nX-Amz-Target: GlobalAccelerator_V20180706.ListCustomRoutingAccelerators\r\n{}",
        signed("us-east-1")
    );
    let (status, _, body) = send(&s.url, &head, "Action=DescribeSubnets").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("SerializationException"), "{body}");
}
