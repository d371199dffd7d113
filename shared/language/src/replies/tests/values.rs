//! The reply parser's values: proposed times, money, the invariants of its questions, and cases
//! learned from the labelled data.

use super::*;
use crate::replies::money::{Amount, parse_amount};

// --- Proposals --------------------------------------------------------------------------

#[test]
fn can_do_a_date_with_a_morning_window_proposes_it() {
    assert_eq!(
        intent("can do 3/14 9-11am"),
        proposal(date(2026, 3, 14), (9, 0), (11, 0))
    );
}

#[test]
fn propose_tomorrow_with_a_full_window() {
    assert_eq!(
        intent("propose tomorrow 2pm-4pm"),
        proposal(date(2026, 3, 11), (14, 0), (16, 0))
    );
}

#[test]
fn a_time_without_an_end_proposes_a_two_hour_window() {
    assert_eq!(
        intent("how about friday 10am"),
        proposal(date(2026, 3, 13), (10, 0), (12, 0))
    );
}

#[test]
fn a_date_already_past_this_year_rolls_to_next_year() {
    assert_eq!(
        intent("can do 3/1 9am"),
        proposal(date(2027, 3, 1), (9, 0), (11, 0))
    );
    assert_eq!(
        intent("jan 5th 1pm"),
        proposal(date(2027, 1, 5), (13, 0), (15, 0))
    );
}

#[test]
fn a_weekday_means_the_next_one_and_today_counts_unless_next_is_said() {
    assert_eq!(
        intent("tuesday 2pm"),
        proposal(date(2026, 3, 10), (14, 0), (16, 0))
    );
    assert_eq!(
        intent("next tuesday 2pm"),
        proposal(date(2026, 3, 17), (14, 0), (16, 0))
    );
    assert_eq!(
        intent("monday 9am"),
        proposal(date(2026, 3, 16), (9, 0), (11, 0))
    );
}

#[test]
fn am_and_pm_are_inferred_across_a_window() {
    let tomorrow = date(2026, 3, 11);
    assert_eq!(
        intent("tomorrow 11-1"),
        proposal(tomorrow, (11, 0), (13, 0))
    );
    assert_eq!(intent("tomorrow 9-11"), proposal(tomorrow, (9, 0), (11, 0)));
    assert_eq!(intent("tomorrow 8-5"), proposal(tomorrow, (8, 0), (17, 0)));
    assert_eq!(
        intent("tomorrow 11-1pm"),
        proposal(tomorrow, (11, 0), (13, 0))
    );
    assert_eq!(
        intent("tomorrow 9am - 11am"),
        proposal(tomorrow, (9, 0), (11, 0))
    );
    assert_eq!(
        intent("tomorrow 9 to 11 am"),
        proposal(tomorrow, (9, 0), (11, 0))
    );
    assert_eq!(
        intent("tomorrow 10:30am"),
        proposal(tomorrow, (10, 30), (12, 30))
    );
    assert_eq!(
        intent("tomorrow 14:00-16:00"),
        proposal(tomorrow, (14, 0), (16, 0))
    );
    assert_eq!(
        intent("tomorrow at noon"),
        proposal(tomorrow, (12, 0), (14, 0))
    );
    assert_eq!(
        intent("tomorrow between 9 and 11"),
        proposal(tomorrow, (9, 0), (11, 0))
    );
}

#[test]
fn the_time_keyword_from_our_own_texts_proposes() {
    assert_eq!(
        intent("TIME tue 9-11am"),
        proposal(date(2026, 3, 10), (9, 0), (11, 0))
    );
    assert!(question("TIME").contains("day and time"));
}

#[test]
fn a_time_without_a_date_means_today() {
    assert_eq!(intent("how about 2pm"), proposal(today(), (14, 0), (16, 0)));
}

