//! What someone asks of a work order ([`Command`]) and why a command is refused ([`Rejection`]).

use super::{Actor, Channel, Recipient, TimerKind, Visit, Window};
use crate::portfolio::VendorId;
use crate::types::Money;
use serde::{Deserialize, Serialize};

/// What someone asks of a work order. Validated by [`crate::decide::decide`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Intake's follow-up: classify and make the first offer.
    Triage,
    Accept {
        vendor: VendorId,
    },
    Decline {
        vendor: VendorId,
        reason: Option<String>,
    },
    ChooseSlot {
        vendor: VendorId,
        slot: u32,
    },
    ProposeTime {
        vendor: VendorId,
        window: Window,
    },
    /// The tenant answers a vendor-proposed time.
    AnswerProposal {
        accept: bool,
    },
    /// `window` is the time the tenant asks for instead, when they named one (kept as one of
    /// their open times); absent in commands stored before it existed.
    RequestReschedule {
        by: Actor,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Window>,
    },
    AddAvailability {
        windows: Vec<Window>,
    },
    Arrived {
        by: Actor,
    },
    RunningLate {
        vendor: VendorId,
        minutes: Option<u32>,
    },
    Done {
        vendor: VendorId,
        notes: Option<String>,
        /// Stored files (names, see `mendwork_app::files`) the vendor attached.
        #[serde(default)]
        photos: Vec<String>,
    },
    NotDone {
        vendor: VendorId,
        reason: Option<String>,
    },
    Estimate {
        vendor: VendorId,
        amount: Money,
        note: Option<String>,
    },
    /// `round` is the approval round the decider saw (links carry it).
    DecideApproval {
        approve: bool,
        by: Actor,
        round: u32,
    },
    Invoice {
        vendor: VendorId,
        amount: Money,
        reference: Option<String>,
        /// The invoice document, a stored file's name.
        #[serde(default)]
        file: Option<String>,
    },
    Feedback {
        rating: u8,
        comment: Option<String>,
    },
    Assign {
        vendor: VendorId,
        by: Actor,
    },
    AddInstructions {
        text: String,
        by: Actor,
    },
    Cancel {
        by: Actor,
        reason: Option<String>,
    },
    Close {
        by: Actor,
    },
    LinkVisit {
        visit: Visit,
    },
    CheckOut {
        by: Actor,
    },
    TimerFired {
        kind: TimerKind,
        generation: u32,
    },
    /// The email or SMS service refused a message for good (an address it will not send to,
    /// a text it will not carry): recorded, and the team told.
    MessageUndelivered {
        to: Recipient,
        channel: Channel,
        address: String,
        key: String,
        reason: String,
    },
    /// The sweeper (or the local runner's loop) found the work order's next step overdue
    /// with nothing pending to carry it out: `decide` checks it again
    /// ([`crate::overdue::overdue`]) and puts the work order in front of the team, once.
    FlagOverdue,
    /// The property team sends again a message this work order sent before (as its timeline
    /// recorded it), to the same address.
    Resend {
        message: Box<SentMessage>,
    },
    /// The team's PMS marks the request this work order came from completed while the job is
    /// still open here. Mendwork does not close it on that word alone (the vendor has not
    /// reported it done, nothing was checked or invoiced): the team is asked to decide, once
    /// per flag — nothing happens when the job is already completed here or already waits
    /// on the team for this same reason.
    CompletedInPms {
        system: String,
    },
    /// The team's PMS assigned the request this work order came from to `vendor` (the PMS's
    /// id), which is no active vendor of the portfolio: the team is asked to decide, once per
    /// flag ([`crate::pms_changes`]); the job stays with whoever has it.
    UnknownVendorInPms {
        system: String,
        vendor: String,
    },
    /// The tenant answers the safety question (by SMS or the status page's buttons): YES makes
    /// the request the emergency the question names; NO keeps the routine path
    /// ([`crate::safety`] decides it).
    AnswerSafetyQuestion {
        yes: bool,
        by: Actor,
    },
    /// The tenant says it is dangerous now (EMERGENCY by SMS, or the status page's "Report
    /// danger now"): heard at any hour, whatever triage made of the request. A safety question
    /// not yet answered YES takes it as its YES; otherwise the team is alerted and the request
    /// put in front of them ([`crate::danger`] decides it).
    ReportDanger {
        by: Actor,
        /// How the tenant said it (`None`: otherwise, e.g. to the team on the phone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<crate::danger::Via>,
    },
}

/// A message as the timeline records it when it goes out (what a resend sends again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    pub to: Recipient,
    pub channel: Channel,
    pub address: String,
    pub subject: Option<String>,
    pub body: String,
    pub key: String,
}

/// Why a command was refused. The work order is untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("this can't be done while the work order is {0}")]
    WrongStatus(&'static str),
    #[error("this job is not assigned to you")]
    NotYourJob,
    #[error("there is no slot {asked}: choose 1 to {count}")]
    NoSuchSlot { asked: u32, count: u32 },
    #[error("there are no open slots: propose a time instead")]
    NoSlots,
    #[error("the time must be in the future and start before it ends")]
    BadWindow,
    #[error("visit {visit} is for {visit_property}, but this work order is for {wo_property}")]
    VisitOtherProperty {
        visit: String,
        visit_property: String,
        wo_property: String,
    },
    #[error("that visit is already linked to another work order")]
    VisitTaken,
    #[error("this approval request is no longer open")]
    ApprovalNotOpen,
    #[error("unknown vendor")]
    UnknownVendor,
    #[error("vendor {0} is not active")]
    VendorInactive(String),
    #[error("the rating must be from 1 to 5")]
    BadRating,
    #[error("this number has opted out of texts (it replied STOP)")]
    OptedOut,
    #[error("this visit was cancelled")]
    VisitCancelled,
    #[error("this visitor has already checked out")]
    VisitCheckedOut,
    #[error("this visitor has not checked in yet")]
    VisitNotCheckedIn,
    /// Too many of the tenant's times would be open at once (see `budget::new_windows`).
    #[error("we can keep at most {max} of your times open: add more once some have passed")]
    TooManyWindows { max: usize },
    /// The vendor's calendar has another job at that time (see `booking`).
    #[error("you already have a job booked at that time: pick another slot or propose a time")]
    VendorBusy,
    /// The time the tenant is confirming was booked by another job of the vendor meanwhile.
    #[error("that time is no longer free: we'll confirm another one with you")]
    TimeTaken,
    #[error("there is no proposed time to answer")]
    NoProposal,
    #[error("no feedback was asked for")]
    NoFeedbackAsked,
    #[error("this request can no longer be cancelled online: please call the office")]
    TooLateToCancel,
    #[error("there is no safety question to answer")]
    NoSafetyQuestion,
    /// A report of danger on a request that is completed, closed or cancelled: nobody is
    /// alerted through it, and the refusal says where help is.
    #[error(
        "this request is finished: if anyone is in danger, call 911 now, then call the property team"
    )]
    DangerOnFinishedRequest,
    /// Words for staff only (English); a reason a tenant or vendor can meet has its own variant,
    /// said from the catalogue (`messages::refusal`).
    #[error("{0}")]
    Invalid(String),
}
