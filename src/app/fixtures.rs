//! Values the `update` tests share.

use std::net::Ipv4Addr;

use crate::app::join::Ec2Lookup;
use crate::app::{Effect, RequestId};
use crate::model::ec2::{Instance, InstanceState, NetworkInterface, PrivateAddress, Subnet};
use crate::model::join::SubnetView;
use crate::model::{Accelerator, AcceleratorStatus};

pub const ACC: &str = "arn:aws:globalaccelerator::111122223333:accelerator/a1";

/// An enabled, deployed accelerator `game` (ARN [`ACC`]) with these static IPs.
pub fn accelerator(static_ips: &[&str]) -> Accelerator {
    Accelerator {
        arn: ACC.into(),
        name: "game".into(),
        ip_address_type: None,
        enabled: true,
        status: AcceleratorStatus::Deployed,
        static_ips: static_ips.iter().map(|ip| ip.to_string()).collect(),
        dns_name: "a.example".into(),
        created: None,
        last_modified: None,
        tags: vec![],
    }
}

/// A view of `subnet` where only `address` is held: as the primary address of interface
/// `eni`, attached to the running instance `instance` named `name`.
pub fn view_holding(
    subnet: Subnet,
    address: Ipv4Addr,
    eni: &str,
    (instance, name): (&str, &str),
) -> SubnetView {
    let interface = NetworkInterface {
        id: eni.into(),
        subnet_id: subnet.id.clone(),
        private_addresses: vec![PrivateAddress {
            address,
            primary: true,
        }],
        ipv4_prefixes: vec![],
        instance_id: Some(instance.into()),
        status: None,
        interface_type: None,
        description: None,
    };
    let instance = Instance {
        id: instance.into(),
        name: Some(name.into()),
        state: InstanceState::Running,
        instance_type: None,
        subnet_id: Some(subnet.id.clone()),
        availability_zone: None,
        private_address: None,
        interfaces: vec![],
    };
    SubnetView::new(Some(subnet), &[interface], &[instance])
}

/// The EC2 lookups among `effects`.
pub fn ec2_lookups(effects: &[Effect]) -> Vec<(RequestId, Ec2Lookup)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Ec2 { id, lookup } => Some((*id, lookup.clone())),
            _ => None,
        })
        .collect()
}
