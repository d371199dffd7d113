//! The understanding gate: triage and the reply parser measured on the labelled data sets in
//! `data/`, failing when they fall below the levels recorded here.
//!
//! - Emergency recall must stay at 100% on the sets the engine is tuned on (the main sets, the
//!   old held-out set, rounds 3 and 4 since round 5, round 5 since round 6, round 7 since round
//!   8, round 8 since round 9, round 9 since round 10, round 10 since round 12): every
//!   description labelled an emergency is triaged as one, of the right kind; and no money a
//!   vendor texts is ever recorded with a wrong or ambiguous amount, in any set.
//! - Trade, priority, question, intent (and intent-with-fields) accuracy must stay at or above the
//!   levels recorded, rounded down to the percent; the blind sets' levels are recorded too, so a
//!   change that makes the engine worse on new wording fails here even though nobody reads their
//!   misses.
//!
//! When a change makes a figure go up, raise its level here in the same change. When you add
//! examples the engine misses, fix the engine or lower the level, and say why in the commit. Run
//! `cargo run -p mendwork-language --example eval` to see every miss.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/eval/report.rs"]
#[allow(dead_code)]
mod report;
#[path = "../examples/eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use mendwork_language::Priority;
use report::pct;
use sets::*;

/// Levels on the main sets (`descriptions*.csv`, `replies*.csv`), in whole percent.
const TRADE_PERCENT: usize = 99;
const PRIORITY_PERCENT: usize = 99;
const QUESTION_PERCENT: usize = 99;
const INTENT_PERCENT: usize = 99;
const INTENT_AND_FIELDS_PERCENT: usize = 99;
/// Levels on the old held-out sets (no longer blind: their misses were fixed in 2025).
const HOLDOUT_TRADE_PERCENT: usize = 100;
const HOLDOUT_PRIORITY_PERCENT: usize = 100;
const HOLDOUT_INTENT_PERCENT: usize = 100;
/// Levels on the blind sets, recorded at the end of the round (see docs/understanding-rounds.md).
/// Raised in round 5 where the figure rose (priority 92.3%, 276/299; trade 96.7%, 289/299,
/// recall 90.8%, 118/130); round 6 reached priority 92.98% (278/299), still under 93.
const BLIND_TRADE_PERCENT: usize = 96; // 96.99% (290/299) at the end of round 2
const BLIND_PRIORITY_PERCENT: usize = 94; // 93.98% (281/299) after round 7's raise; 94.3% (282/299) after round 8
const BLIND_EMERGENCY_RECALL_PERCENT: usize = 93; // 93.1% (121/130) after round 7's raise
const BLIND_INTENT_PERCENT: usize = 96; // 96.8% (180/186)
/// Levels on the fresh blind sets, measured once when they were written (priority raised in
/// round 5: 93.1%, 161/173; trade 98.3%, 170/173, one row lower, see docs/understanding-rounds.md).
const FRESH_TRADE_PERCENT: usize = 98; // 98.8% (171/173) when measured
const FRESH_PRIORITY_PERCENT: usize = 95; // 95.4% (165/173) after round 7's raise
const FRESH_EMERGENCY_RECALL_PERCENT: usize = 96; // 89.6% (69/77) when measured; 96.1% (74/77) after round 7's raise
const FRESH_INTENT_PERCENT: usize = 98; // 97.3% (107/110) when measured; 98.2% (108/110) after round 8

/// The smallest data sets the figures are allowed to rest on.
/// Levels on the held-back set (`heldback_descriptions.csv`: written before the model's second
/// opinion, never tuned on, figures only).
const HELDBACK_TRADE_PERCENT: usize = 96; // 96.7% (117/121) after round 5
const HELDBACK_PRIORITY_PERCENT: usize = 97; // 97.5% (118/121) after round 5
const HELDBACK_EMERGENCY_RECALL_PERCENT: usize = 95; // 95.5% (64/67)
/// Emergencies flagged, or asked the question whose YES is their kind.
const HELDBACK_FLAGGED_OR_ASKED_PERCENT: usize = 98; // 98.5% (66/67)

