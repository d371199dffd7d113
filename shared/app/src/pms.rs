//! The `Pms` port: the team's property-management system (Buildium first) in domain words —
//! maintenance requests made there, read a page at a time since a cursor, and updates on one of
//! them written back idempotently. Adapters live beside it (`pms::buildium`); the workflow
//! (`pms_sync`) never knows which system it talks to.

pub mod buildium;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_domain::Status;
use serde::{Deserialize, Serialize};

/// A record in the PMS: its kind there (`resident_request`, `work_order`) and its id there.
///
/// Invariant: `kind` is lowercase letters and underscores, `id` has no `:`, so
/// [`ExternalRef::key`] is unambiguous.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExternalRef {
    pub kind: String,
    pub id: String,
}

impl ExternalRef {
    /// `<kind>:<id>`, the record's name in idempotency keys.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// Where a request stands in the PMS, in Mendwork's words: only open ones become work orders;
/// a work order already made follows the others (`pms_changes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalState {
    Open,
    /// Marked done there.
    Completed,
    /// Closed there without being done: withdrawn.
    Closed,
    /// Put off there: not to be worked on now.
    Deferred,
}

impl ExternalState {
    /// Whether there is still something for Mendwork to do for it.
    pub fn is_open(self) -> bool {
        self == ExternalState::Open
    }
}

/// One maintenance request as the PMS holds it. Nothing here is a phone or an address.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalRequest {
    pub reference: ExternalRef,
    /// The PMS's id of the property (`Property::pms_id` maps it), if it says.
    pub property: Option<String>,
    /// The PMS's id of the unit (`Property::pms_units` names it), if it says.
    pub unit: Option<String>,
    pub title: String,
    pub description: String,
    /// Who asked, as the PMS names them.
    pub requested_by: Option<String>,
    /// The PMS's id of the tenant who asked, when a tenant did: the portfolio's imported
    /// tenant with that id gives their phone and email.
    pub requester: Option<String>,
    /// The PMS's id of the vendor it assigned, when it says (a Buildium work order's
    /// `VendorId`); the portfolio's vendor with that `pms_id` is that vendor here.
    pub vendor: Option<String>,
    pub entry_permitted: Option<bool>,
    pub pets: Option<bool>,
    pub entry_notes: Option<String>,
    /// The PMS says it is its highest priority.
    pub urgent: bool,
    pub state: ExternalState,
    /// When the PMS last changed it, when it says (the pull's cursor follows it).
    pub updated_at: Option<DateTime<Utc>>,
}

/// One page of requests changed since a cursor, and where the next page starts.
#[derive(Debug, Clone, Default)]
pub struct ChangePage {
    pub requests: Vec<ExternalRequest>,
    /// Opaque; `None` on the last page.
    pub next: Option<String>,
}

/// What to write back on one request: its status and a note for the team.
///
/// Invariant: `key` identifies the change (the outbound event's id): writing the same key
/// twice leaves one note, whatever failed in between.
#[derive(Debug, Clone, PartialEq)]
pub struct PmsUpdate {
    pub key: String,
    pub reference: ExternalRef,
    /// The work order's status after the change; the adapter maps it to the PMS's own.
    pub status: Status,
    pub note: String,
    /// The PMS's id of the vendor the job is with now (the portfolio vendor's `pms_id`), when it
    /// has one: a record the PMS assigns vendors on (a Buildium work order) gets it. `None`
    /// leaves the PMS's vendor as it is.
    pub vendor: Option<String>,
}

