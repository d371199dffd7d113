//! Triage through the domain: emergencies in English and Spanish, negations, typos.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod triage;

use mendwork_domain::triage::*;
use mendwork_domain::{EmergencyKind, Priority, Trade};
use triage::*;

// ---- Emergencies, English and Spanish ---------------------------------------------------

#[test]
fn a_gas_smell_in_english_is_a_gas_emergency() {
    assert_emergency(
        EmergencyKind::Gas,
        &[
            "I smell gas in the kitchen",
            "There's a strong gas odor by the stove",
            "it smells like rotten eggs near the furnace",
            "I think there is a gas leak in the hallway",
            "Hissing sound and smell of gas at the meter",
        ],
    );
}

#[test]
fn a_gas_smell_in_spanish_is_a_gas_emergency() {
    assert_emergency(
        EmergencyKind::Gas,
        &[
            "Huele a gas en la cocina",
            "Hay una fuga de gas",
            "hay olor a gas en el pasillo",
        ],
    );
}

#[test]
fn a_sounding_co_alarm_in_english_is_a_carbon_monoxide_emergency() {
    assert_emergency(
        EmergencyKind::CarbonMonoxide,
        &[
            "CO alarm is beeping",
            "carbon monoxide detector going off in the hallway",
            "The carbon monoxide alarm went off twice tonight",
            "CO detector keeps beeping and I changed the battery",
        ],
    );
}

#[test]
fn a_sounding_co_alarm_in_spanish_is_a_carbon_monoxide_emergency() {
    assert_emergency(
        EmergencyKind::CarbonMonoxide,
        &[
            "la alarma de monóxido está sonando",
            "el detector de monoxido de carbono esta pitando",
        ],
    );
}

#[test]
fn active_water_in_english_is_a_flooding_emergency() {
    assert_emergency(
        EmergencyKind::Flooding,
        &[
            "Water everywhere under the kitchen sink!",
            "pipe burst in the basement",
            "water is gushing out of the wall",
            "The basement is flooded",
            "ceiling is leaking a lot in the bedroom",
            "water pouring through the light fixture",
            "the toilet is overflowing and won't stop",
        ],
    );
}

#[test]
fn active_water_in_spanish_is_a_flooding_emergency() {
    assert_emergency(
        EmergencyKind::Flooding,
        &[
            "Se inunda el baño",
            "inundación en la cocina",
            "se rompió la tubería y sale mucha agua",
            "hay agua por todos lados",
        ],
    );
}

#[test]
fn sparks_smoke_burning_or_fire_in_english_is_a_fire_emergency() {
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &[
            "the outlet is sparking",
            "smoke coming out of the outlet in the bedroom",
            "burning smell from the electrical panel",
            "there is a fire in the kitchen",
            "the light switch is melted and black",
            "smoke alarm going off",
        ],
    );
}

#[test]
fn sparks_smoke_or_fire_in_spanish_is_a_fire_emergency() {
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &[
            "Salen chispas del enchufe",
            "hay humo saliendo del contacto",
            "hay fuego en la cocina",
            "huele a quemado en el panel",
        ],
    );
}

#[test]
fn sewage_backing_up_in_english_is_a_sewage_emergency() {
    assert_emergency(
        EmergencyKind::Sewage,
        &[
            "Sewage backing up into the bathtub",
            "the sewer is backing up through the floor drain",
            "toilet overflowed with poop everywhere",
            "toilet water is coming up in the shower",
        ],
    );
}

#[test]
fn sewage_backing_up_in_spanish_is_a_sewage_emergency() {
    assert_emergency(
        EmergencyKind::Sewage,
        &[
            "salen aguas negras de la regadera",
            "el drenaje se regresa por la coladera",
        ],
    );
}

#[test]
fn no_heat_in_english_during_the_heating_season_is_an_emergency() {
    assert_emergency(
        EmergencyKind::NoHeat,
        &[
            "No heat in the apartment",
            "the furnace is not working",
            "heater broke and it's freezing inside",
            "the radiators are cold",
            "heat went out last night",
            "no heat so we are using the oven to stay warm",
            "furnace keeps shutting off",
        ],
    );
}

#[test]
fn no_heat_in_spanish_during_the_heating_season_is_an_emergency() {
    assert_emergency(
        EmergencyKind::NoHeat,
        &[
            "sin calefacción desde ayer",
            "no hay calefacción",
            "la calefacción no funciona",
        ],
    );
}

