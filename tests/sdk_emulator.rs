//! The real `SdkClient` against the emulator on 127.0.0.1:0: every operation, pagination,
//! mapping invariants, and the errors the UI handles.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use portolan::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};
use portolan::model::{
    AcceleratorAttributes, AcceleratorUpdate, DestinationConfig, NewAccelerator, NewEndpointGroup,
    NewListener, Page, PortMapping, PortRange, ProtocolSet, Tag, TrafficChange, TrafficScope,
    TrafficState,
};

const SMALL: &str = include_str!("fixtures/small.toml");
const FULL_LISTENER: &str = include_str!("fixtures/full-listener.toml");

struct Env {
    api: SdkClient,
    faults: Arc<Faults>,
    topology: Topology,
    _server: LocalEmulator,
}

async fn start(toml: &str) -> Env {
    let topology = Topology::parse(toml, "fixture").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let faults = Arc::new(Faults::new(7));
    let server = LocalEmulator::start_with_faults(emulator, Arc::clone(&faults))
        .await
        .unwrap();
    let mut options = ClientOptions::local(&server.url);
    options.attempt_timeout = std::time::Duration::from_secs(5);
    let api = SdkClient::connect(options).await.unwrap();
    Env {
        api,
        faults,
        topology,
        _server: server,
    }
}

fn fault(env: &Env, spec: &str) {
    env.faults.add(spec.parse().unwrap());
}

async fn all_pages<T, F, Fut>(mut next: F) -> Vec<T>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
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

async fn accelerator_arns(api: &SdkClient) -> Vec<String> {
    let accs = all_pages(|t| api.list_accelerators(100, t)).await;
    accs.into_iter().map(|a| a.arn).collect()
}

async fn mappings(api: &SdkClient, acc: &str, page: i32) -> Vec<PortMapping> {
    all_pages(|t| api.list_port_mappings(acc, None, page, t)).await
}

/// Mappings the fixture implies, counted from the topology file alone: usable addresses
/// (size − 5) × destination ports, per accelerator in file order.
fn expected_mapping_counts(topology: &Topology) -> Vec<u64> {
    let cidrs: HashMap<&str, &str> = topology
        .subnets
        .iter()
        .map(|s| (s.id.as_str(), s.cidr.as_str()))
        .collect();
    topology
        .accelerators
        .iter()
        .map(|acc| {
            let mut total = 0u64;
            for group in acc.listeners.iter().flat_map(|l| &l.endpoint_groups) {
                let ports: u64 = group
                    .destinations
                    .iter()
                    .map(|d| u64::from(d.to - d.from) + 1)
                    .sum();
                for e in &group.endpoints {
                    let prefix: u32 = cidrs[e.subnet.as_str()]
                        .split('/')
                        .nth(1)
                        .unwrap()
                        .parse()
                        .unwrap();
                    total += ((1u64 << (32 - prefix)) - 5) * ports;
                }
            }
            total
        })
        .collect()
}

#[tokio::test]
async fn pagination_to_the_end_at_every_page_size() {
    let env = start(SMALL).await;
    let expected = expected_mapping_counts(&env.topology);
    let arns = accelerator_arns(&env.api).await;
    assert_eq!(arns.len(), env.topology.accelerators.len());
    for (arn, want) in arns.iter().zip(&expected) {
        let mut reference: Option<Vec<(u16, String, String, u16)>> = None;
        for size in [1, 7, 100, 20_000] {
            let rows = mappings(&env.api, arn, size).await;
            assert_eq!(rows.len() as u64, *want, "page size {size}");
            let keys: Vec<_> = rows
                .iter()
                .map(|m| {
                    (
                        m.accelerator_port,
                        m.endpoint_id.clone(),
                        m.destination.ip.clone(),
                        m.destination.port,
                    )
                })
                .collect();
            let unique: BTreeSet<_> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "repeats at page size {size}");
            let mut sorted = keys.clone();
            sorted.sort();
            match &reference {
                None => reference = Some(sorted),
                Some(r) => assert_eq!(r, &sorted, "page size {size} differs"),
            }
        }
    }
}

