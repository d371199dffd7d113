//! The API keys contract (the same rules the SQLite adapter passes) on `DynamoApiKeys` on
//! moto, and its items: one partition of their own, the hash of the secret and never the key
//! in any attribute, and no `kind` (the stream's consumers must ignore them).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../embedded/tests/contract/api_keys.rs"]
mod contract;
mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use mendwork_app::api_keys::{self, Scope, parse_token};
use mendwork_aws::DynamoApiKeys;
use support::MotoServer;

async fn keys(server: &MotoServer) -> (DynamoApiKeys, aws_sdk_dynamodb::Client, String) {
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    (DynamoApiKeys::new(client.clone(), &table), client, table)
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(server) = MotoServer::shared(stringify!($name)) else { return };
            let (k, _, _) = keys(&server).await;
            contract::$name(&k).await;
        }
    )*};
}

contract!(
    a_key_is_found_verified_then_refused_once_revoked,
    keys_are_listed_newest_first_revoked_ones_too,
    a_current_keys_name_is_not_given_twice,
    a_key_id_is_taken_once,
    the_last_use_only_moves_forward,
);

#[tokio::test]
async fn a_key_item_holds_the_hash_never_the_key_and_has_no_kind() {
    let Some(server) = MotoServer::shared("api-key-item") else {
        return;
    };
    // Given a key made on the table
    let (k, client, table) = keys(&server).await;
    let now = chrono::DateTime::from_timestamp(1_772_636_400, 0).unwrap();
    let (_, plain) = api_keys::create(&k, "buildium", Scope::ReadWrite, "cli", now)
        .await
        .unwrap();
    let (id, secret) = parse_token(plain.reveal()).unwrap();
    // Then its item is in the APIKEYS partition, under its id
    let item = client
        .get_item()
        .table_name(&table)
        .key("pk", AttributeValue::S("APIKEYS".into()))
        .key("sk", AttributeValue::S(format!("KEY#{id}")))
        .send()
        .await
        .unwrap()
        .item()
        .cloned()
        .unwrap();
    // And it holds the secret's hash, never the key or the secret, and no `kind`
    assert_eq!(
        item.get("hash"),
        Some(&AttributeValue::S(api_keys::hash(secret)))
    );
    for (name, value) in &item {
        let text = format!("{value:?}");
        assert!(!text.contains(secret), "{name}");
    }
    assert!(!item.contains_key("kind"));
}
