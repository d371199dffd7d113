//! Given/when/then tests of the work-order state machine: the accept, choosing a slot, the
//! reminders across clock changes, the outcome asked, and times the vendor proposes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::attention::Cause;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

// ---------------------------------------------------------------------------------------------
// Accept and scheduling

#[test]
fn an_accept_assigns_the_vendor_creates_a_visit_and_offers_the_tenants_future_windows_as_slots() {
    let at = now() + minutes(10);
    let t = Given::offered_to_pat().at(at).when(accept("pat"));
    let ev = t.events();
    assert_eq!(ev[0], timer_cancelled(K::AcceptTimeout, 1));
    assert_eq!(ev[1], Event::Accepted { vendor: vid("pat") });
    let visits = t.visit_changes();
    assert_eq!(visits.len(), 1, "{ev:#?}");
    let (change, visit) = &visits[0];
    assert_eq!(*change, VisitChange::Created);
    assert_eq!(visit.property, PropertyId::from("elm"));
    assert_eq!(visit.work_order, Some(wo_id()));
    assert_eq!(visit.work_order_code, Some(code()));
    assert_eq!(visit.visitor, "Pat Ortiz");
    assert_eq!(visit.company.as_deref(), Some("Acme Plumbing Co"));
    assert_eq!(visit.status, VisitStatus::Expected);
    assert_eq!(visit.expected, None);
    assert!(visit.automatic);
    assert_eq!(
        &ev[3..],
        &[
            Event::SlotsOffered {
                slots: vec![elm_thu(), elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 1, at + hours(4)),
        ],
        "the window of yesterday is not a slot; slots are in time order"
    );
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(t.wo().vendor, Some(vid("pat")));
    assert_eq!(t.wo().offer, None);
    assert_eq!(t.sms("vendor.slots.sms").len(), 1);
    assert_eq!(t.sms("tenant.assigned.sms").len(), 1);
}

#[test]
fn slots_leave_out_windows_that_have_already_ended() {
    // Triaged on Thursday after the Thursday window ended.
    let t = Given::submitted_at(elm_drip(), utc("2026-03-05T16:30:00Z"))
        .did(Command::Triage)
        .later(minutes(5))
        .when(accept("pat"));
    assert!(t.has(|e| *e
        == Event::SlotsOffered {
            slots: vec![elm_fri(), elm_mon()]
        }));
}

#[test]
fn a_vendor_with_no_open_window_to_pick_from_is_asked_to_propose_a_time() {
    let late = utc("2026-03-10T15:00:00Z");
    let g = Given::submitted_at(elm_drip(), late)
        .did(Command::Triage)
        .later(minutes(5));
    let t = g.when(accept("pat"));
    assert!(t.has(|e| *e == Event::SlotsOffered { slots: vec![] }));
    assert_eq!(t.sms("vendor.noslots.sms").len(), 1);
    t.after
        .when(choose("pat", 1))
        .rejected_with(Rejection::NoSlots);
}

#[test]
fn an_accept_from_a_vendor_who_was_not_offered_the_job_is_refused() {
    Given::offered_to_pat()
        .when(accept("ray"))
        .rejected_with(Rejection::NotYourJob);
    Given::offered_to_pat()
        .when(decline("ray"))
        .rejected_with(Rejection::NotYourJob);
}

#[test]
fn a_repeated_accept_from_the_assigned_vendor_changes_nothing() {
    Given::accepted_by_pat().when(accept("pat")).no_events();
}

#[test]
fn an_emergency_accepted_at_night_is_nudged_without_waiting_for_morning() {
    let night = utc("2026-03-05T04:00:00Z"); // 23:00 in New York
    let t = Given::submitted_at(elm_flood(), night)
        .did(Command::Triage)
        .later(minutes(5))
        .when(accept("ray"));
    let (_, due) = t.timer_set(K::ScheduleNudge);
    assert!(
        due <= night + minutes(5) + hours(4),
        "quiet hours hold only non-emergency texts, but the nudge waits until {}",
        due.with_timezone(&ny())
    );
}

#[test]
fn an_unscheduled_job_is_nudged_twice_then_needs_attention() {
    let g = Given::accepted_by_pat();
    let first_due = g.armed(K::ScheduleNudge).1;
    assert_eq!(first_due, utc("2026-03-04T19:10:00Z"));

    let t = g.when_fired(K::ScheduleNudge);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ScheduleNudge, 1),
            Event::ScheduleNudged {
                vendor: vid("pat"),
                n: 1
            },
            timer_set(K::ScheduleNudge, 2, first_due + hours(4)),
        ]
    );
    assert_eq!(t.sms("vendor.nudge.sms").len(), 1);

    let t = t.after.when_fired(K::ScheduleNudge);
    // 23:10 UTC + 4 h is 22:10 in New York: the next nudge waits for 8 AM.
    let morning = local(ny(), (2026, 3, 5), (8, 0));
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ScheduleNudge, 2),
            Event::ScheduleNudged {
                vendor: vid("pat"),
                n: 2
            },
            timer_set(K::ScheduleNudge, 3, morning),
        ]
    );

    let t = t.after.when_fired(K::ScheduleNudge);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ScheduleNudge, 3),
            Event::NeedsAttention {
                cause: Cause::TimeNotPicked { vendor: vid("pat") }
            },
        ]
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().paused_from, Some(Status::Accepted));
    assert!(!t.wo().armed(K::ScheduleNudge));

    // The vendor can still pick a slot: that clears the attention flag.
    let t = t.after.later(minutes(30)).when(choose("pat", 2));
    assert_eq!(t.wo().status, Status::Scheduled);
    assert_eq!(t.wo().attention, None);
    assert_eq!(t.wo().appointment, Some(elm_fri()));
}

