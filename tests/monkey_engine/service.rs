//! The monkey's service: random but well-formed answers to every call, some failing, with
//! names that try to break the screen.

use rand::Rng;
use rand::rngs::StdRng;

use portolan::api::ApiError;
use portolan::app::{Call, Reply};
use portolan::model::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, DestinationConfig,
    DestinationPortMapping, EndpointGroup, Listener, Page, PortMapping, PortRange, ProtocolSet,
    SocketAddress, Tag, TrafficState,
};

/// Names that try to break the screen: escapes, OSC 52, bidi, zero-width, wide characters.
pub const HOSTILE: &[&str] = &[
    "plain-name",
    "evil\u{1b}]52;c;aGk=\u{7}",
    "csi\u{1b}[2J\u{1b}[H",
    "c1\u{9b}31m",
    "bidi\u{202e}drow",
    "zero\u{200b}width",
    "宽字符加速器",
    "emoji🚀🔥",
    "tab\there\nnewline",
];

fn name(rng: &mut StdRng, n: usize) -> String {
    format!("{}-{n}", HOSTILE[rng.random_range(0..HOSTILE.len())])
}

fn accelerator(rng: &mut StdRng, n: usize) -> Accelerator {
    Accelerator {
        arn: format!("arn:aws:globalaccelerator::111122223333:accelerator/a{n}"),
        name: name(rng, n),
        ip_address_type: None,
        enabled: rng.random(),
        status: if rng.random() {
            AcceleratorStatus::Deployed
        } else {
            AcceleratorStatus::InProgress
        },
        static_ips: vec![
            format!("75.2.0.{}", n % 250),
            format!("99.83.0.{}", n % 250),
        ],
        dns_name: format!("{}.example", name(rng, n)),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

fn token(rng: &mut StdRng) -> Option<String> {
    rng.random_bool(0.3)
        .then(|| format!("t{}", rng.random::<u32>()))
}

/// An answer to `call`, made up: mostly right-shaped data, sometimes an error.
pub fn answer(rng: &mut StdRng, call: &Call) -> Result<Reply, ApiError> {
    if rng.random_bool(0.08) {
        let errors = [
            ApiError::Throttled("Rate exceeded".into()),
            ApiError::Timeout("timed out".into()),
            ApiError::Transport("connection reset".into()),
            ApiError::InvalidNextToken("bad token".into()),
            ApiError::EndpointNotFound("gone".into()),
            ApiError::AccessDenied("no".into()),
            ApiError::LimitExceeded("full".into()),
            ApiError::EndpointGroupAlreadyExists("exists".into()),
        ];
        return Err(errors[rng.random_range(0..errors.len())].clone());
    }
    let n = rng.random_range(0..40);
    let group = |rng: &mut StdRng, i: usize| EndpointGroup {
        arn: format!(
            "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l0/endpoint-group/g{i}"
        ),
        region: name(rng, i),
        destinations: vec![DestinationConfig {
            ports: PortRange::new(7000, 7000 + u16::try_from(i % 50).unwrap_or(0))
                .unwrap_or(PortRange::new(1, 1).expect("1-1 is a range")),
            protocols: ProtocolSet::UDP,
        }],
        endpoints: (0..i % 5).map(|s| format!("subnet-{s:08x}")).collect(),
    };
    Ok(match call {
        Call::ListAccelerators { .. } => Reply::Accelerators(Page {
            items: (0..n).map(|i| accelerator(rng, i)).collect(),
            next_token: token(rng),
        }),
        Call::ListListeners { .. } => Reply::Listeners(Page {
            items: (0..n % 4)
                .map(|i| Listener {
                    arn: format!(
                        "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l{i}"
                    ),
                    port_ranges: vec![PortRange::new(10_000, 20_000).expect("a range")],
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::ListEndpointGroups { .. } => Reply::EndpointGroups(Page {
            items: (0..n % 6).map(|i| group(rng, i)).collect(),
            next_token: token(rng),
        }),
        Call::DescribeEndpointGroup { .. } => Reply::EndpointGroup(group(rng, n)),
        Call::DescribeAccelerator { .. } => Reply::Accelerator(accelerator(rng, n)),
        Call::DescribeListener { .. } => Reply::Listener(Listener {
            arn: "arn:aws:globalaccelerator::111122223333:accelerator/a0/listener/l0".into(),
            port_ranges: vec![PortRange::new(1, 65_535).expect("a range")],
        }),
        Call::AcceleratorAttributes { .. } => Reply::Attributes(AcceleratorAttributes {
            flow_logs_enabled: true,
            flow_logs_s3_bucket: Some(name(rng, n)),
            flow_logs_s3_prefix: None,
        }),
        Call::ListTags { .. } => Reply::Tags(vec![Tag {
            key: name(rng, n),
            value: name(rng, n + 1),
        }]),
        Call::ListMappings { .. } => Reply::PortMappings(Page {
            items: (0..n * 50)
                .map(|i| PortMapping {
                    accelerator_port: u16::try_from(1 + i).unwrap_or(1),
                    endpoint_group_arn: group(rng, i % 3).arn,
                    endpoint_id: format!("subnet-{:08x}", i % 7),
                    destination: SocketAddress {
                        ip: format!("10.0.{}.{}", i / 250, i % 250),
                        port: 7000,
                    },
                    protocols: ProtocolSet::BOTH,
                    traffic: if i % 3 == 0 {
                        TrafficState::Deny
                    } else {
                        TrafficState::Allow
                    },
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::ListMappingsByDestination { ip, subnet, .. } => Reply::DestinationMappings(Page {
            items: (0..n % 12)
                .map(|i| DestinationPortMapping {
                    accelerator_arn: "arn:aws:globalaccelerator::111122223333:accelerator/a0"
                        .into(),
                    accelerator_sockets: vec![SocketAddress {
                        ip: "75.2.0.1".into(),
                        port: u16::try_from(20_000 + i).unwrap_or(1),
                    }],
                    endpoint_group_arn: group(rng, 0).arn,
                    endpoint_id: subnet.clone(),
                    endpoint_group_region: name(rng, i),
                    destination: SocketAddress {
                        ip: ip.clone(),
                        port: u16::try_from(7000 + i).unwrap_or(1),
                    },
                    ip_address_type: None,
                    traffic: TrafficState::Allow,
                })
                .collect(),
            next_token: token(rng),
        }),
        Call::GroupsOfAccelerator { .. } => Reply::Groups((0..3).map(|i| group(rng, i)).collect()),
        Call::CreateEndpointGroup(r) => Reply::CreatedEndpointGroup(EndpointGroup {
            arn: format!("{}/endpoint-group/new{n}", r.listener_arn),
            region: r.region.clone(),
            destinations: r.destinations.clone(),
            endpoints: vec![],
        }),
        Call::CreateAccelerator(_) => Reply::CreatedAccelerator(accelerator(rng, 1000 + n)),
        Call::CreateListener(r) => Reply::CreatedListener(Listener {
            arn: format!("{}/listener/new{n}", r.accelerator_arn),
            port_ranges: r.port_ranges.clone(),
        }),
        Call::AddEndpoints { subnets, .. } => Reply::EndpointsAdded {
            added: subnets.clone(),
            allowed: None,
        },
        Call::ListenerUsage { .. } => Reply::Usage(portolan::model::capacity::ListenerUsage {
            total: 10_001,
            groups: vec![("eu-west-1".into(), "arn:g".into(), n as u64 * 11)],
        }),
        Call::Whois { .. } => Reply::Whois(Err("no mapping of x uses accelerator port 1".into())),
        Call::Holders { ip, .. } => Reply::Holders {
            ip: ip.to_string(),
            found: vec![],
        },
        Call::AllowTraffic(_)
        | Call::DenyTraffic(_)
        | Call::RemoveEndpoints { .. }
        | Call::DeleteEndpointGroup { .. } => Reply::Done,
        Call::ResolvePins { pins, .. } => Reply::PinsResolved(
            pins.iter()
                .map(|p| Err(format!("{p}: no mapping leads there")))
                .collect(),
        ),
        // Each destination socket as it was, its traffic and accelerator flipping at random.
        Call::WatchRound { targets } => Reply::WatchRound(portolan::model::watch::Round {
            rows: targets
                .iter()
                .filter_map(|t| t.expected.clone())
                .map(|mut row| {
                    row.presence = portolan::model::watch::Presence::Mapped;
                    row.enabled = Some(rng.random_bool(0.8));
                    row.traffic = Some(if rng.random_bool(0.5) {
                        TrafficState::Allow
                    } else {
                        TrafficState::Deny
                    });
                    row
                })
                .collect(),
            failures: Vec::new(),
            throttled: rng.random_bool(0.1),
        }),
    })
}
