//! The adapter contract of the store's ports (`Store`: work orders, lookups, outbox, keys,
//! visits, opt-outs) and of `Timers`, written against the traits only
//! so that every adapter (SQLite here, DynamoDB/EventBridge later) runs the same suite.
//!
//! Each function panics on a breach. Ids, properties, vendors and phones are random, so the
//! functions may share one store, except those marked "needs a store of its own".

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
#[allow(unused_imports)]
use mendwork_app::ports::{
    Commit, CommitError, Keys, ListFilter, Lookups, OptOuts, Outbox, OutboxRecord, Store, Stored,
    TimerSpec, TimerTarget, Timers, Visits, WorkOrders,
};
use mendwork_domain::booking::CalendarChange;
use mendwork_domain::decide::{Recorded, evolve, start};
use mendwork_domain::{
    Actor, Contact, Effect, Event, JobCode, NewWorkOrder, Phone, PropertyId, Recipient, SmsMessage,
    Source, Status, TimerKind, VendorId, Visit, VisitChange, VisitId, VisitStatus, Window,
    WorkOrder, WorkOrderId, timer_name,
};
use rand::Rng;
use std::collections::BTreeSet;

pub mod booking;
pub use booking::*;
pub mod texting;
pub use texting::*;
pub mod pages;
// Only the test binaries that run the pages contract use it.
#[allow(unused_imports)]
pub use pages::*;
pub mod metrics;

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A fixed Monday morning, so windows and orderings read naturally.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).unwrap()
}

pub fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

pub fn unique(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::rng();
    let tail: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{prefix}{tail}")
}

pub fn unique_phone() -> Phone {
    let n: u64 = rand::rng().random_range(2_000_000_000..9_999_999_999);
    Phone::parse(&format!("+1{n}")).unwrap()
}

pub fn unique_code() -> JobCode {
    JobCode::from_seed(rand::rng().random())
}

pub fn window(start: DateTime<Utc>, minutes: i64) -> Window {
    Window::new(start, start + mins(minutes)).unwrap()
}

/// A work order being built event by event, with the events recorded along the way.
#[derive(Clone)]
pub struct Wo {
    pub wo: WorkOrder,
    /// Events not yet committed.
    pub pending: Vec<Recorded>,
    /// The version the next commit expects.
    pub version: u64,
    /// The work order as the store holds it (`None` before its first commit).
    pub stored: Option<WorkOrder>,
}

impl Wo {
    /// A fresh tenant work order submitted at `at`.
    pub fn submit(property: &PropertyId, phone: Option<Phone>, at: DateTime<Utc>) -> Wo {
        Wo::submit_with(
            WorkOrderId(unique("wo-")),
            unique_code(),
            property,
            phone,
            at,
        )
    }

    pub fn submit_with(
        id: WorkOrderId,
        code: JobCode,
        property: &PropertyId,
        phone: Option<Phone>,
        at: DateTime<Utc>,
    ) -> Wo {
        let request = NewWorkOrder {
            property: property.clone(),
            unit: "2B".into(),
            tenant: Contact {
                name: "Ana Lima".into(),
                email: None,
                phone,
            },
            description: "The kitchen tap drips".into(),
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability: vec![],
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        };
        let event = Event::Submitted { id, code, request };
        let wo = start(&event, at).unwrap();
        Wo {
            wo,
            pending: vec![Recorded { at, event }],
            version: 0,
            stored: None,
        }
    }

    pub fn id(&self) -> WorkOrderId {
        self.wo.id.clone()
    }

    /// Applies an event (not yet committed).
    pub fn then(mut self, event: Event, at: DateTime<Utc>) -> Wo {
        self.wo = evolve(self.wo, &event, at);
        self.pending.push(Recorded { at, event });
        self
    }

