//! Fault injection on the pipeline, on moto, through the Lambda handlers: the table's stream is
//! played with Lambda's own rules (a batch item failure or a failed or crashed invocation is
//! retried from that record, up to the template's `MaximumRetryAttempts`, then the rest of the
//! batch goes to the dead-letter queue), the sweeper runs as its schedule would, and faults are
//! injected between the functions and moto by the test world's proxy: a crash after a send was
//! claimed, a stream batch that uses up its retries, a schedule that fires twice, SES and SNS
//! throttling, DynamoDB transaction conflicts (injected, and real ones from two handlers at
//! once). Each scenario counts what it cost and asserts that nothing was lost and nobody got a
//! message twice; the whole table is printed (`cargo test --test faults -- --nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use lambda_runtime::LambdaEvent;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_domain::{Event, WorkOrderId};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use support::aws::{World, utc};
use support::proxy::{Fault, FaultKind};

const PM_EMAIL: &str = "maintenance@example.com";

/// What one scenario cost and what came of it.
#[derive(Debug, Default, Clone)]
struct Figures {
    scenario: &'static str,
    /// Sends attempted at SES and SNS (the SDK's retries and refused attempts included).
    tried: usize,
    /// Deliveries of a record or event to a handler beyond its first (stream retries, the
    /// sweeper's re-drives, a schedule firing again).
    duplicated: usize,
    /// Records the stream gave up on (their position to the dead-letter queue).
    dropped: usize,
    /// Messages the workflow sent that nobody received, and outbox records never carried out.
    lost: usize,
    /// Messages someone received more than once.
    visible_duplicates: usize,
}

/// The table's stream as Lambda runs it, for the outbox items written since the last play.
struct Stream<'w> {
    w: &'w World,
    max_retries: usize,
    /// How many times each record was handed to a handler.
    deliveries: BTreeMap<String, usize>,
    /// Records the sweeper carried out again (or tried to).
    redriven: usize,
    /// The messages the workflow decided to send: every email and SMS outbox record, each
    /// once, by (channel, address).
    decided: BTreeMap<(String, String), usize>,
    dropped: usize,
    /// How long an invocation may run before it counts as crashed.
    crash_after: std::time::Duration,
}

