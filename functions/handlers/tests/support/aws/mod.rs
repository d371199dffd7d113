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
//!
//! Here: the world's constants, its clock and what it answers; standing it up in `start`,
//! the HTTP API in `http`, inbound texts in `sms`, the played stream in `streams`, the played
//! scheduler in `scheduler`, and what moto recorded as sent in `sent`.

mod http;
mod scheduler;
mod sent;
mod sms;
mod start;
mod streams;

// Each test binary uses some of these helpers, as with the support module's dead code.
#[allow(unused_imports)]
pub use http::{find_link, hidden_value, path_of};
#[allow(unused_imports)]
pub use start::function_resource;
#[allow(unused_imports)]
pub use streams::{ddb_json, matches_pattern};

use super::moto::Moto;
use super::proxy::Proxy;
use super::template::Template;
use aws_config::SdkConfig;
use axum::Router;
use chrono::{DateTime, Utc};
use mendwork_app::App;
use mendwork_app::ports::Clock;
use mendwork_aws::{Aws, AwsConfig};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64};
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
