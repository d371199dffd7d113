//! The reply parser's answers: yes and no, choices, arrivals, delays, done and not done,
//! cancel, reschedule, the carrier keywords, Spanish and noise.

use super::*;

// --- Accept / decline -------------------------------------------------------------------

#[test]
fn every_accept_phrasing_reads_as_accept() {
    assert_all(
        &[
            "yes",
            "y",
            "Y",
            "yep",
            "ok",
            "okay",
            "sure",
            "sure can",
            "sure thing",
            "accept",
            "i'll take it",
            "I’ll take it",
            "on it",
            "si",
            "sí",
            "Sí!",
            "👍",
            "👍🏽",
            "Yes!!!",
            "YES.",
            "yeah",
            "ok thanks",
            "no problem",
            "sounds good",
            "k",
        ],
        &Intent::Accept,
    );
}

#[test]
fn yes_with_a_job_code_anywhere_accepts_and_extracts_the_code() {
    for text in [
        "YES KP27",
        "kp27 yes",
        "#KP27 yes",
        "Yes, KP27!",
        "yes (kp27)",
    ] {
        assert_eq!(intent(text), Intent::Accept, "for {text:?}");
        assert_eq!(code(text), Some("KP27".into()), "for {text:?}");
    }
}

#[test]
fn a_reply_without_a_code_has_no_job_code() {
    assert_eq!(code("yes"), None);
    assert_eq!(code("yes 27"), None);
}

#[test]
fn a_job_code_alone_is_unknown_but_still_extracted() {
    assert_eq!(intent("KP27"), Intent::Unknown);
    assert_eq!(code("KP27"), Some("KP27".into()));
}

#[test]
fn greetings_thanks_and_noise_alone_are_unknown() {
    assert_all(
        &["thanks", "hi", "", "   ", "🎉", "Hello there", "..."],
        &Intent::Unknown,
    );
}

#[test]
fn a_hedge_without_a_day_a_time_or_an_amount_is_no_answer_yet() {
    // "Not sure" must never read as "sure", nor "yes no wait" as a refusal.
    assert_all(
        &[
            "not sure",
            "yes no wait actually let me check",
            "hmm let me see",
            "no se, dejame ver",
            "yes no wait",
            "si no espera",
        ],
        &Intent::Unknown,
    );
    // With a day it is about a time, and the time is asked.
    assert!(matches!(
        intent("not sure, maybe friday?"),
        Intent::Unclear { .. }
    ));
}

#[test]
fn last_or_earliest_alone_picks_that_slot() {
    assert_eq!(intent("last"), Intent::LastSlot);
    assert_eq!(intent("the last of those times is good"), Intent::LastSlot);
    assert_eq!(intent("earliest"), Intent::Number(1));
}

#[test]
fn every_decline_phrasing_reads_as_a_decline_without_a_reason() {
    assert_all(
        &[
            "no",
            "n",
            "nope",
            "decline",
            "pass",
            "can't",
            "cant",
            "busy",
            "booked solid sorry",
            "no puedo",
            "NO.",
            "👎",
            "no thanks",
            "No thank you!",
            "KP27 no",
        ],
        &decline(None),
    );
}

#[test]
fn a_decline_keeps_what_else_was_said_as_the_reason() {
    assert_eq!(
        intent("no, booked solid this week"),
        decline(Some("booked solid this week"))
    );
    assert_eq!(
        intent("Sorry can't, truck broke down"),
        decline(Some("truck broke down"))
    );
    assert_eq!(
        intent("truck broke down, sorry no"),
        decline(Some("truck broke down"))
    );
}

#[test]
fn no_problem_is_an_accept_not_a_decline() {
    assert_eq!(intent("no problem"), Intent::Accept);
    assert_eq!(intent("No prob, KP27"), Intent::Accept);
}

#[test]
fn pass_inside_a_sentence_is_not_a_decline() {
    assert_eq!(
        intent("I'll pass by tomorrow at 3pm"),
        proposal(date(2026, 3, 11), (15, 0), (17, 0))
    );
}

// --- Numbers ----------------------------------------------------------------------------

#[test]
fn bare_choices_read_as_numbers() {
    assert_all(
        &[
            "2",
            "#2",
            "slot 2",
            "option 2",
            "2 works",
            "#2 is good",
            "the 2nd one",
            "2.",
            "(2)",
            "2️⃣",
            "option two",
            "second",
            "ok 2",
            "2 please",
            "I'll take 2",
            "Slot #2 works for me",
        ],
        &Intent::Number(2),
    );
}

