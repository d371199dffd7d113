//! Where an inbound text goes, decided once in the domain: carrier keywords, opt-out silence,
//! the one work order a reply is about, and the opt-out gate every outgoing text passes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::replies::Sender;
use mendwork_domain::routing::{
    ANSWERS_PER_HOUR, AnswerReason, Inbound, OPT_OUT_CONFIRMATION, Route, SilenceReason,
    answer_allowed, answer_budget_key, may_text, rejected_answer, rejected_answer_in, route,
};
use mendwork_domain::*;
use support::*;

fn phone(s: &str) -> Phone {
    Phone::parse(s).unwrap()
}

const PAT: &str = "+12125550111";
const TENANT: &str = "+12125550142";
const STRANGER: &str = "+12125559999";

fn text(body: &str, from: &str, open: &[(WorkOrder, Sender)], opted_out: bool) -> Route {
    let p = phone(from);
    route(
        &PORTFOLIO,
        &Inbound {
            body,
            phone: &p,
            open,
            opted_out,
            replying_to: None,
            now: now(),
        },
    )
}

fn pat_offered() -> Vec<(WorkOrder, Sender)> {
    vec![(Given::offered_to_pat().wo, Sender::Vendor(vid("pat")))]
}

#[test]
fn stop_opts_out_with_one_confirmation_and_a_second_stop_is_silent() {
    assert!(matches!(
        text("STOP", PAT, &pat_offered(), false),
        Route::OptOut { .. }
    ));
    assert_eq!(
        text("stop", PAT, &pat_offered(), true),
        Route::Silent {
            reason: SilenceReason::AlreadyOptedOut
        }
    );
}

#[test]
fn after_stop_a_text_that_does_nothing_gets_no_answer() {
    for (body, from, open) in [
        ("what?", PAT, pat_offered()),
        ("hello there", STRANGER, vec![]),
        ("7", PAT, pat_offered()),
    ] {
        assert_eq!(
            text(body, from, &open, true),
            Route::Silent {
                reason: SilenceReason::OptedOut
            },
            "{body:?} from {from}"
        );
        assert!(
            matches!(text(body, from, &open, false), Route::Answer { .. }),
            "{body:?} from {from} is answered before STOP"
        );
    }
}

#[test]
fn an_opted_out_vendor_can_still_act_and_start_and_help_are_answered() {
    assert!(matches!(
        text("yes", PAT, &pat_offered(), true),
        Route::Execute { .. }
    ));
    assert!(matches!(
        text("START", PAT, &pat_offered(), true),
        Route::OptIn { .. }
    ));
    assert!(matches!(
        text("HELP", PAT, &pat_offered(), true),
        Route::Answer {
            reason: AnswerReason::Help,
            ..
        }
    ));
}

