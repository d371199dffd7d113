//! Triage through the domain: urgent versus routine, trades, the tenant's flag, run-on text,
//! tips, safety instructions, the shape of the record, cases learned from the labelled data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod triage;

use mendwork_domain::triage::*;
use mendwork_domain::{EmergencyKind, Language, Priority, Trade};
use triage::*;

// ---- Urgent versus routine ---------------------------------------------------------------

#[test]
fn no_hot_water_is_urgent_plumbing_in_english_and_spanish() {
    assert_priority(
        Priority::Urgent,
        &[
            "no hot water since this morning",
            "no hay agua caliente",
            "only cold water comes out",
        ],
    );
    assert_eq!(run("no hay agua caliente").trade, Trade::Plumbing);
}

#[test]
fn air_conditioning_out_is_urgent_hvac() {
    assert_priority(
        Priority::Urgent,
        &[
            "AC is blowing warm air",
            "the a/c stopped working",
            "el aire acondicionado no funciona",
        ],
    );
    assert_eq!(run("AC is blowing warm air").trade, Trade::Hvac);
}

#[test]
fn a_fridge_not_cooling_is_urgent_appliance_work() {
    assert_priority(
        Priority::Urgent,
        &[
            "refrigerator not cooling",
            "el refri no enfría",
            "freezer stopped working, food is thawing",
        ],
    );
    assert_eq!(run("el refri no enfría").trade, Trade::Appliance);
}

#[test]
fn the_only_toilet_clogged_is_urgent_but_a_spare_toilet_is_routine() {
    assert_priority(
        Priority::Urgent,
        &["the only toilet is clogged", "se tapó el inodoro"],
    );
    let spare = run("toilet clogged, we have another bathroom");
    assert_eq!(spare.priority, Priority::Routine, "{spare:#?}");
    assert!(has_driver(&spare, "another toilet"), "{spare:#?}");
}

#[test]
fn no_power_in_part_of_the_unit_is_urgent_electrical() {
    assert_priority(
        Priority::Urgent,
        &[
            "no power in the bedroom",
            "half the outlets in the bedroom are not working",
            "no hay luz en la recámara",
            "breaker keeps tripping",
        ],
    );
    assert_eq!(run("no power in the bedroom").trade, Trade::Electrical);
}

#[test]
fn a_contained_leak_is_urgent_not_an_emergency() {
    for d in [
        "sink leaking into a bucket",
        "ceiling dripping slowly into a pot",
        "water heater is leaking",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Urgent, "{d:?} gave {t:#?}");
        assert_eq!(t.emergency, None);
        assert_eq!(t.trade, Trade::Plumbing, "{d:?}");
    }
}

#[test]
fn small_drips_and_running_toilets_are_routine_plumbing() {
    for d in [
        "the kitchen faucet drips",
        "la llave del lavabo gotea",
        "toilet keeps running all night",
        "small leak under the bathroom sink",
        "the kitchen sink is clogged",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Routine, "{d:?} gave {t:#?}");
        assert_eq!(t.trade, Trade::Plumbing, "{d:?}");
    }
}

#[test]
fn pests_are_routine_pest_control_in_english_and_spanish() {
    for d in [
        "roaches in the kitchen",
        "hay cucarachas en la cocina",
        "ratones en el garage",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Routine, "{d:?}");
        assert_eq!(t.trade, Trade::Pest, "{d:?}");
    }
}

#[test]
fn cosmetic_repairs_are_routine_general_work() {
    for d in [
        "paint is peeling in the hallway",
        "the window is cracked",
        "closet door is off its track",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Routine, "{d:?} gave {t:#?}");
        assert_eq!(t.trade, Trade::General, "{d:?}");
    }
}

#[test]
fn a_roof_leak_is_urgent_roofing_in_english_and_spanish() {
    for d in [
        "Roof leaking when it rains",
        "hay una gotera en el techo del cuarto",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Urgent, "{d:?}");
        assert_eq!(t.trade, Trade::Roofing, "{d:?}");
    }
}

#[test]
fn an_interior_door_that_will_not_lock_is_routine() {
    let t = run("bathroom door won't lock");
    assert_eq!(t.emergency, None);
    assert_eq!(t.priority, Priority::Routine);
}

#[test]
fn lost_keys_without_a_lockout_are_urgent_locksmith_work() {
    let t = run("I lost my keys");
    assert_eq!(t.emergency, None);
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.trade, Trade::Locksmith);
}

