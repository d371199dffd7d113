//! Every kind of timeline event, as the domain serialises it, matches the document's
//! `TimelineEntry` schema (a mirror written in the web crate): the samples are read by the
//! domain's own serde and written back by it, so a field the domain adds, renames or drops
//! fails here even for kinds no API run reaches.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_domain::decide::Recorded;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::contract::Contract;

fn window() -> Value {
    json!({"start": "2026-03-10T14:00:00Z", "end": "2026-03-10T16:00:00Z"})
}

fn visit() -> Value {
    json!({
        "id": "v-1", "property": "maple-court", "work_order": "wo-abc", "work_order_code": "KP27",
        "visitor": "Pat", "company": null, "expected": window(), "status": "checked_in",
        "checked_in_at": "2026-03-10T14:05:00Z", "checked_out_at": null, "automatic": true
    })
}

/// One event of every kind, as `{"kind", …fields}`.
fn samples() -> Vec<Value> {
    let vendor = json!({"type": "vendor", "id": "pat-plumbing"});
    let pm = json!({"type": "pm", "id": "maintenance@example.com"});
    let tenant = json!({"type": "tenant"});
    let request = json!({
        "property": "maple-court", "unit": "4B",
        "tenant": {"name": "Ana", "email": "ana@example.com", "phone": "+17185550123"},
        "description": "Sink drips", "category": "plumbing", "emergency": false,
        "permission_to_enter": true, "pets": null, "access_notes": null, "photos": ["f-1.jpg"],
        "availability": [window()],
        "source": {"type": "recurring", "template": "filters", "occurrence": "2026-03-01T00:00:00Z"},
        "language": "es"
    });
    let triage = json!({
        "trade": "plumbing", "priority": "urgent", "emergency": null,
        "diagnosis": "A leak.", "drivers": ["mentions \"leak\""], "safety_instructions": null,
        "tips": ["Turn off the valve."], "tip_keys": ["shut_off"], "question": "water_near_electricity"
    });
    let message = json!({
        "to": vendor, "channel": "sms", "address": "+17185550100", "subject": null,
        "body": "Job KP27", "key": "vendor.offer"
    });
    vec![
        json!({"kind": "submitted", "id": "wo-abc", "code": "KP27", "request": request}),
        json!({"kind": "triaged", "triage": triage, "emergency_alert": false,
               "suggested_vendors": ["pat-plumbing"], "policies": ["NTE $500"]}),
        json!({"kind": "offer_held", "until": "2026-03-10T13:00:00Z"}),
        json!({"kind": "offered", "vendor": "pat-plumbing", "expires_at": "2026-03-10T13:00:00Z"}),
        json!({"kind": "declined", "vendor": "pat-plumbing", "reason": "busy"}),
        json!({"kind": "offer_lapsed", "vendor": "pat-plumbing"}),
        json!({"kind": "vendor_skipped", "vendor": "pat-plumbing", "reason": {"why": "insurance_expired", "expired": "2026-02-27"}}),
        json!({"kind": "offer_withdrawn", "vendor": "pat-plumbing"}),
        json!({"kind": "needs_attention", "reason": "No vendor took it."}),
        json!({"kind": "needs_attention", "cause": {"code": "no_vendor", "trade": "plumbing",
               "passed_over": [{"vendor": "pat-plumbing",
                                "reason": {"why": "insurance_expired", "expired": "2026-02-27"}}]}}),
        json!({"kind": "needs_attention", "cause": {"code": "estimate_declined", "amount": 800}}),
        json!({"kind": "needs_attention", "cause": {"code": "overdue", "step": "outcome",
               "due": "2026-03-10T12:00:00Z", "vendor": "pat-plumbing"}}),
        json!({"kind": "needs_attention", "cause": {"code": "unknown_vendor_in_pms",
               "system": "buildium", "pms_vendor": "4242"}}),
        json!({"kind": "accepted", "vendor": "pat-plumbing"}),
        json!({"kind": "assigned", "vendor": "pat-plumbing", "by": pm}),
        json!({"kind": "unassigned", "vendor": "pat-plumbing"}),
        json!({"kind": "instructions_added", "text": "Key at the office", "by": pm}),
        json!({"kind": "slots_offered", "slots": [window()]}),
        json!({"kind": "schedule_nudged", "vendor": "pat-plumbing", "n": 1}),
        json!({"kind": "time_proposed", "window": window()}),
        json!({"kind": "proposal_declined", "window": window()}),
        json!({"kind": "scheduled", "window": window(), "by": tenant}),
        json!({"kind": "unscheduled", "reason": "rescheduled"}),
        json!({"kind": "unscheduled", "reason": {"code": "vendor_proposed"}}),
        json!({"kind": "unscheduled", "reason": {"code": "asked_to_reschedule", "by": vendor}}),
        json!({"kind": "availability_added", "windows": [window()]}),
        json!({"kind": "reminded", "which": "reminder_day_before"}),
        json!({"kind": "visit", "change": "checked_in", "visit": visit()}),
        json!({"kind": "arrived", "by": {"type": "desk"}}),
        json!({"kind": "running_late", "minutes": 15}),
        json!({"kind": "outcome_asked", "n": 1}),
        json!({"kind": "completed", "notes": "Fixed", "photos": ["f-2.jpg"]}),
        json!({"kind": "not_done", "reason": null}),
        json!({"kind": "estimate_received", "estimate": {
            "vendor": "pat-plumbing", "amount": 900.5, "note": null, "at": "2026-03-10T15:00:00Z",
            "limit": 500, "decision": "pending"}}),
        json!({"kind": "approval_requested", "round": 1}),
        json!({"kind": "approval_reminded", "n": 2}),
        json!({"kind": "approval_escalated"}),
        json!({"kind": "approved", "by": {"type": "owner"}}),
        json!({"kind": "approval_declined", "by": pm}),
        json!({"kind": "invoice_requested", "n": 1}),
        json!({"kind": "invoice_escalated"}),
        json!({"kind": "invoice_received", "invoice": {
            "amount": 880, "reference": "INV-7", "at": "2026-03-11T15:00:00Z", "file": "f-3.pdf"}}),
        json!({"kind": "feedback_requested"}),
        json!({"kind": "feedback_received", "feedback": {"rating": 5, "comment": null}}),
        json!({"kind": "closed", "by": {"type": "system"}}),
        json!({"kind": "cancelled", "by": tenant, "reason": null}),
        json!({"kind": "timer_set", "timer": "accept_timeout", "generation": 1, "at": "2026-03-10T13:00:00Z"}),
        json!({"kind": "timer_cancelled", "timer": "accept_timeout", "generation": 1}),
        json!({"kind": "timer_elapsed", "timer": "outcome_ask", "generation": 2}),
        json!({"kind": "message_received", "from": {"type": "other"}, "channel": "sms",
               "address": "+17185550199", "body": "YES"}),
        json!({"kind": "message_sent", "to": {"type": "pm"}, "channel": "email",
               "address": "maintenance@example.com", "subject": "New job", "body": "…", "key": "pm.new"}),
        json!({"kind": "message_resent", "message": message}),
        json!({"kind": "message_undelivered", "to": {"type": "owner"}, "channel": "email",
               "address": "owner@example.com", "key": "owner.approval", "reason": "bounced"}),
        json!({"kind": "safety_question_asked", "question": "gas_smell"}),
        json!({"kind": "safety_question_answered", "question": "gas_smell", "yes": true, "by": tenant}),
        json!({"kind": "safety_question_expired", "question": "co_symptoms"}),
        json!({"kind": "offer_withdrawn_for_emergency", "vendor": "pat-plumbing"}),
        json!({"kind": "danger_reported", "at": "2026-03-10T12:00:00Z", "by": tenant}),
        json!({"kind": "danger_reported", "at": "2026-03-10T12:00:00Z", "by": tenant, "via": "sms"}),
        json!({"kind": "safety_question_answered", "question": "gas_smell", "yes": true,
               "by": tenant, "danger_report": true, "via": "page"}),
    ]
}