#[test]
fn choosing_a_valid_slot_schedules_the_job_moves_the_visit_and_arms_reminders() {
    let at = now() + minutes(15);
    let t = Given::accepted_by_pat().at(at).when(choose("pat", 1));
    let ev = t.events();
    assert_eq!(ev[0], timer_cancelled(K::ScheduleNudge, 1));
    assert_eq!(
        ev[1],
        Event::Scheduled {
            window: elm_thu(),
            by: Actor::Vendor(vid("pat"))
        }
    );
    let moved = t.visit_changes();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].0, VisitChange::Moved);
    assert_eq!(moved[0].1.expected, Some(elm_thu()));
    assert_eq!(
        &ev[3..],
        &[
            timer_set(K::ReminderDayBefore, 1, utc("2026-03-04T23:00:00Z")),
            timer_set(K::ReminderMorning, 1, utc("2026-03-05T12:30:00Z")),
            timer_set(K::OutcomeAsk, 1, utc("2026-03-05T17:00:00Z")),
        ]
    );
    assert_eq!(t.wo().status, Status::Scheduled);
    assert_eq!(t.wo().appointment, Some(elm_thu()));
    assert_eq!(
        t.wo().visit.as_ref().and_then(|v| v.expected),
        Some(elm_thu())
    );
}

#[test]
fn choosing_slot_zero_or_past_the_last_is_refused() {
    let g = Given::accepted_by_pat();
    g.when(choose("pat", 0))
        .rejected_with(Rejection::NoSuchSlot { asked: 0, count: 3 });
    g.when(choose("pat", 4))
        .rejected_with(Rejection::NoSuchSlot { asked: 4, count: 3 });
}

#[test]
fn choosing_a_slot_whose_window_has_passed_is_refused() {
    Given::accepted_by_pat()
        .at(utc("2026-03-05T16:30:00Z"))
        .when(choose("pat", 1))
        .rejected_with(Rejection::BadWindow);
}

#[test]
fn choosing_a_slot_that_overlaps_another_appointment_of_the_vendor_is_refused() {
    let overlapping = window("2026-03-05T15:00:00Z", "2026-03-05T17:00:00Z");
    let g = Given::accepted_by_pat().busy("wo-other1", overlapping);
    g.clone()
        .when(choose("pat", 1))
        .rejected_with(Rejection::VendorBusy);
    // Another slot is fine, and so is the vendor's appointment on this very work order.
    assert_eq!(g.when(choose("pat", 2)).wo().appointment, Some(elm_fri()));
    let same = Given::accepted_by_pat().busy(WO_ID, elm_thu());
    assert_eq!(same.when(choose("pat", 1)).wo().status, Status::Scheduled);
}

/// The reminder and outcome timers armed when `slot` is chosen on the given history.
fn reminders(g: Given, vendor: &str, slot: u32) -> (Then, [chrono::DateTime<chrono::Utc>; 3]) {
    let t = g.when(choose(vendor, slot));
    let eve = t.timer_set(K::ReminderDayBefore).1;
    let morning = t.timer_set(K::ReminderMorning).1;
    let ask = t.timer_set(K::OutcomeAsk).1;
    (t, [eve, morning, ask])
}

