//! One call to EC2 on the SDK's own parts: credentials from the shared set-up (cached until
//! they are about to expire), a SigV4 signature from `aws-sigv4`, the SDK's HTTP client, and
//! the standard retry mode's rules: the same throttling and transient error codes, the same
//! status codes, exponential back-off with full jitter.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::http::{HttpConnector, SharedHttpConnector};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use http_body_util::BodyExt;

use super::error::{Ec2Error, Ec2Result};
use super::parse;
use super::query::Action;

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// The status codes the SDK retries whatever the error code.
const TRANSIENT_STATUS: &[u16] = &[500, 502, 503, 504];
/// Credentials this close to their expiry are fetched again before signing.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// How often and how patiently to try, from the shared set-up's retry configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// The first back-off after throttling; later ones double.
    pub initial_backoff: Duration,
    /// The first back-off after a server or connection failure.
    pub transient_initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Full jitter (a random fraction of each back-off), as the SDK does; off only in tests.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::from_config(&RetryConfig::standard())
    }
}

impl RetryPolicy {
    /// The SDK's standard mode with the settings of `config`; adaptive mode's client-side
    /// rate limiting is not reproduced, its retries are.
    pub fn from_config(config: &RetryConfig) -> Self {
        Self {
            max_attempts: config.max_attempts().max(1),
            initial_backoff: config.initial_backoff(),
            transient_initial_backoff: config.retry_spec().map_or(config.initial_backoff(), |s| {
                s.non_throttling_initial_backoff()
            }),
            max_backoff: config.max_backoff(),
            jitter: !config.use_static_exponential_base(),
        }
    }

    /// The wait before the next attempt after `attempts` have failed for `reason`.
    pub(crate) fn backoff(&self, reason: Retry, attempts: u32) -> Duration {
        let initial = match reason {
            Retry::Throttled => self.initial_backoff,
            Retry::Transient => self.transient_initial_backoff,
        };
        let exponential = 2_u32
            .checked_pow(attempts.saturating_sub(1))
            .map_or(self.max_backoff, |p| {
                initial.saturating_mul(p).min(self.max_backoff)
            });
        if self.jitter {
            exponential.mul_f64(rand::random::<f64>())
        } else {
            exponential
        }
    }
}

/// Why an attempt may be made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    Throttled,
    Transient,
}

/// A failed attempt, before the retry rules decide about it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// EC2 answered with an error status.
    Answer {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// No complete answer; `retryable` is false for a request that could never be sent.
    Transport { message: String, retryable: bool },
    /// Something that is not worth another attempt (no credentials, a bad URL).
    Final(Ec2Error),
}

impl Failure {
    /// Whether, and why, the standard retry mode would try again.
    pub(crate) fn retry(&self) -> Option<Retry> {
        match self {
            Failure::Answer { status, code, .. } => match code.as_deref() {
                Some(c) if THROTTLING_ERRORS.contains(&c) => Some(Retry::Throttled),
                Some(c) if TRANSIENT_ERRORS.contains(&c) => Some(Retry::Transient),
                _ if *status == 429 && code.is_none() => Some(Retry::Throttled),
                _ if TRANSIENT_STATUS.contains(status) => Some(Retry::Transient),
                _ => None,
            },
            Failure::Transport { retryable, .. } => retryable.then_some(Retry::Transient),
            Failure::Final(_) => None,
        }
    }

    /// The error to report once no more attempts will be made.
    pub(crate) fn into_error(self, action: Action, attempts: u32) -> Ec2Error {
        let retry = self.retry();
        match self {
            Failure::Answer { code, .. } if retry == Some(Retry::Throttled) => {
                Ec2Error::Throttled {
                    action,
                    code: code.unwrap_or_else(|| "HTTP 429".into()),
                    attempts,
                }
            }
            Failure::Answer {
                code: Some(code),
                message,
                ..
            } => Ec2Error::from_code(action, &code, &message),
            Failure::Answer {
                status, message, ..
            } => match status {
                401 | 403 => Ec2Error::AuthFailure {
                    code: format!("HTTP {status}"),
                    message,
                },
                _ => Ec2Error::Other {
                    code: format!("HTTP {status}"),
                    message,
                },
            },
            Failure::Transport { message, .. } => Ec2Error::Transport(message),
            Failure::Final(e) => e,
        }
    }
}