/// The API's JSON of an entry, in the sample portfolio.
fn json_of(recorded: &Recorded) -> Value {
    mendwork_web::api::recorded_json(recorded, &support::sample(), chrono_tz::UTC)
}

#[test]
fn every_kind_of_timeline_event_as_the_domain_writes_it_matches_the_document() {
    let c = Contract::new();
    let entry = json!({"$ref": "#/components/schemas/TimelineEntry"});
    let mut written = BTreeSet::new();
    for event in samples() {
        let stored = json!({"at": "2026-03-10T12:00:00Z", "event": event});
        let recorded: Recorded = serde_json::from_value(stored)
            .unwrap_or_else(|e| panic!("the domain does not read {event}: {e}"));
        let out = json_of(&recorded);
        let errors = c.errors_against(&entry, &out);
        assert!(errors.is_empty(), "{out}:\n{}", errors.join("\n"));
        written.insert(out["kind"].as_str().unwrap().to_string());
    }
    // The samples cover every kind the document names (and the mirror names every kind the
    // domain has: it does not compile otherwise).
    let documented: BTreeSet<String> = c.doc["components"]["schemas"]["Event"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v["properties"]["kind"]["enum"][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(written, documented);
}

#[test]
fn a_domain_value_the_schema_does_not_describe_fails_the_check() {
    let c = Contract::new();
    let entry = json!({"$ref": "#/components/schemas/TimelineEntry"});
    let sample = |kind: &str| {
        let event = samples().into_iter().find(|e| e["kind"] == kind).unwrap();
        let recorded: Recorded =
            serde_json::from_value(json!({"at": "2026-03-10T12:00:00Z", "event": event})).unwrap();
        json_of(&recorded)
    };
    let mut v = sample("visit");
    v["visit"]["badge"] = json!("B-12");
    assert!(
        !c.errors_against(&entry, &v).is_empty(),
        "an extra visit field"
    );
    let mut v = sample("assigned");
    v["by"] = json!({"type": "robot"});
    assert!(!c.errors_against(&entry, &v).is_empty(), "an unknown actor");
    let mut v = sample("triaged");
    v["triage"].as_object_mut().unwrap().remove("diagnosis");
    assert!(
        !c.errors_against(&entry, &v).is_empty(),
        "triage without a diagnosis"
    );
}

#[test]
fn needs_attention_keeps_its_reason_in_english_and_adds_its_code_old_events_included() {
    let entry = |event: Value| {
        let recorded: Recorded =
            serde_json::from_value(json!({"at": "2026-03-10T12:00:00Z", "event": event})).unwrap();
        json_of(&recorded)
    };
    // Stored before causes were typed: the words as written, code `other`.
    let old = entry(json!({"kind": "needs_attention", "reason": "No vendor took it."}));
    assert_eq!(old["reason"], "No vendor took it.");
    assert_eq!(old["code"], "other");
    // A typed cause: its English words, its code and its fields.
    let typed = entry(json!({"kind": "needs_attention",
                             "cause": {"code": "estimate_declined", "amount": 800}}));
    assert_eq!(
        typed["reason"],
        "The estimate of $800 was declined: decide what happens next"
    );
    assert_eq!(typed["code"], "estimate_declined");
    assert_eq!(typed["amount"]["cents"], 80000);
}

#[test]
fn unscheduled_keeps_its_reason_in_english_and_adds_its_code_old_events_included() {
    let entry = |event: Value| {
        let recorded: Recorded =
            serde_json::from_value(json!({"at": "2026-03-10T12:00:00Z", "event": event})).unwrap();
        json_of(&recorded)
    };
    // Stored before reasons were typed: the words as written, code `other`.
    let old = entry(json!({"kind": "unscheduled", "reason": "tenant asked to reschedule"}));
    assert_eq!(old["reason"], "tenant asked to reschedule");
    assert_eq!(old["code"], "other");
    assert!(old.get("by").is_none());
    // A typed reason: its English words, its code, and who asked as the API gives actors.
    let typed = entry(
        json!({"kind": "unscheduled", "reason": {"code": "asked_to_reschedule",
                             "by": {"type": "vendor", "id": "pat-plumbing"}}}),
    );
    assert_eq!(typed["reason"], "vendor pat-plumbing asked to reschedule");
    assert_eq!(typed["code"], "asked_to_reschedule");
    assert_eq!(typed["by"], json!({"type": "vendor", "id": "pat-plumbing"}));
}
