//! Pages on SQLite: the shared pages contract on `SqliteStore`, and the queue keys a store
//! file written before pages gets when it opens.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code, unused_imports)]
mod contract;

use contract::*;
use mendwork_app::ports::WorkOrderQueries;
use mendwork_app::queries::Listing;
use mendwork_domain::{PropertyId, Status};
use mendwork_embedded::SqliteStore;

fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

#[tokio::test]
async fn paging_through_a_listing_yields_each_work_order_once_in_its_order() {
    contract::paging_through_a_listing_yields_each_work_order_once_in_its_order(&memory()).await;
}

#[tokio::test]
async fn the_whole_portfolio_listings_page_through_every_work_order_once() {
    contract::the_whole_portfolio_listings_page_through_every_work_order_once(&memory()).await;
}

#[tokio::test]
async fn work_orders_committed_between_pages_never_make_one_show_twice() {
    contract::work_orders_committed_between_pages_never_make_one_show_twice(&memory()).await;
}

#[tokio::test]
async fn the_pages_contract_holds_on_one_shared_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("shared.db")).unwrap();
    for _ in 0..2 {
        contract::paging_through_a_listing_yields_each_work_order_once_in_its_order(&store).await;
        contract::the_whole_portfolio_listings_page_through_every_work_order_once(&store).await;
        contract::work_orders_committed_between_pages_never_make_one_show_twice(&store).await;
    }
}

#[tokio::test]
async fn work_orders_stored_without_a_queue_key_get_one_when_the_store_opens() {
    // Given a store file whose rows have no queue key (as a file written before pages)
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let store = SqliteStore::open(&path).unwrap();
    let p = PropertyId(unique("p-"));
    let wos = seed_property(&store, &p, 12, t0()).await;
    drop(store);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute("UPDATE work_orders SET queue_key = NULL", [])
        .unwrap();
    drop(raw);
    // When it is opened again
    let store = SqliteStore::open(&path).unwrap();
    // Then the queue holds its open work orders again, needs attention first
    let queue = Listing::Queue {
        property: Some(p.clone()),
    };
    let page = store.page(&queue, None, 200).await.unwrap();
    let open = wos.iter().filter(|w| !w.status.is_final()).count();
    assert_eq!(page.items.len(), open);
    assert_eq!(page.items[0].status, Status::NeedsAttention);
}