#[test]
fn a_bare_number_is_a_choice_and_never_an_amount() {
    assert_eq!(intent("2"), Intent::Number(2));
    assert_eq!(intent("one"), Intent::Number(1));
    // Too large for a slot or a rating: asked about, never recorded as money.
    match intent("850") {
        Intent::Unclear { question } => assert!(question.contains("estimate or an invoice")),
        other => panic!("850 gave {other:?}"),
    }
}

#[test]
fn a_job_code_next_to_a_number_is_extracted_and_the_number_kept() {
    let parsed = parse_reply("#KP27 2", today());
    assert_eq!(parsed.intent, Intent::Number(2));
    assert_eq!(parsed.job_code.map(|c| c.to_string()), Some("KP27".into()));
}

#[test]
fn two_different_numbers_ask_which_one() {
    let q = question("2 or 3");
    assert!(q.contains("2 or 3"), "{q}");
    assert_eq!(intent("2, 2"), Intent::Number(2));
}

#[test]
fn a_number_inside_a_sentence_is_not_a_choice() {
    assert_eq!(intent("I have 2 questions"), Intent::Unknown);
}

#[test]
fn a_star_rating_is_a_number() {
    assert_eq!(intent("5 stars"), Intent::Number(5));
    assert_eq!(intent("4 ⭐"), Intent::Number(4));
}

// --- On site ----------------------------------------------------------------------------

#[test]
fn every_arrival_phrasing_reads_as_arrived() {
    assert_all(
        &[
            "arrived",
            "here",
            "here now",
            "on site",
            "onsite",
            "on-site",
            "i'm here",
            "Im here",
            "llegué",
            "llegue",
            "Here!",
            "KP27 here",
            "ok here thanks",
            "Just arrived 👋",
        ],
        &Intent::Arrived,
    );
}

#[test]
fn arrival_words_about_the_future_or_negated_are_not_arrivals() {
    assert_ne!(intent("will be on site at 3pm"), Intent::Arrived);
    assert_ne!(intent("not on site yet"), Intent::Arrived);
    assert_ne!(intent("we are here to help"), Intent::Arrived);
}

#[test]
fn running_late_reads_the_delay_when_given() {
    assert_eq!(intent("running late"), late(None));
    assert_eq!(intent("late 20 min"), late(Some(20)));
    assert_eq!(intent("be there in 15"), late(Some(15)));
    assert_eq!(intent("running 10 mins late"), late(Some(10)));
    assert_eq!(intent("ok, running late, eta 20"), late(Some(20)));
    assert_eq!(intent("late, 1 hr"), late(Some(60)));
    assert_eq!(intent("running 1.5 hours late"), late(Some(90)));
    assert_eq!(intent("stuck in traffic, 15-20 min"), late(Some(20)));
    assert_eq!(intent("be there in half an hour"), late(Some(30)));
    assert_eq!(intent("late 20min KP27"), late(Some(20)));
    assert_eq!(intent("llego tarde"), late(None));
}

#[test]
fn a_promise_not_to_be_late_is_not_running_late() {
    assert_ne!(intent("won't be late"), late(None));
}

// --- Done / not done --------------------------------------------------------------------

#[test]
fn every_done_phrasing_reads_as_done_without_notes() {
    assert_all(
        &[
            "done",
            "completed",
            "finished",
            "fixed it",
            "all set",
            "DONE!",
            "done 👍",
            "Done. Thanks!",
            "listo",
            "terminado",
            "kp27 done",
            "ok done",
            "yes done",
            "Done ✅🎉",
            "all done thank you",
        ],
        &done(None),
    );
}

#[test]
fn done_keeps_the_text_after_the_keyword_as_notes() {
    assert_eq!(
        intent("fixed it, swapped the cartridge"),
        done(Some("swapped the cartridge"))
    );
    assert_eq!(
        intent("Done - replaced the Moen cartridge."),
        done(Some("replaced the Moen cartridge"))
    );
    assert_eq!(
        intent("done and tested, no leaks"),
        done(Some("tested, no leaks"))
    );
    assert_eq!(intent("done, no leaks"), done(Some("no leaks")));
}

