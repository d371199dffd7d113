//! The embedded store's side of the archive ([`TimelineArchive`] on [`SqliteStore`]): due work
//! orders from a partial index, the mark as a conditioned update, and the release as a delete of
//! the archived rows (SQLite has no TTL). See `mendwork_app::archive` for the steps and why a
//! crash between them loses nothing.

use crate::db::{Ctx, from_json, parse_ts, to_i64, to_json, to_u64, ts};
use crate::store::SqliteStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::archive::{TimelineArchive, Versioned};
use mendwork_app::ports::{StoreError, Stored};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{WorkOrder, WorkOrderId};
use rusqlite::{Connection, TransactionBehavior, params};

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn stored_rows(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Stored>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).ctx("preparing an archive query")?;
    let rows = stmt
        .query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .ctx("querying work orders for the archive")?;
    let mut out = Vec::new();
    for row in rows {
        let (json, version) = row.ctx("reading a work order for the archive")?;
        out.push(Stored {
            wo: from_json(&json, "a work order")?,
            version: to_u64(version, "version")?,
        });
    }
    Ok(out)
}

#[async_trait]
impl TimelineArchive for SqliteStore {
    async fn due_for_archive(
        &self,
        changed_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Stored>, StoreError> {
        // `work_orders_archive_due`: a range of the partial index, this page only.
        stored_rows(
            &self.db().conn(),
            "SELECT json, version FROM work_orders INDEXED BY work_orders_archive_due \
             WHERE open = 0 AND archived IS NULL AND updated_at <= ?1 \
             ORDER BY updated_at, id LIMIT ?2",
            params![ts(changed_by), limit_of(limit)],
        )
    }

    async fn versioned_timeline(&self, id: &WorkOrderId) -> Result<Vec<Versioned>, StoreError> {
        let conn = self.db().conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT version, at, event FROM timeline WHERE work_order = ?1 ORDER BY seq",
            )
            .ctx("preparing the timeline query")?;
        let rows = stmt
            .query_map([id.as_str()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .with_ctx(|| format!("reading the timeline of {id}"))?;
        let mut out = Vec::new();
        for row in rows {
            let (version, at, event) = row.with_ctx(|| format!("reading the timeline of {id}"))?;
            out.push(Versioned {
                version: to_u64(version, "version")?,
                recorded: Recorded {
                    at: parse_ts(&at)?,
                    event: from_json(&event, "a timeline event")?,
                },
            });
        }
        Ok(out)
    }

    async fn mark_archived(&self, wo: &WorkOrder, expected: u64) -> Result<bool, StoreError> {
        let expected = to_i64(expected, "expected version")?;
        let changed = self
            .db()
            .conn()
            .execute(
                "UPDATE work_orders SET json = ?1, version = version + 1, archived = 'marked' \
                 WHERE id = ?2 AND version = ?3 AND archived IS NULL",
                params![to_json(wo, "a work order")?, wo.id.as_str(), expected],
            )
            .with_ctx(|| format!("marking the timeline of {} archived", wo.id))?;
        Ok(changed == 1)
    }

    async fn release_archived(
        &self,
        id: &WorkOrderId,
        through: u64,
        _expires: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        // No TTL here: the rows go at once, in one transaction with the state's last step.
        let through = to_i64(through, "version")?;
        let mut conn = self.db().conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting to release an archived timeline")?;
        let deleted = tx
            .execute(
                "DELETE FROM timeline WHERE work_order = ?1 AND version <= ?2",
                params![id.as_str(), through],
            )
            .with_ctx(|| format!("deleting the archived timeline rows of {id}"))?;
        tx.execute(
            "UPDATE work_orders SET archived = 'released' WHERE id = ?1 AND archived = 'marked'",
            [id.as_str()],
        )
        .with_ctx(|| format!("recording the release of {id}'s timeline"))?;
        tx.commit()
            .with_ctx(|| format!("releasing the archived timeline of {id}"))?;
        Ok(deleted)
    }

    async fn unreleased(&self, limit: usize) -> Result<Vec<Stored>, StoreError> {
        stored_rows(
            &self.db().conn(),
            "SELECT json, version FROM work_orders INDEXED BY work_orders_archive_unreleased \
             WHERE archived = 'marked' ORDER BY id LIMIT ?1",
            params![limit_of(limit)],
        )
    }
}
