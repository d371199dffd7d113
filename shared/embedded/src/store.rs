//! [`SqliteStore`]: the work-order store of local mode ([`WorkOrders`] on one SQLite file).

use crate::clock::VirtualClock;
use crate::db::{Ctx, Db, from_json, parse_ts, to_i64, to_json, to_u64, ts};
use crate::rows::{
    INDEXED, Indexed, claim_key, clashing_booking, decode_work_orders, encode_outbox,
    insert_outbox, query_json, query_visits, write_visit, write_work_order,
};
use crate::timers::SqliteTimers;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::ports::{
    Commit, CommitError, Keys, ListFilter, Lookups, OptOuts, Outbox, OutboxRecord, StoreError,
    Stored, TenantHistory, Visits, WorkOrders,
};
use mendwork_domain::booking::booking;
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    JobCode, Phone, PropertyId, VendorId, Visit, VisitId, Window, WorkOrder, WorkOrderId,
};
use rusqlite::{OptionalExtension, Params, TransactionBehavior, params};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// The embedded work-order store: one SQLite file (WAL, `synchronous=NORMAL`), schema created or
/// migrated on open.
///
/// Invariants:
/// - a [`Commit`] is one SQLite transaction: the work order row, its timeline rows, its outbox
///   rows, its visit row, its idempotency key and its metric deltas are all written, or none
///   of them is; so are the timers its outbox sets or cancels, carried out in that transaction
///   (their records written already done, see `insert_outbox`);
/// - a work order's stored `version` is the number of commits it has had (1 after creation);
/// - timeline `seq` numbers of a work order are 1, 2, 3… in the order events were committed;
/// - an outbox record reported done is never handed out again by this store's
///   `pending_outbox`; its mark reaches the file with the next outbox read (one statement for
///   all the marks of a drain) or when the last handle is dropped, so a process killed in
///   between carries the record out again — at least once, as the ports require — and none is
///   lost.
///
/// Cloning is cheap and every clone (and every handle from [`SqliteStore::timers`],
/// [`SqliteStore::clock`] and the recording senders) shares the one connection.
#[derive(Clone)]
pub struct SqliteStore {
    db: Arc<Db>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store file at `path`. Refuses a file written by a newer
    /// schema version.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let store = SqliteStore {
            db: Arc::new(Db::open(path)?),
        };
        crate::pages::backfill_queue_keys(&store.db)?;
        if crate::metrics::needs_rebuild(&store.db)? {
            let n = store.rebuild_metrics()?;
            tracing::info!(
                work_orders = n,
                "metrics projection rebuilt from the timelines"
            );
        }
        Ok(store)
    }

    /// A private store that vanishes when the last handle is dropped (for tests).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Ok(SqliteStore {
            db: Arc::new(Db::open_in_memory()?),
        })
    }

    /// The timer table of this store.
    pub fn timers(&self) -> SqliteTimers {
        SqliteTimers::new(self.db.clone())
    }

    /// The virtual clock kept in this store. Every handle shares one time.
    pub fn clock(&self) -> VirtualClock {
        VirtualClock::new(self.db.clone())
    }

    pub(crate) fn db(&self) -> &Arc<Db> {
        &self.db
    }

    fn commit_now(&self, c: &Commit) -> Result<(), CommitError> {
        let now = ts(self.db.now());
        // Everything the commit writes is encoded before the connection is taken: the store
        // has one connection, so every caller waits while it is held, and JSON is most of a
        // commit's CPU (issue 11's profile).
        let wo_json = to_json(&c.wo, "a work order")?;
        let events = c
            .events
            .iter()
            .map(|r| Ok((ts(r.at), to_json(&r.event, "a timeline event")?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let outbox = encode_outbox(&c.outbox)?;
        let visit =
            c.wo.visit
                .as_ref()
                .map(|v| Ok::<_, StoreError>((v, to_json(v, "a visit")?)))
                .transpose()?;
        let mut conn = self.db.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting a commit")?;
        let id = &c.wo.id;
        // Any early return below drops `tx`, which rolls back: a refused commit writes nothing.
        if let Some(key) = &c.idempotency_key {
            claim_key(&tx, key, id.as_str(), &now)?;
        }
        let stored: Option<(i64, Indexed)> = tx
            .prepare_cached(&format!(
                "SELECT version, {} FROM work_orders WHERE id = ?1",
                INDEXED.join(", ")
            ))
            .ctx("preparing the version read")?
            .query_row([id.as_str()], |r| {
                let indexed = (1..=INDEXED.len())
                    .map(|i| r.get(i))
                    .collect::<rusqlite::Result<Indexed>>()?;
                Ok((r.get(0)?, indexed))
            })
            .optional()
            .with_ctx(|| format!("reading the version of {id}"))?;
        let expected = to_i64(c.expected_version, "expected version")?;
        let current_ok = match &stored {
            None => expected == 0,
            Some((v, _)) => expected != 0 && *v == expected,
        };
        if !current_ok {
            return Err(CommitError::Conflict(id.clone()));
        }
        let version = expected
            .checked_add(1)
            .ok_or_else(|| StoreError::msg(format!("{id} has run out of versions")))?;
        if let Some(hold) = &c.calendar.hold
            && let Some(taken) = clashing_booking(&tx, hold)?
        {
            // Booked by another work order since the step looked: decide again.
            tracing::info!(work_order = %id, holder = %taken.work_order, "slot taken meanwhile");
            return Err(CommitError::Conflict(id.clone()));
        }
        write_work_order(
            &tx,
            &c.wo,
            wo_json,
            version,
            stored.as_ref().map(|(_, i)| i),
        )?;

        let last_seq: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM timeline WHERE work_order = ?1")
            .ctx("preparing the timeline length read")?
            .query_row([id.as_str()], |r| r.get(0))
            .with_ctx(|| format!("reading the timeline length of {id}"))?;
        let mut insert_event = tx
            .prepare_cached(
                "INSERT INTO timeline (work_order, seq, version, at, event) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .ctx("preparing the timeline insert")?;
        for (seq, (at, event)) in (last_seq + 1..).zip(&events) {
            insert_event
                .execute(params![id.as_str(), seq, version, at, event])
                .with_ctx(|| format!("appending event {seq} to the timeline of {id}"))?;
        }
        drop(insert_event);

        insert_outbox(&tx, &outbox, Some(now.as_str()))?;
        crate::metrics::write_deltas(&tx, &c.metrics)?;
        if let Some((v, json)) = &visit {
            write_visit(&tx, v, json)?;
        }
        tx.commit().with_ctx(|| format!("committing {id}"))?;
        Ok(())
    }

    fn commit_outbox_now(
        &self,
        key: &str,
        value: &str,
        outbox: &[OutboxRecord],
    ) -> Result<(), CommitError> {
        let now = ts(self.db.now());
        let outbox = encode_outbox(outbox)?;
        let mut conn = self.db.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting an outbox commit")?;
        claim_key(&tx, key, value, &now)?;
        insert_outbox(&tx, &outbox, None)?;
        tx.commit().ctx("committing outbox records")?;
        Ok(())
    }

    fn work_orders<P: Params>(&self, sql: &str, p: P) -> Result<Vec<WorkOrder>, StoreError> {
        // Decoded after the connection is released (see `commit_now`).
        let json = query_json(&self.db.conn(), sql, p)?;
        decode_work_orders(&json)
    }

    fn save_manual_visit_now(&self, visit: &Visit) -> Result<(), StoreError> {
        if let Some(wo) = &visit.work_order {
            return Err(StoreError::msg(format!(
                "visit {} belongs to work order {wo}: it changes only through that work order",
                visit.id
            )));
        }
        let mut conn = self.db.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("starting to save a visit")?;
        let linked: Option<Option<String>> = tx
            .query_row(
                "SELECT work_order FROM visits WHERE id = ?1",
                [&visit.id.0],
                |r| r.get(0),
            )
            .optional()
            .with_ctx(|| format!("reading visit {}", visit.id))?;
        // Overwriting a linked visit from the desk would silently unlink it from its work order
        // (whose own copy would then disagree); refuse, so the caller goes through the WO.
        if let Some(Some(wo)) = linked {
            return Err(StoreError::msg(format!(
                "visit {} is linked to work order {wo}: it changes only through that work order",
                visit.id
            )));
        }
        write_visit(&tx, visit, &to_json(visit, "a visit")?)?;
        tx.commit()
            .with_ctx(|| format!("saving visit {}", visit.id))
    }
}

#[async_trait]
impl TenantHistory for SqliteStore {
    async fn latest_for_tenant_phone(
        &self,
        phone: &Phone,
        limit: usize,
    ) -> Result<Vec<WorkOrder>, StoreError> {
        self.work_orders(
            "SELECT json FROM work_orders WHERE tenant_phone = ?1 \
             ORDER BY created_at DESC, id DESC LIMIT ?2",
            params![phone.as_str(), i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }
}

#[async_trait]
impl WorkOrders for SqliteStore {
    async fn load(&self, id: &WorkOrderId) -> Result<Option<Stored>, StoreError> {
        // Decoded after the connection is released (see `commit_now`).
        let row: Option<(String, i64)> = self
            .db
            .conn()
            .prepare_cached("SELECT json, version FROM work_orders WHERE id = ?1")
            .ctx("preparing the work-order read")?
            .query_row([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .with_ctx(|| format!("loading work order {id}"))?;
        row.map(|(json, version)| {
            Ok(Stored {
                wo: from_json(&json, "a work order")?,
                version: to_u64(version, "version")?,
            })
        })
        .transpose()
    }

    async fn timeline(&self, id: &WorkOrderId) -> Result<Vec<Recorded>, StoreError> {
        let rows: Vec<(String, String)> = {
            let conn = self.db.conn();
            let mut stmt = conn
                .prepare_cached("SELECT at, event FROM timeline WHERE work_order = ?1 ORDER BY seq")
                .ctx("preparing the timeline query")?;
            stmt.query_map([id.as_str()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .with_ctx(|| format!("reading the timeline of {id}"))?
            .map(|row| row.with_ctx(|| format!("reading the timeline of {id}")))
            .collect::<Result<_, _>>()?
        };
        // Decoded after the connection is released (see `commit_now`).
        rows.iter()
            .map(|(at, event)| {
                Ok(Recorded {
                    at: parse_ts(at)?,
                    event: from_json(event, "a timeline event")?,
                })
            })
            .collect()
    }

    async fn commit(&self, commit: Commit) -> Result<(), CommitError> {
        self.commit_now(&commit)
    }
}

#[async_trait]
impl Lookups for SqliteStore {
    async fn list(&self, filter: &ListFilter) -> Result<Vec<WorkOrder>, StoreError> {
        // SQLite reads a negative LIMIT as "no limit".
        let limit = filter
            .limit
            .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let (sql, values) = list_query(filter, limit);
        self.work_orders(&sql, rusqlite::params_from_iter(values))
    }

    async fn open_for_vendor(&self, vendor: &VendorId) -> Result<Vec<WorkOrder>, StoreError> {
        self.work_orders(
            "SELECT json FROM work_orders \
             WHERE open = 1 AND (vendor = ?1 OR offer_vendor = ?1) \
             ORDER BY created_at DESC, id DESC",
            [vendor.as_str()],
        )
    }

    async fn open_for_tenant_phone(&self, phone: &Phone) -> Result<Vec<WorkOrder>, StoreError> {
        self.work_orders(
            "SELECT json FROM work_orders WHERE open = 1 AND tenant_phone = ?1 \
             ORDER BY created_at DESC, id DESC",
            [phone.as_str()],
        )
    }

    async fn open_by_code(&self, code: &JobCode) -> Result<Option<WorkOrder>, StoreError> {
        // Codes are meant to be unique among open work orders; should two collide anyway,
        // the newest is the one a vendor is most likely texting about.
        let mut found = self.work_orders(
            "SELECT json FROM work_orders WHERE open = 1 AND code = ?1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
            [code.as_str()],
        )?;
        Ok(found.pop())
    }

    async fn vendor_appointments(
        &self,
        vendor: &VendorId,
    ) -> Result<Vec<(WorkOrderId, Window)>, StoreError> {
        let wos = self.work_orders(
            "SELECT json FROM work_orders WHERE open = 1 AND vendor = ?1 \
             ORDER BY created_at DESC, id DESC",
            [vendor.as_str()],
        )?;
        Ok(wos
            .iter()
            .filter_map(booking)
            .map(|b| (b.work_order, b.window))
            .collect())
    }
}

#[async_trait]
impl Outbox for SqliteStore {
    async fn commit_outbox(
        &self,
        key: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError> {
        self.commit_outbox_now(key, value, &outbox)
    }

    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        type Row = (String, Option<String>, String, String);
        let rows: Vec<Row> = {
            let conn = self.db.conn();
            // What was reported done since the last read leaves the outbox first.
            self.db.write_done(&conn)?;
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, work_order, effect, created_at FROM outbox \
                     WHERE done_at IS NULL ORDER BY seq LIMIT ?1",
                )
                .ctx("preparing the outbox query")?;
            stmt.query_map([limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .ctx("reading the outbox")?
            .map(|row| row.ctx("reading the outbox"))
            .collect::<Result<_, _>>()?
        };
        // Decoded after the connection is released (see `commit_now`).
        rows.into_iter()
            .map(|(id, work_order, effect, created_at)| {
                Ok(OutboxRecord {
                    effect: from_json(&effect, "an effect")?,
                    created_at: parse_ts(&created_at)?,
                    work_order: work_order.map(WorkOrderId),
                    id,
                })
            })
            .collect()
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        // Noted now and written with the next read of the outbox, together with the rest of
        // the drain's (see `Db::write_done`): the next read never hands this record out again,
        // and a process that dies first carries it out once more, which the adapters absorb.
        // Done twice (or an unknown id) changes nothing: effects are carried out at least once,
        // so a second report is expected, and the first done_at is the one worth keeping.
        self.db.note_done(id, ts(self.db.now()));
        Ok(())
    }
}

#[async_trait]
impl Keys for SqliteStore {
    async fn idempotent(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.db.conn();
        conn.prepare_cached("SELECT value FROM idempotency WHERE key = ?1")
            .ctx("preparing the idempotency read")?
            .query_row([key], |r| r.get(0))
            .optional()
            .with_ctx(|| format!("reading idempotency key {key:?}"))
    }

    async fn remember(&self, key: &str, value: &str) -> Result<(), CommitError> {
        self.commit_outbox(key, value, vec![]).await
    }
}

#[async_trait]
impl Visits for SqliteStore {
    async fn visit(&self, id: &VisitId) -> Result<Option<Visit>, StoreError> {
        let conn = self.db.conn();
        Ok(query_visits(&conn, "SELECT json FROM visits WHERE id = ?1", [&id.0])?.pop())
    }

    async fn visits_between(
        &self,
        property: &PropertyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        // "Touches" is overlap of half-open spans: a visit ending exactly at `from` is over.
        let conn = self.db.conn();
        query_visits(
            &conn,
            "SELECT json FROM visits WHERE property = ?1 \
               AND (status = 'checked_in' OR (expected_start < ?3 AND expected_end > ?2)) \
             ORDER BY expected_start IS NULL, expected_start, id",
            params![property.as_str(), ts(from), ts(to)],
        )
    }

    async fn save_manual_visit(&self, visit: &Visit) -> Result<(), StoreError> {
        self.save_manual_visit_now(visit)
    }
}

#[async_trait]
impl OptOuts for SqliteStore {
    async fn opted_out(&self) -> Result<BTreeSet<Phone>, StoreError> {
        let conn = self.db.conn();
        let mut stmt = conn
            .prepare_cached("SELECT phone FROM opt_outs")
            .ctx("preparing the opt-out query")?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .ctx("reading opt-outs")?;
        let mut out = BTreeSet::new();
        for row in rows {
            let raw = row.ctx("reading opt-outs")?;
            let phone = Phone::parse(&raw).map_err(|e| {
                StoreError::msg(format!("the stored opt-out {raw:?} is not a phone: {e}"))
            })?;
            out.insert(phone);
        }
        Ok(out)
    }

    async fn is_opted_out(&self, phone: &Phone) -> Result<bool, StoreError> {
        let conn = self.db.conn();
        let found: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM opt_outs WHERE phone = ?1")
            .ctx("preparing the opt-out read")?
            .query_row([phone.as_str()], |r| r.get(0))
            .optional()
            .with_ctx(|| format!("reading the opt-out of {phone}"))?;
        Ok(found.is_some())
    }

    async fn set_opted_out(&self, phone: &Phone, out: bool) -> Result<(), StoreError> {
        let now = ts(self.db.now());
        let conn = self.db.conn();
        if out {
            // OR IGNORE keeps the first opt-out time: repeating STOP is not news.
            conn.execute(
                "INSERT OR IGNORE INTO opt_outs (phone, at) VALUES (?1, ?2)",
                [phone.as_str(), &now],
            )
        } else {
            conn.execute("DELETE FROM opt_outs WHERE phone = ?1", [phone.as_str()])
        }
        .ctx("recording an opt-out or opt-in")?;
        Ok(())
    }
}

/// The query of [`WorkOrders::list`] for `filter`, with only the conditions asked for, so that
/// SQLite can use the status or property index: an "either NULL or equal" condition can use
/// none, and reads every row of the history (the sweep asks for each open status every minute).
fn list_query(filter: &ListFilter, limit: i64) -> (String, Vec<rusqlite::types::Value>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(s) = filter.status {
        conditions.push("status = ?");
        values.push(s.as_str().to_string().into());
    }
    if let Some(p) = &filter.property {
        conditions.push("property = ?");
        values.push(p.as_str().to_string().into());
    }
    if filter.open_only {
        conditions.push("open = 1");
    }
    let filter_sql = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(limit.into());
    (
        format!(
            "SELECT json FROM work_orders {filter_sql} ORDER BY created_at DESC, id DESC LIMIT ?"
        ),
        values,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(filter: &ListFilter) -> String {
        let db = Db::open_in_memory().unwrap();
        let (sql, values) = list_query(filter, -1);
        let conn = db.conn();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn a_list_by_status_or_property_searches_its_index_instead_of_reading_every_work_order() {
        let by_status = plan(&ListFilter {
            status: Some(mendwork_domain::Status::Scheduled),
            open_only: true,
            ..ListFilter::default()
        });
        assert!(
            by_status.contains("SEARCH work_orders USING INDEX"),
            "{by_status}"
        );
        let by_property = plan(&ListFilter {
            property: Some(PropertyId("maple-court".into())),
            ..ListFilter::default()
        });
        assert!(
            by_property.contains("SEARCH work_orders USING INDEX"),
            "{by_property}"
        );
    }
}
