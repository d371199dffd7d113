//! The events Mendwork tells other systems about: each timeline event a team's integration can
//! act on becomes one versioned, self-describing JSON event (`work_order.accepted`, …), decided
//! here once, so the webhook sender, the delivery log and the API's contract agree.
//!
//! What goes out is deliberately less than the timeline: the timers' bookkeeping stays inside,
//! and no event carries a phone number or an email address (the receiving system already knows
//! its tenants and vendors, and a webhook endpoint is one more place an address could leak to).
//! Message bodies do go out — the PMS keeps the conversation — but only on `message.*` events.

use crate::attention::Cause;
use crate::danger::Via;
use crate::portfolio::Portfolio;
use crate::types::{Language, Money, Priority, Trade};
use crate::unscheduled::Reason;
use crate::workorder::{
    Actor, Channel, Event, Recipient, Status, TimerKind, VisitChange, Window, WorkOrder,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The version of every event's shape. A change that removes or renames a field makes a new
/// version; adding a field does not (receivers must ignore fields they do not know).
pub const VERSION: u32 = 1;

/// The kinds of event that go out. `as_str` is the `type` field; it never changes for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    Created,
    Triaged,
    Offered,
    Declined,
    Lapsed,
    Accepted,
    Assigned,
    Unassigned,
    NeedsAttention,
    NoteAdded,
    Scheduled,
    Unscheduled,
    ReminderSent,
    VisitChanged,
    Arrived,
    RunningLate,
    Done,
    NotDone,
    Estimate,
    ApprovalRequested,
    ApprovalDecided,
    Invoice,
    Feedback,
    Closed,
    Cancelled,
    SafetyQuestionAsked,
    SafetyQuestionAnswered,
    DangerReported,
    MessageReceived,
    MessageSent,
    MessageUndelivered,
}

impl EventType {
    /// Every kind, for the contract and the tests.
    pub const ALL: [EventType; 31] = [
        EventType::Created,
        EventType::Triaged,
        EventType::Offered,
        EventType::Declined,
        EventType::Lapsed,
        EventType::Accepted,
        EventType::Assigned,
        EventType::Unassigned,
        EventType::NeedsAttention,
        EventType::NoteAdded,
        EventType::Scheduled,
        EventType::Unscheduled,
        EventType::ReminderSent,
        EventType::VisitChanged,
        EventType::Arrived,
        EventType::RunningLate,
        EventType::Done,
        EventType::NotDone,
        EventType::Estimate,
        EventType::ApprovalRequested,
        EventType::ApprovalDecided,
        EventType::Invoice,
        EventType::Feedback,
        EventType::Closed,
        EventType::Cancelled,
        EventType::SafetyQuestionAsked,
        EventType::SafetyQuestionAnswered,
        EventType::DangerReported,
        EventType::MessageReceived,
        EventType::MessageSent,
        EventType::MessageUndelivered,
    ];

    /// The event's `type`, e.g. `work_order.accepted`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "work_order.created",
            EventType::Triaged => "work_order.triaged",
            EventType::Offered => "work_order.offered",
            EventType::Declined => "work_order.declined",
            EventType::Lapsed => "work_order.offer_lapsed",
            EventType::Accepted => "work_order.accepted",
            EventType::Assigned => "work_order.assigned",
            EventType::Unassigned => "work_order.unassigned",
            EventType::NeedsAttention => "work_order.needs_attention",
            EventType::NoteAdded => "work_order.note_added",
            EventType::Scheduled => "work_order.scheduled",
            EventType::Unscheduled => "work_order.unscheduled",
            EventType::ReminderSent => "work_order.reminder_sent",
            EventType::VisitChanged => "work_order.visit_changed",
            EventType::Arrived => "work_order.arrived",
            EventType::RunningLate => "work_order.running_late",
            EventType::Done => "work_order.done",
            EventType::NotDone => "work_order.not_done",
            EventType::Estimate => "work_order.estimate",
            EventType::ApprovalRequested => "work_order.approval_requested",
            EventType::ApprovalDecided => "work_order.approval_decided",
            EventType::Invoice => "work_order.invoice",
            EventType::Feedback => "work_order.feedback",
            EventType::Closed => "work_order.closed",
            EventType::Cancelled => "work_order.cancelled",
            EventType::SafetyQuestionAsked => "work_order.safety_question_asked",
            EventType::SafetyQuestionAnswered => "work_order.safety_question_answered",
            EventType::DangerReported => "work_order.danger_reported",
            EventType::MessageReceived => "message.received",
            EventType::MessageSent => "message.sent",
            EventType::MessageUndelivered => "message.undelivered",
        }
    }

    /// The kind named by `type`, for endpoint filters typed by a person.
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The work order an event is about, as it stands after the event's transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkOrderRef {
    pub id: String,
    pub code: String,
    pub property: String,
    pub unit: String,
    pub status: Status,
    pub trade: Trade,
    pub priority: Priority,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<Window>,
}

