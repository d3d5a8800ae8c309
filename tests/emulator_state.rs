//! `portolan emulator --state FILE`, killed with SIGKILL in the middle of a burst of changes:
//! after a restart on the same file every acknowledged change is there, and no ARN, port or
//! traffic state has moved.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};
use portolan::model::{NewAccelerator, PortMapping, Tag, TrafficChange, TrafficScope};

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");

/// The emulator process, killed (SIGKILL) when dropped, even when an assertion fails.
struct Running(Child);

impl Running {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

fn start(state: &Path, topology: Option<&str>) -> (Running, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portolan"));
    command.arg("emulator").arg("--state").arg(state);
    if let Some(t) = topology {
        command.args(["--topology", t]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    (Running(child), first.trim().to_string())
}

async fn client(url: &str) -> SdkClient {
    let mut options = ClientOptions::local(url);
    // One attempt: a call the dying emulator never answered must count as not acknowledged.
    options.max_attempts = 1;
    SdkClient::connect(options).await.unwrap()
}

async fn every_mapping(api: &SdkClient) -> Vec<(String, PortMapping)> {
    let mut out = Vec::new();
    for acc in api.list_accelerators(100, None).await.unwrap().items {
        let mut token = None;
        loop {
            let page = api
                .list_port_mappings(&acc.arn, None, 20_000, token)
                .await
                .unwrap();
            out.extend(page.items.into_iter().map(|m| (acc.arn.clone(), m)));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    out
}

#[derive(Default)]
struct Acknowledged {
    created: Vec<(String, String)>,
    tagged: Vec<(String, String)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_change_survives_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("account.toml");
    let (mut child, url) = start(&state, Some(SMALL));
    let api = Arc::new(client(&url).await);

    // Traffic changes and the ports they touch, before the burst.
    let accelerators = api.list_accelerators(100, None).await.unwrap().items;
    let game = &accelerators[0];
    let listener = &api
        .list_listeners(&game.arn, 100, None)
        .await
        .unwrap()
        .items[0];
    let group = &api
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items[0];
    api.allow_traffic(TrafficChange {
        endpoint_group_arn: group.arn.clone(),
        endpoint_id: "subnet-0a00000000000002a".into(),
        scope: TrafficScope::Destinations {
            addresses: vec!["10.0.2.7".into()],
            ports: vec![7778],
        },
    })
    .await
    .unwrap();
    api.deny_traffic(TrafficChange {
        endpoint_group_arn: group.arn.clone(),
        endpoint_id: "subnet-0a00000000000001a".into(),
        scope: TrafficScope::Destinations {
            addresses: vec!["10.0.1.9".into()],
            ports: vec![],
        },
    })
    .await
    .unwrap();
    let mappings_before = every_mapping(&api).await;
    let accelerators = api.list_accelerators(100, None).await.unwrap().items;

    // The burst: four writers, each creating accelerators and tagging them until the
    // emulator dies under them.
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let mut writers = Vec::new();
    for w in 0..4 {
        let (api, acked) = (Arc::clone(&api), Arc::clone(&acked));
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("burst-{w}-{i}");
                let created = api
                    .create_accelerator(NewAccelerator {
                        name: name.clone(),
                        ip_address_type: None,
                        ip_addresses: vec![],
                        enabled: Some(false),
                        idempotency_token: name.clone(),
                        tags: vec![],
                    })
                    .await;
                let Ok(acc) = created else { return };
                acked.lock().unwrap().created.push((acc.arn.clone(), name));
                let tag = Tag {
                    key: "writer".into(),
                    value: format!("{w}-{i}"),
                };
                if api.tag_resource(&acc.arn, vec![tag.clone()]).await.is_err() {
                    return;
                }
                acked.lock().unwrap().tagged.push((acc.arn, tag.value));
            }
        }));
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if acked.lock().unwrap().created.len() >= 40 {
            break;
        }
    }
    child.kill(); // SIGKILL: no chance to flush or tidy up
    for w in writers {
        w.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.created.len() >= 40);
    eprintln!(
        "SIGKILL after {} creations and {} tags were acknowledged",
        acked.created.len(),
        acked.tagged.len()
    );

    let (child, url) = start(&state, None);
    let api = client(&url).await;
    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let page = api.list_accelerators(100, token).await.unwrap();
        listed.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    for (arn, name) in &acked.created {
        assert!(
            listed.iter().any(|a| a.arn == *arn && a.name == *name),
            "acknowledged {name} ({arn}) is gone after the restart"
        );
    }
    for (arn, value) in &acked.tagged {
        let tags = api.list_tags(arn).await.unwrap();
        assert!(
            tags.iter().any(|t| t.key == "writer" && t.value == *value),
            "acknowledged tag {value} on {arn} is gone"
        );
    }
    let mappings_after: Vec<_> = every_mapping(&api)
        .await
        .into_iter()
        .filter(|(arn, _)| accelerators.iter().any(|a| a.arn == *arn))
        .collect();
    assert_eq!(
        mappings_after, mappings_before,
        "ports or traffic states moved"
    );
    for before in &accelerators {
        let after = listed.iter().find(|a| a.arn == before.arn).unwrap();
        assert_eq!(after, before, "an accelerator changed across the restart");
    }
    drop(child);
}

#[test]
fn an_existing_state_file_wins_over_the_topology() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("account.toml");
    std::fs::write(
        &state,
        "account_id = \"210987654321\"\n[[subnets]]\nid = \"subnet-0c00000000000001a\"\nregion = \"us-east-1\"\ncidr = \"10.9.0.0/28\"\n",
    )
    .unwrap();
    let (child, url) = start(&state, Some(SMALL));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listed = runtime.block_on(async {
        client(&url)
            .await
            .list_accelerators(100, None)
            .await
            .unwrap()
            .items
    });
    assert!(
        listed.is_empty(),
        "the state file's empty account, not small.toml"
    );
    drop(child);
}
