//! The one normaliser: how every text a person typed is read before anything is matched, by
//! triage and by the reply parser alike.
//!
//! Characters are lower-cased and their accents folded (`á` → `a`, `ñ` → `n`, also when typed
//! as combining marks); apostrophes are dropped (`won't` → `wont`), phones' curly quotes and
//! dashes are made plain, and a few emoji read as the word they stand for (`rules/words.yaml`).
//! Then each reader cuts the text at its own grain:
//!
//! - [`words`] (triage): alphanumeric words, misspellings fixed (`toliet` → `toilet`),
//!   contractions spelled out (`wont` → `will not`), `'s` read as `is` (`heat's out`), and the
//!   strongest break before each word (a comma ends a clause, a period a sentence);
//! - [`chunks`] (replies): whitespace-separated tokens that keep what times, money and job codes
//!   need (`9-11am`, `$1,150.00`, `#KP27`), each with its raw spelling and its normalised one.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::data::{self, DataError, WordSet};

const FILE: &str = "rules/words.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WordsFile {
    typos: BTreeMap<String, Vec<String>>,
    contractions: BTreeMap<String, Vec<String>>,
    emoji: BTreeMap<String, String>,
    reply_emoji: WordSet,
    tolerant: Vec<String>,
    spoken_breaks: SpokenBreaks,
}

/// Punctuation said aloud by a tenant dictating ("it's wet comma I can't tell period"): the
/// words are read as the mark they name, so that clauses and sentences end where they meant.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SpokenBreaks {
    clause: Vec<String>,
    sentence: Vec<String>,
}

/// The normaliser's tables, loaded once.
pub struct Tables {
    typo: HashMap<String, String>,
    contraction: HashMap<String, Vec<String>>,
    emoji: HashMap<char, String>,
    reply_emoji: WordSet,
    spoken_clause: Vec<Vec<String>>,
    spoken_sentence: Vec<Vec<String>>,
    /// Every word the tables write (for the test that checks they are normalised).
    pub written: Vec<String>,
    /// The misspellings read by tolerance (a letter dropped or two swapped in a long word), for
    /// the test that checks no rule writes one of them.
    pub tolerated: Vec<String>,
}

