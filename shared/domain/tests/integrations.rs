//! An integration's API key as an actor: its stored shape next to the older actors' (timelines
//! written before it existed still read), how it is said, and that it may do through the API
//! what the property team may — and only that. The PMS as an actor (a change made there and
//! carried out here) is stored and said the same way and acts for the team; a vendor it names
//! that is no vendor here puts the job before the team.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::attention::Cause;
use mendwork_domain::*;
use serde_json::json;
use support::*;

#[test]
fn an_integration_is_stored_beside_the_older_actors_and_timelines_written_before_it_still_read() {
    // The shapes older versions wrote, unchanged.
    assert_eq!(
        serde_json::to_value(Actor::Pm("ana@example.com".into())).unwrap(),
        json!({"type": "pm", "id": "ana@example.com"})
    );
    assert_eq!(
        serde_json::to_value(Actor::System).unwrap(),
        json!({"type": "system"})
    );
    // The new one, in the same shape.
    let key = Actor::Integration("buildium".into());
    let stored = serde_json::to_value(&key).unwrap();
    assert_eq!(stored, json!({"type": "integration", "id": "buildium"}));
    assert_eq!(serde_json::from_value::<Actor>(stored).unwrap(), key);
    // A timeline event as an earlier version stored it.
    let old: Event = serde_json::from_value(json!({
        "kind": "cancelled",
        "by": {"type": "pm", "id": "PM"},
        "reason": "duplicate"
    }))
    .unwrap();
    assert_eq!(
        old,
        Event::Cancelled {
            by: Actor::Pm("PM".into()),
            reason: Some("duplicate".into())
        }
    );
    // A work order's source, old and new.
    assert_eq!(
        serde_json::from_value::<Source>(json!({"type": "pm"})).unwrap(),
        Source::Pm
    );
    let made = Source::Integration {
        name: "buildium".into(),
    };
    let stored = serde_json::to_value(&made).unwrap();
    assert_eq!(stored, json!({"type": "integration", "name": "buildium"}));
    assert_eq!(serde_json::from_value::<Source>(stored).unwrap(), made);
}

#[test]
fn an_integration_is_said_by_its_key_name() {
    assert_eq!(
        Actor::Integration("buildium".into()).to_string(),
        "integration buildium"
    );
    assert_eq!(
        Source::Integration {
            name: "buildium".into()
        }
        .to_string(),
        "integration buildium"
    );
    assert_eq!(Source::Pm.to_string(), "pm");
}

#[test]
fn an_integration_may_decide_an_approval_as_the_team_may() {
    let t = Given::awaiting_approval()
        .later(hours(2))
        .when(Command::DecideApproval {
            approve: true,
            by: Actor::Integration("buildium".into()),
            round: 1,
        });
    assert!(t.has(|e| matches!(
        e,
        Event::Approved { by: Actor::Integration(name) } if name == "buildium"
    )));
    assert_eq!(t.wo().status, Status::Accepted);
}

#[test]
fn an_integration_may_ask_to_reschedule_but_the_front_desk_may_not() {
    let by_key = Given::scheduled_with_pat().when(Command::RequestReschedule {
        by: Actor::Integration("buildium".into()),
        window: None,
    });
    assert!(by_key.has(|e| matches!(e, Event::Unscheduled { .. })));
    Given::scheduled_with_pat()
        .when(Command::RequestReschedule {
            by: Actor::Desk,
            window: None,
        })
        .rejected();
}

#[test]
fn the_pms_is_stored_said_and_acts_as_the_team() {
    let pms = Actor::Pms("buildium".into());
    let stored = serde_json::to_value(&pms).unwrap();
    assert_eq!(stored, json!({"type": "pms", "id": "buildium"}));
    assert_eq!(serde_json::from_value::<Actor>(stored).unwrap(), pms);
    assert_eq!(pms.to_string(), "PMS buildium");
    assert!(pms.is_team());
}

#[test]
fn a_cancellation_by_the_pms_stands_the_vendor_down_and_tells_the_tenant() {
    let t = Given::scheduled_with_pat().when(Command::Cancel {
        by: Actor::Pms("buildium".into()),
        reason: None,
    });
    assert!(t.has(|e| matches!(
        e,
        Event::Cancelled { by: Actor::Pms(s), reason: None } if s == "buildium"
    )));
    assert_eq!(t.wo().status, Status::Cancelled);
    assert!(!t.sms("vendor.cancelled.sms").is_empty());
    assert!(!t.sms("tenant.cancelled.sms").is_empty());
}

#[test]
fn a_request_completed_in_the_pms_puts_the_open_job_before_the_team_once() {
    let cmd = Command::CompletedInPms {
        system: "buildium".into(),
    };
    let t = Given::accepted_by_pat().when(cmd.clone());
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().phase(), Status::Accepted);
    assert_eq!(
        t.cause(),
        Some(&Cause::CompletedInPms {
            system: "buildium".into()
        })
    );
    assert!(
        t.attention()
            .unwrap()
            .starts_with("Buildium marks this request completed")
    );
    assert!(!t.emails("pm.attention.email").is_empty());
    // Said again while the flag stands: nothing more.
    Given::accepted_by_pat()
        .did(cmd.clone())
        .when(cmd.clone())
        .no_events();
    // The vendor already reported it done here: nothing to flag.
    Given::completed_by_pat().when(cmd).no_events();
}

#[test]
fn a_vendor_the_pms_names_that_is_no_vendor_here_puts_the_job_before_the_team_once() {
    let cmd = Command::UnknownVendorInPms {
        system: "buildium".into(),
        vendor: "4242".into(),
    };
    let t = Given::accepted_by_pat().when(cmd.clone());
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().phase(), Status::Accepted);
    assert_eq!(t.wo().vendor, Some(VendorId("pat".into())));
    assert_eq!(
        t.cause(),
        Some(&Cause::UnknownVendorInPms {
            system: "buildium".into(),
            pms_vendor: "4242".into()
        })
    );
    assert!(t.attention().unwrap().contains("vendor 4242"));
    assert!(!t.emails("pm.attention.email").is_empty());
    assert!(t.sms("vendor.unassigned.sms").is_empty());
    // Said again while the flag stands: nothing more.
    Given::accepted_by_pat()
        .did(cmd.clone())
        .when(cmd.clone())
        .no_events();
    // The vendor already reported it done here: nothing to flag.
    Given::completed_by_pat().when(cmd).no_events();
}

#[test]
fn a_reassignment_by_the_pms_withdraws_the_job_from_the_old_vendor_and_gives_it_to_the_new() {
    let t = Given::accepted_by_pat().when(Command::Assign {
        vendor: VendorId("ray".into()),
        by: Actor::Pms("buildium".into()),
    });
    assert_eq!(t.wo().vendor, Some(VendorId("ray".into())));
    assert!(t.has(|e| matches!(
        e,
        Event::Assigned { by: Actor::Pms(s), .. } if s == "buildium"
    )));
    assert!(!t.sms("vendor.unassigned.sms").is_empty());
    assert!(!t.sms("tenant.assigned.sms").is_empty());
}
