//! Mendwork's AWS adapters: the ports of `mendwork_app` on DynamoDB ([`DynamoStore`]),
//! EventBridge Scheduler ([`SchedulerTimers`]), SES v2 ([`SesMailer`]), SNS ([`SnsTexter`]) and
//! S3 for attached files ([`S3Files`]), with the portfolio read from the table ([`TableDirectory`]) and the link secret from Secrets
//! Manager. A Lambda function builds one [`Aws`] per container ([`Aws::connect`], or
//! [`Aws::connect_serving`] for the HTTP functions, which never carry out the outbox) and runs
//! the same workflow steps as local mode on [`Aws::app`].
//!
//! The table design is documented in [`schema`]; the delivery guarantees of the senders in
//! [`senders`]; how timers map to schedules in [`timers`].

pub mod api_keys;
pub mod billing;
mod calendar;
pub mod deliveries;
pub mod directory;
mod error;
pub mod files;
pub mod iam;
mod import;
mod item;
pub mod limits;
mod metrics;
mod pages;
pub mod pms_cursors;
pub mod schema;
pub mod secrets;
pub mod senders;
mod store;
pub mod streams;
pub mod timers;
pub mod tls;
mod upgrade;

pub use api_keys::DynamoApiKeys;
/// The DynamoDB client the adapters take, for tools that build one adapter alone.
pub use aws_sdk_dynamodb::Client as DynamoClient;
pub use billing::{Billing, KindUsage, Usage};
pub use deliveries::DynamoDeliveries;
pub use directory::{
    StoredPortfolio, TableDirectory, load_portfolio, read_portfolio, store_portfolio,
    vendor_of_phone,
};
pub use error::AwsError;
pub use files::S3Files;
pub use item::item_size;
pub use limits::DynamoLimits;
pub use pms_cursors::DynamoPmsCursors;
pub use schema::create_table;
pub use senders::{Claim, SentGuard, SesMailer, SnsTexter};
pub use store::DynamoStore;
pub use streams::{StreamedRecord, outbox_records, streamed_outbox_records};
pub use timers::{
    RECURRING_PREFIX, SCHEDULED_TIME, SchedulerTargets, SchedulerTimers, TimerFunction,
    at_expression, aws_cron, ensure_recurring_schedules, recurring_input, recurring_schedule_name,
    schedule_name, schedule_name_of, timer_input, timer_target,
};

use mendwork_app::deliveries::{HttpSender, Secrets, Webhooks};
use mendwork_app::pms::buildium::Buildium;
use mendwork_app::pms::{Pms, Unavailable};
pub use mendwork_app::ports::SystemClock;
use mendwork_app::ports::{
    Clock, ConfigurationFault, Delivery, Mailer, StoreError, Texter, TimerSpec, Timers,
};
use mendwork_app::webhooks_http::ReqwestSender;
use mendwork_app::{App, LinkSigner, RandomIds};
use mendwork_domain::{EmailMessage, Portfolio, SmsMessage, WorkOrderId};
use std::sync::Arc;

/// Where a deployment's resources are, from the function's environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsConfig {
    pub table: String,
    pub scheduler_group: String,
    pub scheduler_role_arn: String,
    pub accept_target_arn: String,
    pub followup_target_arn: String,
    pub recurring_target_arn: String,
    /// The verified SES identity mail comes from.
    pub sender: String,
    /// The SMS origination number (E.164); `None` lets SNS choose.
    pub origination_number: Option<String>,
    /// The Secrets Manager secret holding the link-signing key (at least 32 bytes).
    pub link_secret_arn: String,
    /// The public base URL of the web function, without a trailing slash.
    pub base_url: String,
    /// The bucket of attached files (photos, invoices); `None` turns attachments off.
    pub file_bucket: Option<String>,
    /// The Secrets Manager secret holding the webhook endpoints' signing secrets (JSON, see
    /// `mendwork_app::deliveries::Secrets::parse`); only the functions that send webhooks
    /// have it. `None`: no endpoint has a secret, and nothing is signed or sent.
    pub webhook_secrets_arn: Option<String>,
    /// The Secrets Manager secret holding Buildium's credentials (JSON, see
    /// [`secrets::buildium_config`]); only the functions that talk to Buildium have it (the
    /// poll, and the outbox and sweeper, which store and send its updates). `None`: no PMS
    /// is connected.
    pub buildium_secret_arn: Option<String>,
}

