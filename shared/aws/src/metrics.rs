//! The metrics projection on DynamoDB (see `mendwork_domain::metrics`).
//!
//! One item per week × property × vendor (or no vendor): `pk` `METRIC#<Monday of the week>`,
//! `sk` `<property>#<vendor>` (`<property>#` for the work orders' own figures), the week,
//! property and vendor as attributes, and one number attribute per non-zero field (`requests`,
//! `to_assign_07`, …). A commit adds its deltas with one `Update` per row it changes (`ADD`,
//! unconditional) inside its `TransactWriteItems`, so the rows move with the work order or not
//! at all. The page reads one partition per week of its period (a `Query`, every property and
//! vendor of that week): its cost is the weeks and vendors shown, never the history.
//!
//! Rows are shared by every work order of a property and week, so two commits writing one row
//! at the same moment make DynamoDB cancel one of them with `TransactionConflict`; the store
//! reports that as a `Conflict` and the step decides again on a fresh read (up to its retry
//! limit), as for any concurrent change — nothing is written twice because nothing of the
//! cancelled transaction was written. Keying rows by vendor as well as week keeps the rows
//! that concurrent commits share few: a small team's commits rarely land on one row in the
//! same few milliseconds.
//!
//! A deployment whose work orders predate the projection is brought in by
//! [`DynamoStore::backfill_metrics`] (`mendwork-load-config --backfill`, after the page keys), safely while
//! the functions run.

use crate::error::{AwsError, build, sdk};
use crate::item::{Item, doc, get_s, key, n, req_u64, s};
use crate::schema::{GSI3, GSI3PK, PK, SK, WORK_ORDERS_INDEX, metric_pk, metric_sk};
use crate::store::{DynamoStore, SAME_VERSION, store_err, wo_item};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::NaiveDate;
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::{StoreError, WorkOrders};
use mendwork_domain::decide::replay;
use mendwork_domain::metrics::{Field, Figures, MetricKey, MetricRow, Weeks, contribution};
use mendwork_domain::{PropertyId, VendorId, WorkOrder};
use std::collections::BTreeMap;

const WEEK: &str = "week";
const PROPERTY: &str = "property";
const VENDOR: &str = "vendor";

/// The `UpdateItem` parts of one row's delta: key, expression, names and values.
struct RowUpdate {
    key: Item,
    expression: String,
    names: Vec<(String, String)>,
    values: Vec<(String, AttributeValue)>,
}

fn row_update(row: &MetricRow) -> RowUpdate {
    let k = &row.key;
    let vendor = k.vendor.as_ref().map_or("", VendorId::as_str);
    let mut names = vec![
        ("#w".to_string(), WEEK.to_string()),
        ("#p".to_string(), PROPERTY.to_string()),
        ("#vd".to_string(), VENDOR.to_string()),
    ];
    let mut values = vec![
        (":w".to_string(), s(k.week.format("%Y-%m-%d").to_string())),
        (":p".to_string(), s(k.property.as_str())),
        (":vd".to_string(), s(vendor)),
    ];
    let mut adds = vec![];
    for (i, (field, delta)) in row.figures.iter().enumerate() {
        names.push((format!("#f{i}"), field.name()));
        values.push((format!(":f{i}"), n(delta)));
        adds.push(format!("#f{i} :f{i}"));
    }
    RowUpdate {
        key: key(metric_pk(k.week), metric_sk(&k.property, k.vendor.as_ref())),
        expression: format!("SET #w = :w, #p = :p, #vd = :vd ADD {}", adds.join(", ")),
        names,
        values,
    }
}

/// The transaction actions that add a commit's metric deltas (one per row).
pub(crate) fn update_actions(
    table: &str,
    rows: &[MetricRow],
) -> Result<Vec<TransactWriteItem>, AwsError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows.iter().filter(|r| !r.figures.is_empty()) {
        let u = row_update(row);
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(u.key))
            .update_expression(u.expression);
        for (k, v) in u.names {
            update = update.expression_attribute_names(k, v);
        }
        for (k, v) in u.values {
            update = update.expression_attribute_values(k, v);
        }
        let update = update
            .build()
            .map_err(|e| build("building a metrics update", e))?;
        out.push(TransactWriteItem::builder().update(update).build());
    }
    Ok(out)
}