#[test]
fn a_reply_is_routed_to_the_one_work_order_that_takes_it() {
    let open = pat_offered();
    match text("YES", PAT, &open, false) {
        Route::Execute {
            work_order,
            command,
            from,
            ..
        } => {
            assert_eq!(work_order, open[0].0.id);
            assert_eq!(*command, Command::Accept { vendor: vid("pat") });
            assert_eq!(from, Recipient::Vendor(vid("pat")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_stranger_learns_nothing_and_a_tenant_is_answered_in_their_language() {
    match text("is my plumber coming?", STRANGER, &[], false) {
        Route::Answer {
            reason: AnswerReason::UnknownNumber,
            body,
            work_order: None,
        } => {
            assert!(!body.contains("Elm") && !body.contains("Pat"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    let mut spanish = Given::offered_to_pat().wo;
    spanish.request.language = Language::Es;
    let open = vec![(spanish, Sender::Tenant)];
    match text("blah blah", TENANT, &open, false) {
        Route::Answer {
            reason: AnswerReason::NotUnderstood,
            body,
            ..
        } => assert!(body.starts_with("Disculpe"), "{body}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_spanish_tenant_whose_text_is_unclear_is_answered_in_spanish_not_with_an_english_question() {
    let mut spanish = Given::offered_to_pat().wo;
    spanish.request.language = Language::Es;
    let open = vec![(spanish, Sender::Tenant)];
    match text("4 or 5", TENANT, &open, false) {
        Route::Answer {
            reason: AnswerReason::Unclear,
            body,
            ..
        } => {
            assert!(body.starts_with("Disculpe"), "{body}");
            assert!(!body.contains("Which") && !body.contains("mean"), "{body}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_spanish_tenant_is_told_why_a_command_was_refused_in_spanish() {
    for (refused, words) in [
        (Rejection::WrongStatus(Status::Closed.as_str()), "Cerrada"),
        (Rejection::TimeTaken, "ya no esta libre"),
        (Rejection::NoFeedbackAsked, "calificacion"),
    ] {
        match rejected_answer_in(&PORTFOLIO, &code(), &refused, false, Language::Es) {
            Some(Route::Answer { body, .. }) => {
                assert!(
                    body.starts_with("Solicitud") && body.contains(words),
                    "{body}"
                );
                assert!(mendwork_domain::segments::is_gsm7(&body), "{body}");
            }
            other => panic!("{other:?}"),
        }
    }
    match rejected_answer_in(
        &PORTFOLIO,
        &code(),
        &Rejection::TimeTaken,
        false,
        Language::En,
    ) {
        Some(Route::Answer { body, .. }) => assert!(body.contains("no longer free"), "{body}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refusal_is_answered_unless_the_number_opted_out() {
    let refused = Rejection::Invalid("that slot is taken".into());
    assert!(matches!(
        rejected_answer(&PORTFOLIO, &code(), &refused, false),
        Some(Route::Answer {
            reason: AnswerReason::Rejected,
            ..
        })
    ));
    assert_eq!(rejected_answer(&PORTFOLIO, &code(), &refused, true), None);
}

#[test]
fn an_opted_out_number_gets_no_text_but_the_confirmation_of_its_opt_out() {
    assert!(may_text(false, "vendor.offer.sms"));
    assert!(!may_text(true, "vendor.offer.sms"));
    assert!(!may_text(true, "sms.reply"));
    assert!(may_text(true, OPT_OUT_CONFIRMATION));
}

#[test]
fn a_number_gets_a_few_answers_an_hour_and_then_silence() {
    let allowed = (0..10).filter(|n| answer_allowed(*n)).count();
    assert_eq!(allowed, ANSWERS_PER_HOUR as usize);
    let p = phone(PAT);
    assert_eq!(
        answer_budget_key(&p, now()),
        answer_budget_key(&p, now() + minutes(59))
    );
    assert_ne!(
        answer_budget_key(&p, now()),
        answer_budget_key(&p, now() + hours(1))
    );
}

#[test]
fn emergency_with_a_code_from_a_phone_with_no_request_of_its_own_is_told_to_call_911() {
    // Given Pat, a vendor with an offer out and no request of his own as a tenant
    let to_nobody = match text("EMERGENCY", STRANGER, &[], false) {
        Route::Answer {
            reason: AnswerReason::DangerNoRequest,
            body,
            ..
        } => body,
        other => panic!("{other:?}"),
    };
    // When he texts EMERGENCY with a code, his own job's or another, or with none
    let code = Given::offered_to_pat().wo.code.to_string();
    for body in [
        "EMERGENCY".to_string(),
        "EMERGENCY XY23".to_string(),
        format!("EMERGENCY {code}"),
    ] {
        // Then he hears what a number with nothing open hears: call 911, say what happens
        match text(&body, PAT, &pat_offered(), false) {
            Route::Answer {
                reason: AnswerReason::DangerNoRequest,
                body: answer,
                work_order: None,
            } => assert_eq!(answer, to_nobody, "{body}"),
            other => panic!("{body}: {other:?}"),
        }
    }
}
