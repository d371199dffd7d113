//! Asking to move a booked visit: a reschedule, with the new time riding along when the same
//! message names one, and how it stays apart from a plain proposal and from a negation.

use super::*;

#[test]
fn a_reschedule_to_a_day_and_hour_carries_that_window_of_two_hours() {
    assert_eq!(
        intent("can we reschedule to Friday at 10"),
        reschedule(Some(new_time(date(2026, 3, 13), (10, 0), (12, 0))))
    );
}

#[test]
fn moving_the_visit_to_a_named_time_carries_the_time() {
    assert_eq!(
        intent("need to move tmrw's visit to thu 2pm"),
        reschedule(Some(new_time(date(2026, 3, 12), (14, 0), (16, 0))))
    );
    assert_eq!(
        intent("have to push the appt to monday 8-10am, sorry"),
        reschedule(Some(new_time(date(2026, 3, 16), (8, 0), (10, 0))))
    );
}

#[test]
fn a_spanish_reschedule_with_a_time_follows_trade_hours() {
    assert_eq!(
        intent("podemos cambiar la cita para el jueves a las 3"),
        reschedule(Some(new_time(date(2026, 3, 12), (15, 0), (17, 0))))
    );
}

#[test]
fn a_spanglish_reschedule_with_a_range_keeps_the_range() {
    assert_eq!(
        intent("necesito hacer reschedule, el viernes de 9 a 11 works"),
        reschedule(Some(new_time(date(2026, 3, 13), (9, 0), (11, 0))))
    );
}

#[test]
fn a_reschedule_without_a_time_carries_none() {
    assert_eq!(intent("need to reschedule"), reschedule(None));
    assert_eq!(intent("reschedule to friday"), reschedule(None));
}

#[test]
fn a_bare_time_offer_without_a_word_of_moving_stays_a_proposal() {
    assert_eq!(
        intent("I can do Thu 3pm"),
        proposal(date(2026, 3, 12), (15, 0), (17, 0))
    );
    assert_eq!(
        intent("how about friday at 10"),
        proposal(date(2026, 3, 13), (10, 0), (12, 0))
    );
}

#[test]
fn a_negated_reschedule_with_a_time_stays_the_proposal_it_was() {
    assert_eq!(
        intent("no need to reschedule, friday at 10 still works"),
        proposal(date(2026, 3, 13), (10, 0), (12, 0))
    );
    assert_eq!(
        intent("don't need to move the appointment, thursday 2pm is fine"),
        proposal(date(2026, 3, 12), (14, 0), (16, 0))
    );
}

#[test]
fn a_refusal_before_the_moving_words_in_another_clause_does_not_negate_them() {
    assert_eq!(
        intent("no, can we reschedule to friday at 10"),
        reschedule(Some(new_time(date(2026, 3, 13), (10, 0), (12, 0))))
    );
}

#[test]
fn a_reschedule_naming_two_times_asks_which() {
    assert!(matches!(
        intent("can we reschedule to friday at 10 or 2"),
        Intent::Unclear { .. }
    ));
}

#[test]
fn moving_the_vendor_to_a_new_time_or_pushing_the_job_is_a_reschedule() {
    assert_eq!(
        intent("sorry, pushing you to tmw 3pm"),
        reschedule(Some(new_time(date(2026, 3, 11), (15, 0), (17, 0))))
    );
    assert_eq!(intent("need to move friday's job"), reschedule(None));
}