/// Levels on the round-3, round-4 and round-5 sets. They were blind, measured once (round 3:
/// trade and priority 89.9%, recall 93.3%, replies 96.9%; round 4: 84.6%, 92.2%, 85.0%; round 5:
/// 88.8%, 91.1%, 88.6%; see docs/understanding-rounds.md), and are development sets since the round
/// after theirs: their misses were read and fixed, so these levels are in-sample, and every
/// emergency in them must be caught. Raised in round 6 where the figure rose.
const ROUND3_TRADE_PERCENT: usize = 98; // 98.3% (351/357)
const ROUND3_PRIORITY_PERCENT: usize = 99; // 99.7% (356/357) after round 6
const ROUND3_QUESTION_PERCENT: usize = 99; // 99.7% (356/357)
const ROUND3_INTENT_PERCENT: usize = 98; // 98.98% (194/196)
const ROUND3_INTENT_AND_FIELDS_PERCENT: usize = 96; // 96.4% (189/196)
const ROUND4_TRADE_PERCENT: usize = 98; // 98.1% (255/260)
const ROUND4_PRIORITY_PERCENT: usize = 99; // 99.2% (258/260) after round 6
const ROUND4_QUESTION_PERCENT: usize = 99; // 99.2% (258/260) after round 6
const ROUND4_INTENT_PERCENT: usize = 90; // 90.0% (126/140) after round 6
const ROUND4_INTENT_AND_FIELDS_PERCENT: usize = 90; // 90.0% (126/140) after round 6
const ROUND5_TRADE_PERCENT: usize = 99; // 99.6% (259/260) after round 6
const ROUND5_PRIORITY_PERCENT: usize = 99; // 99.2% (258/260) after round 7's raise (line 158, an open case, raised)
const ROUND5_QUESTION_PERCENT: usize = 99; // 99.2% (258/260) after round 7's raise
const ROUND5_INTENT_PERCENT: usize = 94; // 94.3% (132/140) after round 6
const ROUND5_INTENT_AND_FIELDS_PERCENT: usize = 94; // 94.3% (132/140) after round 6

/// Levels on the round-6 blind sets (issue 12), measured once on the engine of the development
/// round on round 5, before any change made with them (see docs/understanding-rounds.md). Figures only:
/// their misses are never read (money misreads aside, which every set must be free of).
const ROUND6_TRADE_PERCENT: usize = 94; // 93.8% (244/260) when measured; 94.2% (245/260) after round 9
const ROUND6_PRIORITY_PERCENT: usize = 93; // 91.9% (239/260) when measured; 92.7% (241/260) after round 7's raise; 93.1% (242/260) after round 9
const ROUND6_EMERGENCY_RECALL_PERCENT: usize = 95; // 93.8% (91/97) when measured; 95.9% (93/97) after round 7's raise
/// Emergencies flagged, or asked the question whose YES is their kind.
/// Lowered in round 12: the model retrained with round 10 no longer asks one round-6 emergency
/// (the rules alone do not move; measured with and without round 10 in training, no row read).
// 96.9% (94/97) when measured; 97.9% (95/97) after round 9; 96.9% (94/97) after round 12.
const ROUND6_FLAGGED_OR_ASKED_PERCENT: usize = 96;
const ROUND6_INTENT_PERCENT: usize = 97; // 95.7% (134/140) when measured; 97.1% (136/140) after round 8

/// Levels on the round-7 sets (issue 12). They were blind, measured once on the engine of round 7
/// (trade and priority 89.2%, recall 91.1%, flagged or asked 93.3%, replies 88.6%; see
/// docs/understanding-rounds-7-8.md), and are a development set since round 8, like rounds 3 to 5:
/// these levels are in-sample, and every emergency in them must be caught.
const ROUND7_TRADE_PERCENT: usize = 98; // 98.8% (257/260) after round 8
const ROUND7_PRIORITY_PERCENT: usize = 100; // 100% (260/260) after round 8
const ROUND7_QUESTION_PERCENT: usize = 100; // 100% (260/260) after round 8
const ROUND7_INTENT_PERCENT: usize = 98; // 98.6% (138/140) after round 8
const ROUND7_INTENT_AND_FIELDS_PERCENT: usize = 98; // 98.6% (138/140) after round 8

/// Levels on the round-8 sets (issue 12). They were blind, measured once on the engine of round 8
/// (trade and priority 85.4%, recall 93.3%, flagged or asked 95.6%, routine flagged 2.2%, replies
/// 90.7%; see docs/understanding-rounds-7-8.md), and are a development set since round 9, like
/// round 7 since round 8: these levels are in-sample, and every emergency in them must be caught.
const ROUND8_TRADE_PERCENT: usize = 97; // 97.7% (254/260) after round 9
const ROUND8_PRIORITY_PERCENT: usize = 98; // 98.5% (256/260) after round 9
const ROUND8_QUESTION_PERCENT: usize = 99; // 99.6% (259/260) after round 9
const ROUND8_INTENT_PERCENT: usize = 96; // 96.4% (135/140) after round 9
const ROUND8_INTENT_AND_FIELDS_PERCENT: usize = 96; // 96.4% (135/140) after round 9

