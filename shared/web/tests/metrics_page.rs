//! The metrics page against the embedded adapters: it shows the projection the commits built
//! (charts, tables, the period in whole weeks) and reads neither a work order nor a timeline.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use async_trait::async_trait;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use mendwork_app::Exec;
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::{
    Commit, CommitError, Keys, ListFilter, Lookups, OptOuts, Outbox, OutboxRecord, StoreError,
    Stored, TenantHistory, Visits, WorkOrders,
};
use mendwork_domain::decide::Recorded;
use mendwork_domain::metrics::{MetricRow, Weeks};
use mendwork_domain::{
    Actor, Command, JobCode, Phone, PropertyId, VendorId, Visit, VisitId, Window, WorkOrder,
    WorkOrderId,
};
use mendwork_embedded::{ClockMode, SqliteStore};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use support::{TestApp, app, create_body, start};

async fn created(t: &TestApp, body: &str) -> WorkOrderId {
    let a = t.post_json("/api/work-orders", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    WorkOrderId(a.json()["id"].as_str().unwrap().to_string())
}

/// Moves the clock to `minutes` after the start and fires the timers due by then, in order
/// (as the local runner's clock does).
async fn at(t: &TestApp, minutes: i64) {
    let to = start() + Duration::minutes(minutes);
    let timers = t.store.timers();
    while let Some(spec) = timers.next_due(to).unwrap() {
        if spec.at > t.app.now() {
            t.store
                .clock()
                .set_mode(ClockMode::Frozen(spec.at))
                .unwrap();
        }
        t.app.fire(&spec.target).await.unwrap();
        timers.remove(&spec.name).unwrap();
        t.app.drain().await.unwrap();
    }
    t.store.clock().set_mode(ClockMode::Frozen(to)).unwrap();
}

async fn run(t: &TestApp, id: &WorkOrderId, c: Command) {
    t.app.execute(id, c, Exec::default()).await.unwrap();
    t.app.drain().await.unwrap();
}

/// Two jobs for Pat: one done at the first visit, one whose appointment he missed.
async fn two_jobs(t: &TestApp) {
    let pat = VendorId("pat-plumbing".into());
    let done = created(t, &create_body()).await;
    let later = create_body()
        .replace("T14:00:00Z", "T17:00:00Z")
        .replace("T16:00:00Z", "T19:00:00Z");
    let missed = created(t, &later).await;
    at(t, 30).await;
    for id in [&done, &missed] {
        run(
            t,
            id,
            Command::Accept {
                vendor: pat.clone(),
            },
        )
        .await;
        run(
            t,
            id,
            Command::ChooseSlot {
                vendor: pat.clone(),
                slot: 1,
            },
        )
        .await;
    }
    // The first appointment (10 March, 14:00–16:00 UTC): Pat comes and fixes it.
    at(t, 8 * 24 * 60 - 60).await;
    let by = Actor::Vendor(pat.clone());
    run(t, &done, Command::Arrived { by }).await;
    run(
        t,
        &done,
        Command::Done {
            vendor: pat.clone(),
            notes: None,
            photos: vec![],
        },
    )
    .await;
    // The second (17:00–19:00) passes with nobody there; the outcome question an hour later
    // (moved out of quiet hours) is what counts it.
    at(t, 9 * 24 * 60).await;
}

#[tokio::test]
async fn the_metrics_page_shows_the_projection_with_charts_and_tables() {
    let t = app();
    two_jobs(&t).await;
    t.sign_in().await;
    let m = t.get("/pm/metrics").await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    assert!(
        m.body.contains("<svg class=\"chart\" id=\"chart-times\""),
        "{}",
        m.body
    );
    assert!(m.body.contains("id=\"chart-acceptance\""));
    assert!(
        m.body.contains("<strong>2</strong> work orders"),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains("<strong id=\"first-time-fix\">100%</strong>"),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains("<strong id=\"no-shows\">1</strong> of 2 appointments"),
        "{}",
        m.body
    );
    // The period is whole weeks: 90 days back from 11 March 2026 is in the week of Monday
    // 8 December 2025.
    assert!(m.body.contains("from Monday 8 December 2025"), "{}", m.body);
    let row_at = m.body.find("data-vendor=\"pat-plumbing\"").unwrap();
    let row = &m.body[row_at..row_at + m.body[row_at..].find("</tr>").unwrap()];
    assert!(row.contains("100%"), "Pat accepted both offers: {row}");
    // Offered at 10:00, accepted at 10:30: the 30–45 minute range, read at its middle.
    assert!(row.contains("34 min"), "{row}");
    assert!(
        row.contains("1 / 2"),
        "one no-show of two appointments: {row}"
    );
}

/// A store that counts the calls made to it, and otherwise is the SQLite one — but for the
/// `conflicts` next creating commits, which it refuses as DynamoDB refuses a transaction
/// that met another on a shared item (`TransactionConflict`: a `Conflict`, nothing written).
#[derive(Clone)]
struct Counting {
    inner: SqliteStore,
    calls: Arc<Mutex<BTreeMap<&'static str, usize>>>,
    conflicts: Arc<Mutex<usize>>,
}

impl Counting {
    fn call(&self, name: &'static str) {
        *self.calls.lock().unwrap().entry(name).or_default() += 1;
    }
    fn calls(&self) -> BTreeMap<&'static str, usize> {
        self.calls.lock().unwrap().clone()
    }
    /// Puts it in front of every store port of `app`.
    fn install(&self, app: &mut mendwork_app::App) {
        app.work_orders = Arc::new(self.clone());
        app.lookups = Arc::new(self.clone());
        app.outbox = Arc::new(self.clone());
        app.keys = Arc::new(self.clone());
        app.visits = Arc::new(self.clone());
        app.opt_outs = Arc::new(self.clone());
    }
}

