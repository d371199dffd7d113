//! The `PmsCursors` contract on the SQLite store (the DynamoDB adapter passes the same tests on
//! moto, `shared/aws/tests/pms_cursors_moto.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/pms_cursors.rs"]
mod contract;

use mendwork_embedded::SqliteStore;
use std::sync::Arc;

#[tokio::test]
async fn the_first_poll_sets_a_cursor_once_and_a_second_first_poll_writes_nothing() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::the_first_poll_sets_a_cursor_once_and_a_second_first_poll_writes_nothing(&s).await;
}

#[tokio::test]
async fn of_two_overlapping_polls_the_later_finisher_writes_nothing_and_the_cursor_never_goes_back()
{
    let s = SqliteStore::open_in_memory().unwrap();
    contract::of_two_overlapping_polls_the_later_finisher_writes_nothing_and_the_cursor_never_goes_back(&s).await;
}

#[tokio::test]
async fn a_poll_that_read_the_current_cursor_may_hold_it_back_on_purpose() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::a_poll_that_read_the_current_cursor_may_hold_it_back_on_purpose(&s).await;
}

#[tokio::test]
async fn each_pms_has_its_own_cursor() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::each_pms_has_its_own_cursor(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_moves_from_one_value_let_exactly_one_through() {
    let s = SqliteStore::open_in_memory().unwrap();
    contract::concurrent_moves_from_one_value_let_exactly_one_through(Arc::new(s)).await;
}
