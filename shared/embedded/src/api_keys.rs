//! [`ApiKeys`] on the embedded store: one row per key in the `api_keys` table (schema version
//! 3), holding the hash of its secret, never the secret.

use crate::db::{Ctx, parse_ts, ts};
use crate::store::SqliteStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::api_keys::{ApiKey, ApiKeys, Scope};
use mendwork_app::ports::StoreError;
use rusqlite::{OptionalExtension, Row, params};

const COLUMNS: &str = "id, name, scope, hash, created_at, created_by, last_used_at, revoked_at";

/// A row as read: the text columns, converted after the query (conversions may fail).
type Raw = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

fn key(
    (id, name, scope, hash, created_at, created_by, last_used, revoked): Raw,
) -> Result<ApiKey, StoreError> {
    let scope = Scope::parse(&scope)
        .ok_or_else(|| StoreError::msg(format!("the stored scope {scope:?} of API key {id}")))?;
    Ok(ApiKey {
        scope,
        hash,
        created_at: parse_ts(&created_at)?,
        created_by,
        last_used_at: last_used.as_deref().map(parse_ts).transpose()?,
        revoked_at: revoked.as_deref().map(parse_ts).transpose()?,
        id,
        name,
    })
}

#[async_trait]
impl ApiKeys for SqliteStore {
    async fn create(&self, k: &ApiKey) -> Result<bool, StoreError> {
        let conn = self.db().conn();
        let n = conn
            .execute(
                &format!(
                    "INSERT INTO api_keys ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                     ON CONFLICT DO NOTHING"
                ),
                params![
                    k.id,
                    k.name,
                    k.scope.as_str(),
                    k.hash,
                    ts(k.created_at),
                    k.created_by,
                    k.last_used_at.map(ts),
                    k.revoked_at.map(ts),
                ],
            )
            .ctx("storing an API key")?;
        Ok(n == 1)
    }

    async fn find(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = {
            let conn = self.db().conn();
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1"),
                [id],
                raw,
            )
            .optional()
            .ctx("reading an API key")?
        };
        row.map(key).transpose()
    }

    async fn list(&self) -> Result<Vec<ApiKey>, StoreError> {
        let rows = {
            let conn = self.db().conn();
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC"
                ))
                .ctx("listing API keys")?;
            stmt.query_map([], raw)
                .ctx("listing API keys")?
                .collect::<Result<Vec<_>, _>>()
                .ctx("listing API keys")?
        };
        rows.into_iter().map(key).collect()
    }

    async fn revoke(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let conn = self.db().conn();
        let n = conn
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, ts(at)],
            )
            .ctx("revoking an API key")?;
        Ok(n == 1)
    }

    async fn touch(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let conn = self.db().conn();
        conn.execute(
            "UPDATE api_keys SET last_used_at = ?2 \
             WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
            params![id, ts(at)],
        )
        .ctx("recording an API key's use")?;
        Ok(())
    }
}
