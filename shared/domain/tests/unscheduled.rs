//! Why an appointment was called off, as people read it: each reason in the catalogue's words
//! (English as the texts and webhooks always had them, Spanish for the tenant), and a reason
//! stored before reasons were typed loaded and shown as written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::decide::Recorded;
use mendwork_domain::unscheduled::{CODES, Reason};
use mendwork_domain::*;
use support::*;

fn said(r: &Reason, lang: Language) -> String {
    r.describe(&PORTFOLIO, chrono_tz::America::Chicago, lang)
}

#[test]
fn an_event_stored_with_english_words_loads_as_legacy_and_reads_as_written_in_both_languages() {
    let words = "tenant asked to reschedule";
    let old = serde_json::json!({
        "at": "2026-03-04T17:00:00Z",
        "event": {"kind": "unscheduled", "reason": words}
    });
    let recorded: Recorded = serde_json::from_value(old).unwrap();
    let Event::Unscheduled { reason } = &recorded.event else {
        panic!("{:?}", recorded.event)
    };
    assert_eq!(reason, &Reason::Legacy(words.into()));
    assert_eq!(reason.code(), "other");
    assert_eq!(said(reason, Language::En), words);
    assert_eq!(said(reason, Language::Es), words);
}

#[test]
fn each_reason_reads_in_english_as_it_always_did_and_in_spanish_from_the_catalogue() {
    let cases = [
        (
            Reason::VendorProposed,
            "the vendor proposed another time",
            "el técnico propuso otra hora",
        ),
        (
            Reason::AskedToReschedule {
                by: Actor::Tenant,
                window: None,
            },
            "tenant asked to reschedule",
            "usted pidió cambiar la hora",
        ),
        (
            Reason::AskedToReschedule {
                by: Actor::Vendor(vid("pat")),
                window: None,
            },
            "vendor pat asked to reschedule",
            "el técnico pidió cambiar la hora",
        ),
        (
            Reason::AskedToReschedule {
                by: Actor::Pm("Dana".into()),
                window: None,
            },
            "PM Dana asked to reschedule",
            "el equipo de la propiedad pidió cambiar la hora",
        ),
        (
            Reason::AskedToReschedule {
                by: Actor::Integration("sync".into()),
                window: None,
            },
            "integration sync asked to reschedule",
            "el equipo de la propiedad pidió cambiar la hora",
        ),
        (
            Reason::Reassigned,
            "the property team reassigned the job",
            "el equipo de la propiedad reasignó el trabajo",
        ),
        (
            Reason::NeedsApproval,
            "the estimate needs the owner's approval",
            "el presupuesto necesita la aprobación del propietario",
        ),
    ];
    for (reason, en, es) in &cases {
        assert!(CODES.contains(&reason.code()), "{reason:?}");
        assert_eq!(said(reason, Language::En), *en, "{reason:?}");
        assert_eq!(said(reason, Language::Es), *es, "{reason:?}");
    }
}

#[test]
fn a_typed_reason_is_stored_with_its_code_and_reads_back() {
    let r = Reason::AskedToReschedule {
        by: Actor::Vendor(vid("pat")),
        window: None,
    };
    let e = Event::Unscheduled { reason: r.clone() };
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["reason"]["code"], "asked_to_reschedule");
    assert_eq!(serde_json::from_value::<Event>(v).unwrap(), e);
}

#[test]
fn a_reschedule_event_stored_before_it_carried_a_window_still_decodes_without_one() {
    let old = serde_json::json!({
        "at": "2026-03-04T17:00:00Z",
        "event": {"kind": "unscheduled", "reason": {"code": "asked_to_reschedule", "by": {"type": "tenant"}}}
    });
    let recorded: Recorded = serde_json::from_value(old.clone()).unwrap();
    let reason = Reason::AskedToReschedule {
        by: Actor::Tenant,
        window: None,
    };
    assert_eq!(
        recorded.event,
        Event::Unscheduled {
            reason: reason.clone()
        }
    );
    // Without a window the event is written as it always was.
    assert_eq!(serde_json::to_value(&recorded).unwrap(), old);
}

#[test]
fn a_reschedule_request_stored_before_it_carried_a_window_still_decodes_without_one() {
    let old = serde_json::json!({"command": "request_reschedule", "by": {"type": "tenant"}});
    let command: Command = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(
        command,
        Command::RequestReschedule {
            by: Actor::Tenant,
            window: None
        }
    );
    assert_eq!(serde_json::to_value(&command).unwrap(), old);
}

#[test]
fn the_time_a_tenant_asked_for_is_stored_with_the_reason_and_said_in_both_languages() {
    let wanted = Window::new(
        "2026-03-12T19:00:00Z".parse().unwrap(),
        "2026-03-12T21:00:00Z".parse().unwrap(),
    )
    .unwrap();
    let r = Reason::AskedToReschedule {
        by: Actor::Tenant,
        window: Some(wanted),
    };
    let e = Event::Unscheduled { reason: r.clone() };
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["reason"]["window"]["start"], "2026-03-12T19:00:00Z");
    assert_eq!(serde_json::from_value::<Event>(v).unwrap(), e);
    let en = said(&r, Language::En);
    let es = said(&r, Language::Es);
    assert!(en.contains("the tenant asks for Thu"), "{en}");
    assert!(en.contains("2-4 PM"), "{en}");
    assert!(es.contains("jueves 12 de marzo"), "{es}");
}
