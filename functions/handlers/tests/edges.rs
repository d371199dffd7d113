//! The handlers' own behaviour at the edge, on the embedded adapters (no AWS needed): partial
//! batch failures by sequence number, events that are not what a function expects, stale
//! timers, and HTTP functions that leave delivery to the stream.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambda_runtime::{Context, LambdaEvent};
use mendwork_app::ports::{Outbox, OutboxRecord};
use mendwork_domain::{Effect, Phone, Recipient, SmsMessage};
use mendwork_embedded::{SentFilter, SqliteStore};
use serde_json::{Value, json};
use support::local::{local, start};
use tower::ServiceExt;

fn event<T>(payload: T) -> LambdaEvent<T> {
    LambdaEvent::new(payload, Context::default())
}

/// An outbox item's stream record, as DynamoDB Streams delivers it.
fn stream_record(sequence: &str, record: &OutboxRecord) -> Value {
    json!({
        "eventID": format!("e{sequence}"),
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": {"pk": {"S": format!("OUTBOX#{}", record.id)}, "sk": {"S": "OUTBOX"}},
            "NewImage": {
                "pk": {"S": format!("OUTBOX#{}", record.id)},
                "sk": {"S": "OUTBOX"},
                "kind": {"S": "sms"},
                "record": {"S": serde_json::to_string(record).unwrap()},
            },
            "SequenceNumber": sequence,
            "SizeBytes": 200,
            "StreamViewType": "NEW_IMAGE"
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-03-01T00:00:00.000"
    })
}

fn sms_record(id: &str, body: &str) -> OutboxRecord {
    OutboxRecord {
        id: id.into(),
        work_order: None,
        effect: Effect::Sms(SmsMessage {
            to: Phone::parse("+17185550110").unwrap(),
            recipient: Recipient::Other,
            body: body.into(),
            key: "sms.reply".into(),
        }),
        created_at: start(),
    }
}

/// The same record with its `record` attribute broken.
fn broken(sequence: &str) -> Value {
    let mut r = stream_record(sequence, &sms_record("x/1/0", "never"));
    r["dynamodb"]["NewImage"]["record"] = json!({"S": "{not json"});
    r
}

fn texts(store: &SqliteStore) -> Vec<String> {
    store
        .sent(SentFilter::default())
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn a_bad_stream_record_is_reported_by_its_sequence_number_and_later_ones_wait() {
    let (app, store) = local();
    let batch = json!({"Records": [
        stream_record("100", &sms_record("a/1/0", "first")),
        broken("200"),
        stream_record("300", &sms_record("c/1/0", "third")),
    ]});
    let answer = mendwork_handlers::outbox(&app, event(batch)).await.unwrap();
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"batchItemFailures": [{"itemIdentifier": "200"}]})
    );
    assert_eq!(
        texts(&store),
        vec!["first"],
        "the record after the failure waits for the retry"
    );
}

#[tokio::test]
async fn a_stream_batch_delivered_twice_sends_each_message_once() {
    let (app, store) = local();
    let batch = json!({"Records": [stream_record("100", &sms_record("a/1/0", "hello"))]});
    for _ in 0..2 {
        let answer = mendwork_handlers::outbox(&app, event(batch.clone()))
            .await
            .unwrap();
        assert!(answer.batch_item_failures.is_empty());
    }
    assert_eq!(texts(&store), vec!["hello"]);
}

#[tokio::test]
async fn each_stream_consumer_carries_out_only_its_own_kind_of_record() {
    let (app, store) = local();
    let batch = json!({"Records": [stream_record("100", &sms_record("a/1/0", "hello"))]});
    let answer = mendwork_handlers::dispatch(&app, event(batch))
        .await
        .unwrap();
    assert!(answer.batch_item_failures.is_empty());
    assert!(texts(&store).is_empty(), "dispatch sends nothing");
}

