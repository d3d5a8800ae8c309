//! One journal line: a change, as requested and as it went.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::model::bulk::SocketState;
use crate::model::{TrafficChange, TrafficScope};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Sortable and unique: the time of the change and a random suffix.
    pub id: String,
    /// RFC 3339, UTC.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The change in words, as the confirmation said it.
    pub what: String,
    /// The requests, in the order they were made.
    pub requests: Vec<Request>,
    pub outcome: Outcome,
    /// Traffic changes: every socket the requests touch, as it was before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior: Vec<Prior>,
    /// Why `prior` is missing when it could not be read (undo is then refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_error: Option<String>,
    /// The entry this one undid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
}

/// How far the requests got: the first `applied` succeeded; `error` says why the next failed
/// (the rest were not made).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub applied: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Outcome {
    /// How a change of one request went.
    pub fn of_one<E: std::fmt::Display>(result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Outcome {
                applied: 1,
                error: None,
            },
            Err(e) => Outcome {
                applied: 0,
                error: Some(e.to_string()),
            },
        }
    }

    pub fn complete(&self, requests: usize) -> bool {
        self.error.is_none() && self.applied == requests
    }
}

/// A request as sent, in the API's own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation")]
pub enum Request {
    AllowCustomRoutingTraffic(Traffic),
    DenyCustomRoutingTraffic(Traffic),
    AddCustomRoutingEndpoints {
        endpoint_group_arn: String,
        endpoint_ids: Vec<String>,
        allow_all: bool,
    },
    RemoveCustomRoutingEndpoints {
        endpoint_group_arn: String,
        endpoint_ids: Vec<String>,
    },
    DeleteCustomRoutingEndpointGroup {
        endpoint_group_arn: String,
    },
    CreateCustomRoutingEndpointGroup {
        listener_arn: String,
        region: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created_arn: Option<String>,
    },
    CreateCustomRoutingAccelerator {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created_arn: Option<String>,
    },
    CreateCustomRoutingListener {
        accelerator_arn: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        created_arn: Option<String>,
    },
}

/// The body of an Allow/DenyCustomRoutingTraffic request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    pub endpoint_group_arn: String,
    pub endpoint_id: String,
    /// AllowAllTrafficToEndpoint / DenyAllTrafficToEndpoint.
    #[serde(default)]
    pub all: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination_addresses: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination_ports: Vec<u16>,
}

impl Request {
    pub fn traffic(allow: bool, change: &TrafficChange) -> Self {
        let (all, destination_addresses, destination_ports) = match &change.scope {
            TrafficScope::WholeEndpoint => (true, Vec::new(), Vec::new()),
            TrafficScope::Destinations { addresses, ports } => {
                (false, addresses.clone(), ports.clone())
            }
        };
        let body = Traffic {
            endpoint_group_arn: change.endpoint_group_arn.clone(),
            endpoint_id: change.endpoint_id.clone(),
            all,
            destination_addresses,
            destination_ports,
        };
        if allow {
            Request::AllowCustomRoutingTraffic(body)
        } else {
            Request::DenyCustomRoutingTraffic(body)
        }
    }

    /// The operation's name, as the API spells it.
    pub fn operation(&self) -> &'static str {
        match self {
            Request::AllowCustomRoutingTraffic(_) => "AllowCustomRoutingTraffic",
            Request::DenyCustomRoutingTraffic(_) => "DenyCustomRoutingTraffic",
            Request::AddCustomRoutingEndpoints { .. } => "AddCustomRoutingEndpoints",
            Request::RemoveCustomRoutingEndpoints { .. } => "RemoveCustomRoutingEndpoints",
            Request::DeleteCustomRoutingEndpointGroup { .. } => "DeleteCustomRoutingEndpointGroup",
            Request::CreateCustomRoutingEndpointGroup { .. } => "CreateCustomRoutingEndpointGroup",
            Request::CreateCustomRoutingAccelerator { .. } => "CreateCustomRoutingAccelerator",
            Request::CreateCustomRoutingListener { .. } => "CreateCustomRoutingListener",
        }
    }
}

/// A socket's traffic state before a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prior {
    pub endpoint_group_arn: String,
    pub endpoint_id: String,
    pub ip: Ipv4Addr,
    pub port: u16,
    pub allowed: bool,
}

impl From<&Prior> for SocketState {
    fn from(p: &Prior) -> Self {
        SocketState {
            group: p.endpoint_group_arn.clone(),
            subnet: p.endpoint_id.clone(),
            ip: p.ip,
            port: p.port,
            allowed: p.allowed,
        }
    }
}
