//! What other systems are told: each step of a work order's life becomes one versioned event
//! with a stable id, and no event carries a phone number or an email address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::danger::Via;
use mendwork_domain::outbound::{EventType, VERSION, event_id, outbound};
use mendwork_domain::{Actor, Command, Event, NewWorkOrder, Recipient, WorkOrder};
use serde_json::Value;
use support::*;

/// Every event of `g`'s history as it would go out, each with the work order as it stood
/// after that event.
fn published(g: &Given) -> Vec<Value> {
    let mut wo: Option<WorkOrder> = None;
    let mut out = vec![];
    for (i, r) in g.history.iter().enumerate() {
        wo = Some(match wo {
            None => mendwork_domain::decide::start(&r.event, r.at).unwrap(),
            Some(w) => mendwork_domain::decide::evolve(w, &r.event, r.at),
        });
        let w = wo.as_ref().unwrap();
        for e in outbound(w, g.portfolio, event_id(w, i as u64 + 1, 0), r.at, &r.event) {
            out.push(serde_json::to_value(&e).unwrap());
        }
    }
    out
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

fn whole_life() -> Given {
    Given::completed_by_pat()
        .later(hours(2))
        .did(Command::Invoice {
            vendor: vid("pat"),
            amount: money(385),
            reference: Some("INV-77".into()),
            file: None,
        })
        .later(hours(1))
        .did(Command::Close { by: pm() })
}

#[test]
fn a_whole_life_goes_out_as_the_steps_a_pms_knows() {
    let events = published(&whole_life());
    let kinds = types(&events);
    for expected in [
        "work_order.created",
        "work_order.triaged",
        "work_order.offered",
        "work_order.accepted",
        "work_order.scheduled",
        "work_order.arrived",
        "work_order.done",
        "work_order.invoice",
        "work_order.closed",
    ] {
        assert!(
            kinds.iter().any(|k| k == expected),
            "{expected} missing from {kinds:?}"
        );
    }
    let first = |k: &str| kinds.iter().position(|x| x == k).unwrap();
    assert!(first("work_order.created") < first("work_order.accepted"));
    assert!(first("work_order.accepted") < first("work_order.done"));
    assert!(first("work_order.invoice") < first("work_order.closed"));
    assert!(
        !kinds.iter().any(|k| k.contains("timer")),
        "the timers' bookkeeping stays inside: {kinds:?}"
    );
}

#[test]
fn every_event_names_its_version_its_work_order_and_its_state_after_the_step() {
    let events = published(&whole_life());
    let invoice = events
        .iter()
        .find(|e| e["type"] == "work_order.invoice")
        .unwrap();
    assert_eq!(invoice["version"], VERSION);
    assert_eq!(invoice["work_order"]["property"], "elm");
    assert_eq!(invoice["work_order"]["unit"], "4B");
    assert_eq!(invoice["work_order"]["vendor"], "pat");
    assert_eq!(invoice["work_order"]["status"], "completed");
    assert_eq!(invoice["data"]["amount"]["cents"], 38500);
    assert_eq!(invoice["data"]["reference"], "INV-77");
    let closed = events
        .iter()
        .find(|e| e["type"] == "work_order.closed")
        .unwrap();
    assert_eq!(closed["work_order"]["status"], "closed");
    assert_eq!(closed["data"]["by"]["role"], "pm");
}

#[test]
fn the_same_step_always_goes_out_with_the_same_id() {
    let g = whole_life();
    let once = published(&g);
    let again = published(&g);
    assert_eq!(once, again);
    let ids: std::collections::BTreeSet<String> =
        once.iter().map(|e| e["id"].to_string()).collect();
    assert_eq!(ids.len(), once.len(), "ids are unique within a history");
}

#[test]
fn no_event_carries_a_phone_number_or_an_email_address() {
    let mut g = whole_life();
    // Messages in and out carry their words but never the address they went to.
    g.apply(&Event::MessageSent {
        to: Recipient::Tenant,
        channel: mendwork_domain::Channel::Sms,
        address: "+12125550142".into(),
        subject: None,
        body: "Your visit is booked".into(),
        key: "tenant.booked.sms".into(),
    });
    g.apply(&Event::MessageReceived {
        from: Recipient::Vendor(vid("pat")),
        channel: mendwork_domain::Channel::Email,
        address: "pat@example.com".into(),
        body: "On my way".into(),
    });
    let text = serde_json::to_string(&published(&g)).unwrap();
    for address in ["+1212555", "2125550", "tina.brooks@", "@example.", "pat@"] {
        assert!(!text.contains(address), "{address} leaked: {text}");
    }
    assert!(text.contains("Your visit is booked"));
    assert!(text.contains("On my way"));
}

#[test]
fn the_owner_deciding_goes_out_as_one_kind_of_event_with_the_decision_inside() {
    let g = Given::awaiting_approval()
        .later(hours(2))
        .did(Command::DecideApproval {
            approve: false,
            by: Actor::Owner,
            round: 1,
        });
    let events = published(&g);
    let kinds = types(&events);
    assert!(
        kinds.contains(&"work_order.estimate".to_string()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"work_order.approval_requested".to_string()));
    let decided = events
        .iter()
        .find(|e| e["type"] == "work_order.approval_decided")
        .unwrap();
    assert_eq!(decided["data"]["approved"], false);
    assert_eq!(decided["data"]["by"]["role"], "owner");
    let estimate = events
        .iter()
        .find(|e| e["type"] == "work_order.estimate")
        .unwrap();
    assert_eq!(estimate["data"]["amount"]["cents"], 80000);
}

#[test]
fn needs_attention_goes_out_with_its_reason_in_english_and_its_cause_as_a_code() {
    let g = Given::awaiting_approval()
        .later(hours(2))
        .did(Command::DecideApproval {
            approve: false,
            by: Actor::Owner,
            round: 1,
        });
    let events = published(&g);
    let flagged = events
        .iter()
        .find(|e| e["type"] == "work_order.needs_attention")
        .unwrap();
    let data = &flagged["data"];
    assert_eq!(
        data["reason"],
        "The estimate of $800 was declined: decide what happens next"
    );
    assert_eq!(data["code"], "estimate_declined");
    assert_eq!(data["amount"]["cents"], 80000);
    assert_eq!(data["amount"]["currency"], "USD");
}

#[test]
fn unscheduled_goes_out_with_its_reason_in_english_its_code_and_who_asked() {
    let g = Given::scheduled_with_pat()
        .later(hours(1))
        .did(Command::RequestReschedule {
            by: Actor::Vendor(vid("pat")),
            window: None,
        });
    let events = published(&g);
    let off = events
        .iter()
        .find(|e| e["type"] == "work_order.unscheduled")
        .unwrap();
    let data = &off["data"];
    assert_eq!(data["reason"], "vendor pat asked to reschedule");
    assert_eq!(data["code"], "asked_to_reschedule");
    assert_eq!(data["by"]["role"], "vendor");
    assert_eq!(data["by"]["vendor"], "pat");
}

#[test]
fn every_kind_has_one_type_name_that_reads_back() {
    let names: std::collections::BTreeSet<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(names.len(), EventType::ALL.len(), "type names are unique");
    for t in EventType::ALL {
        assert_eq!(EventType::parse(t.as_str()), Some(t));
        assert!(
            t.as_str().starts_with("work_order.") || t.as_str().starts_with("message."),
            "{}",
            t.as_str()
        );
    }
    assert_eq!(EventType::parse("work_order.exploded"), None);
}

#[test]
fn a_tenants_report_of_danger_goes_out_as_danger_reported_with_how_and_whether_an_emergency() {
    let g = Given::offered_to_pat()
        .later(hours(1))
        .did(Command::ReportDanger {
            by: Actor::Tenant,
            via: Some(Via::Sms),
        });
    let events = published(&g);
    let reported: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "work_order.danger_reported")
        .collect();
    assert_eq!(reported.len(), 1, "{events:#?}");
    let r = reported[0];
    assert_eq!(r["work_order"]["id"], g.wo.id.to_string());
    assert_eq!(r["work_order"]["priority"], "urgent");
    let data = &r["data"];
    assert_eq!(data["at"], serde_json::to_value(g.now).unwrap());
    assert_eq!(data["channel"], "sms");
    assert_eq!(
        data["emergency"], false,
        "the team decides: no emergency yet"
    );
    assert_eq!(data["by"]["role"], "tenant");
    // The team's flag goes out too, its cause as a code.
    let flag = events
        .iter()
        .find(|e| e["type"] == "work_order.needs_attention")
        .unwrap();
    assert_eq!(flag["data"]["code"], "danger_reported");
}