    /// The commit of the pending events with `n` outbox records and an optional key.
    pub fn commit(&self, n: usize, key: Option<String>) -> Commit {
        let at = self.pending.last().map_or(self.wo.updated_at, |r| r.at);
        Commit {
            wo: self.wo.clone(),
            expected_version: self.version,
            events: self.pending.clone(),
            outbox: (0..n)
                .map(|i| sms_record(Some(&self.wo.id), self.version + 1, i, at))
                .collect(),
            idempotency_key: key,
            calendar: CalendarChange::between(self.stored.as_ref(), &self.wo),
            metrics: mendwork_domain::metrics::deltas(self.stored.as_ref(), &self.wo),
        }
    }

    /// What the store holds after [`Wo::commit`] succeeded.
    pub fn committed(mut self) -> Wo {
        self.pending.clear();
        self.version += 1;
        self.stored = Some(self.wo.clone());
        self
    }
}

/// An outbox record with the deterministic id the ports prescribe.
pub fn sms_record(
    wo: Option<&WorkOrderId>,
    version: u64,
    index: usize,
    at: DateTime<Utc>,
) -> OutboxRecord {
    // Records of no work order get a random owner, as they would (an inbound message id).
    let owner = wo.map_or_else(|| unique("sms-"), |w| w.to_string());
    OutboxRecord {
        id: format!("{owner}/{version}/{index}"),
        work_order: wo.cloned(),
        effect: Effect::Sms(SmsMessage {
            to: unique_phone(),
            recipient: Recipient::Tenant,
            body: format!("message {index} of {owner} v{version}"),
            key: "tenant.confirmation.sms".into(),
        }),
        created_at: at,
    }
}

/// Commits `w` and returns what the store now holds.
pub async fn commit_ok(s: &dyn WorkOrders, w: Wo, outbox: usize) -> Wo {
    s.commit(w.commit(outbox, None)).await.unwrap();
    w.committed()
}

pub async fn stored(s: &dyn WorkOrders, id: &WorkOrderId) -> Stored {
    s.load(id).await.unwrap().expect("the work order is stored")
}

/// Every pending outbox record whose id starts with one of `prefixes` (other tests' records
/// in a shared store are ignored).
pub async fn pending_of(s: &dyn Outbox, prefixes: &[&str]) -> Vec<OutboxRecord> {
    s.pending_outbox(100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| prefixes.iter().any(|p| r.id.starts_with(p)))
        .collect()
}

fn ids(wos: &[WorkOrder]) -> Vec<WorkOrderId> {
    wos.iter().map(|w| w.id.clone()).collect()
}

fn visit(property: &PropertyId, expected: Option<Window>, status: VisitStatus) -> Visit {
    Visit {
        id: VisitId(unique("v-")),
        property: property.clone(),
        work_order: None,
        work_order_code: None,
        visitor: "Sam Okafor".into(),
        company: Some("Okafor Plumbing".into()),
        expected,
        status,
        checked_in_at: None,
        checked_out_at: None,
        automatic: false,
    }
}

// ---------------------------------------------------------------------------------------------
// WorkOrders

pub async fn a_stale_expected_version_is_a_conflict_and_writes_nothing(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let w = commit_ok(s, Wo::submit(&p, None, t0()), 1).await;
    let w = commit_ok(
        s,
        w.then(
            Event::OfferHeld {
                until: t0() + mins(60),
            },
            t0() + mins(1),
        ),
        1,
    )
    .await;
    let before = stored(s, &w.id()).await;
    assert_eq!(before.version, 2);

    let mut stale = w.clone().then(
        Event::NeedsAttention {
            cause: mendwork_domain::attention::Cause::Legacy("stale".into()),
        },
        t0() + mins(2),
    );
    for expected in [1, 3, 0] {
        stale.version = expected;
        let key = unique("key-");
        let err = s
            .commit(stale.commit(2, Some(key.clone())))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, CommitError::Conflict(id) if id == &w.id()),
            "expected {expected}: {err:?}"
        );
        assert_eq!(s.idempotent(&key).await.unwrap(), None);
    }
    let after = stored(s, &w.id()).await;
    assert_eq!(after.version, 2);
    assert_eq!(after.wo, before.wo);
    assert_eq!(s.timeline(&w.id()).await.unwrap().len(), 2);
    let outbox = pending_of(s, &[w.id().as_str()]).await;
    assert_eq!(
        outbox.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [format!("{}/1/0", w.id()), format!("{}/2/0", w.id())]
    );
}

