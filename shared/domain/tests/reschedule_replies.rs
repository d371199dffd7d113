//! A text asking to move a booked visit, end to end in the domain: the reply read, the command it
//! means for the vendor or the tenant, and what deciding it does — a vendor naming a time
//! proposes it, a tenant naming one still ahead has it kept as one of their open times and
//! said to the vendor. Given/when/then on the workflow harness; the work order is at Elm House
//! (New York), booked Thu Mar 5, 9–11 AM, and "now" is Wed Mar 4, 10 AM there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::replies::{Sender, command_for};
use mendwork_domain::sms::parse_reply;
use mendwork_domain::unscheduled::Reason;
use mendwork_domain::*;
use support::*;

/// What `text` from `sender` means for `g`'s work order, read on the sender's local date.
fn command(g: &Given, sender: &Sender, text: &str) -> Option<Command> {
    let today = g.now.with_timezone(&ny()).date_naive();
    command_for(&g.wo, sender, &parse_reply(text, today).intent, ny())
}

fn pat() -> Sender {
    Sender::Vendor(vid("pat"))
}

/// Sat Mar 7, 10 AM–12 PM in New York (EST).
fn saturday_ten() -> Window {
    window("2026-03-07T15:00:00Z", "2026-03-07T17:00:00Z")
}

fn in_spanish(r: NewWorkOrder) -> NewWorkOrder {
    NewWorkOrder {
        language: Language::Es,
        ..r
    }
}

#[test]
fn a_vendor_moving_the_visit_to_a_named_time_proposes_it_to_the_tenant() {
    let g = Given::scheduled_with_pat().later(minutes(30));
    let cmd = command(&g, &pat(), "need to move tmrw's visit to sat 10am").unwrap();
    assert_eq!(
        cmd,
        Command::ProposeTime {
            vendor: vid("pat"),
            window: saturday_ten()
        }
    );
    let t = g.when(cmd);
    assert!(t.has(|e| matches!(
        e,
        Event::Unscheduled {
            reason: Reason::VendorProposed
        }
    )));
    assert_eq!(t.wo().proposal, Some(saturday_ten()));
    assert_eq!(t.sms("tenant.proposal.sms").len(), 1, "{:#?}", t.effects);
}

#[test]
fn a_vendor_asking_to_reschedule_without_a_time_has_the_slots_offered_again() {
    let g = Given::scheduled_with_pat().later(minutes(30));
    let cmd = command(&g, &pat(), "need to reschedule, truck broke down").unwrap();
    assert_eq!(
        cmd,
        Command::RequestReschedule {
            by: Actor::Vendor(vid("pat")),
            window: None
        }
    );
    let t = g.when(cmd);
    assert!(t.has(|e| matches!(
        e,
        Event::Unscheduled {
            reason: Reason::AskedToReschedule { window: None, .. }
        }
    )));
    assert!(t.has(|e| matches!(e, Event::SlotsOffered { .. })));
    assert!(!t.has(|e| matches!(e, Event::AvailabilityAdded { .. })));
}

#[test]
fn a_vendor_who_has_not_booked_yet_and_names_a_time_to_move_to_still_proposes_it() {
    let g = Given::accepted_by_pat().later(minutes(5));
    assert_eq!(
        command(&g, &pat(), "can we reschedule to saturday at 10"),
        Some(Command::ProposeTime {
            vendor: vid("pat"),
            window: saturday_ten()
        })
    );
}

#[test]
fn a_tenant_naming_a_time_ahead_has_it_kept_offered_to_the_vendor_and_said_in_the_text() {
    let g = Given::scheduled_with_pat().later(minutes(30));
    let cmd = command(&g, &Sender::Tenant, "can we reschedule to Saturday at 10").unwrap();
    assert_eq!(
        cmd,
        Command::RequestReschedule {
            by: Actor::Tenant,
            window: Some(saturday_ten())
        }
    );
    let t = g.when(cmd);
    assert!(t.has(|e| *e
        == Event::Unscheduled {
            reason: Reason::AskedToReschedule {
                by: Actor::Tenant,
                window: Some(saturday_ten())
            }
        }));
    assert!(t.has(|e| *e
        == Event::AvailabilityAdded {
            windows: vec![saturday_ten()]
        }));
    assert!(t.wo().request.availability.contains(&saturday_ten()));
    // The slots stay in time order: Thu and Fri come before the Saturday asked for.
    assert_eq!(
        t.wo().slots,
        vec![elm_thu(), elm_fri(), saturday_ten(), elm_mon()]
    );
    assert_eq!(t.wo().status, Status::Accepted);
    let vendor = t.sms("vendor.unscheduled.sms");
    assert_eq!(vendor.len(), 1, "{:#?}", t.effects);
    assert!(
        vendor[0]
            .body
            .contains("the tenant asks for Sat Mar 7, 10 AM-12 PM"),
        "{}",
        vendor[0].body
    );
    assert_eq!(t.sms("vendor.slots.sms").len(), 1);
}

