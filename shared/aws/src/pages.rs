//! Pages of work orders on DynamoDB ([`WorkOrderQueries`]): one `Query` on the index that
//! holds the listing in its order, with `Limit` and `ExclusiveStartKey`, so a page reads its
//! own items (and one more, to know whether another page follows) — never the history.

use crate::error::{AwsError, sdk};
use crate::item::{Item, doc, s};
use crate::schema::*;
use crate::store::{DynamoStore, store_err};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use mendwork_app::ports::{StoreError, WorkOrderQueries};
use mendwork_app::queries::{Listing, Page, PageKey};
use mendwork_domain::WorkOrder;

/// Where a listing lives: an index, its key attributes, the partition and the direction.
struct Range {
    index: &'static str,
    hash: &'static str,
    sort: &'static str,
    partition: String,
    forward: bool,
    /// The one listing no index holds in order (status and property together) reads the
    /// property's partition and keeps that status: its cost is the property's history.
    status: Option<&'static str>,
}

fn range(listing: &Listing) -> Range {
    let newest = |index, hash, sort, partition| Range {
        index,
        hash,
        sort,
        partition,
        forward: false,
        status: None,
    };
    match listing {
        Listing::Newest {
            status: None,
            property: None,
        } => newest(GSI3, GSI3PK, GSI3SK, WORK_ORDERS_INDEX.to_string()),
        Listing::Newest {
            status: Some(st),
            property: None,
        } => newest(GSI1, GSI1PK, GSI1SK, status_index(st.as_str())),
        Listing::Newest {
            status,
            property: Some(p),
        } => Range {
            status: status.map(|s| s.as_str()),
            ..newest(GSI2, GSI2PK, GSI2SK, property_index(p.as_str()))
        },
        Listing::Queue { property: None } => Range {
            forward: true,
            ..newest(GSI4, GSI4PK, GSI4SK, QUEUE_INDEX.to_string())
        },
        Listing::Queue { property: Some(p) } => Range {
            forward: true,
            ..newest(GSI5, GSI5PK, GSI5SK, property_queue_index(p.as_str()))
        },
    }
}

/// The index position of the work order a key names (an index's `ExclusiveStartKey` is the
/// item's table key plus its index key).
fn start_key(r: &Range, after: &PageKey) -> Item {
    [
        (PK, s(wo_pk(after.work_order()))),
        (SK, s(META)),
        (r.hash, s(r.partition.clone())),
        (r.sort, s(after.as_str())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

impl DynamoStore {
    async fn read_page(
        &self,
        listing: &Listing,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Page, AwsError> {
        let r = range(listing);
        let want = limit.saturating_add(1);
        let fetch = i32::try_from(want).unwrap_or(i32::MAX);
        let mut items: Vec<WorkOrder> = Vec::new();
        let mut start = after.map(|k| start_key(&r, k));
        loop {
            let mut q = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(r.index)
                .key_condition_expression("#h = :h")
                .expression_attribute_names("#h", r.hash)
                .expression_attribute_values(":h", s(r.partition.clone()))
                .scan_index_forward(r.forward)
                .limit(fetch)
                .set_exclusive_start_key(start.take());
            if let Some(st) = r.status {
                q = q
                    .filter_expression("#st = :st")
                    .expression_attribute_names("#st", "status")
                    .expression_attribute_values(":st", AttributeValue::S(st.to_string()));
            }
            let out = q
                .send()
                .await
                .map_err(|e| sdk("reading a page of work orders", e))?;
            let got = out.items.unwrap_or_default();
            for it in &got {
                let wo: WorkOrder = doc(it, "json", "a work order")?;
                // An index is eventually consistent: keep only what still belongs here.
                if listing.contains(&wo) {
                    items.push(wo);
                }
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() && items.len() < want => start = Some(k),
                _ => break,
            }
        }
        Ok(Page::from_overfetch(items, limit, listing))
    }
}

#[async_trait]
impl WorkOrderQueries for DynamoStore {
    async fn page(
        &self,
        listing: &Listing,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Page, StoreError> {
        self.read_page(listing, after, limit)
            .await
            .map_err(store_err)
    }
}
