//! Given/when/then tests of the work-order state machine: triage and dispatch (offers in Go-To
//! order, quiet hours, emergencies, declines, timeouts, nobody left).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::attention::Cause;
use mendwork_domain::decide::candidates;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

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
                cause: Cause::AllDeclined {
                    trade: Trade::Plumbing,
                    passed_over: vec![]
                }
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
        Some(Event::NeedsAttention { .. }) => {
            let reason = t.attention().unwrap();
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
