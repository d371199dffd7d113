//! The `apikey` tool through its real binary, on a temporary store that a local runner
//! serves at the same time: a key it makes is printed once and works on the runner's API,
//! the list shows it (never the key), and once revoked the runner refuses it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
        clock_start: Some("2026-03-04T15:00:00Z".parse().unwrap()),
        ..Options::new(db.clone())
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

/// A moto server on a free loopback port for one test, stopped when dropped.
struct Moto(std::process::Child, String);

impl Moto {
    /// `None` (after saying so) when `MENDWORK_SKIP_MOTO=1`.
    fn start() -> Option<Moto> {
        if std::env::var("MENDWORK_SKIP_MOTO").as_deref() == Ok("1") {
            eprintln!("SKIPPED: MENDWORK_SKIP_MOTO=1 (this test needs moto_server)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server runs: pip install 'moto[server]' (infra/test does)");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not listen"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Some(Moto(child, format!("http://127.0.0.1:{port}")))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn with_aws_the_apikey_tool_makes_lists_and_revokes_the_keys_of_a_deployments_table() {
    let Some(moto) = Moto::start() else { return };
    // Given a deployment's table (on moto)
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "moto",
        ))
        .endpoint_url(&moto.1)
        .load()
        .await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    mendwork_aws::create_table(&client, "mendwork-apikey-cli")
        .await
        .unwrap();
    let tool = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_apikey"))
            .arg("--aws")
            .args(args)
            .env("AWS_ENDPOINT_URL", &moto.1)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("MENDWORK_TABLE", "mendwork-apikey-cli")
            .output()
            .expect("running apikey --aws")
    };
    // When the tool makes a key there
    let made = tool(&["create", "--name", "buildium", "--scope", "read"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let key = text(&made.stdout).trim().to_string();
    // Then the table's adapter finds it, and it checks out
    use mendwork_app::api_keys::{ApiKeys as _, authenticate};
    let keys = mendwork_aws::DynamoApiKeys::new(client.clone(), "mendwork-apikey-cli");
    let found = authenticate(&keys, &key).await.unwrap().unwrap();
    assert_eq!(
        (found.name.as_str(), found.created_by.as_str()),
        ("buildium", "cli")
    );
    // And the list shows it, and revoking it makes it refused
    let list = text(&tool(&["list"]).stdout);
    assert!(
        list.contains("buildium") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&key));
    assert!(tool(&["revoke", &found.id]).status.success());
    assert!(
        keys.find(&found.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    assert_eq!(
        authenticate(&keys, &key).await.unwrap(),
        Err(mendwork_app::api_keys::Refused::Revoked)
    );
    // And without a table it says what it needs
    let lost = Command::new(env!("CARGO_BIN_EXE_apikey"))
        .args(["--aws", "list"])
        .env_remove("MENDWORK_TABLE")
        .output()
        .unwrap();
    assert!(!lost.status.success());
    assert!(text(&lost.stderr).contains("MENDWORK_TABLE"));
}