/// Levels on the round-9 sets (issue 12). They were blind, measured once on the engine of round 9
/// (trade and priority 83.8%, recall 94.4%, flagged or asked 96.7%, routine flagged 7.8%, replies
/// 90.0%; see docs/understanding-rounds.md), and are a development set since round 10, like round
/// 8 since round 9: these levels are in-sample, and every emergency in them must be caught.
const ROUND9_TRADE_PERCENT: usize = 96; // 96.5% (251/260) after round 10
const ROUND9_PRIORITY_PERCENT: usize = 99; // 99.2% (258/260) after round 10
const ROUND9_QUESTION_PERCENT: usize = 100; // 100% (260/260) after round 10
const ROUND9_INTENT_PERCENT: usize = 95; // 95.7% (134/140) after round 10
const ROUND9_INTENT_AND_FIELDS_PERCENT: usize = 95; // 95.7% (134/140) after round 10

/// Levels on the round-10 sets (issue 12). They were blind, measured once on the engine of round
/// 10 (trade and priority 85.4%, recall 90.0%, flagged or asked 90.0%, routine flagged 5.6%,
/// replies 87.9%; see docs/understanding-rounds.md), and are a development set since round 12,
/// like round 9 since round 10: these levels are in-sample, and every emergency in them must be
/// caught.
const ROUND10_TRADE_PERCENT: usize = 97; // 96.5% (251/260) after round 12; 97.7% (254/260) after round 12, continued
const ROUND10_PRIORITY_PERCENT: usize = 98; // 97.3% (253/260) after round 12; 98.1% (255/260) after round 12, continued
const ROUND10_QUESTION_PERCENT: usize = 100; // 99.6% (259/260) after round 12; 100% (260/260) after round 12, continued
const ROUND10_INTENT_PERCENT: usize = 93; // 89.3% (125/140) after round 12; 93.6% (131/140) after round 12, continued
const ROUND10_INTENT_AND_FIELDS_PERCENT: usize = 93; // 89.3% (125/140) after round 12; 93.6% (131/140) after round 12, continued
/// Round-10 routine requests the gate lets stay flagged an emergency, by line. Only line 205:
/// "the smoke ... is just steam from our dryer right? My kid thinks the building is on fire lol"
/// — engine wrong and not fixed in round 12: the tenant's own explanation is read, the child's
/// fear in the next sentence is not, and no reading of another person's belief as no report was
/// found that keeps "my son says he smells gas" an emergency. Not a convention: fix and remove.
const ROUND10_ROUTINE_FLAGGED_EXEMPT: [usize; 1] = [205];

/// Levels on the round-12 blind sets (issue 12), measured once on the engine of the development
/// round on round 10 with the reschedule replies that carry their time (see
/// docs/understanding-rounds.md). Figures only: their misses are never read (money misreads
/// aside, which every set must be free of).
const ROUND12_TRADE_PERCENT: usize = 90; // 90.4% (235/260) when measured
const ROUND12_PRIORITY_PERCENT: usize = 88; // 88.8% (231/260) when measured
/// Lowered in round 12, continued: the model retrained with that round's eight new development
/// rows flags one round-12 emergency fewer, which it still asks (flagged or asked does not move;
/// the rules alone do not move it: measured with and without the new rows in training, no row
/// read). A decision for the lead: dropping the rows from training restores 94.4%.
// 94.4% (85/90) when measured; 93.3% (84/90) after round 12, continued.
const ROUND12_EMERGENCY_RECALL_PERCENT: usize = 93;
/// Emergencies flagged, or asked the question whose YES is their kind.
const ROUND12_FLAGGED_OR_ASKED_PERCENT: usize = 96; // 96.7% (87/90) when measured
const ROUND12_INTENT_PERCENT: usize = 88; // 88.6% (124/140) when measured

const MIN_DESCRIPTIONS: usize = 1000;
const MIN_REPLIES: usize = 600;

/// SHA-256 of the blind sets as written, before the engine they measure was built.
const BLIND_DESCRIPTIONS_SHA256: &str =
    "4207c03b9c576ec29dd51240e531c661f55a539e7e40ae62844f96e11cdb57c5";
const BLIND_REPLIES_SHA256: &str =
    "9f7870ac9ceb22c8cdb2c0e5e075d396f897cd23a05c4ee7bc7da0ed0f4dec72";
