//! Pages of work orders on SQLite ([`WorkOrderQueries`]): keyset reads on the indexes of
//! schema version 2, so a page reads its own rows (and one more), never the history before it.

use crate::db::{Ctx, Db, from_json};
use crate::rows::{decode_work_orders, query_json};
use crate::store::SqliteStore;
use async_trait::async_trait;
use mendwork_app::ports::{StoreError, WorkOrderQueries};
use mendwork_app::queries::{Listing, Page, PageKey, queue_key};
use mendwork_domain::WorkOrder;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

/// Gives rows written before schema version 2 their queue key (once: afterwards every commit
/// writes it).
pub(crate) fn backfill_queue_keys(db: &Db) -> Result<(), StoreError> {
    let mut conn = db.conn();
    let tx = conn.transaction().ctx("starting the queue-key backfill")?;
    let rows: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare("SELECT id, json FROM work_orders WHERE queue_key IS NULL")
            .ctx("preparing the queue-key backfill")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .ctx("reading work orders without a queue key")?;
        rows.collect::<Result<_, _>>()
            .ctx("reading work orders without a queue key")?
    };
    for (id, json) in &rows {
        let wo: WorkOrder = from_json(json, "a work order")?;
        tx.execute(
            "UPDATE work_orders SET queue_key = ?1 WHERE id = ?2",
            [queue_key(&wo), id.clone()],
        )
        .with_ctx(|| format!("writing the queue key of {id}"))?;
    }
    tx.commit().ctx("committing the queue-key backfill")
}

/// The statement and parameters of one page: the listing's own index range, from `after`.
fn page_query(listing: &Listing, after: Option<&PageKey>, fetch: i64) -> (String, Vec<Value>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let order = match listing {
        Listing::Newest { status, property } => {
            if let Some(s) = status {
                conditions.push("status = ?");
                values.push(Value::Text(s.as_str().into()));
            }
            if let Some(p) = property {
                conditions.push("property = ?");
                values.push(Value::Text(p.as_str().into()));
            }
            if let Some(k) = after {
                conditions.push("(created_at, id) < (?, ?)");
                values.push(Value::Text(k.created_at().into()));
                values.push(Value::Text(k.work_order().into()));
            }
            "created_at DESC, id DESC"
        }
        Listing::Queue { property } => {
            conditions.push("open = 1");
            if let Some(p) = property {
                conditions.push("property = ?");
                values.push(Value::Text(p.as_str().into()));
            }
            if let Some(k) = after {
                conditions.push("queue_key > ?");
                values.push(Value::Text(k.as_str().into()));
            }
            "queue_key"
        }
    };
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(Value::Integer(fetch));
    (
        format!("SELECT json FROM work_orders {filter} ORDER BY {order} LIMIT ?"),
        values,
    )
}

#[async_trait]
impl WorkOrderQueries for SqliteStore {
    async fn page(
        &self,
        listing: &Listing,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let (sql, values) = page_query(listing, after, fetch);
        // Decoded after the connection is released: a page is up to 201 work orders.
        let json = query_json(&self.db().conn(), &sql, params_from_iter(values))?;
        let items = decode_work_orders(&json)?;
        // The one row past the page says that another page follows.
        Ok(Page::from_overfetch(items, limit, listing))
    }
}
