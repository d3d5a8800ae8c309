//! Property tests: every parser of user input against arbitrary strings, and the emulator's
//! port-mapping arithmetic on random topologies (driven in-process through its operations).

use std::collections::{BTreeMap, BTreeSet};

use portolan::emulator::{Emulator, EmulatorOptions, Topology};
use portolan::model::{
    parse_accelerator_name, parse_arn, parse_ipv4, parse_port, parse_port_range, parse_region,
    parse_subnet_id,
};
use proptest::prelude::*;
use serde_json::{Value, json};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic_and_what_they_accept_round_trips(s in "\\PC{0,40}|[0-9.:/ -]{0,20}") {
        if let Ok(p) = parse_port(&s) {
            prop_assert!(p >= 1);
            prop_assert_eq!(parse_port(&p.to_string()).ok(), Some(p));
        }
        if let Ok(r) = parse_port_range(&s) {
            prop_assert!(r.from_port() <= r.to_port());
            prop_assert_eq!(parse_port_range(&r.to_string()).ok(), Some(r));
        }
        if let Ok(ip) = parse_ipv4(&s) {
            prop_assert_eq!(parse_ipv4(&ip.to_string()).ok(), Some(ip));
        }
        if let Ok(r) = parse_region(&s) {
            prop_assert!(!r.is_empty() && !r.contains(char::is_whitespace));
        }
        if let Ok(id) = parse_subnet_id(&s) {
            prop_assert!(id.starts_with("subnet-"));
        }
        if let Ok(name) = parse_accelerator_name(&s) {
            prop_assert!(name.len() <= 64 && !name.starts_with('-') && !name.ends_with('-'));
        }
        let _ = parse_arn(&s);
    }

    #[test]
    fn well_formed_input_is_accepted(port in 1u16.., a in 0u8.., b in 0u8.., c in 0u8.., d in 0u8..) {
        prop_assert_eq!(parse_port(&format!(" {port} ")).ok(), Some(port));
        let ip = format!("{a}.{b}.{c}.{d}");
        prop_assert_eq!(parse_ipv4(&ip).map(|i| i.to_string()).ok(), Some(ip));
    }
}

/// A random account: one accelerator, one listener, up to three groups in distinct regions,
/// subnets of /28 to /26 per region (some attached, the rest spare).
/// One endpoint group: its destination ranges, its subnets' prefix lengths, and how many of
/// them are attached.
type GroupShape = (Vec<(u16, u16)>, Vec<u8>, usize);

#[derive(Debug, Clone)]
struct Shape {
    listener: Vec<(u16, u16)>,
    groups: Vec<GroupShape>,
}

const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-south-1"];

fn shape() -> impl Strategy<Value = Shape> {
    let group = (
        // Destination ranges: disjoint by construction (each in its own hundred).
        prop::collection::vec(0u16..5, 1..3).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, len)| {
                    let from = 7000 + 100 * u16::try_from(i).unwrap();
                    (from, from + len)
                })
                .collect::<Vec<_>>()
        }),
        prop::collection::vec(26u8..=28, 1..4),
        0usize..3,
    );
    (
        prop::collection::vec(200u16..1200, 1..4),
        prop::collection::vec(group, 1..=3),
    )
        .prop_map(|(ranges, groups)| {
            let mut start = 10_000u16;
            let listener = ranges
                .into_iter()
                .map(|len| {
                    let r = (start, start + len);
                    start += len + 500;
                    r
                })
                .collect();
            Shape { listener, groups }
        })
}

fn toml(shape: &Shape) -> String {
    let mut t = String::from("account_id = \"123456789012\"\n");
    for (g, (_, prefixes, _)) in shape.groups.iter().enumerate() {
        // Every group's region also gets a spare /28.
        for (n, prefix) in prefixes.iter().chain([&28u8]).enumerate() {
            t += &format!(
                "[[subnets]]\nid = \"subnet-{g:x}{n:x}00000000000000\"\nregion = \"{}\"\ncidr = \"10.{g}.{}.0/{prefix}\"\n",
                REGIONS[g],
                n * 4
            );
        }
    }
    t += "[[accelerators]]\nname = \"prop\"\n[[accelerators.listeners]]\nport_ranges = [";
    let ranges: Vec<String> = shape
        .listener
        .iter()
        .map(|(a, b)| format!("{{ from = {a}, to = {b} }}"))
        .collect();
    t += &ranges.join(", ");
    t += "]\n";
    for (g, (dests, prefixes, attached)) in shape.groups.iter().enumerate() {
        let dests: Vec<String> = dests
            .iter()
            .map(|(a, b)| format!("{{ from = {a}, to = {b}, protocols = [\"UDP\"] }}"))
            .collect();
        let endpoints: Vec<String> = (0..(*attached).min(prefixes.len()))
            .map(|n| format!("{{ subnet = \"subnet-{g:x}{n:x}00000000000000\" }}"))
            .collect();
        t += &format!(
            "[[accelerators.listeners.endpoint_groups]]\nregion = \"{}\"\ndestinations = [{}]\nendpoints = [{}]\n",
            REGIONS[g],
            dests.join(", "),
            endpoints.join(", ")
        );
    }
    t
}