/// SHA-256 of the fresh blind sets, written at the end of the round without looking at a miss.
const FRESH_DESCRIPTIONS_SHA256: &str =
    "49e813ca37dda5d1807b697345574dd93159381a52c7188b20a02c2b47090df7";
const FRESH_REPLIES_SHA256: &str =
    "6f4c89d055233d905dc4e1ff4dfe8d6abfc12967038b38f2bbb3d8ae90bfc2d4";

/// SHA-256 of the round-3 blind sets (Understanding v3), written by someone who had seen
/// neither the engine nor its data, and measured once.
const ROUND3_DESCRIPTIONS_SHA256: &str =
    "83a36d30d2d88a1d8a23a0b9ce9847d2fb4ccba733aad9a3af97d2ddd5818bb1";
const ROUND3_REPLIES_SHA256: &str =
    "4d6450e5048a4d489e362cffd684d28a997e06ee192ec55727a24e3f2ae35462";

/// SHA-256 of the round-4 blind sets (issue 12), written by someone who had seen neither the
/// engine nor its data, and measured once.
const ROUND4_DESCRIPTIONS_SHA256: &str =
    "ce9ccad3a6454aa3072575108ddead0361a4b1c73909ef763a299b1cc3db1f98";
const ROUND4_REPLIES_SHA256: &str =
    "e6f39c9978813f77e832518e833221b10f833addef59ca73eb392cdc71fec063";

/// SHA-256 of the round-5 blind sets (issue 12), written by someone who had seen neither the
/// engine, its rules, its tests nor any labelled row, and measured once.
const ROUND5_DESCRIPTIONS_SHA256: &str =
    "cb48af59e56bfed67a0e8f9fe892b10161f1463f0e1c353774ed020d726823d3";
const ROUND5_REPLIES_SHA256: &str =
    "771fbc80aa0797c7cca62a74faa6872e1f830003927d0fef339ea4dc56a30bd6";
/// SHA-256 of the round-6 blind sets (issue 12), written by someone who had seen neither the
/// engine, its rules, its tests nor any labelled row.
const ROUND6_DESCRIPTIONS_SHA256: &str =
    "b94f09bc069ca36a77f6e5b46641f9760e7d8981ba310a484b45b6bed163cc4d";
const ROUND6_REPLIES_SHA256: &str =
    "6d742bc757bef31e0aa694d79933302e40bf223b64bd6e9e532e8e66a09f19b7";
/// SHA-256 of the round-7 blind sets (issue 12), written by someone who had seen neither the
/// engine, its rules, its tests nor any labelled row.
const ROUND7_DESCRIPTIONS_SHA256: &str =
    "a92b5c8b9765602d208ae5bf390b6d19948223cbcc5911642b5f3d75108faa46";
const ROUND7_REPLIES_SHA256: &str =
    "8f6d9fddd9df715f1c3a9483d17d9ce5ac975e6e02da9f9840f9b31f842a2cf1";
const ROUND8_DESCRIPTIONS_SHA256: &str =
    "16e54a229aad94e74270ace0f3e922da3cbbe106600a57c80d6b34a995e70710";
const ROUND8_REPLIES_SHA256: &str =
    "3d9f969b134ffbcc29b55c6d5b5099bae149ed890c2deaaf8f7df9343e1fdeaa";
const ROUND9_DESCRIPTIONS_SHA256: &str =
    "f0287a09fa5df48dbfca9249aa844d62a161f0274f97b9b6d4ee8fa309d24b0e";
const ROUND9_REPLIES_SHA256: &str =
    "038619fb97d7207f5a787f06abe1b1ea4e3aacc4ee8b18fa42a1a5d0c12b3308";
const ROUND10_DESCRIPTIONS_SHA256: &str =
    "90fc1978718f01e3f9e9b66cb4630b33754a60bcd5f380b507b9803cda22ab07";
const ROUND10_REPLIES_SHA256: &str =
    "00ef3bdd73c9b68782417e131368934ea8d6346a9a4f4568ecfde342d563dec5";
const ROUND12_DESCRIPTIONS_SHA256: &str =
    "fcf139b5d81585d4c48448914f424926e7defb84f7cf76e29734ad488fd535a4";
const ROUND12_REPLIES_SHA256: &str =
    "59015b4a0132fc7e2f5b78b3bed360bb42de6fdc78f6dcd22098ed03e6b78bd2";

