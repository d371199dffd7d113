//! What a stack with `BuildiumConnector=enabled` adds to the moto world: the Buildium secret
//! (as the team sets it), the `pms-poll` function's cold start — reading that secret through
//! the recording proxy, checked against its grants — and its scheduled invocation. The world's
//! one `App` plays every function, so connecting Buildium gives the outbox and sweeper the same
//! PMS, as their `MENDWORK_BUILDIUM_SECRET_ARN` does deployed.

use super::aws::{REGION, World};
use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::{Credentials, Region};
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::pms::Pms;
use mendwork_aws::{Aws, DynamoPmsCursors};
use mendwork_handlers::pms::Polled;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

static SECRETS: AtomicU64 = AtomicU64::new(1);

/// The `pms-poll` function's adapters, as its cold start builds them.
pub struct Poller {
    pub pms: Arc<dyn Pms>,
    pub cursors: DynamoPmsCursors,
}

impl World {
    /// Creates the Buildium secret with `value` and starts `pms-poll` on it (its calls checked
    /// as `PmsPollFunction`'s); the outbox and sweeper get the same PMS.
    pub async fn connect_buildium(&mut self, value: &str) -> Poller {
        let n = SECRETS.fetch_add(1, Ordering::SeqCst);
        let arn = aws_sdk_secretsmanager::Client::new(&self.sdk)
            .create_secret()
            .name(format!("mendwork-test-buildium-{n}"))
            .secret_string(value)
            .send()
            .await
            .unwrap()
            .arn
            .unwrap();
        self.start_pms_poll(&arn).await
    }

    /// `pms-poll`'s cold start with `arn` as its `MENDWORK_BUILDIUM_SECRET_ARN` (which may
    /// name no secret at all).
    pub async fn start_pms_poll(&mut self, arn: &str) -> Poller {
        let through_proxy = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .endpoint_url(&self.proxy.endpoint)
            .load()
            .await;
        let mut cfg = self.cfg.clone();
        cfg.buildium_secret_arn = Some(arn.to_string());
        self.proxy.running(Some("pms-poll"));
        let aws = Aws::connect_with(&through_proxy, cfg)
            .await
            .unwrap_or_else(|e| panic!("pms-poll could not start: {e}"));
        self.proxy.running(None);
        self.check_granted();
        let pms = aws.pms().expect("the secret's ARN connects a PMS");
        self.app.webhooks.pms = Some(pms.clone());
        Poller {
            pms,
            cursors: aws.pms_cursors(),
        }
    }

    /// The `pms-poll` function, as its schedule invokes it; then the stream delivers what the
    /// poll committed (triage and the offer, through `dispatch` and `outbox`).
    pub async fn pms_poll(&self, p: &Poller) -> Result<Polled, Diagnostic> {
        let polled = self.pms_poll_alone(p).await;
        self.pump().await;
        polled
    }

    /// The `pms-poll` function's invocation without the stream played after it (for polls that
    /// overlap: two containers invoked side by side).
    pub async fn pms_poll_alone(&self, p: &Poller) -> Result<Polled, Diagnostic> {
        let lambda = LambdaEvent::new(json!({}), self.context());
        self.proxy.running(Some("pms-poll"));
        let polled =
            mendwork_handlers::pms_poll(&self.app, Some(p.pms.as_ref()), &p.cursors, lambda).await;
        self.proxy.running(None);
        self.check_granted();
        polled
    }
}
