//! Measures how well Mendwork understands people, on the labelled data sets in `data/`: triage
//! of tenant descriptions (trade, priority, emergency kind, safety question) and the reply parser
//! (intent and its key fields).
//!
//! ```sh
//! cargo run -p mendwork-language --example eval            # everything: figures, matrices, misses
//! cargo run -p mendwork-language --example eval -- triage  # only the descriptions
//! cargo run -p mendwork-language --example eval -- sms     # only the replies
//! cargo run -p mendwork-language --example eval -- --summary   # headline figures only
//! cargo run -p mendwork-language --example eval -- --dev       # no blind sets (while tuning)
//! ```
//!
//! For the sets the engine is tuned on (`descriptions*.csv`, `replies*.csv`, and the former
//! blind `round3_*.csv`, `round4_*.csv` (since round 5), `round5_*.csv` (since round 6),
//! `round7_*.csv` (since round 8), `round8_*.csv` (since round 9), `round9_*.csv` (since
//! round 10) and `round10_*.csv` (since round 12)) and the old held-out ones it prints the
//! figures, per-class tables, confusion matrices and every miss with what the engine saw; for the
//! blind sets (`blind_*.csv`, `fresh_*.csv`, `round6_*.csv`, `round12_*.csv`) the figures and
//! tables only, never the misses, so that nobody tunes on them. `tests/eval.rs` holds the
//! figures. How to read them and how to add examples: `docs/understanding.md`.

mod report;
mod sets;

use report::*;
use sets::*;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let summary = args.iter().any(|a| a == "--summary");
    let only_triage = args.iter().any(|a| a == "triage");
    let only_sms = args.iter().any(|a| a == "sms");
    let blind_too = !args.iter().any(|a| a == "--dev");
    if let Some(other) = args
        .iter()
        .find(|a| !["--summary", "--dev", "triage", "sms"].contains(&a.as_str()))
    {
        return Err(format!(
            "unknown argument {other:?}; use [triage|sms] [--summary] [--dev]"
        ));
    }
    if !only_sms {
        let main = run_triage(&load_all_descriptions(&MAIN_DESCRIPTIONS)?);
        let held = run_triage(&load_descriptions(HOLDOUT_DESCRIPTIONS)?);
        let title = "Triage, main sets";
        if summary {
            print!("{}", triage_summary(title, &triage_figures(&main)));
        } else {
            print!("{}", triage_report(title, &main));
            print!("{}", triage_misses("the main sets", &main));
        }
        println!();
        print!(
            "{}",
            triage_summary("Triage, old held-out set", &triage_figures(&held))
        );
        if !summary {
            print!("{}", triage_misses("the old held-out set", &held));
        }
        // Rounds 3, 4, 5, 7, 8, 9 and 10 were blind, measured once, and are development sets
        // since: misses too.
        for (set, title, name) in [
            (
                ROUND3_DESCRIPTIONS,
                "Triage, round 3 (development)",
                "round 3",
            ),
            (
                ROUND4_DESCRIPTIONS,
                "Triage, round 4 (development)",
                "round 4",
            ),
            (
                ROUND5_DESCRIPTIONS,
                "Triage, round 5 (development)",
                "round 5",
            ),
            (
                ROUND7_DESCRIPTIONS,
                "Triage, round 7 (development)",
                "round 7",
            ),
            (
                ROUND8_DESCRIPTIONS,
                "Triage, round 8 (development)",
                "round 8",
            ),
            (
                ROUND9_DESCRIPTIONS,
                "Triage, round 9 (development)",
                "round 9",
            ),
            (
                ROUND10_DESCRIPTIONS,
                "Triage, round 10 (development)",
                "round 10",
            ),
        ] {
            let dev = run_triage(&load_descriptions(set)?);
            println!();
            if summary {
                print!("{}", triage_summary(title, &triage_figures(&dev)));
            } else {
                print!("{}", triage_report(title, &dev));
                print!("{}", triage_misses(name, &dev));
            }
        }
        // Figures only: the misses of a held-back or blind set are never printed.
        let blind_sets: &[(Set, &str)] = if blind_too {
            &[
                (HELDBACK_DESCRIPTIONS, "Triage, HELD BACK"),
                (BLIND_DESCRIPTIONS, "Triage, BLIND"),
                (FRESH_DESCRIPTIONS, "Triage, FRESH BLIND"),
                (ROUND6_DESCRIPTIONS, "Triage, ROUND 6 BLIND"),
                (ROUND12_DESCRIPTIONS, "Triage, ROUND 12 BLIND"),
            ]
        } else {
            &[(HELDBACK_DESCRIPTIONS, "Triage, HELD BACK")]
        };
        for &(set, title) in blind_sets {
            let blind = run_triage(&load_descriptions(set)?);
            println!();
            if summary {
                print!("{}", triage_summary(title, &triage_figures(&blind)));
            } else {
                print!("{}", triage_report(title, &blind));
            }
        }
    }
    if !only_triage {
        if !only_sms {
            println!();
        }
        let today = replies_today();
        let main = run_replies(&load_all_replies(&MAIN_REPLIES)?, today);
        let held = run_replies(&load_replies(HOLDOUT_REPLIES)?, today);
        let title = "SMS replies, main sets";
        if summary {
            print!("{}", reply_summary(title, &reply_figures(&main)));
        } else {
            print!("{}", reply_report(title, &main));
            print!("{}", reply_misses("the main sets", &main));
        }
        println!();
        print!(
            "{}",
            reply_summary("SMS replies, old held-out set", &reply_figures(&held))
        );
        if !summary {
            print!("{}", reply_misses("the old held-out set", &held));
        }
        for (set, title, name) in [
            (
                ROUND3_REPLIES,
                "SMS replies, round 3 (development)",
                "round 3",
            ),
            (
                ROUND4_REPLIES,
                "SMS replies, round 4 (development)",
                "round 4",
            ),
            (
                ROUND5_REPLIES,
                "SMS replies, round 5 (development)",
                "round 5",
            ),
            (
                ROUND7_REPLIES,
                "SMS replies, round 7 (development)",
                "round 7",
            ),
            (
                ROUND8_REPLIES,
                "SMS replies, round 8 (development)",
                "round 8",
            ),
            (
                ROUND9_REPLIES,
                "SMS replies, round 9 (development)",
                "round 9",
            ),
            (
                ROUND10_REPLIES,
                "SMS replies, round 10 (development)",
                "round 10",
            ),
        ] {
            let dev = run_replies(&load_replies(set)?, today);
            println!();
            if summary {
                print!("{}", reply_summary(title, &reply_figures(&dev)));
            } else {
                print!("{}", reply_report(title, &dev));
                print!("{}", reply_misses(name, &dev));
            }
        }
        let blind_sets: &[(Set, &str)] = if blind_too {
            &[
                (BLIND_REPLIES, "SMS replies, BLIND"),
                (FRESH_REPLIES, "SMS replies, FRESH BLIND"),
                (ROUND6_REPLIES, "SMS replies, ROUND 6 BLIND"),
                (ROUND12_REPLIES, "SMS replies, ROUND 12 BLIND"),
            ]
        } else {
            &[]
        };
        for &(set, title) in blind_sets {
            let blind = run_replies(&load_replies(set)?, today);
            println!();
            if summary {
                print!("{}", reply_summary(title, &reply_figures(&blind)));
            } else {
                print!("{}", reply_report(title, &blind));
            }
        }
    }
    Ok(())
}