impl AwsConfig {
    /// Reads `MENDWORK_TABLE`, `MENDWORK_SCHEDULER_GROUP`, `MENDWORK_SCHEDULER_ROLE_ARN`,
    /// `MENDWORK_ACCEPT_TARGET_ARN`, `MENDWORK_FOLLOWUP_TARGET_ARN`,
    /// `MENDWORK_RECURRING_TARGET_ARN`, `MENDWORK_SENDER`, `MENDWORK_LINK_SECRET_ARN`,
    /// `MENDWORK_BASE_URL` (all required: the first missing or empty one is named in the error)
    /// and `MENDWORK_ORIGINATION_NUMBER`, `MENDWORK_FILE_BUCKET` and
    /// `MENDWORK_WEBHOOK_SECRETS_ARN` and `MENDWORK_BUILDIUM_SECRET_ARN` (optional).
    pub fn from_env() -> Result<AwsConfig, AwsError> {
        AwsConfig::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`AwsConfig::from_env`] over any variable source (for tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<AwsConfig, AwsError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let need = |k: &'static str| get(k).ok_or(AwsError::MissingEnv(k));
        Ok(AwsConfig {
            table: need("MENDWORK_TABLE")?,
            scheduler_group: need("MENDWORK_SCHEDULER_GROUP")?,
            scheduler_role_arn: need("MENDWORK_SCHEDULER_ROLE_ARN")?,
            accept_target_arn: need("MENDWORK_ACCEPT_TARGET_ARN")?,
            followup_target_arn: need("MENDWORK_FOLLOWUP_TARGET_ARN")?,
            recurring_target_arn: need("MENDWORK_RECURRING_TARGET_ARN")?,
            sender: need("MENDWORK_SENDER")?,
            origination_number: get("MENDWORK_ORIGINATION_NUMBER"),
            link_secret_arn: need("MENDWORK_LINK_SECRET_ARN")?,
            base_url: need("MENDWORK_BASE_URL")?.trim_end_matches('/').to_string(),
            file_bucket: get("MENDWORK_FILE_BUCKET"),
            webhook_secrets_arn: get("MENDWORK_WEBHOOK_SECRETS_ARN"),
            buildium_secret_arn: get("MENDWORK_BUILDIUM_SECRET_ARN"),
        })
    }

    /// The environment variables [`AwsConfig::from_env`] reads back as this configuration
    /// (what the template gives every function), for starting a function binary by hand.
    pub fn to_env(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("MENDWORK_TABLE", self.table.clone()),
            ("MENDWORK_SCHEDULER_GROUP", self.scheduler_group.clone()),
            (
                "MENDWORK_SCHEDULER_ROLE_ARN",
                self.scheduler_role_arn.clone(),
            ),
            ("MENDWORK_ACCEPT_TARGET_ARN", self.accept_target_arn.clone()),
            (
                "MENDWORK_FOLLOWUP_TARGET_ARN",
                self.followup_target_arn.clone(),
            ),
            (
                "MENDWORK_RECURRING_TARGET_ARN",
                self.recurring_target_arn.clone(),
            ),
            ("MENDWORK_SENDER", self.sender.clone()),
            ("MENDWORK_LINK_SECRET_ARN", self.link_secret_arn.clone()),
            ("MENDWORK_BASE_URL", self.base_url.clone()),
        ];
        if let Some(n) = &self.origination_number {
            v.push(("MENDWORK_ORIGINATION_NUMBER", n.clone()));
        }
        if let Some(b) = &self.file_bucket {
            v.push(("MENDWORK_FILE_BUCKET", b.clone()));
        }
        if let Some(w) = &self.webhook_secrets_arn {
            v.push(("MENDWORK_WEBHOOK_SECRETS_ARN", w.clone()));
        }
        if let Some(b) = &self.buildium_secret_arn {
            v.push(("MENDWORK_BUILDIUM_SECRET_ARN", b.clone()));
        }
        v
    }

    /// The scheduler part of the configuration.
    pub fn scheduler_targets(&self) -> SchedulerTargets {
        SchedulerTargets {
            group: self.scheduler_group.clone(),
            role_arn: self.scheduler_role_arn.clone(),
            accept_arn: self.accept_target_arn.clone(),
            followup_arn: self.followup_target_arn.clone(),
            recurring_arn: self.recurring_target_arn.clone(),
        }
    }
}

