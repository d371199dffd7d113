//! Ports: what the workflow steps need from the world, in domain words. AWS adapters and
//! embedded adapters implement the same traits; the steps never know which.

use crate::queries::{Listing, Page, PageKey};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_domain::booking::CalendarChange;
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    Effect, EmailMessage, JobCode, Phone, Portfolio, PropertyId, SmsMessage, Status, TemplateId,
    TimerKind, VendorId, Visit, VisitId, WorkOrder, WorkOrderId,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A storage failure (I/O, corruption, throttling): the input was fine. The variant says what
/// a caller can do about it; each keeps the [`Failure`]: what was being done, the service's own
/// error code where there was one (e.g. `ProvisionedThroughputExceededException`, `SQLITE_BUSY`),
/// for logs and metrics, never for people, and the cause.
///
/// Invariant: the variant is decided once, by the adapter that saw the failure (the AWS adapters
/// map SDK errors in one place, the SQLite adapter its busy and locked errors);
/// [`StoreError::new`] and [`StoreError::msg`] make `Other`. Conflicts of a commit are
/// [`CommitError`]s and refusals of the deployment [`ConfigurationFault`]s, not variants.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store refused for rate (throttled, over its provisioned throughput): retrying in a
    /// few seconds should work.
    #[error(transparent)]
    Throttled(Failure),
    /// The store could not be reached, failed on its side (a timeout, a connection failure, a
    /// 5xx) or was busy (another writer held its lock): retrying in a few seconds may work.
    #[error(transparent)]
    Unavailable(Failure),
    /// A table, bucket or other resource the deployment expects does not exist.
    #[error(transparent)]
    NotFound(Failure),
    /// Stored data is not what this build reads or writes (undecodable, unexpected shape).
    #[error(transparent)]
    InvalidData(Failure),
    /// Anything else: a bug, or a failure nobody classified.
    #[error(transparent)]
    Other(Failure),
}

/// What a [`StoreError`] carries whatever its variant. Shown as its context alone; the cause
/// is its source.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct Failure {
    /// What was being done (no addresses or numbers).
    pub context: String,
    /// The service's error code, where it sent one.
    pub code: Option<String>,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// Which variant a [`StoreError`] is, without its data: for adapters that decide the kind
/// before they have the rest (an SDK error's code), and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    Throttled,
    Unavailable,
    NotFound,
    InvalidData,
    Other,
}

impl StoreError {
    /// An unclassified failure with its cause.
    pub fn new(
        context: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::of(StoreErrorKind::Other, context).with_source(source)
    }
    /// An unclassified failure described in words only.
    pub fn msg(context: impl Into<String>) -> Self {
        StoreError::of(StoreErrorKind::Other, context)
    }
    /// A failure of a known kind, described in words only.
    pub fn of(kind: StoreErrorKind, context: impl Into<String>) -> Self {
        let failure = Failure {
            context: context.into(),
            code: None,
            source: None,
        };
        match kind {
            StoreErrorKind::Throttled => StoreError::Throttled(failure),
            StoreErrorKind::Unavailable => StoreError::Unavailable(failure),
            StoreErrorKind::NotFound => StoreError::NotFound(failure),
            StoreErrorKind::InvalidData => StoreError::InvalidData(failure),
            StoreErrorKind::Other => StoreError::Other(failure),
        }
    }
    /// The same failure, with the service's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.failure_mut().code = Some(code.into());
        self
    }
    /// The same failure, with its cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.failure_mut().source = Some(Box::new(source));
        self
    }
    /// Which variant this is.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            StoreError::Throttled(_) => StoreErrorKind::Throttled,
            StoreError::Unavailable(_) => StoreErrorKind::Unavailable,
            StoreError::NotFound(_) => StoreErrorKind::NotFound,
            StoreError::InvalidData(_) => StoreErrorKind::InvalidData,
            StoreError::Other(_) => StoreErrorKind::Other,
        }
    }
    /// What every variant carries.
    pub fn failure(&self) -> &Failure {
        match self {
            StoreError::Throttled(f)
            | StoreError::Unavailable(f)
            | StoreError::NotFound(f)
            | StoreError::InvalidData(f)
            | StoreError::Other(f) => f,
        }
    }
    fn failure_mut(&mut self) -> &mut Failure {
        match self {
            StoreError::Throttled(f)
            | StoreError::Unavailable(f)
            | StoreError::NotFound(f)
            | StoreError::InvalidData(f)
            | StoreError::Other(f) => f,
        }
    }
    /// The service's error code, where it sent one.
    pub fn code(&self) -> Option<&str> {
        self.failure().code.as_deref()
    }
    /// Whether it is passing: the store is throttled or unavailable, and the same request a
    /// few seconds later may well succeed.
    pub fn is_passing(&self) -> bool {
        matches!(self, StoreError::Throttled(_) | StoreError::Unavailable(_))
    }
}

