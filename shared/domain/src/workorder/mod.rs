//! The work-order aggregate, its commands, events and effects: the vocabulary of the workflow.

use crate::portfolio::{Email, Phone, PropertyId, TemplateId, VendorId};
use crate::triage::Triage;
use crate::types::{JobCode, Money, Priority, Trade};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

mod commands;
mod events;

pub use commands::*;
pub use events::*;

/// A work order's id: `wo-` and lowercase letters/digits. Deterministic for recurring ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WorkOrderId(pub String);

impl WorkOrderId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for WorkOrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A visitor-desk visit's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VisitId(pub String);

impl fmt::Display for VisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A span of time. Invariant: `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// `None` unless `start < end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Window> {
        (start < end).then_some(Window { start, end })
    }
}

/// Where a work order came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Source {
    Tenant,
    Pm,
    Recurring {
        template: TemplateId,
        occurrence: DateTime<Utc>,
    },
    /// Made through the JSON API with an integration's API key (its name).
    Integration {
        name: String,
    },
    /// Pulled from the team's PMS: `system` (`buildium`), the kind of record there
    /// (`resident_request`, `work_order`) and its id there. Status changes go back to it.
    Pms {
        system: String,
        kind: String,
        id: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Tenant => f.write_str("tenant"),
            Source::Pm => f.write_str("pm"),
            Source::Recurring { template, .. } => write!(f, "recurring {template}"),
            Source::Integration { name } => write!(f, "integration {name}"),
            Source::Pms { system, kind, id } => write!(f, "{system} {kind} {id}"),
        }
    }
}

/// The person at the unit. Recurring and some PM-created work orders have no contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

/// A validated request to create a work order (parsed at the edge: form, API, recurring).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewWorkOrder {
    pub property: PropertyId,
    pub unit: String,
    pub tenant: Contact,
    pub description: String,
    pub category: Option<Trade>,
    pub emergency: bool,
    pub permission_to_enter: bool,
    pub pets: Option<String>,
    pub access_notes: Option<String>,
    /// The tenant's photos: stored files' names (`mendwork_app::files::FileName`); work orders
    /// made before files had names hold signed links here instead. Links to them are made when
    /// shown ([`crate::effects::Links::file`]), so they never go stale in the record.
    pub photos: Vec<String>,
    pub availability: Vec<Window>,
    pub source: Source,
    /// The language the tenant's messages are written in (the form's language).
    #[serde(default)]
    pub language: crate::types::Language,
}

/// Statuses as the API spells them (DESIGN.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Dispatching,
    NeedsAttention,
    Accepted,
    Scheduled,
    InProgress,
    AwaitingApproval,
    Completed,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Dispatching,
        Status::NeedsAttention,
        Status::Accepted,
        Status::Scheduled,
        Status::InProgress,
        Status::AwaitingApproval,
        Status::Completed,
        Status::Closed,
        Status::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Dispatching => "dispatching",
            Status::NeedsAttention => "needs_attention",
            Status::Accepted => "accepted",
            Status::Scheduled => "scheduled",
            Status::InProgress => "in_progress",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Completed => "completed",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Closed and cancelled work orders take no more commands.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
    /// Words for tenants and PMs.
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Received",
            Status::Dispatching => "Finding a vendor",
            Status::NeedsAttention => "Needs attention",
            Status::Accepted => "Vendor assigned",
            Status::Scheduled => "Scheduled",
            Status::InProgress => "Vendor on site",
            Status::AwaitingApproval => "Awaiting approval",
            Status::Completed => "Completed",
            Status::Closed => "Closed",
            Status::Cancelled => "Cancelled",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every kind of timer a work order can arm. At most one of each kind is armed at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    /// A routine offer held during quiet hours goes out.
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
    /// The tenant's safety question goes unanswered for the policy's time: the routine path,
    /// which never waited for it, simply carries on ([`crate::safety`]).
    SafetyQuestion,
    /// The tenant's times changed soon after the last slots text: the new list goes out now.
    SlotsUpdate,
}

