//! The model's second opinion (`src/model.rs`) asks: it is not heard where the rules already read
//! the danger, against scope (negated, hypothetical, over) or about a door inside the home, and
//! where it is heard the request is urgent and the tenant gets the question whose YES is the
//! emergency the model saw. It makes an emergency only of a question asked, of that question's
//! kind, when it is all but certain (`model::RAISE`), and never unmakes one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use mendwork_language::model::{Opinion, RAISE, gate_stems, second_opinion};
use mendwork_language::normalise::fold;
use mendwork_language::triage::{
    Assessment, SafetyQuestion, TriageInput, question_for, triage, triage_by_rules, triage_with,
};
use mendwork_language::{EmergencyKind, Priority};
use sets::*;

fn input(text: &str) -> TriageInput<'_> {
    TriageInput::new(text)
}

/// Given a description, when triaged with a model that puts an emergency of `kind` at `p`.
fn with_model(text: &str, kind: EmergencyKind, p: f64) -> Assessment {
    triage_with(&input(text), |_, _| Some(Opinion { emergency: p, kind }))
}

/// Given a description, when triaged with a model that is sure enough to ask about an emergency
/// of `kind`, but not sure enough to raise it.
fn with_sure_model(text: &str, kind: EmergencyKind) -> Assessment {
    with_model(text, kind, 0.99)
}

#[test]
fn the_second_opinion_never_unmakes_an_emergency_and_raises_only_the_one_a_question_names() {
    let mut cases = load_all_descriptions(&MAIN_DESCRIPTIONS).unwrap();
    cases.extend(load_descriptions(HOLDOUT_DESCRIPTIONS).unwrap());
    cases.extend(load_descriptions(HELDBACK_DESCRIPTIONS).unwrap());
    for c in &cases {
        let i = TriageInput {
            cold_weather: c.cold_weather,
            ..TriageInput::new(&c.text)
        };
        let (with, without) = (triage(&i), triage_by_rules(&i));
        assert_eq!(with.trade, without.trade, "{:?}", c.text);
        if with.emergency != without.emergency {
            // Raised: only where the rules read no emergency, to the emergency of the question
            // they would have asked, or the one the opinion asks without the raise.
            assert_eq!(without.emergency, None, "{:?}", c.text);
            assert!(with.question.is_none(), "{:?}", c.text);
            let asked = without.question.or_else(|| {
                triage_with(&i, |text, cold| {
                    Some(Opinion {
                        emergency: RAISE / 2.0,
                        ..second_opinion(text, cold)
                    })
                })
                .question
            });
            assert_eq!(
                with.emergency,
                asked.map(|q| q.emergency_if_yes()),
                "{:?}",
                c.text
            );
            continue;
        }
        if with.question != without.question {
            // Heard: only where the rules asked nothing, and then urgent at least.
            assert_eq!(without.question, None, "{:?}", c.text);
            assert_eq!(with.priority, Priority::Urgent, "{:?}", c.text);
        }
    }
}

#[test]
fn where_the_rules_are_silent_the_model_makes_it_urgent_and_asks_the_question_of_its_kind() {
    let a = with_sure_model(
        "the water is getting closer and closer to the plug",
        EmergencyKind::Flooding,
    );
    assert_eq!(a.emergency, None);
    assert_eq!(a.priority, Priority::Urgent);
    assert_eq!(a.question, Some(SafetyQuestion::WaterNearElectricity));
    assert!(
        a.drivers.iter().any(|d| d.contains("model")),
        "{:?}",
        a.drivers
    );
}

#[test]
fn water_the_rules_miss_is_asked_whether_it_is_spreading_unless_wiring_is_named() {
    let a = with_sure_model(
        "water coming in under the back door, the carpet is soaked",
        EmergencyKind::Flooding,
    );
    assert_eq!(a.emergency, None);
    assert_eq!(a.priority, Priority::Urgent);
    assert_eq!(a.question, Some(SafetyQuestion::WaterSpreading));
    assert_eq!(
        SafetyQuestion::WaterSpreading.emergency_if_yes(),
        EmergencyKind::Flooding
    );
}

#[test]
fn the_model_is_not_heard_where_no_word_names_its_kind() {
    // Given a model that says gas about a text with no smell, gas or hiss in it.
    let a = with_sure_model(
        "la pintura se está cayendo en el pasillo",
        EmergencyKind::Gas,
    );
    assert_eq!((a.priority, a.question), (Priority::Routine, None));
}

#[test]
fn the_model_is_not_heard_against_scope() {
    for (text, kind) in [
        (
            "the stove igniter clicks nonstop, no smell of gas",
            EmergencyKind::Gas,
        ),
        (
            "si se va la calefacción en invierno a quién llamo?",
            EmergencyKind::NoHeat,
        ),
        (
            "there was a fire in the building last year, the hallway walls still need paint",
            EmergencyKind::FireOrSparks,
        ),
        (
            "what should i do if the pipes ever burst",
            EmergencyKind::Flooding,
        ),
    ] {
        let a = with_sure_model(text, kind);
        assert_eq!(a.question, None, "{text:?}: {a:#?}");
    }
}

#[test]
fn the_model_is_not_heard_about_a_door_inside_the_home() {
    let a = with_sure_model("bathroom door won't lock", EmergencyKind::SecurityBreach);
    assert_eq!((a.priority, a.question), (Priority::Routine, None));
}

#[test]
fn the_model_is_not_heard_where_a_rule_reads_the_same_words_as_something_less() {
    // A chirping detector is a low battery, not a fire.
    let a = with_sure_model("smoke detector keeps chirping", EmergencyKind::FireOrSparks);
    assert_eq!(a.question, None, "{a:#?}");
}

