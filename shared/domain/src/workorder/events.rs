//! What happened to a work order ([`Event`], its timeline) and what to do in the world once a
//! transition is committed ([`Effect`]: emails, texts, timers, follow-ups).

use super::{
    Actor, Command, Estimate, Feedback, Invoice, NewWorkOrder, SentMessage, TimerKind, Visit,
    Window, WorkOrderId,
};
use crate::portfolio::{Email, Phone, VendorId};
use crate::triage::Triage;
use crate::types::JobCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened. Events are the timeline and the only way the aggregate changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Submitted {
        id: WorkOrderId,
        code: JobCode,
        request: NewWorkOrder,
    },
    Triaged {
        triage: Triage,
        emergency_alert: bool,
        /// The first vendors dispatch would offer the job to, best first.
        #[serde(default)]
        suggested_vendors: Vec<VendorId>,
        /// The property policies that apply, in words.
        #[serde(default)]
        policies: Vec<String>,
    },
    OfferHeld {
        until: DateTime<Utc>,
    },
    Offered {
        vendor: VendorId,
        expires_at: DateTime<Utc>,
    },
    Declined {
        vendor: VendorId,
        reason: Option<String>,
    },
    OfferLapsed {
        vendor: VendorId,
    },
    /// Dispatch passed `vendor` over for this job, for `reason` (see [`crate::candidates`]).
    VendorSkipped {
        vendor: VendorId,
        reason: crate::candidates::SkipReason,
    },
    OfferWithdrawn {
        vendor: VendorId,
    },
    /// The work order waits on the team, for `cause` (stored as `reason`, an English sentence,
    /// before causes were typed: read back as [`crate::attention::Cause::Legacy`]).
    NeedsAttention {
        #[serde(alias = "reason")]
        cause: crate::attention::Cause,
    },
    Accepted {
        vendor: VendorId,
    },
    Assigned {
        vendor: VendorId,
        by: Actor,
    },
    Unassigned {
        vendor: VendorId,
    },
    InstructionsAdded {
        text: String,
        by: Actor,
    },
    SlotsOffered {
        slots: Vec<Window>,
    },
    ScheduleNudged {
        vendor: VendorId,
        n: u32,
    },
    TimeProposed {
        window: Window,
    },
    ProposalDeclined {
        window: Window,
    },
    Scheduled {
        window: Window,
        by: Actor,
    },
    Unscheduled {
        reason: crate::unscheduled::Reason,
    },
    AvailabilityAdded {
        windows: Vec<Window>,
    },
    Reminded {
        which: TimerKind,
    },
    Visit {
        change: VisitChange,
        visit: Visit,
    },
    Arrived {
        by: Actor,
    },
    RunningLate {
        minutes: Option<u32>,
    },
    OutcomeAsked {
        n: u32,
    },
    Completed {
        notes: Option<String>,
        /// Stored files the vendor attached (absent in events written before photos).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<String>,
    },
    NotDone {
        reason: Option<String>,
    },
    EstimateReceived {
        estimate: Estimate,
    },
    ApprovalRequested {
        round: u32,
    },
    ApprovalReminded {
        n: u32,
    },
    ApprovalEscalated,
    Approved {
        by: Actor,
    },
    ApprovalDeclined {
        by: Actor,
    },
    InvoiceRequested {
        n: u32,
    },
    InvoiceEscalated,
    InvoiceReceived {
        invoice: Invoice,
    },
    FeedbackRequested,
    FeedbackReceived {
        feedback: Feedback,
    },
    Closed {
        by: Actor,
    },
    Cancelled {
        by: Actor,
        reason: Option<String>,
    },
    TimerSet {
        timer: TimerKind,
        generation: u32,
        at: DateTime<Utc>,
    },
    TimerCancelled {
        timer: TimerKind,
        generation: u32,
    },
    TimerElapsed {
        timer: TimerKind,
        generation: u32,
    },
    /// A message that came in about this work order (SMS or a web action's note).
    MessageReceived {
        from: Recipient,
        channel: Channel,
        address: String,
        body: String,
    },
    /// A message that went out; written with the transition that caused it.
    MessageSent {
        to: Recipient,
        channel: Channel,
        address: String,
        subject: Option<String>,
        body: String,
        key: String,
    },
    /// The property team sent a message again; the message itself follows as `MessageSent`.
    MessageResent {
        message: Box<SentMessage>,
    },
    /// A message the email or SMS service refused for good; `reason` is the service's words.
    MessageUndelivered {
        to: Recipient,
        channel: Channel,
        address: String,
        key: String,
        reason: String,
    },
    /// Triage left a danger open: the tenant is asked `question` (SMS and status page).
    SafetyQuestionAsked {
        question: crate::triage::SafetyQuestion,
    },
    /// The tenant answered the safety question. `yes` makes the request the emergency the
    /// question names (see [`crate::safety`]).
    SafetyQuestionAnswered {
        question: crate::triage::SafetyQuestion,
        yes: bool,
        by: Actor,
        /// The YES was the tenant's report of danger (`Command::ReportDanger`), which an open
        /// question takes as its answer; `via` says how it came.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        danger_report: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<crate::danger::Via>,
    },
    /// Nobody answered the safety question within the policy's time: the routine path stands.
    SafetyQuestionExpired {
        question: crate::triage::SafetyQuestion,
    },
    /// A routine offer called back because the request became an emergency that this vendor
    /// cannot take (or is not the first to be asked): the vendor is told not to go.
    OfferWithdrawnForEmergency {
        vendor: VendorId,
    },
    /// The tenant reported danger at `at` (see [`crate::danger`]): the priority is at least
    /// urgent from now on; the first report on a request that is no emergency alerts the team.
    DangerReported {
        at: DateTime<Utc>,
        by: Actor,
        /// How the tenant said it (`None`: otherwise, or recorded before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<crate::danger::Via>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitChange {
    Created,
    Moved,
    CheckedIn,
    CheckedOut,
    Cancelled,
    Linked,
}

/// Something to do in the world once a transition is committed. Carried out from the outbox,
/// each idempotently by the outbox record's deterministic id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Email(EmailMessage),
    Sms(SmsMessage),
    /// `zone` is the property's: schedulers that take local times (EventBridge) use it.
    SetTimer {
        name: String,
        kind: TimerKind,
        generation: u32,
        at: DateTime<Utc>,
        zone: chrono_tz::Tz,
    },
    CancelTimer {
        name: String,
    },
    /// Run a follow-up command on this work order (intake → triage and dispatch).
    Run {
        command: Command,
    },
    /// Hand these events to the team's webhook endpoints (one delivery per endpoint that
    /// wants each): the bodies are final, so every attempt sends the same bytes.
    Publish {
        events: Vec<crate::outbound::Published>,
    },
}

/// Who a message is for, so the timeline and pages can say it in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    Tenant,
    Vendor(VendorId),
    Owner,
    Pm,
    /// Someone we could not match (a reply to an unknown number).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    pub to: Email,
    pub recipient: Recipient,
    pub subject: String,
    pub text: String,
    /// An iCalendar invite (`text/calendar`) attached where an appointment is fixed.
    pub ics: Option<String>,
    /// The message key (see `messages`), for tests and the timeline.
    pub key: String,
    /// The language the text is in, for the HTML frame around it.
    #[serde(default)]
    pub language: crate::types::Language,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub to: Phone,
    pub recipient: Recipient,
    pub body: String,
    pub key: String,
}