#[test]
fn month_names_and_bare_hours_after_a_date_are_understood() {
    assert_eq!(
        intent("can do march 20 at 2"),
        proposal(date(2026, 3, 20), (14, 0), (16, 0))
    );
    assert_eq!(
        intent("Mar 14th 9am KP27"),
        proposal(date(2026, 3, 14), (9, 0), (11, 0))
    );
    assert_eq!(
        intent("friday 2"),
        proposal(date(2026, 3, 13), (14, 0), (16, 0))
    );
}

#[test]
fn a_day_without_a_time_asks_for_the_time() {
    assert!(question("can do friday").contains("Fri Mar 13"));
    assert!(question("I'll stop by tomorrow").contains("Wed Mar 11"));
}

#[test]
fn two_different_times_ask_which() {
    let q = question("tomorrow 9am or 2pm");
    assert!(q.contains("9AM") && q.contains("2PM"), "{q}");
}

#[test]
fn a_weekday_that_contradicts_the_date_asks_which_day() {
    let q = question("fri 3/14 9am");
    assert!(q.contains("Fri Mar 13") && q.contains("Sat Mar 14"), "{q}");
    assert_eq!(
        intent("sat 3/14 9am"),
        proposal(date(2026, 3, 14), (9, 0), (11, 0))
    );
}

#[test]
fn an_impossible_or_past_dated_day_asks_again() {
    assert!(question("2/30 9am").contains("Which date"));
    assert!(question("3/14/2025 9am").contains("passed"));
    assert!(question("friday or monday 9am").contains("Which day"));
}

#[test]
fn a_refused_time_is_a_decline_but_a_counter_offer_is_a_proposal() {
    assert_eq!(
        intent("can't do tomorrow 2pm"),
        decline(Some("do tomorrow 2pm"))
    );
    assert_eq!(
        intent("can't do today, how about tomorrow 2pm"),
        proposal(date(2026, 3, 11), (14, 0), (16, 0))
    );
}

#[test]
fn est_after_a_time_is_a_time_zone_not_an_estimate() {
    assert_eq!(
        intent("can do tomorrow 10am EST"),
        proposal(date(2026, 3, 11), (10, 0), (12, 0))
    );
}

#[test]
fn a_late_evening_visit_ends_by_midnight_and_an_overnight_window_is_questioned() {
    assert_eq!(
        intent("today 10:30pm"),
        proposal(today(), (22, 30), (23, 59))
    );
    assert!(question("tomorrow 10pm-1am").contains("time window"));
}

// --- Money ------------------------------------------------------------------------------

#[test]
fn estimate_amounts_are_read_in_every_usual_format() {
    assert_eq!(intent("estimate 850"), estimate(85_000, None));
    assert_eq!(intent("est $1200.50"), estimate(120_050, None));
    assert_eq!(intent("quote $1,150"), estimate(115_000, None));
    assert_eq!(intent("estimate 1,150.00"), estimate(115_000, None));
    assert_eq!(intent("Est: $385.5"), estimate(38_550, None));
    assert_eq!(intent("estimate 850$"), estimate(85_000, None));
    assert_eq!(intent("estimate $ 850"), estimate(85_000, None));
    assert_eq!(intent("estimate 850 dollars"), estimate(85_000, None));
    assert_eq!(intent("$850 estimate"), estimate(85_000, None));
    assert_eq!(
        intent("KP27 estimate 1,234,567.89"),
        estimate(123_456_789, None)
    );
}

#[test]
fn a_quote_keeps_the_work_description_as_its_note() {
    assert_eq!(
        intent("quote 1,150 to replace the condenser fan motor"),
        estimate(115_000, Some("replace the condenser fan motor"))
    );
    assert_eq!(
        intent("need new motor, estimate 850"),
        estimate(85_000, Some("need new motor"))
    );
    assert_eq!(
        intent("estimate 850 to replace 2 valves"),
        estimate(85_000, Some("replace 2 valves"))
    );
}

#[test]
fn a_dot_before_three_digits_is_ambiguous_money() {
    let q = question("estimate 1.150");
    assert!(q.contains("$1,150") && q.contains("$1.15"), "{q}");
}