fn at_least(what: &str, ok: usize, total: usize, percent: usize) {
    assert!(
        ok * 100 >= percent * total,
        "{what} fell to {} (recorded level {percent}%); run \
         `cargo run -p mendwork-language --example eval` to see the misses",
        pct(ok, total)
    );
}

fn descriptions(sets: &[Set]) -> TriageFigures {
    triage_figures(&run_triage(&load_all_descriptions(sets).unwrap()))
}

fn replies(sets: &[Set]) -> ReplyFigures {
    reply_figures(&run_replies(
        &load_all_replies(sets).unwrap(),
        replies_today(),
    ))
}

#[test]
fn the_blind_sets_are_frozen_as_written() {
    use sha2::{Digest, Sha256};
    for (set, want) in [
        (BLIND_DESCRIPTIONS, BLIND_DESCRIPTIONS_SHA256),
        (BLIND_REPLIES, BLIND_REPLIES_SHA256),
        (FRESH_DESCRIPTIONS, FRESH_DESCRIPTIONS_SHA256),
        (FRESH_REPLIES, FRESH_REPLIES_SHA256),
        (ROUND3_DESCRIPTIONS, ROUND3_DESCRIPTIONS_SHA256),
        (ROUND3_REPLIES, ROUND3_REPLIES_SHA256),
        (ROUND4_DESCRIPTIONS, ROUND4_DESCRIPTIONS_SHA256),
        (ROUND4_REPLIES, ROUND4_REPLIES_SHA256),
        (ROUND5_DESCRIPTIONS, ROUND5_DESCRIPTIONS_SHA256),
        (ROUND5_REPLIES, ROUND5_REPLIES_SHA256),
        (ROUND6_DESCRIPTIONS, ROUND6_DESCRIPTIONS_SHA256),
        (ROUND6_REPLIES, ROUND6_REPLIES_SHA256),
        (ROUND7_DESCRIPTIONS, ROUND7_DESCRIPTIONS_SHA256),
        (ROUND7_REPLIES, ROUND7_REPLIES_SHA256),
        (ROUND8_DESCRIPTIONS, ROUND8_DESCRIPTIONS_SHA256),
        (ROUND8_REPLIES, ROUND8_REPLIES_SHA256),
        (ROUND9_DESCRIPTIONS, ROUND9_DESCRIPTIONS_SHA256),
        (ROUND9_REPLIES, ROUND9_REPLIES_SHA256),
        (ROUND10_DESCRIPTIONS, ROUND10_DESCRIPTIONS_SHA256),
        (ROUND10_REPLIES, ROUND10_REPLIES_SHA256),
        (ROUND12_DESCRIPTIONS, ROUND12_DESCRIPTIONS_SHA256),
        (ROUND12_REPLIES, ROUND12_REPLIES_SHA256),
    ] {
        let got: String = Sha256::digest(set.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            got, want,
            "{} changed: a blind set is never edited (its figures would stop being blind); \
             add new examples to the other files",
            set.file
        );
    }
}

#[test]
fn the_data_sets_are_large_enough_and_well_formed() {
    let d = load_all_descriptions(&MAIN_DESCRIPTIONS).unwrap();
    let r = load_all_replies(&MAIN_REPLIES).unwrap();
    let blind_d = load_descriptions(BLIND_DESCRIPTIONS).unwrap();
    let blind_r = load_replies(BLIND_REPLIES).unwrap();
    load_descriptions(FRESH_DESCRIPTIONS).unwrap();
    load_replies(FRESH_REPLIES).unwrap();
    load_descriptions(HOLDOUT_DESCRIPTIONS).unwrap();
    load_descriptions(HELDBACK_DESCRIPTIONS).unwrap();
    load_replies(HOLDOUT_REPLIES).unwrap();
    // This round's new data: the more_ sets and the blind ones.
    let new_d = d.iter().filter(|c| c.file != "descriptions.csv").count() + blind_d.len();
    let new_r = r.iter().filter(|c| c.file != "replies.csv").count() + blind_r.len();
    assert!(new_d >= MIN_DESCRIPTIONS, "{new_d} new descriptions");
    assert!(new_r >= MIN_REPLIES, "{new_r} new replies");
    // Both senders, every intent, every emergency kind, every question and both seasons.
    assert!(r.iter().any(|c| c.who == "tenant") && r.iter().any(|c| c.who == "vendor"));
    for intent in INTENTS {
        assert!(r.iter().any(|c| c.intent == intent), "no {intent} reply");
    }
    for kind in EMERGENCY_KINDS {
        assert!(d.iter().any(|c| c.emergency == Some(kind)), "no {kind:?}");
    }
    for ask in ASKS {
        assert!(
            d.iter().any(|c| c.ask.as_deref() == Some(ask)),
            "no {ask} question"
        );
    }
    assert!(d.iter().any(|c| c.cold_weather) && d.iter().any(|c| !c.cold_weather));
}

