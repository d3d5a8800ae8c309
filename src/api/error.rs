use thiserror::Error;

/// Every way a call can fail, classified by the service's error code so the UI can match on it.
/// Each message is one line that says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    #[error("accelerator not found: it may have been deleted; refresh the list (r)")]
    AcceleratorNotFound(String),
    #[error("accelerator is enabled: disable it before deleting")]
    AcceleratorNotDisabled(String),
    #[error("access denied: the credentials in use lack permission for this action ({0})")]
    AccessDenied(String),
    #[error("the accelerator still has listeners: delete them first")]
    AssociatedListenerFound(String),
    #[error("the listener still has endpoint groups: delete them first")]
    AssociatedEndpointGroupFound(String),
    #[error("attachment not found: {0}")]
    AttachmentNotFound(String),
    #[error("conflicting change in progress; wait for the accelerator to deploy and retry ({0})")]
    Conflict(String),
    #[error("subnet is already an endpoint of this group: {0}")]
    EndpointAlreadyExists(String),
    #[error("this listener already has an endpoint group in that region: choose another region")]
    EndpointGroupAlreadyExists(String),
    #[error("endpoint group not found: it may have been deleted; refresh the list (r)")]
    EndpointGroupNotFound(String),
    #[error("endpoint (subnet) not found in any endpoint group: check the subnet id ({0})")]
    EndpointNotFound(String),
    #[error("AWS had an internal error; retry in a moment ({0})")]
    InternalServiceError(String),
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("the page token was not accepted; reload the list from the start (r)")]
    InvalidNextToken(String),
    #[error(
        "invalid port range: ports must be 1-65535, FROM ≤ TO, and ranges must not overlap ({0})"
    )]
    InvalidPortRange(String),
    #[error(
        "a service quota was reached; retrying will not help, free capacity or raise the quota: {0}"
    )]
    LimitExceeded(String),
    #[error("listener not found: it may have been deleted; refresh the list (r)")]
    ListenerNotFound(String),
    #[error("another change to this accelerator is still in progress; wait and retry ({0})")]
    TransactionInProgress(String),
    #[error("AWS is throttling requests; slow down and retry in a few seconds")]
    Throttled(String),
    #[error("the request timed out; check the network and retry")]
    Timeout(String),
    #[error("could not reach Global Accelerator: {0}; check the network or --endpoint-url")]
    Transport(String),
    #[error("{0}")]
    Credentials(String),
    /// An error code this version does not know, with the service's own message.
    #[error("{code}: {message}")]
    Other { code: String, message: String },
}

impl ApiError {
    /// Maps a service error code (`__type`, with or without a namespace prefix) and message to
    /// a variant. Unknown codes are kept verbatim.
    pub fn from_code(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let code = code.rsplit('#').next().unwrap_or(code);
        match code {
            "AcceleratorNotFoundException" => ApiError::AcceleratorNotFound(message),
            "AcceleratorNotDisabledException" => ApiError::AcceleratorNotDisabled(message),
            "AccessDeniedException" => ApiError::AccessDenied(message),
            "AssociatedListenerFoundException" => ApiError::AssociatedListenerFound(message),
            "AssociatedEndpointGroupFoundException" => {
                ApiError::AssociatedEndpointGroupFound(message)
            }
            "AttachmentNotFoundException" => ApiError::AttachmentNotFound(message),
            "ConflictException" => ApiError::Conflict(message),
            "EndpointAlreadyExistsException" => ApiError::EndpointAlreadyExists(message),
            "EndpointGroupAlreadyExistsException" => ApiError::EndpointGroupAlreadyExists(message),
            "EndpointGroupNotFoundException" => ApiError::EndpointGroupNotFound(message),
            "EndpointNotFoundException" => ApiError::EndpointNotFound(message),
            "InternalServiceErrorException" => ApiError::InternalServiceError(message),
            "InvalidArgumentException" => ApiError::InvalidArgument(message),
            "InvalidNextTokenException" => ApiError::InvalidNextToken(message),
            "InvalidPortRangeException" => ApiError::InvalidPortRange(message),
            "LimitExceededException" => ApiError::LimitExceeded(message),
            "ListenerNotFoundException" => ApiError::ListenerNotFound(message),
            "TransactionInProgressException" => ApiError::TransactionInProgress(message),
            "ThrottlingException"
            | "Throttling"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded" => ApiError::Throttled(message),
            "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "ExpiredTokenException"
            | "ExpiredToken" => ApiError::Credentials(format!(
                "the credentials were refused ({code}): refresh them (aws sso login --profile NAME) or run with --demo"
            )),
            other => ApiError::Other {
                code: other.to_string(),
                message,
            },
        }
    }

