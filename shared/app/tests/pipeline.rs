//! The pipeline's safety net on the embedded adapters: the sweep re-drives outbox records left
//! undone (once they are old enough, each once), parks what the deployment may not do until it
//! is fixed, and puts overdue work orders in front of the team once; recurring templates with a
//! long shared start each get their own work orders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mendwork_app::ports::Outbox;
use mendwork_app::ports::{
    Clock, ConfigurationFault, Delivery, Directory, StoreError, Texter, TimerTarget, WorkOrders,
};
use mendwork_app::sweep::{SweepPolicy, sweep};
use mendwork_app::{App, LinkSigner};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{
    Contact, Email, NewWorkOrder, Phone, Portfolio, PropertyId, RecurringTemplate, SmsMessage,
    Source, Status, TemplateId, Trade, Window, WorkOrderId,
};
use mendwork_embedded::{
    ClockMode, RandomIds, RecordingMailer, RecordingTexter, SentFilter, SqliteStore, SqliteTimers,
    VirtualClock,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

const TENANT: &str = "+17185550199";
const PAT: &str = "+17185550110";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// SMS denied to the whole deployment while `denied` is set (as SNS answers a function whose
/// role lacks `sns:Publish`), recorded otherwise.
struct DeniedTexter {
    denied: AtomicBool,
    inner: RecordingTexter,
}

#[async_trait]
impl Texter for DeniedTexter {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        sms: &SmsMessage,
    ) -> Result<Delivery, StoreError> {
        if self.denied.load(Ordering::SeqCst) {
            return Err(StoreError::new(
                format!("sending SMS {id}: AuthorizationError: not authorized to publish"),
                ConfigurationFault {
                    code: "AuthorizationError".into(),
                    during: format!("sending SMS {id}"),
                },
            ));
        }
        self.inner.send(id, work_order, sms).await
    }
}

struct Harness {
    app: App,
    store: Arc<SqliteStore>,
    timers: SqliteTimers,
    clock: VirtualClock,
    texter: Arc<DeniedTexter>,
}

impl Harness {
    fn new(start: &str, edit: impl FnOnce(&mut Portfolio)) -> Harness {
        let yaml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../infra/sample-portfolio.yaml"
        ))
        .unwrap();
        let mut portfolio = parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap();
        edit(&mut portfolio);
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock = store.clock();
        clock.set_mode(ClockMode::Frozen(t(start))).unwrap();
        let clock_arc: Arc<dyn Clock> = Arc::new(clock.clone());
        let texter = Arc::new(DeniedTexter {
            denied: AtomicBool::new(false),
            inner: RecordingTexter::new(&store, clock_arc.clone()),
        });
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
            texter: texter.clone(),
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
            texter,
        }
    }

    fn later(&self, minutes: i64) {
        self.clock
            .set(self.app.now() + Duration::minutes(minutes))
            .unwrap();
    }

    fn texts_to(&self, phone: &str) -> Vec<String> {
        self.store
            .sent(SentFilter {
                work_order: None,
                to: Some(phone.into()),
                since: None,
            })
            .unwrap()
            .into_iter()
            .map(|m| m.body)
            .collect()
    }

    async fn status(&self, id: &WorkOrderId) -> Status {
        self.store.load(id).await.unwrap().unwrap().wo.status
    }
}

fn leak() -> NewWorkOrder {
    let start = t("2026-03-05T14:00:00Z");
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
        pets: None,
        access_notes: None,
        photos: vec![],
        availability: vec![Window::new(start, start + Duration::hours(2)).unwrap()],
        source: Source::Tenant,
        language: mendwork_domain::Language::En,
    }
}

#[tokio::test]
async fn an_outbox_record_left_undone_is_re_driven_once_it_is_old_enough_and_only_once() {
    let h = Harness::new("2026-03-04T15:00:00Z", |_| {});
    // A work order committed, its delivery lost (nothing drained the outbox).
    let wo = h.app.submit(leak(), None).await.unwrap().wo;
    let waiting = h.store.pending_outbox(100).await.unwrap().len();
    assert!(waiting > 0);

    // A minute later the stream may still be at it: the sweep leaves the records alone.
    h.later(1);
    let early = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!((early.due, early.redriven), (0, 0));
    assert_eq!(early.oldest_undone_seconds, 60);
    assert!(h.texts_to(TENANT).is_empty());

    // Six minutes later it carries them out; the triage it ran adds the offer, re-driven next.
    h.later(5);
    let swept = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!(swept.redriven, waiting, "{swept:?}");
    assert_eq!((swept.parked, swept.failed), (0, 0));
    assert_eq!(h.texts_to(TENANT).len(), 1, "the confirmation");
    h.later(6);
    sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!(h.status(&wo.id).await, Status::Dispatching);
    assert_eq!(h.texts_to(PAT).len(), 1, "the offer");

    // Carried out again (the stream's late copy, another sweep): nothing is sent twice.
    h.later(6);
    let again = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!((again.due, again.oldest_undone_seconds), (0, 0));
    assert_eq!(h.texts_to(TENANT).len(), 1);
    assert_eq!(h.texts_to(PAT).len(), 1);
}

