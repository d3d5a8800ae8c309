//! Traffic rules of one subnet attachment, stored as rules rather than per mapping: a default
//! for the whole subnet, then per-address rules, then per-socket rules (finer wins).

use std::collections::HashMap;

use crate::model::TrafficState;

#[derive(Debug, Clone, Default)]
struct AddressRule {
    every_port: Option<TrafficState>,
    ports: HashMap<u16, TrafficState>,
}

/// One rule finer than the subnet's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficRule {
    Address(u32, TrafficState),
    Socket(u32, u16, TrafficState),
}

#[derive(Debug, Clone)]
pub struct TrafficRules {
    subnet: TrafficState,
    addresses: HashMap<u32, AddressRule>,
}

impl TrafficRules {
    /// AWS adds subnets with all traffic denied.
    pub fn new() -> Self {
        Self {
            subnet: TrafficState::Deny,
            addresses: HashMap::new(),
        }
    }

    pub fn state(&self, address: u32, port: u16) -> TrafficState {
        match self.addresses.get(&address) {
            Some(rule) => rule
                .ports
                .get(&port)
                .copied()
                .or(rule.every_port)
                .unwrap_or(self.subnet),
            None => self.subnet,
        }
    }

    /// Every rule, coarsest first and in address and port order: applying them in this order
    /// to fresh rules rebuilds these exactly.
    pub fn rules(&self) -> (TrafficState, Vec<TrafficRule>) {
        let mut addresses: Vec<_> = self.addresses.iter().collect();
        addresses.sort_by_key(|(a, _)| **a);
        let mut out = Vec::new();
        for (address, rule) in &addresses {
            if let Some(state) = rule.every_port {
                out.push(TrafficRule::Address(**address, state));
            }
        }
        for (address, rule) in addresses {
            let mut ports: Vec<_> = rule.ports.iter().collect();
            ports.sort_by_key(|(p, _)| **p);
            for (port, state) in ports {
                out.push(TrafficRule::Socket(*address, *port, *state));
            }
        }
        (self.subnet, out)
    }

    pub fn set_subnet(&mut self, state: TrafficState) {
        self.subnet = state;
        self.addresses.clear();
    }

    pub fn set_address(&mut self, address: u32, state: TrafficState) {
        let rule = self.addresses.entry(address).or_default();
        rule.every_port = Some(state);
        rule.ports.clear();
    }

    pub fn set_socket(&mut self, address: u32, port: u16, state: TrafficState) {
        self.addresses
            .entry(address)
            .or_default()
            .ports
            .insert(port, state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TrafficState::{Allow, Deny};

    #[test]
    fn finer_rules_win_and_coarser_ones_reset_them() {
        let mut t = TrafficRules::new();
        assert_eq!(t.state(1, 80), Deny);
        t.set_subnet(Allow);
        t.set_socket(1, 80, Deny);
        assert_eq!(
            (t.state(1, 80), t.state(1, 81), t.state(2, 80)),
            (Deny, Allow, Allow)
        );
        t.set_address(1, Allow);
        assert_eq!(
            t.state(1, 80),
            Allow,
            "an address rule covers every port of it"
        );
        t.set_address(2, Deny);
        t.set_subnet(Allow);
        assert_eq!(t.state(2, 80), Allow, "a subnet rule clears finer ones");
    }

    #[test]
    fn rules_rebuild_the_same_states() {
        let mut t = TrafficRules::new();
        t.set_subnet(Allow);
        t.set_address(3, Deny);
        t.set_socket(3, 81, Allow);
        t.set_socket(1, 80, Deny);
        let (subnet, rules) = t.rules();
        let mut copy = TrafficRules::new();
        copy.set_subnet(subnet);
        for rule in rules {
            match rule {
                TrafficRule::Address(a, s) => copy.set_address(a, s),
                TrafficRule::Socket(a, p, s) => copy.set_socket(a, p, s),
            }
        }
        for a in 0..5 {
            for p in 79..83 {
                assert_eq!(copy.state(a, p), t.state(a, p), "{a}:{p}");
            }
        }
    }
}
