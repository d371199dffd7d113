//! The method question, measured: would a small model trained on the labelled descriptions do
//! better than the rules? A multinomial naive Bayes over the normaliser's words and word pairs,
//! for trade and for priority, scored by 10-fold cross-validation on the main sets and, trained
//! on all of them, on the two blind sets; next to the rules, and a hybrid declared before the blind
//! set was scored (the rules decide everything, except the trade when their words name none).
//!
//! ```sh
//! cargo run -p mendwork-language --example model
//! ```
//!
//! Not shipped: `docs/understanding.md` gives the figures and why the rules were kept.

#[path = "../eval/sets.rs"]
#[allow(dead_code)]
mod sets;

use std::collections::HashMap;

use mendwork_language::normalise;
use mendwork_language::triage::{TriageInput, triage};
use sets::*;

/// The features of a text: its words and its pairs of words.
fn features(text: &str) -> Vec<String> {
    let words: Vec<String> = normalise::words(text).into_iter().map(|w| w.text).collect();
    let mut out = words.clone();
    out.extend(words.windows(2).map(|p| format!("{} {}", p[0], p[1])));
    out
}

/// Multinomial naive Bayes with add-one smoothing.
struct Bayes {
    classes: Vec<String>,
    prior: Vec<f64>,
    counts: Vec<HashMap<String, f64>>,
    totals: Vec<f64>,
    vocabulary: usize,
}

impl Bayes {
    fn train(examples: &[(Vec<String>, String)]) -> Bayes {
        let mut classes: Vec<String> = examples.iter().map(|(_, c)| c.clone()).collect();
        classes.sort();
        classes.dedup();
        let n = classes.len();
        let mut prior = vec![0.0; n];
        let mut counts = vec![HashMap::new(); n];
        let mut totals = vec![0.0; n];
        let mut vocabulary = std::collections::HashSet::new();
        for (f, c) in examples {
            let i = classes.iter().position(|x| x == c).unwrap_or(0);
            prior[i] += 1.0;
            for w in f {
                *counts[i].entry(w.clone()).or_insert(0.0) += 1.0;
                totals[i] += 1.0;
                vocabulary.insert(w.clone());
            }
        }
        let all: f64 = prior.iter().sum();
        for p in &mut prior {
            *p = (*p / all).ln();
        }
        Bayes {
            classes,
            prior,
            counts,
            totals,
            vocabulary: vocabulary.len(),
        }
    }

    fn predict(&self, f: &[String]) -> &str {
        let v = self.vocabulary as f64;
        let best = (0..self.classes.len()).max_by(|&a, &b| {
            let score = |i: usize| {
                self.prior[i]
                    + f.iter()
                        .map(|w| {
                            ((self.counts[i].get(w).copied().unwrap_or(0.0) + 1.0)
                                / (self.totals[i] + v))
                                .ln()
                        })
                        .sum::<f64>()
            };
            score(a).total_cmp(&score(b))
        });
        best.map_or("", |i| self.classes[i].as_str())
    }
}

struct Scores {
    trade: usize,
    priority: usize,
    both: usize,
    emergencies: usize,
    caught: usize,
    routine: usize,
    routine_flagged: usize,
    total: usize,
}

fn score(
    cases: &[DescriptionCase],
    predict: impl Fn(&DescriptionCase) -> (String, String),
) -> Scores {
    let mut s = Scores {
        trade: 0,
        priority: 0,
        both: 0,
        emergencies: 0,
        caught: 0,
        routine: 0,
        routine_flagged: 0,
        total: cases.len(),
    };
    for c in cases {
        let (trade, priority) = predict(c);
        let t = trade == c.trade.as_str();
        let p = priority == c.priority.as_str();
        s.trade += usize::from(t);
        s.priority += usize::from(p);
        s.both += usize::from(t && p);
        let labelled = c.priority.as_str() == "emergency";
        s.emergencies += usize::from(labelled);
        s.caught += usize::from(labelled && priority == "emergency");
        let routine = c.priority.as_str() == "routine";
        s.routine += usize::from(routine);
        s.routine_flagged += usize::from(routine && priority == "emergency");
    }
    s
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        return "-".into();
    }
    format!("{:.1}% ({a}/{b})", 100.0 * a as f64 / b as f64)
}

