//! Webhook deliveries through the workflow, on the embedded store and a fake sender: what a
//! commit publishes, to which endpoints, signed how, retried when, and given up when.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use mendwork_app::deliveries::{Answer, DeliveryState, Secrets, Webhooks};
use mendwork_app::ports::{Clock, Directory};
use mendwork_app::webhooks::WebhookSecret;
use mendwork_app::webhooks_http::FakeSender;
use mendwork_app::{App, AppError, LinkSigner};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::delivery::BACKOFF;
use mendwork_domain::{Contact, Email, NewWorkOrder, Phone, Portfolio, PropertyId, Source};
use mendwork_embedded::{
    ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore, VirtualClock,
};
use std::collections::BTreeMap;
use std::sync::Arc;

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

struct Harness {
    app: App,
    sender: Arc<FakeSender>,
    clock: VirtualClock,
    secret: WebhookSecret,
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// The sample portfolio with `webhooks` (YAML) added; only the endpoint `pms` has a secret.
fn harness(webhooks: &str, script: Vec<Answer>) -> Harness {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    let portfolio = parse_portfolio(&format!("{yaml}\n{webhooks}"), "p.yaml").unwrap();
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let clock = store.clock();
    clock.set_mode(ClockMode::Frozen(t0())).unwrap();
    let clock_arc: Arc<dyn Clock> = Arc::new(clock.clone());
    let sender = Arc::new(FakeSender::new(script, 204));
    let secret = WebhookSecret::generate();
    let mut webhooks = Webhooks::new(
        store.clone(),
        sender.clone(),
        Secrets::new(BTreeMap::from([("pms".to_string(), vec![secret.clone()])])),
    );
    // Signed on the test's clock, so that moving it shows each attempt's own timestamp.
    webhooks.signing_clock = clock_arc.clone();
    let app = App {
        work_orders: store.clone(),
        lookups: store.clone(),
        outbox: store.clone(),
        keys: store.clone(),
        visits: store.clone(),
        opt_outs: store.clone(),
        queries: store.clone(),
        metrics: store.clone(),
        timers: Arc::new(store.timers()),
        mailer: Arc::new(RecordingMailer::new(&store, clock_arc.clone())),
        texter: Arc::new(RecordingTexter::new(&store, clock_arc.clone())),
        clock: clock_arc.clone(),
        directory: Arc::new(Fixed(Arc::new(portfolio))),
        ids: Arc::new(RandomIds),
        links: Arc::new(LinkSigner::new(&[7u8; 32], "http://test", clock_arc).unwrap()),
        limits: Arc::new(mendwork_app::Unlimited),
        webhooks,
        api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
        archive: None,
    };
    Harness {
        app,
        sender,
        clock,
        secret,
    }
}

fn leak() -> NewWorkOrder {
    NewWorkOrder {
        property: PropertyId("maple-court".into()),
        unit: "4B".into(),
        tenant: Contact {
            name: "Ana Ruiz".into(),
            phone: Some(Phone::parse("+17185550199").unwrap()),
            email: Some(Email::parse("ana@example.com").unwrap()),
        },
        description: "Kitchen sink leaking under the cabinet".into(),
        category: None,
        emergency: false,
        permission_to_enter: true,
        pets: None,
        access_notes: None,
        photos: vec![],
        availability: vec![],
        source: Source::Pm,
        language: Default::default(),
    }
}

impl Harness {
    async fn submit(&self) {
        self.app.submit(leak(), None).await.unwrap();
        self.app.drain().await.unwrap();
    }

