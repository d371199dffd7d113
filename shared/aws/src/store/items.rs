//! How work orders, timeline events, outbox records, idempotency keys and visits are written
//! as items: their keys, their index attributes (sparse where an index must forget them) and
//! the lookup items an open work order has.

use super::LookupItems;
use crate::error::AwsError;
use crate::item::{Item, item, n, s, to_json};
use crate::schema::*;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use mendwork_app::ports::OutboxRecord;
use mendwork_app::queries::{newest_key, queue_key};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{Visit, VisitStatus, WorkOrder, WorkOrderId};

pub(super) fn lookups(wo: &WorkOrder) -> LookupItems {
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

pub(super) fn outbox_item(
    r: &OutboxRecord,
    stamp: DateTime<Utc>,
    index: usize,
) -> Result<Item, AwsError> {
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

pub(super) fn idem_item(k: &str, value: &str, now: DateTime<Utc>) -> Item {
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

pub(super) fn visit_item(v: &Visit) -> Result<Item, AwsError> {
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
