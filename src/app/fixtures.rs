//! Values the `update` tests share.

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
