//! A tenant who texts about a new problem, decided once in the domain: a known tenant gets the
//! pre-filled form, an emergency becomes a work order at once, a reply keeps its meaning and
//! an unknown number learns nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::replies::Sender;
use mendwork_domain::routing::{AnswerReason, Inbound, Route, SilenceReason, route, route_known};
use mendwork_domain::segments::sms_segments;
use mendwork_domain::texting::{NewProblem, TextedRequest, link_text};
use mendwork_domain::*;
use support::*;

const TENANT: &str = "+12125550142";
const STRANGER: &str = "+12125559999";

fn phone(s: &str) -> Phone {
    Phone::parse(s).unwrap()
}

/// Tina's earlier work order at Elm House 4B, closed.
fn closed_drip(lang: Language) -> WorkOrder {
    let mut wo = Given::submitted(NewWorkOrder {
        language: lang,
        ..elm_drip()
    })
    .wo;
    wo.status = Status::Closed;
    wo
}

fn text_from(
    body: &str,
    from: &str,
    open: &[(WorkOrder, Sender)],
    history: &[WorkOrder],
    opted_out: bool,
) -> Route {
    let p = phone(from);
    route_known(
        &PORTFOLIO,
        &Inbound {
            body,
            phone: &p,
            open,
            opted_out,
            replying_to: None,
            now: now(),
        },
        history,
    )
}

fn link_of(r: Route) -> TextedRequest {
    match r {
        Route::NewProblem(p) => match *p {
            NewProblem::Link(t) => t,
            other => panic!("expected a link, got {other:?}"),
        },
        other => panic!("expected a new problem, got {other:?}"),
    }
}

#[test]
fn a_tenant_of_a_closed_work_order_who_describes_a_leak_gets_the_form_filled_with_their_words() {
    // Given Tina, whose only work order is closed
    let history = [closed_drip(Language::En)];
    // When she texts a new problem
    let r = text_from(
        "my kitchen sink is leaking again",
        TENANT,
        &[],
        &history,
        false,
    );
    // Then she gets the form with her words, her property, unit, name and contact
    let t = link_of(r);
    assert_eq!(t.description, "my kitchen sink is leaking again");
    assert_eq!(t.property, PropertyId::from("elm"));
    assert_eq!(t.unit, "4B");
    assert_eq!(t.name, "Tina Brooks");
    assert_eq!(t.phone, phone(TENANT));
    assert_eq!(t.email, tenant().email);
    assert_eq!(t.language, Language::En);
}

#[test]
fn the_form_is_in_the_language_of_the_tenants_last_work_order() {
    let history = [closed_drip(Language::Es)];
    let t = link_of(text_from(
        "se sale el agua del lavabo de la cocina",
        TENANT,
        &[],
        &history,
        false,
    ));
    assert_eq!(t.language, Language::Es);
}

#[test]
fn an_unknown_number_gets_the_same_answer_as_before_whatever_it_writes() {
    // Given a number nobody knows (and a known tenant's history, which is not theirs)
    let history = [closed_drip(Language::En)];
    for body in [
        "my kitchen sink is leaking again",
        "gas smell in the kitchen, the alarm is going off",
    ] {
        // When it texts a problem
        let known = text_from(body, STRANGER, &[], &history, false);
        let before = route(
            &PORTFOLIO,
            &Inbound {
                body,
                phone: &phone(STRANGER),
                open: &[],
                opted_out: false,
                replying_to: None,
                now: now(),
            },
        );
        // Then the answer is the unknown-number one, word for word, naming nobody
        assert_eq!(known, before);
        let Route::Answer { reason, body, .. } = known else {
            panic!("an answer")
        };
        assert_eq!(reason, AnswerReason::UnknownNumber);
        for secret in ["Tina", "Elm", "4B", "#"] {
            assert!(!body.contains(secret), "{body:?} reveals {secret:?}");
        }
    }
}