#[async_trait]
impl TenantHistory for Counting {
    async fn latest_for_tenant_phone(
        &self,
        phone: &Phone,
        limit: usize,
    ) -> Result<Vec<WorkOrder>, StoreError> {
        self.call("latest_for_tenant_phone");
        self.inner.latest_for_tenant_phone(phone, limit).await
    }
}

#[async_trait]
impl WorkOrders for Counting {
    async fn load(&self, id: &WorkOrderId) -> Result<Option<Stored>, StoreError> {
        self.call("load");
        self.inner.load(id).await
    }

    async fn timeline(&self, id: &WorkOrderId) -> Result<Vec<Recorded>, StoreError> {
        self.call("timeline");
        self.inner.timeline(id).await
    }

    async fn commit(&self, commit: Commit) -> Result<(), CommitError> {
        self.call("commit");
        if commit.expected_version == 0 {
            self.call("create");
            let mut left = self.conflicts.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return Err(CommitError::Conflict(commit.wo.id.clone()));
            }
        }
        self.inner.commit(commit).await
    }
}

#[async_trait]
impl Lookups for Counting {
    async fn list(&self, filter: &ListFilter) -> Result<Vec<WorkOrder>, StoreError> {
        self.call("list");
        self.inner.list(filter).await
    }

    async fn open_for_vendor(&self, vendor: &VendorId) -> Result<Vec<WorkOrder>, StoreError> {
        self.call("open_for_vendor");
        self.inner.open_for_vendor(vendor).await
    }

    async fn open_for_tenant_phone(&self, phone: &Phone) -> Result<Vec<WorkOrder>, StoreError> {
        self.call("open_for_tenant_phone");
        self.inner.open_for_tenant_phone(phone).await
    }

    async fn open_by_code(&self, code: &JobCode) -> Result<Option<WorkOrder>, StoreError> {
        self.call("open_by_code");
        self.inner.open_by_code(code).await
    }

    async fn vendor_appointments(
        &self,
        vendor: &VendorId,
    ) -> Result<Vec<(WorkOrderId, Window)>, StoreError> {
        self.call("vendor_appointments");
        self.inner.vendor_appointments(vendor).await
    }
}

