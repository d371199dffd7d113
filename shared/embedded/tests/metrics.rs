//! The metrics projection on SQLite: the shared contract, and the rebuild from timelines a
//! store file written before the projection gets when it opens.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code, unused_imports)]
mod contract;

use contract::metrics::{rows_of, short_history};
use contract::unique;
use mendwork_domain::PropertyId;
use mendwork_embedded::SqliteStore;

fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

#[tokio::test]
async fn the_projection_is_the_sum_of_the_commits_deltas() {
    contract::metrics::the_projection_is_the_sum_of_the_commits_deltas(&memory()).await;
}

#[tokio::test]
async fn a_refused_commit_adds_nothing_to_the_projection() {
    contract::metrics::a_refused_commit_adds_nothing_to_the_projection(&memory()).await;
}

#[tokio::test]
async fn a_store_written_before_the_projection_is_rebuilt_from_its_timelines_when_it_opens() {
    // Given a store file with a history and its projection, as this build writes them
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let store = SqliteStore::open(&path).unwrap();
    let p = PropertyId(unique("p-"));
    short_history(&store, &p).await;
    let written = rows_of(&store, &p).await;
    assert!(!written.is_empty());
    drop(store);
    // … made to look like a file from before the projection: no marks, no rows
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE work_orders SET json = json_remove(json, '$.metrics')",
        [],
    )
    .unwrap();
    raw.execute("DELETE FROM metrics", []).unwrap();
    drop(raw);
    // When it is opened again
    let store = SqliteStore::open(&path).unwrap();
    // Then the rows are back, the same as the commits wrote them
    assert_eq!(rows_of(&store, &p).await, written);
    // And a rebuild on a store that has its rows changes nothing
    assert_eq!(store.rebuild_metrics().unwrap(), 3);
    assert_eq!(rows_of(&store, &p).await, written);
}