#[test]
fn a_burst_appliance_hose_or_a_collapsing_ceiling_is_flooding() {
    assert_emergency(
        EmergencyKind::Flooding,
        &[
            "the washing machine hose burst",
            "The kitchen ceiling is caving in from water",
        ],
    );
    assert_eq!(
        run("the washing machine hose burst").trade,
        Trade::Appliance
    );
}

#[test]
fn black_water_backing_up_is_sewage_not_a_slow_drain() {
    assert_emergency(
        EmergencyKind::Sewage,
        &["bathtub drain backing up with black water"],
    );
}

#[test]
fn closing_a_valve_ends_a_flood_and_contains_a_leak() {
    let flood = run("water everywhere in bathroom from toilet, stopped it by turning valve");
    assert_eq!(flood.emergency, None, "{flood:#?}");
    assert_eq!(flood.priority, Priority::Urgent);
    let leak = run("Fuga de agua en el baño, ya cerré la llave");
    assert_eq!(leak.priority, Priority::Urgent, "{leak:#?}");
    assert_eq!(leak.trade, Trade::Plumbing);
}

#[test]
fn only_trying_to_close_the_valve_leaves_the_flood_an_emergency() {
    assert_emergency(
        EmergencyKind::Flooding,
        &["Water everywhere. I'm trying to shut off the water but it keeps coming"],
    );
}

#[test]
fn a_cold_indoor_temperature_reads_as_no_heat() {
    assert_emergency(
        EmergencyKind::NoHeat,
        &["It's 50 degrees in my apartment", "it's 52 in here"],
    );
    assert_no_emergency(&["there are 50 roaches inside"]);
}

#[test]
fn a_jammed_lock_that_keeps_the_tenant_out_is_a_lockout_first() {
    let t = in_winter("My front door lock is jammed and I can't get in");
    assert_eq!(t.emergency, Some(EmergencyKind::Lockout));
    assert!(has_driver(&t, "security breach"), "{t:#?}");
}

#[test]
fn a_key_broken_in_the_lock_is_urgent_locksmith_work() {
    let t = run("the key broke off in the lock");
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.trade, Trade::Locksmith);
}

#[test]
fn barbecue_smoke_or_dust_burning_off_a_heater_is_not_a_fire() {
    assert_no_emergency(&[
        "I see smoke outside from the neighbors bbq",
        "the heater smells like burning dust when it turns on",
    ]);
}

#[test]
fn a_hot_smelling_or_buzzing_panel_is_a_fire_risk() {
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &["Electrical panel is making a buzzing noise and smells hot"],
    );
    assert_eq!(
        run("buzzing from the breaker panel").priority,
        Priority::Urgent
    );
}

#[test]
fn someone_trying_the_door_or_an_unlockable_ground_floor_window_is_a_security_breach() {
    assert_emergency(
        EmergencyKind::SecurityBreach,
        &[
            "someone's been trying my door at night",
            "The window in my bedroom won't lock, we're on the first floor",
        ],
    );
    // Which window, and can it be reached? One question settles it.
    let t = run("The window in my bedroom won't lock");
    assert_eq!(t.question, Some(SafetyQuestion::EntryUnsecured), "{t:#?}");
}

#[test]
fn rain_coming_in_is_a_roof_leak_in_english_and_spanish() {
    for d in [
        "rain comes in around the skylight",
        "se metió el agua por la puerta cuando llovió",
    ] {
        let t = run(d);
        assert_eq!(t.priority, Priority::Urgent, "{d:?} gave {t:#?}");
        assert_eq!(t.emergency, None, "{d:?}");
    }
    assert_eq!(
        run("rain comes in around the skylight").trade,
        Trade::Roofing
    );
}

#[test]
fn a_clogged_gutter_gets_no_plunger_tip() {
    let t = run("gutter is clogged");
    assert_eq!(t.trade, Trade::Roofing);
    assert!(!has_tip(&t, "plunger"), "{t:#?}");
}

// ---- Trade -------------------------------------------------------------------------------

#[test]
fn the_category_always_wins_for_the_trade() {
    let t = triage(&TriageInput {
        category: Some(Trade::Electrical),
        ..TriageInput::new("toilet clogged")
    });
    assert_eq!(t.trade, Trade::Electrical);
    assert!(has_driver(&t, "category set to electrical"), "{t:#?}");
}