#[test]
fn no_heat_outside_the_heating_season_is_urgent_with_a_driver_saying_why() {
    let t = run("No heat in the apartment");
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.emergency, None);
    assert_eq!(t.safety_instructions, None);
    assert_eq!(t.trade, Trade::Hvac);
    assert!(has_driver(&t, "outside the heating season"), "{t:#?}");
    let winter = in_winter("No heat in the apartment");
    assert!(has_driver(&winter, "heating season is on"), "{winter:#?}");
}

#[test]
fn a_lockout_in_english_is_a_lockout_emergency() {
    assert_emergency(
        EmergencyKind::Lockout,
        &[
            "I'm locked out",
            "locked myself out of the apartment",
            "lost my keys and I can't get in",
            "left my keys inside and the door locked behind me",
            "my key doesn't work in the front door",
        ],
    );
}

#[test]
fn a_lockout_in_spanish_is_a_lockout_emergency() {
    assert_emergency(
        EmergencyKind::Lockout,
        &[
            "Me quedé afuera",
            "no puedo entrar a mi departamento",
            "dejé las llaves adentro",
        ],
    );
}

#[test]
fn an_unsecured_entry_or_break_in_in_english_is_a_security_breach() {
    assert_emergency(
        EmergencyKind::SecurityBreach,
        &[
            "Front door won't lock",
            "the deadbolt is broken",
            "ground floor window is broken, anyone could climb in",
            "someone broke in last night",
            "I can't lock my front door",
        ],
    );
}

#[test]
fn a_door_or_window_that_may_not_be_the_way_in_asks_before_calling_it_an_emergency() {
    for d in [
        "broken window in the living room",
        "door won't lock",
        "la cerradura está rota",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Urgent, "{d:?}: {t:#?}");
        assert_eq!(
            t.question,
            Some(SafetyQuestion::EntryUnsecured),
            "{d:?}: {t:#?}"
        );
    }
    // Not any window that sticks, nor one out of reach.
    assert_no_emergency(&[
        "the bedroom window sticks",
        "window on the 6th floor won't lock",
    ]);
}

#[test]
fn an_unsecured_entry_or_break_in_in_spanish_is_a_security_breach() {
    assert_emergency(
        EmergencyKind::SecurityBreach,
        &[
            "La puerta de entrada no cierra",
            "la cerradura de la puerta principal está rota",
            "nos robaron, rompieron la ventana",
        ],
    );
}

// ---- Negations ----------------------------------------------------------------------------

#[test]
fn a_negated_gas_smell_does_not_trigger_a_gas_emergency() {
    assert_no_emergency(&[
        "I don't smell gas",
        "there is no smell of gas",
        "There isn't any gas smell, the stove just clicks",
        "no huele a gas",
        "no hay olor a gas",
    ]);
}

#[test]
fn no_gas_smell_with_a_pilot_out_is_urgent_and_gets_the_pilot_tip() {
    let t = run("No gas smell, but the pilot light on the water heater is out");
    assert_eq!(t.emergency, None);
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.trade, Trade::Plumbing);
    assert!(has_tip(&t, "pilot"), "{t:#?}");
    assert!(has_driver(&t, "\"no gas smell\" is negated"), "{t:#?}");
}

#[test]
fn a_leak_that_is_not_leaking_anymore_is_not_a_leak() {
    let t = run("The bathroom sink is not leaking anymore, but the drain is slow");
    assert_eq!(t.emergency, None);
    assert_eq!(t.priority, Priority::Routine, "{t:#?}");
    assert_eq!(t.trade, Trade::Plumbing);
}

#[test]
fn heavy_leaking_that_has_since_stopped_is_urgent_not_an_emergency() {
    for d in [
        "The ceiling was leaking a lot yesterday but it's not leaking anymore",
        "Pipe burst in the basement. It has stopped now.",
    ] {
        let t = run(d);
        assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
        assert_eq!(t.priority, Priority::Urgent, "{d:?}");
        assert!(has_driver(&t, "says the water has stopped"), "{t:#?}");
    }
}

#[test]
fn water_that_has_not_stopped_is_still_an_emergency() {
    assert_emergency(
        EmergencyKind::Flooding,
        &["Pipe burst in the basement. It hasn't stopped."],
    );
}

#[test]
fn negated_sparks_and_smoke_leave_a_routine_dead_outlet() {
    let t = run("There are no sparks or smoke, the outlet just stopped working");
    assert_eq!(t.emergency, None);
    assert_eq!(t.priority, Priority::Routine, "{t:#?}");
    assert_eq!(t.trade, Trade::Electrical);
    assert!(has_tip(&t, "GFCI"), "{t:#?}");
}

#[test]
fn a_gap_in_a_phrase_never_swallows_a_negation() {
    assert_no_emergency(&[
        "the heater is not broken, the bedroom window screen is torn",
        "The water is not everywhere, just a drop on the counter",
    ]);
}

