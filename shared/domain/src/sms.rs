//! SMS reply grammar: reads a vendor's or tenant's free-text reply as one [`Intent`] (plus the job
//! code it names). Counting the segments of outgoing texts is [`crate::segments`]'s.
//!
//! Parsing is a small deterministic pipeline, built so that new phrasings are added to tables
//! rather than to code:
//!
//! 1. The text is split on whitespace; every word keeps its raw spelling (echoed back in notes and
//!    references) and a normalised one (lower case, accents folded, apostrophes dropped, edge
//!    punctuation trimmed) that all matching uses. Emoji are dropped, except 👍/👎 and ⭐ (a star).
//! 2. Job codes are pulled out first, so `YES KP27`, `kp27 yes` and `#KP27 yes` read the same.
//! 3. The phrase tables (`LEXICON`) are matched longest-first, so `no problem` wins over `no`,
//!    `not done` over `done` and `no longer needed` over `no`.
//! 4. Recognisers run in a fixed precedence order (`RECOGNIZERS`) and the first that claims the
//!    message wins: carrier keywords, then the specific intents that carry data (money, not done,
//!    done, arrival…), then the weak yes/no/number answers. That ordering is why `ok done` is
//!    `Done` and `no, not done` is `NotDone`.
//!
//! When a reply is clearly about money, a date or a choice but the value is ambiguous, the result
//! is [`Intent::Unclear`] carrying a short question to text back: a wrong amount or a wrong visit
//! time costs far more than one more text.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};

#[cfg(test)]
use crate::segments::sms_segments;
use crate::types::{JobCode, Money};

/// What a reply says, and which job it is about.
///
/// Invariant: `job_code` is the one job code the text names, in any position or case, with or
/// without `#`; the code's word never influences `intent`. It is `None` when the text names no
/// code, or names several different ones — then `intent` is an [`Intent::Unclear`] asking which
/// job is meant, unless the reply is a carrier keyword (STOP, START, HELP) or [`Intent::Unknown`].
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
    /// Wants a different time, without naming one.
    Reschedule,
    /// The request is no longer needed.
    Cancel,
    /// Carrier HELP keyword (`help`, `info`, `?`, `ayuda`), only as the whole message.
    Help,
    /// Carrier opt-out (`stop`, `unsubscribe`, `quit`, `end`…), only as the whole message (a job
    /// code and greetings aside), so `stop by tomorrow` is not an opt-out.
    Stop,
    /// Carrier opt-in (`start`, `unstop`, `subscribe`), only as the whole message.
    Start,
    /// The kind of reply is clear but an essential value is not. Invariant: `question` is plain
    /// ASCII under 160 characters, so it fits one GSM-7 segment.
    Unclear { question: String },
    /// Nothing recognised.
    Unknown,
}

/// Reads one SMS reply. `today` is the sender's local date; relative dates (`tomorrow`,
/// `friday`, `3/14`) resolve against it. Pure and deterministic.
pub fn parse_reply(text: &str, today: NaiveDate) -> ParsedReply {
    let (tokens, codes) = take_job_codes(tokenize(text));
    let ctx = Ctx::new(tokens, today);
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
            let intent = match intent {
                Intent::Stop | Intent::Start | Intent::Help | Intent::Unknown => intent,
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

// ---------------------------------------------------------------------------------------------
// Words

/// One whitespace-separated word of the message.
#[derive(Debug, Clone)]
struct Token {
    /// As typed (emoji removed): what notes and references echo back.
    raw: String,
    /// Lower case, accents folded, apostrophes dropped, edge punctuation trimmed except a
    /// leading `#` or `$`. Empty for pure punctuation such as `-` or `?`.
    norm: String,
}

const THUMBS_UP: &str = "\u{1F44D}";
const THUMBS_DOWN: &str = "\u{1F44E}";

fn tokenize(text: &str) -> Vec<Token> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // 👍 and 👌 are answers, so they become words of their own.
            '\u{1F44D}' | '\u{1F44C}' => {
                cleaned.push(' ');
                cleaned.push_str(THUMBS_UP);
                cleaned.push(' ');
            }
            '\u{1F44E}' => {
                cleaned.push(' ');
                cleaned.push_str(THUMBS_DOWN);
                cleaned.push(' ');
            }
            // A rating written in stars: "⭐⭐⭐⭐" is four stars.
            '\u{2B50}' | '\u{1F31F}' => cleaned.push_str(" star "),
            // Phones "smarten" quotes and dashes; matching wants the plain ones.
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}' => cleaned.push('\''),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => cleaned.push('-'),
            '\u{201C}' | '\u{201D}' => cleaned.push('"'),
            // Skin tones, variation selectors, joiners and keycaps decorate the char before them
            // ("2️⃣" is a 2).
            '\u{1F3FB}'..='\u{1F3FF}' | '\u{FE00}'..='\u{FE0F}' | '\u{200D}' | '\u{20E3}' => {}
            c if is_pictograph(c) => cleaned.push(' '),
            c => cleaned.push(c),
        }
    }
    cleaned
        .split_whitespace()
        .map(|raw| Token {
            raw: raw.to_string(),
            norm: normalize(raw),
        })
        .collect()
}

/// Emoji and other symbols carry no grammar; treating them as spaces keeps `done🎉` a `done`.
fn is_pictograph(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && u32::from(c) >= 0x2100
}

fn normalize(raw: &str) -> String {
    if raw == THUMBS_UP || raw == THUMBS_DOWN {
        return raw.to_string();
    }
    let folded: String = raw
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .filter(|&c| c != '\'')
        .collect();
    folded
        .trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '#' || c == '$'))
        .trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '$'))
        .to_string()
}

/// Spanish replies arrive with and without accents (`sí`/`si`, `llegué`/`llegue`).
fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        c => c,
    }
}

/// A word ending a clause stops phrases and negations from reaching across it: `no, problem` is
/// not `no problem`, and the `not` in `not bad, done` does not negate `done`.
fn ends_clause(raw: &str) -> bool {
    raw.ends_with([',', ';', '.', '!', '?', ':'])
}

