//! The Lambda entry points of Mendwork: each turns one AWS event shape into a call of a shared
//! workflow step (`App::submit/execute/handle_sms/fire/carry_out`) and nothing more, so no
//! workflow logic forks between local mode and AWS. The binaries in `functions/<step>` build
//! the adapters once and hand every event to one of these handlers; tests invoke them directly
//! with real event shapes.

pub mod dev;
pub mod http;
pub mod load_config;
pub mod metrics;
pub mod pms;
pub mod sms;
pub mod streams;
pub mod sweeper;
pub mod timers;

pub use http::serve as http;
pub use pms::poll as pms_poll;
pub use sms::inbound as sms_inbound;
pub use streams::{dispatch, outbox};
pub use sweeper::sweep as sweeper;
pub use timers::fire as timer;

use lambda_runtime::Diagnostic;
use mendwork_app::AppError;
use mendwork_app::ports::configuration_fault;
use mendwork_aws::{Aws, AwsConfig, AwsError};
use std::error::Error as StdError;

/// Why a handler (or the start of a function) failed.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The event is not the shape this function is wired to; retrying will not help.
    #[error("the event is not what this function expects: {0}")]
    BadEvent(String),
    /// The environment the template sets is missing or wrong.
    #[error("reading the function's configuration")]
    Config(#[source] AwsError),
    #[error("connecting to AWS")]
    Connect(#[source] AwsError),
    /// Reading an outbox record from a stream record.
    #[error("reading an outbox record")]
    Outbox(#[source] AwsError),
    /// The PMS poll runs in a function that has no PMS connected (no credentials' secret).
    #[error("no PMS is connected to this function (MENDWORK_BUILDIUM_SECRET_ARN is not set)")]
    NoPms,
    /// A PMS poll failed; `credentials` when the PMS refused them or they could not be read.
    #[error("polling the PMS failed")]
    Pull {
        credentials: bool,
        #[source]
        source: mendwork_app::pms_sync::PullError,
    },
    /// The workflow step failed (storage, throttling, a rejection it could not absorb).
    #[error("{step} failed")]
    Step {
        step: &'static str,
        #[source]
        source: AppError,
    },
}

impl HandlerError {
    /// The error category Lambda records (`errorType`): `Mendwork.Configuration` for a
    /// configuration fault anywhere in the cause chain (the deployment may not do this).
    pub fn kind(&self) -> &'static str {
        if fault(self).is_some() {
            return "Mendwork.Configuration";
        }
        match self {
            HandlerError::BadEvent(_) => "Mendwork.BadEvent",
            HandlerError::Config(_) => "Mendwork.Config",
            HandlerError::Connect(_) => "Mendwork.Connect",
            HandlerError::Outbox(_) => "Mendwork.Outbox",
            HandlerError::NoPms
            | HandlerError::Pull {
                credentials: true, ..
            } => "Mendwork.Configuration",
            HandlerError::Pull { .. } => "Mendwork.Pull",
            HandlerError::Step {
                source: AppError::Store(_) | AppError::Busy(_),
                ..
            } => "Mendwork.Retryable",
            HandlerError::Step { .. } => "Mendwork.Step",
        }
    }

    pub(crate) fn step(step: &'static str) -> impl FnOnce(AppError) -> HandlerError {
        move |source| HandlerError::Step { step, source }
    }
}

impl From<HandlerError> for Diagnostic {
    fn from(e: HandlerError) -> Diagnostic {
        Diagnostic {
            error_type: e.kind().to_string(),
            error_message: chain(&e),
        }
    }
}

/// An error and all its causes on one line: `outer: cause: root cause`, with any email
/// address or phone number a service quoted replaced by a tag (logs never carry them).
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    mendwork_app::redact::chain(e)
}

/// The configuration fault behind an error, if any: the workflow's [`ConfigurationFault`]
/// (`mendwork_app::ports`) or an adapter's [`AwsError::NotAllowed`] met outside the workflow
/// (at start, reading an event).
pub fn fault(e: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(f) = configuration_fault(e) {
        return Some(f.to_string());
    }
    let mut next = Some(e);
    while let Some(cause) = next {
        if let Some(f) = cause
            .downcast_ref::<AwsError>()
            .and_then(AwsError::configuration_fault)
        {
            return Some(f.to_string());
        }
        next = cause.source();
    }
    None
}

