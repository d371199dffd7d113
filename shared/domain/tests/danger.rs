//! The tenant's own report of danger, given/when/then: a safety question not yet answered YES
//! takes it as its YES; otherwise the priority rises to at least urgent, the team is alerted
//! by SMS and email at any hour (2 a.m. here), the work order waits on the team with the cause
//! they read, and the tenant is told to call 911 — with no vendor dispatched; an emergency
//! already is acknowledged only; a second report alerts no one again; a finished request
//! refuses it; a Spanish tenant reads Spanish; and a tenant's EMERGENCY by text reaches the
//! right work order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::attention::Cause;
use mendwork_domain::danger::{ACK_MESSAGE, Via};
use mendwork_domain::decide::{Recorded, replay};
use mendwork_domain::replies::Sender;
use mendwork_domain::routing::{AnswerReason, Inbound, Route, route};
use mendwork_domain::segments::{is_gsm7, sms_segments};
use mendwork_domain::*;
use support::*;

const TENANT: &str = "+12125550142";
const TEAM: &str = "+12125550100";

/// The tenant's report of danger by text (EMERGENCY).
fn report() -> Command {
    Command::ReportDanger {
        by: Actor::Tenant,
        via: Some(Via::Sms),
    }
}

fn answer_yes() -> Command {
    Command::AnswerSafetyQuestion {
        yes: true,
        by: Actor::Tenant,
    }
}

/// Water near a light: triage leaves the danger open and asks the safety question.
fn asked() -> Given {
    Given::submitted(NewWorkOrder {
        description: "water dripping from the ceiling right beside the kitchen light".into(),
        ..elm_drip()
    })
    .did(Command::Triage)
}

/// Thursday 2026-03-05, 2:00 a.m. in New York: deep in the quiet hours.
fn two_am() -> chrono::DateTime<chrono::Utc> {
    local(ny(), (2026, 3, 5), (2, 0))
}

/// A routine drip submitted and triaged at 2 a.m.: its offer is held for the quiet hours.
fn routine_at_night() -> Given {
    Given::submitted_at(elm_drip(), two_am()).did(Command::Triage)
}

fn no_alert(t: &Then) {
    assert!(t.sms("pm.danger.sms").is_empty(), "{:#?}", t.effects);
    assert!(t.emails("pm.danger.email").is_empty(), "{:#?}", t.effects);
    assert!(t.sms("pm.emergency.sms").is_empty(), "{:#?}", t.effects);
    assert!(
        t.emails("pm.attention.email").is_empty(),
        "{:#?}",
        t.effects
    );
    assert!(!t.has(|e| matches!(e, Event::NeedsAttention { .. })));
}

fn acknowledged_once(t: &Then) -> String {
    let ack = t.sms(ACK_MESSAGE);
    assert_eq!(ack.len(), 1, "{:#?}", t.effects);
    assert_eq!(ack[0].to.to_string(), TENANT);
    ack[0].body.clone()
}

// ----- a safety question not yet answered YES -----

#[test]
fn a_report_while_the_safety_question_is_open_is_exactly_its_yes() {
    let given = asked().later(minutes(3));
    let by_report = given.when(report());
    let by_yes = given.when(answer_yes());
    // The same events but for the answer saying it was a report, and how it came.
    let plain: Vec<Event> = by_report
        .events()
        .iter()
        .cloned()
        .map(|e| match e {
            Event::SafetyQuestionAnswered {
                question,
                yes,
                by,
                danger_report: true,
                via: Some(Via::Sms),
            } => Event::SafetyQuestionAnswered {
                question,
                yes,
                by,
                danger_report: false,
                via: None,
            },
            other => other,
        })
        .collect();
    assert_ne!(
        by_report.events(),
        &plain[..],
        "the answer says it was a report"
    );
    assert_eq!(plain, by_yes.events());
    assert_eq!(by_report.effects, by_yes.effects);
    assert_eq!(by_report.wo().priority, Priority::Emergency);
    assert!(by_report.has(|e| matches!(
        e,
        Event::SafetyQuestionAnswered {
            yes: true,
            by: Actor::Tenant,
            ..
        }
    )));
    assert!(!by_report.has(|e| matches!(e, Event::DangerReported { .. })));
    // Everything an emergency gets: the tenant's safety steps and the team's alert.
    assert_eq!(by_report.sms("tenant.safety.sms").len(), 1);
    assert_eq!(by_report.sms("pm.emergency.sms")[0].to.to_string(), TEAM);
}

