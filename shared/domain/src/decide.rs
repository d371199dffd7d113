//! The workflow as two plain functions: `decide` turns a command into events (or a rejection,
//! leaving the work order untouched) and `evolve` folds an event into the work order.

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

/// The work order a `Submitted` event creates.
pub fn start(event: &Event, at: DateTime<Utc>) -> Option<WorkOrder> {
    let Event::Submitted { id, code, request } = event else {
        return None;
    };
    Some(WorkOrder {
        id: id.clone(),
        code: code.clone(),
        created_at: at,
        request: request.clone(),
        status: Status::Submitted,
        paused_from: None,
        attention: None,
        trade: request.category.unwrap_or(crate::types::Trade::General),
        priority: if request.emergency {
            Priority::Urgent
        } else {
            Priority::Routine
        },
        triage: None,
        vendor: None,
        offer: None,
        tried: vec![],
        skipped: vec![],
        slots: vec![],
        slots_sent_at: None,
        appointment: None,
        proposal: None,
        estimate: None,
        approval_round: 0,
        visit: None,
        visits_made: 0,
        completion_notes: None,
        completion_photos: vec![],
        not_done_reasons: vec![],
        not_done_count: 0,
        invoice: None,
        feedback_requested: false,
        feedback: None,
        timers: Default::default(),
        nudges: 0,
        instructions: vec![],
        instructions_count: 0,
        safety: None,
        danger_reported: None,
        danger_last_reported: None,
        metrics: Some(crate::metrics::Marks::new(at)),
        archived: None,
        updated_at: at,
    })
}

