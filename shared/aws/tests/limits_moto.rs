//! The `RateLimits` contract (the same rules the SQLite adapter passes) on `DynamoLimits` on
//! moto, and the item it writes: a hashed key and a TTL, never the value counted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../embedded/tests/contract/limits.rs"]
mod contract;
mod support;

use chrono::{Duration, TimeZone, Utc};
use mendwork_app::limits::RateLimits;
use mendwork_aws::DynamoLimits;
use mendwork_domain::limits::Counter;
use std::sync::Arc;
use support::MotoServer;

async fn limits(server: &MotoServer) -> (DynamoLimits, aws_sdk_dynamodb::Client, String) {
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    (DynamoLimits::new(client.clone(), &table), client, table)
}

#[tokio::test]
async fn a_counter_takes_up_to_its_maximum_in_a_window_and_refuses_after() {
    let Some(server) = MotoServer::shared("limits") else {
        return;
    };
    let (l, _, _) = limits(&server).await;
    contract::a_counter_takes_up_to_its_maximum_in_a_window_and_refuses_after(&l).await;
}

#[tokio::test]
async fn concurrent_takes_of_one_counter_never_exceed_its_maximum() {
    // moto's threaded server may apply two conditional updates side by side; the serialized
    // one applies them in turn, as DynamoDB does.
    let Some(server) = MotoServer::serialized("limits-concurrent") else {
        return;
    };
    let (l, _, _) = limits(&server).await;
    contract::concurrent_takes_of_one_counter_never_exceed_its_maximum(Arc::new(l)).await;
}

#[tokio::test]
async fn a_counter_item_has_a_hashed_key_and_expires_after_its_window() {
    let Some(server) = MotoServer::shared("limits-item") else {
        return;
    };
    let (l, client, table) = limits(&server).await;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 20, 0).unwrap();
    let c = Counter::fixed("form-email", "ana@example.com", 5, Duration::hours(1), now);
    assert!(l.take(&c).await.unwrap());
    let items = client.scan().table_name(&table).send().await.unwrap();
    let item = items
        .items()
        .iter()
        .find(|i| {
            i.get("pk")
                .and_then(|v| v.as_s().ok())
                .is_some_and(|pk| pk.starts_with("LIMIT#form-email#"))
        })
        .expect("the counter's item");
    let text = format!("{item:?}");
    assert!(!text.contains("ana@example.com"), "{text}");
    let ttl: i64 = item["expires_at"].as_n().unwrap().parse().unwrap();
    assert!(ttl >= c.window_end.timestamp(), "{ttl}");
    assert_eq!(item["count"].as_n().unwrap(), "1");
}
