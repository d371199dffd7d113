//! Webhook deliveries: each published event becomes one delivery per endpoint that wants it,
//! stored by a [`Deliveries`] adapter and attempted through an [`HttpSender`] — at once, then
//! again on `mendwork_domain::delivery`'s schedule (the sweeper in AWS, the local runner's
//! loop locally) until the receiver answers 2xx or the schedule gives up. Every attempt sends
//! the same body under the same `webhook-id`, with a fresh timestamp and signature.

use crate::ports::{Clock, StoreError, SystemClock};
use crate::steps::{App, AppError};
use crate::webhooks::{WebhookSecret, sign};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_domain::delivery::{Next, Outcome, after_attempt};
use mendwork_domain::outbound::Published;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A new delivery is stored due this long after it is made: its first attempt is made at once
/// by whoever stored it, and the due query must not pick it up meanwhile (a second, concurrent
/// send); if that first attempt is never recorded (the process died), the loop makes it then.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(1);

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt at `next_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The schedule gave up (or the receiver answered 410): shown to the team.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One event on its way to one endpoint.
///
/// Invariant: (`endpoint`, `event_id`) identifies it; `body` never changes after it is put;
/// `next_at` is `Some` exactly while `state` is `Pending`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub endpoint: String,
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub body: String,
    /// When the event was published (the delivery log's order).
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub state: DeliveryState,
    pub next_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status; `None` when it did not answer.
    pub last_status: Option<u16>,
    /// Why the last attempt got no answer (timeout, connection refused…), for the team.
    pub last_error: Option<String>,
}

impl WebhookDelivery {
    /// A delivery of `event` to `endpoint`, due at `due`, not yet attempted.
    pub fn new(
        endpoint: &str,
        event: &Published,
        created_at: DateTime<Utc>,
        due: DateTime<Utc>,
    ) -> WebhookDelivery {
        WebhookDelivery {
            endpoint: endpoint.to_string(),
            event_id: event.id.clone(),
            kind: event.kind.clone(),
            body: event.body.clone(),
            created_at,
            attempts: 0,
            state: DeliveryState::Pending,
            next_at: Some(due),
            last_attempt_at: None,
            last_status: None,
            last_error: None,
        }
    }
}

/// The stored deliveries.
#[async_trait]
pub trait Deliveries: Send + Sync {
    /// Stores a new delivery; `false` (and nothing changed) if one with the same endpoint and
    /// event id exists, so carrying out a publish twice delivers once per endpoint.
    async fn put(&self, delivery: &WebhookDelivery) -> Result<bool, StoreError>;
    /// Pending deliveries whose `next_at` is at or before `now`, soonest first, at most
    /// `limit`: reads those only, not the log.
    async fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// Saves `delivery` after an attempt, only if its stored attempts are still `prior`
    /// (`false`: another worker recorded this attempt first).
    async fn record(&self, delivery: &WebhookDelivery, prior: u32) -> Result<bool, StoreError>;
    /// One endpoint's deliveries, newest first, at most `limit`.
    async fn log(&self, endpoint: &str, limit: usize) -> Result<Vec<WebhookDelivery>, StoreError>;
}

/// The receiver's answer, or why there was none.
pub type Answer = Result<u16, String>;

/// Posts one delivery attempt. Invariant: gives up after a short timeout (an answer that does
/// not come is a failed attempt, retried later), follows no redirect.
#[async_trait]
pub trait HttpSender: Send + Sync {
    async fn post(&self, url: &str, headers: &[(&'static str, String)], body: &str) -> Answer;
}

/// Each endpoint's signing secrets by endpoint name: one, or two during a rotation.
#[derive(Debug, Clone, Default)]
pub struct Secrets(BTreeMap<String, Vec<WebhookSecret>>);

/// Why a secrets document was refused. Never quotes a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "the webhook secrets must be a JSON object of endpoint name to a secret or a list of one or two: {0}"
    )]
    Shape(String),
    #[error("the webhook secret of {endpoint:?}: {problem}")]
    Secret {
        endpoint: String,
        problem: crate::webhooks::SecretError,
    },
    #[error("{0:?} has more than two secrets: keep the new one and the one it replaces")]
    TooMany(String),
}

impl Secrets {
    pub fn new(map: BTreeMap<String, Vec<WebhookSecret>>) -> Secrets {
        Secrets(map)
    }

    /// Reads `{"endpoint": "whsec_…"}` or `{"endpoint": ["whsec_new", "whsec_old"]}`: the
    /// deployment's secret and the local secrets file have this shape.
    pub fn parse(json: &str) -> Result<Secrets, SecretsError> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrTwo {
            One(String),
            Many(Vec<String>),
        }
        let raw: BTreeMap<String, OneOrTwo> =
            serde_json::from_str(json).map_err(|e| SecretsError::Shape(e.to_string()))?;
        let mut out = BTreeMap::new();
        for (endpoint, given) in raw {
            let list = match given {
                OneOrTwo::One(s) => vec![s],
                OneOrTwo::Many(l) => l,
            };
            if list.len() > 2 {
                return Err(SecretsError::TooMany(endpoint));
            }
            let secrets = list
                .iter()
                .map(|s| s.parse::<WebhookSecret>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|problem| SecretsError::Secret {
                    endpoint: endpoint.clone(),
                    problem,
                })?;
            out.insert(endpoint, secrets);
        }
        Ok(Secrets(out))
    }

    /// The secrets of `endpoint` (empty if none are configured).
    pub fn of(&self, endpoint: &str) -> &[WebhookSecret] {
        self.0.get(endpoint).map(Vec::as_slice).unwrap_or_default()
    }
}

/// What webhook delivery runs on.
#[derive(Clone)]
pub struct Webhooks {
    pub deliveries: Arc<dyn Deliveries>,
    pub sender: Arc<dyn HttpSender>,
    pub secrets: Arc<Secrets>,
    /// The real clock, for the signature's timestamp only: receivers compare it with theirs
    /// (the schedule of retries runs on the workflow's clock).
    pub signing_clock: Arc<dyn Clock>,
    /// Whether publishing makes each delivery's first attempt at once (the local runner), or
    /// leaves it due for the next sweep (AWS: a slow receiver must not hold up the outbox's
    /// emails and texts).
    pub attempt_at_once: bool,
    /// The team's PMS, when connected: status changes of the work orders pulled from it go
    /// back to it as deliveries of their own (`crate::pms_sync`), retried like the others.
    pub pms: Option<Arc<dyn crate::pms::Pms>>,
}

impl Webhooks {
    /// Webhooks on these adapters, signing with the real time.
    pub fn new(
        deliveries: Arc<dyn Deliveries>,
        sender: Arc<dyn HttpSender>,
        secrets: Secrets,
    ) -> Webhooks {
        Webhooks {
            deliveries,
            sender,
            secrets: Arc::new(secrets),
            signing_clock: Arc::new(SystemClock),
            attempt_at_once: true,
            pms: None,
        }
    }

    /// No deliveries: for processes that never publish (tests of other parts). Publishing on
    /// it fails, so an event is never dropped silently.
    pub fn off() -> Webhooks {
        Webhooks::new(Arc::new(Off), Arc::new(Off), Secrets::default())
    }
}

struct Off;

#[async_trait]
impl Deliveries for Off {
    async fn put(&self, _: &WebhookDelivery) -> Result<bool, StoreError> {
        Err(StoreError::msg(
            "webhook deliveries are not set up in this process",
        ))
    }
    async fn due(&self, _: DateTime<Utc>, _: usize) -> Result<Vec<WebhookDelivery>, StoreError> {
        Ok(vec![])
    }
    async fn record(&self, _: &WebhookDelivery, _: u32) -> Result<bool, StoreError> {
        Err(StoreError::msg(
            "webhook deliveries are not set up in this process",
        ))
    }
    async fn log(&self, _: &str, _: usize) -> Result<Vec<WebhookDelivery>, StoreError> {
        Ok(vec![])
    }
}

#[async_trait]
impl HttpSender for Off {
    async fn post(&self, _: &str, _: &[(&'static str, String)], _: &str) -> Answer {
        Err("webhooks are not set up in this process".into())
    }
}

impl App {
    /// Carries out a publish: one delivery per endpoint that wants each event, then (with
    /// `attempt_at_once`) a first attempt of each new one. Storing is what must succeed (the outbox retries it); an
    /// attempt that fails is the schedule's to retry.
    pub async fn publish(
        &self,
        events: &[Published],
        published_at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let portfolio = self.portfolio();
        let now = self.now();
        let mut fresh = vec![];
        for event in events {
            for endpoint in portfolio.webhooks.iter().filter(|e| e.wants(&event.kind)) {
                let due = if self.webhooks.attempt_at_once {
                    now + LEASE
                } else {
                    now
                };
                let d = WebhookDelivery::new(&endpoint.name, event, published_at, due);
                if self.webhooks.deliveries.put(&d).await? && self.webhooks.attempt_at_once {
                    fresh.push(d);
                }
            }
            let due = if self.webhooks.attempt_at_once {
                now + LEASE
            } else {
                now
            };
            if let Some(d) = self.pms_delivery(event, published_at, due).await?
                && self.webhooks.deliveries.put(&d).await?
                && self.webhooks.attempt_at_once
            {
                fresh.push(d);
            }
        }
        for d in fresh {
            if let Err(e) = self.attempt(d).await {
                tracing::warn!(error = %crate::redact::chain(&e), "a webhook attempt could not be recorded; the sweep retries it");
            }
        }
        Ok(())
    }

    /// Sends a signed `mendwork.test` event to one endpoint now (the PM pages' button); it is
    /// a delivery like any other, with its place in the log and its retries.
    pub async fn send_test_event(&self, endpoint: &str) -> Result<WebhookDelivery, AppError> {
        let portfolio = self.portfolio();
        if !portfolio.webhooks.iter().any(|e| e.name == endpoint) {
            return Err(AppError::NotFound(format!("webhook endpoint {endpoint}")));
        }
        let now = self.now();
        let id = format!("evt_test_{}_{:08x}", now.timestamp(), rand::random::<u32>());
        let event = mendwork_domain::outbound::test_event(id, now, &portfolio.team.name);
        let d = WebhookDelivery::new(endpoint, &event, now, now + LEASE);
        self.webhooks.deliveries.put(&d).await?;
        self.attempt(d).await
    }

    /// Attempts every due delivery (at most `limit`), side by side, so one slow receiver does
    /// not hold up the others; returns how many were attempted. The first failure to record
    /// one is returned after all have run (an unrecorded attempt is made again later).
    pub async fn send_due_webhooks(&self, limit: usize) -> Result<usize, AppError> {
        let due = self.webhooks.deliveries.due(self.now(), limit).await?;
        let n = due.len();
        let mut running = tokio::task::JoinSet::new();
        for d in due {
            let app = self.clone();
            running.spawn(async move { app.attempt(d).await });
        }
        let mut failed = None;
        while let Some(done) = running.join_next().await {
            match done {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    failed.get_or_insert(e);
                }
                Err(e) => tracing::error!(error = %e, "a webhook attempt stopped"),
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    /// One attempt of `d`, recorded with what comes of it (`delivery::after_attempt`).
    pub async fn attempt(&self, mut d: WebhookDelivery) -> Result<WebhookDelivery, AppError> {
        let portfolio = self.portfolio();
        let endpoint = portfolio.webhooks.iter().find(|e| e.name == d.endpoint);
        let signed_at = self.webhooks.signing_clock.now();
        let to_pms = crate::pms_sync::is_pms_endpoint(&d.endpoint);
        let answer: Answer = match endpoint {
            None if to_pms => self.push_to_pms(&d).await,
            None => Err("the endpoint is no longer configured".into()),
            Some(e) => match sign(
                &d.event_id,
                signed_at,
                d.body.as_bytes(),
                self.webhooks.secrets.of(&e.name),
            ) {
                Ok(h) => {
                    let mut headers = h.pairs().to_vec();
                    headers.push(("content-type", "application/json".into()));
                    self.webhooks.sender.post(&e.url, &headers, &d.body).await
                }
                Err(why) => Err(format!("not sent: {why} (add it to the webhook secrets)")),
            },
        };
        let now = self.now();
        let prior = d.attempts;
        d.attempts += 1;
        d.last_attempt_at = Some(now);
        let outcome = match &answer {
            Ok(status) => Outcome::of(Some(*status)),
            // An endpoint that is gone from the configuration will not come back by waiting.
            Err(_) if endpoint.is_none() && !to_pms => Outcome::Gone,
            Err(_) => Outcome::of(None),
        };
        d.last_status = answer.as_ref().ok().copied();
        d.last_error = answer.err();
        (d.state, d.next_at) = match after_attempt(d.attempts, outcome, now) {
            Next::Delivered => (DeliveryState::Delivered, None),
            Next::RetryAt(at) => (DeliveryState::Pending, Some(at)),
            Next::GaveUp => (DeliveryState::Failed, None),
        };
        if d.state == DeliveryState::Failed {
            tracing::warn!(endpoint = %d.endpoint, event = %d.event_id, attempts = d.attempts, "webhook delivery failed for good");
        }
        self.webhooks.deliveries.record(&d, prior).await?;
        Ok(d)
    }
}
