//! The `RateLimits` contract, run on every adapter (SQLite here, DynamoDB on moto): a counter
//! takes up to its maximum in one window and refuses after, concurrent takes never exceed it,
//! another key or window starts afresh, and the stored key is not the value counted.

use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::limits::RateLimits;
use mendwork_domain::limits::Counter;
use std::sync::Arc;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
}

pub async fn a_counter_takes_up_to_its_maximum_in_a_window_and_refuses_after(l: &dyn RateLimits) {
    let c = Counter::fixed(
        "contract-a",
        "+17185550123",
        3,
        Duration::hours(1),
        at(15, 5),
    );
    let mut taken = vec![];
    for _ in 0..5 {
        taken.push(l.take(&c).await.unwrap());
    }
    assert_eq!(taken, [true, true, true, false, false]);
    // Another key, and the next window of the same key, start afresh.
    let other = Counter::fixed(
        "contract-a",
        "+17185550124",
        3,
        Duration::hours(1),
        at(15, 5),
    );
    assert!(l.take(&other).await.unwrap());
    let next = Counter::fixed(
        "contract-a",
        "+17185550123",
        3,
        Duration::hours(1),
        at(16, 5),
    );
    assert!(l.take(&next).await.unwrap());
}

pub async fn concurrent_takes_of_one_counter_never_exceed_its_maximum(l: Arc<dyn RateLimits>) {
    let c = Counter::fixed(
        "contract-b",
        "203.0.113.9",
        4,
        Duration::hours(1),
        at(15, 5),
    );
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (l, c) = (l.clone(), c.clone());
            tokio::spawn(async move { l.take(&c).await.unwrap() })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        if t.await.unwrap() {
            granted += 1;
        }
    }
    assert_eq!(granted, 4);
}