/// The misspellings of a long word a hurried thumb makes: one letter dropped, or two neighbours
/// swapped ("arrivde" too), never the first letter dropped or moved nor the last dropped
/// (dropping that one makes real words: "arrive"). Only for words of seven letters or more,
/// where such a slip is rarely another word.
pub fn slips(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    if n < 7 {
        return out;
    }
    for i in 1..n - 1 {
        let mut c = chars.clone();
        c.remove(i);
        out.push(c.into_iter().collect());
    }
    for i in 1..n - 1 {
        if chars[i] != chars[i + 1] {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            out.push(c.into_iter().collect());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn tables_from(text: &str) -> Result<Tables, DataError> {
    let file: WordsFile = data::parse(FILE, text)?;
    let mut written = Vec::new();
    let mut typo = HashMap::new();
    for (right, wrongs) in file.typos {
        for wrong in wrongs {
            if typo.insert(wrong.clone(), right.clone()).is_some() {
                return Err(DataError::invalid(
                    FILE,
                    format!("typo {wrong:?} listed twice"),
                ));
            }
            written.push(wrong);
        }
        written.push(right);
    }
    // A slip of two tolerant words at once says nothing: neither is read.
    let mut slipped: HashMap<String, Option<String>> = HashMap::new();
    for right in &file.tolerant {
        for wrong in slips(right) {
            slipped
                .entry(wrong)
                .and_modify(|w| *w = None)
                .or_insert_with(|| Some(right.clone()));
        }
    }
    let mut tolerated = Vec::new();
    for (wrong, right) in slipped {
        let Some(right) = right else { continue };
        if typo.contains_key(&wrong) || file.tolerant.contains(&wrong) || typo.contains_key(&right)
        {
            continue;
        }
        tolerated.push(wrong.clone());
        typo.insert(wrong, right);
    }
    tolerated.sort();
    written.extend(file.tolerant.iter().cloned());
    let mut contraction = HashMap::new();
    for (word, parts) in file.contractions {
        written.extend(parts.iter().cloned());
        written.push(word.clone());
        contraction.insert(word, parts);
    }
    let mut emoji = HashMap::new();
    for (e, word) in file.emoji {
        let mut chars = e.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(DataError::invalid(FILE, format!("{e:?} is not one emoji")));
        };
        written.push(word.clone());
        emoji.insert(c, word);
    }
    let split = |marks: &[String]| -> Vec<Vec<String>> {
        marks
            .iter()
            .map(|m| m.split_whitespace().map(str::to_string).collect())
            .collect()
    };
    let spoken_clause = split(&file.spoken_breaks.clause);
    let spoken_sentence = split(&file.spoken_breaks.sentence);
    written.extend(
        spoken_clause
            .iter()
            .chain(&spoken_sentence)
            .flatten()
            .cloned(),
    );
    Ok(Tables {
        typo,
        contraction,
        emoji,
        reply_emoji: file.reply_emoji,
        spoken_clause,
        spoken_sentence,
        written,
        tolerated,
    })
}

/// The tables of `rules/words.yaml`, parsed at first use.
pub fn tables() -> &'static Tables {
    static TABLES: LazyLock<Tables> =
        LazyLock::new(|| data::load(tables_from(include_str!("../rules/words.yaml"))));
    &TABLES
}

/// Lower case, accents folded: the letter every matcher compares.
pub fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`' | '´')
}

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// A word as the tables write it: folded, apostrophes and combining marks dropped.
pub fn fold(word: &str) -> String {
    word.chars()
        .filter(|&c| !is_apostrophe(c) && !is_combining(c))
        .map(fold_char)
        .collect()
}

/// The strongest punctuation between two words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    None,
    Clause,
    Sentence,
}

fn break_of(c: char) -> Break {
    match c {
        '.' | '!' | '?' | ';' | '\n' | '\r' | '¡' | '¿' => Break::Sentence,
        ',' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '—' | '–' | '|' | '•' | '&' => {
            Break::Clause
        }
        _ => Break::None,
    }
}

/// One word of a text at triage's grain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// The bytes of the source it came from.
    pub span: Range<usize>,
    /// The strongest break before it.
    pub brk: Break,
}

/// After an apostrophe: an `s` that ends the word (`heat's`, `it's`).
fn is_s_contraction(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('s' | 'S')) && !chars.next().is_some_and(char::is_alphanumeric)
}

/// The words of `src`, misspellings fixed and contractions spelled out.
pub fn words(src: &str) -> Vec<Word> {
    let t = tables();
    let mut raw: Vec<Word> = Vec::new();
    let mut word = String::new();
    let mut span = 0..0;
    let mut pending = Break::None;
    let mut skip_to = 0;
    let flush =
        |word: &mut String, span: &Range<usize>, pending: &mut Break, out: &mut Vec<Word>| {
            if !word.is_empty() {
                out.push(Word {
                    text: std::mem::take(word),
                    span: span.clone(),
                    brk: *pending,
                });
                *pending = Break::None;
            }
        };
    for (i, c) in src.char_indices() {
        if i < skip_to {
            continue;
        }
        let next = i + c.len_utf8();
        // "heat's out": the 's is "is" (or "has"), a word of its own, so that "heat" is still
        // "heat"; a possessive read as "is" harms no rule.
        if is_apostrophe(c) && !word.is_empty() && is_s_contraction(&src[next..]) {
            flush(&mut word, &span, &mut pending, &mut raw);
            raw.push(Word {
                text: "is".to_string(),
                span: i..next + 1,
                brk: Break::None,
            });
            skip_to = next + 1;
            continue;
        }
        if is_combining(c) || (is_apostrophe(c) && !word.is_empty()) {
            if !word.is_empty() {
                span.end = next;
            }
            continue;
        }
        if let Some(said) = t.emoji.get(&c) {
            flush(&mut word, &span, &mut pending, &mut raw);
            raw.push(Word {
                text: said.clone(),
                span: i..next,
                brk: pending,
            });
            pending = Break::None;
            continue;
        }
        let f = fold_char(c);
        if f.is_alphanumeric() {
            if word.is_empty() {
                span = i..next;
            }
            word.push(f);
            span.end = next;
            continue;
        }
        flush(&mut word, &span, &mut pending, &mut raw);
        pending = pending.max(break_of(c));
    }
    flush(&mut word, &span, &mut pending, &mut raw);

    let mut out = Vec::with_capacity(raw.len());
    for w in raw {
        let fixed = t.typo.get(&w.text).cloned().unwrap_or(w.text);
        match t.contraction.get(&fixed) {
            Some(parts) => {
                for (k, part) in parts.iter().enumerate() {
                    out.push(Word {
                        text: part.clone(),
                        span: w.span.clone(),
                        brk: if k == 0 { w.brk } else { Break::None },
                    });
                }
            }
            None => out.push(Word {
                text: fixed,
                span: w.span,
                brk: w.brk,
            }),
        }
    }
    read_spoken_breaks(t, src, out)
}

/// Punctuation said aloud becomes the break it names. A comma said is always one; a sentence
/// mark said ("period") only at the end of the text or before a capital letter, so that "for a
/// period of two weeks" keeps its word.
fn read_spoken_breaks(t: &Tables, src: &str, words: Vec<Word>) -> Vec<Word> {
    let said = |at: usize, mark: &[String]| {
        mark.iter()
            .enumerate()
            .all(|(k, m)| words.get(at + k).is_some_and(|w| &w.text == m))
    };
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    let mut pending = Break::None;
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let clause = t.spoken_clause.iter().find(|m| said(i, m));
        let sentence = t.spoken_sentence.iter().find(|m| {
            said(i, m)
                && words.get(i + m.len()).is_none_or(|next| {
                    src.get(next.span.clone())
                        .and_then(|s| s.chars().next())
                        .is_some_and(char::is_uppercase)
                })
        });
        match (sentence, clause) {
            (Some(m), _) if !out.is_empty() => {
                pending = pending.max(w.brk).max(Break::Sentence);
                i += m.len();
            }
            (None, Some(m)) if !out.is_empty() => {
                pending = pending.max(w.brk).max(Break::Clause);
                i += m.len();
            }
            _ => {
                let mut w = w.clone();
                w.brk = w.brk.max(pending);
                pending = Break::None;
                out.push(w);
                i += 1;
            }
        }
    }
    out
}

/// One whitespace-separated token of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// As typed (emoji removed): what notes and references echo back.
    pub raw: String,
    /// Folded, apostrophes dropped, edge punctuation trimmed except a leading `#` or `$`,
    /// misspellings fixed. Empty for pure punctuation such as `-` or `?`.
    pub norm: String,
}

