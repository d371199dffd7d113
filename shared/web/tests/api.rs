//! The JSON API against the embedded adapters: creating, reading, listing and acting on work
//! orders, and the visitor desk's visits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use mendwork_app::Exec;
use mendwork_domain::{Actor, Command, Money, VendorId, WorkOrderId};
use serde_json::json;
use support::{app, create_body};

#[tokio::test]
async fn creating_a_work_order_by_json_answers_201_with_its_fields() {
    let t = app();
    let a = t.post_json("/api/work-orders", &create_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let wo = a.json();
    assert!(wo["id"].as_str().unwrap().starts_with("wo-"));
    assert_eq!(wo["code"].as_str().unwrap().len(), 4);
    assert_eq!(wo["property"]["id"], "maple-court");
    assert_eq!(wo["property"]["timezone"], "America/New_York");
    assert_eq!(wo["unit"], "4B");
    assert_eq!(wo["tenant"]["email"], "ana@example.com");
    assert_eq!(wo["trade"], "plumbing");
    assert_eq!(wo["availability"].as_array().unwrap().len(), 1);
    // The outbox was carried out before the answer: triage ran and an offer is out.
    assert_eq!(wo["status"], "dispatching", "{wo:#}");
    assert!(wo["offer"]["vendor"].is_string());
    let kinds: Vec<&str> = wo["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"submitted") && kinds.contains(&"triaged") && kinds.contains(&"offered"),
        "{kinds:?}"
    );
    assert!(wo["timeline"][0]["at"].is_string());
}

#[tokio::test]
async fn a_work_order_can_be_read_by_id_or_by_job_code() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let by_id = t
        .get(&format!("/api/work-orders/{}", wo["id"].as_str().unwrap()))
        .await;
    assert_eq!(by_id.status, StatusCode::OK);
    let by_code = t
        .get(&format!(
            "/api/work-orders/{}",
            wo["code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_code.status, StatusCode::OK);
    assert_eq!(by_code.json()["id"], wo["id"]);
    let missing = t.get("/api/work-orders/wo-nothing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.json()["error"].is_string());
}

#[tokio::test]
async fn a_bad_json_field_is_refused_with_422_naming_the_field() {
    let t = app();
    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["tenant"]["email"] = json!("not an email");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "tenant.email");
    assert!(a.json()["error"].as_str().unwrap().contains("email"));

    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["availability"][0]["end"] = json!("2026-03-10T13:00:00Z");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "availability[0]");

    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["flavour"] = json!("vanilla");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "flavour");

    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["property"] = json!("atlantis");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "property");

    let a = t.post_json("/api/work-orders", "{\"property\": ").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.count().await, 0, "nothing was stored");
}

#[tokio::test]
async fn a_work_order_made_by_json_may_name_the_tenants_language() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    assert_eq!(wo["tenant"]["language"], "en", "English unless told");

    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["language"] = json!("fr");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["field"], "language");
    assert!(a.json()["error"].as_str().unwrap().contains("\"es\""));
    assert_eq!(t.count().await, 1, "nothing more was stored");

    body["language"] = json!("ES");
    body["tenant"]["email"] = json!("lucia@example.com");
    let a = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.json()["tenant"]["language"], "es");
    let mail = t.sent_to("lucia@example.com");
    assert!(
        mail.iter()
            .any(|m| m.key == "tenant.confirmation.email" && m.body.starts_with("Hola, Ana Ruiz:")),
        "{mail:#?}"
    );
}

#[tokio::test]
async fn the_same_json_submission_token_twice_creates_one_work_order() {
    let t = app();
    let mut body: serde_json::Value = serde_json::from_str(&create_body()).unwrap();
    body["submission"] = json!("tok-123");
    let first = t.post_json("/api/work-orders", &body.to_string()).await;
    let second = t.post_json("/api/work-orders", &body.to_string()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(
        second.status,
        StatusCode::CREATED,
        "a repeat answers as the first did"
    );
    assert_eq!(first.json()["id"], second.json()["id"]);
    assert_eq!(t.count().await, 1);
}

#[tokio::test]
async fn listing_filters_by_status_and_refuses_an_unknown_status() {
    let t = app();
    t.post_json("/api/work-orders", &create_body()).await;
    let a = t
        .get("/api/work-orders?status=dispatching&property=maple-court")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let list = a.json()["work_orders"].as_array().unwrap().clone();
    assert_eq!(list.len(), 1);
    assert!(list[0].get("timeline").is_none());
    let none = t.get("/api/work-orders?status=closed").await.json();
    assert!(none["work_orders"].as_array().unwrap().is_empty());
    let bad = t.get("/api/work-orders?status=lost").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["field"], "status");
}

