//! End-to-end test harness: [`TestApp`] starts the real local runner in-process and speaks to it
//! only over HTTP, as an outside client (a tenant's browser, a carrier, a PM script) would.
//! The shared scenarios ([`scenarios`]) are written once against the [`Driver`] port and run
//! by the local runner ([`Local`], over a [`TestApp`]) and by the Lambda handlers on moto (the
//! handlers' tests implement the port there).
//!
//! Every [`TestApp`] has its own temporary store, the sample portfolio
//! (`infra/sample-portfolio.yaml`) and a frozen virtual clock starting at [`CLOCK_START`]:
//! Wednesday 4 March 2026, 15:00 UTC — 10:00 in New York, 09:00 in Chicago, 08:00 in Denver and
//! Phoenix, 07:00 in Los Angeles. That is a weekday late morning on the East Coast, outside quiet
//! hours, four days before the US switch to daylight saving time (Sunday 8 March 2026, 02:00
//! local), so scenarios can book appointments on either side of it. Time moves only when a test
//! says so ([`TestApp::advance`], [`TestApp::clock_to`]).
//!
//! Helpers panic with a descriptive message when the server does something no scenario expects
//! (a 500, a body that is not JSON); the status codes scenarios assert on are returned instead.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod driver;
mod local;
pub mod scenarios;

pub use driver::{Driver, Fired, PendingTimer};
pub use local::Local;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// The instant every [`TestApp`] starts at (see the crate docs for why this one).
pub const CLOCK_START: &str = "2026-03-04T15:00:00Z";

/// The number tenants and vendors text (End User Messaging's `destinationNumber`).
pub const MENDWORK_NUMBER: &str = "+13125550199";

/// The PM team's email and phone in the sample portfolio.
pub const PM_EMAIL: &str = "maintenance@example.com";
pub const PM_PHONE: &str = "+13125550100";

/// [`CLOCK_START`] as an instant.
pub fn clock_start() -> DateTime<Utc> {
    utc(CLOCK_START)
}

/// Parses an RFC 3339 instant; panics on a typo in a test.
pub fn utc(s: &str) -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("{s:?} is not an RFC 3339 instant: {e}"),
    }
}

/// An IANA zone by name; panics on a typo in a test.
pub fn zone(name: &str) -> Tz {
    match name.parse::<Tz>() {
        Ok(tz) => tz,
        Err(e) => panic!("{name:?} is not a time zone: {e}"),
    }
}

/// The instant the wall clock in `tz` shows `date` (`YYYY-MM-DD`) `time` (`HH:MM`).
pub fn local(tz: &str, date: &str, time: &str) -> DateTime<Utc> {
    let tz = zone(tz);
    let d = match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) => d,
        Err(e) => panic!("{date:?} is not a date: {e}"),
    };
    let t = match NaiveTime::parse_from_str(time, "%H:%M") {
        Ok(t) => t,
        Err(e) => panic!("{time:?} is not a time: {e}"),
    };
    match tz.from_local_datetime(&d.and_time(t)).earliest() {
        Some(x) => x.with_timezone(&Utc),
        None => panic!("{date} {time} does not exist in {tz}"),
    }
}

/// An availability window as the JSON API takes it, from local wall-clock times.
pub fn window(tz: &str, date: &str, start: &str, end: &str) -> Value {
    json!({
        "start": local(tz, date, start).to_rfc3339(),
        "end": local(tz, date, end).to_rfc3339(),
    })
}

/// A JSON answer: the status code and the body (`Value::Null` when it was empty).
#[derive(Debug, Clone)]
pub struct ApiReply {
    pub status: u16,
    pub body: Value,
}

impl ApiReply {
    /// The `error` text of a refusal, or "" when there is none.
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("")
    }
}

