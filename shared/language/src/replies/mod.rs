//! The reply parser: reads a vendor's or tenant's free-text reply as one [`Intent`] (plus the job
//! code it names). Who sent it and what the work order waits for decide what it does (the
//! domain's `replies` module); this only says what was written.
//!
//! A small deterministic pipeline, built so that new phrasings are added to the word lists
//! (`rules/replies.yaml`) rather than to code:
//!
//! 1. The one normaliser cuts the text into tokens (`normalise::chunks`): every token keeps its
//!    raw spelling (echoed back in notes and references) and a normalised one that all matching
//!    uses. Emoji are dropped, except 👍/👎 and ⭐ (a star).
//! 2. Job codes are pulled out first, so `YES KP27`, `kp27 yes` and `#KP27 yes` read the same.
//! 3. The lexicon's phrases are matched in one pass and the longest wins at each place, so `no
//!    problem` wins over `no`, `not done` over `done` and `no longer needed` over `no`.
//! 4. Recognisers run in a fixed precedence order (`RECOGNIZERS`) and the first that claims the
//!    message wins: carrier keywords, then the specific intents that carry data (money, not done,
//!    done, arrival…), then the weak yes/no/number answers. That ordering is why `ok done` is
//!    `Done` and `no, not done` is `NotDone`.
//!
//! When a reply is clearly about money, a date or a choice but the value is ambiguous, the result
//! is [`Intent::Unclear`] carrying a short question to text back: a wrong amount or a wrong visit
//! time costs far more than one more text.
//!
//! Opt-out follows the carriers: STOP, QUIT, END, UNSUBSCRIBE, OPT OUT, REVOKE, REMOVE, the
//! Spanish ALTO and PARAR, and, sent alone, CANCEL and CANCELAR are [`Intent::Stop`]; a tenant
//! withdraws a request with WITHDRAW or ANULAR (or words such as "please cancel my request"),
//! never with a carrier keyword.

mod choices;
mod ctx;
mod money;
mod when;
pub mod words;

use chrono::{NaiveDate, NaiveTime};

use crate::normalise::{Chunk, chunks};
use crate::types::{JobCode, Money};
use choices::{number, rating_with_comment, slot_by_place};
use ctx::{Ctx, ends_clause};
use money::{amount_without_keyword, money};
use when::{
    DateHit, ask_time, counter_offer_start, date_without_time, find_dates, minutes_mentioned,
    propose, time_keyword_alone, vague_time,
};
use words::{Kw, words as w};

/// What a reply says, and which job it is about.
///
/// Invariant: `job_code` is the one job code the text names, in any position or case, with or
/// without `#`; the code's word never influences `intent`. It is `None` when the text names no
/// code, or names several different ones — then `intent` is an [`Intent::Unclear`] asking which
/// job is meant, unless the reply is a carrier keyword (STOP, START, HELP), [`Intent::Emergency`]
/// or [`Intent::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReply {
    pub intent: Intent,
    pub job_code: Option<JobCode>,
}

