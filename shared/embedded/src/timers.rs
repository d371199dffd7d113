//! [`SqliteTimers`]: one-time timers as rows of the store, fired by the local runner as the
//! virtual clock passes them.

use crate::db::{Ctx, Db, from_json, parse_ts, to_json, ts};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::ports::{OutboxRecord, StoreError, TimerSpec, TimerTarget, Timers};
use mendwork_domain::Effect;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::sync::Arc;

/// The timer table of a [`crate::SqliteStore`] (same file, same connection).
///
/// Invariants: at most one timer per name; `set` never moves an existing timer (as with
/// EventBridge Scheduler, a name is created once: a new time means a new generation, hence a
/// new name); a timer stays until `cancel` or `remove`, firing does not delete it by itself.
#[derive(Clone)]
pub struct SqliteTimers {
    db: Arc<Db>,
}

const COLUMNS: &str = "name, at, target";

fn spec(r: &Row) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn decode((name, at, target): (String, String, String)) -> Result<TimerSpec, StoreError> {
    Ok(TimerSpec {
        zone: None,
        at: parse_ts(&at)?,
        target: from_json(&target, "a timer target")?,
        name,
    })
}

/// Creates `timer` unless one of its name exists.
fn insert(conn: &Connection, timer: &TimerSpec, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO timers (name, at, target, created_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .ctx("preparing the timer insert")?
    .execute(params![
        timer.name,
        ts(timer.at),
        to_json(&timer.target, "a timer target")?,
        now
    ])
    .with_ctx(|| format!("setting timer {}", timer.name))?;
    Ok(())
}

/// Deletes the timer `name`; a missing one is fine.
fn delete(conn: &Connection, name: &str) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM timers WHERE name = ?1")
        .ctx("preparing the timer removal")?
        .execute([name])
        .with_ctx(|| format!("removing timer {name}"))?;
    Ok(())
}

/// Carries out `record` on `conn` (inside a commit's transaction) if it sets or cancels a
/// timer, exactly as `App::carry_out` would through [`Timers`]: true if it did, false if the
/// record is for the drain (a message, a follow-up, a publication).
pub(crate) fn carry_out_in(
    conn: &Connection,
    record: &OutboxRecord,
    now: &str,
) -> Result<bool, StoreError> {
    match (&record.effect, &record.work_order) {
        (
            Effect::SetTimer {
                name,
                kind,
                generation,
                at,
                zone,
            },
            Some(work_order),
        ) => {
            let timer = TimerSpec {
                name: name.clone(),
                at: *at,
                target: TimerTarget::WorkOrder {
                    work_order: work_order.clone(),
                    kind: *kind,
                    generation: *generation,
                },
                zone: Some(*zone),
            };
            insert(conn, &timer, now)?;
            Ok(true)
        }
        (Effect::CancelTimer { name }, _) => {
            delete(conn, name)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

impl SqliteTimers {
    pub(crate) fn new(db: Arc<Db>) -> Self {
        SqliteTimers { db }
    }

    /// The timer due first among those due at or before `until` (ties broken by name, so the
    /// firing order is reproducible), or `None` if nothing is due yet.
    pub fn next_due(&self, until: DateTime<Utc>) -> Result<Option<TimerSpec>, StoreError> {
        let conn = self.db.conn();
        conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM timers WHERE at <= ?1 ORDER BY at, name LIMIT 1"
        ))
        .ctx("preparing the due-timer query")?
        .query_row([ts(until)], spec)
        .optional()
        .ctx("finding the next due timer")?
        .map(decode)
        .transpose()
    }

    /// Deletes a timer (once fired); a missing one is fine.
    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        delete(&self.db.conn(), name)
    }

    /// Every pending timer, soonest first.
    pub fn all(&self) -> Result<Vec<TimerSpec>, StoreError> {
        let conn = self.db.conn();
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM timers ORDER BY at, name"))
            .ctx("preparing the timer listing")?;
        let rows = stmt.query_map([], spec).ctx("listing timers")?;
        let mut out = Vec::new();
        for row in rows {
            out.push(decode(row.ctx("listing timers")?)?);
        }
        Ok(out)
    }
}

#[async_trait]
impl Timers for SqliteTimers {
    async fn set(&self, timer: &TimerSpec) -> Result<(), StoreError> {
        let now = ts(self.db.now());
        insert(&self.db.conn(), timer, &now)
    }

    async fn cancel(&self, name: &str) -> Result<(), StoreError> {
        self.remove(name)
    }
}
