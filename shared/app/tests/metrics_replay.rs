//! The metrics projection replayed against the computation it replaced: a history of 2,000
//! work orders driven through the real steps on the embedded store (submissions, vendors
//! accepting, declining or staying silent, slots picked, visits kept or missed, not done,
//! estimates and approvals, invoices, cancellations, the team assigning by hand, and every
//! timer firing as the virtual clock moves), so the projection is built by the commits alone.
//! Then every figure of the page model from the projection is checked against the reference
//! computation from the timelines (`mendwork_domain::metrics::reference`): counts and
//! histogram buckets exactly, medians and p90 within their bucket.
//!
//! The agreed semantics (see `mendwork_domain::metrics::Marks`): an appointment still open
//! counts from its work order's first event at or after its end, so the reference is taken
//! with each work order seen at its last event; the test also reports how far that is from
//! the reference seen at the end of the run (appointments whose outcome question was still to
//! come), and checks nothing else differs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::Lookups;
use mendwork_app::ports::{Clock, Directory, ListFilter, WorkOrders};
use mendwork_app::{App, AppError, LinkSigner};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::metrics::reference::{Metrics, percentile};
use mendwork_domain::metrics::{Count, MetricRow, Summary, Timing, Weeks, bucket_of, week_of};
use mendwork_domain::{
    Actor, Command, Contact, Email, Money, NewWorkOrder, Phone, Portfolio, Source, Status,
    VendorId, Window, WorkOrder, WorkOrderId,
};
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

/// How many work orders the history has.
const WORK_ORDERS: usize = 2_000;
/// A new request every this many minutes (about 4 a day: 2,000 over some 16 months).
const EVERY_MINUTES: i64 = 350;
/// The most times the world acts on one work order (it may stay open after).
const MAX_TURNS: u32 = 30;

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

fn start() -> DateTime<Utc> {
    // A Monday, 15:00 UTC (10:00 in New York).
    Utc.with_ymd_and_hms(2025, 9, 1, 15, 0, 0).unwrap()
}

const PROBLEMS: [&str; 8] = [
    "Kitchen sink drips constantly and the cabinet below is wet",
    "No hot water since this morning",
    "The heating makes a banging noise at night",
    "Front door lock sticks and the key will not turn",
    "Dishwasher does not drain; water stays at the bottom",
    "Bathroom fan stopped working",
    "Mice droppings in the pantry",
    "The air conditioner blows warm air",
];

struct World {
    app: App,
    store: Arc<SqliteStore>,
    rng: StdRng,
    /// What happens next: (when, sequence) → what.
    agenda: BinaryHeap<Reverse<(DateTime<Utc>, u64)>>,
    actions: BTreeMap<u64, Action>,
    seq: u64,
    turns: BTreeMap<WorkOrderId, u32>,
    /// Every vendor, with the trades they take.
    vendors: Vec<(VendorId, Vec<mendwork_domain::Trade>)>,
    properties: Vec<mendwork_domain::PropertyId>,
    rejected: usize,
    executed: usize,
}

#[derive(Debug, Clone)]
enum Action {
    Submit(usize),
    Act(WorkOrderId),
}

