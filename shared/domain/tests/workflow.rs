//! Given/when/then tests of the work-order state machine (`decide`/`evolve`/`effects`): every
//! transition of DESIGN.md §1 on a two-property test portfolio, plus a seeded random walk
//! checking the promises `decide` makes for any sequence of commands.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use TimerKind as K;
use mendwork_domain::decide::{Context, candidates, decide, replay};
use mendwork_domain::effects::effects;
use mendwork_domain::replies::{Sender, command_for};
use mendwork_domain::segments::sms_segments;
use mendwork_domain::sms::Intent;
use mendwork_domain::*;
use support::*;

fn timer_set(timer: TimerKind, generation: u32, at: chrono::DateTime<chrono::Utc>) -> Event {
    Event::TimerSet {
        timer,
        generation,
        at,
    }
}

fn timer_cancelled(timer: TimerKind, generation: u32) -> Event {
    Event::TimerCancelled { timer, generation }
}

fn timer_elapsed(timer: TimerKind, generation: u32) -> Event {
    Event::TimerElapsed { timer, generation }
}

fn offered(vendor: &str, expires_at: chrono::DateTime<chrono::Utc>) -> Event {
    Event::Offered {
        vendor: vid(vendor),
        expires_at,
    }
}

fn choose(vendor: &str, slot: u32) -> Command {
    Command::ChooseSlot {
        vendor: vid(vendor),
        slot,
    }
}

fn decline(vendor: &str) -> Command {
    Command::Decline {
        vendor: vid(vendor),
        reason: None,
    }
}

fn accept(vendor: &str) -> Command {
    Command::Accept {
        vendor: vid(vendor),
    }
}

fn fire(kind: TimerKind, generation: u32) -> Command {
    Command::TimerFired { kind, generation }
}

/// Sat Mar 7, 10 AM–12 PM EST at Elm House: a time the tenant did not offer.
fn elm_sat() -> Window {
    window("2026-03-07T15:00:00Z", "2026-03-07T17:00:00Z")
}

fn cancel_by_pm() -> Command {
    Command::Cancel {
        by: pm(),
        reason: Some("the owner fixed it".into()),
    }
}

fn desk_visit(id: &str, property: &str) -> Visit {
    Visit {
        id: VisitId(id.into()),
        property: PropertyId::from(property),
        work_order: None,
        work_order_code: None,
        visitor: "Ray Diaz".into(),
        company: None,
        expected: None,
        status: VisitStatus::Expected,
        checked_in_at: None,
        checked_out_at: None,
        automatic: false,
    }
}

fn no_contact(mut r: NewWorkOrder) -> NewWorkOrder {
    r.tenant = Contact {
        name: "Unit 4B".into(),
        email: None,
        phone: None,
    };
    r.source = Source::Pm;
    r
}

// ---------------------------------------------------------------------------------------------
// Triage and dispatch

#[test]
fn a_submitted_work_order_is_triaged_and_offered_to_the_first_go_to_vendor() {
    let t = Given::submitted(elm_drip()).when(Command::Triage);
    let ev = t.events();
    assert!(
        matches!(
            ev.first(),
            Some(Event::Triaged {
                emergency_alert: false,
                ..
            })
        ),
        "{ev:#?}"
    );
    assert_eq!(t.wo().trade, Trade::Plumbing);
    assert_eq!(
        t.wo().priority,
        Priority::Routine,
        "a dripping faucet is routine"
    );
    let expires = now() + hours(2);
    assert_eq!(
        &ev[1..],
        &[
            offered("pat", expires),
            timer_set(K::AcceptTimeout, 1, expires)
        ]
    );
    assert_eq!(t.wo().status, Status::Dispatching);
    assert_eq!(
        t.wo().offer,
        Some(Offer {
            vendor: vid("pat"),
            expires_at: expires
        })
    );
}

#[test]
fn triage_runs_once_a_second_triage_command_changes_nothing() {
    Given::offered_to_pat().when(Command::Triage).no_events();
}

#[test]
fn the_accept_timer_follows_the_policy_timeout_for_the_priority() {
    let policy = PORTFOLIO.policy_for(Given::offered_to_pat().property());
    let routine = Given::offered_to_pat();
    assert_eq!(
        routine.armed(K::AcceptTimeout).1,
        now() + policy.accept_timeout.to_chrono()
    );
    let night = utc("2026-03-05T04:00:00Z");
    let emergency = Given::submitted_at(elm_flood(), night).did(Command::Triage);
    assert_eq!(emergency.wo.priority, Priority::Emergency);
    assert_eq!(
        emergency.armed(K::AcceptTimeout).1,
        night + policy.emergency_accept_timeout.to_chrono()
    );
    assert_eq!(policy.emergency_accept_timeout.to_chrono(), minutes(15));
}

#[test]
fn a_routine_offer_during_quiet_hours_is_held_until_eight_local_and_goes_out_when_that_timer_fires()
{
    // 15:00 UTC is 07:00 in Los Angeles: still quiet hours.
    let g = Given::submitted(palm_drip());
    let t = g.when(Command::Triage);
    let eight = local(la(), (2026, 3, 4), (8, 0));
    assert_eq!(eight, utc("2026-03-04T16:00:00Z"));
    assert_eq!(
        &t.events()[1..],
        &[
            Event::OfferHeld { until: eight },
            timer_set(K::QuietHoursEnd, 1, eight)
        ]
    );
    assert_eq!(t.wo().status, Status::Submitted);
    assert_eq!(t.wo().offer, None);
    assert!(
        t.sms("vendor.offer.sms").is_empty(),
        "no offer SMS at night"
    );

    let t = g.did(Command::Triage).when_fired(K::QuietHoursEnd);
    let expires = eight + hours(2);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::QuietHoursEnd, 1),
            offered("ray", expires),
            timer_set(K::AcceptTimeout, 1, expires)
        ]
    );
    assert_eq!(t.wo().status, Status::Dispatching);
    assert_eq!(t.sms("vendor.offer.sms").len(), 1);
}

#[test]
fn an_offer_held_over_the_spring_forward_night_goes_out_at_eight_daylight_time() {
    // Saturday 2026-03-07 23:30 EST; the clocks go forward at 2 AM, so 8 AM is 12:00 UTC.
    let t = Given::submitted_at(elm_drip(), utc("2026-03-08T04:30:00Z")).when(Command::Triage);
    let eight = local(ny(), (2026, 3, 8), (8, 0));
    assert_eq!(eight, utc("2026-03-08T12:00:00Z"));
    assert_eq!(t.events()[1], Event::OfferHeld { until: eight });
    assert_eq!(t.timer_set(K::QuietHoursEnd), (1, eight));
}

#[test]
fn an_emergency_at_night_is_offered_at_once_to_an_emergency_capable_vendor_only() {
    let night = utc("2026-03-05T04:00:00Z"); // 23:00 in New York
    let t = Given::submitted_at(elm_flood(), night).when(Command::Triage);
    assert!(
        matches!(
            t.events().first(),
            Some(Event::Triaged {
                emergency_alert: true,
                ..
            })
        ),
        "{:#?}",
        t.events()
    );
    assert_eq!(t.wo().priority, Priority::Emergency);
    let expires = night + minutes(15);
    assert_eq!(
        &t.events()[1..],
        &[
            offered("ray", expires),
            timer_set(K::AcceptTimeout, 1, expires)
        ],
        "pat is first on the list but takes no emergencies; nothing is held for quiet hours"
    );
    let offer = t.sms("vendor.offer.sms");
    assert_eq!(offer.len(), 1);
    assert_eq!(offer[0].to, vendor("ray").phone);
    assert_eq!(
        t.emails("pm.emergency.email").len(),
        1,
        "the PM is alerted at once"
    );

    // Ray declines: no other plumber takes emergencies.
    let t = Given::submitted_at(elm_flood(), night)
        .did(Command::Triage)
        .later(minutes(3))
        .when(decline("ray"));
    assert!(
        !t.has(|e| matches!(e, Event::Offered { .. })),
        "{:#?}",
        t.events()
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
}

#[test]
fn a_decline_goes_to_the_next_vendor_at_once_skipping_the_inactive_one() {
    let at = now() + minutes(20);
    let t = Given::offered_to_pat().at(at).when(Command::Decline {
        vendor: vid("pat"),
        reason: Some("booked solid this week".into()),
    });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::AcceptTimeout, 1),
            Event::Declined {
                vendor: vid("pat"),
                reason: Some("booked solid this week".into())
            },
            offered("ray", at + hours(2)),
            timer_set(K::AcceptTimeout, 2, at + hours(2)),
        ],
        "quinn is next on the list but inactive"
    );
    assert_eq!(t.wo().tried, vec![vid("pat")]);
    assert_eq!(t.sms("vendor.declined_ack.sms").len(), 1);
}