#[test]
fn a_tenant_naming_a_time_already_past_has_the_visit_moved_without_it() {
    // 10:30 AM in New York: "today at 8" has begun already.
    let g = Given::scheduled_with_pat().later(minutes(30));
    let cmd = command(&g, &Sender::Tenant, "need to reschedule to today at 8am").unwrap();
    let t = g.when(cmd);
    assert!(t.has(|e| *e
        == Event::Unscheduled {
            reason: Reason::AskedToReschedule {
                by: Actor::Tenant,
                window: None
            }
        }));
    assert!(!t.has(|e| matches!(e, Event::AvailabilityAdded { .. })));
    let vendor = t.sms("vendor.unscheduled.sms");
    assert!(
        vendor[0].body.contains("(tenant asked to reschedule)"),
        "{}",
        vendor[0].body
    );
}

#[test]
fn a_tenant_asking_to_reschedule_without_a_time_is_a_request_as_before() {
    let g = Given::scheduled_with_pat().later(minutes(30));
    assert_eq!(
        command(&g, &Sender::Tenant, "I need to reschedule"),
        Some(Command::RequestReschedule {
            by: Actor::Tenant,
            window: None
        })
    );
}

#[test]
fn a_spanish_tenant_moving_the_visit_reads_the_time_asked_for_in_spanish() {
    let g = Given::submitted(in_spanish(elm_drip()))
        .did(Command::Triage)
        .later(minutes(10))
        .did(Command::Accept { vendor: vid("pat") })
        .later(minutes(5))
        .did(Command::ChooseSlot {
            vendor: vid("pat"),
            slot: 1,
        })
        .later(minutes(30));
    let cmd = command(
        &g,
        &Sender::Tenant,
        "necesito cambiar la cita para el sábado a las 10",
    )
    .unwrap();
    assert_eq!(
        cmd,
        Command::RequestReschedule {
            by: Actor::Tenant,
            window: Some(saturday_ten())
        }
    );
    let t = g.when(cmd);
    let tenant = t.sms("tenant.unscheduled.sms");
    assert_eq!(tenant.len(), 1, "{:#?}", t.effects);
    assert!(
        tenant[0]
            .body
            .contains("cambiar la cita al sabado 7 de marzo"),
        "{}",
        tenant[0].body
    );
    let vendor = t.sms("vendor.unscheduled.sms");
    assert!(
        vendor[0].body.contains("the tenant asks for Sat Mar 7"),
        "{}",
        vendor[0].body
    );
}

#[test]
fn a_tenant_offering_a_time_without_a_word_of_moving_leaves_the_booking_alone() {
    // "How about Saturday at 10" may restate a time as well as ask for one: only words of moving
    // call a booked visit off.
    let g = Given::scheduled_with_pat().later(minutes(30));
    assert_eq!(
        command(&g, &Sender::Tenant, "how about saturday at 10"),
        None
    );
}

#[test]
fn only_the_tenant_names_the_time_wanted_with_a_reschedule_request() {
    Given::scheduled_with_pat()
        .later(minutes(30))
        .when(Command::RequestReschedule {
            by: Actor::Vendor(vid("pat")),
            window: Some(saturday_ten()),
        })
        .rejected();
}

#[test]
fn a_tenant_asking_for_a_time_already_among_their_open_times_adds_nothing_new() {
    let g = Given::scheduled_with_pat().later(minutes(30));
    let t = g.when(Command::RequestReschedule {
        by: Actor::Tenant,
        window: Some(elm_fri()),
    });
    assert!(!t.has(|e| matches!(e, Event::AvailabilityAdded { .. })));
    assert!(t.wo().slots.contains(&elm_fri()));
}