fn take_job_codes(tokens: Vec<Token>) -> (Vec<Token>, Vec<JobCode>) {
    let mut words = Vec::with_capacity(tokens.len());
    let mut codes: Vec<JobCode> = Vec::new();
    for token in tokens {
        match JobCode::parse(&token.norm) {
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

fn which_job_question(codes: &[JobCode]) -> String {
    let listed: Vec<&str> = codes.iter().take(5).map(JobCode::as_str).collect();
    let (last, first) = listed.split_last().map_or((&"", &[][..]), |(l, f)| (l, f));
    format!(
        "Which job is this about: {} or {last}? Reply with one job code and your answer.",
        first.join(", ")
    )
}

// ---------------------------------------------------------------------------------------------
// Phrase tables. Phrases are written in normalised form: lower case, no accents, no apostrophes.
// The word lists skip rustfmt so they stay dense enough to scan; one word per line buries them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
    Accept,
    Decline,
    Done,
    /// `finish`, `fix`: only meaningful negated (`couldn't finish` is not done).
    FinishVerb,
    /// Says "not done"; the reason, if any, follows.
    NotDone,
    /// Says "not done" by giving the reason itself (`need parts`).
    NotDoneBecause,
    Arrived,
    Late,
    /// En route: a delay only when it comes with an ETA (`omw 10 min`).
    OnTheWay,
    Reschedule,
    Cancel,
    Estimate,
    Invoice,
    /// Phrases that contain a keyword but say nothing (`working on it`, `no leaks`): matching
    /// them hides the keyword inside.
    Noise,
}

/// Phrases recognised anywhere in a message. When several match at one position, the one with
/// the most words wins.
#[rustfmt::skip]
const LEXICON: &[(Kw, &[&str])] = &[
    (
        Kw::Accept,
        &[
            "yes", "yep", "yup", "yeah", "yea", "ya", "yas", "ok", "okay", "okey", "okie", "sure",
            "sure thing", "sure can", "accept", "accepted", "i accept", "ill take it",
            "i will take it", "ill take", "take it", "ill do it", "i can do it", "on it",
            "im on it", "si", "claro", "dale", "de acuerdo", "por supuesto", "sounds good",
            "sounds great", "perfect", "that works", "works for me", "confirmed", "confirm",
            "absolutely", "definitely", "of course", "for sure", "will do", "can do", "i can",
            "no problem", "no prob", "no problemo", "no worries", "np", "count me in", "im in",
            "affirmative", "can make it", "i can make it", "you got it", "i got it", "we got it",
            "thats fine", "fine with me", "fine by me", "yessir", "lo tomo", "me lo llevo",
            "handle it", "take care of it", "i got this", "we got this", "well take it",
            "well do it",
            THUMBS_UP,
        ],
    ),
    (
        Kw::Decline,
        &[
            "no", "nope", "nah", "decline", "declined", "i decline", "no thanks", "no thank you",
            "cant", "cannot", "can not", "cant make it", "cant do it", "cant take it",
            "not available", "unavailable", "busy", "too busy", "booked", "booked solid",
            "fully booked", "not interested", "not this time", "pass on this", "no puedo",
            "no gracias", "ocupado", "ocupada", "no disponible", "swamped", "slammed",
            "out of town", "out of the area", "too far", "too far away", "dont service",
            "we dont do", "dont do that", "not taking", "not taking new jobs", "dont have anyone",
            "nobody available", "no one available", "not for that price", "have to decline",
            "im full", "were full", "all full", "time doesnt work", "that doesnt work",
            "doesnt work for me", "doesnt work for us", "that wont work", "wont work for me",
            "no me funciona", "no tengo tiempo", "mucho trabajo", "not today", "not tomorrow",
            "not this week", "hoy no", "have to pass", "gonna pass", "going to pass",
            "pass on it", "pass on this one", "pass this time", "im not home", "i am not home",
            "wont be home", "will not be home", "not home then", "no estoy en casa",
            "no voy a estar", THUMBS_DOWN,
        ],
    ),
    (
        Kw::Done,
        &[
            "done", "all done", "job done", "job complete", "job completed", "work complete",
            "work completed", "completed", "complete", "finished", "all finished", "fixed",
            "fixed it", "all fixed", "all set", "repaired", "resolved", "taken care of",
            "good to go", "all good", "works now", "working now", "works again", "working again",
            "works fine now", "its working", "listo", "terminado", "termine", "terminamos",
            "arreglado", "ya quedo", "came back on", "is back on", "are back on", "back on now",
            "restored", "power restored", "service restored", "power is back", "heat is back",
            "water is back", "back to normal", "works fine", "working fine", "running fine",
            "flowing fine", "draining fine", "flowing now", "draining now", "got it working",
            "got it going", "ya funciona", "ya sirve", "funciona bien",
        ],
    ),
    (
        Kw::FinishVerb,
        &[
            "finish", "finish it", "finish the job", "fix", "fix it", "repair", "get it working",
            "get it to work", "get it fixed",
        ],
    ),
    (
        Kw::NotDone,
        &[
            "not done", "not yet done", "not finished", "not complete", "not completed",
            "not fixed", "incomplete", "unfinished", "no terminado", "no termine",
            "no he terminado", "no esta listo", "no esta terminado", "no listo", "todavia no",
            "aun no",
        ],
    ),
    (
        Kw::NotDoneBecause,
        &[
            "need parts", "needs parts", "need part", "need a part", "needs a part",
            "need to order", "need to order a part", "waiting on parts", "waiting for parts",
            "waiting on a part", "waiting for a part", "parts on order", "part on order",
            "ordered parts", "ordered a part", "need to come back", "have to come back",
            "gotta come back", "need another visit", "needs another visit", "return visit",
            "still broken", "still leaking", "still not working", "no one home", "nobody home",
            "no one was home", "nobody was home", "not home", "wasnt home", "no access",
            "couldnt get in", "could not get in", "cant get in", "cant access", "couldnt access",
            "part ordered", "parts ordered", "will return", "need to return", "have to return",
            "will come back", "must come back", "necesito piezas", "faltan piezas",
            "falta una pieza", "no habia nadie", "nobody answered", "no one answered",
            "nobody answered the door", "no one answered the door", "no answer at the door",
            "nobody came to the door", "no one came to the door", "wouldnt let me in",
            "would not let me in", "didnt let me in", "refused entry", "refused access",
            "no me dejo entrar", "no me dejaron entrar", "no me abrieron", "still not draining",
            "still not cooling", "still not heating", "still not flushing", "still clogged",
            "still dripping", "partway",
            "got partway", "partially done", "partially", "half done",
        ],
    ),
    (
        Kw::Arrived,
        &[
            "arrived", "just arrived", "have arrived", "ive arrived", "im here", "i am here",
            "here now", "im onsite", "im on site", "on site", "onsite", "on-site",
            "at the property", "at the unit", "at the door", "im outside", "llegue",
            "ya llegue", "estoy aqui", "ya estoy aqui", "pulled up", "just pulled up",
            "at the front door", "at the building", "outside the building", "in the lobby",
            "at the front desk", "parking now", "im downstairs", "buzz me in", "estoy afuera",
            "estoy abajo", "ya estoy afuera", "got here", "just got here",
        ],
    ),
    (
        Kw::Late,
        &[
            "late", "running late", "running behind", "behind schedule", "delayed",
            "stuck in traffic", "be there in", "there in", "eta", "min away", "mins away",
            "minutes away", "min out", "mins out", "minutes out", "min behind", "mins behind",
            "minutes behind", "tarde", "voy tarde", "llego tarde", "retraso", "con retraso",
            "retrasado", "atrasado", "llego en", "llegando en", "traffic", "trafico",
        ],
    ),
    (
        Kw::OnTheWay,
        &[
            "omw", "on my way", "on the way", "en route", "heading over", "heading there",
            "en camino", "voy en camino",
        ],
    ),
    (
        Kw::Reschedule,
        &[
            "reschedule", "re-schedule", "resched", "rescheduling", "different time",
            "another time", "change time", "change the time", "new time", "different day",
            "another day", "move the appointment", "reprogramar", "otro dia", "otra hora",
            "cambiar la hora", "push back", "push it back", "push this back", "cambiar la cita",
            "cambiar cita", "mover la cita", "otra fecha",
        ],
    ),
    (
        Kw::Cancel,
        &[
            "cancel", "canceled", "cancelled", "cancel request", "cancel the request",
            "cancel it", "no longer needed", "no longer need it", "not needed",
            "not needed anymore", "dont need it", "dont need it anymore", "never mind",
            "nevermind", "nvm", "no need", "cancelar", "cancelado", "ya no hace falta",
            "ya no es necesario", "no longer need", "dont need anyone", "dont need anybody",
            "dont need someone", "no need to come", "dont need the repair",
        ],
    ),
    (
        Kw::Estimate,
        &[
            "estimate", "est", "estimated", "quote", "quoted", "bid", "estimado", "presupuesto",
            "cotizacion", "will cost", "itll cost", "would cost", "gonna cost", "going to cost",
            "should cost", "va a costar", "costaria", "need approval", "needs approval",
            "need your approval",
        ],
    ),
    (
        Kw::Invoice,
        &[
            "invoice", "inv", "invoiced", "invoicing", "factura", "billed", "bill", "total due",
            "amount due", "balance due",
        ],
    ),
    (
        Kw::Noise,
        &[
            "working on it", "still working on it", "no leak", "no leaks", "no more leaks",
            "no charge", "no rush", "no one", "no idea",
        ],
    ),
];

/// Phrases that count only as the whole message (greetings and thanks aside): alone they are
/// answers, inside a sentence they are ordinary words (`here`, `pass`, `n`).
#[rustfmt::skip]
const ALONE: &[(Kw, &[&str])] = &[
    (Kw::Accept, &["y", "k", "kk", "bet", "10-4"]),
    (Kw::Decline, &["n", "pass", "i pass", "ill pass", "i will pass"]),
    (Kw::Arrived, &["here", "aqui"]),
];

/// Carrier opt-out keywords, only as the whole message. Bare `cancel` is left to
/// [`Intent::Cancel`]; `cancel` about the texts themselves is an opt-out.
#[rustfmt::skip]
const STOP_PHRASES: &[&str] = &[
    "stop", "stopall", "stop all", "unsubscribe", "cancel sms", "cancel texts", "cancel text",
    "cancel messages", "quit", "end", "optout", "opt out", "opt-out", "revoke", "stop texting",
    "stop texting me", "stop messaging me", "dont text me", "do not text me", "unsubscribe me",
    "stop sending me texts", "stop sending texts", "stop sending me messages", "remove me",
    "take me off your list", "take me off the list", "take me off this list",
    "remove me from this list", "remove me from the list", "remove me from your list",
];
#[rustfmt::skip]
const START_PHRASES: &[&str] = &[
    "start", "unstop", "subscribe", "resubscribe", "opt in", "optin", "opt-in", "start again",
];
#[rustfmt::skip]
const HELP_PHRASES: &[&str] = &[
    "help", "info", "ayuda", "help me", "need help", "i need help", "commands", "menu",
];

/// Greetings, thanks and bare acknowledgements: trimmed from the ends of a message before
/// whole-message checks and from the ends of notes.
#[rustfmt::skip]
const FILLERS: &[&str] = &[
    "ok", "okay", "k", "hi", "hey", "hello", "hola", "thanks", "thank you", "thanks so much",
    "thx", "ty", "tks", "sorry", "please", "pls", "plz", "yeah", "yes", "yep", "sure",
    "sure thing", "lol", "sir", "maam", "gracias", "great", "cool", "awesome", THUMBS_UP,
];

/// Words that negate the keyword up to three words after them (`couldn't finish`, `not able to
/// finish`).
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    "not", "isnt", "wasnt", "arent", "havent", "hasnt", "hadnt", "didnt", "couldnt", "cant",
    "cannot", "wont", "unable", "never", "dont", "doesnt", "nunca",
];

/// Words that make the keyword one or two words later a plan or a condition, not a fact
/// (`will be done by 5`, `when I arrived`).
#[rustfmt::skip]
const IRREALIS: &[&str] = &[
    "be", "will", "when", "once", "if", "until", "til", "till", "almost", "nearly", "should",
    "get", "gets", "getting", "gonna", "going", "hope", "ill",
];

/// Words before a time that make it a counter-offer even after a refusal (`can't do 2, how about
/// 4pm`) and let a bare range like `9-11` count as a time. `time` is the keyword our own texts
/// teach ("reply TIME and a day and time").
#[rustfmt::skip]
const PROPOSE_TRIGGERS: &[&str] = &[
    "time", "can do", "could do", "how about", "what about", "propose", "proposing", "available",
    "free", "can come", "could come", "i can", "can be there", "prefer", "maybe", "but", "puedo",
    "que tal", "mejor",
];
/// The same, written after the time (`no, monday 10am works better`).
#[rustfmt::skip]
const PROPOSE_TRIGGERS_AFTER: &[&str] = &[
    "works", "work", "instead", "better", "is better", "would work", "is fine",
];

/// Words that answer the question rather than explain: dropped from the ends of a reason, so
/// "no, not done" has no reason and "out of town, sorry can't" has "out of town".
#[rustfmt::skip]
const ANSWER_WORDS: &[&str] = &[
    "yes", "y", "yeah", "yep", "ok", "okay", "sure", "si", "no", "n", "nope", "nah", "cant",
    "cannot", THUMBS_DOWN,
];
/// Links between a keyword and the note after it (`done and tested` → `tested`).
#[rustfmt::skip]
const AFTER_KEYWORD: &[&str] = &[
    "and", "but", "so", "yet", "now", "also", "because", "bc", "cuz", "since", "-",
];
/// Words that start the object of a verb: after `fixed`, they make the keyword part of the note.
#[rustfmt::skip]
const OBJECT_STARTERS: &[&str] = &["the", "a", "an", "his", "her", "their", "my", "that", "this"];
/// Words between a note and the keyword after it (`swapped it and it's done` → `swapped it`).
#[rustfmt::skip]
const BEFORE_KEYWORD: &[&str] = &[
    "i", "we", "its", "it", "is", "was", "has been", "have", "just", "all", "and", "but", "so",
    "still", "got it", "got", "im", "now",
];

/// Words between a money keyword and its amount that carry no meaning of their own.
#[rustfmt::skip]
const MONEY_LINKS: &[&str] = &[
    "for", "to", "is", "of", "about", "around", "approx", "approximately", "total", "would be",
    "will be", "=", "and", "-", "the", "my", "our", "a", "an", "this", "its",
];

#[rustfmt::skip]
const CURRENCY_WORDS: &[&str] = &["dollars", "dollar", "dolares", "usd", "bucks"];
/// Words after a number that make it a round figure (`2 grand`): money to ask about.
#[rustfmt::skip]
const MULTIPLIERS: &[&str] = &["grand", "k", "thousand", "mil", "hundred", "cientos"];
/// Verbs of work still to do: `$450 to replace the element` is a price for it, an estimate.
#[rustfmt::skip]
const PURPOSE_VERBS: &[&str] = &[
    "replace", "fix", "repair", "install", "swap", "rebuild", "redo", "patch", "snake", "clear",
    "cambiar", "reparar", "arreglar", "instalar", "reemplazar",
];
/// Words announcing the vendor's own invoice number (`ref 2231`).
#[rustfmt::skip]
const REFERENCE_MARKERS: &[&str] = &["ref", "reference", "number", "num", "nr"];

// ---------------------------------------------------------------------------------------------
// Matching context

#[derive(Debug, Clone, Copy)]
struct Match {
    kw: Kw,
    start: usize,
    end: usize,
}

struct Ctx {
    tokens: Vec<Token>,
    /// Indices of the words that matter: tokens with letters or digits, minus greetings and
    /// thanks at either end (all of them when the message is nothing but those).
    core: Vec<usize>,
    matches: Vec<Match>,
    today: NaiveDate,
}

impl Ctx {
    fn new(tokens: Vec<Token>, today: NaiveDate) -> Ctx {
        let significant: Vec<usize> = (0..tokens.len())
            .filter(|&i| !tokens[i].norm.is_empty())
            .collect();
        let trimmed = trim_phrases(&tokens, &significant, FILLERS, FILLERS);
        let core = if trimmed.is_empty() {
            significant
        } else {
            trimmed.to_vec()
        };
        let mut matches = lex(&tokens);
        let core_text = join_norms(&tokens, &core);
        let alone = ALONE
            .iter()
            .find(|(_, phrases)| phrases.contains(&core_text.as_str()));
        if let (Some((kw, _)), Some(&start), Some(&last)) = (alone, core.first(), core.last()) {
            matches.push(Match {
                kw: *kw,
                start,
                end: last + 1,
            });
            matches.sort_by_key(|m| m.start);
        }
        Ctx {
            tokens,
            core,
            matches,
            today,
        }
    }

    fn norm(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.norm.as_str())
    }

    /// The core words, a word repeated in a row kept once (`STOP STOP`).
    fn core_text(&self) -> String {
        let mut idxs = self.core.clone();
        idxs.dedup_by(|a, b| self.tokens[*a].norm == self.tokens[*b].norm);
        join_norms(&self.tokens, &idxs)
    }

    fn first(&self, kw: Kw) -> Option<&Match> {
        self.matches.iter().find(|m| m.kw == kw)
    }

    fn has(&self, kw: Kw) -> bool {
        self.first(kw).is_some()
    }

    /// Whether the message opens (after greetings) with this keyword.
    fn opens_with(&self, kw: Kw) -> bool {
        self.core
            .first()
            .is_some_and(|&c| self.matches.iter().any(|m| m.kw == kw && m.start == c))
    }

    /// True when one of `words` is among the `window` words before token `at`, within the same
    /// clause.
    fn preceded_by(&self, at: usize, words: &[&str], window: usize) -> bool {
        let mut seen = 0;
        let mut i = at;
        while i > 0 && seen < window {
            i -= 1;
            let t = &self.tokens[i];
            if ends_clause(&t.raw) {
                return false;
            }
            if t.norm.is_empty() {
                continue;
            }
            if words.contains(&t.norm.as_str()) {
                return true;
            }
            seen += 1;
        }
        false
    }

    /// Whether the clause holding the keyword that ends at `end` is a question: a tenant's "is it
    /// done?" must not close the job.
    fn asked(&self, end: usize) -> bool {
        self.tokens[end.saturating_sub(1)..]
            .iter()
            .find(|t| ends_clause(&t.raw))
            .is_some_and(|t| t.raw.ends_with('?'))
    }

    /// Start positions of every occurrence of any of `phrases`.
    fn phrase_starts(&self, phrases: &[&str]) -> Vec<usize> {
        (0..self.tokens.len())
            .filter(|&i| {
                phrases
                    .iter()
                    .any(|p| phrase_end(&self.tokens, i, p).is_some())
            })
            .collect()
    }

    /// `idxs` without empty words and fillers at either end, nor `front` phrases at the start or
    /// `back` phrases at the end.
    fn trimmed(&self, idxs: &[usize], front: &[&str], back: &[&str]) -> Vec<usize> {
        let mut idxs = idxs;
        loop {
            let before = idxs.len();
            idxs = trim_phrases(&self.tokens, idxs, FILLERS, FILLERS);
            idxs = trim_phrases(&self.tokens, idxs, front, back);
            if idxs.len() == before {
                return idxs.to_vec();
            }
        }
    }

    /// Like [`Ctx::trimmed`], also dropping a yes/no at either end — but not one that starts a
    /// longer phrase, as in "no one home" or "no puedo" ("no thanks" is still just an answer).
    fn without_answers(&self, idxs: &[usize]) -> Vec<usize> {
        let plain = |i: usize| {
            let norm = self.norm(i);
            ANSWER_WORDS.contains(&norm) || FILLERS.contains(&norm)
        };
        let answer = |i: usize| {
            ANSWER_WORDS.contains(&self.norm(i))
                && !self
                    .matches
                    .iter()
                    .any(|m| (m.start..m.end).contains(&i) && !(m.start..m.end).all(&plain))
        };
        let mut idxs = self.trimmed(idxs, &[], &[]);
        loop {
            let before = idxs.len();
            if idxs.first().is_some_and(|&i| answer(i)) {
                idxs.remove(0);
            }
            if idxs.last().is_some_and(|&i| answer(i)) {
                idxs.pop();
            }
            idxs = self.trimmed(&idxs, &[], &[]);
            if idxs.len() == before {
                return idxs;
            }
        }
    }

    /// The words at `idxs` as typed, edge punctuation trimmed; `None` when nothing is left.
    fn text_of(&self, idxs: &[usize]) -> Option<String> {
        let joined = idxs
            .iter()
            .map(|&i| self.tokens[i].raw.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let trimmed = joined.trim_matches(|c: char| c.is_whitespace() || ",;:.!?-".contains(c));
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }

    fn compose(&self, idxs: &[usize], front: &[&str], back: &[&str]) -> Option<String> {
        self.text_of(&self.trimmed(idxs, front, back))
    }

    /// The whole message as a reason, minus the yes/no that answers the question.
    fn whole_reason(&self) -> Option<String> {
        let all: Vec<usize> = (0..self.tokens.len()).collect();
        self.text_of(&self.without_answers(&all))
    }

    /// What the sender wrote after the keyword ending at `end`, else before the one starting at
    /// `start`: "fixed it, swapped the cartridge" and "swapped the cartridge, fixed it" carry
    /// the same note.
    fn around(&self, start: usize, end: usize) -> Option<String> {
        self.after_keyword(end).or_else(|| {
            let before: Vec<usize> = (0..start).collect();
            let before = self.trimmed(&self.without_answers(&before), &[], BEFORE_KEYWORD);
            self.text_of(&before)
        })
    }

    fn after_keyword(&self, end: usize) -> Option<String> {
        let after: Vec<usize> = (end..self.tokens.len()).collect();
        self.compose(&after, AFTER_KEYWORD, &[])
    }
}

fn join_norms(tokens: &[Token], idxs: &[usize]) -> String {
    idxs.iter()
        .map(|&i| tokens[i].norm.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `phrase` ends if it starts at token `start`, without crossing a clause break.
fn phrase_end(tokens: &[Token], start: usize, phrase: &str) -> Option<usize> {
    let mut at = start;
    for word in phrase.split(' ') {
        let t = tokens.get(at)?;
        if t.norm != word || (at > start && ends_clause(&tokens[at - 1].raw)) {
            return None;
        }
        at += 1;
    }
    Some(at)
}

fn lex(tokens: &[Token]) -> Vec<Match> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let best = LEXICON
            .iter()
            .flat_map(|(kw, phrases)| phrases.iter().map(move |p| (*kw, *p)))
            .filter_map(|(kw, p)| phrase_end(tokens, i, p).map(|end| (kw, end)))
            .max_by_key(|&(_, end)| end);
        match best {
            Some((kw, end)) => {
                out.push(Match { kw, start: i, end });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// `idxs` without empty tokens, `front` phrases at the start and `back` phrases at the end
/// (repeatedly).
fn trim_phrases<'a>(
    tokens: &[Token],
    idxs: &'a [usize],
    front: &[&str],
    back: &[&str],
) -> &'a [usize] {
    let matches_at = |slice: &[usize], phrase: &str| -> bool {
        let words: Vec<&str> = phrase.split(' ').collect();
        slice.len() >= words.len() && words.iter().zip(slice).all(|(w, &i)| tokens[i].norm == *w)
    };
    let mut idxs = idxs;
    loop {
        let before = idxs.len();
        while let Some((&first, rest)) = idxs.split_first() {
            if tokens[first].norm.is_empty() {
                idxs = rest;
            } else {
                break;
            }
        }
        while let Some((&last, rest)) = idxs.split_last() {
            if tokens[last].norm.is_empty() {
                idxs = rest;
            } else {
                break;
            }
        }
        if let Some(p) = front.iter().find(|p| matches_at(idxs, p)) {
            idxs = &idxs[p.split(' ').count()..];
        }
        if let Some(p) = back.iter().find(|p| {
            let n = p.split(' ').count();
            idxs.len() >= n && matches_at(&idxs[idxs.len() - n..], p)
        }) {
            idxs = &idxs[..idxs.len() - p.split(' ').count()];
        }
        if idxs.len() == before {
            return idxs;
        }
    }
}

fn unclear(question: impl Into<String>) -> Intent {
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
    money,
    rating_with_comment,
    not_done,
    cancel,
    done,
    arrived,
    running_late,
    propose,
    reschedule,
    decline,
    slot_by_place,
    number,
    date_without_time,
    time_keyword_alone,
    amount_without_keyword,
    accept,
];

fn carrier_stop(ctx: &Ctx) -> Option<Intent> {
    STOP_PHRASES
        .contains(&ctx.core_text().as_str())
        .then_some(Intent::Stop)
}

fn carrier_start(ctx: &Ctx) -> Option<Intent> {
    START_PHRASES
        .contains(&ctx.core_text().as_str())
        .then_some(Intent::Start)
}

fn carrier_help(ctx: &Ctx) -> Option<Intent> {
    let only_question_marks = ctx.core.is_empty() && ctx.tokens.iter().any(|t| t.raw.contains('?'));
    (only_question_marks || HELP_PHRASES.contains(&ctx.core_text().as_str()))
        .then_some(Intent::Help)
}

fn not_done(ctx: &Ctx) -> Option<Intent> {
    let m = ctx.matches.iter().find(|m| match m.kw {
        Kw::NotDone | Kw::NotDoneBecause => true,
        Kw::Done | Kw::FinishVerb => ctx.preceded_by(m.start, NEGATORS, 3),
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

fn cancel(ctx: &Ctx) -> Option<Intent> {
    // "cancel and reschedule" wants a new time, not an end to the request.
    if ctx.has(Kw::Reschedule) {
        return None;
    }
    ctx.matches
        .iter()
        .any(|m| m.kw == Kw::Cancel && !ctx.preceded_by(m.start, NEGATORS, 2))
        .then_some(Intent::Cancel)
}

fn done(ctx: &Ctx) -> Option<Intent> {
    let m = ctx.matches.iter().find(|m| {
        m.kw == Kw::Done
            && !ctx.preceded_by(m.start, NEGATORS, 3)
            && !ctx.preceded_by(m.start, IRREALIS, 2)
            && !ctx.asked(m.end)
    })?;
    // "fixed the leak under the sink": the keyword is the verb of the note.
    let notes = if OBJECT_STARTERS.contains(&ctx.norm(m.end)) {
        let idxs: Vec<usize> = (m.start..ctx.tokens.len()).collect();
        ctx.compose(&idxs, &[], &[])
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
                && !ctx.preceded_by(m.start, NEGATORS, 3)
                && !ctx.preceded_by(m.start, IRREALIS, 2)
                && !ctx.asked(m.end)
        })
        .then_some(Intent::Arrived)
}

fn running_late(ctx: &Ctx) -> Option<Intent> {
    let minutes = minutes_mentioned(ctx);
    let late = ctx
        .matches
        .iter()
        .any(|m| m.kw == Kw::Late && !ctx.preceded_by(m.start, NEGATORS, 3))
        || running_behind(ctx);
    (late || (ctx.has(Kw::OnTheWay) && minutes.is_some()))
        .then_some(Intent::RunningLate { minutes })
}

/// "Running 15 behind", "running about an hour and a half late": the delay sits between.
fn running_behind(ctx: &Ctx) -> bool {
    (0..ctx.tokens.len()).any(|i| {
        ctx.norm(i) == "running"
            && !ctx.preceded_by(i, NEGATORS, 2)
            && (i + 1..ctx.tokens.len())
                .take_while(|&j| j == i + 1 || !ends_clause(&ctx.tokens[j - 1].raw))
                .take(7)
                .any(|j| ["behind", "late"].contains(&ctx.norm(j)))
    })
}

/// Verbs and nouns of "move the appointment": `need to move tomorrow's appointment`.
#[rustfmt::skip]
const MOVE_VERBS: &[&str] = &["move", "change", "push", "shift", "mover", "cambiar", "recorrer"];
#[rustfmt::skip]
const APPOINTMENT_WORDS: &[&str] = &[
    "appointment", "appt", "appointments", "visit", "cita", "visita",
];

fn reschedule(ctx: &Ctx) -> Option<Intent> {
    // "No, another time" answers a proposal: the refusal is the answer.
    if ctx.opens_with(Kw::Decline) {
        return None;
    }
    let said = ctx
        .matches
        .iter()
        .any(|m| m.kw == Kw::Reschedule && !ctx.preceded_by(m.start, NEGATORS, 3));
    let moved = (0..ctx.tokens.len()).any(|i| {
        MOVE_VERBS.contains(&ctx.norm(i))
            && !ctx.preceded_by(i, NEGATORS, 3)
            && (i + 1..(i + 4).min(ctx.tokens.len()))
                .any(|j| APPOINTMENT_WORDS.contains(&ctx.norm(j)))
    });
    (said || moved).then_some(Intent::Reschedule)
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
    ctx.has(Kw::Accept).then_some(Intent::Accept)
}

// ---------------------------------------------------------------------------------------------
// Choices

/// Words that introduce a choice.
#[rustfmt::skip]
const SLOT_WORDS: &[&str] = &[
    "slot", "option", "opt", "choice", "number", "num", "opcion", "numero",
];
/// Words allowed around a bare choice. Anything else means the number is part of a sentence
/// ("I have 2 questions") and is not an answer.
#[rustfmt::skip]
const CHOICE_CONTEXT: &[&str] = &[
    "the", "one", "is", "it", "works", "work", "good", "fine", "great", "perfect", "best", "ok",
    "okay", "yes", "yeah", "yep", "sure", "please", "pls", "thanks", "thx", "for", "me", "i",
    "ill", "id", "like", "take", "pick", "choose", "go", "with", "lets", "let", "do", "can",
    "want", "prefer", "sounds", "that", "would", "be", "how", "about", "star", "stars", "el",
    "la", "si", "gracias", "or", "and", "either", "maybe", "give", "a", "rate", "rating",
    "better", "time", "window", THUMBS_UP,
];
const ORDINAL_WORDS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("primero", 1),
    ("primera", 1),
    ("segundo", 2),
    ("segunda", 2),
    ("tercero", 3),
    ("tercera", 3),
];
/// Spelled numbers count only after a slot word or alone: "one" is too common otherwise.
const CARDINAL_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("uno", 1),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
];

fn number(ctx: &Ctx) -> Option<Intent> {
    // "TIME 2" is the start of a proposal, however incomplete.
    if ctx.core.first().is_some_and(|&i| ctx.norm(i) == "time") {
        return None;
    }
    // "⭐⭐⭐⭐⭐": as many stars as the rating.
    if ctx
        .core
        .iter()
        .all(|&i| ["star", "stars"].contains(&ctx.norm(i)))
    {
        let stars = u32::try_from(ctx.core.len()).ok()?;
        return (1..=10).contains(&stars).then_some(Intent::Number(stars));
    }
    let alone = ctx.core.len() == 1;
    let mut values: Vec<u32> = Vec::new();
    for (pos, &i) in ctx.core.iter().enumerate() {
        let norm = ctx.norm(i);
        let after_slot = pos > 0 && SLOT_WORDS.contains(&ctx.norm(ctx.core[pos - 1]));
        let rating = alone || ["star", "stars"].contains(&ctx.norm(i + 1));
        // "I can do it for 850" is a price, not a choice.
        let priced = pos > 0 && ["for", "$"].contains(&ctx.norm(ctx.core[pos - 1]));
        if let Some(v) = choice_value(norm, alone || after_slot, rating) {
            if priced {
                return None;
            }
            if !values.contains(&v) {
                values.push(v);
            }
        } else if !SLOT_WORDS.contains(&norm) && !CHOICE_CONTEXT.contains(&norm) {
            return None;
        }
    }
    match values.as_slice() {
        [] => None,
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

/// Words naming the first or the last of the offered slots by their place in time.
#[rustfmt::skip]
const FIRST_PLACE: &[&str] = &["earlier", "earliest", "soonest", "sooner"];
#[rustfmt::skip]
const LAST_PLACE: &[&str] = &["last", "later", "latest", "ultima", "ultimo"];
/// Words that make a place word a choice: "the later one", "la última", "last slot".
#[rustfmt::skip]
const PLACE_NOUNS: &[&str] = &[
    "one", "slot", "option", "time", "window", "the", "la", "el", "una", "uno", "opcion",
];

/// "The earlier one" is slot 1 whatever the count; "the later one" is the last slot, which only
/// the work order knows, hence [`Intent::LastSlot`].
fn slot_by_place(ctx: &Ctx) -> Option<Intent> {
    let words: Vec<&str> = ctx.core.iter().map(|&i| ctx.norm(i)).collect();
    let first = words.iter().filter(|w| FIRST_PLACE.contains(w)).count();
    let last = words.iter().filter(|w| LAST_PLACE.contains(w)).count();
    let fits = words.iter().all(|w| {
        FIRST_PLACE.contains(w)
            || LAST_PLACE.contains(w)
            || SLOT_WORDS.contains(w)
            || CHOICE_CONTEXT.contains(w)
            || PLACE_NOUNS.contains(w)
    });
    if !fits || !words.iter().any(|w| PLACE_NOUNS.contains(w)) {
        return None;
    }
    match (first, last) {
        (1, 0) => Some(Intent::Number(1)),
        (0, 1) => Some(Intent::LastSlot),
        _ => None,
    }
}

/// A tenant's rating followed by a comment: "5! very fast", "3 - he was late", "2, still kind of
/// leaking", "5 stars, great job", "5/5 would recommend". The score opens the message and ends
/// its clause, and no other number or time follows.
fn rating_with_comment(ctx: &Ctx) -> Option<Intent> {
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
    if ["star", "stars"].contains(&ctx.norm(end + 1)) {
        end += 1;
    }
    let closed = ends_clause(&ctx.tokens[end].raw)
        || ctx.tokens.get(end + 1).is_some_and(|t| t.norm.is_empty());
    if !(scored || closed) {
        return None;
    }
    let more_numbers = ctx.tokens[end + 1..]
        .iter()
        .any(|t| t.norm.bytes().any(|b| b.is_ascii_digit()));
    let times_after = find_times(ctx).iter().any(|t| t.start > end);
    (!more_numbers && !times_after).then_some(Intent::Number(value))
}

/// The number a word names: `2`, `#2`, `2nd`, `second`; spelled cardinals only when
/// `cardinal_ok`; a score like `4/5` or `9/10` only when `rating_ok`, because otherwise it is a
/// date.
fn choice_value(norm: &str, cardinal_ok: bool, rating_ok: bool) -> Option<u32> {
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
    let cardinals: &[(&str, u32)] = if cardinal_ok { CARDINAL_WORDS } else { &[] };
    ORDINAL_WORDS
        .iter()
        .chain(cardinals)
        .find(|(w, _)| *w == norm)
        .map(|(_, v)| *v)
}

// ---------------------------------------------------------------------------------------------
// Money

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoneyKind {
    Estimate,
    Invoice,
}

impl MoneyKind {
    fn noun(self) -> &'static str {
        match self {
            MoneyKind::Estimate => "estimate",
            MoneyKind::Invoice => "invoice",
        }
    }
    fn keyword(self) -> &'static str {
        match self {
            MoneyKind::Estimate => "ESTIMATE",
            MoneyKind::Invoice => "INVOICE",
        }
    }
    fn ask_amount(self) -> String {
        format!(
            "What is the {} amount in dollars? Reply e.g. {} 850",
            self.noun(),
            self.keyword()
        )
    }
}

/// How a money-looking word reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Amount {
    /// A well-formed amount; `formatted` when written with a thousands comma or cents.
    Exact { cents: u64, formatted: bool },
    /// `1.150`: a European thousands separator or a decimal point? (`as_decimal` is `None` when
    /// the decimal reading is not whole cents, as in `1.155`).
    DotThousands {
        as_thousands: u64,
        as_decimal: Option<u64>,
    },
    /// Digits and separators that make no amount (`1,15`, `1.2.3`, too large).
    Malformed,
}

/// Reads `1150`, `$1,150`, `1,150.00`, `$385.5`, `850$`. Returns the reading and whether a
/// dollar sign was attached; `None` when the word is not money-shaped at all.
fn parse_amount(norm: &str) -> Option<(Amount, bool)> {
    let (s, dollar) = match norm.strip_prefix('$').or_else(|| norm.strip_suffix('$')) {
        Some(rest) => (rest, true),
        None => (norm, false),
    };
    if !s.starts_with(|c: char| c.is_ascii_digit())
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let formatted = s.contains([',', '.']);
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let Some(dollars) = parse_grouped(int_part) else {
        return Some((Amount::Malformed, dollar));
    };
    let cents = |extra: u64| dollars.checked_mul(100).and_then(|c| c.checked_add(extra));
    let amount = match frac {
        None | Some("") => cents(0).map(|cents| Amount::Exact { cents, formatted }),
        Some(f) if f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()) => {
            // "385.5" is 385 dollars 50 cents.
            let extra: u64 = f
                .parse()
                .ok()
                .map(|v: u64| if f.len() == 1 { v * 10 } else { v })?;
            cents(extra).map(|cents| Amount::Exact { cents, formatted })
        }
        Some(f)
            if f.len() == 3 && f.bytes().all(|b| b.is_ascii_digit()) && !int_part.contains(',') =>
        {
            let f_val: u64 = f.parse().ok()?;
            let as_thousands = dollars
                .checked_mul(1000)
                .and_then(|d| d.checked_add(f_val))
                .and_then(|d| d.checked_mul(100));
            let as_decimal = f_val
                .is_multiple_of(10)
                .then(|| cents(f_val / 10))
                .flatten();
            as_thousands.map(|as_thousands| Amount::DotThousands {
                as_thousands,
                as_decimal,
            })
        }
        Some(_) => None,
    };
    Some((amount.unwrap_or(Amount::Malformed), dollar))
}

/// Whole dollars, with commas accepted only as thousands separators (a comma followed by
/// exactly three digits).
fn parse_grouped(int_part: &str) -> Option<u64> {
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    let first_ok = !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && (!int_part.contains(',') || first.len() <= 3);
    if !first_ok {
        return None;
    }
    let mut value: u64 = first.parse().ok()?;
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value = value.checked_mul(1000)?.checked_add(g.parse().ok()?)?;
    }
    Some(value)
}