impl Chunk {
    /// Whether this token ends a clause (`no,` `done.`): phrases and negations stop there.
    pub fn ends_clause(&self) -> bool {
        self.raw.ends_with([',', ';', '.', '!', '?', ':'])
    }
}

/// Emoji and other symbols carry no grammar; treating them as spaces keeps `done🎉` a `done`.
fn is_pictograph(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && u32::from(c) >= 0x2100
}

/// The tokens of a reply.
pub fn chunks(src: &str) -> Vec<Chunk> {
    let t = tables();
    let mut cleaned = String::with_capacity(src.len());
    for c in src.chars() {
        if let Some(word) = t.emoji.get(&c).filter(|w| t.reply_emoji.contains(w)) {
            cleaned.push(' ');
            cleaned.push_str(word);
            cleaned.push(' ');
            continue;
        }
        match c {
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
        .map(|raw| {
            let folded = fold(raw);
            let norm = folded
                .trim_start_matches(|c: char| !(c.is_alphanumeric() || c == '#' || c == '$'))
                .trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '$'))
                .to_string();
            let norm = match t.typo.get(&norm) {
                Some(right) => right.clone(),
                None => norm,
            };
            Chunk {
                raw: raw.to_string(),
                norm,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        words(src).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_are_folded_fixed_and_spelled_out() {
        assert_eq!(
            texts("Toliet WON'T flush"),
            ["toilet", "will", "not", "flush"]
        );
        assert_eq!(texts("heat's out"), ["heat", "is", "out"]);
        assert_eq!(texts("calefacción"), ["calefaccion"]);
        assert_eq!(texts("cafe\u{301}"), ["cafe"]);
        assert_eq!(texts("🚽 clogged"), ["toilet", "clogged"]);
    }

    #[test]
    fn breaks_are_the_strongest_punctuation_before_a_word() {
        let w = words("sink drips, toilet runs. Help");
        let brks: Vec<Break> = w.iter().map(|w| w.brk).collect();
        assert_eq!(
            brks,
            [
                Break::None,
                Break::None,
                Break::Clause,
                Break::None,
                Break::Sentence
            ]
        );
        assert_eq!(
            &"sink drips, toilet runs. Help"[w[2].span.clone()],
            "toilet"
        );
    }

    #[test]
    fn punctuation_said_aloud_is_read_as_the_mark_it_names() {
        let w = words("it is wet comma near the lamp period I can't tell question mark");
        let kept: Vec<(&str, Break)> = w.iter().map(|w| (w.text.as_str(), w.brk)).collect();
        assert_eq!(
            kept,
            [
                ("it", Break::None),
                ("is", Break::None),
                ("wet", Break::None),
                ("near", Break::Clause),
                ("the", Break::None),
                ("lamp", Break::None),
                ("i", Break::Sentence),
                ("can", Break::None),
                ("not", Break::None),
                ("tell", Break::None),
            ]
        );
        // A period said before a small letter is the word: "for a period of two weeks".
        assert!(texts("for a period of two weeks").contains(&"period".to_string()));
    }

    #[test]
    fn chunks_keep_times_money_and_codes_whole() {
        let c: Vec<String> = chunks("Sí, $1,150.00 #KP27 9-11am 👍 done🎉")
            .into_iter()
            .map(|c| c.norm)
            .collect();
        assert_eq!(
            c,
            ["si", "$1,150.00", "#kp27", "9-11am", "thumbsup", "done"]
        );
        assert!(chunks("no, problem")[0].ends_clause());
    }

    #[test]
    fn a_slip_of_the_thumb_in_a_long_word_is_read_as_the_word_and_nothing_else_is() {
        let s = slips("arrived");
        assert!(s.contains(&"arived".to_string()) && s.contains(&"arrivde".to_string()));
        assert!(
            !s.contains(&"arrive".to_string()),
            "dropping the last letter makes words"
        );
        assert!(!s.contains(&"rrived".to_string()), "the first letter stays");
        assert!(slips("heater").is_empty(), "short words have no slips");
        let read: Vec<String> = chunks("arived estimte invioce arrive estimates")
            .into_iter()
            .map(|c| c.norm)
            .collect();
        assert_eq!(
            read,
            ["arrived", "estimate", "invoice", "arrive", "estimates"]
        );
        let w: Vec<String> = words("the thermosat is blank")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(w, ["the", "thermostat", "is", "blank"]);
    }
}
