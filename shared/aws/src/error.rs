//! [`AwsError`]: what went wrong talking to AWS, always with what we were doing and, for SDK
//! failures, the full cause chain (service code and message) rather than the SDK's bare
//! "service error".

use aws_sdk_dynamodb::error::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use mendwork_app::ports::{ConfigurationFault, StoreError, StoreErrorKind};

/// An adapter failure. Every variant says which step failed; none is ever a bare SDK error.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// A required environment variable is missing or empty (the name is the variable's).
    #[error("the environment variable {0} is not set")]
    MissingEnv(&'static str),
    /// An AWS call failed. `code` is the service's error code where it sent one
    /// (e.g. `ConditionalCheckFailedException`); `cause` is the SDK error rendered with
    /// `DisplayErrorContext`, so the service message and transport causes survive; `kind` is
    /// what it means for the caller, decided once by [`sdk`] (see [`kind_of_code`]).
    #[error("{context}: {cause}")]
    Sdk {
        context: String,
        kind: StoreErrorKind,
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

/// Service error codes that refuse for rate: retrying in a few seconds should work. DynamoDB
/// says `ProvisionedThroughputExceededException`, `ThrottlingException` and
/// `RequestLimitExceeded`; SNS `Throttling` and `ThrottledException`; S3 `SlowDown`; SES v2 and
/// Scheduler `TooManyRequestsException`.
pub const THROTTLED: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
];

/// Service error codes that say the service failed on its side or did not answer in time:
/// retrying in a few seconds may work.
pub const UNAVAILABLE: &[&str] = &[
    "InternalServerError",
    "InternalServerException",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
];

/// Service error codes that say a resource the deployment expects (a table, a bucket, a
/// schedule group) does not exist.
pub const NOT_FOUND: &[&str] = &[
    "ResourceNotFoundException",
    "NoSuchBucket",
    "NoSuchKey",
    "NotFound",
    "NotFoundException",
];

/// What a service error code means for the caller; codes nobody listed are `Other`.
pub fn kind_of_code(code: &str) -> StoreErrorKind {
    if THROTTLED.contains(&code) {
        StoreErrorKind::Throttled
    } else if UNAVAILABLE.contains(&code) {
        StoreErrorKind::Unavailable
    } else if NOT_FOUND.contains(&code) {
        StoreErrorKind::NotFound
    } else {
        StoreErrorKind::Other
    }
}

/// What an SDK failure means for the caller. A request that timed out, could not be sent
/// (connection refused or reset, DNS, TLS) or got an unreadable answer (a proxy's error page, a
/// cut-off body) never reached a verdict from the service: the service is unavailable. A
/// service error is judged by its code.
pub fn kind_of<E, R>(err: &SdkError<E, R>) -> StoreErrorKind
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            StoreErrorKind::Unavailable
        }
        SdkError::ServiceError(_) => err.code().map_or(StoreErrorKind::Other, kind_of_code),
        _ => StoreErrorKind::Other,
    }
}

/// Whether a DynamoDB transaction was cancelled because an item in it was throttled (its
/// cancellation reason, not the exception's code, says so).
pub fn throttled_reason(reason: Option<&str>) -> bool {
    matches!(
        reason,
        Some("ThrottlingError" | "ProvisionedThroughputExceeded")
    )
}

impl AwsError {
    /// The same SDK failure, known to be throttling (from a detail [`kind_of`] cannot see).
    pub(crate) fn throttled(self) -> AwsError {
        match self {
            AwsError::Sdk {
                context,
                code,
                cause,
                ..
            } => AwsError::Sdk {
                context,
                kind: StoreErrorKind::Throttled,
                code,
                cause,
            },
            other => other,
        }
    }

    /// What this failure means for the caller.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            AwsError::Sdk { kind, .. } => *kind,
            AwsError::Json { .. } | AwsError::Invalid(_) => StoreErrorKind::InvalidData,
            AwsError::MissingEnv(_) | AwsError::NotAllowed { .. } => StoreErrorKind::Other,
        }
    }

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

/// Sends a conditional put: `Ok(true)` when it was written, `Ok(false)` when its condition did
/// not hold (another writer got there first — an answer, not a failure), any other failure as
/// an error with `context`.
pub(crate) async fn put_if_holds(
    put: aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder,
    context: impl Into<String>,
) -> Result<bool, AwsError> {
    match put.send().await {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(
                    aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(_)
                )
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(sdk(context, e)),
    }
}