impl World {
    fn new() -> World {
        let yaml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../infra/sample-portfolio.yaml"
        ))
        .unwrap();
        let portfolio = parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap();
        let vendors = portfolio
            .vendors
            .iter()
            .map(|v| (v.id.clone(), v.trades.clone()))
            .collect();
        let properties = portfolio.properties.iter().map(|p| p.id.clone()).collect();
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock = store.clock();
        clock.set_mode(ClockMode::Frozen(start())).unwrap();
        let clock_arc: Arc<dyn Clock> = Arc::new(clock);
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
            webhooks: mendwork_app::deliveries::Webhooks::off(),
            api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
            archive: None,
        };
        World {
            app,
            store,
            rng: StdRng::seed_from_u64(11),
            agenda: BinaryHeap::new(),
            actions: BTreeMap::new(),
            seq: 0,
            turns: BTreeMap::new(),
            vendors,
            properties,
            rejected: 0,
            executed: 0,
        }
    }

    fn plan(&mut self, at: DateTime<Utc>, action: Action) {
        self.seq += 1;
        self.agenda.push(Reverse((at, self.seq)));
        self.actions.insert(self.seq, action);
    }

    fn later(&mut self, id: &WorkOrderId, min_minutes: i64, max_minutes: i64) {
        let at =
            self.app.now() + Duration::minutes(self.rng.random_range(min_minutes..=max_minutes));
        self.plan(at, Action::Act(id.clone()));
    }

    /// Moves the clock to `to`, firing every timer due by then in order.
    async fn advance(&mut self, to: DateTime<Utc>) {
        let timers = self.store.timers();
        let clock = self.store.clock();
        while let Some(spec) = timers.next_due(to).unwrap() {
            if spec.at > self.app.now() {
                clock.set(spec.at).unwrap();
            }
            match self.app.fire(&spec.target).await {
                Ok(_) | Err(AppError::Rejected(_)) => {}
                Err(e) => panic!("timer {}: {e}", spec.name),
            }
            timers.remove(&spec.name).unwrap();
            self.app.drain().await.unwrap();
        }
        if to > self.app.now() {
            clock.set(to).unwrap();
        }
    }

    async fn run(&mut self, id: &WorkOrderId, command: Command) {
        self.executed += 1;
        match self.app.execute(id, command, Default::default()).await {
            Ok(_) => {}
            Err(AppError::Rejected(_)) => self.rejected += 1,
            Err(e) => panic!("{id}: {e}"),
        }
        self.app.drain().await.unwrap();
    }

    async fn submit(&mut self, i: usize) {
        let now = self.app.now();
        let property = self.properties[self.rng.random_range(0..self.properties.len())].clone();
        let mut availability = vec![];
        for d in 1..=self.rng.random_range(2..=4) {
            let day = now + Duration::days(d + self.rng.random_range(0..3));
            let from = day
                .date_naive()
                .and_hms_opt(self.rng.random_range(13..20), 0, 0)
                .unwrap();
            let from = Utc.from_utc_datetime(&from);
            availability.push(Window::new(from, from + Duration::hours(2)).unwrap());
        }
        let request = NewWorkOrder {
            property,
            unit: format!("{}{}", 1 + i % 9, ['A', 'B', 'C'][i % 3]),
            tenant: Contact {
                name: "Tenant".into(),
                email: Email::parse(&format!("tenant{}@example.com", i % 50)).ok(),
                phone: Phone::parse(&format!("+1718555{:04}", 2000 + i % 50)).ok(),
            },
            description: PROBLEMS[i % PROBLEMS.len()].into(),
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability,
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        };
        let done = self.app.submit(request, None).await.unwrap();
        self.app.drain().await.unwrap();
        self.later(&done.wo.id, 5, 90);
    }

    /// The world answers whatever the work order waits for (or does not).
    async fn act(&mut self, id: &WorkOrderId) {
        let turn = self.turns.entry(id.clone()).or_default();
        *turn += 1;
        if *turn > MAX_TURNS {
            return;
        }
        let wo: WorkOrder = self.store.load(id).await.unwrap().unwrap().wo;
        if wo.status.is_final() {
            return;
        }
        let now = self.app.now();
        let roll: u32 = self.rng.random_range(0..100);
        let team = Actor::Pm("maintenance@example.com".into());
        if roll < 1 {
            let cancel = Command::Cancel {
                by: team,
                reason: Some("not needed any more".into()),
            };
            return self.run(id, cancel).await;
        }
        let vendor = wo.vendor.clone();
        match wo.phase() {
            Status::Dispatching => {
                if let Some(offer) = wo.offer.clone() {
                    let v = offer.vendor;
                    match roll {
                        0..60 => self.run(id, Command::Accept { vendor: v }).await,
                        60..80 => {
                            let decline = Command::Decline {
                                vendor: v,
                                reason: None,
                            };
                            self.run(id, decline).await
                        }
                        // Silence: the offer lapses on its timer.
                        _ => {}
                    }
                } else if wo.status == Status::NeedsAttention && roll < 70 {
                    // Nobody took it: the team assigns a vendor of the trade by hand.
                    let of_trade: Vec<VendorId> = self
                        .vendors
                        .iter()
                        .filter(|(_, trades)| trades.contains(&wo.trade))
                        .map(|(v, _)| v.clone())
                        .collect();
                    if !of_trade.is_empty() {
                        let v = of_trade[self.rng.random_range(0..of_trade.len())].clone();
                        self.run(
                            id,
                            Command::Assign {
                                vendor: v,
                                by: team,
                            },
                        )
                        .await;
                    }
                }
                self.later(id, 20, 240);
            }
            Status::NeedsAttention | Status::Submitted => self.later(id, 30, 600),
            Status::Accepted => {
                if let Some(v) = vendor {
                    if roll < 8 {
                        let amount = Money::from_dollars(self.rng.random_range(100..2000));
                        let estimate = Command::Estimate {
                            vendor: v,
                            amount,
                            note: None,
                        };
                        self.run(id, estimate).await;
                    } else if !wo.slots.is_empty() {
                        let slot = self.rng.random_range(1..=wo.slots.len() as u32);
                        self.run(id, Command::ChooseSlot { vendor: v, slot }).await;
                    } else {
                        // No slot left: the tenant gives more times.
                        let day = now + Duration::days(self.rng.random_range(1..4));
                        let from = Utc.from_utc_datetime(
                            &day.date_naive()
                                .and_hms_opt(self.rng.random_range(13..20), 30, 0)
                                .unwrap(),
                        );
                        let windows = vec![Window::new(from, from + Duration::hours(2)).unwrap()];
                        self.run(id, Command::AddAvailability { windows }).await;
                    }
                }
                self.later(id, 30, 720);
            }
            Status::Scheduled => {
                let (Some(v), Some(w)) = (vendor, wo.appointment) else {
                    return self.later(id, 60, 600);
                };
                if now < w.start {
                    if roll < 4 {
                        let again = Command::RequestReschedule {
                            by: Actor::Tenant,
                            window: None,
                        };
                        self.run(id, again).await;
                        return self.later(id, 30, 600);
                    }
                    // Come back around the visit.
                    let at = w.start + Duration::minutes(self.rng.random_range(-10..60));
                    return self.plan(at.max(now), Action::Act(id.clone()));
                }
                if now <= w.end && roll < 82 {
                    self.run(
                        id,
                        Command::Arrived {
                            by: Actor::Vendor(v),
                        },
                    )
                    .await;
                    return self.later(id, 30, 150);
                }
                // Nobody came (or came after the window): the vendor answers the outcome
                // question later, either way.
                match roll {
                    0..40 => {
                        let done = Command::Done {
                            vendor: v,
                            notes: None,
                            photos: vec![],
                        };
                        self.run(id, done).await
                    }
                    40..70 => {
                        let not_done = Command::NotDone {
                            vendor: v,
                            reason: Some("no access".into()),
                        };
                        self.run(id, not_done).await
                    }
                    _ => {}
                }
                self.later(id, 60, 1440);
            }
            Status::InProgress => {
                if let Some(v) = vendor {
                    let command = if roll < 85 {
                        Command::Done {
                            vendor: v,
                            notes: Some("fixed".into()),
                            photos: vec![],
                        }
                    } else {
                        Command::NotDone {
                            vendor: v,
                            reason: Some("needs a part".into()),
                        }
                    };
                    self.run(id, command).await;
                }
                self.later(id, 60, 1440);
            }
            Status::AwaitingApproval => {
                if roll < 75 {
                    let decide = Command::DecideApproval {
                        approve: roll < 60,
                        by: Actor::Owner,
                        round: wo.approval_round,
                    };
                    self.run(id, decide).await;
                }
                self.later(id, 60, 1440);
            }
            Status::Completed => {
                if let Some(v) = vendor
                    && wo.invoice.is_none()
                    && roll < 70
                {
                    let invoice = Command::Invoice {
                        vendor: v,
                        amount: Money::from_dollars(self.rng.random_range(80..900)),
                        reference: None,
                        file: None,
                    };
                    self.run(id, invoice).await;
                } else if wo.feedback_requested && wo.feedback.is_none() && roll < 85 {
                    let feedback = Command::Feedback {
                        rating: self.rng.random_range(1..=5),
                        comment: None,
                    };
                    self.run(id, feedback).await;
                }
                self.later(id, 120, 2880);
            }
            Status::Closed | Status::Cancelled => {}
        }
    }

    async fn run_history(&mut self) -> DateTime<Utc> {
        for i in 0..WORK_ORDERS {
            let at = start() + Duration::minutes(EVERY_MINUTES * i as i64);
            self.plan(at, Action::Submit(i));
        }
        let mut end = start();
        while let Some(Reverse((at, seq))) = self.agenda.pop() {
            let action = self.actions.remove(&seq).unwrap();
            self.advance(at).await;
            end = at;
            match action {
                Action::Submit(i) => self.submit(i).await,
                Action::Act(id) => self.act(&id).await,
            }
        }
        // A last day passes: outcome questions and follow-ups due by then are asked.
        let end = end + Duration::days(1);
        self.advance(end).await;
        end
    }
}