/// Everything a function needs, built once per container: SDK clients, the configuration,
/// the portfolio and the link key as read at cold start.
///
/// The outbox's adapters (SES, SNS, Scheduler) and the file bucket's are added by
/// [`Aws::delivering`] and [`Aws::with_files`], not built by [`Aws::connect_serving`]: a
/// function that never calls them neither builds their clients at cold start nor, once linked
/// with LTO, carries their SDKs in its binary (the adapters are reached only through these
/// two methods, and stored as the ports they implement).
pub struct Aws {
    sdk: aws_config::SdkConfig,
    config: AwsConfig,
    dynamodb: aws_sdk_dynamodb::Client,
    store: Arc<DynamoStore>,
    /// The scheduler's adapter itself, when [`Aws::delivering`] built it (see [`Aws::timers`]).
    scheduler: Option<Arc<SchedulerTimers>>,
    timers: Arc<dyn Timers>,
    mailer: Arc<dyn Mailer>,
    texter: Arc<dyn Texter>,
    directory: Arc<TableDirectory>,
    links: Arc<LinkSigner>,
    files: Option<Arc<S3Files>>,
    clock: Arc<dyn Clock>,
    webhooks: Webhooks,
}

/// The SDK configuration a function runs on: the default chain (which honours
/// `AWS_ENDPOINT_URL`, e.g. for moto) over the HTTPS client of [`tls`] (compiled-in roots).
pub async fn sdk_config() -> Result<aws_config::SdkConfig, AwsError> {
    Ok(aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(tls::https_client()?)
        .load()
        .await)
}

impl Aws {
    /// Everything a function may use ([`Aws::connect_with`]) on [`sdk_config`].
    pub async fn connect(cfg: AwsConfig) -> Result<Aws, AwsError> {
        Aws::connect_with(&sdk_config().await?, cfg).await
    }

    /// What an HTTP function uses ([`Aws::serving_with`]) on [`sdk_config`].
    pub async fn connect_serving(cfg: AwsConfig) -> Result<Aws, AwsError> {
        Aws::serving_with(&sdk_config().await?, cfg).await
    }

    /// Every adapter: [`Aws::serving_with`], then the outbox's ([`Aws::delivering`]) and the
    /// file bucket's ([`Aws::with_files`]). Tests pass moto's endpoint and dummy credentials
    /// in `sdk` rather than through the process environment.
    pub async fn connect_with(
        sdk: &aws_config::SdkConfig,
        cfg: AwsConfig,
    ) -> Result<Aws, AwsError> {
        Aws::serving_with(sdk, cfg).await?.delivering().with_files()
    }

    /// The adapters of a function that serves requests and leaves the outbox to the table's
    /// stream: the store and its neighbours on DynamoDB, the link key, the portfolio and the
    /// webhook secrets (read side by side, once), the PMS if the function has one. Its
    /// mailer, texter and timers refuse with a configuration fault (the deployment sent it
    /// outbox work), and it has no file bucket.
    pub async fn serving_with(
        sdk: &aws_config::SdkConfig,
        cfg: AwsConfig,
    ) -> Result<Aws, AwsError> {
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let sm = aws_sdk_secretsmanager::Client::new(sdk);
        let webhook_secrets = async {
            match &cfg.webhook_secrets_arn {
                Some(arn) => secrets::webhook_secrets(&sm, arn).await.map(Some),
                None => Ok(None),
            }
        };
        let (secret, portfolio, webhook_secrets) = tokio::try_join!(
            secrets::link_secret(&sm, &cfg.link_secret_arn),
            read_portfolio(&dynamodb, &cfg.table),
            webhook_secrets,
        )?;
        let portfolio = portfolio.ok_or_else(|| {
            AwsError::Invalid(format!(
                "table {} holds no portfolio: run the config loader first",
                cfg.table
            ))
        })?;
        let mut aws = Aws::assemble(sdk, cfg, dynamodb, &secret, portfolio.portfolio)?;
        if let Some(secrets) = webhook_secrets {
            aws = aws.with_webhook_secrets(secrets);
        }
        if let Some(arn) = aws.config.buildium_secret_arn.clone() {
            aws = aws.with_pms(buildium(&sm, &arn).await);
        }
        Ok(aws)
    }

