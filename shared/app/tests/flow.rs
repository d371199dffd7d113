//! The workflow steps on the embedded adapters, without HTTP: a whole work order from intake
//! to close, and the idempotency of every entry point (inbound SMS, timers, submissions).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use mendwork_app::ports::{
    Clock, Delivery, Directory, OutboxRecord, StoreError, Texter, TimerTarget, WorkOrders,
};
use mendwork_app::ports::{Lookups, Outbox};
use mendwork_app::{App, InboundSms, LinkSigner, SmsOutcome};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{
    Channel, Contact, Effect, Email, Event, NewWorkOrder, Phone, Portfolio, PropertyId, Recipient,
    SmsMessage, Source, Status, Window,
};
use mendwork_embedded::{
    ClockMode, RandomIds, RecordingMailer, RecordingTexter, SentFilter, SentMessage, SqliteStore,
    SqliteTimers, VirtualClock,
};
use std::sync::Arc;

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

struct Harness {
    app: App,
    store: Arc<SqliteStore>,
    timers: SqliteTimers,
    clock: VirtualClock,
    n: std::cell::Cell<u32>,
}

const PAT: &str = "+17185550110";
const DANA: &str = "+13125550111";
const TENANT: &str = "+17185550199";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

impl Harness {
    fn new(start: &str) -> Harness {
        Harness::with_texter(start, |t| Arc::new(t))
    }

    /// A harness whose SMS go through `texter`, given the recording one.
    fn with_texter(
        start: &str,
        texter: impl FnOnce(RecordingTexter) -> Arc<dyn Texter>,
    ) -> Harness {
        let yaml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../infra/sample-portfolio.yaml"
        ))
        .unwrap();
        let portfolio = parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap();
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock = store.clock();
        clock.set_mode(ClockMode::Frozen(t(start))).unwrap();
        let clock_arc: Arc<dyn Clock> = Arc::new(clock.clone());
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
            texter: texter(RecordingTexter::new(&store, clock_arc.clone())),
            clock: clock_arc.clone(),
            directory: Arc::new(Fixed(Arc::new(portfolio))),
            ids: Arc::new(RandomIds),
            links: Arc::new(LinkSigner::new(&[7u8; 32], "http://test", clock_arc).unwrap()),
            limits: Arc::new(mendwork_app::Unlimited),
            webhooks: mendwork_app::deliveries::Webhooks::off(),
            api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
            archive: None,
        };
        Harness {
            timers: store.timers(),
            app,
            store,
            clock,
            n: std::cell::Cell::new(0),
        }
    }

    async fn sms(&self, from: &str, body: &str) -> SmsOutcome {
        self.n.set(self.n.get() + 1);
        let id = format!("in-{}", self.n.get());
        self.sms_id(from, body, &id).await
    }

    async fn sms_id(&self, from: &str, body: &str, id: &str) -> SmsOutcome {
        let out = self
            .app
            .handle_sms(&InboundSms {
                origination_number: from.into(),
                destination_number: "+18005550100".into(),
                message_keyword: None,
                message_body: body.into(),
                inbound_message_id: id.into(),
                previous_published_message_id: None,
            })
            .await
            .unwrap();
        self.app.drain().await.unwrap();
        out
    }

    async fn advance(&self, secs: i64) -> Vec<TimerTarget> {
        let target = self.app.now() + Duration::seconds(secs);
        let mut fired = vec![];
        while let Some(spec) = self.timers.next_due(target).unwrap() {
            if spec.at > self.app.now() {
                self.clock.set(spec.at).unwrap();
            }
            self.app.fire(&spec.target).await.unwrap();
            self.timers.remove(&spec.name).unwrap();
            self.app.drain().await.unwrap();
            fired.push(spec.target);
        }
        self.clock.set(target).unwrap();
        fired
    }

    /// Every message recorded to `to` (a phone or an address), oldest first.
    fn sent_to(&self, to: &str) -> Vec<SentMessage> {
        self.store
            .sent(SentFilter {
                work_order: None,
                to: Some(to.into()),
                since: None,
            })
            .unwrap()
    }

    fn last_sms_to(&self, phone: &str) -> String {
        let all = self.sent_to(phone);
        all.last().map(|m| m.body.clone()).unwrap_or_default()
    }

    async fn status(&self, id: &mendwork_domain::WorkOrderId) -> Status {
        self.store.load(id).await.unwrap().unwrap().wo.status
    }
}

