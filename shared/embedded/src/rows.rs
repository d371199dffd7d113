//! The rows of the work-order store: what a commit writes (the work order's row and its indexed
//! columns, the outbox, visits, idempotency keys) and how queries read work orders and visits
//! back, encoded and decoded outside the store's one connection where the callers allow it.

use crate::db::{Ctx, from_json, ts};
use mendwork_app::ports::{CommitError, OutboxRecord, StoreError};
use mendwork_app::queries::queue_key;
use mendwork_domain::booking::{Booking, booking, clash};
use mendwork_domain::{Phone, VendorId, Visit, VisitStatus, WorkOrder, WorkOrderId};
use rusqlite::types::Value;
use rusqlite::{Connection, Params, Transaction, params};

/// The vendor's booking on another work order that `hold` would clash with, read inside the
/// commit's write transaction (which no other commit can interleave with), so the check holds
/// under races.
pub(crate) fn clashing_booking(
    tx: &Transaction,
    hold: &Booking,
) -> Result<Option<Booking>, StoreError> {
    let held = query_work_orders(
        tx,
        "SELECT json FROM work_orders WHERE open = 1 AND vendor = ?1 AND id <> ?2",
        params![hold.vendor.as_str(), hold.work_order.as_str()],
    )?;
    Ok(held.iter().filter_map(booking).find(|b| clash(hold, b)))
}

/// Records `key → value`, or fails with `Duplicate` if the key was used before.
pub(crate) fn claim_key(
    tx: &Transaction,
    key: &str,
    value: &str,
    now: &str,
) -> Result<(), CommitError> {
    let inserted = tx
        .prepare_cached("INSERT OR IGNORE INTO idempotency (key, value, at) VALUES (?1, ?2, ?3)")
        .ctx("preparing the idempotency insert")?
        .execute(params![key, value, now])
        .with_ctx(|| format!("recording idempotency key {key:?}"))?;
    if inserted == 0 {
        return Err(CommitError::Duplicate(key.to_string()));
    }
    Ok(())
}

/// The columns of `work_orders` that some index reads (the key columns of each index and of
/// each partial index's condition), as a commit writes them.
pub(crate) const INDEXED: [&str; 10] = [
    "code",
    "status",
    "property",
    "vendor",
    "offer_vendor",
    "tenant_phone",
    "created_at",
    "updated_at",
    "open",
    "queue_key",
];

/// Values of the [`INDEXED`] columns, in that order.
pub(crate) type Indexed = Vec<Value>;

/// The [`INDEXED`] values of `wo` as stored.
pub(crate) fn indexed(wo: &WorkOrder) -> Indexed {
    let text = |s: &str| Value::Text(s.to_string());
    let maybe = |s: Option<&str>| s.map_or(Value::Null, text);
    vec![
        text(wo.code.as_str()),
        text(wo.status.as_str()),
        text(wo.request.property.as_str()),
        maybe(wo.vendor.as_ref().map(VendorId::as_str)),
        maybe(wo.offer.as_ref().map(|o| o.vendor.as_str())),
        maybe(wo.request.tenant.phone.as_ref().map(Phone::as_str)),
        Value::Text(ts(wo.created_at)),
        Value::Text(ts(wo.updated_at)),
        Value::Integer(i64::from(!wo.status.is_final())),
        Value::Text(queue_key(wo)),
    ]
}

/// Writes the work order's row. A new one is inserted; a stored one (`stored`: its indexed
/// columns as read by the commit) is updated in the columns that changed, with `version` and
/// `json`: SQLite rewrites the entries of every index on a column an UPDATE sets, changed or
/// not, so setting all of them rewrote some dozen index entries per step where a step
/// changes two to five (its status, its queue place, its last change, maybe its vendor).
pub(crate) fn write_work_order(
    tx: &Transaction,
    wo: &WorkOrder,
    json: String,
    version: i64,
    stored: Option<&Indexed>,
) -> Result<(), StoreError> {
    let new = indexed(wo);
    let json = Value::Text(json);
    let id = Value::Text(wo.id.as_str().to_string());
    let (sql, values) = match stored {
        None => {
            let columns = INDEXED.join(", ");
            let marks: Vec<String> = (1..=INDEXED.len() + 3).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "INSERT INTO work_orders ({columns}, version, json, id) VALUES ({})",
                marks.join(", ")
            );
            let mut values = new;
            values.extend([Value::Integer(version), json, id]);
            (sql, values)
        }
        Some(old) => {
            let mut sets = vec![];
            let mut values = vec![];
            for ((column, old), new) in INDEXED.iter().zip(old).zip(new) {
                if *old != new {
                    values.push(new);
                    sets.push(format!("{column} = ?{}", values.len()));
                }
            }
            values.extend([Value::Integer(version), json, id]);
            let n = values.len();
            sets.push(format!("version = ?{}", n - 2));
            sets.push(format!("json = ?{}", n - 1));
            let sql = format!("UPDATE work_orders SET {} WHERE id = ?{n}", sets.join(", "));
            (sql, values)
        }
    };
    tx.prepare_cached(&sql)
        .ctx("preparing the work-order write")?
        .execute(rusqlite::params_from_iter(values))
        .with_ctx(|| format!("writing work order {}", wo.id))?;
    Ok(())
}

