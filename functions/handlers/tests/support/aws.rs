//! One deployment on moto, driven only through the Lambda handlers with real event shapes:
//! API Gateway HTTP API (payload 2.0) requests for the pages and the API, SNS events wrapping
//! the End User Messaging JSON for inbound SMS, DynamoDB Streams events built from the outbox
//! items actually written to moto (moto runs no streams: this reads them back and wraps them as
//! `INSERT` records with their `NewImage`, routed by the template's own filter patterns), and
//! the inputs of the schedules actually created in moto (moto fires no schedules: this reads
//! them back and invokes the target's handler at their time). Messages are read from what moto
//! recorded as sent (`/moto-api/data.json`).
//!
//! The functions' clock is the one thing replaced: a test clock (for the steps and the link
//! signer alike, as in local mode), so that quiet hours, slots and reminders do not depend on
//! when the test runs. The adapters, the secret, the portfolio (loaded by the load-config code),
//! the router's deployed configuration (team sessions, form stamps) and every step are the
//! deployed ones. Each request carries the team's session cookie once `sign_in` has run.

use super::moto::Moto;
use super::proxy::Proxy;
use super::template::Template;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::sns::SnsEvent;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::AttributeValue;
use axum::Router;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use http_body_util::BodyExt;
use lambda_runtime::{Context, LambdaEvent};
use mendwork_app::ports::{Clock, SystemClock};
use mendwork_app::{App, LinkSigner};
use mendwork_aws::{Aws, AwsConfig};
use mendwork_handlers::load_config;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const TABLE: &str = "mendwork-test";
pub const BUCKET: &str = "mendwork-test-files";
pub const GROUP: &str = "mendwork-test";
pub const SENDER: &str = "maintenance@mendwork.example";
pub const ORIGINATION: &str = "+18005550100";
pub const BASE_URL: &str = "https://mendwork.example";
pub const API_HOST: &str = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com";

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:mendwork-{name}")
}

/// The functions' clock in tests: set and moved by the test only.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&Utc)
}

/// An HTTP answer as API Gateway would return it, and which function answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub function: String,
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
}

/// A schedule as read back from moto.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub name: String,
    pub target_arn: String,
    pub input: Value,
    pub at: DateTime<Utc>,
}

/// A timer the world fired: which schedule, into which function, and what the handler said.
#[derive(Debug, Clone)]
pub struct Fired {
    pub schedule: String,
    pub function: &'static str,
    pub at: DateTime<Utc>,
    pub answer: Value,
}

/// A message moto recorded as sent.
#[derive(Debug, Clone)]
pub struct Sent {
    pub channel: &'static str,
    pub to: String,
    pub subject: Option<String>,
    /// The SMS text, the email's text body, or a raw MIME message whole.
    pub body: String,
}

