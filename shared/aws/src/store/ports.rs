//! The app's store ports on [`DynamoStore`]: work orders and their timelines, lookups and
//! lists, the outbox, idempotency keys, visits and opt-outs.

use super::items::{lookups, visit_item};
use super::reads::newest_first;
use super::{DynamoStore, store_err};
use crate::error::sdk;
use crate::item::{doc, get_s, key, req_s, req_u64, s};
use crate::schema::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use chrono::{DateTime, Utc};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{
    Commit, CommitError, Keys, ListFilter, Lookups, OptOuts, Outbox, OutboxRecord, StoreError,
    Stored, TenantHistory, Visits, WorkOrders,
};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{
    JobCode, Phone, PropertyId, Status, VendorId, Visit, VisitId, VisitStatus, Window, WorkOrder,
    WorkOrderId,
};
use std::collections::BTreeSet;

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
