//! [`DynamoLimits`]: the `RateLimits` port on the table. One item per counter window,
//! `LIMIT#<kind>#<hashed key>#<window start>` / `LIMIT`, with a `count` and the TTL attribute
//! set to the window's end, so DynamoDB deletes ended windows by itself.
//!
//! A take is one conditional `UpdateItem` (`ADD count :one` only while `count < :max`, or the
//! item does not exist yet): atomic however many Lambda containers take at once, and a
//! refused take writes nothing.

use crate::error::sdk;
use crate::item::key;
use crate::schema::{LIMIT_SK, TTL, limit_pk};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use mendwork_app::limits::RateLimits;
use mendwork_app::ports::StoreError;
use mendwork_domain::limits::Counter;

/// Counters on the table (see the module docs).
#[derive(Debug, Clone)]
pub struct DynamoLimits {
    client: Client,
    table: String,
}

impl DynamoLimits {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoLimits {
        DynamoLimits {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl RateLimits for DynamoLimits {
    async fn take(&self, counter: &Counter) -> Result<bool, StoreError> {
        if counter.max == 0 {
            return Ok(false);
        }
        // DynamoDB's TTL deletes within days, not at once: the window's own key keeps an
        // ended window from being counted again meanwhile. An hour more is for clock skew.
        let expires = (counter.window_end + Duration::hours(1)).timestamp();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(limit_pk(&counter.storage_key()), LIMIT_SK)))
            .update_expression("ADD #count :one SET #ttl = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :max")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":max", AttributeValue::N(counter.max.to_string()))
            .expression_attribute_values(":expires", AttributeValue::N(expires.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(false)
            }
            // The counter's kind only: its key is a phone, an address or an IP address.
            Err(e) => Err(sdk(format!("taking a {} rate-limit unit", counter.kind), e).into()),
        }
    }
}
