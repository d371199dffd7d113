//! `mendwork-local`: runs Mendwork on 127.0.0.1 in one process and prints where to go.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::Parser;
use mendwork_app::deliveries::Secrets;
use mendwork_local::{Options, start};
use std::path::PathBuf;

/// Mendwork in one process: the tenant form, the pages, the PM view, the visitor desk and the
/// harness API, on an embedded store with a virtual clock. Nothing is sent for real: every
/// message is recorded and shown at /dev/messages.
#[derive(Parser, Debug)]
#[command(name = "mendwork-local", version)]
struct Args {
    /// Portfolio YAML (properties, vendors, rules, policies). Default: the built-in sample.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The embedded store file; created if missing, reused (with its virtual time) if not.
    #[arg(long, default_value = "mendwork-local.db")]
    db: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Freeze the virtual clock at this instant (RFC 3339) for a new store; time then moves
    /// only through POST /dev/clock. Without it, virtual time follows the wall clock.
    #[arg(long)]
    clock_start: Option<DateTime<Utc>>,
    /// A JSON file of the webhook endpoints' signing secrets, by endpoint name:
    /// `{"pms": "whsec_…"}`, or two during a rotation `{"pms": ["whsec_new", "whsec_old"]}`.
    /// Kept out of the portfolio file, which is shared.
    #[arg(long)]
    webhook_secrets: Option<PathBuf>,
    /// A JSON file with Buildium's address and API key: `{"base_url": "https://api.buildium.com",
    /// "client_id": "…", "client_secret": "…"}`. With it, Buildium's resident requests and work
    /// orders are polled every minute and the work orders made from them report back.
    #[arg(long)]
    buildium: Option<PathBuf>,
    /// Rebuild the metrics projection from every work order's timeline before serving (a store
    /// whose history predates the projection is rebuilt at open anyway; this forces it).
    #[arg(long)]
    rebuild_metrics: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let args = Args::parse();
    let webhook_secrets = match &args.webhook_secrets {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the webhook secrets {}", path.display()))?;
            Secrets::parse(&text)
                .with_context(|| format!("reading the webhook secrets {}", path.display()))?
        }
        None => Secrets::default(),
    };
    let buildium = match &args.buildium {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the Buildium settings {}", path.display()))?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("reading the Buildium settings {}", path.display()))?,
            )
        }
        None => None,
    };
    if args.rebuild_metrics {
        let store = mendwork_embedded::SqliteStore::open(&args.db)
            .with_context(|| format!("opening the store {}", args.db.display()))?;
        let began = std::time::Instant::now();
        let n = store
            .rebuild_metrics()
            .context("rebuilding the metrics projection")?;
        println!(
            "Rebuilt the metrics of {n} work orders from their timelines in {:.1} s.",
            began.elapsed().as_secs_f64()
        );
    }
    let running = start(Options {
        config: args.config,
        db: args.db.clone(),
        port: args.port,
        clock_start: args.clock_start,
        webhook_secrets,
        buildium,
    })
    .await?;
    let u = &running.base_url;
    println!(
        "Mendwork is running locally (store: {}).",
        args.db.display()
    );
    println!();
    println!("  Tenant form      {u}/report");
    println!("  PM view          {u}/pm");
    println!("  Visitor desk     {u}/desk");
    println!("  Messages sent    {u}/dev/messages");
    println!("  Harness API      POST {u}/dev/sms, POST {u}/dev/clock, GET {u}/dev/outbox");
    println!();
    println!("Press Ctrl-C to stop; the store keeps everything for next time.");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = running.wait() => {}
    }
    Ok(())
}