#[test]
fn the_category_never_hides_an_emergency() {
    let t = triage(&TriageInput {
        category: Some(Trade::Pest),
        ..TriageInput::new("I smell gas")
    });
    assert_eq!(t.trade, Trade::Pest);
    assert_eq!(t.emergency, Some(EmergencyKind::Gas));
}

#[test]
fn the_trade_follows_the_device_named_next_to_the_problem() {
    assert_eq!(run("The dryer is smoking").trade, Trade::Appliance);
    assert_eq!(run("smoke coming from the furnace").trade, Trade::Hvac);
    assert_eq!(run("AC leaking water on the floor").trade, Trade::Hvac);
    assert_eq!(
        run("broken window in the living room").trade,
        Trade::General
    );
    assert_eq!(run("front door won't lock").trade, Trade::Locksmith);
}

#[test]
fn without_trade_words_the_trade_falls_back_to_general() {
    let t = run("something is wrong, please call me");
    assert_eq!(t.trade, Trade::General);
    assert_eq!(t.priority, Priority::Routine);
    assert!(has_driver(&t, "general repair"), "{t:#?}");
}

// ---- Tenant flag ---------------------------------------------------------------------------

#[test]
fn a_tenant_emergency_flag_without_an_emergency_sign_is_urgent_with_a_driver() {
    let t = triage(&TriageInput {
        tenant_says_emergency: true,
        ..TriageInput::new("the kitchen cabinet hinge is loose")
    });
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.emergency, None);
    assert_eq!(t.safety_instructions, None);
    assert!(has_driver(&t, "shows no emergency sign"), "{t:#?}");
}

#[test]
fn a_tenant_emergency_flag_with_an_emergency_sign_is_noted_among_the_drivers() {
    let t = triage(&TriageInput {
        tenant_says_emergency: true,
        ..TriageInput::new("water everywhere")
    });
    assert_eq!(t.emergency, Some(EmergencyKind::Flooding));
    assert!(
        t.drivers
            .contains(&"tenant marked it as an emergency".to_string()),
        "{t:#?}"
    );
}

#[test]
fn a_tenant_emergency_flag_on_heat_out_of_season_keeps_it_urgent() {
    let t = triage(&TriageInput {
        tenant_says_emergency: true,
        ..TriageInput::new("heater stopped working")
    });
    assert_eq!(t.priority, Priority::Urgent);
    assert_eq!(t.emergency, None);
}

// ---- Run-on text -----------------------------------------------------------------------

#[test]
fn run_on_text_picks_the_emergency_fact() {
    let t = run("toilet is running and also the outlet by the sink sparks");
    assert_eq!(t.emergency, Some(EmergencyKind::FireOrSparks));
    assert_eq!(t.trade, Trade::Electrical);
    assert!(has_driver(&t, "mentions \"sparks\""), "{t:#?}");
    assert!(has_driver(&t, "toilet is running"), "{t:#?}");
    assert!(t.tips.is_empty(), "{t:#?}");
}

#[test]
fn run_on_text_picks_the_emergency_even_when_it_comes_last() {
    assert_emergency(
        EmergencyKind::Gas,
        &["the toilet is clogged and the fridge is noisy and also I smell gas by the stove"],
    );
}

#[test]
fn the_most_dangerous_of_several_emergencies_wins() {
    let t = run("water everywhere and the outlet is sparking");
    assert_eq!(t.emergency, Some(EmergencyKind::FireOrSparks));
    assert!(has_driver(&t, "(active water leak / flooding)"), "{t:#?}");
    assert_emergency(EmergencyKind::Gas, &["pipe burst and I smell gas"]);
}

// ---- Tips --------------------------------------------------------------------------------

#[test]
fn no_power_gets_breaker_and_gfci_tips() {
    let t = run("no power in the bedroom");
    assert!(has_tip(&t, "breaker"), "{t:#?}");
    assert!(has_tip(&t, "GFCI"), "{t:#?}");
}

#[test]
fn a_jammed_disposal_gets_the_hex_key_and_reset_button_tip() {
    let t = run("The garbage disposal is humming and won't turn");
    assert!(has_tip(&t, "hex key"), "{t:#?}");
    assert!(has_tip(&t, "reset button"), "{t:#?}");
}

#[test]
fn a_pilot_tip_is_never_given_with_a_gas_smell() {
    let t = run("the pilot light is out and I smell gas");
    assert_eq!(t.emergency, Some(EmergencyKind::Gas));
    assert!(t.tips.is_empty(), "{t:#?}");
}

