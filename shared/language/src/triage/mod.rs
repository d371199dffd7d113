//! Triage of a tenant's description: trade, priority, emergency kind, the one safety question
//! that would settle a danger the words leave open, the reasons, a diagnosis and safe tips.
//!
//! Explainable rules decide, because a property manager must see why (every decision comes with
//! the tenant's own words that drove it); a model trained on the labelled descriptions
//! ([`crate::model`]) is a second opinion that can only ask: where the rules see no danger and
//! it sees one, the tenant gets the safety question of that kind. `docs/understanding.md` gives
//! the measured figures and why this method was chosen.
//!
//! The pipeline:
//!
//! 1. [`text`]: the one normaliser's words, compound nouns joined (`water heater` →
//!    `waterheater`, so a water heater is never heating), cut into clauses and sentences, and
//!    every phrase of every rule and list matched in one pass.
//! 2. [`settle`]: each rule (`rules/triage.yaml`, `rules/hazards.yaml`) turns its matches into
//!    facts; [`scope`] voids those negated, hypothetical or over, and names the facts that need
//!    the whole description.
//! 3. [`hazards`]: whether the home is cold, and the dangers the words leave open.
//! 4. The most dangerous emergency wins, then the first urgent fact, then the first routine one;
//!    an open danger makes it urgent at least and names its question. [`trade`] picks the trade
//!    around the deciding fact; [`explain`] words it.
//! 5. With no emergency and no open danger, the model's second opinion, when it names a kind
//!    the words name in scope and no rule read them as something less, asks that kind's question.
//! 6. A question asked (by step 4 or 5) becomes its emergency when the model is all but certain
//!    of that kind ([`crate::model::RAISE`]); the rules' emergencies are never touched.

mod engine;
mod explain;
pub mod facts;
mod hazards;
mod scope;
mod settle;
mod text;
mod trade;

use std::ops::Range;

pub use engine::{Engine, FILES as RULE_FILES, engine};
pub use explain::MAX_TIPS;
pub use facts::{Fact, SafetyQuestion, Tip};

use crate::types::{Diagnosis, EmergencyKind, Priority, Trade};

/// What the tenant (or a property manager) told us about one problem.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TriageInput<'a> {
    /// Free text as typed: any case, English or Spanish, typos welcome.
    pub description: &'a str,
    /// Set by a PM or chosen by the tenant: when present it always wins for the trade, but it
    /// never hides an emergency the text shows.
    pub category: Option<Trade>,
    /// The form's "is this an emergency?" box.
    pub tenant_says_emergency: bool,
    /// The property's heating months cover today: without a temperature or words saying
    /// otherwise, no heat is then an emergency.
    pub cold_weather: bool,
}

impl<'a> TriageInput<'a> {
    /// An input with only a description: no category, not flagged, outside the heating months.
    pub fn new(description: &'a str) -> Self {
        TriageInput {
            description,
            ..TriageInput::default()
        }
    }
}

/// What triage made of a description.
///
/// Invariants:
/// - `priority == Priority::Emergency` exactly when `emergency.is_some()`.
/// - `question` is `None` for an emergency; when it is `Some`, `priority` is at least urgent.
/// - `trade` is the input's category when one was given.
/// - `diagnosis` names one catalogue sentence; `drivers` is never empty.
/// - `tips` holds at most [`MAX_TIPS`], none unsafe for the situation, and for an emergency only
///   a spare key (lockout) or thermostat checks (no heat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub trade: Trade,
    pub priority: Priority,
    /// The most dangerous emergency the description shows, if any.
    pub emergency: Option<EmergencyKind>,
    /// The one yes/no question that would settle a danger the words leave open.
    pub question: Option<SafetyQuestion>,
    /// One plain sentence naming the likely cause, by its catalogue key (e.g. "Likely a failed
    /// supply line under the sink in the kitchen: active water leak.").
    pub diagnosis: Diagnosis,
    /// The facts that drove the decision, in the tenant's words.
    pub drivers: Vec<String>,
    pub tips: Vec<Tip>,
}

/// Why a matched fact does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Void {
    /// A negator at this token ("no gas smell").
    Negated(usize),
    /// A question or a worry before it ("what if", "worried that").
    Hypothetical(Range<usize>),
    /// Fixed, fine now or long past.
    Over(Range<usize>),
}