fn leak_request(windows: Vec<Window>) -> NewWorkOrder {
    NewWorkOrder {
        property: PropertyId("maple-court".into()),
        unit: "4B".into(),
        tenant: Contact {
            name: "Ana Ruiz".into(),
            email: Some(Email::parse("ana@example.com").unwrap()),
            phone: Some(Phone::parse(TENANT).unwrap()),
        },
        description: "Kitchen sink drips under the cabinet, slow leak into a bucket".into(),
        category: None,
        emergency: false,
        permission_to_enter: true,
        pets: Some("a cat".into()),
        access_notes: None,
        photos: vec![],
        availability: windows,
        source: Source::Tenant,
        language: mendwork_domain::Language::En,
    }
}

fn window(start: &str, hours: i64) -> Window {
    let s = t(start);
    Window::new(s, s + Duration::hours(hours)).unwrap()
}

#[tokio::test]
async fn a_work_order_goes_from_the_form_to_closed_by_sms_alone() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let w = vec![
        window("2026-03-05T14:00:00Z", 2),
        window("2026-03-06T18:00:00Z", 3),
    ];
    let created = h.app.submit(leak_request(w), Some("tok-1")).await.unwrap();
    h.app.drain().await.unwrap();
    let id = created.wo.id.clone();
    assert_eq!(h.status(&id).await, Status::Dispatching);
    let offer = h.last_sms_to(PAT);
    assert!(offer.contains(created.wo.code.as_str()), "offer: {offer}");

    assert!(matches!(
        h.sms(PAT, "yes").await,
        SmsOutcome::Executed { .. }
    ));
    assert_eq!(h.status(&id).await, Status::Accepted);
    assert!(h.last_sms_to(PAT).contains("1) "), "{}", h.last_sms_to(PAT));

    h.sms(PAT, "2").await;
    let wo = h.store.load(&id).await.unwrap().unwrap().wo;
    assert_eq!(wo.status, Status::Scheduled);
    assert_eq!(wo.appointment.unwrap().start, t("2026-03-06T18:00:00Z"));
    assert!(wo.visit.as_ref().unwrap().expected.is_some());

    h.advance(2 * 86_400).await;
    h.sms(PAT, "arrived").await;
    assert_eq!(h.status(&id).await, Status::InProgress);
    h.sms(PAT, "done, replaced the trap").await;
    assert_eq!(h.status(&id).await, Status::Completed);
    h.sms(TENANT, "5").await;
    h.sms(PAT, "invoice 385").await;
    let wo = h.store.load(&id).await.unwrap().unwrap().wo;
    assert_eq!(wo.status, Status::Closed, "{:?}", wo.attention);
    assert_eq!(wo.feedback.unwrap().rating, 5);
}

#[tokio::test]
async fn the_same_inbound_message_twice_acts_once_and_a_stranger_learns_nothing() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let created = h
        .app
        .submit(leak_request(vec![window("2026-03-05T14:00:00Z", 2)]), None)
        .await
        .unwrap();
    h.app.drain().await.unwrap();
    assert!(matches!(
        h.sms_id(PAT, "YES", "dup-1").await,
        SmsOutcome::Executed { .. }
    ));
    assert_eq!(h.sms_id(PAT, "YES", "dup-1").await, SmsOutcome::Duplicate);
    let version = h.store.load(&created.wo.id).await.unwrap().unwrap().version;
    assert_eq!(h.sms_id(PAT, "YES", "dup-1").await, SmsOutcome::Duplicate);
    assert_eq!(
        h.store.load(&created.wo.id).await.unwrap().unwrap().version,
        version
    );

    let out = h.sms("+14155550100", "YES").await;
    assert!(matches!(out, SmsOutcome::Replied { .. }));
    let reply = h.last_sms_to("+14155550100");
    assert!(
        !reply.contains(created.wo.code.as_str()) && !reply.contains("Maple"),
        "{reply}"
    );

    // Another plumber's phone cannot act on Pat's job, even naming its code.
    let before = h.store.load(&created.wo.id).await.unwrap().unwrap().version;
    h.sms(DANA, &format!("done {}", created.wo.code)).await;
    assert_eq!(
        h.store.load(&created.wo.id).await.unwrap().unwrap().version,
        before
    );
}

