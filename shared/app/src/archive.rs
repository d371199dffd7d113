//! Old timelines leave the table, by the policy decided in `mendwork_domain::stored::archivable`:
//! a page of due work orders per sweep, each in three steps — (1) its whole timeline is written
//! as one gzip-compressed JSON document ([`TimelineDocument`]) under
//! `archive/timelines/<work order>.json.gz` through the [`Files`] port; (2) its state records
//! the mark ([`mendwork_domain::stored::Archived`]), conditioned on the version read and on no
//! mark being there; (3) its event items are let go (DynamoDB: given `expires_at`, the table's
//! TTL; SQLite: deleted). Every step repeats harmlessly, and a crash between two loses nothing:
//! before the mark the items are read (the document, if written, is ignored and written again
//! by the next sweep), after it the document is (items through the mark are duplicates of it;
//! a work order marked but not yet let go is found again by [`TimelineArchive::unreleased`]).
//!
//! Reading: [`crate::App::timeline_of`] reads the document of a marked work order and the items
//! still there, keeping of the items only those committed after the mark.

use crate::files::{DocumentKey, Files};
use crate::ports::{Clock, StoreError, StoreErrorKind, Stored};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use mendwork_domain::decide::Recorded;
use mendwork_domain::stored::{Archived, archivable, archive_after, expire_after_archive};
use mendwork_domain::{WorkOrder, WorkOrderId};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::sync::Arc;

/// The most work orders one sweep archives: a page of the due index, so a sweep's cost does not
/// grow with the history (a backlog drains over the following sweeps).
pub const ARCHIVE_PAGE: usize = 10;

/// One timeline event with the commit (the store's version) that wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned {
    pub version: u64,
    pub recorded: Recorded,
}

/// What the store does for the archive (both stores implement it).
///
/// Invariants: [`TimelineArchive::due_for_archive`] reads only closed or cancelled, unmarked
/// work orders (a sparse index: DynamoDB's `ARCHIVE` partition of `gsi4`, SQLite's partial
/// index), so a page costs the same whatever the history; [`TimelineArchive::mark_archived`]
/// writes only over the version read and only where no mark is; releasing is repeatable.
#[async_trait]
pub trait TimelineArchive: Send + Sync {
    /// Up to `limit` closed or cancelled work orders not yet archived whose last change is at
    /// or before `changed_by`, the longest unchanged first.
    async fn due_for_archive(
        &self,
        changed_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Stored>, StoreError>;

    /// The work order's events, oldest first, each with the commit that wrote it.
    async fn versioned_timeline(&self, id: &WorkOrderId) -> Result<Vec<Versioned>, StoreError>;

    /// Stores `wo` (which carries its mark) as version `expected + 1`, only if the stored
    /// version is still `expected` and carries no mark. False, with nothing written, otherwise.
    async fn mark_archived(&self, wo: &WorkOrder, expected: u64) -> Result<bool, StoreError>;

    /// Lets go of the work order's events committed through `through` (now in its document):
    /// DynamoDB gives each item `expires_at` = `expires` (set if absent), SQLite deletes the
    /// rows; then the work order leaves [`TimelineArchive::unreleased`]. Repeatable. How many
    /// events it let go of this time.
    async fn release_archived(
        &self,
        id: &WorkOrderId,
        through: u64,
        expires: DateTime<Utc>,
    ) -> Result<usize, StoreError>;

    /// Up to `limit` marked work orders whose events were not let go yet (a sweep stopped
    /// between the mark and the release).
    async fn unreleased(&self, limit: usize) -> Result<Vec<Stored>, StoreError>;
}

/// The archive as the app uses it: the store's side and where documents are kept.
#[derive(Clone)]
pub struct Archive {
    pub store: Arc<dyn TimelineArchive>,
    pub files: Arc<dyn Files>,
}

/// An archived timeline, as stored (JSON, then gzip).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineDocument {
    pub work_order: WorkOrderId,
    /// The last commit whose events are here (the mark's `through`).
    pub through: u64,
    /// Oldest first.
    pub events: Vec<Recorded>,
}

/// The document's bytes: its JSON, gzip-compressed. The same document always gives the same
/// bytes (the gzip header carries no time or name), so writing it again changes nothing.
pub fn encode(doc: &TimelineDocument) -> Result<Vec<u8>, StoreError> {
    let what = || format!("encoding the archived timeline of {}", doc.work_order);
    let json = serde_json::to_vec(doc).map_err(|e| StoreError::new(what(), e))?;
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::default());
    gz.write_all(&json)
        .map_err(|e| StoreError::new(what(), e))?;
    gz.finish().map_err(|e| StoreError::new(what(), e))
}

/// The document in `bytes` (see [`encode`]).
pub fn decode(bytes: &[u8], id: &WorkOrderId) -> Result<TimelineDocument, StoreError> {
    let what = || format!("decoding the archived timeline of {id}");
    let mut json = Vec::new();
    GzDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| StoreError::of(StoreErrorKind::InvalidData, what()).with_source(e))?;
    let doc: TimelineDocument = serde_json::from_slice(&json)
        .map_err(|e| StoreError::of(StoreErrorKind::InvalidData, what()).with_source(e))?;
    if &doc.work_order != id {
        return Err(StoreError::of(
            StoreErrorKind::InvalidData,
            format!("the archived timeline of {id} names {}", doc.work_order),
        ));
    }
    Ok(doc)
}