    /// True for failures a later retry may fix by itself (throttling, timeouts, network, 5xx).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Throttled(_)
                | ApiError::Timeout(_)
                | ApiError::Transport(_)
                | ApiError::InternalServiceError(_)
        )
    }

    /// The service's exception name, for logs and `--output json` errors.
    pub fn code(&self) -> &str {
        match self {
            ApiError::AcceleratorNotFound(_) => "AcceleratorNotFoundException",
            ApiError::AcceleratorNotDisabled(_) => "AcceleratorNotDisabledException",
            ApiError::AccessDenied(_) => "AccessDeniedException",
            ApiError::AssociatedListenerFound(_) => "AssociatedListenerFoundException",
            ApiError::AssociatedEndpointGroupFound(_) => "AssociatedEndpointGroupFoundException",
            ApiError::AttachmentNotFound(_) => "AttachmentNotFoundException",
            ApiError::Conflict(_) => "ConflictException",
            ApiError::EndpointAlreadyExists(_) => "EndpointAlreadyExistsException",
            ApiError::EndpointGroupAlreadyExists(_) => "EndpointGroupAlreadyExistsException",
            ApiError::EndpointGroupNotFound(_) => "EndpointGroupNotFoundException",
            ApiError::EndpointNotFound(_) => "EndpointNotFoundException",
            ApiError::InternalServiceError(_) => "InternalServiceErrorException",
            ApiError::InvalidArgument(_) => "InvalidArgumentException",
            ApiError::InvalidNextToken(_) => "InvalidNextTokenException",
            ApiError::InvalidPortRange(_) => "InvalidPortRangeException",
            ApiError::LimitExceeded(_) => "LimitExceededException",
            ApiError::ListenerNotFound(_) => "ListenerNotFoundException",
            ApiError::TransactionInProgress(_) => "TransactionInProgressException",
            ApiError::Throttled(_) => "ThrottlingException",
            ApiError::Timeout(_) => "Timeout",
            ApiError::Transport(_) => "Transport",
            ApiError::Credentials(_) => "Credentials",
            ApiError::Other { code, .. } => code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_code_with_or_without_namespace() {
        assert_eq!(
            ApiError::from_code("LimitExceededException", "full"),
            ApiError::LimitExceeded("full".into())
        );
        assert_eq!(
            ApiError::from_code(
                "com.amazonaws.globalaccelerator#ListenerNotFoundException",
                "x"
            ),
            ApiError::ListenerNotFound("x".into())
        );
        assert!(matches!(
            ApiError::from_code("Weird", "m"),
            ApiError::Other { .. }
        ));
    }

    #[test]
    fn quota_is_not_throttling() {
        let quota = ApiError::from_code("LimitExceededException", "no free ports");
        assert!(!quota.is_transient());
        assert!(!quota.to_string().to_lowercase().contains("throttl"));
        assert!(ApiError::from_code("ThrottlingException", "").is_transient());
    }

    #[test]
    fn code_round_trips_for_service_exceptions() {
        for code in [
            "AcceleratorNotFoundException",
            "EndpointGroupAlreadyExistsException",
            "InvalidPortRangeException",
            "EndpointNotFoundException",
            "InvalidNextTokenException",
        ] {
            assert_eq!(ApiError::from_code(code, "m").code(), code);
        }
    }
}
