//! The Buildium round trip on the local runner, started as `--buildium` starts it, against the
//! fake Buildium of the app's tests: a resident request appears there, the runner's poll makes
//! the work order and offers it, the vendor accepts, arrives and finishes by SMS through the
//! harness, and each step shows up once as a note and status on the request in Buildium.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../shared/app/tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use mendwork_app::pms::buildium::BuildiumConfig;
use mendwork_local::{Options, SAMPLE_PORTFOLIO, start};
use serde_json::{Value, json};
use std::time::Duration;
use support::fake_buildium::{CLIENT_ID, CLIENT_SECRET, FakeBuildium};

const PAT: &str = "+17185550110";

/// Waits (real time, for the runner's background loops) until `check` gives a value.
async fn wait_for<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn a_resident_request_in_buildium_comes_back_with_the_vendors_acceptance_and_completion() {
    let fake = FakeBuildium::start().await;
    fake.add_resident_request(
        1,
        5001,
        1042,
        "Kitchen sink leaks under the cabinet",
        "2026-03-04T14:30:00Z",
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("portfolio.yaml");
    std::fs::write(
        &config,
        SAMPLE_PORTFOLIO.replacen(
            "  - id: maple-court\n",
            "  - id: maple-court\n    pms_id: \"5001\"\n    pms_units: {\"1042\": \"4B\"}\n",
            1,
        ),
    )
    .unwrap();
    let running = start(Options {
        config: Some(config),
        clock_start: Some(
            DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        ),
        buildium: Some(BuildiumConfig {
            base_url: fake.url.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }),
        ..Options::new(dir.path().join("mendwork.db"))
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let base = running.base_url.clone();

    // The poll runs as the runner starts.
    let wo: Value = wait_for("the work order made from the request", async || {
        let list: Value = http
            .get(format!("{base}/api/work-orders"))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let first = list["work_orders"].as_array()?.first()?.clone();
        (first["status"] == "dispatching").then_some(first)
    })
    .await;
    assert_eq!(wo["property"]["id"], "maple-court");
    assert_eq!(wo["unit"], "4B");
    assert_eq!(wo["vendor"], Value::Null);

    for (n, text) in ["yes", "arrived", "done, replaced the trap"]
        .into_iter()
        .enumerate()
    {
        let r = http
            .post(format!("{base}/dev/sms"))
            .json(
                &json!({"originationNumber": PAT, "destinationNumber": "+18005550100",
                          "messageBody": text, "inboundMessageId": format!("buildium-{n}")}),
            )
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{text}: {}", r.status());
        wait_for("the note of this step in Buildium", async || {
            (fake.history(1).len() == n + 1).then_some(())
        })
        .await;
    }
    let notes: Vec<String> = fake
        .history(1)
        .iter()
        .map(|h| h["Message"].as_str().unwrap().to_string())
        .collect();
    assert!(notes[0].contains("accepted the job"), "{notes:?}");
    assert!(notes[1].contains("is on site"), "{notes:?}");
    assert!(notes[2].contains("reports the work done"), "{notes:?}");
    let status = fake.with(|s| s.resident_requests[&1]["TaskStatus"].clone());
    assert_eq!(status, "Completed");
    // Nothing more goes back on its own (the loops keep running meanwhile).
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(fake.history(1).len(), 3);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    running.shutdown().await;
}