/// An HTML answer (form posts, pages): status, `Location` of a redirect, and the text.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// One message from `GET /dev/outbox`.
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub id: String,
    /// `email` or `sms`.
    pub channel: String,
    /// Email address or E.164 phone.
    pub to: String,
    #[serde(default)]
    pub recipient: Value,
    #[serde(default)]
    pub subject: Option<String>,
    pub body: String,
    #[serde(default)]
    pub ics: Option<String>,
    /// The message key, e.g. `vendor.offer.sms`.
    pub key: String,
    #[serde(default)]
    pub work_order: Option<String>,
    /// Virtual time when it was sent.
    pub at: DateTime<Utc>,
}

impl Message {
    pub fn is_sms(&self) -> bool {
        self.channel == "sms"
    }
    pub fn is_email(&self) -> bool {
        self.channel == "email"
    }
    /// When it was sent, on the wall clock of `tz` (e.g. `America/New_York`).
    pub fn local_at(&self, tz: &str) -> chrono::DateTime<Tz> {
        self.at.with_timezone(&zone(tz))
    }
    /// The first link in the body whose path starts with `path` (e.g. `/approve/`).
    pub fn link(&self, path: &str) -> Option<String> {
        find_link(&self.body, path)
    }
}

/// The first `http…` URL in `text` whose path contains `path`.
pub fn find_link(text: &str, path: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .map(|w| w.trim_end_matches(['.', ',', ')', ';']))
        .find(|w| w.starts_with("http") && w.contains(path))
        .map(str::to_string)
}

/// The error shown beside a form field: the text of the first `class="error"` element between
/// the field's control (`name="{field}"`) and the next control of the form. `None` when there
/// is none (or no such field).
pub fn error_beside(html: &str, field: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{field}\""))?;
    let rest = &html[at..];
    let next_field = rest[1..].find(" name=\"").map_or(rest.len(), |n| n + 1);
    let region = &rest[..next_field];
    let error = region.find("class=\"error\"")?;
    let text_start = error + region[error..].find('>')? + 1;
    let text_end = text_start + region[text_start..].find('<')?;
    Some(region[text_start..text_end].trim().to_string())
}

/// A timer `POST /dev/clock` reports as fired.
#[derive(Debug, Clone, Deserialize)]
pub struct FiredTimer {
    pub name: String,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub target: Value,
}

impl FiredTimer {
    /// The work order it fired into, if it was a work-order timer.
    pub fn work_order(&self) -> Option<&str> {
        self.target["work_order"].as_str()
    }
    /// The timer kind (`accept`, `remind_eve`… as the API spells it), if a work-order timer.
    pub fn kind(&self) -> Option<&str> {
        self.target["kind"].as_str()
    }
}

/// What a clock move did.
#[derive(Debug, Clone, Deserialize)]
pub struct ClockMove {
    pub now: DateTime<Utc>,
    pub fired: Vec<FiredTimer>,
}

impl ClockMove {
    /// The timers that fired into `work_order`.
    pub fn for_work_order(&self, work_order: &str) -> Vec<&FiredTimer> {
        self.fired
            .iter()
            .filter(|f| f.work_order() == Some(work_order) || f.name.contains(strip_wo(work_order)))
            .collect()
    }
    /// The kinds of the timers that fired into `work_order`, in order.
    pub fn kinds_for(&self, work_order: &str) -> Vec<String> {
        self.for_work_order(work_order)
            .iter()
            .filter_map(|f| f.kind().map(str::to_string))
            .collect()
    }
}

fn strip_wo(id: &str) -> &str {
    id.strip_prefix("wo-").unwrap_or(id)
}

/// A work order's JSON with accessors for what scenarios look at most. Index it like a
/// `serde_json::Value` (`wo["estimate"]["amount"]`) for the rest.
#[derive(Debug, Clone)]
pub struct WorkOrder(pub Value);

