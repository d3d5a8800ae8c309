//! Every fault kind of the emulator, seen through the real `SdkClient`: what the caller gets,
//! and that the client recovers once the fault stops.

use std::sync::Arc;
use std::time::{Duration, Instant};

use portolan::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient};
use portolan::emulator::{Emulator, EmulatorOptions, Faults, LocalEmulator, Topology};

const SMALL: &str = include_str!("fixtures/small.toml");

struct Env {
    api: SdkClient,
    faults: Arc<Faults>,
    _server: LocalEmulator,
}

async fn start(max_attempts: u32, attempt: Duration) -> Env {
    let topology = Topology::parse(SMALL, "small").unwrap();
    let emulator = Emulator::from_topology(&topology, EmulatorOptions::default()).unwrap();
    let faults = Arc::new(Faults::new(11));
    let server = LocalEmulator::start_with_faults(emulator, Arc::clone(&faults))
        .await
        .unwrap();
    let mut options = ClientOptions::local(&server.url);
    options.max_attempts = max_attempts;
    options.initial_backoff = Duration::from_millis(10);
    options.attempt_timeout = attempt;
    options.operation_timeout = attempt * (max_attempts + 1);
    let api = SdkClient::connect(options).await.unwrap();
    Env {
        api,
        faults,
        _server: server,
    }
}

impl Env {
    fn fault(&self, spec: &str) {
        self.faults.add(spec.parse().unwrap());
    }

    async fn list(&self) -> Result<usize, ApiError> {
        self.api
            .list_accelerators(100, None)
            .await
            .map(|p| p.items.len())
    }
}

#[tokio::test]
async fn throttling_that_persists_is_reported_as_throttling() {
    let env = start(2, Duration::from_secs(5)).await;
    env.fault("ListCustomRoutingAccelerators:throttle");
    let r = env.list().await;
    assert!(matches!(r, Err(ApiError::Throttled(_))), "{r:?}");
    assert!(r.unwrap_err().is_transient());
    env.faults.clear();
    assert_eq!(env.list().await.unwrap(), 3);
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error_then_recovers() {
    let env = start(1, Duration::from_secs(5)).await;
    env.fault("*:reset");
    let r = env.list().await;
    assert!(matches!(r, Err(ApiError::Transport(_))), "{r:?}");
    env.faults.clear();
    assert_eq!(env.list().await.unwrap(), 3);
}

#[tokio::test]
async fn a_reset_that_fires_once_is_retried_away() {
    let env = start(3, Duration::from_secs(5)).await;
    env.fault("ListCustomRoutingAccelerators:reset#1");
    assert_eq!(env.list().await.unwrap(), 3);
}

#[tokio::test]
async fn a_truncated_body_is_an_error_not_a_short_list() {
    let env = start(1, Duration::from_secs(5)).await;
    env.fault("ListCustomRoutingAccelerators:truncate");
    let r = env.list().await;
    assert!(r.is_err(), "a cut body must not parse as a page: {r:?}");
    env.faults.clear();
    assert_eq!(env.list().await.unwrap(), 3);
}

#[tokio::test]
async fn latency_beyond_the_attempt_timeout_is_a_timeout() {
    let env = start(1, Duration::from_millis(300)).await;
    env.fault("ListCustomRoutingAccelerators:latency=3s");
    let started = Instant::now();
    let r = env.list().await;
    assert!(matches!(r, Err(ApiError::Timeout(_))), "{r:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the client gave up before the emulator answered"
    );
}

#[tokio::test]
async fn an_injected_exception_arrives_as_its_own_kind() {
    let env = start(1, Duration::from_secs(5)).await;
    env.fault("ListCustomRoutingAccelerators:error=AccessDeniedException");
    let r = env.list().await;
    assert!(matches!(r, Err(ApiError::AccessDenied(_))), "{r:?}");
}
