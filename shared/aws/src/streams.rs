//! Outbox records out of a DynamoDB Streams Lambda event (`StreamViewType=NEW_IMAGE`).
//!
//! Only `INSERT` records of outbox items count: a work order, timeline or guard item has no
//! `kind` and is skipped, and so are `MODIFY` and `REMOVE` records (a done outbox record is
//! deleted, and its `REMOVE` carries no new image). The event's attribute values are in the
//! Streams JSON shape (`{"S": "…"}`, `{"N": "…"}`, …); only string attributes are read.

use crate::error::{AwsError, json};
use crate::schema::{KIND, PK};
use mendwork_app::ports::OutboxRecord;
use serde_json::Value;

/// One outbox record with the stream position it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamedRecord {
    /// The stream record's `dynamodb.SequenceNumber`: the `itemIdentifier` to report in a
    /// partial batch failure (`ReportBatchItemFailures`).
    pub sequence_number: String,
    pub record: OutboxRecord,
}

/// The outbox records inserted in a DynamoDB Streams event, in stream order.
pub fn outbox_records(event: &Value) -> Result<Vec<OutboxRecord>, AwsError> {
    Ok(streamed_outbox_records(event)?
        .into_iter()
        .map(|r| r.record)
        .collect())
}

/// [`outbox_records`] with each record's sequence number, for partial batch failures.
pub fn streamed_outbox_records(event: &Value) -> Result<Vec<StreamedRecord>, AwsError> {
    let records = event
        .get("Records")
        .and_then(Value::as_array)
        .ok_or_else(|| AwsError::Invalid("a Streams event has a \"Records\" list".into()))?;
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if r.get("eventName").and_then(Value::as_str) != Some("INSERT") {
            continue;
        }
        let Some(image) = r.get("dynamodb").and_then(|d| d.get("NewImage")) else {
            continue;
        };
        let string = |name: &str| {
            image
                .get(name)
                .and_then(|v| v.get("S"))
                .and_then(Value::as_str)
        };
        let is_outbox =
            string(KIND).is_some() && string(PK).is_some_and(|pk| pk.starts_with("OUTBOX#"));
        if !is_outbox {
            continue;
        }
        let raw = string("record").ok_or_else(|| {
            AwsError::Invalid(format!(
                "stream record {i} is an outbox item without a \"record\" string"
            ))
        })?;
        let record: OutboxRecord = serde_json::from_str(raw).map_err(|e| {
            json(
                format!("decoding the outbox record in stream record {i}"),
                e,
            )
        })?;
        let sequence_number = r
            .get("dynamodb")
            .and_then(|d| d.get("SequenceNumber"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        out.push(StreamedRecord {
            sequence_number,
            record,
        });
    }
    Ok(out)
}