/// The key of `id`'s document, or an error for an id no document can be named after.
pub fn document_key(id: &WorkOrderId) -> Result<DocumentKey, StoreError> {
    DocumentKey::archived_timeline(id).ok_or_else(|| {
        StoreError::of(
            StoreErrorKind::InvalidData,
            format!("work order id {id:?} cannot name an archived timeline"),
        )
    })
}

/// The timeline of a marked work order: its document's events, then the items committed after
/// the mark (items through the mark are the document's own, not yet expired).
pub async fn read_archived(
    archive: &Archive,
    id: &WorkOrderId,
    mark: &Archived,
) -> Result<Vec<Recorded>, StoreError> {
    let key = document_key(id)?;
    let bytes = archive.files.read_document(&key).await?.ok_or_else(|| {
        StoreError::of(
            StoreErrorKind::NotFound,
            format!("the archived timeline of {id} is marked but its document is missing"),
        )
    })?;
    let doc = decode(&bytes, id)?;
    let mut out = doc.events;
    let after = mark.through.max(doc.through);
    out.extend(
        archive
            .store
            .versioned_timeline(id)
            .await?
            .into_iter()
            .filter(|v| v.version > after)
            .map(|v| v.recorded),
    );
    Ok(out)
}

/// What one archive sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArchiveSwept {
    /// Work orders whose timeline went to the archive (document, mark, release).
    pub archived: Vec<WorkOrderId>,
    /// Marked work orders a previous sweep left unreleased, released now.
    pub finished: usize,
    /// Due work orders left for the next sweep: changed meanwhile, or a failure (logged).
    pub skipped: usize,
    /// Event items let go (given their expiry, or deleted).
    pub released_events: usize,
    /// Compressed bytes written, and the JSON they came from.
    pub document_bytes: usize,
    pub raw_bytes: usize,
}

/// One page of the archive policy (see the module documentation): first the marked work orders
/// a stopped sweep left unreleased, then up to `limit` due ones. Failures of one work order are
/// logged and counted, not returned; only failing to read the pages is an error.
pub async fn archive_due(
    archive: &Archive,
    clock: &dyn Clock,
    limit: usize,
) -> Result<ArchiveSwept, StoreError> {
    let now = clock.now();
    let expires = now + expire_after_archive();
    let mut out = ArchiveSwept::default();
    for stored in archive.store.unreleased(limit).await? {
        let Some(mark) = stored.wo.archived else {
            continue;
        };
        match archive
            .store
            .release_archived(&stored.wo.id, mark.through, expires)
            .await
        {
            Ok(n) => {
                out.finished += 1;
                out.released_events += n;
            }
            Err(e) => {
                tracing::warn!(work_order = %stored.wo.id, error = %crate::redact::chain(&e), "could not release an archived timeline; the next sweep tries again");
            }
        }
    }
    for stored in archive
        .store
        .due_for_archive(now - archive_after(), limit)
        .await?
    {
        // The index found it; the domain decides.
        if !archivable(&stored.wo, now) {
            out.skipped += 1;
            continue;
        }
        match archive_one(archive, &stored, now, expires).await {
            Ok(Some(done)) => {
                out.released_events += done.released;
                out.document_bytes += done.document_bytes;
                out.raw_bytes += done.raw_bytes;
                out.archived.push(stored.wo.id.clone());
            }
            Ok(None) => out.skipped += 1,
            Err(e) => {
                out.skipped += 1;
                tracing::warn!(work_order = %stored.wo.id, error = %crate::redact::chain(&e), "could not archive a timeline; the next sweep tries again");
            }
        }
    }
    Ok(out)
}

struct One {
    released: usize,
    document_bytes: usize,
    raw_bytes: usize,
}

/// The three steps for one work order; `None` when it changed since it was read (the mark's
/// condition failed: the next sweep reads it again).
async fn archive_one(
    archive: &Archive,
    stored: &Stored,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<Option<One>, StoreError> {
    let id = &stored.wo.id;
    let key = document_key(id)?;
    let events: Vec<Recorded> = archive
        .store
        .versioned_timeline(id)
        .await?
        .into_iter()
        .filter(|v| v.version <= stored.version)
        .map(|v| v.recorded)
        .collect();
    let doc = TimelineDocument {
        work_order: id.clone(),
        through: stored.version,
        events,
    };
    let raw_bytes = serde_json::to_vec(&doc)
        .map_err(|e| StoreError::new("measuring an archived timeline", e))?
        .len();
    let bytes = encode(&doc)?;
    let document_bytes = bytes.len();
    archive.files.put_document(&key, bytes).await?;
    let mark = Archived {
        at: now,
        through: stored.version,
    };
    let mut wo = stored.wo.clone();
    wo.archived = Some(mark);
    if !archive.store.mark_archived(&wo, stored.version).await? {
        return Ok(None);
    }
    let released = archive
        .store
        .release_archived(id, mark.through, expires)
        .await?;
    Ok(Some(One {
        released,
        document_bytes,
        raw_bytes,
    }))
}
