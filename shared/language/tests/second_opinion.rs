//! The model's second opinion (`src/model.rs`) only ever asks: it never makes or unmakes an
//! emergency, it is not heard where the rules already read the danger, against scope (negated,
//! hypothetical, over) or about a door inside the home, and where it is heard the request is
//! urgent and the tenant gets the question whose YES is the emergency the model saw.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use mendwork_language::model::{Opinion, gate_stems, second_opinion};
use mendwork_language::normalise::fold;
use mendwork_language::triage::{
    Assessment, SafetyQuestion, TriageInput, question_for, triage, triage_by_rules, triage_with,
};
use mendwork_language::{EmergencyKind, Priority};
use sets::*;

fn input(text: &str) -> TriageInput<'_> {
    TriageInput::new(text)
}

/// Given a description, when triaged with a model that is sure it is an emergency of `kind`.
fn with_sure_model(text: &str, kind: EmergencyKind) -> Assessment {
    triage_with(&input(text), |_, _| {
        Some(Opinion {
            emergency: 1.0,
            kind,
        })
    })
}

#[test]
fn the_second_opinion_never_makes_or_unmakes_an_emergency_on_any_labelled_description() {
    let mut cases = load_all_descriptions(&MAIN_DESCRIPTIONS).unwrap();
    cases.extend(load_descriptions(HOLDOUT_DESCRIPTIONS).unwrap());
    cases.extend(load_descriptions(HELDBACK_DESCRIPTIONS).unwrap());
    for c in &cases {
        let i = TriageInput {
            cold_weather: c.cold_weather,
            ..TriageInput::new(&c.text)
        };
        let (with, without) = (triage(&i), triage_by_rules(&i));
        assert_eq!(with.emergency, without.emergency, "{:?}", c.text);
        assert_eq!(with.trade, without.trade, "{:?}", c.text);
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