fn exact_values(m: &Metrics, t: Timing) -> Vec<i64> {
    match t {
        Timing::ToAssign => m.to_assign.clone(),
        Timing::ToSchedule => m.to_schedule.clone(),
        Timing::ToComplete => m.to_complete.clone(),
        Timing::ToAccept => m
            .vendors
            .values()
            .flat_map(|v| v.accept_secs.iter().copied())
            .collect(),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_projection_built_by_the_commits_of_2000_work_orders_matches_the_timelines() {
    // Given a history of 2,000 work orders driven through the real steps
    let mut world = World::new();
    let began = std::time::Instant::now();
    let end = world.run_history().await;
    let wos: Vec<WorkOrder> = world.store.list(&ListFilter::default()).await.unwrap();
    assert_eq!(wos.len(), WORK_ORDERS);
    let mut timelines = BTreeMap::new();
    for wo in &wos {
        timelines.insert(wo.id.clone(), world.store.timeline(&wo.id).await.unwrap());
    }
    let statuses: BTreeMap<Status, usize> = wos.iter().fold(BTreeMap::new(), |mut m, w| {
        *m.entry(w.status).or_default() += 1;
        m
    });
    eprintln!(
        "{WORK_ORDERS} work orders in {:.1} s: {} commands ({} refused as the workflow would), \
         statuses {statuses:?}",
        began.elapsed().as_secs_f64(),
        world.executed,
        world.rejected
    );

    // When the page model is summed from the projection, over the whole history and over
    // each period the page offers
    let all = Weeks {
        first: week_of(start()),
        last: week_of(end),
    };
    let rows: Vec<MetricRow> = world.store.read(&all).await.unwrap();
    let projected = Summary::from_rows(&rows);
    let reference_of = |keep: &dyn Fn(&WorkOrder) -> bool, at_end: bool| {
        let mut m = Metrics::default();
        for wo in wos.iter().filter(|w| keep(w)) {
            let seen = if at_end { end } else { wo.updated_at };
            m.add(wo, &timelines[&wo.id], seen);
        }
        m
    };
    let reference = reference_of(&|_| true, false);

    // Then every count and every histogram bucket is the reference's, work order by vendor
    assert_eq!(projected, Summary::from_reference(&reference));
    let whole = &projected.whole;
    assert_eq!(whole.count(Count::Requests), WORK_ORDERS as i64);
    for c in [
        Count::Appointments,
        Count::NoShows,
        Count::Completed,
        Count::FirstTimeFixes,
    ] {
        assert!(
            whole.count(c) > 20,
            "the history has {c:?}: {}",
            whole.count(c)
        );
    }
    let vendor_sum = |c: Count| -> i64 { projected.vendors.values().map(|f| f.count(c)).sum() };
    assert!(vendor_sum(Count::Declined) > 20 && vendor_sum(Count::Lapsed) > 20);

    // And each median and p90 read from the buckets is in the bucket of the exact one
    let mut widest = 0.0f64;
    for t in Timing::ALL {
        let exact = exact_values(&reference, t);
        let h = if t == Timing::ToAccept {
            let mut h = mendwork_domain::metrics::Histogram::default();
            for f in projected.vendors.values() {
                for (b, n) in f.histogram(t).counts.iter().enumerate() {
                    h.add(b, *n);
                }
            }
            h
        } else {
            whole.histogram(t)
        };
        assert_eq!(h.total(), exact.len() as i64, "{t:?}");
        for p in [50, 90] {
            let (e, x) = (h.percentile(p).unwrap(), percentile(&exact, p).unwrap());
            assert_eq!(
                bucket_of(e),
                bucket_of(x),
                "{t:?} p{p}: {e} s vs exact {x} s"
            );
            widest = widest.max((e - x).abs() as f64 / x.max(60) as f64);
            eprintln!("{t:?} p{p}: {e} s from the buckets, {x} s exact");
        }
    }
    eprintln!(
        "largest gap between a bucket percentile and the exact one: {:.0}%",
        widest * 100.0
    );

    // And so does each period the page offers, read the way the page reads it
    for days in [7, 30, 90, 365] {
        let weeks = Weeks::covering(end - Duration::days(days), end);
        let (summary, read) = {
            let rows: Vec<MetricRow> = world
                .store
                .read(&weeks)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| weeks.contains(r.key.week))
                .collect();
            (Summary::from_rows(&rows), weeks)
        };
        let m = reference_of(&|w: &WorkOrder| read.contains(week_of(w.created_at)), false);
        assert_eq!(summary, Summary::from_reference(&m), "{days} days");
    }

    // And the only difference from the reference seen at the end of the run is appointments
    // that had ended with nothing on their work order since (their outcome question to come)
    let at_end = Summary::from_reference(&reference_of(&|_| true, true));
    let drop_appointments = |s: &Summary| {
        let mut s = s.clone();
        for f in std::iter::once(&mut s.whole).chain(s.vendors.values_mut()) {
            let (a, n) = (f.count(Count::Appointments), f.count(Count::NoShows));
            f.add(
                mendwork_domain::metrics::Field::Count(Count::Appointments),
                -a,
            );
            f.add(mendwork_domain::metrics::Field::Count(Count::NoShows), -n);
        }
        s.vendors.retain(|_, f| !f.is_empty());
        s
    };
    assert_eq!(drop_appointments(&projected), drop_appointments(&at_end));
    eprintln!(
        "seen at the end of the run, the reference counts {} appointments and {} no-shows; \
         the projection {} and {}",
        at_end.count(Count::Appointments),
        at_end.count(Count::NoShows),
        projected.count(Count::Appointments),
        projected.count(Count::NoShows)
    );

    // And rebuilding the projection from the timelines gives the same rows
    world.store.rebuild_metrics().unwrap();
    let rebuilt = Summary::from_rows(&world.store.read(&all).await.unwrap());
    assert_eq!(rebuilt, projected);
}
