//! `seed`: writes a realistic history (see `mendwork_local::seed`) into a local store file, so
//! pages and benchmarks can be tried at the size of years of a portfolio:
//! `cargo run -p mendwork-local --bin seed -- --work-orders 50000 --years 5`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Parser;
use mendwork_app::ports::{Clock, SystemClock};
use mendwork_domain::config::parse_portfolio;
use mendwork_embedded::SqliteStore;
use mendwork_local::SAMPLE_PORTFOLIO;
use mendwork_local::seed::{Plan, write_history};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(name = "seed")]
struct Args {
    /// How many work orders.
    #[arg(long, default_value_t = 50_000)]
    work_orders: usize,
    /// Over how many years, ending now (or at --end).
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// The store file (created if missing; the history is added to what it holds).
    #[arg(long, default_value = "mendwork-local.db")]
    db: PathBuf,
    /// Portfolio YAML whose properties and vendors the work orders use. Default: the sample.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The end of the history (RFC 3339). Default: now.
    #[arg(long)]
    end: Option<DateTime<Utc>>,
    /// Work orders younger than this many days are still open.
    #[arg(long, default_value_t = 30)]
    open_days: i64,
    /// Another seed gives other ids and another draw.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let portfolio = match &args.config {
        Some(p) => mendwork_domain::config::load_portfolio(p)
            .with_context(|| format!("reading {}", p.display()))?,
        None => parse_portfolio(SAMPLE_PORTFOLIO, "sample-portfolio.yaml")?,
    };
    let store = SqliteStore::open(&args.db).context("opening the store")?;
    let plan = Plan {
        work_orders: args.work_orders,
        years: args.years,
        end: args.end.unwrap_or_else(|| SystemClock.now()),
        open_days: args.open_days,
        seed: args.seed,
    };
    let began = Instant::now();
    let written = write_history(&store, &portfolio, &plan, |n| {
        if n.is_multiple_of(5_000) {
            eprintln!("{n} work orders…");
        }
    })
    .await
    .context("writing a work order")?;
    println!(
        "wrote {written} work orders over {} years into {} in {:.1} s",
        args.years,
        args.db.display(),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}
