//! `mendwork-load-config`: the one command that puts a portfolio into a deployment — it checks
//! the YAML (every mistake reported with file, path and line), writes it to the table (vendor
//! phone items and the versioned portfolio item, idempotently) and reconciles the recurring
//! templates' `cron()` schedules (one per active template, dropped ones deleted). The stack's
//! `LoadConfigCommand` output prints it with every flag filled in.

use aws_config::SdkConfig;
use clap::Parser;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_aws::{AwsError, SchedulerTargets, SchedulerTimers};
use mendwork_domain::Portfolio;
use mendwork_domain::config::load_portfolio;
use std::path::PathBuf;

/// Loads a portfolio YAML into a deployed Mendwork and sets its recurring schedules.
///
/// Credentials and region come from the usual AWS sources (environment, ~/.aws profiles).
#[derive(Debug, Clone, Parser)]
#[command(name = "mendwork-load-config", version)]
pub struct Args {
    /// The portfolio YAML (properties, vendors, companies, rules, policies, recurring).
    pub portfolio: PathBuf,
    /// The stack's DynamoDB table (output TableName).
    #[arg(long, env = "MENDWORK_TABLE", required_unless_present = "check")]
    pub table: Option<String>,
    /// The schedule group of the timers (output ScheduleGroupName).
    #[arg(long, env = "MENDWORK_SCHEDULER_GROUP")]
    pub scheduler_group: Option<String>,
    /// The role schedules run as (output SchedulerRoleArn).
    #[arg(long, env = "MENDWORK_SCHEDULER_ROLE_ARN")]
    pub scheduler_role_arn: Option<String>,
    /// The recurring function (output RecurringFunctionArn).
    #[arg(long, env = "MENDWORK_RECURRING_TARGET_ARN")]
    pub recurring_target_arn: Option<String>,
    /// Only check the YAML; touch nothing in AWS.
    #[arg(long)]
    pub check: bool,
    /// Also bring work orders stored by an older version up to date: first the page-index
    /// keys (lists, queue), then the metrics projection (from their timelines). Safe while the
    /// stack runs; a second run changes nothing. Run it once after upgrading a deployment.
    #[arg(long, alias = "backfill-metrics")]
    pub backfill: bool,
}

/// Where recurring schedules go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleTarget {
    pub group: String,
    pub role_arn: String,
    pub recurring_arn: String,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub properties: usize,
    pub vendors: usize,
    /// Recurring templates now armed as a cron schedule.
    pub recurring_scheduled: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The YAML is wrong; the message says where and what.
    #[error("{0}")]
    Config(String),
    #[error(
        "the portfolio has {0} active recurring template(s): give --scheduler-group, \
         --scheduler-role-arn and --recurring-target-arn (the stack's LoadConfigCommand output \
         has them all)"
    )]
    NoScheduleTarget(usize),
    #[error("writing the portfolio to the table")]
    Store(#[source] AwsError),
    #[error("setting the recurring schedules")]
    Schedules(#[source] AwsError),
    #[error("bringing older work orders up to date (page-index keys, metrics)")]
    Backfill(#[source] mendwork_app::ports::StoreError),
}

/// Reads and checks the portfolio file.
pub fn read(args: &Args) -> Result<Portfolio, LoadError> {
    let portfolio =
        load_portfolio(&args.portfolio).map_err(|e| LoadError::Config(e.to_string()))?;
    // What only a deployment refuses: a webhook endpoint it could not reach.
    let file = args.portfolio.display();
    let problems: Vec<String> = mendwork_domain::endpoints::deployed_problems(&portfolio.webhooks)
        .into_iter()
        .map(|(path, message)| format!("{file}: {path}: {message}"))
        .collect();
    if !problems.is_empty() {
        return Err(LoadError::Config(problems.join("\n")));
    }
    Ok(portfolio)
}

/// The schedule target the flags give, if all three are there.
pub fn schedule_target(args: &Args) -> Option<ScheduleTarget> {
    Some(ScheduleTarget {
        group: args.scheduler_group.clone()?,
        role_arn: args.scheduler_role_arn.clone()?,
        recurring_arn: args.recurring_target_arn.clone()?,
    })
}

/// Writes the portfolio to `table` and sets the recurring schedules. Idempotent: loading the
/// same file again changes nothing, and a template's schedule is created once.
pub async fn load(
    sdk: &SdkConfig,
    table: &str,
    target: Option<&ScheduleTarget>,
    portfolio: &Portfolio,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Loaded, LoadError> {
    let active = portfolio
        .recurring
        .iter()
        .filter(|t| t.active.unwrap_or(true))
        .count();
    if active > 0 && target.is_none() {
        return Err(LoadError::NoScheduleTarget(active));
    }
    let dynamo = aws_sdk_dynamodb::Client::new(sdk);
    mendwork_aws::load_portfolio(&dynamo, table, portfolio)
        .await
        .map_err(LoadError::Store)?;
    let recurring_scheduled = match target {
        Some(t) => {
            let timers = SchedulerTimers::new(
                aws_sdk_scheduler::Client::new(sdk),
                SchedulerTargets {
                    group: t.group.clone(),
                    role_arn: t.role_arn.clone(),
                    // Only recurring templates are set here; work-order timers are the
                    // outbox's, with the deployment's own targets.
                    accept_arn: t.recurring_arn.clone(),
                    followup_arn: t.recurring_arn.clone(),
                    recurring_arn: t.recurring_arn.clone(),
                },
            );
            mendwork_aws::ensure_recurring_schedules(&timers, portfolio, now)
                .await
                .map_err(LoadError::Schedules)?
        }
        None => 0,
    };
    Ok(Loaded {
        properties: portfolio.properties.len(),
        vendors: portfolio.vendors.len(),
        recurring_scheduled,
    })
}

/// The command: check, then (unless `--check`) load with the ambient AWS configuration.
pub async fn run(args: Args) -> Result<String, LoadError> {
    let portfolio = read(&args)?;
    let file = args.portfolio.display();
    let Some(table) = args.table.as_deref().filter(|_| !args.check) else {
        return Ok(format!(
            "{file}: OK ({} properties, {} vendors, {} recurring templates)",
            portfolio.properties.len(),
            portfolio.vendors.len(),
            portfolio.recurring.len()
        ));
    };
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let loaded = load(
        &sdk,
        table,
        schedule_target(&args).as_ref(),
        &portfolio,
        SystemClock.now(),
    )
    .await?;
    let mut done = format!(
        "{file} loaded into {table}: {} properties, {} vendors; {} recurring schedule(s) set",
        loaded.properties, loaded.vendors, loaded.recurring_scheduled
    );
    if args.backfill {
        let store =
            mendwork_aws::DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table.to_string());
        // Page keys first: the metrics backfill finds work orders through the page index.
        let indexed = store
            .backfill_page_keys()
            .await
            .map_err(LoadError::Backfill)?;
        let n = store
            .backfill_metrics()
            .await
            .map_err(LoadError::Backfill)?;
        done.push_str(&format!(
            "; {indexed} work order(s) given their page-index keys, {n} brought into the \
             metrics from their timelines"
        ));
    }
    Ok(done)
}