#[test]
fn the_csv_reader_handles_quotes_comments_and_bad_rows() {
    let csv = "# a comment\na,b\n1,\"x, \"\"y\"\"\nz\"\n";
    let parsed = parse_csv(csv).unwrap();
    assert_eq!(parsed.header, vec!["a", "b"]);
    assert_eq!(
        parsed.rows,
        vec![(3, vec!["1".into(), "x, \"y\"\nz".into()])]
    );
    assert!(parse_csv("a,b\n1\n").is_err());
    assert!(parse_csv("a,b\n1,\"open\n").is_err());
    let set = |text: &'static str| Set {
        file: "t.csv",
        text,
    };
    assert!(
        load_descriptions(set(
            "trade,priority,emergency,cold_weather,description\nplumbing,emergency,none,no,x\n"
        ))
        .is_err()
    );
    assert!(
        load_descriptions(set(
            "trade,priority,emergency,cold_weather,ask,description\nplumbing,emergency,gas,no,gas_smell,x\n"
        ))
        .is_err()
    );
}

fn no_emergency_missed(set: &str, f: &TriageFigures) {
    assert_eq!(
        f.emergencies_found,
        f.emergencies,
        "{set}: emergency recall fell to {}; an emergency must never be missed",
        pct(f.emergencies_found, f.emergencies)
    );
    assert_eq!(
        f.emergencies_right_kind,
        f.emergencies,
        "{set}: an emergency got the wrong kind (and safety instructions): {}",
        pct(f.emergencies_right_kind, f.emergencies)
    );
}

#[test]
fn triage_never_misses_an_emergency() {
    no_emergency_missed("the main sets", &descriptions(&MAIN_DESCRIPTIONS));
    no_emergency_missed(
        "the old held-out set",
        &descriptions(&[HOLDOUT_DESCRIPTIONS]),
    );
    no_emergency_missed("round 3", &descriptions(&[ROUND3_DESCRIPTIONS]));
    no_emergency_missed("round 4", &descriptions(&[ROUND4_DESCRIPTIONS]));
    no_emergency_missed("round 5", &descriptions(&[ROUND5_DESCRIPTIONS]));
    no_emergency_missed("round 7", &descriptions(&[ROUND7_DESCRIPTIONS]));
    no_emergency_missed("round 8", &descriptions(&[ROUND8_DESCRIPTIONS]));
    no_emergency_missed("round 9", &descriptions(&[ROUND9_DESCRIPTIONS]));
    no_emergency_missed("round 10", &descriptions(&[ROUND10_DESCRIPTIONS]));
}