#[tokio::test]
async fn an_event_that_is_not_a_streams_event_is_a_clear_error() {
    let (app, _) = local();
    let d = mendwork_handlers::outbox(&app, event(json!({"hello": 1})))
        .await
        .unwrap_err();
    assert_eq!(d.error_type, "Mendwork.BadEvent");
    assert!(d.error_message.contains("Records"), "{}", d.error_message);
}

#[tokio::test]
async fn an_sns_message_that_is_not_an_inbound_sms_is_a_clear_error() {
    let (app, _) = local();
    let sns: aws_lambda_events::event::sns::SnsEvent = serde_json::from_value(json!({"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:t:1",
        "Sns": {
            "Type": "Notification", "MessageId": "m-1",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Subject": null,
            "Message": "{\"hello\": \"world\"}", "Timestamp": "2026-03-04T15:00:00.000Z",
            "SignatureVersion": "1", "Signature": "x", "SigningCertUrl": "https://x",
            "UnsubscribeUrl": "https://x", "MessageAttributes": {}
        }
    }]}))
    .unwrap();
    let d = mendwork_handlers::sms_inbound(&app, event(sns))
        .await
        .unwrap_err();
    assert_eq!(d.error_type, "Mendwork.BadEvent");
    assert!(d.error_message.contains("m-1"), "{}", d.error_message);
}

#[tokio::test]
async fn a_schedule_input_that_is_not_a_timer_is_a_clear_error_and_a_stale_timer_does_nothing() {
    let (app, _) = local();
    let d = mendwork_handlers::timer(&app, event(json!({"what": "ever"})))
        .await
        .unwrap_err();
    assert_eq!(d.error_type, "Mendwork.BadEvent");

    // A timer of a work order that does not exist (or no longer has that generation).
    let stale = json!({
        "name": "wo-gone-accept-1",
        "at": "2026-03-04T17:00:00Z",
        "target": {"type": "work_order", "work_order": "wo-gone", "kind": "accept_timeout", "generation": 1},
        "zone": "America/New_York"
    });
    let fired = mendwork_handlers::timer(&app, event(stale)).await.unwrap();
    assert_eq!(fired.events, 0);
    assert_eq!(fired.timer.as_deref(), Some("wo-gone-accept-1"));
}

#[tokio::test]
async fn the_http_functions_commit_but_leave_delivery_to_the_stream() {
    let (app, store) = local();
    // The deployed router wants a team session for the API; the delivery question is the
    // same on the open (local-mode) router over the stream-delivered application.
    let router = mendwork_web::router(mendwork_handlers::http::stream_delivered(app.clone()));
    let body = json!({
        "property": "maple-court", "unit": "4B",
        "tenant": {"name": "Alex Rivera", "email": "alex.rivera@example.org", "phone": "+13475550191"},
        "description": "Kitchen sink leaks", "category": "plumbing",
        "availability": [{"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"}]
    });
    let request = axum::http::Request::post("/api/work-orders")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 201);
    assert!(
        texts(&store).is_empty(),
        "nothing sent by the HTTP function"
    );
    let pending = store.pending_outbox(100).await.unwrap();
    assert!(
        pending
            .iter()
            .any(|r| matches!(r.effect, Effect::Run { .. })),
        "the follow-up waits for the dispatch function: {pending:?}"
    );
}

#[tokio::test]
async fn the_deployed_router_asks_for_a_team_session_on_the_api_and_the_team_pages() {
    let (app, _) = local();
    let router = mendwork_handlers::http::router(app);
    let get = |path: &str| {
        axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let api = router
        .clone()
        .oneshot(get("/api/work-orders"))
        .await
        .unwrap();
    assert_eq!(api.status(), 401);
    let pm = router.clone().oneshot(get("/pm")).await.unwrap();
    assert_eq!(pm.status(), 303);
    assert_eq!(pm.headers()["location"], "/login");
    let form = router.oneshot(get("/report/maple-court")).await.unwrap();
    assert_eq!(form.status(), 200, "the tenant form is public");
}
