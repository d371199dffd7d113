//! [`DynamoDeliveries`]: the webhook `Deliveries` port on the one table, with no new index —
//! deliveries reuse the table's two GSIs under partitions of their own:
//!
//! | item | `pk` | `sk` | other attributes | `gsi1` | `gsi2` |
//! |---|---|---|---|---|---|
//! | webhook delivery | `WEBHOOK#<endpoint>` | `EVT#<event id>` | `json`, `attempts` (N) | `WEBHOOKDUE` / `<next_at>#<endpoint>#<event id>` (only while pending) | `WEBHOOKLOG#<endpoint>` / `<created_at>#<event id>` |
//!
//! The due query reads the sparse `WEBHOOKDUE` partition up to now, so it reads pending
//! deliveries that are due and nothing else; the log reads one endpoint's `gsi2` partition
//! backwards. A put is conditional on the item not existing (idempotent), a record on the
//! attempts it read. The items have no `kind` attribute, so the stream's consumers ignore them.

use crate::error::{AwsError, put_if_holds, sdk};
use crate::item::{Item, from_json, key, n, req_s, s, to_json};
use crate::schema::{GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, PK, SK, ts};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use mendwork_app::deliveries::{Deliveries, WebhookDelivery};
use mendwork_app::ports::StoreError;

/// The `gsi1` partition of pending deliveries.
pub const DUE_INDEX: &str = "WEBHOOKDUE";

pub fn delivery_pk(endpoint: &str) -> String {
    format!("WEBHOOK#{endpoint}")
}
pub fn delivery_sk(event_id: &str) -> String {
    format!("EVT#{event_id}")
}
pub fn log_index(endpoint: &str) -> String {
    format!("WEBHOOKLOG#{endpoint}")
}

/// Webhook deliveries on the table (see the module docs).
#[derive(Debug, Clone)]
pub struct DynamoDeliveries {
    client: Client,
    table: String,
}

impl DynamoDeliveries {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoDeliveries {
        DynamoDeliveries {
            client,
            table: table.into(),
        }
    }

    fn item(d: &WebhookDelivery) -> Result<Item, AwsError> {
        let mut item = key(delivery_pk(&d.endpoint), delivery_sk(&d.event_id));
        item.insert("json".into(), s(to_json(d, "a webhook delivery")?));
        item.insert("attempts".into(), n(d.attempts));
        item.insert(GSI2PK.into(), s(log_index(&d.endpoint)));
        item.insert(
            GSI2SK.into(),
            s(format!("{}#{}", ts(d.created_at), d.event_id)),
        );
        if let Some(at) = d.next_at {
            item.insert(GSI1PK.into(), s(DUE_INDEX));
            item.insert(
                GSI1SK.into(),
                s(format!("{}#{}#{}", ts(at), d.endpoint, d.event_id)),
            );
        }
        Ok(item)
    }

    /// Writes `d` if `condition` holds; `false` if it does not.
    async fn put_if(
        &self,
        d: &WebhookDelivery,
        condition: &str,
        values: &[(&str, AttributeValue)],
        what: &str,
    ) -> Result<bool, StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::item(d)?))
            .condition_expression(condition);
        for (k, v) in values {
            put = put.expression_attribute_values(*k, v.clone());
        }
        Ok(put_if_holds(put, what).await?)
    }

    /// Every delivery of one index partition, in the index's order (or backwards), at most
    /// `limit`, with the range key below `below` when given.
    async fn query(
        &self,
        index: &str,
        (hash, value): (&str, String),
        below: Option<(&str, String)>,
        forward: bool,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let mut out = vec![];
        let mut start = None;
        loop {
            let condition = if below.is_some() {
                "#h = :h AND #r < :r"
            } else {
                "#h = :h"
            };
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .key_condition_expression(condition)
                .expression_attribute_names("#h", hash)
                .expression_attribute_values(":h", s(value.clone()))
                .scan_index_forward(forward)
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take());
            if let Some((range, bound)) = &below {
                q = q
                    .expression_attribute_names("#r", *range)
                    .expression_attribute_values(":r", s(bound.clone()));
            }
            let page = q
                .send()
                .await
                .map_err(|e| sdk("reading webhook deliveries", e))?;
            for item in page.items() {
                let text = req_s(item, "json", "a webhook delivery")?;
                out.push(from_json(text, "a webhook delivery")?);
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() || out.len() >= limit {
                return Ok(out);
            }
        }
    }
}

#[async_trait]
impl Deliveries for DynamoDeliveries {
    async fn put(&self, d: &WebhookDelivery) -> Result<bool, StoreError> {
        self.put_if(
            d,
            &format!("attribute_not_exists({PK})"),
            &[],
            "storing a webhook delivery",
        )
        .await
    }

    async fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        if limit == 0 {
            return Ok(vec![]);
        }
        // `<next_at>#…` sorts below `<now>$` exactly when next_at ≤ now ('#' < '$').
        self.query(
            GSI1,
            (GSI1PK, DUE_INDEX.to_string()),
            Some((GSI1SK, format!("{}$", ts(now)))),
            true,
            limit,
        )
        .await
    }

    async fn record(&self, d: &WebhookDelivery, prior: u32) -> Result<bool, StoreError> {
        self.put_if(
            d,
            &format!("attribute_exists({SK}) AND attempts = :prior"),
            &[(":prior", n(prior))],
            "recording a webhook attempt",
        )
        .await
    }

    async fn log(&self, endpoint: &str, limit: usize) -> Result<Vec<WebhookDelivery>, StoreError> {
        if limit == 0 {
            return Ok(vec![]);
        }
        self.query(GSI2, (GSI2PK, log_index(endpoint)), None, false, limit)
            .await
    }
}
