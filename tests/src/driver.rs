//! The [`Driver`] port of the shared scenarios: what the people around a work order do (a
//! tenant submits the form, a phone texts in, someone opens a link and posts its page, the PM
//! calls the API, time passes) and what they can see (work orders, timers, messages received),
//! in words that hold for every way Mendwork runs. The scenarios in [`crate::scenarios`] are
//! written once against it; the local runner over HTTP ([`crate::Local`]) and the Lambda
//! handlers on moto (in the handlers' tests) implement it.
//!
//! Only a handful of methods are required; everything else is provided on top of them, so a
//! rule of reading (what "the offer" or "the last SMS to Pat" is) is written once.

use crate::{ApiReply, Message, Page, WorkOrder};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// A timer that fired while the clock moved: its name, when it was due, and the work order it
/// acted on (when it acted on one).
#[derive(Debug, Clone)]
pub struct Fired {
    pub name: String,
    pub at: DateTime<Utc>,
    pub work_order: Option<String>,
}

/// A timer still waiting. `work_order` and `kind` (`accept_timeout`, `reminder_eve`…) are set
/// for a work order's timers, `template` for a recurring template's next occurrence.
#[derive(Debug, Clone)]
pub struct PendingTimer {
    pub name: String,
    pub at: DateTime<Utc>,
    pub work_order: Option<String>,
    pub kind: Option<String>,
    pub template: Option<String>,
}

impl PendingTimer {
    /// Reads a timer as the application spells it (`TimerSpec`, with its target nested or
    /// flattened into it, as a schedule's input carries it).
    pub fn from_spec(spec: &Value, at: DateTime<Utc>) -> PendingTimer {
        let target = if spec["target"].is_object() {
            &spec["target"]
        } else {
            spec
        };
        let s = |v: &Value| v.as_str().map(str::to_string);
        PendingTimer {
            name: s(&spec["name"]).unwrap_or_default(),
            at,
            work_order: s(&target["work_order"]),
            kind: s(&target["kind"]),
            template: s(&target["template"]),
        }
    }
}

/// The timers among `fired` that acted on `work_order`.
pub fn fired_for<'a>(fired: &'a [Fired], work_order: &str) -> Vec<&'a Fired> {
    fired
        .iter()
        .filter(|f| f.work_order.as_deref() == Some(work_order))
        .collect()
}

/// One way of running Mendwork, driven from outside. Invariants every implementation keeps:
/// it starts with the sample portfolio, an empty store and a clock frozen at the instant given
/// to [`Driver::start`]; the clock moves only through [`Driver::clock_to`]; whatever a request
/// or a timer causes (triage, offers, messages) has happened by the time the call returns;
/// and [`Driver::sent`] lists what the people received, oldest first, each message labelled
/// with its key and work order where the deployment records them.
#[allow(async_fn_in_trait)] // Scenarios run on one thread each; no Send bound is wanted.
pub trait Driver: Sized {
    /// A fresh deployment at `at`; `None` when this driver is skipped on this machine.
    async fn start(at: DateTime<Utc>) -> Option<Self>;

    /// The tenant sends the public form (`POST /report`) with these fields, as a browser does.
    async fn submit_form(&self, fields: &[(&str, &str)]) -> Page;
    /// Someone opens a page: a link from a message (absolute) or a path.
    async fn open(&self, link: &str) -> Page;
    /// Someone posts the form of the page at `link`.
    async fn post_page(&self, link: &str, fields: &[(&str, &str)]) -> Page;
    /// The signed-in team reads the JSON API.
    async fn api_get(&self, path: &str) -> ApiReply;
    /// The signed-in team (a PM, the desk) acts through the JSON API.
    async fn api_post(&self, path: &str, body: &Value) -> ApiReply;
    /// A phone texts Mendwork's number; `message_id` is the carrier's id of that delivery (the
    /// same id twice is the same text delivered twice). Returns the handling's outcome
    /// (`{"outcome": "executed" | "replied" | "duplicate" | …}`).
    async fn text_with_id(&self, from: &str, body: &str, message_id: &str) -> Value;
    /// The virtual now.
    fn now(&self) -> DateTime<Utc>;
    /// Moves the clock to `to`, firing every timer due by then at its own time, in order.
    async fn clock_to(&self, to: DateTime<Utc>) -> Vec<Fired>;
    /// Every timer still waiting.
    async fn pending_timers(&self) -> Vec<PendingTimer>;
    /// Every message people received (SMS and email), oldest first.
    async fn sent(&self) -> Vec<Message>;

    // ---- provided -----------------------------------------------------------------------

    /// A text with a fresh carrier id.
    async fn text(&self, from: &str, body: &str) -> Value {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SEQ: AtomicU64 = AtomicU64::new(1);
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let id = format!("scenario-{n:08}-5a1e-4b8e-9d2c-{:012x}", std::process::id());
        self.text_with_id(from, body, &id).await
    }

    /// Moves the clock forward by `seconds` (see [`Driver::clock_to`]).
    async fn advance(&self, seconds: i64) -> Vec<Fired> {
        self.clock_to(self.now() + Duration::seconds(seconds)).await
    }

