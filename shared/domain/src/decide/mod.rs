//! The workflow as two plain functions: `decide` turns a command into events (or a rejection,
//! leaving the work order untouched) and `evolve` folds an event into the work order. `decide`
//! and the transaction it builds live here; `evolve` (and `start`, `replay`) in `evolve.rs`, and
//! the steps `decide` shares between commands (timers firing, offering, scheduling, visits) in
//! `steps.rs`.

mod evolve;
mod steps;

pub use evolve::{evolve, replay, start};
pub use steps::offer_minutes;
pub(crate) use steps::offer_next;
use steps::*;

use crate::attention::{Cause, PassedOver};
use crate::budget;
pub use crate::candidates::candidates;
use crate::localtime::{at_local, in_quiet_hours, local_date, local_month, next_allowed};
use crate::portfolio::{Phone, Policy, Portfolio, Property, VendorId};
use crate::stored;
use crate::triage::{TriageInput, triage};
use crate::types::{JobCode, Money, Priority};
use crate::unscheduled::Reason as Unscheduling;
use crate::visits::{DeskAction, desk};
use crate::workorder::*;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// Everything `decide` may consult besides the work order: all passed in, nothing looked up.
pub struct Context<'a> {
    pub portfolio: &'a Portfolio,
    pub property: &'a Property,
    pub policy: Policy,
    pub now: DateTime<Utc>,
    /// Phones that texted STOP: never offered work by SMS.
    pub opted_out: &'a BTreeSet<Phone>,
    /// Appointments the vendor concerned already holds on other work orders.
    pub vendor_busy: &'a [(WorkOrderId, Window)],
}

impl<'a> Context<'a> {
    /// Builds a context for `property`, with its policy overrides applied.
    pub fn new(
        portfolio: &'a Portfolio,
        property: &'a Property,
        now: DateTime<Utc>,
        opted_out: &'a BTreeSet<Phone>,
        vendor_busy: &'a [(WorkOrderId, Window)],
    ) -> Context<'a> {
        Context {
            policy: portfolio.policy_for(property),
            portfolio,
            property,
            now,
            opted_out,
            vendor_busy,
        }
    }
}

/// An event as the timeline keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    pub at: DateTime<Utc>,
    pub event: Event,
}

/// The events that create a work order.
pub fn decide_submit(
    id: WorkOrderId,
    code: JobCode,
    request: NewWorkOrder,
    ctx: &Context,
) -> Result<Vec<Event>, Rejection> {
    if request.property != ctx.property.id {
        return Err(Rejection::Invalid("the property does not match".into()));
    }
    Ok(vec![Event::Submitted { id, code, request }])
}

/// A transition in the making: events applied to a working copy as they are produced, so that
/// later steps of the same decision see them (timer generations, status).
pub(crate) struct Tx<'c, 'a> {
    pub(crate) wo: WorkOrder,
    events: Vec<Event>,
    pub(crate) ctx: &'c Context<'a>,
}

impl<'c, 'a> Tx<'c, 'a> {
    fn new(wo: &WorkOrder, ctx: &'c Context<'a>) -> Self {
        Tx {
            wo: wo.clone(),
            events: vec![],
            ctx,
        }
    }
    pub(crate) fn push(&mut self, e: Event) {
        self.wo = evolve(self.wo.clone(), &e, self.ctx.now);
        self.events.push(e);
    }
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.ctx.now
    }
    fn tz(&self) -> chrono_tz::Tz {
        self.ctx.property.timezone
    }
    pub(crate) fn policy(&self) -> &Policy {
        &self.ctx.policy
    }
    /// Arms `kind` at `at`, replacing any armed timer of that kind (a new generation).
    pub(crate) fn set_timer(&mut self, kind: TimerKind, at: DateTime<Utc>) {
        self.cancel_timer(kind);
        let generation = self.wo.timers.get(&kind).map_or(1, |t| t.generation + 1);
        self.push(Event::TimerSet {
            timer: kind,
            generation,
            at,
        });
    }
    /// Like `set_timer`, moved out of quiet hours (for timers that end in a message).
    /// Emergencies ignore quiet hours.
    fn set_timer_polite(&mut self, kind: TimerKind, at: DateTime<Utc>) {
        let at = if self.wo.priority == Priority::Emergency {
            at
        } else {
            next_allowed(self.tz(), self.policy(), at)
        };
        self.set_timer(kind, at);
    }
    pub(crate) fn cancel_timer(&mut self, kind: TimerKind) {
        if let Some(t) = self.wo.timers.get(&kind)
            && t.due.is_some()
        {
            let generation = t.generation;
            self.push(Event::TimerCancelled {
                timer: kind,
                generation,
            });
        }
    }
    fn cancel_timers(&mut self, kinds: &[TimerKind]) {
        for k in kinds {
            self.cancel_timer(*k);
        }
    }
    fn cancel_all_timers(&mut self) {
        let armed: Vec<TimerKind> = self
            .wo
            .timers
            .iter()
            .filter(|(_, t)| t.due.is_some())
            .map(|(k, _)| *k)
            .collect();
        self.cancel_timers(&armed);
    }
    fn done(self) -> Result<Vec<Event>, Rejection> {
        Ok(self.events)
    }
}