    /// The same adapters carrying out the outbox: SES for mail, SNS for texts, EventBridge
    /// Scheduler for timers (the stream and timer functions, the sweeper).
    pub fn delivering(mut self) -> Aws {
        let guard = SentGuard::new(self.dynamodb.clone(), self.config.table.clone());
        let scheduler = Arc::new(
            SchedulerTimers::new(
                aws_sdk_scheduler::Client::new(&self.sdk),
                self.config.scheduler_targets(),
            )
            .with_portfolio(self.portfolio()),
        );
        self.timers = scheduler.clone();
        self.scheduler = Some(scheduler);
        self.mailer = Arc::new(SesMailer::new(
            aws_sdk_sesv2::Client::new(&self.sdk),
            guard.clone(),
            self.config.sender.clone(),
        ));
        self.texter = Arc::new(SnsTexter::new(
            aws_sdk_sns::Client::new(&self.sdk),
            guard,
            self.config.origination_number.clone(),
        ));
        self
    }

    /// The same adapters with the deployment's file bucket, when it has one
    /// (`MENDWORK_FILE_BUCKET`); without one, attachments stay off.
    pub fn with_files(mut self) -> Result<Aws, AwsError> {
        if let Some(bucket) = &self.config.file_bucket {
            self.files = Some(Arc::new(S3Files::new(&self.sdk, bucket)?));
        }
        Ok(self)
    }

    /// The same adapters with `pms` connected: its updates are stored and sent as deliveries
    /// of their own ([`Aws::pms`] is what the poll pulls from).
    pub fn with_pms(mut self, pms: Arc<dyn Pms>) -> Aws {
        self.webhooks.pms = Some(pms);
        self
    }

    /// The connected PMS, if this function has one.
    pub fn pms(&self) -> Option<Arc<dyn Pms>> {
        self.webhooks.pms.clone()
    }

    /// The PMS pull's cursors, on the table.
    pub fn pms_cursors(&self) -> DynamoPmsCursors {
        DynamoPmsCursors::new(self.dynamodb.clone(), self.config.table.clone())
    }

    /// The same adapters signing webhooks with `secrets`.
    pub fn with_webhook_secrets(mut self, secrets: Secrets) -> Aws {
        self.webhooks.secrets = Arc::new(secrets);
        self
    }

    /// The same adapters posting webhooks through `sender` (tests: a receiver on loopback,
    /// which the deployed sender, `https://` only, refuses).
    pub fn with_webhook_sender(mut self, sender: Arc<dyn HttpSender>) -> Aws {
        self.webhooks.sender = sender;
        self
    }