#[test]
fn two_different_amounts_ask_which_one() {
    for text in [
        "quote 800 or 1200",
        "estimate 800-1200",
        "est $800, maybe $1,200",
        "estimate 800 to 1200",
    ] {
        let q = question(text);
        assert!(q.contains("$800") && q.contains("$1,200"), "{text:?}: {q}");
    }
    assert_eq!(intent("quote $800 ($800 total)"), estimate(80_000, None));
}

#[test]
fn a_money_keyword_without_an_amount_asks_for_it() {
    assert!(question("estimate").contains("estimate amount"));
    assert!(question("invoice").contains("invoice amount"));
    assert!(question("Estimate coming tomorrow").contains("estimate amount"));
    assert!(question("estimate 1,15").contains("estimate amount"));
    assert!(question("estimate 1.2k").contains("estimate amount"));
}

#[test]
fn a_money_word_mentioned_in_passing_is_not_a_money_reply() {
    assert_eq!(
        intent("done, invoice to follow"),
        done(Some("invoice to follow"))
    );
}

#[test]
fn an_invoice_reads_its_amount_and_reference() {
    assert_eq!(intent("invoice 385"), invoice(38_500, None));
    assert_eq!(intent("inv 2231 - $385"), invoice(38_500, Some("2231")));
    assert_eq!(
        intent("invoice #A-77 $1,020.00"),
        invoice(102_000, Some("A-77"))
    );
    assert_eq!(intent("invoice #2231 385"), invoice(38_500, Some("2231")));
    assert_eq!(
        intent("Invoice INV-88 $99.99"),
        invoice(9_999, Some("INV-88"))
    );
    assert_eq!(intent("invoice $385 for 2nd visit"), invoice(38_500, None));
}

#[test]
fn an_invoice_number_before_an_amount_due_is_the_reference() {
    assert_eq!(
        intent("invoice 4417 amount due 1,080.50"),
        invoice(108_050, Some("4417"))
    );
    assert_eq!(
        intent("invoice 902 total due $75"),
        invoice(7_500, Some("902"))
    );
    // The abbreviation of "number" is not the number, and the number after it is no amount.
    assert_eq!(
        intent("inv no. 517 total due $1,310.00"),
        invoice(131_000, Some("517"))
    );
    assert_eq!(
        intent("factura nº 42, total 260"),
        invoice(26_000, Some("42"))
    );
    assert_eq!(
        intent("invoice no. 3021 for 845.75"),
        invoice(84_575, Some("3021"))
    );
}

#[test]
fn dollars_and_cents_split_by_a_space_are_asked_about() {
    assert!(question("quote $45 99").contains("estimate amount"));
    assert!(question("invoice 120 35").contains("$120"));
    // Thousands grouped by a space are asked about the same way.
    assert!(question("estimate $2 400 for the whole job").contains("estimate amount"));
    assert!(question("invoice $3 125").contains("invoice amount"));
    // A count of minutes after the amount is no cents.
    assert_eq!(
        intent("estimate $120 45 minutes of work"),
        Intent::Estimate {
            amount: Money(12_000),
            note: Some("45 minutes of work".into())
        }
    );
}

#[test]
fn an_invoice_with_two_bare_numbers_asks_which_is_the_amount() {
    let q = question("invoice 2231 385");
    assert!(q.contains("$2,231") && q.contains("$385"), "{q}");
}

#[test]
fn a_dollar_amount_without_a_keyword_asks_what_it_is() {
    assert!(question("$850").contains("estimate or an invoice"));
    assert!(question("it'll be $1,150").contains("ESTIMATE 1150"));
}

#[test]
fn money_parsing_accepts_only_three_digit_comma_groups() {
    assert_eq!(
        parse_amount("1,150"),
        Some((
            Amount::Exact {
                cents: 115_000,
                formatted: true
            },
            false
        ))
    );
    assert_eq!(parse_amount("1,15"), Some((Amount::Malformed, false)));
    assert_eq!(parse_amount("11,50,000"), Some((Amount::Malformed, false)));
    assert_eq!(
        parse_amount("99999999999999999999"),
        Some((Amount::Malformed, false))
    );
    assert_eq!(parse_amount("10am"), None);
    assert_eq!(parse_amount("3/14"), None);
}