#[tokio::test]
async fn a_silent_vendor_lapses_and_the_next_one_is_offered_then_stale_timers_do_nothing() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let created = h
        .app
        .submit(leak_request(vec![window("2026-03-05T14:00:00Z", 2)]), None)
        .await
        .unwrap();
    h.app.drain().await.unwrap();
    let expires = created.wo.id.clone();
    let first = h
        .store
        .load(&expires)
        .await
        .unwrap()
        .unwrap()
        .wo
        .offer
        .unwrap();
    assert_eq!(first.vendor.as_str(), "pat-plumbing");
    let fired = h
        .advance((first.expires_at - h.app.now()).num_seconds() + 1)
        .await;
    assert!(!fired.is_empty());
    let wo = h.store.load(&created.wo.id).await.unwrap().unwrap().wo;
    assert_eq!(wo.offer.as_ref().unwrap().vendor.as_str(), "dana-plumbing");
    assert!(h.last_sms_to(PAT).contains("lapsed"));
    // Firing the first accept timer again is a no-op.
    let again = h
        .app
        .fire(&TimerTarget::WorkOrder {
            work_order: created.wo.id.clone(),
            kind: mendwork_domain::TimerKind::AcceptTimeout,
            generation: 1,
        })
        .await
        .unwrap()
        .unwrap();
    assert!(again.events.is_empty());
}

#[tokio::test]
async fn a_repeated_submission_token_creates_one_work_order() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let a = h
        .app
        .submit(leak_request(vec![]), Some("same"))
        .await
        .unwrap();
    let b = h
        .app
        .submit(leak_request(vec![]), Some("same"))
        .await
        .unwrap();
    assert_eq!(a.wo.id, b.wo.id);
    assert!(b.duplicate);
    let all = h
        .store
        .list(&mendwork_app::ports::ListFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn with_two_open_offers_a_bare_yes_is_asked_about_unless_it_replies_to_one_of_them() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let a = h
        .app
        .submit(leak_request(vec![window("2026-03-05T14:00:00Z", 2)]), None)
        .await
        .unwrap();
    let mut second = leak_request(vec![window("2026-03-06T14:00:00Z", 2)]);
    second.unit = "7C".into();
    let b = h.app.submit(second, None).await.unwrap();
    h.app.drain().await.unwrap();

    let asked = h.sms(PAT, "YES").await;
    assert!(matches!(asked, SmsOutcome::Replied { .. }), "{asked:?}");
    let question = h.last_sms_to(PAT);
    assert!(
        question.contains(a.wo.code.as_str()) && question.contains(b.wo.code.as_str()),
        "{question}"
    );

    let offer_to_b = h
        .store
        .sent(SentFilter {
            work_order: Some(b.wo.id.clone()),
            to: Some(PAT.into()),
            since: None,
        })
        .unwrap()
        .into_iter()
        .find(|m| m.key == "vendor.offer.sms")
        .unwrap();
    let out = h
        .app
        .handle_sms(&InboundSms {
            origination_number: PAT.into(),
            destination_number: "+18005550100".into(),
            message_keyword: None,
            message_body: "yes".into(),
            inbound_message_id: "reply-to-b".into(),
            previous_published_message_id: Some(offer_to_b.id.clone()),
        })
        .await
        .unwrap();
    assert_eq!(
        out,
        SmsOutcome::Executed {
            work_order: b.wo.id.clone()
        }
    );
    assert_eq!(h.status(&a.wo.id).await, Status::Dispatching);
}