impl TimerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::QuietHoursEnd => "quiet-end",
            TimerKind::AcceptTimeout => "accept",
            TimerKind::ScheduleNudge => "sched-nudge",
            TimerKind::ProposalTimeout => "proposal",
            TimerKind::ReminderDayBefore => "remind-eve",
            TimerKind::ReminderMorning => "remind-morn",
            TimerKind::OutcomeAsk => "outcome",
            TimerKind::ApprovalReminder => "approval",
            TimerKind::InvoiceFollowUp => "invoice",
            TimerKind::CloseAfterInvoice => "close",
            TimerKind::SafetyQuestion => "safety-q",
            TimerKind::SlotsUpdate => "slots",
        }
    }
    pub fn parse(s: &str) -> Option<TimerKind> {
        use TimerKind::*;
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
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The deterministic name of a timer: `wo-<id>-<kind>-<generation>` (≤ 64 chars for ids ≤ 30).
pub fn timer_name(wo: &WorkOrderId, kind: TimerKind, generation: u32) -> String {
    let id = wo.as_str().strip_prefix("wo-").unwrap_or(wo.as_str());
    format!("wo-{id}-{}-{generation}", kind.as_str())
}

/// The state of one timer kind on one work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerState {
    /// The newest generation issued; a firing of any other generation is stale.
    pub generation: u32,
    /// When the newest generation fires; `None` once fired or cancelled.
    pub due: Option<DateTime<Utc>>,
}

/// Who did something.
///
/// Stored in every timeline as `{"type": "<variant>", "id": …}`: a variant may be added, never
/// renamed, so timelines written by older versions still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    Tenant,
    Vendor(VendorId),
    Owner,
    Pm(String),
    Desk,
    System,
    /// Another system of the team's (a PMS, a script) calling the JSON API with a read-write
    /// API key: the key's name. It may do what the team may do through the API.
    Integration(String),
    /// The team's property-management system (its system name, `buildium`): a change made
    /// there (a request cancelled or closed) that Mendwork carries out on the work order it
    /// holds for it. It acts for the team.
    Pms(String),
}

