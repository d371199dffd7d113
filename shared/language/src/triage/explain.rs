//! What triage tells people: the reasons staff read (quoting the tenant's own words), the
//! one-sentence diagnosis (`rules/diagnoses.yaml`) and the tips to send.

use std::ops::Range;

use super::engine::Engine;
use super::facts::{Fact, Tip};
use super::hazards::Cold;
use super::text::Text;
use super::{Hit, Void};
use crate::types::{Diagnosis, EmergencyKind, Trade};

/// The most tips returned; more would bury the useful one.
pub const MAX_TIPS: usize = 3;

/// The reasons: the deciding fact, the others, and why some did not count.
pub fn drivers(
    e: &Engine,
    text: &Text,
    hits: &[Hit],
    primary: Option<&Hit>,
    cold: &Cold,
    home_cold: bool,
    out: &mut Vec<String>,
) {
    let mut seen: Vec<Fact> = Vec::new();
    if let Some(p) = primary {
        out.push(format!("mentions \"{}\"", text.quote(p.start..p.end)));
        seen.push(p.fact);
    }
    for h in hits.iter().filter(|h| h.active()) {
        if seen.contains(&h.fact) {
            continue;
        }
        seen.push(h.fact);
        let quote = text.quote(h.start..h.end);
        match emergency_of(e, h.fact, home_cold) {
            Some(kind) => out.push(format!("also mentions \"{quote}\" ({})", kind.label())),
            None => out.push(format!("also mentions \"{quote}\"")),
        }
    }
    let mut reported: Vec<Range<usize>> = Vec::new();
    if let Some(p) = primary {
        if let Some(stop) = &p.stopped_by {
            out.push(format!(
                "\"{}\" says the water has stopped, so it is urgent rather than an emergency",
                text.quote(stop.clone())
            ));
            reported.push(stop.clone());
        }
        if p.fact == Fact::NoHeat {
            out.push(match (cold, home_cold) {
                (Cold::Yes(w), _) => format!(
                    "\"{}\" says the home is cold, so no heat is an emergency",
                    text.quote(w.clone())
                ),
                (Cold::No(w), _) => format!(
                    "\"{}\" says the home is not cold, so no heat is urgent rather than an emergency",
                    text.quote(w.clone())
                ),
                (Cold::Unsaid, true) => {
                    "the heating season is on, so no heat is an emergency".to_string()
                }
                (Cold::Unsaid, false) => {
                    "outside the heating season, so no heat is urgent rather than an emergency"
                        .to_string()
                }
            });
        }
        if p.fact == Fact::DetectorChirp && text.has(e.q.battery, text.all()) {
            out.push("mentions a battery, so it is read as a low-battery chirp".to_string());
        }
        if p.fact == Fact::DetectorFault {
            out.push(
                "a smoke alarm is sounding, but the description rules out smoke or fire"
                    .to_string(),
            );
        }
        if p.fact == Fact::SpareToiletClogged {
            out.push("mentions another toilet, so the clog is not urgent".to_string());
        }
    }
    let mut voided: Vec<Fact> = Vec::new();
    for h in hits.iter().filter(|h| !h.active()) {
        if seen.contains(&h.fact) || voided.contains(&h.fact) {
            continue;
        }
        voided.push(h.fact);
        match &h.void {
            Some(Void::Negated(at)) => out.push(format!(
                "\"{}\" is negated, so it does not count",
                text.quote(*at..h.end)
            )),
            Some(Void::Hypothetical(w)) => out.push(format!(
                "\"{}\" comes after \"{}\", a question or a worry, so it does not count",
                text.quote(h.start..h.end),
                text.quote(w.clone())
            )),
            Some(Void::Over(w)) => out.push(format!(
                "\"{}\" is over (\"{}\"), so it does not count",
                text.quote(h.start..h.end),
                text.quote(w.clone())
            )),
            None => {
                if let Some(stop) = &h.stopped_by
                    && !reported.contains(stop)
                {
                    out.push(format!(
                        "\"{}\" says the water has stopped",
                        text.quote(stop.clone())
                    ));
                    reported.push(stop.clone());
                }
            }
        }
    }
}

/// The emergency a fact is, given whether the home is cold.
pub fn emergency_of(e: &Engine, fact: Fact, home_cold: bool) -> Option<EmergencyKind> {
    let info = e.facts.of(fact);
    if info.cold_only && !home_cold {
        return None;
    }
    info.emergency
}

/// The room named in the fact's clause, else in its sentence.
fn room<'e>(e: &'e Engine, text: &Text, at: usize) -> Option<&'e str> {
    [text.clause_of(at), text.sentence_of(at)]
        .into_iter()
        .find_map(|r| {
            e.rooms
                .iter()
                .find(|(p, _)| text.has(*p, r.clone()))
                .map(|(_, name)| name.as_str())
        })
}

/// The one sentence naming the likely cause and place, as its catalogue key and values.
pub fn diagnosis(
    e: &Engine,
    text: &Text,
    primary: Option<&Hit>,
    trade: Trade,
    home_cold: bool,
) -> Diagnosis {
    let Some(h) = primary else {
        let key = if text.toks.is_empty() {
            &e.empty_diagnosis
        } else {
            &e.no_fact_diagnosis
        };
        return Diagnosis {
            key: key.clone(),
            room: None,
            trade,
        };
    };
    let sentence = text.sentence_of(h.start);
    let room = room(e, text, h.start);
    let chosen = e.diagnoses.get(&h.fact).and_then(|list| {
        list.iter().find(|d| {
            d.when.is_none_or(|p| text.has(p, sentence.clone()))
                && d.cold.is_none_or(|c| c == home_cold)
        })
    });
    Diagnosis {
        key: chosen.map_or(&e.no_fact_diagnosis, |d| &d.key).clone(),
        room: room.map(|r| r.replace(' ', "_")),
        trade,
    }
}

/// 0–3 tips that cannot make things worse: none in an emergency except a spare key or the
/// thermostat; never the pilot near a gas smell nor a breaker reset at a hot outlet.
pub fn tips(
    e: &Engine,
    text: &Text,
    hits: &[Hit],
    primary: Option<&Hit>,
    emergency: Option<EmergencyKind>,
) -> Vec<Tip> {
    let Some(primary) = primary else {
        return Vec::new();
    };
    let gas = hits.iter().any(|h| h.active() && h.fact == Fact::Gas);
    let hot_outlet = hits.iter().any(|h| h.active() && h.fact == Fact::HotOutlet);
    let mut tips: Vec<Tip> = e.facts.of(primary.fact).tips.clone();
    if let Some(kind) = emergency {
        // In an emergency the tenant reads the safety instructions; only tips that cannot make
        // things worse and may end the emergency (a spare key, a thermostat left on COOL) stay.
        if !matches!(kind, EmergencyKind::NoHeat | EmergencyKind::Lockout) {
            return Vec::new();
        }
    } else {
        for h in hits.iter().filter(|h| h.active() && h.fact != primary.fact) {
            tips.extend_from_slice(&e.facts.of(h.fact).tips);
        }
    }
    for (tip, p) in &e.q.tips {
        if text.has(*p, text.all()) {
            tips.push(*tip);
        }
    }
    let mut out: Vec<Tip> = Vec::new();
    for tip in tips {
        let unsafe_here = (tip == Tip::Pilot && gas)
            || (hot_outlet && matches!(tip, Tip::Breaker | Tip::Gfci | Tip::BreakerOverload));
        if !unsafe_here && !out.contains(&tip) {
            out.push(tip);
        }
    }
    out.truncate(MAX_TIPS);
    out
}
