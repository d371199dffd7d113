//! Reading the table: one item, a query's every page, a partition's newest work orders, and
//! the work orders a lookup partition points at (batch reads retried while throttled).

use super::DynamoStore;
use crate::error::{AwsError, build, sdk};
use crate::item::{Item, doc, get_s, key, s};
use crate::schema::*;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use chrono::{DateTime, Utc};
use mendwork_domain::WorkOrder;

/// `BatchGetItem` takes at most this many keys per call.
const MAX_BATCH_GET: usize = 100;

impl DynamoStore {
    pub(crate) async fn get(
        &self,
        pk: String,
        sk: &str,
        what: &str,
    ) -> Result<Option<Item>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk(format!("reading {what}"), e))?;
        Ok(out.item)
    }

    /// Every item of a query, all pages. `index` `None` is the table (read consistently).
    pub(crate) async fn query_all(
        &self,
        index: Option<&str>,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
        forward: bool,
        what: &str,
    ) -> Result<Vec<Item>, AwsError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .query(index, condition, &values, forward, start.take())
                .send()
                .await
                .map_err(|e| sdk(format!("querying {what}"), e))?;
            let items = page.items.unwrap_or_default();
            out.extend(items);
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(out),
            }
        }
    }

    pub(crate) fn query(
        &self,
        index: Option<&str>,
        condition: &str,
        values: &[(&str, AttributeValue)],
        forward: bool,
        start: Option<Item>,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let (hash, range) = match index {
            Some(GSI1) => (GSI1PK, GSI1SK),
            Some(GSI4) => (GSI4PK, GSI4SK),
            Some(GSI6) => (GSI6PK, GSI6SK),
            Some(_) => (GSI2PK, GSI2SK),
            None => (PK, SK),
        };
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_string))
            .key_condition_expression(condition)
            .expression_attribute_names("#h", hash)
            .scan_index_forward(forward)
            .consistent_read(index.is_none())
            .set_exclusive_start_key(start);
        if condition.contains("#r") {
            q = q.expression_attribute_names("#r", range);
        }
        for (k, v) in values {
            q = q.expression_attribute_values(*k, v.clone());
        }
        q
    }

    /// Work orders of one index partition, newest first (`created_at` descending, then id), up
    /// to `limit` of those matching `keep`; items tied with the last one kept are read too, so
    /// the order among equal times is the same as the embedded store's.
    pub(super) async fn newest(
        &self,
        index: &str,
        partition: String,
        keep: &(dyn Fn(&WorkOrder) -> bool + Sync),
        limit: Option<usize>,
    ) -> Result<Vec<WorkOrder>, AwsError> {
        if limit == Some(0) {
            return Ok(vec![]);
        }
        let values = vec![(":h", s(partition))];
        let mut out: Vec<WorkOrder> = Vec::new();
        let mut boundary: Option<DateTime<Utc>> = None;
        let mut start = None;
        'pages: loop {
            let page = self
                .query(Some(index), "#h = :h", &values, false, start.take())
                .send()
                .await
                .map_err(|e| sdk("listing work orders", e))?;
            let items = page.items.unwrap_or_default();
            for it in &items {
                let wo: WorkOrder = doc(it, "json", "a work order")?;
                if boundary.is_some_and(|b| wo.created_at != b) {
                    break 'pages;
                }
                if !keep(&wo) {
                    continue;
                }
                let created = wo.created_at;
                out.push(wo);
                if boundary.is_none() && limit.is_some_and(|l| out.len() >= l) {
                    boundary = Some(created);
                }
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        Ok(out)
    }

    /// The work orders a lookup partition (`BYVENDOR#…`, `BYPHONE#…`, `BYCODE#…`) points at,
    /// read consistently from their own items.
    pub(super) async fn by_lookup(&self, partition: String) -> Result<Vec<WorkOrder>, AwsError> {
        let pointers = self
            .query_all(
                None,
                "#h = :h",
                vec![(":h", s(partition.clone()))],
                true,
                &partition,
            )
            .await?;
        let ids: Vec<String> = pointers
            .iter()
            .filter_map(|it| get_s(it, "wo").map(str::to_string))
            .collect();
        let mut out = Vec::new();
        for chunk in ids.chunks(MAX_BATCH_GET) {
            let keys: Vec<Item> = chunk.iter().map(|id| key(wo_pk(id), META)).collect();
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| build("building a batch read", e))?,
            );
            for attempt in 0u32.. {
                let Some(request) = pending.take() else { break };
                if attempt > 0 {
                    // Unprocessed keys mean throttling: back off before asking again.
                    let ms = 25u64 << attempt.min(6);
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                }
                let got = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| sdk("reading work orders", e))?;
                if let Some(mut responses) = got.responses
                    && let Some(items) = responses.remove(&self.table)
                {
                    for it in &items {
                        out.push(doc::<WorkOrder>(it, "json", "a work order")?);
                    }
                }
                pending = got
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys().is_empty());
            }
        }
        newest_first(&mut out);
        Ok(out)
    }
}

/// Newest first: `created_at` descending, then id ascending (the embedded store's order).
pub(super) fn newest_first(wos: &mut [WorkOrder]) {
    wos.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
}
