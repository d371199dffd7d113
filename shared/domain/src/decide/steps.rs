//! The steps `decide` shares between commands: what a firing timer does, which policies apply,
//! offering the job to the next vendor, slots, scheduling and unscheduling, the visit at the
//! desk, approval requests, resending a message and checking a vendor's calendar.

use super::*;

pub(super) fn on_timer(tx: &mut Tx, kind: TimerKind) {
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
pub(super) fn applicable_policies(ctx: &Context, priority: Priority) -> Vec<String> {
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

pub(super) fn require_vendor(wo: &WorkOrder, vendor: &VendorId) -> Result<(), Rejection> {
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

pub(super) fn after_assignment(tx: &mut Tx, vendor: &VendorId) -> Result<(), Rejection> {
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
pub(super) fn new_visit(tx: &mut Tx, expected: Option<Window>) {
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
pub(super) fn offer_slots(tx: &mut Tx) {
    let slots = tx.wo.open_slots(tx.now());
    tx.push(Event::SlotsOffered { slots });
    let at = tx.now() + tx.policy().schedule_nudge_after.to_chrono();
    tx.set_timer_polite(TimerKind::ScheduleNudge, at);
}

/// The tenant's times changed while the vendor picks: the new slots go out at once, unless a
/// slots text went out less than `budget::slots_text_gap` ago — then one text at the end of
/// that gap carries every change made meanwhile (a flood of changes makes one text per gap).
pub(super) fn reoffer_slots(tx: &mut Tx) {
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

pub(super) fn schedule(tx: &mut Tx, window: Window, by: Actor) {
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

pub(super) fn unschedule(tx: &mut Tx, reason: Unscheduling) {
    tx.cancel_timers(&APPOINTMENT_TIMERS);
    tx.push(Event::Unscheduled { reason });
    change_visit(tx, &[VisitStatus::Expected], VisitChange::Moved, |v, _| {
        v.expected = None;
    });
}

/// The vendor leaves without finishing: a checked-in visit is checked out, an expected one
/// loses its window until a new appointment is set.
pub(super) fn visit_leaves(tx: &mut Tx) {
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

pub(super) fn check_out(v: &mut Visit, now: DateTime<Utc>) {
    v.status = VisitStatus::CheckedOut;
    v.checked_out_at = Some(now);
}

/// Records a change of the work order's visit (if it has one in one of `from` states).
pub(super) fn change_visit(
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

pub(super) fn cancel_visit(tx: &mut Tx) {
    change_visit(
        tx,
        &[VisitStatus::Expected, VisitStatus::CheckedIn],
        VisitChange::Cancelled,
        |v, _| v.status = VisitStatus::Cancelled,
    );
}

pub(super) fn request_approval(tx: &mut Tx) {
    let round = tx.wo.approval_round + 1;
    tx.push(Event::ApprovalRequested { round });
    let at = tx.now() + tx.policy().approval_reminder_after.to_chrono();
    tx.set_timer(TimerKind::ApprovalReminder, at);
}

/// A message sent again: to the address it went to, unless that is a number that opted out
/// since (the sender would refuse it anyway; the team is told now instead).
pub(super) fn resend(message: &SentMessage, ctx: &Context) -> Result<Vec<Event>, Rejection> {
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
pub(super) fn check_free(
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