    /// Builds the adapters of [`Aws::serving_with`] from parts already read.
    pub fn assemble(
        sdk: &aws_config::SdkConfig,
        cfg: AwsConfig,
        dynamodb: aws_sdk_dynamodb::Client,
        link_secret: &[u8],
        portfolio: Portfolio,
    ) -> Result<Aws, AwsError> {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let links = LinkSigner::new(link_secret, &cfg.base_url, clock.clone())
            .map_err(|e| AwsError::Invalid(format!("the secret {}: {e}", cfg.link_secret_arn)))?;
        let sender = ReqwestSender::new(true)
            .map_err(|e| AwsError::Invalid(format!("building the webhook sender: {e}")))?;
        let mut webhooks = Webhooks::new(
            Arc::new(DynamoDeliveries::new(dynamodb.clone(), cfg.table.clone())),
            Arc::new(sender),
            Secrets::default(),
        );
        // The sweeper sends them (within its five minutes): the outbox function's batch of
        // emails and texts never waits for a receiver.
        webhooks.attempt_at_once = false;
        Ok(Aws {
            sdk: sdk.clone(),
            webhooks,
            files: None,
            store: Arc::new(DynamoStore::new(dynamodb.clone(), cfg.table.clone())),
            scheduler: None,
            timers: Arc::new(OutboxElsewhere),
            mailer: Arc::new(OutboxElsewhere),
            texter: Arc::new(OutboxElsewhere),
            directory: Arc::new(TableDirectory::new(portfolio)),
            links: Arc::new(links),
            dynamodb,
            config: cfg,
            clock,
        })
    }

    /// The same adapters with the workflow (and its links) on `clock` instead of the system
    /// clock: a frozen clock makes tests and demos independent of the hour they run at.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Aws {
        self.links = Arc::new(self.links.with_clock(clock.clone()));
        self.clock = clock;
        self
    }

    /// The workflow steps on these adapters.
    pub fn app(&self) -> App {
        App {
            work_orders: self.store.clone(),
            lookups: self.store.clone(),
            outbox: self.store.clone(),
            keys: self.store.clone(),
            visits: self.store.clone(),
            opt_outs: self.store.clone(),
            queries: self.store.clone(),
            metrics: self.store.clone(),
            timers: self.timers.clone(),
            mailer: self.mailer.clone(),
            texter: self.texter.clone(),
            clock: self.clock.clone(),
            directory: self.directory.clone(),
            ids: Arc::new(RandomIds),
            links: self.links.clone(),
            limits: Arc::new(DynamoLimits::new(
                self.dynamodb.clone(),
                self.config.table.clone(),
            )),
            webhooks: self.webhooks.clone(),
            api_keys: Arc::new(DynamoApiKeys::new(
                self.dynamodb.clone(),
                self.config.table.clone(),
            )),
        }
    }

    pub fn store(&self) -> Arc<DynamoStore> {
        self.store.clone()
    }

    /// The scheduler's adapter, when these adapters carry out the outbox
    /// ([`Aws::delivering`]).
    pub fn timers(&self) -> Option<Arc<SchedulerTimers>> {
        self.scheduler.clone()
    }

    /// The attached files' bucket, when the deployment has one.
    pub fn files(&self) -> Option<Arc<S3Files>> {
        self.files.clone()
    }

    pub fn config(&self) -> &AwsConfig {
        &self.config
    }

    pub fn dynamodb(&self) -> &aws_sdk_dynamodb::Client {
        &self.dynamodb
    }

    /// The portfolio read at cold start.
    pub fn portfolio(&self) -> Arc<Portfolio> {
        mendwork_app::ports::Directory::portfolio(self.directory.as_ref())
    }
}

/// The mailer, texter and timers of a function that does not carry out the outbox (the HTTP
/// functions: the table's stream delivers what they commit). Never called when deployed as
/// the template wires it; if it is, the deployment sent outbox work to the wrong function, and
/// the refusal is a configuration fault (the record stays pending for the sweeper).
struct OutboxElsewhere;

impl OutboxElsewhere {
    fn refuse(during: &str) -> StoreError {
        StoreError::new(
            "this function does not carry out the outbox (the table's stream does)",
            ConfigurationFault {
                code: "OutboxElsewhere".into(),
                during: during.into(),
            },
        )
    }
}

#[async_trait::async_trait]
impl Mailer for OutboxElsewhere {
    async fn send(
        &self,
        _id: &str,
        _work_order: Option<&WorkOrderId>,
        _email: &EmailMessage,
    ) -> Result<Delivery, StoreError> {
        Err(OutboxElsewhere::refuse("sending an email"))
    }
}

