//! The DynamoDB store's side of the archive ([`TimelineArchive`] on [`DynamoStore`]): due work
//! orders from the sparse `ARCHIVE` partition of `gsi4` (one `Query` with `Limit`, so a page
//! reads only itself), the mark as a conditioned `PutItem` that moves the work order to the
//! `ARCHIVED` partition, the release as `expires_at` (the table's TTL) set if absent on each
//! event item through the mark, then the work order leaving `gsi4` altogether. See
//! `mendwork_app::archive` for why a crash between the steps loses nothing.

use crate::S3Files;
use crate::error::sdk;
use crate::item::{Item, doc, get_s, key, n, req_s, req_u64, s};
use crate::schema::*;
use crate::store::{DynamoStore, store_err, wo_item};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use mendwork_app::archive::{TimelineArchive, Versioned};
use mendwork_app::files::{DocumentKey, FileName, Files, Opened};
use mendwork_app::ports::{StoreError, Stored};
use mendwork_domain::decide::Recorded;
use mendwork_domain::{WorkOrder, WorkOrderId};

/// The attribute that marks a work order's item archived (the time of the mark).
pub const ARCHIVED: &str = "archived";

impl DynamoStore {
    /// Up to `limit` work orders of one `gsi4` partition, in index order, whose sort key is
    /// below `below` when given: one query page (`Limit`), so only these are read.
    async fn archive_page(
        &self,
        partition: &str,
        below: Option<String>,
        limit: usize,
    ) -> Result<Vec<Stored>, StoreError> {
        if limit == 0 {
            return Ok(vec![]);
        }
        let mut values = vec![(":h", s(partition))];
        let condition = match below {
            Some(b) => {
                values.push((":b", s(b)));
                "#h = :h AND #r < :b"
            }
            None => "#h = :h",
        };
        let page = self
            .query(Some(GSI4), condition, &values, true, None)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| store_err(sdk("reading the archive's page", e)))?;
        let mut out = Vec::new();
        for it in page.items.unwrap_or_default() {
            out.push(Stored {
                wo: doc(&it, "json", "a work order")?,
                version: req_u64(&it, "version", "a work order")?,
            });
        }
        Ok(out)
    }

    /// The event items of a work order, all pages.
    async fn event_items(&self, id: &WorkOrderId) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .query_all(
                None,
                "#h = :h AND begins_with(#r, :p)",
                vec![(":h", s(wo_pk(id.as_str()))), (":p", s(EVENT_PREFIX))],
                true,
                &format!("the timeline of {id}"),
            )
            .await?)
    }
}

#[async_trait]
impl TimelineArchive for DynamoStore {
    async fn due_for_archive(
        &self,
        changed_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Stored>, StoreError> {
        // `<updated_at>#<id>` with updated_at ≤ changed_by: below `<changed_by>$` ('$' sorts
        // right after '#', and the time has a fixed width).
        self.archive_page(ARCHIVE_INDEX, Some(format!("{}$", ts(changed_by))), limit)
            .await
    }

    async fn versioned_timeline(&self, id: &WorkOrderId) -> Result<Vec<Versioned>, StoreError> {
        let mut out = Vec::new();
        for it in self.event_items(id).await? {
            out.push(Versioned {
                version: req_u64(&it, "version", "a timeline event")?,
                recorded: Recorded {
                    at: parse_ts(req_s(&it, "at", "a timeline event")?)?,
                    event: doc(&it, "event", "a timeline event")?,
                },
            });
        }
        Ok(out)
    }

    async fn mark_archived(&self, wo: &WorkOrder, expected: u64) -> Result<bool, StoreError> {
        let Some(mark) = wo.archived else {
            return Err(StoreError::msg(format!(
                "marking {} archived without a mark",
                wo.id
            )));
        };
        let mut it = wo_item(wo, expected + 1)?;
        it.insert(ARCHIVED.into(), s(ts(mark.at)));
        it.insert(GSI4PK.into(), s(ARCHIVED_INDEX));
        it.insert(GSI4SK.into(), s(wo.id.as_str()));
        let written = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(it))
            .condition_expression("#v = :v AND attribute_not_exists(#a)")
            .expression_attribute_names("#v", "version")
            .expression_attribute_names("#a", ARCHIVED)
            .expression_attribute_values(":v", n(expected))
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(store_err(sdk(format!("marking {} archived", wo.id), e))),
        }
    }

    async fn release_archived(
        &self,
        id: &WorkOrderId,
        through: u64,
        expires: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut released = 0;
        for it in self.event_items(id).await? {
            let version = req_u64(&it, "version", "a timeline event")?;
            if version > through || it.contains_key(TTL) {
                continue;
            }
            let (Some(pk), Some(sk)) = (get_s(&it, PK), get_s(&it, SK)) else {
                continue;
            };
            // Set if absent: a second release keeps the first expiry.
            self.client()
                .update_item()
                .table_name(self.table())
                .set_key(Some(key(pk, sk)))
                .update_expression("SET #t = if_not_exists(#t, :t)")
                .expression_attribute_names("#t", TTL)
                .expression_attribute_values(":t", n(expires.timestamp()))
                .send()
                .await
                .map_err(|e| store_err(sdk(format!("expiring an event of {id}"), e)))?;
            released += 1;
        }
        let left = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(wo_pk(id.as_str()), META)))
            .update_expression("REMOVE #h, #r")
            .condition_expression("#h = :archived")
            .expression_attribute_names("#h", GSI4PK)
            .expression_attribute_names("#r", GSI4SK)
            .expression_attribute_values(":archived", AttributeValue::S(ARCHIVED_INDEX.into()))
            .send()
            .await;
        match left {
            Ok(_) => Ok(released),
            // Already out of the partition (a repeated release): nothing to do.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|x| x.is_conditional_check_failed_exception()) =>
            {
                Ok(released)
            }
            Err(e) => Err(store_err(sdk(
                format!("recording the release of {id}'s timeline"),
                e,
            ))),
        }
    }

    async fn unreleased(&self, limit: usize) -> Result<Vec<Stored>, StoreError> {
        self.archive_page(ARCHIVED_INDEX, None, limit).await
    }
}

/// The file bucket as a [`Files`] port built on first use: what functions that read archived
/// timelines but otherwise never touch the bucket (the HTTP functions) hold, so their cold
/// start builds no S3 client.
pub struct LazyS3Files {
    sdk: aws_config::SdkConfig,
    bucket: String,
    built: std::sync::OnceLock<Result<S3Files, String>>,
}

impl LazyS3Files {
    pub fn new(sdk: &aws_config::SdkConfig, bucket: &str) -> LazyS3Files {
        LazyS3Files {
            sdk: sdk.clone(),
            bucket: bucket.to_string(),
            built: std::sync::OnceLock::new(),
        }
    }

    fn files(&self) -> Result<&S3Files, StoreError> {
        self.built
            .get_or_init(|| S3Files::new(&self.sdk, &self.bucket).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| StoreError::msg(format!("building the file bucket's client: {e}")))
    }
}

#[async_trait]
impl Files for LazyS3Files {
    async fn put_document(&self, key: &DocumentKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.files()?.put_document(key, bytes).await
    }
    async fn read_document(&self, key: &DocumentKey) -> Result<Option<Vec<u8>>, StoreError> {
        self.files()?.read_document(key).await
    }
    async fn put(&self, name: &FileName, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.files()?.put(name, bytes).await
    }
    async fn open(&self, name: &FileName) -> Result<Option<Opened>, StoreError> {
        self.files()?.open(name).await
    }
}
