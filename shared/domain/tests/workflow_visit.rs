//! Given/when/then tests of the work-order state machine: rescheduling, the vendor on site,
//! done (with photos and invoice documents) and not done.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

// ---------------------------------------------------------------------------------------------
// Reschedule, visit, outcome

#[test]
fn a_reschedule_request_unschedules_cancels_the_reminders_clears_the_visit_window_and_resends_slots()
 {
    let at = now() + hours(1);
    let t = Given::scheduled_with_pat()
        .at(at)
        .when(Command::RequestReschedule {
            by: Actor::Tenant,
            window: None,
        });
    let ev = t.events();
    assert_eq!(
        &ev[..4],
        &[
            timer_cancelled(K::ReminderDayBefore, 1),
            timer_cancelled(K::ReminderMorning, 1),
            timer_cancelled(K::OutcomeAsk, 1),
            Event::Unscheduled {
                reason: mendwork_domain::unscheduled::Reason::AskedToReschedule {
                    by: Actor::Tenant,
                    window: None
                }
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
        .when(Command::RequestReschedule {
            by: Actor::Tenant,
            window: None,
        })
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