pub async fn creating_a_work_order_that_exists_is_a_conflict(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let first = Wo::submit(&p, None, t0());
    let id = first.id();
    let first = commit_ok(s, first, 1).await;
    let again = Wo::submit_with(id.clone(), unique_code(), &p, None, t0() + mins(5));
    let err = s.commit(again.commit(1, None)).await.unwrap_err();
    assert!(
        matches!(&err, CommitError::Conflict(x) if x == &id),
        "{err:?}"
    );
    let now = stored(s, &id).await;
    assert_eq!((now.version, now.wo), (1, first.wo));
    assert_eq!(s.timeline(&id).await.unwrap().len(), 1);
    assert_eq!(pending_of(s, &[id.as_str()]).await.len(), 1);

    // Expecting a version of a work order that does not exist is a conflict too.
    let mut ghost = Wo::submit(&p, None, t0());
    ghost.version = 1;
    let err = s.commit(ghost.commit(1, None)).await.unwrap_err();
    assert!(matches!(err, CommitError::Conflict(_)), "{err:?}");
    assert!(s.load(&ghost.id()).await.unwrap().is_none());
}

pub async fn a_used_idempotency_key_is_a_duplicate_and_writes_nothing(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let key = unique("form-");
    let w = Wo::submit(&p, None, t0());
    s.commit(w.commit(1, Some(key.clone()))).await.unwrap();
    let w = w.committed();
    assert_eq!(
        s.idempotent(&key).await.unwrap().as_deref(),
        Some(w.id().as_str())
    );

    // The same key on a valid next commit of the same work order…
    let next = w.clone().then(Event::FeedbackRequested, t0() + mins(1));
    let err = s
        .commit(next.commit(1, Some(key.clone())))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommitError::Duplicate(k) if k == &key),
        "{err:?}"
    );
    // …on another work order's creation…
    let other = Wo::submit(&p, None, t0());
    let err = s
        .commit(other.commit(1, Some(key.clone())))
        .await
        .unwrap_err();
    assert!(matches!(err, CommitError::Duplicate(_)), "{err:?}");
    // …and on records without a work order.
    let loose = sms_record(None, 1, 0, t0());
    let err = s
        .commit_outbox(&key, "other", vec![loose.clone()])
        .await
        .unwrap_err();
    assert!(matches!(err, CommitError::Duplicate(_)), "{err:?}");

    let now = stored(s, &w.id()).await;
    assert_eq!((now.version, &now.wo), (1, &w.wo));
    assert_eq!(s.timeline(&w.id()).await.unwrap().len(), 1);
    assert!(s.load(&other.id()).await.unwrap().is_none());
    assert!(s.timeline(&other.id()).await.unwrap().is_empty());
    let outbox = pending_of(s, &[w.id().as_str(), other.id().as_str(), &loose.id]).await;
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(
        s.idempotent(&key).await.unwrap().as_deref(),
        Some(w.id().as_str())
    );
}