#[async_trait]
impl Outbox for Counting {
    async fn commit_outbox(
        &self,
        key: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError> {
        self.call("commit_outbox");
        self.inner.commit_outbox(key, value, outbox).await
    }

    async fn pending_outbox(&self, limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        self.call("pending_outbox");
        self.inner.pending_outbox(limit).await
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        self.call("outbox_done");
        self.inner.outbox_done(id).await
    }
}

#[async_trait]
impl Keys for Counting {
    async fn idempotent(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.call("idempotent");
        self.inner.idempotent(key).await
    }

    async fn remember(&self, key: &str, value: &str) -> Result<(), CommitError> {
        self.call("remember");
        self.inner.remember(key, value).await
    }
}

#[async_trait]
impl Visits for Counting {
    async fn visit(&self, id: &VisitId) -> Result<Option<Visit>, StoreError> {
        self.call("visit");
        self.inner.visit(id).await
    }

    async fn visits_between(
        &self,
        property: &PropertyId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Visit>, StoreError> {
        self.call("visits_between");
        self.inner.visits_between(property, from, to).await
    }

    async fn save_manual_visit(&self, visit: &Visit) -> Result<(), StoreError> {
        self.call("save_manual_visit");
        self.inner.save_manual_visit(visit).await
    }
}

#[async_trait]
impl OptOuts for Counting {
    async fn opted_out(&self) -> Result<BTreeSet<Phone>, StoreError> {
        self.call("opted_out");
        self.inner.opted_out().await
    }

    async fn is_opted_out(&self, phone: &Phone) -> Result<bool, StoreError> {
        self.call("is_opted_out");
        self.inner.is_opted_out(phone).await
    }

    async fn set_opted_out(&self, phone: &Phone, out: bool) -> Result<(), StoreError> {
        self.call("set_opted_out");
        self.inner.set_opted_out(phone, out).await
    }
}

#[async_trait]
impl MetricsProjection for Counting {
    async fn read(&self, weeks: &Weeks) -> Result<Vec<MetricRow>, StoreError> {
        self.call("metrics.read");
        self.inner.read(weeks).await
    }
}

#[tokio::test]
async fn the_metrics_page_reads_the_projection_once_and_no_work_order_or_timeline() {
    // Given the two jobs, and the app's store and projection counting the calls made to them
    let mut t = app();
    two_jobs(&t).await;
    let counting = Counting {
        inner: t.store.clone(),
        calls: Arc::default(),
        conflicts: Arc::default(),
    };
    counting.install(&mut t.app);
    t.app.metrics = Arc::new(counting.clone());
    t.router = mendwork_web::router_with(t.app.clone(), mendwork_web::WebConfig::default());
    t.sign_in().await;
    // When the team opens the metrics page for each period
    for days in [7, 30, 90, 365] {
        let before = counting.calls();
        let m = t.get(&format!("/pm/metrics?days={days}")).await;
        assert_eq!(m.status, StatusCode::OK, "{}", m.body);
        // Then it read the projection once, and no work order, list or timeline: the one
        // other read is the session's (a key lookup of the sign-in)
        let mut during = counting.calls();
        for (name, n) in &before {
            *during.entry(name).or_default() -= n;
        }
        during.retain(|_, n| *n > 0);
        assert_eq!(
            during,
            BTreeMap::from([("idempotent", 1), ("metrics.read", 1)]),
            "{days} days"
        );
    }
}

#[tokio::test]
async fn a_new_work_order_whose_commit_meets_a_conflict_on_a_shared_row_is_committed_on_a_retry() {
    // Given a store whose next two creating commits meet another transaction on a shared
    // metrics row
    let mut t = app();
    let counting = Counting {
        inner: t.store.clone(),
        calls: Arc::default(),
        conflicts: Arc::new(Mutex::new(2)),
    };
    counting.install(&mut t.app);
    t.app.metrics = Arc::new(counting.clone());
    t.router = mendwork_web::router_with(t.app.clone(), mendwork_web::WebConfig::default());
    // When a work order is created
    let id = created(&t, &create_body()).await;
    // Then the third try committed it, once, with its request counted once
    assert_eq!(counting.calls()["create"], 3);
    assert!(t.store.load(&id).await.unwrap().is_some());
    let (summary, _) = t.app.metrics(7).await.unwrap();
    assert_eq!(summary.count(mendwork_domain::metrics::Count::Requests), 1);
}