/// The deployment may not (or is not set up to) do what the workflow asks: a service's
/// authorization error (`AccessDenied…`), an account-wide stop, an email sender identity not
/// verified. Not a passing failure — retrying cannot help until the team fixes the deployment —
/// so the work is parked (left pending for the sweeper, which tries again) instead of holding
/// up the records behind it, and the team is told once (an alarm), not once per message.
/// Adapters report it as the source of a [`StoreError`]; see [`configuration_fault`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a configuration fault ({code}) while {during}")]
pub struct ConfigurationFault {
    /// The service's error code, e.g. `AccessDeniedException`.
    pub code: String,
    /// What was being done, without addresses or numbers.
    pub during: String,
}

/// The configuration fault behind an error, if its cause chain has one.
pub fn configuration_fault<'e>(
    e: &'e (dyn std::error::Error + 'static),
) -> Option<&'e ConfigurationFault> {
    let mut next = Some(e);
    while let Some(cause) = next {
        if let Some(fault) = cause.downcast_ref::<ConfigurationFault>() {
            return Some(fault);
        }
        next = cause.source();
    }
    None
}

/// Why a commit did not happen. Nothing of it was written.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Someone else changed the work order since it was read: read again and decide again.
    #[error("work order {0} changed concurrently")]
    Conflict(WorkOrderId),
    /// The idempotency key was already used: this input was handled before.
    #[error("already handled: {0}")]
    Duplicate(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A work order as stored, with the version its next commit must expect.
#[derive(Debug, Clone)]
pub struct Stored {
    pub wo: WorkOrder,
    pub version: u64,
}

/// One effect waiting in (or carried out from) the outbox.
///
/// Invariant: `id` is deterministic (`<wo id>/<version>/<index>`), so carrying it out twice is
/// detectable by the adapters, which must treat a repeated id as already done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRecord {
    pub id: String,
    pub work_order: Option<WorkOrderId>,
    pub effect: Effect,
    pub created_at: DateTime<Utc>,
}

/// Everything one transition writes, atomically: the work order (only if its stored version
/// is still `expected_version`; 0 means "must not exist yet"), its timeline events, its outbox
/// records, the visit projection, the idempotency record and the vendor bookings it changes.
#[derive(Debug, Clone)]
pub struct Commit {
    pub wo: WorkOrder,
    pub expected_version: u64,
    pub events: Vec<Recorded>,
    pub outbox: Vec<OutboxRecord>,
    /// Written with the commit, with the work order's id as its value; a second commit with
    /// the same key fails with `Duplicate`.
    pub idempotency_key: Option<String>,
    /// The booking this commit gives up and the one it takes
    /// ([`CalendarChange::between`] the stored and the new work order). The store checks the
    /// one it takes against the vendor's other bookings in the same atomic write: when it
    /// clashes (another work order booked that time since `decide` looked), nothing is written
    /// and the commit fails with `Conflict`, so the step reads and decides again — and the
    /// loser of a race gets `decide`'s "already booked" answer instead of a double booking.
    pub calendar: CalendarChange,
    /// What the commit adds to the metrics projection ([`mendwork_domain::metrics::deltas`]
    /// of the stored and the new work order), written in the same atomic write: added to the
    /// rows it names (rows created as needed). Empty for most commits.
    pub metrics: Vec<mendwork_domain::metrics::MetricRow>,
}

/// Which work orders to list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub property: Option<PropertyId>,
    /// Only work orders that are not closed or cancelled.
    pub open_only: bool,
    pub limit: Option<usize>,
}

/// A tenant's past work orders, found by phone: how a text from a known tenant is recognised.
/// Narrow on purpose: the SMS step needs nothing else of a tenant's history.
#[async_trait]
pub trait TenantHistory: Send + Sync {
    /// The `limit` newest work orders, open or closed, whose tenant phone is `phone` (E.164, as
    /// [`Phone::parse`] normalises it), newest first (`created_at` descending, then id).
    async fn latest_for_tenant_phone(
        &self,
        phone: &Phone,
        limit: usize,
    ) -> Result<Vec<WorkOrder>, StoreError>;
}

