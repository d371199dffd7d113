//! [`RateLimits`] on the embedded store: one row per counter window in a `rate_limits` table.
//!
//! The table is scratch data — counters that are useless once their window ends — so it is
//! made when first needed rather than by a schema migration, and rows past their window are
//! deleted as later ones are taken. Losing it would only reset the counters.

use crate::db::{Ctx, ts};
use crate::store::SqliteStore;
use async_trait::async_trait;
use mendwork_app::limits::RateLimits;
use mendwork_app::ports::StoreError;
use mendwork_domain::limits::Counter;
use rusqlite::{TransactionBehavior, params};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS rate_limits (
    key     TEXT PRIMARY KEY,
    count   INTEGER NOT NULL,
    expires TEXT NOT NULL
) WITHOUT ROWID";

#[async_trait]
impl RateLimits for SqliteStore {
    async fn take(&self, counter: &Counter) -> Result<bool, StoreError> {
        if counter.max == 0 {
            return Ok(false);
        }
        // Rows of this kind whose window ended before this one began are never read again. Timed by the
        // counter, not the store's clock, so a take's effect does not depend on the hour.
        let before = ts(counter.window_start);
        let mut conn = self.db().conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a rate-limit take")?;
        tx.execute_batch(TABLE)
            .ctx("creating the rate-limit table")?;
        // Only rows of the same kind: kinds may count on different clocks (the form's stamp
        // on the real one, the rest on the workflow's).
        tx.execute(
            "DELETE FROM rate_limits WHERE key > ?1 AND key < ?2 AND expires <= ?3",
            params![
                format!("{}#", counter.kind),
                format!("{}$", counter.kind),
                before
            ],
        )
        .ctx("forgetting ended rate-limit windows")?;
        // One statement: a new window starts at 1; an existing one grows only while under max.
        let changed = tx
            .execute(
                "INSERT INTO rate_limits (key, count, expires) VALUES (?1, 1, ?2) \
                 ON CONFLICT(key) DO UPDATE SET count = count + 1 WHERE count < ?3",
                params![counter.storage_key(), ts(counter.window_end), counter.max],
            )
            .ctx("taking a rate-limit unit")?;
        tx.commit().ctx("committing a rate-limit take")?;
        Ok(changed == 1)
    }
}