// --- Invariants -------------------------------------------------------------------------

#[test]
fn every_question_is_short_ascii_and_fits_one_segment() {
    let texts = [
        "estimate",
        "invoice",
        "estimate 1.150",
        "estimate 1.155",
        "quote 800 or 1200",
        "estimate 1,15",
        "invoice 2231 385",
        "$850",
        "$99999999999999999.99",
        "2 or 3 or 4 or 5 or 6",
        "can do friday",
        "tomorrow 9am or 2pm",
        "fri 3/14 9am",
        "2/30 9am",
        "3/14/2025 9am",
        "tomorrow 10pm-1am",
        "TIME",
        "friday or monday 9am",
        "done KP27 MX34 QR56 AC22 DE33 FG44 HJ55",
    ];
    for text in texts {
        let q = question(text);
        assert!(!q.starts_with("NOT UNCLEAR"), "{text:?}: {q}");
        // Plain ASCII under 160 characters is one GSM-7 segment.
        assert!(q.is_ascii() && q.len() < 160, "{text:?}: {q}");
    }
}

#[test]
fn phrase_tables_are_normalised_and_never_list_a_phrase_twice() {
    let w = words::words();
    let mut seen: Vec<&str> = Vec::new();
    for (_, phrases) in w.lexicon.iter().chain(&w.alone) {
        for p in phrases {
            let normalised: Vec<String> = p.split(' ').map(crate::normalise::fold).collect();
            assert_eq!(normalised.join(" "), *p, "not normalised: {p:?}");
            assert!(!seen.contains(&p.as_str()), "listed twice: {p:?}");
            seen.push(p);
        }
    }
    for list in [
        &w.stop,
        &w.start,
        &w.help,
        &w.fillers,
        &w.negators,
        &w.choice_context,
    ] {
        assert!(list.duplicates().is_empty(), "{:?}", list.duplicates());
        for p in list.iter() {
            let normalised: Vec<String> = p.split(' ').map(crate::normalise::fold).collect();
            assert_eq!(normalised.join(" "), p, "not normalised: {p:?}");
        }
    }
    assert!(words::check().is_ok());
}

