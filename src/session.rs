//! Turning the command line into a client: the in-process demo emulator, an endpoint URL, or
//! AWS through the standard credential chain.

use std::sync::Arc;

use crate::api::{ApiError, ClientOptions, GlobalAccelerator, SdkClient, is_loopback};
use crate::cli::Cli;
use crate::ec2::{Ec2, Ec2Client};
use crate::emulator::{Emulator, EmulatorOptions, LocalEmulator, Topology};

const DEMO_SETTLE_SECS: u64 = 3;

/// A connected client, what to call it in the header, and the in-process emulator behind it
/// for `--demo` (kept alive as long as the client is used).
pub struct Session {
    pub api: Arc<dyn GlobalAccelerator>,
    /// The profile in use, or "demo".
    pub profile: String,
    /// The endpoint when it is not AWS's own.
    pub endpoint: Option<String>,
    pub local: Option<LocalEmulator>,
    /// The EC2 client for the join (instances, subnets' CIDRs); `None` with `--no-ec2`.
    pub ec2: Option<Arc<dyn Ec2>>,
    /// Why there is no EC2 client when one was wanted (its set-up failed); said once.
    pub ec2_problem: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("the demo emulator did not start: {0}")]
    Demo(String),
    /// The set-up around the client is unusable (a CA bundle that cannot be read).
    #[error("{0}")]
    Setup(String),
}

/// The retry and timeout settings the command line asks for, over `options`.
fn tuned(cli: &Cli, mut options: ClientOptions) -> ClientOptions {
    if let Some(secs) = cli.attempt_timeout {
        options.attempt_timeout = std::time::Duration::from_secs(secs);
    }
    if let Some(secs) = cli.operation_timeout {
        options.operation_timeout = std::time::Duration::from_secs(secs);
    }
    if let Some(n) = cli.max_attempts {
        options.max_attempts = n;
    }
    options
}

pub async fn connect(cli: &Cli) -> Result<Session, SessionError> {
    if cli.demo {
        // A change keeps the accelerator IN_PROGRESS for a few seconds, as AWS does, so the
        // demo shows a change propagating.
        let options = EmulatorOptions {
            settle: std::time::Duration::from_secs(DEMO_SETTLE_SECS),
        };
        let emulator = Emulator::from_topology(&Topology::demo(), options)
            .map_err(|e| SessionError::Demo(e.to_string()))?;
        let local = LocalEmulator::start(emulator)
            .await
            .map_err(|e| SessionError::Demo(e.to_string()))?;
        let options = tuned(cli, ClientOptions::local(&local.url));
        let client = SdkClient::connect(options.clone()).await?;
        let (ec2, ec2_problem) = ec2_client(cli, &options).await;
        return Ok(Session {
            api: Arc::new(client),
            profile: "demo".into(),
            endpoint: Some("built-in emulator".into()),
            local: Some(local),
            ec2,
            ec2_problem,
        });
    }
    let profile = cli
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    let options = match &cli.endpoint_url {
        Some(url) if cli.profile.is_none() && is_loopback(url) => ClientOptions::local(url),
        _ => ClientOptions {
            profile: cli.profile.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            ..ClientOptions::default()
        },
    };
    let mut options = tuned(cli, options);
    if let Some(path) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        let shown = std::path::Path::new(&path).display().to_string();
        let pem = std::fs::read(&path)
            .map_err(|e| SessionError::Setup(format!("AWS_CA_BUNDLE={shown}: {e}")))?;
        let client = crate::api::client_trusting(&pem)
            .map_err(|e| SessionError::Setup(format!("AWS_CA_BUNDLE={shown} {e}")))?;
        options.http_client = Some(client);
    }
    let (ec2, ec2_problem) = ec2_client(cli, &options).await;
    let client = SdkClient::connect(options).await?;
    let endpoint = client.endpoint().map(str::to_string);
    Ok(Session {
        api: Arc::new(client),
        profile: profile.unwrap_or_else(|| "default".into()),
        endpoint,
        local: None,
        ec2,
        ec2_problem,
    })
}

/// The EC2 client on the same set-up, unless `--no-ec2` (or `ec2 = false`) turns the join
/// off. A set-up that fails leaves the join off and says why; Global Accelerator still works.
async fn ec2_client(cli: &Cli, options: &ClientOptions) -> (Option<Arc<dyn Ec2>>, Option<String>) {
    if cli.no_ec2 {
        return (None, None);
    }
    match Ec2Client::connect(options).await {
        Ok(client) => (Some(Arc::new(client)), None),
        Err(e) => {
            tracing::warn!("no EC2 client: {e}");
            (None, Some(format!("EC2 join off: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_endpoints_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:4000"));
        assert!(is_loopback("http://localhost:4000/"));
        assert!(is_loopback("http://[::1]:4000"));
        assert!(is_loopback("127.0.0.1"));
        assert!(!is_loopback(
            "https://globalaccelerator.us-west-2.amazonaws.com"
        ));
        assert!(!is_loopback("http://127.evil.example.com:80"));
    }
}
