//! The metrics projection on SQLite: the commit's deltas added to the `metrics` table in the
//! commit's transaction ([`write_deltas`]), the rows of a range of weeks read back
//! ([`MetricsProjection`]), and the rebuild from timelines for stores whose history predates
//! the projection ([`SqliteStore::rebuild_metrics`], run by [`SqliteStore::open`] when the
//! table is empty but work orders exist).

use crate::db::{Ctx, Db, from_json, parse_ts, to_json};
use crate::store::SqliteStore;
use async_trait::async_trait;
use chrono::NaiveDate;
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::StoreError;
use mendwork_domain::decide::{Recorded, replay};
use mendwork_domain::metrics::{
    Field, Figures, MetricKey, MetricRow, Weeks, accumulate, contribution,
};
use mendwork_domain::{PropertyId, VendorId, WorkOrder};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::BTreeMap;

/// The stored spelling of a week (its Monday).
fn week_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Figures as stored: a JSON object of the non-zero numbers by field name.
fn encode(f: &Figures) -> Result<String, StoreError> {
    let by_name: BTreeMap<String, i64> = f.iter().map(|(k, n)| (k.name(), n)).collect();
    to_json(&by_name, "metric figures")
}

/// Stored figures (fields this build does not know are left out: a newer build wrote them).
fn decode(text: &str) -> Result<Figures, StoreError> {
    let by_name: BTreeMap<String, i64> = from_json(text, "metric figures")?;
    let mut f = Figures::default();
    for (name, n) in by_name {
        if let Some(field) = Field::parse(&name) {
            f.add(field, n);
        }
    }
    Ok(f)
}

/// Adds a commit's metric deltas to their rows (created as needed), inside the commit's
/// transaction.
pub(crate) fn write_deltas(tx: &Transaction, rows: &[MetricRow]) -> Result<(), StoreError> {
    for r in rows.iter().filter(|r| !r.figures.is_empty()) {
        let week = week_text(r.key.week);
        let vendor = r.key.vendor.as_ref().map_or("", VendorId::as_str);
        let property = r.key.property.as_str();
        let stored: Option<String> = tx
            .prepare_cached(
                "SELECT figures FROM metrics WHERE week = ?1 AND property = ?2 AND vendor = ?3",
            )
            .ctx("preparing the metrics read")?
            .query_row(params![week, property, vendor], |row| row.get(0))
            .optional()
            .with_ctx(|| format!("reading the metrics row {}", r.key))?;
        let mut figures = match stored {
            Some(text) => decode(&text)?,
            None => Figures::default(),
        };
        figures.add_all(&r.figures);
        tx.prepare_cached(
            "INSERT INTO metrics (week, property, vendor, figures) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (week, property, vendor) DO UPDATE SET figures = excluded.figures",
        )
        .ctx("preparing the metrics write")?
        .execute(params![week, property, vendor, encode(&figures)?])
        .with_ctx(|| format!("writing the metrics row {}", r.key))?;
    }
    Ok(())
}

fn read_rows(db: &Db, weeks: &Weeks) -> Result<Vec<MetricRow>, StoreError> {
    let conn = db.conn();
    let mut stmt = conn
        .prepare_cached(
            "SELECT week, property, vendor, figures FROM metrics \
             WHERE week BETWEEN ?1 AND ?2 ORDER BY week, property, vendor",
        )
        .ctx("preparing the metrics query")?;
    let found = stmt
        .query_map(
            params![week_text(weeks.first), week_text(weeks.last)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            },
        )
        .ctx("reading the metrics")?;
    let mut out = Vec::new();
    for row in found {
        let (week, property, vendor, figures) = row.ctx("reading the metrics")?;
        let week = NaiveDate::parse_from_str(&week, "%Y-%m-%d")
            .with_ctx(|| format!("reading the stored week {week:?}"))?;
        let figures = decode(&figures)?;
        if figures.is_empty() {
            continue;
        }
        out.push(MetricRow {
            key: MetricKey {
                week,
                property: PropertyId(property),
                vendor: (!vendor.is_empty()).then_some(VendorId(vendor)),
            },
            figures,
        });
    }
    Ok(out)
}