#[test]
fn kinds_without_a_question_are_never_asked_about() {
    let kind = EmergencyKind::Lockout;
    assert_eq!(question_for(kind), None);
    let a = with_sure_model("something is wrong in the apartment", kind);
    assert_eq!(a.question, None);
}

#[test]
fn sewage_the_rules_miss_is_asked_about_but_never_for_a_smell() {
    let a = with_sure_model(
        "something is wrong with the sewer line in the basement, there is water on the floor by the washer",
        EmergencyKind::Sewage,
    );
    assert_eq!(a.emergency, None, "{a:#?}");
    assert_eq!(a.priority, Priority::Urgent);
    assert_eq!(a.question, Some(SafetyQuestion::SewageBackup));
    // A smell from the sewer is a dry trap, whatever the model says.
    let b = with_sure_model(
        "theres a sewer smell in the hall bathroom",
        EmergencyKind::Sewage,
    );
    assert_eq!(b.question, None, "{b:#?}");
    assert_ne!(b.priority, Priority::Emergency);
}

#[test]
fn carbon_monoxide_the_rules_miss_is_asked_about_symptoms_but_never_about_a_chirp() {
    let a = with_sure_model(
        "everyone has headaches and feels nauseous at home",
        EmergencyKind::CarbonMonoxide,
    );
    assert_eq!(a.emergency, None);
    assert_eq!(a.priority, Priority::Urgent);
    assert_eq!(a.question, Some(SafetyQuestion::CoSymptoms));
    // A detector's low battery is a chore, whatever the model says.
    let b = with_sure_model(
        "the co detector keeps chirping, I think the battery is low",
        EmergencyKind::CarbonMonoxide,
    );
    assert_eq!(b.question, None, "{b:#?}");
    assert_ne!(b.priority, Priority::Emergency);
}

#[test]
fn the_shipped_model_reads_a_dripping_tap_as_no_emergency() {
    let o = second_opinion("the bathroom tap drips a little at night", false);
    assert!(o.emergency < mendwork_language::model::THRESHOLD, "{o:?}");
}

#[test]
fn every_gate_stem_is_written_as_the_normaliser_writes_it() {
    let stems = gate_stems();
    assert!(!stems.is_empty());
    for s in stems {
        assert_eq!(fold(&s), s, "not normalised: {s:?}");
    }
}

#[test]
fn the_model_is_not_heard_about_a_compound_noun_or_a_word_its_clause_excepts() {
    // A fire escape is not fire, a water heater not water; a water bill, a faucet, the gutters
    // or a window crank make the words routine.
    for (text, kind) in [
        ("fire escape ladder is rusty", EmergencyKind::FireOrSparks),
        ("the water heater is making noise", EmergencyKind::Flooding),
        (
            "our water bill keeps rising every month",
            EmergencyKind::Flooding,
        ),
        (
            "bathtub faucet won't stop dripping",
            EmergencyKind::Flooding,
        ),
        ("window crank broke", EmergencyKind::SecurityBreach),
    ] {
        let a = with_sure_model(text, kind);
        assert_eq!(a.question, None, "{text:?}: {a:#?}");
    }
}

#[test]
fn a_question_the_model_asks_becomes_its_emergency_only_when_the_model_is_all_but_certain() {
    let text = "the water is getting closer and closer to the plug";
    let asked = with_model(text, EmergencyKind::Flooding, RAISE - 0.001);
    assert_eq!(asked.emergency, None);
    assert_eq!(asked.question, Some(SafetyQuestion::WaterNearElectricity));
    let raised = with_model(text, EmergencyKind::Flooding, RAISE);
    assert_eq!(raised.emergency, Some(EmergencyKind::Flooding));
    assert_eq!(raised.priority, Priority::Emergency);
    assert_eq!(raised.question, None);
    assert!(
        raised.drivers.iter().any(|d| d.contains("all but certain")),
        "{:?}",
        raised.drivers
    );
}

#[test]
fn the_rules_open_danger_is_raised_only_to_its_own_kind() {
    // The rules leave water beside a light open and ask about the wiring.
    let text = "water dripping right beside the bathroom light";
    let rules = triage_by_rules(&input(text));
    assert_eq!(rules.question, Some(SafetyQuestion::WaterNearElectricity));
    let raised = with_model(text, EmergencyKind::Flooding, 1.0);
    assert_eq!(raised.emergency, Some(EmergencyKind::Flooding));
    assert_eq!(raised.question, None);
    // A model certain of another kind raises nothing and asks nothing else.
    let other = with_model(text, EmergencyKind::FireOrSparks, 1.0);
    assert_eq!(other.emergency, None);
    assert_eq!(other.question, rules.question);
    assert_eq!(other.priority, Priority::Urgent);
}

#[test]
fn a_certain_model_is_not_heard_where_no_word_names_its_kind_nor_against_scope() {
    for (text, kind) in [
        (
            "la pintura se está cayendo en la sala",
            EmergencyKind::Flooding,
        ),
        (
            "no smell of gas at all, just the stove clicking",
            EmergencyKind::Gas,
        ),
    ] {
        let a = with_model(text, kind, 1.0);
        assert_eq!(a.emergency, None, "{text}");
        assert_eq!(a.question, None, "{text}");
    }
}

#[test]
fn a_certain_model_never_touches_an_emergency_the_rules_read() {
    let text = "theres smoke coming out of the outlet in the kitchen";
    let rules = triage_by_rules(&input(text));
    assert_eq!(rules.emergency, Some(EmergencyKind::FireOrSparks));
    let with = with_model(text, EmergencyKind::Flooding, 1.0);
    assert_eq!(with.emergency, rules.emergency);
    assert_eq!(with.drivers, rules.drivers);
}