impl<'w> Stream<'w> {
    fn new(w: &'w World) -> Stream<'w> {
        let max_retries = w.template.resource("OutboxFunction")["Properties"]["Events"]["Outbox"]
            ["Properties"]["MaximumRetryAttempts"]
            .as_u64()
            .unwrap() as usize;
        Stream {
            w,
            max_retries,
            deliveries: BTreeMap::new(),
            redriven: 0,
            decided: BTreeMap::new(),
            dropped: 0,
            crash_after: std::time::Duration::from_secs(3),
        }
    }

    /// Plays until no new outbox item appears.
    async fn play(&mut self) {
        for _ in 0..100 {
            let fresh = self.w.new_outbox_items().await;
            if fresh.is_empty() {
                return;
            }
            let records: Vec<Value> = fresh.iter().map(|i| self.w.stream_record(i)).collect();
            for r in &records {
                let record: mendwork_app::ports::OutboxRecord = serde_json::from_str(
                    r["dynamodb"]["NewImage"]["record"]["S"].as_str().unwrap(),
                )
                .unwrap();
                let to = match &record.effect {
                    mendwork_domain::Effect::Sms(m) => Some(("sms", m.to.to_string())),
                    mendwork_domain::Effect::Email(m) => Some(("email", m.to.to_string())),
                    _ => None,
                };
                if let Some((channel, to)) = to {
                    *self
                        .decided
                        .entry((channel.to_string(), to.to_lowercase()))
                        .or_default() += 1;
                }
            }
            for (consumer, resource) in [
                ("outbox", "OutboxFunction"),
                ("dispatch", "DispatchFunction"),
            ] {
                let batch: Vec<Value> = records
                    .iter()
                    .filter(|r| self.w.passes(resource, r))
                    .cloned()
                    .collect();
                self.consume(consumer, batch).await;
            }
        }
        panic!("the stream never settled");
    }

    async fn consume(&mut self, consumer: &str, mut batch: Vec<Value>) {
        let mut retries = 0;
        while !batch.is_empty() {
            for r in &batch {
                let pk = r["dynamodb"]["Keys"]["pk"]["S"]
                    .as_str()
                    .unwrap()
                    .to_string();
                *self.deliveries.entry(pk).or_default() += 1;
            }
            let event = LambdaEvent::new(json!({ "Records": batch }), self.w.context());
            self.w.proxy.running(Some(consumer));
            let run = async {
                match consumer {
                    "dispatch" => mendwork_handlers::dispatch(&self.w.app, event).await,
                    _ => mendwork_handlers::outbox(&self.w.app, event).await,
                }
            };
            let answer = tokio::time::timeout(self.crash_after, run).await;
            self.w.proxy.running(None);
            self.w.check_granted();
            let failed_from = match answer {
                // A crash or a failed invocation: Lambda retries the whole batch.
                Err(_) | Ok(Err(_)) => Some(0),
                Ok(Ok(r)) => r.batch_item_failures.first().map(|f| {
                    batch
                        .iter()
                        .position(|x| x["dynamodb"]["SequenceNumber"] == f.item_identifier.as_str())
                        .unwrap()
                }),
            };
            let Some(from) = failed_from else { return };
            batch.drain(..from);
            retries += 1;
            if retries > self.max_retries {
                self.dropped += batch.len();
                return;
            }
        }
    }

    fn duplicated(&self) -> usize {
        self.deliveries.values().map(|n| n - 1).sum::<usize>() + self.redriven
    }

    /// The sweeper's run six minutes (of workflow time) later, then the stream it fed.
    async fn sweep_later(&mut self) -> mendwork_app::sweep::Swept {
        self.w.clock.set(self.w.now() + Duration::minutes(6));
        let swept = self.w.sweep().await;
        self.redriven += swept.redriven + swept.failed + swept.parked;
        self.play().await;
        swept
    }
}

/// The lease of every send claim still held has run out (as two minutes of real time would).
async fn leases_run_out(w: &World) {
    let client = aws_sdk_dynamodb::Client::new(&w.sdk);
    let items = client
        .scan()
        .table_name(support::aws::TABLE)
        .filter_expression("#st = :sending")
        .expression_attribute_names("#st", "state")
        .expression_attribute_values(":sending", AttributeValue::S("sending".into()))
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    let past = SystemClock.now() - Duration::seconds(mendwork_aws::senders::LEASE_SECONDS + 60);
    for it in items {
        client
            .update_item()
            .table_name(support::aws::TABLE)
            .key("pk", it["pk"].clone())
            .key("sk", it["sk"].clone())
            .update_expression("SET #at = :past")
            .expression_attribute_names("#at", "at")
            .expression_attribute_values(":past", AttributeValue::S(mendwork_aws::schema::ts(past)))
            .send()
            .await
            .unwrap();
    }
}

/// Lost and visibly duplicated messages: what the workflow decided to send (its email and SMS
/// outbox records, as the stream carried them) against what SES and SNS (moto) received, per
/// channel and address; plus outbox records never carried out.
async fn tally(w: &World, s: &Stream<'_>) -> (usize, usize) {
    let expected = s.decided.clone();
    let mut received: BTreeMap<(String, String), usize> = BTreeMap::new();
    for m in w.sent().await {
        // Sign-in links belong to no work order.
        if m.body.contains("/login/") {
            continue;
        }
        *received
            .entry((m.channel.to_string(), m.to.to_lowercase()))
            .or_default() += 1;
    }
    let keys: BTreeSet<_> = expected.keys().chain(received.keys()).cloned().collect();
    let (mut lost, mut dup) = (0, 0);
    for k in keys {
        let (e, r) = (
            expected.get(&k).copied().unwrap_or(0),
            received.get(&k).copied().unwrap_or(0),
        );
        if e != r {
            eprintln!("{k:?}: the workflow sent {e}, received {r}");
        }
        lost += e.saturating_sub(r);
        dup += r.saturating_sub(e);
    }
    let undone = w.app.outbox.pending_outbox(1000).await.unwrap().len();
    (lost + undone, dup)
}

/// `refired`: events delivered again outside the stream (a schedule firing twice).
async fn figures(w: &World, s: &Stream<'_>, scenario: &'static str, refired: usize) -> Figures {
    let (lost, visible_duplicates) = tally(w, s).await;
    Figures {
        scenario,
        tried: w.proxy.seen("SendEmail").0 + w.proxy.seen("Publish").0,
        duplicated: s.duplicated() + refired,
        dropped: s.dropped,
        lost,
        visible_duplicates,
    }
}

async fn world(test: &str) -> Option<World> {
    let w = World::start(test, utc("2026-03-04T15:00:00Z")).await?;
    w.sign_in(PM_EMAIL).await;
    w.stream_by_hand();
    Some(w)
}

fn request(description: &str) -> Value {
    json!({
        "property": "maple-court", "unit": "4B",
        "tenant": {"name": "Alex Rivera", "email": "alex.rivera@example.org",
                   "phone": "+13475550191"},
        "description": description, "category": "plumbing", "emergency": false,
        "availability": [
            {"start": "2026-03-05T14:00:00Z", "end": "2026-03-05T17:00:00Z"},
            {"start": "2026-03-06T18:00:00Z", "end": "2026-03-06T22:00:00Z"}]
    })
}

async fn create(w: &World, description: &str) -> String {
    let a = w.post_json("/api/work-orders", &request(description)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.json()["id"].as_str().unwrap().to_string()
}

async fn status(w: &World, id: &str) -> String {
    let wo = w
        .app
        .work_orders
        .load(&WorkOrderId(id.into()))
        .await
        .unwrap()
        .unwrap()
        .wo;
    wo.status.to_string()
}

// ------------------------------------------------------------------------------ scenarios

/// The process dies after claiming the send and before SNS got the text: the stream's
/// retries find the claim held and use themselves up; once the lease has run out, the sweeper
/// takes the claim over and sends.
async fn crash_after_the_send_claim() -> Option<Figures> {
    let w = world("crash after the send claim").await?;
    let mut s = Stream::new(&w);
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Stall,
        times: 1,
    });
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    assert!(s.dropped > 0, "the claim held the stream's retries off");
    leases_run_out(&w).await;
    for _ in 0..3 {
        s.sweep_later().await;
    }
    assert_eq!(status(&w, &id).await, "dispatching");
    Some(figures(&w, &s, "a crash after the send claim", 0).await)
}

