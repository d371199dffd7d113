//! From phrases to facts: every rule's matches become hits, each marked when its scope voids it,
//! then the facts that need the whole description are named (a chirping CO alarm with a battery
//! named is a low battery; a leak caught in a bucket is contained; a door that won't lock is an
//! emergency only if it is the way in).

use std::collections::HashSet;

use super::engine::Engine;
use super::facts::Fact;
use super::scope;
use super::text::Text;
use super::{Hit, Void};
use crate::phrases::Scope;

/// Every rule's matches, in text order, each marked with what voids it.
pub fn scan(e: &Engine, text: &Text) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen: HashSet<(Fact, usize)> = HashSet::new();
    for rule in &e.rules {
        let water = e.facts.of(rule.fact).stops;
        for &p in &rule.phrases {
            for m in text.found.all(p) {
                // The unit the match lies in; the rule is void there when an `unless` phrase is.
                let unit = match rule.scope {
                    Scope::Clause => text.clause_of(m.start),
                    Scope::Sentence => text.sentence_of(m.start),
                    Scope::Text => text.all(),
                };
                if rule.unless.iter().any(|&u| text.has(u, unit.clone())) {
                    continue;
                }
                if !seen.insert((rule.fact, m.start)) {
                    continue;
                }
                let void = if let Some(at) = scope::negation_before(e, text, m.start, water) {
                    Some(Void::Negated(at))
                } else if let Some(r) = scope::hypothetical(e, text, m.start) {
                    Some(Void::Hypothetical(r))
                } else {
                    scope::over(e, text, m.clone()).map(Void::Over)
                };
                hits.push(Hit {
                    fact: rule.fact,
                    start: m.start,
                    end: m.end,
                    void,
                    stopped_by: None,
                });
            }
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    hits
}

/// Whether a "no heat" at `start` belongs to an appliance named earlier in its sentence, with no
/// word for the home's heating or for the home itself being cold anywhere in the sentence.
fn appliance_heat(e: &Engine, text: &Text, start: usize) -> bool {
    let sentence = text.sentence_of(start);
    text.has(e.q.appliance, sentence.start..start) && !text.has(e.q.home_heat, sentence)
}

/// Names the facts that need the whole description, and voids water facts that stopped.
pub fn settle(e: &Engine, text: &Text, hits: &mut [Hit]) {
    let q = &e.q;
    let all = text.all();
    let battery = text.has(q.battery, all.clone());
    let fire_ruled_out = hits
        .iter()
        .any(|h| matches!(h.fact, Fact::FireOrSparks | Fact::Fire) && h.void.is_some())
        || text.has(q.fire_ruled_out, all.clone());
    let heating = text.has(q.heat_words, all.clone());
    let other_toilet = text.has(q.other_toilet, all.clone());
    let co_danger = text.has(q.co_danger, all.clone());

    // Sentences that tell of sewage: water everywhere there is sewage.
    let sewage_sentences: Vec<usize> = hits
        .iter()
        .filter(|h| h.fact == Fact::Sewage && h.active())
        .filter_map(|h| text.toks.get(h.start).map(|t| t.sentence))
        .collect();
    let low_battery = |start: usize| !co_danger && text.has(q.low_battery, text.sentence_of(start));

    for h in hits.iter_mut() {
        let mut shut_off = false;
        if h.void.is_none() && e.facts.of(h.fact).stops {
            h.stopped_by = scope::stopped_after(e, text, &q.stopped, h.end);
            if h.stopped_by.is_none() && matches!(h.fact, Fact::Flooding | Fact::Leak) {
                shut_off = true;
                h.stopped_by = scope::stopped_after(e, text, &q.shut_off, h.end);
            }
        }
        let sentence = text.sentence_of(h.start);
        let clause = text.clause_of(h.start);
        h.fact = match h.fact {
            Fact::CoChirp if battery => Fact::DetectorChirp,
            // "It beeps every minute, I think it's the battery": a chirp, unless anyone feels ill.
            Fact::CarbonMonoxide
                if battery && !co_danger && text.has(q.chirp_like, text.sentence_of(h.start)) =>
            {
                Fact::DetectorChirp
            }
            // The detector itself says "low battery": only then is a beeping CO alarm a chirp.
            Fact::CarbonMonoxide if low_battery(h.start) => Fact::DetectorChirp,
            Fact::CoChirp => Fact::CarbonMonoxide,
            Fact::SmokeAlarm if battery => Fact::DetectorChirp,
            Fact::SmokeAlarm if fire_ruled_out => Fact::DetectorFault,
            Fact::SmokeAlarm => Fact::Fire,
            // The pilot of an oven or a stove is the appliance's, not the water heater's.
            Fact::PilotOut if !heating && text.has(q.appliance, clause.clone()) => {
                Fact::ApplianceFault
            }
            Fact::PilotOut if heating => Fact::NoHeat,
            Fact::PilotOut => Fact::NoHotWater,
            Fact::Flooding if h.stopped_by.is_some() => Fact::StoppedFlood,
            Fact::Flooding
                if text
                    .toks
                    .get(h.start)
                    .is_some_and(|t| sewage_sentences.contains(&t.sentence)) =>
            {
                Fact::Sewage
            }
            // "The dryer runs but there's no heat": the appliance named before it has no heat,
            // unless the home's heating is named too.
            Fact::NoHeat if appliance_heat(e, text, h.start) => Fact::ApplianceFault,
            // "The fridge is running but the inside is at 55": the temperature is the fridge's.
            Fact::NoHeat
                if text.has(q.fridge, sentence.start..h.start)
                    && !text.has(q.heat_words, sentence.clone()) =>
            {
                Fact::FridgeWarm
            }
            Fact::ToiletClogged if other_toilet => Fact::SpareToiletClogged,
            Fact::Leak if shut_off && h.stopped_by.is_some() => {
                h.stopped_by = None;
                Fact::ContainedLeak
            }
            Fact::Leak => {
                if text.has(q.contained, sentence.clone()) {
                    Fact::ContainedLeak
                } else if text.has(q.faucet, clause.clone())
                    || (text.has(q.tap_jet, sentence.clone())
                        && !text.has(q.plumbing_parts, sentence.clone()))
                    // "Bathroom faucet drips. … it's just the drip": the drip already told.
                    || (text.has(q.the_drip, clause.clone())
                        && text.has(q.faucet, 0..h.start)
                        && !text.has(q.plumbing_parts, 0..text.toks.len()))
                    || (text.has(q.faucet, sentence.clone())
                        && !text.has(q.plumbing_parts, sentence.clone()))
                {
                    // "The kitchen faucet, it drips": the drip told in the next clause is
                    // still the faucet's, unless the sentence names a pipe or a valve too.
                    Fact::FaucetDrip
                } else if text.has(q.washer, clause.clone())
                    && !text.has(q.plumbing_parts, clause.clone())
                {
                    // A dishwasher or washer that leaks can wait unused; the pipe behind it can't.
                    Fact::ApplianceLeak
                } else if text.has(q.minor, clause) && !text.has(q.damage, sentence) {
                    Fact::MinorLeak
                } else {
                    Fact::Leak
                }
            }
            // A stain or damp spot that is wet or growing is a leak going on.
            Fact::MinorLeak if text.has(q.damage, sentence.clone()) => Fact::Leak,
            Fact::DoorInsecure => entry(e, text, h.start, false),
            Fact::WindowBroken => entry(e, text, h.start, true),
            f => f,
        };
    }
}

/// A door or window that won't lock or close, or broken glass: an emergency when it is the way
/// into the home (an entry door, a break-in, a ground-floor window), routine when it is inside
/// or out of reach, and an open question otherwise.
fn entry(e: &Engine, text: &Text, start: usize, window: bool) -> Fact {
    let q = &e.q;
    let sentence = text.sentence_of(start);
    let clause = text.clause_of(start);
    let all = text.all();
    let said = |p, within: std::ops::Range<usize>| {
        text.found
            .within(p, within)
            .any(|m| scope::negation_before(e, text, m.start, false).is_none())
    };
    let breach = if window {
        Fact::WindowBreach
    } else {
        Fact::SecurityBreach
    };
    if said(q.break_in, all.clone()) || said(q.ground_floor, all.clone()) {
        return breach;
    }
    if window {
        // Cracked glass still closes the window; a piece fallen out no longer does.
        if said(q.upper_floor, all.clone())
            || (said(q.intact, sentence.clone()) && !said(q.glass_gone, sentence))
        {
            return Fact::WindowFault;
        }
        if said(q.entry, clause) {
            return breach;
        }
        return Fact::WindowUnclear;
    }
    if said(q.interior, clause.clone()) {
        return Fact::LockFault;
    }
    if said(q.entry, sentence) {
        return Fact::SecurityBreach;
    }
    Fact::EntryUnclear
}