/// Folds one event into the work order. Total: an event that does not apply changes nothing.
pub fn evolve(mut wo: WorkOrder, event: &Event, at: DateTime<Utc>) -> WorkOrder {
    let before = wo.status;
    let set_status = |wo: &mut WorkOrder, s: Status| {
        wo.status = s;
        if s != Status::NeedsAttention {
            wo.paused_from = None;
            wo.attention = None;
        }
    };
    if let Some(m) = wo.metrics.as_mut() {
        m.apply(event, at);
    }
    match event {
        Event::Submitted { .. } => {}
        Event::Triaged { triage, .. } => {
            wo.trade = triage.trade;
            wo.priority = crate::danger::floor(&wo, triage.priority);
            wo.triage = Some(triage.clone());
        }
        Event::OfferHeld { .. } => {}
        Event::VendorSkipped { vendor, .. } => {
            if !wo.skipped.contains(vendor) && wo.skipped.len() < stored::MAX_TRIED {
                wo.skipped.push(vendor.clone());
            }
        }
        Event::Offered { vendor, expires_at } => {
            wo.offer = Some(Offer {
                vendor: vendor.clone(),
                expires_at: *expires_at,
            });
            set_status(&mut wo, Status::Dispatching);
        }
        Event::Declined { vendor, .. } | Event::OfferLapsed { vendor } => {
            wo.offer = None;
            if !wo.tried.contains(vendor) {
                wo.tried.push(vendor.clone());
                if wo.tried.len() > stored::MAX_TRIED {
                    wo.tried.remove(0);
                }
            }
        }
        Event::OfferWithdrawn { .. } => wo.offer = None,
        Event::NeedsAttention { cause } => {
            if wo.status != Status::NeedsAttention {
                wo.paused_from = Some(wo.status);
            }
            wo.status = Status::NeedsAttention;
            wo.attention = Some(cause.clone().bounded());
        }
        Event::Accepted { vendor } | Event::Assigned { vendor, .. } => {
            wo.vendor = Some(vendor.clone());
            wo.offer = None;
            wo.appointment = None;
            wo.proposal = None;
            wo.slots.clear();
            set_status(&mut wo, Status::Accepted);
        }
        Event::Unassigned { .. } => {
            wo.vendor = None;
            wo.appointment = None;
            wo.proposal = None;
        }
        Event::InstructionsAdded { text, .. } => {
            wo.instructions_count = wo.instructions_count.saturating_add(1);
            stored::keep_newest(&mut wo.instructions, text, stored::KEPT_INSTRUCTIONS);
        }
        Event::SlotsOffered { slots } => {
            wo.slots = slots.clone();
            wo.slots_sent_at = Some(at);
            set_status(&mut wo, Status::Accepted);
        }
        Event::ScheduleNudged { n, .. }
        | Event::OutcomeAsked { n }
        | Event::ApprovalReminded { n }
        | Event::InvoiceRequested { n } => wo.nudges = *n,
        Event::TimeProposed { window } => wo.proposal = Some(*window),
        Event::ProposalDeclined { .. } => wo.proposal = None,
        Event::Scheduled { window, .. } => {
            wo.appointment = Some(*window);
            wo.proposal = None;
            set_status(&mut wo, Status::Scheduled);
        }
        Event::Unscheduled { .. } => {
            wo.appointment = None;
            set_status(&mut wo, Status::Accepted);
        }
        Event::AvailabilityAdded { windows } => {
            // Windows over are no one's slots any more: dropping them here keeps the list as
            // short as the open ones (`budget::MAX_OPEN_WINDOWS`) however often times are added.
            wo.request.availability.retain(|w| w.end > at);
            wo.request.availability.extend(windows.iter().copied());
        }
        Event::Reminded { .. } | Event::RunningLate { .. } => {}
        Event::Visit { visit, change } => {
            if *change == VisitChange::Created {
                wo.visits_made += 1;
            }
            wo.visit = Some(visit.clone());
        }
        Event::Arrived { .. } => set_status(&mut wo, Status::InProgress),
        Event::Completed { notes, photos } => {
            wo.completion_notes = notes.as_deref().map(stored::state_text);
            wo.completion_photos = photos.clone();
            set_status(&mut wo, Status::Completed);
        }
        Event::NotDone { reason } => {
            wo.not_done_count = wo.not_done_count.saturating_add(1);
            if let Some(r) = reason {
                stored::keep_newest(&mut wo.not_done_reasons, r, stored::KEPT_NOT_DONE_REASONS);
            }
            wo.appointment = None;
            set_status(&mut wo, Status::Accepted);
        }
        Event::EstimateReceived { estimate } => {
            let mut e = estimate.clone();
            e.note = e.note.as_deref().map(stored::state_text);
            wo.estimate = Some(e);
        }
        Event::ApprovalRequested { round } => {
            wo.approval_round = *round;
            wo.appointment = None;
            wo.proposal = None;
            set_status(&mut wo, Status::AwaitingApproval);
        }
        Event::ApprovalEscalated | Event::InvoiceEscalated => {}
        Event::Approved { .. } => {
            if let Some(e) = wo.estimate.as_mut() {
                e.decision = EstimateDecision::Approved;
            }
            set_status(&mut wo, Status::Accepted);
        }
        Event::ApprovalDeclined { .. } => {
            if let Some(e) = wo.estimate.as_mut() {
                e.decision = EstimateDecision::Declined;
            }
        }
        Event::InvoiceReceived { invoice } => {
            let mut i = invoice.clone();
            i.reference = i.reference.as_deref().map(stored::state_text);
            wo.invoice = Some(i);
        }
        Event::FeedbackRequested => wo.feedback_requested = true,
        Event::FeedbackReceived { feedback } => {
            let mut f = feedback.clone();
            f.comment = f.comment.as_deref().map(stored::state_text);
            wo.feedback = Some(f);
        }
        Event::Closed { .. } => set_status(&mut wo, Status::Closed),
        Event::Cancelled { .. } => {
            wo.offer = None;
            set_status(&mut wo, Status::Cancelled);
        }
        Event::TimerSet {
            timer,
            generation,
            at: due,
        } => {
            wo.timers.insert(
                *timer,
                TimerState {
                    generation: *generation,
                    due: Some(*due),
                },
            );
        }
        Event::MessageReceived { .. }
        | Event::MessageSent { .. }
        | Event::MessageUndelivered { .. }
        | Event::MessageResent { .. } => {}
        Event::SafetyQuestionAsked { .. }
        | Event::SafetyQuestionAnswered { .. }
        | Event::SafetyQuestionExpired { .. }
        | Event::OfferWithdrawnForEmergency { .. } => crate::safety::evolve(&mut wo, event, at),
        Event::DangerReported { .. } => crate::danger::evolve(&mut wo, event),
        Event::TimerCancelled { timer, generation } | Event::TimerElapsed { timer, generation } => {
            if let Some(t) = wo.timers.get_mut(timer)
                && t.generation == *generation
            {
                t.due = None;
            }
        }
    }
    if wo.status != before && !matches!(event, Event::NeedsAttention { .. }) {
        wo.nudges = 0;
    }
    wo.updated_at = at;
    wo
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
        Command::RequestReschedule { by } => {
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
            unschedule(&mut tx, Unscheduling::AskedToReschedule { by: by.clone() });
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

fn on_timer(tx: &mut Tx, kind: TimerKind) {
    let policy = tx.policy().clone();
    let now = tx.now();
    let n = tx.wo.nudges;
    match kind {
        TimerKind::QuietHoursEnd => {
            if tx.wo.offer.is_none()
                && matches!(tx.wo.phase(), Status::Submitted | Status::Dispatching)
            {
                offer_next(tx);
            }
        }
        TimerKind::AcceptTimeout => {
            if let Some(o) = tx.wo.offer.clone() {
                tx.push(Event::OfferLapsed { vendor: o.vendor });
                offer_next(tx);
            }
        }
        TimerKind::ScheduleNudge => {
            let Some(vendor) = tx.wo.vendor.clone() else {
                return;
            };
            if n < policy.schedule_nudges {
                tx.push(Event::ScheduleNudged { vendor, n: n + 1 });
                tx.set_timer_polite(
                    TimerKind::ScheduleNudge,
                    now + policy.schedule_nudge_after.to_chrono(),
                );
            } else {
                tx.push(Event::NeedsAttention {
                    cause: Cause::TimeNotPicked { vendor },
                });
            }
        }
        TimerKind::ProposalTimeout => {
            tx.push(Event::NeedsAttention {
                cause: Cause::ProposalUnconfirmed,
            });
        }
        TimerKind::ReminderDayBefore | TimerKind::ReminderMorning => {
            if tx.wo.phase() == Status::Scheduled {
                tx.push(Event::Reminded { which: kind });
            }
        }
        TimerKind::OutcomeAsk => {
            if n <= policy.outcome_nudges {
                tx.push(Event::OutcomeAsked { n: n + 1 });
                tx.set_timer_polite(
                    TimerKind::OutcomeAsk,
                    now + policy.outcome_nudge_after.to_chrono(),
                );
            } else {
                tx.push(Event::NeedsAttention {
                    cause: Cause::OutcomeUnknown,
                });
            }
        }
        TimerKind::ApprovalReminder => {
            if n < policy.approval_reminders {
                tx.push(Event::ApprovalReminded { n: n + 1 });
                tx.set_timer(
                    TimerKind::ApprovalReminder,
                    now + policy.approval_reminder_after.to_chrono(),
                );
            } else {
                tx.push(Event::ApprovalEscalated);
            }
        }
        TimerKind::InvoiceFollowUp => {
            if n < policy.invoice_followups {
                tx.push(Event::InvoiceRequested { n: n + 1 });
                tx.set_timer_polite(
                    TimerKind::InvoiceFollowUp,
                    now + policy.invoice_followup_after.to_chrono(),
                );
            } else {
                tx.push(Event::InvoiceEscalated);
            }
        }
        TimerKind::SafetyQuestion => crate::safety::expire(tx),
        TimerKind::CloseAfterInvoice => {
            if tx.wo.phase() == Status::Completed {
                tx.push(Event::Closed { by: Actor::System });
            }
        }
        TimerKind::SlotsUpdate => {
            let changed = tx.wo.open_slots(now) != tx.wo.slots;
            if tx.wo.phase() == Status::Accepted
                && tx.wo.proposal.is_none()
                && tx.wo.vendor.is_some()
                && changed
            {
                offer_slots(tx);
            }
        }
    }
}

/// The property policies a PM would want next to the triage summary.
fn applicable_policies(ctx: &Context, priority: Priority) -> Vec<String> {
    let p = ctx.property;
    let (nte, timeout) = match priority {
        Priority::Emergency => (p.emergency_nte, ctx.policy.emergency_accept_timeout),
        Priority::Urgent => (p.nte, ctx.policy.urgent_accept_timeout),
        Priority::Routine => (p.nte, ctx.policy.accept_timeout),
    };
    let mut out = vec![
        format!("Not to exceed without the owner's approval: {nte}"),
        format!("Each vendor has {timeout} to accept"),
    ];
    if priority != Priority::Emergency {
        out.push(format!(
            "No texts between {} and {} ({})",
            String::from(ctx.policy.quiet_start),
            String::from(ctx.policy.quiet_end),
            p.timezone
        ));
    }
    if p.visitor_desk && ctx.portfolio.visitor_desk_integration {
        out.push("Vendors of auto-visit companies get a visitor-desk visit".into());
    }
    out
}

fn require_vendor(wo: &WorkOrder, vendor: &VendorId) -> Result<(), Rejection> {
    if wo.vendor.as_ref() == Some(vendor) {
        Ok(())
    } else {
        Err(Rejection::NotYourJob)
    }
}

pub(crate) fn offer_next(tx: &mut Tx) {
    let tz = tx.tz();
    let now = tx.now();
    if tx.wo.priority != Priority::Emergency && in_quiet_hours(tz, tx.policy(), now) {
        let until = next_allowed(tz, tx.policy(), now);
        tx.push(Event::OfferHeld { until });
        tx.set_timer(TimerKind::QuietHoursEnd, until);
        return;
    }
    let (portfolio, property, opted_out) = (tx.ctx.portfolio, tx.ctx.property, tx.ctx.opted_out);
    for e in crate::candidates::skipped_events(portfolio, property, &tx.wo, opted_out, now) {
        tx.push(e);
    }
    let next = candidates(portfolio, property, &tx.wo, opted_out, now)
        .first()
        .map(|v| v.id.clone());
    match next {
        Some(vendor) => {
            let timeout = match tx.wo.priority {
                Priority::Emergency => tx.policy().emergency_accept_timeout,
                Priority::Urgent => tx.policy().urgent_accept_timeout,
                Priority::Routine => tx.policy().accept_timeout,
            };
            let expires_at = now + timeout.to_chrono();
            tx.push(Event::Offered { vendor, expires_at });
            tx.set_timer(TimerKind::AcceptTimeout, expires_at);
        }
        None => {
            let passed_over =
                crate::candidates::passed_over(portfolio, property, &tx.wo, opted_out, now)
                    .into_iter()
                    .map(|(v, reason)| PassedOver {
                        vendor: v.id.clone(),
                        reason,
                    })
                    .collect();
            let trade = tx.wo.trade;
            let cause = if tx.wo.tried.is_empty() {
                Cause::NoVendor { trade, passed_over }
            } else {
                Cause::AllDeclined { trade, passed_over }
            };
            tx.push(Event::NeedsAttention { cause });
        }
    }
}

fn after_assignment(tx: &mut Tx, vendor: &VendorId) -> Result<(), Rejection> {
    let v = tx
        .ctx
        .portfolio
        .vendor(vendor)
        .ok_or(Rejection::UnknownVendor)?;
    let has_visit = tx
        .wo
        .visit
        .as_ref()
        .is_some_and(|x| x.status != VisitStatus::Cancelled);
    if !has_visit && tx.ctx.portfolio.auto_visit(tx.ctx.property, v) {
        new_visit(tx, None);
    }
    offer_slots(tx);
    Ok(())
}

/// Creates a visitor-desk visit for the assigned vendor (the caller checked it is wanted).
fn new_visit(tx: &mut Tx, expected: Option<Window>) {
    let Some(v) = tx
        .wo
        .vendor
        .as_ref()
        .and_then(|id| tx.ctx.portfolio.vendor(id))
    else {
        return;
    };
    let company = v
        .company
        .as_ref()
        .and_then(|c| tx.ctx.portfolio.company(c))
        .map(|c| c.name.clone());
    let visit = Visit {
        id: VisitId(format!(
            "v-{}-{}",
            tx.wo.id.as_str().trim_start_matches("wo-"),
            tx.wo.visits_made + 1
        )),
        property: tx.wo.request.property.clone(),
        work_order: Some(tx.wo.id.clone()),
        work_order_code: Some(tx.wo.code.clone()),
        visitor: v.name.clone(),
        company,
        expected,
        status: VisitStatus::Expected,
        checked_in_at: None,
        checked_out_at: None,
        automatic: true,
    };
    tx.push(Event::Visit {
        change: VisitChange::Created,
        visit,
    });
}

/// Gives the assigned vendor the tenant's open windows as numbered slots and starts the
/// nudge timer; with no open window the same message asks the vendor to propose a time.
fn offer_slots(tx: &mut Tx) {
    let slots = tx.wo.open_slots(tx.now());
    tx.push(Event::SlotsOffered { slots });
    let at = tx.now() + tx.policy().schedule_nudge_after.to_chrono();
    tx.set_timer_polite(TimerKind::ScheduleNudge, at);
}

/// The tenant's times changed while the vendor picks: the new slots go out at once, unless a
/// slots text went out less than `budget::slots_text_gap` ago — then one text at the end of
/// that gap carries every change made meanwhile (a flood of changes makes one text per gap).
fn reoffer_slots(tx: &mut Tx) {
    let next = tx.wo.slots_sent_at.map(|t| t + budget::slots_text_gap());
    match next {
        Some(at) if at > tx.now() => {
            if !tx.wo.armed(TimerKind::SlotsUpdate) {
                tx.set_timer_polite(TimerKind::SlotsUpdate, at);
            }
        }
        _ => {
            tx.cancel_timer(TimerKind::SlotsUpdate);
            offer_slots(tx);
        }
    }
}

fn schedule(tx: &mut Tx, window: Window, by: Actor) {
    tx.cancel_timers(&[TimerKind::ScheduleNudge, TimerKind::ProposalTimeout]);
    tx.push(Event::Scheduled { window, by });
    match tx.wo.visit.as_ref().map(|v| v.status) {
        Some(VisitStatus::Expected) => {
            change_visit(tx, &[VisitStatus::Expected], VisitChange::Moved, |v, _| {
                v.expected = Some(window);
            });
        }
        // A return trip (the last visit ended without finishing): a new visit for the desk.
        Some(VisitStatus::CheckedOut) => new_visit(tx, Some(window)),
        _ => {}
    }
    let tz = tx.tz();
    let policy = tx.policy().clone();
    let now = tx.now();
    let day = local_date(tz, window.start);
    if let Some(eve) = day.pred_opt() {
        let at = at_local(tz, eve, policy.reminder_day_before);
        if at > now {
            tx.set_timer(TimerKind::ReminderDayBefore, at);
        }
    }
    let morning = at_local(tz, day, policy.reminder_morning);
    if morning > now && morning < window.start {
        tx.set_timer(TimerKind::ReminderMorning, morning);
    }
    let ask = window.end + policy.outcome_ask_after.to_chrono();
    tx.set_timer_polite(TimerKind::OutcomeAsk, ask);
}

fn unschedule(tx: &mut Tx, reason: Unscheduling) {
    tx.cancel_timers(&APPOINTMENT_TIMERS);
    tx.push(Event::Unscheduled { reason });
    change_visit(tx, &[VisitStatus::Expected], VisitChange::Moved, |v, _| {
        v.expected = None;
    });
}

/// The vendor leaves without finishing: a checked-in visit is checked out, an expected one
/// loses its window until a new appointment is set.
fn visit_leaves(tx: &mut Tx) {
    change_visit(
        tx,
        &[VisitStatus::CheckedIn],
        VisitChange::CheckedOut,
        check_out,
    );
    if tx.wo.visit.as_ref().is_some_and(|v| v.expected.is_some()) {
        change_visit(tx, &[VisitStatus::Expected], VisitChange::Moved, |v, _| {
            v.expected = None;
        });
    }
}

fn check_out(v: &mut Visit, now: DateTime<Utc>) {
    v.status = VisitStatus::CheckedOut;
    v.checked_out_at = Some(now);
}

/// Records a change of the work order's visit (if it has one in one of `from` states).
fn change_visit(
    tx: &mut Tx,
    from: &[VisitStatus],
    change: VisitChange,
    edit: impl FnOnce(&mut Visit, DateTime<Utc>),
) {
    let Some(v) = &tx.wo.visit else { return };
    if !from.contains(&v.status) {
        return;
    }
    let mut v = v.clone();
    edit(&mut v, tx.now());
    tx.push(Event::Visit { change, visit: v });
}

fn cancel_visit(tx: &mut Tx) {
    change_visit(
        tx,
        &[VisitStatus::Expected, VisitStatus::CheckedIn],
        VisitChange::Cancelled,
        |v, _| v.status = VisitStatus::Cancelled,
    );
}

fn request_approval(tx: &mut Tx) {
    let round = tx.wo.approval_round + 1;
    tx.push(Event::ApprovalRequested { round });
    let at = tx.now() + tx.policy().approval_reminder_after.to_chrono();
    tx.set_timer(TimerKind::ApprovalReminder, at);
}

/// A message sent again: to the address it went to, unless that is a number that opted out
/// since (the sender would refuse it anyway; the team is told now instead).
fn resend(message: &SentMessage, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    match message.channel {
        Channel::Sms => {
            let phone = Phone::parse(&message.address).map_err(|_| {
                Rejection::Invalid("that message has no number to resend to".into())
            })?;
            if ctx.opted_out.contains(&phone) {
                return Err(Rejection::OptedOut);
            }
        }
        Channel::Email => {
            crate::portfolio::Email::parse(&message.address).map_err(|_| {
                Rejection::Invalid("that message has no address to resend to".into())
            })?;
        }
    }
    Ok(vec![Event::MessageResent {
        message: Box::new(message.clone()),
    }])
}

/// `taken` is the refusal for who asked: the vendor is told they are busy, a tenant confirming
/// a proposed time that it is no longer free.
fn check_free(
    ctx: &Context,
    wo: &WorkOrder,
    w: &Window,
    taken: Rejection,
) -> Result<(), Rejection> {
    match ctx
        .vendor_busy
        .iter()
        .find(|(id, b)| id != &wo.id && crate::booking::overlaps(b, w))
    {
        Some(_) => Err(taken),
        None => Ok(()),
    }
}

/// How long an accept window lasts, for messages.
pub fn offer_minutes(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (expires_at - now).num_minutes().max(0)
}

/// Ensures a work order's derived fields are consistent; used by tests and the store.
pub fn replay(events: &[Recorded]) -> Option<WorkOrder> {
    let (first, rest) = events.split_first()?;
    let mut wo = start(&first.event, first.at)?;
    for r in rest {
        wo = evolve(wo, &r.event, r.at);
    }
    Some(wo)
}
