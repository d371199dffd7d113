//! The PM pages' webhooks: the endpoints, an endpoint's delivery log (a failed delivery shown
//! as needing attention) and the "send a test event" button — a POST for the signed-in team
//! only, refused cross-site like every other form.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mendwork_app::deliveries::{Secrets, Webhooks};
use mendwork_app::webhooks::WebhookSecret;
use mendwork_app::webhooks_http::FakeSender;
use mendwork_domain::endpoints::Endpoint;
use mendwork_web::WebConfig;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::TestApp;

/// The sample portfolio with an endpoint `pms` that wants everything, on a fake sender that
/// answers `status`.
fn app_with_endpoint(status: u16) -> (TestApp, Arc<FakeSender>) {
    let mut portfolio = support::sample();
    portfolio.webhooks = vec![Endpoint {
        name: "pms".into(),
        url: "https://pms.example/hooks".into(),
        events: vec![],
    }];
    let mut t = support::build(portfolio, "http://localhost:8080", WebConfig::default());
    let sender = Arc::new(FakeSender::new(vec![], status));
    t.app.webhooks = Webhooks::new(
        Arc::new(t.store.clone()),
        sender.clone(),
        Secrets::new(BTreeMap::from([(
            "pms".to_string(),
            vec![WebhookSecret::generate()],
        )])),
    );
    let router = mendwork_web::router_with(t.app.clone(), WebConfig::default());
    (
        TestApp {
            app: t.app,
            store: t.store,
            router,
            cookie: Mutex::new(None),
        },
        sender,
    )
}

#[tokio::test]
async fn the_test_button_sends_a_signed_test_event_and_the_log_shows_it_delivered() {
    // Given the team signed in, with an endpoint that accepts
    let (t, sender) = app_with_endpoint(204);
    t.sign_in().await;
    let page = t.get("/pm/webhooks").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("https://pms.example/hooks"),
        "{}",
        page.body
    );
    // When they press "Send a test event"
    let log = t.get("/pm/webhooks/pms").await;
    assert!(
        log.body.contains("action=\"/pm/webhooks/pms/test\""),
        "{}",
        log.body
    );
    let a = t.post_form("/pm/webhooks/pms/test", &[]).await;
    // Then one signed mendwork.test event went out and the log says delivered
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/pm/webhooks/pms?sent=delivered");
    let sent = sender.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body.contains("\"mendwork.test\""));
    assert!(
        sent[0]
            .header("webhook-signature")
            .unwrap()
            .starts_with("v1,")
    );
    let log = t.get(&a.location()).await;
    assert!(
        log.body.contains("The test event was delivered."),
        "{}",
        log.body
    );
    assert!(log.body.contains("mendwork.test"));
    assert!(log.body.contains("HTTP 204"));
}

#[tokio::test]
async fn a_delivery_the_receiver_refuses_for_good_is_shown_as_needing_attention() {
    // Given an endpoint that answers 410 Gone
    let (t, _) = app_with_endpoint(410);
    t.sign_in().await;
    // When a test event is sent to it
    let a = t.post_form("/pm/webhooks/pms/test", &[]).await;
    assert_eq!(a.location(), "/pm/webhooks/pms?sent=failed");
    // Then its log and the endpoints' list show the failure
    let log = t.get("/pm/webhooks/pms").await;
    assert!(
        log.body.contains("failed — needs attention"),
        "{}",
        log.body
    );
    assert!(log.body.contains("HTTP 410"));
    let index = t.get("/pm/webhooks").await;
    assert!(index.body.contains("1 failed"), "{}", index.body);
}

#[tokio::test]
async fn the_test_button_is_for_the_signed_in_team_and_refuses_a_cross_site_post() {
    let (t, sender) = app_with_endpoint(204);
    // Signed out: no sending
    let a = t.post_form("/pm/webhooks/pms/test", &[]).await;
    assert!(!a.location().contains("sent="), "{}", a.location());
    assert!(sender.sent().is_empty());
    // Signed in but posted from another site: refused
    t.sign_in().await;
    let req = Request::post("/pm/webhooks/pms/test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    let a = t.send(req).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // And an endpoint nobody configured is not found
    let a = t.post_form("/pm/webhooks/nope/test", &[]).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/pm/webhooks/nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(sender.sent().is_empty());
}
