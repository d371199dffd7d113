//! The local runner serves the JSON API's OpenAPI document, as generated, at
//! `/api/openapi.json` beside the API it describes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use mendwork_local::{Options, start};
use serde_json::Value;

#[tokio::test]
async fn the_local_runner_serves_the_contract_as_generated() {
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
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/api/openapi.json", running.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let served: Value = response.json().await.unwrap();
    let generated: Value =
        serde_json::from_str(&mendwork_web::api::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    // The operations it lists are the runner's: one of them answers as documented.
    assert!(served["paths"]["/api/properties"]["get"].is_object());
    let properties: Value = http
        .get(format!("{}/api/properties", running.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        properties["properties"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    running.shutdown().await;
}
