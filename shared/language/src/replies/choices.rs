//! Choices: a slot number, the first or the last slot by its place, a rating.

use super::ctx::{Ctx, ends_clause};
use super::when::find_times;
use super::words::words as w;
use super::{Intent, unclear};
use crate::types::Money;

/// The highest number read as a slot or a rating: a bare 450 is money, asked about.
const MAX_CHOICE: u32 = 20;

/// The message's first clause, when it is not the whole message and what follows it names no
/// number and no time: "1 pls, I work nights so the morning is best" chooses in its first
/// clause and gives a reason after it.
fn first_clause(ctx: &Ctx) -> Option<Vec<usize>> {
    let cut = ctx
        .core
        .iter()
        .position(|&i| ends_clause(&ctx.tokens[i].raw))?;
    let (head, tail) = ctx.core.split_at(cut + 1);
    let last = *head.last()?;
    let quiet = !tail.is_empty()
        && !tail
            .iter()
            .any(|&i| ctx.norm(i).bytes().any(|b| b.is_ascii_digit()))
        && !find_times(ctx).iter().any(|t| t.start > last);
    quiet.then(|| head.to_vec())
}

pub(super) fn number(ctx: &Ctx) -> Option<Intent> {
    number_in(ctx, &ctx.core).or_else(|| number_in(ctx, &first_clause(ctx)?))
}

fn number_in(ctx: &Ctx, core: &[usize]) -> Option<Intent> {
    // "TIME 2" is the start of a proposal, however incomplete.
    if core.first().is_some_and(|&i| ctx.norm(i) == "time") {
        return None;
    }
    // "⭐⭐⭐⭐⭐": as many stars as the rating.
    if core.iter().all(|&i| w().star_words.contains(ctx.norm(i))) {
        let stars = u32::try_from(core.len()).ok()?;
        return (1..=10).contains(&stars).then_some(Intent::Number(stars));
    }
    let alone = core.len() == 1;
    let mut values: Vec<u32> = Vec::new();
    for (pos, &i) in core.iter().enumerate() {
        let norm = ctx.norm(i);
        let after_slot = pos > 0 && w().slot_words.contains(ctx.norm(core[pos - 1]));
        let rating = alone || w().star_words.contains(ctx.norm(i + 1));
        // "I can do it for 850" is a price, not a choice.
        let priced = pos > 0 && ["for", "$"].contains(&ctx.norm(core[pos - 1]));
        if let Some(v) = choice_value(norm, alone || after_slot || rating, rating) {
            if priced {
                return None;
            }
            if !values.contains(&v) {
                values.push(v);
            }
        } else if !w().slot_words.contains(norm) && !w().choice_context.contains(norm) {
            return None;
        }
    }
    match values.as_slice() {
        // "Either one works": the tenant leaves the choice open, so which one is asked.
        [] if core.iter().any(|&i| w().any_choice.contains(ctx.norm(i))) => Some(unclear(
            "Which one works best for you? Reply with one number.",
        )),
        [] => None,
        // "Either of the first two": a choice left open among several, asked.
        [v] if *v <= MAX_CHOICE && core.iter().any(|&i| w().any_choice.contains(ctx.norm(i))) => {
            Some(unclear(
                "Which one works best for you? Reply with one number.",
            ))
        }
        // "450" alone is no slot and no rating: money, of a kind to ask about.
        [v] if *v > MAX_CHOICE => alone.then(|| {
            let m = Money::from_dollars(u64::from(*v));
            unclear(format!(
                "Is {m} an estimate or an invoice? Reply ESTIMATE {v} or INVOICE {v}"
            ))
        }),
        [v] => Some(Intent::Number(*v)),
        several => {
            let listed: Vec<String> = several.iter().take(4).map(u32::to_string).collect();
            let (last, first) = listed.split_last()?;
            Some(unclear(format!(
                "Which one did you mean: {} or {last}? Reply with one number.",
                first.join(", ")
            )))
        }
    }
}

/// "The earlier one" is slot 1 whatever the count; "the later one" is the last slot, which only
/// the work order knows, hence [`Intent::LastSlot`].
pub(super) fn slot_by_place(ctx: &Ctx) -> Option<Intent> {
    slot_by_place_in(ctx, &ctx.core).or_else(|| slot_by_place_in(ctx, &first_clause(ctx)?))
}

fn slot_by_place_in(ctx: &Ctx, core: &[usize]) -> Option<Intent> {
    let words: Vec<&str> = core.iter().map(|&i| ctx.norm(i)).collect();
    let first = words.iter().filter(|x| w().first_place.contains(x)).count();
    let last = words.iter().filter(|x| w().last_place.contains(x)).count();
    let fits = words.iter().all(|x| {
        w().first_place.contains(x)
            || w().last_place.contains(x)
            || w().slot_words.contains(x)
            || w().choice_context.contains(x)
            || w().place_nouns.contains(x)
    });
    // "Last" or "earliest" alone answers the offer; "later" alone may mean "not now".
    const ALONE: [&str; 6] = ["last", "latest", "earliest", "soonest", "ultima", "ultimo"];
    let alone = words.len() == 1 && ALONE.contains(&words[0]);
    if !fits || !(alone || words.iter().any(|x| w().place_nouns.contains(x))) {
        return None;
    }
    // "Whichever is latest, the last slot": the same place said twice is still one choice.
    match (first, last) {
        (0, 0) => None,
        (_, 0) => Some(Intent::Number(1)),
        (0, _) => Some(Intent::LastSlot),
        _ => None,
    }
}

