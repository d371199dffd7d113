//! Webhooks on the Lambda handlers against moto, each call checked against template.yaml's
//! grants as it goes: the outbox function stores a work order's deliveries, the sweeper sends
//! the due ones to a receiver on loopback — signed, verified by the `standardwebhooks` crate —
//! and sends again, under the same `webhook-id`, the one it answered 500; the PM function shows
//! the delivery log and sends a test event.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use mendwork_app::deliveries::{DeliveryState, Secrets};
use mendwork_app::webhooks::WebhookSecret;
use mendwork_app::webhooks_http::ReqwestSender;
use mendwork_domain::endpoints::Endpoint;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use support::aws::{World, utc};

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String, u16)>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let answer = r.script.lock().unwrap().pop_front().unwrap_or(204);
    r.got.lock().unwrap().push((headers, body, answer));
    StatusCode::from_u16(answer).unwrap()
}

async fn receiver() -> (Receiver, String) {
    let r = Receiver::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, format!("http://{addr}/hook"))
}

fn id_of(h: &HeaderMap) -> String {
    h.get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_sweeper_delivers_a_work_orders_events_signed_and_retries_with_the_same_id() {
    // Given a deployment whose portfolio has an endpoint, and its receiver answering 500 first
    let (r, url) = receiver().await;
    r.script.lock().unwrap().push_back(500);
    let start = utc("2026-03-04T15:00:00Z");
    let Some(mut w) = World::start_with("webhooks", start, |p| {
        p.webhooks = vec![Endpoint {
            name: "pms".into(),
            url: url.clone(),
            events: vec![],
        }];
    })
    .await
    else {
        return;
    };
    // (its secret, as the stack's webhook secret holds it, and a sender that may reach a
    // receiver on loopback, which the deployed one refuses)
    let secret = WebhookSecret::generate();
    w.app.webhooks.secrets = Arc::new(Secrets::new(BTreeMap::from([(
        "pms".to_string(),
        vec![secret.clone()],
    )])));
    w.app.webhooks.sender = Arc::new(ReqwestSender::new(false).unwrap());
    w.router = mendwork_handlers::http::router_with_files(w.app.clone(), None);
    w.sign_in("maintenance@example.com").await;

    // When the team creates a work order (the outbox function stores its deliveries)
    let created = w
        .post_json(
            "/api/work-orders",
            &json!({
                "property": "maple-court", "unit": "4B",
                "tenant": {"name": "Alex Rivera", "email": "alex.rivera@example.org",
                           "phone": "+13475550191"},
                "description": "Kitchen sink leaking", "category": "plumbing",
                "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"}]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert!(
        r.got.lock().unwrap().is_empty(),
        "the outbox function leaves the sending to the sweeper"
    );
    // And the sweeper runs, then again after the first retry's wait
    w.sweep().await;
    let first = r.got.lock().unwrap().clone();
    assert!(!first.is_empty());
    let refused = first.iter().find(|(_, _, a)| *a == 500).unwrap().clone();
    w.clock.set(w.now() + chrono::Duration::seconds(10));
    w.sweep().await;

    // Then every event arrived, each verified, and the refused one came again with its id
    let got = r.got.lock().unwrap().clone();
    let again: Vec<_> = got
        .iter()
        .filter(|(h, _, _)| id_of(h) == id_of(&refused.0))
        .collect();
    assert_eq!(again.len(), 2);
    assert_eq!(again[1].2, 204);
    assert_eq!(again[0].1, again[1].1);
    let verifier = standardwebhooks::Webhook::new(&secret.reveal()).unwrap();
    for (headers, body, _) in &got {
        verifier
            .verify(body.as_bytes(), headers)
            .unwrap_or_else(|e| panic!("{e:?}: {body}"));
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["work_order"]["id"], id.as_str());
        assert!(!body.contains("3475550191") && !body.contains("alex.rivera"));
    }
    let types: Vec<String> = got
        .iter()
        .map(|(_, b, _)| serde_json::from_str::<Value>(b).unwrap()["type"].to_string())
        .collect();
    assert!(
        types.iter().any(|t| t == "\"work_order.created\""),
        "{types:?}"
    );
    assert!(
        types.iter().any(|t| t == "\"work_order.offered\""),
        "{types:?}"
    );
    let log = w.app.webhooks.deliveries.log("pms", 100).await.unwrap();
    assert!(
        log.iter().all(|d| d.state == DeliveryState::Delivered),
        "{log:?}"
    );

    // And the PM function shows the log and sends a test event
    let page = w.get("/pm/webhooks/pms").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("work_order.created"));
    let sent = w.post_form("/pm/webhooks/pms/test", &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some("/pm/webhooks/pms?sent=delivered")
    );
    let last = r.got.lock().unwrap().last().cloned().unwrap();
    assert!(last.1.contains("\"mendwork.test\""));
    verifier.verify(last.1.as_bytes(), &last.0).unwrap();
}
