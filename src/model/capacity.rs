//! Listener port arithmetic, as AWS describes it: every usable address of a subnet (its size
//! less the five AWS reserves) × every destination port of the endpoint group takes one
//! listener port. The client never knows a subnet's size, so capacity is shown per size.

/// Subnet sizes custom routing accepts, /28 to /17.
pub const SUBNET_PREFIXES: std::ops::RangeInclusive<u8> = 17..=28;

/// Addresses AWS maps in a subnet of this prefix length (the first four and the last are
/// reserved).
pub fn usable_addresses(prefix: u8) -> u64 {
    (1u64 << (32 - u32::from(prefix.min(32)))).saturating_sub(5)
}

/// Listener ports one subnet of `/prefix` takes in a group with `destination_ports` ports.
pub fn ports_per_subnet(prefix: u8, destination_ports: u64) -> u64 {
    usable_addresses(prefix) * destination_ports
}

/// How many subnets of `/prefix` still fit in `free` listener ports.
pub fn subnets_that_fit(prefix: u8, destination_ports: u64, free: u64) -> u64 {
    match ports_per_subnet(prefix, destination_ports) {
        0 => 0,
        need => free / need,
    }
}

/// What the ports of one listener are doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerUsage {
    /// Ports the listener's ranges hold.
    pub total: u64,
    /// Mappings of each of its endpoint groups: (region, endpoint group ARN, ports used).
    pub groups: Vec<(String, String, u64)>,
}

impl ListenerUsage {
    pub fn used(&self) -> u64 {
        self.groups.iter().map(|g| g.2).sum()
    }

    pub fn free(&self) -> u64 {
        self.total.saturating_sub(self.used())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_aws_worked_example() {
        // Four /24 subnets × ports 81–90 take 10,040 listener ports.
        assert_eq!(usable_addresses(24), 251);
        assert_eq!(4 * ports_per_subnet(24, 10), 10_040);
        assert_eq!(usable_addresses(28), 11);
        assert_eq!(usable_addresses(17), 32_763);
        assert_eq!(subnets_that_fit(24, 10, 10_040), 4);
        assert_eq!(subnets_that_fit(24, 10, 10_039), 3);
        assert_eq!(subnets_that_fit(28, 0, 100), 0);
    }
}