#[tokio::test]
async fn mapping_invariants_hold_through_add_and_remove() {
    let env = start(SMALL).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let listener = env
        .api
        .list_listeners(&acc, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let group = env
        .api
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let before = mappings(&env.api, &acc, 20_000).await;

    let ports: BTreeSet<u16> = before.iter().map(|m| m.accelerator_port).collect();
    assert_eq!(ports.len(), before.len(), "accelerator ports are unique");
    assert!(before.iter().all(|m| {
        listener
            .port_ranges
            .iter()
            .any(|r| r.contains(m.accelerator_port))
    }));
    let sockets: BTreeSet<_> = before
        .iter()
        .map(|m| (&m.endpoint_id, &m.destination))
        .collect();
    assert_eq!(
        sockets.len(),
        before.len(),
        "destination sockets are unique"
    );

    let spare = env
        .topology
        .subnets
        .iter()
        .find(|s| {
            s.region == group.region
                && !env
                    .topology
                    .accelerators
                    .iter()
                    .flat_map(|a| &a.listeners)
                    .flat_map(|l| &l.endpoint_groups)
                    .flat_map(|g| &g.endpoints)
                    .any(|e| e.subnet == s.id)
        })
        .expect("the fixture has a spare subnet in the group's region")
        .id
        .clone();
    let added = env
        .api
        .add_endpoints(&group.arn, vec![spare.clone()])
        .await
        .unwrap();
    assert_eq!(added, vec![spare.clone()]);

    let after = mappings(&env.api, &acc, 20_000).await;
    let old: Vec<_> = after
        .iter()
        .filter(|m| m.endpoint_id != spare)
        .cloned()
        .collect();
    let mut before_sorted = before.clone();
    before_sorted.sort_by_key(|m| m.accelerator_port);
    let mut old_sorted = old;
    old_sorted.sort_by_key(|m| m.accelerator_port);
    assert_eq!(
        before_sorted, old_sorted,
        "adding a subnet moved no existing mapping"
    );
    let new: Vec<_> = after.iter().filter(|m| m.endpoint_id == spare).collect();
    assert!(!new.is_empty());
    assert!(
        new.iter().all(|m| m.traffic == TrafficState::Deny),
        "new subnets deny all traffic"
    );
    let all_ports: BTreeSet<u16> = after.iter().map(|m| m.accelerator_port).collect();
    assert_eq!(
        all_ports.len(),
        after.len(),
        "ports stay unique after the add"
    );

    env.api
        .remove_endpoints(&group.arn, vec![spare.clone()])
        .await
        .unwrap();
    let removed = mappings(&env.api, &acc, 20_000).await;
    assert_eq!(
        removed.len(),
        before.len(),
        "removing the subnet reclaimed its ports"
    );
    assert!(removed.iter().all(|m| m.endpoint_id != spare));
}

#[tokio::test]
async fn traffic_changes_exactly_what_was_addressed() {
    let env = start(SMALL).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let rows = mappings(&env.api, &acc, 20_000).await;
    let target = rows[0].clone();
    let whole = TrafficChange {
        endpoint_group_arn: target.endpoint_group_arn.clone(),
        endpoint_id: target.endpoint_id.clone(),
        scope: TrafficScope::WholeEndpoint,
    };
    env.api.allow_traffic(whole.clone()).await.unwrap();
    let one = TrafficChange {
        scope: TrafficScope::Destinations {
            addresses: vec![target.destination.ip.clone()],
            ports: vec![target.destination.port],
        },
        ..whole.clone()
    };
    env.api.deny_traffic(one).await.unwrap();
    let after = mappings(&env.api, &acc, 20_000).await;
    for m in after.iter().filter(|m| {
        m.endpoint_id == target.endpoint_id && m.endpoint_group_arn == target.endpoint_group_arn
    }) {
        let want = if m.destination == target.destination {
            TrafficState::Deny
        } else {
            TrafficState::Allow
        };
        assert_eq!(m.traffic, want, "{}", m.destination);
    }
    // Unknown subnet on allow is InvalidArgument (the operation lists no EndpointNotFound).
    let unknown = TrafficChange {
        endpoint_id: "subnet-0000000000000dead".into(),
        ..whole
    };
    assert!(matches!(
        env.api.allow_traffic(unknown).await,
        Err(ApiError::InvalidArgument(_))
    ));
}

#[tokio::test]
async fn by_destination_answers_one_socket_per_static_ip() {
    let env = start(SMALL).await;
    let acc_arn = accelerator_arns(&env.api).await.remove(0);
    let acc = env.api.describe_accelerator(&acc_arn).await.unwrap();
    let rows = mappings(&env.api, &acc_arn, 20_000).await;
    let m = &rows[0];
    let by_dest = all_pages(|t| {
        env.api
            .list_port_mappings_by_destination(&m.endpoint_id, &m.destination.ip, 1, t)
    })
    .await;
    let mine: Vec<_> = by_dest
        .iter()
        .filter(|d| d.accelerator_arn == acc_arn)
        .collect();
    let ports_of_ip = rows
        .iter()
        .filter(|r| r.endpoint_id == m.endpoint_id && r.destination.ip == m.destination.ip)
        .count();
    assert_eq!(mine.len(), ports_of_ip);
    for d in &mine {
        assert_eq!(d.accelerator_sockets.len(), acc.static_ips.len());
        let ips: Vec<_> = d.accelerator_sockets.iter().map(|s| s.ip.clone()).collect();
        assert_eq!(ips, acc.static_ips);
        let port = d.accelerator_sockets[0].port;
        let row = rows.iter().find(|r| r.accelerator_port == port).unwrap();
        assert_eq!(row.destination, d.destination);
        assert_eq!(row.traffic, d.traffic);
    }
    // An address the subnet does not hold is simply empty.
    let outside = env
        .api
        .list_port_mappings_by_destination(&m.endpoint_id, "192.0.2.1", 100, None)
        .await
        .unwrap();
    assert!(outside.items.is_empty() && outside.next_token.is_none());
}

fn new_group(listener: &str, region: &str, token: &str) -> NewEndpointGroup {
    NewEndpointGroup {
        listener_arn: listener.to_string(),
        region: region.to_string(),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7010).unwrap(),
            protocols: ProtocolSet::UDP,
        }],
        idempotency_token: token.to_string(),
    }
}