/// One event as it goes out.
///
/// Invariant: `id` is the same every time the same timeline event is published (it is derived
/// from the work order and the event's place in its history), so a receiver can drop repeats
/// and the sender can use it as the Standard Webhooks `webhook-id` on every retry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboundEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub version: u32,
    pub timestamp: DateTime<Utc>,
    pub work_order: WorkOrderRef,
    pub data: Value,
}

/// An event ready to go out: its id, its `type` (for endpoint filters and the delivery log)
/// and the exact JSON body every attempt sends (the signature covers these bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub body: String,
}

impl OutboundEvent {
    /// The event as sent: `None` only if it cannot be written as JSON (it always can).
    pub fn published(&self) -> Option<Published> {
        Some(Published {
            id: self.id.clone(),
            kind: self.kind.as_str().to_string(),
            body: serde_json::to_string(self).ok()?,
        })
    }
}

/// The `mendwork.test` event the PM pages send to one endpoint on demand: the same envelope as
/// every event, with no work order, so a receiver can check its verification end to end.
pub fn test_event(id: String, at: DateTime<Utc>, team: &str) -> Published {
    let body = json!({
        "id": id,
        "type": crate::endpoints::TEST_EVENT_TYPE,
        "version": VERSION,
        "timestamp": at,
        "data": {"team": team, "message": "a test event sent from the Mendwork PM pages"},
    });
    Published {
        id,
        kind: crate::endpoints::TEST_EVENT_TYPE.to_string(),
        body: body.to_string(),
    }
}

/// The stable id of the `index`-th event of the commit that took `wo` to `version`.
pub fn event_id(wo: &WorkOrder, version: u64, index: usize) -> String {
    format!("evt_{}_{}_{}", wo.id, version, index)
}

/// The outbound events for one timeline event: none for the timeline's own bookkeeping (timers
/// set, cancelled or elapsed; availability edits before slots go out; …), one for most, and
/// two for a tenant's report of danger that an open safety question took as its YES: the
/// `safety_question_answered`, then the `danger_reported` (id: the answer's, `_danger` added),
/// so a receiver of either kind hears of it.
///
/// `wo` is the work order after the transition that recorded `event` at `at`; `id` is the
/// event's stable id ([`event_id`]).
pub fn outbound(
    wo: &WorkOrder,
    portfolio: &Portfolio,
    id: String,
    at: DateTime<Utc>,
    event: &Event,
) -> Vec<OutboundEvent> {
    let mut out = vec![];
    if let Some((kind, data)) = classify(event, wo, portfolio) {
        out.push(envelope(wo, id.clone(), at, kind, data));
    }
    if let Some(data) = report_answered(event, at) {
        out.push(envelope(
            wo,
            format!("{id}_danger"),
            at,
            EventType::DangerReported,
            data,
        ));
    }
    out
}