#[test]
fn a_report_after_the_tenant_said_no_or_the_question_expired_still_makes_the_emergency() {
    let after_no = asked()
        .later(minutes(2))
        .did(Command::AnswerSafetyQuestion {
            yes: false,
            by: Actor::Tenant,
        })
        .later(hours(2));
    let expired = asked().fired(TimerKind::SafetyQuestion).later(hours(2));
    for given in [after_no, expired] {
        let t = given.when(report());
        assert_eq!(t.wo().priority, Priority::Emergency);
        assert_eq!(
            t.wo().triage.as_ref().unwrap().emergency,
            Some(EmergencyKind::Flooding)
        );
        assert_eq!(t.sms("pm.emergency.sms").len(), 1);
    }
}

// ----- no question, no emergency -----

#[test]
fn a_report_at_two_in_the_morning_raises_the_priority_alerts_the_team_and_tells_the_tenant_to_call_911()
 {
    let given = routine_at_night().later(minutes(5));
    assert_eq!(given.wo.priority, Priority::Routine);
    assert!(given.wo.armed(TimerKind::QuietHoursEnd), "the offer waits");
    let t = given.when(report());
    let at = two_am() + minutes(5);

    // The timeline: the report, then the team's flag with its cause.
    assert_eq!(
        t.events()[0],
        Event::DangerReported {
            at,
            by: Actor::Tenant,
            via: Some(Via::Sms)
        }
    );
    assert!(t.has(|e| *e
        == Event::NeedsAttention {
            cause: Cause::DangerReported
        }));
    let wo = t.wo();
    assert_eq!(wo.priority, Priority::Urgent);
    assert_eq!(wo.danger_reported, Some(at));
    assert_eq!(wo.status, Status::NeedsAttention);
    assert_eq!(wo.phase(), Status::Submitted, "the path carries on");
    assert_eq!(wo.attention, Some(Cause::DangerReported));
    assert!(t.attention().unwrap().contains("reports danger"));

    // The team, at 2 a.m.: one text and one email, no generic attention notice besides.
    let sms = t.sms("pm.danger.sms");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert_eq!(sms[0].to.to_string(), TEAM);
    assert!(
        sms[0]
            .body
            .starts_with("DANGER reported by the tenant: #KP27 Elm House unit 4B")
    );
    assert!(
        sms[0].body.contains(TENANT),
        "a number to call: {}",
        sms[0].body
    );
    let mail = t.emails("pm.danger.email");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to.to_string(), "pm@example.com");
    assert!(
        mail[0]
            .subject
            .starts_with("DANGER reported by the tenant: #KP27")
    );
    assert!(mail[0].text.contains("No emergency vendor was sent"));
    assert!(t.emails("pm.attention.email").is_empty());

    // The tenant: the team knows; call 911 if anyone is in danger. One segment.
    let ack = acknowledged_once(&t);
    assert!(ack.contains("alerted") && ack.contains("call 911"), "{ack}");
    assert_eq!(sms_segments(&ack), 1, "{ack}");

    // No vendor is dispatched for it: no emergency kind is known; the held offer still waits.
    assert!(!t.has(|e| matches!(e, Event::Offered { .. } | Event::OfferHeld { .. })));
    assert!(t.wo().armed(TimerKind::QuietHoursEnd));
    assert!(t.sms("pm.emergency.sms").is_empty());
    assert!(t.sms("tenant.safety.sms").is_empty());
}

#[test]
fn a_report_by_day_leaves_the_offer_out_and_never_lowers_an_urgent_priority() {
    let given = Given::offered_to_pat().later(minutes(20));
    let t = given.when(report());
    assert_eq!(t.wo().offer.as_ref().unwrap().vendor, vid("pat"));
    assert!(!t.has(|e| matches!(e, Event::OfferWithdrawn { .. })));
    assert_eq!(t.sms("pm.danger.sms").len(), 1);
    assert_eq!(t.wo().priority, Priority::Urgent);
}

#[test]
fn triage_after_a_report_never_lowers_the_priority_below_urgent() {
    let t = Given::submitted(elm_drip())
        .did(report())
        .when(Command::Triage);
    assert_eq!(t.wo().priority, Priority::Urgent);
}

// ----- already an emergency; a second report -----

#[test]
fn a_report_on_an_emergency_is_acknowledged_and_alerts_no_one_again() {
    let flood = Given::submitted(elm_flood()).did(Command::Triage);
    let confirmed = asked().later(minutes(1)).did(answer_yes());
    for given in [flood, confirmed] {
        assert_eq!(given.wo.priority, Priority::Emergency);
        let t = given.later(minutes(4)).when(report());
        assert!(t.has(|e| matches!(e, Event::DangerReported { .. })));
        assert_eq!(t.wo().priority, Priority::Emergency, "never lowered");
        no_alert(&t);
        acknowledged_once(&t);
    }
}

