//! Writing a past history into the table without running the workflow (for benchmarks and
//! seeding): closed and cancelled work orders with their timelines, 25 items a request.
//!
//! Only final work orders: they have no lookup items, no bookings in a vendor's calendar and
//! nothing left in the outbox, so their items are just the work order and its events — the
//! very items (and format) a commit writes, plus their figures added to the metrics rows.
//! Open ones must go through commits.

use crate::error::{AwsError, build, sdk};
use crate::item::Item;
use crate::store::{DynamoStore, event_item, store_err, wo_item};
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use mendwork_app::ports::StoreError;
use mendwork_domain::WorkOrder;
use mendwork_domain::decide::Recorded;

/// `BatchWriteItem` takes at most this many items.
const MAX_BATCH_WRITE: usize = 25;

impl DynamoStore {
    /// Writes closed and cancelled work orders with their timelines (as one commit each, at
    /// version 1), overwriting items of the same ids, and adds their contributions to the
    /// metrics rows (so import each work order once). Refuses, before writing anything, a
    /// work order that is still open.
    pub async fn import_closed(
        &self,
        history: &[(WorkOrder, Vec<Recorded>)],
    ) -> Result<(), StoreError> {
        if let Some((wo, _)) = history.iter().find(|(wo, _)| !wo.status.is_final()) {
            return Err(StoreError::msg(format!(
                "work order {} is {}: only closed or cancelled ones can be imported",
                wo.id,
                wo.status.as_str()
            )));
        }
        let mut items: Vec<Item> = Vec::new();
        for (wo, timeline) in history {
            items.push(wo_item(wo, 1).map_err(store_err)?);
            for (i, r) in timeline.iter().enumerate() {
                items.push(event_item(&wo.id, 1, i, r).map_err(store_err)?);
            }
        }
        for chunk in items.chunks(MAX_BATCH_WRITE) {
            self.write_batch(chunk).await.map_err(store_err)?;
        }
        // Their figures, summed per metrics row: one update a row, not one a work order.
        let mut sums = std::collections::BTreeMap::new();
        for (wo, _) in history {
            for (key, figures) in mendwork_domain::metrics::contribution(wo) {
                sums.entry(key)
                    .or_insert_with(mendwork_domain::metrics::Figures::default)
                    .add_all(&figures);
            }
        }
        let rows: Vec<mendwork_domain::metrics::MetricRow> = sums
            .into_iter()
            .map(|(key, figures)| mendwork_domain::metrics::MetricRow { key, figures })
            .collect();
        self.add_metric_rows(&rows).await.map_err(store_err)?;
        Ok(())
    }

    async fn write_batch(&self, items: &[Item]) -> Result<(), AwsError> {
        let mut pending: Vec<WriteRequest> = Vec::new();
        for it in items {
            let put = PutRequest::builder()
                .set_item(Some(it.clone()))
                .build()
                .map_err(|e| build("building a batch write", e))?;
            pending.push(WriteRequest::builder().put_request(put).build());
        }
        for attempt in 0u32.. {
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                // Unprocessed items mean throttling: back off before asking again.
                let ms = 25u64 << attempt.min(6);
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
            let out = self
                .client()
                .batch_write_item()
                .request_items(self.table(), std::mem::take(&mut pending))
                .send()
                .await
                .map_err(|e| sdk("importing work orders", e))?;
            pending = out
                .unprocessed_items
                .and_then(|mut u| u.remove(self.table()))
                .unwrap_or_default();
        }
        Ok(())
    }
}
