//! Given/when/then tests of the work-order state machine: stale and duplicate timers, final
//! states, who may act, and SMS replies from the wrong phone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::replies::{Sender, command_for};
use mendwork_domain::sms::Intent;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

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
        Command::RequestReschedule {
            by: Actor::Tenant,
            window: None,
        },
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
            window: None,
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
        Intent::Reschedule { when: None },
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
