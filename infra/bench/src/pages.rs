//! What a page costs as the history grows: DynamoDB read requests and read units of the PM
//! queue's and the work-order list's pages, and of the metrics page (its projection rows for
//! the default 90 days), on moto, with the newest 1,000 work orders of a generated history
//! stored, then with all of it (the older part added behind them). An SDK interceptor on the
//! store's client counts both ([`Billing`]); the store itself does not count.

use anyhow::Context;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::{Commit, WorkOrderQueries, WorkOrders};
use mendwork_app::queries::{DEFAULT_PAGE, Listing};
use mendwork_aws::{Billing, DynamoStore};
use mendwork_domain::Status;
use mendwork_domain::booking::CalendarChange;
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::metrics::Weeks;
use mendwork_local::SAMPLE_PORTFOLIO;
use mendwork_local::seed::{Plan, history};

/// The cost of one view: read requests and read units.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub requests: f64,
    pub units: f64,
}

/// Each view's cost with the small history and with the whole one.
pub struct Measured {
    pub views: Vec<(&'static str, Cost, Cost)>,
    pub small: usize,
    pub whole: usize,
}

fn views() -> Vec<(&'static str, Listing, bool)> {
    vec![
        ("PM queue page", Listing::Queue { property: None }, false),
        (
            "PM queue, second page",
            Listing::Queue { property: None },
            true,
        ),
        (
            "work-order list page",
            Listing::Newest {
                status: None,
                property: None,
            },
            false,
        ),
        (
            "closed work orders page",
            Listing::Newest {
                status: Some(Status::Closed),
                property: None,
            },
            false,
        ),
    ]
}

/// The metrics page's view: the default period, 90 days to the history's end.
const METRICS_VIEW: &str = "metrics page (90 days)";
const METRICS_DAYS: i64 = 90;

async fn cost_of(
    s: &DynamoStore,
    billing: &Billing,
    end: DateTime<Utc>,
) -> anyhow::Result<Vec<Cost>> {
    let mut out = Vec::new();
    for (_, listing, second) in views() {
        let after = if second {
            s.page(&listing, None, DEFAULT_PAGE).await?.next
        } else {
            None
        };
        let before = billing.usage();
        s.page(&listing, after.as_ref(), DEFAULT_PAGE).await?;
        let now = billing.usage();
        out.push(Cost {
            requests: (now.read_requests - before.read_requests) as f64,
            units: now.read_units - before.read_units,
        });
    }
    let before = billing.usage();
    let rows = s
        .read(&Weeks::covering(end - Duration::days(METRICS_DAYS), end))
        .await?;
    anyhow::ensure!(!rows.is_empty(), "the metrics page read no row");
    let now = billing.usage();
    out.push(Cost {
        requests: (now.read_requests - before.read_requests) as f64,
        units: now.read_units - before.read_units,
    });
    Ok(out)
}

/// Stores the newest `small` of a `whole`-work-order, five-year history on a fresh table,
/// measures, adds the rest and measures again.
pub async fn measure(endpoint: &str, small: usize, whole: usize) -> anyhow::Result<Measured> {
    let sdk = mendwork_handlers::dev::test_sdk(endpoint).await;
    let billing = Billing::default();
    let client = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk)
            .interceptor(billing.clone())
            .build(),
    );
    let table = "bench-pages";
    mendwork_aws::create_table(&client, table)
        .await
        .context("creating the table")?;
    let store = DynamoStore::new(client, table);
    let portfolio = parse_portfolio(SAMPLE_PORTFOLIO, "sample-portfolio.yaml")?;
    let plan = Plan {
        work_orders: whole,
        years: 5,
        end: Utc
            .with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
            .single()
            .context("the history's end")?,
        open_days: 30,
        seed: 7,
    };
    let all: Vec<_> = history(&portfolio, &plan).collect();
    let split = all.len().saturating_sub(small);
    let (older, newest) = all.split_at(split);
    let mut closed = Vec::new();
    for (wo, events) in newest {
        if wo.status.is_final() {
            closed.push((wo.clone(), events.clone()));
            continue;
        }
        store
            .commit(Commit {
                wo: wo.clone(),
                expected_version: 0,
                events: events.clone(),
                outbox: vec![],
                idempotency_key: None,
                calendar: CalendarChange::between(None, wo),
                metrics: mendwork_domain::metrics::deltas(None, wo),
            })
            .await
            .context("committing an open work order")?;
    }
    store.import_closed(&closed).await?;
    let at_small = cost_of(&store, &billing, plan.end).await?;
    eprintln!(
        "pages: {} work orders stored; adding {} older…",
        newest.len(),
        older.len()
    );
    for chunk in older.chunks(500) {
        store.import_closed(chunk).await?;
    }
    let at_whole = cost_of(&store, &billing, plan.end).await?;
    Ok(Measured {
        views: views()
            .into_iter()
            .map(|(name, _, _)| name)
            .chain([METRICS_VIEW])
            .zip(at_small.into_iter().zip(at_whole))
            .map(|(name, (a, b))| (name, a, b))
            .collect(),
        small: newest.len(),
        whole: all.len(),
    })
}