/// The known window: the process dies after SNS took the text but before `sent` was recorded.
/// After the lease the text goes again: at-least-once, so one person gets it twice.
async fn crash_after_the_provider_took_it() -> Option<Figures> {
    let w = world("crash after the provider took it").await?;
    let mut s = Stream::new(&w);
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::StallAfter,
        times: 1,
    });
    create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    leases_run_out(&w).await;
    for _ in 0..3 {
        s.sweep_later().await;
    }
    Some(
        figures(
            &w,
            &s,
            "(known window) a crash after SNS took the text, before `sent` was recorded",
            0,
        )
        .await,
    )
}

/// SES throttles every attempt for longer than the stream retries: the batch is given up
/// (its position to the dead-letter queue); the sweeper delivers every record left undone.
async fn a_batch_that_uses_up_its_retries() -> Option<Figures> {
    let w = world("a batch that uses up its retries").await?;
    let mut s = Stream::new(&w);
    w.proxy.inject(Fault {
        operation: "SendEmail",
        key_prefix: None,
        kind: FaultKind::Throttle,
        times: 1000,
    });
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    assert!(s.dropped > 0);
    w.proxy.clear_faults();
    let mut redriven = 0;
    for _ in 0..3 {
        redriven += s.sweep_later().await.redriven;
    }
    assert!(
        redriven > 0,
        "the sweeper delivered what the stream gave up on"
    );
    assert_eq!(status(&w, &id).await, "dispatching");
    Some(
        figures(
            &w,
            &s,
            "a stream batch that uses up its retries (the sweeper delivers it)",
            0,
        )
        .await,
    )
}

