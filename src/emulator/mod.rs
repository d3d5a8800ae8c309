//! A local Global Accelerator (custom routing) that speaks the service's wire protocol
//! (awsJson1_1), so the real SDK client, the AWS CLI and boto3 can all talk to it; and, on the
//! same listener, the EC2 subset portolan joins it with (DescribeSubnets,
//! DescribeNetworkInterfaces, DescribeInstances in EC2's query protocol).

mod ec2;
mod fault;
mod load;
mod ops;
mod ports;
mod server;
mod state;
mod store;
mod token;
mod topology;
mod traffic;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prose;
#[cfg(test)]
mod tests_state;

pub use ec2::{ACTIONS as EC2_ACTIONS, Ec2Error};
pub use fault::{FAULT_GRAMMAR, FaultKind, FaultSpec, FaultSpecError, Faults};
pub use server::{LocalEmulator, serve};
pub use topology::{
    AcceleratorSpec, DEMO_TOPOLOGY, DestinationSpec, EndpointGroupSpec, EndpointSpec, FlowLogsSpec,
    InstanceSpec, ListenerSpec, PortRangeSpec, SubnetSpec, Topology, TopologyError,
};

pub use state::write_atomically;

use std::sync::{Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
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

/// The emulated service: all state behind one reader-writer lock. Reads (every List and
/// Describe) share it, so many clients page at once; a change holds it alone, so every change
/// a client was told about is visible to every later read.
pub struct Emulator {
    store: RwLock<store::Store>,
    /// Requests received, by operation: tests count what a client sent.
    calls: Mutex<std::collections::BTreeMap<String, u64>>,
    /// Where every accepted change is written before it is answered (`--state`).
    state: Option<Mutex<state::StateFile>>,
}

impl Emulator {
    pub fn from_topology(
        topology: &Topology,
        options: EmulatorOptions,
    ) -> Result<Self, TopologyError> {
        Ok(Self {
            store: RwLock::new(load::load(topology, options.settle)?),
            calls: Mutex::new(std::collections::BTreeMap::new()),
            state: None,
        })
    }

    /// An emulator that keeps its account in `path`: loaded from there when the file exists
    /// (whatever `seed` would give), else built from `seed` and written there at once.
    pub fn with_state(
        path: &std::path::Path,
        seed: impl FnOnce() -> Result<Topology, TopologyError>,
        options: EmulatorOptions,
    ) -> Result<Self, TopologyError> {
        let mut file = state::StateFile::new(path.to_path_buf());
        let store = if path.exists() {
            let topology = Topology::load(path)?;
            let store = load::load(&topology, options.settle)?;
            file.adopt(&store, &topology);
            store
        } else {
            let store = load::load(&seed()?, options.settle)?;
            file.save(&store)?;
            store
        };
        Ok(Self {
            store: RwLock::new(store),
            calls: Mutex::new(std::collections::BTreeMap::new()),
            state: Some(Mutex::new(file)),
        })
    }

    /// The account as a topology (what `--state` writes).
    pub fn to_topology(&self) -> Topology {
        state::topology_of(&self.read(), None)
    }

    /// Writes an accepted change to the state file, if there is one, before it is answered.
    /// A change that could not be saved is answered as an internal error: the client must not
    /// take it as kept.
    fn persist(&self, operation: &str, store: &store::Store) -> Result<(), ServiceError> {
        let Some(state) = &self.state else {
            return Ok(());
        };
        if operation.starts_with("List") || operation.starts_with("Describe") {
            return Ok(());
        }
        let mut file = state.lock().unwrap_or_else(|p| p.into_inner());
        file.save(store).map_err(|e| {
            tracing::error!("state file {}: {e}", file.path().display());
            ServiceError::new(
                "InternalServiceErrorException",
                format!("the change was made but could not be saved to the state file: {e}"),
            )
        })
    }

    // A panic while holding the lock cannot leave the store half-changed in a way later
    // calls would trip over worse than an error would, so keep serving.
    fn read(&self) -> RwLockReadGuard<'_, store::Store> {
        self.store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock(&self) -> RwLockWriteGuard<'_, store::Store> {
        self.store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies one operation (`X-Amz-Target` without the service prefix) to a JSON body and
    /// returns the JSON answer.
    pub fn handle(&self, operation: &str, body: &[u8]) -> Result<serde_json::Value, ServiceError> {
        let bytes = self.respond(operation, body)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ServiceError::new(
                "InternalServiceErrorException",
                format!("the emulator wrote an unreadable answer: {e}"),
            )
        })
    }

    /// Like `handle`, but returns the answer's body as the bytes to send.
    pub fn respond(&self, operation: &str, body: &[u8]) -> Result<Vec<u8>, ServiceError> {
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
        if ops::is_read(operation) {
            return ops::answer_read(&self.read(), operation, &request);
        }
        // The change is saved (with --state) before it is acknowledged, under the same lock.
        let mut store = self.lock();
        let answer = ops::dispatch(&mut store, operation, &request)?;
        self.persist(operation, &store)?;
        Ok(answer.to_string().into_bytes())
    }

    /// Answers one EC2 query-protocol request signed for `region`: its form-encoded parameters
    /// in, EC2's XML document out.
    pub fn handle_ec2(&self, region: &str, form: &[u8]) -> Result<Vec<u8>, Ec2Error> {
        let request_id = uuid::Uuid::new_v4().to_string();
        self.respond_ec2(region, &ec2::params(form), &request_id)
    }

    /// Like `handle_ec2`, with the parameters already decoded and the request id chosen.
    pub fn respond_ec2(
        &self,
        region: &str,
        params: &[(String, String)],
        request_id: &str,
    ) -> Result<Vec<u8>, Ec2Error> {
        if let Ok(mut calls) = self.calls.lock() {
            let action = ec2::action(params).unwrap_or_default();
            *calls.entry(action.to_string()).or_default() += 1;
        }
        ec2::answer(&self.read(), region, params, request_id)
    }

    /// How many requests each operation has received.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Every mapping the account holds (for tests and benches).
    pub fn mapping_count(&self) -> u64 {
        let store = self.read();
        store
            .groups
            .iter()
            .flat_map(|g| g.endpoints.iter().map(move |a| (g, a)))
            .map(|(g, a)| store.mappings_of(a, g))
            .sum()
    }
}
