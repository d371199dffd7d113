//! [`AwsError`]: what went wrong talking to AWS, always with what we were doing and, for SDK
//! failures, the full cause chain (service code and message) rather than the SDK's bare
//! "service error".

use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use mendwork_app::ports::StoreError;

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

impl AwsError {
    /// The service error code of an SDK failure, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Sdk { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Wraps an SDK error with what we were doing, keeping its code and whole cause chain.
pub(crate) fn sdk<E>(context: impl Into<String>, err: E) -> AwsError
where
    E: std::error::Error + ProvideErrorMetadata,
{
    AwsError::Sdk {
        context: context.into(),
        code: err.code().map(str::to_string),
        cause: DisplayErrorContext(&err).to_string(),
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
        // The message already carries the context and the rendered cause chain.
        StoreError::msg(e.to_string())
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