/// Work orders one at a time: what a workflow step reads before it decides, and the atomic
/// write of what it decided. Lookups, the outbox, keys, visits and opt-outs are ports of their
/// own ([`Lookups`], [`Outbox`], [`Keys`], [`Visits`], [`OptOuts`]), so each caller names only
/// what it uses; the store adapters implement them all ([`Store`]).
#[async_trait]
pub trait WorkOrders: Send + Sync {
    async fn load(&self, id: &WorkOrderId) -> Result<Option<Stored>, StoreError>;
    /// The work order's events, oldest first.
    async fn timeline(&self, id: &WorkOrderId) -> Result<Vec<Recorded>, StoreError>;
    /// Writes everything of one transition atomically, or nothing (see [`Commit`]).
    async fn commit(&self, commit: Commit) -> Result<(), CommitError>;
}

/// Work orders found by what an inbound message or a check knows of them: a vendor, a phone,
/// a job code; and a vendor's bookings. Pages people browse are [`WorkOrderQueries`].
#[async_trait]
pub trait Lookups: TenantHistory + Send + Sync {
    /// Newest first.
    async fn list(&self, filter: &ListFilter) -> Result<Vec<WorkOrder>, StoreError>;
    /// Open work orders where this vendor holds the offer or the assignment.
    async fn open_for_vendor(&self, vendor: &VendorId) -> Result<Vec<WorkOrder>, StoreError>;
    /// Open work orders whose tenant has this phone.
    async fn open_for_tenant_phone(&self, phone: &Phone) -> Result<Vec<WorkOrder>, StoreError>;
    /// The open work order with this job code, if any.
    async fn open_by_code(&self, code: &JobCode) -> Result<Option<WorkOrder>, StoreError>;
    /// The vendor's bookings (`mendwork_domain::booking::booking` of each of its work orders),
    /// for `decide`'s double-booking check; the commit re-checks atomically.
    async fn vendor_appointments(
        &self,
        vendor: &VendorId,
    ) -> Result<Vec<(WorkOrderId, mendwork_domain::Window)>, StoreError>;
}

/// The outbox: effects committed with the state that caused them, carried out afterwards.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Records `key → value` with outbox records that belong to no work order (SMS replies to
    /// unknown numbers, help texts), atomically. `Duplicate` if the key exists.
    async fn commit_outbox(
        &self,
        key: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError>;
    /// Oldest first, up to `limit`.
    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError>;
    /// Marks a record carried out; a record already done (or gone) is success.
    async fn outbox_done(&self, id: &str) -> Result<(), StoreError>;
}

