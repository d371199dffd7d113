//! A second opinion on danger: a small naive Bayes model over the normaliser's words, their
//! stems and pairs of words, trained at first use on the labelled development descriptions
//! embedded in the binary. It never makes an emergency by itself: when it sees one the rules do
//! not, triage asks the tenant the safety question of that kind, and the tenant's YES decides.
//!
//! Why a model at all: phrase rules generalise one phrasing at a time, while the model reads the
//! whole bag of words and so recognises new wording of a known danger; why only a question:
//! alone it flags far too many routine requests as emergencies (`docs/understanding.md`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::normalise;
use crate::types::EmergencyKind;

/// The labelled descriptions the shipped model learns from: the development sets only, never a
/// held-back or blind one (rounds 3 and 4 were blind, measured once, and are development sets
/// since round 5; round 5 since round 6; round 7 since round 8; round 8 since round 9; round 9
/// since round 10; round 10 since round 12).
const TRAINING: [&str; 10] = [
    include_str!("../data/descriptions.csv"),
    include_str!("../data/descriptions_more.csv"),
    include_str!("../data/holdout_descriptions.csv"),
    include_str!("../data/round3_descriptions.csv"),
    include_str!("../data/round4_descriptions.csv"),
    include_str!("../data/round5_descriptions.csv"),
    include_str!("../data/round7_descriptions.csv"),
    include_str!("../data/round8_descriptions.csv"),
    include_str!("../data/round9_descriptions.csv"),
    include_str!("../data/round10_descriptions.csv"),
];

/// The probability of an emergency from which the model's opinion counts. Chosen by 10-fold
/// cross-validation on the development sets (`examples/model`): the knee of the curve, where,
/// behind the gates, routine requests newly asked stay at 1% while the share of emergencies the
/// model would ask about is still rising (0.1 triples the routine requests asked).
pub const THRESHOLD: f64 = 0.3;

/// The probability of an emergency from which the model's opinion turns a question already
/// asked into the emergency the question names (when the model's kind is that one). Chosen by
/// leave-one-round-out on engines whose rules had not yet been tuned on the held-out round
/// (`examples/model/loro.rs`, `docs/understanding-rounds-7-8.md`, round 7): the lowest threshold
/// tried at which routine requests flagged emergency did not rise above the rules' own 1% on any
/// round.
pub const RAISE: f64 = 0.9999;

/// What the model makes of a description.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Opinion {
    /// The probability that the description is an emergency of any kind, in `0.0..=1.0`.
    pub emergency: f64,
    /// The most likely emergency kind, whatever `emergency` says.
    pub kind: EmergencyKind,
}

/// The label a model learns: a priority below emergency, or an emergency's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Routine,
    Urgent,
    Emergency(EmergencyKind),
}

impl Label {
    /// A label from a data file's `priority` and `emergency` columns.
    pub fn parse(priority: &str, emergency: &str) -> Option<Label> {
        match (priority, emergency) {
            ("routine", "none") => Some(Label::Routine),
            ("urgent", "none") => Some(Label::Urgent),
            ("emergency", kind) => EmergencyKind::ALL
                .into_iter()
                .find(|k| kind_spelling(*k) == kind)
                .map(Label::Emergency),
            _ => None,
        }
    }
}

/// The data sets' spelling of an emergency kind.
fn kind_spelling(kind: EmergencyKind) -> &'static str {
    match kind {
        EmergencyKind::Gas => "gas",
        EmergencyKind::CarbonMonoxide => "carbon_monoxide",
        EmergencyKind::Flooding => "flooding",
        EmergencyKind::FireOrSparks => "fire_or_sparks",
        EmergencyKind::Sewage => "sewage",
        EmergencyKind::NoHeat => "no_heat",
        EmergencyKind::Lockout => "lockout",
        EmergencyKind::SecurityBreach => "security_breach",
        EmergencyKind::PersonTrapped => "person_trapped",
    }
}

/// A crude stem, so that new inflections of a known word count: `leaking`, `leaked`, `leaks` →
/// `leak`; `goteando` → `gote`. Only for the model: the rules keep whole words.
fn stem(word: &str) -> &str {
    const ENDINGS: [&str; 10] = [
        "ando", "iendo", "ing", "ed", "es", "s", "ado", "ido", "ada", "ida",
    ];
    for end in ENDINGS {
        if let Some(base) = word.strip_suffix(end)
            && base.chars().count() >= 3
        {
            return base;
        }
    }
    word
}