impl Actor {
    /// True for whoever acts for the property team: a signed-in member or an integration's
    /// API key. The rules that let "the PM" decide, reschedule, check in or cancel ask this.
    pub fn is_team(&self) -> bool {
        matches!(self, Actor::Pm(_) | Actor::Integration(_) | Actor::Pms(_))
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Tenant => f.write_str("tenant"),
            Actor::Vendor(v) => write!(f, "vendor {v}"),
            Actor::Owner => f.write_str("owner"),
            Actor::Pm(who) => write!(f, "PM {who}"),
            Actor::Desk => f.write_str("front desk"),
            Actor::System => f.write_str("Mendwork"),
            Actor::Integration(name) => write!(f, "integration {name}"),
            Actor::Pms(system) => write!(f, "PMS {system}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Expected,
    CheckedIn,
    CheckedOut,
    Cancelled,
}

/// A visitor-desk visit. Invariant: a visit linked to a work order is of the same property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub property: PropertyId,
    pub work_order: Option<WorkOrderId>,
    pub work_order_code: Option<JobCode>,
    pub visitor: String,
    pub company: Option<String>,
    pub expected: Option<Window>,
    pub status: VisitStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
    /// Created automatically from a work order (vs. by hand at the desk).
    pub automatic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub vendor: VendorId,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub vendor: VendorId,
    #[serde(with = "crate::types::dollars")]
    pub amount: Money,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    /// The NTE it was measured against.
    #[serde(with = "crate::types::dollars")]
    pub limit: Money,
    pub decision: EstimateDecision,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateDecision {
    WithinLimit,
    Pending,
    Approved,
    Declined,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    #[serde(with = "crate::types::dollars")]
    pub amount: Money,
    pub reference: Option<String>,
    pub at: DateTime<Utc>,
    /// The invoice document, a stored file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub rating: u8,
    pub comment: Option<String>,
}

/// The aggregate. Built only by folding events with [`crate::decide::evolve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: WorkOrderId,
    pub code: JobCode,
    pub created_at: DateTime<Utc>,
    pub request: NewWorkOrder,
    pub status: Status,
    /// For `needs_attention`: the status the work order was in, so the right people can go on.
    pub paused_from: Option<Status>,
    /// For `needs_attention`: why ([`crate::attention::Cause`], bounded as its invariant says).
    pub attention: Option<crate::attention::Cause>,
    pub trade: Trade,
    pub priority: Priority,
    pub triage: Option<Triage>,
    pub vendor: Option<VendorId>,
    pub offer: Option<Offer>,
    /// Vendors who declined or let the offer lapse: not offered this job again automatically.
    /// At most `stored::MAX_TRIED` (dispatch stops there).
    pub tried: Vec<VendorId>,
    /// Vendors dispatch passed over for this job (their insurance expired), as the timeline
    /// records them once each (`Event::VendorSkipped`; at most `stored::MAX_TRIED`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<VendorId>,
    /// The numbered slots last sent to the vendor: "2" means `slots[1]`.
    pub slots: Vec<Window>,
    /// When the slots were last sent, so that a burst of changes to the tenant's times makes
    /// one text (see `budget::slots_text_gap`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots_sent_at: Option<DateTime<Utc>>,
    pub appointment: Option<Window>,
    pub proposal: Option<Window>,
    pub estimate: Option<Estimate>,
    /// Bumped at every approval request: owner links carry it, so old links stop working.
    pub approval_round: u32,
    pub visit: Option<Visit>,
    /// Visits created for this work order so far (visit ids are numbered by it).
    #[serde(default)]
    pub visits_made: u32,
    pub completion_notes: Option<String>,
    /// Photos the vendor attached when marking the job done (stored files' names).
    #[serde(default)]
    pub completion_photos: Vec<String>,
    /// The newest not-done reasons (at most `stored::KEPT_NOT_DONE_REASONS`, each cut to
    /// `stored::MAX_STATE_TEXT`); every one is on the timeline.
    pub not_done_reasons: Vec<String>,
    /// How many not-done reports there were in all (work orders stored before it was counted
    /// count from their next report; until then `not_done_reasons` holds them all).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_done_count: u32,
    pub invoice: Option<Invoice>,
    pub feedback_requested: bool,
    pub feedback: Option<Feedback>,
    pub timers: BTreeMap<TimerKind, TimerState>,
    /// How many times the current nudge/reminder series has fired.
    pub nudges: u32,
    /// The newest instructions the PM added for the vendor (at most
    /// `stored::KEPT_INSTRUCTIONS`, each cut to `stored::MAX_STATE_TEXT`); every one is on the
    /// timeline.
    pub instructions: Vec<String>,
    /// How many instructions were added in all (work orders stored before it was counted
    /// count from their next one; until then `instructions` holds them all).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub instructions_count: u32,
    /// The yes/no safety question asked of the tenant, and where it stands (absent on work
    /// orders stored before questions were asked, and where triage left no danger open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::safety::SafetyCheck>,
    /// When the tenant first reported danger with `Command::ReportDanger` and it was not taken
    /// as the safety question's YES ([`crate::danger`]). Invariant: set once, never cleared;
    /// while set, the priority is at least urgent, and a later report alerts no one again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub danger_reported: Option<DateTime<Utc>>,
    /// When the tenant last reported danger (any report, the safety question's YES aside);
    /// a report within [`crate::danger::REPEAT_QUIET`] of it is not recorded again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub danger_last_reported: Option<DateTime<Utc>>,
    /// What this work order has contributed to the metrics projection so far (moved on by
    /// `evolve`; see [`crate::metrics`]). `None` on work orders stored before the projection
    /// existed, until the projection is rebuilt from their timelines: such a work order adds
    /// nothing to the projection, so it is never counted twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<crate::metrics::Marks>,
    /// Set once the timeline up to a commit is in the archive (see
    /// [`crate::stored::archivable`]): from then on the timeline is read from the archived
    /// document, plus any event committed after it. Kept by every later commit (it is part of
    /// the state), so the mark is never lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<crate::stored::Archived>,
    pub updated_at: DateTime<Utc>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl WorkOrder {
    /// Not-done reasons the state no longer holds (on the timeline only).
    pub fn earlier_not_done(&self) -> u32 {
        self.not_done_count
            .saturating_sub(self.not_done_reasons.len() as u32)
    }
    /// Instructions the state no longer holds (on the timeline only).
    pub fn earlier_instructions(&self) -> u32 {
        self.instructions_count
            .saturating_sub(self.instructions.len() as u32)
    }
    /// The status vendor and tenant commands are checked against: a work order paused for
    /// attention still takes the replies that would move it on.
    pub fn phase(&self) -> Status {
        match self.status {
            Status::NeedsAttention => self.paused_from.unwrap_or(Status::NeedsAttention),
            s => s,
        }
    }
    /// The tenant's availability windows that have not ended yet, soonest first, at most
    /// `budget::MAX_SLOTS` of them: the numbered slots one text offers.
    pub fn open_slots(&self, now: DateTime<Utc>) -> Vec<Window> {
        let mut v: Vec<Window> = self
            .request
            .availability
            .iter()
            .copied()
            .filter(|w| w.end > now)
            .collect();
        v.sort();
        v.dedup();
        v.truncate(crate::budget::MAX_SLOTS);
        v
    }
    pub fn armed(&self, kind: TimerKind) -> bool {
        self.timers.get(&kind).is_some_and(|t| t.due.is_some())
    }
}