#[test]
fn a_negation_does_not_reach_into_the_next_clause_or_past_other_words() {
    assert_emergency(
        EmergencyKind::Flooding,
        &["No one is home, water is everywhere"],
    );
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &[
            "No power sparks coming from outlet",
            "no hay luz y hay chispas",
        ],
    );
}

#[test]
fn an_uncertain_gas_smell_still_counts_as_gas() {
    assert_emergency(
        EmergencyKind::Gas,
        &[
            "not sure if it's a gas smell or something else",
            "I think I smell gas?",
        ],
    );
}

#[test]
fn a_doubted_gas_leak_with_an_odd_smell_asks_the_gas_question() {
    // The tenant doubts it is gas but something smells: urgent, and one yes/no question settles
    // it at once rather than a guess either way.
    let t = run("I don't think there is a gas leak but it smells weird");
    assert_eq!(t.priority, Priority::Urgent, "{t:#?}");
    assert_eq!(t.question, Some(SafetyQuestion::GasSmell), "{t:#?}");
}

#[test]
fn a_tenant_who_is_not_locked_out_is_not_a_lockout() {
    assert_no_emergency(&[
        "I'm not locked out, I just need a spare key",
        "Cannot get in touch with the office about the dishwasher",
    ]);
}

#[test]
fn a_chirping_detector_is_a_battery_problem_not_a_fire() {
    for d in [
        "smoke detector keeps chirping",
        "carbon monoxide detector chirping, needs a new battery",
    ] {
        let t = run(d);
        assert_eq!(t.emergency, None, "{d:?} gave {t:#?}");
        assert_eq!(t.priority, Priority::Urgent, "{d:?}");
        assert!(has_tip(&t, "low battery"), "{t:#?}");
    }
}

#[test]
fn a_smoke_alarm_with_fire_ruled_out_is_a_routine_detector_fault() {
    let t = run("smoke alarm keeps going off for no reason, no smoke or fire");
    assert_eq!(t.emergency, None, "{t:#?}");
    assert_eq!(t.priority, Priority::Routine);
    assert!(has_driver(&t, "rules out smoke or fire"), "{t:#?}");
}

#[test]
fn cigarette_smoke_from_a_neighbor_is_not_a_fire() {
    assert_no_emergency(&["my neighbor is smoking cigarettes and it comes into my unit"]);
}

// ---- Typos and normalisation -----------------------------------------------------------

#[test]
fn common_typos_are_understood() {
    assert_emergency(
        EmergencyKind::Flooding,
        &["watter everywhere in the bathroom"],
    );
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &["elecrtical fire in the bedroom"],
    );
    assert_emergency(
        EmergencyKind::NoHeat,
        &["furnance not working", "the heator died"],
    );
    assert_eq!(run("fride not cooling").trade, Trade::Appliance);
    assert_eq!(run("fride not cooling").priority, Priority::Urgent);
    assert_eq!(run("toliet clogged").trade, Trade::Plumbing);
    assert_eq!(run("toliet clogged").priority, Priority::Urgent);
    let leak = run("water leek under the sink");
    assert_eq!(leak.priority, Priority::Urgent, "{leak:#?}");
    assert_eq!(leak.trade, Trade::Plumbing);
}

#[test]
fn accents_are_stripped_whether_precomposed_or_combining() {
    assert_emergency(
        EmergencyKind::Flooding,
        &[
            "inundación en la cocina",
            "inundacio\u{301}n en la cocina",
            "INUNDACION",
        ],
    );
    assert_emergency(EmergencyKind::NoHeat, &["SIN CALEFACCIÓN"]);
}

#[test]
fn matching_respects_word_boundaries() {
    assert_no_emergency(&[
        "the gasket on the fridge door is torn",
        "the sparkling water button on the fridge is stuck",
        "the fireplace damper is stuck",
        "the fire extinguisher in the hallway is missing",
        "please paint the floor of the firehouse mural",
    ]);
}

#[test]
fn a_water_heater_is_never_read_as_heating() {
    let t = in_winter("water heater not working");
    assert_eq!(t.emergency, None, "{t:#?}");
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.trade, Trade::Plumbing);
    assert!(t.diagnosis.contains("hot water"), "{t:#?}");
}

#[test]
fn an_appliance_that_does_not_heat_is_not_no_heat() {
    assert_no_emergency(&[
        "the dryer has no heat",
        "oven is not heating",
        "there is no heat from the dryer",
        "the dryer heating element is broken",
    ]);
    assert_eq!(run("the dryer has no heat").trade, Trade::Appliance);
}