#[test]
fn a_vendor_who_declined_is_never_offered_the_job_again() {
    let g = Given::offered_to_pat()
        .later(minutes(20))
        .did(decline("pat"));
    let t = g.when_fired(K::AcceptTimeout);
    assert_eq!(t.events()[1], Event::OfferLapsed { vendor: vid("ray") });
    assert!(
        !t.has(|e| matches!(e, Event::Offered { .. })),
        "{:#?}",
        t.events()
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().tried, vec![vid("pat"), vid("ray")]);
    assert!(candidates(&PORTFOLIO, g.property(), t.wo(), &g.opted_out, now()).is_empty());
}

#[test]
fn an_accept_timeout_lapses_the_offer_and_offers_the_next_vendor() {
    let due = now() + hours(2);
    let t = Given::offered_to_pat().when_fired(K::AcceptTimeout);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::AcceptTimeout, 1),
            Event::OfferLapsed { vendor: vid("pat") },
            offered("ray", due + hours(2)),
            timer_set(K::AcceptTimeout, 2, due + hours(2)),
        ]
    );
    let lapsed = t.sms("vendor.lapsed.sms");
    assert_eq!(lapsed.len(), 1);
    assert_eq!(lapsed[0].to, vendor("pat").phone);
}

#[test]
fn when_every_vendor_declined_the_work_order_needs_attention_with_a_reason() {
    let t = Given::offered_to_pat()
        .did(decline("pat"))
        .when(decline("ray"));
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::AcceptTimeout, 2),
            Event::Declined {
                vendor: vid("ray"),
                reason: None
            },
            Event::NeedsAttention {
                reason: "Every plumbing vendor on the list declined or did not answer".into()
            },
        ]
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().paused_from, Some(Status::Dispatching));
    assert!(t.wo().attention.is_some());
    let mail = t.emails("pm.attention.email");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].text.contains("declined or did not answer"),
        "{}",
        mail[0].text
    );
}

#[test]
fn a_trade_nobody_covers_needs_attention_at_triage() {
    let request = NewWorkOrder {
        description: "The radiator in the bedroom bangs loudly every morning.".into(),
        category: Some(Trade::Hvac),
        ..elm_drip()
    };
    let t = Given::submitted(request).when(Command::Triage);
    assert_eq!(t.wo().trade, Trade::Hvac);
    match t.events().last() {
        Some(Event::NeedsAttention { reason }) => {
            assert!(reason.contains("heating & cooling"), "{reason}")
        }
        other => panic!("expected NeedsAttention, got {other:?}"),
    }
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().paused_from, Some(Status::Submitted));
}

#[test]
fn inactive_and_opted_out_vendors_are_skipped() {
    let g = Given::submitted(elm_drip()).opted_out(&vendor("pat").phone);
    let t = g.when(Command::Triage);
    assert_eq!(t.events()[1], offered("ray", now() + hours(2)));
    let names: Vec<&str> = candidates(&PORTFOLIO, g.property(), &g.wo, &g.opted_out, now())
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(names, vec!["ray"]);
}

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
                reason: "Pat Ortiz accepted but has not picked a time".into()
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
                reason: "The tenant has not confirmed the time the vendor proposed".into()
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

// ---------------------------------------------------------------------------------------------
// Reschedule, visit, outcome

#[test]
fn a_reschedule_request_unschedules_cancels_the_reminders_clears_the_visit_window_and_resends_slots()
 {
    let at = now() + hours(1);
    let t = Given::scheduled_with_pat()
        .at(at)
        .when(Command::RequestReschedule { by: Actor::Tenant });
    let ev = t.events();
    assert_eq!(
        &ev[..4],
        &[
            timer_cancelled(K::ReminderDayBefore, 1),
            timer_cancelled(K::ReminderMorning, 1),
            timer_cancelled(K::OutcomeAsk, 1),
            Event::Unscheduled {
                reason: "tenant asked to reschedule".into()
            },
        ]
    );
    let moved = t.visit_changes();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].0, VisitChange::Moved);
    assert_eq!(moved[0].1.expected, None);
    assert_eq!(
        &ev[5..],
        &[
            Event::SlotsOffered {
                slots: vec![elm_thu(), elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 2, at + hours(4)),
        ]
    );
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(t.wo().appointment, None);
    assert_eq!(armed_timers(t.wo()), vec![(K::ScheduleNudge, 2)]);
    assert_eq!(t.sms("tenant.unscheduled.sms").len(), 1);
    assert_eq!(t.sms("vendor.unscheduled.sms").len(), 1);
    let cancels: Vec<&Effect> = t
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::CancelTimer { .. }))
        .collect();
    assert_eq!(cancels.len(), 3);
}

#[test]
fn a_reschedule_request_before_anything_is_booked_is_refused() {
    Given::accepted_by_pat()
        .when(Command::RequestReschedule { by: Actor::Tenant })
        .rejected_with(Rejection::WrongStatus("accepted"));
}

#[test]
fn the_vendor_arriving_puts_the_job_in_progress_and_checks_the_visit_in() {
    let at = utc("2026-03-05T14:05:00Z");
    let t = Given::scheduled_with_pat().at(at).when(Command::Arrived {
        by: Actor::Vendor(vid("pat")),
    });
    assert!(t.has(|e| *e
        == Event::Arrived {
            by: Actor::Vendor(vid("pat"))
        }));
    let checked = t.visit_changes();
    assert_eq!(checked.len(), 1);
    assert_eq!(checked[0].0, VisitChange::CheckedIn);
    assert_eq!(checked[0].1.status, VisitStatus::CheckedIn);
    assert_eq!(checked[0].1.checked_in_at, Some(at));
    assert_eq!(t.wo().status, Status::InProgress);
    assert!(!t.wo().armed(K::ReminderDayBefore));
    assert!(!t.wo().armed(K::ReminderMorning));
    assert!(
        t.wo().armed(K::OutcomeAsk),
        "the outcome question still follows the visit"
    );
    assert_eq!(t.sms("vendor.arrived_ack.sms").len(), 1);
    // A second ARRIVED (or the desk checking in too) changes nothing.
    t.after
        .when(Command::Arrived { by: Actor::Desk })
        .no_events();
}

#[test]
fn done_completes_the_job_checks_the_visit_out_cancels_every_timer_asks_feedback_and_chases_the_invoice()
 {
    let at = utc("2026-03-05T15:40:00Z");
    let g = Given::pat_on_site().at(at);
    let armed_before = armed_timers(&g.wo);
    let t = g.when(Command::Done {
        vendor: vid("pat"),
        notes: Some("Replaced the cartridge".into()),
        photos: vec![],
    });
    let ev = t.events();
    for (kind, generation) in &armed_before {
        assert!(
            ev.contains(&timer_cancelled(*kind, *generation)),
            "{kind:?} not cancelled"
        );
    }
    assert!(ev.contains(&Event::Completed {
        notes: Some("Replaced the cartridge".into()),
        photos: vec![],
    }));
    let out = t.visit_changes();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, VisitChange::CheckedOut);
    assert_eq!(out[0].1.checked_out_at, Some(at));
    assert!(ev.contains(&Event::FeedbackRequested));
    assert_eq!(
        ev.last(),
        Some(&timer_set(K::InvoiceFollowUp, 1, at + hours(72)))
    );
    assert_eq!(t.wo().status, Status::Completed);
    assert_eq!(armed_timers(t.wo()), vec![(K::InvoiceFollowUp, 1)]);
    assert_eq!(
        t.wo().visit.as_ref().map(|v| v.status),
        Some(VisitStatus::CheckedOut)
    );
    assert_eq!(t.sms("tenant.completed.sms").len(), 1);
    assert_eq!(t.emails("tenant.completed.email").len(), 1);
}

#[test]
fn photos_sent_with_done_stay_on_the_work_order_and_its_timeline() {
    let photos = vec![
        "after1aaaaaaaaaaaaaaaaa.jpg".to_string(),
        "after2bbbbbbbbbbbbbbbbb.jpg".to_string(),
    ];
    let t = Given::pat_on_site().when(Command::Done {
        vendor: vid("pat"),
        notes: None,
        photos: photos.clone(),
    });
    assert!(t.events().contains(&Event::Completed {
        notes: None,
        photos: photos.clone(),
    }));
    assert_eq!(t.wo().completion_photos, photos);
}

