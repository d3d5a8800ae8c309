//! A local Global Accelerator (custom routing) that speaks the service's wire protocol
//! (awsJson1_1), so the real SDK client, the AWS CLI and boto3 can all talk to it.

mod server;
mod topology;

pub use server::{LocalEmulator, serve};

pub use topology::{
    AcceleratorSpec, DEMO_TOPOLOGY, DestinationSpec, EndpointGroupSpec, EndpointSpec, ListenerSpec,
    PortRangeSpec, SubnetSpec, Topology, TopologyError,
};

use std::time::Duration;

/// An error answer: the exception name goes in `__type`, the message in `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub code: &'static str,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// HTTP status to answer with: 500 for internal errors, 400 for every client exception
    /// (including throttling).
    pub fn status(&self) -> u16 {
        if self.code == "InternalServiceErrorException" {
            500
        } else {
            400
        }
    }
}

#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// How long an accelerator reports IN_PROGRESS after a change before DEPLOYED.
    pub settle: Duration,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            settle: Duration::ZERO,
        }
    }
}

/// The emulated service: all state behind one lock, operations applied one at a time.
pub struct Emulator {
    options: EmulatorOptions,
}

impl Emulator {
    pub fn from_topology(
        topology: &Topology,
        options: EmulatorOptions,
    ) -> Result<Self, TopologyError> {
        let _ = topology;
        Ok(Self { options })
    }

    /// Applies one operation (`X-Amz-Target` without the service prefix) to a JSON body and
    /// returns the JSON answer.
    pub fn handle(&self, operation: &str, body: &[u8]) -> Result<serde_json::Value, ServiceError> {
        let _ = (body, &self.options);
        Err(ServiceError::new(
            "UnknownOperationException",
            format!("operation {operation} is not implemented"),
        ))
    }
}