/// The meaning of one reply. Who sent it and what the work order is waiting for decide what it
/// does; this type only says what was written.
///
/// Invariants shared by the variants carrying text: optional text is `Some` only when non-empty,
/// trimmed of edge punctuation and of greetings/thanks, and kept in the sender's own spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Yes: `yes`, `y`, `ok`, `sure`, `i'll take it`, `on it`, `sí`, 👍…
    Accept,
    /// No: `no`, `pass`, `can't`, `busy`, `no puedo`…; `reason` is what else the message said.
    Decline { reason: Option<String> },
    /// A bare choice (`2`, `#2`, `slot 2`, `the 2nd one`, `2 works`): a slot or a rating, the
    /// caller decides by context. Never produced for text with `$`, thousands commas or decimals.
    Number(u32),
    /// The last of the offered slots, named by its place rather than its number: `the later one`,
    /// `the last one`, `la última`. Which number that is depends on how many slots were offered,
    /// which only the work order knows (the first slot needs no count: `the earlier one` is
    /// `Number(1)`).
    LastSlot,
    /// Another visit time. Invariants: `start < end`, `date >= today` (a date without a year that
    /// has passed means next year; a weekday means the next such day, today included unless
    /// `next` is said), `end` is `start + 2h` (capped at 23:59) when no end was given, and `date`
    /// is `today` when only a time was given. A bare hour follows trade hours: `2` is 2pm, `9`
    /// is 9am.
    Propose {
        date: NaiveDate,
        start: NaiveTime,
        end: NaiveTime,
    },
    /// On site now: `arrived`, `here`, `on site`, `llegué`…
    Arrived,
    /// Delayed: `running late`, `late 20 min`, `be there in 15`; `minutes` when a delay or ETA
    /// was given (the upper bound of a range, hours converted).
    RunningLate { minutes: Option<u32> },
    /// The work is finished; `notes` is what the vendor wrote around the keyword.
    Done { notes: Option<String> },
    /// The work is not finished: `not done`, `couldn't finish`, `need parts`…; `reason` why.
    NotDone { reason: Option<String> },
    /// A quote. Invariant: exactly one unambiguous amount was written.
    Estimate { amount: Money, note: Option<String> },
    /// A bill. Invariant: exactly one unambiguous amount was written; `reference` is the
    /// vendor's own invoice number (`#A-77` → `A-77`) when one was given.
    Invoice {
        amount: Money,
        reference: Option<String>,
    },
    /// Asks to move a booked visit: `need to reschedule`, `can we move tomorrow's visit`,
    /// `reprogramar`. `when` is the new time when the same message names one ("can we reschedule
    /// to Friday at 10"), read exactly as [`Intent::Propose`] reads a time; a time offered with no
    /// word of moving ("I can do Thu 3pm") is a `Propose`.
    Reschedule { when: Option<NewTime> },
    /// The request is no longer needed: `WITHDRAW`, `ANULAR`, "please cancel my request".
    Cancel,
    /// Carrier HELP keyword (`help`, `info`, `?`, `ayuda`), only as the whole message.
    Help,
    /// The sender says there is danger now: `EMERGENCY`, `EMERGENCIA`, `it's an emergency`,
    /// `es una emergencia`, `danger`, `peligro`… only as the whole message (greetings, thanks
    /// and a job code aside), so `family emergency, need to reschedule` or `emergency job, 2 hrs
    /// late` are not one. From a tenant it is a report of danger (the domain's
    /// `Command::ReportDanger`); it is never asked about, whatever job codes come with it.
    Emergency,
    /// Opt-out (`stop`, `unsubscribe`, `quit`, `end`, `alto`, `parar`…), only as the whole
    /// message (a job code and greetings aside), so `stop by tomorrow` is not an opt-out; `cancel`
    /// and `cancelar` only when they are the whole message, as carriers read them.
    Stop,
    /// Carrier opt-in (`start`, `unstop`, `subscribe`), only as the whole message.
    Start,
    /// The kind of reply is clear but an essential value is not. Invariant: `question` is plain
    /// ASCII under 160 characters, so it fits one GSM-7 segment.
    Unclear { question: String },
    /// Nothing recognised.
    Unknown,
}