#[test]
fn every_proposal_ends_after_it_starts_and_is_not_in_the_past() {
    let texts = [
        "can do 3/14 9-11am",
        "today 11pm",
        "tomorrow 11-1",
        "3/1 9am",
        "today 12am",
        "friday 12-1",
        "tomorrow 7-9",
        "today 23:30",
    ];
    for text in texts {
        match intent(text) {
            Intent::Propose { date, start, end } => {
                assert!(start < end && date >= today(), "{text:?}");
            }
            Intent::Unclear { .. } => {}
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

// --- Learned from the labelled data (data/replies.csv) ----------------------------------

#[test]
fn a_slot_named_by_its_place_is_the_first_or_the_last() {
    assert_all(
        &[
            "the later one",
            "last one",
            "la última",
            "the last slot works",
        ],
        &Intent::LastSlot,
    );
    assert_all(&["the earlier one", "earliest one"], &Intent::Number(1));
    assert_eq!(intent("later"), Intent::Unknown);
    assert_eq!(
        intent("the last time you came it broke again"),
        Intent::Unknown
    );
}

#[test]
fn a_rating_followed_by_a_comment_is_still_the_rating() {
    assert_eq!(intent("5! very fast and friendly"), Intent::Number(5));
    assert_eq!(intent("3 - he was late"), Intent::Number(3));
    assert_eq!(intent("5 stars, great job"), Intent::Number(5));
    assert_eq!(intent("5/5 would recommend"), Intent::Number(5));
    assert_eq!(intent("⭐⭐⭐⭐⭐"), Intent::Number(5));
    assert_eq!(intent("I'd give it a 4"), Intent::Number(4));
    assert_eq!(
        intent("1. I can come at 9"),
        proposal(today(), (9, 0), (11, 0))
    );
}

#[test]
fn a_delay_between_running_and_behind_is_read() {
    assert_eq!(intent("running 15 behind"), late(Some(15)));
    assert_eq!(
        intent("running about an hour and a half behind"),
        late(Some(90))
    );
    assert_eq!(intent("voy con 30 min de retraso"), late(Some(30)));
    assert_eq!(intent("llego en 10 minutos"), late(Some(10)));
}

#[test]
fn spanish_ranges_and_ordinal_days_are_times() {
    assert_eq!(
        intent("lunes de 8 a 12"),
        proposal(date(2026, 3, 16), (8, 0), (12, 0))
    );
    assert_eq!(
        intent("thursday the 19th at 9am"),
        proposal(date(2026, 3, 19), (9, 0), (11, 0))
    );
    assert_eq!(intent("the 2nd one"), Intent::Number(2));
}

#[test]
fn a_price_for_work_still_to_do_is_an_estimate() {
    assert_eq!(
        intent("$450 to replace the water heater element"),
        estimate(45_000, Some("replace the water heater element"))
    );
    assert_eq!(
        intent("need approval for 900 to replace the contactor"),
        estimate(90_000, Some("replace the contactor"))
    );
    assert!(question("it'll be $950").contains("estimate or an invoice"));
}

#[test]
fn a_round_figure_is_never_recorded_as_money() {
    assert!(question("estimate 2 grand or so").contains("estimate amount"));
    assert!(question("around 2-3k probably").contains("exact amount"));
}

#[test]
fn an_invoice_number_or_a_bill_says_invoice() {
    assert_eq!(
        intent("INV-1042 total $275"),
        invoice(27_500, Some("INV-1042"))
    );
    assert_eq!(intent("billed 1500 for the job"), invoice(150_000, None));
    assert_eq!(intent("total due $725"), invoice(72_500, None));
}

#[test]
fn everyday_refusals_arrivals_and_moves_are_understood() {
    assert_eq!(
        intent("I'm out of town until Monday"),
        decline(Some("I'm out of town until Monday"))
    );
    assert_eq!(intent("swamped"), decline(None));
    assert_eq!(
        intent("no, I'm not home then"),
        decline(Some("I'm not home then"))
    );
    assert_eq!(intent("just pulled up"), Intent::Arrived);
    assert_eq!(intent("estoy afuera"), Intent::Arrived);
    assert_eq!(
        intent("need to move tomorrow's appointment"),
        reschedule(None)
    );
    assert_eq!(intent("no longer need the repair"), Intent::Cancel);
    assert_eq!(intent("is anyone coming tomorrow?"), Intent::Unknown);
    assert_eq!(
        intent("replaced the breaker, power restored"),
        done(Some("replaced the breaker"))
    );
}

#[test]
fn a_round_or_spoken_figure_without_a_keyword_is_asked_about() {
    for text in [
        "gonna be 2 grand for the whole thing",
        "two hundred fifty dollars for the part",
        "son como 3 mil por todo el trabajo",
        "$1.5k to replace the unit",
    ] {
        assert!(matches!(intent(text), Intent::Unclear { .. }), "{text:?}");
    }
    // "One hundred percent" is no amount.
    assert!(!matches!(
        intent("a hundred percent sure"),
        Intent::Unclear { .. }
    ));
}

#[test]
fn a_price_of_work_to_come_is_an_estimate() {
    assert_eq!(
        intent("repair cost will be 640 dollars"),
        Intent::Estimate {
            amount: Money(64000),
            note: None
        }
    );
}

#[test]
fn a_twenty_four_hour_time_without_a_colon_is_read_after_a_day() {
    assert_eq!(
        intent("Monday 1400"),
        proposal(date(2026, 3, 16), (14, 0), (16, 0))
    );
    // A year after a date is no time.
    assert!(!matches!(intent("march 30 2026"), Intent::Propose { .. }));
}

#[test]
fn an_invoice_number_after_the_amount_is_its_reference() {
    for text in [
        "billed $1,080 for the repair, invoice 7731",
        "$1,080 invoice 7731",
    ] {
        assert_eq!(
            intent(text),
            Intent::Invoice {
                amount: Money(108000),
                reference: Some("7731".into())
            },
            "{text:?}"
        );
    }
}

#[test]
fn minutes_in_words_are_the_delay() {
    assert_eq!(
        intent("stuck in traffic, twenty minutes behind"),
        Intent::RunningLate { minutes: Some(20) }
    );
    assert_eq!(
        intent("llego tarde unos quince minutos"),
        Intent::RunningLate { minutes: Some(15) }
    );
}

#[test]
fn either_one_and_a_thousand_said_in_words_are_asked() {
    for text in [
        "either one works",
        "cualquiera esta bien",
        "como mil dolares",
    ] {
        assert!(matches!(intent(text), Intent::Unclear { .. }), "{text:?}");
    }
}

#[test]
fn a_choice_passed_on_an_arrival_knocking_and_a_repair_working_beautifully_are_read() {
    assert_eq!(intent("my wife says number 2"), Intent::Number(2));
    assert_eq!(intent("knocking on your door now"), Intent::Arrived);
    assert!(matches!(
        intent("the radiator is now working beautifully"),
        Intent::Done { .. }
    ));
    // "I can" with only a vague time asks when.
    assert!(matches!(
        intent("I can come next week sometime"),
        Intent::Unclear { .. }
    ));
}

#[test]
fn a_choice_left_open_among_the_first_few_slots_is_asked_and_the_last_said_twice_is_the_last() {
    for text in [
        "either of the first two is fine",
        "cualquiera de las dos primeras",
    ] {
        assert!(matches!(intent(text), Intent::Unclear { .. }), "{text:?}");
    }
    assert_eq!(intent("whatever is later, the last one"), Intent::LastSlot);
    // A single choice is still read as one.
    assert_eq!(intent("the first one please"), Intent::Number(1));
}

#[test]
fn a_job_code_typed_with_a_space_at_the_end_is_the_code_and_a_two_letter_word_is_not() {
    assert_eq!(code("yes kp 27").as_deref(), Some("KP27"));
    assert_eq!(intent("yes kp 27"), Intent::Accept);
    assert_eq!(code("done hw 93").as_deref(), Some("HW93"));
    assert_eq!(code("can be there at 45"), None);
    assert_eq!(code("kp 27 is the one I want, yes"), None);
}

#[test]
fn a_hash_or_inv_number_after_the_amount_names_the_invoice() {
    assert_eq!(
        intent("bill is $520 for the valve swap, invoice #4417"),
        invoice(52000, Some("4417"))
    );
    assert_eq!(
        intent("Invoice total 310.00 for the visit, INV-5512"),
        invoice(31000, Some("INV-5512"))
    );
    assert_eq!(
        intent("factura de 275.00, numero A-19"),
        invoice(27500, Some("A-19"))
    );
}

#[test]
fn start_at_either_end_of_a_message_about_the_texts_opts_in() {
    assert_eq!(intent("START - opted out by accident"), Intent::Start);
    assert_eq!(
        intent("send me the messages again please: START"),
        Intent::Start
    );
    assert_eq!(intent("start time 9am works"), intent("9am works"));
}

#[test]
fn spanish_diminutive_minutes_are_minutes() {
    assert_eq!(intent("llego tarde como cinco minutitos"), late(Some(5)));
}

#[test]
fn a_price_for_the_whole_job_is_an_estimate_even_without_a_dollar_sign() {
    assert_eq!(intent("640 for the whole job"), estimate(64000, None));
    assert!(matches!(
        intent("720 bucks parts and labor"),
        Intent::Estimate {
            amount: Money(72000),
            ..
        }
    ));
    assert!(question("quinientos por todo").contains("estimate or an invoice"));
    assert_eq!(intent("3 for the whole job"), Intent::Unknown);
}
