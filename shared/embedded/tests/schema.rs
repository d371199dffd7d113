//! The store file's schema across versions: a file written by the previous version opens, is
//! migrated in place, and reads the same afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use mendwork_app::ports::{Clock, Texter};
use mendwork_domain::{Phone, Recipient, SmsMessage, VendorId, WorkOrderId};
use mendwork_embedded::{ClockMode, RecordingTexter, SCHEMA_VERSION, SentFilter, SqliteStore};
use std::sync::Arc;

/// The indexes version 6 dropped, as version 5 created them.
const VERSION_5_INDEXES: &str = "
CREATE INDEX work_orders_created ON work_orders (created_at DESC, id);
CREATE INDEX work_orders_status ON work_orders (status, created_at DESC);
CREATE INDEX work_orders_property ON work_orders (property, created_at DESC);
CREATE INDEX outbox_work_order ON outbox (work_order, seq) WHERE work_order IS NOT NULL;
CREATE INDEX sent_at ON sent (at);
UPDATE meta SET value = '5' WHERE key = 'schema_version';
";

fn indexes(path: &std::path::Path) -> Vec<String> {
    let raw = rusqlite::Connection::open(path).unwrap();
    let mut stmt = raw
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn a_version_5_store_loses_its_unread_indexes_and_lists_the_same_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let phone = Phone::parse("+12125550143").unwrap();
    let wo = WorkOrderId("wo-a".into());
    {
        let store = SqliteStore::open(&path).unwrap();
        let clock = store.clock();
        clock
            .set_mode(ClockMode::Frozen(
                Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap(),
            ))
            .unwrap();
        let shared: Arc<dyn Clock> = Arc::new(clock.clone());
        let texter = RecordingTexter::new(&store, shared);
        for (i, wo) in [Some(&wo), None, Some(&wo)].into_iter().enumerate() {
            let sms = SmsMessage {
                to: phone.clone(),
                recipient: Recipient::Vendor(VendorId("ok-plumbing".into())),
                body: format!("message {i}"),
                key: "vendor.offer.sms".into(),
            };
            texter.send(&format!("m/{i}"), wo, &sms).await.unwrap();
            clock.advance(chrono::Duration::minutes(5)).unwrap();
        }
    }
    // Turn the file back into what version 5 wrote.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(VERSION_5_INDEXES).unwrap();
    drop(raw);
    assert!(indexes(&path).contains(&"sent_at".to_string()));

    let store = SqliteStore::open(&path).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: String = raw
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION.to_string());
    let left = indexes(&path);
    for gone in [
        "work_orders_created",
        "work_orders_status",
        "work_orders_property",
        "outbox_work_order",
        "sent_at",
    ] {
        assert!(
            !left.contains(&gone.to_string()),
            "{gone} still in {left:?}"
        );
    }
    for kept in [
        "work_orders_newest",
        "work_orders_status_newest",
        "sent_to",
        "sent_work_order",
    ] {
        assert!(
            left.contains(&kept.to_string()),
            "{kept} missing from {left:?}"
        );
    }
    let ids = |f: SentFilter| {
        store
            .sent(f)
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(SentFilter::default()), ["m/0", "m/1", "m/2"]);
    assert_eq!(
        ids(SentFilter {
            work_order: Some(wo),
            ..Default::default()
        }),
        ["m/0", "m/2"]
    );
    assert_eq!(
        ids(SentFilter {
            to: Some(phone.to_string()),
            ..Default::default()
        }),
        ["m/0", "m/1", "m/2"]
    );
}
