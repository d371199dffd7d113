//! Brings work-order items written by an older Mendwork up to the current item shape: the page
//! indexes (`gsi3`–`gsi5`, added with pagination) exist only on items written since, so a
//! deployment upgraded in place would list, queue and backfill only the work orders touched
//! after the upgrade; and the archive's `ARCHIVE` entry in `gsi4` exists only on closed or
//! cancelled work orders written since the archive came, so the older ones would never be
//! archived. [`DynamoStore::backfill_page_keys`] rewrites both kinds once.
//!
//! It must run before [`DynamoStore::backfill_metrics`], which finds work orders through
//! `gsi3`; `mendwork-load-config --backfill` runs both, in that order.

use crate::archive::ARCHIVED;
use crate::item::{doc, n, req_u64, s};
use crate::schema::{GSI3PK, GSI4PK, META, PK, SK};
use crate::store::{DynamoStore, SAME_VERSION, store_err, wo_item};
use aws_sdk_dynamodb::types::AttributeValue;
use mendwork_app::ports::StoreError;
use mendwork_domain::WorkOrder;

/// The partition-key prefix of a work order's items (`WO#<id>`).
const WORK_ORDER_PREFIX: &str = "WO#";

/// The items the backfill rewrites: work orders without the page keys, and closed or cancelled
/// ones that are in no `gsi4` partition yet carry no archive mark (a mark means the archive
/// has them: rewriting such an item would drop its `ARCHIVED` entry mid-release).
const NEEDS_KEYS: &str = "#sk = :meta AND begins_with(#pk, :wo) AND (attribute_not_exists(#g3) \
     OR (#open = :closed AND attribute_not_exists(#g4) AND attribute_not_exists(#archived)))";

impl DynamoStore {
    /// Rewrites every work-order item that lacks the page-index keys, or is final and in
    /// neither archive partition without having been archived, with the item the current
    /// version writes (same version number, same JSON), each conditioned on its
    /// version: a commit landing meanwhile has written the keys itself, so losing that race
    /// is success. Items that have the keys are not read twice nor written: a second run
    /// writes nothing. Returns how many items it rewrote.
    ///
    /// Cost: one scan of the table (the old items have no index to find them by), filtered
    /// server-side; a one-off after an upgrade, safe while the functions run.
    pub async fn backfill_page_keys(&self) -> Result<usize, StoreError> {
        let mut rewritten = 0;
        let mut start = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression(NEEDS_KEYS)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#g3", GSI3PK)
                .expression_attribute_names("#g4", GSI4PK)
                .expression_attribute_names("#open", "open")
                .expression_attribute_names("#archived", ARCHIVED)
                .expression_attribute_values(":meta", s(META))
                .expression_attribute_values(":closed", AttributeValue::Bool(false))
                .expression_attribute_values(":wo", s(WORK_ORDER_PREFIX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| {
                    store_err(crate::error::sdk("scanning for work orders to re-index", e))
                })?;
            let items = page.items.unwrap_or_default();
            for it in &items {
                if self.reindex(it).await? {
                    rewritten += 1;
                }
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(rewritten),
            }
        }
    }

    /// One work-order item as a scan saw it, rewritten in the current shape; false when the
    /// stored item has moved on since (a commit got there first and wrote the keys itself).
    pub async fn reindex(
        &self,
        old: &std::collections::HashMap<String, AttributeValue>,
    ) -> Result<bool, StoreError> {
        let wo: WorkOrder = doc(old, "json", "a work order").map_err(store_err)?;
        let version = req_u64(old, "version", "a work order").map_err(store_err)?;
        let item = wo_item(&wo, version).map_err(store_err)?;
        let sent = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item.clone()))
            .condition_expression(SAME_VERSION)
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":v", n(version))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(store_err(crate::error::sdk(
                format!("re-indexing work order {}", wo.id),
                e,
            ))),
        }
    }
}
