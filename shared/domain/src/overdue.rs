//! What is overdue on a work order: the one rule (pure) by which the sweeper in AWS and the
//! local runner's loop spot a work order whose next step should have happened by now with
//! nothing left to make it happen — a lost schedule, a timer that never fired, a follow-up
//! command that never ran. `decide` applies it to [`crate::Command::FlagOverdue`], which puts
//! the work order in front of the team (needs attention, with the reason on the timeline and
//! emailed), once: a work order that needs attention is never overdue.

use crate::attention::Cause;
use crate::portfolio::Policy;
use crate::workorder::{Status, TimerKind, WorkOrder};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How late a step may be before it counts as overdue: longer than a scheduler's firing delay
/// and the sweeper's re-drive of an outbox record left undone (a timer whose `SetTimer` record
/// was re-driven still fires within this), short against every policy's deadlines.
pub const GRACE_MINUTES: i64 = 15;

/// The step of the workflow that did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Triage and the first offer (the intake's follow-up command) never ran.
    Triage,
    /// No offer is out and none is waiting for quiet hours to end.
    Offer,
    /// The offer's accept window ended and nobody moved the job on.
    OfferAnswer,
    /// The vendor accepted, no time is picked and no nudge is pending.
    Scheduling,
    /// A time the vendor proposed waits for the tenant with nothing pending.
    Proposal,
    /// A reminder of the appointment never went out.
    Reminder,
    /// Nobody asked the vendor whether the job is done.
    Outcome,
    /// The owner's approval waits with no reminder pending.
    Approval,
    /// The invoice is missing and no follow-up is pending.
    Invoice,
    /// The invoice is in and the work order never closed.
    Close,
    /// The tenant's safety question never closed (answered or expired).
    SafetyQuestion,
}

impl Step {
    /// The message key of the reason the team reads.
    pub fn key(self) -> &'static str {
        match self {
            Step::Triage => "pm.overdue.triage",
            Step::Offer => "pm.overdue.offer",
            Step::OfferAnswer => "pm.overdue.offer_answer",
            Step::Scheduling => "pm.overdue.scheduling",
            Step::Proposal => "pm.overdue.proposal",
            Step::Reminder => "pm.overdue.reminder",
            Step::Outcome => "pm.overdue.outcome",
            Step::Approval => "pm.overdue.approval",
            Step::Invoice => "pm.overdue.invoice",
            Step::Close => "pm.overdue.close",
            Step::SafetyQuestion => "pm.overdue.safety_question",
        }
    }

    /// The step a timer of `kind` carries out.
    fn of_timer(kind: TimerKind) -> Step {
        match kind {
            TimerKind::QuietHoursEnd => Step::Offer,
            TimerKind::AcceptTimeout => Step::OfferAnswer,
            TimerKind::ScheduleNudge | TimerKind::SlotsUpdate => Step::Scheduling,
            TimerKind::ProposalTimeout => Step::Proposal,
            TimerKind::ReminderDayBefore | TimerKind::ReminderMorning => Step::Reminder,
            TimerKind::OutcomeAsk => Step::Outcome,
            TimerKind::ApprovalReminder => Step::Approval,
            TimerKind::InvoiceFollowUp => Step::Invoice,
            TimerKind::CloseAfterInvoice => Step::Close,
            TimerKind::SafetyQuestion => Step::SafetyQuestion,
        }
    }
}

/// A step that should have happened by `due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    pub step: Step,
    pub due: DateTime<Utc>,
}

impl Overdue {
    /// Why the work order needs the team, typed: the step, when it was due, and the vendor who
    /// had the job or its offer then (in words through [`crate::attention::Cause::describe`],
    /// the portfolio's `pm.overdue.*` texts).
    pub fn cause(&self, wo: &WorkOrder) -> Cause {
        Cause::Overdue {
            step: self.step,
            due: self.due,
            vendor: wo
                .vendor
                .clone()
                .or_else(|| wo.offer.as_ref().map(|o| o.vendor.clone())),
        }
    }
}

