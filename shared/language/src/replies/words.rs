//! The reply parser's words (`rules/replies.yaml`), loaded once, and its phrases compiled into one
//! [`Lexicon`].

use std::sync::LazyLock;

use chrono::Weekday;
use serde::Deserialize;

use crate::data::{self, DataError, WordSet};
use crate::phrases::{Builder, Lexicon, PatternId, Scope};

/// What a phrase of the lexicon says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kw {
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
    /// Says the sender does not know yet (`not sure`, `let me check`): nothing to act on unless
    /// a time or an amount comes with it.
    Hedge,
    /// Phrases that contain a keyword but say nothing (`working on it`, `no leaks`): matching
    /// them hides the keyword inside.
    Noise,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    lexicon: Vec<(Kw, Vec<String>)>,
    alone: Vec<(Kw, Vec<String>)>,
    stop: WordSet,
    stop_alone_only: WordSet,
    start: WordSet,
    help: WordSet,
    emergency: WordSet,
    fillers: WordSet,
    negators: WordSet,
    irrealis: WordSet,
    propose_triggers: Vec<String>,
    propose_triggers_after: Vec<String>,
    answer_words: WordSet,
    after_keyword: WordSet,
    object_starters: WordSet,
    before_keyword: WordSet,
    money_links: WordSet,
    currency_words: WordSet,
    multipliers: WordSet,
    spoken_numbers: WordSet,
    future_cost: WordSet,
    whole_job: WordSet,
    purpose_verbs: WordSet,
    reference_markers: WordSet,
    move_verbs: WordSet,
    appointment_words: WordSet,
    slot_words: WordSet,
    choice_context: WordSet,
    any_choice: WordSet,
    ordinal_words: Vec<(String, u32)>,
    cardinal_words: Vec<(String, u32)>,
    first_place: WordSet,
    last_place: WordSet,
    place_nouns: WordSet,
    minute_units: Vec<String>,
    hour_units: Vec<String>,
    delay_leads: WordSet,
    duration_phrases: Vec<(String, u32)>,
    today_words: WordSet,
    tomorrow_words: WordSet,
    day_after_tomorrow: Vec<String>,
    weekdays: Vec<(String, u8)>,
    weekday_next: WordSet,
    weekday_this: WordSet,
    months: Vec<(String, u32)>,
    at_words: WordSet,
    range_openers: WordSet,
    time_words: WordSet,
    question_words: WordSet,
    star_words: WordSet,
    review_words: WordSet,
    weak_accept: WordSet,
    vague_times: Vec<String>,
    cost_words: WordSet,
    delay_after: WordSet,
    plain_yes: WordSet,
    acknowledgements: Vec<String>,
    help_questions: Vec<String>,
    approximate: WordSet,
    not_code_letters: WordSet,
    start_context: WordSet,
}

/// The reply parser's words and compiled phrases.
pub struct Words {
    pub lexicon: Vec<(Kw, Vec<String>)>,
    pub alone: Vec<(Kw, Vec<String>)>,
    pub stop: WordSet,
    pub stop_alone_only: WordSet,
    pub start: WordSet,
    pub help: WordSet,
    /// Danger now, as the whole message (`Intent::Emergency`).
    pub emergency: WordSet,
    pub fillers: WordSet,
    pub negators: WordSet,
    pub irrealis: WordSet,
    pub answer_words: WordSet,
    pub after_keyword: WordSet,
    pub object_starters: WordSet,
    pub before_keyword: WordSet,
    pub money_links: WordSet,
    pub currency_words: WordSet,
    pub multipliers: WordSet,
    pub spoken_numbers: WordSet,
    pub future_cost: WordSet,
    /// After an amount, the price of the whole job: "for the whole job", "parts and labor".
    pub whole_job: WordSet,
    pub purpose_verbs: WordSet,
    pub reference_markers: WordSet,
    pub move_verbs: WordSet,
    pub appointment_words: WordSet,
    pub slot_words: WordSet,
    pub choice_context: WordSet,
    /// Words that leave the choice to Mendwork ("either one works"): a slot must be asked.
    pub any_choice: WordSet,
    pub ordinal_words: Vec<(String, u32)>,
    pub cardinal_words: Vec<(String, u32)>,
    pub first_place: WordSet,
    pub last_place: WordSet,
    pub place_nouns: WordSet,
    pub minute_units: Vec<String>,
    pub hour_units: Vec<String>,
    pub delay_leads: WordSet,
    pub today_words: WordSet,
    pub tomorrow_words: WordSet,
    pub weekdays: Vec<(String, Weekday)>,
    pub weekday_next: WordSet,
    pub weekday_this: WordSet,
    pub months: Vec<(String, u32)>,
    pub at_words: WordSet,
    pub range_openers: WordSet,
    pub time_words: WordSet,
    pub question_words: WordSet,
    pub star_words: WordSet,
    pub review_words: WordSet,
    pub weak_accept: WordSet,
    pub cost_words: WordSet,
    pub delay_after: WordSet,
    pub plain_yes: WordSet,
    pub approximate: WordSet,
    /// Two-letter words that are never the letters of a job code typed with a space.
    pub not_code_letters: WordSet,
    /// Words about the texts themselves: START at either end of a message with one is opt-in.
    pub start_context: WordSet,
    pub acknowledgements: Vec<PatternId>,
    /// "What do I reply?": a request for help, whatever words surround it.
    pub help_questions: Vec<PatternId>,
    pub vague_times: Vec<PatternId>,
    /// An empty set, for trimming nothing.
    pub none: WordSet,
    pub lex: Lexicon,
    /// The lexicon's phrases: (keyword, pattern).
    pub kw_patterns: Vec<(Kw, PatternId)>,
    pub propose_triggers: Vec<PatternId>,
    pub propose_triggers_after: Vec<PatternId>,
    pub day_after_tomorrow: Vec<PatternId>,
    pub durations: Vec<(PatternId, u32)>,
    /// Every word of every phrase, for the test that checks they are normalised.
    pub written: Vec<String>,
}

