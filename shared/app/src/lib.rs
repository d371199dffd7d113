//! Mendwork's application layer: ports (traits in domain words) and the workflow steps that
//! run on them — the same code behind the local runner and every Lambda function.

pub mod api_keys;
pub mod archive;
pub mod deliveries;
pub mod email_html;
pub mod files;
pub mod https;
pub mod ids;
pub mod inbound;
pub mod limits;
pub mod links;
pub mod metrics;
pub mod pms;
pub mod pms_changes;
pub mod pms_import;
pub mod pms_sync;
pub mod ports;
pub mod queries;
pub mod reads;
pub mod recurring;
pub mod redact;
pub mod steps;
pub mod sweep;
pub mod webhooks;
pub mod webhooks_http;

pub use files::{FileKind, FileName, Files};
pub use ids::RandomIds;
pub use inbound::{InboundSms, SmsOutcome};
pub use limits::{RateLimits, Unlimited};
pub use links::{Claim, LinkError, LinkSigner};
pub use steps::{App, AppError, Exec, Executed};