pub async fn timeline_and_outbox_are_committed_with_the_work_order(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let w = Wo::submit(&p, Some(unique_phone()), t0());
    let first = w.commit(2, None);
    s.commit(first.clone()).await.unwrap();
    let w = w.committed();
    let v = VendorId(unique("vendor-"));
    let w = w
        .then(
            Event::Offered {
                vendor: v.clone(),
                expires_at: t0() + mins(30),
            },
            t0() + mins(1),
        )
        .then(
            Event::TimerSet {
                timer: TimerKind::AcceptTimeout,
                generation: 1,
                at: t0() + mins(30),
            },
            t0() + mins(1),
        );
    let second = w.commit(1, None);
    s.commit(second.clone()).await.unwrap();
    let w = w.committed();

    let now = stored(s, &w.id()).await;
    assert_eq!(now.version, 2);
    assert_eq!(now.wo, w.wo);
    assert_eq!(now.wo.status, Status::Dispatching);
    let expected: Vec<Recorded> = first.events.into_iter().chain(second.events).collect();
    assert_eq!(s.timeline(&w.id()).await.unwrap(), expected);
    let expected: Vec<OutboxRecord> = first.outbox.into_iter().chain(second.outbox).collect();
    assert_eq!(pending_of(s, &[w.id().as_str()]).await, expected);

    // A commit with no events and no effects still takes a version.
    s.commit(w.commit(0, None)).await.unwrap();
    assert_eq!(stored(s, &w.id()).await.version, 3);
    assert_eq!(s.timeline(&w.id()).await.unwrap().len(), 3);
}

/// Needs a store of its own (it reads the head of the outbox).
pub async fn pending_outbox_is_oldest_first_and_done_records_leave_it(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let a = commit_ok(s, Wo::submit(&p, None, t0()), 2).await;
    let b = commit_ok(s, Wo::submit(&p, None, t0() - mins(60)), 1).await;
    let loose = sms_record(None, 1, 0, t0());
    s.commit_outbox(&unique("sms-"), "help", vec![loose.clone()])
        .await
        .unwrap();
    let a = commit_ok(s, a.then(Event::FeedbackRequested, t0() + mins(1)), 1).await;

    let order = |rs: Vec<OutboxRecord>| rs.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = vec![
        format!("{}/1/0", a.id()),
        format!("{}/1/1", a.id()),
        format!("{}/1/0", b.id()),
        loose.id.clone(),
        format!("{}/2/0", a.id()),
    ];
    // Insertion order, not effect time: b's record is older by time but was written later.
    assert_eq!(order(s.pending_outbox(10).await.unwrap()), all);
    assert_eq!(order(s.pending_outbox(2).await.unwrap()), all[..2]);

    s.outbox_done(&all[0]).await.unwrap();
    s.outbox_done(&all[3]).await.unwrap();
    s.outbox_done(&all[3]).await.unwrap();
    s.outbox_done("no/such/record").await.unwrap();
    assert_eq!(
        order(s.pending_outbox(10).await.unwrap()),
        [all[1].clone(), all[2].clone(), all[4].clone()]
    );
    for id in &all {
        s.outbox_done(id).await.unwrap();
    }
    assert!(s.pending_outbox(10).await.unwrap().is_empty());
}

pub async fn commit_outbox_writes_its_key_and_records_together(s: &dyn Store) {
    let key = unique("sms-in-");
    let r1 = sms_record(None, 1, 0, t0());
    let r2 = sms_record(None, 1, 1, t0());
    s.commit_outbox(&key, "unknown number", vec![r1.clone(), r2.clone()])
        .await
        .unwrap();
    assert_eq!(
        s.idempotent(&key).await.unwrap().as_deref(),
        Some("unknown number")
    );
    let mine = pending_of(s, &[&r1.id, &r2.id]).await;
    assert_eq!(mine, [r1, r2]);
    assert!(mine.iter().all(|r| r.work_order.is_none()));

    let r3 = sms_record(None, 2, 0, t0());
    let err = s
        .commit_outbox(&key, "again", vec![r3.clone()])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommitError::Duplicate(k) if k == &key),
        "{err:?}"
    );
    assert!(pending_of(s, &[&r3.id]).await.is_empty());
    assert_eq!(
        s.idempotent(&key).await.unwrap().as_deref(),
        Some("unknown number")
    );
    assert_eq!(s.idempotent(&unique("never-")).await.unwrap(), None);
}

