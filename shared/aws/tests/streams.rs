//! `outbox_records` on a DynamoDB Streams event written by hand in the documented Lambda event
//! shape (typed attribute values, INSERT/MODIFY/REMOVE records, items of every kind), and on
//! the items the store really writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use mendwork_app::ports::OutboxRecord;
use mendwork_aws::{outbox_records, streamed_outbox_records};
use mendwork_domain::{Command, Effect, Phone, Recipient, SmsMessage, WorkOrderId};
use serde_json::json;

fn fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/outbox_stream_event.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn only_inserted_outbox_items_become_records_in_stream_order() {
    let wo = WorkOrderId("wo-abcdefghij".into());
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
    let expected = vec![
        OutboxRecord {
            id: "wo-abcdefghij/1/0".into(),
            work_order: Some(wo.clone()),
            effect: Effect::Sms(SmsMessage {
                to: Phone::parse("+17185550199").unwrap(),
                recipient: Recipient::Tenant,
                body: "We got your request KP27.".into(),
                key: "tenant.confirmation.sms".into(),
            }),
            created_at: at,
        },
        OutboxRecord {
            id: "wo-abcdefghij/1/1".into(),
            work_order: Some(wo),
            effect: Effect::Run {
                command: Command::Triage,
            },
            created_at: at,
        },
    ];
    assert_eq!(outbox_records(&fixture()).unwrap(), expected);
    let streamed = streamed_outbox_records(&fixture()).unwrap();
    let seqs: Vec<&str> = streamed
        .iter()
        .map(|r| r.sequence_number.as_str())
        .collect();
    assert_eq!(
        seqs,
        ["111100000000000000000002", "111100000000000000000003"]
    );
}

#[test]
fn an_event_without_records_or_with_a_broken_outbox_item_is_an_error() {
    assert!(outbox_records(&json!({})).is_err());
    assert_eq!(outbox_records(&json!({"Records": []})).unwrap(), vec![]);
    let broken = json!({"Records": [{
        "eventName": "INSERT",
        "dynamodb": {"NewImage": {
            "pk": {"S": "OUTBOX#x/1/0"}, "sk": {"S": "OUTBOX"}, "kind": {"S": "sms"},
            "record": {"S": "{\"id\": 3}"}
        }}
    }]});
    let err = outbox_records(&broken).unwrap_err().to_string();
    assert!(err.contains("stream record 0"), "{err}");
}

mod support;

/// An item as DynamoDB Streams renders it in a Lambda event.
fn stream_image(
    item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> serde_json::Value {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let value = |v: &A| match v {
        A::S(s) => json!({ "S": s }),
        A::N(n) => json!({ "N": n }),
        A::Bool(b) => json!({ "BOOL": b }),
        A::Ss(ss) => json!({ "SS": ss }),
        A::Null(_) => json!({ "NULL": true }),
        other => panic!("unexpected attribute {other:?}"),
    };
    serde_json::Value::Object(item.iter().map(|(k, v)| (k.clone(), value(v))).collect())
}

#[tokio::test]
async fn the_outbox_items_the_store_writes_parse_back_from_their_stream_image() {
    use mendwork_app::ports::{Commit, WorkOrders};
    use mendwork_domain::decide::{Recorded, start};
    use mendwork_domain::{Contact, Event, JobCode, NewWorkOrder, PropertyId, Source};

    let Some(server) = support::MotoServer::shared("the_outbox_items_the_store_writes_parse_back")
    else {
        return;
    };
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let store = mendwork_aws::DynamoStore::new(client.clone(), table.clone());
    let id = WorkOrderId(support::fresh("wo"));
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap();
    let event = Event::Submitted {
        id: id.clone(),
        code: JobCode::from_seed([1, 2, 3, 4]),
        request: NewWorkOrder {
            property: PropertyId("maple-court".into()),
            unit: "4B".into(),
            tenant: Contact {
                name: "Ana".into(),
                email: None,
                phone: None,
            },
            description: "Leak".into(),
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability: vec![],
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        },
    };
    let wo = start(&event, at).unwrap();
    let records = vec![
        OutboxRecord {
            id: format!("{id}/1/0"),
            work_order: Some(id.clone()),
            effect: Effect::Run {
                command: Command::Triage,
            },
            created_at: at,
        },
        OutboxRecord {
            id: format!("{id}/1/1"),
            work_order: Some(id.clone()),
            effect: Effect::CancelTimer {
                name: "wo-x-accept-1".into(),
            },
            created_at: at,
        },
    ];
    store
        .commit(Commit {
            wo,
            expected_version: 0,
            events: vec![Recorded { at, event }],
            outbox: records.clone(),
            idempotency_key: None,
            calendar: Default::default(),
            metrics: vec![],
        })
        .await
        .unwrap();

    let mut stream = vec![];
    for r in &records {
        let got = client
            .get_item()
            .table_name(&table)
            .key(
                "pk",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("OUTBOX#{}", r.id)),
            )
            .key(
                "sk",
                aws_sdk_dynamodb::types::AttributeValue::S("OUTBOX".into()),
            )
            .send()
            .await
            .unwrap();
        let image = stream_image(got.item().unwrap());
        assert_eq!(
            image["kind"]["S"],
            if matches!(r.effect, Effect::Run { .. }) {
                "run"
            } else {
                "cancel_timer"
            }
        );
        stream.push(json!({
            "eventName": "INSERT",
            "dynamodb": { "NewImage": image, "SequenceNumber": "1", "StreamViewType": "NEW_IMAGE" }
        }));
    }
    // The work order's own item, as its INSERT would arrive on the same stream.
    let meta = client
        .get_item()
        .table_name(&table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("WO#{id}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("META".into()),
        )
        .send()
        .await
        .unwrap();
    let meta_image = stream_image(meta.item().unwrap());
    assert!(
        meta_image.get("kind").is_none(),
        "only outbox items have a kind"
    );
    stream.push(json!({"eventName": "INSERT", "dynamodb": {"NewImage": meta_image}}));
    assert_eq!(
        outbox_records(&json!({ "Records": stream })).unwrap(),
        records
    );
}