/// A tenant's rating followed by a comment: "5! very fast", "3 - he was late", "2, still kind of
/// leaking", "5 stars, great job", "5/5 would recommend", "5 great job". The score opens the
/// message and ends its clause (or a word of a review follows it), and no other number or time
/// follows.
pub(super) fn rating_with_comment(ctx: &Ctx) -> Option<Intent> {
    if let Some(v) = rating_in_words(ctx) {
        return Some(Intent::Number(v));
    }
    let (&first, rest) = ctx.core.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let norm = ctx.norm(first);
    let scored = norm.contains('/');
    let value = choice_value(norm, false, true).filter(|v| (1..=10).contains(v))?;
    if !(scored || norm.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    // The score's own clause: "5 stars," or "5!" or "3 -".
    let mut end = first;
    if w().star_words.contains(ctx.norm(end + 1)) {
        end += 1;
    }
    let closed = ends_clause(&ctx.tokens[end].raw)
        || ctx.tokens.get(end + 1).is_some_and(|t| t.norm.is_empty())
        || w().review_words.contains(ctx.norm(end + 1));
    if !(scored || closed) {
        return None;
    }
    let more_numbers = ctx.tokens[end + 1..]
        .iter()
        .any(|t| t.norm.bytes().any(|b| b.is_ascii_digit()));
    let times_after = find_times(ctx).iter().any(|t| t.start > end);
    (!more_numbers && !times_after).then_some(Intent::Number(value))
}

/// A score told in a sentence, the only number in it: "4 out of 5", "I'd give them a 4, he was
/// nice", "le doy un 8". The words around it say it is a score, so it is no slot and no amount.
fn rating_in_words(ctx: &Ctx) -> Option<u32> {
    let numbers: Vec<usize> = (0..ctx.tokens.len())
        .filter(|&i| ctx.norm(i).bytes().any(|b| b.is_ascii_digit()))
        .collect();
    let score = |i: usize| {
        let v: u32 = ctx.norm(i).parse().ok()?;
        (1..=10).contains(&v).then_some(v)
    };
    match numbers.as_slice() {
        // "4 out of 5", "8 de 10": the scale is the second number.
        [a, b]
            if *b == a + 3
                && ["out", "de"].contains(&ctx.norm(a + 1))
                && ["of", "de"].contains(&ctx.norm(a + 2))
                && ["5", "10"].contains(&ctx.norm(*b)) =>
        {
            score(*a)
        }
        [a] if ["out", "de"].contains(&ctx.norm(a + 1))
            && ["of", "de"].contains(&ctx.norm(a + 2)) =>
        {
            None
        }
        // "give them a 4", "le doy un 4", "I rate it 4"; not "give me a 2 hour window".
        [a] if !is_unit(ctx.norm(a + 1)) => {
            let article = ["a", "an", "un", "una"].contains(&ctx.norm(a.checked_sub(1)?));
            let verb = (a.saturating_sub(4)..*a).any(|k| {
                [
                    "give",
                    "gave",
                    "giving",
                    "rate",
                    "rated",
                    "doy",
                    "daria",
                    "damos",
                    "calificacion",
                    "califico",
                ]
                .contains(&ctx.norm(k))
            });
            (verb && (article || ["rate", "rated", "califico"].contains(&ctx.norm(a - 1))))
                .then(|| score(*a))
                .flatten()
        }
        _ => None,
    }
}

/// A word that makes the number before it a quantity: hours, minutes, days, dollars.
fn is_unit(norm: &str) -> bool {
    w().minute_units
        .iter()
        .chain(&w().hour_units)
        .any(|u| u == norm)
        || w().currency_words.contains(norm)
        || w().multipliers.contains(norm)
        || [
            "day", "days", "dia", "dias", "week", "weeks", "semana", "semanas", "percent",
        ]
        .contains(&norm)
}

/// The number a word names: `2`, `#2`, `2nd`, `second`; spelled cardinals only when
/// `cardinal_ok`; a score like `4/5` or `9/10` only when `rating_ok`, because otherwise it is a
/// date.
pub(super) fn choice_value(norm: &str, cardinal_ok: bool, rating_ok: bool) -> Option<u32> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let digits = norm.strip_prefix('#').unwrap_or(norm);
    if all_digits(digits) {
        return digits.parse().ok();
    }
    if rating_ok
        && let Some((score, scale)) = norm.split_once('/')
        && (scale == "5" || scale == "10")
        && all_digits(score)
    {
        let (score, scale): (u32, u32) = (score.parse().ok()?, scale.parse().ok()?);
        return (score <= scale).then_some(score);
    }
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(n) = norm.strip_suffix(suffix)
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            return n.parse().ok();
        }
    }
    let cardinals: &[(String, u32)] = if cardinal_ok {
        &w().cardinal_words
    } else {
        &[]
    };
    w().ordinal_words
        .iter()
        .chain(cardinals)
        .find(|(word, _)| word == norm)
        .map(|(_, v)| *v)
}