#[test]
fn the_invoice_document_is_kept_with_the_invoice() {
    let t = Given::completed_by_pat().when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: None,
        file: Some("invoice0aaaaaaaaaaaaaaa.pdf".into()),
    });
    assert_eq!(
        t.wo().invoice.as_ref().and_then(|i| i.file.as_deref()),
        Some("invoice0aaaaaaaaaaaaaaa.pdf")
    );
}

#[test]
fn events_and_work_orders_stored_before_attachments_still_read() {
    let completed: Event = serde_json::from_str(r#"{"kind":"completed","notes":"Fixed"}"#).unwrap();
    assert_eq!(
        completed,
        Event::Completed {
            notes: Some("Fixed".into()),
            photos: vec![],
        }
    );
    assert!(
        !serde_json::to_string(&completed)
            .unwrap()
            .contains("photos"),
        "nothing new is written where there is nothing new"
    );
    let invoice: Invoice =
        serde_json::from_str(r#"{"amount":"385.00","reference":null,"at":"2026-03-05T15:40:00Z"}"#)
            .unwrap();
    assert_eq!(invoice.file, None);
    let mut wo = serde_json::to_value(Given::completed_by_pat().wo).unwrap();
    wo.as_object_mut().unwrap().remove("completion_photos");
    let wo: WorkOrder = serde_json::from_value(wo).unwrap();
    assert!(wo.completion_photos.is_empty());
}

#[test]
fn the_offer_links_the_tenants_photos_by_their_stored_names() {
    let mut request = elm_drip();
    request.photos = vec!["sinkaaaaaaaaaaaaaaaaaaa.png".into()];
    let t = Given::submitted(request).when(Command::Triage);
    let offer = t.emails("vendor.offer.email");
    assert_eq!(offer.len(), 1);
    assert!(
        offer[0]
            .text
            .contains("Photos: https://mw.example.com/f/sinkaaaaaaaaaaaaaaaaaaa.png"),
        "{}",
        offer[0].text
    );
}

#[test]
fn not_done_records_the_reason_and_the_same_vendor_gets_the_slots_again() {
    let at = utc("2026-03-05T16:30:00Z");
    let t = Given::pat_on_site().at(at).when(Command::NotDone {
        vendor: vid("pat"),
        reason: Some("needs a part".into()),
    });
    let ev = t.events();
    assert_eq!(ev[0], timer_cancelled(K::OutcomeAsk, 1));
    assert_eq!(
        ev[1],
        Event::NotDone {
            reason: Some("needs a part".into())
        }
    );
    assert_eq!(
        &ev[ev.len() - 2..],
        &[
            Event::SlotsOffered {
                slots: vec![elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 2, at + hours(4)),
        ]
    );
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(t.wo().vendor, Some(vid("pat")));
    assert_eq!(t.wo().appointment, None);
    assert_eq!(t.wo().not_done_reasons, vec!["needs a part".to_string()]);
    assert_eq!(t.sms("vendor.slots.sms").len(), 1);
}

#[test]
fn after_not_done_the_next_appointment_shows_on_the_visitor_desk_again() {
    let t = Given::pat_on_site()
        .at(utc("2026-03-05T16:30:00Z"))
        .did(Command::NotDone {
            vendor: vid("pat"),
            reason: Some("needs a part".into()),
        })
        .later(minutes(10))
        .when(choose("pat", 1));
    let visit = t.wo().visit.clone().unwrap_or_else(|| panic!("no visit"));
    assert_eq!(visit.status, VisitStatus::Expected, "{visit:#?}");
    assert_eq!(visit.expected, Some(elm_fri()));
}

// ---------------------------------------------------------------------------------------------
// Estimates and approval

#[test]
fn an_estimate_within_the_nte_is_recorded_without_a_status_change() {
    let at = now() + hours(1);
    let t = Given::scheduled_with_pat().at(at).when(Command::Estimate {
        vendor: vid("pat"),
        amount: money(350),
        note: None,
    });
    assert_eq!(
        t.events(),
        &[Event::EstimateReceived {
            estimate: Estimate {
                vendor: vid("pat"),
                amount: money(350),
                note: None,
                at,
                limit: money(500),
                decision: EstimateDecision::WithinLimit,
            }
        }]
    );
    assert_eq!(t.wo().status, Status::Scheduled);
    assert_eq!(t.sms("vendor.estimate_ok.sms").len(), 1);
}

#[test]
fn an_estimate_over_the_nte_goes_to_the_owner_for_approval() {
    let at = now() + hours(1);
    let t = Given::scheduled_with_pat().at(at).when(Command::Estimate {
        vendor: vid("pat"),
        amount: money(800),
        note: Some("replace the whole faucet".into()),
    });
    let ev = t.events();
    match &ev[0] {
        Event::EstimateReceived { estimate } => {
            assert_eq!(estimate.amount, money(800));
            assert_eq!(estimate.limit, money(500));
            assert_eq!(estimate.decision, EstimateDecision::Pending);
        }
        other => panic!("expected EstimateReceived, got {other:?}"),
    }
    for kind in [K::ReminderDayBefore, K::ReminderMorning, K::OutcomeAsk] {
        assert!(
            ev.contains(&timer_cancelled(kind, 1)),
            "{kind:?} not cancelled"
        );
    }
    assert!(ev.contains(&Event::Unscheduled {
        reason: "the estimate needs the owner's approval".into()
    }));
    assert_eq!(
        &ev[ev.len() - 2..],
        &[
            Event::ApprovalRequested { round: 1 },
            timer_set(K::ApprovalReminder, 1, at + hours(24)),
        ]
    );
    assert_eq!(t.wo().status, Status::AwaitingApproval);
    assert_eq!(t.wo().approval_round, 1);
    assert_eq!(t.wo().appointment, None);
    assert_eq!(armed_timers(t.wo()), vec![(K::ApprovalReminder, 1)]);
    let owner = t.emails("owner.approval.email");
    assert_eq!(owner.len(), 1);
    assert_eq!(owner[0].to.as_str(), "olga.owens@example.com");
    assert!(owner[0].text.contains("$800"), "{}", owner[0].text);
    assert!(
        owner[0].text.contains("https://mw.example.com/a/KP27/1"),
        "{}",
        owner[0].text
    );
    assert_eq!(t.sms("vendor.estimate_wait.sms").len(), 1);
}

#[test]
fn an_emergency_estimate_is_measured_against_the_emergency_nte() {
    let night = utc("2026-03-05T04:00:00Z");
    let g = Given::submitted_at(elm_flood(), night)
        .did(Command::Triage)
        .later(minutes(5))
        .did(accept("ray"))
        .later(minutes(30));
    let within = g.when(Command::Estimate {
        vendor: vid("ray"),
        amount: money(800),
        note: None,
    });
    match within.events() {
        [Event::EstimateReceived { estimate }] => {
            assert_eq!(estimate.limit, money(1500));
            assert_eq!(estimate.decision, EstimateDecision::WithinLimit);
        }
        other => panic!("expected only EstimateReceived, got {other:#?}"),
    }
    assert_eq!(within.wo().status, Status::Accepted);

    let over = g.when(Command::Estimate {
        vendor: vid("ray"),
        amount: money(2000),
        note: None,
    });
    assert!(over.has(|e| *e == Event::ApprovalRequested { round: 1 }));
    assert_eq!(over.wo().status, Status::AwaitingApproval);
    assert_eq!(
        over.wo().estimate.as_ref().map(|e| e.limit),
        Some(money(1500))
    );
}

#[test]
fn an_unanswered_approval_is_reminded_twice_then_escalated_to_the_pm() {
    let g = Given::awaiting_approval();
    let first = g.armed(K::ApprovalReminder).1;
    let t = g.when_fired(K::ApprovalReminder);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ApprovalReminder, 1),
            Event::ApprovalReminded { n: 1 },
            timer_set(K::ApprovalReminder, 2, first + hours(24)),
        ]
    );
    assert_eq!(t.emails("owner.approval.email").len(), 1);
    let t = t.after.when_fired(K::ApprovalReminder);
    assert_eq!(t.events()[1], Event::ApprovalReminded { n: 2 });
    let t = t.after.when_fired(K::ApprovalReminder);
    assert_eq!(
        t.events(),
        &[
            timer_elapsed(K::ApprovalReminder, 3),
            Event::ApprovalEscalated
        ]
    );
    assert_eq!(t.emails("pm.approval_escalated.email").len(), 1);
    assert_eq!(t.wo().status, Status::AwaitingApproval);
}

