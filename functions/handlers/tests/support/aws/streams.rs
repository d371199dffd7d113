//! The table's stream, played: new outbox items read back from moto, wrapped as `INSERT`
//! records and routed to dispatch and outbox by the template's own filter patterns.

use super::{ACCOUNT, REGION, TABLE, World};
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use lambda_runtime::LambdaEvent;
use mendwork_app::ports::{Clock, SystemClock};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::Ordering;

impl World {
    /// Plays the table's stream: every outbox item written since the last call becomes an
    /// `INSERT` record with its `NewImage`, each consumer gets the records its template filter
    /// passes, in order; repeated until no new outbox item appears. Returns how many records
    /// each consumer (dispatch, outbox) was given.
    pub async fn pump(&self) -> (usize, usize) {
        let mut totals = (0, 0);
        if self.by_hand.load(Ordering::SeqCst) {
            return totals;
        }
        for _ in 0..200 {
            let fresh = self.new_outbox_items().await;
            if fresh.is_empty() {
                return totals;
            }
            let records: Vec<Value> = fresh.iter().map(|item| self.stream_record(item)).collect();
            let dispatch: Vec<Value> = records
                .iter()
                .filter(|r| self.passes("DispatchFunction", r))
                .cloned()
                .collect();
            let outbox: Vec<Value> = records
                .iter()
                .filter(|r| self.passes("OutboxFunction", r))
                .cloned()
                .collect();
            assert_eq!(
                dispatch.len() + outbox.len(),
                records.len(),
                "every outbox item reaches exactly one consumer"
            );
            for (name, batch) in [("outbox", outbox), ("dispatch", dispatch)] {
                if batch.is_empty() {
                    continue;
                }
                let n = batch.len();
                let event = json!({ "Records": batch });
                let _typed: StreamEvent =
                    serde_json::from_value(event.clone()).unwrap_or_else(|e| {
                        panic!("not a Streams event aws_lambda_events accepts: {e}")
                    });
                let times = if self.redeliver.load(Ordering::SeqCst) {
                    2
                } else {
                    1
                };
                for _ in 0..times {
                    let lambda = LambdaEvent::new(event.clone(), self.context());
                    self.proxy.running(Some(name));
                    let answer = match name {
                        "dispatch" => mendwork_handlers::dispatch(&self.app, lambda).await,
                        _ => mendwork_handlers::outbox(&self.app, lambda).await,
                    }
                    .unwrap_or_else(|d| {
                        panic!("{name} failed: {} {}", d.error_type, d.error_message)
                    });
                    self.proxy.running(None);
                    self.check_granted();
                    assert!(
                        answer.batch_item_failures.is_empty(),
                        "{name} reported failures: {answer:?}"
                    );
                }
                if name == "dispatch" {
                    totals.0 += n;
                } else {
                    totals.1 += n;
                }
            }
        }
        panic!("the outbox never settled");
    }

    pub async fn new_outbox_items(&self) -> Vec<HashMap<String, AttributeValue>> {
        let client = aws_sdk_dynamodb::Client::new(&self.sdk);
        let client = &client;
        let mut items = vec![];
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name(TABLE)
                .filter_expression("attribute_exists(#k)")
                .expression_attribute_names("#k", mendwork_aws::schema::KIND)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .unwrap();
            items.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        let mut seen = self.seen.lock().unwrap();
        let key = |i: &HashMap<String, AttributeValue>| match i.get("pk") {
            Some(AttributeValue::S(s)) => s.clone(),
            _ => String::new(),
        };
        let order = |i: &HashMap<String, AttributeValue>| match i.get("gsi1sk") {
            Some(AttributeValue::S(s)) => s.clone(),
            _ => String::new(),
        };
        let mut fresh: Vec<_> = items
            .into_iter()
            .filter(|i| !seen.contains(&key(i)))
            .collect();
        fresh.sort_by_key(|i| (order(i), key(i)));
        for i in &fresh {
            seen.insert(key(i));
        }
        fresh
    }

    pub fn stream_record(&self, item: &HashMap<String, AttributeValue>) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let image: serde_json::Map<String, Value> =
            item.iter().map(|(k, v)| (k.clone(), ddb_json(v))).collect();
        let keys = json!({"pk": image["pk"], "sk": image["sk"]});
        let size = serde_json::to_string(&image).map(|s| s.len()).unwrap_or(0);
        json!({
            "eventID": format!("{n:032x}"),
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "dynamodb": {
                "ApproximateCreationDateTime": SystemClock.now().timestamp(),
                "Keys": keys,
                "NewImage": image,
                "SequenceNumber": format!("{:021}", 100_000_000_000_000_000u64 + n),
                "SizeBytes": size,
                "StreamViewType": "NEW_IMAGE"
            },
            "eventSourceARN": format!(
                "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}/stream/2026-03-01T00:00:00.000"
            ),
        })
    }

    /// Whether a stream record passes a function's event source filter, as written in
    /// template.yaml.
    pub fn passes(&self, function: &str, record: &Value) -> bool {
        let f = self.template.resource(function);
        let event = f["Properties"]["Events"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        event["Properties"]["FilterCriteria"]["Filters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|filter| {
                let pattern: Value =
                    serde_json::from_str(filter["Pattern"].as_str().unwrap()).unwrap();
                matches_pattern(&pattern, record)
            })
    }
}

/// A DynamoDB attribute value in the Streams JSON shape.
pub fn ddb_json(v: &AttributeValue) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    match v {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::Ss(l) => json!({ "SS": l }),
        AttributeValue::Ns(l) => json!({ "NS": l }),
        AttributeValue::Bs(l) => {
            json!({ "BS": l.iter().map(|b| b64(b.as_ref())).collect::<Vec<_>>() })
        }
        AttributeValue::L(l) => json!({ "L": l.iter().map(ddb_json).collect::<Vec<_>>() }),
        AttributeValue::M(m) => {
            let inner: serde_json::Map<String, Value> =
                m.iter().map(|(k, v)| (k.clone(), ddb_json(v))).collect();
            json!({ "M": inner })
        }
        other => panic!("unexpected attribute value {other:?}"),
    }
}

/// Lambda event filtering, for the rules the template uses: exact strings and `anything-but`.
pub fn matches_pattern(pattern: &Value, event: &Value) -> bool {
    let Some(fields) = pattern.as_object() else {
        return false;
    };
    fields.iter().all(|(k, rule)| {
        let value = event.get(k);
        match rule {
            Value::Object(_) => value.is_some_and(|v| matches_pattern(rule, v)),
            Value::Array(options) => options.iter().any(|o| match o {
                Value::String(s) => value.and_then(Value::as_str) == Some(s.as_str()),
                Value::Object(m) => match m.get("anything-but") {
                    Some(Value::Array(not)) => value
                        .and_then(Value::as_str)
                        .is_some_and(|v| !not.iter().any(|n| n.as_str() == Some(v))),
                    _ => panic!("unsupported filter rule {o}"),
                },
                _ => panic!("unsupported filter rule {o}"),
            }),
            _ => panic!("unsupported filter rule {rule}"),
        }
    })
}