#[tokio::test]
async fn pm_actions_run_and_a_refused_one_answers_409_with_the_reason() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = wo["id"].as_str().unwrap();
    let a = t
        .post_json(
            &format!("/api/work-orders/{id}/assign"),
            r#"{"vendor":"dana-plumbing"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["vendor"]["id"], "dana-plumbing");
    assert_eq!(a.json()["status"], "accepted");

    let a = t
        .post_json(&format!("/api/work-orders/{id}/close"), "{}")
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.json()["error"].as_str().unwrap().contains("accepted"),
        "{}",
        a.body
    );

    let a = t
        .post_json(
            &format!("/api/work-orders/{id}/instructions"),
            r#"{"text":"Key at the office"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["instructions"][0], "Key at the office");

    let a = t
        .post_json(
            &format!("/api/work-orders/{id}/cancel"),
            r#"{"reason":"duplicate"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "cancelled");

    let a = t
        .post_json(&format!("/api/work-orders/{id}/fly"), "{}")
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn properties_and_vendors_are_listed_with_money_in_dollars() {
    let t = app();
    let p = t.get("/api/properties").await.json();
    let maple = p["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "maple-court")
        .unwrap()
        .clone();
    assert_eq!(maple["nte"], 500);
    assert_eq!(maple["visitor_desk"], true);
    let v = t.get("/api/vendors").await.json();
    assert!(
        v["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == "pat-plumbing")
    );
}

#[tokio::test]
async fn a_visit_created_with_a_request_id_is_linked_and_checks_the_vendor_in_through_the_work_order()
 {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    t.app
        .execute(
            &id,
            Command::Assign {
                vendor: VendorId("pat-plumbing".into()),
                by: Actor::Pm("PM".into()),
            },
            Exec::default(),
        )
        .await
        .unwrap();
    t.app.drain().await.unwrap();
    let body = json!({"property": "maple-court", "visitor": "Pat", "company": "RapidFlow", "request_id": wo["code"]});
    let a = t.post_json("/api/visits", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let visit = a.json();
    assert_eq!(visit["work_order"], wo["id"]);
    assert_eq!(visit["status"], "expected");

    let vid = visit["id"].as_str().unwrap();
    let listed = t.get("/api/visits?property=maple-court").await.json();
    assert!(
        listed["visits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == vid),
        "{listed:#}"
    );

    let a = t
        .post_json(&format!("/api/visits/{vid}/check-in"), "{}")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["status"], "checked_in");
    let after = t.get(&format!("/api/work-orders/{}", id.0)).await.json();
    assert_eq!(after["status"], "in_progress");

    let a = t
        .post_json(&format!("/api/visits/{vid}/check-out"), "{}")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.json()["status"], "checked_out");
}

#[tokio::test]
async fn linking_a_visit_to_a_work_order_of_another_property_is_refused_with_409() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let a = t
        .post_json(
            "/api/visits",
            r#"{"property": "lakeview", "visitor": "Sam"}"#,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let vid = a.json()["id"].as_str().unwrap().to_string();
    let body = json!({"request_id": wo["code"]});
    let a = t
        .post_json(&format!("/api/visits/{vid}/link"), &body.to_string())
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().contains("lakeview"));

    let body = json!({"property": "lakeview", "visitor": "Sam", "request_id": wo["code"]});
    let a = t.post_json("/api/visits", &body.to_string()).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_manual_visit_checks_in_and_out_and_refuses_check_out_before_check_in() {
    let t = app();
    let a = t
        .post_json(
            "/api/visits",
            r#"{"property": "maple-court", "visitor": "Lee"}"#,
        )
        .await;
    let vid = a.json()["id"].as_str().unwrap().to_string();
    let early = t
        .post_json(&format!("/api/visits/{vid}/check-out"), "")
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let a = t
        .post_json(&format!("/api/visits/{vid}/check-in"), "")
        .await;
    assert_eq!(a.json()["status"], "checked_in");
    assert!(a.json()["checked_in_at"].is_string());
    let a = t
        .post_json(&format!("/api/visits/{vid}/check-out"), "")
        .await;
    assert_eq!(a.json()["status"], "checked_out");
}

#[tokio::test]
async fn an_estimate_over_the_limit_shows_in_dollars() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let pat = VendorId("pat-plumbing".into());
    t.app
        .execute(
            &id,
            Command::Assign {
                vendor: pat.clone(),
                by: Actor::Pm("PM".into()),
            },
            Exec::default(),
        )
        .await
        .unwrap();
    t.app
        .execute(
            &id,
            Command::Estimate {
                vendor: pat,
                amount: Money(90_050),
                note: None,
            },
            Exec::default(),
        )
        .await
        .unwrap();
    let after = t.get(&format!("/api/work-orders/{}", id.0)).await.json();
    assert_eq!(after["status"], "awaiting_approval");
    assert_eq!(after["estimate"]["amount"], 900.5);
    assert_eq!(after["estimate"]["limit"], 500);
}
