//! A work order's stored item stays within its budget (`mendwork_domain::stored::MAX_ITEM_BYTES`)
//! through five years of history driven by the real steps: offers declined and lapsed, the team
//! assigning and reassigning, the tenant adding times, slots picked, reschedules, reminders and
//! outcome questions firing, visits kept and missed, a hundred-odd not-done rounds with long
//! reasons, estimates over the limit and owner approvals, long instructions, and at the end the
//! completion with notes and photos, the invoice, feedback and the close. The size is checked
//! after every step, on the embedded store (the row, by column names plus values) and on
//! DynamoDB on moto (the item as DynamoDB sizes it: attribute names plus values); the timeline
//! still holds everything the state let go of.
//!
//! On DynamoDB the history runs on the embedded store and every new state is committed through
//! the DynamoDB adapter as the step committed it (the work order, its calendar change and its
//! metric deltas, conditioned on the version), without the step's timeline and outbox items:
//! those are separate items that never touch the work order's item. Every
//! [`MIRROR_EVERY`]th step's state (and the last) is mirrored, not every one: moto's memory
//! grows with every transaction on a table (thousands of commits took it past 20 GB), while
//! the embedded store checks every step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::ports::{Clock, Commit, Directory, WorkOrders};
use mendwork_app::{App, AppError, LinkSigner};
use mendwork_aws::{DynamoStore, item_size};
use mendwork_domain::booking::CalendarChange;
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::metrics::deltas;
use mendwork_domain::stored::MAX_ITEM_BYTES;
use mendwork_domain::{
    Actor, Command, Contact, Email, Event, Money, NewWorkOrder, Phone, Portfolio, PropertyId,
    Source, Status, VendorId, Window, WorkOrder, WorkOrderId,
};
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use support::MotoServer;

/// On DynamoDB, the state after every this many steps is committed and measured there.
const MIRROR_EVERY: usize = 25;

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

fn portfolio() -> Portfolio {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap()
}

/// A Monday, 15:00 UTC (10:00 in New York, outside quiet hours).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 3, 1, 15, 0, 0).unwrap()
}

/// Where the size is read: the SQLite row, or the DynamoDB item (the state as last mirrored
/// there, with the version it has there).
// One value per test: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Measure {
    Sqlite,
    Dynamo {
        client: aws_sdk_dynamodb::Client,
        table: String,
        store: DynamoStore,
        mirrored: Option<Box<(u64, WorkOrder)>>,
    },
}

/// The work orders, timers, clock and recorded messages on the embedded store, and where the
/// item is measured.
struct World {
    app: App,
    local: SqliteStore,
    measure: Measure,
    rng: StdRng,
    largest: usize,
    steps: usize,
    rejected: usize,
}

impl World {
    fn new(measure: Measure) -> World {
        let local = SqliteStore::open_in_memory().unwrap();
        let store = Arc::new(local.clone());
        let clock = local.clock();
        clock.set_mode(ClockMode::Frozen(start())).unwrap();
        let clock: Arc<dyn Clock> = Arc::new(clock);
        let app = App {
            work_orders: store.clone(),
            lookups: store.clone(),
            outbox: store.clone(),
            keys: store.clone(),
            visits: store.clone(),
            opt_outs: store.clone(),
            queries: store.clone(),
            metrics: store,
            timers: Arc::new(local.timers()),
            mailer: Arc::new(RecordingMailer::new(&local, clock.clone())),
            texter: Arc::new(RecordingTexter::new(&local, clock.clone())),
            clock: clock.clone(),
            directory: Arc::new(Fixed(Arc::new(portfolio()))),
            ids: Arc::new(RandomIds),
            links: Arc::new(LinkSigner::new(&[7u8; 32], "http://test", clock).unwrap()),
            limits: Arc::new(mendwork_app::Unlimited),
            webhooks: mendwork_app::deliveries::Webhooks::off(),
            api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
            archive: None,
        };
        World {
            app,
            local,
            measure,
            rng: StdRng::seed_from_u64(5),
            largest: 0,
            steps: 0,
            rejected: 0,
        }
    }

    async fn bytes(&mut self, id: &WorkOrderId) -> usize {
        self.mirror(id).await;
        match &self.measure {
            Measure::Sqlite => self.local_row(id),
            Measure::Dynamo { client, table, .. } => {
                let got = client
                    .get_item()
                    .table_name(table)
                    .key("pk", AttributeValue::S(format!("WO#{id}")))
                    .key("sk", AttributeValue::S("META".into()))
                    .consistent_read(true)
                    .send()
                    .await
                    .unwrap();
                item_size(got.item().expect("the work order's item"))
            }
        }
    }