#[tokio::test]
async fn a_spanish_tenant_is_texted_in_spanish_and_the_words_we_suggest_are_understood() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let request = NewWorkOrder {
        language: mendwork_domain::Language::Es,
        ..leak_request(vec![
            window("2026-03-05T14:00:00Z", 2),
            window("2026-03-06T18:00:00Z", 3),
        ])
    };
    let created = h.app.submit(request, None).await.unwrap();
    h.app.drain().await.unwrap();
    let id = created.wo.id.clone();
    assert!(
        h.last_sms_to(TENANT).contains("recibimos su solicitud"),
        "{}",
        h.last_sms_to(TENANT)
    );
    h.sms(PAT, "yes").await;
    h.sms(PAT, "1").await;
    let booked = h.last_sms_to(TENANT);
    assert!(
        booked.contains("agendado") && booked.contains("jueves 5 de marzo"),
        "{booked}"
    );
    assert!(booked.contains("REPROGRAMAR"), "{booked}");

    // Something we can't read gets the Spanish words that would work.
    h.sms(TENANT, "hola buenas").await;
    let reply = h.last_sms_to(TENANT);
    assert!(
        reply.starts_with("Disculpe, no le entendimos.") && reply.contains("REPROGRAMAR"),
        "{reply}"
    );

    // The word the booking text suggests does what it says.
    h.sms(TENANT, "REPROGRAMAR").await;
    assert_eq!(h.status(&id).await, Status::Accepted);
    let off = h.last_sms_to(TENANT);
    assert!(
        off.contains("se cancelo (usted pidio cambiar la hora)"),
        "{off}"
    );
    // The vendor's side stays English.
    let to_pat = h.sent_to(PAT);
    assert!(
        to_pat
            .iter()
            .any(|m| m.body.contains("is off (tenant asked to reschedule)")),
        "{to_pat:#?}"
    );
}

/// Refuses every SMS to one number, as SNS refuses a number it will not text; records the rest.
struct RefusingTexter {
    refused: Phone,
    inner: RecordingTexter,
}

#[async_trait::async_trait]
impl Texter for RefusingTexter {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&mendwork_domain::WorkOrderId>,
        sms: &mendwork_domain::SmsMessage,
    ) -> Result<Delivery, StoreError> {
        if sms.to == self.refused {
            return Ok(Delivery::Refused {
                reason: "Invalid parameter: PhoneNumber (InvalidParameter)".into(),
            });
        }
        self.inner.send(id, work_order, sms).await
    }
}