/// SNS is denied to the deployment (its role lacks `sns:Publish`) for half an hour: each text
/// is parked — not retried by the stream, which goes on with the emails and the triage — and
/// the alarm is the team's one notice; once the role is fixed, the sweeper sends them all.
async fn a_configuration_fault() -> Option<Figures> {
    let w = world("a configuration fault").await?;
    let mut s = Stream::new(&w);
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Deny,
        times: 1000,
    });
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    assert_eq!(s.dropped, 0, "nothing held up the stream");
    assert_eq!(
        status(&w, &id).await,
        "dispatching",
        "the triage and offer went on"
    );
    let mut parked = 0;
    for _ in 0..5 {
        parked += s.sweep_later().await.parked;
    }
    assert!(parked > 0);
    w.proxy.clear_faults();
    let mut sent = 0;
    for _ in 0..2 {
        sent += s.sweep_later().await.redriven;
    }
    assert!(
        sent >= 2,
        "the tenant's confirmation and the vendor's offer"
    );
    Some(
        figures(
            &w,
            &s,
            "SNS denied to the deployment for 30 minutes (a configuration fault)",
            0,
        )
        .await,
    )
}

/// The accept timer's schedule fires twice (EventBridge Scheduler delivers at least once), and
/// a recurring template's occurrence twice: the second of each does nothing.
async fn a_schedule_that_fires_twice() -> Option<Figures> {
    let w = world("a schedule that fires twice").await?;
    let mut s = Stream::new(&w);
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    let accept = w
        .schedules()
        .await
        .into_iter()
        .find(|x| x.input["work_order"] == id.as_str())
        .unwrap();
    let first = w.fire(&accept).await;
    s.play().await;
    w.proxy.running(Some(first.function));
    let again =
        mendwork_handlers::timer(&w.app, LambdaEvent::new(accept.input.clone(), w.context()))
            .await
            .unwrap();
    w.proxy.running(None);
    w.check_granted();
    assert_eq!(again.events, 0, "a stale firing does nothing");
    s.play().await;
    // A recurring template's occurrence, twice.
    let cron = w
        .schedules()
        .await
        .into_iter()
        .find(|x| x.name.starts_with(mendwork_aws::RECURRING_PREFIX))
        .unwrap();
    let mut occurrence = cron.input.clone();
    occurrence["occurrence"] = json!(cron.at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let mut made = BTreeSet::new();
    for _ in 0..2 {
        w.proxy.running(Some("recurring"));
        let fired =
            mendwork_handlers::timer(&w.app, LambdaEvent::new(occurrence.clone(), w.context()))
                .await
                .unwrap();
        w.proxy.running(None);
        w.check_granted();
        made.insert(fired.work_order.unwrap());
        s.play().await;
    }
    assert_eq!(made.len(), 1, "one work order per occurrence");
    Some(
        figures(
            &w,
            &s,
            "a schedule that fires twice (an offer's timer, a recurring occurrence)",
            2,
        )
        .await,
    )
}

/// SES and SNS throttle some attempts: the SDK's retries and the stream's absorb it.
async fn ses_and_sns_throttling() -> Option<Figures> {
    let w = world("ses and sns throttling").await?;
    let mut s = Stream::new(&w);
    for operation in ["SendEmail", "Publish"] {
        w.proxy.inject(Fault {
            operation,
            key_prefix: None,
            kind: FaultKind::Throttle,
            times: 5,
        });
    }
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    s.play().await;
    let (_, throttled_email) = w.proxy.seen("SendEmail");
    let (_, throttled_sms) = w.proxy.seen("Publish");
    assert_eq!((throttled_email, throttled_sms), (5, 5));
    assert_eq!(status(&w, &id).await, "dispatching");
    Some(figures(&w, &s, "SES and SNS throttling (5 refusals each)", 0).await)
}

/// DynamoDB cancels transactions for conflicts (injected), and two handlers act on one work
/// order at once (the vendor's YES and the offer's timer): each transition is decided again
/// from a fresh read; exactly one of them wins.
async fn transaction_conflicts() -> Option<Figures> {
    let w = world("transaction conflicts").await?;
    let mut s = Stream::new(&w);
    let id = create(&w, "Kitchen sink leaking under the cabinet").await;
    // The triage and the offer, and what follows, meet conflicts.
    w.proxy.inject(Fault {
        operation: "TransactWriteItems",
        key_prefix: None,
        kind: FaultKind::TransactionConflict,
        times: 4,
    });
    s.play().await;
    assert_eq!(w.proxy.seen("TransactWriteItems").1, 4);
    assert_eq!(status(&w, &id).await, "dispatching");
    let accept = w
        .schedules()
        .await
        .into_iter()
        .find(|x| x.input["work_order"] == id.as_str())
        .unwrap();
    w.clock.set(accept.at);
    let pat = w.vendor_phone("pat-plumbing").await;
    let code = w
        .app
        .work_orders
        .load(&WorkOrderId(id.clone()))
        .await
        .unwrap()
        .unwrap()
        .wo
        .code;
    let sms = json!({"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:in:1",
        "Sns": {"Type": "Notification", "MessageId": "race-1",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:in",
            "Message": json!({"originationNumber": pat, "destinationNumber": "+18005550100",
                "messageBody": format!("YES {code}"), "inboundMessageId": "race-yes"}).to_string(),
            "Timestamp": "2026-03-04T17:00:00.000Z", "SignatureVersion": "1", "Signature": "x",
            "SigningCertUrl": "https://sns.example/x.pem", "UnsubscribeUrl": "https://sns.example/u",
            "MessageAttributes": {}}}]});
    let sms: aws_lambda_events::event::sns::SnsEvent = serde_json::from_value(sms).unwrap();
    // Both at once, as two Lambda containers would (not recorded per function: they overlap).
    let (yes, timer) = tokio::join!(
        mendwork_handlers::sms_inbound(&w.app, LambdaEvent::new(sms, w.context())),
        mendwork_handlers::timer(&w.app, LambdaEvent::new(accept.input.clone(), w.context())),
    );
    yes.unwrap();
    timer.unwrap();
    s.play().await;
    let wo = w
        .app
        .work_orders
        .load(&WorkOrderId(id.clone()))
        .await
        .unwrap()
        .unwrap()
        .wo;
    let timeline = w.app.work_orders.timeline(&wo.id).await.unwrap();
    let accepted = timeline
        .iter()
        .filter(|r| matches!(r.event, Event::Accepted { .. }))
        .count();
    let lapsed = timeline
        .iter()
        .filter(|r| matches!(r.event, Event::OfferLapsed { .. }))
        .count();
    assert_eq!(
        accepted + lapsed,
        1,
        "exactly one of them won: {timeline:#?}"
    );
    Some(
        figures(
            &w,
            &s,
            "DynamoDB transaction conflicts (4 injected, and a YES racing the offer's timer)",
            0,
        )
        .await,
    )
}

#[tokio::test]
async fn the_pipeline_loses_nothing_and_shows_nobody_a_duplicate_under_injected_faults() {
    let mut rows = vec![];
    for f in [
        crash_after_the_send_claim().await,
        a_batch_that_uses_up_its_retries().await,
        a_configuration_fault().await,
        a_schedule_that_fires_twice().await,
        ses_and_sns_throttling().await,
        transaction_conflicts().await,
    ] {
        let Some(f) = f else { return };
        assert_eq!(f.lost, 0, "{f:?}");
        assert_eq!(f.visible_duplicates, 0, "{f:?}");
        rows.push(f);
    }
    // The one window at-least-once leaves open, measured and shown with the rest.
    let window = crash_after_the_provider_took_it().await.unwrap();
    assert_eq!(window.lost, 0, "{window:?}");
    assert!(window.visible_duplicates <= 1, "{window:?}");
    rows.push(window);
    println!("\n| fault | deliveries tried | duplicated | dropped | lost | visible duplicates |");
    println!("|---|---:|---:|---:|---:|---:|");
    for f in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            f.scenario, f.tried, f.duplicated, f.dropped, f.lost, f.visible_duplicates
        );
    }
}
