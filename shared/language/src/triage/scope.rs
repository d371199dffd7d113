//! Scope: whether a matched fact is happening. One mechanism for every fact, not special cases:
//!
//! - **negation**: a negator earlier in the clause with only filler words between ("no gas
//!   smell", "I don't see any sparks", "no sparks or smoke");
//! - **hypothetical**: a question or a worry earlier in the sentence ("what should I do if I
//!   smell gas?", "worried the pipes might freeze");
//! - **over**: the sentence says it is fixed or fine now, or long past ("it flooded last week,
//!   fine now"), and nothing in the fact's clause or before it says it goes on ("the leak from
//!   last week is back and worse now"), nor says "now" before it in its clause when what makes
//!   it over is in another ("it flooded last month, but now water is dripping from the light");
//! - **stopped water**: a later "it stopped" or "I shut the valve" (a flood becomes urgent, a leak
//!   contained).

use std::ops::Range;

use super::engine::Engine;
use super::text::Text;
use crate::phrases::PatternId;

/// How far back a negation reaches, in words.
const NEGATION_REACH: usize = 8;
/// How far back a word of claim or wish reaches to make a "fine" or "fixed" not a fix ("says
/// it's fine", "want it fixed").
const CLAIM_REACH: usize = 2;
/// How far back "no" reaches to say a word is absent ("no water").
const ABSENCE_REACH: usize = 6;

/// The negation that voids a match starting at `start`, if any: a negator earlier in the same
/// clause with only filler words (or "X or") in between. With `water`, "stopped" right before
/// counts too ("stopped leaking").
pub fn negation_before(e: &Engine, text: &Text, start: usize, water: bool) -> Option<usize> {
    let clause = text.toks.get(start)?.clause;
    let w = &e.words;
    let mut i = start;
    let mut listed = 0;
    for steps in 0..NEGATION_REACH {
        if i == 0 {
            return None;
        }
        i -= 1;
        let t = text.toks.get(i)?;
        if t.clause != clause {
            return None;
        }
        let word = t.word.as_str();
        if w.negators.contains(word) {
            return Some(i);
        }
        if water && steps == 0 && w.stoppers.contains(word) {
            return Some(i);
        }
        if w.list_joiners.contains(word) {
            // "no sparks or smoke": the negation reaches past one or two listed words.
            listed = 2;
        } else if !w.fillers.contains(word) {
            if listed == 0 {
                return None;
            }
            listed -= 1;
        }
    }
    None
}

/// Whether the word at `start` is said to be absent: "no water", "sin gas", with only filler
/// words between ("won't lock" still names a lock).
pub fn said_absent(e: &Engine, text: &Text, start: usize) -> bool {
    let Some(clause) = text.toks.get(start).map(|t| t.clause) else {
        return false;
    };
    let w = &e.words;
    text.toks[..start]
        .iter()
        .rev()
        .take(ABSENCE_REACH)
        .take_while(|t| t.clause == clause)
        .find(|t| !w.fillers.contains(&t.word))
        .is_some_and(|t| w.absence.contains(&t.word))
}

/// Whether the word at `start` is set aside by a clause that opens with a contrast, with only
/// filler words between: "like old damp, not sewage", "not the outlet".
pub fn set_aside(e: &Engine, text: &Text, start: usize) -> bool {
    let clause = text.clause_of(start);
    let w = &e.words;
    start > clause.start
        && text
            .toks
            .get(clause.start)
            .is_some_and(|t| w.contrast.contains(&t.word))
        && text.toks[clause.start + 1..start]
            .iter()
            .all(|t| w.fillers.contains(&t.word))
}

/// The first match of any of `phrases` inside `within` that is not itself negated.
pub fn affirmed(
    e: &Engine,
    text: &Text,
    phrases: &[PatternId],
    within: Range<usize>,
) -> Option<Range<usize>> {
    phrases.iter().find_map(|&p| {
        text.found
            .within(p, within.clone())
            .find(|m| negation_before(e, text, m.start, false).is_none())
    })
}