#[test]
fn a_second_report_is_on_the_timeline_and_acknowledged_again_but_alerts_no_one() {
    let first = routine_at_night().later(minutes(5)).did(report());
    let t = first.later(minutes(10)).when(report());
    assert!(t.has(|e| matches!(e, Event::DangerReported { .. })));
    no_alert(&t);
    acknowledged_once(&t);
    assert_eq!(
        t.wo().danger_reported,
        Some(two_am() + minutes(5)),
        "the first report's time stays"
    );
}

#[test]
fn reports_pressed_over_and_over_are_one_report_for_ten_minutes() {
    // Given a report at 2:05
    let first = routine_at_night().later(minutes(5)).did(report());
    // When the tenant reports again, and again, within ten minutes
    let mut given = first;
    for _ in 0..3 {
        given = given.later(minutes(3));
        let t = given.when(report());
        // Then nothing is recorded and nothing is sent
        assert!(t.events().is_empty(), "{:#?}", t.events());
        assert!(t.effects.is_empty(), "{:#?}", t.effects);
    }
    // And a report ten minutes after the last recorded one is heard again
    let t = given.later(minutes(1)).when(report());
    assert!(t.has(|e| matches!(e, Event::DangerReported { .. })));
    acknowledged_once(&t);
}

// ----- a finished request -----

#[test]
fn a_completed_closed_or_cancelled_request_refuses_a_report_and_sends_nothing() {
    let completed = Given::completed_by_pat();
    let closed = Given::completed_by_pat().did(Command::Close { by: pm() });
    let cancelled = Given::offered_to_pat().did(Command::Cancel {
        by: Actor::Tenant,
        reason: None,
    });
    for given in [completed, closed, cancelled] {
        let t = given.later(minutes(1)).when(report());
        t.rejected_with(Rejection::DangerOnFinishedRequest);
        assert!(t.effects.is_empty());
    }
    // The refusal a tenant reads says where help is, in both languages.
    for lang in [Language::En, Language::Es] {
        let said = messages::refusal(&PORTFOLIO, &Rejection::DangerOnFinishedRequest, lang);
        assert!(said.contains("911"), "{said}");
    }
}

// ----- in the tenant's language -----

#[test]
fn a_spanish_tenant_is_acknowledged_in_spanish_and_the_team_alerted_in_english() {
    let given = Given::submitted_at(
        NewWorkOrder {
            language: Language::Es,
            ..elm_drip()
        },
        two_am(),
    )
    .did(Command::Triage);
    let t = given.when(report());
    let ack = acknowledged_once(&t);
    assert!(
        ack.starts_with("Oakline PM: avisamos al equipo de la propiedad"),
        "{ack}"
    );
    assert!(ack.contains("llame al 911"), "{ack}");
    assert!(is_gsm7(&ack), "{ack}");
    assert_eq!(sms_segments(&ack), 1, "{ack}");
    assert!(
        t.sms("pm.danger.sms")[0]
            .body
            .starts_with("DANGER reported")
    );
}

#[test]
fn the_confirmation_text_invites_emergency_within_two_segments_in_both_languages() {
    for (lang, words) in [
        (Language::En, "Danger now? Reply EMERGENCY."),
        (Language::Es, "¿Peligro? Responda EMERGENCIA."),
    ] {
        let given = Given::submitted(NewWorkOrder {
            language: lang,
            ..elm_drip()
        });
        let ev = given.history[0].event.clone();
        let out = effects::effects(&given.wo, &given.wo, &ev, &given.ctx(), &FakeLinks);
        let sms = sms_of(&out, "tenant.confirmation.sms");
        assert_eq!(sms.len(), 1);
        assert!(sms[0].body.contains(words), "{}", sms[0].body);
        assert!(sms_segments(&sms[0].body) <= 2, "{}", sms[0].body);
    }
}

// ----- the record -----

