//! The local runner's loop does what the sweeper does in AWS: after the clock moves, a work
//! order whose timer was lost is put in front of the team (once), and its alert is delivered.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use mendwork_domain::{Status, TimerKind, WorkOrderId, timer_name};
use mendwork_local::{Options, start};
use serde_json::{Value, json};

#[tokio::test]
async fn a_work_order_whose_timer_was_lost_is_flagged_once_when_the_clock_moves() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(Options {
        clock_start: Some(
            DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        ),
        ..Options::new(dir.path().join("mendwork.db"))
    })
    .await
    .unwrap();
    let base = running.base_url.clone();
    let http = reqwest::Client::new();
    let created: Value = http
        .post(format!("{base}/api/work-orders"))
        .json(&json!({
            "property": "maple-court",
            "unit": "4B",
            "tenant": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+17185550199"},
            "description": "Kitchen sink leaking under the cabinet",
            "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T16:00:00Z"}]
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = WorkOrderId(created["id"].as_str().unwrap().to_string());
    let load = || async { running.app.work_orders.load(&id).await.unwrap().unwrap().wo };
    let wo = load().await;
    assert_eq!(wo.status, Status::Dispatching);
    // The accept timer is lost.
    let generation = wo.timers[&TimerKind::AcceptTimeout].generation;
    running
        .app
        .timers
        .cancel(&timer_name(&id, TimerKind::AcceptTimeout, generation))
        .await
        .unwrap();

    let advance = |seconds: i64| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r = http
                .post(format!("{base}/dev/clock"))
                .json(&json!({ "advance_seconds": seconds }))
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success());
        }
    };
    advance(3 * 3600).await;
    assert_eq!(load().await.status, Status::NeedsAttention);
    advance(3600).await;
    let outbox: Value = http
        .get(format!(
            "{base}/dev/outbox?work_order={id}&to=maintenance@example.com"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alerts: Vec<&Value> = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Needs attention"))
        })
        .collect();
    assert_eq!(alerts.len(), 1, "{outbox:#}");
    assert!(
        alerts[0]["body"]
            .as_str()
            .unwrap()
            .contains("Overdue since"),
        "{}",
        alerts[0]["body"]
    );
    running.shutdown().await;
}