#[test]
fn done_takes_notes_from_before_the_keyword_when_nothing_follows() {
    assert_eq!(
        intent("swapped the cartridge, done"),
        done(Some("swapped the cartridge"))
    );
}

#[test]
fn done_in_the_future_is_not_done() {
    assert_ne!(intent("will be done by 5"), done(None));
    assert!(!matches!(
        intent("should be finished tomorrow"),
        Intent::Done { .. }
    ));
}

#[test]
fn every_not_done_phrasing_reads_as_not_done() {
    assert_all(
        &[
            "not done",
            "not finished",
            "couldn't finish",
            "NOT DONE",
            "no terminado",
            "not done yet",
            "no, not done",
            "Still not done",
            "KP27 not done",
        ],
        &not_done(None),
    );
}

#[test]
fn not_done_keeps_the_reason() {
    assert_eq!(
        intent("NOT DONE need to order part"),
        not_done(Some("need to order part"))
    );
    assert_eq!(intent("need parts"), not_done(Some("need parts")));
    assert_eq!(
        intent("couldn't finish, need parts for the disposal"),
        not_done(Some("need parts for the disposal"))
    );
    assert_eq!(
        intent("Not done — waiting on the landlord"),
        not_done(Some("waiting on the landlord"))
    );
    assert_eq!(
        intent("ran out of time, not done"),
        not_done(Some("ran out of time"))
    );
}

#[test]
fn done_is_never_confused_with_not_done_or_no() {
    assert_eq!(intent("done"), done(None));
    assert_eq!(intent("not done"), not_done(None));
    assert_eq!(intent("no"), decline(None));
    assert_eq!(intent("wasn't able to finish"), not_done(None));
    assert_eq!(intent("not bad, done"), done(Some("not bad")));
}

// --- Tenant / scheduling words ----------------------------------------------------------

#[test]
fn every_reschedule_phrasing_reads_as_reschedule() {
    assert_all(
        &[
            "reschedule",
            "need a different time",
            "change time",
            "can we reschedule?",
            "Reschedule please",
            "cancel and reschedule",
            "KP27 reschedule",
        ],
        &reschedule(None),
    );
}

#[test]
fn a_reschedule_naming_a_time_carries_the_time() {
    assert_eq!(
        intent("reschedule to friday 10am"),
        reschedule(Some(new_time(date(2026, 3, 13), (10, 0), (12, 0))))
    );
}

#[test]
fn a_no_that_asks_for_another_time_answers_the_proposal_as_a_decline() {
    assert_eq!(intent("No, another time"), decline(Some("another time")));
}

#[test]
fn every_cancel_phrasing_reads_as_cancel() {
    assert_all(
        &[
            "WITHDRAW",
            "withdraw my request",
            "ANULAR",
            "anular la solicitud",
            "cancel request",
            "no longer needed",
            "Cancel please",
            "cancelar por favor",
            "cancel KP27",
            "never mind",
            "no need, it's working again",
        ],
        &Intent::Cancel,
    );
    assert_ne!(intent("don't cancel"), Intent::Cancel);
}

// --- Carrier keywords -------------------------------------------------------------------

#[test]
fn every_help_phrasing_reads_as_help() {
    assert_all(
        &[
            "help",
            "HELP",
            "?",
            "??",
            "info",
            "ayuda",
            "help KP27",
            "Help!",
        ],
        &Intent::Help,
    );
    assert_ne!(intent("can you help me find the unit"), Intent::Help);
}

// --- Danger now -------------------------------------------------------------------------

#[test]
fn emergency_and_emergencia_alone_read_as_a_report_of_danger() {
    assert_all(
        &[
            "EMERGENCY",
            "emergency",
            "Emergency!!",
            "it's an emergency",
            "This is an emergency, please",
            "EMERGENCY KP27",
            "help emergency",
            "EMERGENCIA",
            "¡Emergencia!",
            "es una emergencia por favor",
            "peligro",
            "danger",
        ],
        &Intent::Emergency,
    );
    assert_eq!(code("EMERGENCY KP27"), Some("KP27".into()));
}

