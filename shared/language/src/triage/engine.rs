//! Triage's data, loaded and compiled once: the facts, the rules, the word lists the code asks
//! about, the trade vocabulary and the diagnoses, all phrases in one [`Lexicon`].

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::facts::{Fact, Facts, Tip};
use crate::data::{self, DataError, WordSet};
use crate::phrases::{Builder, Lexicon, PatternId, Scope};
use crate::types::Trade;

/// One rule: a fact and the phrases that show it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    fact: Fact,
    #[serde(default = "clause")]
    scope: Scope,
    phrases: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
}

fn clause() -> Scope {
    Scope::Clause
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListsFile {
    lists: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadingFile {
    compounds: Vec<(String, String)>,
    water_heater: (String, Vec<String>),
    conjunctions: WordSet,
    same_subject_conjunctions: WordSet,
    auxiliaries: WordSet,
    continuers: WordSet,
    negators: WordSet,
    absence: WordSet,
    contrast: WordSet,
    list_joiners: WordSet,
    stoppers: WordSet,
    fillers: WordSet,
    attempts: WordSet,
    claims: WordSet,
    stopped: Vec<String>,
    shut_off: Vec<String>,
    failed: Vec<String>,
    hypothetical: Vec<String>,
    resolved: Vec<String>,
    long_ago: Vec<String>,
    recurring: Vec<String>,
    present: Vec<String>,
}

/// A trade word list: [trade, weight, phrase] or [trade, weight, phrase, facts it is only a
/// place for].
#[derive(Deserialize)]
#[serde(untagged)]
enum VocabSpec {
    Plain(Trade, u32, String),
    Except(Trade, u32, String, Vec<Fact>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TradesFile {
    vocabulary: Vec<VocabSpec>,
    rooms: Vec<(String, String)>,
    clause_weight: u32,
    fact_bonus: u32,
}

/// One way of naming a fact's likely cause: used when `when` matches in the fact's sentence (or
/// always, when absent) and `cold` (if given) is the season's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosisSpec {
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    cold: Option<bool>,
    /// The catalogue key of its sentence, after `diagnosis.`: `<fact>.<n>`.
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosesFile {
    diagnoses: HashMap<Fact, Vec<DiagnosisSpec>>,
    none: String,
    empty: String,
}

/// A compiled rule.
pub struct Rule {
    pub fact: Fact,
    pub scope: Scope,
    pub phrases: Vec<PatternId>,
    pub unless: Vec<PatternId>,
    /// The phrases as written, for the test that every rule fires on a labelled example.
    pub written: Vec<String>,
}

pub struct Diagnosis {
    pub when: Option<PatternId>,
    pub cold: Option<bool>,
    /// The catalogue key of its sentence, after `diagnosis.` (checked: lowercase letters,
    /// digits, `_` and `.`).
    pub key: String,
}

/// The word lists and phrases the code asks about by name.
pub struct Queries {
    pub battery: PatternId,
    pub low_battery: PatternId,
    pub chirp_like: PatternId,
    pub location: PatternId,
    pub passage: PatternId,
    pub co_danger: PatternId,
    pub fire_ruled_out: PatternId,
    pub heat_words: PatternId,
    pub other_toilet: PatternId,
    pub contained: PatternId,
    pub faucet: PatternId,
    pub tap_jet: PatternId,
    pub kept_dry: PatternId,
    pub the_drip: PatternId,
    pub washer: PatternId,
    pub plumbing_parts: PatternId,
    pub minor: PatternId,
    pub damage: PatternId,
    pub appliance: PatternId,
    pub fridge: PatternId,
    pub home_heat: PatternId,
    pub electric: PatternId,
    pub near: PatternId,
    pub touching: PatternId,
    pub soaked: PatternId,
    pub entry: PatternId,
    pub interior: PatternId,
    pub break_in: PatternId,
    pub ground_floor: PatternId,
    pub upper_floor: PatternId,
    pub intact: PatternId,
    pub glass_gone: PatternId,
    pub reach: PatternId,
    pub cold_words: PatternId,
    pub warm_words: PatternId,
    pub partial_heat: PatternId,
    pub degrees: PatternId,
    pub inside: PatternId,
    pub outside: PatternId,
    pub celsius: PatternId,
    pub fahrenheit: PatternId,
    pub stopped: Vec<PatternId>,
    pub shut_off: Vec<PatternId>,
    pub failed: Vec<PatternId>,
    pub hypothetical: Vec<PatternId>,
    pub resolved: Vec<PatternId>,
    pub long_ago: Vec<PatternId>,
    pub recurring: Vec<PatternId>,
    pub present: Vec<PatternId>,
    pub tips: Vec<(Tip, PatternId)>,
}

/// Reading words: how clauses are cut and negations reach.
pub struct Words {
    pub conjunctions: WordSet,
    pub same_subject_conjunctions: WordSet,
    pub auxiliaries: WordSet,
    pub continuers: WordSet,
    pub negators: WordSet,
    pub absence: WordSet,
    pub contrast: WordSet,
    pub list_joiners: WordSet,
    pub stoppers: WordSet,
    pub fillers: WordSet,
    pub attempts: WordSet,
    /// Words that make a "fine" or "fixed" after them a claim or a wish ("says it's fine").
    pub claims: WordSet,
    /// The Spanish word that is a water heater when the text is about hot or cold water.
    pub water_heater: String,
}

pub struct Engine {
    pub facts: Facts,
    /// Compound nouns, matched before everything else: (joined word, phrase).
    pub compounds: Lexicon,
    pub joins: Vec<(PatternId, String)>,
    /// In the compound lexicon: phrases saying the text is about hot or cold water.
    pub heater_hints: Vec<PatternId>,
    pub lexicon: Lexicon,
    pub rules: Vec<Rule>,
    pub q: Queries,
    pub words: Words,
    /// (phrase, trade, weight, the facts for which these words only name a place).
    pub vocabulary: Vec<(PatternId, Trade, u32, Vec<Fact>)>,
    pub clause_weight: u32,
    pub fact_bonus: u32,
    pub rooms: Vec<(PatternId, String)>,
    pub diagnoses: HashMap<Fact, Vec<Diagnosis>>,
    pub no_fact_diagnosis: String,
    pub empty_diagnosis: String,
    /// Every word written in every phrase, for the test that checks they are normalised.
    pub written_words: Vec<String>,
}

/// The embedded rule files, by name, for error messages and tests.
pub const FILES: [(&str, &str); 7] = [
    ("rules/facts.yaml", include_str!("../../rules/facts.yaml")),
    ("rules/lists.yaml", include_str!("../../rules/lists.yaml")),
    (
        "rules/reading.yaml",
        include_str!("../../rules/reading.yaml"),
    ),
    ("rules/triage.yaml", include_str!("../../rules/triage.yaml")),
    (
        "rules/hazards.yaml",
        include_str!("../../rules/hazards.yaml"),
    ),
    ("rules/trades.yaml", include_str!("../../rules/trades.yaml")),
    (
        "rules/diagnoses.yaml",
        include_str!("../../rules/diagnoses.yaml"),
    ),
];

fn text_of(name: &str) -> &'static str {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, t)| t)
}

/// The engine, compiled at first use.
pub fn engine() -> &'static Engine {
    static ENGINE: LazyLock<Engine> = LazyLock::new(|| data::load(Engine::build()));
    &ENGINE
}

fn phrase_err(file: &'static str) -> impl Fn(crate::phrases::PhraseError) -> DataError {
    move |e| DataError::invalid(file, e.to_string())
}

impl Engine {
    pub fn build() -> Result<Engine, DataError> {
        let facts = Facts::load(text_of("rules/facts.yaml"))?;
        for fact in Fact::ALL {
            if !facts.has(fact) {
                return Err(DataError::invalid(
                    "rules/facts.yaml",
                    format!("{fact:?} has no entry"),
                ));
            }
        }
        let lists: ListsFile = data::parse("rules/lists.yaml", text_of("rules/lists.yaml"))?;
        let reading: ReadingFile =
            data::parse("rules/reading.yaml", text_of("rules/reading.yaml"))?;
        let mut rules: RulesFile = data::parse("rules/triage.yaml", text_of("rules/triage.yaml"))?;
        let hazards: RulesFile = data::parse("rules/hazards.yaml", text_of("rules/hazards.yaml"))?;
        rules.rules.extend(hazards.rules);
        let trades: TradesFile = data::parse("rules/trades.yaml", text_of("rules/trades.yaml"))?;
        let diag_file: DiagnosesFile =
            data::parse("rules/diagnoses.yaml", text_of("rules/diagnoses.yaml"))?;

        let mut b = Builder::new();
        let lists_err = phrase_err("rules/lists.yaml");
        for (name, phrase) in &lists.lists {
            b.list(name, phrase).map_err(&lists_err)?;
        }

        // Compounds have their own lexicon: they rewrite the words the rules then read.
        let mut cb = Builder::new();
        let mut joins = Vec::new();
        let reading_err = phrase_err("rules/reading.yaml");
        for (join, phrase) in &reading.compounds {
            joins.push((
                cb.phrase(phrase, Scope::Clause).map_err(&reading_err)?,
                join.clone(),
            ));
        }
        // "Calentador" is a space heater or a water heater: the text decides, before the rules
        // read it.
        let (heater, hints) = reading.water_heater;
        let heater_hints = hints
            .iter()
            .map(|p| cb.phrase(p, Scope::Text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(&reading_err)?;
        let mut written_words: Vec<String> = cb.words().map(str::to_string).collect();
        written_words.extend(joins.iter().map(|(_, j)| j.clone()));
        let compounds = cb.build().map_err(&reading_err)?;

        let all = |b: &mut Builder, phrases: &[String], scope: Scope| {
            phrases
                .iter()
                .map(|p| b.phrase(p, scope))
                .collect::<Result<Vec<_>, _>>()
                .map_err(phrase_err("rules/reading.yaml"))
        };
        let list = |b: &mut Builder, name: &str, scope: Scope| {
            b.phrase(&format!("@{name}"), scope)
                .map_err(phrase_err("rules/lists.yaml"))
        };
        let q = Queries {
            battery: list(&mut b, "battery", Scope::Text)?,
            low_battery: list(&mut b, "low_battery", Scope::Sentence)?,
            chirp_like: list(&mut b, "chirp_like", Scope::Text)?,
            location: list(&mut b, "location", Scope::Text)?,
            passage: list(&mut b, "passage", Scope::Text)?,
            co_danger: list(&mut b, "co_danger", Scope::Text)?,
            fire_ruled_out: list(&mut b, "fire_ruled_out", Scope::Text)?,
            heat_words: list(&mut b, "heat_words", Scope::Text)?,
            other_toilet: list(&mut b, "other_toilet", Scope::Text)?,
            contained: list(&mut b, "contained", Scope::Text)?,
            faucet: list(&mut b, "faucet", Scope::Text)?,
            tap_jet: list(&mut b, "tap_jet", Scope::Text)?,
            kept_dry: list(&mut b, "kept_dry", Scope::Text)?,
            the_drip: list(&mut b, "the_drip", Scope::Text)?,
            washer: list(&mut b, "washer", Scope::Text)?,
            plumbing_parts: list(&mut b, "plumbing_parts", Scope::Text)?,
            minor: list(&mut b, "minor", Scope::Text)?,
            damage: list(&mut b, "damage", Scope::Text)?,
            appliance: list(&mut b, "appliance", Scope::Text)?,
            fridge: list(&mut b, "fridge", Scope::Text)?,
            home_heat: list(&mut b, "home_heat", Scope::Text)?,
            electric: list(&mut b, "electric", Scope::Text)?,
            near: list(&mut b, "near", Scope::Text)?,
            touching: list(&mut b, "touching", Scope::Text)?,
            soaked: list(&mut b, "soaked", Scope::Text)?,
            entry: list(&mut b, "entry", Scope::Text)?,
            interior: list(&mut b, "interior", Scope::Text)?,
            break_in: list(&mut b, "break_in", Scope::Text)?,
            ground_floor: list(&mut b, "ground_floor", Scope::Text)?,
            upper_floor: list(&mut b, "upper_floor", Scope::Text)?,
            intact: list(&mut b, "intact", Scope::Text)?,
            glass_gone: list(&mut b, "glass_gone", Scope::Text)?,
            reach: list(&mut b, "reach", Scope::Text)?,
            cold_words: list(&mut b, "cold_words", Scope::Text)?,
            warm_words: list(&mut b, "warm_words", Scope::Text)?,
            partial_heat: list(&mut b, "partial_heat", Scope::Text)?,
            degrees: list(&mut b, "degrees", Scope::Text)?,
            inside: list(&mut b, "inside", Scope::Text)?,
            outside: list(&mut b, "outside", Scope::Text)?,
            celsius: list(&mut b, "celsius", Scope::Text)?,
            fahrenheit: list(&mut b, "fahrenheit", Scope::Text)?,
            stopped: all(&mut b, &reading.stopped, Scope::Text)?,
            shut_off: all(&mut b, &reading.shut_off, Scope::Text)?,
            failed: all(&mut b, &reading.failed, Scope::Sentence)?,
            hypothetical: all(&mut b, &reading.hypothetical, Scope::Sentence)?,
            resolved: all(&mut b, &reading.resolved, Scope::Sentence)?,
            long_ago: all(&mut b, &reading.long_ago, Scope::Sentence)?,
            recurring: all(&mut b, &reading.recurring, Scope::Sentence)?,
            present: all(&mut b, &reading.present, Scope::Sentence)?,
            tips: facts
                .tip_words
                .iter()
                .map(|(tip, phrase)| Ok((*tip, b.phrase(phrase, Scope::Text)?)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(phrase_err("rules/facts.yaml"))?,
        };

        let rules_err = phrase_err("rules/triage.yaml");
        let mut compiled = Vec::new();
        for r in &rules.rules {
            let phrases = r
                .phrases
                .iter()
                .map(|p| b.phrase(p, r.scope))
                .collect::<Result<Vec<_>, _>>()
                .map_err(&rules_err)?;
            let unless = r
                .unless
                .iter()
                .map(|p| b.phrase(p, r.scope))
                .collect::<Result<Vec<_>, _>>()
                .map_err(&rules_err)?;
            compiled.push(Rule {
                fact: r.fact,
                scope: r.scope,
                phrases,
                unless,
                written: r.phrases.clone(),
            });
        }

        let trades_err = phrase_err("rules/trades.yaml");
        let mut vocabulary = Vec::new();
        for spec in &trades.vocabulary {
            let (trade, weight, phrase, except) = match spec {
                VocabSpec::Plain(t, w, p) => (*t, *w, p, Vec::new()),
                VocabSpec::Except(t, w, p, x) => (*t, *w, p, x.clone()),
            };
            let p = b.phrase(phrase, Scope::Text).map_err(&trades_err)?;
            vocabulary.push((p, trade, weight, except));
        }
        let mut rooms = Vec::new();
        for (name, phrase) in &trades.rooms {
            rooms.push((
                b.phrase(phrase, Scope::Text).map_err(&trades_err)?,
                name.clone(),
            ));
        }

        let diag_err = phrase_err("rules/diagnoses.yaml");
        let mut diagnoses = HashMap::new();
        for (fact, specs) in &diag_file.diagnoses {
            let mut out = Vec::new();
            for s in specs {
                let when = match &s.when {
                    Some(p) => Some(b.phrase(p, Scope::Sentence).map_err(&diag_err)?),
                    None => None,
                };
                if s.key.is_empty()
                    || !s
                        .key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.".contains(&b))
                {
                    return Err(DataError::invalid(
                        "rules/diagnoses.yaml",
                        format!("bad diagnosis key {:?}", s.key),
                    ));
                }
                out.push(Diagnosis {
                    when,
                    cold: s.cold,
                    key: s.key.clone(),
                });
            }
            diagnoses.insert(*fact, out);
        }

        written_words.extend(b.words().map(str::to_string));
        let lexicon = b.build().map_err(&rules_err)?;
        Ok(Engine {
            facts,
            compounds,
            joins,
            heater_hints,
            lexicon,
            rules: compiled,
            q,
            words: Words {
                conjunctions: reading.conjunctions,
                same_subject_conjunctions: reading.same_subject_conjunctions,
                auxiliaries: reading.auxiliaries,
                continuers: reading.continuers,
                negators: reading.negators,
                absence: reading.absence,
                contrast: reading.contrast,
                list_joiners: reading.list_joiners,
                stoppers: reading.stoppers,
                fillers: reading.fillers,
                attempts: reading.attempts,
                claims: reading.claims,
                water_heater: heater,
            },
            vocabulary,
            clause_weight: trades.clause_weight,
            fact_bonus: trades.fact_bonus,
            rooms,
            diagnoses,
            no_fact_diagnosis: diag_file.none,
            empty_diagnosis: diag_file.empty,
            written_words,
        })
    }
}
