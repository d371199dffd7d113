//! The abuse suite's attacks that need the real local runner: DNS rebinding (a page elsewhere
//! pointing its own name at 127.0.0.1 to read `/dev/messages`, which holds sign-in links), a
//! cross-site post to the harness, and the link-signing secret left readable on disk. The
//! router's attacks are in shared/web/tests/abuse.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_tests::{TestApp, clock_start, sample_portfolio};
use serde_json::json;

/// `GET /dev/messages` (it holds sign-in links) sent with the Host header `host`, as a page
/// whose name was rebound to loopback would send it: the status and the body.
async fn dev_messages_as(app: &TestApp, host: &str) -> (u16, String) {
    let r = app
        .client
        .get(format!("{}/dev/messages", app.base_url))
        .header("host", host)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_page_that_rebinds_its_own_name_to_loopback_cannot_read_the_local_runner() {
    let app = TestApp::spawn().await;
    let port = app.base_url.rsplit(':').next().unwrap().to_string();
    for host in [
        format!("evil.example:{port}"),
        "evil.example".into(),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        let (status, body) = dev_messages_as(&app, &host).await;
        assert_eq!(status, 421, "{host}");
        assert!(!body.contains("/login/"));
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(dev_messages_as(&app, &host).await.0, 200, "{host}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_cross_site_post_cannot_move_the_harness_clock() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(format!("{}/dev/clock", app.base_url))
        .header("origin", "https://evil.example")
        .json(&json!({ "advance_seconds": 86400 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .client
        .post(format!("{}/dev/clock", app.base_url))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "advance_seconds": 86400 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let now: serde_json::Value = app
        .client
        .post(format!("{}/dev/clock", app.base_url))
        .json(&json!({ "advance_seconds": 0 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(now["now"].as_str().unwrap()).unwrap();
    assert_eq!(now, clock_start());
    app.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_link_signing_secret_on_disk_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mendwork.db");
    let secret = dir.path().join("mendwork.db.secret");
    let start = |db: std::path::PathBuf| {
        mendwork_local::start(mendwork_local::Options {
            config: Some(sample_portfolio()),
            clock_start: Some(clock_start()),
            ..mendwork_local::Options::new(db)
        })
    };
    start(db.clone()).await.unwrap().shutdown().await;
    let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    // A secret an older version left world-readable is closed up at the next start.
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    start(db).await.unwrap().shutdown().await;
    let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}