#[test]
fn triage_accuracy_stays_at_the_recorded_levels() {
    let f = descriptions(&MAIN_DESCRIPTIONS);
    at_least("trade accuracy", f.trade_ok, f.total, TRADE_PERCENT);
    at_least(
        "priority accuracy",
        f.priority_ok,
        f.total,
        PRIORITY_PERCENT,
    );
    at_least(
        "safety question accuracy",
        f.asks_ok,
        f.asks,
        QUESTION_PERCENT,
    );
    assert_eq!(
        f.routine_flagged, 0,
        "a routine request was flagged an emergency"
    );
    let h = descriptions(&[HOLDOUT_DESCRIPTIONS]);
    at_least("held-out trade", h.trade_ok, h.total, HOLDOUT_TRADE_PERCENT);
    at_least(
        "held-out priority",
        h.priority_ok,
        h.total,
        HOLDOUT_PRIORITY_PERCENT,
    );
    let k = descriptions(&[HELDBACK_DESCRIPTIONS]);
    at_least(
        "held-back trade",
        k.trade_ok,
        k.total,
        HELDBACK_TRADE_PERCENT,
    );
    at_least(
        "held-back priority",
        k.priority_ok,
        k.total,
        HELDBACK_PRIORITY_PERCENT,
    );
    at_least(
        "held-back emergency recall",
        k.emergencies_found,
        k.emergencies,
        HELDBACK_EMERGENCY_RECALL_PERCENT,
    );
    at_least(
        "held-back emergencies flagged or asked",
        k.emergencies_caught_or_asked,
        k.emergencies,
        HELDBACK_FLAGGED_OR_ASKED_PERCENT,
    );
    assert_eq!(
        k.routine_flagged, 0,
        "held back: a routine request was flagged an emergency"
    );
    for (name, set, trade, priority, question) in [
        (
            "round 3",
            ROUND3_DESCRIPTIONS,
            ROUND3_TRADE_PERCENT,
            ROUND3_PRIORITY_PERCENT,
            ROUND3_QUESTION_PERCENT,
        ),
        (
            "round 4",
            ROUND4_DESCRIPTIONS,
            ROUND4_TRADE_PERCENT,
            ROUND4_PRIORITY_PERCENT,
            ROUND4_QUESTION_PERCENT,
        ),
        (
            "round 5",
            ROUND5_DESCRIPTIONS,
            ROUND5_TRADE_PERCENT,
            ROUND5_PRIORITY_PERCENT,
            ROUND5_QUESTION_PERCENT,
        ),
        (
            "round 7",
            ROUND7_DESCRIPTIONS,
            ROUND7_TRADE_PERCENT,
            ROUND7_PRIORITY_PERCENT,
            ROUND7_QUESTION_PERCENT,
        ),
        (
            "round 8",
            ROUND8_DESCRIPTIONS,
            ROUND8_TRADE_PERCENT,
            ROUND8_PRIORITY_PERCENT,
            ROUND8_QUESTION_PERCENT,
        ),
        (
            "round 9",
            ROUND9_DESCRIPTIONS,
            ROUND9_TRADE_PERCENT,
            ROUND9_PRIORITY_PERCENT,
            ROUND9_QUESTION_PERCENT,
        ),
        (
            "round 10",
            ROUND10_DESCRIPTIONS,
            ROUND10_TRADE_PERCENT,
            ROUND10_PRIORITY_PERCENT,
            ROUND10_QUESTION_PERCENT,
        ),
    ] {
        let r = descriptions(&[set]);
        at_least(&format!("{name} trade"), r.trade_ok, r.total, trade);
        at_least(
            &format!("{name} priority"),
            r.priority_ok,
            r.total,
            priority,
        );
        at_least(
            &format!("{name} safety question"),
            r.asks_ok,
            r.asks,
            question,
        );
        let flagged: Vec<usize> = run_triage(&load_descriptions(set).unwrap())
            .iter()
            .filter(|r| {
                r.case.priority == Priority::Routine && r.got.priority == Priority::Emergency
            })
            .map(|r| r.case.line)
            .filter(|line| {
                set.file != ROUND10_DESCRIPTIONS.file
                    || !ROUND10_ROUTINE_FLAGGED_EXEMPT.contains(line)
            })
            .collect();
        assert!(
            flagged.is_empty(),
            "{name}: routine requests flagged an emergency, lines {flagged:?}"
        );
    }
    let b = descriptions(&[BLIND_DESCRIPTIONS]);
    at_least("blind trade", b.trade_ok, b.total, BLIND_TRADE_PERCENT);
    at_least(
        "blind priority",
        b.priority_ok,
        b.total,
        BLIND_PRIORITY_PERCENT,
    );
    at_least(
        "blind emergency recall",
        b.emergencies_found,
        b.emergencies,
        BLIND_EMERGENCY_RECALL_PERCENT,
    );
    let fresh = descriptions(&[FRESH_DESCRIPTIONS]);
    at_least(
        "fresh trade",
        fresh.trade_ok,
        fresh.total,
        FRESH_TRADE_PERCENT,
    );
    at_least(
        "fresh priority",
        fresh.priority_ok,
        fresh.total,
        FRESH_PRIORITY_PERCENT,
    );
    at_least(
        "fresh emergency recall",
        fresh.emergencies_found,
        fresh.emergencies,
        FRESH_EMERGENCY_RECALL_PERCENT,
    );
    let r6 = descriptions(&[ROUND6_DESCRIPTIONS]);
    at_least("round 6 trade", r6.trade_ok, r6.total, ROUND6_TRADE_PERCENT);
    at_least(
        "round 6 priority",
        r6.priority_ok,
        r6.total,
        ROUND6_PRIORITY_PERCENT,
    );
    at_least(
        "round 6 emergency recall",
        r6.emergencies_found,
        r6.emergencies,
        ROUND6_EMERGENCY_RECALL_PERCENT,
    );
    at_least(
        "round 6 emergencies flagged or asked",
        r6.emergencies_caught_or_asked,
        r6.emergencies,
        ROUND6_FLAGGED_OR_ASKED_PERCENT,
    );
    let r12 = descriptions(&[ROUND12_DESCRIPTIONS]);
    at_least(
        "round 12 trade",
        r12.trade_ok,
        r12.total,
        ROUND12_TRADE_PERCENT,
    );
    at_least(
        "round 12 priority",
        r12.priority_ok,
        r12.total,
        ROUND12_PRIORITY_PERCENT,
    );
    at_least(
        "round 12 emergency recall",
        r12.emergencies_found,
        r12.emergencies,
        ROUND12_EMERGENCY_RECALL_PERCENT,
    );
    at_least(
        "round 12 emergencies flagged or asked",
        r12.emergencies_caught_or_asked,
        r12.emergencies,
        ROUND12_FLAGGED_OR_ASKED_PERCENT,
    );
}

