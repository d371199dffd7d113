//! The engine's data files hold together: they load, every word is written as the normaliser
//! writes it, no phrase is listed twice, and every triage rule and every reply keyword fires on
//! at least one labelled example (a rule nothing exercises is a rule nobody has checked).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use std::collections::{HashMap, HashSet};

use mendwork_language::normalise::{self, fold};
use mendwork_language::replies::parse_reply;
use mendwork_language::triage::{Engine, RULE_FILES, rule_names, rules_matching, written_words};
use sets::*;

#[test]
fn every_data_file_loads() {
    Engine::build().unwrap();
    mendwork_language::replies::words::check().unwrap();
    assert!(!normalise::tables().written.is_empty());
}

#[test]
fn every_word_of_every_rule_and_list_is_written_as_the_normaliser_writes_it() {
    let mut words = written_words();
    words.extend(normalise::tables().written.iter().cloned());
    words.extend(
        mendwork_language::replies::words::words()
            .written
            .iter()
            .cloned(),
    );
    for w in words {
        let bare = w.trim_end_matches('*');
        assert_eq!(fold(bare), bare, "not normalised: {w:?}");
        assert!(!bare.contains(char::is_whitespace), "a space inside {w:?}");
    }
}

#[test]
fn no_rule_writes_a_word_the_normaliser_reads_as_a_slip_of_another() {
    let tolerated = &normalise::tables().tolerated;
    assert!(tolerated.iter().any(|w| w == "arived"));
    let mut words = written_words();
    words.extend(
        mendwork_language::replies::words::words()
            .written
            .iter()
            .cloned(),
    );
    for w in words {
        let bare = w.trim_end_matches('*');
        assert!(
            tolerated.binary_search(&bare.to_string()).is_err(),
            "{bare:?} is written by a rule but read as a slip of another word"
        );
    }
}

#[test]
fn no_phrase_is_listed_twice() {
    for (file, text) in RULE_FILES {
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).unwrap();
        let Some(rules) = doc.get("rules").and_then(|r| r.as_sequence()) else {
            continue;
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            let fact = rule
                .get("fact")
                .and_then(|f| f.as_str())
                .unwrap_or_default();
            let scope = rule
                .get("scope")
                .and_then(|f| f.as_str())
                .unwrap_or("clause");
            for p in rule
                .get("phrases")
                .and_then(|p| p.as_sequence())
                .into_iter()
                .flatten()
            {
                let key = format!("{fact} {scope} {}", p.as_str().unwrap_or_default());
                if let Some(first) = seen.insert(key.clone(), i) {
                    panic!("{file}: rules {first} and {i} both list {key:?}");
                }
            }
        }
    }
    // Alternatives inside one element are distinct too: "a|b|a" is a typo.
    for (file, text) in RULE_FILES {
        for line in text.lines() {
            for element in line.split(['"', ' ']).filter(|e| e.contains('|')) {
                let mut alts = HashSet::new();
                for alt in element.split('|') {
                    assert!(alts.insert(alt), "{file}: {alt:?} twice in {element:?}");
                }
            }
        }
    }
}

fn labelled_descriptions() -> Vec<String> {
    let mut sets = MAIN_DESCRIPTIONS.to_vec();
    sets.push(HOLDOUT_DESCRIPTIONS);
    load_all_descriptions(&sets)
        .unwrap()
        .into_iter()
        .map(|c| c.text)
        .collect()
}

#[test]
fn every_triage_rule_fires_on_a_labelled_description() {
    let names = rule_names();
    let mut fired = vec![false; names.len()];
    for text in labelled_descriptions() {
        for i in rules_matching(&text) {
            fired[i] = true;
        }
    }
    let silent: Vec<&String> = names
        .iter()
        .zip(&fired)
        .filter(|(_, f)| !**f)
        .map(|(n, _)| n)
        .collect();
    assert!(
        silent.is_empty(),
        "rules no labelled description exercises: {silent:#?}"
    );
}

#[test]
fn every_reply_keyword_and_intent_is_met_in_the_labelled_replies() {
    let mut sets = MAIN_REPLIES.to_vec();
    sets.push(HOLDOUT_REPLIES);
    let cases = load_all_replies(&sets).unwrap();
    let mut intents = HashSet::new();
    for c in &cases {
        intents.insert(intent_name(&parse_reply(&c.text, replies_today()).intent));
    }
    for intent in INTENTS {
        assert!(
            intents.contains(intent),
            "no labelled reply is read as {intent}"
        );
    }
}
