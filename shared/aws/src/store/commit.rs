//! A commit as one DynamoDB transaction: every put and delete conditioned as the store's
//! invariants require, and a cancelled transaction read back as a duplicate, a conflict or a
//! failure.

use super::items::{event_item, idem_item, lookups, outbox_item, visit_item, wo_item};
use super::{DynamoStore, LookupItems};
use crate::calendar::{self, Calendars};
use crate::error::{AwsError, build, sdk};
use crate::item::{Item, doc, key, n, req_u64, s};
use crate::schema::*;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{Commit, CommitError, Keys, OutboxRecord, StoreError};
use mendwork_domain::{WorkOrder, WorkOrderId};

/// DynamoDB allows at most this many actions in one `TransactWriteItems`.
const MAX_TRANSACTION_ITEMS: usize = 100;

impl DynamoStore {
    /// The lookup items of the stored version `expected` of a work order, or `None` if the
    /// stored version is another (or the work order does not exist).
    async fn previous_lookups(
        &self,
        id: &WorkOrderId,
        expected: u64,
    ) -> Result<Option<LookupItems>, AwsError> {
        if let Some(l) = self.recalled(id, expected) {
            return Ok(Some(l));
        }
        let Some(it) = self.get(wo_pk(id.as_str()), META, "a work order").await? else {
            return Ok(None);
        };
        let version = req_u64(&it, "version", "a work order")?;
        if version != expected {
            return Ok(None);
        }
        let wo: WorkOrder = doc(&it, "json", "a work order")?;
        Ok(Some(lookups(&wo)))
    }

