//! The triage's diagnosis reaches each reader in their language: every sentence the rules can
//! name, and every room, is in both catalogues; a work order keeps the key and renders it per
//! reader; one stored before diagnoses were keyed still reads its English sentence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mendwork_domain::catalogue;
use mendwork_domain::triage::{Diagnosis, Triage, TriageInput, render_diagnosis, triage};
use mendwork_domain::{Language, Trade};

#[test]
fn every_diagnosis_and_room_the_rules_can_name_is_in_both_languages() {
    let e = mendwork_language::triage::engine();
    let mut keys: Vec<&str> = e
        .diagnoses
        .values()
        .flatten()
        .map(|d| d.key.as_str())
        .collect();
    keys.extend([e.no_fact_diagnosis.as_str(), e.empty_diagnosis.as_str()]);
    assert!(keys.len() > 60, "{}", keys.len());
    for key in keys {
        for lang in [Language::En, Language::Es] {
            assert!(
                catalogue::text(&format!("diagnosis.{key}"), lang).is_some(),
                "diagnosis.{key} has no {lang:?} text"
            );
        }
    }
    for (_, room) in &e.rooms {
        let key = format!("room.{}", room.replace(' ', "_"));
        for lang in [Language::En, Language::Es] {
            assert!(catalogue::text(&key, lang).is_some(), "{key} in {lang:?}");
        }
    }
}

#[test]
fn a_spanish_description_gets_its_diagnosis_in_spanish_and_in_english_for_staff() {
    let t = triage(&TriageInput::new(
        "se reventó la manguera debajo del fregadero de la cocina y hay agua por todos lados",
    ));
    let key = t.diagnosis_key.clone().expect("keyed");
    assert_eq!(key.room.as_deref(), Some("kitchen"));
    let es = t.diagnosis_in(Language::Es);
    assert!(es.contains("en la cocina"), "{es}");
    assert!(es.contains("fuga de agua activa"), "{es}");
    assert_eq!(t.diagnosis_in(Language::En), t.diagnosis);
    assert!(t.diagnosis.contains("in the kitchen"), "{}", t.diagnosis);
}

#[test]
fn the_sentence_for_no_danger_names_the_trade_in_the_readers_language() {
    let d = Diagnosis {
        key: "none".into(),
        room: None,
        trade: Trade::Hvac,
    };
    assert_eq!(
        render_diagnosis(&d, Language::En),
        "A heating & cooling request with no urgent or emergency signs in the description."
    );
    assert!(render_diagnosis(&d, Language::Es).contains("calefacción"));
}

#[test]
fn a_work_order_triaged_before_diagnoses_were_keyed_reads_its_stored_sentence() {
    let stored = r#"{"trade":"plumbing","priority":"routine","emergency":null,
        "diagnosis":"Dripping faucet in the kitchen: likely a worn washer or cartridge.",
        "drivers":["mentions \"drip\""],"safety_instructions":null,"tips":[]}"#;
    let t: Triage = serde_json::from_str(stored).unwrap();
    assert!(t.diagnosis_key.is_none());
    assert_eq!(
        t.diagnosis_in(Language::Es),
        "Dripping faucet in the kitchen: likely a worn washer or cartridge."
    );
}