    async fn advance(&self, by: Duration) {
        self.clock.set(self.app.now() + by).unwrap();
        self.app.send_due_webhooks(100).await.unwrap();
    }
}

#[tokio::test]
async fn each_event_goes_once_to_each_endpoint_that_wants_it() {
    // Given one endpoint for everything and one for closed work orders only
    let h = harness(
        "webhooks:\n  - name: pms\n    url: https://pms.example/h\n  - name: closings\n    url: https://books.example/h\n    events: [work_order.closed]\n",
        vec![],
    );
    // When a work order is created (and triaged and offered)
    h.submit().await;
    // Then every event of it reached `pms`, none `closings`
    let sent = h.sender.sent();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|s| s.url == "https://pms.example/h"));
    let log = h.app.webhooks.deliveries.log("pms", 100).await.unwrap();
    assert_eq!(log.len(), sent.len());
    assert!(log.iter().all(|d| d.state == DeliveryState::Delivered));
    assert!(
        h.app
            .webhooks
            .deliveries
            .log("closings", 10)
            .await
            .unwrap()
            .is_empty()
    );
    // And carrying out everything again sends nothing new
    let before = h.sender.sent().len();
    h.app.drain().await.unwrap();
    h.advance(Duration::hours(1)).await;
    let again: Vec<_> = h.sender.sent()[before..]
        .iter()
        .filter(|s| s.url == "https://pms.example/h" && s.body.contains("work_order.created"))
        .cloned()
        .collect();
    assert!(again.is_empty(), "{again:?}");
}

#[tokio::test]
async fn an_endpoint_for_danger_reported_gets_the_tenants_report_signed_and_nothing_else() {
    // Given an endpoint that wants only reports of danger
    let h = harness(
        "webhooks:\n  - name: pms\n    url: https://pms.example/h\n    events: [work_order.danger_reported]\n",
        vec![],
    );
    let wo = h.app.submit(leak(), None).await.unwrap().wo;
    h.app.drain().await.unwrap();
    assert!(
        h.sender.sent().is_empty(),
        "created, triaged, offered: not wanted"
    );
    // When the tenant presses "Report danger now" on the status page
    h.app
        .execute(
            &wo.id,
            mendwork_domain::Command::ReportDanger {
                by: mendwork_domain::Actor::Tenant,
                via: Some(mendwork_domain::danger::Via::Page),
            },
            mendwork_app::Exec::default(),
        )
        .await
        .unwrap();
    h.app.drain().await.unwrap();
    // Then the endpoint gets that one event: which work order, when, how, no emergency
    let sent = h.sender.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["type"], "work_order.danger_reported");
    assert_eq!(body["work_order"]["id"], wo.id.to_string());
    assert_eq!(body["work_order"]["priority"], "urgent");
    assert_eq!(
        body["data"]["at"],
        serde_json::to_value(h.app.now()).unwrap()
    );
    assert_eq!(body["data"]["channel"], "page");
    assert_eq!(body["data"]["emergency"], false);
    assert_eq!(body["data"]["by"]["role"], "tenant");
    assert_eq!(sent[0].header("webhook-id"), body["id"].as_str());
    // Signed like every event: the secret's over its id, timestamp and body
    let at = DateTime::from_timestamp(
        sent[0]
            .header("webhook-timestamp")
            .unwrap()
            .parse()
            .unwrap(),
        0,
    )
    .unwrap();
    let expected = mendwork_app::webhooks::sign(
        sent[0].header("webhook-id").unwrap(),
        at,
        sent[0].body.as_bytes(),
        std::slice::from_ref(&h.secret),
    )
    .unwrap();
    assert_eq!(
        sent[0].header("webhook-signature"),
        Some(expected.signature.as_str())
    );
    let log = h.app.webhooks.deliveries.log("pms", 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, "work_order.danger_reported");
    assert_eq!(log[0].state, DeliveryState::Delivered);
}