pub async fn open_queries_find_work_orders_by_vendor_code_phone_and_status(s: &dyn Store) {
    let p1 = PropertyId(unique("p-"));
    let p2 = PropertyId(unique("p-"));
    let v1 = VendorId(unique("vendor-"));
    let v2 = VendorId(unique("vendor-"));
    let phone = unique_phone();
    let slot = window(t0() + Duration::days(2), 120);

    // a: offered to v1.
    let a = Wo::submit(&p1, Some(phone.clone()), t0()).then(
        Event::Offered {
            vendor: v1.clone(),
            expires_at: t0() + mins(30),
        },
        t0(),
    );
    let a = commit_ok(s, a, 0).await;
    // b: accepted by v1 and scheduled.
    let b = Wo::submit(&p1, Some(phone.clone()), t0() + mins(1))
        .then(Event::Accepted { vendor: v1.clone() }, t0() + mins(1))
        .then(
            Event::Scheduled {
                window: slot,
                by: Actor::Vendor(v1.clone()),
            },
            t0() + mins(1),
        );
    let b = commit_ok(s, b, 0).await;
    // c: accepted by v1 with an appointment, then cancelled.
    let c = Wo::submit(&p1, Some(phone.clone()), t0() + mins(2))
        .then(Event::Accepted { vendor: v1.clone() }, t0() + mins(2))
        .then(
            Event::Scheduled {
                window: window(t0() + Duration::days(3), 60),
                by: Actor::Pm("lee".into()),
            },
            t0() + mins(2),
        );
    let c = commit_ok(s, c, 0).await;
    let c = commit_ok(
        s,
        c.then(
            Event::Cancelled {
                by: Actor::Pm("lee".into()),
                reason: None,
            },
            t0() + mins(3),
        ),
        0,
    )
    .await;
    // d: another property, offered to v2, no phone.
    let d = Wo::submit(&p2, None, t0() + mins(4)).then(
        Event::Offered {
            vendor: v2.clone(),
            expires_at: t0() + mins(30),
        },
        t0() + mins(4),
    );
    let d = commit_ok(s, d, 0).await;

    let list = |property: &PropertyId, f: ListFilter| ListFilter {
        property: Some(property.clone()),
        ..f
    };
    let got = s.list(&list(&p1, ListFilter::default())).await.unwrap();
    assert_eq!(ids(&got), [c.id(), b.id(), a.id()], "newest first");
    assert_eq!(got[0], c.wo);
    let open = ListFilter {
        open_only: true,
        ..Default::default()
    };
    assert_eq!(
        ids(&s.list(&list(&p1, open.clone())).await.unwrap()),
        [b.id(), a.id()]
    );
    let scheduled = ListFilter {
        status: Some(Status::Scheduled),
        ..Default::default()
    };
    assert_eq!(ids(&s.list(&list(&p1, scheduled)).await.unwrap()), [b.id()]);
    let two = ListFilter {
        limit: Some(2),
        ..Default::default()
    };
    assert_eq!(
        ids(&s.list(&list(&p1, two)).await.unwrap()),
        [c.id(), b.id()]
    );
    assert_eq!(ids(&s.list(&list(&p2, open)).await.unwrap()), [d.id()]);

    let mut for_v1 = ids(&s.open_for_vendor(&v1).await.unwrap());
    for_v1.sort();
    let mut expected = vec![a.id(), b.id()];
    expected.sort();
    assert_eq!(for_v1, expected, "offer or assignment, open only");
    assert_eq!(ids(&s.open_for_vendor(&v2).await.unwrap()), [d.id()]);
    assert!(
        s.open_for_vendor(&VendorId(unique("vendor-")))
            .await
            .unwrap()
            .is_empty()
    );

    let mut for_phone = ids(&s.open_for_tenant_phone(&phone).await.unwrap());
    for_phone.sort();
    assert_eq!(for_phone, expected);

    let by_code = s.open_by_code(&a.wo.code).await.unwrap();
    assert_eq!(by_code.map(|w| w.id), Some(a.id()));
    // Codes are short and random: another open work order (of this store's earlier runs too)
    // may share c's; what matters is that the closed one is never the answer.
    assert_ne!(
        s.open_by_code(&c.wo.code).await.unwrap().map(|w| w.id),
        Some(c.id()),
        "closed"
    );

    assert_eq!(
        s.vendor_appointments(&v1).await.unwrap(),
        [(b.id(), slot)],
        "open work orders with an appointment only"
    );
    assert!(s.vendor_appointments(&v2).await.unwrap().is_empty());
}

