//! Standing the world up: the stack's resources on a fresh moto, the sample portfolio loaded
//! by the load-config code, the functions' cold start through the recording proxy; and every
//! recorded call checked against the grants template.yaml gives its function.

use super::super::moto::Moto;
use super::super::proxy::Proxy;
use super::super::template::Template;
use super::{
    ACCOUNT, BASE_URL, BUCKET, GROUP, ORIGINATION, REGION, SENDER, TABLE, TestClock, World,
    function_arn,
};
use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{Credentials, Region};
use chrono::{DateTime, Utc};
use lambda_runtime::{Context, LambdaEvent};
use mendwork_app::LinkSigner;
use mendwork_app::ports::Clock;
use mendwork_aws::{Aws, AwsConfig};
use mendwork_handlers::load_config;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

impl World {
    /// A fresh deployment on its own moto, its clock at `start`; `None` when the moto tests are
    /// skipped.
    pub async fn start(test: &str, start: DateTime<Utc>) -> Option<World> {
        World::start_with(test, start, |_| {}).await
    }

    /// [`World::start`] with the sample portfolio changed by `edit` before it is loaded.
    pub async fn start_with(
        test: &str,
        start: DateTime<Utc>,
        edit: impl FnOnce(&mut mendwork_domain::Portfolio),
    ) -> Option<World> {
        if super::super::moto::skipped(test) {
            return None;
        }
        let moto = Moto::start().await;
        // Dummy credentials and moto's endpoint, passed explicitly (not through the process
        // environment): moto routes requests by the signature's service.
        let sdk = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .endpoint_url(&moto.endpoint)
            .load()
            .await;

        // What the stack creates.
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        mendwork_aws::create_table(&dynamodb, TABLE).await.unwrap();
        aws_sdk_scheduler::Client::new(&sdk)
            .create_schedule_group()
            .name(GROUP)
            .send()
            .await
            .unwrap();
        aws_sdk_sesv2::Client::new(&sdk)
            .create_email_identity()
            .email_identity("mendwork.example")
            .send()
            .await
            .unwrap();
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        )
        .create_bucket()
        .bucket(BUCKET)
        .send()
        .await
        .unwrap();
        let secret: String = (0..64)
            .map(|i| char::from(b'a' + ((i * 7 + 3) % 26) as u8))
            .collect();
        let secret_arn = aws_sdk_secretsmanager::Client::new(&sdk)
            .create_secret()
            .name("mendwork-test-links")
            .secret_string(secret.clone())
            .send()
            .await
            .unwrap()
            .arn
            .unwrap();
        let cfg = AwsConfig {
            table: TABLE.into(),
            scheduler_group: GROUP.into(),
            scheduler_role_arn: format!("arn:aws:iam::{ACCOUNT}:role/mendwork-scheduler"),
            accept_target_arn: function_arn("accept-timeout"),
            followup_target_arn: function_arn("followups"),
            recurring_target_arn: function_arn("recurring"),
            sender: SENDER.into(),
            origination_number: Some(ORIGINATION.into()),
            link_secret_arn: secret_arn,
            base_url: BASE_URL.into(),
            file_bucket: Some(BUCKET.into()),
            webhook_secrets_arn: None,
            buildium_secret_arn: None,
        };

        // The documented command's code loads the sample portfolio.
        let args = load_config::Args {
            portfolio: super::super::template::repo_root().join("infra/sample-portfolio.yaml"),
            table: Some(TABLE.into()),
            scheduler_group: Some(GROUP.into()),
            scheduler_role_arn: Some(cfg.scheduler_role_arn.clone()),
            recurring_target_arn: Some(cfg.recurring_target_arn.clone()),
            check: false,
            backfill: false,
        };
        let mut portfolio = load_config::read(&args).unwrap();
        edit(&mut portfolio);
        let target = load_config::schedule_target(&args);
        let loaded = load_config::load(&sdk, TABLE, target.as_ref(), &portfolio, start)
            .await
            .unwrap();
        assert_eq!(loaded.properties, portfolio.properties.len());

