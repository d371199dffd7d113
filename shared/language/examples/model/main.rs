//! The development protocol for the model's second opinion (`src/model.rs`), measured without
//! peeking: 10-fold cross-validation on the development sets (the model never sees the fold it is
//! scored on) and the held-back set, which nobody tunes on (figures only, never its misses).
//!
//! For each threshold it prints what asking the tenant would cost (routine and urgent requests
//! asked a question) and what it would buy (emergencies the model alone would ask about with the
//! question of their kind, on descriptions it was not trained on), then the rules with and
//! without the opinion on the held-back set.
//!
//! ```sh
//! cargo run -p mendwork-language --example model
//! cargo run -p mendwork-language --example model -- --loro   # leave one round out (loro.rs)
//! ```

mod loro;
#[path = "../eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use mendwork_language::model::{Label, Model, Opinion, THRESHOLD, features, names_kind};
use mendwork_language::triage::{TriageInput, question_for, triage_by_rules, triage_with};
use mendwork_language::{EmergencyKind, Priority};
use sets::*;

const FOLDS: usize = 10;
const THRESHOLDS: [f64; 7] = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95];

fn label(c: &DescriptionCase) -> Label {
    match (c.priority, c.emergency) {
        (_, Some(kind)) => Label::Emergency(kind),
        (Priority::Urgent, None) => Label::Urgent,
        _ => Label::Routine,
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        return "-".into();
    }
    format!("{:.1}% ({a}/{b})", 100.0 * a as f64 / b as f64)
}

fn train(cases: &[&DescriptionCase]) -> Model {
    let rows: Vec<(Vec<String>, Label)> = cases
        .iter()
        .map(|c| (features(&c.text, c.cold_weather), label(c)))
        .collect();
    Model::train(rows.iter().map(|(f, l)| (f.as_slice(), *l)))
}

/// Whether an opinion asks the question whose YES is `kind`.
fn asks_about(text: &str, o: &Opinion, threshold: f64, kind: EmergencyKind) -> bool {
    o.emergency >= threshold
        && o.kind == kind
        && question_for(kind).is_some()
        && names_kind(text, kind)
}

fn main() -> Result<(), String> {
    if std::env::args().any(|a| a == "--loro") {
        return loro::run();
    }
    let mut dev = load_all_descriptions(&MAIN_DESCRIPTIONS)?;
    dev.extend(load_descriptions(HOLDOUT_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND3_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND4_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND5_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND7_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND8_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND9_DESCRIPTIONS)?);
    dev.extend(load_descriptions(ROUND10_DESCRIPTIONS)?);
    let held = load_descriptions(HELDBACK_DESCRIPTIONS)?;

    // Every development description with the opinion of a model trained without its fold.
    let mut scored: Vec<(&DescriptionCase, Opinion)> = Vec::new();
    for k in 0..FOLDS {
        let model = train(
            &dev.iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS != k)
                .map(|(_, c)| c)
                .collect::<Vec<_>>(),
        );
        for (_, c) in dev.iter().enumerate().filter(|(i, _)| i % FOLDS == k) {
            scored.push((c, model.opinion(&features(&c.text, c.cold_weather))));
        }
    }
    let count = |f: &dyn Fn(&DescriptionCase, &Opinion) -> bool| {
        scored.iter().filter(|(c, o)| f(c, o)).count()
    };
    let routine = count(&|c, _| c.priority == Priority::Routine);
    let urgent = count(&|c, _| c.priority == Priority::Urgent);
    let askable = count(&|c, _| c.emergency.is_some_and(|k| question_for(k).is_some()));
    println!(
        "Development sets ({} descriptions), {FOLDS}-fold cross-validation of the model alone:",
        dev.len()
    );
    println!(
        "  threshold {:<28} {:<28} emergencies asked their kind",
        "routine it would ask", "urgent it would ask"
    );
    for t in THRESHOLDS {
        println!(
            "  {t:<9} {:<28} {:<28} {}",
            pct(
                count(&|c, o| c.priority == Priority::Routine
                    && o.emergency >= t
                    && names_kind(&c.text, o.kind)),
                routine
            ),
            pct(
                count(&|c, o| c.priority == Priority::Urgent
                    && o.emergency >= t
                    && names_kind(&c.text, o.kind)),
                urgent
            ),
            pct(
                count(&|c, o| c.emergency.is_some_and(|k| asks_about(&c.text, o, t, k))),
                askable
            ),
        );
    }

    // The rules with a fold-trained opinion, on the development sets: what the opinion costs
    // where the rules are silent (they are tuned on these, so their recall here is in-sample).
    let mut newly_asked = [0usize; THRESHOLDS.len()];
    let mut urgent_asked = [0usize; THRESHOLDS.len()];
    for k in 0..FOLDS {
        let model = train(
            &dev.iter()
                .enumerate()
                .filter(|(i, _)| i % FOLDS != k)
                .map(|(_, c)| c)
                .collect::<Vec<_>>(),
        );
        for (_, c) in dev.iter().enumerate().filter(|(i, _)| i % FOLDS == k) {
            let input = TriageInput {
                cold_weather: c.cold_weather,
                ..TriageInput::new(&c.text)
            };
            let without = triage_by_rules(&input);
            if without.question.is_some() || c.priority == Priority::Emergency {
                continue;
            }
            for (i, t) in THRESHOLDS.into_iter().enumerate() {
                let with = triage_with(&input, |text, cold| {
                    Some(model.opinion(&features(text, cold))).filter(|o| o.emergency >= t)
                });
                let asked = usize::from(with.question.is_some());
                match c.priority {
                    Priority::Routine => newly_asked[i] += asked,
                    _ => urgent_asked[i] += asked,
                }
            }
        }
    }
    println!("\nRules + cross-validated opinion (gated by words and by scope), newly asked:");
    for (i, t) in THRESHOLDS.into_iter().enumerate() {
        println!(
            "  {t:<9} routine {:<22} urgent {}",
            pct(newly_asked[i], routine),
            pct(urgent_asked[i], urgent)
        );
    }
    let _ = THRESHOLD;

    // The held-back set: figures only.
    println!(
        "\nHeld-back set ({} descriptions), the shipped model (figures only):",
        held.len()
    );
    for (name, with_model) in [("rules alone", false), ("rules + opinion", true)] {
        let (mut caught, mut emergencies, mut routine_asked, mut routine, mut tp) = (0, 0, 0, 0, 0);
        for c in &held {
            let input = TriageInput {
                cold_weather: c.cold_weather,
                ..TriageInput::new(&c.text)
            };
            let a = if with_model {
                mendwork_language::triage::triage(&input)
            } else {
                triage_by_rules(&input)
            };
            if let Some(kind) = c.emergency {
                emergencies += 1;
                caught += usize::from(
                    a.emergency.is_some() || a.question.map(|q| q.emergency_if_yes()) == Some(kind),
                );
            }
            if c.priority == Priority::Routine {
                routine += 1;
                routine_asked += usize::from(a.question.is_some());
            }
            tp += usize::from(a.trade == c.trade && a.priority == c.priority);
        }
        println!(
            "  {name:<16} emergency flagged or asked {:<16} routine asked {:<14} trade and priority {}",
            pct(caught, emergencies),
            pct(routine_asked, routine),
            pct(tp, held.len())
        );
    }
    Ok(())
}