#[tokio::test]
async fn a_text_the_service_refuses_is_on_the_timeline_the_team_is_told_and_nothing_waits_on_it() {
    let h = Harness::with_texter("2026-03-04T15:00:00Z", |inner| {
        Arc::new(RefusingTexter {
            refused: Phone::parse(PAT).unwrap(),
            inner,
        })
    });
    let created = h
        .app
        .submit(leak_request(vec![window("2026-03-05T14:00:00Z", 2)]), None)
        .await
        .unwrap();
    // The outbox drains: a refused text is not retried forever, nor does it block the rest.
    h.app.drain().await.unwrap();
    assert!(
        h.store.pending_outbox(10).await.unwrap().is_empty(),
        "the outbox is empty"
    );
    let timeline = h.store.timeline(&created.wo.id).await.unwrap();
    let undelivered: Vec<_> = timeline
        .iter()
        .filter_map(|r| match &r.event {
            Event::MessageUndelivered {
                to,
                channel,
                key,
                reason,
                ..
            } => Some((to.clone(), *channel, key.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(undelivered.len(), 1, "{timeline:#?}");
    let (to, channel, key, reason) = &undelivered[0];
    assert!(matches!(to, Recipient::Vendor(_)));
    assert_eq!(*channel, Channel::Sms);
    assert_eq!(key, "vendor.offer.sms");
    assert!(reason.contains("InvalidParameter"));
    // The team hears of it by email, naming the vendor and the reason.
    let team = h.sent_to("maintenance@example.com");
    let notice = team
        .iter()
        .find(|m| m.key == "pm.undelivered.email")
        .unwrap_or_else(|| panic!("no notice: {team:#?}"));
    assert!(
        notice
            .subject
            .as_deref()
            .unwrap()
            .starts_with("Not delivered: text message to "),
        "{notice:#?}"
    );
    assert!(notice.body.contains("InvalidParameter"), "{}", notice.body);
    // The tenant's own messages went out as usual.
    assert!(!h.last_sms_to(TENANT).is_empty());

    // An outbox record carried out twice (a redelivery) is recorded as refused once.
    let record = OutboxRecord {
        id: format!("{}/test/1", created.wo.id),
        work_order: Some(created.wo.id.clone()),
        effect: Effect::Sms(SmsMessage {
            to: Phone::parse(PAT).unwrap(),
            recipient: to.clone(),
            body: "Reminder".into(),
            key: "vendor.nudge.sms".into(),
        }),
        created_at: h.app.now(),
    };
    h.app.carry_out(&record).await.unwrap();
    h.app.carry_out(&record).await.unwrap();
    let again = h.store.timeline(&created.wo.id).await.unwrap();
    assert_eq!(
        again
            .iter()
            .filter(|r| matches!(r.event, Event::MessageUndelivered { .. }))
            .count(),
        2,
        "the offer's and the reminder's, once each"
    );
}

#[tokio::test]
async fn a_text_queued_before_stop_is_not_sent_after_it_and_the_team_sees_why() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let w = vec![window("2026-03-05T14:00:00Z", 2)];
    let created = h.app.submit(leak_request(w), Some("tok-q")).await.unwrap();
    let id = created.wo.id.clone();
    // The confirmation to the tenant waits in the outbox while the tenant texts STOP.
    assert!(!h.store.pending_outbox(100).await.unwrap().is_empty());
    h.app
        .opt_outs
        .set_opted_out(&Phone::parse(TENANT).unwrap(), true)
        .await
        .unwrap();
    h.app.drain().await.unwrap();
    assert!(
        h.sent_to(TENANT).is_empty(),
        "sent after STOP: {:?}",
        h.sent_to(TENANT)
    );
    let timeline = h.app.work_orders.timeline(&id).await.unwrap();
    assert!(
        timeline.iter().any(|r| matches!(&r.event,
            Event::MessageUndelivered { channel: Channel::Sms, reason, .. } if reason.contains("STOP"))),
        "{timeline:#?}"
    );
    // The email still went: STOP is about texts.
    assert!(!h.sent_to("ana@example.com").is_empty());
}

#[tokio::test]
async fn after_stop_a_number_hears_nothing_but_the_confirmation_until_start() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let w = vec![window("2026-03-05T14:00:00Z", 2)];
    h.app.submit(leak_request(w), Some("tok-s")).await.unwrap();
    h.app.drain().await.unwrap();
    let before = h.sent_to(TENANT).len();
    h.sms(TENANT, "STOP").await;
    assert_eq!(h.sent_to(TENANT).len(), before + 1, "one confirmation");
    assert!(h.last_sms_to(TENANT).contains("START"));
    h.sms(TENANT, "what?").await;
    h.sms(TENANT, "STOP").await;
    h.sms(TENANT, "blah").await;
    assert_eq!(h.sent_to(TENANT).len(), before + 1, "silence after STOP");
    h.sms(TENANT, "START").await;
    assert_eq!(h.sent_to(TENANT).len(), before + 2);
    h.sms(TENANT, "what?").await;
    assert_eq!(h.sent_to(TENANT).len(), before + 3, "answered again");
}

#[tokio::test]
async fn an_auto_responder_gets_three_answers_an_hour_not_one_per_text() {
    let h = Harness::new("2026-03-04T15:00:00Z");
    let robot = "+13125550177";
    for _ in 0..20 {
        h.sms(robot, "Thanks for your message! I am away until Monday.")
            .await;
    }
    assert_eq!(h.sent_to(robot).len(), 3);
    // A new hour, a new (small) allowance.
    h.advance(3600).await;
    for _ in 0..5 {
        h.sms(robot, "Thanks for your message! I am away until Monday.")
            .await;
    }
    assert_eq!(h.sent_to(robot).len(), 6);
}
