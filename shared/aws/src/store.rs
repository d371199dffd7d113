//! [`DynamoStore`]: the work-order store on the single DynamoDB table (see [`crate::schema`]).

use crate::calendar::{self, Calendars};
use crate::error::{AwsError, build, sdk};
use crate::item::{Item, doc, get_s, item, key, n, req_s, req_u64, s, to_json};
use crate::schema::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem,
};
use chrono::{DateTime, Utc};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{
    Commit, CommitError, Keys, ListFilter, Lookups, OptOuts, Outbox, OutboxRecord, StoreError,
    Stored, TenantHistory, Visits, WorkOrders,
};
use mendwork_app::queries::{newest_key, queue_key};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    JobCode, Phone, PropertyId, Status, VendorId, Visit, VisitId, VisitStatus, Window, WorkOrder,
    WorkOrderId,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};

/// DynamoDB allows at most this many actions in one `TransactWriteItems`.
const MAX_TRANSACTION_ITEMS: usize = 100;
/// `BatchGetItem` takes at most this many keys per call.
const MAX_BATCH_GET: usize = 100;
/// How many work orders' last seen versions are remembered (see [`DynamoStore`]).
const SEEN_CAPACITY: usize = 4096;

/// The lookup items (`(pk, sk)`) an open work order has; none for a closed or cancelled one.
type LookupItems = BTreeSet<(String, String)>;