    /// On DynamoDB: commits the work order's new state, if any, through the adapter.
    async fn mirror(&mut self, id: &WorkOrderId) {
        let Measure::Dynamo {
            store, mirrored, ..
        } = &mut self.measure
        else {
            return;
        };
        let now = self.app.work_orders.load(id).await.unwrap().unwrap();
        let (version, before) = match mirrored.take() {
            Some(m) => (m.0, Some(m.1)),
            None => (0, None),
        };
        if before.as_ref() == Some(&now.wo) {
            *mirrored = before.map(|wo| Box::new((version, wo)));
            return;
        }
        let commit = Commit {
            wo: now.wo.clone(),
            expected_version: version,
            events: vec![],
            outbox: vec![],
            idempotency_key: None,
            calendar: CalendarChange::between(before.as_ref(), &now.wo),
            metrics: deltas(before.as_ref(), &now.wo),
        };
        store.commit(commit).await.unwrap();
        *mirrored = Some(Box::new((version + 1, now.wo)));
    }

    fn local_row(&self, id: &WorkOrderId) -> usize {
        self.local
            .row_bytes(id)
            .unwrap()
            .expect("the work order's row")
    }

    async fn check(&mut self, id: &WorkOrderId) {
        if matches!(self.measure, Measure::Dynamo { .. })
            && !self.steps.is_multiple_of(MIRROR_EVERY)
        {
            return;
        }
        let size = self.bytes(id).await;
        self.largest = self.largest.max(size);
        assert!(
            size <= MAX_ITEM_BYTES,
            "after {} steps the work order's item is {size} bytes, over the budget of \
             {MAX_ITEM_BYTES}",
            self.steps
        );
    }

    async fn load(&self, id: &WorkOrderId) -> WorkOrder {
        self.app.work_orders.load(id).await.unwrap().unwrap().wo
    }

