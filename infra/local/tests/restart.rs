//! Kill safety through the real binary: a runner killed with SIGKILL and started again on the
//! same store has lost nothing — work orders, timelines, messages, the virtual clock and the
//! pending timers — and the workflow carries on where it stopped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const CLOCK_START: &str = "2026-03-04T15:00:00Z";

/// Starts `mendwork-local` on a free port with the sample portfolio and `db`; returns the
/// child and its base URL (read from the banner it prints).
async fn start(db: &std::path::Path) -> (Child, String) {
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sample-portfolio.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mendwork-local"))
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(db)
        .args(["--port", "0", "--clock-start", CLOCK_START])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawning mendwork-local");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("reading the banner") {
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                return url
                    .trim_end_matches('/')
                    .trim_end_matches("/report")
                    .to_string();
            }
        }
        panic!("mendwork-local exited without printing its address");
    })
    .await
    .expect("mendwork-local printed its address in time");
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, base)
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let resp = client.get(&url).send().await.expect("GET");
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    resp.json().await.expect("JSON")
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let resp = client.post(&url).json(&body).send().await.expect("POST");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON"))
}

fn timer_kinds(wo: &Value) -> Vec<String> {
    wo["timers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["kind"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_runner_killed_mid_flow_restarts_with_everything_and_carries_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("mendwork.db");
    let client = reqwest::Client::new();

    let (mut first, base) = start(&db).await;
    let (status, wo) = post(
        &client,
        format!("{base}/api/work-orders"),
        json!({
            "property": "maple-court",
            "unit": "4B",
            "tenant": { "name": "Alex Rivera", "email": "alex.rivera@example.org", "phone": "+13475550191" },
            "description": "Bathroom faucet drips.",
            "category": "plumbing",
            "availability": [{ "start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z" }],
        }),
    )
    .await;
    assert_eq!(status, 201, "{wo}");
    let id = wo["id"].as_str().expect("id").to_string();
    assert_eq!(wo["offer"]["vendor"], "pat-plumbing");

    // Half an hour passes, then the process is killed without warning.
    let (status, moved) = post(
        &client,
        format!("{base}/dev/clock"),
        json!({ "advance_seconds": 1800 }),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let before = get(&client, format!("{base}/api/work-orders/{id}")).await;
    let outbox_before = get(&client, format!("{base}/dev/outbox")).await;
    let timers_before = get(&client, format!("{base}/dev/timers")).await;
    assert!(timer_kinds(&before).len() == 1, "{}", before["timers"]);
    first.kill().await.expect("SIGKILL");
    let _ = first.wait().await;

    // Started again on the same store (a --clock-start for an existing store is ignored).
    let (mut second, base) = start(&db).await;
    let after = get(&client, format!("{base}/api/work-orders/{id}")).await;
    assert_eq!(after["status"], before["status"]);
    assert_eq!(after["offer"], before["offer"]);
    assert_eq!(
        after["timeline"], before["timeline"],
        "the timeline survived"
    );
    assert_eq!(
        after["timers"], before["timers"],
        "the armed timers survived"
    );
    let clock = get(&client, format!("{base}/dev/clock")).await;
    assert_eq!(
        clock["now"]
            .as_str()
            .map(|s| s.replace("+00:00", "Z"))
            .as_deref(),
        Some("2026-03-04T15:30:00Z")
    );
    let outbox_after = get(&client, format!("{base}/dev/outbox")).await;
    assert_eq!(
        outbox_after["messages"], outbox_before["messages"],
        "no message lost or resent"
    );
    assert_eq!(
        get(&client, format!("{base}/dev/timers")).await,
        timers_before
    );

    // The flow continues: at 17:00 UTC the accept timeout fires and the job goes to Dana.
    let (status, moved) = post(
        &client,
        format!("{base}/dev/clock"),
        json!({ "advance_seconds": 5400 }),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let fired = moved["fired"].as_array().cloned().unwrap_or_default();
    assert!(
        fired
            .iter()
            .any(|f| f["target"]["work_order"] == id.as_str()
                && f["at"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("2026-03-04T17:00:00"))),
        "the accept timeout fired at 17:00: {moved}"
    );
    let wo = get(&client, format!("{base}/api/work-orders/{id}")).await;
    assert_eq!(wo["status"], "dispatching");
    assert_eq!(wo["offer"]["vendor"], "dana-plumbing");
    let messages = get(&client, format!("{base}/dev/outbox")).await["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        messages
            .iter()
            .any(|m| m["key"] == "vendor.lapsed.sms" && m["to"] == "+17185550110")
    );
    assert!(
        messages
            .iter()
            .any(|m| m["key"] == "vendor.offer.sms" && m["to"] == "+13125550111")
    );

    second.kill().await.expect("SIGKILL");
    let _ = second.wait().await;
}