#[test]
fn reminders_are_at_six_pm_the_day_before_and_seven_thirty_that_morning_in_new_york_across_dst() {
    let tz = ny();
    // Thursday Mar 5 (EST, UTC-5).
    let (_, [eve, morning, ask]) = reminders(Given::accepted_by_pat(), "pat", 1);
    assert_eq!(eve, local(tz, (2026, 3, 4), (18, 0)));
    assert_eq!(eve, utc("2026-03-04T23:00:00Z"));
    assert_eq!(morning, local(tz, (2026, 3, 5), (7, 30)));
    assert_eq!(morning, utc("2026-03-05T12:30:00Z"));
    assert_eq!(ask, elm_thu().end + hours(1));

    // Monday Mar 9 (EDT, UTC-4): the eve reminder falls on the day the clocks change.
    let (_, [eve, morning, ask]) = reminders(Given::accepted_by_pat(), "pat", 3);
    assert_eq!(eve, local(tz, (2026, 3, 8), (18, 0)));
    assert_eq!(eve, utc("2026-03-08T22:00:00Z"));
    assert_eq!(morning, local(tz, (2026, 3, 9), (7, 30)));
    assert_eq!(morning, utc("2026-03-09T11:30:00Z"));
    assert_eq!(ask, utc("2026-03-09T16:00:00Z"));
    for t in [eve, morning] {
        let wall = t.with_timezone(&tz).format("%H:%M").to_string();
        assert!(
            wall == "18:00" || wall == "07:30",
            "{t} reads {wall} in New York"
        );
    }
}

#[test]
fn reminders_are_at_six_pm_the_day_before_and_seven_thirty_that_morning_in_los_angeles_across_dst()
{
    let tz = la();
    let accepted = || {
        Given::submitted_at(palm_drip(), utc("2026-03-04T17:00:00Z"))
            .did(Command::Triage)
            .later(minutes(10))
            .did(accept("ray"))
            .later(minutes(5))
    };
    assert_eq!(accepted().wo.slots, vec![palm_thu(), palm_mon()]);

    // Thursday Mar 5 (PST, UTC-8).
    let (_, [eve, morning, ask]) = reminders(accepted(), "ray", 1);
    assert_eq!(eve, local(tz, (2026, 3, 4), (18, 0)));
    assert_eq!(eve, utc("2026-03-05T02:00:00Z"));
    assert_eq!(morning, local(tz, (2026, 3, 5), (7, 30)));
    assert_eq!(morning, utc("2026-03-05T15:30:00Z"));
    assert_eq!(ask, utc("2026-03-05T21:00:00Z"));

    // Monday Mar 9 (PDT, UTC-7).
    let (t, [eve, morning, ask]) = reminders(accepted(), "ray", 2);
    assert_eq!(eve, local(tz, (2026, 3, 8), (18, 0)));
    assert_eq!(eve, utc("2026-03-09T01:00:00Z"));
    assert_eq!(morning, local(tz, (2026, 3, 9), (7, 30)));
    assert_eq!(morning, utc("2026-03-09T14:30:00Z"));
    assert_eq!(ask, utc("2026-03-09T20:00:00Z"));
    assert!(
        t.visit_changes().is_empty(),
        "Palm Court has no visitor desk"
    );
}

#[test]
fn reminders_fire_only_while_the_job_is_scheduled() {
    let g = Given::scheduled_with_pat();
    let t = g.when_fired(K::ReminderDayBefore);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ReminderDayBefore, 1),
            Event::Reminded {
                which: K::ReminderDayBefore
            }
        ]
    );
    assert_eq!(t.emails("tenant.reminder_eve.email").len(), 1);
    assert_eq!(t.emails("vendor.reminder_eve.email").len(), 1);
    let t = t.after.when_fired(K::ReminderMorning);
    assert!(t.has(|e| *e
        == Event::Reminded {
            which: K::ReminderMorning
        }));
    assert_eq!(t.sms("tenant.reminder_morning.sms").len(), 1);
    assert_eq!(t.sms("vendor.reminder_morning.sms").len(), 1);
}

#[test]
fn after_the_appointment_the_vendor_is_asked_whether_it_is_done_then_the_pm_is_told() {
    let g = Given::pat_on_site();
    let t = g.when_fired(K::OutcomeAsk);
    assert!(
        t.has(|e| *e == Event::OutcomeAsked { n: 1 }),
        "{:#?}",
        t.events()
    );
    assert_eq!(t.sms("vendor.outcome.sms").len(), 1);
    let t = t.after.when_fired(K::OutcomeAsk);
    assert!(t.has(|e| *e == Event::OutcomeAsked { n: 2 }));
    let t = t.after.when_fired(K::OutcomeAsk);
    assert!(t.has(|e| *e == Event::OutcomeAsked { n: 3 }));
    let t = t.after.when_fired(K::OutcomeAsk);
    assert!(
        t.has(|e| matches!(e, Event::NeedsAttention { .. })),
        "{:#?}",
        t.events()
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().phase(), Status::InProgress);
}