    /// Moves the clock to `to`, firing every timer due by then in order.
    async fn advance(&mut self, id: &WorkOrderId, to: DateTime<Utc>) {
        let timers = self.local.timers();
        let clock = self.local.clock();
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
            self.steps += 1;
            self.check(id).await;
        }
        if to > self.app.now() {
            clock.set(to).unwrap();
        }
    }

    async fn wait(&mut self, id: &WorkOrderId, min_hours: i64, max_hours: i64) {
        let to = self.app.now() + Duration::hours(self.rng.random_range(min_hours..=max_hours));
        self.advance(id, to).await;
    }

    async fn run(&mut self, id: &WorkOrderId, command: Command) {
        match self.app.execute(id, command, Default::default()).await {
            Ok(_) => {}
            Err(AppError::Rejected(_)) => self.rejected += 1,
            Err(e) => panic!("{id}: {e}"),
        }
        self.app.drain().await.unwrap();
        self.steps += 1;
        self.check(id).await;
    }

    /// Free text of about `words` words, as people write it.
    fn words(&mut self, words: usize) -> String {
        const W: [&str; 16] = [
            "the", "pipe", "under", "sink", "still", "leaks", "after", "we", "replaced", "valve",
            "tenant", "says", "water", "comes", "back", "again",
        ];
        (0..words)
            .map(|_| W[self.rng.random_range(0..W.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Two to four two-hour windows in the coming days, in the morning in New York.
    fn windows(&mut self) -> Vec<Window> {
        let now = self.app.now();
        (0..self.rng.random_range(2..=4))
            .map(|i| {
                let day = (now + Duration::days(2 + i * 2)).date_naive();
                let from = Utc.from_utc_datetime(
                    &day.and_hms_opt(self.rng.random_range(13..18), 0, 0)
                        .unwrap(),
                );
                Window::new(from, from + Duration::hours(2)).unwrap()
            })
            .collect()
    }

    async fn submit(&mut self) -> WorkOrderId {
        let description = format!(
            "Kitchen sink drips constantly and the cabinet below is wet. {}",
            self.words(250)
        );
        let request = NewWorkOrder {
            property: PropertyId("maple-court".into()),
            unit: "4B".into(),
            tenant: Contact {
                name: "Alex Tenant".into(),
                email: Email::parse("alex@example.com").ok(),
                phone: Phone::parse("+17185550142").ok(),
            },
            description,
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: Some("a friendly dog, kept in the bedroom".into()),
            access_notes: Some(self.words(120)),
            photos: (1..=5)
                .map(|i| format!("f{i:02}-0123456789abcdef.jpg"))
                .collect(),
            availability: self.windows(),
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        };
        let done = self.app.submit(request, None).await.unwrap();
        self.app.drain().await.unwrap();
        let id = done.wo.id;
        self.check(&id).await;
        id
    }

    /// A plumbing vendor other than `not`.
    fn other_plumber(&mut self, not: Option<&VendorId>) -> VendorId {
        let all = ["pat-plumbing", "dana-plumbing", "lou-plumbing"];
        loop {
            let v = VendorId(all[self.rng.random_range(0..all.len())].into());
            if Some(&v) != not {
                return v;
            }
        }
    }

    /// One turn of the world on the work order: whoever it waits for answers.
    async fn turn(&mut self, id: &WorkOrderId) {
        let wo = self.load(id).await;
        let team = Actor::Pm("maintenance@example.com".into());
        let roll: u32 = self.rng.random_range(0..100);
        let vendor = wo.vendor.clone();
        let stuck = matches!(
            wo.phase(),
            Status::Submitted | Status::NeedsAttention | Status::Dispatching
        );
        if wo.status == Status::NeedsAttention && wo.offer.is_none() && stuck {
            // Nobody took it: the team assigns a plumber by hand.
            let v = self.other_plumber(vendor.as_ref());
            return self
                .run(
                    id,
                    Command::Assign {
                        vendor: v,
                        by: team,
                    },
                )
                .await;
        }
        match wo.phase() {
            Status::Submitted | Status::NeedsAttention | Status::Dispatching => {
                let Some(o) = wo.offer.clone() else {
                    return self.wait(id, 1, 12).await;
                };
                match roll {
                    0..40 => {
                        let reason = Some(self.words(30));
                        let decline = Command::Decline {
                            vendor: o.vendor,
                            reason,
                        };
                        self.run(id, decline).await
                    }
                    // Silence: the offer lapses on its timer.
                    40..70 => self.wait(id, 6, 48).await,
                    _ => self.run(id, Command::Accept { vendor: o.vendor }).await,
                }
            }
            Status::Accepted => {
                let Some(v) = vendor else {
                    return self.wait(id, 2, 24).await;
                };
                if roll < 6 {
                    let estimate = Command::Estimate {
                        vendor: v,
                        amount: Money::from_dollars(self.rng.random_range(2_000..9_000)),
                        note: Some(self.words(60)),
                    };
                    self.run(id, estimate).await;
                } else if roll < 10 {
                    let other = self.other_plumber(Some(&v));
                    self.run(
                        id,
                        Command::Assign {
                            vendor: other,
                            by: team,
                        },
                    )
                    .await;
                } else if roll < 30 {
                    let text = self.words(100);
                    self.run(id, Command::AddInstructions { text, by: team })
                        .await;
                } else if wo.slots.is_empty() || roll < 40 {
                    let windows = self.windows();
                    self.run(id, Command::AddAvailability { windows }).await;
                } else {
                    let slot = self.rng.random_range(1..=wo.slots.len() as u32);
                    self.run(id, Command::ChooseSlot { vendor: v, slot }).await;
                }
                self.wait(id, 2, 60).await;
            }
            Status::Scheduled => {
                let (Some(v), Some(w)) = (vendor, wo.appointment) else {
                    return self.wait(id, 2, 24).await;
                };
                let now = self.app.now();
                if now < w.start {
                    if roll < 12 {
                        let again = Command::RequestReschedule {
                            by: Actor::Tenant,
                            window: None,
                        };
                        return self.run(id, again).await;
                    }
                    return self.advance(id, w.start + Duration::minutes(20)).await;
                }
                if now <= w.end && roll < 80 {
                    let arrived = Command::Arrived {
                        by: Actor::Vendor(v),
                    };
                    self.run(id, arrived).await;
                    return self.wait(id, 1, 2).await;
                }
                let reason = Some(self.words(90));
                self.run(id, Command::NotDone { vendor: v, reason }).await;
                self.wait(id, 2, 48).await;
            }
            Status::InProgress => {
                let Some(v) = vendor else {
                    return self.wait(id, 2, 24).await;
                };
                let reason = Some(self.words(90));
                self.run(id, Command::NotDone { vendor: v, reason }).await;
                self.wait(id, 2, 72).await;
            }
            Status::AwaitingApproval => {
                if roll < 30 {
                    // The owner takes their time: reminders and the escalation fire.
                    return self.wait(id, 24, 96).await;
                }
                let decide = Command::DecideApproval {
                    approve: true,
                    by: Actor::Owner,
                    round: wo.approval_round,
                };
                self.run(id, decide).await;
            }
            Status::Completed | Status::Closed | Status::Cancelled => {
                panic!("the history reached {} before its end", wo.status)
            }
        }
    }

    /// Drives the work order to done, invoiced, rated and closed.
    async fn finish(&mut self, id: &WorkOrderId) {
        for _ in 0..200 {
            let wo = self.load(id).await;
            let Some(v) = wo.vendor.clone() else {
                self.turn(id).await;
                continue;
            };
            match wo.phase() {
                Status::InProgress => {
                    let done = Command::Done {
                        vendor: v,
                        notes: Some(self.words(200)),
                        photos: (1..=5)
                            .map(|i| format!("d{i:02}-0123456789abcdef.jpg"))
                            .collect(),
                    };
                    self.run(id, done).await;
                }
                Status::Completed if wo.invoice.is_none() => {
                    let invoice = Command::Invoice {
                        vendor: v,
                        amount: Money::from_dollars(385),
                        reference: Some(self.words(20)),
                        file: Some("inv-0123456789abcdef.pdf".into()),
                    };
                    self.run(id, invoice).await;
                }
                Status::Completed if wo.feedback_requested && wo.feedback.is_none() => {
                    let feedback = Command::Feedback {
                        rating: 4,
                        comment: Some(self.words(200)),
                    };
                    self.run(id, feedback).await;
                }
                Status::Completed => {
                    let close = Command::Close {
                        by: Actor::Pm("maintenance@example.com".into()),
                    };
                    self.run(id, close).await;
                }
                Status::Closed | Status::Cancelled => return,
                Status::Scheduled if wo.appointment.is_some_and(|w| self.app.now() < w.start) => {
                    let w = wo.appointment.unwrap();
                    self.advance(id, w.start + Duration::minutes(10)).await;
                }
                Status::Scheduled => {
                    self.run(
                        id,
                        Command::Arrived {
                            by: Actor::Vendor(v),
                        },
                    )
                    .await;
                }
                _ => self.turn(id).await,
            }
        }
        panic!("the work order did not close");
    }
}

/// What the history came to.
struct History {
    largest: usize,
    last: usize,
    steps: usize,
    events: usize,
    not_done: usize,
    instructions: usize,
}

/// Five years of the work order's life, then its close; checked after every step.
async fn five_years(world: &mut World) -> History {
    let id = world.submit().await;
    let end = start() + Duration::days(5 * 365);
    while world.app.now() < end {
        world.turn(&id).await;
    }
    world.finish(&id).await;
    let wo = world.load(&id).await;
    assert_eq!(wo.status, Status::Closed);
    let timeline = world.app.work_orders.timeline(&id).await.unwrap();
    let not_done: Vec<&Event> = timeline
        .iter()
        .map(|r| &r.event)
        .filter(|e| matches!(e, Event::NotDone { .. }))
        .collect();
    let instructions = timeline
        .iter()
        .filter(|r| matches!(r.event, Event::InstructionsAdded { .. }))
        .count();
    // Nothing the state let go of is lost: every report and instruction is on the timeline,
    // and the state counts them all.
    assert_eq!(wo.not_done_count as usize, not_done.len());
    assert_eq!(wo.instructions_count as usize, instructions);
    assert!(wo.not_done_reasons.len() < not_done.len());
    let last = world.bytes(&id).await;
    assert!(
        last <= MAX_ITEM_BYTES,
        "the closed work order's item is {last} bytes"
    );
    History {
        largest: world.largest.max(last),
        last,
        steps: world.steps,
        events: timeline.len(),
        not_done: not_done.len(),
        instructions,
    }
}

fn report(store: &str, h: &History, rejected: usize) {
    eprintln!(
        "{store}: {} steps, {} timeline events, {} not-done rounds, {} instructions \
         ({rejected} commands refused): the item was at most {} bytes, {} at the close \
         (budget {MAX_ITEM_BYTES})",
        h.steps, h.events, h.not_done, h.instructions, h.largest, h.last
    );
}

fn long_enough(h: &History) {
    assert!(h.not_done >= 100, "only {} not-done rounds", h.not_done);
    assert!(h.instructions >= 20, "only {} instructions", h.instructions);
    assert!(h.events >= 2_000, "only {} events", h.events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_year_old_work_order_stays_within_its_item_budget_on_sqlite() {
    let mut world = World::new(Measure::Sqlite);
    let h = five_years(&mut world).await;
    report("SQLite", &h, world.rejected);
    long_enough(&h);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_year_old_work_order_stays_within_its_item_budget_on_dynamodb() {
    let Some(moto) = MotoServer::shared("item budget on DynamoDB") else {
        return;
    };
    let sdk = moto.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let store = DynamoStore::new(client.clone(), table.clone());
    let mut world = World::new(Measure::Dynamo {
        client,
        table,
        store,
        mirrored: None,
    });
    let h = five_years(&mut world).await;
    report("DynamoDB", &h, world.rejected);
    long_enough(&h);
}
