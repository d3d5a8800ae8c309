//! What can go wrong talking to EC2, in the terms the app acts on: a permission to ask for,
//! credentials to fix, a service that kept throttling, or an answer that cannot be read.

use super::query::Action;

/// The longest message kept from EC2. Denials carry an "encoded authorization failure
/// message" of a few kilobytes that no screen can show and no one can read without STS.
const MAX_MESSAGE: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ec2Error {
    /// The credentials work but their policy does not allow the call.
    #[error("not allowed to call {} ({message})", action.permission())]
    UnauthorizedOperation { action: Action, message: String },
    /// EC2 refused the credentials (or none could be found): `AuthFailure`, an expired or
    /// unknown token, a request signed with a wrong clock.
    #[error("EC2 refused the credentials: {code}: {message}")]
    AuthFailure { code: String, message: String },
    /// EC2 kept throttling after every attempt the retry settings allow.
    #[error("EC2 throttled {} {attempts} times in a row ({code})", action.as_str())]
    Throttled {
        action: Action,
        code: String,
        attempts: u32,
    },
    /// An id named in the call does not exist (`InvalidSubnetID.NotFound`, …).
    #[error("{code}: {message}")]
    NotFound { code: String, message: String },
    /// EC2 rejected a parameter or filter (`InvalidParameterValue`, `InvalidFilter`, …).
    #[error("EC2 rejected the request: {code}: {message}")]
    InvalidParameter { code: String, message: String },
    /// No answer: the connection failed, timed out or was cut, after every retry.
    #[error("could not reach EC2: {0}")]
    Transport(String),
    /// An answer came but it is not one of EC2's (a proxy's page, a cut-off document).
    #[error("EC2's answer could not be read: {0}")]
    Malformed(String),
    #[error("EC2 answered {code}: {message}")]
    Other { code: String, message: String },
}

pub type Ec2Result<T> = Result<T, Ec2Error>;

impl Ec2Error {
    /// The IAM permission whose absence caused this error (`ec2:DescribeSubnets`), so the
    /// app can say once what to grant.
    pub fn missing_permission(&self) -> Option<&'static str> {
        match self {
            Self::UnauthorizedOperation { action, .. } => Some(action.permission()),
            _ => None,
        }
    }

    /// The error is about who is calling (permissions or credentials), not about this call:
    /// asking again will fail the same way until someone changes the set-up.
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self,
            Self::UnauthorizedOperation { .. } | Self::AuthFailure { .. }
        )
    }

    /// EC2's error code, when the answer had one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::UnauthorizedOperation { .. } => Some("UnauthorizedOperation"),
            Self::AuthFailure { code, .. }
            | Self::Throttled { code, .. }
            | Self::NotFound { code, .. }
            | Self::InvalidParameter { code, .. }
            | Self::Other { code, .. } => Some(code),
            Self::Transport(_) | Self::Malformed(_) => None,
        }
    }

    /// The error EC2 answered with `code` and `message` to a call of `action`.
    pub(crate) fn from_code(action: Action, code: &str, message: &str) -> Self {
        let code = code.to_string();
        let message = shortened(message);
        match code.as_str() {
            "UnauthorizedOperation" => Self::UnauthorizedOperation { action, message },
            "AuthFailure"
            | "Blocked"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"
            | "MissingAuthenticationToken"
            | "ExpiredToken"
            | "RequestExpired"
            | "OptInRequired" => Self::AuthFailure { code, message },
            c if c.ends_with("NotFound") => Self::NotFound { code, message },
            c if c.starts_with("Invalid")
                || c.starts_with("Missing")
                || c.ends_with(".Malformed")
                || c == "UnknownParameter" =>
            {
                Self::InvalidParameter { code, message }
            }
            _ => Self::Other { code, message },
        }
    }

    /// The one line for the header when some calls were refused: which permissions to grant,
    /// or that the credentials were refused. `None` when nothing was refused.
    pub fn access_summary<'a>(errors: impl IntoIterator<Item = &'a Ec2Error>) -> Option<String> {
        let mut missing: Vec<&str> = Vec::new();
        let mut refused = None;
        for e in errors {
            match e {
                Self::UnauthorizedOperation { action, .. }
                    if !missing.contains(&action.permission()) =>
                {
                    missing.push(action.permission());
                }
                Self::AuthFailure { code, .. } => refused = refused.or(Some(code.as_str())),
                _ => {}
            }
        }
        if let Some(code) = refused {
            Some(format!("EC2 refused the credentials ({code})"))
        } else if missing.is_empty() {
            None
        } else {
            missing.sort_unstable();
            Some(format!("EC2 permissions missing: {}", missing.join(", ")))
        }
    }
}