#[test]
fn the_owner_approving_sends_the_same_vendor_the_slots_again() {
    let g = Given::awaiting_approval().later(hours(2));
    let at = g.now;
    let t = g.when(Command::DecideApproval {
        approve: true,
        by: Actor::Owner,
        round: 1,
    });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::ApprovalReminder, 1),
            Event::Approved { by: Actor::Owner },
            Event::SlotsOffered {
                slots: vec![elm_thu(), elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 2, at + hours(4)),
        ]
    );
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(t.wo().vendor, Some(vid("pat")));
    assert_eq!(
        t.wo().estimate.as_ref().map(|e| e.decision.clone()),
        Some(EstimateDecision::Approved)
    );
    assert_eq!(t.sms("vendor.approved.sms").len(), 1);
}

#[test]
fn the_owner_declining_puts_the_job_in_front_of_the_pm() {
    let t = Given::awaiting_approval()
        .later(hours(2))
        .when(Command::DecideApproval {
            approve: false,
            by: Actor::Owner,
            round: 1,
        });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::ApprovalReminder, 1),
            Event::ApprovalDeclined { by: Actor::Owner },
            Event::NeedsAttention {
                reason: "The estimate of $800 was declined: decide what happens next".into()
            },
        ]
    );
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.sms("vendor.declined.sms").len(), 1);
    // The owner's link is spent; the PM may still overrule.
    t.after
        .when(Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round: 1,
        })
        .rejected_with(Rejection::ApprovalNotOpen);
    let pm_says = t.after.when(Command::DecideApproval {
        approve: true,
        by: pm(),
        round: 1,
    });
    assert_eq!(pm_says.wo().status, Status::Accepted);
}

#[test]
fn an_approval_decision_for_a_stale_round_is_refused() {
    let g = Given::awaiting_approval();
    for round in [0, 2] {
        g.when(Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round,
        })
        .rejected_with(Rejection::ApprovalNotOpen);
    }
    // Round 1 approved, then a second estimate over the limit opens round 2: the round-1 link
    // no longer decides anything.
    let round2 = g
        .later(hours(1))
        .did(Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round: 1,
        })
        .later(hours(1))
        .did(Command::Estimate {
            vendor: vid("pat"),
            amount: money(1200),
            note: None,
        });
    assert_eq!(round2.wo.approval_round, 2);
    round2
        .when(Command::DecideApproval {
            approve: false,
            by: Actor::Owner,
            round: 1,
        })
        .rejected_with(Rejection::ApprovalNotOpen);
}

#[test]
fn an_estimate_over_the_nte_withdraws_a_pending_proposed_time() {
    let g = Given::accepted_by_pat()
        .did(Command::ProposeTime {
            vendor: vid("pat"),
            window: elm_sat(),
        })
        .later(hours(1))
        .did(Command::Estimate {
            vendor: vid("pat"),
            amount: money(800),
            note: None,
        })
        .later(hours(1))
        .did(Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round: 1,
        });
    assert_eq!(g.wo.status, Status::Accepted);
    assert_eq!(
        g.wo.proposal, None,
        "the proposal is stale and its timer was cancelled"
    );
    assert_eq!(
        command_for(&g.wo, &Sender::Vendor(vid("pat")), &Intent::Number(1), ny()),
        Some(choose("pat", 1))
    );
}

// ---------------------------------------------------------------------------------------------
// Invoice, feedback, close

#[test]
fn an_invoice_before_the_job_is_done_is_refused() {
    let r = Given::scheduled_with_pat()
        .when(Command::Invoice {
            vendor: vid("pat"),
            amount: money(385),
            reference: None,
            file: None,
        })
        .rejected();
    assert!(
        matches!(r, Rejection::Invalid(ref m) if m.contains("marked done")),
        "{r:?}"
    );
}

#[test]
fn an_invoice_after_the_feedback_closes_the_work_order() {
    let g = Given::completed_by_pat()
        .later(hours(2))
        .did(Command::Feedback {
            rating: 5,
            comment: Some("quick and tidy".into()),
        })
        .later(hours(20));
    let at = g.now;
    let t = g.when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: Some("A-77".into()),
        file: None,
    });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::InvoiceFollowUp, 1),
            Event::InvoiceReceived {
                invoice: Invoice {
                    amount: money(385),
                    reference: Some("A-77".into()),
                    at,
                    file: None,
                }
            },
            Event::Closed { by: Actor::System },
        ]
    );
    assert_eq!(t.wo().status, Status::Closed);
    assert!(armed_timers(t.wo()).is_empty());
    assert_eq!(t.sms("vendor.invoice_ack.sms").len(), 1);
}

#[test]
fn an_invoice_before_the_feedback_closes_after_a_timeout_or_when_the_feedback_comes() {
    let g = Given::completed_by_pat().later(hours(20));
    let at = g.now;
    let t = g.when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: None,
        file: None,
    });
    assert_eq!(t.events()[0], timer_cancelled(K::InvoiceFollowUp, 1));
    assert_eq!(
        t.events().last(),
        Some(&timer_set(K::CloseAfterInvoice, 1, at + hours(72)))
    );
    assert_eq!(t.wo().status, Status::Completed);

    let closed = t.after.when_fired(K::CloseAfterInvoice);
    assert_eq!(
        closed.events(),
        &[
            timer_elapsed(K::CloseAfterInvoice, 1),
            Event::Closed { by: Actor::System }
        ]
    );
    assert_eq!(closed.wo().status, Status::Closed);

    let rated = t.after.later(hours(1)).when(Command::Feedback {
        rating: 4,
        comment: None,
    });
    assert_eq!(
        &rated.events()[1..],
        &[
            timer_cancelled(K::CloseAfterInvoice, 1),
            Event::Closed { by: Actor::System }
        ]
    );
    assert!(armed_timers(rated.wo()).is_empty());
}

#[test]
fn an_invoice_closes_at_once_when_there_is_no_tenant_to_ask_for_feedback() {
    let g = Given::submitted(no_contact(elm_drip()))
        .did(Command::Triage)
        .did(accept("pat"))
        .later(minutes(5))
        .did(choose("pat", 1))
        .at(utc("2026-03-05T15:00:00Z"))
        .did(Command::Done {
            vendor: vid("pat"),
            notes: None,
            photos: vec![],
        });
    assert!(!g.wo.feedback_requested);
    let t = g.later(hours(3)).when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(200),
        reference: None,
        file: None,
    });
    assert_eq!(
        t.events().last(),
        Some(&Event::Closed { by: Actor::System })
    );
    assert_eq!(t.wo().status, Status::Closed);
}

#[test]
fn a_missing_invoice_is_chased_then_escalated_to_the_pm() {
    let mut g = Given::completed_by_pat();
    for n in 1..=4 {
        let t = g.when_fired(K::InvoiceFollowUp);
        assert!(
            t.has(|e| *e == Event::InvoiceRequested { n }),
            "{:#?}",
            t.events()
        );
        assert_eq!(t.sms("vendor.invoice.sms").len(), 1);
        g = t.after;
    }
    let t = g.when_fired(K::InvoiceFollowUp);
    assert_eq!(t.events()[1], Event::InvoiceEscalated);
    assert_eq!(t.emails("pm.invoice.email").len(), 1);
}