pub struct World {
    pub moto: Moto,
    /// Straight to moto: what the test itself reads and writes (setup, the played stream and
    /// scheduler, what was sent).
    pub sdk: SdkConfig,
    /// Between the functions and moto: records what each function asks of AWS (checked against
    /// its grants in template.yaml after every invocation) and injects faults.
    pub proxy: Proxy,
    /// How many recorded calls were checked already.
    checked: Mutex<usize>,
    pub cfg: AwsConfig,
    pub aws: Aws,
    pub app: App,
    pub router: Router,
    pub clock: TestClock,
    pub template: Template,
    seen: Mutex<BTreeSet<String>>,
    sequence: AtomicU64,
    fired: Mutex<BTreeSet<String>>,
    /// The last occurrence the world fired of each recurring template's cron schedule.
    occurrences: Mutex<HashMap<String, DateTime<Utc>>>,
    /// Deliver every stream batch twice, as Lambda may (at-least-once).
    redeliver: AtomicBool,
    /// The test plays the stream itself (the fault suite): `pump` does nothing.
    by_hand: AtomicBool,
    /// The team's session cookie (`name=value`) once signed in.
    session: Mutex<Option<String>>,
    /// An integration's API key: while set, requests carry it as a Bearer token and no cookie.
    bearer: Mutex<Option<String>>,
}

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
        if super::moto::skipped(test) {
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
            portfolio: super::template::repo_root().join("infra/sample-portfolio.yaml"),
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

    // ------------------------------------------------------------------ HTTP

    /// Sends one request through API Gateway's routing (the template's routes) to the owning
    /// function's handler, then lets the stream deliver what it committed.
    pub async fn http(
        &self,
        method: &str,
        path_and_query: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let (route_key, integration, params, authorized) = self.route(method, path);
        let function = integration.trim_end_matches("Integration").to_lowercase();
        let mut headers = serde_json::Map::new();
        headers.insert("host".into(), json!(API_HOST));
        headers.insert("user-agent".into(), json!("Mozilla/5.0 (Mendwork test)"));
        headers.insert("x-forwarded-proto".into(), json!("https"));
        headers.insert("x-forwarded-for".into(), json!("203.0.113.7"));
        headers.insert("accept".into(), json!("text/html,application/json"));
        if let Some(ct) = content_type {
            headers.insert("content-type".into(), json!(ct));
        }
        let mut query_params = serde_json::Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            query_params.insert(k.to_string(), json!(v));
        }
        // The wall clock is harmless: the request context's time is informative only.
        let now = SystemClock.now();
        let mut context = json!({
            "accountId": ACCOUNT,
            "apiId": "a1b2c3d4e5",
            "domainName": API_HOST,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (Mendwork test)"
            },
            "requestId": format!("req-{}", self.sequence.fetch_add(1, Ordering::SeqCst)),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            "timeEpoch": now.timestamp_millis(),
        });
        if authorized {
            context["authorizer"] = json!({"iam": {
                "accessKey": "AKIAEXAMPLE", "accountId": ACCOUNT, "callerId": "AIDAEXAMPLE",
                "principalOrgId": null, "userArn": format!("arn:aws:iam::{ACCOUNT}:user/pm"),
                "userId": "AIDAEXAMPLE"
            }});
        }
        let mut event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": context,
            "isBase64Encoded": false,
        });
        if !query_params.is_empty() {
            event["queryStringParameters"] = Value::Object(query_params);
        }
        let bearer = self.bearer.lock().unwrap().clone();
        if let Some(key) = &bearer {
            event["headers"]["authorization"] = json!(format!("Bearer {key}"));
        }
        // HTTP API payload 2.0 carries the Cookie header as a `cookies` list.
        if let Some(cookie) = self.session.lock().unwrap().clone()
            && bearer.is_none()
        {
            event["cookies"] = json!([cookie]);
        }
        if !params.is_empty() {
            event["pathParameters"] = json!(params);
        }
        if let Some(bytes) = body {
            // API Gateway passes form posts base64-encoded, JSON as text.
            if content_type.is_some_and(|c| c.starts_with("application/json")) {
                event["body"] = json!(String::from_utf8(bytes).unwrap());
            } else {
                event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
                event["isBase64Encoded"] = json!(true);
            }
        }
        let request = lambda_http::request::from_str(&event.to_string())
            .unwrap_or_else(|e| panic!("not an API Gateway event lambda_http accepts: {e}"));
        self.proxy.running(Some(&function));
        let response = mendwork_handlers::http(&self.router, request)
            .await
            .unwrap();
        self.proxy.running(None);
        self.check_granted();
        // What lambda_http::run does with the handler's answer.
        let response = lambda_http::IntoResponse::into_response(response).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer = Answer {
            function,
            status,
            location,
            set_cookies,
            body: String::from_utf8_lossy(&bytes).to_string(),
        };
        self.pump().await;
        answer
    }

    /// The template route for a request: (route key, integration, path parameters, whether
    /// the route is IAM-authorized).
    fn route(&self, method: &str, path: &str) -> (String, String, HashMap<String, String>, bool) {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        for (key, integration, auth) in self.template.routes() {
            let (m, pattern) = key.split_once(' ').unwrap();
            if m != method {
                continue;
            }
            let parts: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = HashMap::new();
            let matched = parts.iter().zip(&segments).all(|(p, s)| {
                match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) if !s.is_empty() => {
                        params.insert(name.to_string(), s.to_string());
                        true
                    }
                    Some(_) => false,
                    None => p == s,
                }
            });
            if matched {
                let authorized = auth.is_some();
                return (key.clone(), integration, params, authorized);
            }
        }
        panic!("the HTTP API has no route for {method} {path}: add it to template.yaml");
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.http("GET", path, None, None).await
    }

    /// Calls as an integration with this API key from now on (no cookie), or as the signed-in
    /// team again with `None`.
    pub fn use_key(&self, key: Option<&str>) {
        *self.bearer.lock().unwrap() = key.map(str::to_string);
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.http(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            Some(body.into_bytes()),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.http(
            "POST",
            path,
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// A work order as the PM API shows it (id or job code).
    pub async fn work_order(&self, id: &str) -> Value {
        let a = self.get(&format!("/api/work-orders/{id}")).await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.function, "pm");
        a.json()
    }

    pub async fn work_orders(&self) -> Vec<Value> {
        let a = self.get("/api/work-orders").await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()["work_orders"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub async fn vendor_phone(&self, vendor: &str) -> String {
        let a = self.get("/api/vendors").await;
        a.json()["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == vendor)
            .and_then(|v| v["phone"].as_str())
            .unwrap_or_else(|| panic!("no vendor {vendor}"))
            .to_string()
    }

    /// The team's sign-in, as a PM does it: ask for a link (the `pm` function), read the email
    /// SES sent, open the link and press "Sign in"; the session cookie is kept for later
    /// requests.
    pub async fn sign_in(&self, email: &str) {
        let asked = self.post_form("/login", &[("email", email)]).await;
        assert_eq!(
            (asked.function.as_str(), asked.status),
            ("pm", 200),
            "{}",
            asked.body
        );
        let mail = self
            .emails_to(email)
            .await
            .into_iter()
            .rev()
            .find(|m| m.body.contains("/login/"))
            .unwrap_or_else(|| panic!("no sign-in email to {email}"));
        let link = find_link(&mail.body, "/login/").unwrap();
        let path = path_of(&link);
        let confirm = self.get(&path).await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        let signed = self.post_form(&path, &[]).await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        let cookie = signed
            .set_cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("mw_session="))
            })
            .unwrap_or_else(|| panic!("no session cookie: {:?}", signed.set_cookies))
            .to_string();
        *self.session.lock().unwrap() = Some(cookie);
    }

    /// The tenant form as a tenant sends it: the page first (for its hidden `issued` stamp),
    /// then, a few seconds later as a person would, the post with `fields`.
    pub async fn submit_tenant_form(&self, property: &str, fields: &[(&str, &str)]) -> Answer {
        let form = self.get(&format!("/report/{property}")).await;
        assert_eq!((form.function.as_str(), form.status), ("intake", 200));
        let issued = hidden_value(&form.body, "issued")
            .unwrap_or_else(|| panic!("no issued stamp in the form: {}", form.body));
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("issued", issued.as_str()));
        self.post_form("/report", &all).await
    }

    // ------------------------------------------------------------------ inbound SMS

    /// A text from `from` to the origination number, as End User Messaging publishes it to the
    /// inbound topic and SNS delivers it to the `sms-inbound` function.
    pub async fn sms(&self, from: &str, body: &str) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let message = json!({
            "originationNumber": from,
            "destinationNumber": ORIGINATION,
            "messageKeyword": "KEYWORD_123456789012",
            "messageBody": body,
            "inboundMessageId": format!("inbound-{n:08}-5a1e-4b8e-9d2c-{n:012}"),
            "previousPublishedMessageId": null,
        });
        self.sns_inbound(message).await
    }

    /// Delivers an End User Messaging message (as JSON) through the SNS event.
    pub async fn sns_inbound(&self, message: Value) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let topic = format!("arn:aws:sns:{REGION}:{ACCOUNT}:mendwork-inbound-sms");
        let event = json!({"Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": format!("{topic}:2f1d3a9e-6b7c-4d8e-9f0a-1b2c3d4e5f60"),
            "Sns": {
                "Type": "Notification",
                "MessageId": format!("6e5f4d3c-2b1a-4098-8765-{n:012}"),
                "TopicArn": topic,
                "Subject": null,
                "Message": message.to_string(),
                "Timestamp": self.now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                "SignatureVersion": "1",
                "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
                "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
                "UnsubscribeUrl": format!("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic}:2f1d3a9e"),
                "MessageAttributes": {}
            }
        }]});
        let typed: SnsEvent = serde_json::from_value(event)
            .unwrap_or_else(|e| panic!("not an SNS event aws_lambda_events accepts: {e}"));
        self.proxy.running(Some("sms-inbound"));
        let handled =
            mendwork_handlers::sms_inbound(&self.app, LambdaEvent::new(typed, self.context()))
                .await
                .unwrap_or_else(|d| {
                    panic!("sms-inbound failed: {} {}", d.error_type, d.error_message)
                });
        self.proxy.running(None);
        self.check_granted();
        self.pump().await;
        serde_json::to_value(handled.outcomes).unwrap()
    }

    // ------------------------------------------------------------------ DynamoDB Streams

    /// Plays the table's stream: every outbox item written since the last call becomes an
    /// `INSERT` record with its `NewImage`, each consumer gets the records its template filter
    /// passes, in order; repeated until no new outbox item appears. Returns how many records
    /// each consumer (dispatch, outbox) was given.
    pub async fn pump(&self) -> (usize, usize) {
        let mut totals = (0, 0);
        if self.by_hand.load(Ordering::SeqCst) {
            return totals;
        }
        for _ in 0..200 {
            let fresh = self.new_outbox_items().await;
            if fresh.is_empty() {
                return totals;
            }
            let records: Vec<Value> = fresh.iter().map(|item| self.stream_record(item)).collect();
            let dispatch: Vec<Value> = records
                .iter()
                .filter(|r| self.passes("DispatchFunction", r))
                .cloned()
                .collect();
            let outbox: Vec<Value> = records
                .iter()
                .filter(|r| self.passes("OutboxFunction", r))
                .cloned()
                .collect();
            assert_eq!(
                dispatch.len() + outbox.len(),
                records.len(),
                "every outbox item reaches exactly one consumer"
            );
            for (name, batch) in [("outbox", outbox), ("dispatch", dispatch)] {
                if batch.is_empty() {
                    continue;
                }
                let n = batch.len();
                let event = json!({ "Records": batch });
                let _typed: StreamEvent =
                    serde_json::from_value(event.clone()).unwrap_or_else(|e| {
                        panic!("not a Streams event aws_lambda_events accepts: {e}")
                    });
                let times = if self.redeliver.load(Ordering::SeqCst) {
                    2
                } else {
                    1
                };
                for _ in 0..times {
                    let lambda = LambdaEvent::new(event.clone(), self.context());
                    self.proxy.running(Some(name));
                    let answer = match name {
                        "dispatch" => mendwork_handlers::dispatch(&self.app, lambda).await,
                        _ => mendwork_handlers::outbox(&self.app, lambda).await,
                    }
                    .unwrap_or_else(|d| {
                        panic!("{name} failed: {} {}", d.error_type, d.error_message)
                    });
                    self.proxy.running(None);
                    self.check_granted();
                    assert!(
                        answer.batch_item_failures.is_empty(),
                        "{name} reported failures: {answer:?}"
                    );
                }
                if name == "dispatch" {
                    totals.0 += n;
                } else {
                    totals.1 += n;
                }
            }
        }
        panic!("the outbox never settled");
    }

    pub async fn new_outbox_items(&self) -> Vec<HashMap<String, AttributeValue>> {
        let client = aws_sdk_dynamodb::Client::new(&self.sdk);
        let client = &client;
        let mut items = vec![];
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name(TABLE)
                .filter_expression("attribute_exists(#k)")
                .expression_attribute_names("#k", mendwork_aws::schema::KIND)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .unwrap();
            items.extend(page.items.unwrap_or_default());
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        let mut seen = self.seen.lock().unwrap();
        let key = |i: &HashMap<String, AttributeValue>| match i.get("pk") {
            Some(AttributeValue::S(s)) => s.clone(),
            _ => String::new(),
        };
        let order = |i: &HashMap<String, AttributeValue>| match i.get("gsi1sk") {
            Some(AttributeValue::S(s)) => s.clone(),
            _ => String::new(),
        };
        let mut fresh: Vec<_> = items
            .into_iter()
            .filter(|i| !seen.contains(&key(i)))
            .collect();
        fresh.sort_by_key(|i| (order(i), key(i)));
        for i in &fresh {
            seen.insert(key(i));
        }
        fresh
    }

    pub fn stream_record(&self, item: &HashMap<String, AttributeValue>) -> Value {
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let image: serde_json::Map<String, Value> =
            item.iter().map(|(k, v)| (k.clone(), ddb_json(v))).collect();
        let keys = json!({"pk": image["pk"], "sk": image["sk"]});
        let size = serde_json::to_string(&image).map(|s| s.len()).unwrap_or(0);
        json!({
            "eventID": format!("{n:032x}"),
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "dynamodb": {
                "ApproximateCreationDateTime": SystemClock.now().timestamp(),
                "Keys": keys,
                "NewImage": image,
                "SequenceNumber": format!("{:021}", 100_000_000_000_000_000u64 + n),
                "SizeBytes": size,
                "StreamViewType": "NEW_IMAGE"
            },
            "eventSourceARN": format!(
                "arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{TABLE}/stream/2026-03-01T00:00:00.000"
            ),
        })
    }

    /// Whether a stream record passes a function's event source filter, as written in
    /// template.yaml.
    pub fn passes(&self, function: &str, record: &Value) -> bool {
        let f = self.template.resource(function);
        let event = f["Properties"]["Events"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap();
        event["Properties"]["FilterCriteria"]["Filters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|filter| {
                let pattern: Value =
                    serde_json::from_str(filter["Pattern"].as_str().unwrap()).unwrap();
                matches_pattern(&pattern, record)
            })
    }

    // ------------------------------------------------------------------ EventBridge Scheduler

    /// The schedules in the group, as moto holds them.
    pub async fn schedules(&self) -> Vec<Schedule> {
        let client = aws_sdk_scheduler::Client::new(&self.sdk);
        let listed = client
            .list_schedules()
            .group_name(GROUP)
            .send()
            .await
            .unwrap();
        let mut out = vec![];
        for summary in listed.schedules() {
            let Some(name) = summary.name() else { continue };
            let got = client
                .get_schedule()
                .name(name)
                .group_name(GROUP)
                .send()
                .await
                .unwrap();
            let target = got.target().unwrap();
            let input: Value = serde_json::from_str(target.input().unwrap_or("null")).unwrap();
            let at = if input["occurrence"] == mendwork_aws::SCHEDULED_TIME {
                // A recurring template's cron schedule: due at the template's next occurrence
                // (in its property's zone) after the last one the world fired.
                assert!(
                    got.schedule_expression()
                        .is_some_and(|e| e.starts_with("cron(")),
                    "{name}"
                );
                self.next_occurrence(name, &input)
            } else {
                input["at"]
                    .as_str()
                    .map(utc)
                    .unwrap_or_else(|| panic!("schedule {name} has no time in its input: {input}"))
            };
            out.push(Schedule {
                name: name.to_string(),
                target_arn: target.arn().to_string(),
                input,
                at,
            });
        }
        out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.name.cmp(&b.name)));
        out
    }

    /// When a recurring template's cron schedule is next due: never for a template no longer
    /// in the portfolio or active.
    fn next_occurrence(&self, name: &str, input: &Value) -> DateTime<Utc> {
        let portfolio = self.app.portfolio();
        let after = self
            .occurrences
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or_else(|| self.now());
        portfolio
            .recurring
            .iter()
            .find(|t| input["template"] == t.id.as_str() && t.active.unwrap_or(true))
            .and_then(|t| mendwork_app::recurring::next_occurrence(&portfolio, t, after))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Fires, in time order and each at its own time, every schedule due by `until`, then
    /// leaves the clock at `until`.
    pub async fn clock_to(&self, until: DateTime<Utc>) -> Vec<Fired> {
        let mut fired = vec![];
        loop {
            let next = self
                .schedules()
                .await
                .into_iter()
                .find(|s| s.at <= until && !self.fired.lock().unwrap().contains(&s.name));
            let Some(schedule) = next else { break };
            fired.push(self.fire(&schedule).await);
        }
        if until > self.now() {
            self.clock.set(until);
        }
        fired
    }

    pub async fn advance(&self, seconds: i64) -> Vec<Fired> {
        self.clock_to(self.now() + Duration::seconds(seconds)).await
    }

    /// What EventBridge Scheduler does at a schedule's time: invokes its target with its
    /// input, then deletes it (`ActionAfterCompletion=DELETE`); a recurring template's cron
    /// schedule gets its `<aws.scheduler.scheduled-time>` filled in and stays.
    pub async fn fire(&self, schedule: &Schedule) -> Fired {
        if schedule.at > self.now() {
            self.clock.set(schedule.at);
        }
        let function = if schedule.target_arn == self.cfg.accept_target_arn {
            "accept-timeout"
        } else if schedule.target_arn == self.cfg.followup_target_arn {
            "followups"
        } else if schedule.target_arn == self.cfg.recurring_target_arn {
            "recurring"
        } else {
            panic!("schedule {} targets {}", schedule.name, schedule.target_arn)
        };
        let cron = schedule.input["occurrence"] == mendwork_aws::SCHEDULED_TIME;
        let mut input = schedule.input.clone();
        if cron {
            // The scheduler fills in the occurrence's time.
            input["occurrence"] = json!(schedule.at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        let lambda = LambdaEvent::new(input, self.context());
        self.proxy.running(Some(function));
        let answer = mendwork_handlers::timer(&self.app, lambda)
            .await
            .unwrap_or_else(|d| panic!("{function} failed: {} {}", d.error_type, d.error_message));
        self.proxy.running(None);
        self.check_granted();
        if cron {
            // A cron schedule stays; the next occurrence is due next.
            self.occurrences
                .lock()
                .unwrap()
                .insert(schedule.name.clone(), schedule.at);
        } else {
            self.fired.lock().unwrap().insert(schedule.name.clone());
            aws_sdk_scheduler::Client::new(&self.sdk)
                .delete_schedule()
                .name(&schedule.name)
                .group_name(GROUP)
                .send()
                .await
                .unwrap();
        }
        self.pump().await;
        Fired {
            schedule: schedule.name.clone(),
            function,
            at: schedule.at,
            answer: serde_json::to_value(answer).unwrap(),
        }
    }

    // ------------------------------------------------------------------ what was sent

    /// Every message moto recorded as sent, oldest first.
    pub async fn sent(&self) -> Vec<Sent> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.moto.endpoint))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut out = vec![];
        for m in data["sns"]["SMS"].as_array().cloned().unwrap_or_default() {
            out.push(Sent {
                channel: "sms",
                to: m["phone_number"].as_str().unwrap_or_default().to_string(),
                subject: None,
                body: m["message"].as_str().unwrap_or_default().to_string(),
            });
        }
        for m in data["ses"]["Message"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            for to in m["destinations"]["ToAddresses"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                out.push(Sent {
                    channel: "email",
                    to: to.as_str().unwrap_or_default().to_string(),
                    subject: m["subject"].as_str().map(str::to_string),
                    body: m["body"].as_str().unwrap_or_default().to_string(),
                });
            }
        }
        for m in data["ses"]["RawMessage"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let raw = m["raw_data"].as_str().unwrap_or_default().to_string();
            let subject = raw
                .lines()
                .find_map(|l| l.strip_prefix("Subject: "))
                .map(str::to_string);
            let tos: Vec<String> = match m["destinations"].as_array() {
                Some(list) => list
                    .iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect(),
                None => raw
                    .lines()
                    .find_map(|l| l.strip_prefix("To: "))
                    .map(|t| vec![t.trim_matches(['<', '>', ' ']).to_string()])
                    .unwrap_or_default(),
            };
            let mut tos = tos;
            tos.dedup();
            for to in tos {
                out.push(Sent {
                    channel: "email",
                    to,
                    subject: subject.clone(),
                    body: raw.clone(),
                });
            }
        }
        out
    }

    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        self.sent()
            .await
            .into_iter()
            .filter(|m| m.channel == "sms" && m.to == phone)
            .map(|m| m.body)
            .collect()
    }

    pub async fn emails_to(&self, address: &str) -> Vec<Sent> {
        self.sent()
            .await
            .into_iter()
            .filter(|m| m.channel == "email" && m.to.contains(address))
            .collect()
    }

    /// The message a work order's timeline records under `key` to `address` — checked to have
    /// been delivered by SNS or SES (it is in what moto recorded as sent). Returns its body.
    pub async fn delivered(&self, wo: &Value, key: &str, address: &str) -> String {
        let timeline = wo["timeline"].as_array().cloned().unwrap_or_default();
        let entry = timeline
            .iter()
            .rev()
            .find(|e| e["kind"] == "message_sent" && e["key"] == key && e["address"] == address)
            .unwrap_or_else(|| {
                let keys: Vec<String> = timeline
                    .iter()
                    .filter(|e| e["kind"] == "message_sent")
                    .map(|e| format!("{} -> {}", e["key"], e["address"]))
                    .collect();
                panic!("the timeline has no {key} to {address}: {keys:#?}")
            });
        let body = entry["body"].as_str().unwrap_or_default().to_string();
        let sent = self.sent().await;
        let found = sent.iter().any(|m| {
            m.to.contains(address)
                && (m.body == body
                    || (m.channel == "email"
                        && m.body.contains(body.lines().next().unwrap_or_default())))
        });
        assert!(
            found,
            "{key} to {address} is on the timeline but was not sent: {body:?}\nsent: {:#?}",
            sent.iter()
                .map(|m| format!(
                    "{} {}: {}",
                    m.channel,
                    m.to,
                    m.body.chars().take(60).collect::<String>()
                ))
                .collect::<Vec<_>>()
        );
        body
    }
}