#[tokio::test]
async fn a_configuration_fault_parks_the_record_until_it_is_fixed_without_holding_up_the_rest() {
    let h = Harness::new("2026-03-04T15:00:00Z", |_| {});
    h.texter.denied.store(true, Ordering::SeqCst);
    let wo = h.app.submit(leak(), None).await.unwrap().wo;
    h.app.drain().await.unwrap_err();
    h.later(6);
    let parked = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!(parked.parked, 1, "the tenant's text: {parked:?}");
    assert!(
        parked
            .faults
            .iter()
            .any(|f| f.contains("AuthorizationError")),
        "{parked:?}"
    );
    // What the deployment may do goes on: the email, and the triage (whose offer text is
    // parked in its turn).
    assert_eq!((parked.redriven, parked.failed), (2, 0), "{parked:?}");
    assert_eq!(h.status(&wo.id).await, Status::Dispatching);
    assert_eq!(parked.oldest_undone_seconds, 6 * 60);
    assert!(h.texts_to(TENANT).is_empty());

    // Still denied an hour later: both texts parked, the oldest older.
    h.later(60);
    let still = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!(still.parked, 2, "{still:?}");
    assert_eq!(still.oldest_undone_seconds, 66 * 60);

    // The team fixes the role: the next sweeps deliver everything, in order, once.
    h.texter.denied.store(false, Ordering::SeqCst);
    for _ in 0..3 {
        h.later(6);
        sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    }
    assert_eq!(h.texts_to(TENANT).len(), 1);
    assert_eq!(h.texts_to(PAT).len(), 1);
    // (The offer ended meanwhile with no timer firing in this test: the sweep's last act was
    // to tell the team, whose email waits its turn.)
    let left = h.store.pending_outbox(10).await.unwrap();
    assert!(
        left.iter()
            .all(|r| !matches!(r.effect, mendwork_domain::Effect::Sms(_))),
        "{left:#?}"
    );
}

#[tokio::test]
async fn a_work_order_whose_timer_was_lost_is_put_in_front_of_the_team_once() {
    let h = Harness::new("2026-03-04T15:00:00Z", |_| {});
    let wo = h.app.submit(leak(), None).await.unwrap().wo;
    h.app.drain().await.unwrap();
    assert_eq!(h.status(&wo.id).await, Status::Dispatching);
    // The accept timer's schedule is lost.
    let accept = h
        .timers
        .all()
        .unwrap()
        .into_iter()
        .find(|s| matches!(s.target, TimerTarget::WorkOrder { .. }))
        .unwrap();
    h.timers.remove(&accept.name).unwrap();

    // Within the grace period after the offer ended: nothing yet.
    let ends = accept.at;
    h.clock.set(ends + Duration::minutes(10)).unwrap();
    let quiet = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert!(quiet.flagged.is_empty());

    h.clock.set(ends + Duration::minutes(20)).unwrap();
    let found = sweep(&h.app, &SweepPolicy::default()).await.unwrap();
    assert_eq!(found.flagged, vec![wo.id.clone()]);
    h.app.drain().await.unwrap();
    assert_eq!(h.status(&wo.id).await, Status::NeedsAttention);
    let team = h
        .store
        .sent(SentFilter {
            work_order: Some(wo.id.clone()),
            to: Some("maintenance@example.com".into()),
            since: None,
        })
        .unwrap();
    let alerts: Vec<_> = team
        .iter()
        .filter(|m| m.key == "pm.attention.email")
        .collect();
    assert_eq!(alerts.len(), 1, "{team:#?}");
    assert!(
        alerts[0].body.contains("Overdue since"),
        "{}",
        alerts[0].body
    );

    // Once: the next sweeps find nothing more to say.
    h.later(60);
    assert!(
        sweep(&h.app, &SweepPolicy::default())
            .await
            .unwrap()
            .flagged
            .is_empty()
    );
}

#[tokio::test]
async fn two_templates_sharing_their_first_twelve_letters_on_one_schedule_make_two_work_orders() {
    let template = |id: &str, trade| RecurringTemplate {
        id: TemplateId(id.into()),
        property: PropertyId("maple-court".into()),
        unit: None,
        description: format!("Monthly {id}"),
        trade,
        schedule: "0 9 1 * *".into(),
        active: None,
    };
    let h = Harness::new("2026-03-01T13:00:00Z", |p| {
        p.recurring = vec![
            template("monthly-checks-pest", Trade::Pest),
            template("monthly-checks-plumbing", Trade::Plumbing),
        ];
    });
    let occurrence = t("2026-03-01T14:00:00Z");
    let mut ids = vec![];
    for id in ["monthly-checks-pest", "monthly-checks-plumbing"] {
        let target = TimerTarget::Recurring {
            template: TemplateId(id.into()),
            occurrence,
        };
        let created = h.app.fire(&target).await.unwrap().unwrap();
        assert!(!created.duplicate, "{id} created its own work order");
        assert_eq!(
            created.wo.trade,
            h.app
                .portfolio()
                .recurring
                .iter()
                .find(|x| x.id.as_str() == id)
                .unwrap()
                .trade
        );
        // The id budget of timer and schedule names holds: `wo-r`, 12 + 10 characters.
        assert_eq!(created.wo.id.as_str().len(), 26, "{}", created.wo.id);
        ids.push(created.wo.id);
        // Firing twice (a scheduler's repeat) still makes one.
        assert!(h.app.fire(&target).await.unwrap().unwrap().duplicate);
    }
    assert_ne!(ids[0], ids[1]);
}