/// The work-order store on DynamoDB.
///
/// Invariants (the same as the embedded store's, by other means):
/// - a [`Commit`] is one `TransactWriteItems`: the work order (conditioned on its version, or
///   on not existing for version 0), its timeline events and outbox records (each conditioned
///   on not existing), the idempotency key (conditioned on not existing), the visit projection,
///   the lookup items and the metric deltas (`ADD` to `METRIC#` rows) all land, or none does;
/// - a work order's `version` is the number of its commits;
/// - the timeline of a commit is keyed by the version it writes, so events are in commit
///   order and a refused commit leaves none behind;
/// - a version conflict is reported only after the idempotency key was checked, so a repeated
///   input is `Duplicate` whatever the version, as in the embedded store.
///
/// To delete the lookup items of values a work order no longer has, a commit needs the
/// previous version's values. The store remembers them for versions it loaded or wrote
/// (`seen`); a given `(id, version)` always denotes the same state because only one commit can
/// ever move a work order from one version to the next, so the memory cannot go stale. On a
/// miss the commit reads the item first.
pub struct DynamoStore {
    client: Client,
    table: String,
    seen: Mutex<HashMap<WorkOrderId, (u64, LookupItems)>>,
    /// The last outbox order stamp handed out, in nanoseconds (strictly increasing per process).
    last_stamp: AtomicI64,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
            seen: Mutex::new(HashMap::new()),
            last_stamp: AtomicI64::new(0),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    fn remember_seen(&self, id: &WorkOrderId, version: u64, lookups: LookupItems) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.len() >= SEEN_CAPACITY && !seen.contains_key(id) {
            seen.clear();
        }
        seen.insert(id.clone(), (version, lookups));
    }

    fn recalled(&self, id: &WorkOrderId, version: u64) -> Option<LookupItems> {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.get(id)
            .filter(|(v, _)| *v == version)
            .map(|(_, l)| l.clone())
    }

    /// A strictly increasing time for ordering outbox records (wall clock, nudged forward
    /// when two commits land in the same nanosecond or the clock steps back).
    fn stamp(&self) -> DateTime<Utc> {
        let now = SystemClock.now().timestamp_nanos_opt().unwrap_or(i64::MAX);
        let mut prev = self.last_stamp.load(Ordering::Relaxed);
        loop {
            let next = now.max(prev.saturating_add(1));
            match self.last_stamp.compare_exchange_weak(
                prev,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return DateTime::from_timestamp_nanos(next),
                Err(p) => prev = p,
            }
        }
    }

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
    async fn newest(
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
    async fn by_lookup(&self, partition: String) -> Result<Vec<WorkOrder>, AwsError> {
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

    async fn commit_now(&self, c: Commit) -> Result<(), CommitError> {
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

    async fn commit_outbox_now(
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

/// Newest first: `created_at` descending, then id ascending (the embedded store's order).
fn newest_first(wos: &mut [WorkOrder]) {
    wos.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
}

fn lookups(wo: &WorkOrder) -> LookupItems {
    let mut out = LookupItems::new();
    if wo.status.is_final() {
        return out;
    }
    let sk = lookup_sk(wo.id.as_str());
    for v in wo.vendor.iter().chain(wo.offer.as_ref().map(|o| &o.vendor)) {
        out.insert((by_vendor_pk(v.as_str()), sk.clone()));
    }
    if let Some(p) = &wo.request.tenant.phone {
        out.insert((by_phone_pk(p.as_str()), sk.clone()));
    }
    out.insert((by_code_pk(wo.code.as_str()), sk));
    out
}

pub(crate) fn wo_item(wo: &WorkOrder, version: u64) -> Result<Item, AwsError> {
    let newest = newest_sk(wo.created_at, wo.id.as_str());
    let mut it = item([
        (PK, s(wo_pk(wo.id.as_str()))),
        (SK, s(META)),
        ("version", n(version)),
        ("json", s(to_json(wo, "a work order")?)),
        ("status", s(wo.status.as_str())),
        ("open", AttributeValue::Bool(!wo.status.is_final())),
        ("code", s(wo.code.as_str())),
        ("property", s(wo.request.property.as_str())),
        ("created_at", s(ts(wo.created_at))),
        ("updated_at", s(ts(wo.updated_at))),
        (GSI1PK, s(status_index(wo.status.as_str()))),
        (GSI1SK, s(newest.clone())),
        (GSI2PK, s(property_index(wo.request.property.as_str()))),
        (GSI2SK, s(newest)),
        (GSI3PK, s(WORK_ORDERS_INDEX)),
        (GSI3SK, s(newest_key(wo))),
    ]);
    if !wo.status.is_final() {
        // Sparse: a closed or cancelled work order leaves the queue indexes.
        let queue = queue_key(wo);
        it.insert(GSI4PK.into(), s(QUEUE_INDEX));
        it.insert(GSI4SK.into(), s(queue.clone()));
        let property = property_queue_index(wo.request.property.as_str());
        it.insert(GSI5PK.into(), s(property));
        it.insert(GSI5SK.into(), s(queue));
    } else if wo.archived.is_none() {
        // Sparse too: the archive's due page reads only final, unarchived work orders.
        it.insert(GSI4PK.into(), s(ARCHIVE_INDEX));
        it.insert(
            GSI4SK.into(),
            s(format!("{}#{}", ts(wo.updated_at), wo.id.as_str())),
        );
    }
    if let Some(v) = &wo.vendor {
        it.insert("vendor".into(), s(v.as_str()));
    }
    if let Some(o) = &wo.offer {
        it.insert("offer_vendor".into(), s(o.vendor.as_str()));
    }
    if let Some(p) = &wo.request.tenant.phone {
        it.insert("tenant_phone".into(), s(p.as_str()));
        it.insert(GSI6PK.into(), s(tenant_index(p.as_str())));
        it.insert(GSI6SK.into(), s(newest_sk(wo.created_at, wo.id.as_str())));
    }
    Ok(it)
}

pub(crate) fn event_item(
    id: &WorkOrderId,
    version: u64,
    index: usize,
    r: &Recorded,
) -> Result<Item, AwsError> {
    Ok(item([
        (PK, s(wo_pk(id.as_str()))),
        (SK, s(event_sk(version, index))),
        ("version", n(version)),
        ("at", s(ts(r.at))),
        ("event", s(to_json(&r.event, "a timeline event")?)),
    ]))
}

/// The effect's serde tag (`email`, `sms`, `set_timer`, `cancel_timer`, `run`).
pub(crate) fn effect_kind(r: &OutboxRecord) -> Result<String, AwsError> {
    let value =
        serde_json::to_value(&r.effect).map_err(|e| crate::error::json("encoding an effect", e))?;
    value
        .get("effect")
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .ok_or_else(|| AwsError::Invalid(format!("effect of {} has no tag", r.id)))
}

fn outbox_item(r: &OutboxRecord, stamp: DateTime<Utc>, index: usize) -> Result<Item, AwsError> {
    let mut it = item([
        (PK, s(outbox_pk(&r.id))),
        (SK, s(OUTBOX_SK)),
        (KIND, s(effect_kind(r)?)),
        ("record", s(to_json(r, "an outbox record")?)),
        ("created_at", s(ts(r.created_at))),
        (GSI1PK, s(OUTBOX_INDEX)),
        (GSI1SK, s(outbox_order(stamp, index))),
    ]);
    if let Some(wo) = &r.work_order {
        it.insert("wo".into(), s(wo.as_str()));
    }
    Ok(it)
}

fn idem_item(k: &str, value: &str, now: DateTime<Utc>) -> Item {
    item([
        (PK, s(idem_pk(k))),
        (SK, s(IDEM_SK)),
        ("value", s(value)),
        ("at", s(ts(now))),
        (TTL, n(expiry(now))),
    ])
}

/// The stored spelling of a visit status (the same as its serde form).
fn visit_status(st: VisitStatus) -> &'static str {
    match st {
        VisitStatus::Expected => "expected",
        VisitStatus::CheckedIn => "checked_in",
        VisitStatus::CheckedOut => "checked_out",
        VisitStatus::Cancelled => "cancelled",
    }
}

fn visit_item(v: &Visit) -> Result<Item, AwsError> {
    let mut it = item([
        (PK, s(visit_pk(&v.id.0))),
        (SK, s(VISIT_SK)),
        ("json", s(to_json(v, "a visit")?)),
        ("property", s(v.property.as_str())),
        ("status", s(visit_status(v.status))),
    ]);
    if let Some(wo) = &v.work_order {
        it.insert("work_order".into(), s(wo.as_str()));
    }
    if let Some(w) = v.expected {
        it.insert("expected_start".into(), s(ts(w.start)));
        it.insert("expected_end".into(), s(ts(w.end)));
        it.insert(GSI1PK.into(), s(visits_index(v.property.as_str())));
        it.insert(GSI1SK.into(), s(format!("{}#{}", ts(w.end), v.id.0)));
    }
    if v.status == VisitStatus::CheckedIn {
        it.insert(GSI2PK.into(), s(checked_in_index(v.property.as_str())));
        it.insert(GSI2SK.into(), s(v.id.0.clone()));
    }
    Ok(it)
}

pub(crate) fn store_err(e: AwsError) -> StoreError {
    e.into()
}

#[async_trait]
impl TenantHistory for DynamoStore {
    async fn latest_for_tenant_phone(
        &self,
        phone: &Phone,
        limit: usize,
    ) -> Result<Vec<WorkOrder>, StoreError> {
        // Hash collisions and stale index entries are dropped by reading the phone back.
        let keep = |wo: &WorkOrder| wo.request.tenant.phone.as_ref() == Some(phone);
        let mut wos = self
            .newest(GSI6, tenant_index(phone.as_str()), &keep, Some(limit))
            .await?;
        wos.truncate(limit);
        Ok(wos)
    }
}

#[async_trait]
impl WorkOrders for DynamoStore {
    async fn load(&self, id: &WorkOrderId) -> Result<Option<Stored>, StoreError> {
        let Some(it) = self
            .get(wo_pk(id.as_str()), META, &format!("work order {id}"))
            .await?
        else {
            return Ok(None);
        };
        let version = req_u64(&it, "version", "a work order")?;
        let wo: WorkOrder = doc(&it, "json", "a work order")?;
        self.remember_seen(id, version, lookups(&wo));
        Ok(Some(Stored { wo, version }))
    }

    async fn timeline(&self, id: &WorkOrderId) -> Result<Vec<Recorded>, StoreError> {
        let items = self
            .query_all(
                None,
                "#h = :h AND begins_with(#r, :p)",
                vec![(":h", s(wo_pk(id.as_str()))), (":p", s(EVENT_PREFIX))],
                true,
                &format!("the timeline of {id}"),
            )
            .await?;
        let mut out = Vec::with_capacity(items.len());
        for it in &items {
            out.push(Recorded {
                at: parse_ts(req_s(it, "at", "a timeline event")?)?,
                event: doc(it, "event", "a timeline event")?,
            });
        }
        Ok(out)
    }

    async fn commit(&self, commit: Commit) -> Result<(), CommitError> {
        self.commit_now(commit).await
    }
}

#[async_trait]
impl Lookups for DynamoStore {
    async fn list(&self, filter: &ListFilter) -> Result<Vec<WorkOrder>, StoreError> {
        let keep = |wo: &WorkOrder| {
            filter.status.is_none_or(|s| wo.status == s)
                && (!filter.open_only || !wo.status.is_final())
                && filter
                    .property
                    .as_ref()
                    .is_none_or(|p| &wo.request.property == p)
        };
        let mut out = Vec::new();
        if let Some(p) = &filter.property {
            out = self
                .newest(GSI2, property_index(p.as_str()), &keep, filter.limit)
                .await?;
        } else {
            let statuses: Vec<Status> = match filter.status {
                Some(st) => vec![st],
                None => Status::ALL
                    .into_iter()
                    .filter(|st| !filter.open_only || !st.is_final())
                    .collect(),
            };
            for st in statuses {
                out.extend(
                    self.newest(GSI1, status_index(st.as_str()), &keep, filter.limit)
                        .await?,
                );
            }
        }
        newest_first(&mut out);
        if let Some(l) = filter.limit {
            out.truncate(l);
        }
        Ok(out)
    }

    async fn open_for_vendor(&self, vendor: &VendorId) -> Result<Vec<WorkOrder>, StoreError> {
        let mut wos = self.by_lookup(by_vendor_pk(vendor.as_str())).await?;
        wos.retain(|wo| {
            !wo.status.is_final()
                && (wo.vendor.as_ref() == Some(vendor)
                    || wo.offer.as_ref().is_some_and(|o| &o.vendor == vendor))
        });
        Ok(wos)
    }

    async fn open_for_tenant_phone(&self, phone: &Phone) -> Result<Vec<WorkOrder>, StoreError> {
        let mut wos = self.by_lookup(by_phone_pk(phone.as_str())).await?;
        wos.retain(|wo| !wo.status.is_final() && wo.request.tenant.phone.as_ref() == Some(phone));
        Ok(wos)
    }

    async fn open_by_code(&self, code: &JobCode) -> Result<Option<WorkOrder>, StoreError> {
        // Codes are meant to be unique among open work orders; should two collide anyway,
        // the newest is the one a vendor is most likely texting about.
        let wos = self.by_lookup(by_code_pk(code.as_str())).await?;
        Ok(wos
            .into_iter()
            .find(|wo| !wo.status.is_final() && &wo.code == code))
    }

    async fn vendor_appointments(
        &self,
        vendor: &VendorId,
    ) -> Result<Vec<(WorkOrderId, Window)>, StoreError> {
        let wos = self.by_lookup(by_vendor_pk(vendor.as_str())).await?;
        Ok(wos
            .iter()
            .filter_map(mendwork_domain::booking::booking)
            .filter(|b| &b.vendor == vendor)
            .map(|b| (b.work_order, b.window))
            .collect())
    }
}

#[async_trait]
impl Outbox for DynamoStore {
    async fn commit_outbox(
        &self,
        k: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError> {
        self.commit_outbox_now(k, value, &outbox).await
    }

    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        let values = vec![(":h", s(OUTBOX_INDEX))];
        while out.len() < limit {
            let page = self
                .query(Some(GSI1), "#h = :h", &values, true, start.take())
                .limit(i32::try_from(limit - out.len()).unwrap_or(i32::MAX))
                .send()
                .await
                .map_err(|e| store_err(sdk("reading the outbox", e)))?;
            let items = page.items.unwrap_or_default();
            for it in &items {
                out.push(doc::<OutboxRecord>(it, "record", "an outbox record")?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        // Done records are deleted: the timeline already holds every message, and a REMOVE
        // stream record carries no NewImage, so the Streams consumers' filters drop it. Done
        // twice (or an unknown id) deletes nothing and is fine.
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(outbox_pk(id), OUTBOX_SK)))
            .send()
            .await
            .map_err(|e| store_err(sdk(format!("marking outbox record {id} done"), e)))?;
        Ok(())
    }
}

#[async_trait]
impl Keys for DynamoStore {
    async fn idempotent(&self, k: &str) -> Result<Option<String>, StoreError> {
        let found = self
            .get(idem_pk(k), IDEM_SK, &format!("idempotency key {k:?}"))
            .await?;
        Ok(found
            .as_ref()
            .and_then(|it| get_s(it, "value"))
            .map(str::to_string))
    }

    async fn remember(&self, key: &str, value: &str) -> Result<(), CommitError> {
        self.commit_outbox(key, value, vec![]).await
    }
}

#[async_trait]
impl Visits for DynamoStore {
    async fn visit(&self, id: &VisitId) -> Result<Option<Visit>, StoreError> {
        let found = self
            .get(visit_pk(&id.0), VISIT_SK, &format!("visit {id}"))
            .await?;
        Ok(found
            .map(|it| doc::<Visit>(&it, "json", "a visit"))
            .transpose()?)
    }

    async fn visits_between(
        &self,
        property: &PropertyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        // Visits whose window ends after `from` (index order is the end time), kept when they
        // also start before `to` ("touches" is overlap of half-open spans); plus every visit
        // checked in, whatever its window.
        let ending = self
            .query_all(
                Some(GSI1),
                "#h = :h AND #r > :from",
                vec![
                    (":h", s(visits_index(property.as_str()))),
                    (":from", s(ts(from))),
                ],
                true,
                "visits by end time",
            )
            .await?;
        let checked_in = self
            .query_all(
                Some(GSI2),
                "#h = :h",
                vec![(":h", s(checked_in_index(property.as_str())))],
                true,
                "checked-in visits",
            )
            .await?;
        let mut out: Vec<Visit> = Vec::new();
        let mut ids = BTreeSet::new();
        for it in ending.iter().chain(&checked_in) {
            let v: Visit = doc(it, "json", "a visit")?;
            let touches = v.expected.is_some_and(|w| w.start < to && w.end > from);
            if (touches || v.status == VisitStatus::CheckedIn)
                && &v.property == property
                && ids.insert(v.id.clone())
            {
                out.push(v);
            }
        }
        out.sort_by(|a, b| {
            let start = |v: &Visit| v.expected.map(|w| w.start);
            (start(a).is_none(), start(a), &a.id.0).cmp(&(start(b).is_none(), start(b), &b.id.0))
        });
        Ok(out)
    }

    async fn save_manual_visit(&self, visit: &Visit) -> Result<(), StoreError> {
        if let Some(wo) = &visit.work_order {
            return Err(StoreError::msg(format!(
                "visit {} belongs to work order {wo}: it changes only through that work order",
                visit.id
            )));
        }
        let it = visit_item(visit)?;
        let written = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(it.clone()))
            // Overwriting a linked visit from the desk would silently unlink it from its work
            // order (whose own copy would then disagree); refuse, so the caller goes through
            // the work order.
            .condition_expression("attribute_not_exists(#pk) OR attribute_not_exists(#wo)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#wo", "work_order")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(e) => {
                if let Some(ccf) = e.as_service_error().and_then(|x| match x {
                    PutItemError::ConditionalCheckFailedException(c) => Some(c),
                    _ => None,
                }) {
                    let wo = ccf
                        .item()
                        .and_then(|old| get_s(old, "work_order"))
                        .unwrap_or("another work order")
                        .to_string();
                    return Err(StoreError::msg(format!(
                        "visit {} is linked to work order {wo}: it changes only through that \
                         work order",
                        visit.id
                    )));
                }
                Err(sdk(format!("saving visit {}", visit.id), e).into())
            }
        }
    }
}

#[async_trait]
impl OptOuts for DynamoStore {
    async fn opted_out(&self) -> Result<BTreeSet<Phone>, StoreError> {
        let items = self
            .query_all(
                None,
                "#h = :h AND begins_with(#r, :p)",
                vec![(":h", s(OPTOUTS)), (":p", s(OPT_OUT_PREFIX))],
                true,
                "the opt-outs",
            )
            .await?;
        let mut out = BTreeSet::new();
        for it in &items {
            let raw = get_s(it, SK)
                .and_then(|sk| sk.strip_prefix(OPT_OUT_PREFIX))
                .unwrap_or_default();
            let phone = Phone::parse(raw).map_err(|e| {
                StoreError::msg(format!("the stored opt-out {raw:?} is not a phone: {e}"))
            })?;
            out.insert(phone);
        }
        Ok(out)
    }

    async fn is_opted_out(&self, phone: &Phone) -> Result<bool, StoreError> {
        Ok(self
            .get(
                OPTOUTS.to_string(),
                &opt_out_sk(phone.as_str()),
                "an opt-out",
            )
            .await?
            .is_some())
    }

    async fn set_opted_out(&self, phone: &Phone, out: bool) -> Result<(), StoreError> {
        // One item per phone: a Put and a Delete, each idempotent (repeating STOP or START
        // changes nothing), and nothing that grows with the number of opt-outs.
        let k = key(OPTOUTS, opt_out_sk(phone.as_str()));
        let what = "recording an opt-out or opt-in";
        if out {
            let mut it = k.clone();
            it.insert("at".into(), s(ts(SystemClock.now())));
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(it.clone()))
                .send()
                .await
                .map_err(|e| store_err(sdk(what, e)))?;
        } else {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(k.clone()))
                .send()
                .await
                .map_err(|e| store_err(sdk(what, e)))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_order_keys_sort_like_their_stamps() {
        let store_stamp = |ns: i64| DateTime::from_timestamp_nanos(ns);
        let a = outbox_order(store_stamp(1_700_000_000_000_000_001), 7);
        let b = outbox_order(store_stamp(1_700_000_000_000_000_002), 0);
        let c = outbox_order(store_stamp(1_700_000_000_000_000_002), 1);
        assert!(a < b && b < c, "{a} {b} {c}");
    }

    #[test]
    fn from_json_reports_what_failed() {
        let err = crate::item::from_json::<WorkOrder>("{}", "a work order").err();
        assert!(err.is_some_and(|e| e.to_string().starts_with("decoding a work order")));
    }
}
