//! `portolan snapshot --out DIR` of a running emulator, then a second emulator on the
//! snapshot: every listing of the two is identical, ports, ARNs and traffic states included.

use std::process::Command;

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};
use portolan::model::{Page, TrafficChange, TrafficScope};

const SMALL: &str = include_str!("fixtures/small.toml");

async fn all<T, F, Fut>(mut next: F) -> Vec<T>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, portolan::api::ApiError>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let page = next(token).await.unwrap();
        items.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return items,
        }
    }
}

/// Every listing of the account, as text, in order.
async fn everything(api: &SdkClient) -> Vec<String> {
    let mut out = Vec::new();
    let accelerators = all(|t| api.list_accelerators(100, t)).await;
    for acc in &accelerators {
        out.push(format!("{acc:?}"));
        out.push(format!(
            "{:?}",
            api.describe_accelerator_attributes(&acc.arn).await.unwrap()
        ));
        out.push(format!("{:?}", api.list_tags(&acc.arn).await.unwrap()));
        for page_size in [20_000, 7] {
            let mappings = all(|t| api.list_port_mappings(&acc.arn, None, page_size, t)).await;
            out.extend(mappings.iter().map(|m| format!("{m:?}")));
        }
        for l in all(|t| api.list_listeners(&acc.arn, 100, t)).await {
            out.push(format!("{l:?}"));
            for g in all(|t| api.list_endpoint_groups(&l.arn, 100, t)).await {
                out.push(format!("{g:?}"));
                out.push(format!(
                    "{:?}",
                    api.describe_endpoint_group(&g.arn).await.unwrap()
                ));
            }
        }
    }
    for (subnet, prefix) in [
        ("subnet-0a00000000000001a", "10.0.1."),
        ("subnet-0a00000000000002a", "10.0.2."),
        ("subnet-0b00000000000001b", "10.1.1."),
    ] {
        for last in 4..15 {
            let ip = format!("{prefix}{last}");
            let rows = all(|t| api.list_port_mappings_by_destination(subnet, &ip, 100, t)).await;
            out.extend(rows.iter().map(|m| format!("{m:?}")));
        }
    }
    out
}