/// The overdue step of `wo` at `now`, if any: the earliest of (a) a timer armed on the work
/// order whose time passed more than [`GRACE_MINUTES`] ago without firing, and (b) the step its
/// status waits for when no timer that would carry it out is armed, due when that timer would
/// have been. `None` for closed, cancelled and needs-attention work orders (the team has them).
///
/// Invariant: a work order whose timers all fired on time (each transition committed with its
/// effects carried out) is never overdue.
pub fn overdue(wo: &WorkOrder, policy: &Policy, now: DateTime<Utc>) -> Option<Overdue> {
    if wo.status.is_final() || wo.status == Status::NeedsAttention {
        return None;
    }
    let late = |o: &Overdue| o.due + Duration::minutes(GRACE_MINUTES) < now;
    let lost = wo
        .timers
        .iter()
        .filter_map(|(kind, t)| {
            t.due.map(|due| Overdue {
                step: Step::of_timer(*kind),
                due,
            })
        })
        .filter(late)
        .min_by_key(|o| o.due);
    let waiting = waiting_step(wo, policy).filter(late);
    match (lost, waiting) {
        (Some(a), Some(b)) => Some(if b.due < a.due { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The step the work order's status waits for when none of the timers that would carry it out
/// is armed.
fn waiting_step(wo: &WorkOrder, policy: &Policy) -> Option<Overdue> {
    let none_armed = |kinds: &[TimerKind]| !kinds.iter().any(|k| wo.armed(*k));
    let after = |span: crate::portfolio::Span| wo.updated_at + span.to_chrono();
    let at = |step, due| Some(Overdue { step, due });
    match wo.status {
        Status::Submitted | Status::Dispatching => {
            if !none_armed(&[TimerKind::AcceptTimeout, TimerKind::QuietHoursEnd]) {
                return None;
            }
            match (&wo.triage, &wo.offer) {
                (None, _) => at(Step::Triage, wo.created_at),
                (Some(_), Some(offer)) => at(Step::OfferAnswer, offer.expires_at),
                (Some(_), None) => at(Step::Offer, wo.updated_at),
            }
        }
        Status::Accepted => {
            if !none_armed(&[TimerKind::ScheduleNudge, TimerKind::ProposalTimeout]) {
                return None;
            }
            match wo.proposal {
                Some(_) => at(Step::Proposal, after(policy.proposal_timeout)),
                None => at(Step::Scheduling, after(policy.schedule_nudge_after)),
            }
        }
        Status::Scheduled | Status::InProgress => {
            if !none_armed(&[TimerKind::OutcomeAsk]) {
                return None;
            }
            // Asked after the appointment; a vendor who arrived with none fixed is asked
            // a nudge's time after the last change.
            let due = match wo.appointment {
                Some(w) => w.end + policy.outcome_ask_after.to_chrono(),
                None => after(policy.outcome_nudge_after),
            };
            at(Step::Outcome, due)
        }
        Status::AwaitingApproval => {
            // Reminders ran out: the escalation told the team already.
            let escalated = wo.nudges >= policy.approval_reminders;
            if escalated || !none_armed(&[TimerKind::ApprovalReminder]) {
                return None;
            }
            at(Step::Approval, after(policy.approval_reminder_after))
        }
        Status::Completed => match &wo.invoice {
            None => {
                let escalated = wo.nudges >= policy.invoice_followups;
                if escalated || !none_armed(&[TimerKind::InvoiceFollowUp]) {
                    return None;
                }
                at(Step::Invoice, after(policy.invoice_followup_after))
            }
            Some(invoice) => {
                if !none_armed(&[TimerKind::CloseAfterInvoice]) {
                    return None;
                }
                at(
                    Step::Close,
                    invoice.at + policy.close_after_invoice.to_chrono(),
                )
            }
        },
        Status::NeedsAttention | Status::Closed | Status::Cancelled => None,
    }
}
