//! The API keys contract on the SQLite store, and what only a file shows: the key's secret is
//! nowhere in the store's bytes, and a store reopened keeps its keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/api_keys.rs"]
mod contract;

use chrono::{TimeZone, Utc};
use mendwork_app::api_keys::{self, ApiKeys, Scope, parse_token};
use mendwork_embedded::SqliteStore;

fn memory() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

#[tokio::test]
async fn a_key_is_found_verified_then_refused_once_revoked() {
    contract::a_key_is_found_verified_then_refused_once_revoked(&memory()).await;
}

#[tokio::test]
async fn keys_are_listed_newest_first_revoked_ones_too() {
    contract::keys_are_listed_newest_first_revoked_ones_too(&memory()).await;
}

#[tokio::test]
async fn a_current_keys_name_is_not_given_twice() {
    contract::a_current_keys_name_is_not_given_twice(&memory()).await;
}

#[tokio::test]
async fn a_key_id_is_taken_once() {
    contract::a_key_id_is_taken_once(&memory()).await;
}

#[tokio::test]
async fn the_last_use_only_moves_forward() {
    contract::the_last_use_only_moves_forward(&memory()).await;
}

#[tokio::test]
async fn the_store_file_holds_the_hash_of_a_key_never_the_key_and_keeps_it_when_reopened() {
    // Given a key made in a store file
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
    let plain = {
        let s = SqliteStore::open(&path).unwrap();
        let (_, plain) = api_keys::create(&s, "buildium", Scope::Read, "cli", now)
            .await
            .unwrap();
        plain
    };
    let (id, secret) = parse_token(plain.reveal()).unwrap();
    // Then no byte of the store (its WAL included) holds the secret, but one holds its hash
    let mut bytes = vec![];
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!has(secret));
    assert!(has(&api_keys::hash(secret)));
    // And the key is still there, and still valid, when the store is opened again
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.find(id).await.unwrap().unwrap().name, "buildium");
    assert!(
        api_keys::authenticate(&s, plain.reveal())
            .await
            .unwrap()
            .is_ok()
    );
}