/// The new visit time a [`Intent::Reschedule`] names, with [`Intent::Propose`]'s invariants:
/// `start < end`, `date >= today`, `end` is `start + 2h` (capped at 23:59) when no end was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewTime {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// Reads one SMS reply. `today` is the sender's local date; relative dates (`tomorrow`,
/// `friday`, `3/14`) resolve against it. Pure and deterministic.
pub fn parse_reply(text: &str, today: NaiveDate) -> ParsedReply {
    let all = chunks(text);
    let significant = all.iter().filter(|c| !c.norm.is_empty()).count();
    let (tokens, codes) = take_job_codes(all);
    let ctx = Ctx::new(tokens, today, significant);
    let intent = RECOGNIZERS
        .iter()
        .find_map(|recognize| recognize(&ctx))
        .unwrap_or(Intent::Unknown);
    match codes.as_slice() {
        [] => ParsedReply {
            intent,
            job_code: None,
        },
        [code] => ParsedReply {
            intent,
            job_code: Some(code.clone()),
        },
        several => {
            // Acting on the wrong one of two jobs is worse than asking; carrier keywords apply to
            // the phone number, not to a job.
            // A danger is never held back by a question about which job: the domain routes it.
            let intent = match intent {
                Intent::Stop
                | Intent::Start
                | Intent::Help
                | Intent::Emergency
                | Intent::Unknown => intent,
                _ => Intent::Unclear {
                    question: which_job_question(several),
                },
            };
            ParsedReply {
                intent,
                job_code: None,
            }
        }
    }
}