pub async fn visits_between_finds_overlapping_and_checked_in_visits_of_the_property(s: &dyn Store) {
    let p = PropertyId(unique("p-"));
    let other = PropertyId(unique("p-"));
    let from = t0();
    let to = t0() + mins(180);
    let inside = visit(&p, Some(window(t0() + mins(60), 60)), VisitStatus::Expected);
    let overlaps_start = visit(&p, Some(window(t0() - mins(30), 60)), VisitStatus::Expected);
    let ends_at_from = visit(&p, Some(window(t0() - mins(60), 60)), VisitStatus::Expected);
    let starts_at_to = visit(&p, Some(window(to, 60)), VisitStatus::Expected);
    let mut checked_in = visit(
        &p,
        Some(window(t0() - Duration::days(1), 60)),
        VisitStatus::CheckedIn,
    );
    checked_in.checked_in_at = Some(t0() - Duration::days(1));
    let no_window = visit(&p, None, VisitStatus::Expected);
    let elsewhere = visit(
        &other,
        Some(window(t0() + mins(60), 60)),
        VisitStatus::Expected,
    );
    for v in [
        &inside,
        &overlaps_start,
        &ends_at_from,
        &starts_at_to,
        &checked_in,
        &no_window,
        &elsewhere,
    ] {
        s.save_manual_visit(v).await.unwrap();
    }

    // A visit made by a work order's commit is in the projection too.
    let mut linked = visit(&p, Some(window(t0() + mins(90), 30)), VisitStatus::Expected);
    let w = Wo::submit(&p, None, t0());
    linked.work_order = Some(w.id());
    linked.work_order_code = Some(w.wo.code.clone());
    linked.automatic = true;
    let w = commit_ok(
        s,
        w.then(
            Event::Visit {
                change: VisitChange::Created,
                visit: linked.clone(),
            },
            t0(),
        ),
        0,
    )
    .await;
    assert_eq!(w.wo.visit.as_ref(), Some(&linked));

    let got: BTreeSet<VisitId> = s
        .visits_between(&p, from, to)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect();
    let expected: BTreeSet<VisitId> = [&inside, &overlaps_start, &checked_in, &linked]
        .into_iter()
        .map(|v| v.id.clone())
        .collect();
    assert_eq!(got, expected);

    assert_eq!(s.visit(&linked.id).await.unwrap(), Some(linked.clone()));
    assert_eq!(s.visit(&VisitId(unique("v-"))).await.unwrap(), None);

    // Replacing a manual visit; and the work order moving its visit moves the projection.
    let mut renamed = inside.clone();
    renamed.visitor = "Kim Ode".into();
    s.save_manual_visit(&renamed).await.unwrap();
    assert_eq!(s.visit(&inside.id).await.unwrap(), Some(renamed));
    let mut moved = linked.clone();
    moved.expected = Some(window(to + mins(60), 30));
    commit_ok(
        s,
        w.then(
            Event::Visit {
                change: VisitChange::Moved,
                visit: moved.clone(),
            },
            t0() + mins(5),
        ),
        0,
    )
    .await;
    assert_eq!(s.visit(&linked.id).await.unwrap(), Some(moved));
    assert!(
        !s.visits_between(&p, from, to)
            .await
            .unwrap()
            .iter()
            .any(|v| v.id == linked.id)
    );
}