/// Credentials from the shared set-up, kept between calls as the SDK's identity cache keeps
/// them: resolving them can mean a call to STS, SSO or instance metadata.
pub(crate) struct CredentialCache {
    provider: Option<SharedCredentialsProvider>,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl CredentialCache {
    pub(crate) fn new(provider: Option<SharedCredentialsProvider>) -> Self {
        Self {
            provider,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    async fn get(&self) -> Result<Credentials, Failure> {
        let mut slot = self.cached.lock().await;
        if let Some(c) = slot.as_ref()
            && c.expiry()
                .is_none_or(|e| e > SystemTime::now() + REFRESH_BEFORE_EXPIRY)
        {
            return Ok(c.clone());
        }
        let Some(provider) = &self.provider else {
            return Err(no_credentials("no credentials provider is set up".into()));
        };
        match provider.provide_credentials().await {
            Ok(c) => {
                *slot = Some(c.clone());
                Ok(c)
            }
            Err(e) => Err(no_credentials(root_cause(&e))),
        }
    }

    /// Drops the cached credentials after EC2 refused them, so the next call asks again.
    pub(crate) async fn forget(&self) {
        *self.cached.lock().await = None;
    }
}

fn no_credentials(message: String) -> Failure {
    Failure::Final(Ec2Error::AuthFailure {
        code: "NoCredentials".into(),
        message,
    })
}

/// The innermost cause, which is the part a person can act on ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The signed POST of `body` to `url`, for `region`.
pub(crate) fn signed_request(
    url: &str,
    region: &str,
    body: &str,
    credentials: Credentials,
    time: SystemTime,
) -> Result<HttpRequest, Failure> {
    let invalid = |e: &dyn std::fmt::Display| {
        Failure::Final(Ec2Error::InvalidParameter {
            code: "InvalidEndpoint".into(),
            message: format!("cannot sign a request to {url}: {e}"),
        })
    };
    let identity: Identity = credentials.into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("ec2")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| invalid(&e))?
        .into();
    let headers = [("content-type", CONTENT_TYPE)];
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| invalid(&e))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| invalid(&e))?
        .into_parts();
    let mut request = HttpRequest::new(SdkBody::from(body.to_string()));
    request.set_method("POST").map_err(|e| invalid(&e))?;
    request.set_uri(url).map_err(|e| invalid(&e))?;
    let h = request.headers_mut();
    h.insert("content-type", CONTENT_TYPE);
    h.insert("content-length", body.len().to_string());
    h.insert(
        "user-agent",
        concat!("portolan/", env!("CARGO_PKG_VERSION"), " ec2-query"),
    );
    for (name, value) in instructions.headers() {
        h.insert(name.to_string(), value.to_string());
    }
    Ok(request)
}

/// Sends one request and reads the whole answer: `Ok` with the body of a 2xx answer.
async fn attempt(connector: &SharedHttpConnector, request: HttpRequest) -> Result<String, Failure> {
    let response = connector
        .call(request)
        .await
        .map_err(|e| Failure::Transport {
            retryable: !e.is_user(),
            message: root_cause(&e),
        })?;
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| Failure::Transport {
            message: format!("the answer was cut off ({})", root_cause(e.as_ref())),
            retryable: true,
        })?
        .to_bytes();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let (code, message) = match parse::error_of(&body) {
        Some((code, message)) => (Some(code), message),
        None => (None, String::new()),
    };
    Err(Failure::Answer {
        status,
        code,
        message,
    })
}

/// What a client needs to make calls.
pub(crate) struct Transport {
    pub(crate) connector: SharedHttpConnector,
    pub(crate) credentials: CredentialCache,
    pub(crate) retry: RetryPolicy,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) operation_timeout: Option<Duration>,
}

impl Transport {
    /// POSTs `body` for `action` to `url` in `region`, trying again as the retry policy
    /// allows; the body of EC2's successful answer.
    pub(crate) async fn call(
        &self,
        action: Action,
        url: &str,
        region: &str,
        body: &str,
    ) -> Ec2Result<String> {
        let attempts = self.attempts(action, url, region, body);
        match self.operation_timeout {
            Some(limit) => tokio::time::timeout(limit, attempts)
                .await
                .unwrap_or_else(|_| {
                    Err(Ec2Error::Transport(format!(
                        "no answer to {} within {} s",
                        action.as_str(),
                        limit.as_secs_f32()
                    )))
                }),
            None => attempts.await,
        }
    }

    async fn attempts(
        &self,
        action: Action,
        url: &str,
        region: &str,
        body: &str,
    ) -> Ec2Result<String> {
        let mut made = 0;
        loop {
            made += 1;
            let failure = match self.once(url, region, body).await {
                Ok(answer) => return Ok(answer),
                Err(f) => f,
            };
            let retry = failure.retry();
            tracing::debug!(
                action = action.as_str(),
                attempt = made,
                ?failure,
                "EC2 call failed"
            );
            match retry {
                Some(reason) if made < self.retry.max_attempts => {
                    tokio::time::sleep(self.retry.backoff(reason, made)).await;
                }
                _ => {
                    let error = failure.into_error(action, made);
                    if matches!(error, Ec2Error::AuthFailure { .. }) {
                        self.credentials.forget().await;
                    }
                    return Err(error);
                }
            }
        }
    }

    async fn once(&self, url: &str, region: &str, body: &str) -> Result<String, Failure> {
        let credentials = self.credentials.get().await?;
        let request = signed_request(url, region, body, credentials, SystemTime::now())?;
        match self.attempt_timeout {
            Some(limit) => tokio::time::timeout(limit, attempt(&self.connector, request))
                .await
                .unwrap_or_else(|_| {
                    Err(Failure::Transport {
                        message: format!("no answer within {} s", limit.as_secs_f32()),
                        retryable: true,
                    })
                }),
            None => attempt(&self.connector, request).await,
        }
    }
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