async fn serve(topology: &Topology) -> (LocalEmulator, SdkClient) {
    let emulator = Emulator::from_topology(topology, EmulatorOptions::default()).unwrap();
    let server = LocalEmulator::start(emulator).await.unwrap();
    let api = SdkClient::connect(ClientOptions::local(&server.url))
        .await
        .unwrap();
    (server, api)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_serves_every_listing_of_the_account_it_was_taken_from() {
    let (original, api) = serve(&Topology::parse(SMALL, "small").unwrap()).await;
    // Traffic states a snapshot has to rebuild from the mappings alone.
    let accelerators = all(|t| api.list_accelerators(100, t)).await;
    let listener = &all(|t| api.list_listeners(&accelerators[0].arn, 100, t)).await[0];
    let group = &all(|t| api.list_endpoint_groups(&listener.arn, 100, t)).await[0];
    for (subnet, addresses, ports, allow) in [
        (
            "subnet-0a00000000000002a",
            vec!["10.0.2.5"],
            vec![7777],
            true,
        ),
        ("subnet-0a00000000000002a", vec!["10.0.2.9"], vec![], true),
        (
            "subnet-0a00000000000001a",
            vec!["10.0.1.6"],
            vec![8000],
            false,
        ),
    ] {
        let change = TrafficChange {
            endpoint_group_arn: group.arn.clone(),
            endpoint_id: subnet.into(),
            scope: TrafficScope::Destinations {
                addresses: addresses.into_iter().map(String::from).collect(),
                ports,
            },
        };
        if allow {
            api.allow_traffic(change).await.unwrap();
        } else {
            api.deny_traffic(change).await.unwrap();
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let status = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["--endpoint-url", &original.url, "snapshot", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(out.join("topology.toml")).unwrap();
    assert!(text.contains("first mapped address is"), "the CIDR note");
    assert!(
        text.contains("invisible to Global Accelerator"),
        "the note on spare subnets"
    );
    // EC2 names the spare subnets of the regions in use, and every subnet's VPC and zone.
    let spare = Topology::parse(&text, "snap").unwrap();
    let f1 = spare
        .subnets
        .iter()
        .find(|s| s.id == "subnet-0a0000000000000f1")
        .expect("a spare subnet, from EC2");
    assert_eq!(
        (f1.region.as_str(), f1.cidr.as_str()),
        ("us-east-1", "10.0.15.0/28")
    );
    assert!(
        spare
            .subnets
            .iter()
            .all(|s| s.vpc_id.is_some() && s.availability_zone.is_some())
    );
    let game = spare
        .subnets
        .iter()
        .find(|s| s.cidr == "10.0.1.0/28")
        .unwrap();
    assert_eq!(game.name.as_deref(), Some("game-us-1"));
    // Without EC2 the spare subnets cannot be seen.
    let bare = dir.path().join("bare");
    let status = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args([
            "--endpoint-url",
            &original.url,
            "--no-ec2",
            "snapshot",
            "--out",
        ])
        .arg(&bare)
        .status()
        .unwrap();
    assert!(status.success());
    let bare_text = std::fs::read_to_string(bare.join("topology.toml")).unwrap();
    assert!(!bare_text.contains("subnet-0a0000000000000f1"));

    let (_copy, copy_api) = serve(&Topology::load(&out.join("topology.toml")).unwrap()).await;
    let (before, after) = (everything(&api).await, everything(&copy_api).await);
    assert!(before.len() > 400, "the comparison covers the mappings");
    assert_eq!(after, before);

    // A mappings file that leaves out one mapping of a subnet is refused, saying which.
    let csv = std::fs::read_to_string(out.join("mappings.csv")).unwrap();
    let cut: Vec<&str> = csv.lines().take(csv.lines().count() - 1).collect();
    std::fs::write(out.join("mappings.csv"), cut.join("\n") + "\n").unwrap();
    let Err(e) = Emulator::from_topology(
        &Topology::load(&out.join("topology.toml")).unwrap(),
        EmulatorOptions::default(),
    ) else {
        panic!("a short mappings file must be refused");
    };
    assert!(e.to_string().contains("give all or none"), "{e}");
}

/// A snapshot seeding `--state`: the explicit ports live on in a mappings file beside the state,
/// rewritten (under a new name) only when a subnet leaves.
#[tokio::test(flavor = "multi_thread")]
async fn explicit_ports_survive_state_restarts_and_removals() {
    let (original, _api) = serve(&Topology::parse(SMALL, "small").unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let status = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["--endpoint-url", &original.url, "snapshot", "--out"])
        .arg(&snap)
        .status()
        .unwrap();
    assert!(status.success());
    let seed = || Topology::load(&snap.join("topology.toml"));
    let state = dir.path().join("state.toml");
    let listing = |e: &Emulator| {
        let accs = e.handle("ListCustomRoutingAccelerators", b"{}").unwrap();
        let arn = accs["Accelerators"][0]["AcceleratorArn"].clone();
        let body = serde_json::json!({"AcceleratorArn": arn, "MaxResults": 20000});
        e.handle("ListCustomRoutingPortMappings", body.to_string().as_bytes())
            .unwrap()
    };
    let first = Emulator::with_state(&state, seed, EmulatorOptions::default()).unwrap();
    let served = listing(&first);
    assert!(dir.path().join("state.toml.mappings-1.csv").exists());
    let group = served["PortMappings"][0]["EndpointGroupArn"].clone();
    let subnet = served["PortMappings"][0]["EndpointId"].clone();
    drop(first);

    let second = Emulator::with_state(&state, seed, EmulatorOptions::default()).unwrap();
    assert_eq!(listing(&second), served, "the same ports after a restart");
    let remove = serde_json::json!({"EndpointGroupArn": group, "EndpointIds": [subnet]});
    second
        .handle(
            "RemoveCustomRoutingEndpoints",
            remove.to_string().as_bytes(),
        )
        .unwrap();
    let left = listing(&second);
    drop(second);
    assert!(dir.path().join("state.toml.mappings-2.csv").exists());
    assert!(!dir.path().join("state.toml.mappings-1.csv").exists());
    let third = Emulator::with_state(&state, seed, EmulatorOptions::default()).unwrap();
    assert_eq!(listing(&third), left);
    let kept: Vec<_> = served["PortMappings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["EndpointId"] != subnet)
        .cloned()
        .collect();
    assert_eq!(left["PortMappings"].as_array().unwrap(), &kept);
}