#[test]
fn a_greeting_or_a_thank_you_from_a_known_tenant_is_no_new_problem() {
    let history = [closed_drip(Language::En)];
    for body in ["thanks!", "ok great thank you so much", "hi"] {
        let r = text_from(body, TENANT, &[], &history, false);
        assert!(
            !matches!(r, Route::NewProblem(_)),
            "{body:?} became a new problem: {r:?}"
        );
    }
}

#[test]
fn a_rating_reply_to_an_open_work_order_keeps_its_meaning() {
    // Given Tina's open work order, asked for a rating
    let given = Given::completed_by_pat();
    let open = [(given.wo.clone(), Sender::Tenant)];
    let history = [given.wo.clone()];
    // When she texts a rating, Then it is executed on that work order
    let r = text_from("5", TENANT, &open, &history, false);
    assert!(matches!(r, Route::Execute { .. }), "{r:?}");
}

#[test]
fn a_text_about_the_trade_of_an_open_work_order_is_about_that_job() {
    // Given Tina's open plumbing work order
    let given = Given::scheduled_with_pat();
    let open = [(given.wo.clone(), Sender::Tenant)];
    let history = [given.wo.clone()];
    // When she texts about the drip again, Then it is not a second request
    let r = text_from("the faucet still drips", TENANT, &open, &history, false);
    assert!(!matches!(r, Route::NewProblem(_)), "{r:?}");
    // But when the same job turns dangerous, the danger is not lost in the old job's replies
    let r = text_from(
        "the sink is still leaking a lot",
        TENANT,
        &open,
        &history,
        false,
    );
    assert!(
        matches!(&r, Route::NewProblem(p) if matches!(**p, NewProblem::Emergency { .. })),
        "{r:?}"
    );
}

#[test]
fn a_new_problem_of_another_trade_while_a_job_is_open_gets_the_form() {
    let given = Given::scheduled_with_pat();
    let open = [(given.wo.clone(), Sender::Tenant)];
    let history = [given.wo.clone()];
    let r = text_from(
        "the bedroom light switch sparks when i turn it on",
        TENANT,
        &open,
        &history,
        false,
    );
    assert!(matches!(r, Route::NewProblem(_)), "{r:?}");
}

#[test]
fn emergency_wording_from_a_known_tenant_creates_the_work_order_at_once() {
    let history = [closed_drip(Language::Es)];
    let r = text_from(
        "water is pouring through the ceiling and the floor is flooding",
        TENANT,
        &[],
        &history,
        false,
    );
    let Route::NewProblem(p) = r else {
        panic!("{r:?}")
    };
    let NewProblem::Emergency {
        request,
        submission,
    } = *p
    else {
        panic!("an emergency")
    };
    assert_eq!(request.property, PropertyId::from("elm"));
    assert_eq!(request.unit, "4B");
    assert_eq!(request.tenant.phone, Some(phone(TENANT)));
    assert_eq!(request.language, Language::Es);
    assert!(request.availability.is_empty());
    // One work order per phone and hour, however many texts.
    assert!(submission.contains("2026030415"), "{submission}");
    let again = text_from(
        "FLOOD water pouring from the ceiling help",
        TENANT,
        &[],
        &history,
        false,
    );
    let Route::NewProblem(p) = again else {
        panic!()
    };
    let NewProblem::Emergency { submission: s2, .. } = *p else {
        panic!()
    };
    assert_eq!(submission, s2);
}

#[test]
fn an_emergency_text_while_the_same_units_emergency_is_open_is_about_that_one() {
    let given = Given::submitted(elm_flood());
    let mut wo = given.wo.clone();
    wo.priority = Priority::Emergency;
    let open = [(wo.clone(), Sender::Tenant)];
    let r = text_from(
        "water is pouring through the ceiling and the floor is flooding",
        TENANT,
        &open,
        &[wo],
        false,
    );
    assert!(!matches!(r, Route::NewProblem(_)), "{r:?}");
}

