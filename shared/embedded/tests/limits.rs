//! The `RateLimits` contract on the SQLite store (the DynamoDB adapter runs the same rules on
//! moto), and what only a file store shows: counters survive a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/limits.rs"]
mod contract;

use chrono::{Duration, TimeZone, Utc};
use mendwork_app::limits::RateLimits;
use mendwork_domain::limits::Counter;
use mendwork_embedded::SqliteStore;
use std::sync::Arc;

#[tokio::test]
async fn a_counter_takes_up_to_its_maximum_in_a_window_and_refuses_after() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::a_counter_takes_up_to_its_maximum_in_a_window_and_refuses_after(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_takes_of_one_counter_never_exceed_its_maximum() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::concurrent_takes_of_one_counter_never_exceed_its_maximum(Arc::new(s)).await;
}

#[tokio::test]
async fn a_full_counter_stays_full_after_the_store_is_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("limits.db");
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let c = Counter::fixed("restart", "team", 1, Duration::hours(1), now);
    {
        let s = SqliteStore::open(&path).unwrap();
        s.clock()
            .set_mode(mendwork_embedded::ClockMode::Frozen(now))
            .unwrap();
        assert!(s.take(&c).await.unwrap());
    }
    let s = SqliteStore::open(&path).unwrap();
    assert!(!s.take(&c).await.unwrap());
}