#[test]
fn emergency_inside_a_sentence_keeps_the_sentences_meaning() {
    assert_eq!(
        intent("family emergency, need to reschedule"),
        reschedule(None)
    );
    assert_eq!(
        intent("running 2 hrs behind, emergency call"),
        late(Some(120))
    );
    assert_ne!(intent("is it an emergency?"), Intent::Emergency);
    assert_ne!(intent("no emergency, just a drip"), Intent::Emergency);
}

#[test]
fn a_report_of_danger_naming_two_jobs_is_never_held_by_a_question() {
    let parsed = parse_reply("EMERGENCY KP27 KQ34", today());
    assert_eq!(parsed.intent, Intent::Emergency);
    assert_eq!(parsed.job_code, None);
}

#[test]
fn every_stop_phrasing_reads_as_stop() {
    assert_all(
        &[
            "stop",
            "STOP",
            "Stop.",
            "stopall",
            "unsubscribe",
            "cancel sms",
            "quit",
            "end",
            "STOP KP27",
            "stop please",
            "Stop texting me",
            "REMOVE",
            "revoke",
            "TD",
            "arret",
            "ALTO",
            "Parar",
            "alto por favor",
            "no me manden más mensajes",
        ],
        &Intent::Stop,
    );
}

#[test]
fn cancel_alone_is_an_opt_out_as_carriers_read_it() {
    // Carriers and AWS End User Messaging opt the number out on CANCEL alone: so does Mendwork,
    // and nothing it sends tells a tenant to text it.
    assert_all(
        &["cancel", "CANCEL", "Cancel.", "cancelar", "CANCELAR!"],
        &Intent::Stop,
    );
    assert_eq!(intent("cancel please"), Intent::Cancel);
    assert_eq!(intent("cancel the request"), Intent::Cancel);
    assert_eq!(intent("cancel KP27"), Intent::Cancel);
}

#[test]
fn stop_inside_a_sentence_is_not_an_opt_out() {
    assert_ne!(intent("stop by tomorrow"), Intent::Stop);
    assert_ne!(intent("can't stop the leak"), Intent::Stop);
    assert_eq!(
        intent("I'll stop by tomorrow at 10am"),
        proposal(date(2026, 3, 11), (10, 0), (12, 0))
    );
}

#[test]
fn every_start_phrasing_reads_as_start() {
    assert_all(&["start", "START", "unstop", "subscribe"], &Intent::Start);
}

#[test]
fn several_job_codes_ask_which_job_except_for_carrier_keywords() {
    let parsed = parse_reply("done KP27 MX34", today());
    assert_eq!(parsed.job_code, None);
    match parsed.intent {
        Intent::Unclear { question } => {
            assert!(
                question.contains("KP27") && question.contains("MX34"),
                "{question}"
            );
        }
        other => panic!("expected a question, got {other:?}"),
    }
    assert_eq!(intent("STOP KP27 MX34"), Intent::Stop);
    assert_eq!(code("yes KP27 kp27"), Some("KP27".into()));
}

// --- Language and noise -----------------------------------------------------------------

#[test]
fn spanish_basics_are_understood() {
    assert_eq!(intent("sí"), Intent::Accept);
    assert_eq!(intent("no"), decline(None));
    assert_eq!(intent("listo"), done(None));
    assert_eq!(intent("Terminado!"), done(None));
    assert_eq!(intent("llegué"), Intent::Arrived);
    assert_eq!(intent("no terminado"), not_done(None));
    assert_eq!(intent("ayuda"), Intent::Help);
    assert_eq!(intent("no puedo"), decline(None));
    assert_eq!(
        intent("mañana 10am"),
        proposal(date(2026, 3, 11), (10, 0), (12, 0))
    );
}

#[test]
fn filler_words_do_not_change_the_intent() {
    assert_eq!(intent("hi, running late"), late(None));
    assert_eq!(intent("ok thanks, done"), done(None));
    assert_eq!(intent("yeah I'm here"), Intent::Arrived);
    assert_eq!(intent("Hey! Sure thing KP27 😀"), Intent::Accept);
}

#[test]
fn stronger_intents_win_over_a_leading_yes_or_no() {
    assert_eq!(intent("yes, running late 10 min"), late(Some(10)));
    assert_eq!(intent("ok 2"), Intent::Number(2));
    assert_eq!(intent("no longer needed"), Intent::Cancel);
}