/// Turns a handler's error into what Lambda records: `errorType` and the whole cause chain as
/// `errorMessage`. Not logged here: lambda_runtime logs every returned error once, with that
/// message. (Failures a handler absorbs, like a batch item failure, it logs itself.) A
/// configuration fault also counts in the `ConfigurationFaults` metric, whose alarm tells the
/// team once.
pub fn fail(e: HandlerError) -> Diagnostic {
    if fault(&e).is_some() {
        metrics::emit(&[(metrics::CONFIGURATION_FAULTS, 1.0, metrics::Unit::Count)]);
    }
    e.into()
}

/// A function could not start; why was logged (once, with its cause chain) by [`connect`].
#[derive(Debug, thiserror::Error)]
#[error("the function could not start: {kind} (the cause is logged above)")]
pub struct StartFailed {
    pub kind: &'static str,
}

/// Builds every adapter from the environment the template sets (once per container): the
/// functions that carry out the outbox or fire timers.
pub async fn connect() -> Result<Aws, StartFailed> {
    starting(async {
        let cfg = AwsConfig::from_env().map_err(HandlerError::Config)?;
        Aws::connect(cfg).await.map_err(HandlerError::Connect)
    })
    .await
}

/// The adapters of an HTTP function (`pm`, `desk`, `approval`): what [`http::router`] serves
/// with, no outbox delivery (the table's stream does it, see [`http`]) and no file bucket.
/// Their SDKs (SES, SNS, Scheduler, S3) are not built at cold start, nor linked into these
/// binaries.
pub async fn connect_http() -> Result<Aws, StartFailed> {
    starting(async {
        let cfg = AwsConfig::from_env().map_err(HandlerError::Config)?;
        Aws::connect_serving(cfg)
            .await
            .map_err(HandlerError::Connect)
    })
    .await
}

/// [`connect_http`] with the file bucket: the `intake` function ([`http::intake_router`]).
pub async fn connect_intake() -> Result<Aws, StartFailed> {
    starting(async {
        let cfg = AwsConfig::from_env().map_err(HandlerError::Config)?;
        Aws::connect_serving(cfg)
            .await
            .and_then(Aws::with_files)
            .map_err(HandlerError::Connect)
    })
    .await
}

/// A function's start: its failure logged once, with its cause chain, and counted when it is
/// a configuration fault.
async fn starting(
    started: impl Future<Output = Result<Aws, HandlerError>>,
) -> Result<Aws, StartFailed> {
    started.await.map_err(|e| {
        if fault(&e).is_some() {
            metrics::emit(&[(metrics::CONFIGURATION_FAULTS, 1.0, metrics::Unit::Count)]);
        }
        tracing::error!(error_type = e.kind(), error = %chain(&e), "the function could not start");
        StartFailed { kind: e.kind() }
    })
}

/// Logging as Lambda's advanced logging controls ask (`AWS_LAMBDA_LOG_FORMAT`,
/// `AWS_LAMBDA_LOG_LEVEL`, else `RUST_LOG`, else INFO), to stdout: lambda_runtime's default
/// subscriber without its `EnvFilter`, whose per-target directives nobody sets here and whose
/// regular-expression engine weighed on every binary. The level is one level (`DEBUG`,
/// `warn`…); anything else, like Lambda's `FATAL`, logs at INFO, as lambda_runtime does.
pub fn init_logging() {
    let lambda = std::env::var("AWS_LAMBDA_LOG_LEVEL").ok();
    let rust_log = std::env::var("RUST_LOG").ok();
    let level = log_level(lambda.as_deref(), rust_log.as_deref());
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let logs = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_max_level(level)
        .with_writer(std::io::stdout);
    if json {
        logs.json().init()
    } else {
        logs.init()
    }
}

/// The level [`init_logging`] logs at: Lambda's `AWS_LAMBDA_LOG_LEVEL`, else `RUST_LOG`, else
/// INFO; a value that is not one level (Lambda's `FATAL`, a per-target directive) is INFO.
pub fn log_level(
    lambda: Option<&str>,
    rust_log: Option<&str>,
) -> tracing_subscriber::filter::LevelFilter {
    use tracing_subscriber::filter::LevelFilter;
    lambda
        .or(rust_log)
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO)
}

#[cfg(test)]
mod tests {
    use super::log_level;
    use tracing_subscriber::filter::LevelFilter;

    #[test]
    fn lambdas_log_level_wins_and_anything_but_one_level_logs_at_info() {
        assert_eq!(log_level(Some("DEBUG"), Some("error")), LevelFilter::DEBUG);
        assert_eq!(log_level(None, Some("warn")), LevelFilter::WARN);
        assert_eq!(log_level(Some("FATAL"), None), LevelFilter::INFO);
        assert_eq!(log_level(None, Some("mendwork=debug")), LevelFilter::INFO);
        assert_eq!(log_level(None, None), LevelFilter::INFO);
    }
}
