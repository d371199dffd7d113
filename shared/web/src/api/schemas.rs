//! OpenAPI schemas of the domain types the JSON API embeds as the domain serialises them (a
//! visit, a timeline event, triage…), written here so that the domain stays free of any web
//! framework. Two kinds:
//!
//! - string enums ([`Status`], [`Trade`]…): their values are not copied but produced by serde
//!   from the domain's own values (its `ALL` lists, or a list checked by an exhaustive `match`
//!   that stops compiling when the domain adds a variant);
//! - mirror types (structs and tagged enums): never built, only read by `#[derive(ToSchema)]`,
//!   with the domain's serde attributes copied. Drift is caught by the contract tests, which
//!   validate a sample of every event kind and every API answer against these schemas with
//!   unknown properties refused.

// The mirror types describe JSON; no value of them is ever made.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// The domain's enums, out of the way of the schema types of the same names.
mod d {
    pub use mendwork_domain::danger::Via;
    pub use mendwork_domain::overdue::Step;
    pub use mendwork_domain::safety::SafetyAnswer;
    pub use mendwork_domain::{
        Channel, EstimateDecision, Language, Priority, TimerKind, VisitChange, VisitStatus,
    };
}

/// A string schema whose values are `values` as serde writes them.
fn string_enum<T: Serialize>(values: &[T], description: &str) -> RefOr<Schema> {
    let values: Vec<Value> = values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok())
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .into()
}

/// A schema type for a domain string enum whose every value is `$values` (an expression).
macro_rules! enum_schema {
    ($name:ident, $ty:ty, $values:expr, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum::<$ty>(&$values, $doc)
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// [`enum_schema!`] for an enum with no `ALL` list: the variants are listed, and an exhaustive
/// `match` over them stops the build when the domain adds one.
macro_rules! listed_enum_schema {
    ($name:ident, $ty:ident, [$($v:ident),+ $(,)?], $doc:literal) => {
        enum_schema!($name, d::$ty, {
            fn _every(v: d::$ty) {
                match v {
                    $(d::$ty::$v)|+ => {}
                }
            }
            [$(d::$ty::$v),+]
        }, $doc);
    };
}

enum_schema!(
    Status,
    mendwork_domain::Status,
    mendwork_domain::Status::ALL,
    "Where a work order stands."
);
enum_schema!(
    Trade,
    mendwork_domain::Trade,
    mendwork_domain::Trade::ALL,
    "Who should fix it."
);
enum_schema!(
    EmergencyKind,
    mendwork_domain::EmergencyKind,
    mendwork_domain::EmergencyKind::ALL,
    "The kind of emergency."
);
enum_schema!(
    Tip,
    mendwork_domain::triage::Tip,
    mendwork_domain::triage::Tip::ALL,
    "A safe troubleshooting tip, by name."
);
enum_schema!(
    SafetyQuestion,
    mendwork_domain::triage::SafetyQuestion,
    mendwork_domain::triage::SafetyQuestion::ALL,
    "The yes/no safety question asked of the tenant."
);
listed_enum_schema!(
    Priority,
    Priority,
    [Emergency, Urgent, Routine],
    "How soon it must be fixed."
);
listed_enum_schema!(
    Language,
    Language,
    [En, Es],
    "The language of the tenant's messages."
);
listed_enum_schema!(
    TimerKind,
    TimerKind,
    [
        QuietHoursEnd,
        AcceptTimeout,
        ScheduleNudge,
        ProposalTimeout,
        ReminderDayBefore,
        ReminderMorning,
        OutcomeAsk,
        ApprovalReminder,
        InvoiceFollowUp,
        CloseAfterInvoice,
        SafetyQuestion,
        SlotsUpdate,
    ],
    "A kind of timer a work order arms."
);
listed_enum_schema!(
    EstimateDecision,
    EstimateDecision,
    [WithinLimit, Pending, Approved, Declined],
    "What became of an estimate."
);
listed_enum_schema!(
    VisitStatus,
    VisitStatus,
    [Expected, CheckedIn, CheckedOut, Cancelled],
    "Where a visit stands."
);
listed_enum_schema!(
    SafetyAnswer,
    SafetyAnswer,
    [Yes, No],
    "The tenant's answer to the safety question."
);
listed_enum_schema!(Channel, Channel, [Sms, Email], "How a message travels.");
listed_enum_schema!(
    DangerVia,
    Via,
    [Sms, Page],
    "How a tenant reported danger: a text, or the status page's button."
);
listed_enum_schema!(
    OverdueStep,
    Step,
    [
        Triage,
        Offer,
        OfferAnswer,
        Scheduling,
        Proposal,
        Reminder,
        Outcome,
        Approval,
        Invoice,
        Close,
        SafetyQuestion,
    ],
    "The step of the workflow that did not happen in time."
);
enum_schema!(
    AttentionCode,
    &str,
    mendwork_domain::attention::CODES,
    "Why a work order needs the team, as a stable code (`other`: recorded before causes were typed)."
);
enum_schema!(
    UnscheduledCode,
    &str,
    mendwork_domain::unscheduled::CODES,
    "Why an appointment was called off, as a stable code (`other`: recorded before reasons were typed)."
);

/// An amount of money as events give it to other systems.
#[derive(ToSchema)]
pub struct Cents {
    #[schema(minimum = 0)]
    pub cents: u64,
    /// Always `USD`.
    pub currency: String,
}

/// A vendor dispatch passed over, and why.
#[derive(ToSchema)]
pub struct PassedOver {
    pub vendor: String,
    pub reason: SkipReason,
}
listed_enum_schema!(
    VisitChange,
    VisitChange,
    [Created, Moved, CheckedIn, CheckedOut, Cancelled, Linked],
    "What happened to a visit."
);

/// A span of time; `start` is before `end`.
#[derive(ToSchema)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Where a work order came from.
#[derive(ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    Tenant,
    Pm,
    Recurring {
        template: String,
        occurrence: DateTime<Utc>,
    },
    /// Made through the JSON API with an integration's API key (its name).
    Integration {
        name: String,
    },
    /// Pulled from the team's PMS (`system`, e.g. `buildium`; the kind of record there and its id).
    Pms {
        system: String,
        kind: String,
        id: String,
    },
}

/// Who did something (`id` names the vendor, the PM's address, an integration's key name, or
/// the PMS system whose change Mendwork carried out).
#[derive(ToSchema)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    Tenant,
    Vendor(String),
    Owner,
    Pm(String),
    Desk,
    System,
    Integration(String),
    Pms(String),
}