/// A DynamoDB attribute value in the Streams JSON shape.
pub fn ddb_json(v: &AttributeValue) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    match v {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::Ss(l) => json!({ "SS": l }),
        AttributeValue::Ns(l) => json!({ "NS": l }),
        AttributeValue::Bs(l) => {
            json!({ "BS": l.iter().map(|b| b64(b.as_ref())).collect::<Vec<_>>() })
        }
        AttributeValue::L(l) => json!({ "L": l.iter().map(ddb_json).collect::<Vec<_>>() }),
        AttributeValue::M(m) => {
            let inner: serde_json::Map<String, Value> =
                m.iter().map(|(k, v)| (k.clone(), ddb_json(v))).collect();
            json!({ "M": inner })
        }
        other => panic!("unexpected attribute value {other:?}"),
    }
}

/// Lambda event filtering, for the rules the template uses: exact strings and `anything-but`.
pub fn matches_pattern(pattern: &Value, event: &Value) -> bool {
    let Some(fields) = pattern.as_object() else {
        return false;
    };
    fields.iter().all(|(k, rule)| {
        let value = event.get(k);
        match rule {
            Value::Object(_) => value.is_some_and(|v| matches_pattern(rule, v)),
            Value::Array(options) => options.iter().any(|o| match o {
                Value::String(s) => value.and_then(Value::as_str) == Some(s.as_str()),
                Value::Object(m) => match m.get("anything-but") {
                    Some(Value::Array(not)) => value
                        .and_then(Value::as_str)
                        .is_some_and(|v| !not.iter().any(|n| n.as_str() == Some(v))),
                    _ => panic!("unsupported filter rule {o}"),
                },
                _ => panic!("unsupported filter rule {o}"),
            }),
            _ => panic!("unsupported filter rule {rule}"),
        }
    })
}

fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The first `http…` URL in `text` whose path contains `path`.
pub fn find_link(text: &str, path: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .map(|w| w.trim_end_matches(['.', ',', ')', ';']))
        .find(|w| w.starts_with("http") && w.contains(path))
        .map(str::to_string)
}

/// The value of a hidden input of a page.
pub fn hidden_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let tag_start = page[..at].rfind('<')?;
    let tag_end = at + page[at..].find('>')?;
    let tag = &page[tag_start..tag_end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].replace("&amp;", "&"))
}

/// A link's path (and query), for sending it through the API.
pub fn path_of(url: &str) -> String {
    let rest = url
        .strip_prefix(BASE_URL)
        .unwrap_or_else(|| panic!("{url} is not under {BASE_URL}"));
    if rest.is_empty() {
        "/".into()
    } else {
        rest.to_string()
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
