//! Test support: an `App` on the embedded adapters (in-memory SQLite, frozen virtual clock,
//! recorded messages) with the sample portfolio, and small helpers to send requests to the
//! router and read the answers — signed in as the team through the real emailed-link flow
//! when a test calls [`TestApp::sign_in`].

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod contract;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use mendwork_app::ports::{Clock, Directory};
use mendwork_app::{App, LinkSigner};
use mendwork_domain::Portfolio;
use mendwork_domain::config::load_portfolio;
use mendwork_embedded::{
    ClockMode, RandomIds, RecordingMailer, RecordingTexter, SentFilter, SentMessage, SqliteStore,
};
use mendwork_web::WebConfig;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub const SECRET: &[u8] = b"a test secret that is long enough to sign links";

/// Monday 2 March 2026, 10:00 in New York (15:00 UTC): office hours, no quiet-hours hold.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

struct Fixed(Arc<Portfolio>);

impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

pub fn sample() -> Portfolio {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/sample-portfolio.yaml");
    load_portfolio(&path).unwrap()
}

pub struct TestApp {
    pub app: App,
    pub store: SqliteStore,
    pub router: Router,
    /// The session cookie (`mw_session=…`) sent with every request once signed in.
    pub cookie: Mutex<Option<String>>,
}

/// The sample portfolio's team address.
pub const TEAM_EMAIL: &str = "maintenance@example.com";

/// Local mode: the sample portfolio, the API open.
pub fn app() -> TestApp {
    build(sample(), "http://localhost:8080", WebConfig::default())
}

/// Deployed mode: the API needs a session, the form its issued-at stamp.
pub fn deployed() -> TestApp {
    build(
        sample(),
        "https://mendwork.example",
        WebConfig {
            api_requires_session: true,
        },
    )
}

pub fn build(portfolio: Portfolio, base_url: &str, config: WebConfig) -> TestApp {
    build_with(portfolio, base_url, config, None)
}

/// Local mode with old timelines archived to (and read back from) `files`.
pub fn with_archive(files: Arc<dyn mendwork_app::Files>) -> TestApp {
    build_with(
        sample(),
        "http://localhost:8080",
        WebConfig::default(),
        Some(files),
    )
}

fn build_with(
    portfolio: Portfolio,
    base_url: &str,
    config: WebConfig,
    archive: Option<Arc<dyn mendwork_app::Files>>,
) -> TestApp {
    let store = SqliteStore::open_in_memory().unwrap();
    let vclock = store.clock();
    vclock.set_mode(ClockMode::Frozen(start())).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(vclock);
    let links = LinkSigner::new(SECRET, base_url, clock.clone()).unwrap();
    let app = App {
        work_orders: Arc::new(store.clone()),
        lookups: Arc::new(store.clone()),
        outbox: Arc::new(store.clone()),
        keys: Arc::new(store.clone()),
        visits: Arc::new(store.clone()),
        opt_outs: Arc::new(store.clone()),
        queries: Arc::new(store.clone()),
        metrics: Arc::new(store.clone()),
        timers: Arc::new(store.timers()),
        mailer: Arc::new(RecordingMailer::new(&store, clock.clone())),
        texter: Arc::new(RecordingTexter::new(&store, clock.clone())),
        clock,
        directory: Arc::new(Fixed(Arc::new(portfolio))),
        ids: Arc::new(RandomIds),
        links: Arc::new(links),
        limits: Arc::new(store.clone()),
        webhooks: mendwork_app::deliveries::Webhooks::off(),
        api_keys: Arc::new(store.clone()),
        archive: archive.map(|files| mendwork_app::archive::Archive {
            store: Arc::new(store.clone()),
            files,
        }),
    };
    let router = mendwork_web::router_with(app.clone(), config);
    TestApp {
        app,
        store,
        router,
        cookie: Mutex::new(None),
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
    /// The `Set-Cookie` header, if any.
    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl TestApp {
    pub async fn send(&self, mut req: Request<Body>) -> Answer {
        let cookie = self.cookie.lock().unwrap().clone();
        if let Some(c) = cookie
            && !req.headers().contains_key(header::COOKIE)
        {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: &str) -> Answer {
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Posts `pairs` as `application/x-www-form-urlencoded` (keys may repeat).
    pub async fn post_form(&self, uri: &str, pairs: &[(&str, &str)]) -> Answer {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// How many work orders the store holds.
    pub async fn count(&self) -> usize {
        let list = self
            .app
            .lookups
            .list(&mendwork_app::ports::ListFilter::default())
            .await
            .unwrap();
        list.len()
    }

    /// Every message "sent" to `to`, oldest first.
    pub fn sent_to(&self, to: &str) -> Vec<SentMessage> {
        self.store
            .sent(SentFilter {
                to: Some(to.to_string()),
                ..SentFilter::default()
            })
            .unwrap()
    }

    /// Asks for a sign-in link for `email` and returns the path `/login/<token>` from the
    /// newest email (panics when none came).
    pub async fn login_link(&self, email: &str) -> String {
        let a = self.post_form("/login", &[("email", email)]).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let mail = self.sent_to(email).pop().expect("a sign-in email");
        let at = mail.body.find("/login/").expect("a /login/ link");
        mail.body[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    }

    /// Signs in as the team (the whole emailed-link flow); later requests carry the cookie.
    pub async fn sign_in(&self) {
        self.sign_in_as(TEAM_EMAIL).await;
    }

    pub async fn sign_in_as(&self, email: &str) {
        let link = self.login_link(email).await;
        let a = self.post_form(&link, &[]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let set = a.set_cookie().expect("a session cookie");
        let pair = set.split(';').next().unwrap().to_string();
        *self.cookie.lock().unwrap() = Some(pair);
    }

    pub fn sign_out_locally(&self) {
        *self.cookie.lock().unwrap() = None;
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A valid PM-API body for Maple Court with one window next week.
pub fn create_body() -> String {
    serde_json::json!({
        "property": "maple-court",
        "unit": "4B",
        "tenant": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+17185550123"},
        "description": "Kitchen sink drips constantly",
        "availability": [{"start": "2026-03-10T14:00:00Z", "end": "2026-03-10T16:00:00Z"}],
        "category": "plumbing"
    })
    .to_string()
}

/// The tenant form's fields for Maple Court as a browser posts them, with one window.
pub fn fields<'a>(
    token: &'a str,
    description: &'a str,
    emergency: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("property", "maple-court"),
        ("unit", "4B"),
        ("name", "Ana Ruiz"),
        ("email", "ana@example.com"),
        ("phone", ""),
        ("description", description),
        ("category", ""),
        ("emergency", emergency),
        ("permission_to_enter", "yes"),
        ("pets", ""),
        ("access_notes", ""),
        ("window_date", "2026-03-10"),
        ("window_start", "09:00"),
        ("window_end", "11:00"),
        ("submission", token),
        ("website", ""),
    ]
}