/// `385` for whole dollars, `385.50` otherwise: how a vendor would type the amount back.
fn plain_amount(cents: u64) -> String {
    if cents.is_multiple_of(100) {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

#[derive(Debug, Clone, Copy)]
struct AmountSeen {
    idx: usize,
    amount: Amount,
    dollar: bool,
}

fn amount_at(ctx: &Ctx, i: usize) -> Option<AmountSeen> {
    let (amount, sign) = parse_amount(ctx.norm(i))?;
    let dollar =
        sign || (i > 0 && ctx.norm(i - 1) == "$") || CURRENCY_WORDS.contains(&ctx.norm(i + 1));
    Some(AmountSeen {
        idx: i,
        amount,
        dollar,
    })
}

/// `800-1200`, `$800-$1,200`: two amounts in one word.
fn amount_range_at(ctx: &Ctx, i: usize) -> Option<[AmountSeen; 2]> {
    let (low, high) = ctx.norm(i).split_once('-')?;
    let seen = |norm: &str| {
        parse_amount(norm).map(|(amount, dollar)| AmountSeen {
            idx: i,
            amount,
            dollar,
        })
    };
    Some([seen(low)?, seen(high)?])
}

fn money(ctx: &Ctx) -> Option<Intent> {
    let mut keywords: Vec<(Match, MoneyKind)> = ctx
        .matches
        .iter()
        .filter_map(|m| match m.kw {
            Kw::Estimate if !is_time_zone(ctx, m) => Some((*m, MoneyKind::Estimate)),
            Kw::Invoice => Some((*m, MoneyKind::Invoice)),
            _ => None,
        })
        .collect();
    // "INV-1042 total $275": an invoice number says it is an invoice, and is its reference.
    // After an invoice keyword it is only the reference ("invoice INV-88 $99.99").
    let numbered: Vec<usize> = (0..ctx.tokens.len())
        .filter(|&i| is_invoice_number(ctx.norm(i)))
        .filter(|&i| {
            !keywords
                .iter()
                .any(|(m, kind)| *kind == MoneyKind::Invoice && m.start < i)
        })
        .collect();
    keywords.extend(numbered.iter().map(|&i| {
        let m = Match {
            kw: Kw::Invoice,
            start: i,
            end: i + 1,
        };
        (m, MoneyKind::Invoice)
    }));
    keywords.sort_by_key(|(m, _)| m.start);
    for (n, (m, kind)) in keywords.iter().enumerate() {
        let stop = keywords
            .get(n + 1)
            .map_or(ctx.tokens.len(), |(next, _)| next.start);
        if let Some(intent) = read_money(ctx, m, stop, *kind) {
            return Some(match intent {
                Intent::Invoice {
                    amount,
                    reference: None,
                } if numbered.contains(&m.start) => Intent::Invoice {
                    amount,
                    reference: Some(clean_reference(&ctx.tokens[m.start].raw)),
                },
                other => other,
            });
        }
        // "done, invoice to follow" mentions money without stating any: only a message that
        // opens with the keyword is asking to record one.
        if ctx.core.first() == Some(&m.start) {
            return Some(unclear(kind.ask_amount()));
        }
    }
    None
}

/// `inv-1042`, `inv#88`, `inv2231`: an invoice number with its prefix.
fn is_invoice_number(norm: &str) -> bool {
    norm.strip_prefix("inv").is_some_and(|rest| {
        let rest = rest.trim_start_matches(['-', '#']);
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// `10am EST` is a time zone, not an estimate.
fn is_time_zone(ctx: &Ctx, m: &Match) -> bool {
    let prev = if m.start > 0 {
        ctx.norm(m.start - 1)
    } else {
        ""
    };
    ctx.norm(m.start) == "est"
        && (prev.ends_with("am") || prev.ends_with("pm") || prev.contains(':'))
}

fn is_amount_joiner(t: &Token) -> bool {
    t.norm.is_empty()
        || ["or", "to", "and", "maybe", "plus", "between", "then"].contains(&t.norm.as_str())
}

/// A vendor's own invoice number: letters and digits mixed (`A-77`, `INV2231`).
fn looks_like_reference(norm: &str) -> bool {
    norm.bytes().any(|b| b.is_ascii_digit())
        && norm.bytes().any(|b| b.is_ascii_alphabetic())
        && norm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        && parse_window(norm).is_none()
}

fn clean_reference(raw: &str) -> String {
    raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// Reads the amount stated after (or, failing that, right before) a money keyword.
fn read_money(ctx: &Ctx, m: &Match, stop: usize, kind: MoneyKind) -> Option<Intent> {
    let mut seen: Vec<AmountSeen> = Vec::new();
    // References, and whether the writing makes them one for sure (`#2231`, `ref 2231`).
    let mut refs: Vec<(usize, bool)> = Vec::new();
    let mut skipped: Vec<usize> = Vec::new();
    for i in m.end..stop {
        let norm = ctx.norm(i);
        if norm == "$" || CURRENCY_WORDS.contains(&norm) || REFERENCE_MARKERS.contains(&norm) {
            skipped.push(i);
        } else if (norm.len() > 1 && norm.starts_with('#'))
            || (i > m.end && REFERENCE_MARKERS.contains(&ctx.norm(i - 1)))
        {
            refs.push((i, true));
        } else if let Some(a) = amount_at(ctx, i) {
            // "2 grand", "1.5 k", "3 mil": a round figure, never the exact amount.
            if MULTIPLIERS.contains(&ctx.norm(i + 1)) {
                seen.push(AmountSeen {
                    amount: Amount::Malformed,
                    ..a
                });
            } else {
                seen.push(a);
            }
        } else if let Some(range) = amount_range_at(ctx, i) {
            seen.extend(range);
        } else if kind == MoneyKind::Invoice && looks_like_reference(norm) {
            refs.push((i, false));
        }
    }

    // A dollar sign marks the amount for sure; then other numbers are references or details.
    // Without one, the amount is the first number, plus any offered next to it or joined to
    // the text by "or", "+", "to"… ("800 or 1200", "600 parts + 250 labor"), or written like
    // money ("1.5"). "to replace 2 valves" is a detail.
    let picked: Vec<AmountSeen> = if seen.iter().any(|a| a.dollar) {
        seen.iter().filter(|a| a.dollar).copied().collect()
    } else {
        let mut picked: Vec<AmountSeen> = Vec::new();
        for a in &seen {
            let joined = picked.last().is_some_and(|p| a.idx <= p.idx + 1)
                || (a.idx > 0 && is_amount_joiner(&ctx.tokens[a.idx - 1]));
            let formatted = matches!(
                a.amount,
                Amount::Exact {
                    formatted: true,
                    ..
                } | Amount::DotThousands { .. }
                    | Amount::Malformed
            );
            if picked.is_empty() || joined || formatted {
                picked.push(*a);
            }
        }
        picked
    };
    let picked = if picked.is_empty() {
        // "850 estimate", "$850 quote"
        m.start
            .checked_sub(1)
            .and_then(|i| amount_at(ctx, i))
            .into_iter()
            .collect()
    } else {
        picked
    };

    let mut exact: Vec<u64> = Vec::new();
    for a in &picked {
        match a.amount {
            Amount::DotThousands {
                as_thousands,
                as_decimal,
            } => {
                let question = match as_decimal {
                    Some(dec) => format!(
                        "Did you mean {} or {}? Reply e.g. {} {}",
                        Money(as_thousands),
                        Money(dec),
                        kind.keyword(),
                        plain_amount(as_thousands)
                    ),
                    None => format!(
                        "Did you mean {}? Reply e.g. {} {}",
                        Money(as_thousands),
                        kind.keyword(),
                        plain_amount(as_thousands)
                    ),
                };
                return Some(unclear(question));
            }
            Amount::Malformed => return Some(unclear(kind.ask_amount())),
            Amount::Exact { cents, .. } => {
                if !exact.contains(&cents) {
                    exact.push(cents);
                }
            }
        }
    }
    let amount = match exact.as_slice() {
        [] => return None,
        [cents] => Money(*cents),
        [a, b, ..] => {
            return Some(unclear(format!(
                "Which is the {} total: {} or {}? Reply with one amount, e.g. {} 850",
                kind.noun(),
                Money(*a),
                Money(*b),
                kind.keyword()
            )));
        }
    };
    let amount_idx = picked.first().map_or(m.end, |a| a.idx);

    match kind {
        MoneyKind::Invoice => {
            // '#'-numbers anywhere are references; other candidates only before the amount, so
            // "invoice $385 for 2nd visit" has none.
            let reference = refs
                .iter()
                .find(|&&(i, certain)| certain || i < amount_idx)
                .map(|&(i, _)| i)
                .or_else(|| {
                    seen.iter()
                        .find(|a| !a.dollar && a.idx < amount_idx && a.idx >= m.end)
                        .map(|a| a.idx)
                })
                .map(|i| clean_reference(&ctx.tokens[i].raw))
                .filter(|r| !r.is_empty());
            Some(Intent::Invoice { amount, reference })
        }
        MoneyKind::Estimate => {
            let used: Vec<usize> = picked.iter().map(|a| a.idx).collect();
            let note_idxs: Vec<usize> = (m.end..stop)
                .filter(|i| {
                    !used.contains(i) && !refs.iter().any(|(r, _)| r == i) && !skipped.contains(i)
                })
                .collect();
            let before_end = if used.first().is_some_and(|&u| u < m.start) {
                m.start - 1
            } else {
                m.start
            };
            let before_idxs: Vec<usize> = (0..before_end).filter(|&i| ctx.norm(i) != "$").collect();
            let note = ctx
                .compose(&note_idxs, MONEY_LINKS, MONEY_LINKS)
                .or_else(|| ctx.compose(&before_idxs, MONEY_LINKS, MONEY_LINKS));
            Some(Intent::Estimate { amount, note })
        }
    }
}

/// A dollar amount with no keyword: money is never filed under a guessed kind.
fn amount_without_keyword(ctx: &Ctx) -> Option<Intent> {
    let found = (0..ctx.tokens.len()).find_map(|i| match amount_at(ctx, i) {
        Some(AmountSeen {
            amount: Amount::Exact { cents, .. },
            dollar: true,
            ..
        }) => Some((i, cents)),
        _ => None,
    });
    let Some((at, cents)) = found else {
        // "around 2-3k": money for sure, but neither its kind nor its amount.
        return (0..ctx.tokens.len())
            .any(|i| is_round_thousands(ctx.norm(i)))
            .then(|| {
                unclear("What is the exact amount, and is it an estimate or an invoice? Reply e.g. ESTIMATE 2500")
            });
    };
    // "$450 to replace the water heater element": a price for work still to do.
    if ["to", "para"].contains(&ctx.norm(at + 1)) && PURPOSE_VERBS.contains(&ctx.norm(at + 2)) {
        let rest: Vec<usize> = (at + 2..ctx.tokens.len()).collect();
        return Some(Intent::Estimate {
            amount: Money(cents),
            note: ctx.compose(&rest, MONEY_LINKS, MONEY_LINKS),
        });
    }
    Some(unclear(format!(
        "Is {} an estimate or an invoice? Reply ESTIMATE {} or INVOICE {}",
        Money(cents),
        plain_amount(cents),
        plain_amount(cents)
    )))
}

/// `3k`, `2-3k`, `1.5k`: thousands written the short way.
fn is_round_thousands(norm: &str) -> bool {
    norm.strip_suffix('k').is_some_and(|n| {
        n.starts_with(|c: char| c.is_ascii_digit())
            && n.bytes().all(|b| b.is_ascii_digit() || b"-.,".contains(&b))
    })
}

// ---------------------------------------------------------------------------------------------
// Delays

#[rustfmt::skip]
const MINUTE_UNITS: &[&str] = &[
    "minutes", "minute", "minutos", "minuto", "mins", "min", "mn", "m",
];
#[rustfmt::skip]
const HOUR_UNITS: &[&str] = &["hours", "hour", "horas", "hora", "hrs", "hr", "h"];
/// Words after which a bare number is a delay in minutes (`late 20`, `in 15`, `eta 10`).
#[rustfmt::skip]
const DELAY_LEADS: &[&str] = &[
    "in", "eta", "late", "like", "about", "around", "bout", "running", "en",
];
/// Longest first: "an hour and a half" before "an hour".
const DURATION_PHRASES: &[(&str, u32)] = &[
    ("an hour and a half", 90),
    ("hour and a half", 90),
    ("una hora y media", 90),
    ("hora y media", 90),
    ("half hour", 30),
    ("half an hour", 30),
    ("half hr", 30),
    ("media hora", 30),
    ("an hour", 60),
    ("one hour", 60),
    ("una hora", 60),
];

/// A number of tenths (`1.5` → 15) so that `1.5 hours` needs no floating point; a range (`15-20`)
/// reads as its upper bound, since a tenant would rather wait less than expected than more.
fn tenths(s: &str) -> Option<u32> {
    let part = |p: &str| -> Option<u32> {
        let (whole, frac) = p.split_once('.').unwrap_or((p, "0"));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() != 1
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        whole
            .parse::<u32>()
            .ok()?
            .checked_mul(10)?
            .checked_add(frac.parse().ok()?)
    };
    match s.split_once('-') {
        Some((low, high)) => {
            part(low)?;
            part(high)
        }
        None => part(s),
    }
}

fn minutes_mentioned(ctx: &Ctx) -> Option<u32> {
    let from_unit = |t: u32, unit: &str| -> Option<u32> {
        if MINUTE_UNITS.contains(&unit) {
            Some(t / 10)
        } else if HOUR_UNITS.contains(&unit) {
            t.checked_mul(6)
        } else {
            None
        }
    };
    for i in 0..ctx.tokens.len() {
        let norm = ctx.norm(i);
        // "20min", "1hr"
        for unit in MINUTE_UNITS.iter().chain(HOUR_UNITS) {
            if let Some(q) = norm.strip_suffix(unit).and_then(tenths) {
                return from_unit(q, unit);
            }
        }
        if let Some(q) = tenths(norm) {
            if let Some(m) = from_unit(q, ctx.norm(i + 1)) {
                return Some(m);
            }
            if i > 0 && DELAY_LEADS.contains(&ctx.norm(i - 1)) && q % 10 == 0 {
                return Some(q / 10);
            }
        }
        for (phrase, minutes) in DURATION_PHRASES {
            if phrase_end(&ctx.tokens, i, phrase).is_some() {
                return Some(*minutes);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Dates and times

const DEFAULT_VISIT_MINUTES: u32 = 120;
const LAST_MINUTE_OF_DAY: u32 = 23 * 60 + 59;

#[rustfmt::skip]
const TODAY_WORDS: &[&str] = &["today", "tonight", "hoy"];
#[rustfmt::skip]
const TOMORROW_WORDS: &[&str] = &[
    "tomorrow", "tmrw", "tmr", "tmrw", "tomorow", "tommorow", "tommorrow", "2morrow", "manana",
];
#[rustfmt::skip]
const DAY_AFTER_TOMORROW: &[&str] = &["day after tomorrow", "pasado manana"];
const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Mon),
    ("mon", Weekday::Mon),
    ("lunes", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("tues", Weekday::Tue),
    ("tue", Weekday::Tue),
    ("martes", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("weds", Weekday::Wed),
    ("wed", Weekday::Wed),
    ("miercoles", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("thurs", Weekday::Thu),
    ("thur", Weekday::Thu),
    ("thu", Weekday::Thu),
    ("jueves", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("fri", Weekday::Fri),
    ("viernes", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sat", Weekday::Sat),
    ("sabado", Weekday::Sat),
    ("sunday", Weekday::Sun),
    ("sun", Weekday::Sun),
    ("domingo", Weekday::Sun),
];
/// Before a weekday: `next friday` skips today even if it is Friday.
#[rustfmt::skip]
const WEEKDAY_NEXT: &[&str] = &["next", "proximo", "proxima"];
#[rustfmt::skip]
const WEEKDAY_THIS: &[&str] = &["this", "el", "este", "on"];
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("may", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
];
/// Words that make a bare hour a time (`at 2`).
#[rustfmt::skip]
const AT_WORDS: &[&str] = &["at", "around", "las"];
/// Words that make a bare range a time window (`from 9 to 11`).
#[rustfmt::skip]
const RANGE_OPENERS: &[&str] = &["from", "between", "at", "de", "desde", "entre"];
/// Words that may sit inside a written time (`9 to 11`, `10 am`).
#[rustfmt::skip]
const TIME_WORDS: &[&str] = &[
    "am", "pm", "a.m", "p.m", "noon", "midnight", "mediodia", "to", "till", "til", "until",
    "thru", "through", "oclock",
];
const SHORT_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Fri Mar 13`: how questions name a date.
fn short_date(d: NaiveDate) -> String {
    let wd = SHORT_WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    let month = SHORT_MONTHS[d.month0() as usize];
    format!("{wd} {month} {}", d.day())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateIssue {
    /// No such day (`2/30`).
    Invalid,
    /// Written with a year, and already over.
    Past,
}

#[derive(Debug, Clone, Copy)]
struct DateHit {
    start: usize,
    end: usize,
    value: Result<NaiveDate, DateIssue>,
    /// Set when the date was named only by its weekday, to check it against an explicit date.
    weekday: Option<Weekday>,
}

fn find_dates(ctx: &Ctx) -> Vec<DateHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < ctx.tokens.len() {
        match date_at(ctx, i) {
            Some(hit) => {
                i = hit.end;
                hits.push(hit);
            }
            None => i += 1,
        }
    }
    hits
}

fn plus_days(today: NaiveDate, days: u64) -> Result<NaiveDate, DateIssue> {
    today
        .checked_add_days(Days::new(days))
        .ok_or(DateIssue::Invalid)
}

fn date_at(ctx: &Ctx, i: usize) -> Option<DateHit> {
    let today = ctx.today;
    let norm = ctx.norm(i);
    let hit = |end: usize, value: Result<NaiveDate, DateIssue>| DateHit {
        start: i,
        end,
        value,
        weekday: None,
    };
    if let Some(end) = DAY_AFTER_TOMORROW
        .iter()
        .find_map(|p| phrase_end(&ctx.tokens, i, p))
    {
        return Some(hit(end, plus_days(today, 2)));
    }
    if TODAY_WORDS.contains(&norm) {
        return Some(hit(i + 1, Ok(today)));
    }
    if TOMORROW_WORDS.contains(&norm) {
        return Some(hit(i + 1, plus_days(today, 1)));
    }
    let (strict, wd_at) = if WEEKDAY_NEXT.contains(&norm) {
        (true, i + 1)
    } else if WEEKDAY_THIS.contains(&norm) {
        (false, i + 1)
    } else {
        (false, i)
    };
    if let Some((_, wd)) = WEEKDAYS.iter().find(|(w, _)| *w == ctx.norm(wd_at)) {
        let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if strict && ahead == 0 { 7 } else { ahead };
        return Some(DateHit {
            start: i,
            end: wd_at + 1,
            value: plus_days(today, u64::from(ahead)),
            weekday: Some(*wd),
        });
    }
    if let Some(value) = numeric_date(norm, today) {
        return Some(hit(i + 1, value));
    }
    // "thursday the 19th": a day of this month, or of the next when it has passed.
    if norm == "the"
        && let Some(day) = ordinal_day(ctx.norm(i + 1))
    {
        return Some(hit(i + 2, coming_day_of_month(day, today)));
    }
    if let Some((_, month)) = MONTHS.iter().find(|(m, _)| *m == norm) {
        let day = day_of_month(ctx.norm(i + 1))?;
        let year = ctx.norm(i + 2);
        if year.len() == 4
            && let Ok(year) = year.parse::<i32>()
        {
            return Some(hit(i + 3, explicit_date(year, *month, day, today)));
        }
        return Some(hit(i + 2, implied_year(*month, day, today)));
    }
    None
}

/// `14`, `14th`, `2nd`.
fn day_of_month(norm: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| norm.strip_suffix(s))
        .unwrap_or(norm);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `19th`, `2nd`: a day of the month written as an ordinal (the suffix is required, so that
/// "the 2 of them" is no date).
fn ordinal_day(norm: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| norm.strip_suffix(s))?;
    day_of_month(digits).filter(|d| (1..=31).contains(d))
}

/// The next date on or after today that falls on `day` of its month.
fn coming_day_of_month(day: u32, today: NaiveDate) -> Result<NaiveDate, DateIssue> {
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..3 {
        if let Some(d) = NaiveDate::from_ymd_opt(year, month, day)
            && d >= today
        {
            return Ok(d);
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    Err(DateIssue::Invalid)
}

/// `3/14`, `3/14/26`, `3/14/2026` (US order, as the product serves US property managers).
fn numeric_date(norm: &str, today: NaiveDate) -> Option<Result<NaiveDate, DateIssue>> {
    let parts: Vec<&str> = norm.split('/').collect();
    let numeric = |s: &str, max_len: usize| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [m, d] if numeric(m, 2) && numeric(d, 2) => {
            Some(implied_year(m.parse().ok()?, d.parse().ok()?, today))
        }
        [m, d, y]
            if numeric(m, 2)
                && numeric(d, 2)
                && (y.len() == 2 || y.len() == 4)
                && numeric(y, 4) =>
        {
            let y: i32 = y.parse().ok()?;
            let year = if y < 100 { 2000 + y } else { y };
            Some(explicit_date(year, m.parse().ok()?, d.parse().ok()?, today))
        }
        _ => None,
    }
}

/// A date written without a year is the next one on or after today (Feb 29 waits for a leap
/// year).
fn implied_year(month: u32, day: u32, today: NaiveDate) -> Result<NaiveDate, DateIssue> {
    (today.year()..=today.year() + 8)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d >= today)
        .ok_or(DateIssue::Invalid)
}

fn explicit_date(
    year: i32,
    month: u32,
    day: u32,
    today: NaiveDate,
) -> Result<NaiveDate, DateIssue> {
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(DateIssue::Invalid)?;
    if date < today {
        Err(DateIssue::Past)
    } else {
        Ok(date)
    }
}

enum DateOutcome {
    Absent,
    Found(NaiveDate),
    Ask(String),
}

const DATE_EXAMPLE: &str = "Reply e.g. TIME 3/14 9-11AM";

fn date_outcome(hits: &[DateHit]) -> DateOutcome {
    if hits.is_empty() {
        return DateOutcome::Absent;
    }
    if hits.iter().any(|h| h.value == Err(DateIssue::Invalid)) {
        return DateOutcome::Ask(format!("Which date did you mean? {DATE_EXAMPLE}"));
    }
    if hits.iter().any(|h| h.value == Err(DateIssue::Past)) {
        return DateOutcome::Ask(format!(
            "That date has passed. Which date works? {DATE_EXAMPLE}"
        ));
    }
    let mut explicit: Vec<NaiveDate> = Vec::new();
    let mut by_weekday: Vec<NaiveDate> = Vec::new();
    for h in hits {
        if let Ok(d) = h.value {
            let list = if h.weekday.is_some() {
                &mut by_weekday
            } else {
                &mut explicit
            };
            if !list.contains(&d) {
                list.push(d);
            }
        }
    }
    let which_day = |a: NaiveDate, b: NaiveDate| {
        DateOutcome::Ask(format!(
            "Which day did you mean: {} or {}? {DATE_EXAMPLE}",
            short_date(a),
            short_date(b)
        ))
    };
    match (explicit.as_slice(), by_weekday.as_slice()) {
        ([a, b, ..], _) | ([], [a, b, ..]) => which_day(*a, *b),
        ([d], weekday_dates) => {
            // "fri 3/14" must name the same day twice; if not, one of them is a typo.
            let wanted: Vec<Weekday> = hits.iter().filter_map(|h| h.weekday).collect();
            match wanted
                .iter()
                .zip(weekday_dates)
                .find(|(wd, _)| **wd != d.weekday())
            {
                Some((_, by_name)) => DateOutcome::Ask(format!(
                    "Did you mean {} or {}? {DATE_EXAMPLE}",
                    short_date(*by_name),
                    short_date(*d)
                )),
                None => DateOutcome::Found(*d),
            }
        }
        ([], [d]) => DateOutcome::Found(*d),
        ([], []) => DateOutcome::Absent,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

/// One written clock time, before am/pm is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hour: u32,
    minute: u32,
    meridiem: Option<Meridiem>,
    colon: bool,
    leading_zero: bool,
}

impl Clock {
    /// Minutes after midnight when the writing settles it (am/pm, or 24-hour like `14:00`,
    /// `09:30`).
    fn explicit_minutes(self) -> Option<u32> {
        match self.meridiem {
            Some(m) => Some(self.in_meridiem(m)),
            None if self.hour == 0 || self.hour > 12 || self.leading_zero => {
                Some(self.hour * 60 + self.minute)
            }
            None => None,
        }
    }

    fn in_meridiem(self, m: Meridiem) -> u32 {
        let base = self.hour % 12;
        let hour = match m {
            Meridiem::Am => base,
            Meridiem::Pm => base + 12,
        };
        hour * 60 + self.minute
    }

    /// Trades work days: a bare 1–6 or 12 is afternoon, 7–11 is morning.
    fn working_hours(self) -> u32 {
        let m = if (7..=11).contains(&self.hour) {
            Meridiem::Am
        } else {
            Meridiem::Pm
        };
        self.in_meridiem(m)
    }
}

#[derive(Debug, Clone, Copy)]
struct TimeHit {
    start: usize,
    end: usize,
    from: Clock,
    to: Option<Clock>,
}

impl TimeHit {
    /// Written so that it cannot be anything but a time (`10am`, `9:30`).
    fn strong(&self) -> bool {
        std::iter::once(self.from)
            .chain(self.to)
            .any(|c| c.meridiem.is_some() || c.colon)
    }
}

fn parse_clock(s: &str) -> Option<(Clock, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let hour: u32 = s[..digits].parse().ok()?;
    let leading_zero = digits == 2 && s.starts_with('0');
    let mut rest = &s[digits..];
    let mut minute = 0;
    let mut colon = false;
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            return None;
        }
        minute = r[..2].parse().ok()?;
        rest = &r[2..];
        colon = true;
    }
    let mut meridiem = None;
    for (text, m) in [
        ("a.m.", Meridiem::Am),
        ("p.m.", Meridiem::Pm),
        ("a.m", Meridiem::Am),
        ("p.m", Meridiem::Pm),
        ("am", Meridiem::Am),
        ("pm", Meridiem::Pm),
        ("a", Meridiem::Am),
        ("p", Meridiem::Pm),
    ] {
        if let Some(r) = rest.strip_prefix(text) {
            meridiem = Some(m);
            rest = r;
            break;
        }
    }
    let valid_hour = match meridiem {
        Some(_) => (1..=12).contains(&hour),
        None => hour <= 23,
    };
    (valid_hour && minute < 60).then_some((
        Clock {
            hour,
            minute,
            meridiem,
            colon,
            leading_zero,
        },
        rest,
    ))
}

/// `10am`, `9-11am`, `2pm-4pm`, `9:30-11`.
fn parse_window(s: &str) -> Option<(Clock, Option<Clock>)> {
    let (from, rest) = parse_clock(s)?;
    if rest.is_empty() {
        return Some((from, None));
    }
    let (to, rest) = parse_clock(rest.strip_prefix('-')?)?;
    rest.is_empty().then_some((from, Some(to)))
}

/// Settles am/pm and the end: `9-11am` is all morning, `11-1` runs to 1pm, `8-5` to 5pm; no end
/// means a two-hour visit. `None` when the window would not end after it starts.
fn resolve_window(from: Clock, to: Option<Clock>) -> Option<(NaiveTime, NaiveTime)> {
    let to_explicit = to.and_then(Clock::explicit_minutes);
    let start = match (
        from.explicit_minutes(),
        to.and_then(|t| t.meridiem),
        to_explicit,
    ) {
        (Some(s), _, _) => s,
        (None, Some(m), Some(end)) => {
            let same = from.in_meridiem(m);
            if same < end {
                same
            } else {
                from.in_meridiem(Meridiem::Am)
            }
        }
        _ => from.working_hours(),
    };
    let end = match to {
        None => (start + DEFAULT_VISIT_MINUTES).min(LAST_MINUTE_OF_DAY),
        Some(t) => to_explicit.unwrap_or_else(|| {
            [t.in_meridiem(Meridiem::Am), t.in_meridiem(Meridiem::Pm)]
                .into_iter()
                .find(|&e| e > start)
                .unwrap_or(start)
        }),
    };
    if end <= start {
        return None;
    }
    let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0);
    Some((time(start)?, time(end)?))
}

/// `9AM`, `9:30AM`, `12PM`.
fn short_time(t: NaiveTime) -> String {
    use chrono::Timelike;
    let (pm, hour) = t.hour12();
    let suffix = if pm { "PM" } else { "AM" };
    if t.minute() == 0 {
        format!("{hour}{suffix}")
    } else {
        format!("{hour}:{:02}{suffix}", t.minute())
    }
}

fn is_time_piece(ctx: &Ctx, i: usize, region_start: usize) -> bool {
    let t = &ctx.tokens[i];
    let norm = t.norm.as_str();
    let opener = region_start
        .checked_sub(1)
        .map_or("", |p| ctx.tokens[p].norm.as_str());
    // "between 9 and 11", "entre 9 y 11", "de 8 a 12".
    let joins = match opener {
        "between" => &["and"][..],
        "entre" => &["y"][..],
        "de" | "desde" => &["a", "hasta"][..],
        _ => &[][..],
    };
    (norm.bytes().any(|b| b.is_ascii_digit())
        && norm
            .chars()
            .all(|c| c.is_ascii_digit() || ":-.apm".contains(c)))
        || TIME_WORDS.contains(&norm)
        || t.raw == "-"
        || joins.contains(&norm)
}

fn starts_time(norm: &str) -> bool {
    norm.starts_with(|c: char| c.is_ascii_digit())
        && norm
            .chars()
            .all(|c| c.is_ascii_digit() || ":-.apm".contains(c))
        || ["noon", "midnight", "mediodia"].contains(&norm)
}

fn window_text(ctx: &Ctx, from: usize, to: usize) -> String {
    (from..to)
        .map(|i| match ctx.norm(i) {
            "" | "to" | "till" | "til" | "until" | "thru" | "through" | "and" | "y" | "a"
            | "hasta" => "-",
            "noon" | "mediodia" => "12pm",
            "midnight" => "12am",
            "oclock" => "",
            other => other,
        })
        .collect()
}

fn find_times(ctx: &Ctx) -> Vec<TimeHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < ctx.tokens.len() {
        if starts_time(ctx.norm(i)) {
            let mut end = i + 1;
            while end < ctx.tokens.len() && end - i < 6 && is_time_piece(ctx, end, i) {
                end += 1;
            }
            let found = (i + 1..=end)
                .rev()
                .find_map(|e| parse_window(&window_text(ctx, i, e)).map(|w| (e, w)));
            if let Some((e, (from, to))) = found {
                hits.push(TimeHit {
                    start: i,
                    end: e,
                    from,
                    to,
                });
                i = e;
                continue;
            }
        }
        i += 1;
    }
    hits
}

/// Keeps the times that are meant as times: `10am` always; `2` only as `at 2` or right after a
/// date; `9-11` with a date, after `from`/`between`, or with an offer word (`can do 9-11`).
fn usable_times(ctx: &Ctx, dates: &[DateHit]) -> Vec<TimeHit> {
    let has_trigger = !ctx.phrase_starts(PROPOSE_TRIGGERS).is_empty()
        || !ctx.phrase_starts(PROPOSE_TRIGGERS_AFTER).is_empty();
    find_times(ctx)
        .into_iter()
        .filter(|h| {
            let prev_tok = h.start.checked_sub(1).map(|p| &ctx.tokens[p]);
            let prev = prev_tok.map_or("", |t| t.norm.as_str());
            let at = AT_WORDS.contains(&prev) || prev_tok.is_some_and(|t| t.raw == "@");
            let after_date = dates.iter().any(|d| d.end == h.start);
            h.strong()
                || at
                || after_date
                || (h.to.is_some()
                    && (!dates.is_empty() || has_trigger || RANGE_OPENERS.contains(&prev)))
        })
        .collect()
}

/// Where the offered time starts: anywhere without a refusal; after a refusal, at the first
/// offer word after it, since in "can't do today, how about tomorrow 2pm" today is the refused
/// day (or at the day and time just before an after-word, as in "no, monday 10am works").
/// `None` when a refusal has no counter-offer: "can't do tomorrow 2pm" refuses that time.
fn counter_offer_start(ctx: &Ctx) -> Option<usize> {
    let Some(last) = ctx
        .matches
        .iter()
        .filter(|m| m.kw == Kw::Decline)
        .map(|m| m.end)
        .max()
    else {
        return Some(0);
    };
    let spans: Vec<(usize, usize)> = find_dates(ctx)
        .iter()
        .map(|d| (d.start, d.end))
        .chain(find_times(ctx).iter().map(|t| (t.start, t.end)))
        .filter(|&(start, _)| start >= last)
        .collect();
    let before = ctx
        .phrase_starts(PROPOSE_TRIGGERS)
        .into_iter()
        .filter(|&s| s >= last);
    let after = ctx
        .phrase_starts(PROPOSE_TRIGGERS_AFTER)
        .into_iter()
        .filter(|&s| s >= last)
        .map(|s| {
            let mut from = s;
            while let Some(&(start, _)) = spans.iter().find(|&&(_, end)| end == from) {
                from = start;
            }
            from
        });
    before.chain(after).min()
}

fn propose(ctx: &Ctx) -> Option<Intent> {
    let from = counter_offer_start(ctx)?;
    let dates: Vec<DateHit> = find_dates(ctx)
        .into_iter()
        .filter(|d| d.start >= from)
        .collect();
    let times: Vec<TimeHit> = usable_times(ctx, &dates)
        .into_iter()
        .filter(|t| t.start >= from)
        .collect();
    if times.is_empty() {
        return None;
    }
    let date = match date_outcome(&dates) {
        DateOutcome::Absent => ctx.today,
        DateOutcome::Found(d) => d,
        DateOutcome::Ask(q) => return Some(unclear(q)),
    };
    let mut windows: Vec<(NaiveTime, NaiveTime, bool)> = Vec::new();
    for h in &times {
        let Some((start, end)) = resolve_window(h.from, h.to) else {
            return Some(unclear(format!(
                "What time window works? Reply e.g. TIME {} 9-11AM",
                SHORT_WEEKDAYS[date.weekday().num_days_from_monday() as usize].to_uppercase()
            )));
        };
        if !windows.iter().any(|&(s, e, _)| s == start && e == end) {
            windows.push((start, end, h.to.is_some()));
        }
    }
    match windows.as_slice() {
        [(start, end, _)] => Some(Intent::Propose {
            date,
            start: *start,
            end: *end,
        }),
        [a, b, ..] => {
            let show = |&(s, e, ranged): &(NaiveTime, NaiveTime, bool)| {
                if ranged {
                    format!("{}-{}", short_time(s), short_time(e))
                } else {
                    short_time(s)
                }
            };
            Some(unclear(format!(
                "Which time works on {}: {} or {}? Reply with one.",
                short_date(date),
                show(a),
                show(b)
            )))
        }
        [] => None,
    }
}

/// Words opening a question about the job rather than an offer of a day.
#[rustfmt::skip]
const QUESTION_WORDS: &[&str] = &[
    "is", "are", "when", "what", "who", "whos", "did", "does", "do", "how", "why", "where",
    "will", "cuando", "quien", "que", "viene", "vienen",
];

/// A day without a time ("can do friday", "I'll stop by tomorrow"): ask for the time. A question
/// about the visit ("is anyone coming tomorrow?") offers no day.
fn date_without_time(ctx: &Ctx) -> Option<Intent> {
    let asking = ctx
        .core
        .first()
        .is_some_and(|&i| QUESTION_WORDS.contains(&ctx.norm(i)))
        && ctx.tokens.iter().any(|t| t.raw.ends_with('?'));
    if asking {
        return None;
    }
    ask_time(&find_dates(ctx))
}

fn ask_time(dates: &[DateHit]) -> Option<Intent> {
    match date_outcome(dates) {
        DateOutcome::Absent => None,
        DateOutcome::Found(d) => Some(unclear(format!(
            "What time on {}? Reply e.g. TIME {} 9-11AM",
            short_date(d),
            SHORT_WEEKDAYS[d.weekday().num_days_from_monday() as usize].to_uppercase()
        ))),
        DateOutcome::Ask(q) => Some(unclear(q)),
    }
}

/// "TIME" with nothing usable after it: our own texts teach the keyword, so ask for the rest.
fn time_keyword_alone(ctx: &Ctx) -> Option<Intent> {
    let first = *ctx.core.first()?;
    (ctx.norm(first) == "time").then(|| unclear("What day and time? Reply e.g. TIME TUE 9-11AM"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    /// Tuesday 10 March 2026.
    fn today() -> NaiveDate {
        date(2026, 3, 10)
    }

    fn intent(text: &str) -> Intent {
        parse_reply(text, today()).intent
    }

    fn code(text: &str) -> Option<String> {
        parse_reply(text, today()).job_code.map(|c| c.to_string())
    }

    fn question(text: &str) -> String {
        match intent(text) {
            Intent::Unclear { question } => question,
            other => format!("NOT UNCLEAR: {other:?}"),
        }
    }

    fn proposal(d: NaiveDate, from: (u32, u32), to: (u32, u32)) -> Intent {
        Intent::Propose {
            date: d,
            start: time(from.0, from.1),
            end: time(to.0, to.1),
        }
    }

    fn done(notes: Option<&str>) -> Intent {
        Intent::Done {
            notes: notes.map(String::from),
        }
    }

    fn not_done(reason: Option<&str>) -> Intent {
        Intent::NotDone {
            reason: reason.map(String::from),
        }
    }

    fn decline(reason: Option<&str>) -> Intent {
        Intent::Decline {
            reason: reason.map(String::from),
        }
    }

    fn estimate(cents: u64, note: Option<&str>) -> Intent {
        Intent::Estimate {
            amount: Money(cents),
            note: note.map(String::from),
        }
    }

    fn invoice(cents: u64, reference: Option<&str>) -> Intent {
        Intent::Invoice {
            amount: Money(cents),
            reference: reference.map(String::from),
        }
    }

    fn late(minutes: Option<u32>) -> Intent {
        Intent::RunningLate { minutes }
    }

    fn assert_all(texts: &[&str], expected: &Intent) {
        for text in texts {
            assert_eq!(&intent(text), expected, "for {text:?}");
        }
    }

    // --- Accept / decline -------------------------------------------------------------------

    #[test]
    fn every_accept_phrasing_reads_as_accept() {
        assert_all(
            &[
                "yes",
                "y",
                "Y",
                "yep",
                "ok",
                "okay",
                "sure",
                "sure can",
                "sure thing",
                "accept",
                "i'll take it",
                "I’ll take it",
                "on it",
                "si",
                "sí",
                "Sí!",
                "👍",
                "👍🏽",
                "Yes!!!",
                "YES.",
                "yeah",
                "ok thanks",
                "no problem",
                "sounds good",
                "k",
            ],
            &Intent::Accept,
        );
    }

    #[test]
    fn yes_with_a_job_code_anywhere_accepts_and_extracts_the_code() {
        for text in [
            "YES KP27",
            "kp27 yes",
            "#KP27 yes",
            "Yes, KP27!",
            "yes (kp27)",
        ] {
            assert_eq!(intent(text), Intent::Accept, "for {text:?}");
            assert_eq!(code(text), Some("KP27".into()), "for {text:?}");
        }
    }

    #[test]
    fn a_reply_without_a_code_has_no_job_code() {
        assert_eq!(code("yes"), None);
        assert_eq!(code("yes 27"), None);
    }

    #[test]
    fn a_job_code_alone_is_unknown_but_still_extracted() {
        assert_eq!(intent("KP27"), Intent::Unknown);
        assert_eq!(code("KP27"), Some("KP27".into()));
    }

    #[test]
    fn greetings_thanks_and_noise_alone_are_unknown() {
        assert_all(
            &["thanks", "hi", "", "   ", "🎉", "Hello there", "..."],
            &Intent::Unknown,
        );
    }

    #[test]
    fn every_decline_phrasing_reads_as_a_decline_without_a_reason() {
        assert_all(
            &[
                "no",
                "n",
                "nope",
                "decline",
                "pass",
                "can't",
                "cant",
                "busy",
                "booked solid sorry",
                "no puedo",
                "NO.",
                "👎",
                "no thanks",
                "No thank you!",
                "KP27 no",
            ],
            &decline(None),
        );
    }

    #[test]
    fn a_decline_keeps_what_else_was_said_as_the_reason() {
        assert_eq!(
            intent("no, booked solid this week"),
            decline(Some("booked solid this week"))
        );
        assert_eq!(
            intent("Sorry can't, truck broke down"),
            decline(Some("truck broke down"))
        );
        assert_eq!(
            intent("truck broke down, sorry no"),
            decline(Some("truck broke down"))
        );
    }

    #[test]
    fn no_problem_is_an_accept_not_a_decline() {
        assert_eq!(intent("no problem"), Intent::Accept);
        assert_eq!(intent("No prob, KP27"), Intent::Accept);
    }

    #[test]
    fn pass_inside_a_sentence_is_not_a_decline() {
        assert_eq!(
            intent("I'll pass by tomorrow at 3pm"),
            proposal(date(2026, 3, 11), (15, 0), (17, 0))
        );
    }

    // --- Numbers ----------------------------------------------------------------------------

    #[test]
    fn bare_choices_read_as_numbers() {
        assert_all(
            &[
                "2",
                "#2",
                "slot 2",
                "option 2",
                "2 works",
                "#2 is good",
                "the 2nd one",
                "2.",
                "(2)",
                "2️⃣",
                "option two",
                "second",
                "ok 2",
                "2 please",
                "I'll take 2",
                "Slot #2 works for me",
            ],
            &Intent::Number(2),
        );
    }

    #[test]
    fn a_bare_number_is_a_number_not_an_amount() {
        assert_eq!(intent("2"), Intent::Number(2));
        assert_eq!(intent("850"), Intent::Number(850));
        assert_eq!(intent("one"), Intent::Number(1));
    }

    #[test]
    fn a_job_code_next_to_a_number_is_extracted_and_the_number_kept() {
        let parsed = parse_reply("#KP27 2", today());
        assert_eq!(parsed.intent, Intent::Number(2));
        assert_eq!(parsed.job_code.map(|c| c.to_string()), Some("KP27".into()));
    }

    #[test]
    fn two_different_numbers_ask_which_one() {
        let q = question("2 or 3");
        assert!(q.contains("2 or 3"), "{q}");
        assert_eq!(intent("2, 2"), Intent::Number(2));
    }

    #[test]
    fn a_number_inside_a_sentence_is_not_a_choice() {
        assert_eq!(intent("I have 2 questions"), Intent::Unknown);
    }

    #[test]
    fn a_star_rating_is_a_number() {
        assert_eq!(intent("5 stars"), Intent::Number(5));
        assert_eq!(intent("4 ⭐"), Intent::Number(4));
    }

    // --- Proposals --------------------------------------------------------------------------

    #[test]
    fn can_do_a_date_with_a_morning_window_proposes_it() {
        assert_eq!(
            intent("can do 3/14 9-11am"),
            proposal(date(2026, 3, 14), (9, 0), (11, 0))
        );
    }

    #[test]
    fn propose_tomorrow_with_a_full_window() {
        assert_eq!(
            intent("propose tomorrow 2pm-4pm"),
            proposal(date(2026, 3, 11), (14, 0), (16, 0))
        );
    }

    #[test]
    fn a_time_without_an_end_proposes_a_two_hour_window() {
        assert_eq!(
            intent("how about friday 10am"),
            proposal(date(2026, 3, 13), (10, 0), (12, 0))
        );
    }

    #[test]
    fn a_date_already_past_this_year_rolls_to_next_year() {
        assert_eq!(
            intent("can do 3/1 9am"),
            proposal(date(2027, 3, 1), (9, 0), (11, 0))
        );
        assert_eq!(
            intent("jan 5th 1pm"),
            proposal(date(2027, 1, 5), (13, 0), (15, 0))
        );
    }

    #[test]
    fn a_weekday_means_the_next_one_and_today_counts_unless_next_is_said() {
        assert_eq!(
            intent("tuesday 2pm"),
            proposal(date(2026, 3, 10), (14, 0), (16, 0))
        );
        assert_eq!(
            intent("next tuesday 2pm"),
            proposal(date(2026, 3, 17), (14, 0), (16, 0))
        );
        assert_eq!(
            intent("monday 9am"),
            proposal(date(2026, 3, 16), (9, 0), (11, 0))
        );
    }

    #[test]
    fn am_and_pm_are_inferred_across_a_window() {
        let tomorrow = date(2026, 3, 11);
        assert_eq!(
            intent("tomorrow 11-1"),
            proposal(tomorrow, (11, 0), (13, 0))
        );
        assert_eq!(intent("tomorrow 9-11"), proposal(tomorrow, (9, 0), (11, 0)));
        assert_eq!(intent("tomorrow 8-5"), proposal(tomorrow, (8, 0), (17, 0)));
        assert_eq!(
            intent("tomorrow 11-1pm"),
            proposal(tomorrow, (11, 0), (13, 0))
        );
        assert_eq!(
            intent("tomorrow 9am - 11am"),
            proposal(tomorrow, (9, 0), (11, 0))
        );
        assert_eq!(
            intent("tomorrow 9 to 11 am"),
            proposal(tomorrow, (9, 0), (11, 0))
        );
        assert_eq!(
            intent("tomorrow 10:30am"),
            proposal(tomorrow, (10, 30), (12, 30))
        );
        assert_eq!(
            intent("tomorrow 14:00-16:00"),
            proposal(tomorrow, (14, 0), (16, 0))
        );
        assert_eq!(
            intent("tomorrow at noon"),
            proposal(tomorrow, (12, 0), (14, 0))
        );
        assert_eq!(
            intent("tomorrow between 9 and 11"),
            proposal(tomorrow, (9, 0), (11, 0))
        );
    }

    #[test]
    fn the_time_keyword_from_our_own_texts_proposes() {
        assert_eq!(
            intent("TIME tue 9-11am"),
            proposal(date(2026, 3, 10), (9, 0), (11, 0))
        );
        assert!(question("TIME").contains("day and time"));
    }

    #[test]
    fn a_time_without_a_date_means_today() {
        assert_eq!(intent("how about 2pm"), proposal(today(), (14, 0), (16, 0)));
    }

    #[test]
    fn month_names_and_bare_hours_after_a_date_are_understood() {
        assert_eq!(
            intent("can do march 20 at 2"),
            proposal(date(2026, 3, 20), (14, 0), (16, 0))
        );
        assert_eq!(
            intent("Mar 14th 9am KP27"),
            proposal(date(2026, 3, 14), (9, 0), (11, 0))
        );
        assert_eq!(
            intent("friday 2"),
            proposal(date(2026, 3, 13), (14, 0), (16, 0))
        );
    }

    #[test]
    fn a_day_without_a_time_asks_for_the_time() {
        assert!(question("can do friday").contains("Fri Mar 13"));
        assert!(question("I'll stop by tomorrow").contains("Wed Mar 11"));
    }

    #[test]
    fn two_different_times_ask_which() {
        let q = question("tomorrow 9am or 2pm");
        assert!(q.contains("9AM") && q.contains("2PM"), "{q}");
    }

    #[test]
    fn a_weekday_that_contradicts_the_date_asks_which_day() {
        let q = question("fri 3/14 9am");
        assert!(q.contains("Fri Mar 13") && q.contains("Sat Mar 14"), "{q}");
        assert_eq!(
            intent("sat 3/14 9am"),
            proposal(date(2026, 3, 14), (9, 0), (11, 0))
        );
    }

    #[test]
    fn an_impossible_or_past_dated_day_asks_again() {
        assert!(question("2/30 9am").contains("Which date"));
        assert!(question("3/14/2025 9am").contains("passed"));
        assert!(question("friday or monday 9am").contains("Which day"));
    }

    #[test]
    fn a_refused_time_is_a_decline_but_a_counter_offer_is_a_proposal() {
        assert_eq!(
            intent("can't do tomorrow 2pm"),
            decline(Some("do tomorrow 2pm"))
        );
        assert_eq!(
            intent("can't do today, how about tomorrow 2pm"),
            proposal(date(2026, 3, 11), (14, 0), (16, 0))
        );
    }

    #[test]
    fn est_after_a_time_is_a_time_zone_not_an_estimate() {
        assert_eq!(
            intent("can do tomorrow 10am EST"),
            proposal(date(2026, 3, 11), (10, 0), (12, 0))
        );
    }

    #[test]
    fn a_late_evening_visit_ends_by_midnight_and_an_overnight_window_is_questioned() {
        assert_eq!(
            intent("today 10:30pm"),
            proposal(today(), (22, 30), (23, 59))
        );
        assert!(question("tomorrow 10pm-1am").contains("time window"));
    }

    // --- On site ----------------------------------------------------------------------------

    #[test]
    fn every_arrival_phrasing_reads_as_arrived() {
        assert_all(
            &[
                "arrived",
                "here",
                "here now",
                "on site",
                "onsite",
                "on-site",
                "i'm here",
                "Im here",
                "llegué",
                "llegue",
                "Here!",
                "KP27 here",
                "ok here thanks",
                "Just arrived 👋",
            ],
            &Intent::Arrived,
        );
    }

    #[test]
    fn arrival_words_about_the_future_or_negated_are_not_arrivals() {
        assert_ne!(intent("will be on site at 3pm"), Intent::Arrived);
        assert_ne!(intent("not on site yet"), Intent::Arrived);
        assert_ne!(intent("we are here to help"), Intent::Arrived);
    }

    #[test]
    fn running_late_reads_the_delay_when_given() {
        assert_eq!(intent("running late"), late(None));
        assert_eq!(intent("late 20 min"), late(Some(20)));
        assert_eq!(intent("be there in 15"), late(Some(15)));
        assert_eq!(intent("running 10 mins late"), late(Some(10)));
        assert_eq!(intent("ok, running late, eta 20"), late(Some(20)));
        assert_eq!(intent("late, 1 hr"), late(Some(60)));
        assert_eq!(intent("running 1.5 hours late"), late(Some(90)));
        assert_eq!(intent("stuck in traffic, 15-20 min"), late(Some(20)));
        assert_eq!(intent("be there in half an hour"), late(Some(30)));
        assert_eq!(intent("late 20min KP27"), late(Some(20)));
        assert_eq!(intent("llego tarde"), late(None));
    }

    #[test]
    fn a_promise_not_to_be_late_is_not_running_late() {
        assert_ne!(intent("won't be late"), late(None));
    }

    // --- Done / not done --------------------------------------------------------------------

    #[test]
    fn every_done_phrasing_reads_as_done_without_notes() {
        assert_all(
            &[
                "done",
                "completed",
                "finished",
                "fixed it",
                "all set",
                "DONE!",
                "done 👍",
                "Done. Thanks!",
                "listo",
                "terminado",
                "kp27 done",
                "ok done",
                "yes done",
                "Done ✅🎉",
                "all done thank you",
            ],
            &done(None),
        );
    }

    #[test]
    fn done_keeps_the_text_after_the_keyword_as_notes() {
        assert_eq!(
            intent("fixed it, swapped the cartridge"),
            done(Some("swapped the cartridge"))
        );
        assert_eq!(
            intent("Done - replaced the Moen cartridge."),
            done(Some("replaced the Moen cartridge"))
        );
        assert_eq!(
            intent("done and tested, no leaks"),
            done(Some("tested, no leaks"))
        );
        assert_eq!(intent("done, no leaks"), done(Some("no leaks")));
    }

    #[test]
    fn done_takes_notes_from_before_the_keyword_when_nothing_follows() {
        assert_eq!(
            intent("swapped the cartridge, done"),
            done(Some("swapped the cartridge"))
        );
    }

    #[test]
    fn done_in_the_future_is_not_done() {
        assert_ne!(intent("will be done by 5"), done(None));
        assert!(!matches!(
            intent("should be finished tomorrow"),
            Intent::Done { .. }
        ));
    }

    #[test]
    fn every_not_done_phrasing_reads_as_not_done() {
        assert_all(
            &[
                "not done",
                "not finished",
                "couldn't finish",
                "NOT DONE",
                "no terminado",
                "not done yet",
                "no, not done",
                "Still not done",
                "KP27 not done",
            ],
            &not_done(None),
        );
    }

    #[test]
    fn not_done_keeps_the_reason() {
        assert_eq!(
            intent("NOT DONE need to order part"),
            not_done(Some("need to order part"))
        );
        assert_eq!(intent("need parts"), not_done(Some("need parts")));
        assert_eq!(
            intent("couldn't finish, need parts for the disposal"),
            not_done(Some("need parts for the disposal"))
        );
        assert_eq!(
            intent("Not done — waiting on the landlord"),
            not_done(Some("waiting on the landlord"))
        );
        assert_eq!(
            intent("ran out of time, not done"),
            not_done(Some("ran out of time"))
        );
    }

    #[test]
    fn done_is_never_confused_with_not_done_or_no() {
        assert_eq!(intent("done"), done(None));
        assert_eq!(intent("not done"), not_done(None));
        assert_eq!(intent("no"), decline(None));
        assert_eq!(intent("wasn't able to finish"), not_done(None));
        assert_eq!(intent("not bad, done"), done(Some("not bad")));
    }

    // --- Money ------------------------------------------------------------------------------

    #[test]
    fn estimate_amounts_are_read_in_every_usual_format() {
        assert_eq!(intent("estimate 850"), estimate(85_000, None));
        assert_eq!(intent("est $1200.50"), estimate(120_050, None));
        assert_eq!(intent("quote $1,150"), estimate(115_000, None));
        assert_eq!(intent("estimate 1,150.00"), estimate(115_000, None));
        assert_eq!(intent("Est: $385.5"), estimate(38_550, None));
        assert_eq!(intent("estimate 850$"), estimate(85_000, None));
        assert_eq!(intent("estimate $ 850"), estimate(85_000, None));
        assert_eq!(intent("estimate 850 dollars"), estimate(85_000, None));
        assert_eq!(intent("$850 estimate"), estimate(85_000, None));
        assert_eq!(
            intent("KP27 estimate 1,234,567.89"),
            estimate(123_456_789, None)
        );
    }

    #[test]
    fn a_quote_keeps_the_work_description_as_its_note() {
        assert_eq!(
            intent("quote 1,150 to replace the condenser fan motor"),
            estimate(115_000, Some("replace the condenser fan motor"))
        );
        assert_eq!(
            intent("need new motor, estimate 850"),
            estimate(85_000, Some("need new motor"))
        );
        assert_eq!(
            intent("estimate 850 to replace 2 valves"),
            estimate(85_000, Some("replace 2 valves"))
        );
    }

    #[test]
    fn a_dot_before_three_digits_is_ambiguous_money() {
        let q = question("estimate 1.150");
        assert!(q.contains("$1,150") && q.contains("$1.15"), "{q}");
    }

    #[test]
    fn two_different_amounts_ask_which_one() {
        for text in [
            "quote 800 or 1200",
            "estimate 800-1200",
            "est $800, maybe $1,200",
            "estimate 800 to 1200",
        ] {
            let q = question(text);
            assert!(q.contains("$800") && q.contains("$1,200"), "{text:?}: {q}");
        }
        assert_eq!(intent("quote $800 ($800 total)"), estimate(80_000, None));
    }

    #[test]
    fn a_money_keyword_without_an_amount_asks_for_it() {
        assert!(question("estimate").contains("estimate amount"));
        assert!(question("invoice").contains("invoice amount"));
        assert!(question("Estimate coming tomorrow").contains("estimate amount"));
        assert!(question("estimate 1,15").contains("estimate amount"));
        assert!(question("estimate 1.2k").contains("estimate amount"));
    }

    #[test]
    fn a_money_word_mentioned_in_passing_is_not_a_money_reply() {
        assert_eq!(
            intent("done, invoice to follow"),
            done(Some("invoice to follow"))
        );
    }

    #[test]
    fn an_invoice_reads_its_amount_and_reference() {
        assert_eq!(intent("invoice 385"), invoice(38_500, None));
        assert_eq!(intent("inv 2231 - $385"), invoice(38_500, Some("2231")));
        assert_eq!(
            intent("invoice #A-77 $1,020.00"),
            invoice(102_000, Some("A-77"))
        );
        assert_eq!(intent("invoice #2231 385"), invoice(38_500, Some("2231")));
        assert_eq!(
            intent("Invoice INV-88 $99.99"),
            invoice(9_999, Some("INV-88"))
        );
        assert_eq!(intent("invoice $385 for 2nd visit"), invoice(38_500, None));
    }

    #[test]
    fn an_invoice_with_two_bare_numbers_asks_which_is_the_amount() {
        let q = question("invoice 2231 385");
        assert!(q.contains("$2,231") && q.contains("$385"), "{q}");
    }

    #[test]
    fn a_dollar_amount_without_a_keyword_asks_what_it_is() {
        assert!(question("$850").contains("estimate or an invoice"));
        assert!(question("it'll be $1,150").contains("ESTIMATE 1150"));
    }

    #[test]
    fn money_parsing_accepts_only_three_digit_comma_groups() {
        assert_eq!(
            parse_amount("1,150"),
            Some((
                Amount::Exact {
                    cents: 115_000,
                    formatted: true
                },
                false
            ))
        );
        assert_eq!(parse_amount("1,15"), Some((Amount::Malformed, false)));
        assert_eq!(parse_amount("11,50,000"), Some((Amount::Malformed, false)));
        assert_eq!(
            parse_amount("99999999999999999999"),
            Some((Amount::Malformed, false))
        );
        assert_eq!(parse_amount("10am"), None);
        assert_eq!(parse_amount("3/14"), None);
    }

    // --- Tenant / scheduling words ----------------------------------------------------------

    #[test]
    fn every_reschedule_phrasing_reads_as_reschedule() {
        assert_all(
            &[
                "reschedule",
                "need a different time",
                "change time",
                "can we reschedule?",
                "Reschedule please",
                "cancel and reschedule",
                "KP27 reschedule",
            ],
            &Intent::Reschedule,
        );
    }

    #[test]
    fn a_reschedule_naming_a_time_is_a_proposal() {
        assert_eq!(
            intent("reschedule to friday 10am"),
            proposal(date(2026, 3, 13), (10, 0), (12, 0))
        );
    }

    #[test]
    fn a_no_that_asks_for_another_time_answers_the_proposal_as_a_decline() {
        assert_eq!(intent("No, another time"), decline(Some("another time")));
    }

    #[test]
    fn every_cancel_phrasing_reads_as_cancel() {
        assert_all(
            &[
                "cancel",
                "cancel request",
                "no longer needed",
                "Cancel please",
                "never mind",
                "no need, it's working again",
                "cancelar",
            ],
            &Intent::Cancel,
        );
        assert_ne!(intent("don't cancel"), Intent::Cancel);
    }

    // --- Carrier keywords -------------------------------------------------------------------

    #[test]
    fn every_help_phrasing_reads_as_help() {
        assert_all(
            &[
                "help",
                "HELP",
                "?",
                "??",
                "info",
                "ayuda",
                "help KP27",
                "Help!",
            ],
            &Intent::Help,
        );
        assert_ne!(intent("can you help me find the unit"), Intent::Help);
    }

    #[test]
    fn every_stop_phrasing_reads_as_stop() {
        assert_all(
            &[
                "stop",
                "STOP",
                "Stop.",
                "stopall",
                "unsubscribe",
                "cancel sms",
                "quit",
                "end",
                "STOP KP27",
                "stop please",
                "Stop texting me",
            ],
            &Intent::Stop,
        );
    }

    #[test]
    fn stop_inside_a_sentence_is_not_an_opt_out() {
        assert_ne!(intent("stop by tomorrow"), Intent::Stop);
        assert_ne!(intent("can't stop the leak"), Intent::Stop);
        assert_eq!(
            intent("I'll stop by tomorrow at 10am"),
            proposal(date(2026, 3, 11), (10, 0), (12, 0))
        );
    }

    #[test]
    fn every_start_phrasing_reads_as_start() {
        assert_all(&["start", "START", "unstop", "subscribe"], &Intent::Start);
    }

    #[test]
    fn several_job_codes_ask_which_job_except_for_carrier_keywords() {
        let parsed = parse_reply("done KP27 MX34", today());
        assert_eq!(parsed.job_code, None);
        match parsed.intent {
            Intent::Unclear { question } => {
                assert!(
                    question.contains("KP27") && question.contains("MX34"),
                    "{question}"
                );
            }
            other => panic!("expected a question, got {other:?}"),
        }
        assert_eq!(intent("STOP KP27 MX34"), Intent::Stop);
        assert_eq!(code("yes KP27 kp27"), Some("KP27".into()));
    }

    // --- Language and noise -----------------------------------------------------------------

    #[test]
    fn spanish_basics_are_understood() {
        assert_eq!(intent("sí"), Intent::Accept);
        assert_eq!(intent("no"), decline(None));
        assert_eq!(intent("listo"), done(None));
        assert_eq!(intent("Terminado!"), done(None));
        assert_eq!(intent("llegué"), Intent::Arrived);
        assert_eq!(intent("no terminado"), not_done(None));
        assert_eq!(intent("ayuda"), Intent::Help);
        assert_eq!(intent("no puedo"), decline(None));
        assert_eq!(
            intent("mañana 10am"),
            proposal(date(2026, 3, 11), (10, 0), (12, 0))
        );
    }

    #[test]
    fn filler_words_do_not_change_the_intent() {
        assert_eq!(intent("hi, running late"), late(None));
        assert_eq!(intent("ok thanks, done"), done(None));
        assert_eq!(intent("yeah I'm here"), Intent::Arrived);
        assert_eq!(intent("Hey! Sure thing KP27 😀"), Intent::Accept);
    }

    #[test]
    fn stronger_intents_win_over_a_leading_yes_or_no() {
        assert_eq!(intent("yes, running late 10 min"), late(Some(10)));
        assert_eq!(intent("ok 2"), Intent::Number(2));
        assert_eq!(intent("no longer needed"), Intent::Cancel);
    }

    #[test]
    fn a_question_about_the_work_is_not_a_report_of_it() {
        assert_eq!(intent("Is it done?"), Intent::Unknown);
        assert_eq!(intent("Done?"), Intent::Unknown);
        assert_ne!(intent("Has the plumber arrived?"), Intent::Arrived);
        assert_eq!(
            intent("Fixed it, want me to check the other sink?"),
            done(Some("want me to check the other sink"))
        );
    }

    #[test]
    fn phrases_that_merely_contain_a_keyword_mean_nothing_by_themselves() {
        assert_eq!(intent("still working on it"), Intent::Unknown);
        assert_eq!(intent("no leaks"), Intent::Unknown);
        assert_eq!(
            intent("no leak anymore, all good"),
            done(Some("no leak anymore"))
        );
    }

    #[test]
    fn a_tenant_saying_it_works_now_reads_as_done() {
        assert_eq!(intent("Thanks, it works now"), done(None));
        assert_eq!(intent("Yes it's all good now"), done(None));
    }

    #[test]
    fn a_time_before_an_offer_word_is_a_counter_offer_after_a_no() {
        assert_eq!(
            intent("no, monday 10am works better"),
            proposal(date(2026, 3, 16), (10, 0), (12, 0))
        );
        assert!(question("can't, can do thursday though").contains("Thu Mar 12"));
    }

    #[test]
    fn on_my_way_is_a_delay_only_with_an_eta() {
        assert_eq!(intent("omw 10 min"), late(Some(10)));
        assert_eq!(intent("I'm on my way"), Intent::Unknown);
    }

    #[test]
    fn a_score_out_of_five_or_ten_is_a_rating_number() {
        assert_eq!(intent("5/5"), Intent::Number(5));
        assert_eq!(intent("Thanks! 4/5 stars"), Intent::Number(4));
        assert!(question("can do 5/5").contains("Tue May 5"));
    }

    #[test]
    fn repeated_carrier_keywords_still_count() {
        assert_eq!(intent("STOP STOP"), Intent::Stop);
        assert_eq!(intent("help help"), Intent::Help);
    }

    #[test]
    fn not_done_for_lack_of_access_keeps_the_whole_story() {
        assert_eq!(intent("no one home"), not_done(Some("no one home")));
        assert_eq!(
            intent("Couldn't get in, tenant not home"),
            not_done(Some("Couldn't get in, tenant not home"))
        );
    }

    #[test]
    fn an_invoice_reference_can_follow_the_amount_when_announced() {
        assert_eq!(
            intent("invoice 385.00 ref 1042"),
            invoice(38_500, Some("1042"))
        );
    }

    #[test]
    fn an_estimate_split_into_parts_asks_for_the_total() {
        let q = question("estimate 600 parts + 250 labor");
        assert!(q.contains("$600") && q.contains("$250"), "{q}");
    }

    #[test]
    fn a_done_verb_with_an_object_keeps_the_whole_sentence_as_notes() {
        assert_eq!(
            intent("fixed the leak under the sink"),
            done(Some("fixed the leak under the sink"))
        );
        assert_eq!(intent("I fixed it"), done(None));
    }

    // --- Invariants -------------------------------------------------------------------------

    #[test]
    fn every_question_is_short_ascii_and_fits_one_segment() {
        let texts = [
            "estimate",
            "invoice",
            "estimate 1.150",
            "estimate 1.155",
            "quote 800 or 1200",
            "estimate 1,15",
            "invoice 2231 385",
            "$850",
            "$99999999999999999.99",
            "2 or 3 or 4 or 5 or 6",
            "can do friday",
            "tomorrow 9am or 2pm",
            "fri 3/14 9am",
            "2/30 9am",
            "3/14/2025 9am",
            "tomorrow 10pm-1am",
            "TIME",
            "friday or monday 9am",
            "done KP27 MX34 QR56 AC22 DE33 FG44 HJ55",
        ];
        for text in texts {
            let q = question(text);
            assert!(!q.starts_with("NOT UNCLEAR"), "{text:?}: {q}");
            assert!(q.is_ascii() && q.len() < 160, "{text:?}: {q}");
            assert_eq!(sms_segments(&q), 1, "{text:?}: {q}");
        }
    }

    #[test]
    fn phrase_tables_are_normalised_and_never_list_a_phrase_twice() {
        let mut seen = Vec::new();
        for (_, phrases) in LEXICON.iter().chain(ALONE) {
            for p in *phrases {
                let normalised: Vec<String> = p.split(' ').map(normalize).collect();
                assert_eq!(normalised.join(" "), *p, "not normalised: {p:?}");
                assert!(!seen.contains(p), "listed twice: {p:?}");
                seen.push(p);
            }
        }
    }

    #[test]
    fn every_proposal_ends_after_it_starts_and_is_not_in_the_past() {
        let texts = [
            "can do 3/14 9-11am",
            "today 11pm",
            "tomorrow 11-1",
            "3/1 9am",
            "today 12am",
            "friday 12-1",
            "tomorrow 7-9",
            "today 23:30",
        ];
        for text in texts {
            match intent(text) {
                Intent::Propose { date, start, end } => {
                    assert!(start < end && date >= today(), "{text:?}");
                }
                Intent::Unclear { .. } => {}
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    // --- Learned from the labelled data (data/replies.csv) ----------------------------------

    #[test]
    fn a_slot_named_by_its_place_is_the_first_or_the_last() {
        assert_all(
            &[
                "the later one",
                "last one",
                "la última",
                "the last slot works",
            ],
            &Intent::LastSlot,
        );
        assert_all(&["the earlier one", "earliest one"], &Intent::Number(1));
        assert_eq!(intent("later"), Intent::Unknown);
        assert_eq!(
            intent("the last time you came it broke again"),
            Intent::Unknown
        );
    }

    #[test]
    fn a_rating_followed_by_a_comment_is_still_the_rating() {
        assert_eq!(intent("5! very fast and friendly"), Intent::Number(5));
        assert_eq!(intent("3 - he was late"), Intent::Number(3));
        assert_eq!(intent("5 stars, great job"), Intent::Number(5));
        assert_eq!(intent("5/5 would recommend"), Intent::Number(5));
        assert_eq!(intent("⭐⭐⭐⭐⭐"), Intent::Number(5));
        assert_eq!(intent("I'd give it a 4"), Intent::Number(4));
        assert_eq!(
            intent("1. I can come at 9"),
            proposal(today(), (9, 0), (11, 0))
        );
    }

    #[test]
    fn a_delay_between_running_and_behind_is_read() {
        assert_eq!(intent("running 15 behind"), late(Some(15)));
        assert_eq!(
            intent("running about an hour and a half behind"),
            late(Some(90))
        );
        assert_eq!(intent("voy con 30 min de retraso"), late(Some(30)));
        assert_eq!(intent("llego en 10 minutos"), late(Some(10)));
    }

    #[test]
    fn spanish_ranges_and_ordinal_days_are_times() {
        assert_eq!(
            intent("lunes de 8 a 12"),
            proposal(date(2026, 3, 16), (8, 0), (12, 0))
        );
        assert_eq!(
            intent("thursday the 19th at 9am"),
            proposal(date(2026, 3, 19), (9, 0), (11, 0))
        );
        assert_eq!(intent("the 2nd one"), Intent::Number(2));
    }

    #[test]
    fn a_price_for_work_still_to_do_is_an_estimate() {
        assert_eq!(
            intent("$450 to replace the water heater element"),
            estimate(45_000, Some("replace the water heater element"))
        );
        assert_eq!(
            intent("need approval for 900 to replace the contactor"),
            estimate(90_000, Some("replace the contactor"))
        );
        assert!(question("it'll be $950").contains("estimate or an invoice"));
    }

    #[test]
    fn a_round_figure_is_never_recorded_as_money() {
        assert!(question("estimate 2 grand or so").contains("estimate amount"));
        assert!(question("around 2-3k probably").contains("exact amount"));
    }

    #[test]
    fn an_invoice_number_or_a_bill_says_invoice() {
        assert_eq!(
            intent("INV-1042 total $275"),
            invoice(27_500, Some("INV-1042"))
        );
        assert_eq!(intent("billed 1500 for the job"), invoice(150_000, None));
        assert_eq!(intent("total due $725"), invoice(72_500, None));
    }

    #[test]
    fn everyday_refusals_arrivals_and_moves_are_understood() {
        assert_eq!(
            intent("I'm out of town until Monday"),
            decline(Some("I'm out of town until Monday"))
        );
        assert_eq!(intent("swamped"), decline(None));
        assert_eq!(
            intent("no, I'm not home then"),
            decline(Some("I'm not home then"))
        );
        assert_eq!(intent("just pulled up"), Intent::Arrived);
        assert_eq!(intent("estoy afuera"), Intent::Arrived);
        assert_eq!(
            intent("need to move tomorrow's appointment"),
            Intent::Reschedule
        );
        assert_eq!(intent("no longer need the repair"), Intent::Cancel);
        assert_eq!(intent("is anyone coming tomorrow?"), Intent::Unknown);
        assert_eq!(
            intent("replaced the breaker, power restored"),
            done(Some("replaced the breaker"))
        );
    }
}
