//! The `Deliveries` contract, run on every adapter (SQLite here, DynamoDB on moto): a delivery
//! is stored once per endpoint and event, the due query reads pending deliveries that are due
//! and nothing else, an attempt is recorded once over the attempts it read, and an endpoint's
//! log is newest first and limited.

use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::deliveries::{Deliveries, DeliveryState, WebhookDelivery};
use mendwork_domain::outbound::Published;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap()
}

fn event(id: &str) -> Published {
    Published {
        id: id.into(),
        kind: "work_order.created".into(),
        body: format!(r#"{{"id":"{id}","type":"work_order.created"}}"#),
    }
}

fn delivery(
    endpoint: &str,
    id: &str,
    created: DateTime<Utc>,
    due: DateTime<Utc>,
) -> WebhookDelivery {
    WebhookDelivery::new(endpoint, &event(id), created, due)
}

fn ids(list: &[WebhookDelivery]) -> Vec<&str> {
    list.iter().map(|d| d.event_id.as_str()).collect()
}

pub async fn a_delivery_is_stored_once_per_endpoint_and_event(s: &dyn Deliveries) {
    let first = delivery("pms-a", "evt_1", at(9, 0), at(9, 0));
    assert!(s.put(&first).await.unwrap(), "a new delivery is stored");
    let mut again = first.clone();
    again.body = r#"{"changed":true}"#.into();
    assert!(
        !s.put(&again).await.unwrap(),
        "the same endpoint and event is not stored twice"
    );
    let log = s.log("pms-a", 10).await.unwrap();
    assert_eq!(log, std::slice::from_ref(&first), "the first body stays");
    assert!(
        s.put(&delivery("pms-b", "evt_1", at(9, 0), at(9, 0)))
            .await
            .unwrap(),
        "the same event to another endpoint is another delivery"
    );
}

pub async fn only_pending_deliveries_that_are_due_are_read_soonest_first(s: &dyn Deliveries) {
    let later = delivery("due-a", "evt_later", at(9, 0), at(10, 10));
    let soon = delivery("due-a", "evt_soon", at(9, 1), at(10, 1));
    let sooner = delivery("due-b", "evt_sooner", at(9, 2), at(10, 0));
    for d in [&later, &soon, &sooner] {
        assert!(s.put(d).await.unwrap());
    }
    let mut delivered = delivery("due-b", "evt_done", at(9, 3), at(9, 30));
    s.put(&delivered).await.unwrap();
    delivered.attempts = 1;
    delivered.state = DeliveryState::Delivered;
    delivered.next_at = None;
    delivered.last_status = Some(204);
    assert!(s.record(&delivered, 0).await.unwrap());

    let due = s.due(at(10, 5), 10).await.unwrap();
    assert_eq!(ids(&due), ["evt_sooner", "evt_soon"]);
    assert_eq!(ids(&s.due(at(10, 5), 1).await.unwrap()), ["evt_sooner"]);
    assert!(s.due(at(9, 59), 10).await.unwrap().is_empty());
    assert_eq!(s.due(at(11, 0), 10).await.unwrap().len(), 3);
}

pub async fn an_attempt_is_recorded_once_over_the_attempts_it_read(s: &dyn Deliveries) {
    let d = delivery("rec-a", "evt_r", at(9, 0), at(9, 0));
    s.put(&d).await.unwrap();
    let mut tried = d.clone();
    tried.attempts = 1;
    tried.last_status = Some(500);
    tried.last_attempt_at = Some(at(9, 0));
    tried.next_at = Some(at(9, 0) + Duration::seconds(5));
    assert!(s.record(&tried, 0).await.unwrap());
    assert!(
        !s.record(&tried, 0).await.unwrap(),
        "a second worker's record of the same attempt is refused"
    );
    assert_eq!(s.log("rec-a", 5).await.unwrap(), [tried.clone()]);
    assert_eq!(ids(&s.due(at(9, 1), 10).await.unwrap()), ["evt_r"]);

    let mut failed = tried.clone();
    failed.attempts = 2;
    failed.state = DeliveryState::Failed;
    failed.next_at = None;
    failed.last_status = None;
    failed.last_error = Some("could not connect".into());
    assert!(s.record(&failed, 1).await.unwrap());
    assert!(
        s.due(at(23, 0), 10).await.unwrap().is_empty(),
        "a failed delivery is never due"
    );
    assert_eq!(s.log("rec-a", 5).await.unwrap(), [failed]);
}

pub async fn an_endpoints_log_is_newest_first_and_limited(s: &dyn Deliveries) {
    for (i, m) in [(1, 5), (2, 1), (3, 9), (4, 7)] {
        let d = delivery("log-a", &format!("evt_{i}"), at(8, m), at(8, m));
        s.put(&d).await.unwrap();
    }
    s.put(&delivery("log-b", "evt_other", at(8, 8), at(8, 8)))
        .await
        .unwrap();
    assert_eq!(
        ids(&s.log("log-a", 10).await.unwrap()),
        ["evt_3", "evt_4", "evt_1", "evt_2"]
    );
    assert_eq!(ids(&s.log("log-a", 2).await.unwrap()), ["evt_3", "evt_4"]);
    assert!(s.log("log-none", 10).await.unwrap().is_empty());
}