/// One match of a rule: token range `start..end`, and why it may not count.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub fact: Fact,
    pub start: usize,
    pub end: usize,
    pub void: Option<Void>,
    /// The later phrase saying the water stopped.
    pub stopped_by: Option<Range<usize>>,
}

impl Hit {
    pub fn active(&self) -> bool {
        // A flood that stopped still happened: it lives on as `StoppedFlood`.
        self.void.is_none() && (self.stopped_by.is_none() || self.fact == Fact::StoppedFlood)
    }
}

/// The deciding fact: the most dangerous emergency, else the first urgent fact, else the first
/// routine one.
fn pick_primary<'h>(e: &Engine, hits: &'h [Hit], home_cold: bool) -> Option<&'h Hit> {
    let active = || hits.iter().filter(|h| h.active());
    let emergency = active()
        .filter_map(|h| {
            let kind = explain::emergency_of(e, h.fact, home_cold)?;
            Some((e.facts.rank(kind), h))
        })
        .min_by_key(|(rank, h)| (*rank, h.start))
        .map(|(_, h)| h);
    emergency
        .or_else(|| active().find(|h| e.facts.of(h.fact).level() == Priority::Urgent))
        .or_else(|| active().next())
}

/// How many words naming the kind are checked for scope: enough for any real description, and
/// a bound on the work for a text that repeats one word.
const GATE_WORDS: usize = 16;
/// How far, in words within its clause, a word excepting a kind reaches ("the water bill").
const EXCEPT_REACH: usize = 8;

/// Whether the words name something of `kind` (`rules/model.yaml`) where it counts: not
/// negated, hypothetical or over. The model reads a bag of words and cannot tell "what if the
/// heating goes out?" from "the heating is out"; scope can.
fn named_in_scope(e: &Engine, text: &text::Text, kind: EmergencyKind) -> bool {
    // Stricter than for a rule: a question or a worry anywhere in the sentence ("si se va la
    // calefacción, ¿a quién llamo?") voids the model's reading of it.
    let hypothetical: std::collections::HashSet<usize> =
        e.q.hypothetical
            .iter()
            .flat_map(|&p| text.found.all(p))
            .filter_map(|m| text.toks.get(m.start).map(|t| t.sentence))
            .collect();
    // A compound noun means the compound, not its parts: a water heater is not water, a smoke
    // alarm not smoke, a fire escape not fire (`rules/reading.yaml`).
    let compound = |i: usize| {
        text.toks
            .get(i)
            .and_then(|t| text.src.get(t.span.clone()))
            .is_some_and(|s| s.contains(char::is_whitespace))
    };
    (0..text.toks.len())
        .filter(|&i| !compound(i) && crate::model::word_names_kind(text.word(i), kind))
        .take(GATE_WORDS)
        .any(|i| {
            // As for the rules' own reading of a door or window: inside the home, or out of
            // reach upstairs, it does not leave the home open. The door's owner may be a clause
            // away ("dryer door won't stay shut, the clip broke") when no way in is named.
            let sentence = text.sentence_of(i);
            let inside = kind == EmergencyKind::SecurityBreach
                && (text.has(e.q.interior, text.clause_of(i))
                    || (text.has(e.q.interior, sentence.clone())
                        && !text.has(e.q.entry, sentence))
                    || text.has(e.q.upper_floor, text.all()));
            let clause = text.clause_of(i);
            let near = clause.start.max(i.saturating_sub(EXCEPT_REACH))
                ..clause.end.min(i + EXCEPT_REACH + 1);
            let excepted = near
                .into_iter()
                .any(|j| crate::model::word_excepts_kind(text.word(j), kind));
            !inside
                && !excepted
                && !hypothetical.contains(&text.toks[i].sentence)
                && scope::negation_before(e, text, i, false).is_none()
                && scope::over(e, text, i..i + 1).is_none()
        })
}

/// Triages one description. Deterministic: the same input always gives the same output; the work
/// grows with the length of the description, never with its square.
pub fn triage(input: &TriageInput) -> Assessment {
    triage_with(input, |text, cold| {
        Some(crate::model::second_opinion(text, cold))
            .filter(|o| o.emergency >= crate::model::THRESHOLD)
    })
}

/// The rules alone, without the model's second opinion: for measuring what the opinion adds.
pub fn triage_by_rules(input: &TriageInput) -> Assessment {
    triage_with(input, |_, _| None)
}

