//! Which trade to send: the trade vocabulary (`rules/trades.yaml`) weighted towards the clause of
//! the deciding fact, with the fact's usual trade breaking ties.

use std::ops::Range;

use super::Hit;
use super::engine::Engine;
use super::facts::Fact;
use super::scope;
use super::text::Text;
use crate::types::Trade;

/// The chosen trade and the words that chose it.
pub struct TradeChoice {
    pub trade: Trade,
    pub words: Vec<String>,
}

impl TradeChoice {
    /// Why, in words staff read.
    pub fn reason(&self, e: &Engine, primary: Option<&Hit>) -> String {
        if !self.words.is_empty() {
            let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
            format!(
                "words point to {}: {}",
                self.trade.as_str(),
                quoted.join(", ")
            )
        } else if let Some(p) = primary {
            format!(
                "{} is the usual trade for {}",
                self.trade.as_str(),
                e.facts.of(p.fact).label()
            )
        } else {
            "no trade-specific words, so general repair".to_string()
        }
    }
}

/// The trade for the deciding fact `primary`. When that fact does not count (over, stopped or
/// only feared: `void` is true), its sentence tells of the past or of a worry, so the words of
/// the other sentences decide, and the fact's usual trade only breaks a tie or stands in when
/// no other sentence names a trade ("we smelled gas in october, fixed since. now the oven light
/// is out" is the appliance's).
pub fn choose(e: &Engine, text: &Text, primary: Option<&Hit>, void: bool) -> TradeChoice {
    // Gas goes to a plumber (gas lines and connectors), carbon monoxide to heating: routing them
    // by the appliance named could leave an emergency with nobody to send.
    if let Some(h) = primary
        && e.facts.of(h.fact).fixed_trade
        && !void
    {
        return TradeChoice {
            trade: e.facts.of(h.fact).trade,
            words: Vec::new(),
        };
    }
    let n = Trade::ALL.len();
    let mut score = vec![0u32; n];
    let mut first = vec![usize::MAX; n];
    let mut words: Vec<Vec<String>> = vec![Vec::new(); n];
    let fact = primary.map(|h| h.fact);
    // Water shows up at a light or on a floor, but comes from a pipe: for water facts, words
    // for electrics and general fittings are places, not trades; water reaching electricity is
    // a plumber's (or, with rain, a roofer's) to stop.
    let water = primary.is_some_and(|h| e.facts.of(h.fact).water);
    let counts = |trade: Trade| match fact {
        Some(Fact::WaterOnElectric) => matches!(trade, Trade::Plumbing | Trade::Roofing),
        _ if water => !matches!(trade, Trade::Electrical | Trade::General),
        _ => true,
    };
    // For water and pests, a device named after "behind", "under", "near"… is where it happens,
    // not what failed ("water behind the washer", "a bird in the dryer vent"); for smoke, one
    // named after "through" is the way it came ("smoke through the vents").
    let marker = match fact {
        Some(Fact::Fire | Fact::FireOrSparks) => Some(e.q.passage),
        Some(Fact::Pests) => Some(e.q.location),
        Some(_) if water => Some(e.q.location),
        _ => None,
    };
    let is_place = |m: &Range<usize>| {
        marker.is_some_and(|p| {
            text.found
                .within(p, m.start.saturating_sub(3)..m.start)
                .any(|l| text.clause_of(l.start).contains(&m.start))
        })
    };
    // The sentence of a fact that does not count, whose words are about that fact.
    let past = primary.filter(|_| void).map(|h| text.sentence_of(h.start));
    // Trade words actually said: "no water" (no water damage) names no trade.
    let all_said: Vec<(Range<usize>, Trade, u32)> = e
        .vocabulary
        .iter()
        .filter(|(_, trade, _, except)| {
            counts(*trade) && !fact.is_some_and(|f| except.contains(&f))
        })
        .flat_map(|(p, trade, weight, _)| {
            text.found
                .all(*p)
                .iter()
                .map(move |m| (m.clone(), *trade, *weight))
        })
        .filter(|(m, trade, _)| {
            // A place is only where the water shows; its source still counts.
            !scope::said_absent(e, text, m.start)
                && !scope::set_aside(e, text, m.start)
                && (!is_place(m) || matches!(trade, Trade::Plumbing | Trade::Roofing))
        })
        .collect();
    let elsewhere: Vec<_> = all_said
        .iter()
        .filter(|(m, _, _)| !past.as_ref().is_some_and(|p| p.contains(&m.start)))
        .cloned()
        .collect();
    // Words outside the void fact's sentence decide; with none, its own sentence's words do.
    let moved = past.is_some() && !elsewhere.is_empty();
    let said = if moved { elsewhere } else { all_said };
    // The deciding fact's clause, reaching back to the start of its sentence when the clause
    // names no device: in "my fridge made a pop and there is smoke coming out the back" the
    // smoke is the fridge's.
    let home = primary.map(|h| {
        let clause = text.clause_of(h.start);
        let named = said
            .iter()
            .any(|(m, _, weight)| *weight >= 2 && clause.contains(&m.start));
        if named {
            clause
        } else {
            text.sentence_of(h.start).start..clause.end
        }
    });
    for (m, trade, weight) in said {
        let Some(i) = Trade::ALL.iter().position(|t| *t == trade) else {
            continue;
        };
        let near = home.as_ref().is_some_and(|c| c.contains(&m.start));
        score[i] += weight * if near { e.clause_weight } else { 1 };
        first[i] = first[i].min(m.start);
        let word = text.quote(m);
        if !words[i].contains(&word) {
            words[i].push(word);
        }
    }
    let default = primary.map(|h| e.facts.of(h.fact).trade);
    if let Some(d) = default
        && !moved
        && let Some(i) = Trade::ALL.iter().position(|t| *t == d)
    {
        score[i] += e.fact_bonus;
    }
    // Highest score; ties go to the deciding fact's usual trade, then to the word said first.
    let best = (0..n).max_by(|&a, &b| {
        let key = |i: usize| {
            (
                score[i],
                default == Some(Trade::ALL[i]),
                std::cmp::Reverse(first[i]),
            )
        };
        key(a).cmp(&key(b))
    });
    match best {
        Some(i) if score[i] > 0 => {
            let mut w = std::mem::take(&mut words[i]);
            w.truncate(3);
            TradeChoice {
                trade: Trade::ALL[i],
                words: w,
            }
        }
        _ => TradeChoice {
            trade: default.unwrap_or(Trade::General),
            words: Vec::new(),
        },
    }
}
