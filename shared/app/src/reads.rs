//! What the web layer reads and records through the app rather than a store port: one work
//! order, its timeline, a visit, a recorded key. Thin on purpose — each is one port call — so
//! that pages and the JSON API depend on the `App`, and the store's ports can change (split,
//! wrap, count) without touching them.

use crate::App;
use crate::ports::{CommitError, OutboxRecord, StoreError, StoreErrorKind};
use chrono::{DateTime, Utc};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{JobCode, PropertyId, Visit, VisitId, WorkOrder, WorkOrderId};

impl App {
    /// The work order with this id, as stored now.
    pub async fn work_order(&self, id: &WorkOrderId) -> Result<Option<WorkOrder>, StoreError> {
        Ok(self.work_orders.load(id).await?.map(|s| s.wo))
    }

    /// The work order's events, oldest first, wherever they are kept (see
    /// [`App::timeline_of`]); reads the work order first.
    pub async fn timeline(&self, id: &WorkOrderId) -> Result<Vec<Recorded>, StoreError> {
        match self.work_orders.load(id).await? {
            Some(stored) => self.timeline_of(&stored.wo).await,
            None => self.work_orders.timeline(id).await,
        }
    }

    /// The events of `wo` (as just read), oldest first: its items, or — once its timeline is
    /// archived (`wo.archived`) — the archived document's events followed by those committed
    /// after the mark, each once.
    pub async fn timeline_of(&self, wo: &WorkOrder) -> Result<Vec<Recorded>, StoreError> {
        let Some(mark) = &wo.archived else {
            return self.work_orders.timeline(&wo.id).await;
        };
        let archive = self.archive.as_ref().ok_or_else(|| {
            StoreError::of(
                StoreErrorKind::NotFound,
                format!(
                    "the timeline of {} is archived and this process has no files store",
                    wo.id
                ),
            )
        })?;
        crate::archive::read_archived(archive, &wo.id, mark).await
    }

    /// The open work order with this job code, if any.
    pub async fn open_by_code(&self, code: &JobCode) -> Result<Option<WorkOrder>, StoreError> {
        self.lookups.open_by_code(code).await
    }

    pub async fn visit(&self, id: &VisitId) -> Result<Option<Visit>, StoreError> {
        self.visits.visit(id).await
    }

    /// Visits of a property whose expected window touches `[from, to)`, plus those checked in.
    pub async fn visits_between(
        &self,
        property: &PropertyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        self.visits.visits_between(property, from, to).await
    }

    /// Creates or replaces a visit made at the desk (one that belongs to no work order).
    pub async fn save_manual_visit(&self, visit: &Visit) -> Result<(), StoreError> {
        self.visits.save_manual_visit(visit).await
    }

    /// The value recorded under a key (an idempotency key, a used or revoked nonce), if any.
    pub async fn recorded(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.keys.idempotent(key).await
    }

    /// Records `key → value` once; `Duplicate` if the key was recorded before.
    pub async fn remember(&self, key: &str, value: &str) -> Result<(), CommitError> {
        self.keys.remember(key, value).await
    }

    /// Records `key → value` with outbox records that belong to no work order, atomically;
    /// `Duplicate` if the key was recorded before (and then nothing is queued).
    pub async fn commit_outbox(
        &self,
        key: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError> {
        self.outbox.commit_outbox(key, value, outbox).await
    }
}
