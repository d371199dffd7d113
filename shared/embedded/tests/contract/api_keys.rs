//! The `ApiKeys` contract, run on every adapter (SQLite here, DynamoDB on moto): a key made is
//! found by its id and its secret checks out, a revoked key is refused from then on, the record
//! holds the secret's hash and never the key, keys are listed newest first, a current key's
//! name is not given twice, an id is taken once, and the last use only moves forward.

use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::api_keys::{
    self, ApiKey, ApiKeys, CreateError, NameError, Plaintext, Refused, Scope, parse_token,
};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
}

async fn make(
    keys: &dyn ApiKeys,
    name: &str,
    scope: Scope,
    now: DateTime<Utc>,
) -> (ApiKey, Plaintext) {
    api_keys::create(keys, name, scope, "maintenance@example.com", now)
        .await
        .unwrap()
}

/// Every text the stored record holds, to look for the secret in.
fn texts(k: &ApiKey) -> Vec<String> {
    vec![
        k.id.clone(),
        k.name.clone(),
        k.hash.clone(),
        k.created_by.clone(),
        k.scope.as_str().to_string(),
    ]
}

pub async fn a_key_is_found_verified_then_refused_once_revoked(keys: &dyn ApiKeys) {
    // Given a read-write key made at 10:00
    let (made, plain) = make(keys, "buildium", Scope::ReadWrite, at(10, 0)).await;
    let (id, secret) = parse_token(plain.reveal()).unwrap();
    assert_eq!(id, made.id);
    // Then it is found by its id, as made, and its secret checks out
    let found = keys.find(id).await.unwrap().unwrap();
    assert_eq!(found, made);
    assert_eq!(found.scope, Scope::ReadWrite);
    assert!(found.matches(secret));
    let ok = api_keys::authenticate(keys, plain.reveal()).await.unwrap();
    assert_eq!(ok.map(|k| k.name), Ok("buildium".to_string()));
    // And the record holds the secret's hash, never the key or the secret
    assert_eq!(found.hash, api_keys::hash(secret));
    for t in texts(&found) {
        assert!(!t.contains(secret), "{t}");
    }
    // And a wrong secret of the same id is refused as unknown
    let wrong = format!("mwk_{id}_{}", "a".repeat(52));
    assert_eq!(
        api_keys::authenticate(keys, &wrong).await.unwrap(),
        Err(Refused::Unknown)
    );
    // When it is revoked at 11:00
    assert!(keys.revoke(id, at(11, 0)).await.unwrap());
    // Then it is refused as revoked, and revoking again changes nothing
    assert_eq!(
        api_keys::authenticate(keys, plain.reveal()).await.unwrap(),
        Err(Refused::Revoked)
    );
    assert!(!keys.revoke(id, at(12, 0)).await.unwrap());
    let found = keys.find(id).await.unwrap().unwrap();
    assert_eq!(found.revoked_at, Some(at(11, 0)));
    // And an id nobody has is unknown, a token of another shape malformed
    assert!(keys.find("zzzzzzzz").await.unwrap().is_none());
    assert!(!keys.revoke("zzzzzzzz", at(12, 0)).await.unwrap());
    assert_eq!(
        api_keys::authenticate(keys, &format!("mwk_zzzzzzzz_{}", "a".repeat(52)))
            .await
            .unwrap(),
        Err(Refused::Unknown)
    );
    assert_eq!(
        api_keys::authenticate(keys, "mwk_nope").await.unwrap(),
        Err(Refused::Malformed)
    );
}

pub async fn keys_are_listed_newest_first_revoked_ones_too(keys: &dyn ApiKeys) {
    // Given three keys made an hour apart, the middle one revoked
    let (a, _) = make(keys, "first", Scope::Read, at(9, 0)).await;
    let (b, _) = make(keys, "second", Scope::ReadWrite, at(10, 0)).await;
    let (c, _) = make(keys, "third", Scope::Read, at(11, 0)).await;
    assert!(keys.revoke(&b.id, at(11, 30)).await.unwrap());
    // Then the list is newest first and shows the revocation
    let list = keys.list().await.unwrap();
    let ids: Vec<&str> = list.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, [c.id.as_str(), b.id.as_str(), a.id.as_str()]);
    assert_eq!(list[1].revoked_at, Some(at(11, 30)));
    assert_eq!(list[0].revoked_at, None);
}

pub async fn a_current_keys_name_is_not_given_twice(keys: &dyn ApiKeys) {
    // Given a key named pms
    let (first, _) = make(keys, "pms", Scope::Read, at(9, 0)).await;
    // Then another key of that name is refused while it is current
    let again = api_keys::create(keys, "pms", Scope::ReadWrite, "cli", at(9, 5)).await;
    assert!(
        matches!(again, Err(CreateError::Name(NameError::Taken))),
        "{again:?}"
    );
    // And a name of the wrong shape is refused before anything is stored
    let bad = api_keys::create(keys, "PMS sync", Scope::Read, "cli", at(9, 5)).await;
    assert!(
        matches!(bad, Err(CreateError::Name(NameError::Characters))),
        "{bad:?}"
    );
    assert_eq!(keys.list().await.unwrap().len(), 1);
    // When it is revoked, the name is free again
    assert!(keys.revoke(&first.id, at(9, 10)).await.unwrap());
    let (second, _) = make(keys, "pms", Scope::ReadWrite, at(9, 15)).await;
    assert_ne!(second.id, first.id);
}

pub async fn a_key_id_is_taken_once(keys: &dyn ApiKeys) {
    let key = ApiKey {
        id: "abcdefgh".into(),
        name: "once".into(),
        scope: Scope::Read,
        hash: api_keys::hash("s"),
        created_at: at(9, 0),
        created_by: "cli".into(),
        last_used_at: None,
        revoked_at: None,
    };
    assert!(keys.create(&key).await.unwrap());
    let other = ApiKey {
        name: "twice".into(),
        ..key.clone()
    };
    assert!(!keys.create(&other).await.unwrap());
    assert_eq!(keys.find("abcdefgh").await.unwrap(), Some(key));
}

pub async fn the_last_use_only_moves_forward(keys: &dyn ApiKeys) {
    let (k, _) = make(keys, "sync", Scope::Read, at(9, 0)).await;
    assert_eq!(keys.find(&k.id).await.unwrap().unwrap().last_used_at, None);
    keys.touch(&k.id, at(10, 0)).await.unwrap();
    // An older use arriving late (another container's) does not move it back.
    keys.touch(&k.id, at(10, 0) - Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        keys.find(&k.id).await.unwrap().unwrap().last_used_at,
        Some(at(10, 0))
    );
    keys.touch(&k.id, at(10, 2)).await.unwrap();
    assert_eq!(
        keys.find(&k.id).await.unwrap().unwrap().last_used_at,
        Some(at(10, 2))
    );
}