const FILE: &str = "rules/replies.yaml";

fn build(text: &str) -> Result<Words, DataError> {
    let f: File = data::parse(FILE, text)?;
    let err = |e: crate::phrases::PhraseError| DataError::invalid(FILE, e.to_string());
    let mut b = Builder::new();
    let mut kw_patterns = Vec::new();
    for (kw, phrases) in &f.lexicon {
        for p in phrases {
            kw_patterns.push((*kw, b.phrase(p, Scope::Clause).map_err(err)?));
        }
    }
    let mut list = |phrases: &[String]| -> Result<Vec<PatternId>, DataError> {
        phrases
            .iter()
            .map(|p| b.phrase(p, Scope::Clause).map_err(err))
            .collect()
    };
    let propose_triggers = list(&f.propose_triggers)?;
    let propose_triggers_after = list(&f.propose_triggers_after)?;
    let day_after_tomorrow = list(&f.day_after_tomorrow)?;
    let vague_times = list(&f.vague_times)?;
    let acknowledgements = list(&f.acknowledgements)?;
    let help_questions = list(&f.help_questions)?;
    let mut durations = Vec::new();
    for (p, minutes) in &f.duration_phrases {
        durations.push((b.phrase(p, Scope::Clause).map_err(err)?, *minutes));
    }
    let written = b.words().map(str::to_string).collect();
    let lex = b.build().map_err(err)?;
    let mut weekdays = Vec::new();
    for (name, n) in f.weekdays {
        let day = Weekday::try_from(n)
            .map_err(|_| DataError::invalid(FILE, format!("weekday {n} of {name:?}")))?;
        weekdays.push((name, day));
    }
    Ok(Words {
        lexicon: f.lexicon,
        alone: f.alone,
        stop: f.stop,
        stop_alone_only: f.stop_alone_only,
        start: f.start,
        help: f.help,
        emergency: f.emergency,
        fillers: f.fillers,
        negators: f.negators,
        irrealis: f.irrealis,
        answer_words: f.answer_words,
        after_keyword: f.after_keyword,
        object_starters: f.object_starters,
        before_keyword: f.before_keyword,
        money_links: f.money_links,
        currency_words: f.currency_words,
        multipliers: f.multipliers,
        spoken_numbers: f.spoken_numbers,
        future_cost: f.future_cost,
        whole_job: f.whole_job,
        purpose_verbs: f.purpose_verbs,
        reference_markers: f.reference_markers,
        move_verbs: f.move_verbs,
        appointment_words: f.appointment_words,
        slot_words: f.slot_words,
        choice_context: f.choice_context,
        any_choice: f.any_choice,
        ordinal_words: f.ordinal_words,
        cardinal_words: f.cardinal_words,
        first_place: f.first_place,
        last_place: f.last_place,
        place_nouns: f.place_nouns,
        minute_units: f.minute_units,
        hour_units: f.hour_units,
        delay_leads: f.delay_leads,
        today_words: f.today_words,
        tomorrow_words: f.tomorrow_words,
        weekdays,
        weekday_next: f.weekday_next,
        weekday_this: f.weekday_this,
        months: f.months,
        at_words: f.at_words,
        range_openers: f.range_openers,
        time_words: f.time_words,
        question_words: f.question_words,
        star_words: f.star_words,
        review_words: f.review_words,
        weak_accept: f.weak_accept,
        cost_words: f.cost_words,
        delay_after: f.delay_after,
        plain_yes: f.plain_yes,
        approximate: f.approximate,
        not_code_letters: f.not_code_letters,
        start_context: f.start_context,
        acknowledgements,
        help_questions,
        vague_times,
        none: WordSet::default(),
        lex,
        kw_patterns,
        propose_triggers,
        propose_triggers_after,
        day_after_tomorrow,
        durations,
        written,
    })
}

/// The embedded `rules/replies.yaml`.
pub const TEXT: &str = include_str!("../../rules/replies.yaml");

/// The words, parsed and compiled at first use.
pub fn words() -> &'static Words {
    static WORDS: LazyLock<Words> = LazyLock::new(|| data::load(build(TEXT)));
    &WORDS
}

/// For the test that loads the file and reports why it does not load.
pub fn check() -> Result<(), DataError> {
    build(TEXT).map(|_| ())
}