#[tokio::test]
async fn create_endpoint_group_errors_reach_the_caller_by_kind() {
    let env = start(SMALL).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let listener = env
        .api
        .list_listeners(&acc, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let existing = env
        .api
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let api = &env.api;

    let dup = api
        .create_endpoint_group(new_group(&listener.arn, &existing.region, "t1"))
        .await;
    assert!(
        matches!(dup, Err(ApiError::EndpointGroupAlreadyExists(_))),
        "{dup:?}"
    );

    let missing_listener = format!("{acc}/listener/0000dead");
    let r = api
        .create_endpoint_group(new_group(&missing_listener, "sa-east-1", "t2"))
        .await;
    assert!(matches!(r, Err(ApiError::ListenerNotFound(_))), "{r:?}");

    let account = acc.split(':').nth(4).unwrap();
    let missing_acc = format!(
        "arn:aws:globalaccelerator::{account}:accelerator/00000000-0000-4000-8000-000000000000/listener/0000dead"
    );
    let r = api
        .create_endpoint_group(new_group(&missing_acc, "sa-east-1", "t3"))
        .await;
    assert!(matches!(r, Err(ApiError::AcceleratorNotFound(_))), "{r:?}");

    let mut overlapping = new_group(&listener.arn, "sa-east-1", "t4");
    overlapping.destinations.push(DestinationConfig {
        ports: PortRange::new(7005, 7020).unwrap(),
        protocols: ProtocolSet::TCP,
    });
    let r = api.create_endpoint_group(overlapping).await;
    assert!(matches!(r, Err(ApiError::InvalidPortRange(_))), "{r:?}");

    let r = api
        .create_endpoint_group(new_group(&listener.arn, "sa-east-1", &"x".repeat(256)))
        .await;
    assert!(matches!(r, Err(ApiError::InvalidArgument(_))), "{r:?}");

    for (code, check) in [
        (
            "InternalServiceErrorException",
            (|e: &ApiError| matches!(e, ApiError::InternalServiceError(_)))
                as fn(&ApiError) -> bool,
        ),
        ("LimitExceededException", |e| {
            matches!(e, ApiError::LimitExceeded(_))
        }),
        ("AccessDeniedException", |e| {
            matches!(e, ApiError::AccessDenied(_))
        }),
    ] {
        env.faults.clear();
        fault(
            &env,
            &format!("CreateCustomRoutingEndpointGroup:error={code}"),
        );
        let r = api
            .create_endpoint_group(new_group(&listener.arn, "sa-east-1", code))
            .await;
        assert!(r.as_ref().is_err_and(check), "{code}: {r:?}");
    }
    env.faults.clear();
    let ok = api
        .create_endpoint_group(new_group(&listener.arn, "sa-east-1", "t5"))
        .await
        .unwrap();
    assert_eq!(ok.region, "sa-east-1");
}

#[tokio::test]
async fn by_destination_errors_reach_the_caller_by_kind() {
    let env = start(SMALL).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let m = mappings(&env.api, &acc, 1).await.remove(0);
    let api = &env.api;

    let r = api
        .list_port_mappings_by_destination("subnet-0000000000000dead", "10.0.0.10", 10, None)
        .await;
    assert!(matches!(r, Err(ApiError::EndpointNotFound(_))), "{r:?}");
    let r = api
        .list_port_mappings_by_destination(&m.endpoint_id, "not-an-ip", 10, None)
        .await;
    assert!(matches!(r, Err(ApiError::InvalidArgument(_))), "{r:?}");
    let r = api
        .list_port_mappings_by_destination(
            &m.endpoint_id,
            &m.destination.ip,
            10,
            Some("garbage".into()),
        )
        .await;
    assert!(matches!(r, Err(ApiError::InvalidNextToken(_))), "{r:?}");
    let r = api
        .list_port_mappings_by_destination(&m.endpoint_id, &m.destination.ip, 20_001, None)
        .await;
    assert!(matches!(r, Err(ApiError::InvalidArgument(_))), "{r:?}");
    fault(
        &env,
        "ListCustomRoutingPortMappingsByDestination:error=InternalServiceErrorException",
    );
    let r = api
        .list_port_mappings_by_destination(&m.endpoint_id, &m.destination.ip, 10, None)
        .await;
    assert!(matches!(r, Err(ApiError::InternalServiceError(_))), "{r:?}");
}

#[tokio::test]
async fn a_full_listener_is_a_quota_error_and_is_not_retried() {
    let env = start(FULL_LISTENER).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let listener = env
        .api
        .list_listeners(&acc, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let group = env
        .api
        .list_endpoint_groups(&listener.arn, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    let used: BTreeSet<&str> = env
        .topology
        .accelerators
        .iter()
        .flat_map(|a| &a.listeners)
        .flat_map(|l| &l.endpoint_groups)
        .flat_map(|g| &g.endpoints)
        .map(|e| e.subnet.as_str())
        .collect();
    let spare = env
        .topology
        .subnets
        .iter()
        .find(|s| s.region == group.region && !used.contains(s.id.as_str()))
        .unwrap()
        .id
        .clone();

    let r = env.api.add_endpoints(&group.arn, vec![spare.clone()]).await;
    assert!(matches!(r, Err(ApiError::LimitExceeded(_))), "{r:?}");

    // A quota error that fires only once: a retry would succeed, so an error proves no retry.
    let small = env
        .topology
        .subnets
        .iter()
        .find(|s| s.region == group.region && !used.contains(s.id.as_str()) && s.id != spare);
    if let Some(small) = small {
        fault(
            &env,
            "AddCustomRoutingEndpoints:error=LimitExceededException#1",
        );
        let r = env
            .api
            .add_endpoints(&group.arn, vec![small.id.clone()])
            .await;
        assert!(matches!(r, Err(ApiError::LimitExceeded(_))), "{r:?}");
    }
    // Throttling that fires once is retried and succeeds.
    env.faults.clear();
    fault(&env, "ListCustomRoutingListeners:throttle#1");
    env.api.list_listeners(&acc, 100, None).await.unwrap();
}

#[tokio::test]
async fn idempotent_create_survives_a_lost_answer() {
    let env = start(SMALL).await;
    let acc = accelerator_arns(&env.api).await.remove(0);
    let listener = env
        .api
        .list_listeners(&acc, 100, None)
        .await
        .unwrap()
        .items
        .remove(0);
    fault(&env, "CreateCustomRoutingEndpointGroup:apply-then-drop#1");
    let request = new_group(&listener.arn, "ap-south-1", "retry-me");
    let first = env.api.create_endpoint_group(request.clone()).await;
    env.faults.clear();
    // Whether the SDK retried by itself or the caller retries now, the same token gives one group.
    let second = env.api.create_endpoint_group(request).await.unwrap();
    if let Ok(first) = first {
        assert_eq!(first.arn, second.arn);
    }
    let groups = all_pages(|t| env.api.list_endpoint_groups(&listener.arn, 100, t)).await;
    assert_eq!(
        groups.iter().filter(|g| g.region == "ap-south-1").count(),
        1
    );
}

#[tokio::test]
async fn every_other_operation_round_trips() {
    let env = start(SMALL).await;
    let api = &env.api;
    let created = api
        .create_accelerator(NewAccelerator {
            name: "edge-test".into(),
            ip_address_type: None,
            ip_addresses: vec![],
            enabled: Some(true),
            idempotency_token: "acc-1".into(),
            tags: vec![Tag {
                key: "team".into(),
                value: "sre".into(),
            }],
        })
        .await
        .unwrap();
    assert_eq!(created.name, "edge-test");
    assert_eq!(created.static_ips.len(), 2);
    assert_eq!(
        api.list_tags(&created.arn).await.unwrap(),
        vec![Tag {
            key: "team".into(),
            value: "sre".into()
        }]
    );
    api.tag_resource(
        &created.arn,
        vec![Tag {
            key: "env".into(),
            value: "prod".into(),
        }],
    )
    .await
    .unwrap();
    api.untag_resource(&created.arn, vec!["team".into()])
        .await
        .unwrap();
    assert_eq!(
        api.list_tags(&created.arn).await.unwrap(),
        vec![Tag {
            key: "env".into(),
            value: "prod".into()
        }]
    );

    let attrs = AcceleratorAttributes {
        flow_logs_enabled: true,
        flow_logs_s3_bucket: Some("logs".into()),
        flow_logs_s3_prefix: Some("ga/".into()),
    };
    assert_eq!(
        api.update_accelerator_attributes(&created.arn, attrs.clone())
            .await
            .unwrap(),
        attrs
    );
    assert_eq!(
        api.describe_accelerator_attributes(&created.arn)
            .await
            .unwrap(),
        attrs
    );

    let listener = api
        .create_listener(NewListener {
            accelerator_arn: created.arn.clone(),
            port_ranges: vec![PortRange::new(10000, 10999).unwrap()],
            idempotency_token: "l-1".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        api.describe_listener(&listener.arn).await.unwrap(),
        listener
    );
    let wider = api
        .update_listener(&listener.arn, vec![PortRange::new(10000, 11999).unwrap()])
        .await
        .unwrap();
    assert_eq!(wider.total_ports(), 2000);

    let group = api
        .create_endpoint_group(new_group(&listener.arn, "eu-west-1", "g-1"))
        .await
        .unwrap();
    assert_eq!(
        api.describe_endpoint_group(&group.arn).await.unwrap().arn,
        group.arn
    );

    let r = api.delete_accelerator(&created.arn).await;
    assert!(
        matches!(r, Err(ApiError::AcceleratorNotDisabled(_))),
        "{r:?}"
    );
    let disabled = api
        .update_accelerator(AcceleratorUpdate {
            arn: created.arn.clone(),
            enabled: Some(false),
            name: Some("edge-off".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.name, "edge-off");
    let r = api.delete_accelerator(&created.arn).await;
    assert!(
        matches!(r, Err(ApiError::AssociatedListenerFound(_))),
        "{r:?}"
    );
    let r = api.delete_listener(&listener.arn).await;
    assert!(
        matches!(r, Err(ApiError::AssociatedEndpointGroupFound(_))),
        "{r:?}"
    );
    api.delete_endpoint_group(&group.arn).await.unwrap();
    api.delete_listener(&listener.arn).await.unwrap();
    api.delete_accelerator(&created.arn).await.unwrap();
    assert!(matches!(
        api.describe_accelerator(&created.arn).await,
        Err(ApiError::AcceleratorNotFound(_))
    ));
}
