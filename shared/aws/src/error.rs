//! [`AwsError`]: what went wrong talking to AWS, always with what we were doing and, for SDK
//! failures, the full cause chain (service code and message) rather than the SDK's bare
//! "service error".

use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use mendwork_app::ports::{ConfigurationFault, StoreError};

/// An adapter failure. Every variant says which step failed; none is ever a bare SDK error.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// A required environment variable is missing or empty (the name is the variable's).
    #[error("the environment variable {0} is not set")]
    MissingEnv(&'static str),
    /// An AWS call failed. `code` is the service's error code where it sent one
    /// (e.g. `ConditionalCheckFailedException`); `cause` is the SDK error rendered with
    /// `DisplayErrorContext`, so the service message and transport causes survive.
    #[error("{context}: {cause}")]
    Sdk {
        context: String,
        code: Option<String>,
        cause: String,
    },
    /// The deployment may not do this: the service refused us as a caller (an authorization
    /// error, an account-wide stop, an unverified sender identity), not the request. Retrying
    /// cannot help until the team fixes the deployment; it reaches the workflow as a
    /// [`ConfigurationFault`] (see [`NOT_ALLOWED`]).
    #[error("{context}: {cause}")]
    NotAllowed {
        context: String,
        code: String,
        cause: String,
    },
    /// Stored or received JSON did not decode (or a value did not encode).
    #[error("{context}: {source}")]
    Json {
        context: String,
        #[source]
        source: serde_json::Error,
    },
    /// Data in the table or an event is not what this build writes or expects.
    #[error("{0}")]
    Invalid(String),
}

/// Service error codes that refuse the caller rather than the request: IAM denials (DynamoDB,
/// SES v2, Scheduler and Secrets Manager say `AccessDeniedException`, SNS `AuthorizationError`,
/// S3 `AccessDenied`), unusable credentials, a KMS key the role may not use, and SES's
/// account-wide stops. Each is a [`ConfigurationFault`] for the workflow.
pub const NOT_ALLOWED: &[&str] = &[
    "AccessDeniedException",
    "AccessDenied",
    "AuthorizationError",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "MissingAuthenticationTokenException",
    "KMSAccessDenied",
    "KMSAccessDeniedException",
    "SendingPausedException",
    "AccountSuspendedException",
    "MailFromDomainNotVerifiedException",
];

impl AwsError {
    /// The service error code of an SDK failure, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Sdk { code, .. } => code.as_deref(),
            AwsError::NotAllowed { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The configuration fault this is, if the deployment may not do what was asked.
    pub fn configuration_fault(&self) -> Option<ConfigurationFault> {
        match self {
            AwsError::NotAllowed { context, code, .. } => Some(ConfigurationFault {
                code: code.clone(),
                during: context.clone(),
            }),
            _ => None,
        }
    }
}

/// Wraps an SDK error with what we were doing, keeping its code and whole cause chain; a code
/// of [`NOT_ALLOWED`] makes it [`AwsError::NotAllowed`].
pub(crate) fn sdk<E>(context: impl Into<String>, err: E) -> AwsError
where
    E: std::error::Error + ProvideErrorMetadata,
{
    let code = err.code().map(str::to_string);
    let context = context.into();
    let cause = DisplayErrorContext(&err).to_string();
    match code {
        Some(code) if NOT_ALLOWED.contains(&code.as_str()) => AwsError::NotAllowed {
            context,
            code,
            cause,
        },
        code => AwsError::Sdk {
            context,
            code,
            cause,
        },
    }
}

pub(crate) fn json(context: impl Into<String>, source: serde_json::Error) -> AwsError {
    AwsError::Json {
        context: context.into(),
        source,
    }
}

impl From<AwsError> for StoreError {
    fn from(e: AwsError) -> Self {
        // The message already carries the context and the rendered cause chain; a
        // configuration fault rides along as the source, where the workflow looks for it.
        match e.configuration_fault() {
            Some(fault) => StoreError::new(e.to_string(), fault),
            None => StoreError::msg(e.to_string()),
        }
    }
}

/// A request that could not be built (a required field missing): a bug here, not in AWS.
pub(crate) fn build(context: impl std::fmt::Display, err: impl std::fmt::Display) -> AwsError {
    AwsError::Invalid(format!("{context}: {err}"))
}

impl From<AwsError> for mendwork_app::ports::CommitError {
    fn from(e: AwsError) -> Self {
        mendwork_app::ports::CommitError::Store(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authorization_error_reaches_the_workflow_as_a_configuration_fault() {
        let denied = AwsError::NotAllowed {
            context: "sending SMS wo-1/2/0 (vendor.offer.sms)".into(),
            code: "AuthorizationError".into(),
            cause: "service error: AuthorizationError: not authorized".into(),
        };
        assert_eq!(denied.code(), Some("AuthorizationError"));
        let store: StoreError = denied.into();
        let fault = mendwork_app::ports::configuration_fault(&store).cloned();
        assert_eq!(
            fault,
            Some(ConfigurationFault {
                code: "AuthorizationError".into(),
                during: "sending SMS wo-1/2/0 (vendor.offer.sms)".into(),
            })
        );
        let passing = AwsError::Sdk {
            context: "sending SMS wo-1/2/0".into(),
            code: Some("Throttling".into()),
            cause: "rate exceeded".into(),
        };
        let store: StoreError = passing.into();
        assert_eq!(mendwork_app::ports::configuration_fault(&store), None);
    }
}
