//! The `apikey` tool through its real binary, on a temporary store that a local runner
//! serves at the same time: a key it makes is printed once and works on the runner's API,
//! the list shows it (never the key), and once revoked the runner refuses it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_app::deliveries::Secrets;
use mendwork_local::{Options, start};
use std::path::Path;
use std::process::{Command, Output};

fn apikey(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apikey"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("running apikey")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn the_apikey_tool_makes_a_key_the_runner_accepts_lists_it_and_revokes_it() {
    // Given a local runner on a fresh store
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mendwork.db");
    let running = start(Options {
        config: None,
        db: db.clone(),
        port: 0,
        clock_start: Some("2026-03-04T15:00:00Z".parse().unwrap()),
        webhook_secrets: Secrets::default(),
    })
    .await
    .unwrap();
    let base = running.base_url.clone();
    let client = reqwest::Client::new();
    let call = |key: String| {
        let client = client.clone();
        let url = format!("{base}/api/work-orders");
        async move {
            client
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };

    // When the tool makes a read-write key named buildium
    let made = apikey(
        &db,
        &["create", "--name", "buildium", "--scope", "read-write"],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    // Then the key alone is on standard output, and the words around it on standard error
    let key = text(&made.stdout).trim().to_string();
    assert!(key.starts_with("mwk_") && !key.contains(' '), "{key}");
    assert!(text(&made.stderr).contains("shown only this once"));
    // And the running runner accepts it
    assert_eq!(call(key.clone()).await, 200);

    // And the list shows the key's name, scope and last use, never the key
    let listed = apikey(&db, &["list"]);
    let list = text(&listed.stdout);
    assert!(listed.status.success());
    assert!(
        list.contains("buildium") && list.contains("read-write") && list.contains("active"),
        "{list}"
    );
    assert!(list.contains("last used 2026-03-04 15:00"), "{list}");
    assert!(!list.contains(&key));

    // And a name of the wrong shape, or a scope that does not exist, is refused
    let bad = apikey(&db, &["create", "--name", "Buildium Sync"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("lowercase letters"),
        "{}",
        text(&bad.stderr)
    );
    let bad = apikey(&db, &["create", "--name", "x", "--scope", "admin"]);
    assert!(!bad.status.success());

    // When it is revoked by its id
    let id = mendwork_app::api_keys::parse_token(&key)
        .unwrap()
        .0
        .to_string();
    let revoked = apikey(&db, &["revoke", &id]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert!(text(&revoked.stdout).contains("Revoked the key buildium"));
    // Then the runner refuses it, and the list says so
    assert_eq!(call(key).await, 401);
    assert!(text(&apikey(&db, &["list"]).stdout).contains("revoked 2026-03-04 15:00"));
    // And an id nobody has is an error
    assert!(!apikey(&db, &["revoke", "zzzzzzzz"]).status.success());
    running.shutdown().await;
}
