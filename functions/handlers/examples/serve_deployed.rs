//! Serves the `intake` function's router — the deployed configuration, attachments in S3 — on
//! 127.0.0.1 against an AWS API endpoint such as moto's server, after creating what the stack
//! would and loading the sample portfolio ([`mendwork_handlers::dev::provision`]). The browser
//! tests use it to drive what exists only when deployed (photos uploaded by the page's script
//! straight to the bucket) in a real browser. Not a Lambda function, and nothing here is
//! deployed: in AWS, API Gateway and Lambda serve this router.
//!
//! ```sh
//! moto_server -H 127.0.0.1 -p 5000 &
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 cargo run -p mendwork-handlers --example serve_deployed -- --port 8090
//! ```
//!
//! Moto's dummy credentials and region are used; the endpoint must be a test one.

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Parser;
use mendwork_app::ports::FrozenClock;
use mendwork_aws::Aws;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 8090)]
    port: u16,
    /// The AWS API endpoint (moto's server).
    #[arg(long, env = "AWS_ENDPOINT_URL")]
    endpoint: String,
    /// The portfolio to load. Default: the sample.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Freeze the workflow's time at this RFC 3339 instant (the browser tests do, so that
    /// quiet hours and reminders do not depend on the hour they run at). Default: real time.
    #[arg(long, value_parser = parse_instant)]
    clock_start: Option<DateTime<Utc>>,
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 instant: {e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .context("binding the port")?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let sdk = mendwork_handlers::dev::test_sdk(&args.endpoint).await;
    let portfolio = args.config.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/sample-portfolio.yaml")
    });
    let run = format!("{:08x}", rand::random::<u32>());
    let cfg = mendwork_handlers::dev::provision(&sdk, &run, &base_url, &portfolio)
        .await
        .context("creating the deployment's resources")?;
    let mut aws = Aws::connect_with(&sdk, cfg).await.context("connecting")?;
    if let Some(start) = args.clock_start {
        aws = aws.with_clock(Arc::new(FrozenClock(start)));
    }
    let router = mendwork_handlers::http::intake_router(&aws);
    println!(
        "serving the deployed router on {base_url} (AWS API at {})",
        args.endpoint
    );
    axum::serve(listener, router).await.context("serving")?;
    Ok(())
}