/// `message` cut to a length a header or a log line can hold.
fn shortened(message: &str) -> String {
    let message = message.trim();
    match message.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_into_what_the_app_acts_on() {
        let a = Action::DescribeSubnets;
        assert!(matches!(
            Ec2Error::from_code(a, "UnauthorizedOperation", "no"),
            Ec2Error::UnauthorizedOperation { .. }
        ));
        for code in ["AuthFailure", "RequestExpired", "OptInRequired"] {
            assert!(matches!(
                Ec2Error::from_code(a, code, ""),
                Ec2Error::AuthFailure { .. }
            ));
        }
        assert!(matches!(
            Ec2Error::from_code(a, "InvalidSubnetID.NotFound", ""),
            Ec2Error::NotFound { .. }
        ));
        for code in [
            "InvalidParameterValue",
            "InvalidFilter",
            "InvalidSubnetID.Malformed",
            "MissingParameter",
        ] {
            assert!(
                matches!(
                    Ec2Error::from_code(a, code, ""),
                    Ec2Error::InvalidParameter { .. }
                ),
                "{code}"
            );
        }
        assert!(matches!(
            Ec2Error::from_code(a, "UnsupportedOperation", ""),
            Ec2Error::Other { .. }
        ));
    }

    #[test]
    fn a_denial_names_the_permission_to_grant() {
        let e = Ec2Error::from_code(Action::DescribeInstances, "UnauthorizedOperation", "x");
        assert_eq!(e.missing_permission(), Some("ec2:DescribeInstances"));
        assert!(e.is_access_denied());
        assert!(e.to_string().contains("ec2:DescribeInstances"));
        let other = Ec2Error::from_code(Action::DescribeInstances, "InvalidFilter", "x");
        assert_eq!(other.missing_permission(), None);
        assert!(!other.is_access_denied());
    }

    #[test]
    fn the_summary_lists_each_missing_permission_once_or_says_credentials_were_refused() {
        let denied = |a| Ec2Error::from_code(a, "UnauthorizedOperation", "");
        let errors = [
            denied(Action::DescribeSubnets),
            denied(Action::DescribeInstances),
            denied(Action::DescribeSubnets),
            Ec2Error::Transport("x".into()),
        ];
        assert_eq!(
            Ec2Error::access_summary(&errors).as_deref(),
            Some("EC2 permissions missing: ec2:DescribeInstances, ec2:DescribeSubnets")
        );
        let refused = [
            denied(Action::DescribeSubnets),
            Ec2Error::from_code(Action::DescribeSubnets, "AuthFailure", ""),
        ];
        assert_eq!(
            Ec2Error::access_summary(&refused).as_deref(),
            Some("EC2 refused the credentials (AuthFailure)")
        );
        assert_eq!(
            Ec2Error::access_summary(&[Ec2Error::Transport("x".into())]),
            None
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "é".repeat(5000);
        let Ec2Error::Other { message, .. } =
            Ec2Error::from_code(Action::DescribeSubnets, "X", &long)
        else {
            panic!()
        };
        assert_eq!(message.chars().count(), MAX_MESSAGE + 1);
        assert!(message.ends_with('…'));
    }
}
