//! Upgrading a deployment in place, on moto: work-order items an older version wrote (without
//! the page-index keys, without metrics marks, closed without the archive's index entry) are
//! brought up to date by the backfill that `mendwork-load-config --backfill` runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code, unused_imports)]
#[path = "../../embedded/tests/contract/mod.rs"]
mod contract;
mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use mendwork_app::queries::Listing;
use mendwork_aws::DynamoStore;
use mendwork_domain::PropertyId;
use support::MotoServer;

/// The page-index attributes stores of versions before pagination did not write.
const PAGE_KEYS: [&str; 6] = ["gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk"];

/// Rewrites the work orders' items of `property` as an older version left them.
async fn strip_page_keys(store: &DynamoStore, property: &PropertyId) -> usize {
    let scan = store
        .client()
        .scan()
        .table_name(store.table())
        .filter_expression("sk = :meta AND #p = :p")
        .expression_attribute_names("#p", "property")
        .expression_attribute_values(":meta", AttributeValue::S("META".into()))
        .expression_attribute_values(":p", AttributeValue::S(property.as_str().into()))
        .send()
        .await
        .unwrap();
    let items = scan.items.unwrap_or_default();
    for it in &items {
        store
            .client()
            .update_item()
            .table_name(store.table())
            .key("pk", it["pk"].clone())
            .key("sk", it["sk"].clone())
            .update_expression(format!("REMOVE {}", PAGE_KEYS.join(", ")))
            .send()
            .await
            .unwrap();
    }
    items.len()
}

#[tokio::test]
async fn work_orders_an_older_version_stored_are_listed_queued_and_counted_after_the_backfill() {
    let Some(server) = MotoServer::shared(
        "work_orders_an_older_version_stored_are_listed_queued_and_counted_after_the_backfill",
    ) else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let store = DynamoStore::new(client, table);
    // Given a history an older version wrote: no page-index keys, no metrics marks
    let p = PropertyId(contract::unique("upgrade-"));
    let wos = contract::metrics::short_history_with(&store, &p, false).await;
    assert_eq!(strip_page_keys(&store, &p).await, wos.len());
    // (the table is this test's own: the lists of every work order hold only these)
    let newest = Listing::Newest {
        status: None,
        property: None,
    };
    let queues = [
        Listing::Queue { property: None },
        Listing::Queue {
            property: Some(p.clone()),
        },
    ];
    let (listed, _) = contract::pages::page_through(&store, &newest, 50).await;
    assert!(listed.is_empty(), "old items are not in the list of all");
    for queue in &queues {
        let (queued, _) = contract::pages::page_through(&store, queue, 50).await;
        assert!(queued.is_empty(), "old items are not queued");
    }
    // (and the metrics backfill alone cannot find them: it goes through the page index)
    assert_eq!(store.backfill_metrics().await.unwrap(), 0);

    // When the page keys are backfilled, twice
    assert_eq!(store.backfill_page_keys().await.unwrap(), wos.len());
    assert_eq!(store.backfill_page_keys().await.unwrap(), 0);

    // Then every work order is listed, the open ones are queued, nothing else changed
    let (listed, _) = contract::pages::page_through(&store, &newest, 2).await;
    assert_eq!(listed.len(), wos.len());
    let still_open = listed.iter().filter(|w| !w.status.is_final()).count();
    assert!(still_open > 0, "the history leaves some open");
    for queue in &queues {
        let (open, _) = contract::pages::page_through(&store, queue, 50).await;
        assert_eq!(open.len(), still_open);
    }
    for w in &wos {
        let stored = mendwork_app::ports::WorkOrders::load(&store, &w.wo.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.wo, w.wo, "the work order itself is unchanged");
    }
    // And the metrics backfill now brings them into the projection, as SQLite would hold them
    assert_eq!(store.backfill_metrics().await.unwrap(), wos.len());
    let sqlite = mendwork_embedded::SqliteStore::open_in_memory().unwrap();
    contract::metrics::short_history(&sqlite, &p).await;
    assert_eq!(
        contract::metrics::rows_of(&store, &p).await,
        contract::metrics::rows_of(&sqlite, &p).await
    );
}

