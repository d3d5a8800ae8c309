use std::collections::HashSet;
use std::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;

fn target(subnet: &str, ip: [u8; 4], port: Option<u16>) -> Target {
    Target {
        group: "g".into(),
        subnet: subnet.into(),
        ip: Ipv4Addr::from(ip),
        port,
    }
}

/// Every (subnet, ip, port) a plan's calls change; `None` ports stand for "every port".
fn covered(plan: &Plan) -> HashSet<(String, Ipv4Addr, Option<u16>)> {
    let mut out = HashSet::new();
    for c in &plan.changes {
        let TrafficScope::Destinations { addresses, ports } = &c.scope else {
            panic!("a bulk change never widens to the whole subnet");
        };
        assert!(addresses.len() <= MAX_PER_CALL && ports.len() <= MAX_PER_CALL);
        assert!(!addresses.is_empty());
        for a in addresses {
            let ip: Ipv4Addr = a.parse().unwrap();
            if ports.is_empty() {
                assert!(
                    out.insert((c.endpoint_id.clone(), ip, None)),
                    "changed twice"
                );
            }
            for p in ports {
                assert!(
                    out.insert((c.endpoint_id.clone(), ip, Some(*p))),
                    "changed twice"
                );
            }
        }
    }
    out
}

#[test]
fn addresses_with_the_same_ports_share_a_call() {
    let plan = plan(&[
        target("s1", [10, 0, 0, 1], Some(7777)),
        target("s1", [10, 0, 0, 2], Some(7777)),
        target("s1", [10, 0, 0, 3], Some(7778)),
        target("s2", [10, 0, 1, 1], None),
        target("s1", [10, 0, 0, 1], Some(7777)),
    ]);
    assert_eq!(plan.calls(), 3);
    assert_eq!((plan.sockets, plan.addresses, plan.subnets), (4, 4, 2));
    assert_eq!(
        plan.changes[0].scope,
        TrafficScope::Destinations {
            addresses: vec!["10.0.0.1".into(), "10.0.0.2".into()],
            ports: vec![7777]
        }
    );
}

#[test]
fn a_whole_address_absorbs_its_ports() {
    let plan = plan(&[
        target("s1", [10, 0, 0, 1], Some(7777)),
        target("s1", [10, 0, 0, 1], None),
        target("s1", [10, 0, 0, 1], Some(7778)),
    ]);
    assert_eq!(plan.calls(), 1);
    assert_eq!(plan.sockets, 1);
    assert!(covered(&plan).contains(&("s1".into(), Ipv4Addr::new(10, 0, 0, 1), None)));
}

#[test]
fn an_address_at_every_port_is_said_as_such_not_counted_as_a_socket() {
    let whole = plan(&[target("s1", [10, 0, 0, 1], None)]);
    assert_eq!(whole.counts(), "every port of 1 address, 1 subnet, 1 call");
    let mixed = plan(&[
        target("s1", [10, 0, 0, 1], None),
        target("s1", [10, 0, 0, 2], Some(7777)),
        target("s1", [10, 0, 0, 3], Some(7777)),
    ]);
    assert_eq!(
        mixed.counts(),
        "2 sockets and every port of 1 address, 3 addresses, 1 subnet, 2 calls"
    );
    let sockets = plan(&[target("s1", [10, 0, 0, 2], Some(7777))]);
    assert_eq!(sockets.counts(), "1 socket, 1 address, 1 subnet, 1 call");
}

#[test]
fn calls_are_cut_at_one_hundred_addresses_and_ports() {
    let targets: Vec<Target> = (0..250u16)
        .flat_map(|a| {
            (0..150u16).map(move |p| target("s", [10, 0, (a >> 8) as u8, a as u8], Some(1000 + p)))
        })
        .collect();
    let plan = plan(&targets);
    // 250 addresses → 3 chunks; 150 ports → 2 chunks.
    assert_eq!(plan.calls(), 6);
    assert_eq!(covered(&plan).len(), 250 * 150);
}

#[test]
fn restore_puts_back_allows_and_denies_separately() {
    let s = |ip: u8, port: u16, allowed: bool| SocketState {
        group: "g".into(),
        subnet: "s".into(),
        ip: Ipv4Addr::new(10, 0, 0, ip),
        port,
        allowed,
    };
    let (allow, deny) = restore(&[s(1, 80, true), s(1, 81, false), s(2, 80, true)]);
    assert_eq!(covered(&allow).len(), 2);
    assert_eq!(
        covered(&deny),
        HashSet::from([("s".into(), Ipv4Addr::new(10, 0, 0, 1), Some(81))])
    );
}

#[test]
fn destination_lists_read_like_a_ticket() {
    let list =
        parse_destinations("10.0.0.1:7777, 10.0.0.2\n# a comment\n10.0.0.3:80;10.0.0.4:81 # end\n")
            .unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[1].port, None);
    assert_eq!(list[3].port, Some(81));
    let err = parse_destinations("10.0.0.1:7777\n10.0.0.300:1 10.0.0.2:0").unwrap_err();
    assert!(
        err.contains("line 2") && err.contains("10.0.0.300"),
        "{err}"
    );
    assert!(parse_destinations("  # nothing\n").is_err());
}

proptest! {
    /// Whatever is asked for, the calls change exactly the sockets asked for, each once.
    #[test]
    fn a_plan_covers_exactly_what_was_asked(
        asks in proptest::collection::vec((0u8..3, 0u8..40, proptest::option::weighted(0.9, 1u16..130)), 0..400)
    ) {
        let targets: Vec<Target> = asks
            .iter()
            .map(|(s, ip, port)| target(&format!("s{s}"), [10, 0, *s, *ip], *port))
            .collect();
        let plan = plan(&targets);
        let whole: HashSet<(String, Ipv4Addr)> = targets
            .iter()
            .filter(|t| t.port.is_none())
            .map(|t| (t.subnet.clone(), t.ip))
            .collect();
        let expected: HashSet<(String, Ipv4Addr, Option<u16>)> = targets
            .iter()
            .map(|t| {
                let port = if whole.contains(&(t.subnet.clone(), t.ip)) { None } else { t.port };
                (t.subnet.clone(), t.ip, port)
            })
            .collect();
        prop_assert_eq!(covered(&plan), expected.clone());
        prop_assert_eq!(plan.sockets, expected.len());
    }
}
