//! Given/when/then tests of the work-order state machine: estimates against the NTE and the
//! owner's approval (reminders, approving, declining, stale rounds).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::attention::Cause;
use mendwork_domain::replies::{Sender, command_for};
use mendwork_domain::sms::Intent;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

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
        reason: mendwork_domain::unscheduled::Reason::NeedsApproval
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
                cause: Cause::EstimateDeclined {
                    amount: Money::from_dollars(800)
                }
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