#[test]
fn the_report_round_trips_through_storage_and_replays_to_the_same_work_order() {
    let given = routine_at_night().later(minutes(5)).did(report());
    let json = serde_json::to_value(&given.history).unwrap();
    let kinds: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["event"]["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"danger_reported"), "{kinds:?}");
    let back: Vec<Recorded> = serde_json::from_value(json).unwrap();
    assert_eq!(back, given.history);
    assert_eq!(replay(&back).as_ref(), Some(&given.wo));
    let stored: WorkOrder =
        serde_json::from_str(&serde_json::to_string(&given.wo).unwrap()).unwrap();
    assert_eq!(stored, given.wo);
    // A work order stored before reports existed reads as never reported.
    let mut old = serde_json::to_value(&Given::offered_to_pat().wo).unwrap();
    old.as_object_mut().unwrap().remove("danger_reported");
    let old: WorkOrder = serde_json::from_value(old).unwrap();
    assert_eq!(old.danger_reported, None);
}

// ----- EMERGENCY by text -----

fn text_from(body: &str, open: &[(WorkOrder, Sender)]) -> Route {
    let p = Phone::parse(TENANT).unwrap();
    route(
        &PORTFOLIO,
        &Inbound {
            body,
            phone: &p,
            open,
            opted_out: false,
            replying_to: None,
            now: now(),
        },
    )
}

fn executed_on(r: &Route) -> Option<(&str, &Command)> {
    match r {
        Route::Execute { code, command, .. } => Some((code.as_str(), command.as_ref())),
        _ => None,
    }
}

/// The tenant's work order `code`, created `age` before [`now`].
fn open_order(code: &str, age: chrono::Duration) -> WorkOrder {
    let mut wo = Given::offered_to_pat().wo;
    wo.id = WorkOrderId(format!("wo-{}", code.to_lowercase()));
    wo.code = JobCode::parse(code).unwrap();
    wo.created_at = now() - age;
    wo
}

#[test]
fn emergency_by_text_goes_to_the_tenants_one_open_request() {
    let open = vec![(open_order("KP27", hours(3)), Sender::Tenant)];
    for body in ["EMERGENCY", "emergency!", "EMERGENCIA", "it's an emergency"] {
        assert_eq!(
            executed_on(&text_from(body, &open)),
            Some(("KP27", &report())),
            "{body}"
        );
    }
}

#[test]
fn emergency_by_text_goes_to_the_newest_of_several_or_to_the_one_its_code_names() {
    let open = vec![
        (open_order("KP27", hours(30)), Sender::Tenant),
        (open_order("KQ34", hours(2)), Sender::Tenant),
        (open_order("KR45", hours(12)), Sender::Tenant),
    ];
    assert_eq!(
        executed_on(&text_from("EMERGENCY", &open)),
        Some(("KQ34", &report())),
        "the newest, at once: no which-job question"
    );
    assert_eq!(
        executed_on(&text_from("EMERGENCY KP27", &open)),
        Some(("KP27", &report()))
    );
    assert_eq!(
        executed_on(&text_from("kr45 emergencia", &open)),
        Some(("KR45", &report()))
    );
    // A completed request is passed over for one still open, even an older one.
    let mut done = open_order("KT67", hours(1));
    done.status = Status::Completed;
    let open = vec![
        (open_order("KP27", hours(30)), Sender::Tenant),
        (done, Sender::Tenant),
    ];
    assert_eq!(
        executed_on(&text_from("EMERGENCY", &open)),
        Some(("KP27", &report()))
    );
}

#[test]
fn emergency_naming_a_code_that_is_not_the_tenants_goes_where_emergency_alone_goes() {
    let open = vec![
        (open_order("KP27", hours(30)), Sender::Tenant),
        (open_order("KQ34", hours(2)), Sender::Tenant),
    ];
    let alone = text_from("EMERGENCY", &open);
    assert_eq!(executed_on(&alone), Some(("KQ34", &report())));
    // Another tenant's code, a code nobody has, in either language: the tenant's newest open
    // request takes the report at once, exactly as with no code, so nothing is said about the
    // code or whose it is.
    for body in ["EMERGENCY XY23", "xy23 emergency!", "EMERGENCIA KM58"] {
        let read = mendwork_domain::sms::parse_reply(body, now().date_naive());
        assert!(read.job_code.is_some(), "{body}: {read:?}");
        assert_eq!(text_from(body, &open), alone, "{body}");
    }
    // A code of their own still names that request, and a reply that is no report of danger
    // still hears that the code is not theirs.
    assert_eq!(
        executed_on(&text_from("EMERGENCY KP27", &open)),
        Some(("KP27", &report()))
    );
    assert!(matches!(
        text_from("DONE XY23", &open),
        Route::Answer {
            reason: AnswerReason::CodeNotTheirs,
            ..
        }
    ));
}

#[test]
fn emergency_while_the_safety_question_is_open_goes_to_the_question_as_its_yes() {
    let open = vec![(asked().wo, Sender::Tenant)];
    let r = text_from("EMERGENCY", &open);
    let (_, command) = executed_on(&r).unwrap();
    assert_eq!(command, &report());
    let t = asked().when(command.clone());
    assert_eq!(t.wo().priority, Priority::Emergency);
}