/// The question that settles the emergency of `kind` when the rules did not see it but the
/// model did: the one whose YES is that emergency, where its words fit the kind. None for kinds
/// no question asks about yet (lockout).
///
/// For a flood it is whether the water is spreading (triage asks about the wiring instead when
/// the words name a light, an outlet or wiring): what the model adds is mostly new wording of
/// water getting out of hand, where asking about wiring would get an honest NO.
pub fn question_for(kind: EmergencyKind) -> Option<SafetyQuestion> {
    match kind {
        EmergencyKind::Flooding => Some(SafetyQuestion::WaterSpreading),
        _ => SafetyQuestion::ALL
            .into_iter()
            .filter(|q| *q != SafetyQuestion::WaterSpreading)
            .find(|q| q.emergency_if_yes() == kind),
    }
}

/// Triage with a second opinion: `second(description, cold_weather)` names the emergency a model
/// sees, if any. When the rules see no emergency and leave no danger open, it makes the request
/// urgent and asks the question of that kind ([`question_for`]); it makes an emergency only of a
/// question asked, of the question's own kind, at [`crate::model::RAISE`] or more, and never
/// unmakes one.
pub fn triage_with(
    input: &TriageInput,
    second: impl Fn(&str, bool) -> Option<crate::model::Opinion>,
) -> Assessment {
    let e = engine();
    let text = text::Text::new(e, input.description);
    let mut hits = settle::scan(e, &text);
    settle::settle(e, &text, &mut hits);
    let cold = hazards::cold(e, &text);
    hazards::settle_heat(e, &text, &mut hits, &cold);
    let home_cold = match cold {
        hazards::Cold::Yes(_) => true,
        hazards::Cold::No(_) => false,
        hazards::Cold::Unsaid => input.cold_weather,
    };

    let primary = pick_primary(e, &hits, home_cold);
    let emergency = primary.and_then(|h| explain::emergency_of(e, h.fact, home_cold));
    let open = if emergency.is_none() {
        hazards::open_dangers(e, &text, &hits, &cold, input.cold_weather)
            .into_iter()
            .next()
    } else {
        None
    };
    let heard = if emergency.is_none() {
        second(input.description, input.cold_weather)
    } else {
        None
    };
    // The model is heard only where the rules are silent on danger, and only as a question;
    // never against scope (a danger of that kind the rules read as negated, hypothetical or over,
    // "no smell of gas", "it sparked once last year", stays void), nor against a fact that reads
    // the same words as something less ("bathroom door won't lock").
    let opinion = if open.is_none() {
        heard
            .filter(|o| named_in_scope(e, &text, o.kind))
            // No heat the rules read, with a temperature or words saying the home is not
            // cold, is settled: urgent, and nothing left to ask.
            .filter(|o| {
                !(o.kind == EmergencyKind::NoHeat
                    && matches!(cold, hazards::Cold::No(_))
                    && primary.is_some_and(|h| h.fact == facts::Fact::NoHeat))
            })
            .filter(|o| {
                !hits.iter().any(|h| {
                    let info = e.facts.of(h.fact);
                    (!h.active() && explain::emergency_of(e, h.fact, true) == Some(o.kind))
                        || info.settles == Some(o.kind)
                })
            })
            .and_then(|o| {
                // Water with a light, an outlet or wiring named anywhere: ask about the wiring.
                let q = match question_for(o.kind)? {
                    SafetyQuestion::WaterSpreading
                        if hazards::electric_in(e, &text, text.all()).is_some() =>
                    {
                        SafetyQuestion::WaterNearElectricity
                    }
                    q => q,
                };
                Some((q, o))
            })
    } else {
        None
    };
    let asked = open
        .as_ref()
        .map(|(q, _, _)| *q)
        .or(opinion.map(|(q, _)| q));
    // A question already asked (the rules' open danger, or the gated opinion's) becomes its
    // emergency when the model is all but certain of that very kind: chosen by leave-one-round-out
    // (`examples/model/loro.rs`), where it flagged a tenth of the emergencies the rules left to
    // a question on every held-out round without flagging one more routine request. It only
    // raises: an emergency the rules read is never touched.
    let raised = asked.zip(heard).and_then(|(q, o)| {
        (o.emergency >= crate::model::RAISE && o.kind == q.emergency_if_yes())
            .then_some((q.emergency_if_yes(), o.emergency))
    });
    let emergency = emergency.or(raised.map(|(kind, _)| kind));
    let urgent_fact = primary.is_some_and(|h| e.facts.of(h.fact).level() == Priority::Urgent);
    let priority = if emergency.is_some() {
        Priority::Emergency
    } else if input.tenant_says_emergency || urgent_fact || open.is_some() || opinion.is_some() {
        Priority::Urgent
    } else {
        Priority::Routine
    };

    let mut drivers = Vec::new();
    explain::drivers(e, &text, &hits, primary, &cold, home_cold, &mut drivers);
    if let Some((q, _, words)) = &open {
        drivers.push(if raised.is_some() {
            format!("\"{}\" leaves a danger open", text.quote(words.clone()))
        } else {
            format!(
                "\"{}\" leaves a danger open, so the tenant is asked: {}",
                text.quote(words.clone()),
                q.label()
            )
        });
    }
    if let Some((kind, p)) = raised {
        drivers.push(format!(
            "the model is all but certain ({:.2}%) that this is a {} emergency, so it is one",
            100.0 * p,
            kind.label()
        ));
    } else if let Some((q, o)) = &opinion {
        drivers.push(format!(
            "the words read like a {} emergency to the model ({:.0}%), so the tenant is asked: {}",
            o.kind.label(),
            100.0 * o.emergency,
            q.label()
        ));
    }
    if input.tenant_says_emergency {
        drivers.push(if emergency.is_some() {
            "tenant marked it as an emergency".to_string()
        } else if primary.is_some_and(|h| explain::emergency_of(e, h.fact, true).is_some()) {
            "tenant marked it as an emergency, but it is only one when the home is cold".to_string()
        } else {
            "tenant marked it as an emergency, but the description shows no emergency sign"
                .to_string()
        });
    }

    // With no fact that counts, one that is over, stopped or only feared still says whose trade
    // it is: "it flooded last year, the wall still smells musty" is for a plumber.
    let about = primary.or_else(|| {
        hits.iter().find(|h| {
            matches!(h.void, Some(Void::Over(_) | Void::Hypothetical(_))) || h.stopped_by.is_some()
        })
    });
    let scored = trade::choose(e, &text, about, primary.is_none() && about.is_some());
    let trade = match input.category {
        Some(category) => {
            drivers.push(format!("category set to {}", category.as_str()));
            category
        }
        // A kind the model raised whose fact always goes to one trade (carbon monoxide to
        // hvac, gas to plumbing) goes there too: the detector, symptom or window words around
        // it name no one better.
        None if let Some(fact) = raised.and_then(|(kind, _)| match kind {
            EmergencyKind::CarbonMonoxide => Some(facts::Fact::CarbonMonoxide),
            EmergencyKind::Gas => Some(facts::Fact::Gas),
            _ => None,
        }) && e.facts.of(fact).fixed_trade =>
        {
            let trade = e.facts.of(fact).trade;
            drivers.push(format!(
                "{} is the usual trade for {}",
                trade.as_str(),
                e.facts.of(fact).label()
            ));
            trade
        }
        None => {
            drivers.push(scored.reason(e, about));
            scored.trade
        }
    };

    Assessment {
        trade,
        priority,
        emergency,
        question: asked.filter(|_| raised.is_none()),
        diagnosis: explain::diagnosis(e, &text, primary, trade, home_cold),
        drivers,
        tips: explain::tips(e, &text, &hits, primary, emergency),
    }
}

/// For the tests that hold the rules to the labelled data: each rule (in the order of
/// `rules/triage.yaml` then `rules/hazards.yaml`) named by its fact and first phrase.
pub fn rule_names() -> Vec<String> {
    engine()
        .rules
        .iter()
        .map(|r| format!("{:?}: {:?}", r.fact, r.written.first()))
        .collect()
}

/// The rules some phrase of which matches `description` (whatever voids the match after).
pub fn rules_matching(description: &str) -> Vec<usize> {
    let e = engine();
    let text = text::Text::new(e, description);
    e.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.phrases.iter().any(|&p| !text.found.all(p).is_empty()))
        .map(|(i, _)| i)
        .collect()
}

/// Every word written in the triage rules and lists, for the test that checks they are
/// normalised.
pub fn written_words() -> Vec<String> {
    engine().written_words.clone()
}
