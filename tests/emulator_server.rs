//! The emulator as a shared server: hostile requests get proper errors and never take it
//! down, and 32 clients racing on the same listener leave a consistent store.

use std::collections::BTreeSet;
use std::sync::Arc;

use portolan::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::model::{
    DestinationConfig, NewEndpointGroup, PortRange, ProtocolSet, TrafficChange, TrafficScope,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SMALL: &str = include_str!("fixtures/small.toml");

async fn server() -> LocalEmulator {
    let topology = Topology::parse(SMALL, "small").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    LocalEmulator::start(emulator).await.unwrap()
}

/// Sends raw bytes and returns the status line and body.
async fn raw(url: &str, request: Vec<u8>) -> (String, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn request(target: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\nX-Amz-Target: {target}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

const JSON: &str = "application/x-amz-json-1.1";

#[tokio::test]
async fn hostile_requests_get_errors_and_the_server_stays_up() {
    let server = server().await;
    let list = "GlobalAccelerator_V20180706.ListCustomRoutingAccelerators";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "malformed JSON",
            request(list, JSON, b"{not json"),
            "Serialization",
        ),
        (
            "unknown target",
            request("GlobalAccelerator_V20180706.LaunchMissiles", JSON, b"{}"),
            "UnknownOperation",
        ),
        ("no target", request("", JSON, b"{}"), "UnknownOperation"),
        (
            "missing required field",
            request(
                "GlobalAccelerator_V20180706.ListCustomRoutingListeners",
                JSON,
                b"{}",
            ),
            "Exception",
        ),
        (
            "wrong field type",
            request(list, JSON, br#"{"MaxResults": "many"}"#),
            "Exception",
        ),
        (
            "oversized body",
            request(list, JSON, &vec![b' '; 3 << 20]),
            "too large",
        ),
        (
            "binary junk",
            request(list, JSON, &[0xff, 0xfe, 0x00, 0x9b]),
            "Serialization",
        ),
        (
            "GET",
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            "UnknownOperation",
        ),
        ("not HTTP", b"\x16\x03\x01 hello\r\n\r\n".to_vec(), ""),
        (
            "HTTP/1.1 garbage headers",
            b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n".to_vec(),
            "",
        ),
    ];
    for (what, bytes, expected) in cases {
        let (status, body) = raw(&server.url, bytes).await;
        if !expected.is_empty() {
            assert!(
                status.contains(" 4") || status.contains(" 5"),
                "{what}: {status}"
            );
            assert!(body.contains(expected), "{what}: {status} {body}");
        }
        // Whatever came before, a normal request is still answered.
        let (status, body) = raw(&server.url, request(list, JSON, b"{}")).await;
        assert!(status.contains("200"), "after {what}: {status}");
        assert!(body.contains("Accelerators"), "after {what}: {body}");
    }
    // A wrong content type with a valid body is still understood or refused cleanly.
    let (status, _) = raw(&server.url, request(list, "text/plain", b"{}")).await;
    assert!(status.starts_with("HTTP/1.1"), "{status}");
}

#[tokio::test]
async fn thirty_two_racing_clients_leave_a_consistent_store() {
    let server = server().await;
    let mut clients = Vec::new();
    for _ in 0..32 {
        clients.push(Arc::new(
            SdkClient::connect(ClientOptions::local(&server.url))
                .await
                .unwrap(),
        ));
    }
    let first = &clients[0];
    let acc = first.list_accelerators(100, None).await.unwrap().items;
    let acc = acc.iter().find(|a| a.name == "game-us").unwrap().clone();
    let listener = first
        .list_listeners(&acc.arn, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let group = first
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|g| g.region == "us-east-1")
        .unwrap();

    // Everyone creates a group in the same new region, with their own token: one wins.
    let mut tasks = Vec::new();
    for (i, c) in clients.iter().enumerate() {
        let (c, listener) = (Arc::clone(c), listener.arn.clone());
        tasks.push(tokio::spawn(async move {
            c.create_endpoint_group(NewEndpointGroup {
                listener_arn: listener,
                region: "ap-northeast-2".into(),
                destinations: vec![DestinationConfig {
                    ports: PortRange::new(6000, 6001).unwrap(),
                    protocols: ProtocolSet::TCP,
                }],
                idempotency_token: format!("racer-{i}"),
            })
            .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(ApiError::EndpointGroupAlreadyExists(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won, 1);

    // Meanwhile-style churn: traffic flips and a spare subnet added and removed by many.
    let mut tasks = Vec::new();
    for (i, c) in clients.iter().enumerate() {
        let (c, group) = (Arc::clone(c), group.arn.clone());
        tasks.push(tokio::spawn(async move {
            let change = TrafficChange {
                endpoint_group_arn: group.clone(),
                endpoint_id: "subnet-0a00000000000002a".into(),
                scope: TrafficScope::Destinations {
                    addresses: vec!["10.0.2.5".into()],
                    ports: vec![],
                },
            };
            if i % 2 == 0 {
                c.allow_traffic(change).await.unwrap();
            } else {
                c.deny_traffic(change).await.unwrap();
            }
            let spare = vec!["subnet-0a0000000000000f1".to_string()];
            let _ = c.add_endpoints(&group, spare.clone()).await;
            let _ = c.remove_endpoints(&group, spare).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let groups = first
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items;
    let regions: Vec<&str> = groups.iter().map(|g| g.region.as_str()).collect();
    let unique: BTreeSet<&str> = regions.iter().copied().collect();
    assert_eq!(unique.len(), regions.len(), "{regions:?}");
    let mappings = first
        .list_port_mappings(&acc.arn, None, 20_000, None)
        .await
        .unwrap()
        .items;
    let ports: BTreeSet<u16> = mappings.iter().map(|m| m.accelerator_port).collect();
    assert_eq!(ports.len(), mappings.len(), "accelerator ports stay unique");
    let spare_left = mappings
        .iter()
        .filter(|m| m.endpoint_id == "subnet-0a0000000000000f1")
        .count();
    assert!(
        spare_left == 0 || spare_left == 33,
        "the spare subnet is either fully there or gone: {spare_left}"
    );
}
