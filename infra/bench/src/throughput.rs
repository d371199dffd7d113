//! Local throughput: several clients at once against one local instance, first submitting
//! requests through the JSON API (each answered once its vendor offer is sent), then running
//! whole lifecycles — the form, the vendor's acceptance and slot, arrival, done, invoice and
//! the PM's close — each step through the shared workflow step every Lambda handler runs,
//! followed by delivering what it queued, as the outbox function does. Around each phase it
//! reads what SQLite did (`mendwork_embedded::store_work`: transactions committed, statements
//! run, WAL bytes appended), so the figure comes with its cause.

use anyhow::{Context, ensure};
use chrono::{DateTime, Duration as Span, Utc};
use mendwork_app::{App, Exec};
use mendwork_domain::{Actor, Command, Money, Status, VendorId, WorkOrderId};
use mendwork_embedded::{StoreWork, store_work};
use mendwork_local::{Options, start};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What one throughput run measured.
pub struct Throughput {
    /// Clients running at once.
    pub clients: usize,
    /// Requests submitted, and the wall time they took together.
    pub submissions: usize,
    pub submissions_wall: Duration,
    /// Lifecycles run from the form to closed, and the wall time they took together.
    pub lifecycles: usize,
    pub lifecycles_wall: Duration,
    /// What SQLite did during the submissions, and during the lifecycles (each lifecycle's
    /// own submission included; the runner's background tick too, as it runs in production).
    pub submissions_work: StoreWork,
    pub lifecycles_work: StoreWork,
}

/// SQLite's work per unit (a submission, a lifecycle).
#[derive(Debug, Clone, Copy)]
pub struct PerUnit {
    pub commits: f64,
    pub statements: f64,
    pub wal_kb: f64,
    /// WAL checkpoints the store's background thread ran (none run on a commit's path).
    pub checkpoints: f64,
}

impl PerUnit {
    fn of(work: StoreWork, units: usize) -> PerUnit {
        let n = units.max(1) as f64;
        PerUnit {
            commits: work.commits as f64 / n,
            statements: work.statements as f64 / n,
            wal_kb: work.wal_bytes() as f64 / 1024.0 / n,
            checkpoints: work.checkpoints as f64 / n,
        }
    }

    /// As the bench's JSON reports it.
    pub fn json(&self) -> Value {
        json!({
            "transactions_committed": self.commits,
            "statements": self.statements,
            "wal_kb": self.wal_kb,
            "background_checkpoints": self.checkpoints,
        })
    }
}

impl Throughput {
    /// Requests submitted per second.
    pub fn submissions_per_second(&self) -> f64 {
        self.submissions as f64 / self.submissions_wall.as_secs_f64().max(1e-9)
    }

    /// Whole lifecycles per second.
    pub fn lifecycles_per_second(&self) -> f64 {
        self.lifecycles as f64 / self.lifecycles_wall.as_secs_f64().max(1e-9)
    }

    /// SQLite's work per submission.
    pub fn per_submission(&self) -> PerUnit {
        PerUnit::of(self.submissions_work, self.submissions)
    }

    /// SQLite's work per lifecycle.
    pub fn per_lifecycle(&self) -> PerUnit {
        PerUnit::of(self.lifecycles_work, self.lifecycles)
    }
}

/// Request `i`: its own unit, tenant phone and two hours of availability, so that one vendor
/// can take every job without a clash and no tenant hears of another's.
fn request(i: usize, start: DateTime<Utc>) -> Value {
    let from = start + Span::days(1) + Span::hours(2 * i as i64);
    json!({
        "property": "maple-court",
        "unit": format!("T{i}"),
        "tenant": {"name": "Bench Tenant", "phone": format!("+1718556{:04}", i % 10_000)},
        "description": "Kitchen sink leaking under the cabinet",
        "availability": [{"start": from.to_rfc3339(), "end": (from + Span::hours(2)).to_rfc3339()}],
    })
}

