//! The published contract, deployed: API Gateway routes exactly the document's operations
//! under `/api` to the function that serves them, and that function's router (deployed
//! configuration) serves the document without a session while the data still needs one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;
use support::template::Template;
use tower::ServiceExt;

/// Every operation of the document as an API Gateway route key (`GET /api/…`).
fn documented() -> BTreeSet<String> {
    let doc: Value =
        serde_json::from_str(&mendwork_web::api::openapi().to_json().unwrap()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
    out
}

#[test]
fn the_template_routes_exactly_the_documented_operations_under_api() {
    let routed: BTreeSet<String> = Template::load()
        .routes()
        .into_iter()
        .map(|(key, _, _)| key)
        .filter(|key| {
            key.split_once(' ')
                .is_some_and(|(_, p)| p.starts_with("/api/"))
        })
        .collect();
    assert_eq!(routed, documented());
}

#[tokio::test]
async fn the_deployed_router_serves_the_contract_without_a_session_while_the_data_needs_one() {
    let (app, _) = support::local::local();
    let router = mendwork_handlers::http::router(app);
    let get = |uri: &str| Request::get(uri.to_string()).body(Body::empty()).unwrap();
    let response = router
        .clone()
        .oneshot(get("/api/openapi.json"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let served: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1."));
    assert_eq!(served["info"]["title"], "Mendwork");
    let response = router.oneshot(get("/api/work-orders")).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