/// Wraps an SDK error with what we were doing, keeping its code and whole cause chain; a code
/// of [`NOT_ALLOWED`] makes it [`AwsError::NotAllowed`], any other is classified by [`kind_of`].
pub(crate) fn sdk<E, R>(context: impl Into<String>, err: SdkError<E, R>) -> AwsError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    let kind = kind_of(&err);
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
            kind,
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
        let store = match e.configuration_fault() {
            Some(fault) => StoreError::new(e.to_string(), fault),
            None => StoreError::of(e.kind(), e.to_string()),
        };
        match e.code() {
            Some(code) => store.with_code(code),
            None => store,
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
            kind: StoreErrorKind::Throttled,
            code: Some("Throttling".into()),
            cause: "rate exceeded".into(),
        };
        let store: StoreError = passing.into();
        assert_eq!(mendwork_app::ports::configuration_fault(&store), None);
    }

    use aws_sdk_dynamodb::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_dynamodb::operation::get_item::GetItemError;
    use aws_sdk_dynamodb::types::error::ProvisionedThroughputExceededException;

    /// A service error as the SDK hands it over: the parsed error with its metadata (the raw
    /// response plays no part in the mapping, so a unit stands in for it).
    fn service(code: &str) -> SdkError<GetItemError, ()> {
        let meta = ErrorMetadata::builder()
            .code(code)
            .message("the service's own words")
            .build();
        SdkError::service_error(GetItemError::generic(meta), ())
    }

    fn stored(err: SdkError<GetItemError, ()>) -> StoreError {
        sdk("reading wo-1", err).into()
    }

    #[test]
    fn throttling_codes_become_throttled_store_errors_that_keep_the_code() {
        let typed = ProvisionedThroughputExceededException::builder()
            .message("The level of configured provisioned throughput for the table was exceeded")
            .meta(
                ErrorMetadata::builder()
                    .code("ProvisionedThroughputExceededException")
                    .build(),
            )
            .build();
        let typed = SdkError::service_error(
            GetItemError::ProvisionedThroughputExceededException(typed),
            (),
        );
        let e = stored(typed);
        assert_eq!(e.kind(), StoreErrorKind::Throttled);
        assert_eq!(e.code(), Some("ProvisionedThroughputExceededException"));
        assert!(e.is_passing());
        assert!(
            e.failure().context.starts_with("reading wo-1: "),
            "{}",
            e.failure().context
        );
        for code in [
            "ThrottlingException",
            "RequestLimitExceeded",
            "Throttling",
            "TooManyRequestsException",
            "SlowDown",
        ] {
            let e = stored(service(code));
            assert_eq!((code, e.kind()), (code, StoreErrorKind::Throttled));
            assert_eq!(e.code(), Some(code));
        }
    }

    #[test]
    fn server_side_failures_timeouts_and_dispatch_failures_are_unavailable() {
        for code in [
            "InternalServerError",
            "ServiceUnavailable",
            "InternalFailure",
        ] {
            let e = stored(service(code));
            assert_eq!((code, e.kind()), (code, StoreErrorKind::Unavailable));
            assert_eq!(e.code(), Some(code));
        }
        let timeout = stored(SdkError::timeout_error("the operation timed out"));
        assert_eq!(timeout.kind(), StoreErrorKind::Unavailable);
        assert_eq!(timeout.code(), None);
        let refused = ConnectorError::io(Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        )));
        let dispatch = stored(SdkError::dispatch_failure(refused));
        assert_eq!(dispatch.kind(), StoreErrorKind::Unavailable);
        assert!(dispatch.is_passing());
        let slow = ConnectorError::timeout("read timed out".into());
        assert_eq!(
            stored(SdkError::dispatch_failure(slow)).kind(),
            StoreErrorKind::Unavailable
        );
    }

    #[test]
    fn other_failures_are_not_passing() {
        let missing = stored(service("ResourceNotFoundException"));
        assert_eq!(missing.kind(), StoreErrorKind::NotFound);
        assert!(!missing.is_passing());
        let invalid = stored(service("ValidationException"));
        assert_eq!(invalid.kind(), StoreErrorKind::Other);
        assert_eq!(invalid.code(), Some("ValidationException"));
        let built = stored(SdkError::construction_failure("no key"));
        assert_eq!(built.kind(), StoreErrorKind::Other);
        let denied = stored(service("AccessDeniedException"));
        assert_eq!(denied.kind(), StoreErrorKind::Other);
        assert_eq!(denied.code(), Some("AccessDeniedException"));
        assert!(mendwork_app::ports::configuration_fault(&denied).is_some());
        let undecodable = serde_json::from_str::<u32>("{").expect_err("not a number");
        let e: StoreError = json("decoding wo-1", undecodable).into();
        assert_eq!(e.kind(), StoreErrorKind::InvalidData);
        let e: StoreError = AwsError::Invalid("a work order without a status".into()).into();
        assert_eq!(e.kind(), StoreErrorKind::InvalidData);
    }

    #[test]
    fn a_transaction_cancelled_by_throttling_is_throttled() {
        assert!(throttled_reason(Some("ThrottlingError")));
        assert!(throttled_reason(Some("ProvisionedThroughputExceeded")));
        assert!(!throttled_reason(Some("ConditionalCheckFailed")));
        assert!(!throttled_reason(None));
        let cancelled = sdk(
            "committing version 2 of wo-1",
            service("TransactionCanceledException"),
        );
        assert_eq!(cancelled.kind(), StoreErrorKind::Other);
        let e: StoreError = cancelled.throttled().into();
        assert_eq!(e.kind(), StoreErrorKind::Throttled);
        assert_eq!(e.code(), Some("TransactionCanceledException"));
    }
}
