//! [`DynamoPmsCursors`]: the `PmsCursors` port on the table. One item per connected PMS,
//! `PMS#<system>` / `CURSOR`, its `at` the newest change the pull has read.
//!
//! A move is one conditional `PutItem`: written only while `at` is still what the poll read at
//! its start (or, for the first poll, while there is no item), so of two overlapping polls —
//! a slow one and the next scheduled one, in two Lambda containers — the one that finishes
//! second writes nothing and the cursor never goes back to its older view.

use crate::error::{put_if_holds, sdk};
use crate::item::{get_s, item, key, s};
use crate::schema::{PK, PMS_CURSOR_SK, SK, parse_ts, pms_pk, ts};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use mendwork_app::pms::PmsCursors;
use mendwork_app::ports::StoreError;

/// The attribute holding the cursor.
const AT: &str = "at";

/// PMS cursors on the table (see the module docs).
#[derive(Debug, Clone)]
pub struct DynamoPmsCursors {
    client: Client,
    table: String,
}

impl DynamoPmsCursors {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoPmsCursors {
        DynamoPmsCursors {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl PmsCursors for DynamoPmsCursors {
    async fn cursor(&self, system: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pms_pk(system), PMS_CURSOR_SK)))
            // The cursor a poll compares against must be the last one written.
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk(format!("reading the {system} cursor"), e))?;
        match got.item().and_then(|i| get_s(i, AT)) {
            Some(at) => Ok(Some(parse_ts(at)?)),
            None => Ok(None),
        }
    }

    async fn set_cursor(
        &self,
        system: &str,
        read: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item([
                (PK, s(pms_pk(system))),
                (SK, s(PMS_CURSOR_SK)),
                (AT, s(ts(at))),
            ])))
            .expression_attribute_names("#at", AT);
        // Times are stored fixed-width (`schema::ts`), so equal times are equal strings.
        let put = match read {
            None => put.condition_expression("attribute_not_exists(#at)"),
            Some(read) => put
                .condition_expression("#at = :read")
                .expression_attribute_values(":read", s(ts(read))),
        };
        Ok(put_if_holds(put, format!("moving the {system} cursor")).await?)
    }
}