#[test]
fn a_report_the_open_safety_question_takes_as_its_yes_goes_out_as_both_answer_and_report() {
    let g = Given::submitted(NewWorkOrder {
        description: "water dripping from the ceiling right beside the kitchen light".into(),
        ..elm_drip()
    })
    .did(Command::Triage)
    .later(minutes(3))
    .did(Command::ReportDanger {
        by: Actor::Tenant,
        via: Some(Via::Page),
    });
    let events = published(&g);
    let kinds = types(&events);
    let answered = kinds
        .iter()
        .position(|k| k == "work_order.safety_question_answered")
        .unwrap_or_else(|| panic!("{kinds:?}"));
    assert_eq!(
        kinds[answered + 1],
        "work_order.danger_reported",
        "{kinds:?}"
    );
    let (answer, report) = (&events[answered], &events[answered + 1]);
    assert_eq!(answer["data"]["yes"], true);
    assert_eq!(
        report["id"],
        format!("{}_danger", answer["id"].as_str().unwrap())
    );
    assert_eq!(report["data"]["emergency"], true);
    assert_eq!(report["data"]["channel"], "page");
    assert_eq!(report["data"]["question"], answer["data"]["question"]);
    assert_eq!(report["work_order"]["priority"], "emergency");
    // A plain YES is no report of danger.
    let yes = Given::submitted(NewWorkOrder {
        description: "water dripping from the ceiling right beside the kitchen light".into(),
        ..elm_drip()
    })
    .did(Command::Triage)
    .later(minutes(3))
    .did(Command::AnswerSafetyQuestion {
        yes: true,
        by: Actor::Tenant,
    });
    assert!(!types(&published(&yes)).contains(&"work_order.danger_reported".to_string()));
}