/// Submits request `i` through the JSON API; the work order and the vendor it was offered to.
async fn submit(
    http: &reqwest::Client,
    base: &str,
    i: usize,
    clock: DateTime<Utc>,
) -> anyhow::Result<(WorkOrderId, VendorId)> {
    let res = http
        .post(format!("{base}/api/work-orders"))
        .json(&request(i, clock))
        .send()
        .await
        .context("submitting a request")?;
    ensure!(
        res.status().as_u16() == 201,
        "creating a work order: {}",
        res.status()
    );
    let wo: Value = res.json().await.context("reading the work order")?;
    let id = wo["id"].as_str().context("a work order id")?.to_string();
    let vendor = wo["offer"]["vendor"]
        .as_str()
        .context("an offer out when the request answered")?
        .to_string();
    Ok((WorkOrderId(id), VendorId(vendor)))
}

/// The rest of a lifecycle after the offer: each step committed, then its messages delivered.
async fn finish(app: &App, id: &WorkOrderId, vendor: &VendorId) -> anyhow::Result<()> {
    let steps = [
        Command::Accept {
            vendor: vendor.clone(),
        },
        Command::ChooseSlot {
            vendor: vendor.clone(),
            slot: 1,
        },
        Command::Arrived {
            by: Actor::Vendor(vendor.clone()),
        },
        Command::Done {
            vendor: vendor.clone(),
            notes: Some("replaced the trap".into()),
            photos: vec![],
        },
        Command::Invoice {
            vendor: vendor.clone(),
            amount: Money::from_dollars(180),
            reference: Some("INV-1".into()),
            file: None,
        },
        Command::Close {
            by: Actor::Pm("bench".into()),
        },
    ];
    let mut last = None;
    for command in steps {
        let done = app
            .execute(id, command, Exec::default())
            .await
            .with_context(|| format!("a step of {id}"))?;
        ensure!(!done.events.is_empty(), "a step of {id} did nothing");
        last = Some(done.wo.status);
        app.drain().await.context("delivering the outbox")?;
    }
    ensure!(
        last == Some(Status::Closed),
        "{id} ended {last:?}, not closed"
    );
    Ok(())
}

/// Runs `clients` at once until `count` jobs are taken, each job by `job(i)`; the wall time.
async fn together<F, Fut>(clients: usize, count: usize, job: F) -> anyhow::Result<Duration>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let (job, next) = (job.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<(), anyhow::Error>(());
                }
                job(i).await?;
            }
        }));
    }
    for t in tasks {
        t.await.context("a client stopped")??;
    }
    Ok(began.elapsed())
}

/// Submits `submissions` requests with `clients` at once, then runs `lifecycles` whole
/// lifecycles the same way, on one fresh local instance. No submissions leaves the lifecycles
/// alone in the run (for counting their instructions under a profiler).
pub async fn measure(
    submissions: usize,
    lifecycles: usize,
    clients: usize,
) -> anyhow::Result<Throughput> {
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let clock = DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")?.with_timezone(&Utc);
    let running = start(Options {
        clock_start: Some(clock),
        ..Options::new(dir.path().join("throughput.db"))
    })
    .await?;
    let base = running.base_url.clone();
    let http = mendwork_app::https::client_builder().build()?;

    let (b, h) = (base.clone(), http.clone());
    let before = store_work();
    let submissions_wall = together(clients, submissions, move |i| {
        let (b, h) = (b.clone(), h.clone());
        async move { submit(&h, &b, i, clock).await.map(|_| ()) }
    })
    .await?;

    let between = store_work();
    let app = running.app.clone();
    let lifecycles_wall = together(clients, lifecycles, move |i| {
        let (b, h, app) = (base.clone(), http.clone(), app.clone());
        async move {
            let (id, vendor) = submit(&h, &b, submissions + i, clock).await?;
            finish(&app, &id, &vendor).await
        }
    })
    .await?;
    let after = store_work();
    running.shutdown().await;
    Ok(Throughput {
        clients,
        submissions,
        submissions_wall,
        lifecycles,
        lifecycles_wall,
        submissions_work: between.since(before),
        lifecycles_work: after.since(between),
    })
}
