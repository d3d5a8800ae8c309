//! 32 clients at once against one emulator: 16 writers racing for the same regions, port ranges
//! and subnets, 16 readers checking every answer. The store must stay consistent (no region
//! twice in one listener, no accelerator port owned twice) and every acknowledged change must
//! be visible to every read that starts after the acknowledgement.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use portolan::emulator::{Emulator, EmulatorOptions, Topology};
use serde_json::{Value, json};

const SMALL: &str = include_str!("fixtures/small.toml");
const WRITERS: usize = 16;
const READERS: usize = 16;
const REGIONS: [&str; 4] = ["us-west-2", "ap-southeast-1", "eu-central-1", "sa-east-1"];
const SPARE_US: &str = "subnet-0a0000000000000f1";

fn call(e: &Emulator, op: &str, body: Value) -> Result<Value, String> {
    e.handle(op, body.to_string().as_bytes())
        .map_err(|err| err.code.to_string())
}

fn arn_of(e: &Emulator, name: &str) -> String {
    call(
        e,
        "ListCustomRoutingAccelerators",
        json!({"MaxResults": 100}),
    )
    .unwrap()["Accelerators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .unwrap()["AcceleratorArn"]
        .as_str()
        .unwrap()
        .to_string()
}

fn listeners(e: &Emulator, acc: &str) -> Vec<Value> {
    call(
        e,
        "ListCustomRoutingListeners",
        json!({"AcceleratorArn": acc, "MaxResults": 100}),
    )
    .unwrap()["Listeners"]
        .as_array()
        .unwrap()
        .clone()
}

fn groups(e: &Emulator, listener: &str) -> Vec<Value> {
    call(
        e,
        "ListCustomRoutingEndpointGroups",
        json!({"ListenerArn": listener, "MaxResults": 100}),
    )
    .unwrap()["EndpointGroups"]
        .as_array()
        .unwrap()
        .clone()
}

/// What every reader checks on one snapshot of the account it reads.
fn check_consistent(e: &Emulator, accs: &[String]) {
    for acc in accs {
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        for l in listeners(e, acc) {
            for r in l["PortRanges"].as_array().unwrap() {
                ranges.push((
                    r["FromPort"].as_u64().unwrap(),
                    r["ToPort"].as_u64().unwrap(),
                ));
            }
            let regions: Vec<String> = groups(e, l["ListenerArn"].as_str().unwrap())
                .iter()
                .map(|g| g["EndpointGroupRegion"].as_str().unwrap().to_string())
                .collect();
            let unique: BTreeSet<&String> = regions.iter().collect();
            assert_eq!(unique.len(), regions.len(), "a region twice: {regions:?}");
        }
        ranges.sort_unstable();
        for pair in ranges.windows(2) {
            assert!(pair[0].1 < pair[1].0, "listener ranges overlap: {pair:?}");
        }
        // One page holds the whole (small) listing, so it is one consistent snapshot.
        let page = call(
            e,
            "ListCustomRoutingPortMappings",
            json!({"AcceleratorArn": acc, "MaxResults": 20000}),
        )
        .unwrap();
        assert!(page.get("NextToken").is_none());
        let ports: Vec<u64> = page["PortMappings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["AcceleratorPort"].as_u64().unwrap())
            .collect();
        let unique: BTreeSet<&u64> = ports.iter().collect();
        assert_eq!(unique.len(), ports.len(), "an accelerator port owned twice");
        for p in &ports {
            assert!(
                ranges.iter().any(|(from, to)| from <= p && p <= to),
                "port {p} outside every listener range"
            );
        }
    }
}

#[test]
fn thirty_two_readers_and_writers_leave_the_store_consistent() {
    let e = Emulator::from_topology(
        &Topology::parse(SMALL, "small").unwrap(),
        EmulatorOptions::default(),
    )
    .unwrap();
    let game = arn_of(&e, "game-us");
    let voip = arn_of(&e, "voip-eu");
    let idle = arn_of(&e, "idle");
    let accs = vec![game.clone(), voip.clone(), idle.clone()];
    let game_listener = listeners(&e, &game)[0]["ListenerArn"]
        .as_str()
        .unwrap()
        .to_string();
    let us_groups: Vec<String> = [&game, &voip]
        .iter()
        .map(|acc| {
            let l = listeners(&e, acc)[0]["ListenerArn"]
                .as_str()
                .unwrap()
                .to_string();
            groups(&e, &l)
                .iter()
                .find(|g| g["EndpointGroupRegion"] == "us-east-1")
                .unwrap()["EndpointGroupArn"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();

    // Acknowledged changes, recorded after the answer came back.
    let acked_tags: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let acked_groups: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let acked_ranges: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());
    let writing = AtomicBool::new(true);
    let reads = Mutex::new(0u64);

    std::thread::scope(|s| {
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let (e, game, idle) = (&e, &game, &idle);
            let (game_listener, us_groups) = (&game_listener, &us_groups);
            let (acked_tags, acked_groups, acked_ranges) =
                (&acked_tags, &acked_groups, &acked_ranges);
            writers.push(s.spawn(move || {
                // Every writer tries every region, in its own order: each is created once.
                for i in 0..REGIONS.len() {
                    let region = REGIONS[(w + i) % REGIONS.len()];
                    let answer = call(
                        e,
                        "CreateCustomRoutingEndpointGroup",
                        json!({
                            "ListenerArn": game_listener,
                            "EndpointGroupRegion": region,
                            "DestinationConfigurations": [{"FromPort": 6000, "ToPort": 6001, "Protocols": ["UDP"]}],
                            "IdempotencyToken": format!("w{w}-{region}"),
                        }),
                    );
                    match answer {
                        Ok(v) => acked_groups.lock().unwrap().push((
                            region.to_string(),
                            v["EndpointGroup"]["EndpointGroupArn"]
                                .as_str()
                                .unwrap()
                                .to_string(),
                        )),
                        Err(code) => assert_eq!(code, "EndpointGroupAlreadyExistsException"),
                    }
                }
                // Overlapping listener ranges on one accelerator: neighbours race.
                let from = 40000 + (w as u64 % 8) * 100;
                let answer = call(
                    e,
                    "CreateCustomRoutingListener",
                    json!({
                        "AcceleratorArn": idle,
                        "PortRanges": [{"FromPort": from, "ToPort": from + 149}],
                        "IdempotencyToken": format!("listener-{w}"),
                    }),
                );
                match answer {
                    Ok(_) => acked_ranges.lock().unwrap().push((from, from + 149)),
                    Err(code) => assert_eq!(code, "InvalidPortRangeException"),
                }
                for i in 0..30 {
                    let key = format!("w{w}-{i}");
                    call(
                        e,
                        "TagResource",
                        json!({"ResourceArn": game, "Tags": [{"Key": key, "Value": "x"}]}),
                    )
                    .unwrap();
                    acked_tags.lock().unwrap().push(key);
                    // The spare subnet moves in and out of two groups' port spaces.
                    let group = &us_groups[(w + i) % 2];
                    let _ = call(
                        e,
                        "AddCustomRoutingEndpoints",
                        json!({"EndpointGroupArn": group, "EndpointConfigurations": [{"EndpointId": SPARE_US}]}),
                    );
                    let _ = call(
                        e,
                        "RemoveCustomRoutingEndpoints",
                        json!({"EndpointGroupArn": group, "EndpointIds": [SPARE_US]}),
                    );
                }
            }));
        }
        for _ in 0..READERS {
            let (e, game, accs) = (&e, &game, &accs);
            let (acked_tags, acked_groups, writing, reads) =
                (&acked_tags, &acked_groups, &writing, &reads);
            s.spawn(move || {
                loop {
                    let done = !writing.load(Ordering::SeqCst);
                    let tags_before = acked_tags.lock().unwrap().clone();
                    let groups_before = acked_groups.lock().unwrap().clone();
                    let tags = call(e, "ListTagsForResource", json!({"ResourceArn": game}))
                        .unwrap()["Tags"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t["Key"].as_str().unwrap().to_string())
                        .collect::<BTreeSet<_>>();
                    for key in &tags_before {
                        assert!(tags.contains(key), "acknowledged tag {key} not visible");
                    }
                    for (region, arn) in &groups_before {
                        let g = call(
                            e,
                            "DescribeCustomRoutingEndpointGroup",
                            json!({"EndpointGroupArn": arn}),
                        )
                        .expect("an acknowledged group is visible");
                        assert_eq!(&g["EndpointGroup"]["EndpointGroupRegion"], region);
                    }
                    check_consistent(e, accs);
                    *reads.lock().unwrap() += 1;
                    if done {
                        break;
                    }
                }
            });
        }
        for w in writers {
            w.join().unwrap();
        }
        writing.store(false, Ordering::SeqCst);
    });

    assert!(*reads.lock().unwrap() >= READERS as u64);
    let created: BTreeMap<String, String> =
        acked_groups.into_inner().unwrap().into_iter().collect();
    assert_eq!(
        created.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        REGIONS.into_iter().collect::<BTreeSet<_>>(),
        "each contested region created exactly once"
    );
    let ranges = acked_ranges.into_inner().unwrap();
    assert!(!ranges.is_empty());
    let idle_ranges: usize = listeners(&e, &idle).len();
    assert_eq!(
        idle_ranges,
        ranges.len(),
        "every acknowledged listener exists"
    );
    let tags = call(&e, "ListTagsForResource", json!({"ResourceArn": game})).unwrap();
    assert_eq!(
        tags["Tags"].as_array().unwrap().len(),
        2 + WRITERS * 30,
        "every tag kept"
    );
    check_consistent(&e, &accs);
}