#[async_trait]
impl MetricsProjection for SqliteStore {
    async fn read(&self, weeks: &Weeks) -> Result<Vec<MetricRow>, StoreError> {
        read_rows(self.db(), weeks)
    }
}

/// Whether the projection should be rebuilt at open: it has no row but work orders exist.
pub(crate) fn needs_rebuild(db: &Db) -> Result<bool, StoreError> {
    let conn = db.conn();
    let (rows, work_orders): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM metrics LIMIT 1)), \
                    (SELECT COUNT(*) FROM (SELECT 1 FROM work_orders LIMIT 1))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ctx("checking whether the metrics need a rebuild")?;
    Ok(rows == 0 && work_orders > 0)
}

impl SqliteStore {
    /// Rebuilds the metrics projection from every work order's timeline, in one transaction:
    /// each work order's marks are recomputed by replaying its timeline (and saved on it, so
    /// its next commit adds only what that commit changes), and the rows replaced by the sum
    /// of the work orders' contributions. Returns how many work orders were read.
    ///
    /// For a store nothing else writes to at the time (the local runner at start, the seed
    /// tool): it rewrites work orders without moving their versions.
    pub fn rebuild_metrics(&self) -> Result<usize, StoreError> {
        let mut conn = self.db().conn();
        let tx = conn.transaction().ctx("starting the metrics rebuild")?;
        let stored: Vec<(String, String)> = {
            let mut stmt = tx
                .prepare("SELECT id, json FROM work_orders ORDER BY id")
                .ctx("preparing the metrics rebuild")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .ctx("reading work orders for the metrics rebuild")?;
            rows.collect::<Result<_, _>>()
                .ctx("reading work orders for the metrics rebuild")?
        };
        let mut sums: BTreeMap<MetricKey, Figures> = BTreeMap::new();
        for (id, json) in &stored {
            let mut wo: WorkOrder = from_json(json, "a work order")?;
            let timeline = timeline_of(&tx, id)?;
            if let Some(replayed) = replay(&timeline)
                && replayed.metrics != wo.metrics
            {
                wo.metrics = replayed.metrics;
                tx.execute(
                    "UPDATE work_orders SET json = ?1 WHERE id = ?2",
                    params![to_json(&wo, "a work order")?, id],
                )
                .with_ctx(|| format!("saving the metric marks of {id}"))?;
            }
            let rows: Vec<MetricRow> = contribution(&wo)
                .into_iter()
                .map(|(key, figures)| MetricRow { key, figures })
                .collect();
            accumulate(&mut sums, &rows);
        }
        tx.execute("DELETE FROM metrics", [])
            .ctx("clearing the metrics")?;
        let rows: Vec<MetricRow> = sums
            .into_iter()
            .map(|(key, figures)| MetricRow { key, figures })
            .collect();
        write_deltas(&tx, &rows)?;
        tx.commit().ctx("committing the metrics rebuild")?;
        Ok(stored.len())
    }
}

fn timeline_of(tx: &Transaction, id: &str) -> Result<Vec<Recorded>, StoreError> {
    let mut stmt = tx
        .prepare_cached("SELECT at, event FROM timeline WHERE work_order = ?1 ORDER BY seq")
        .ctx("preparing the timeline query")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .with_ctx(|| format!("reading the timeline of {id}"))?;
    let mut out = Vec::new();
    for row in rows {
        let (at, event) = row.with_ctx(|| format!("reading the timeline of {id}"))?;
        out.push(Recorded {
            at: parse_ts(&at)?,
            event: from_json(&event, "a timeline event")?,
        });
    }
    Ok(out)
}
