//! Hazards: danger from combinations, and the question that settles a danger the words leave
//! open. Water reaching electricity is a rule (`rules/hazards.yaml`); what is decided here needs
//! the whole description:
//!
//! - **cold**: no heat is an emergency when the home is cold: a temperature the tenant gives (an
//!   inside one under 62 F / 17 C, an outside one at or below 40 F / 4 C), words that say so
//!   ("freezing", "we can see our breath"), else the property's heating months; a temperature or
//!   words that say it is warm settle it the other way, whatever the month. Heat out in one room
//!   is urgent unless the tenant says it is freezing there.
//! - **open dangers**: water near (not at) a light, an outlet or the panel; an odd smell; a door
//!   or window that may not secure the home; a stuck elevator; no heat with no temperature outside
//!   the heating months. Each is urgent, and gives its [`SafetyQuestion`].

use std::ops::Range;

use super::Hit;
use super::engine::Engine;
use super::facts::{Fact, SafetyQuestion};
use super::scope;
use super::text::Text;

/// Inside, colder than this (Fahrenheit) is cold.
const COLD_INSIDE_F: i32 = 62;
/// Outside, this cold or colder (Fahrenheit) is cold.
const COLD_OUTSIDE_F: i32 = 40;
/// A bare number at most this is read as Celsius when no unit says otherwise (25 F inside would
/// be frozen solid; 25 C is a warm day).
const CELSIUS_AT_MOST: i32 = 25;

/// What the description says about the home being cold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cold {
    /// Cold, and the words that say so.
    Yes(Range<usize>),
    /// Not cold, and the words that say so.
    No(Range<usize>),
    /// Not said: the heating months decide.
    Unsaid,
}

/// A temperature the tenant gave, in Fahrenheit.
#[derive(Debug, Clone)]
struct Reading {
    fahrenheit: i32,
    outside: bool,
    at: Range<usize>,
}

/// A number written as a word ("52"), or with its unit stuck to it ("15c", "58f": `Some(true)`
/// for Celsius).
fn number(word: &str) -> Option<(i32, Option<bool>)> {
    let (digits, unit) = match word.as_bytes().last() {
        Some(b'c') => (&word[..word.len() - 1], Some(true)),
        Some(b'f') => (&word[..word.len() - 1], Some(false)),
        _ => (word, None),
    };
    (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok().map(|n| (n, unit)))
        .flatten()
}

/// Words before a number that make it part of an address ("unit 2C", "apt 4", "depto 3C").
const ADDRESS_WORDS: &[&str] = &[
    "unit",
    "apt",
    "apartment",
    "suite",
    "room",
    "floor",
    "building",
    "bldg",
    "number",
    "no",
    "depto",
    "departamento",
    "depa",
    "cuarto",
    "edificio",
    "piso",
];

/// The temperatures a description gives: a number next to a unit ("52 degrees") or to a place
/// ("52 in here", "40 out", "thermostat says 55"), never a setting ("set to 72").
fn readings(e: &Engine, text: &Text) -> Vec<Reading> {
    let q = &e.q;
    let mut out = Vec::new();
    for (i, t) in text.toks.iter().enumerate() {
        let Some((value, stuck_unit)) = number(&t.word) else {
            continue;
        };
        let sentence = text.sentence_of(i);
        let before = i.saturating_sub(4).max(sentence.start)..i;
        let after = i + 1..(i + 6).min(sentence.end);
        // "Set to 72" is what the tenant wants, not what it is.
        let setting = before
            .clone()
            .rev()
            .take(2)
            .any(|k| ["set", "setting", "puesto"].contains(&text.word(k)));
        if setting {
            continue;
        }
        let unit_word = text
            .first(q.degrees, i + 1..(i + 2).min(sentence.end))
            .is_some();
        // "Unit 2C", "apt 12", "room 4": an address, not a temperature, unless a unit word follows.
        let address = i
            .checked_sub(1)
            .filter(|&k| k >= sentence.start)
            .is_some_and(|k| ADDRESS_WORDS.contains(&text.word(k)));
        if address && !unit_word {
            continue;
        }
        let unit = stuck_unit.is_some() || unit_word;
        let outside = text.has(q.outside, after.clone()) || text.has(q.outside, before.clone());
        let inside = text.has(q.inside, after.clone()) || text.has(q.inside, before.clone());
        if !(unit || outside || inside) {
            continue;
        }
        // "12 C" is Celsius; "58 grados" or "20 degrees" inside is Celsius only when small.
        let celsius =
            stuck_unit == Some(true) || text.has(q.celsius, i + 1..(i + 3).min(sentence.end));
        let fahrenheit =
            stuck_unit == Some(false) || text.has(q.fahrenheit, i + 1..(i + 2).min(sentence.end));
        let as_celsius = if outside {
            celsius
        } else {
            celsius || (!fahrenheit && value <= CELSIUS_AT_MOST)
        };
        let f = if as_celsius {
            value * 9 / 5 + 32
        } else {
            value
        };
        out.push(Reading {
            fahrenheit: f,
            outside: outside && !inside,
            at: i..i + 1,
        });
    }
    out
}

