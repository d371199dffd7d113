//! How an event changes a work order (`evolve`), the work order an opening event creates
//! (`start`), and a work order rebuilt from its timeline (`replay`): pure folds, no decisions.

use super::*;

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

/// Ensures a work order's derived fields are consistent; used by tests and the store.
pub fn replay(events: &[Recorded]) -> Option<WorkOrder> {
    let (first, rest) = events.split_first()?;
    let mut wo = start(&first.event, first.at)?;
    for r in rest {
        wo = evolve(wo, &r.event, r.at);
    }
    Some(wo)
}
