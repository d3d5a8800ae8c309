//! `SdkClient`: the trait implemented over `aws-sdk-globalaccelerator`.

use std::time::Duration;

use super::ApiError;

/// How to reach the service and how hard to try.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Named profile from the AWS config files (`--profile`); `None` uses the default chain.
    pub profile: Option<String>,
    /// Talk to this endpoint instead of AWS (`--endpoint-url`, the emulator).
    pub endpoint_url: Option<String>,
    /// Use fixed dummy credentials and skip the credential chain (demo and tests), so nothing
    /// probes instance metadata.
    pub dummy_credentials: bool,
    /// Total attempts per call, first one included.
    pub max_attempts: u32,
    pub attempt_timeout: Duration,
    pub operation_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            profile: None,
            endpoint_url: None,
            dummy_credentials: false,
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
        }
    }
}

impl ClientOptions {
    /// Options for a local endpoint (the emulator): dummy credentials, no credential chain.
    pub fn local(endpoint_url: impl Into<String>) -> Self {
        Self {
            endpoint_url: Some(endpoint_url.into()),
            dummy_credentials: true,
            ..Self::default()
        }
    }
}

pub struct SdkClient {
    _private: (),
}

impl SdkClient {
    pub async fn connect(options: ClientOptions) -> Result<Self, ApiError> {
        let _ = options;
        Err(ApiError::Transport("SdkClient is not built yet".into()))
    }
}
