//! Serves the `intake` function's router — the deployed configuration, attachments in S3 — on
//! 127.0.0.1 against an AWS API endpoint such as moto's server, after creating what the stack
//! would (table, bucket with CORS, secret, schedule group, sender identity) and loading the
//! sample portfolio. The browser tests use it to drive what exists only when deployed (photos
//! uploaded by the page's script straight to the bucket) in a real browser. Not a Lambda
//! function, and nothing here is deployed: in AWS, API Gateway and Lambda serve this router.
//!
//! ```sh
//! moto_server -H 127.0.0.1 -p 5000 &
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 cargo run -p mendwork-handlers --example serve_deployed -- --port 8090
//! ```
//!
//! Dummy credentials and the region default to moto's usual ones when not set.

use anyhow::Context;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::config::Credentials;
use clap::Parser;
use mendwork_aws::{Aws, AwsConfig};
use mendwork_handlers::load_config;
use std::path::PathBuf;

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
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.clone()))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .endpoint_url(&args.endpoint)
        .load()
        .await;

    let run = format!("{:x}", rand::random::<u32>());
    let table = format!("mendwork-{run}");
    let bucket = format!("mendwork-files-{run}");
    let group = format!("mendwork-{run}");
    mendwork_aws::create_table(&aws_sdk_dynamodb::Client::new(&sdk), &table)
        .await
        .context("creating the table")?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .context("creating the bucket")?;
    let cors = aws_sdk_s3::types::CorsConfiguration::builder()
        .cors_rules(
            aws_sdk_s3::types::CorsRule::builder()
                .allowed_methods("POST")
                .allowed_origins(&base_url)
                .allowed_headers("*")
                .build()
                .context("a CORS rule")?,
        )
        .build()
        .context("the CORS configuration")?;
    s3.put_bucket_cors()
        .bucket(&bucket)
        .cors_configuration(cors)
        .send()
        .await
        .context("setting the bucket's CORS rule")?;
    aws_sdk_scheduler::Client::new(&sdk)
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .context("creating the schedule group")?;
    aws_sdk_sesv2::Client::new(&sdk)
        .create_email_identity()
        .email_identity("mendwork.example")
        .send()
        .await
        .context("verifying the sender")?;
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(format!("mendwork-links-{run}"))
        .secret_string(format!("{run}-a-link-secret-for-this-run-only-0123456789"))
        .send()
        .await
        .context("creating the link secret")?;

    let arn = |name: &str| format!("arn:aws:lambda:{region}:123456789012:function:mendwork-{name}");
    let cfg = AwsConfig {
        table: table.clone(),
        scheduler_group: group.clone(),
        scheduler_role_arn: "arn:aws:iam::123456789012:role/mendwork-scheduler".into(),
        accept_target_arn: arn("accept-timeout"),
        followup_target_arn: arn("followups"),
        recurring_target_arn: arn("recurring"),
        sender: "maintenance@mendwork.example".into(),
        origination_number: Some("+18005550100".into()),
        link_secret_arn: secret.arn().context("the secret's ARN")?.to_string(),
        base_url: base_url.clone(),
        file_bucket: Some(bucket),
    };
    let portfolio = args.config.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/sample-portfolio.yaml")
    });
    let load = load_config::Args {
        portfolio,
        table: Some(table.clone()),
        scheduler_group: Some(group),
        scheduler_role_arn: Some(cfg.scheduler_role_arn.clone()),
        recurring_target_arn: Some(cfg.recurring_target_arn.clone()),
        check: false,
    };
    let portfolio = load_config::read(&load)?;
    let target = load_config::schedule_target(&load);
    load_config::load(
        &sdk,
        &table,
        target.as_ref(),
        &portfolio,
        chrono::Utc::now(),
    )
    .await
    .context("loading the portfolio")?;

    let aws = Aws::connect_with(&sdk, cfg).await.context("connecting")?;
    let router = mendwork_handlers::http::intake_router(&aws);
    println!(
        "serving the deployed router on {base_url} (AWS API at {})",
        args.endpoint
    );
    axum::serve(listener, router).await.context("serving")?;
    Ok(())
}
