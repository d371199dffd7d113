//! What the stack creates, made by hand on an AWS API endpoint such as moto's server: the table,
//! the file bucket (with the CORS rule of the template), the schedule group, the sender's SES
//! identity and the link secret, then the portfolio loaded by the documented command's code.
//! For local tools only — the browser tests' deployed router (`examples/serve_deployed.rs`) and
//! the benchmarks — never called by a function.

use crate::load_config::{self, LoadError};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_smithy_types::error::display::DisplayErrorContext;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_aws::AwsConfig;
use std::path::Path;

/// SDK configuration for a test endpoint such as moto's: its dummy credentials (moto routes
/// requests by the signature) and `us-east-1`.
pub async fn test_sdk(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// A step of provisioning that failed.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("{what}: {cause}")]
    Aws { what: &'static str, cause: String },
    #[error("loading the portfolio")]
    Load(#[source] LoadError),
}

fn aws<E: std::error::Error>(what: &'static str) -> impl FnOnce(E) -> ProvisionError {
    move |e| ProvisionError::Aws {
        what,
        cause: DisplayErrorContext(&e).to_string(),
    }
}

/// Creates a fresh deployment's resources, named after `run`, whose pages are served at
/// `base_url`, and loads `portfolio` into it. Returns the configuration its functions would
/// read from their environment.
pub async fn provision(
    sdk: &SdkConfig,
    run: &str,
    base_url: &str,
    portfolio: &Path,
) -> Result<AwsConfig, ProvisionError> {
    let region = sdk
        .region()
        .map_or_else(|| "us-east-1".to_string(), |r| r.to_string());
    let (table, bucket, group) = (
        format!("mendwork-{run}"),
        format!("mendwork-files-{run}"),
        format!("mendwork-{run}"),
    );
    mendwork_aws::create_table(&aws_sdk_dynamodb::Client::new(sdk), &table)
        .await
        .map_err(|e| ProvisionError::Aws {
            what: "creating the table",
            cause: e.to_string(),
        })?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(sdk.endpoint_url().is_some())
            .build(),
    );
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .map_err(aws("creating the file bucket"))?;
    let rule = aws_sdk_s3::types::CorsRule::builder()
        .allowed_methods("POST")
        .allowed_origins(base_url)
        .allowed_headers("*")
        .build()
        .map_err(aws("a CORS rule"))?;
    let cors = aws_sdk_s3::types::CorsConfiguration::builder()
        .cors_rules(rule)
        .build()
        .map_err(aws("the CORS configuration"))?;
    s3.put_bucket_cors()
        .bucket(&bucket)
        .cors_configuration(cors)
        .send()
        .await
        .map_err(aws("setting the bucket's CORS rule"))?;
    aws_sdk_scheduler::Client::new(sdk)
        .create_schedule_group()
        .name(&group)
        .send()
        .await
        .map_err(aws("creating the schedule group"))?;
    aws_sdk_sesv2::Client::new(sdk)
        .create_email_identity()
        .email_identity("mendwork.example")
        .send()
        .await
        .map_err(aws("verifying the sender's domain"))?;
    let secret = aws_sdk_secretsmanager::Client::new(sdk)
        .create_secret()
        .name(format!("mendwork-links-{run}"))
        .secret_string(format!("{run}-a-link-secret-for-this-run-only-0123456789"))
        .send()
        .await
        .map_err(aws("creating the link secret"))?;
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
        link_secret_arn: secret
            .arn()
            .ok_or(ProvisionError::Aws {
                what: "creating the link secret",
                cause: "the answer has no ARN".into(),
            })?
            .to_string(),
        base_url: base_url.trim_end_matches('/').to_string(),
        file_bucket: Some(bucket),
        webhook_secrets_arn: None,
        buildium_secret_arn: None,
    };
    let args = load_config::Args {
        portfolio: portfolio.to_path_buf(),
        table: Some(table.clone()),
        scheduler_group: Some(group),
        scheduler_role_arn: Some(cfg.scheduler_role_arn.clone()),
        recurring_target_arn: Some(cfg.recurring_target_arn.clone()),
        check: false,
        backfill: false,
    };
    let loaded = load_config::read(&args).map_err(ProvisionError::Load)?;
    let target = load_config::schedule_target(&args);
    load_config::load(sdk, &table, target.as_ref(), &loaded, SystemClock.now())
        .await
        .map_err(ProvisionError::Load)?;
    Ok(cfg)
}
