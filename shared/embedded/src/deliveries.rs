//! [`Deliveries`] on the embedded store: one row per (endpoint, event) in a `webhook_deliveries`
//! table, made when first used (a store from before webhooks simply gains it), with an index of
//! the pending ones by due time so the loop reads only what is due.

use crate::db::{Ctx, from_json, to_json, ts};
use crate::store::SqliteStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::deliveries::{Deliveries, WebhookDelivery};
use mendwork_app::ports::StoreError;
use rusqlite::{Connection, params};

const TABLE: &str = "
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    endpoint   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    -- Set while pending only, so the due index holds nothing else.
    next_at    TEXT,
    json       TEXT NOT NULL,
    PRIMARY KEY (endpoint, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_at)
    WHERE next_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS webhook_deliveries_log
    ON webhook_deliveries (endpoint, created_at DESC, event_id DESC);
";

fn ready(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(TABLE)
        .ctx("creating the webhook deliveries table")
}

fn rows(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<WebhookDelivery>, StoreError> {
    let mut stmt = conn.prepare(sql).ctx("reading webhook deliveries")?;
    let texts = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .ctx("reading webhook deliveries")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("reading webhook deliveries")?;
    texts
        .iter()
        .map(|t| from_json(t, "a webhook delivery"))
        .collect()
}

#[async_trait]
impl Deliveries for SqliteStore {
    async fn put(&self, d: &WebhookDelivery) -> Result<bool, StoreError> {
        let conn = self.db().conn();
        ready(&conn)?;
        let n = conn
            .execute(
                "INSERT INTO webhook_deliveries (endpoint, event_id, created_at, attempts, next_at, json) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![
                    d.endpoint,
                    d.event_id,
                    ts(d.created_at),
                    d.attempts,
                    d.next_at.map(ts),
                    to_json(d, "a webhook delivery")?
                ],
            )
            .ctx("storing a webhook delivery")?;
        Ok(n == 1)
    }

    async fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let conn = self.db().conn();
        ready(&conn)?;
        rows(
            &conn,
            "SELECT json FROM webhook_deliveries WHERE next_at IS NOT NULL AND next_at <= ?1 \
             ORDER BY next_at LIMIT ?2",
            params![ts(now), i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    async fn record(&self, d: &WebhookDelivery, prior: u32) -> Result<bool, StoreError> {
        let conn = self.db().conn();
        ready(&conn)?;
        let n = conn
            .execute(
                "UPDATE webhook_deliveries SET attempts = ?1, next_at = ?2, json = ?3 \
                 WHERE endpoint = ?4 AND event_id = ?5 AND attempts = ?6",
                params![
                    d.attempts,
                    d.next_at.map(ts),
                    to_json(d, "a webhook delivery")?,
                    d.endpoint,
                    d.event_id,
                    prior
                ],
            )
            .ctx("recording a webhook attempt")?;
        Ok(n == 1)
    }

    async fn log(&self, endpoint: &str, limit: usize) -> Result<Vec<WebhookDelivery>, StoreError> {
        let conn = self.db().conn();
        ready(&conn)?;
        rows(
            &conn,
            "SELECT json FROM webhook_deliveries WHERE endpoint = ?1 \
             ORDER BY created_at DESC, event_id DESC LIMIT ?2",
            params![endpoint, i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }
}
