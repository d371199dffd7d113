//! [`Local`]: the [`Driver`] of the local runner, started in-process and spoken to over HTTP
//! only (the harness routes `/dev/sms`, `/dev/clock`, `/dev/timers` and `/dev/outbox` play the
//! phone network, the passing of time and the recipients' inboxes).

use crate::driver::{Driver, Fired, PendingTimer};
use crate::{ApiReply, Message, Page, TestApp, utc};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::sync::Mutex;

/// The local runner as a [`Driver`]; [`Local::app`] gives the raw HTTP harness for what only
/// the local runner has.
pub struct Local {
    pub app: TestApp,
    now: Mutex<DateTime<Utc>>,
}

impl Driver for Local {
    async fn start(at: DateTime<Utc>) -> Option<Local> {
        Some(Local {
            app: TestApp::spawn_at(at).await,
            now: Mutex::new(at),
        })
    }

    async fn submit_form(&self, fields: &[(&str, &str)]) -> Page {
        self.app.submit_form(fields).await
    }

    async fn open(&self, link: &str) -> Page {
        self.app.get_page(link).await
    }

    async fn post_page(&self, link: &str, fields: &[(&str, &str)]) -> Page {
        self.app.post_form(link, fields).await
    }

    async fn api_get(&self, path: &str) -> ApiReply {
        self.app.get_json(path).await
    }

    async fn api_post(&self, path: &str, body: &Value) -> ApiReply {
        self.app.post_json(path, body).await
    }

    async fn text_with_id(&self, from: &str, body: &str, message_id: &str) -> Value {
        self.app.sms_with_id(from, body, message_id).await
    }

    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn clock_to(&self, to: DateTime<Utc>) -> Vec<Fired> {
        let moved = self.app.clock_to(&to.to_rfc3339()).await;
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = moved.now;
        moved
            .fired
            .iter()
            .map(|f| Fired {
                name: f.name.clone(),
                at: f.at,
                work_order: f.work_order().map(str::to_string),
            })
            .collect()
    }

    async fn pending_timers(&self) -> Vec<PendingTimer> {
        let all = self.app.pending_timers().await;
        all.iter()
            .map(|t| {
                let at = t["at"].as_str().map(utc);
                let at = at.unwrap_or_else(|| panic!("a timer without a time: {t}"));
                PendingTimer::from_spec(t, at)
            })
            .collect()
    }

    async fn sent(&self) -> Vec<Message> {
        self.app.outbox().await
    }
}