#[tokio::test]
async fn a_commit_racing_the_page_key_backfill_wins_and_nothing_is_lost() {
    let Some(server) =
        MotoServer::shared("a_commit_racing_the_page_key_backfill_wins_and_nothing_is_lost")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let store = DynamoStore::new(client, table);
    // Given an old item as the backfill's scan saw it
    let p = PropertyId(contract::unique("race-"));
    let wos = contract::metrics::short_history_with(&store, &p, true).await;
    strip_page_keys(&store, &p).await;
    let w = wos[1].clone();
    let seen = store
        .client()
        .get_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S(format!("WO#{}", w.wo.id.as_str())))
        .key("sk", AttributeValue::S("META".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    // And a commit of the running stack moving that work order on before the rewrite
    let at = w.wo.updated_at + chrono::Duration::minutes(1);
    let moved = contract::commit_ok(
        &store,
        w.then(
            mendwork_domain::Event::Offered {
                vendor: mendwork_domain::VendorId(format!("{}-sam", p.as_str())),
                expires_at: at + chrono::Duration::hours(2),
            },
            at,
        ),
        0,
    )
    .await;
    // When the backfill rewrites what it saw
    let rewritten = store.reindex(&seen).await.unwrap();
    // Then the commit wins: nothing is rewritten backwards, and the work order is listed as
    // the commit left it
    assert!(!rewritten);
    let stored = contract::stored(&store, &moved.wo.id).await;
    assert_eq!(stored.wo, moved.wo);
    let (listed, _) = contract::pages::page_through(
        &store,
        &Listing::Newest {
            status: None,
            property: None,
        },
        50,
    )
    .await;
    assert_eq!(listed.len(), 1, "only the work order the commit rewrote");
    assert_eq!(listed[0].id, moved.wo.id);
}

/// Removes the `gsi4` keys of one work order's item, as a version before the archive left a
/// closed or cancelled one.
async fn strip_archive_keys(store: &DynamoStore, id: &mendwork_domain::WorkOrderId) {
    store
        .client()
        .update_item()
        .table_name(store.table())
        .key("pk", AttributeValue::S(format!("WO#{}", id.as_str())))
        .key("sk", AttributeValue::S("META".into()))
        .update_expression("REMOVE gsi4pk, gsi4sk")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn work_orders_closed_before_the_archive_came_are_due_for_it_after_the_backfill() {
    use mendwork_app::archive::TimelineArchive;
    use mendwork_domain::{Actor, Event};
    let Some(server) = MotoServer::shared(
        "work_orders_closed_before_the_archive_came_are_due_for_it_after_the_backfill",
    ) else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let store = DynamoStore::new(client, table);
    let p = PropertyId(contract::unique("archive-upgrade-"));
    let cancel = |w: contract::Wo, m| {
        w.then(
            Event::Cancelled {
                by: Actor::Pm("lee".into()),
                reason: None,
            },
            contract::t0() + contract::mins(m),
        )
    };
    // Given two work orders cancelled before the archive came (page keys, no archive entry),
    let old = contract::commit_ok(&store, contract::Wo::submit(&p, None, contract::t0()), 0).await;
    let old = contract::commit_ok(&store, cancel(old, 1), 0).await;
    strip_archive_keys(&store, &old.wo.id).await;
    // one already archived and released (marked, in no partition), one still open
    let gone = contract::commit_ok(&store, contract::Wo::submit(&p, None, contract::t0()), 0).await;
    let gone = contract::commit_ok(&store, cancel(gone, 2), 0).await;
    let mut marked = gone.wo.clone();
    marked.archived = Some(mendwork_domain::stored::Archived {
        at: contract::t0() + contract::mins(5),
        through: gone.version,
    });
    assert!(store.mark_archived(&marked, gone.version).await.unwrap());
    store
        .release_archived(
            &gone.wo.id,
            gone.version,
            contract::t0() + contract::mins(6),
        )
        .await
        .unwrap();
    let open = contract::commit_ok(&store, contract::Wo::submit(&p, None, contract::t0()), 0).await;
    let later = contract::t0() + chrono::Duration::days(365);
    assert!(
        store.due_for_archive(later, 50).await.unwrap().is_empty(),
        "nothing is due before the backfill"
    );
    assert!(store.unreleased(50).await.unwrap().is_empty());

    // When the backfill runs, twice
    assert_eq!(store.backfill_page_keys().await.unwrap(), 1);
    assert_eq!(store.backfill_page_keys().await.unwrap(), 0);

    // Then the old cancelled one is due, and only it; the archived one keeps its mark and
    // stays out of both partitions; the open one is still queued; nothing else changed
    let due = store.due_for_archive(later, 50).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].wo, old.wo);
    assert_eq!(due[0].version, old.version);
    assert!(store.unreleased(50).await.unwrap().is_empty());
    assert_eq!(contract::stored(&store, &gone.wo.id).await.wo, marked);
    let (queued, _) =
        contract::pages::page_through(&store, &Listing::Queue { property: None }, 50).await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].id, open.wo.id);
}
