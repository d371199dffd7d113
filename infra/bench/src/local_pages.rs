//! Local pages at scale: a generated history of years of a portfolio (`mendwork_local::seed`)
//! written into a fresh embedded store, a local instance started on it, and the PM queue, the
//! work-order list's first page and the metrics page each asked for many times over HTTP, as
//! the signed-in team asks for them: each page's p95.

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use mendwork_domain::config::parse_portfolio;
use mendwork_embedded::SqliteStore;
use mendwork_local::seed::{Plan, write_history};
use mendwork_local::{Options, SAMPLE_PORTFOLIO, start};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The team's address in the sample portfolio, which may sign in.
const TEAM: &str = "maintenance@example.com";

/// The pages measured: what the figure calls each, and its path.
pub const PAGES: [(&str, &str); 3] = [
    ("PM queue", "/pm"),
    ("work-order list, first page", "/api/work-orders?limit=50"),
    ("metrics page (90 days)", "/pm/metrics"),
];

/// Each page's answer times, in the order of [`PAGES`].
pub struct Measured {
    pub work_orders: usize,
    pub seeding: Duration,
    pub pages: Vec<(&'static str, Vec<Duration>)>,
}

/// Writes `work_orders` over five years into a fresh store, then times `rounds` requests of
/// each page (after two unmeasured ones each).
pub async fn measure(work_orders: usize, rounds: usize) -> anyhow::Result<Measured> {
    let dir = tempfile::tempdir().context("a temporary folder")?;
    let db = dir.path().join("history.db");
    let end = DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")?.with_timezone(&Utc);
    let portfolio = parse_portfolio(SAMPLE_PORTFOLIO, "sample-portfolio.yaml")?;
    let began = Instant::now();
    {
        let store = SqliteStore::open(&db).context("opening the store")?;
        let plan = Plan {
            work_orders,
            years: 5,
            end,
            open_days: 30,
            seed: 7,
        };
        write_history(&store, &portfolio, &plan, |_| {})
            .await
            .context("writing the history")?;
    }
    let seeding = began.elapsed();

    let running = start(Options {
        clock_start: Some(end),
        ..Options::new(&db)
    })
    .await?;
    let base = running.base_url.clone();
    let http = mendwork_app::https::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = sign_in(&http, &base).await?;
    let mut pages = Vec::new();
    for (name, path) in PAGES {
        let mut times = Vec::with_capacity(rounds);
        for i in 0..rounds + 2 {
            let sent = Instant::now();
            let res = http
                .get(format!("{base}{path}"))
                .header("cookie", &cookie)
                .send()
                .await
                .with_context(|| format!("asking for {path}"))?;
            let status = res.status();
            let body = res.bytes().await?;
            let took = sent.elapsed();
            ensure!(status.is_success(), "{path} answered {status}");
            ensure!(!body.is_empty(), "{path} answered nothing");
            if i >= 2 {
                times.push(took);
            }
        }
        pages.push((name, times));
    }
    running.shutdown().await;
    Ok(Measured {
        work_orders,
        seeding,
        pages,
    })
}

/// Signs in as the team through the emailed link, as a person does; the session cookie.
async fn sign_in(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let asked = http
        .post(format!("{base}/login"))
        .form(&[("email", TEAM)])
        .send()
        .await
        .context("asking for a sign-in link")?;
    ensure!(
        asked.status().is_success(),
        "asking for a sign-in link: {}",
        asked.status()
    );
    // The email goes out with the outbox, which the runner may deliver just after answering.
    let mut link = None;
    for _ in 0..300 {
        let sent: Value = http
            .get(format!("{base}/dev/outbox?to={TEAM}"))
            .send()
            .await?
            .json()
            .await
            .context("reading the messages sent")?;
        // The newest message carrying a link: the sweep over the history may have written
        // other mail to the team after it (a virtual-time order, not the order of sending).
        link = sent["messages"].as_array().and_then(|m| {
            m.iter().rev().find_map(|m| {
                let body = m["body"].as_str()?;
                let at = body.find("/login/")?;
                body[at..].split_whitespace().next().map(str::to_string)
            })
        });
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let link = link.context("a sign-in link in the team's email")?;
    let signed = http
        .post(format!("{base}{link}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .context("following the sign-in link")?;
    let cookie = signed
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("a session cookie")?;
    Ok(cookie.to_string())
}