#[test]
fn a_rating_outside_one_to_five_is_refused() {
    let g = Given::completed_by_pat();
    for rating in [0, 6, 255] {
        g.when(Command::Feedback {
            rating,
            comment: None,
        })
        .rejected_with(Rejection::BadRating);
    }
    let t = g.when(Command::Feedback {
        rating: 1,
        comment: None,
    });
    assert_eq!(
        t.events(),
        &[Event::FeedbackReceived {
            feedback: Feedback {
                rating: 1,
                comment: None
            }
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// PM assignment, cancel, visits

#[test]
fn a_pm_assigning_another_vendor_unassigns_the_first_cancels_their_visit_and_sends_the_new_one_slots()
 {
    let at = now() + hours(1);
    let t = Given::scheduled_with_pat().at(at).when(Command::Assign {
        vendor: vid("ray"),
        by: pm(),
    });
    let ev = t.events();
    assert_eq!(
        &ev[..4],
        &[
            timer_cancelled(K::ReminderDayBefore, 1),
            timer_cancelled(K::ReminderMorning, 1),
            timer_cancelled(K::OutcomeAsk, 1),
            Event::Unassigned { vendor: vid("pat") },
        ]
    );
    let visits = t.visit_changes();
    assert_eq!(visits.len(), 1, "ray's company does not auto-create visits");
    assert_eq!(visits[0].0, VisitChange::Cancelled);
    assert_eq!(
        &ev[5..],
        &[
            Event::Assigned {
                vendor: vid("ray"),
                by: pm()
            },
            Event::SlotsOffered {
                slots: vec![elm_thu(), elm_fri(), elm_mon()]
            },
            timer_set(K::ScheduleNudge, 2, at + hours(4)),
        ]
    );
    assert_eq!(t.wo().vendor, Some(vid("ray")));
    assert_eq!(t.wo().appointment, None);
    assert_eq!(t.wo().status, Status::Accepted);
    assert_eq!(
        t.wo().visit.as_ref().map(|v| v.status),
        Some(VisitStatus::Cancelled)
    );
    let gone = t.sms("vendor.unassigned.sms");
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].to, vendor("pat").phone);
    let slots = t.sms("vendor.slots.sms");
    assert_eq!(slots.len(), 1);
    assert_eq!(slots[0].to, vendor("ray").phone);
}

#[test]
fn a_pm_assigning_over_an_open_offer_withdraws_it() {
    let t = Given::offered_to_pat().when(Command::Assign {
        vendor: vid("ray"),
        by: pm(),
    });
    assert_eq!(
        &t.events()[..3],
        &[
            timer_cancelled(K::AcceptTimeout, 1),
            Event::OfferWithdrawn { vendor: vid("pat") },
            Event::Assigned {
                vendor: vid("ray"),
                by: pm()
            },
        ]
    );
    assert_eq!(t.wo().offer, None);
    assert_eq!(t.sms("vendor.withdrawn.sms").len(), 1);
}

#[test]
fn a_pm_assigning_a_vendor_of_an_auto_visit_company_creates_their_visit() {
    let t = Given::offered_to_pat()
        .did(decline("pat"))
        .did(accept("ray"))
        .later(hours(1))
        .when(Command::Assign {
            vendor: vid("pat"),
            by: pm(),
        });
    assert!(t.has(|e| *e == Event::Unassigned { vendor: vid("ray") }));
    let visits = t.visit_changes();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].0, VisitChange::Created);
    assert_eq!(visits[0].1.visitor, "Pat Ortiz");
    assert_eq!(t.wo().vendor, Some(vid("pat")));
}

#[test]
fn a_pm_re_assigning_the_same_vendor_keeps_the_visit_window_equal_to_the_appointment() {
    let mut g = Given::scheduled_with_pat();
    while g.wo.status != Status::NeedsAttention {
        g = g.fired(K::OutcomeAsk);
    }
    assert_eq!(g.wo.phase(), Status::Scheduled);
    let t = g.later(hours(1)).when(Command::Assign {
        vendor: vid("pat"),
        by: pm(),
    });
    let visit = t.wo().visit.clone().unwrap_or_else(|| panic!("no visit"));
    assert_eq!(visit.expected, t.wo().appointment, "{:#?}", t.events());
    if t.wo().appointment.is_none() {
        assert!(
            t.has(|e| matches!(e, Event::Unscheduled { .. })),
            "the booked visit was dropped without telling anyone: {:#?}",
            t.events()
        );
    }
}

#[test]
fn a_pm_cannot_assign_an_inactive_or_unknown_vendor() {
    let g = Given::offered_to_pat();
    g.when(Command::Assign {
        vendor: vid("quinn"),
        by: pm(),
    })
    .rejected_with(Rejection::VendorInactive("Quinn Lee".into()));
    g.when(Command::Assign {
        vendor: vid("nobody"),
        by: pm(),
    })
    .rejected_with(Rejection::UnknownVendor);
}

/// One work order in every open status (and the held-offer variant of `submitted`).
fn open_states() -> Vec<(&'static str, Status, Given)> {
    vec![
        ("submitted", Status::Submitted, Given::submitted(elm_drip())),
        (
            "submitted, offer held for quiet hours",
            Status::Submitted,
            Given::submitted(palm_drip()).did(Command::Triage),
        ),
        ("dispatching", Status::Dispatching, Given::offered_to_pat()),
        (
            "needs attention",
            Status::NeedsAttention,
            Given::offered_to_pat()
                .did(decline("pat"))
                .did(decline("ray")),
        ),
        ("accepted", Status::Accepted, Given::accepted_by_pat()),
        (
            "accepted, time proposed",
            Status::Accepted,
            Given::accepted_by_pat().did(Command::ProposeTime {
                vendor: vid("pat"),
                window: elm_sat(),
            }),
        ),
        ("scheduled", Status::Scheduled, Given::scheduled_with_pat()),
        ("in progress", Status::InProgress, Given::pat_on_site()),
        (
            "awaiting approval",
            Status::AwaitingApproval,
            Given::awaiting_approval(),
        ),
        ("completed", Status::Completed, Given::completed_by_pat()),
    ]
}

#[test]
fn a_pm_cancelling_from_any_open_status_cancels_every_armed_timer_and_the_visit() {
    for (name, status, g) in open_states() {
        assert_eq!(g.wo.status, status, "{name}");
        let armed = armed_timers(&g.wo);
        let t = g.clone().later(minutes(1)).when(cancel_by_pm());
        let ev = t.events();
        for (kind, generation) in &armed {
            assert_eq!(
                ev.iter()
                    .filter(|e| **e == timer_cancelled(*kind, *generation))
                    .count(),
                1,
                "{name}: {kind:?} gen {generation} must be cancelled once: {ev:#?}"
            );
            let timer = timer_name(&wo_id(), *kind, *generation);
            assert!(
                t.effects.contains(&Effect::CancelTimer {
                    name: timer.clone()
                }),
                "{name}: no CancelTimer {timer}"
            );
        }
        assert_eq!(
            ev.iter()
                .filter(|e| matches!(e, Event::TimerCancelled { .. }))
                .count(),
            armed.len(),
            "{name}: {ev:#?}"
        );
        assert_eq!(
            ev.last(),
            Some(&Event::Cancelled {
                by: pm(),
                reason: Some("the owner fixed it".into())
            }),
            "{name}"
        );
        assert_eq!(t.wo().status, Status::Cancelled, "{name}");
        assert!(
            armed_timers(t.wo()).is_empty(),
            "{name}: {:?}",
            t.wo().timers
        );
        assert_eq!(t.wo().offer, None, "{name}");
        let visit_was_live =
            g.wo.visit.as_ref().is_some_and(|v| {
                matches!(v.status, VisitStatus::Expected | VisitStatus::CheckedIn)
            });
        if visit_was_live {
            assert_eq!(
                t.visit_changes()
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>(),
                vec![VisitChange::Cancelled],
                "{name}"
            );
            assert_eq!(
                t.wo().visit.as_ref().map(|v| v.status),
                Some(VisitStatus::Cancelled),
                "{name}"
            );
        } else {
            assert!(t.visit_changes().is_empty(), "{name}");
        }
    }
}

#[test]
fn cancelling_tells_the_tenant_the_vendor_and_an_owner_asked_for_approval() {
    let t = Given::awaiting_approval().when(cancel_by_pm());
    assert_eq!(t.sms("tenant.cancelled.sms").len(), 1);
    assert_eq!(t.emails("tenant.cancelled.email").len(), 1);
    let v = t.sms("vendor.cancelled.sms");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].to, vendor("pat").phone);
    assert_eq!(t.emails("owner.cancelled.email").len(), 1);
}

#[test]
fn the_tenant_can_cancel_until_the_vendor_is_on_site_but_not_after() {
    let by_tenant = || Command::Cancel {
        by: Actor::Tenant,
        reason: None,
    };
    for (name, _, g) in open_states() {
        let t = g.when(by_tenant());
        let allowed = matches!(
            g.wo.phase(),
            Status::Submitted | Status::Dispatching | Status::Accepted | Status::Scheduled
        );
        if allowed {
            assert_eq!(t.wo().status, Status::Cancelled, "{name}");
        } else {
            assert_eq!(
                t.rejected(),
                Rejection::TooLateToCancel,
                "{name}: {:?}",
                t.result
            );
        }
    }
    assert_eq!(
        Given::pat_on_site().when(by_tenant()).rejected(),
        Rejection::TooLateToCancel
    );
}