/// A stored row as the projection's row (numbers of fields this build does not know are left
/// out).
fn parse_row(it: &Item) -> Result<MetricRow, AwsError> {
    let week = get_s(it, WEEK).unwrap_or_default();
    let week = NaiveDate::parse_from_str(week, "%Y-%m-%d")
        .map_err(|e| AwsError::Invalid(format!("the stored week {week:?}: {e}")))?;
    let property = PropertyId(get_s(it, PROPERTY).unwrap_or_default().to_string());
    let vendor = get_s(it, VENDOR)
        .filter(|v| !v.is_empty())
        .map(|v| VendorId(v.to_string()));
    let mut figures = Figures::default();
    for (name, value) in it {
        if [PK, SK, WEEK, PROPERTY, VENDOR].contains(&name.as_str()) {
            continue;
        }
        let (Some(field), Ok(number)) = (Field::parse(name), value.as_n()) else {
            continue;
        };
        let number: i64 = number
            .parse()
            .map_err(|e| AwsError::Invalid(format!("the stored count {name}={number}: {e}")))?;
        figures.add(field, number);
    }
    Ok(MetricRow {
        key: MetricKey {
            week,
            property,
            vendor,
        },
        figures,
    })
}

/// How many weeks' queries a read keeps in flight at once.
const PARALLEL_WEEKS: usize = 8;

/// Every page of one week's partition (one page unless the week holds over 1 MB of rows).
async fn query_week(
    client: aws_sdk_dynamodb::Client,
    table: String,
    week: NaiveDate,
) -> Result<Vec<Vec<Item>>, AwsError> {
    let mut pages = vec![];
    let mut start = None;
    loop {
        let page = client
            .query()
            .table_name(&table)
            .key_condition_expression("#h = :h")
            .expression_attribute_names("#h", PK)
            .expression_attribute_values(":h", s(metric_pk(week)))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| sdk(format!("querying the metrics of the week of {week}"), e))?;
        pages.push(page.items.unwrap_or_default());
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => return Ok(pages),
        }
    }
}

