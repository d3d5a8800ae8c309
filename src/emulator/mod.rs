//! A local Global Accelerator (custom routing) that speaks the service's wire protocol
//! (awsJson1_1), so the real SDK client, the AWS CLI and boto3 can all talk to it.

mod fault;
mod load;
mod ops;
mod ports;
mod server;
mod store;
mod token;
mod topology;
mod traffic;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prose;

pub use fault::{FAULT_GRAMMAR, FaultKind, FaultSpec, FaultSpecError, Faults};
pub use server::{LocalEmulator, serve};
pub use topology::{
    AcceleratorSpec, DEMO_TOPOLOGY, DestinationSpec, EndpointGroupSpec, EndpointSpec, ListenerSpec,
    PortRangeSpec, SubnetSpec, Topology, TopologyError,
};

use std::sync::{Mutex, MutexGuard};
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
        Self::status_of(self.code)
    }

    /// The status for any exception name, including ones injected as faults.
    pub fn status_of(code: &str) -> u16 {
        if code == "InternalServiceErrorException" {
            500
        } else {
            400
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EmulatorOptions {
    /// How long an accelerator reports IN_PROGRESS after a change before DEPLOYED.
    pub settle: Duration,
}

/// The emulated service: all state behind one lock, operations applied one at a time.
pub struct Emulator {
    store: Mutex<store::Store>,
    /// Requests received, by operation: tests count what a client sent.
    calls: Mutex<std::collections::BTreeMap<String, u64>>,
}

impl Emulator {
    pub fn from_topology(
        topology: &Topology,
        options: EmulatorOptions,
    ) -> Result<Self, TopologyError> {
        Ok(Self {
            store: Mutex::new(load::load(topology, options.settle)?),
            calls: Mutex::new(std::collections::BTreeMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, store::Store> {
        // A panic while holding the lock cannot leave the store half-changed in a way later
        // calls would trip over worse than an error would, so keep serving.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies one operation (`X-Amz-Target` without the service prefix) to a JSON body and
    /// returns the JSON answer.
    pub fn handle(&self, operation: &str, body: &[u8]) -> Result<serde_json::Value, ServiceError> {
        if let Ok(mut calls) = self.calls.lock() {
            *calls.entry(operation.to_string()).or_default() += 1;
        }
        if !validate::is_served(operation) {
            return Err(validate::unknown_operation(operation));
        }
        let request: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
            serde_json::json!({})
        } else {
            serde_json::from_slice(body).map_err(|e| {
                ServiceError::new(
                    "SerializationException",
                    format!("the request body is not valid JSON: {e}"),
                )
            })?
        };
        validate::validate_request(operation, &request)?;
        ops::dispatch(&mut self.lock(), operation, &request)
    }

    /// Every mapping the account holds (for tests and benches).
    /// How many requests each operation has received.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn mapping_count(&self) -> u64 {
        let store = self.lock();
        store
            .groups
            .iter()
            .flat_map(|g| g.endpoints.iter().map(move |a| (g, a)))
            .map(|(g, a)| store.mappings_of(a, g))
            .sum()
    }
}
