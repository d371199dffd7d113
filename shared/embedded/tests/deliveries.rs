//! The webhook deliveries contract on the SQLite store, and what only it promises: a store
//! reopened keeps its deliveries and their schedule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/deliveries.rs"]
mod contract;

use chrono::{TimeZone, Utc};
use mendwork_app::deliveries::{Deliveries, WebhookDelivery};
use mendwork_domain::outbound::Published;
use mendwork_embedded::SqliteStore;

fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

#[tokio::test]
async fn a_delivery_is_stored_once_per_endpoint_and_event() {
    contract::a_delivery_is_stored_once_per_endpoint_and_event(&memory()).await;
}

#[tokio::test]
async fn only_pending_deliveries_that_are_due_are_read_soonest_first() {
    contract::only_pending_deliveries_that_are_due_are_read_soonest_first(&memory()).await;
}

#[tokio::test]
async fn an_attempt_is_recorded_once_over_the_attempts_it_read() {
    contract::an_attempt_is_recorded_once_over_the_attempts_it_read(&memory()).await;
}

#[tokio::test]
async fn an_endpoints_log_is_newest_first_and_limited() {
    contract::an_endpoints_log_is_newest_first_and_limited(&memory()).await;
}

#[tokio::test]
async fn a_reopened_store_still_has_its_pending_deliveries() {
    // Given a delivery due at 10:00 in a store file
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let event = Published {
        id: "evt_kept".into(),
        kind: "work_order.closed".into(),
        body: "{}".into(),
    };
    let d = WebhookDelivery::new("pms", &event, at, at);
    {
        let s = SqliteStore::open(&path).unwrap();
        assert!(s.put(&d).await.unwrap());
    }
    // When the store is opened again
    let s = SqliteStore::open(&path).unwrap();
    // Then the delivery is still due
    assert_eq!(s.due(at, 10).await.unwrap(), [d]);
}
