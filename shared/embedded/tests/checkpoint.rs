//! The WAL is checkpointed beside the commits by the store's own thread: a long run of commits
//! is checkpointed without any commit doing it, and every commit is still there afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_app::ports::OptOuts;
use mendwork_domain::Phone;
use mendwork_embedded::{SqliteStore, store_work};
use std::time::{Duration, Instant};

fn phone(n: usize) -> Phone {
    Phone::parse(&format!("+1555{n:07}")).unwrap()
}

#[tokio::test]
async fn a_long_run_of_commits_is_checkpointed_by_the_stores_own_thread_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wal.db");
    let before = store_work();
    let mut written = 0;
    {
        let store = SqliteStore::open(&path).unwrap();
        // Each opt-out is one small commit of a page or two; the WAL reaches the checkpoint
        // mark (4,000 pages) within a few thousand, and the first store call after that asks
        // the thread to run.
        let deadline = Instant::now() + Duration::from_secs(60);
        while store_work().since(before).checkpoints == 0 {
            assert!(
                Instant::now() < deadline,
                "no background checkpoint after {written} commits"
            );
            store.set_opted_out(&phone(written), true).await.unwrap();
            written += 1;
        }
        assert!(
            written > 100,
            "a checkpoint ran after only {written} commits: the mark is not what it should be"
        );
    }
    // Dropping the store stopped its thread; a new one reads every commit back.
    let reopened = SqliteStore::open(&path).unwrap();
    let out = reopened.opted_out().await.unwrap();
    assert_eq!(out.len(), written);
    assert!(out.contains(&phone(0)) && out.contains(&phone(written - 1)));
}
