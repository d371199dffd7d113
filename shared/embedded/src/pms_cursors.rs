//! [`PmsCursors`] on the embedded store: one row per connected PMS in a `pms_cursors` table,
//! moved by a compare-and-set on the value the poll read (the port's invariant).
//!
//! Made when first needed rather than by a schema migration: losing it costs only a wider read
//! on the next poll (from `FIRST_POLL` back), which the pull's idempotency keys make harmless.

use crate::db::{Ctx, parse_ts, ts};
use crate::store::SqliteStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::pms::PmsCursors;
use mendwork_app::ports::StoreError;
use rusqlite::{OptionalExtension, params};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS pms_cursors (
    system TEXT PRIMARY KEY,
    at     TEXT NOT NULL
) WITHOUT ROWID";

#[async_trait]
impl PmsCursors for SqliteStore {
    async fn cursor(&self, system: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let conn = self.db().conn();
        conn.execute_batch(TABLE)
            .ctx("creating the PMS cursor table")?;
        let at: Option<String> = conn
            .query_row(
                "SELECT at FROM pms_cursors WHERE system = ?1",
                params![system],
                |r| r.get(0),
            )
            .optional()
            .ctx("reading a PMS cursor")?;
        at.as_deref().map(parse_ts).transpose()
    }

    async fn set_cursor(
        &self,
        system: &str,
        read: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let conn = self.db().conn();
        conn.execute_batch(TABLE)
            .ctx("creating the PMS cursor table")?;
        // One statement each way, so the check and the write are one step for SQLite.
        let changed = match read {
            None => conn.execute(
                "INSERT INTO pms_cursors (system, at) VALUES (?1, ?2) \
                 ON CONFLICT(system) DO NOTHING",
                params![system, ts(at)],
            ),
            Some(read) => conn.execute(
                "UPDATE pms_cursors SET at = ?2 WHERE system = ?1 AND at = ?3",
                params![system, ts(at), ts(read)],
            ),
        }
        .ctx("saving a PMS cursor")?;
        Ok(changed == 1)
    }
}