const APPOINTMENT_TIMERS: [TimerKind; 3] = [
    TimerKind::ReminderDayBefore,
    TimerKind::ReminderMorning,
    TimerKind::OutcomeAsk,
];

/// Decides what a command does to a work order.
///
/// Invariants: a rejection leaves the work order untouched; a stale or duplicate timer yields
/// no events; a closed or cancelled work order gets no events but the record of a message that
/// could not be delivered (a cancellation the vendor never got matters most then).
pub fn decide(wo: &WorkOrder, cmd: &Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    if let Command::MessageUndelivered {
        to,
        channel,
        address,
        key,
        reason,
    } = cmd
    {
        return Ok(vec![Event::MessageUndelivered {
            to: to.clone(),
            channel: *channel,
            address: address.clone(),
            key: key.clone(),
            reason: reason.clone(),
        }]);
    }
    if wo.status.is_final() {
        return match cmd {
            Command::TimerFired { .. } | Command::FlagOverdue => Ok(vec![]),
            Command::ReportDanger { .. } => Err(Rejection::DangerOnFinishedRequest),
            _ => Err(Rejection::WrongStatus(wo.status.as_str())),
        };
    }
    if let Command::Resend { message } = cmd {
        return resend(message, ctx);
    }
    let mut tx = Tx::new(wo, ctx);
    let phase = wo.phase();
    let wrong = || Err(Rejection::WrongStatus(wo.status.as_str()));
    match cmd {
        Command::Triage => {
            if wo.triage.is_some() {
                return Ok(vec![]);
            }
            let mut t = triage(&TriageInput {
                description: &wo.request.description,
                category: wo.request.category,
                tenant_says_emergency: wo.request.emergency,
                cold_weather: ctx
                    .property
                    .heating_months
                    .contains(&local_month(ctx.property.timezone, ctx.now)),
            });
            if let Some(tips) = ctx.portfolio.tips.get(&t.trade)
                && t.emergency.is_none()
            {
                t.tips = tips.clone();
                t.tip_keys.clear();
            }
            let alert = t.priority == Priority::Emergency;
            let mut probe = wo.clone();
            probe.trade = t.trade;
            probe.priority = t.priority;
            let suggested_vendors =
                candidates(ctx.portfolio, ctx.property, &probe, ctx.opted_out, ctx.now)
                    .iter()
                    .take(3)
                    .map(|v| v.id.clone())
                    .collect();
            let policies = applicable_policies(ctx, t.priority);
            tx.push(Event::Triaged {
                triage: t,
                emergency_alert: alert,
                suggested_vendors,
                policies,
            });
            crate::safety::ask(&mut tx);
            offer_next(&mut tx);
        }
        Command::Accept { vendor } => {
            if wo.vendor.as_ref() == Some(vendor) && wo.offer.is_none() {
                return Ok(vec![]);
            }
            match &wo.offer {
                Some(o) if &o.vendor == vendor && phase == Status::Dispatching => {}
                _ => return Err(Rejection::NotYourJob),
            }
            tx.cancel_timer(TimerKind::AcceptTimeout);
            tx.push(Event::Accepted {
                vendor: vendor.clone(),
            });
            after_assignment(&mut tx, vendor)?;
        }
        Command::Decline { vendor, reason } => {
            match &wo.offer {
                Some(o) if &o.vendor == vendor => {}
                _ => return Err(Rejection::NotYourJob),
            }
            tx.cancel_timer(TimerKind::AcceptTimeout);
            tx.push(Event::Declined {
                vendor: vendor.clone(),
                reason: reason.clone(),
            });
            offer_next(&mut tx);
        }
        Command::ChooseSlot { vendor, slot } => {
            require_vendor(wo, vendor)?;
            if phase != Status::Accepted {
                return wrong();
            }
            if wo.slots.is_empty() {
                return Err(Rejection::NoSlots);
            }
            let count = wo.slots.len() as u32;
            if *slot == 0 || *slot > count {
                return Err(Rejection::NoSuchSlot {
                    asked: *slot,
                    count,
                });
            }
            let window = wo.slots[*slot as usize - 1];
            if window.end <= ctx.now {
                return Err(Rejection::BadWindow);
            }
            check_free(ctx, wo, &window, Rejection::VendorBusy)?;
            schedule(&mut tx, window, Actor::Vendor(vendor.clone()));
        }
        Command::ProposeTime { vendor, window } => {
            require_vendor(wo, vendor)?;
            if !matches!(phase, Status::Accepted | Status::Scheduled) {
                return wrong();
            }
            if window.start <= ctx.now || window.start >= window.end {
                return Err(Rejection::BadWindow);
            }
            check_free(ctx, wo, window, Rejection::VendorBusy)?;
            if phase == Status::Scheduled {
                unschedule(&mut tx, Unscheduling::VendorProposed);
            }
            let tenant = &wo.request.tenant;
            if tenant.phone.is_none() && tenant.email.is_none() {
                schedule(&mut tx, *window, Actor::Vendor(vendor.clone()));
            } else {
                tx.cancel_timer(TimerKind::ScheduleNudge);
                tx.push(Event::TimeProposed { window: *window });
                let at = ctx.now + ctx.policy.proposal_timeout.to_chrono();
                tx.set_timer(TimerKind::ProposalTimeout, at);
            }
        }
        Command::AnswerProposal { accept } => {
            let Some(window) = wo.proposal else {
                return Err(Rejection::NoProposal);
            };
            if phase != Status::Accepted {
                return wrong();
            }
            tx.cancel_timer(TimerKind::ProposalTimeout);
            if *accept {
                if window.start <= ctx.now {
                    return Err(Rejection::BadWindow);
                }
                check_free(ctx, wo, &window, Rejection::TimeTaken)?;
                schedule(&mut tx, window, Actor::Tenant);
            } else {
                tx.push(Event::ProposalDeclined { window });
                offer_slots(&mut tx);
            }
        }
        Command::RequestReschedule { by, window } => {
            match by {
                Actor::Vendor(v) => require_vendor(wo, v)?,
                Actor::Tenant => {}
                team if team.is_team() => {}
                _ => {
                    return Err(Rejection::Invalid(
                        "only the tenant, vendor or PM can reschedule".into(),
                    ));
                }
            }
            if phase != Status::Scheduled {
                return wrong();
            }
            // Only the tenant names the time they want instead (a vendor proposes one, which the
            // tenant must accept). A time already begun is no wish: the request stands without it.
            let wanted = match (by, window) {
                (_, None) => None,
                (Actor::Tenant, Some(w)) => {
                    Some(*w).filter(|w| w.start > ctx.now && w.start < w.end)
                }
                (_, Some(_)) => {
                    return Err(Rejection::Invalid(
                        "only the tenant asks for a time; a vendor proposes one".into(),
                    ));
                }
            };
            unschedule(
                &mut tx,
                Unscheduling::AskedToReschedule {
                    by: by.clone(),
                    window: wanted,
                },
            );
            // The wanted time becomes one of the tenant's open times, so the slots the vendor is
            // offered again include it. Past the cap on open times it is not added; the vendor
            // still reads it in the text that calls the visit off.
            if let Some(w) = wanted
                && let Ok(windows) = budget::new_windows(&tx.wo.request.availability, &[w], ctx.now)
                && !windows.is_empty()
            {
                tx.push(Event::AvailabilityAdded { windows });
            }
            offer_slots(&mut tx);
        }
        Command::AddAvailability { windows } => {
            if matches!(phase, Status::Completed | Status::InProgress) {
                return wrong();
            }
            let windows = budget::new_windows(&wo.request.availability, windows, ctx.now)?;
            if windows.is_empty() {
                return Ok(vec![]);
            }
            tx.push(Event::AvailabilityAdded { windows });
            if phase == Status::Accepted && wo.proposal.is_none() && wo.vendor.is_some() {
                reoffer_slots(&mut tx);
            }
        }
        Command::Arrived { by } => {
            match by {
                Actor::Vendor(v) => require_vendor(wo, v)?,
                Actor::Desk => {}
                team if team.is_team() => {}
                _ => {
                    return Err(Rejection::Invalid(
                        "only the vendor or the desk can check in".into(),
                    ));
                }
            }
            if phase == Status::InProgress {
                return Ok(vec![]);
            }
            if !matches!(phase, Status::Scheduled | Status::Accepted) || wo.vendor.is_none() {
                return wrong();
            }
            tx.cancel_timers(&[
                TimerKind::ReminderDayBefore,
                TimerKind::ReminderMorning,
                TimerKind::ScheduleNudge,
                TimerKind::ProposalTimeout,
            ]);
            tx.push(Event::Arrived { by: by.clone() });
            change_visit(
                &mut tx,
                &[VisitStatus::Expected],
                VisitChange::CheckedIn,
                |v, now| {
                    v.status = VisitStatus::CheckedIn;
                    v.checked_in_at = Some(now);
                },
            );
            if !tx.wo.armed(TimerKind::OutcomeAsk) {
                let at = ctx.now + ctx.policy.outcome_nudge_after.to_chrono();
                tx.set_timer_polite(TimerKind::OutcomeAsk, at);
            }
        }
        Command::RunningLate { vendor, minutes } => {
            require_vendor(wo, vendor)?;
            if phase != Status::Scheduled {
                return wrong();
            }
            tx.push(Event::RunningLate { minutes: *minutes });
        }
        Command::Done {
            vendor,
            notes,
            photos,
        } => {
            require_vendor(wo, vendor)?;
            if !matches!(
                phase,
                Status::Scheduled | Status::InProgress | Status::Accepted
            ) {
                return wrong();
            }
            tx.cancel_all_timers();
            tx.push(Event::Completed {
                notes: notes.clone(),
                photos: photos.clone(),
            });
            change_visit(
                &mut tx,
                &[VisitStatus::Expected, VisitStatus::CheckedIn],
                VisitChange::CheckedOut,
                check_out,
            );
            let t = &wo.request.tenant;
            if t.phone.is_some() || t.email.is_some() {
                tx.push(Event::FeedbackRequested);
            }
            let at = ctx.now + ctx.policy.invoice_followup_after.to_chrono();
            tx.set_timer_polite(TimerKind::InvoiceFollowUp, at);
        }
        Command::NotDone { vendor, reason } => {
            require_vendor(wo, vendor)?;
            if !matches!(phase, Status::Scheduled | Status::InProgress) {
                return wrong();
            }
            tx.cancel_timers(&APPOINTMENT_TIMERS);
            tx.push(Event::NotDone {
                reason: reason.clone(),
            });
            visit_leaves(&mut tx);
            let pending = wo
                .estimate
                .as_ref()
                .is_some_and(|e| e.decision == EstimateDecision::Pending);
            if pending {
                request_approval(&mut tx);
            } else {
                offer_slots(&mut tx);
            }
        }
        Command::Estimate {
            vendor,
            amount,
            note,
        } => {
            require_vendor(wo, vendor)?;
            if !matches!(
                phase,
                Status::Accepted | Status::Scheduled | Status::InProgress
            ) {
                return wrong();
            }
            let limit = if wo.priority == Priority::Emergency {
                ctx.property.emergency_nte
            } else {
                ctx.property.nte
            };
            let over = *amount > limit;
            tx.push(Event::EstimateReceived {
                estimate: Estimate {
                    vendor: vendor.clone(),
                    amount: *amount,
                    note: note.clone(),
                    at: ctx.now,
                    limit,
                    decision: if over {
                        EstimateDecision::Pending
                    } else {
                        EstimateDecision::WithinLimit
                    },
                },
            });
            if over {
                tx.cancel_timers(&[
                    TimerKind::ReminderDayBefore,
                    TimerKind::ReminderMorning,
                    TimerKind::OutcomeAsk,
                    TimerKind::ScheduleNudge,
                    TimerKind::ProposalTimeout,
                ]);
                if phase == Status::Scheduled {
                    tx.push(Event::Unscheduled {
                        reason: Unscheduling::NeedsApproval,
                    });
                }
                visit_leaves(&mut tx);
                request_approval(&mut tx);
            }
        }
        Command::DecideApproval { approve, by, round } => {
            let open = match wo.estimate.as_ref().map(|e| &e.decision) {
                Some(EstimateDecision::Pending) => true,
                Some(EstimateDecision::Declined) => by.is_team(),
                _ => false,
            };
            if phase != Status::AwaitingApproval || !open || *round != wo.approval_round {
                return Err(Rejection::ApprovalNotOpen);
            }
            if !(matches!(by, Actor::Owner) || by.is_team()) {
                return Err(Rejection::Invalid(
                    "only the owner or the PM can decide".into(),
                ));
            }
            tx.cancel_timer(TimerKind::ApprovalReminder);
            if *approve {
                tx.push(Event::Approved { by: by.clone() });
                offer_slots(&mut tx);
            } else {
                tx.push(Event::ApprovalDeclined { by: by.clone() });
                let amount = wo.estimate.as_ref().map_or(Money(0), |e| e.amount);
                tx.push(Event::NeedsAttention {
                    cause: Cause::EstimateDeclined { amount },
                });
            }
        }
        Command::Invoice {
            vendor,
            amount,
            reference,
            file,
        } => {
            require_vendor(wo, vendor)?;
            if phase != Status::Completed {
                return Err(Rejection::Invalid(
                    "send the invoice once the job is marked done".into(),
                ));
            }
            if wo.invoice.is_some() {
                return Err(Rejection::Invalid(
                    "the invoice for this job is already in".into(),
                ));
            }
            tx.cancel_timer(TimerKind::InvoiceFollowUp);
            tx.push(Event::InvoiceReceived {
                invoice: Invoice {
                    amount: *amount,
                    reference: reference.clone(),
                    at: ctx.now,
                    file: file.clone(),
                },
            });
            if wo.feedback.is_some() || !wo.feedback_requested {
                tx.push(Event::Closed { by: Actor::System });
            } else {
                let at = ctx.now + ctx.policy.close_after_invoice.to_chrono();
                tx.set_timer(TimerKind::CloseAfterInvoice, at);
            }
        }
        Command::Feedback { rating, comment } => {
            if phase != Status::Completed || !wo.feedback_requested || wo.feedback.is_some() {
                return Err(Rejection::NoFeedbackAsked);
            }
            if !(1..=5).contains(rating) {
                return Err(Rejection::BadRating);
            }
            tx.push(Event::FeedbackReceived {
                feedback: Feedback {
                    rating: *rating,
                    comment: comment.clone(),
                },
            });
            if wo.invoice.is_some() {
                tx.cancel_timer(TimerKind::CloseAfterInvoice);
                tx.push(Event::Closed { by: Actor::System });
            }
        }
        Command::Assign { vendor, by } => {
            if phase == Status::Completed {
                return wrong();
            }
            let v = ctx
                .portfolio
                .vendor(vendor)
                .ok_or(Rejection::UnknownVendor)?;
            if !v.active {
                return Err(Rejection::VendorInactive(v.name.clone()));
            }
            if wo.vendor.as_ref() == Some(vendor) && wo.status != Status::NeedsAttention {
                return Ok(vec![]);
            }
            // The same vendor again: the old appointment is off and everyone is told. (A new
            // vendor's assignment tells the tenant and the old vendor in its own words.)
            if wo.appointment.is_some() && wo.vendor.as_ref() == Some(vendor) {
                unschedule(&mut tx, Unscheduling::Reassigned);
            }
            tx.cancel_all_timers();
            if let Some(o) = &wo.offer
                && &o.vendor != vendor
            {
                tx.push(Event::OfferWithdrawn {
                    vendor: o.vendor.clone(),
                });
            }
            if let Some(old) = &wo.vendor
                && old != vendor
            {
                tx.push(Event::Unassigned {
                    vendor: old.clone(),
                });
                cancel_visit(&mut tx);
            }
            tx.push(Event::Assigned {
                vendor: vendor.clone(),
                by: by.clone(),
            });
            after_assignment(&mut tx, vendor)?;
        }
        Command::AddInstructions { text, by } => {
            let text = text.trim();
            if text.is_empty() {
                return Err(Rejection::Invalid("the instructions are empty".into()));
            }
            tx.push(Event::InstructionsAdded {
                text: text.to_string(),
                by: by.clone(),
            });
        }
        Command::Cancel { by, reason } => {
            if matches!(by, Actor::Tenant)
                && !matches!(
                    phase,
                    Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
                )
            {
                return Err(Rejection::TooLateToCancel);
            }
            tx.cancel_all_timers();
            cancel_visit(&mut tx);
            tx.push(Event::Cancelled {
                by: by.clone(),
                reason: reason.clone(),
            });
        }
        Command::Close { by } => {
            if phase != Status::Completed {
                return wrong();
            }
            tx.cancel_all_timers();
            tx.push(Event::Closed { by: by.clone() });
        }
        Command::LinkVisit { visit } => {
            if visit.property != wo.request.property {
                return Err(Rejection::VisitOtherProperty {
                    visit: visit.id.to_string(),
                    visit_property: visit.property.to_string(),
                    wo_property: wo.request.property.to_string(),
                });
            }
            if visit.work_order.as_ref().is_some_and(|w| w != &wo.id) {
                return Err(Rejection::VisitTaken);
            }
            if wo.visit.as_ref().is_some_and(|v| v.id == visit.id) {
                return Ok(vec![]);
            }
            if matches!(phase, Status::Completed) {
                return wrong();
            }
            cancel_visit(&mut tx);
            let mut v = visit.clone();
            v.work_order = Some(wo.id.clone());
            v.work_order_code = Some(wo.code.clone());
            if v.expected.is_none() {
                v.expected = wo.appointment;
            }
            tx.push(Event::Visit {
                change: VisitChange::Linked,
                visit: v,
            });
        }
        Command::CheckOut { .. } => {
            let Some(visit) = &wo.visit else {
                return Err(Rejection::VisitNotCheckedIn);
            };
            if let Some(visit) = desk(visit, DeskAction::CheckOut, ctx.now)? {
                tx.push(Event::Visit {
                    change: VisitChange::CheckedOut,
                    visit,
                });
            }
        }
        // Decided before the status check above.
        Command::MessageUndelivered { .. } | Command::Resend { .. } => {}
        Command::AnswerSafetyQuestion { yes, by } => {
            crate::safety::answer(&mut tx, *yes, by, None)?
        }
        Command::ReportDanger { by, via } => crate::danger::report(&mut tx, by, *via)?,
        Command::CompletedInPms { system } => {
            if phase == Status::Completed {
                return Ok(vec![]);
            }
            let cause = Cause::CompletedInPms {
                system: system.clone(),
            }
            .bounded();
            if wo.status == Status::NeedsAttention && wo.attention.as_ref() == Some(&cause) {
                return Ok(vec![]);
            }
            tx.push(Event::NeedsAttention { cause });
        }
        Command::UnknownVendorInPms { system, vendor } => {
            crate::pms_changes::unknown_vendor(&mut tx, system, vendor)?
        }
        Command::FlagOverdue => {
            if let Some(late) = crate::overdue::overdue(wo, &ctx.policy, ctx.now) {
                tx.push(Event::NeedsAttention {
                    cause: late.cause(wo),
                });
            }
        }
        Command::TimerFired { kind, generation } => {
            let live = wo
                .timers
                .get(kind)
                .is_some_and(|t| t.generation == *generation && t.due.is_some());
            if !live {
                return Ok(vec![]);
            }
            tx.push(Event::TimerElapsed {
                timer: *kind,
                generation: *generation,
            });
            on_timer(&mut tx, *kind);
        }
    }
    tx.done()
}