pub async fn opt_outs_are_recorded_and_withdrawn(s: &dyn Store) {
    let phone = unique_phone();
    let other = unique_phone();
    assert!(!s.opted_out().await.unwrap().contains(&phone));
    s.set_opted_out(&phone, true).await.unwrap();
    s.set_opted_out(&phone, true).await.unwrap();
    s.set_opted_out(&other, true).await.unwrap();
    let out = s.opted_out().await.unwrap();
    assert!(out.contains(&phone) && out.contains(&other));
    s.set_opted_out(&phone, false).await.unwrap();
    s.set_opted_out(&phone, false).await.unwrap();
    let out = s.opted_out().await.unwrap();
    assert!(!out.contains(&phone) && out.contains(&other));
    assert!(!s.is_opted_out(&phone).await.unwrap());
    assert!(s.is_opted_out(&other).await.unwrap());
}

// ---------------------------------------------------------------------------------------------
// Timers

/// How the contract sees which timers exist (the `Timers` port itself only writes).
#[async_trait]
pub trait TimerProbe: Send + Sync {
    async fn pending(&self) -> Vec<TimerSpec>;
}

pub fn wo_timer(
    wo: &WorkOrderId,
    kind: TimerKind,
    generation: u32,
    at: DateTime<Utc>,
) -> TimerSpec {
    TimerSpec {
        zone: None,
        name: timer_name(wo, kind, generation),
        at,
        target: TimerTarget::WorkOrder {
            work_order: wo.clone(),
            kind,
            generation,
        },
    }
}

async fn named(probe: &dyn TimerProbe, prefix: &str) -> Vec<TimerSpec> {
    probe
        .pending()
        .await
        .into_iter()
        .filter(|t| t.name.starts_with(prefix))
        .collect()
}

pub async fn setting_a_timer_twice_keeps_one_timer(t: &dyn Timers, probe: &dyn TimerProbe) {
    let wo = WorkOrderId(unique("wo-"));
    let first = wo_timer(&wo, TimerKind::AcceptTimeout, 1, t0() + mins(30));
    t.set(&first).await.unwrap();
    t.set(&first).await.unwrap();
    // The name is the identity: a second set under the same name does not move the timer.
    let moved = TimerSpec {
        zone: None,
        at: t0() + mins(90),
        ..first.clone()
    };
    t.set(&moved).await.unwrap();
    assert_eq!(named(probe, &first.name).await, [first]);
}

pub async fn a_replaced_timer_has_a_new_name_and_the_old_one_is_cancelled(
    t: &dyn Timers,
    probe: &dyn TimerProbe,
) {
    let wo = WorkOrderId(unique("wo-"));
    let prefix = timer_name(&wo, TimerKind::ScheduleNudge, 0);
    let prefix = prefix.trim_end_matches('0');
    let gen1 = wo_timer(&wo, TimerKind::ScheduleNudge, 1, t0() + mins(60));
    let gen2 = wo_timer(&wo, TimerKind::ScheduleNudge, 2, t0() + mins(120));
    assert_ne!(gen1.name, gen2.name);
    t.set(&gen1).await.unwrap();
    t.set(&gen2).await.unwrap();
    assert_eq!(named(probe, prefix).await.len(), 2);
    t.cancel(&gen1.name).await.unwrap();
    assert_eq!(named(probe, prefix).await, std::slice::from_ref(&gen2));
    t.cancel(&gen2.name).await.unwrap();
    assert!(named(probe, prefix).await.is_empty());
}

pub async fn cancelling_a_missing_timer_is_fine(t: &dyn Timers, probe: &dyn TimerProbe) {
    let name = unique("wo-nothing-");
    t.cancel(&name).await.unwrap();
    let recurring = TimerSpec {
        zone: None,
        name: name.clone(),
        at: t0(),
        target: TimerTarget::Recurring {
            template: "hvac-filter".into(),
            occurrence: t0(),
        },
    };
    t.set(&recurring).await.unwrap();
    assert_eq!(named(probe, &name).await, [recurring]);
    t.cancel(&name).await.unwrap();
    t.cancel(&name).await.unwrap();
    assert!(named(probe, &name).await.is_empty());
}