        // What every function does at cold start, through the recording proxy, then the test
        // clock. The SDK's standard retries, with a short first backoff so that injected
        // throttling does not make the tests slow.
        let proxy = Proxy::start(&moto.endpoint).await;
        let through_proxy = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .endpoint_url(&proxy.endpoint)
            .retry_config(
                aws_config::retry::RetryConfig::standard()
                    .with_initial_backoff(std::time::Duration::from_millis(20)),
            )
            .load()
            .await;
        proxy.running(Some("start"));
        let aws = Aws::connect_with(&through_proxy, cfg.clone())
            .await
            .unwrap();
        proxy.running(None);
        let clock = TestClock(Arc::new(Mutex::new(start)));
        let mut app = aws.app();
        app.clock = Arc::new(clock.clone());
        // Links are signed and checked on the same (test) clock, as local mode does.
        app.links =
            Arc::new(LinkSigner::new(secret.as_bytes(), BASE_URL, app.clock.clone()).unwrap());
        // Only `intake` has the bucket; its router is the others' plus attachments, so one
        // router answers for all four HTTP functions here.
        let files = aws.files().map(|f| f as Arc<dyn mendwork_app::Files>);
        let router = mendwork_handlers::http::router_with_files(app.clone(), files);
        let world = World {
            moto,
            sdk,
            proxy,
            checked: Mutex::new(0),
            cfg,
            aws,
            app,
            router,
            clock,
            template: Template::load(),
            seen: Mutex::new(BTreeSet::new()),
            sequence: AtomicU64::new(1),
            fired: Mutex::new(BTreeSet::new()),
            occurrences: Mutex::new(HashMap::new()),
            redeliver: AtomicBool::new(false),
            by_hand: AtomicBool::new(false),
            session: Mutex::new(None),
            bearer: Mutex::new(None),
        };
        // The recurring schedules the loader set are there already; nothing else is.
        let names: Vec<String> = world
            .schedules()
            .await
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert!(
            names
                .iter()
                .all(|n| n.starts_with(mendwork_aws::RECURRING_PREFIX)),
            "only recurring schedules after the load: {names:?}"
        );
        Some(world)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// From now on the test plays the table's stream itself (requests and timers no longer
    /// deliver what they committed).
    pub fn stream_by_hand(&self) {
        self.by_hand.store(true, Ordering::SeqCst);
    }

    /// From now on every stream batch reaches its consumer twice.
    pub fn deliver_streams_twice(&self) {
        self.redeliver.store(true, Ordering::SeqCst);
    }

    pub fn context(&self) -> Context {
        Context::default()
    }

    /// The `sweeper` function, as its schedule invokes it.
    pub async fn sweep(&self) -> mendwork_app::sweep::Swept {
        let lambda = LambdaEvent::new(json!({}), self.context());
        self.proxy.running(Some("sweeper"));
        let swept = mendwork_handlers::sweeper(&self.app, lambda)
            .await
            .unwrap_or_else(|d| panic!("sweeper failed: {} {}", d.error_type, d.error_message));
        self.proxy.running(None);
        self.check_granted();
        swept
    }

    /// Checks every call recorded since the last check against the grants template.yaml gives
    /// the function that made it: the action, on the items (by partition-key pattern), the
    /// indexes or elsewhere. Cold-start calls hold for every function.
    pub fn check_granted(&self) {
        let calls = self.proxy.calls();
        let mut checked = self.checked.lock().unwrap();
        for call in &calls[*checked..] {
            let resources: Vec<String> = match call.function.as_str() {
                "start" => self
                    .template
                    .functions()
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect(),
                f => vec![function_resource(f)],
            };
            for r in resources {
                let grants = self.template.grants(self.template.resource(&r));
                let allowed = if call.index {
                    grants.indexes.contains(&call.action)
                        || call.key.as_ref().is_some_and(|name| {
                            grants
                                .one_index
                                .contains(&(call.action.clone(), name.clone()))
                        })
                } else if call.action.starts_with("dynamodb:") {
                    let key = call.key.as_deref().unwrap_or("");
                    grants.items.iter().any(|(a, pattern)| {
                        *a == call.action && mendwork_aws::iam::key_matches(pattern, key)
                    })
                } else {
                    grants.other.contains(&call.action)
                };
                assert!(
                    allowed,
                    "{r} called {} on {:?}{} but template.yaml does not grant it (see \
                     mendwork_aws::iam)",
                    call.action,
                    call.key,
                    if call.index { " (an index)" } else { "" }
                );
            }
        }
        *checked = calls.len();
    }
}

/// The template resource of a function by its short name (`sms-inbound` → `SmsInboundFunction`).
pub fn function_resource(short: &str) -> String {
    let camel: String = short
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    format!("{camel}Function")
}
