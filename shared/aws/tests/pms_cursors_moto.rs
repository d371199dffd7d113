//! The `PmsCursors` contract (the same tests the SQLite adapter passes) on `DynamoPmsCursors`
//! on moto, and the item it writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../embedded/tests/contract/pms_cursors.rs"]
mod contract;
mod support;

use mendwork_aws::DynamoPmsCursors;
use std::sync::Arc;
use support::MotoServer;

async fn cursors(server: &MotoServer) -> (DynamoPmsCursors, aws_sdk_dynamodb::Client, String) {
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    (DynamoPmsCursors::new(client.clone(), &table), client, table)
}

#[tokio::test]
async fn the_first_poll_sets_a_cursor_once_and_a_second_first_poll_writes_nothing() {
    let Some(server) = MotoServer::shared("pms cursors: first") else {
        return;
    };
    let (c, _, _) = cursors(&server).await;
    contract::the_first_poll_sets_a_cursor_once_and_a_second_first_poll_writes_nothing(&c).await;
}

#[tokio::test]
async fn of_two_overlapping_polls_the_later_finisher_writes_nothing_and_the_cursor_never_goes_back()
{
    let Some(server) = MotoServer::shared("pms cursors: overlap") else {
        return;
    };
    let (c, _, _) = cursors(&server).await;
    contract::of_two_overlapping_polls_the_later_finisher_writes_nothing_and_the_cursor_never_goes_back(&c).await;
}

#[tokio::test]
async fn a_poll_that_read_the_current_cursor_may_hold_it_back_on_purpose() {
    let Some(server) = MotoServer::shared("pms cursors: hold") else {
        return;
    };
    let (c, _, _) = cursors(&server).await;
    contract::a_poll_that_read_the_current_cursor_may_hold_it_back_on_purpose(&c).await;
}

#[tokio::test]
async fn each_pms_has_its_own_cursor_in_an_item_of_its_own() {
    let Some(server) = MotoServer::shared("pms cursors: systems") else {
        return;
    };
    let (c, client, table) = cursors(&server).await;
    contract::each_pms_has_its_own_cursor(&c).await;
    let items = client.scan().table_name(&table).send().await.unwrap();
    let mut keys: Vec<(String, String)> = items
        .items()
        .iter()
        .map(|i| {
            (
                i["pk"].as_s().unwrap().clone(),
                i["sk"].as_s().unwrap().clone(),
            )
        })
        .collect();
    keys.sort();
    let want = |pk: &str| (pk.to_string(), "CURSOR".to_string());
    assert_eq!(keys, [want("PMS#one"), want("PMS#two")]);
}

#[tokio::test]
async fn concurrent_moves_from_one_value_let_exactly_one_through() {
    // moto's threaded server may apply two conditional writes side by side; the serialized
    // one applies them in turn, as DynamoDB does.
    let Some(server) = MotoServer::serialized("pms cursors: race") else {
        return;
    };
    let (c, _, _) = cursors(&server).await;
    contract::concurrent_moves_from_one_value_let_exactly_one_through(Arc::new(c)).await;
}