fn envelope(
    wo: &WorkOrder,
    id: String,
    at: DateTime<Utc>,
    kind: EventType,
    data: Value,
) -> OutboundEvent {
    OutboundEvent {
        id,
        kind,
        version: VERSION,
        timestamp: at,
        work_order: WorkOrderRef {
            id: wo.id.to_string(),
            code: wo.code.to_string(),
            property: wo.request.property.to_string(),
            unit: wo.request.unit.clone(),
            status: wo.status,
            trade: wo.trade,
            priority: wo.priority,
            vendor: wo.vendor.as_ref().map(|v| v.to_string()),
            appointment: wo.appointment,
        },
        data,
    }
}

/// The `danger_reported` data of a report of danger: when (`at`), by whom, how (`channel`:
/// `sms`, `page`, or null when told otherwise), and whether the report made the request an
/// emergency (`emergency`: true when it answered the open safety question YES, whose
/// `question` it names; false when the team was alerted to decide, the request urgent).
fn danger_data(
    at: DateTime<Utc>,
    by: &Actor,
    via: Option<Via>,
    emergency: bool,
    question: Option<&str>,
) -> Value {
    json!({"at": at, "by": actor(by), "channel": via, "emergency": emergency,
           "question": question})
}

/// The `danger_reported` data of a safety question answered YES by a report of danger.
fn report_answered(event: &Event, at: DateTime<Utc>) -> Option<Value> {
    match event {
        Event::SafetyQuestionAnswered {
            question,
            yes: true,
            by,
            danger_report: true,
            via,
        } => Some(danger_data(at, by, *via, true, Some(question.key()))),
        _ => None,
    }
}

/// A `needs_attention` event's data, as webhooks and the API's timeline give it: `reason`, the
/// cause in the team's words (English, as before causes were typed), and `code`, the cause's
/// stable snake_case code ([`Cause::code`]; `other` for one recorded before causes were typed),
/// with the cause's own fields beside them (`trade`, `passed_over`, `vendor`, `amount` in cents,
/// `system`, `pms_vendor`, `step`, `due`). Times in the words are in `tz`, the property's.
pub fn attention_data(cause: &Cause, portfolio: &Portfolio, tz: Tz) -> Value {
    let mut data = match serde_json::to_value(cause) {
        Ok(Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    data.insert("code".into(), json!(cause.code()));
    // Money goes out as every event gives it, in cents with its currency.
    if let Cause::EstimateDeclined { amount } = cause {
        data.insert("amount".into(), cents(*amount));
    }
    data.insert(
        "reason".into(),
        json!(cause.describe(portfolio, tz, Language::En)),
    );
    Value::Object(data)
}

/// Why an appointment is off as webhooks and the API give it: `reason` in English words (as
/// it always was) and its stable `code` (`other`, the words as written, for a reason stored
/// before reasons were typed). Who asked to reschedule is added by each as it gives actors.
pub fn unscheduled_data(
    reason: &Reason,
    portfolio: &Portfolio,
    tz: chrono_tz::Tz,
) -> serde_json::Map<String, Value> {
    let mut data = serde_json::Map::new();
    data.insert(
        "reason".into(),
        json!(reason.describe(portfolio, tz, Language::En)),
    );
    data.insert("code".into(), json!(reason.code()));
    // The time the tenant asked for instead, as the API gives every window.
    if let Reason::AskedToReschedule {
        window: Some(w), ..
    } = reason
    {
        data.insert("window".into(), json!(w));
    }
    data
}

fn actor(a: &Actor) -> Value {
    match a {
        Actor::Tenant => json!({"role": "tenant"}),
        Actor::Vendor(v) => json!({"role": "vendor", "vendor": v.to_string()}),
        Actor::Owner => json!({"role": "owner"}),
        Actor::Pm(who) => json!({"role": "pm", "name": who}),
        Actor::Desk => json!({"role": "desk"}),
        Actor::System => json!({"role": "system"}),
        Actor::Integration(name) => json!({"role": "integration", "name": name}),
        Actor::Pms(system) => json!({"role": "pms", "system": system}),
    }
}

fn recipient(r: &Recipient) -> Value {
    match r {
        Recipient::Tenant => json!({"role": "tenant"}),
        Recipient::Vendor(v) => json!({"role": "vendor", "vendor": v.to_string()}),
        Recipient::Owner => json!({"role": "owner"}),
        Recipient::Pm => json!({"role": "pm"}),
        Recipient::Other => json!({"role": "other"}),
    }
}

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Sms => "sms",
        Channel::Email => "email",
    }
}