/// Who a message is for or from.
#[derive(ToSchema)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    Tenant,
    Vendor(String),
    Owner,
    Pm,
    Other,
}

/// The person at the unit.
#[derive(ToSchema)]
pub struct Contact {
    pub name: String,
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub phone: Option<String>,
}

/// A request as it was made.
#[derive(ToSchema)]
pub struct NewWorkOrder {
    pub property: String,
    pub unit: String,
    pub tenant: Contact,
    pub description: String,
    #[schema(required = true)]
    pub category: Option<Trade>,
    pub emergency: bool,
    pub permission_to_enter: bool,
    #[schema(required = true)]
    pub pets: Option<String>,
    #[schema(required = true)]
    pub access_notes: Option<String>,
    /// Stored files' names (not links).
    pub photos: Vec<String>,
    pub availability: Vec<Window>,
    pub source: Source,
    pub language: Language,
}

/// A visitor-desk visit.
#[derive(ToSchema)]
pub struct Visit {
    pub id: String,
    pub property: String,
    #[schema(required = true)]
    pub work_order: Option<String>,
    #[schema(required = true)]
    pub work_order_code: Option<String>,
    pub visitor: String,
    #[schema(required = true)]
    pub company: Option<String>,
    #[schema(required = true)]
    pub expected: Option<Window>,
    pub status: VisitStatus,
    #[schema(required = true)]
    pub checked_in_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Made from a work order (rather than by hand at the desk).
    pub automatic: bool,
}

/// A vendor's estimate as the timeline records it.
#[derive(ToSchema)]
pub struct Estimate {
    pub vendor: String,
    #[schema(minimum = 0)]
    pub amount: f64,
    #[schema(required = true)]
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    /// The not-to-exceed amount it was measured against.
    #[schema(minimum = 0)]
    pub limit: f64,
    pub decision: EstimateDecision,
}