impl std::ops::Deref for WorkOrder {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl WorkOrder {
    pub fn id(&self) -> String {
        self.str_at("id")
    }
    pub fn code(&self) -> String {
        self.str_at("code")
    }
    pub fn status(&self) -> String {
        self.str_at("status")
    }
    fn str_at(&self, key: &str) -> String {
        self.0[key].as_str().unwrap_or_default().to_string()
    }
    /// The assigned vendor's id, if any.
    pub fn vendor(&self) -> Option<String> {
        self.0["vendor"]["id"].as_str().map(str::to_string)
    }
    /// The vendor the open offer is out to, if any.
    pub fn offer_vendor(&self) -> Option<String> {
        self.0["offer"]["vendor"].as_str().map(str::to_string)
    }
    /// When the open offer expires, if any.
    pub fn offer_expires(&self) -> Option<DateTime<Utc>> {
        self.0["offer"]["expires_at"].as_str().map(utc)
    }
    /// The appointment as (start, end), if fixed.
    pub fn appointment(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        window_of(&self.0["appointment"])
    }
    /// The timeline's `kind`s, oldest first.
    pub fn timeline_kinds(&self) -> Vec<String> {
        self.timeline()
            .iter()
            .filter_map(|e| e["kind"].as_str().map(str::to_string))
            .collect()
    }
    pub fn timeline(&self) -> Vec<Value> {
        self.0["timeline"].as_array().cloned().unwrap_or_default()
    }
    /// The timeline entries of one kind.
    pub fn events(&self, kind: &str) -> Vec<Value> {
        self.timeline()
            .into_iter()
            .filter(|e| e["kind"].as_str() == Some(kind))
            .collect()
    }
    /// The armed timers' kinds.
    pub fn timer_kinds(&self) -> Vec<String> {
        self.0["timers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t["kind"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// When the armed timer of `kind` is due.
    pub fn timer_due(&self, kind: &str) -> Option<DateTime<Utc>> {
        self.0["timers"]
            .as_array()?
            .iter()
            .find(|t| t["kind"].as_str() == Some(kind))
            .and_then(|t| t["due"].as_str())
            .map(utc)
    }
    /// Where the work order came from (`tenant`, `pm`, `recurring`): the top-level `source`
    /// when the API gives one, else the `submitted` timeline entry's request.
    pub fn source(&self) -> Option<String> {
        let top = &self.0["source"];
        let from_top = top
            .as_str()
            .or_else(|| top["type"].as_str())
            .map(str::to_string);
        from_top.or_else(|| {
            self.events("submitted")
                .first()
                .and_then(|e| e["request"]["source"]["type"].as_str().map(str::to_string))
        })
    }
    /// The visit's status, if there is a visit.
    pub fn visit_status(&self) -> Option<String> {
        self.0["visit"]["status"].as_str().map(str::to_string)
    }
    /// The visit's expected window, if it has one.
    pub fn visit_expected(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        window_of(&self.0["visit"]["expected"])
    }
}

/// `{start, end}` JSON as a pair of instants.
pub fn window_of(v: &Value) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    Some((utc(v["start"].as_str()?), utc(v["end"].as_str()?)))
}

/// True when `needles` occur in `haystack` in this order (other items may come between).
pub fn in_order(haystack: &[String], needles: &[&str]) -> bool {
    let mut it = haystack.iter();
    needles.iter().all(|n| it.any(|h| h == n))
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// The GSM-7 septets `text` takes, or `None` when a character is outside GSM 03.38.
fn gsm7_septets(text: &str) -> Option<usize> {
    text.chars().try_fold(0usize, |n, c| {
        if GSM7_BASIC.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    })
}

/// How many SMS segments `text` takes: GSM-7 (160 septets, 153 per part of a long message,
/// extension characters count twice) when every character is in the GSM 03.38 alphabet, else
/// UCS-2 (70 UTF-16 units, 67 per part).
pub fn sms_segments(text: &str) -> usize {
    match gsm7_septets(text) {
        Some(n) if n <= 160 => 1,
        Some(n) => n.div_ceil(153),
        None => {
            let units = text.encode_utf16().count();
            if units <= 70 { 1 } else { units.div_ceil(67) }
        }
    }
}

/// True when every character of `text` is in the GSM-7 alphabet (no UCS-2 fallback).
pub fn is_gsm7(text: &str) -> bool {
    gsm7_septets(text).is_some()
}

/// The local runner, started in-process on a free port with its own temporary store.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    running: Option<mendwork_local::Running>,
    _dir: tempfile::TempDir,
    sms_seq: AtomicU64,
}

/// The sample portfolio's path in this repository.
pub fn sample_portfolio() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("infra")
        .join("sample-portfolio.yaml")
}

fn must<T>(r: anyhow::Result<T>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e:#}"),
    }
}