#[test]
fn a_visit_of_another_property_cannot_be_linked_and_the_refusal_names_both() {
    let t = Given::offered_to_pat().when(Command::LinkVisit {
        visit: desk_visit("v-desk-7", "palm"),
    });
    let r = t.rejected();
    assert_eq!(
        r,
        Rejection::VisitOtherProperty {
            visit: "v-desk-7".into(),
            visit_property: "palm".into(),
            wo_property: "elm".into(),
        }
    );
    let msg = r.to_string();
    assert!(msg.contains("palm") && msg.contains("elm"), "{msg}");
}

#[test]
fn a_hand_made_visit_of_the_same_property_is_linked_with_the_appointment() {
    // Ray's company does not auto-create visits: the desk makes one by hand.
    let g = Given::offered_to_pat()
        .did(decline("pat"))
        .did(accept("ray"))
        .did(choose("ray", 2));
    assert_eq!(g.wo.visit, None);
    let t = g.when(Command::LinkVisit {
        visit: desk_visit("v-desk-8", "elm"),
    });
    let linked = t.visit_changes();
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].0, VisitChange::Linked);
    assert_eq!(linked[0].1.work_order, Some(wo_id()));
    assert_eq!(linked[0].1.work_order_code, Some(code()));
    assert_eq!(linked[0].1.expected, Some(elm_fri()));
    // Linking it again is a no-op; a visit taken by another work order is refused.
    t.after
        .when(Command::LinkVisit {
            visit: desk_visit("v-desk-8", "elm"),
        })
        .no_events();
    let mut taken = desk_visit("v-desk-9", "elm");
    taken.work_order = Some(WorkOrderId("wo-other1".into()));
    g.when(Command::LinkVisit { visit: taken })
        .rejected_with(Rejection::VisitTaken);
}

// ---------------------------------------------------------------------------------------------
// Timers, final states, who may act

#[test]
fn a_stale_timer_of_an_older_generation_does_nothing() {
    let g = Given::offered_to_pat()
        .later(minutes(20))
        .did(decline("pat"));
    assert_eq!(g.armed(K::AcceptTimeout).0, 2);
    g.at(now() + hours(2))
        .when(fire(K::AcceptTimeout, 1))
        .no_events();
    // A cancelled timer's own generation is dead too.
    let g = Given::scheduled_with_pat();
    g.when(fire(K::ScheduleNudge, 1)).no_events();
    // A kind that was never armed.
    g.when(fire(K::ApprovalReminder, 1)).no_events();
}

#[test]
fn a_duplicate_firing_of_the_same_generation_does_nothing() {
    let g = Given::offered_to_pat().fired(K::AcceptTimeout);
    g.when(fire(K::AcceptTimeout, 1)).no_events();
    let g = Given::scheduled_with_pat().fired(K::ReminderMorning);
    g.when(fire(K::ReminderMorning, 1)).no_events();
}

fn every_command() -> Vec<Command> {
    let pat = vid("pat");
    let mut all = vec![
        Command::Triage,
        Command::Accept {
            vendor: pat.clone(),
        },
        Command::Decline {
            vendor: pat.clone(),
            reason: None,
        },
        Command::ChooseSlot {
            vendor: pat.clone(),
            slot: 1,
        },
        Command::ProposeTime {
            vendor: pat.clone(),
            window: elm_sat(),
        },
        Command::AnswerProposal { accept: true },
        Command::AnswerProposal { accept: false },
        Command::RequestReschedule { by: Actor::Tenant },
        Command::AddAvailability {
            windows: vec![elm_sat()],
        },
        Command::Arrived { by: Actor::Desk },
        Command::RunningLate {
            vendor: pat.clone(),
            minutes: Some(10),
        },
        Command::Done {
            vendor: pat.clone(),
            notes: None,
            photos: vec![],
        },
        Command::NotDone {
            vendor: pat.clone(),
            reason: None,
        },
        Command::Estimate {
            vendor: pat.clone(),
            amount: money(100),
            note: None,
        },
        Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round: 1,
        },
        Command::Invoice {
            vendor: pat.clone(),
            amount: money(385),
            reference: None,
            file: None,
        },
        Command::Feedback {
            rating: 5,
            comment: None,
        },
        Command::Assign {
            vendor: vid("ray"),
            by: pm(),
        },
        Command::AddInstructions {
            text: "Keys are at the office".into(),
            by: pm(),
        },
        cancel_by_pm(),
        Command::Close { by: pm() },
        Command::LinkVisit {
            visit: desk_visit("v-desk-7", "elm"),
        },
        Command::CheckOut { by: Actor::Desk },
    ];
    for kind in ALL_TIMERS {
        for generation in 0..=3 {
            all.push(fire(kind, generation));
        }
    }
    all
}

const ALL_TIMERS: [TimerKind; 10] = [
    K::QuietHoursEnd,
    K::AcceptTimeout,
    K::ScheduleNudge,
    K::ProposalTimeout,
    K::ReminderDayBefore,
    K::ReminderMorning,
    K::OutcomeAsk,
    K::ApprovalReminder,
    K::InvoiceFollowUp,
    K::CloseAfterInvoice,
];

#[test]
fn a_closed_or_cancelled_work_order_refuses_every_command_and_ignores_every_timer() {
    let closed = Given::completed_by_pat()
        .did(Command::Feedback {
            rating: 5,
            comment: None,
        })
        .did(Command::Invoice {
            vendor: vid("pat"),
            amount: money(385),
            reference: None,
            file: None,
        });
    let cancelled = Given::scheduled_with_pat().did(cancel_by_pm());
    for (g, status) in [(closed, "closed"), (cancelled, "cancelled")] {
        assert_eq!(g.wo.status.as_str(), status);
        for cmd in every_command() {
            let t = g.when(cmd.clone());
            if matches!(cmd, Command::TimerFired { .. }) {
                t.no_events();
            } else {
                assert_eq!(
                    t.result,
                    Err(Rejection::WrongStatus(status)),
                    "{status}: {cmd:?}"
                );
            }
        }
    }
}

#[test]
fn a_vendor_command_from_a_vendor_who_is_not_assigned_is_not_their_job() {
    let ray = vid("ray");
    let scheduled = Given::scheduled_with_pat();
    let from_ray = [
        choose("ray", 1),
        Command::ProposeTime {
            vendor: ray.clone(),
            window: elm_sat(),
        },
        Command::Arrived {
            by: Actor::Vendor(ray.clone()),
        },
        Command::RunningLate {
            vendor: ray.clone(),
            minutes: None,
        },
        Command::Done {
            vendor: ray.clone(),
            notes: None,
            photos: vec![],
        },
        Command::NotDone {
            vendor: ray.clone(),
            reason: None,
        },
        Command::Estimate {
            vendor: ray.clone(),
            amount: money(100),
            note: None,
        },
        Command::RequestReschedule {
            by: Actor::Vendor(ray.clone()),
        },
        accept("ray"),
        decline("ray"),
    ];
    for cmd in from_ray {
        assert_eq!(
            scheduled.when(cmd.clone()).result,
            Err(Rejection::NotYourJob),
            "{cmd:?}"
        );
    }
    Given::completed_by_pat()
        .when(Command::Invoice {
            vendor: ray,
            amount: money(100),
            reference: None,
            file: None,
        })
        .rejected_with(Rejection::NotYourJob);
}

// ---------------------------------------------------------------------------------------------
// SMS replies

fn vendor_intents() -> Vec<Intent> {
    vec![
        Intent::Accept,
        Intent::Decline { reason: None },
        Intent::Number(1),
        Intent::Propose {
            date: date(2026, 3, 7),
            start: clock(10, 0).0,
            end: clock(12, 0).0,
        },
        Intent::Arrived,
        Intent::RunningLate { minutes: Some(15) },
        Intent::Done { notes: None },
        Intent::NotDone {
            reason: Some("need a part".into()),
        },
        Intent::Estimate {
            amount: money(300),
            note: None,
        },
        Intent::Invoice {
            amount: money(300),
            reference: None,
        },
        Intent::Reschedule,
    ]
}