/// An invoice as the timeline records it (`file` is a stored file's name).
#[derive(ToSchema)]
pub struct Invoice {
    #[schema(minimum = 0)]
    pub amount: f64,
    #[schema(required = true)]
    pub reference: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The tenant's rating.
#[derive(ToSchema)]
pub struct Feedback {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: u8,
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// A message as the timeline recorded it when it went out.
#[derive(ToSchema)]
pub struct SentMessage {
    pub to: Recipient,
    pub channel: Channel,
    pub address: String,
    #[schema(required = true)]
    pub subject: Option<String>,
    pub body: String,
    pub key: String,
}

/// A diagnosis by its catalogue key: the sentence `diagnosis.<key>`, with `room.<room>` for its
/// place and `trade.<trade>` for its trade.
#[derive(ToSchema)]
pub struct Diagnosis {
    /// `<fact>.<n>`, `none` or `empty`.
    pub key: String,
    /// The room named in the description (`kitchen`, `living_room`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub trade: Trade,
}

/// The outcome of triage.
#[derive(ToSchema)]
pub struct Triage {
    pub trade: Trade,
    pub priority: Priority,
    #[schema(required = true)]
    pub emergency: Option<EmergencyKind>,
    /// One plain sentence, in English.
    pub diagnosis: String,
    /// The same sentence as the catalogue names it (absent on work orders triaged before
    /// diagnoses were keyed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis_key: Option<Diagnosis>,
    /// The facts that drove the decision.
    pub drivers: Vec<String>,
    /// For emergencies: what the tenant must do right now.
    #[schema(required = true)]
    pub safety_instructions: Option<String>,
    /// Up to three troubleshooting tips, in English.
    pub tips: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tip_keys: Vec<Tip>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<SafetyQuestion>,
}

/// The safety question asked on a work order and where it stands.
#[derive(ToSchema)]
pub struct SafetyCheck {
    pub question: SafetyQuestion,
    pub asked_at: DateTime<Utc>,
    #[schema(required = true)]
    pub answer: Option<SafetyAnswer>,
    #[schema(required = true)]
    pub answered_at: Option<DateTime<Utc>>,
    pub expired: bool,
}

/// Why dispatch passed a vendor over, by `why`.
#[derive(ToSchema)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum SkipReason {
    /// The vendor's insurance expired on `expired` (covered through that date), before the
    /// day of the offer.
    InsuranceExpired { expired: NaiveDate },
}

/// What happened to a work order, by `kind`; with `at`, one entry of its timeline.
#[derive(ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Submitted {
        id: String,
        #[schema(pattern = "^[A-Z]{2}[2-9]{2}$")]
        code: String,
        request: NewWorkOrder,
    },
    Triaged {
        triage: Triage,
        emergency_alert: bool,
        suggested_vendors: Vec<String>,
        policies: Vec<String>,
    },
    OfferHeld {
        until: DateTime<Utc>,
    },
    Offered {
        vendor: String,
        expires_at: DateTime<Utc>,
    },
    Declined {
        vendor: String,
        #[schema(required = true)]
        reason: Option<String>,
    },
    OfferLapsed {
        vendor: String,
    },
    VendorSkipped {
        vendor: String,
        reason: SkipReason,
    },
    OfferWithdrawn {
        vendor: String,
    },
    /// The work order waits on the team. `reason` is the cause in English words; `code` its
    /// stable snake_case code (as `attention_code` on a work order); the other fields are the
    /// cause's own, present for the codes that have them.
    NeedsAttention {
        reason: String,
        code: AttentionCode,
        /// `no_vendor`, `all_declined`.
        trade: Option<Trade>,
        /// `no_vendor`, `all_declined`: vendors not offered the job, and why.
        passed_over: Option<Vec<PassedOver>>,
        /// `time_not_picked`, `overdue`: the vendor's id.
        vendor: Option<String>,
        /// `estimate_declined`: the estimate declined.
        amount: Option<Cents>,
        /// `completed_in_pms`, `unknown_vendor_in_pms`: the PMS, e.g. `buildium`.
        system: Option<String>,
        /// `unknown_vendor_in_pms`: the PMS's id of the vendor it assigned.
        pms_vendor: Option<String>,
        /// `overdue`: the step that did not happen.
        step: Option<OverdueStep>,
        /// `overdue`: when it was due.
        due: Option<DateTime<Utc>>,
    },
    Accepted {
        vendor: String,
    },
    Assigned {
        vendor: String,
        by: Actor,
    },
    Unassigned {
        vendor: String,
    },
    InstructionsAdded {
        text: String,
        by: Actor,
    },
    SlotsOffered {
        slots: Vec<Window>,
    },
    ScheduleNudged {
        vendor: String,
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
    /// The appointment is off. `reason` is why in English words; `code` its stable snake_case
    /// code: `vendor_proposed`, `asked_to_reschedule` (`by` says who), `reassigned`,
    /// `needs_approval`; `other` for a reason recorded before reasons were typed.
    Unscheduled {
        reason: String,
        code: UnscheduledCode,
        /// `asked_to_reschedule`: who asked.
        by: Option<Actor>,
        /// `asked_to_reschedule` by the tenant: the time they asked for instead, when they named
        /// one (it is added to their availability).
        window: Option<Window>,
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
        #[schema(required = true)]
        minutes: Option<u32>,
    },
    OutcomeAsked {
        n: u32,
    },
    Completed {
        #[schema(required = true)]
        notes: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<String>,
    },
    NotDone {
        #[schema(required = true)]
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
        #[schema(required = true)]
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
    MessageReceived {
        from: Recipient,
        channel: Channel,
        address: String,
        body: String,
    },
    MessageSent {
        to: Recipient,
        channel: Channel,
        address: String,
        #[schema(required = true)]
        subject: Option<String>,
        body: String,
        key: String,
    },
    MessageResent {
        message: SentMessage,
    },
    MessageUndelivered {
        to: Recipient,
        channel: Channel,
        address: String,
        key: String,
        reason: String,
    },
    SafetyQuestionAsked {
        question: SafetyQuestion,
    },
    SafetyQuestionAnswered {
        question: SafetyQuestion,
        yes: bool,
        by: Actor,
        /// True when the YES was the tenant's report of danger, which an open question takes
        /// as its answer (absent otherwise).
        danger_report: Option<bool>,
        /// How that report came (absent when it came otherwise).
        via: Option<DangerVia>,
    },
    SafetyQuestionExpired {
        question: SafetyQuestion,
    },
    OfferWithdrawnForEmergency {
        vendor: String,
    },
    DangerReported {
        at: DateTime<Utc>,
        by: Actor,
        /// How the tenant reported it (absent when told otherwise, or recorded before this
        /// was kept).
        via: Option<DangerVia>,
    },
}

/// Fails to compile when the domain adds an event kind the mirror above does not list.
fn _every_event_kind(e: &mendwork_domain::Event) {
    use mendwork_domain::Event as E;
    match e {
        E::Submitted { .. }
        | E::Triaged { .. }
        | E::OfferHeld { .. }
        | E::Offered { .. }
        | E::Declined { .. }
        | E::OfferLapsed { .. }
        | E::VendorSkipped { .. }
        | E::OfferWithdrawn { .. }
        | E::NeedsAttention { .. }
        | E::Accepted { .. }
        | E::Assigned { .. }
        | E::Unassigned { .. }
        | E::InstructionsAdded { .. }
        | E::SlotsOffered { .. }
        | E::ScheduleNudged { .. }
        | E::TimeProposed { .. }
        | E::ProposalDeclined { .. }
        | E::Scheduled { .. }
        | E::Unscheduled { .. }
        | E::AvailabilityAdded { .. }
        | E::Reminded { .. }
        | E::Visit { .. }
        | E::Arrived { .. }
        | E::RunningLate { .. }
        | E::OutcomeAsked { .. }
        | E::Completed { .. }
        | E::NotDone { .. }
        | E::EstimateReceived { .. }
        | E::ApprovalRequested { .. }
        | E::ApprovalReminded { .. }
        | E::ApprovalEscalated
        | E::Approved { .. }
        | E::ApprovalDeclined { .. }
        | E::InvoiceRequested { .. }
        | E::InvoiceEscalated
        | E::InvoiceReceived { .. }
        | E::FeedbackRequested
        | E::FeedbackReceived { .. }
        | E::Closed { .. }
        | E::Cancelled { .. }
        | E::TimerSet { .. }
        | E::TimerCancelled { .. }
        | E::TimerElapsed { .. }
        | E::MessageReceived { .. }
        | E::MessageSent { .. }
        | E::MessageResent { .. }
        | E::MessageUndelivered { .. }
        | E::SafetyQuestionAsked { .. }
        | E::SafetyQuestionAnswered { .. }
        | E::SafetyQuestionExpired { .. }
        | E::OfferWithdrawnForEmergency { .. }
        | E::DangerReported { .. } => {}
    }
}

/// The body of a work-order action: `assign` takes `AssignBody`, `cancel` a `CancelBody`
/// (also the shape of the `{}` that `close` and `reschedule` take), `approval` an
/// `ApprovalBody`, `instructions` an `InstructionsBody`. Each refuses unknown fields, so a
/// body matches exactly one of them.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum WorkOrderActionBody {
    Assign(super::shapes::AssignBody),
    Cancel(super::shapes::CancelBody),
    Approval(super::shapes::ApprovalBody),
    Instructions(super::shapes::InstructionsBody),
}

/// The body of a visit action: `link` takes a `LinkBody`; `check-in` and `check-out` take
/// `{}` (an `EmptyBody`) or no body.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum VisitActionBody {
    Link(super::shapes::LinkBody),
    Empty(super::shapes::EmptyBody),
}
