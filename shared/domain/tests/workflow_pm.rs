//! Given/when/then tests of the work-order state machine: the PM assigning a vendor, cancelling
//! from any open status, the tenant cancelling, and visits linked to a work order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

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