impl TestApp {
    /// Starts a runner with a fresh store, the sample portfolio and the clock frozen at
    /// [`CLOCK_START`].
    pub async fn spawn() -> TestApp {
        Self::spawn_at(clock_start()).await
    }

    /// Like [`TestApp::spawn`] with the clock frozen at `start`.
    pub async fn spawn_at(start: DateTime<Utc>) -> TestApp {
        must(Self::try_spawn(start).await, "starting the local runner")
    }

    async fn try_spawn(start: DateTime<Utc>) -> anyhow::Result<TestApp> {
        let dir = tempfile::tempdir()?;
        let running = mendwork_local::start(mendwork_local::Options {
            config: Some(sample_portfolio()),
            clock_start: Some(start),
            ..mendwork_local::Options::new(dir.path().join("mendwork.db"))
        })
        .await?;
        let client = mendwork_app::https::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(TestApp {
            base_url: running.base_url.clone(),
            client,
            running: Some(running),
            _dir: dir,
            sms_seq: AtomicU64::new(1),
        })
    }

    /// Stops the server (the store goes with the test's temporary directory).
    pub async fn shutdown(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base_url)
        }
    }

    // ---- raw HTTP ----------------------------------------------------------------------

    async fn json_reply(resp: reqwest::Response) -> anyhow::Result<ApiReply> {
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("status {status}, body is not JSON ({e}): {text}"))?
        };
        if status >= 500 {
            anyhow::bail!("server error {status}: {body}");
        }
        Ok(ApiReply { status, body })
    }

    /// `GET path` expecting JSON.
    pub async fn get_json(&self, path: &str) -> ApiReply {
        let r = async {
            let resp = self.client.get(self.url(path)).send().await?;
            Self::json_reply(resp).await
        };
        must(r.await, &format!("GET {path}"))
    }

    /// `POST path` with a JSON body, expecting JSON.
    pub async fn post_json(&self, path: &str, body: &Value) -> ApiReply {
        let r = async {
            let resp = self.client.post(self.url(path)).json(body).send().await?;
            Self::json_reply(resp).await
        };
        must(r.await, &format!("POST {path}"))
    }

    /// `GET path` of a page (redirects are not followed).
    pub async fn get_page(&self, path: &str) -> Page {
        let r = async {
            let resp = self.client.get(self.url(path)).send().await?;
            Self::page(resp).await
        };
        must(r.await, &format!("GET {path}"))
    }

    /// `POST path` of an `application/x-www-form-urlencoded` form; keys may repeat.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = async {
            let resp = self.client.post(self.url(path)).form(fields).send().await?;
            Self::page(resp).await
        };
        must(r.await, &format!("POST {path}"))
    }

    async fn page(resp: reqwest::Response) -> anyhow::Result<Page> {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp.text().await?;
        if status >= 500 {
            anyhow::bail!("server error {status}: {body}");
        }
        Ok(Page {
            status,
            location,
            body,
        })
    }

    // ---- work orders -------------------------------------------------------------------

    /// `POST /api/work-orders` as a PM would; panics unless 201.
    pub async fn create_work_order(&self, request: Value) -> WorkOrder {
        let r = self.try_create_work_order(&request).await;
        assert_eq!(
            r.status, 201,
            "creating a work order from {request}: {:?}",
            r.body
        );
        WorkOrder(r.body)
    }

    /// `POST /api/work-orders`, whatever the answer.
    pub async fn try_create_work_order(&self, request: &Value) -> ApiReply {
        self.post_json("/api/work-orders", request).await
    }

    /// The tenant form, posted as a browser would (`POST /report`). Repeat `window_date`,
    /// `window_start` and `window_end` for several windows.
    pub async fn submit_form(&self, fields: &[(&str, &str)]) -> Page {
        self.post_form("/report", fields).await
    }

    /// `GET /api/work-orders/{id}` (id or job code); panics unless 200.
    pub async fn work_order(&self, id: &str) -> WorkOrder {
        let r = self.get_json(&format!("/api/work-orders/{id}")).await;
        assert_eq!(r.status, 200, "GET work order {id}: {:?}", r.body);
        WorkOrder(r.body)
    }

    /// `GET /api/work-orders?status=…` (without timelines).
    pub async fn list(&self, status: &str) -> Vec<WorkOrder> {
        let r = self
            .get_json(&format!("/api/work-orders?status={status}"))
            .await;
        assert_eq!(r.status, 200, "listing {status} work orders: {:?}", r.body);
        Self::work_orders_of(&r.body)
    }

    fn work_orders_of(body: &Value) -> Vec<WorkOrder> {
        body["work_orders"]
            .as_array()
            .map(|a| a.iter().cloned().map(WorkOrder).collect())
            .unwrap_or_default()
    }

    /// Every work order of every status (without timelines).
    pub async fn all_work_orders(&self) -> Vec<WorkOrder> {
        let r = self.get_json("/api/work-orders").await;
        if r.status == 200 {
            return Self::work_orders_of(&r.body);
        }
        let mut out = vec![];
        for s in [
            "submitted",
            "dispatching",
            "needs_attention",
            "accepted",
            "scheduled",
            "in_progress",
            "awaiting_approval",
            "completed",
            "closed",
            "cancelled",
        ] {
            out.extend(self.list(s).await);
        }
        out
    }

    /// The one work order whose description is `description`, read in full; panics unless
    /// exactly one matches.
    pub async fn find_by_description(&self, description: &str) -> WorkOrder {
        let all = self.all_work_orders().await;
        let hits: Vec<&WorkOrder> = all
            .iter()
            .filter(|w| w["description"].as_str() == Some(description))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "expected one work order described {description:?}, found {}",
            hits.len()
        );
        self.work_order(&hits[0].id()).await
    }

    // ---- directory ---------------------------------------------------------------------

    /// `GET /api/vendors`.
    pub async fn vendors(&self) -> Vec<Value> {
        let r = self.get_json("/api/vendors").await;
        assert_eq!(r.status, 200, "GET /api/vendors: {:?}", r.body);
        r.body["vendors"].as_array().cloned().unwrap_or_default()
    }

    /// A vendor's phone, from `GET /api/vendors`.
    pub async fn vendor_phone(&self, vendor: &str) -> String {
        self.vendor_field(vendor, "phone").await
    }

    async fn vendor_field(&self, vendor: &str, field: &str) -> String {
        let all = self.vendors().await;
        let v = all.iter().find(|v| v["id"].as_str() == Some(vendor));
        match v.and_then(|v| v[field].as_str()) {
            Some(x) => x.to_string(),
            None => panic!("vendor {vendor} has no {field} in GET /api/vendors"),
        }
    }

    // ---- SMS ---------------------------------------------------------------------------

    /// An inbound SMS from `from`, with a fresh `inboundMessageId`; returns the outcome JSON.
    pub async fn sms(&self, from: &str, body: &str) -> Value {
        let n = self.sms_seq.fetch_add(1, Ordering::Relaxed);
        let id = format!("e2e-{n:06}-{:x}", std::process::id());
        self.sms_with_id(from, body, &id).await
    }

    /// An inbound SMS with a given `inboundMessageId` (to replay a delivery).
    pub async fn sms_with_id(&self, from: &str, body: &str, inbound_message_id: &str) -> Value {
        let payload = json!({
            "originationNumber": from,
            "destinationNumber": MENDWORK_NUMBER,
            "messageKeyword": "KEYWORD_MENDWORK",
            "messageBody": body,
            "inboundMessageId": inbound_message_id,
            "previousPublishedMessageId": null,
        });
        let r = self.post_json("/dev/sms", &payload).await;
        assert_eq!(r.status, 200, "POST /dev/sms {payload}: {:?}", r.body);
        r.body
    }

    // ---- clock -------------------------------------------------------------------------

    /// Moves the virtual clock forward by `seconds`, firing due timers; returns what fired.
    pub async fn advance(&self, seconds: i64) -> ClockMove {
        self.move_clock(json!({ "advance_seconds": seconds })).await
    }

    /// Moves the virtual clock forward to `rfc3339`, firing due timers; returns what fired.
    pub async fn clock_to(&self, rfc3339: &str) -> ClockMove {
        self.move_clock(json!({ "to": rfc3339 })).await
    }

    async fn move_clock(&self, body: Value) -> ClockMove {
        let r = self.post_json("/dev/clock", &body).await;
        assert_eq!(r.status, 200, "POST /dev/clock {body}: {:?}", r.body);
        match serde_json::from_value(r.body.clone()) {
            Ok(m) => m,
            Err(e) => panic!("POST /dev/clock answered {} ({e})", r.body),
        }
    }

    /// Every pending timer (`GET /dev/timers`).
    pub async fn pending_timers(&self) -> Vec<Value> {
        let r = self.get_json("/dev/timers").await;
        assert_eq!(r.status, 200, "GET /dev/timers: {:?}", r.body);
        r.body["timers"].as_array().cloned().unwrap_or_default()
    }

    // ---- outbox ------------------------------------------------------------------------

    /// Every message sent so far, oldest first.
    pub async fn outbox(&self) -> Vec<Message> {
        self.outbox_query("").await
    }

    async fn outbox_query(&self, query: &str) -> Vec<Message> {
        let r = self.get_json(&format!("/dev/outbox{query}")).await;
        assert_eq!(r.status, 200, "GET /dev/outbox{query}: {:?}", r.body);
        match serde_json::from_value(r.body["messages"].clone()) {
            Ok(m) => m,
            Err(e) => panic!("GET /dev/outbox answered {} ({e})", r.body),
        }
    }

    /// Every message sent to a phone or email address, oldest first.
    pub async fn messages_to(&self, phone_or_email: &str) -> Vec<Message> {
        self.outbox()
            .await
            .into_iter()
            .filter(|m| m.to == phone_or_email)
            .collect()
    }

    /// The SMS messages sent to `phone`, oldest first.
    pub async fn sms_to(&self, phone: &str) -> Vec<Message> {
        self.messages_to(phone)
            .await
            .into_iter()
            .filter(Message::is_sms)
            .collect()
    }

    /// The newest message to `address` with this key.
    pub async fn last_with_key(&self, address: &str, key: &str) -> Option<Message> {
        self.messages_to(address)
            .await
            .into_iter()
            .rfind(|m| m.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_count_gsm7_and_ucs2() {
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
        assert_eq!(sms_segments(&"[".repeat(80)), 1);
        assert_eq!(sms_segments(&"[".repeat(81)), 2);
        assert_eq!(sms_segments(&"—".repeat(70)), 1);
        assert_eq!(sms_segments(&format!("{}—", "a".repeat(70))), 2);
        assert!(is_gsm7("Reply YES KP27 to take it."));
        assert!(!is_gsm7("It’s done"));
    }

    #[test]
    fn links_are_found_in_plain_text() {
        let body =
            "Approve or decline with one click: http://127.0.0.1:5/approve/abc.def\n\n— Team";
        assert_eq!(
            find_link(body, "/approve/").as_deref(),
            Some("http://127.0.0.1:5/approve/abc.def")
        );
    }

    #[test]
    fn local_times_convert_across_the_dst_change() {
        assert_eq!(
            local("America/New_York", "2026-03-07", "18:00").to_rfc3339(),
            "2026-03-07T23:00:00+00:00"
        );
        assert_eq!(
            local("America/New_York", "2026-03-08", "18:00").to_rfc3339(),
            "2026-03-08T22:00:00+00:00"
        );
        assert_eq!(
            local("America/Phoenix", "2026-03-08", "18:00").to_rfc3339(),
            "2026-03-09T01:00:00+00:00"
        );
    }
}