// ---------------------------------------------------------------------------------------------
// Proposed times

#[test]
fn a_vendor_proposing_another_time_asks_the_tenant_to_confirm() {
    let at = now() + minutes(15);
    let t = Given::accepted_by_pat().at(at).when(Command::ProposeTime {
        vendor: vid("pat"),
        window: elm_sat(),
    });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::ScheduleNudge, 1),
            Event::TimeProposed { window: elm_sat() },
            timer_set(K::ProposalTimeout, 1, at + hours(24)),
        ]
    );
    assert_eq!(t.wo().proposal, Some(elm_sat()));
    assert_eq!(t.wo().status, Status::Accepted);
    let sms = t.sms("tenant.proposal.sms");
    assert_eq!(sms.len(), 1);
    assert_eq!(
        sms[0].to,
        tenant().phone.unwrap_or_else(|| panic!("tenant phone"))
    );
    assert!(
        sms[0].body.contains("Sat Mar 7, 10 AM-12 PM"),
        "{}",
        sms[0].body
    );
}

#[test]
fn a_proposed_time_in_the_past_is_refused() {
    Given::accepted_by_pat()
        .when(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_past(),
        })
        .rejected_with(Rejection::BadWindow);
}

#[test]
fn the_tenant_saying_yes_to_a_proposed_time_schedules_it() {
    let g = Given::accepted_by_pat()
        .later(minutes(15))
        .did(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_sat(),
        })
        .later(hours(1));
    let t = g.when(Command::AnswerProposal { accept: true });
    let ev = t.events();
    assert_eq!(ev[0], timer_cancelled(K::ProposalTimeout, 1));
    assert_eq!(
        ev[1],
        Event::Scheduled {
            window: elm_sat(),
            by: Actor::Tenant
        }
    );
    assert_eq!(t.wo().status, Status::Scheduled);
    assert_eq!(t.wo().appointment, Some(elm_sat()));
    assert_eq!(t.wo().proposal, None);
    assert_eq!(
        t.timer_set(K::ReminderDayBefore).1,
        local(ny(), (2026, 3, 6), (18, 0))
    );
    assert_eq!(
        t.timer_set(K::ReminderMorning).1,
        local(ny(), (2026, 3, 7), (7, 30))
    );
    assert_eq!(
        t.wo().visit.as_ref().and_then(|v| v.expected),
        Some(elm_sat())
    );
}

#[test]
fn the_tenant_saying_no_to_a_proposed_time_sends_the_vendor_the_slots_again() {
    let g = Given::accepted_by_pat()
        .later(minutes(15))
        .did(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_sat(),
        })
        .later(hours(1));
    let at = g.now;
    let t = g.when(Command::AnswerProposal { accept: false });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::ProposalTimeout, 1),
            Event::ProposalDeclined { window: elm_sat() },
            Event::SlotsOffered {
                slots: vec![elm_thu(), elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 2, at + hours(4)),
        ]
    );
    assert_eq!(t.wo().proposal, None);
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(t.sms("vendor.proposal_declined.sms").len(), 1);
}

#[test]
fn a_proposed_time_the_tenant_never_answers_needs_attention() {
    let g = Given::accepted_by_pat().did(Command::ProposeTime {
        vendor: vid("pat"),
        window: elm_sat(),
    });
    let t = g.when_fired(K::ProposalTimeout);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ProposalTimeout, 1),
            Event::NeedsAttention {
                cause: Cause::ProposalUnconfirmed
            },
        ]
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().phase(), Status::Accepted);
}

#[test]
fn the_tenant_confirming_a_time_the_vendor_has_since_booked_elsewhere_is_refused() {
    // Pat proposed Saturday here, then took another job at that time before the tenant said yes.
    let g = Given::accepted_by_pat()
        .did(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_sat(),
        })
        .later(hours(2))
        .busy("wo-other1", elm_sat());
    let t = g.when(Command::AnswerProposal { accept: true });
    assert!(
        t.result.is_err(),
        "the vendor would be double-booked: {:#?}",
        t.result
    );
}

#[test]
fn a_proposed_time_is_booked_directly_when_the_tenant_cannot_be_reached() {
    let t = Given::submitted(no_contact(elm_drip()))
        .did(Command::Triage)
        .did(accept("pat"))
        .when(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_sat(),
        });
    assert!(t.has(|e| *e
        == Event::Scheduled {
            window: elm_sat(),
            by: Actor::Vendor(vid("pat"))
        }));
    assert_eq!(t.wo().status, Status::Scheduled);
}