#[test]
fn heating_and_cooling_problems_get_thermostat_and_filter_tips() {
    let heat = run("the furnace is not working");
    assert!(has_tip(&heat, "thermostat"), "{heat:#?}");
    let ac = run("AC not cooling");
    assert!(has_tip(&ac, "filter"), "{ac:#?}");
}

#[test]
fn a_clogged_toilet_gets_the_plunger_tip_and_a_warm_fridge_the_coils_tip() {
    assert!(has_tip(&run("toilet clogged"), "plunger"));
    assert!(has_tip(&run("fridge not cooling"), "coils"));
    assert!(has_tip(&run("the bathroom sink drains slowly"), "plunger"));
}

#[test]
fn a_hot_outlet_never_gets_a_breaker_reset_tip() {
    let t = run("outlet is hot to the touch and the breaker keeps tripping");
    assert!(has_tip(&t, "Stop using that outlet"), "{t:#?}");
    assert!(!has_tip(&t, "push it fully off, then on"), "{t:#?}");
    assert!(!has_tip(&t, "before resetting"), "{t:#?}");
}

#[test]
fn emergencies_get_no_tips_except_harmless_ones() {
    for d in [
        "I smell gas",
        "outlet sparking",
        "water everywhere",
        "sewage backing up into the tub",
        "CO alarm going off",
        "someone broke in",
    ] {
        assert!(in_winter(d).tips.is_empty(), "{d:?}");
    }
    assert!(has_tip(&in_winter("I'm locked out"), "spare key"));
    assert!(has_tip(&in_winter("no heat"), "thermostat"));
}

#[test]
fn there_are_never_more_than_three_tips() {
    let t =
        run("AC not cooling, no power in the kitchen, toilet clogged and the disposal is jammed");
    assert!(t.tips.len() <= MAX_TIPS, "{t:#?}");
    assert!(!t.tips.is_empty());
}

// ---- Safety instructions ---------------------------------------------------------------

#[test]
fn safety_instructions_are_present_exactly_for_emergencies() {
    for d in [
        "I smell gas",
        "CO alarm beeping",
        "water everywhere",
        "sparks from the outlet",
        "sewage in the tub",
        "no heat",
        "locked out",
        "front door won't lock",
        "faucet drips",
        "no hot water",
        "roaches",
        "",
    ] {
        for t in [run(d), in_winter(d)] {
            assert_eq!(
                t.safety_instructions.is_some(),
                t.emergency.is_some(),
                "{d:?}"
            );
            assert_eq!(
                t.emergency.is_some(),
                t.priority == Priority::Emergency,
                "{d:?}"
            );
        }
    }
}

#[test]
fn every_safety_instruction_is_short_plain_text() {
    for kind in EmergencyKind::ALL {
        let s = safety_instructions(kind);
        assert!(!s.is_empty());
        assert!(s.len() < 320, "{kind:?} is {} characters", s.len());
        assert!(s.is_ascii(), "{kind:?}");
        assert!(!s.contains("  "), "{kind:?}");
    }
}

#[test]
fn safety_instructions_say_the_essential_action_for_each_kind() {
    let gas = safety_instructions(EmergencyKind::Gas);
    assert!(gas.contains("Leave") && gas.contains("gas company") && gas.contains("911"));
    assert!(gas.contains("Don't switch"));
    assert!(safety_instructions(EmergencyKind::CarbonMonoxide).contains("911"));
    assert!(safety_instructions(EmergencyKind::Flooding).contains("Shut off the water"));
    assert!(safety_instructions(EmergencyKind::FireOrSparks).contains("breaker"));
    assert!(safety_instructions(EmergencyKind::Sewage).contains("Stop using water"));
    assert!(safety_instructions(EmergencyKind::SecurityBreach).contains("911"));
}

// ---- Output shape ------------------------------------------------------------------------

#[test]
fn the_diagnosis_names_the_likely_cause_and_place() {
    let t = run("Water everywhere under the kitchen sink!");
    assert_eq!(
        t.diagnosis,
        "Likely a failed supply line under the sink in the kitchen: active water leak."
    );
    assert!(
        t.drivers
            .contains(&"mentions \"water everywhere\"".to_string()),
        "{t:#?}"
    );
}