    pub(super) async fn commit_now(&self, c: Commit) -> Result<(), CommitError> {
        let id = c.wo.id.clone();
        let now = SystemClock.now();
        let previous = if c.expected_version == 0 {
            Some(LookupItems::new())
        } else {
            self.previous_lookups(&id, c.expected_version).await?
        };
        let Some(previous) = previous else {
            // Refused without writing; a used key still wins, as in the embedded store.
            if let Some(k) = &c.idempotency_key
                && self.idempotent(k).await?.is_some()
            {
                return Err(CommitError::Duplicate(k.clone()));
            }
            return Err(CommitError::Conflict(id));
        };
        let version = c.expected_version + 1;
        let current = lookups(&c.wo);
        // The workflow's time (the commit's), not the wall clock: what has ended is the
        // workflow's business.
        let calendars = match calendar::calendars(
            &self.client,
            &self.table,
            &c.calendar,
            c.wo.updated_at,
        )
        .await?
        {
            Calendars::Writes(w) => w,
            Calendars::Clash(taken) => {
                if let Some(k) = &c.idempotency_key
                    && self.idempotent(k).await?.is_some()
                {
                    return Err(CommitError::Duplicate(k.clone()));
                }
                tracing::info!(work_order = %id, holder = %taken.work_order, "slot taken meanwhile");
                return Err(CommitError::Conflict(id));
            }
        };

        let mut puts: Vec<(Item, Option<&str>)> = Vec::new();
        let idem_at = c.idempotency_key.as_ref().map(|k| {
            puts.push((idem_item(k, id.as_str(), now), Some(NOT_EXISTS)));
            puts.len() - 1
        });
        let wo_at = puts.len();
        puts.push((
            wo_item(&c.wo, version)?,
            Some(if c.expected_version == 0 {
                NOT_EXISTS
            } else {
                SAME_VERSION
            }),
        ));
        for (i, r) in c.events.iter().enumerate() {
            puts.push((event_item(&id, version, i, r)?, Some(NOT_EXISTS)));
        }
        let stamp = self.stamp();
        for (i, r) in c.outbox.iter().enumerate() {
            puts.push((outbox_item(r, stamp, i)?, Some(NOT_EXISTS)));
        }
        if let Some(v) = &c.wo.visit {
            puts.push((visit_item(v)?, None));
        }
        for (pk, sk) in current.difference(&previous) {
            let mut it = key(pk.clone(), sk.clone());
            it.insert("wo".into(), s(id.as_str()));
            puts.push((it, None));
        }
        let deletes: Vec<&(String, String)> = previous.difference(&current).collect();
        let metric_updates = crate::metrics::update_actions(&self.table, &c.metrics)?;
        let total = puts.len() + deletes.len() + calendars.len() + metric_updates.len();
        if total > MAX_TRANSACTION_ITEMS {
            return Err(CommitError::Store(StoreError::msg(format!(
                "the commit of {id} has {total} items; DynamoDB takes at most \
                 {MAX_TRANSACTION_ITEMS} in one transaction"
            ))));
        }

        let mut actions = Vec::with_capacity(total);
        for (it, condition) in &puts {
            actions.push(self.put_action(it.clone(), *condition, c.expected_version)?);
        }
        for (pk, sk) in &deletes {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(pk.clone(), sk.clone())))
                .build()
                .map_err(|e| build("building a lookup delete", e))?;
            actions.push(TransactWriteItem::builder().delete(delete).build());
        }
        let calendar_at = actions.len();
        for (it, rev) in &calendars {
            actions.push(calendar::put_action(&self.table, it.clone(), *rev)?);
        }
        actions.extend(metric_updates);
        let sent = self
            .client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .client_request_token(request_token())
            .send()
            .await;
        match sent {
            Ok(_) => {
                self.remember_seen(&id, version, current);
                Ok(())
            }
            Err(e) => {
                let mut throttled = false;
                if let Some(TransactWriteItemsError::TransactionCanceledException(t)) =
                    e.as_service_error()
                {
                    let reasons = t.cancellation_reasons();
                    let code = |i: usize| reasons.get(i).and_then(|r| r.code());
                    if let (Some(i), Some(k)) = (idem_at, &c.idempotency_key)
                        && code(i) == Some(CONDITION_FAILED)
                    {
                        return Err(CommitError::Duplicate(k.clone()));
                    }
                    // A calendar changed since it was read: another commit booked or freed
                    // this vendor's time; decide again on a fresh read.
                    let calendar_moved = (calendar_at..calendar_at + calendars.len())
                        .any(|i| code(i) == Some(CONDITION_FAILED));
                    if code(wo_at) == Some(CONDITION_FAILED)
                        || calendar_moved
                        || reasons
                            .iter()
                            .any(|r| r.code() == Some("TransactionConflict"))
                    {
                        return Err(CommitError::Conflict(id));
                    }
                    throttled = reasons
                        .iter()
                        .any(|r| crate::error::throttled_reason(r.code()));
                }
                let mut failed = sdk(format!("committing version {version} of {id}"), e);
                if throttled {
                    failed = failed.throttled();
                }
                Err(CommitError::Store(failed.into()))
            }
        }
    }

    pub(crate) fn put_action(
        &self,
        it: Item,
        condition: Option<&str>,
        expected: u64,
    ) -> Result<TransactWriteItem, AwsError> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(it));
        match condition {
            Some(SAME_VERSION) => {
                put = put
                    .condition_expression(SAME_VERSION)
                    .expression_attribute_names("#v", "version")
                    .expression_attribute_values(":v", n(expected));
            }
            Some(c) => {
                put = put
                    .condition_expression(c)
                    .expression_attribute_names("#pk", PK);
            }
            None => {}
        }
        let put = put.build().map_err(|e| build("building a put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub(super) async fn commit_outbox_now(
        &self,
        k: &str,
        value: &str,
        outbox: &[OutboxRecord],
    ) -> Result<(), CommitError> {
        let now = SystemClock.now();
        let stamp = self.stamp();
        let mut puts = vec![idem_item(k, value, now)];
        for (i, r) in outbox.iter().enumerate() {
            puts.push(outbox_item(r, stamp, i)?);
        }
        if puts.len() > MAX_TRANSACTION_ITEMS {
            return Err(CommitError::Store(StoreError::msg(format!(
                "{} outbox records for key {k:?}: DynamoDB takes at most \
                 {MAX_TRANSACTION_ITEMS} items in one transaction",
                outbox.len()
            ))));
        }
        let mut actions = Vec::with_capacity(puts.len());
        for it in &puts {
            actions.push(self.put_action(it.clone(), Some(NOT_EXISTS), 0)?);
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .client_request_token(request_token())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                if let Some(TransactWriteItemsError::TransactionCanceledException(t)) =
                    e.as_service_error()
                    && t.cancellation_reasons().first().and_then(|r| r.code())
                        == Some(CONDITION_FAILED)
                {
                    return Err(CommitError::Duplicate(k.to_string()));
                }
                Err(CommitError::Store(
                    sdk(format!("committing outbox records under key {k:?}"), e).into(),
                ))
            }
        }
    }
}

/// A fresh `ClientRequestToken` for one transaction. The SDK resends the same request (same
/// token) when a response is lost; DynamoDB then answers success for a transaction it already
/// applied instead of failing its own conditions and reporting a false conflict.
fn request_token() -> String {
    use rand::Rng;
    let bits: u128 = rand::rng().random();
    format!("{bits:032x}")
}

const CONDITION_FAILED: &str = "ConditionalCheckFailed";
const NOT_EXISTS: &str = "attribute_not_exists(#pk)";
pub(crate) const SAME_VERSION: &str = "#v = :v";