/// Keys recorded once: idempotency keys (a submission token, a form post) and single-use
/// nonces (a sign-in link, a revoked session), each with a value.
///
/// Invariant: a key, once recorded, keeps its first value; [`Keys::remember`] of a recorded key
/// fails with `Duplicate` and changes nothing, whoever races it. Commits record their keys in
/// the same atomic write ([`Commit::idempotency_key`], [`Outbox::commit_outbox`]).
#[async_trait]
pub trait Keys: Send + Sync {
    /// The value recorded under a key (e.g. the work order a form post created).
    async fn idempotent(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Records `key → value`; `Duplicate` if the key was recorded before.
    async fn remember(&self, key: &str, value: &str) -> Result<(), CommitError>;
}

/// Visits: who is expected at a property when, and who checked in.
#[async_trait]
pub trait Visits: Send + Sync {
    async fn visit(&self, id: &VisitId) -> Result<Option<Visit>, StoreError>;
    /// Visits of a property whose expected window touches `[from, to)`, plus those checked in.
    async fn visits_between(
        &self,
        property: &PropertyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError>;
    /// Creates or replaces a visit that belongs to no work order (made at the desk).
    /// Visits linked to a work order are written only by that work order's commits.
    async fn save_manual_visit(&self, visit: &Visit) -> Result<(), StoreError>;
}

/// Phones that asked not to be texted (STOP), and withdrew it (START).
#[async_trait]
pub trait OptOuts: Send + Sync {
    /// Every phone that opted out (stored one item or row per phone, so no stored item grows
    /// with their number).
    async fn opted_out(&self) -> Result<BTreeSet<Phone>, StoreError>;
    /// Whether this one phone opted out: the sender's last gate, one small read.
    async fn is_opted_out(&self, phone: &Phone) -> Result<bool, StoreError> {
        Ok(self.opted_out().await?.contains(phone))
    }
    async fn set_opted_out(&self, phone: &Phone, out: bool) -> Result<(), StoreError>;
}

/// Every store port at once: what a store adapter is, for the code that builds an [`crate::App`]
/// or runs the adapter contract. Callers name the narrow port they use instead.
pub trait Store:
    WorkOrders + Lookups + WorkOrderQueries + Outbox + Keys + Visits + OptOuts + Send + Sync
{
}

impl<T> Store for T where
    T: WorkOrders + Lookups + WorkOrderQueries + Outbox + Keys + Visits + OptOuts + Send + Sync
{
}

/// Pages of work orders: the lists people browse. Kept apart from [`WorkOrders`] (which loads
/// and commits) and [`Lookups`] because callers that show lists need nothing else.
#[async_trait]
pub trait WorkOrderQueries: Send + Sync {
    /// Up to `limit` work orders of `listing`, in its order, strictly after `after` (from the
    /// start when `None`), and where the next page starts. Reads only this page (and one item
    /// more, to know whether another page follows): its cost does not grow with history.
    async fn page(
        &self,
        listing: &Listing,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Page, StoreError>;
}

/// What a timer does when it fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimerTarget {
    WorkOrder {
        work_order: WorkOrderId,
        kind: TimerKind,
        generation: u32,
    },
    Recurring {
        template: TemplateId,
        occurrence: DateTime<Utc>,
    },
}

/// A one-time timer. Invariant: `name` is unique per target and deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerSpec {
    pub name: String,
    pub at: DateTime<Utc>,
    pub target: TimerTarget,
    /// The property's zone, for schedulers that want local times; `at` is what counts.
    #[serde(default)]
    pub zone: Option<chrono_tz::Tz>,
}

/// One-time timers (EventBridge Scheduler in AWS, a table and the virtual clock locally).
#[async_trait]
pub trait Timers: Send + Sync {
    /// Creates the timer; an existing timer of the same name is success (idempotent).
    async fn set(&self, timer: &TimerSpec) -> Result<(), StoreError>;
    /// Deletes the timer; a missing one is success.
    async fn cancel(&self, name: &str) -> Result<(), StoreError>;
}

/// What became of a message handed to a sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Accepted by the service (or sent before under the same id).
    Sent,
    /// Refused for good — an address or number the service will not send to, a message it
    /// will not carry. Trying again would fail again, so the message is not retried; `reason`
    /// is the service's words, for the team. Passing failures (throttling, the network) are
    /// errors instead, and retried.
    Refused { reason: String },
}

/// Sends email. Invariant: sending the same `id` twice sends once.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        email: &EmailMessage,
    ) -> Result<Delivery, StoreError>;
}

/// Sends SMS. Invariant: sending the same `id` twice sends once.
#[async_trait]
pub trait Texter: Send + Sync {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        sms: &SmsMessage,
    ) -> Result<Delivery, StoreError>;
}

/// The time: real in AWS, virtual (movable by the harness) locally.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock, and the one place that reads it. Deployed functions run the workflow on it;
/// elsewhere it is only for what is about real elapsed time whatever the workflow's clock says
/// (service signatures and schedules, send leases, session cookies, the form's anti-spam stamp).
/// Tests never take workflow time from it: quiet hours, reminders and timeouts depend on the
/// hour, so such a test passes by day and fails by night (clippy's `disallowed_methods` keeps
/// `Utc::now` out of everything else).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        #[allow(clippy::disallowed_methods)]
        Utc::now()
    }
}

/// Time standing still at one instant: for tests and demos whose workflow must not depend on
/// the hour they run at.
#[derive(Debug, Clone, Copy)]
pub struct FrozenClock(pub DateTime<Utc>);

impl Clock for FrozenClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The portfolio configuration.
pub trait Directory: Send + Sync {
    fn portfolio(&self) -> Arc<Portfolio>;
}

/// New ids. Random in production; tests may make them deterministic.
pub trait Ids: Send + Sync {
    /// A fresh work-order id (`wo-` + lowercase letters and digits, ≤ 20 chars in all).
    fn work_order_id(&self) -> WorkOrderId;
    /// Four numbers for a [`JobCode`].
    fn code_seed(&self) -> [u32; 4];
    /// A fresh visit id.
    fn visit_id(&self) -> VisitId;
}