/// Why the PMS did not do what was asked. `Retryable` errors were already retried (bounded)
/// by the adapter; the others will not go away by waiting and are the team's to fix.
#[derive(Debug, thiserror::Error)]
pub enum PmsError {
    /// 401: the credentials are wrong or revoked.
    #[error("the PMS refused the credentials (401)")]
    Unauthorized,
    /// 403: the credentials may not do this (a permission missing on the API key).
    #[error("the PMS credentials lack a permission for {0} (403)")]
    Forbidden(String),
    /// 404: the record is not there (deleted, or another account's).
    #[error("the PMS has no {0} (404)")]
    NotFound(String),
    /// 429 or 5xx, or no answer, still after the adapter's bounded retries.
    #[error("the PMS is unavailable: {0}")]
    Retryable(String),
    /// An answer that does not have the documented shape, or another refusal (400, 422…).
    #[error("the PMS answered unexpectedly: {0}")]
    Unexpected(String),
    /// This deployment holds no usable credentials for the PMS (missing or malformed where
    /// they are kept): nothing was sent. The text says where to look, never what they are.
    #[error("the PMS cannot be called: {0}")]
    NoCredentials(String),
}

/// The team's PMS.
#[async_trait]
pub trait Pms: Send + Sync {
    /// The system's name in keys and logs (`buildium`): lowercase letters.
    fn system(&self) -> &'static str;
    /// Requests created or changed on or after `since` (the PMS may return more — it may
    /// filter by day — never fewer), one page at a time: `page` is `None` for the first page,
    /// then the previous page's `next`.
    async fn changes(
        &self,
        since: DateTime<Utc>,
        page: Option<&str>,
    ) -> Result<ChangePage, PmsError>;
    /// Writes `update` on its request, once per `update.key`: an update already written
    /// (found on the request's history) is success without a second write.
    async fn push(&self, update: &PmsUpdate) -> Result<(), PmsError>;
}

/// The PMS's own records of the portfolio — properties, units, tenants, vendors — read whole
/// for the import (`pms_import`), which merges them into the portfolio file.
///
/// Invariant: `directory` returns everything or an error, never a part (a page that fails
/// fails the read), so an import never mistakes a failed page for records gone from the PMS.
#[async_trait]
pub trait PmsDirectory: Send + Sync {
    async fn directory(&self) -> Result<mendwork_domain::import::Directory, PmsError>;
}

/// The pull's cursors, one per PMS: the newest change already read.
///
/// Invariant: a cursor is moved only from the value the poll read at its start
/// ([`PmsCursors::set_cursor`] is a compare-and-set), so when two polls overlap (a slow one and
/// the next tick, or two Lambda containers) the one that finishes second writes nothing, and
/// the cursor never goes back to an older poll's view. Every adapter passes the same contract
/// tests (SQLite, and DynamoDB on moto).
#[async_trait]
pub trait PmsCursors: Send + Sync {
    async fn cursor(&self, system: &str)
    -> Result<Option<DateTime<Utc>>, crate::ports::StoreError>;
    /// Moves the cursor of `system` to `at` if it is still `read` (`None`: there is none yet);
    /// `Ok(false)`, with nothing written, when another poll moved it first.
    async fn set_cursor(
        &self,
        system: &str,
        read: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<bool, crate::ports::StoreError>;
}

/// A PMS that is connected but cannot be called: its credentials could not be read where the
/// deployment keeps them. Every call fails with [`PmsError::NoCredentials`], so a poll fails
/// loudly and each update waits in the delivery log (retried, with the reason as its last
/// answer) instead of being dropped, until the credentials are fixed.
pub struct Unavailable {
    system: &'static str,
    why: String,
}

impl Unavailable {
    /// `why` is shown in logs and the delivery log: where to look, never a credential.
    pub fn new(system: &'static str, why: impl Into<String>) -> Unavailable {
        Unavailable {
            system,
            why: why.into(),
        }
    }
}

#[async_trait]
impl Pms for Unavailable {
    fn system(&self) -> &'static str {
        self.system
    }

    async fn changes(&self, _: DateTime<Utc>, _: Option<&str>) -> Result<ChangePage, PmsError> {
        Err(PmsError::NoCredentials(self.why.clone()))
    }

    async fn push(&self, _: &PmsUpdate) -> Result<(), PmsError> {
        Err(PmsError::NoCredentials(self.why.clone()))
    }
}

#[async_trait]
impl PmsDirectory for Unavailable {
    async fn directory(&self) -> Result<mendwork_domain::import::Directory, PmsError> {
        Err(PmsError::NoCredentials(self.why.clone()))
    }
}