#[test]
fn a_reply_from_another_vendors_phone_means_nothing_for_this_work_order() {
    let ray = Sender::Vendor(vid("ray"));
    for g in [
        Given::offered_to_pat(),
        Given::accepted_by_pat(),
        Given::scheduled_with_pat(),
        Given::pat_on_site(),
        Given::completed_by_pat(),
    ] {
        for intent in vendor_intents() {
            assert_eq!(
                command_for(&g.wo, &ray, &intent, ny()),
                None,
                "{} {intent:?}",
                g.wo.status
            );
        }
    }
    // The assigned vendor's own replies do mean something.
    let g = Given::accepted_by_pat();
    assert_eq!(
        command_for(&g.wo, &Sender::Vendor(vid("pat")), &Intent::Number(2), ny()),
        Some(choose("pat", 2))
    );
}

#[test]
fn a_tenant_sending_vendor_replies_is_not_understood_as_a_vendor() {
    let vendor_only = [
        Intent::Arrived,
        Intent::RunningLate { minutes: Some(15) },
        Intent::NotDone { reason: None },
        Intent::Estimate {
            amount: money(300),
            note: None,
        },
        Intent::Invoice {
            amount: money(300),
            reference: None,
        },
        Intent::Propose {
            date: date(2026, 3, 7),
            start: clock(10, 0).0,
            end: clock(12, 0).0,
        },
        Intent::Number(1),
        Intent::Accept,
        Intent::Decline { reason: None },
    ];
    for g in [
        Given::offered_to_pat(),
        Given::accepted_by_pat(),
        Given::scheduled_with_pat(),
        Given::pat_on_site(),
    ] {
        for intent in &vendor_only {
            assert_eq!(
                command_for(&g.wo, &Sender::Tenant, intent, ny()),
                None,
                "{} {intent:?}",
                g.wo.status
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Effects

#[test]
fn an_offer_texts_and_emails_the_vendor_and_sets_a_deterministically_named_accept_timer() {
    let t = Given::submitted(elm_drip()).when(Command::Triage);
    let pat = vendor("pat");
    let sms = t.sms("vendor.offer.sms");
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].to, pat.phone);
    assert_eq!(sms[0].recipient, Recipient::Vendor(vid("pat")));
    assert!(sms[0].body.contains("KP27"), "{}", sms[0].body);
    let mail = t.emails("vendor.offer.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, pat.email);
    assert!(
        mail[0].text.contains("https://mw.example.com/j/KP27/pat"),
        "{}",
        mail[0].text
    );
    assert!(
        mail[0].text.contains("$500"),
        "the NTE is in the offer: {}",
        mail[0].text
    );
    assert!(t.effects.contains(&Effect::SetTimer {
        name: "wo-k3x9m2-accept-1".into(),
        kind: K::AcceptTimeout,
        generation: 1,
        at: now() + hours(2),
        zone: chrono_tz::Tz::America__New_York,
    }));
}

#[test]
fn a_cancelled_timer_cancels_the_schedule_of_the_same_name() {
    let t = Given::offered_to_pat().when(decline("pat"));
    let names: Vec<&Effect> = t
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::CancelTimer { .. } | Effect::SetTimer { .. }))
        .collect();
    assert_eq!(
        names[0],
        &Effect::CancelTimer {
            name: "wo-k3x9m2-accept-1".into()
        }
    );
    assert!(matches!(names[1], Effect::SetTimer { name, .. } if name == "wo-k3x9m2-accept-2"));
}

/// The one text of `key` among the effects, asserted to fit a single SMS segment.
fn assert_one_segment(t: &Then, key: &str) {
    let sms = t.sms(key);
    assert_eq!(sms.len(), 1, "{key}");
    let body = &sms[0].body;
    assert_eq!(
        sms_segments(body),
        1,
        "{key} takes {} segments ({} chars): {body}",
        sms_segments(body),
        body.chars().count()
    );
}

#[test]
fn the_offer_text_fits_one_sms_segment() {
    let offered = Given::submitted(elm_drip()).when(Command::Triage);
    assert_one_segment(&offered, "vendor.offer.sms");
}

#[test]
fn the_slots_text_fits_one_sms_segment() {
    let slots = Given::offered_to_pat()
        .later(minutes(10))
        .when(accept("pat"));
    assert_one_segment(&slots, "vendor.slots.sms");
}

#[test]
fn the_booking_text_fits_one_sms_segment() {
    let booked = Given::accepted_by_pat()
        .later(minutes(5))
        .when(choose("pat", 1));
    assert_one_segment(&booked, "tenant.scheduled.sms");
}

#[test]
fn the_booking_email_carries_a_calendar_invite_for_the_appointment() {
    let t = Given::accepted_by_pat().when(choose("pat", 1));
    let mail = t.emails("tenant.scheduled.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to.as_str(), "tina.brooks@example.net");
    let ics = mail[0]
        .ics
        .as_deref()
        .unwrap_or_else(|| panic!("no invite attached"));
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("DTSTART"), "{ics}");
    assert!(ics.contains("20260305T140000Z"), "{ics}");
    assert!(ics.contains("DTEND"), "{ics}");
    assert!(ics.contains("wo-k3x9m2@mendwork"), "{ics}");
}

// ---------------------------------------------------------------------------------------------
// Random walk

/// xorshift64*: a tiny deterministic generator, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

fn random_window(rng: &mut Rng, now: chrono::DateTime<chrono::Utc>) -> Window {
    let start = now + hours(rng.below(96) as i64 - 6) + minutes(30 * rng.below(2) as i64);
    let end = start + hours(1 + rng.below(3) as i64);
    Window { start, end }
}

/// A command that is plausible (often, not always, valid) for the work order as it stands.
fn random_command(rng: &mut Rng, g: &Given) -> Command {
    let wo = &g.wo;
    let vendors = ["pat", "quinn", "ray", "eve", "nobody"];
    let likely = wo
        .offer
        .as_ref()
        .map(|o| o.vendor.clone())
        .or_else(|| wo.vendor.clone());
    let who = |rng: &mut Rng| match &likely {
        Some(v) if rng.chance(80) => v.clone(),
        _ => vid(rng.pick(&vendors)),
    };
    let actors = [
        Actor::Tenant,
        pm(),
        Actor::Owner,
        Actor::Desk,
        Actor::System,
    ];
    match rng.below(26) {
        0 => Command::Triage,
        1 | 2 => Command::Accept { vendor: who(rng) },
        3 => Command::Decline {
            vendor: who(rng),
            reason: None,
        },
        4 | 5 => Command::ChooseSlot {
            vendor: who(rng),
            slot: rng.below(5) as u32,
        },
        6 => Command::ProposeTime {
            vendor: who(rng),
            window: random_window(rng, g.now),
        },
        7 => Command::AnswerProposal {
            accept: rng.chance(60),
        },
        8 => Command::RequestReschedule {
            by: if rng.chance(50) {
                Actor::Vendor(who(rng))
            } else {
                rng.pick(&actors)
            },
        },
        9 => Command::AddAvailability {
            windows: vec![random_window(rng, g.now)],
        },
        10 => Command::Arrived {
            by: if rng.chance(60) {
                Actor::Vendor(who(rng))
            } else {
                rng.pick(&actors)
            },
        },
        11 => Command::RunningLate {
            vendor: who(rng),
            minutes: Some(15),
        },
        12 => Command::Done {
            vendor: who(rng),
            notes: None,
            photos: vec![],
        },
        13 => Command::NotDone {
            vendor: who(rng),
            reason: Some("need a part".into()),
        },
        14 => Command::Estimate {
            vendor: who(rng),
            amount: money(rng.pick(&[100, 450, 800, 2000])),
            note: None,
        },
        15 => Command::DecideApproval {
            approve: rng.chance(60),
            by: rng.pick(&actors),
            round: wo.approval_round + rng.below(3) as u32 - 1.min(wo.approval_round),
        },
        16 => Command::Invoice {
            vendor: who(rng),
            amount: money(385),
            reference: None,
            file: None,
        },
        17 => Command::Feedback {
            rating: rng.below(7) as u8,
            comment: None,
        },
        18 => Command::Assign {
            vendor: vid(rng.pick(&vendors)),
            by: pm(),
        },
        19 => Command::AddInstructions {
            text: rng.pick(&["Keys at the office", "  "]).into(),
            by: pm(),
        },
        20 => Command::Cancel {
            by: rng.pick(&actors),
            reason: None,
        },
        21 => Command::Close { by: pm() },
        22 => Command::LinkVisit {
            visit: desk_visit(
                rng.pick(&["v-desk-1", "v-desk-2"]),
                rng.pick(&["elm", "palm"]),
            ),
        },
        23 => Command::CheckOut { by: Actor::Desk },
        _ => {
            let kind = rng.pick(&ALL_TIMERS);
            let current = wo.timers.get(&kind).map_or(0, |t| t.generation);
            Command::TimerFired {
                kind,
                generation: current + rng.below(2) as u32 - 1.min(current),
            }
        }
    }
}

/// The earliest armed timer: (kind, generation, due).
fn next_due(wo: &WorkOrder) -> Option<(TimerKind, u32, chrono::DateTime<chrono::Utc>)> {
    wo.timers
        .iter()
        .filter_map(|(k, t)| t.due.map(|d| (*k, t.generation, d)))
        .min_by_key(|(_, _, d)| *d)
}

/// The promises that hold after every step, whatever came before.
fn check_invariants(g: &Given, events: &[Event], before: &WorkOrder) -> Result<(), String> {
    let wo = &g.wo;
    let fail = |what: &str| Err(format!("{what}\nwork order: {wo:#?}\nevents: {events:#?}"));
    if replay(&g.history).as_ref() != Some(wo) {
        return fail("replaying the timeline does not give the work order");
    }
    if wo.status.is_final() && !armed_timers(wo).is_empty() {
        return fail("a closed or cancelled work order still has an armed timer");
    }
    if wo.offer.is_some() {
        if wo.phase() != Status::Dispatching {
            return fail("an offer is out but the work order is not dispatching");
        }
        if !wo.armed(K::AcceptTimeout) {
            return fail("an offer is out without its accept timer");
        }
    }
    if matches!(
        wo.status,
        Status::Accepted | Status::Scheduled | Status::InProgress
    ) && wo.vendor.is_none()
    {
        return fail("no vendor on an accepted/scheduled/in-progress work order");
    }
    if wo.status == Status::Scheduled && wo.appointment.is_none() {
        return fail("scheduled without an appointment");
    }
    if wo.status == Status::AwaitingApproval
        && wo.estimate.as_ref().map(|e| &e.decision) != Some(&EstimateDecision::Pending)
    {
        return fail("awaiting approval without a pending estimate");
    }
    // Nothing waits silently: every open status has a timer that moves it on (or is the PM's).
    if wo.status == Status::Submitted && wo.triage.is_some() && !wo.armed(K::QuietHoursEnd) {
        return fail("triaged but not offered, not held and not flagged to the PM");
    }
    if wo.status == Status::Dispatching && wo.offer.is_none() && !wo.armed(K::QuietHoursEnd) {
        return fail("dispatching with no offer out and none held for quiet hours");
    }
    if wo.status == Status::Accepted && !wo.armed(K::ScheduleNudge) && !wo.armed(K::ProposalTimeout)
    {
        return fail("accepted but neither nudging the vendor nor waiting on the tenant");
    }
    if matches!(wo.status, Status::Scheduled | Status::InProgress) && !wo.armed(K::OutcomeAsk) {
        return fail("booked or on site but the vendor will never be asked whether it is done");
    }
    if let Some(v) = &wo.visit
        && (v.property != wo.request.property || v.work_order.as_ref() != Some(&wo.id))
    {
        return fail("the visit is not of this work order's property");
    }
    for e in events {
        match e {
            Event::Offered { vendor, expires_at } => {
                if *expires_at <= g.now {
                    return fail("an offer that has already expired");
                }
                if before.tried.contains(vendor) {
                    return fail("offered again to a vendor who declined or lapsed");
                }
                match PORTFOLIO.vendor(vendor) {
                    Some(v) if v.active && v.trades.contains(&wo.trade) => {}
                    _ => return fail("offered to an inactive vendor or one of another trade"),
                }
            }
            Event::TimerSet { at, .. } if *at < g.now => {
                return fail("a timer armed in the past");
            }
            _ => {}
        }
    }
    Ok(())
}

fn random_request(rng: &mut Rng) -> NewWorkOrder {
    let r = rng.pick(&[elm_drip(), elm_flood(), palm_drip()]);
    if rng.chance(20) { no_contact(r) } else { r }
}

#[test]
fn any_sequence_of_commands_never_panics_and_a_rejected_command_changes_nothing() {
    const WALKS: u64 = 400;
    const STEPS: usize = 60;
    for seed in 1..=WALKS {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let start_at = now() + hours(rng.below(30) as i64);
        let mut g = Given::submitted_at(random_request(&mut rng), start_at).did(Command::Triage);
        let mut trail: Vec<String> = vec![];
        for step in 0..STEPS {
            // Move the clock: often straight to the next due timer, fired as the scheduler would.
            let cmd = match next_due(&g.wo) {
                Some((kind, generation, due)) if rng.chance(35) => {
                    g.now = due.max(g.now);
                    Command::TimerFired { kind, generation }
                }
                _ => {
                    g.now += minutes(rng.below(6 * 60) as i64);
                    random_command(&mut rng, &g)
                }
            };
            trail.push(format!("{step}: at {} in {}: {cmd:?}", g.now, g.wo.status));
            let before = g.wo.clone();
            let result = decide(&g.wo, &cmd, &g.ctx());
            let again = decide(&g.wo, &cmd, &g.ctx());
            let context = || format!("seed {seed}\n{}", trail.join("\n"));
            assert_eq!(result, again, "decide is not deterministic\n{}", context());
            if let Command::TimerFired { kind, generation } = &cmd {
                let live =
                    g.wo.timers
                        .get(kind)
                        .is_some_and(|t| t.generation == *generation && t.due.is_some());
                if !live || g.wo.status.is_final() {
                    assert_eq!(
                        result,
                        Ok(vec![]),
                        "a dead timer did something\n{}",
                        context()
                    );
                }
            } else if g.wo.status.is_final() {
                assert!(
                    result.is_err(),
                    "a final work order took a command\n{}",
                    context()
                );
            }
            match result {
                Err(_) => assert_eq!(g.wo, before, "a rejection changed the work order"),
                Ok(events) => {
                    for e in &events {
                        let b = g.wo.clone();
                        g.apply(e);
                        let ctx: Context = g.ctx();
                        let _ = effects(&b, &g.wo, e, &ctx, &FakeLinks);
                    }
                    if let Err(broken) = check_invariants(&g, &events, &before) {
                        panic!("{broken}\n{}", context());
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Messages the service refused

fn refused_sms(to: Recipient) -> Command {
    Command::MessageUndelivered {
        to,
        channel: Channel::Sms,
        address: "+17185550110".into(),
        key: "vendor.cancelled.sms".into(),
        reason: "Invalid parameter: PhoneNumber (InvalidParameter)".into(),
    }
}

#[test]
fn a_refused_message_is_recorded_and_the_team_is_told_who_missed_what_and_why() {
    let g = Given::offered_to_pat();
    let t = g.when(refused_sms(Recipient::Vendor(vid("pat"))));
    assert_eq!(t.events().len(), 1, "{:?}", t.events());
    assert!(matches!(
        &t.events()[0],
        Event::MessageUndelivered { channel: Channel::Sms, key, .. } if key == "vendor.cancelled.sms"
    ));
    assert_eq!(t.wo().status, g.wo.status, "nothing else changes");
    let mail = t.emails("pm.undelivered.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].subject,
        format!(
            "Not delivered: text message to {} for #{}",
            vendor("pat").name,
            g.wo.code
        )
    );
    assert!(
        mail[0].text.contains("InvalidParameter"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains("+17185550110"), "{}", mail[0].text);
}

#[test]
fn a_cancellation_the_vendor_never_got_is_recorded_even_on_a_cancelled_work_order() {
    let g = Given::accepted_by_pat().did(Command::Cancel {
        by: pm(),
        reason: None,
    });
    assert_eq!(g.wo.status, Status::Cancelled);
    let t = g.when(refused_sms(Recipient::Vendor(vid("pat"))));
    assert_eq!(t.events().len(), 1);
    assert_eq!(t.emails("pm.undelivered.email").len(), 1);
    // Anything else stays refused there.
    g.when(Command::Close { by: pm() })
        .rejected_with(Rejection::WrongStatus("cancelled"));
}

#[test]
fn the_teams_own_refused_messages_are_recorded_but_not_mailed_to_the_team() {
    let t = Given::offered_to_pat().when(refused_sms(Recipient::Pm));
    assert_eq!(t.events().len(), 1);
    assert!(t.effects.is_empty(), "{:?}", t.effects);
}