    /// The timers still waiting for `work_order`.
    async fn timers_of(&self, work_order: &str) -> Vec<PendingTimer> {
        self.pending_timers()
            .await
            .into_iter()
            .filter(|t| t.work_order.as_deref() == Some(work_order))
            .collect()
    }

    /// The PM creates a work order through the API; panics unless 201.
    async fn create_work_order(&self, request: Value) -> WorkOrder {
        let r = self.api_post("/api/work-orders", &request).await;
        assert_eq!(
            r.status, 201,
            "creating a work order from {request}: {:?}",
            r.body
        );
        WorkOrder(r.body)
    }

    /// A work order in full, by id or job code; panics unless 200.
    async fn work_order(&self, id: &str) -> WorkOrder {
        let r = self.api_get(&format!("/api/work-orders/{id}")).await;
        assert_eq!(r.status, 200, "GET work order {id}: {:?}", r.body);
        WorkOrder(r.body)
    }

    /// The work orders of one status (without timelines).
    async fn list(&self, status: &str) -> Vec<WorkOrder> {
        let r = self
            .api_get(&format!("/api/work-orders?status={status}"))
            .await;
        assert_eq!(r.status, 200, "listing {status} work orders: {:?}", r.body);
        work_orders_of(&r.body)
    }

    /// Every work order (without timelines).
    async fn all_work_orders(&self) -> Vec<WorkOrder> {
        let r = self.api_get("/api/work-orders").await;
        assert_eq!(r.status, 200, "listing work orders: {:?}", r.body);
        work_orders_of(&r.body)
    }

    /// The one work order described `description`, in full; panics unless exactly one.
    async fn find_by_description(&self, description: &str) -> WorkOrder {
        let all = self.all_work_orders().await;
        let hits: Vec<&WorkOrder> = all
            .iter()
            .filter(|w| w["description"].as_str() == Some(description))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "work orders described {description:?}: {all:?}"
        );
        self.work_order(&hits[0].id()).await
    }

    /// `POST /api/work-orders/{id}/{action}` as the PM.
    async fn pm_action(&self, id: &str, action: &str, body: Value) -> ApiReply {
        self.api_post(&format!("/api/work-orders/{id}/{action}"), &body)
            .await
    }

    /// A vendor's field (`phone`, `email`) from the directory.
    async fn vendor_field(&self, vendor: &str, field: &str) -> String {
        let r = self.api_get("/api/vendors").await;
        assert_eq!(r.status, 200, "GET /api/vendors: {:?}", r.body);
        let all = r.body["vendors"].as_array().cloned().unwrap_or_default();
        let v = all.iter().find(|v| v["id"].as_str() == Some(vendor));
        match v.and_then(|v| v[field].as_str()) {
            Some(x) => x.to_string(),
            None => panic!("vendor {vendor} has no {field} in GET /api/vendors"),
        }
    }

    async fn vendor_phone(&self, vendor: &str) -> String {
        self.vendor_field(vendor, "phone").await
    }

    async fn vendor_email(&self, vendor: &str) -> String {
        self.vendor_field(vendor, "email").await
    }

    /// The vendor the open offer is out to, and their phone.
    async fn offered_vendor(&self, id: &str) -> Option<(String, String)> {
        let vendor = self.work_order(id).await.offer_vendor()?;
        let phone = self.vendor_phone(&vendor).await;
        Some((vendor, phone))
    }

    /// The desk's visits at `property` on `date` (`YYYY-MM-DD`).
    async fn visits(&self, property: &str, date: &str) -> Vec<Value> {
        let r = self
            .api_get(&format!("/api/visits?property={property}&date={date}"))
            .await;
        assert_eq!(
            r.status, 200,
            "visits of {property} on {date}: {:?}",
            r.body
        );
        r.body["visits"].as_array().cloned().unwrap_or_default()
    }

    /// The desk checks a visitor in.
    async fn desk_check_in(&self, visit: &str) -> ApiReply {
        self.api_post(&format!("/api/visits/{visit}/check-in"), &json!({}))
            .await
    }

    /// Every message received at a phone or email address, oldest first.
    async fn messages_to(&self, address: &str) -> Vec<Message> {
        let sent = self.sent().await;
        sent.into_iter().filter(|m| m.to == address).collect()
    }

    /// Every message sent about one work order, oldest first.
    async fn messages_for(&self, work_order: &str) -> Vec<Message> {
        let sent = self.sent().await;
        sent.into_iter()
            .filter(|m| m.work_order.as_deref() == Some(work_order))
            .collect()
    }

    /// The SMS received at `phone`, oldest first.
    async fn sms_to(&self, phone: &str) -> Vec<Message> {
        let all = self.messages_to(phone).await;
        all.into_iter().filter(Message::is_sms).collect()
    }

    /// The newest SMS received at `phone`.
    async fn last_sms_to(&self, phone: &str) -> Option<Message> {
        self.sms_to(phone).await.pop()
    }

    /// The newest message to `address` with this key.
    async fn last_with_key(&self, address: &str, key: &str) -> Option<Message> {
        let all = self.messages_to(address).await;
        all.into_iter().rfind(|m| m.key == key)
    }
}

fn work_orders_of(body: &Value) -> Vec<WorkOrder> {
    body["work_orders"]
        .as_array()
        .map(|a| a.iter().cloned().map(WorkOrder).collect())
        .unwrap_or_default()
}