fn cents(m: Money) -> Value {
    json!({"cents": m.cents(), "currency": "USD"})
}

fn reminder(which: TimerKind) -> &'static str {
    match which {
        TimerKind::ReminderDayBefore => "day_before",
        TimerKind::ReminderMorning => "morning",
        _ => which.as_str(),
    }
}

fn visit_change(c: VisitChange) -> &'static str {
    match c {
        VisitChange::Created => "created",
        VisitChange::Moved => "moved",
        VisitChange::CheckedIn => "checked_in",
        VisitChange::CheckedOut => "checked_out",
        VisitChange::Cancelled => "cancelled",
        VisitChange::Linked => "linked",
    }
}

/// The kind and data of each timeline event. The match names every variant (no `_` arm), so
/// a new kind of timeline event cannot be added without deciding whether it goes out.
fn classify(event: &Event, wo: &WorkOrder, portfolio: &Portfolio) -> Option<(EventType, Value)> {
    use EventType as T;
    Some(match event {
        Event::Submitted { request, .. } => (
            T::Created,
            json!({
                "description": request.description,
                "source": request.source,
                "language": request.language,
                "permission_to_enter": request.permission_to_enter,
                "photos": request.photos.len(),
            }),
        ),
        Event::Triaged {
            triage,
            emergency_alert,
            ..
        } => (
            T::Triaged,
            json!({
                "trade": triage.trade,
                "priority": triage.priority,
                "emergency": triage.emergency,
                "diagnosis": triage.diagnosis,
                "emergency_alert": emergency_alert,
            }),
        ),
        Event::Offered { vendor, expires_at } => (
            T::Offered,
            json!({"vendor": vendor.to_string(), "expires_at": expires_at}),
        ),
        Event::Declined { vendor, reason } => (
            T::Declined,
            json!({"vendor": vendor.to_string(), "reason": reason}),
        ),
        Event::OfferLapsed { vendor } => (T::Lapsed, json!({"vendor": vendor.to_string()})),
        Event::Accepted { vendor } => (T::Accepted, json!({"vendor": vendor.to_string()})),
        Event::Assigned { vendor, by } => (
            T::Assigned,
            json!({"vendor": vendor.to_string(), "by": actor(by)}),
        ),
        Event::Unassigned { vendor } => (T::Unassigned, json!({"vendor": vendor.to_string()})),
        Event::NeedsAttention { cause } => {
            let tz = portfolio
                .property(&wo.request.property)
                .map_or(chrono_tz::UTC, |p| p.timezone);
            (T::NeedsAttention, attention_data(cause, portfolio, tz))
        }
        Event::InstructionsAdded { text, by } => {
            (T::NoteAdded, json!({"text": text, "by": actor(by)}))
        }
        Event::Scheduled { window, by } => {
            (T::Scheduled, json!({"window": window, "by": actor(by)}))
        }
        Event::Unscheduled { reason } => {
            let tz = portfolio
                .property(&wo.request.property)
                .map_or(chrono_tz::UTC, |p| p.timezone);
            let mut data = unscheduled_data(reason, portfolio, tz);
            if let Reason::AskedToReschedule { by, .. } = reason {
                data.insert("by".into(), actor(by));
            }
            (T::Unscheduled, Value::Object(data))
        }
        Event::Reminded { which } => (T::ReminderSent, json!({"which": reminder(*which)})),
        Event::Visit { change, visit } => (
            T::VisitChanged,
            json!({"change": visit_change(*change), "visit": visit.id.to_string(),
                   "expected": visit.expected}),
        ),
        Event::Arrived { by } => (T::Arrived, json!({"by": actor(by)})),
        Event::RunningLate { minutes } => (T::RunningLate, json!({"minutes": minutes})),
        Event::Completed { notes, photos } => (T::Done, json!({"notes": notes, "photos": photos})),
        Event::NotDone { reason } => (T::NotDone, json!({"reason": reason})),
        Event::EstimateReceived { estimate } => (
            T::Estimate,
            json!({
                "vendor": estimate.vendor.to_string(),
                "amount": cents(estimate.amount),
                "limit": cents(estimate.limit),
                "note": estimate.note,
                "decision": estimate.decision,
            }),
        ),
        Event::ApprovalRequested { round } => (T::ApprovalRequested, json!({"round": round})),
        Event::Approved { by } => (
            T::ApprovalDecided,
            json!({"approved": true, "by": actor(by)}),
        ),
        Event::ApprovalDeclined { by } => (
            T::ApprovalDecided,
            json!({"approved": false, "by": actor(by)}),
        ),
        Event::InvoiceReceived { invoice } => (
            T::Invoice,
            json!({"amount": cents(invoice.amount), "reference": invoice.reference,
                   "file": invoice.file.is_some()}),
        ),
        Event::FeedbackReceived { feedback } => (
            T::Feedback,
            json!({"rating": feedback.rating, "comment": feedback.comment}),
        ),
        Event::Closed { by } => (T::Closed, json!({"by": actor(by)})),
        Event::Cancelled { by, reason } => {
            (T::Cancelled, json!({"by": actor(by), "reason": reason}))
        }
        Event::SafetyQuestionAsked { question } => {
            (T::SafetyQuestionAsked, json!({"question": question.key()}))
        }
        Event::SafetyQuestionAnswered {
            question, yes, by, ..
        } => (
            T::SafetyQuestionAnswered,
            json!({"question": question.key(), "yes": yes, "by": actor(by)}),
        ),
        Event::DangerReported { at, by, via } => {
            (T::DangerReported, danger_data(*at, by, *via, false, None))
        }
        Event::MessageReceived {
            from,
            channel: ch,
            body,
            ..
        } => (
            T::MessageReceived,
            json!({"from": recipient(from), "channel": channel(*ch), "body": body}),
        ),
        Event::MessageSent {
            to,
            channel: ch,
            subject,
            body,
            key,
            ..
        } => (
            T::MessageSent,
            json!({"to": recipient(to), "channel": channel(*ch), "subject": subject,
                   "body": body, "template": key}),
        ),
        Event::MessageResent { message } => (
            T::MessageSent,
            json!({"to": recipient(&message.to), "channel": channel(message.channel),
                   "subject": message.subject, "body": message.body, "template": message.key,
                   "resent": true}),
        ),
        Event::MessageUndelivered {
            to,
            channel: ch,
            key,
            reason,
            ..
        } => (
            T::MessageUndelivered,
            json!({"to": recipient(to), "channel": channel(*ch), "template": key,
                   "reason": reason}),
        ),
        // The workflow's own bookkeeping: what it means reaches receivers through the events
        // above (an offer held for quiet hours becomes `offered` when it goes out; added
        // availability becomes `scheduled` when a slot is picked; a withdrawn offer is followed
        // by the emergency's own `offered`; a vendor passed over is seen in who is offered).
        Event::OfferHeld { .. }
        | Event::VendorSkipped { .. }
        | Event::OfferWithdrawn { .. }
        | Event::OfferWithdrawnForEmergency { .. }
        | Event::SlotsOffered { .. }
        | Event::ScheduleNudged { .. }
        | Event::TimeProposed { .. }
        | Event::ProposalDeclined { .. }
        | Event::AvailabilityAdded { .. }
        | Event::OutcomeAsked { .. }
        | Event::ApprovalReminded { .. }
        | Event::ApprovalEscalated
        | Event::InvoiceRequested { .. }
        | Event::InvoiceEscalated
        | Event::FeedbackRequested
        | Event::SafetyQuestionExpired { .. }
        | Event::TimerSet { .. }
        | Event::TimerCancelled { .. }
        | Event::TimerElapsed { .. } => return None,
    })
}