/// One of `phrases` (saying the water stopped), after `end` in the same sentence or the next,
/// and not an attempt ("trying to shut it off").
pub fn stopped_after(
    e: &Engine,
    text: &Text,
    phrases: &[PatternId],
    end: usize,
) -> Option<Range<usize>> {
    let sentence = text.toks.get(end.checked_sub(1)?)?.sentence;
    let until = text
        .sentences
        .get(sentence + 1)
        .or_else(|| text.sentences.get(sentence))
        .map_or(end, |r| r.end);
    phrases.iter().find_map(|&p| {
        text.found.within(p, end..until).find(|m| {
            let attempt = (m.start.saturating_sub(2)..m.start)
                .any(|i| e.words.attempts.contains(text.word(i)));
            // "I turned the valve and it broke off too": the water did not stop.
            let failed =
                e.q.failed
                    .iter()
                    .any(|&f| text.has(f, m.end..(m.end + 6).min(until)));
            !attempt && !failed && negation_before(e, text, m.start, false).is_none()
        })
    })
}

/// The question or worry before `start` in its sentence that makes a fact there hypothetical.
pub fn hypothetical(e: &Engine, text: &Text, start: usize) -> Option<Range<usize>> {
    let sentence = text.sentence_of(start);
    e.q.hypothetical
        .iter()
        .filter_map(|&p| {
            text.found
                .within(p, sentence.clone())
                .find(|m| m.start < start)
        })
        .min_by_key(|m| m.start)
}

/// The words that make a fact at `hit` over: fixed, fine now or long past, in its sentence (or,
/// for "fixed", the next one), with nothing in its clause or before it saying it goes on, and no
/// "now" before it in its clause when what makes it over is in another clause.
pub fn over(e: &Engine, text: &Text, hit: Range<usize>) -> Option<Range<usize>> {
    let sentence = text.sentence_of(hit.start);
    let next = text
        .toks
        .get(hit.start)
        .and_then(|t| text.sentences.get(t.sentence + 1))
        .map_or(sentence.end, |r| r.end);
    // "My roommate says it's fine", "I want it fixed": someone's claim or a wish is no fix.
    let claimed = |start: usize| {
        (start.saturating_sub(CLAIM_REACH)..start).any(|i| e.words.claims.contains(text.word(i)))
    };
    let resolved = e.q.resolved.iter().find_map(|&p| {
        text.found
            .within(p, sentence.start..next)
            .find(|m| negation_before(e, text, m.start, false).is_none() && !claimed(m.start))
    });
    let long_ago =
        e.q.long_ago
            .iter()
            .find_map(|&p| text.first(p, sentence.clone()));
    let why = resolved.clone().or(long_ago)?;
    let clause = text.clause_of(hit.start);
    let goes_on = e.q.recurring.iter().any(|&p| {
        text.found
            .within(p, sentence.clone())
            .filter(|m| m.start < hit.start || clause.contains(&m.start))
            // "hasn't happened again" says it is over, not that it goes on.
            .filter(|m| {
                resolved
                    .as_ref()
                    .is_none_or(|r| !(r.start <= m.start && m.start < r.end))
            })
            .any(|m| negation_before(e, text, m.start, false).is_none())
    });
    // "It flooded last month, but now water is dripping from the light": a present marker
    // before the fact in its clause, when what makes it over stands in another clause.
    let now = !clause.contains(&why.start)
        && e.q.present.iter().any(|&p| {
            text.found
                .within(p, clause.start.max(sentence.start)..hit.start)
                // The "now" of "fine now" says it is over.
                .filter(|m| {
                    resolved
                        .as_ref()
                        .is_none_or(|r| !(r.start <= m.start && m.start < r.end))
                })
                .any(|m| negation_before(e, text, m.start, false).is_none())
        });
    (!goes_on && !now).then_some(why)
}