#[test]
fn every_diagnosis_is_one_sentence_ending_with_a_period() {
    for d in [
        "I smell gas",
        "no hot water",
        "toilet running",
        "hay ratones",
        "the hallway light is out",
        "mold in the bathroom",
        "dishwasher not draining",
        "sewer smell in the bathroom",
        "",
        "hello",
    ] {
        let t = run(d);
        assert!(t.diagnosis.ends_with('.'), "{d:?}: {}", t.diagnosis);
        assert_eq!(
            t.diagnosis.matches(". ").count(),
            0,
            "{d:?}: {}",
            t.diagnosis
        );
        assert!(!t.drivers.is_empty(), "{d:?}");
    }
}

#[test]
fn an_empty_description_is_routine_general_work_with_a_question() {
    let t = run("   ");
    assert_eq!(t.trade, Trade::General);
    assert_eq!(t.priority, Priority::Routine);
    assert!(t.diagnosis.contains("asked"), "{t:#?}");
}

#[test]
fn every_tip_is_typed_and_worded_in_the_tenants_language() {
    // Whatever triage hands a tenant is a typed tip, said in Spanish from the catalogue, never
    // translated by matching its English.
    for d in [
        "the toilet is clogged",
        "no hot water since this morning",
        "the outlet in the kitchen is dead",
        "the smoke detector keeps chirping",
        "the garbage disposal is jammed",
    ] {
        let t = triage(&TriageInput::new(d));
        assert!(!t.tip_keys.is_empty(), "{d}");
        assert_eq!(t.tips.len(), t.tip_keys.len(), "{d}");
        let es = tips_in(&t, Language::Es);
        let en = tips_in(&t, Language::En);
        assert_eq!(en, t.tips, "{d}");
        for (a, b) in es.iter().zip(&en) {
            assert_ne!(a, b, "{d}: {a}");
        }
    }
    // The portfolio's own tips (no typed tips) are read as written.
    let mut t = triage(&TriageInput::new("the toilet is clogged"));
    t.tips = vec!["Call the super at 555-0100 first.".into()];
    t.tip_keys.clear();
    assert_eq!(tips_in(&t, Language::Es), t.tips);
}

#[test]
fn triage_is_deterministic() {
    let d = "toilet is running and also the outlet by the sink sparks";
    assert_eq!(run(d), run(d));
}

#[test]
fn a_triage_survives_a_json_round_trip() -> Result<(), serde_json::Error> {
    let t = in_winter("No heat and the furnace is making noise");
    let json = serde_json::to_string(&t)?;
    assert!(json.contains("\"emergency\":\"no_heat\""), "{json}");
    let back: Triage = serde_json::from_str(&json)?;
    assert_eq!(back, t);
    Ok(())
}

// ---- Learned from the labelled data (data/descriptions.csv) ------------------------------

#[test]
fn a_few_emoji_stand_for_words() {
    let t = run("🚽 clogged. only one bathroom 😭");
    assert_eq!((t.trade, t.priority), (Trade::Plumbing, Priority::Urgent));
    assert_eq!(run("🐭 in the kitchen").trade, Trade::Pest);
    assert_emergency(EmergencyKind::FireOrSparks, &["⚡🔥 outlet!!!"]);
    assert_eq!(run("⚡🔥 outlet!!!").trade, Trade::Electrical);
}

#[test]
fn an_apostrophe_s_and_a_dropped_g_are_read_as_words() {
    assert_emergency(EmergencyKind::NoHeat, &["heat's been out two days"]);
    assert_emergency(EmergencyKind::FireOrSparks, &["outlit sparkin n smokin"]);
    assert_emergency(EmergencyKind::Lockout, &["lokced out of my place"]);
}

#[test]
fn a_negated_verb_after_and_keeps_the_subject() {
    let t = run("the mini split in the living room just blinks and won't cool");
    assert_eq!((t.trade, t.priority), (Trade::Hvac, Priority::Urgent));
    assert_eq!(
        run("AC runs but only blows warm air").priority,
        Priority::Urgent
    );
}

#[test]
fn fire_without_an_electrical_sign_goes_to_the_device_named_or_general_repair() {
    assert_eq!(
        run("FIRE in the trash room, fire dept is here").trade,
        Trade::General
    );
    let fridge = run("my fridge made a pop and there is smoke coming out the back");
    assert_eq!(fridge.emergency, Some(EmergencyKind::FireOrSparks));
    assert_eq!(fridge.trade, Trade::Appliance);
    assert_emergency(
        EmergencyKind::FireOrSparks,
        &["the light in the kitchen ceiling is melting around the bulb"],
    );
}