#[async_trait::async_trait]
impl Texter for OutboxElsewhere {
    async fn send(
        &self,
        _id: &str,
        _work_order: Option<&WorkOrderId>,
        _sms: &SmsMessage,
    ) -> Result<Delivery, StoreError> {
        Err(OutboxElsewhere::refuse("sending a text"))
    }
}

#[async_trait::async_trait]
impl Timers for OutboxElsewhere {
    async fn set(&self, _timer: &TimerSpec) -> Result<(), StoreError> {
        Err(OutboxElsewhere::refuse("setting a timer"))
    }
    async fn cancel(&self, _name: &str) -> Result<(), StoreError> {
        Err(OutboxElsewhere::refuse("cancelling a timer"))
    }
}

/// Buildium on the credentials of the secret `arn`. Credentials that cannot be read (no
/// such secret, no permission, a malformed value) are logged — what is wrong, never the value
/// — and give a PMS that refuses every call with that reason: the function still starts (the
/// outbox's emails and texts do not wait on Buildium), each poll fails loudly and each update
/// waits in the delivery log, retried, until the secret is fixed and the function restarts.
async fn buildium(sm: &aws_sdk_secretsmanager::Client, arn: &str) -> Arc<dyn Pms> {
    let made = secrets::buildium_config(sm, arn).await.and_then(|config| {
        Buildium::new(config).map_err(|e| AwsError::Invalid(format!("the Buildium client: {e}")))
    });
    match made {
        Ok(b) => Arc::new(b) as Arc<dyn Pms>,
        Err(e) => {
            tracing::error!(secret = %arn, error = %mendwork_app::redact::chain(&e), "the Buildium credentials cannot be used: polls fail and updates wait in the pms:buildium delivery log until the secret is fixed");
            Arc::new(Unavailable::new(
                "buildium",
                format!(
                    "the Buildium credentials in the secret {arn} cannot be used (see the function's log)"
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("MENDWORK_TABLE", "mendwork"),
            ("MENDWORK_SCHEDULER_GROUP", "mendwork"),
            ("MENDWORK_SCHEDULER_ROLE_ARN", "arn:aws:iam::1:role/s"),
            (
                "MENDWORK_ACCEPT_TARGET_ARN",
                "arn:aws:lambda:r:1:function:a",
            ),
            (
                "MENDWORK_FOLLOWUP_TARGET_ARN",
                "arn:aws:lambda:r:1:function:f",
            ),
            (
                "MENDWORK_RECURRING_TARGET_ARN",
                "arn:aws:lambda:r:1:function:r",
            ),
            ("MENDWORK_SENDER", "Mendwork <noreply@example.com>"),
            (
                "MENDWORK_LINK_SECRET_ARN",
                "arn:aws:secretsmanager:r:1:secret:l",
            ),
            ("MENDWORK_BASE_URL", "https://example.com/"),
        ])
    }

    #[test]
    fn the_configuration_comes_from_the_environment() {
        let vars = env();
        let cfg = AwsConfig::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(cfg.table, "mendwork");
        assert_eq!(cfg.base_url, "https://example.com");
        assert_eq!(cfg.origination_number, None);
        assert_eq!(cfg.file_bucket, None);
        let mut with = env();
        with.insert("MENDWORK_ORIGINATION_NUMBER", "+15550100");
        let cfg = AwsConfig::from_lookup(|k| with.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(cfg.origination_number.as_deref(), Some("+15550100"));
    }

    #[test]
    fn a_configuration_reads_back_from_its_environment() {
        let vars = env();
        let mut cfg = AwsConfig::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        cfg.file_bucket = Some("files".into());
        cfg.origination_number = Some("+15550100".into());
        cfg.buildium_secret_arn = Some("arn:aws:secretsmanager:r:1:secret:b".into());
        let written: HashMap<&str, String> = cfg.to_env().into_iter().collect();
        let back = AwsConfig::from_lookup(|k| written.get(k).cloned()).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn a_missing_variable_is_named() {
        for missing in env().keys() {
            let mut vars = env();
            vars.insert(missing, " ");
            let err = AwsConfig::from_lookup(|k| vars.get(k).map(|v| v.to_string()))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(missing), "{missing}: {err}");
        }
    }
}