#[tokio::test]
async fn a_retry_sends_the_same_id_and_body_with_its_own_timestamp_and_signature() {
    // Given an endpoint that answers 503, then no answer, then 200
    let h = harness(
        "webhooks:\n  - name: pms\n    url: https://pms.example/h\n    events: [work_order.created]\n",
        vec![Ok(503), Err("could not connect".into()), Ok(200)],
    );
    // When a work order is created and time passes by the schedule
    h.submit().await;
    h.advance(BACKOFF[0]).await;
    let log = h.app.webhooks.deliveries.log("pms", 10).await.unwrap();
    assert_eq!(log[0].attempts, 2);
    assert_eq!(log[0].last_status, None);
    assert_eq!(log[0].last_error.as_deref(), Some("could not connect"));
    assert_eq!(log[0].next_at, Some(h.app.now() + BACKOFF[1]));
    h.advance(BACKOFF[1] - Duration::seconds(1)).await;
    assert_eq!(h.sender.sent().len(), 2, "not before it is due");
    h.advance(Duration::seconds(1)).await;

    // Then three attempts went out, the same id and bytes, each signed at its own time
    let sent = h.sender.sent();
    assert_eq!(sent.len(), 3);
    let ids: Vec<_> = sent.iter().map(|s| s.header("webhook-id")).collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    assert!(sent.iter().all(|s| s.body == sent[0].body));
    let stamps: Vec<_> = sent.iter().map(|s| s.header("webhook-timestamp")).collect();
    assert_eq!(stamps[0], Some(t0().timestamp().to_string().as_str()));
    assert_ne!(stamps[0], stamps[1]);
    assert_ne!(stamps[1], stamps[2]);
    let sigs: Vec<_> = sent.iter().map(|s| s.header("webhook-signature")).collect();
    assert_ne!(sigs[0], sigs[1]);
    assert!(
        sent.iter()
            .all(|s| s.header("content-type") == Some("application/json"))
    );
    // And each signature is the secret's over that attempt's id, timestamp and body
    for s in &sent {
        let at =
            DateTime::from_timestamp(s.header("webhook-timestamp").unwrap().parse().unwrap(), 0)
                .unwrap();
        let expected = mendwork_app::webhooks::sign(
            s.header("webhook-id").unwrap(),
            at,
            s.body.as_bytes(),
            std::slice::from_ref(&h.secret),
        )
        .unwrap();
        assert_eq!(
            s.header("webhook-signature"),
            Some(expected.signature.as_str())
        );
    }
    let log = h.app.webhooks.deliveries.log("pms", 10).await.unwrap();
    assert_eq!(log[0].state, DeliveryState::Delivered);
    assert_eq!(log[0].attempts, 3);
    assert_eq!(log[0].next_at, None);
}

#[tokio::test]
async fn a_410_gives_up_at_once_and_an_endpoint_without_a_secret_sends_nothing() {
    // Given an endpoint that says it is gone, and one whose secret was never configured
    let h = harness(
        "webhooks:\n  - name: pms\n    url: https://pms.example/h\n    events: [work_order.created]\n  - name: nosecret\n    url: https://other.example/h\n    events: [work_order.created]\n",
        vec![Ok(410)],
    );
    // When a work order is created
    h.submit().await;
    // Then the first is failed after one attempt
    let gone = h.app.webhooks.deliveries.log("pms", 10).await.unwrap();
    assert_eq!(gone[0].state, DeliveryState::Failed);
    assert_eq!(gone[0].attempts, 1);
    assert_eq!(gone[0].last_status, Some(410));
    // And the second was never sent, says why, and waits for its secret
    let unsigned = h.app.webhooks.deliveries.log("nosecret", 10).await.unwrap();
    assert_eq!(unsigned[0].state, DeliveryState::Pending);
    assert!(
        unsigned[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("secret"),
        "{unsigned:?}"
    );
    assert!(
        h.sender
            .sent()
            .iter()
            .all(|s| s.url == "https://pms.example/h")
    );
}

#[tokio::test]
async fn the_test_event_reaches_a_filtered_endpoint_and_an_unknown_one_is_not_found() {
    // Given an endpoint that wants closed work orders only
    let h = harness(
        "webhooks:\n  - name: pms\n    url: https://pms.example/h\n    events: [work_order.closed]\n",
        vec![],
    );
    // When the team sends it a test event
    let d = h.app.send_test_event("pms").await.unwrap();
    // Then it was delivered, signed, as a mendwork.test event
    assert_eq!(d.state, DeliveryState::Delivered);
    let sent = h.sender.sent();
    assert_eq!(sent.len(), 1);
    let body: serde_json::Value = serde_json::from_str(&sent[0].body).unwrap();
    assert_eq!(body["type"], "mendwork.test");
    assert_eq!(sent[0].header("webhook-id"), body["id"].as_str());
    // And an endpoint nobody configured is not found
    assert!(matches!(
        h.app.send_test_event("nope").await,
        Err(AppError::NotFound(_))
    ));
}
