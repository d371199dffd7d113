//! Test support: an `App` on the embedded adapters (in-memory SQLite, frozen virtual clock,
//! recorded messages) with the sample portfolio, and small helpers to send requests to the
//! router and read the answers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use mendwork_app::ports::{Clock, Directory};
use mendwork_app::{App, LinkSigner};
use mendwork_domain::Portfolio;
use mendwork_domain::config::load_portfolio;
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
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
}

pub fn app() -> TestApp {
    let store = SqliteStore::open_in_memory().unwrap();
    let vclock = store.clock();
    vclock.set_mode(ClockMode::Frozen(start())).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(vclock);
    let links = LinkSigner::new(SECRET, "http://localhost:8080", clock.clone()).unwrap();
    let app = App {
        store: Arc::new(store.clone()),
        timers: Arc::new(store.timers()),
        mailer: Arc::new(RecordingMailer::new(&store, clock.clone())),
        texter: Arc::new(RecordingTexter::new(&store, clock.clone())),
        clock,
        directory: Arc::new(Fixed(Arc::new(sample()))),
        ids: Arc::new(RandomIds),
        links: Arc::new(links),
    };
    let router = mendwork_web::router(app.clone());
    TestApp { app, store, router }
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
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Answer {
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
        let a = self.get("/api/work-orders").await;
        a.json()["work_orders"].as_array().unwrap().len()
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