/// The features of a description: its words, their stems, pairs of words, and the heating
/// months.
pub fn features(text: &str, cold_weather: bool) -> Vec<String> {
    let words: Vec<String> = normalise::words(text).into_iter().map(|w| w.text).collect();
    let mut out = Vec::with_capacity(words.len() * 3 + 1);
    for w in &words {
        out.push(w.clone());
        let s = stem(w);
        if s.len() != w.len() {
            out.push(format!("{s}~"));
        }
    }
    out.extend(words.windows(2).map(|p| format!("{} {}", p[0], p[1])));
    if cold_weather {
        out.push("<cold_weather>".into());
    }
    out
}

/// A naive Bayes with add-one smoothing over [`Label`]s, each feature counted once per
/// description (binarised: a word said ten times is not ten times the evidence, and a text of one
/// repeated word costs one lookup).
#[derive(Debug, Clone)]
pub struct Model {
    labels: Vec<Label>,
    prior: Vec<f64>,
    /// For each feature seen in training, its log-probability under each label.
    table: HashMap<String, Vec<f64>>,
    /// The log-probability of a feature never seen, under each label.
    unseen: Vec<f64>,
}

impl Model {
    /// Learns from `(features, label)` pairs. With no examples, every opinion is no emergency.
    pub fn train<'a>(examples: impl IntoIterator<Item = (&'a [String], Label)>) -> Model {
        let mut labels: Vec<Label> = Vec::new();
        let mut prior: Vec<f64> = Vec::new();
        let mut counts: HashMap<String, Vec<f64>> = HashMap::new();
        let mut totals: Vec<f64> = Vec::new();
        for (features, label) in examples {
            let i = match labels.iter().position(|l| *l == label) {
                Some(i) => i,
                None => {
                    labels.push(label);
                    prior.push(0.0);
                    totals.push(0.0);
                    for c in counts.values_mut() {
                        c.push(0.0);
                    }
                    labels.len() - 1
                }
            };
            prior[i] += 1.0;
            let distinct: HashSet<&String> = features.iter().collect();
            for f in distinct {
                let n = labels.len();
                let c = counts.entry(f.clone()).or_insert_with(|| vec![0.0; n]);
                c[i] += 1.0;
                totals[i] += 1.0;
            }
        }
        let all: f64 = prior.iter().sum();
        for p in &mut prior {
            *p = (*p / all).ln();
        }
        let vocabulary = counts.len() as f64;
        let unseen: Vec<f64> = totals
            .iter()
            .map(|t| (1.0 / (t + vocabulary)).ln())
            .collect();
        let table = counts
            .into_iter()
            .map(|(f, c)| {
                let logs = c
                    .iter()
                    .zip(&totals)
                    .map(|(n, t)| ((n + 1.0) / (t + vocabulary)).ln())
                    .collect();
                (f, logs)
            })
            .collect();
        Model {
            labels,
            prior,
            table,
            unseen,
        }
    }

    /// The model's opinion of a description's features.
    pub fn opinion(&self, features: &[String]) -> Opinion {
        let mut scores = self.prior.clone();
        let distinct: HashSet<&String> = features.iter().collect();
        for f in distinct {
            let logs = self.table.get(f.as_str()).unwrap_or(&self.unseen);
            for (s, l) in scores.iter_mut().zip(logs) {
                *s += l;
            }
        }
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        let sum: f64 = weights.iter().sum();
        let mut emergency = 0.0;
        let mut best: Option<(f64, EmergencyKind)> = None;
        for (label, w) in self.labels.iter().zip(&weights) {
            if let Label::Emergency(kind) = label {
                emergency += w / sum;
                if best.is_none_or(|(b, _)| *w > b) {
                    best = Some((*w, *kind));
                }
            }
        }
        Opinion {
            emergency: if emergency.is_finite() {
                emergency
            } else {
                0.0
            },
            kind: best.map_or(EmergencyKind::Flooding, |(_, k)| k),
        }
    }
}

