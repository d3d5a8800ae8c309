//! The account's EC2 instances and network interfaces as the emulator keeps them: ids and
//! addresses, indices into the store's subnets; everything else an answer shows is derived
//! when it is written.

use std::ops::Range;

use crate::emulator::topology::InstanceSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    Pending,
    Running,
    Stopping,
    Stopped,
}

impl InstanceState {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => Self::Pending,
            "running" => Self::Running,
            "stopping" => Self::Stopping,
            "stopped" => Self::Stopped,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
        }
    }

    /// EC2's state code (the high byte is internal and always 0 here).
    pub fn code(self) -> u16 {
        match self {
            Self::Pending => 0,
            Self::Running => 16,
            Self::Stopping => 64,
            Self::Stopped => 80,
        }
    }
}

pub struct Instance {
    pub id: String,
    pub name: Option<String>,
    pub state: InstanceState,
    pub instance_type: String,
    /// Index into the store's subnets.
    pub subnet: usize,
    pub launched: f64,
    /// Its interfaces, device 0 first, in `Fleet::interfaces`.
    pub interfaces: Range<usize>,
}

pub struct Interface {
    pub id: String,
    pub subnet: usize,
    /// Index into `Fleet::instances`; `None` for an interface attached to nothing.
    pub instance: Option<usize>,
    pub device_index: u32,
    pub primary: u32,
    pub secondaries: Vec<u32>,
    /// Network addresses of delegated /28 prefixes.
    pub prefixes: Vec<u32>,
    pub created: f64,
}

impl Interface {
    /// Primary and secondary addresses (not those inside prefixes), primary first.
    pub fn private_addresses(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::once(self.primary).chain(self.secondaries.iter().copied())
    }

    /// Whether the interface holds `address` in any way, a delegated prefix included.
    #[cfg(test)]
    pub fn holds(&self, address: u32) -> bool {
        self.private_addresses().any(|a| a == address)
            || self
                .prefixes
                .iter()
                .any(|&p| (p..p + PREFIX_SIZE).contains(&address))
    }

    pub fn held(&self) -> u32 {
        1 + self.secondaries.len() as u32 + PREFIX_SIZE * self.prefixes.len() as u32
    }
}

/// Addresses in a delegated IPv4 prefix (a /28).
pub const PREFIX_SIZE: u32 = 16;

#[derive(Default)]
pub struct Fleet {
    pub instances: Vec<Instance>,
    pub interfaces: Vec<Interface>,
    /// Addresses held by interfaces (prefixes included), by subnet index.
    pub held: Vec<u32>,
    /// The topology's `[[instances]]`, ids filled in, for the state file.
    pub listed: Vec<InstanceSpec>,
}

impl Fleet {
    pub fn instance_of(&self, interface: &Interface) -> Option<&Instance> {
        interface.instance.map(|i| &self.instances[i])
    }

    pub fn interfaces_of(&self, instance: &Instance) -> &[Interface] {
        &self.interfaces[instance.interfaces.clone()]
    }

    pub fn held_in(&self, subnet: usize) -> u32 {
        self.held.get(subnet).copied().unwrap_or(0)
    }
}