#[test]
fn water_everywhere_with_sewage_is_a_sewage_backup() {
    assert_emergency(
        EmergencyKind::Sewage,
        &[
            "sewage coming up in the bathtub, it's disgusting, brown water everywhere",
            "Basement floor drain is backing up with sewer water",
            "se desbordó el excusado con caca",
        ],
    );
}

#[test]
fn water_that_reaches_electrics_or_keeps_coming_is_flooding_and_plumbing() {
    assert_emergency(
        EmergencyKind::Flooding,
        &[
            "water dripping out of the light fixture in the bathroom ceiling",
            "upstairs neighbors tub overflowed and its raining in my kitchen",
            "Water is leaking from the unit above into my kitchen, it's not stopping",
            "My laundry room is under water",
            "the hot water tank is leaking a ton",
        ],
    );
    assert_eq!(
        run("water dripping out of the light fixture in the bathroom").trade,
        Trade::Plumbing
    );
    assert_no_emergency(&[
        "water bill keeps rising",
        "freezer defrosting, water all over the bottom of the fridge",
    ]);
}

#[test]
fn no_heat_of_an_appliance_is_not_the_homes_heating() {
    let t = in_winter("dryer runs but there's no heat, clothes come out wet");
    assert_eq!(t.emergency, None, "{t:#?}");
    assert_eq!(t.trade, Trade::Appliance);
    assert_emergency(
        EmergencyKind::NoHeat,
        &[
            "no heat, so we use the oven to stay warm",
            "el calentón no sirve y estamos congelándonos",
            "my unit is like 50 degrees",
            "no sirve la calefacción, hace frío adentro",
        ],
    );
}

#[test]
fn a_calentador_with_cold_water_is_the_water_heater() {
    let t = run("el calentador no prende, solo sale agua fría");
    assert_eq!((t.trade, t.priority), (Trade::Plumbing, Priority::Urgent));
}

#[test]
fn a_co_alarm_that_says_low_battery_is_a_chirp_unless_people_feel_ill() {
    let chirp = in_winter("CO alarm beeping, low battery");
    assert_eq!(chirp.emergency, None, "{chirp:#?}");
    assert_eq!(chirp.priority, Priority::Urgent);
    assert_emergency(
        EmergencyKind::CarbonMonoxide,
        &[
            "CO alarm going off, low battery maybe? everyone has a headache",
            "monoxide alarm!!! we are outside now",
            "sonó la alarma de monóxido y nos salimos",
        ],
    );
}

#[test]
fn people_stuck_outside_are_locked_out_a_cat_is_not() {
    assert_emergency(
        EmergencyKind::Lockout,
        &[
            "lost my keys and I'm stuck outside with my kid",
            "the door shut behind me with the keys inside",
            "battery on the smart lock died, can't get in my own door",
        ],
    );
    assert_no_emergency(&["the cat is stuck outside on the balcony"]);
}

#[test]
fn a_car_broken_into_is_not_the_home() {
    assert_no_emergency(&[
        "my car got broken into and they took my apartment keys",
        "car window smashed in the parking lot",
    ]);
    assert_eq!(
        run("my car got broken into and they took my apartment keys").trade,
        Trade::Locksmith
    );
    assert_emergency(
        EmergencyKind::SecurityBreach,
        &[
            "kids threw a rock through my window, it's shattered",
            "deadbolt fell apart, door can't be locked at all",
            "alguien forzó la cerradura de mi puerta",
        ],
    );
}

#[test]
fn a_small_leak_that_soaks_something_is_urgent_and_an_appliance_leak_routine() {
    assert_eq!(
        run("slow drip under the bathroom sink and the cabinet is getting soaked").priority,
        Priority::Urgent
    );
    assert_eq!(
        run("dishwasher leaks water onto the floor every time I run it").priority,
        Priority::Routine
    );
    assert_eq!(
        run("the pipe behind the washing machine is dripping on the floor").priority,
        Priority::Urgent
    );
}

#[test]
fn words_said_to_be_absent_name_no_trade_and_strong_words_win() {
    assert_eq!(
        run("ceiling has a crack running across it, no water").trade,
        Trade::General
    );
    assert_eq!(
        run("hole in the drywall from the doorknob").trade,
        Trade::General
    );
    assert_eq!(run("doorbell doesn't ring").trade, Trade::Electrical);
    assert_eq!(run("downspout fell off").trade, Trade::Roofing);
    assert_eq!(
        run("water drips from the attic hatch whenever it rains").trade,
        Trade::Roofing
    );
}