#[test]
fn an_opted_out_tenant_gets_no_link_but_an_emergency_still_reaches_the_team() {
    let history = [closed_drip(Language::En)];
    let r = text_from(
        "my kitchen sink is leaking again",
        TENANT,
        &[],
        &history,
        true,
    );
    assert_eq!(
        r,
        Route::Silent {
            reason: SilenceReason::OptedOut
        }
    );
    let r = text_from(
        "water is pouring through the ceiling and the floor is flooding",
        TENANT,
        &[],
        &history,
        true,
    );
    assert!(matches!(r, Route::NewProblem(_)), "{r:?}");
}

#[test]
fn a_vendor_describing_a_problem_is_not_taken_for_a_tenant() {
    // Pat (a vendor) once reported a problem from his own flat.
    let mut wo = closed_drip(Language::En);
    wo.request.tenant.phone = Some(phone("+12125550111"));
    let r = text_from(
        "my kitchen sink is leaking again",
        "+12125550111",
        &[],
        &[wo],
        false,
    );
    assert!(!matches!(r, Route::NewProblem(_)), "{r:?}");
}

#[test]
fn the_link_text_fits_two_segments_in_both_languages_with_a_long_link_and_team_name() {
    // Given a 25-character team name and a link longer than a deployed one (API Gateway's
    // address, a signed token of 67 characters and the language)
    let mut portfolio = PORTFOLIO.clone();
    portfolio.team.name = "Riverside Property Mgmt 2".into();
    let link = format!(
        "https://abcdefghij.execute-api.us-east-1.amazonaws.com/n/{}.{}?lang=es{}",
        "x".repeat(44),
        "y".repeat(22),
        "z".repeat(8)
    );
    assert_eq!(link.len(), 140);
    for lang in [Language::En, Language::Es] {
        // When the text is worded
        let body = link_text(&portfolio, lang, &link);
        // Then it carries the link whole, in GSM-7, within two segments
        assert!(body.contains(&link));
        assert!(mendwork_domain::segments::is_gsm7(&body), "{body}");
        assert!(sms_segments(&body) <= 2, "{lang:?}: {} {body}", body.len());
    }
}

#[test]
fn emergency_from_a_number_with_nothing_open_is_told_to_call_911_and_to_say_what_happens() {
    // Given a tenant whose requests are all closed, and a number nobody knows
    let history = [closed_drip(Language::Es)];
    let mut answers = vec![];
    for (from, history) in [(TENANT, &history[..]), (STRANGER, &[][..])] {
        for body in ["EMERGENCY", "emergencia!"] {
            // When either texts EMERGENCY alone
            match text_from(body, from, &[], history, false) {
                Route::Answer {
                    reason: AnswerReason::DangerNoRequest,
                    body,
                    work_order: None,
                } => answers.push(body),
                other => panic!("{from} {body}: {other:?}"),
            }
        }
    }
    // Then each hears, in English and Spanish, to call 911 and to describe the problem, in at
    // most two segments, the same words whoever they are (a known number is not revealed)
    let body = &answers[0];
    assert!(answers.iter().all(|a| a == body), "{answers:?}");
    assert!(
        body.contains("call 911") && body.contains("llame al 911"),
        "{body}"
    );
    assert!(body.contains("text what is happening"), "{body}");
    assert!(sms_segments(body) <= 2, "{body}");
    for secret in ["Tina", "Elm", "4B", "#"] {
        assert!(!body.contains(secret), "{body:?} reveals {secret:?}");
    }
    // And a number that opted out hears nothing
    assert!(matches!(
        text_from("EMERGENCY", TENANT, &[], &history, true),
        Route::Silent {
            reason: SilenceReason::OptedOut
        }
    ));
}

#[test]
fn the_known_tenants_description_after_emergency_becomes_an_emergency_request() {
    // Given Tina, told to say what happens after her bare EMERGENCY
    let history = [closed_drip(Language::En)];
    // When she describes it
    let r = text_from(
        "water pouring from the ceiling onto the light in the bathroom",
        TENANT,
        &[],
        &history,
        false,
    );
    // Then it is a request made at once as an emergency
    match r {
        Route::NewProblem(p) => assert!(matches!(*p, NewProblem::Emergency { .. }), "{p:?}"),
        other => panic!("{other:?}"),
    }
}