#[test]
fn money_is_never_recorded_wrongly() {
    // Every set, blind ones included: a wrong amount is the one mistake that is never allowed,
    // so the gate names it (its line and words), whatever set it is in.
    for sets in [
        &MAIN_REPLIES[..],
        &[HOLDOUT_REPLIES],
        &[BLIND_REPLIES],
        &[FRESH_REPLIES],
        &[ROUND3_REPLIES],
        &[ROUND4_REPLIES],
        &[ROUND5_REPLIES],
        &[ROUND6_REPLIES],
        &[ROUND7_REPLIES],
        &[ROUND8_REPLIES],
        &[ROUND9_REPLIES],
        &[ROUND10_REPLIES],
        &[ROUND12_REPLIES],
    ] {
        let wrong: Vec<String> = run_replies(&load_all_replies(sets).unwrap(), replies_today())
            .iter()
            .filter(|r| r.wrong_money())
            .map(|r| {
                format!(
                    "{}:{} {:?} read as {:?}",
                    r.case.file, r.case.line, r.case.text, r.got.intent
                )
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "an estimate or invoice was read with an amount its label does not have: {wrong:#?}"
        );
    }
}

#[test]
fn reply_accuracy_stays_at_the_recorded_levels() {
    let f = replies(&MAIN_REPLIES);
    at_least("intent accuracy", f.intent_ok, f.total, INTENT_PERCENT);
    at_least(
        "intent and fields accuracy",
        f.exact,
        f.total,
        INTENT_AND_FIELDS_PERCENT,
    );
    let h = replies(&[HOLDOUT_REPLIES]);
    at_least(
        "held-out intent",
        h.intent_ok,
        h.total,
        HOLDOUT_INTENT_PERCENT,
    );
    let b = replies(&[BLIND_REPLIES]);
    at_least("blind intent", b.intent_ok, b.total, BLIND_INTENT_PERCENT);
    for (name, set, intent, exact) in [
        (
            "round 3",
            ROUND3_REPLIES,
            ROUND3_INTENT_PERCENT,
            ROUND3_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 4",
            ROUND4_REPLIES,
            ROUND4_INTENT_PERCENT,
            ROUND4_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 5",
            ROUND5_REPLIES,
            ROUND5_INTENT_PERCENT,
            ROUND5_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 7",
            ROUND7_REPLIES,
            ROUND7_INTENT_PERCENT,
            ROUND7_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 8",
            ROUND8_REPLIES,
            ROUND8_INTENT_PERCENT,
            ROUND8_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 9",
            ROUND9_REPLIES,
            ROUND9_INTENT_PERCENT,
            ROUND9_INTENT_AND_FIELDS_PERCENT,
        ),
        (
            "round 10",
            ROUND10_REPLIES,
            ROUND10_INTENT_PERCENT,
            ROUND10_INTENT_AND_FIELDS_PERCENT,
        ),
    ] {
        let r = replies(&[set]);
        at_least(&format!("{name} intent"), r.intent_ok, r.total, intent);
        at_least(
            &format!("{name} intent and fields"),
            r.exact,
            r.total,
            exact,
        );
    }
    let fresh = replies(&[FRESH_REPLIES]);
    at_least(
        "fresh intent",
        fresh.intent_ok,
        fresh.total,
        FRESH_INTENT_PERCENT,
    );
    let r6 = replies(&[ROUND6_REPLIES]);
    at_least(
        "round 6 intent",
        r6.intent_ok,
        r6.total,
        ROUND6_INTENT_PERCENT,
    );
    let r12 = replies(&[ROUND12_REPLIES]);
    at_least(
        "round 12 intent",
        r12.intent_ok,
        r12.total,
        ROUND12_INTENT_PERCENT,
    );
}
