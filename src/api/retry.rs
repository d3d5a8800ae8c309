//! Retry and error classification. The SDK's standard classifier treats LimitExceededException
//! as throttling and retries it, but here it is a real quota (a full listener): retrying only
//! delays the answer. Errors are classified by their code, never by their HTTP status alone.

use std::error::Error;

use aws_sdk_globalaccelerator::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_types::error::display::DisplayErrorContext;

use super::ApiError;

/// The service exceptions that are quotas or client mistakes even though the SDK's defaults
/// would retry them.
const NEVER_RETRIED: &[&str] = &["LimitExceededException"];

/// The `__type` of an awsJson error answer, without namespace or suffix.
fn error_code(response: &HttpResponse) -> Option<String> {
    let raw = match response.headers().get("x-amzn-errortype") {
        Some(h) => h.to_string(),
        None => {
            let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
            body.get("__type")?.as_str()?.to_string()
        }
    };
    let code = raw.split(':').next().unwrap_or(&raw);
    Some(code.rsplit('#').next().unwrap_or(code).to_string())
}

#[derive(Debug, Default)]
pub struct QuotaIsNotThrottling;

impl ClassifyRetry for QuotaIsNotThrottling {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        // Only a failed call is read for its code: parsing every successful answer (a page
        // of 20,000 mappings is 7 MB of JSON) would cost more than deserializing it.
        if !matches!(ctx.output_or_error(), Some(Err(_))) {
            return RetryAction::NoActionIndicated;
        }
        match ctx.response().and_then(error_code) {
            Some(code) if NEVER_RETRIED.contains(&code.as_str()) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "portolan: quota errors are not throttling"
    }

    /// Runs last, so its verdict overrides the SDK's error-code classifier.
    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// The innermost cause, which is the part a person can act on ("Connection refused").
fn root_cause(e: &(dyn Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn credentials_message(profile: Option<&str>) -> String {
    match profile {
        Some(p) => format!(
            "no usable AWS credentials for profile {p}: run `aws sso login --profile {p}` (or `aws configure --profile {p}`), or try portolan --demo"
        ),
        None => "no usable AWS credentials: run `aws configure` or `aws sso login`, set AWS_PROFILE, or try portolan --demo".to_string(),
    }
}

pub fn classify<E>(e: SdkError<E, HttpResponse>, profile: Option<&str>) -> ApiError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    tracing::debug!(error = %DisplayErrorContext(&e), "call failed");
    match &e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let message = err.message().unwrap_or_default().to_string();
            match err.code() {
                Some(code) => ApiError::from_code(code, message),
                None if s.raw().status().as_u16() == 429 => ApiError::Throttled(message),
                None if s.raw().status().is_server_error() => {
                    ApiError::InternalServiceError(format!("HTTP {}", s.raw().status().as_u16()))
                }
                None => ApiError::Other {
                    code: format!("HTTP {}", s.raw().status().as_u16()),
                    message,
                },
            }
        }
        SdkError::TimeoutError(_) => ApiError::Timeout("no answer within the time limit".into()),
        SdkError::ResponseError(_) => {
            ApiError::Transport("the answer was cut off or unreadable".into())
        }
        SdkError::DispatchFailure(d) if d.is_timeout() => ApiError::Timeout(root_cause(&e)),
        other => {
            let chain = DisplayErrorContext(other).to_string().to_lowercase();
            if chain.contains("sso") && chain.contains("expired") {
                let profile = profile.unwrap_or("NAME");
                ApiError::Credentials(format!(
                    "the SSO session of profile {profile} has expired: run `aws sso login --profile {profile}`, or try portolan --demo"
                ))
            } else if ["credential", "sso", "profile", "identity"]
                .iter()
                .any(|w| chain.contains(w))
            {
                ApiError::Credentials(credentials_message(profile))
            } else {
                let cause = root_cause(&e);
                if cause.to_lowercase().contains("certificate") {
                    // A TLS proxy in between: its CA is what the user has to hand over.
                    ApiError::Transport(format!(
                        "{cause} (behind a TLS-inspecting proxy, point AWS_CA_BUNDLE at its CA certificate)"
                    ))
                } else {
                    ApiError::Transport(cause)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_advice_names_the_profile_and_the_demo() {
        let m = credentials_message(Some("prod"));
        assert!(m.contains("aws sso login --profile prod") && m.contains("--demo"));
        assert!(credentials_message(None).contains("--demo"));
    }
}