impl DynamoStore {
    /// Every row of the weeks, each week one `Query` (eventually consistent), up to
    /// [`PARALLEL_WEEKS`] of them at once so a year's page waits for 7 round trips, not 53.
    async fn metric_weeks(&self, weeks: &[NaiveDate]) -> Result<Vec<MetricRow>, AwsError> {
        let mut out = vec![];
        for batch in weeks.chunks(PARALLEL_WEEKS) {
            let mut running = tokio::task::JoinSet::new();
            for (i, week) in batch.iter().enumerate() {
                let (client, table, week) =
                    (self.client().clone(), self.table().to_string(), *week);
                running.spawn(async move { (i, query_week(client, table, week).await) });
            }
            let mut done: Vec<(usize, Vec<Vec<Item>>)> = vec![];
            while let Some(joined) = running.join_next().await {
                let (i, pages) = joined.map_err(|e| {
                    AwsError::Invalid(format!("a metrics query did not finish: {e}"))
                })?;
                done.push((i, pages?));
            }
            done.sort_by_key(|(i, _)| *i);
            for (_, pages) in done {
                for items in pages {
                    for it in &items {
                        out.push(parse_row(it)?);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Adds rows outside any commit, one `UpdateItem` each (the history import: its work
    /// orders' contributions, summed per row first).
    pub(crate) async fn add_metric_rows(&self, rows: &[MetricRow]) -> Result<(), AwsError> {
        for row in rows.iter().filter(|r| !r.figures.is_empty()) {
            let u = row_update(row);
            let mut update = self
                .client()
                .update_item()
                .table_name(self.table())
                .set_key(Some(u.key))
                .update_expression(u.expression);
            for (k, v) in u.names {
                update = update.expression_attribute_names(k, v);
            }
            for (k, v) in u.values {
                update = update.expression_attribute_values(k, v);
            }
            update
                .send()
                .await
                .map_err(|e| sdk(format!("adding to the metrics row {}", row.key), e))?;
        }
        Ok(())
    }
}

/// How many times the backfill of one work order is tried while commits keep moving it.
const BACKFILL_TRIES: usize = 8;

impl DynamoStore {
    /// Brings work orders stored before the projection into it: each work order without
    /// marks gets them from a replay of its timeline, written in one transaction with its
    /// contribution to the rows — conditioned on the version it read, so a commit landing
    /// meanwhile (which, the work order having no marks, added nothing) makes it read and try
    /// again. Work orders with marks are left alone, so running it twice adds nothing twice.
    /// Returns how many work orders it brought in. Reads every work order once (through the
    /// `WORKORDERS` index) and the timelines of those it brings in: a one-off after an upgrade.
    pub async fn backfill_metrics(&self) -> Result<usize, StoreError> {
        let mut done = 0;
        let mut start = None;
        loop {
            let page = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(GSI3)
                .key_condition_expression("#h = :h")
                .expression_attribute_names("#h", GSI3PK)
                .expression_attribute_values(":h", s(WORK_ORDERS_INDEX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| store_err(sdk("listing work orders for the metrics", e)))?;
            let items = page.items.unwrap_or_default();
            for it in &items {
                let wo: WorkOrder = doc(it, "json", "a work order").map_err(store_err)?;
                if wo.metrics.is_some() {
                    continue;
                }
                let version = req_u64(it, "version", "a work order").map_err(store_err)?;
                if self.backfill_one(wo, version).await? {
                    done += 1;
                }
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(done),
            }
        }
    }

    /// One work order's backfill; false when it has no timeline to replay or got its marks
    /// meanwhile.
    async fn backfill_one(&self, mut wo: WorkOrder, mut version: u64) -> Result<bool, StoreError> {
        for _ in 0..BACKFILL_TRIES {
            let timeline = self.timeline(&wo.id).await?;
            let Some(marks) = replay(&timeline).and_then(|r| r.metrics) else {
                return Ok(false);
            };
            wo.metrics = Some(marks);
            let rows: Vec<MetricRow> = contribution(&wo)
                .into_iter()
                .map(|(key, figures)| MetricRow { key, figures })
                .collect();
            let item = wo_item(&wo, version).map_err(store_err)?;
            let mut actions = vec![
                self.put_action(item.clone(), Some(SAME_VERSION), version)
                    .map_err(store_err)?,
            ];
            actions.extend(update_actions(self.table(), &rows).map_err(store_err)?);
            let sent = self
                .client()
                .transact_write_items()
                .set_transact_items(Some(actions))
                .send()
                .await;
            match sent {
                Ok(_) => return Ok(true),
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_transaction_canceled_exception()) =>
                {
                    // Moved by a commit (or a row shared with one): read it again.
                    let Some(stored) = self.load(&wo.id).await? else {
                        return Ok(false);
                    };
                    if stored.wo.metrics.is_some() {
                        return Ok(false);
                    }
                    (wo, version) = (stored.wo, stored.version);
                }
                Err(e) => {
                    return Err(store_err(sdk(
                        format!("backfilling the metrics of {}", wo.id),
                        e,
                    )));
                }
            }
        }
        Err(StoreError::msg(format!(
            "the metrics of {} could not be backfilled: it kept changing",
            wo.id
        )))
    }
}

#[async_trait]
impl MetricsProjection for DynamoStore {
    async fn read(&self, weeks: &Weeks) -> Result<Vec<MetricRow>, StoreError> {
        let mut rows: BTreeMap<MetricKey, Figures> = BTreeMap::new();
        let found = self
            .metric_weeks(&weeks.mondays())
            .await
            .map_err(store_err)?;
        for r in found {
            rows.entry(r.key).or_default().add_all(&r.figures);
        }
        Ok(rows
            .into_iter()
            .filter(|(_, f)| !f.is_empty())
            .map(|(key, figures)| MetricRow { key, figures })
            .collect())
    }
}