/// Writes the outbox records. With `timers_at` (a work order's commit, at that time), a record
/// that sets or cancels a timer is carried out here, in the same transaction, and written
/// already done: the timer table is in the same file, so the timer changes exactly when the
/// step commits — never a step committed with its timer still to set — and the drain has two
/// writes less per timer (setting it, marking it done).
pub(crate) fn insert_outbox(
    tx: &Transaction,
    outbox: &[Encoded],
    timers_at: Option<&str>,
) -> Result<(), StoreError> {
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO outbox (id, work_order, kind, effect, created_at, done_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .ctx("preparing the outbox insert")?;
    for e in outbox {
        let r = e.record;
        let done_at = match timers_at {
            Some(now) if crate::timers::carry_out_in(tx, r, now)? => Some(now),
            _ => None,
        };
        insert
            .execute(params![
                r.id,
                r.work_order.as_ref().map(WorkOrderId::as_str),
                e.kind,
                e.effect,
                e.created_at,
                done_at,
            ])
            .with_ctx(|| format!("adding outbox record {} (ids must be unique)", r.id))?;
    }
    Ok(())
}

/// An outbox record with its columns encoded.
pub(crate) struct Encoded<'a> {
    record: &'a OutboxRecord,
    /// The effect's tag, copied out so the table can be read (and counted) by kind.
    kind: String,
    effect: String,
    created_at: String,
}

pub(crate) fn encode_outbox(outbox: &[OutboxRecord]) -> Result<Vec<Encoded<'_>>, StoreError> {
    outbox
        .iter()
        .map(|r| {
            let effect = serde_json::to_value(&r.effect).ctx("encoding an effect")?;
            let kind = effect
                .get("effect")
                .and_then(|k| k.as_str())
                .unwrap_or("unknown")
                .to_string();
            Ok(Encoded {
                record: r,
                kind,
                effect: effect.to_string(),
                created_at: ts(r.created_at),
            })
        })
        .collect()
}

pub(crate) fn write_visit(tx: &Transaction, v: &Visit, json: &str) -> Result<(), StoreError> {
    let mut write = tx
        .prepare_cached(
            "INSERT INTO visits (id, property, work_order, status, expected_start, expected_end, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (id) DO UPDATE SET property = excluded.property, \
             work_order = excluded.work_order, status = excluded.status, \
             expected_start = excluded.expected_start, expected_end = excluded.expected_end, \
             json = excluded.json",
        )
        .ctx("preparing the visit write")?;
    write
        .execute(params![
            v.id.0,
            v.property.as_str(),
            v.work_order.as_ref().map(WorkOrderId::as_str),
            visit_status(v.status),
            v.expected.map(|w| ts(w.start)),
            v.expected.map(|w| ts(w.end)),
            json,
        ])
        .with_ctx(|| format!("writing visit {}", v.id))?;
    Ok(())
}

/// The stored spelling of a visit status (the same as its serde form).
pub(crate) fn visit_status(s: VisitStatus) -> &'static str {
    match s {
        VisitStatus::Expected => "expected",
        VisitStatus::CheckedIn => "checked_in",
        VisitStatus::CheckedOut => "checked_out",
        VisitStatus::Cancelled => "cancelled",
    }
}

pub(crate) fn query_work_orders<P: Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<Vec<WorkOrder>, StoreError> {
    decode_work_orders(&query_json(conn, sql, p)?)
}

/// The first column of every row of a work-order query, undecoded.
pub(crate) fn query_json<P: Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare_cached(sql)
        .ctx("preparing a work-order query")?;
    let rows = stmt
        .query_map(p, |r| r.get::<_, String>(0))
        .ctx("querying work orders")?;
    rows.map(|json| json.ctx("reading a work order")).collect()
}

pub(crate) fn decode_work_orders(json: &[String]) -> Result<Vec<WorkOrder>, StoreError> {
    json.iter().map(|j| from_json(j, "a work order")).collect()
}

pub(crate) fn query_visits<P: Params>(
    conn: &Connection,
    sql: &str,
    p: P,
) -> Result<Vec<Visit>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).ctx("preparing a visit query")?;
    let rows = stmt
        .query_map(p, |r| r.get::<_, String>(0))
        .ctx("querying visits")?;
    let mut out = Vec::new();
    for json in rows {
        out.push(from_json(&json.ctx("reading a visit")?, "a visit")?);
    }
    Ok(out)
}
