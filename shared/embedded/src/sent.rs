//! The recording senders of local mode: email and SMS are not sent but written to the store's
//! `sent` table, where the harness (`GET /dev/outbox`) and tests read them back.

use crate::SqliteStore;
use crate::db::{Ctx, Db, from_json, parse_ts, to_json, ts};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mendwork_app::ports::{Clock, Delivery, Mailer, StoreError, Texter};
use mendwork_domain::{Channel, EmailMessage, Recipient, SmsMessage, WorkOrderId};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One message as "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The outbox record id it was sent for: unique, so a message is recorded at most once.
    pub id: String,
    pub channel: Channel,
    /// The email address or E.164 phone.
    pub to: String,
    pub recipient: Recipient,
    /// Emails only.
    pub subject: Option<String>,
    pub body: String,
    /// The iCalendar attachment, emails only.
    pub ics: Option<String>,
    /// The message key (`tenant.scheduled.sms`…).
    pub key: String,
    pub work_order: Option<WorkOrderId>,
    /// Virtual time when it was sent.
    pub at: DateTime<Utc>,
}

/// Which sent messages to read; every field left `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct SentFilter {
    pub work_order: Option<WorkOrderId>,
    /// An exact email address or E.164 phone.
    pub to: Option<String>,
    /// Only messages sent at or after this time.
    pub since: Option<DateTime<Utc>>,
}

struct Row<'a> {
    id: &'a str,
    channel: &'static str,
    to: &'a str,
    recipient: &'a Recipient,
    subject: Option<&'a str>,
    body: &'a str,
    ics: Option<&'a str>,
    key: &'a str,
    work_order: Option<&'a WorkOrderId>,
    at: DateTime<Utc>,
}

fn record(db: &Db, m: Row) -> Result<(), StoreError> {
    let conn = db.conn();
    // OR IGNORE is the idempotency the ports demand: the first recording of an id stands.
    let mut insert = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO sent \
               (id, channel, to_address, recipient, subject, body, ics, key, work_order, at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .ctx("preparing the sent-message insert")?;
    insert
        .execute(params![
            m.id,
            m.channel,
            m.to,
            to_json(m.recipient, "a recipient")?,
            m.subject,
            m.body,
            m.ics,
            m.key,
            m.work_order.map(WorkOrderId::as_str),
            ts(m.at),
        ])
        .with_ctx(|| format!("recording sent message {}", m.id))?;
    Ok(())
}

/// A [`Mailer`] that records instead of sending. Sending the same id twice records once.
#[derive(Clone)]
pub struct RecordingMailer {
    db: Arc<Db>,
    clock: Arc<dyn Clock>,
}

impl RecordingMailer {
    /// Records into `store`, stamping messages with `clock`'s now.
    pub fn new(store: &SqliteStore, clock: Arc<dyn Clock>) -> Self {
        RecordingMailer {
            db: store.db().clone(),
            clock,
        }
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        email: &EmailMessage,
    ) -> Result<Delivery, StoreError> {
        record(
            &self.db,
            Row {
                id,
                channel: "email",
                to: email.to.as_str(),
                recipient: &email.recipient,
                subject: Some(&email.subject),
                body: &email.text,
                ics: email.ics.as_deref(),
                key: &email.key,
                work_order,
                at: self.clock.now(),
            },
        )
        .map(|()| Delivery::Sent)
    }
}

/// A [`Texter`] that records instead of sending. Sending the same id twice records once.
#[derive(Clone)]
pub struct RecordingTexter {
    db: Arc<Db>,
    clock: Arc<dyn Clock>,
}

impl RecordingTexter {
    /// Records into `store`, stamping messages with `clock`'s now.
    pub fn new(store: &SqliteStore, clock: Arc<dyn Clock>) -> Self {
        RecordingTexter {
            db: store.db().clone(),
            clock,
        }
    }
}

#[async_trait]
impl Texter for RecordingTexter {
    async fn send(
        &self,
        id: &str,
        work_order: Option<&WorkOrderId>,
        sms: &SmsMessage,
    ) -> Result<Delivery, StoreError> {
        record(
            &self.db,
            Row {
                id,
                channel: "sms",
                to: sms.to.as_str(),
                recipient: &sms.recipient,
                subject: None,
                body: &sms.body,
                ics: None,
                key: &sms.key,
                work_order,
                at: self.clock.now(),
            },
        )
        .map(|()| Delivery::Sent)
    }
}

impl SqliteStore {
    /// Messages recorded by [`RecordingMailer`] and [`RecordingTexter`], oldest first (by
    /// send time, then recording order).
    pub fn sent(&self, filter: SentFilter) -> Result<Vec<SentMessage>, StoreError> {
        // Only the conditions given, so a recipient or a work order is read through its own
        // index (`sent_to`, `sent_work_order`: both end in `at`, so no sort); `x IS NULL OR`
        // conditions would have read every message.
        let mut conditions = Vec::new();
        let mut values: Vec<String> = Vec::new();
        if let Some(wo) = &filter.work_order {
            conditions.push("work_order = ?");
            values.push(wo.as_str().to_owned());
        }
        if let Some(to) = filter.to {
            conditions.push("to_address = ?");
            values.push(to);
        }
        if let Some(since) = filter.since {
            conditions.push("at >= ?");
            values.push(ts(since));
        }
        let filter_sql = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let conn = self.db().conn();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT id, channel, to_address, recipient, subject, body, ics, key, work_order, at \
                 FROM sent {filter_sql} ORDER BY at, rowid"
            ))
            .ctx("preparing the sent-message query")?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ),
                    (
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, String>(9)?,
                    ),
                ))
            })
            .ctx("reading sent messages")?;
        let mut out = Vec::new();
        for row in rows {
            let ((id, channel, to, recipient, subject), (body, ics, key, work_order, at)) =
                row.ctx("reading sent messages")?;
            out.push(SentMessage {
                channel: match channel.as_str() {
                    "email" => Channel::Email,
                    "sms" => Channel::Sms,
                    other => {
                        return Err(StoreError::msg(format!(
                            "sent message {id} has the unknown channel {other:?}"
                        )));
                    }
                },
                recipient: from_json(&recipient, "a recipient")?,
                at: parse_ts(&at)?,
                work_order: work_order.map(WorkOrderId),
                id,
                to,
                subject,
                body,
                ics,
                key,
            });
        }
        Ok(out)
    }
}
