//! [`DynamoApiKeys`]: the `ApiKeys` port on the one table, in one partition of its own and no
//! index:
//!
//! | item | `pk` | `sk` | other attributes |
//! |---|---|---|---|
//! | API key | `APIKEYS` | `KEY#<id>` | `name`, `scope`, `hash` (hex SHA-256 of the secret), `created_at`, `created_by`, `last_used_at`, `revoked_at` |
//!
//! A call with a key reads its item with one consistent `GetItem` (a key revoked a moment ago
//! is refused at once); the dashboard's list is one `Query` of the partition (a team has a
//! handful of keys, revoked ones included). A create is conditional on the item not existing,
//! a revocation on the key not being revoked, a use on it being newer than the one recorded,
//! so concurrent containers never move the last use back. The items have no `kind`
//! attribute, so the stream's consumers ignore them; the secret is in no attribute.

use crate::error::{AwsError, sdk};
use crate::item::{Item, get_s, key, req_s, s};
use crate::schema::{PK, SK, parse_ts, ts};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use chrono::{DateTime, Utc};
use mendwork_app::api_keys::{ApiKey, ApiKeys, Scope};
use mendwork_app::ports::StoreError;

/// The partition of every API key.
pub const API_KEYS_PK: &str = "APIKEYS";

pub fn api_key_sk(id: &str) -> String {
    format!("KEY#{id}")
}

/// API keys on the table (see the module docs).
#[derive(Debug, Clone)]
pub struct DynamoApiKeys {
    client: Client,
    table: String,
}

fn conditional<E, R>(e: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    e.as_service_error()
        .and_then(|s| s.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

fn from_item(item: &Item) -> Result<ApiKey, AwsError> {
    let what = "an API key";
    let scope = req_s(item, "scope", what)?;
    let time = |name: &str| get_s(item, name).map(parse_ts).transpose();
    Ok(ApiKey {
        id: req_s(item, "id", what)?.to_string(),
        name: req_s(item, "name", what)?.to_string(),
        scope: Scope::parse(scope)
            .ok_or_else(|| AwsError::Invalid(format!("{what} has the scope {scope:?}")))?,
        hash: req_s(item, "hash", what)?.to_string(),
        created_at: parse_ts(req_s(item, "created_at", what)?)?,
        created_by: req_s(item, "created_by", what)?.to_string(),
        last_used_at: time("last_used_at")?,
        revoked_at: time("revoked_at")?,
    })
}

impl DynamoApiKeys {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoApiKeys {
        DynamoApiKeys {
            client,
            table: table.into(),
        }
    }

    fn item(k: &ApiKey) -> Item {
        let mut item = key(API_KEYS_PK, api_key_sk(&k.id));
        item.insert("id".into(), s(&k.id));
        item.insert("name".into(), s(&k.name));
        item.insert("scope".into(), s(k.scope.as_str()));
        item.insert("hash".into(), s(&k.hash));
        item.insert("created_at".into(), s(ts(k.created_at)));
        item.insert("created_by".into(), s(&k.created_by));
        if let Some(t) = k.last_used_at {
            item.insert("last_used_at".into(), s(ts(t)));
        }
        if let Some(t) = k.revoked_at {
            item.insert("revoked_at".into(), s(ts(t)));
        }
        item
    }
}

#[async_trait]
impl ApiKeys for DynamoApiKeys {
    async fn create(&self, k: &ApiKey) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::item(k)))
            .condition_expression(format!("attribute_not_exists({PK})"))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if conditional(&e) => Ok(false),
            Err(e) => Err(sdk("storing an API key", e).into()),
        }
    }

    async fn find(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(API_KEYS_PK, api_key_sk(id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk("reading an API key", e))?;
        Ok(got.item().map(from_item).transpose()?)
    }

    async fn list(&self) -> Result<Vec<ApiKey>, StoreError> {
        let mut out = vec![];
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#h = :h")
                .expression_attribute_names("#h", PK)
                .expression_attribute_values(":h", s(API_KEYS_PK))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk("listing API keys", e))?;
            for item in page.items() {
                out.push(from_item(item)?);
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        out.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(out)
    }

    async fn revoke(&self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(API_KEYS_PK, api_key_sk(id))))
            .update_expression("SET revoked_at = :at")
            .condition_expression(format!(
                "attribute_exists({SK}) AND attribute_not_exists(revoked_at)"
            ))
            .expression_attribute_values(":at", s(ts(at)))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e) if conditional(&e) => Ok(false),
            Err(e) => Err(sdk("revoking an API key", e).into()),
        }
    }

    async fn touch(&self, id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(API_KEYS_PK, api_key_sk(id))))
            .update_expression("SET last_used_at = :at")
            .condition_expression(format!(
                "attribute_exists({SK}) AND (attribute_not_exists(last_used_at) OR last_used_at < :at)"
            ))
            .expression_attribute_values(":at", s(ts(at)))
            .send()
            .await;
        match update {
            Ok(_) => Ok(()),
            Err(e) if conditional(&e) => Ok(()),
            Err(e) => Err(sdk("recording an API key's use", e).into()),
        }
    }
}