fn show(title: &str, s: &Scores) {
    println!(
        "  {title:<28} trade {:<20} priority {:<20} both {:<20} emergency recall {:<18} routine flagged {}",
        pct(s.trade, s.total),
        pct(s.priority, s.total),
        pct(s.both, s.total),
        pct(s.caught, s.emergencies),
        pct(s.routine_flagged, s.routine)
    );
}

fn rules(c: &DescriptionCase) -> (String, String) {
    let a = triage(&TriageInput {
        cold_weather: c.cold_weather,
        ..TriageInput::new(&c.text)
    });
    (
        a.trade.as_str().to_string(),
        a.priority.as_str().to_string(),
    )
}

fn main() -> Result<(), String> {
    let main = load_all_descriptions(&MAIN_DESCRIPTIONS)?;
    let blind = load_descriptions(BLIND_DESCRIPTIONS)?;
    let fresh = load_descriptions(FRESH_DESCRIPTIONS)?;
    let feats = |c: &DescriptionCase| {
        let mut f = features(&c.text);
        if c.cold_weather {
            f.push("<cold_weather>".into());
        }
        f
    };

    // 10-fold cross-validation of the model on the main sets.
    let folds = 10;
    let mut cv: Vec<(String, String, DescriptionCase)> = Vec::new();
    for k in 0..folds {
        let train: Vec<&DescriptionCase> = main
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != k)
            .map(|(_, c)| c)
            .collect();
        let trade = Bayes::train(
            &train
                .iter()
                .map(|c| (feats(c), c.trade.as_str().to_string()))
                .collect::<Vec<_>>(),
        );
        let priority = Bayes::train(
            &train
                .iter()
                .map(|c| (feats(c), c.priority.as_str().to_string()))
                .collect::<Vec<_>>(),
        );
        for (i, c) in main.iter().enumerate().filter(|(i, _)| i % folds == k) {
            let _ = i;
            let f = feats(c);
            cv.push((
                trade.predict(&f).to_string(),
                priority.predict(&f).to_string(),
                c.clone(),
            ));
        }
    }
    let cases: Vec<DescriptionCase> = cv.iter().map(|(_, _, c)| c.clone()).collect();
    let lookup: HashMap<(String, usize), (String, String)> = cv
        .iter()
        .map(|(t, p, c)| ((c.file.to_string(), c.line), (t.clone(), p.clone())))
        .collect();
    println!(
        "Main sets ({} descriptions), the model by 10-fold cross-validation:",
        main.len()
    );
    show(
        "naive Bayes",
        &score(&cases, |c| {
            lookup
                .get(&(c.file.to_string(), c.line))
                .cloned()
                .unwrap_or_default()
        }),
    );
    show("rules (tuned on these: in-sample)", &score(&main, rules));

    // Trained on all the main sets, scored once on the blind set.
    let trade = Bayes::train(
        &main
            .iter()
            .map(|c| (feats(c), c.trade.as_str().to_string()))
            .collect::<Vec<_>>(),
    );
    let priority = Bayes::train(
        &main
            .iter()
            .map(|c| (feats(c), c.priority.as_str().to_string()))
            .collect::<Vec<_>>(),
    );
    let model = |c: &DescriptionCase| {
        let f = feats(c);
        (
            trade.predict(&f).to_string(),
            priority.predict(&f).to_string(),
        )
    };
    // The hybrid: the rules decide everything, except the trade when no trade word was said.
    let hybrid = |c: &DescriptionCase| {
        let a = triage(&TriageInput {
            cold_weather: c.cold_weather,
            ..TriageInput::new(&c.text)
        });
        let silent = a
            .drivers
            .iter()
            .any(|d| d.contains("no trade-specific words"));
        let t = if silent {
            trade.predict(&feats(c)).to_string()
        } else {
            a.trade.as_str().to_string()
        };
        (t, a.priority.as_str().to_string())
    };
    // Declared after the blind figures were seen, so only a lead for the next round: the rules,
    // raised to an emergency whenever the model says one (the model as a second opinion).
    let union = |c: &DescriptionCase| {
        let (t, p) = rules(c);
        if priority.predict(&feats(c)) == "emergency" {
            (t, "emergency".to_string())
        } else {
            (t, p)
        }
    };
    for (name, set) in [("Blind set", &blind), ("Fresh blind set", &fresh)] {
        println!("\n{name} ({} descriptions):", set.len());
        show("naive Bayes", &score(set, model));
        show("rules", &score(set, rules));
        show("hybrid (rules, model trade)", &score(set, hybrid));
        show("rules raised by the model", &score(set, union));
    }
    Ok(())
}
