//! How the SDK client is set up: retries, timeouts, credentials for a local endpoint, the
//! endpoint the AWS set-up names, and extra trusted roots for a TLS-inspecting proxy.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_sdk_globalaccelerator::Client;
use aws_sdk_globalaccelerator::config::Region;

use super::retry::QuotaIsNotThrottling;
use super::{ApiError, SdkClient};

/// Global Accelerator's control plane answers in us-west-2 only, whatever region a profile names.
pub const CONTROL_PLANE_REGION: &str = "us-west-2";

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
    /// First retry delay; later ones back off exponentially with jitter.
    pub initial_backoff: Duration,
    pub connect_timeout: Duration,
    pub attempt_timeout: Duration,
    pub operation_timeout: Duration,
    /// The HTTP client to use instead of the SDK's default (one that also trusts the
    /// certificates of `AWS_CA_BUNDLE`).
    pub http_client: Option<aws_smithy_runtime_api::client::http::SharedHttpClient>,
}

impl Default for ClientOptions {
    /// Three attempts (the SDK's standard), each cut at 10 s, the whole call at 30 s: long
    /// enough for a 20,000-row page over a slow link, short enough that an incident screen
    /// never waits on a dead connection for minutes.
    fn default() -> Self {
        Self {
            profile: None,
            endpoint_url: None,
            dummy_credentials: false,
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(30),
            http_client: None,
        }
    }
}

impl ClientOptions {
    /// Options for a local endpoint (the emulator): dummy credentials, no credential chain,
    /// short back-off.
    pub fn local(endpoint_url: impl Into<String>) -> Self {
        Self {
            endpoint_url: Some(endpoint_url.into()),
            dummy_credentials: true,
            initial_backoff: Duration::from_millis(20),
            ..Self::default()
        }
    }
}

/// The fixed credentials for an endpoint on this machine.
pub fn dummy_credentials() -> Credentials {
    Credentials::new(
        "AKIDPORTOLANLOCAL",
        "portolan-local",
        None,
        None,
        "portolan",
    )
}

/// The endpoint the SDK will call when it is not AWS's own, resolved as the SDK and the AWS
/// CLI resolve it: `AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR`, then `AWS_ENDPOINT_URL`, then the
/// profile's `endpoint_url` (its `[services]` section included).
fn configured_endpoint(shared: &aws_types::SdkConfig) -> Option<String> {
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id("Global Accelerator")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    shared
        .service_config()
        .and_then(|c| c.load_config(key))
        .or_else(|| shared.endpoint_url().map(str::to_string))
}

/// An HTTPS client that trusts the system's roots and every certificate in `pem` (a
/// corporate proxy's CA, as `AWS_CA_BUNDLE` names it). The bundle is checked here: the SDK's
/// TLS set-up would panic on one it cannot read.
pub fn client_trusting(
    pem: &[u8],
) -> Result<aws_smithy_runtime_api::client::http::SharedHttpClient, String> {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate bundle ({e})"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    let mut roots = rustls::RootCertStore::empty();
    for (i, cert) in certs.into_iter().enumerate() {
        roots
            .add(cert)
            .map_err(|e| format!("certificate {} is not usable as a root ({e})", i + 1))?;
    }
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::default().with_pem_certificate(pem))
        .build()
        .map_err(|e| e.to_string())?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https())
}

/// An endpoint on this machine is an emulator or a test double: it needs no real
/// credentials.
pub fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "localhost" | "[::1]")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The shared AWS set-up both clients start from: the profile, credentials, retries and
/// timeouts of `options`, and the endpoint and HTTP client it names. EC2's client is built
/// from the same one, so the two never disagree about who is calling or how hard to try.
pub async fn shared_config(options: &ClientOptions) -> aws_types::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(options.max_attempts.max(1))
                .with_initial_backoff(options.initial_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.connect_timeout)
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.operation_timeout)
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if options.dummy_credentials {
        loader = loader
            .credentials_provider(dummy_credentials())
            .region(Region::new(CONTROL_PLANE_REGION));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(http) = &options.http_client {
        loader = loader.http_client(http.clone());
    }
    loader.load().await
}

/// Whether calls to `endpoint` should go out with the fixed local credentials: it is on this
/// machine (an emulator needs none) and the set-up has no usable ones. Real ones are used
/// when there are some.
pub async fn needs_local_credentials(
    shared: &aws_types::SdkConfig,
    options: &ClientOptions,
    endpoint: Option<&str>,
) -> bool {
    if options.dummy_credentials || !endpoint.is_some_and(is_loopback) {
        return false;
    }
    use aws_credential_types::provider::ProvideCredentials;
    match shared.credentials_provider() {
        Some(provider) => provider.provide_credentials().await.is_err(),
        None => true,
    }
}

impl SdkClient {
    pub async fn connect(options: ClientOptions) -> Result<Self, ApiError> {
        let shared = shared_config(&options).await;
        let endpoint = options
            .endpoint_url
            .clone()
            .or_else(|| configured_endpoint(&shared));
        let mut config = aws_sdk_globalaccelerator::config::Builder::from(&shared)
            .retry_classifier(QuotaIsNotThrottling);
        if options.endpoint_url.is_none() || shared.region().is_none() {
            config = config.region(Region::new(CONTROL_PLANE_REGION));
        }
        // A profile or variable pointing at an emulator on this machine works without
        // credentials, as `--endpoint-url` does.
        if needs_local_credentials(&shared, &options, endpoint.as_deref()).await {
            config = config.credentials_provider(dummy_credentials());
        }
        let profile = options
            .profile
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        Ok(Self {
            client: Client::from_conf(config.build()),
            profile,
            endpoint,
        })
    }
}