#[test]
fn a_question_about_the_work_is_not_a_report_of_it() {
    assert_eq!(intent("Is it done?"), Intent::Unknown);
    assert_eq!(intent("Done?"), Intent::Unknown);
    assert_ne!(intent("Has the plumber arrived?"), Intent::Arrived);
    assert_eq!(
        intent("Fixed it, want me to check the other sink?"),
        done(Some("want me to check the other sink"))
    );
}

#[test]
fn phrases_that_merely_contain_a_keyword_mean_nothing_by_themselves() {
    assert_eq!(intent("still working on it"), Intent::Unknown);
    assert_eq!(intent("no leaks"), Intent::Unknown);
    assert_eq!(
        intent("no leak anymore, all good"),
        done(Some("no leak anymore"))
    );
}

#[test]
fn a_tenant_saying_it_works_now_reads_as_done() {
    assert_eq!(intent("Thanks, it works now"), done(None));
    assert_eq!(intent("Yes it's all good now"), done(None));
}

#[test]
fn a_time_before_an_offer_word_is_a_counter_offer_after_a_no() {
    assert_eq!(
        intent("no, monday 10am works better"),
        proposal(date(2026, 3, 16), (10, 0), (12, 0))
    );
    assert!(question("can't, can do thursday though").contains("Thu Mar 12"));
}

#[test]
fn on_my_way_is_a_delay_only_with_an_eta() {
    assert_eq!(intent("omw 10 min"), late(Some(10)));
    assert_eq!(intent("I'm on my way"), Intent::Unknown);
}

#[test]
fn a_score_out_of_five_or_ten_is_a_rating_number() {
    assert_eq!(intent("5/5"), Intent::Number(5));
    assert_eq!(intent("Thanks! 4/5 stars"), Intent::Number(4));
    assert!(question("can do 5/5").contains("Tue May 5"));
}

#[test]
fn repeated_carrier_keywords_still_count() {
    assert_eq!(intent("STOP STOP"), Intent::Stop);
    assert_eq!(intent("help help"), Intent::Help);
}

#[test]
fn not_done_for_lack_of_access_keeps_the_whole_story() {
    assert_eq!(intent("no one home"), not_done(Some("no one home")));
    assert_eq!(
        intent("Couldn't get in, tenant not home"),
        not_done(Some("Couldn't get in, tenant not home"))
    );
}

#[test]
fn an_invoice_reference_can_follow_the_amount_when_announced() {
    assert_eq!(
        intent("invoice 385.00 ref 1042"),
        invoice(38_500, Some("1042"))
    );
}

#[test]
fn an_estimate_split_into_parts_asks_for_the_total() {
    let q = question("estimate 600 parts + 250 labor");
    assert!(q.contains("$600") && q.contains("$250"), "{q}");
}

#[test]
fn a_done_verb_with_an_object_keeps_the_whole_sentence_as_notes() {
    assert_eq!(
        intent("fixed the leak under the sink"),
        done(Some("fixed the leak under the sink"))
    );
    assert_eq!(intent("I fixed it"), done(None));
}

#[test]
fn a_choice_in_the_first_clause_stands_whatever_reason_follows() {
    assert_eq!(
        intent("1 pls, I work nights so the morning is best"),
        Intent::Number(1)
    );
    assert_eq!(intent("latest one, I get home late"), Intent::LastSlot);
    // A number or a time after the comma is part of the answer, not a reason.
    assert_ne!(intent("2, but only after 5pm"), Intent::Number(2));
}

#[test]
fn a_score_told_in_words_is_a_rating_and_a_quantity_is_not() {
    assert_eq!(intent("4 out of 5"), Intent::Number(4));
    assert_eq!(
        intent("I'd give them a 4, he was nice but left a mess"),
        Intent::Number(4)
    );
    assert_eq!(intent("le doy un 9"), Intent::Number(9));
    assert_ne!(intent("give me a 2 hour window"), Intent::Number(2));
}

#[test]
fn a_sender_at_a_door_named_by_its_unit_has_arrived() {
    assert_all(
        &["outside 4B", "here at unit 12", "afuera del 3C"],
        &Intent::Arrived,
    );
}

#[test]
fn still_not_working_after_the_visit_is_not_done() {
    for text in [
        "he left but the heat still doesnt work",
        "ya se fue pero todavia no funciona",
    ] {
        assert!(matches!(intent(text), Intent::NotDone { .. }), "{text:?}");
    }
}