fn take_job_codes(tokens: Vec<Chunk>) -> (Vec<Chunk>, Vec<JobCode>) {
    let mut words = Vec::with_capacity(tokens.len());
    let mut codes: Vec<JobCode> = Vec::new();
    let split = split_code_at(&tokens);
    for (i, token) in tokens.into_iter().enumerate() {
        let code = match split {
            Some((at, ref code)) if i == at || i == at + 1 => Some(code.clone()),
            _ => JobCode::parse(&token.norm),
        };
        match code {
            Some(code) => {
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            None => words.push(token),
        }
    }
    (words, codes)
}

/// A job code typed with a space between its letters and its digits ("yes km 47"): read only
/// at the end of the message, where a vendor signs a reply with it, and never from a two-letter
/// word ("be there at 45").
fn split_code_at(tokens: &[Chunk]) -> Option<(usize, JobCode)> {
    let last = tokens.iter().rposition(|t| !t.norm.is_empty())?;
    let at = last.checked_sub(1)?;
    let (letters, digits) = (&tokens.get(at)?.norm, &tokens.get(last)?.norm);
    let shaped = letters.len() == 2
        && letters.bytes().all(|b| b.is_ascii_alphabetic())
        && digits.len() == 2
        && digits.bytes().all(|b| b.is_ascii_digit());
    if !shaped || w().not_code_letters.contains(letters) {
        return None;
    }
    JobCode::parse(&format!("{letters}{digits}")).map(|code| (at, code))
}

fn which_job_question(codes: &[JobCode]) -> String {
    let listed: Vec<&str> = codes.iter().take(5).map(JobCode::as_str).collect();
    let (last, first) = listed.split_last().map_or((&"", &[][..]), |(l, f)| (l, f));
    format!(
        "Which job is this about: {} or {last}? Reply with one job code and your answer.",
        first.join(", ")
    )
}

pub(crate) fn unclear(question: impl Into<String>) -> Intent {
    Intent::Unclear {
        question: question.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Recognisers, in precedence order: the first to return `Some` decides the intent.

type Recognizer = fn(&Ctx) -> Option<Intent>;

const RECOGNIZERS: &[Recognizer] = &[
    carrier_stop,
    carrier_start,
    carrier_help,
    emergency,
    money,
    rating_with_comment,
    not_done,
    cancel,
    done,
    arrived,
    running_late,
    reschedule_to,
    propose,
    reschedule,
    hedge,
    decline,
    slot_by_place,
    number,
    date_without_time,
    time_keyword_alone,
    amount_without_keyword,
    accept,
    vague_time,
];

fn carrier_stop(ctx: &Ctx) -> Option<Intent> {
    let core = ctx.core_text();
    // "CANCEL" alone stops the texts, as carriers read it; "cancel please" cancels a request.
    let alone = ctx.significant == 1;
    (w().stop.contains(&core) && (alone || !w().stop_alone_only.contains(&core)))
        .then_some(Intent::Stop)
}

fn carrier_start(ctx: &Ctx) -> Option<Intent> {
    if w().start.contains(&ctx.core_text()) {
        return Some(Intent::Start);
    }
    // The keyword at either end of a message about the texts: "START - I opted out by mistake".
    let at_an_end = [ctx.core.first(), ctx.core.last()]
        .into_iter()
        .flatten()
        .any(|&i| ctx.norm(i) == "start");
    let about_texts = ctx
        .core
        .iter()
        .any(|&i| w().start_context.contains(ctx.norm(i)));
    (at_an_end && about_texts).then_some(Intent::Start)
}

fn carrier_help(ctx: &Ctx) -> Option<Intent> {
    let only_question_marks = ctx.core.is_empty() && ctx.tokens.iter().any(|t| t.raw.contains('?'));
    // "Help? what am I supposed to reply": a question about answering, with no number in it
    // (a number would be the answer itself).
    let asks_how = !ctx.phrase_starts(&w().help_questions).is_empty()
        && !ctx
            .tokens
            .iter()
            .any(|t| t.norm.bytes().any(|b| b.is_ascii_digit()));
    (only_question_marks || asks_how || w().help.contains(&ctx.core_text())).then_some(Intent::Help)
}

/// Danger now, said as the whole message: a keyword inside a sentence ("emergency call, running
/// 2 hrs behind") keeps its sentence's meaning.
fn emergency(ctx: &Ctx) -> Option<Intent> {
    w().emergency
        .contains(&ctx.core_text())
        .then_some(Intent::Emergency)
}

fn not_done(ctx: &Ctx) -> Option<Intent> {
    let m = ctx.matches.iter().find(|m| match m.kw {
        Kw::NotDone | Kw::NotDoneBecause => true,
        Kw::Done | Kw::FinishVerb => ctx.preceded_by(m.start, &w().negators, 3),
        _ => false,
    })?;
    let reason = match m.kw {
        // "tenant not home", "need parts for the disposal": the whole message is the reason.
        Kw::NotDoneBecause => ctx.whole_reason(),
        Kw::NotDone => ctx.around(m.start, m.end),
        // The words before a negated "finish" are the negation itself.
        _ => ctx.after_keyword(m.end),
    };
    Some(Intent::NotDone { reason })
}

/// "Not sure", "yes no wait let me check": no answer yet, so nothing is done with it — unless a
/// day, a time or an amount comes with it ("not sure, maybe friday" is asked about).
fn hedge(ctx: &Ctx) -> Option<Intent> {
    let concrete = ctx
        .core
        .iter()
        .any(|&i| ctx.norm(i).bytes().any(|b| b.is_ascii_digit()))
        || !find_dates(ctx).is_empty();
    (ctx.has(Kw::Hedge) && !concrete).then_some(Intent::Unknown)
}

fn cancel(ctx: &Ctx) -> Option<Intent> {
    // "cancel and reschedule" wants a new time, not an end to the request.
    if ctx.has(Kw::Reschedule) {
        return None;
    }
    ctx.matches
        .iter()
        .any(|m| m.kw == Kw::Cancel && !ctx.preceded_by(m.start, &w().negators, 2))
        .then_some(Intent::Cancel)
}

fn done(ctx: &Ctx) -> Option<Intent> {
    let m = ctx.matches.iter().find(|m| {
        m.kw == Kw::Done
            && !ctx.preceded_by(m.start, &w().negators, 3)
            && !ctx.preceded_by(m.start, &w().irrealis, 2)
            && !ctx.asked(m.end)
    })?;
    // "fixed the leak under the sink": the keyword is the verb of the note.
    let notes = if w().object_starters.contains(ctx.norm(m.end)) {
        let idxs: Vec<usize> = (m.start..ctx.tokens.len()).collect();
        ctx.compose(&idxs, &w().none, &w().none)
    } else {
        ctx.around(m.start, m.end)
    };
    Some(Intent::Done { notes })
}

fn arrived(ctx: &Ctx) -> Option<Intent> {
    ctx.matches
        .iter()
        .any(|m| {
            m.kw == Kw::Arrived
                && !ctx.preceded_by(m.start, &w().negators, 3)
                && !ctx.preceded_by(m.start, &w().irrealis, 2)
                && !ctx.asked(m.end)
        })
        .then_some(Intent::Arrived)
        .or_else(|| at_the_door(ctx).then_some(Intent::Arrived))
}

/// "outside 4B", "here at unit 12", "afuera del 3C": a short message saying where the sender
/// stands, at a door named by its unit. The unit has a letter or follows a unit word, so that
/// "at 4" stays a time.
fn at_the_door(ctx: &Ctx) -> bool {
    let core: Vec<&str> = ctx.core.iter().map(|&i| ctx.norm(i)).collect();
    let unit_like = |s: &str| {
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
        (1..=4).contains(&digits) && letters == 1 && s.len() == digits + letters
    };
    let unit_word =
        |s: &str| ["unit", "apt", "apartment", "depa", "departamento", "#"].contains(&s);
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let place = |s: &str| ["outside", "here", "afuera", "aqui", "downstairs", "abajo"].contains(&s);
    match core.as_slice() {
        [p, u] => place(p) && unit_like(u),
        [p, x, u] => {
            place(p)
                && ((["at", "of", "del", "de", "en"].contains(x) && unit_like(u))
                    || (unit_word(x) && (number(u) || unit_like(u))))
        }
        [p, a, x, u] => {
            place(p)
                && ["at", "del", "de", "en"].contains(a)
                && unit_word(x)
                && (number(u) || unit_like(u))
        }
        _ => false,
    }
}

fn running_late(ctx: &Ctx) -> Option<Intent> {
    let minutes = minutes_mentioned(ctx);
    let late = ctx
        .matches
        .iter()
        .any(|m| m.kw == Kw::Late && !ctx.preceded_by(m.start, &w().negators, 3))
        || running_behind(ctx);
    (late || (ctx.has(Kw::OnTheWay) && minutes.is_some()))
        .then_some(Intent::RunningLate { minutes })
}

/// "Running 15 behind", "running about an hour and a half late": the delay sits between.
fn running_behind(ctx: &Ctx) -> bool {
    (0..ctx.tokens.len()).any(|i| {
        ctx.norm(i) == "running"
            && !ctx.preceded_by(i, &w().negators, 2)
            && (i + 1..ctx.tokens.len())
                .take_while(|&j| j == i + 1 || !ends_clause(&ctx.tokens[j - 1].raw))
                .take(7)
                .any(|j| ["behind", "late"].contains(&ctx.norm(j)))
    })
}

/// "Can we reschedule to Friday at 10", "need to move tmrw's visit to thu 2pm": a word of moving
/// and a time the proposal reader accepts. The time rides along; without the moving word it is a
/// proposal, and an ambiguous time is asked about as a proposal's would be.
fn reschedule_to(ctx: &Ctx) -> Option<Intent> {
    // "No need to reschedule, friday at 10 still works" confirms a time: a "no" just before the
    // moving word leaves the time to be read as the proposal it was before times rode along
    // (the same words without a time read as a reschedule, as they always did).
    let said_no = |i: usize| {
        (i.saturating_sub(3)..i).any(|j| ctx.norm(j) == "no")
            && !(i.saturating_sub(3)..i).any(|j| ends_clause(&ctx.tokens[j].raw))
    };
    if !asks_to_move(ctx) || (0..ctx.tokens.len()).any(|i| moving_word_at(ctx, i) && said_no(i)) {
        return None;
    }
    match propose(ctx)? {
        Intent::Propose { date, start, end } => Some(Intent::Reschedule {
            when: Some(NewTime { date, start, end }),
        }),
        other => Some(other),
    }
}

fn reschedule(ctx: &Ctx) -> Option<Intent> {
    // "No, another time" answers a proposal: the refusal is the answer.
    if ctx.opens_with(Kw::Decline) {
        return None;
    }
    asks_to_move(ctx).then_some(Intent::Reschedule { when: None })
}

/// A word of moving the visit, not negated: `reschedule`, `another day`, `reprogramar`, or a
/// moving verb shortly before an appointment word (`move tomorrow's visit`, `push the job`).
fn asks_to_move(ctx: &Ctx) -> bool {
    (0..ctx.tokens.len()).any(|i| moving_word_at(ctx, i) && !ctx.preceded_by(i, &w().negators, 3))
}

/// Whether a word of moving starts at token `i`: a reschedule phrase, or a moving verb with an
/// appointment word within the next three tokens.
fn moving_word_at(ctx: &Ctx, i: usize) -> bool {
    ctx.matches
        .iter()
        .any(|m| m.kw == Kw::Reschedule && m.start == i)
        || (w().move_verbs.contains(ctx.norm(i))
            && (i + 1..(i + 4).min(ctx.tokens.len()))
                .any(|j| w().appointment_words.contains(ctx.norm(j))))
}

fn decline(ctx: &Ctx) -> Option<Intent> {
    ctx.first(Kw::Decline)?;
    // "can't, can do thursday though" offers a day: ask for the time rather than give up.
    if let Some(from) = counter_offer_start(ctx)
        && from > 0
    {
        let dates: Vec<DateHit> = find_dates(ctx)
            .into_iter()
            .filter(|d| d.start >= from)
            .collect();
        if let Some(question) = ask_time(&dates) {
            return Some(question);
        }
    }
    // The reason is everything but the yes/no itself, unless all that is left is one refusal
    // phrase ("booked solid sorry" gives no more reason than "no").
    let all: Vec<usize> = (0..ctx.tokens.len()).collect();
    let rest = ctx.without_answers(&all);
    let bare_refusal = match (rest.first(), rest.last()) {
        (Some(&first), Some(&last)) => ctx
            .matches
            .iter()
            .any(|m| m.kw == Kw::Decline && m.start <= first && last < m.end),
        _ => true,
    };
    Some(Intent::Decline {
        reason: if bare_refusal {
            None
        } else {
            ctx.text_of(&rest)
        },
    })
}

fn accept(ctx: &Ctx) -> Option<Intent> {
    // "ok what's the unit number" asks and "ok thanks for letting me know" acknowledges; "yes,
    // what's the gate code?" accepts and asks.
    let weak = ctx
        .matches
        .iter()
        .filter(|m| m.kw == Kw::Accept)
        .all(|m| (m.start..m.end).all(|i| w().weak_accept.contains(ctx.norm(i))));
    const WH: [&str; 14] = [
        "what", "whats", "where", "wheres", "when", "which", "who", "whos", "how", "cual", "donde",
        "cuando", "quien", "que",
    ];
    let asks = ctx.tokens.iter().any(|t| t.raw.contains('?'))
        || ctx.core.iter().any(|&i| WH.contains(&ctx.norm(i)));
    let acknowledges = !ctx.phrase_starts(&w().acknowledgements).is_empty();
    // "I can come next week sometime": an "I can" that only offers a vague time asks when.
    let vague_only = ctx
        .matches
        .iter()
        .filter(|m| m.kw == Kw::Accept)
        .all(|m| (m.start..m.end).all(|i| ["i", "can"].contains(&ctx.norm(i))))
        && when::vague_time(ctx).is_some();
    (ctx.has(Kw::Accept) && !(weak && (asks || acknowledges)) && !vague_only)
        .then_some(Intent::Accept)
}

#[cfg(test)]
mod tests;
