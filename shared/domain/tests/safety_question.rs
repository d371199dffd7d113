//! The safety question, given/when/then: asked at once when triage leaves a danger open while
//! the routine path carries on; YES makes it an emergency with everything that follows; NO or
//! no answer keeps the routine path; a raised priority is never lowered; a second answer is
//! harmless; and a tenant's YES or NO by text goes to the question.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::decide::{Context, decide};
use mendwork_domain::replies::Sender;
use mendwork_domain::routing::{Inbound, Route, route};
use mendwork_domain::safety::SafetyAnswer;
use mendwork_domain::segments::sms_segments;
use mendwork_domain::triage::SafetyQuestion;
use mendwork_domain::*;
use support::*;

/// Water near a light, reported as a plumbing problem at Elm House (pat first, ray the only
/// emergency plumber): triage leaves the danger open.
fn leak_by_the_light() -> NewWorkOrder {
    NewWorkOrder {
        description: "water dripping from the ceiling right beside the kitchen light".into(),
        ..elm_drip()
    }
}

fn asked() -> Given {
    Given::submitted(leak_by_the_light()).did(Command::Triage)
}

fn answer(yes: bool) -> Command {
    Command::AnswerSafetyQuestion {
        yes,
        by: Actor::Tenant,
    }
}

fn offered_to(t: &Then) -> Vec<(VendorId, chrono::DateTime<chrono::Utc>)> {
    t.events()
        .iter()
        .filter_map(|e| match e {
            Event::Offered { vendor, expires_at } => Some((vendor.clone(), *expires_at)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_danger_left_open_is_asked_about_at_once_while_the_job_is_offered_meanwhile() {
    let t = Given::submitted(leak_by_the_light()).when(Command::Triage);
    assert!(t.has(|e| matches!(
        e,
        Event::SafetyQuestionAsked {
            question: SafetyQuestion::WaterNearElectricity
        }
    )));
    // The routine path is not held: pat gets the (urgent) offer in the same transition.
    assert_eq!(offered_to(&t), vec![(vid("pat"), now() + hours(1))]);
    assert_eq!(t.wo().priority, Priority::Urgent);
    let (_, due) = t.timer_set(TimerKind::SafetyQuestion);
    assert_eq!(due, now() + minutes(30), "the policy's default time");
    let sms = t.sms("question.water_near_electricity");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert_eq!(sms[0].to.to_string(), "+12125550142");
    assert!(
        sms[0].body.starts_with("#KP27 safety check"),
        "{}",
        sms[0].body
    );
    assert!(sms[0].body.ends_with("Reply YES or NO."), "{}", sms[0].body);
    assert_eq!(sms_segments(&sms[0].body), 1);
    let check = t.wo().safety.as_ref().expect("a safety check");
    assert!(check.is_open());
}

#[test]
fn a_request_with_no_open_danger_asks_nothing_and_has_nothing_to_answer() {
    let t = Given::submitted(elm_drip()).when(Command::Triage);
    assert!(!t.has(|e| matches!(e, Event::SafetyQuestionAsked { .. })));
    assert!(t.wo().safety.is_none());
    let given = Given::submitted(elm_drip()).did(Command::Triage);
    assert_eq!(
        given.when(answer(true)).rejected(),
        Rejection::NoSafetyQuestion
    );
}

#[test]
fn an_emergency_at_submission_is_not_asked_about() {
    let t = Given::submitted(elm_flood()).when(Command::Triage);
    assert_eq!(t.wo().priority, Priority::Emergency);
    assert!(!t.has(|e| matches!(e, Event::SafetyQuestionAsked { .. })));
}

#[test]
fn yes_makes_it_an_emergency_withdraws_the_routine_offer_and_offers_the_emergency_vendor() {
    let given = asked().later(minutes(3));
    let t = given.when(answer(true));
    assert_eq!(t.wo().priority, Priority::Emergency);
    let triage = t.wo().triage.as_ref().unwrap();
    assert_eq!(triage.emergency, Some(EmergencyKind::Flooding));
    assert_eq!(triage.priority, Priority::Emergency);
    assert!(triage.safety_instructions.is_some() && triage.question.is_none());
    // Pat (not emergency-capable) is told not to go; ray gets the emergency offer, 15 minutes.
    assert!(t.has(|e| *e == Event::OfferWithdrawnForEmergency { vendor: vid("pat") }));
    assert_eq!(offered_to(&t), vec![(vid("ray"), given.now + minutes(15))]);
    assert_eq!(t.wo().offer.as_ref().unwrap().vendor, vid("ray"));
    assert_eq!(
        t.sms("vendor.withdrawn_emergency.sms")[0].to.to_string(),
        "+12125550111"
    );
    assert_eq!(t.sms("vendor.offer.sms")[0].to.to_string(), "+13105550113");
    // What an emergency gets at submission: safety instructions and the team alerted.
    let safety = t.sms("tenant.safety.sms");
    assert_eq!(safety.len(), 1);
    assert!(
        safety[0].body.contains("Shut off the water"),
        "{}",
        safety[0].body
    );
    // The form's contact is not confirmed yet: the plain email, none of the tenant's words.
    assert_eq!(t.emails("tenant.safety.plain.email").len(), 1);
    assert_eq!(t.sms("pm.emergency.sms").len(), 1);
    assert_eq!(t.emails("pm.emergency.email").len(), 1);
    // The question is settled and its timer cancelled.
    let check = t.wo().safety.as_ref().unwrap();
    assert_eq!(check.answer, Some(SafetyAnswer::Yes));
    assert!(!t.wo().armed(TimerKind::SafetyQuestion));
    assert!(t.wo().armed(TimerKind::AcceptTimeout));
}

#[test]
fn when_the_first_emergency_vendor_holds_the_routine_offer_it_is_remade_with_the_emergency_deadline()
 {
    // Palm Court lists ray (emergency-capable) first for plumbing. 07:00 in Los Angeles is
    // quiet hours, so the routine offer waits; 09:00 it goes out to ray.
    let at_nine = utc("2026-03-04T17:00:00Z");
    let request = NewWorkOrder {
        property: PropertyId::from("palm"),
        availability: vec![palm_thu(), palm_mon()],
        ..leak_by_the_light()
    };
    let given = Given::submitted_at(request, at_nine)
        .did(Command::Triage)
        .later(minutes(5));
    assert_eq!(given.wo.offer.as_ref().unwrap().vendor, vid("ray"));
    let (accept_gen, _) = given.armed(TimerKind::AcceptTimeout);
    let t = given.when(answer(true));
    assert!(!t.has(|e| matches!(e, Event::OfferWithdrawnForEmergency { .. })));
    assert_eq!(offered_to(&t), vec![(vid("ray"), given.now + minutes(15))]);
    let (generation, due) = t.after.armed(TimerKind::AcceptTimeout);
    assert_eq!((generation, due), (accept_gen + 1, given.now + minutes(15)));
}

#[test]
fn yes_at_night_sends_the_offer_held_for_quiet_hours_at_once_and_alerts_the_team() {
    // 23:00 in New York: the routine offer is held until 08:00.
    let night = utc("2026-03-05T04:00:00Z");
    let given = Given::submitted_at(leak_by_the_light(), night).did(Command::Triage);
    assert!(given.wo.armed(TimerKind::QuietHoursEnd));
    assert!(
        given.wo.safety.as_ref().unwrap().is_open(),
        "asked at night too"
    );
    let t = given.later(minutes(2)).when(answer(true));
    assert!(!t.wo().armed(TimerKind::QuietHoursEnd));
    assert_eq!(offered_to(&t)[0].0, vid("ray"));
    assert_eq!(t.sms("pm.emergency.sms").len(), 1);
}

#[test]
fn no_keeps_the_routine_path_and_the_priority_the_hazard_raised() {
    let given = asked().later(minutes(4));
    let offer = given.wo.offer.clone();
    let t = given.when(answer(false));
    assert_eq!(t.wo().priority, Priority::Urgent, "never lowered");
    assert_eq!(t.wo().offer, offer, "pat's offer stands");
    assert!(offered_to(&t).is_empty());
    assert!(!t.has(|e| matches!(e, Event::OfferWithdrawnForEmergency { .. })));
    assert!(t.sms("pm.emergency.sms").is_empty());
    let ack = t.sms("tenant.question_no.sms");
    assert_eq!(ack.len(), 1);
    assert!(ack[0].body.contains("reply YES"), "{}", ack[0].body);
    assert_eq!(sms_segments(&ack[0].body), 1);
    assert!(!t.wo().armed(TimerKind::SafetyQuestion));
    assert_eq!(
        t.wo().safety.as_ref().unwrap().answer,
        Some(SafetyAnswer::No)
    );
}

#[test]
fn unanswered_the_question_expires_and_the_routine_path_stands() {
    let given = asked();
    let offer = given.wo.offer.clone();
    let t = given.when_fired(TimerKind::SafetyQuestion);
    assert!(t.has(|e| matches!(e, Event::SafetyQuestionExpired { .. })));
    assert_eq!(t.wo().offer, offer);
    assert_eq!(t.wo().priority, Priority::Urgent);
    assert!(
        t.effects
            .iter()
            .all(|e| !matches!(e, Effect::Sms(_) | Effect::Email(_)))
    );
    assert!(!t.wo().safety.as_ref().unwrap().is_open());
}

#[test]
fn a_second_answer_after_the_first_is_harmless() {
    let yes = asked().did(answer(true)).later(minutes(1));
    yes.when(answer(true)).no_events();
    yes.when(answer(false)).no_events();
    assert_eq!(yes.wo.priority, Priority::Emergency);
    let no = asked().did(answer(false)).later(minutes(1));
    no.when(answer(false)).no_events();
}

#[test]
fn yes_after_no_or_after_the_question_expired_still_makes_it_an_emergency() {
    let after_no = asked().did(answer(false)).later(minutes(20));
    let t = after_no.when(answer(true));
    assert_eq!(t.wo().priority, Priority::Emergency);
    assert_eq!(offered_to(&t)[0].0, vid("ray"));
    let after_expiry = asked().fired(TimerKind::SafetyQuestion).later(hours(1));
    let t = after_expiry.when(answer(true));
    assert_eq!(t.wo().priority, Priority::Emergency);
    assert_eq!(t.sms("pm.emergency.sms").len(), 1);
}

#[test]
fn yes_after_a_vendor_accepted_keeps_the_vendor_tells_them_and_alerts_the_team() {
    let given = asked()
        .later(minutes(5))
        .did(Command::Accept { vendor: vid("pat") })
        .later(minutes(5));
    let t = given.when(answer(true));
    assert_eq!(t.wo().vendor, Some(vid("pat")));
    assert!(offered_to(&t).is_empty());
    let told = t.sms("vendor.now_emergency.sms");
    assert_eq!(told.len(), 1);
    assert!(
        told[0]
            .body
            .contains("EMERGENCY (active water leak / flooding)"),
        "{}",
        told[0].body
    );
    assert_eq!(sms_segments(&told[0].body), 1, "{}", told[0].body);
    assert_eq!(t.sms("pm.emergency.sms").len(), 1);
    assert_eq!(t.sms("tenant.safety.sms").len(), 1);
}

#[test]
fn a_stale_question_timer_does_nothing_and_a_cancellation_cancels_the_question_timer() {
    let given = asked();
    let (generation, due) = given.armed(TimerKind::SafetyQuestion);
    let answered = given.clone().did(answer(false)).at(due);
    answered
        .when(Command::TimerFired {
            kind: TimerKind::SafetyQuestion,
            generation,
        })
        .no_events();
    let t = given.when(Command::Cancel {
        by: Actor::Tenant,
        reason: None,
    });
    assert!(t.has(|e| matches!(
        e,
        Event::TimerCancelled {
            timer: TimerKind::SafetyQuestion,
            ..
        }
    )));
}

#[test]
fn a_spanish_tenant_is_asked_and_answered_in_spanish_within_one_segment() {
    let request = NewWorkOrder {
        language: Language::Es,
        ..leak_by_the_light()
    };
    let t = Given::submitted(request.clone()).when(Command::Triage);
    let q = t.sms("question.water_near_electricity");
    assert!(q[0].body.contains("pregunta de seguridad") && q[0].body.contains("Responda SI o NO"));
    assert_eq!(sms_segments(&q[0].body), 1, "{}", q[0].body);
    let no = Given::submitted(request.clone())
        .did(Command::Triage)
        .when(answer(false));
    let ack = no.sms("tenant.question_no.sms");
    assert!(ack[0].body.contains("responda SI"), "{}", ack[0].body);
    assert_eq!(sms_segments(&ack[0].body), 1, "{}", ack[0].body);
    let yes = Given::submitted(request)
        .did(Command::Triage)
        .when(answer(true));
    assert!(
        yes.sms("tenant.safety.sms")[0]
            .body
            .starts_with("SEGURIDAD")
    );
}

#[test]
fn the_time_the_question_stays_open_is_a_portfolio_policy() {
    let mut portfolio = PORTFOLIO.clone();
    portfolio.policy.safety_question_timeout = Span::minutes(10);
    let given = Given::submitted(leak_by_the_light());
    let property = given.property();
    let ctx = Context::new(&portfolio, property, now(), &given.opted_out, &given.busy);
    let events = decide(&given.wo, &Command::Triage, &ctx).unwrap();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::TimerSet { timer: TimerKind::SafetyQuestion, at, .. } if *at == now() + minutes(10)
    )));
}

// ----- replies by text -----

const TENANT: &str = "+12125550142";

fn text_from(body: &str, phone: &str, open: &[(WorkOrder, Sender)]) -> Route {
    let p = Phone::parse(phone).unwrap();
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

fn command_of(r: &Route) -> Option<&Command> {
    match r {
        Route::Execute { command, .. } => Some(command),
        _ => None,
    }
}

#[test]
fn a_tenants_yes_or_no_while_the_question_is_open_goes_to_the_question() {
    let open = vec![(asked().wo, Sender::Tenant)];
    for (body, yes) in [("YES", true), ("yes", true), ("Si", true), ("NO", false)] {
        assert_eq!(
            command_of(&text_from(body, TENANT, &open)),
            Some(&answer(yes)),
            "{body}"
        );
    }
}

#[test]
fn stop_and_cancel_stay_opt_outs_while_the_question_is_open() {
    let open = vec![(asked().wo, Sender::Tenant)];
    for body in ["STOP", "CANCEL", "stop"] {
        assert!(
            matches!(text_from(body, TENANT, &open), Route::OptOut { .. }),
            "{body}"
        );
    }
}

#[test]
fn once_answered_yes_a_second_yes_by_text_does_not_reach_the_question() {
    let open = vec![(asked().did(answer(true)).wo, Sender::Tenant)];
    assert!(command_of(&text_from("YES", TENANT, &open)).is_none());
}

#[test]
fn a_vendors_yes_still_takes_the_offer_while_the_tenant_is_asked() {
    let wo = asked().wo;
    let open = vec![(wo, Sender::Vendor(vid("pat")))];
    assert_eq!(
        command_of(&text_from("YES", "+12125550111", &open)),
        Some(&Command::Accept { vendor: vid("pat") })
    );
}

#[test]
fn a_tenant_who_is_also_a_vendor_answers_the_safety_question_with_a_bare_yes_but_not_a_bare_no() {
    // Pat rents at Elm House too: their own request has the question open, and another job is
    // offered to them.
    let mut theirs = asked().wo;
    theirs.id = WorkOrderId("wo-pathome".into());
    theirs.code = JobCode::parse("KP28").unwrap();
    theirs.request.tenant.phone = Some(Phone::parse("+12125550111").unwrap());
    let job = Given::offered_to_pat().wo;
    let open = vec![(theirs, Sender::Tenant), (job, Sender::Vendor(vid("pat")))];
    match text_from("YES", "+12125550111", &open) {
        Route::Execute {
            work_order,
            command,
            ..
        } => {
            assert_eq!(work_order.as_str(), "wo-pathome");
            assert_eq!(*command, answer(true));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        text_from("NO", "+12125550111", &open),
        Route::Answer { .. }
    ));
    // With the job's code, YES takes the job.
    assert_eq!(
        command_of(&text_from("YES KP27", "+12125550111", &open)),
        Some(&Command::Accept { vendor: vid("pat") })
    );
}

#[test]
fn a_tenant_with_no_mobile_number_is_asked_by_email_to_answer_on_the_status_page() {
    let request = NewWorkOrder {
        tenant: Contact {
            phone: None,
            ..tenant()
        },
        ..leak_by_the_light()
    };
    let t = Given::submitted(request.clone()).when(Command::Triage);
    assert!(t.sms("question.water_near_electricity").is_empty());
    let mail = t.emails("tenant.question.email");
    assert_eq!(mail.len(), 1, "{:#?}", t.effects);
    assert!(
        mail[0]
            .text
            .contains("Is water touching a light, an outlet, a switch or wiring right now?"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].text.contains("https://mw.example.com/s/KP27"));
    assert!(
        !mail[0].text.contains("Reply YES or NO."),
        "{}",
        mail[0].text
    );
    let es = Given::submitted(NewWorkOrder {
        language: Language::Es,
        ..request
    })
    .when(Command::Triage);
    let mail = es.emails("tenant.question.email");
    assert!(
        mail[0].text.contains("¿El agua está tocando"),
        "{}",
        mail[0].text
    );
    // With a mobile number, the SMS is enough.
    let t = Given::submitted(leak_by_the_light()).when(Command::Triage);
    assert!(t.emails("tenant.question.email").is_empty());
}
