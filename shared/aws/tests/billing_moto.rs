//! The `Billing` interceptor on a store's client, on moto: it counts what succeeded — reads
//! as requests and read units, writes as items and write units by kind — and nothing of a
//! call the table refused. The store itself counts nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::ports::{CommitError, Keys, OptOuts};
use mendwork_aws::{Billing, DynamoStore};
use mendwork_domain::Phone;
use support::MotoServer;

#[tokio::test]
async fn the_billing_interceptor_counts_what_succeeded_and_nothing_of_a_refused_write() {
    let Some(server) = MotoServer::shared("billing") else {
        return;
    };
    // Given a store whose client carries the interceptor
    let sdk = server.sdk().await;
    let (_, table) = support::table(&sdk).await;
    let billing = Billing::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .interceptor(billing.clone())
            .build(),
    );
    let store = DynamoStore::new(client, table);
    let phone = Phone::parse("+15550100002").unwrap();

    // When a phone opts out, one write is counted, with its units and its kind
    store.set_opted_out(&phone, true).await.unwrap();
    let written = billing.usage();
    assert_eq!(written.items_written, 1, "{written:?}");
    assert!(written.write_units >= 1.0, "{written:?}");
    assert_eq!(written.by_kind.values().map(|k| k.items).sum::<u64>(), 1);
    assert_eq!(written.read_requests, 0);

    // When it is read back, one read request with at least half a unit is counted
    assert!(store.is_opted_out(&phone).await.unwrap());
    let read = billing.usage();
    assert_eq!(read.read_requests, 1, "{read:?}");
    assert!(read.read_units >= 0.5, "{read:?}");

    // When a key is recorded, and recorded again (refused: already there)
    store.remember("billing-key", "v").await.unwrap();
    let once = billing.usage();
    assert!(once.items_written > read.items_written, "{once:?}");
    assert!(matches!(
        store.remember("billing-key", "v").await,
        Err(CommitError::Duplicate(_))
    ));
    // Then the refused write added nothing
    assert_eq!(billing.usage().items_written, once.items_written);
    assert_eq!(billing.usage().write_units, once.write_units);
}