/// Whether the home is cold, as the description tells it.
pub fn cold(e: &Engine, text: &Text) -> Cold {
    let all = text.all();
    let readings = readings(e, text);
    if let Some(r) = readings.iter().find(|r| {
        if r.outside {
            r.fahrenheit <= COLD_OUTSIDE_F
        } else {
            r.fahrenheit < COLD_INSIDE_F
        }
    }) {
        return Cold::Yes(r.at.clone());
    }
    if let Some(m) = scope::affirmed(e, text, &[e.q.cold_words], all.clone()) {
        return Cold::Yes(m);
    }
    if let Some(r) = readings.iter().find(|r| !r.outside) {
        return Cold::No(r.at.clone());
    }
    if let Some(m) = text.first(e.q.warm_words, all) {
        return Cold::No(m);
    }
    Cold::Unsaid
}

/// Heat out in part of the home only: urgent unless it is said to be cold.
pub fn settle_heat(e: &Engine, text: &Text, hits: &mut [Hit], cold: &Cold) {
    if matches!(cold, Cold::Yes(_)) {
        return;
    }
    for h in hits.iter_mut().filter(|h| h.fact == Fact::NoHeat) {
        if text.has(e.q.partial_heat, text.sentence_of(h.start)) {
            h.fact = Fact::HeatPartial;
        }
    }
}

/// The electrical thing in `within` that water is near: not negated, not said absent.
pub(super) fn electric_in(e: &Engine, text: &Text, within: Range<usize>) -> Option<Range<usize>> {
    text.found.within(e.q.electric, within).find(|m| {
        // "No water near any outlets", "nowhere near the light": a negation anywhere just before
        // it in its clause.
        // "Hasn't reached the outlet yet" denies the reaching, not the outlet: water near it.
        let clause = text.clause_of(m.start);
        let denied = (m.start.saturating_sub(6).max(clause.start)..m.start).any(|i| {
            e.words.negators.contains(text.word(i))
                && !text.found.within(e.q.reach, i + 1..m.start).any(|_| true)
        });
        // "The outlet next to the sink stays dry": the tenant has looked, and it is not wet.
        let dry = text
            .found
            .within(e.q.kept_dry, m.end..(m.end + 8).min(clause.end))
            .any(|_| true);
        !denied && !dry && !scope::said_absent(e, text, m.start)
    })
}

/// The open dangers of a description that is not an emergency: (question, the hit it is about,
/// the words that leave it open), most dangerous first.
pub fn open_dangers(
    e: &Engine,
    text: &Text,
    hits: &[Hit],
    cold: &Cold,
    season: bool,
) -> Vec<(SafetyQuestion, usize, Range<usize>)> {
    let mut out = Vec::new();
    // Electrical facts own the words they are about: "the light in the hall is out" is no light
    // near the leak.
    let electrical: Vec<Range<usize>> = hits
        .iter()
        .filter(|h| h.active() && e.facts.of(h.fact).trade == crate::Trade::Electrical)
        .map(|h| text.clause_of(h.start))
        .collect();
    for (n, h) in hits.iter().enumerate().filter(|(_, h)| h.active()) {
        let info = e.facts.of(h.fact);
        let question = match h.fact {
            _ if info.water && info.emergency.is_none() => {
                let sentence = text.sentence_of(h.start);
                electric_in(e, text, sentence)
                    .filter(|m| !electrical.iter().any(|c| c.contains(&m.start)))
                    .map(|m| (SafetyQuestion::WaterNearElectricity, m))
            }
            Fact::OddSmell => {
                let clause = text.clause_of(h.start);
                Some(match electric_in(e, text, clause) {
                    Some(m) => (SafetyQuestion::BurningSmell, m),
                    None => (SafetyQuestion::GasSmell, h.start..h.end),
                })
            }
            Fact::EntryUnclear | Fact::WindowUnclear => {
                Some((SafetyQuestion::EntryUnsecured, h.start..h.end))
            }
            Fact::ElevatorStuck => Some((SafetyQuestion::PersonTrapped, h.start..h.end)),
            Fact::DrainBackup => Some((SafetyQuestion::SewageBackup, h.start..h.end)),
            Fact::NoHeat if !season && *cold == Cold::Unsaid => {
                Some((SafetyQuestion::IndoorCold, h.start..h.end))
            }
            _ => None,
        };
        if let Some((q, words)) = question {
            out.push((q, n, words));
        }
    }
    out.sort_by_key(|(q, n, _)| {
        (
            SafetyQuestion::ALL.iter().position(|a| a == q),
            hits.get(*n).map(|h| h.start),
        )
    });
    out
}