/// The labelled rows of a description file: `(cold_weather, label, text)`. Comment lines start
/// with `#`; the first other line is the header; the text is the last field, quoted.
pub fn labelled_rows(file: &str) -> Vec<(bool, Label, String)> {
    let mut out = Vec::new();
    let mut lines = file.lines().filter(|l| !l.starts_with('#'));
    let _header = lines.next();
    for line in lines {
        let Some(quote) = line.find('"') else {
            continue;
        };
        let fields: Vec<&str> = line[..quote].split(',').collect();
        let text = line[quote..].trim_end();
        let text = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text)
            .replace("\"\"", "\"");
        let (Some(priority), Some(emergency), Some(cold)) =
            (fields.get(1), fields.get(2), fields.get(3))
        else {
            continue;
        };
        if let Some(label) = Label::parse(priority, emergency) {
            out.push((*cold == "yes", label, text));
        }
    }
    out
}

/// The word stems that let the model's opinion of each kind count (`rules/model.yaml`).
#[derive(Debug, serde::Deserialize)]
struct Gates {
    gates: HashMap<String, Vec<String>>,
    #[serde(default)]
    except: HashMap<String, Vec<String>>,
}

/// The gates, parsed once.
fn gates() -> &'static Gates {
    static GATES: OnceLock<Gates> = OnceLock::new();
    GATES.get_or_init(|| {
        crate::data::load(crate::data::parse(
            "rules/model.yaml",
            include_str!("../rules/model.yaml"),
        ))
    })
}

/// Every stem of the gates and their exceptions, for the test that checks they are written as
/// the normaliser writes.
pub fn gate_stems() -> Vec<String> {
    let g = gates();
    g.gates
        .values()
        .chain(g.except.values())
        .flatten()
        .cloned()
        .collect()
}

/// Whether `word`, in the clause of a word naming `kind`, makes that word not count (the
/// faucet of "the faucet drips", the bill of "the water bill").
pub fn word_excepts_kind(word: &str, kind: EmergencyKind) -> bool {
    gates()
        .except
        .get(kind_spelling(kind))
        .is_some_and(|stems| stems.iter().any(|s| word.starts_with(s.as_str())))
}

/// Whether `word` names something of `kind`: it starts with one of the kind's stems. A kind
/// with no gate is never named, so the model is not heard about it.
pub fn word_names_kind(word: &str, kind: EmergencyKind) -> bool {
    gates()
        .gates
        .get(kind_spelling(kind))
        .is_some_and(|stems| stems.iter().any(|s| word.starts_with(s.as_str())))
}

/// Whether any word of `text` names something of `kind` (whatever its scope).
pub fn names_kind(text: &str, kind: EmergencyKind) -> bool {
    normalise::words(text)
        .iter()
        .any(|w| word_names_kind(&w.text, kind))
}

/// The shipped model, trained once on the embedded development descriptions.
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let rows: Vec<(Vec<String>, Label)> = TRAINING
            .iter()
            .flat_map(|file| labelled_rows(file))
            .map(|(cold, label, text)| (features(&text, cold), label))
            .collect();
        Model::train(rows.iter().map(|(f, l)| (f.as_slice(), *l)))
    })
}

/// The shipped model's opinion of a description.
pub fn second_opinion(text: &str, cold_weather: bool) -> Opinion {
    model().opinion(&features(text, cold_weather))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_learns_from_every_development_description() {
        // Given the embedded development files, when they are read, then every labelled row
        // counts: as many as the data lines that are neither comments nor headers.
        let lines: usize = TRAINING
            .iter()
            .map(|f| {
                f.lines()
                    .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .count()
                    - 1
            })
            .sum();
        let n: usize = TRAINING.iter().map(|f| labelled_rows(f).len()).sum();
        assert_eq!(n, lines);
        assert!(n > 1_300, "{n}");
    }

    #[test]
    fn new_wording_of_a_flood_is_an_emergency_to_the_model_and_a_dripping_tap_is_not() {
        let flood = second_opinion(
            "the water is pouring down from upstairs all over the floor",
            false,
        );
        assert!(flood.emergency > THRESHOLD, "{flood:?}");
        assert_eq!(flood.kind, EmergencyKind::Flooding);
        let tap = second_opinion("the bathroom tap drips a little at night", false);
        assert!(tap.emergency < THRESHOLD, "{tap:?}");
    }

    #[test]
    fn a_stem_drops_an_ending_only_when_a_word_is_left() {
        assert_eq!(stem("leaking"), "leak");
        assert_eq!(stem("leaks"), "leak");
        assert_eq!(stem("goteando"), "gote");
        assert_eq!(stem("gas"), "gas");
    }
}
