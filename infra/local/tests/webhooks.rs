//! Webhooks end to end on the local runner: a receiver started here, on loopback, gets the
//! events of a real work order, each signed per Standard Webhooks (checked with the
//! specification's own Rust library, under either secret of a rotation), the same
//! `webhook-id` again after it answered 500, and none with a phone number or an email address;
//! an endpoint that never answers 2xx ends `failed` once the schedule is spent, on the virtual
//! clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Utc};
use mendwork_app::deliveries::{DeliveryState, Secrets, WebhookDelivery};
use mendwork_app::webhooks::WebhookSecret;
use mendwork_domain::delivery::MAX_ATTEMPTS;
use mendwork_local::{Options, Running, SAMPLE_PORTFOLIO, start};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TENANT_PHONE: &str = "+17185550199";
const TENANT_EMAIL: &str = "ana.ruiz@example.com";
const PAT: &str = "+17185550110";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    headers: HeaderMap,
    body: String,
    answered: u16,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// Answers to give first, in order; 204 after.
    script: Arc<Mutex<VecDeque<u16>>>,
}

async fn receive(
    State(r): State<Receiver>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let answered = if path == "down" {
        500
    } else {
        r.script.lock().unwrap().pop_front().unwrap_or(204)
    };
    r.got.lock().unwrap().push(Got {
        path,
        headers,
        body,
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let r = Receiver::default();
        let app = Router::new()
            .route("/{path}", post(receive))
            .with_state(r.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (r, format!("http://{addr}"))
    }

    fn got(&self, path: &str) -> Vec<Got> {
        let all = self.got.lock().unwrap().clone();
        all.into_iter().filter(|g| g.path == path).collect()
    }

    /// Waits (real time, for the runner's loop) until `enough` holds of what `path` got.
    async fn wait_for(&self, path: &str, what: &str, enough: impl Fn(&[Got]) -> bool) -> Vec<Got> {
        for _ in 0..200 {
            let got = self.got(path);
            if enough(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the receiver never got {what}: {:#?}", self.got(path));
    }
}

fn header<'h>(g: &'h Got, name: &str) -> &'h str {
    g.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn body(g: &Got) -> Value {
    serde_json::from_str(&g.body).unwrap()
}

struct Local {
    running: Running,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Local {
    async fn start(webhooks_yaml: &str, secrets: BTreeMap<String, Vec<WebhookSecret>>) -> Local {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("portfolio.yaml");
        std::fs::write(&config, format!("{SAMPLE_PORTFOLIO}\n{webhooks_yaml}")).unwrap();
        let running = start(Options {
            config: Some(config),
            clock_start: Some(
                DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
                    .unwrap()
                    .with_timezone(&Utc),
            ),
            webhook_secrets: Secrets::new(secrets),
            ..Options::new(dir.path().join("mendwork.db"))
        })
        .await
        .unwrap();
        Local {
            running,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.running.base_url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "POST {path}: {}", r.status());
        r.json().await.unwrap_or(Value::Null)
    }

    async fn create_work_order(&self) -> String {
        let created = self
            .post(
                "/api/work-orders",
                json!({
                    "property": "maple-court",
                    "unit": "4B",
                    "tenant": {"name": "Ana Ruiz", "email": TENANT_EMAIL, "phone": TENANT_PHONE},
                    "description": "Kitchen sink leaking under the cabinet",
                    "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T16:00:00Z"}]
                }),
            )
            .await;
        created["id"].as_str().unwrap().to_string()
    }

    async fn advance(&self, seconds: i64) {
        self.post("/dev/clock", json!({ "advance_seconds": seconds }))
            .await;
    }

    async fn sms(&self, from: &str, text: &str, n: u32) {
        self.post(
            "/dev/sms",
            json!({"originationNumber": from, "destinationNumber": "+18005550100",
                   "messageBody": text, "inboundMessageId": format!("webhook-test-{n}")}),
        )
        .await;
    }

    async fn log(&self, endpoint: &str) -> Vec<WebhookDelivery> {
        self.running
            .app
            .webhooks
            .deliveries
            .log(endpoint, 100)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_work_orders_events_reach_the_receiver_signed_under_either_secret_and_a_retry_keeps_its_id()
 {
    // Given a receiver that answers 500 to its first request, and an endpoint in the middle
    // of a rotation (two secrets)
    let (receiver, url) = Receiver::start().await;
    receiver.script.lock().unwrap().push_back(500);
    let (new, old) = (WebhookSecret::generate(), WebhookSecret::generate());
    let local = Local::start(
        &format!("webhooks:\n  - name: pms\n    url: {url}/hook\n"),
        BTreeMap::from([("pms".to_string(), vec![new.clone(), old.clone()])]),
    )
    .await;

    // When a tenant reports a leak and the first vendor offered takes the job by SMS
    let id = local.create_work_order().await;
    let first = receiver
        .wait_for("hook", "the first event", |g| !g.is_empty())
        .await;
    assert_eq!(first[0].answered, 500);
    let refused_id = header(&first[0], "webhook-id").to_string();
    local.advance(10).await;
    receiver
        .wait_for("hook", "the refused event again", |g| {
            g.iter()
                .filter(|x| header(x, "webhook-id") == refused_id)
                .count()
                == 2
        })
        .await;
    local.sms(PAT, "yes", 1).await;
    let got = receiver
        .wait_for("hook", "work_order.accepted", |g| {
            g.iter().any(|x| body(x)["type"] == "work_order.accepted")
        })
        .await;

    // Then the event refused with 500 came again, under the same id, and was delivered
    let again: Vec<_> = got
        .iter()
        .filter(|g| header(g, "webhook-id") == refused_id)
        .collect();
    assert_eq!(again.len(), 2, "{again:#?}");
    assert_eq!(again[1].answered, 204);
    assert_eq!(
        again[0].body, again[1].body,
        "every attempt sends the same bytes"
    );
    assert_eq!(body(again[0])["id"], refused_id.as_str());
    // And the work order's story arrived in order, each event once delivered
    let delivered: Vec<Value> = got.iter().filter(|g| g.answered == 204).map(body).collect();
    let types: Vec<&str> = delivered
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    for expected in [
        "work_order.created",
        "work_order.triaged",
        "work_order.offered",
        "message.sent",
        "message.received",
        "work_order.accepted",
    ] {
        assert!(
            types.contains(&expected),
            "{expected} missing from {types:?}"
        );
    }
    let mut ids: Vec<&str> = delivered
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "no event was delivered twice");
    assert!(
        delivered
            .iter()
            .all(|b| b["work_order"]["id"] == id.as_str())
    );
    assert!(delivered.iter().all(|b| b["version"] == 1));

    // And every request verifies under either secret, as Standard Webhooks' library checks it
    for g in &got {
        assert_eq!(header(g, "content-type"), "application/json");
        for secret in [&new, &old] {
            standardwebhooks::Webhook::new(&secret.reveal())
                .unwrap()
                .verify(g.body.as_bytes(), &g.headers)
                .unwrap_or_else(|e| panic!("{e:?}: {g:#?}"));
        }
        let other = WebhookSecret::generate();
        assert!(
            standardwebhooks::Webhook::new(&other.reveal())
                .unwrap()
                .verify(g.body.as_bytes(), &g.headers)
                .is_err(),
            "a secret the endpoint does not have verifies nothing"
        );
    }
    // (That each attempt is signed afresh, at its own time, is checked in the app's tests on a
    // clock they move: here both attempts may fall in the same wall-clock second.)

    // And no event carries a phone number or an email address
    let pat_digits = PAT.trim_start_matches('+');
    for g in &got {
        for leak in [
            TENANT_PHONE,
            &TENANT_PHONE[2..],
            TENANT_EMAIL,
            pat_digits,
            "@example.com",
        ] {
            assert!(!g.body.contains(leak), "{leak} in {}", g.body);
        }
    }

    // And the delivery log shows them delivered, the retried one after two attempts
    let log = local.log("pms").await;
    assert_eq!(log.len(), got.iter().filter(|g| g.answered == 204).count());
    assert!(log.iter().all(|d| d.state == DeliveryState::Delivered));
    let retried = log.iter().find(|d| d.event_id == refused_id).unwrap();
    assert_eq!(retried.attempts, 2);
    local.running.shutdown().await;
}

#[tokio::test]
async fn an_endpoint_that_always_fails_is_marked_failed_when_the_schedule_is_spent() {
    // Given an endpoint that answers 500 to everything, wanting work orders created only
    let (receiver, url) = Receiver::start().await;
    let local = Local::start(
        &format!(
            "webhooks:\n  - name: down\n    url: {url}/down\n    events: [work_order.created]\n"
        ),
        BTreeMap::from([("down".to_string(), vec![WebhookSecret::generate()])]),
    )
    .await;

    // When a work order is created and virtual time passes, half a day at a time
    local.create_work_order().await;
    receiver
        .wait_for("down", "the first attempt", |g| g.len() == 1)
        .await;
    let mut advanced = 0;
    loop {
        let log = local.log("down").await;
        assert_eq!(log.len(), 1, "one delivery, retried: {log:#?}");
        if log[0].state != DeliveryState::Pending {
            break;
        }
        assert!(
            advanced < 20,
            "still pending after {advanced} half days: {log:#?}"
        );
        let attempts = log[0].attempts as usize;
        local.advance(12 * 3600).await;
        advanced += 1;
        // The loop attempts it once the clock passes its next attempt (or still waits).
        let next = log[0].next_at.unwrap();
        if next <= local.running.app.now() {
            receiver
                .wait_for("down", "the next attempt", |g| g.len() > attempts)
                .await;
            for _ in 0..100 {
                if local.log("down").await[0].attempts as usize > attempts {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    // Then it was tried as often as the schedule says, with the same id, and is failed
    let log = local.log("down").await;
    assert_eq!(log[0].state, DeliveryState::Failed);
    assert_eq!(log[0].attempts, MAX_ATTEMPTS);
    assert_eq!(log[0].last_status, Some(500));
    assert_eq!(log[0].next_at, None);
    let got = receiver.got("down");
    assert_eq!(got.len(), MAX_ATTEMPTS as usize);
    assert!(
        got.iter()
            .all(|g| header(g, "webhook-id") == log[0].event_id)
    );
    let span = log[0].last_attempt_at.unwrap() - log[0].created_at;
    assert!(span > chrono::Duration::hours(24), "{span}");
    // And nothing more is sent however much later it is
    local.advance(48 * 3600).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(receiver.got("down").len(), MAX_ATTEMPTS as usize);
    local.running.shutdown().await;
}