fn call(e: &Emulator, op: &str, body: Value) -> Result<Value, String> {
    e.handle(op, body.to_string().as_bytes())
        .map_err(|err| format!("{err:?}"))
}

/// Every mapping, read at page size `size`: (accelerator port) → (group, subnet, ip, port).
fn listing(e: &Emulator, acc: &str, size: u64) -> Vec<(u16, String, String, String, u16)> {
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"AcceleratorArn": acc, "MaxResults": size});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = call(e, "ListCustomRoutingPortMappings", body).unwrap();
        for m in page["PortMappings"].as_array().unwrap() {
            rows.push((
                u16::try_from(m["AcceleratorPort"].as_u64().unwrap()).unwrap(),
                m["EndpointGroupArn"].as_str().unwrap().to_string(),
                m["EndpointId"].as_str().unwrap().to_string(),
                m["DestinationSocketAddress"]["IpAddress"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                u16::try_from(m["DestinationSocketAddress"]["Port"].as_u64().unwrap()).unwrap(),
            ));
        }
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => return rows,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn mappings_are_a_stable_bijection_on_random_topologies(shape in shape(), size in 1u64..400) {
        let topology = Topology::parse(&toml(&shape), "prop").unwrap();
        let Ok(e) = Emulator::from_topology(&topology, EmulatorOptions::default()) else {
            // The random listener may be too small for the subnets: a valid refusal.
            return Ok(());
        };
        let acc = call(&e, "ListCustomRoutingAccelerators", json!({}))
            .unwrap()["Accelerators"][0]["AcceleratorArn"]
            .as_str()
            .unwrap()
            .to_string();
        let all = listing(&e, &acc, 20_000);
        // Pages of any size rebuild the exact listing.
        prop_assert_eq!(&listing(&e, &acc, size), &all);
        // Accelerator ports unique and inside the listener's ranges; sockets unique.
        let ports: BTreeSet<u16> = all.iter().map(|r| r.0).collect();
        prop_assert_eq!(ports.len(), all.len());
        prop_assert!(all.iter().all(|r| shape.listener.iter().any(|(a, b)| (*a..=*b).contains(&r.0))));
        let sockets: BTreeSet<(&str, &str, u16)> =
            all.iter().map(|r| (r.1.as_str(), r.3.as_str(), r.4)).collect();
        prop_assert_eq!(sockets.len(), all.len());

        // Adding a spare subnet never moves an existing mapping.
        let by_port: BTreeMap<u16, _> = all.iter().map(|r| (r.0, r.clone())).collect();
        let group_arn = match all.first() {
            Some(r) => r.1.clone(),
            None => return Ok(()),
        };
        let g = REGIONS.iter().position(|reg| {
            call(&e, "DescribeCustomRoutingEndpointGroup", json!({"EndpointGroupArn": group_arn}))
                .unwrap()["EndpointGroup"]["EndpointGroupRegion"] == json!(reg)
        }).unwrap();
        let spare = format!("subnet-{g:x}{:x}00000000000000", shape.groups[g].1.len());
        let added = call(&e, "AddCustomRoutingEndpoints", json!({
            "EndpointGroupArn": group_arn,
            "EndpointConfigurations": [{"EndpointId": spare}],
        }));
        if added.is_ok() {
            let after = listing(&e, &acc, 20_000);
            for row in &all {
                prop_assert!(after.contains(row), "{row:?} moved");
            }
            // Removing it gives its ports back and leaves the rest alone.
            call(&e, "RemoveCustomRoutingEndpoints", json!({
                "EndpointGroupArn": group_arn,
                "EndpointIds": [spare],
            })).unwrap();
            let removed = listing(&e, &acc, 20_000);
            let again: BTreeMap<u16, _> = removed.iter().map(|r| (r.0, r.clone())).collect();
            prop_assert_eq!(again, by_port);
        }
    }
}
