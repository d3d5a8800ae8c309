//! Domain types of Global Accelerator custom routing, free of SDK and UI types.
//!
//! Everything a user can type is parsed here, so every layer above receives values that are
//! already known to be well formed.

pub mod audit;
pub mod behind;
pub mod bulk;
pub mod capacity;
pub mod ec2;
mod input;
pub mod join;
mod mapping;
mod ports;
mod regions;
mod resources;
mod settings;
pub mod watch;
mod whois;

pub use input::{
    ValidationError, parse_accelerator_name, parse_arn, parse_ipv4, parse_port, parse_port_range,
    parse_protocols, parse_region, parse_subnet_id,
};
pub use mapping::{DestinationPortMapping, Page, PortMapping, SocketAddress, TrafficState};
pub use ports::{DestinationConfig, PortRange, Protocol, ProtocolSet};
pub use regions::{AWS_REGIONS, is_known_region};
pub use resources::{
    Accelerator, AcceleratorAttributes, AcceleratorStatus, AcceleratorUpdate, ArnKind,
    EndpointGroup, IpAddressType, Listener, NewAccelerator, NewEndpointGroup, NewListener, Tag,
    TrafficChange, TrafficScope, accelerator_arn_of, account_of, listener_arn_of, short_id,
};
pub use settings::ThemeName;
pub use whois::{Verdict, Via, WhoisAnswer, parse_accelerator_address};
