//! A store file another connection holds the write lock of: the SQLite adapter reports the
//! failure as `Unavailable` with SQLite's code, so the edges ask the caller to retry instead of
//! failing for good.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_app::ports::{OptOuts, StoreError, StoreErrorKind};
use mendwork_domain::Phone;
use mendwork_embedded::SqliteStore;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_write_while_another_connection_holds_the_write_lock_is_unavailable_and_retryable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let store = SqliteStore::open(&path).unwrap();
    let phone = Phone::parse("+15550100001").unwrap();

    let other = rusqlite::Connection::open(&path).unwrap();
    other.busy_timeout(Duration::ZERO).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    let started = Instant::now();
    let e = store.set_opted_out(&phone, true).await.unwrap_err();
    assert_eq!(e.kind(), StoreErrorKind::Unavailable, "{e}");
    assert!(matches!(e, StoreError::Unavailable(_)));
    assert_eq!(e.code(), Some("SQLITE_BUSY"));
    assert!(e.is_passing());
    // It waited for the lock (the busy timeout) before giving up.
    assert!(started.elapsed() >= Duration::from_secs(1));

    // Once the lock is released, the same write goes through.
    other.execute_batch("ROLLBACK").unwrap();
    store.set_opted_out(&phone, true).await.unwrap();
    assert!(store.is_opted_out(&phone).await.unwrap());
}
