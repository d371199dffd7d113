//! A description as triage reads it: normalised words, compound nouns joined, cut into clauses
//! and sentences, and every phrase of the engine matched once.

use std::ops::Range;

use super::engine::Engine;
use crate::normalise::{self, Break, Word};
use crate::phrases::{Found, PatternId, Tokens};

/// One word and where it lies.
#[derive(Debug, Clone)]
pub struct Tok {
    pub word: String,
    /// The bytes of the description it came from.
    pub span: Range<usize>,
    pub clause: usize,
    pub sentence: usize,
}

/// Invariant: `clauses` and `sentences` are the token ranges of each clause and sentence, in
/// order, covering every token exactly once; `found` holds the matches of every phrase.
pub struct Text<'a> {
    pub src: &'a str,
    pub toks: Vec<Tok>,
    pub clauses: Vec<Range<usize>>,
    pub sentences: Vec<Range<usize>>,
    pub found: Found,
}

/// For each word, the index of the first later word a break of at least `level` precedes.
fn ends(words: &[Word], level: Break) -> Vec<usize> {
    let mut out = vec![words.len(); words.len()];
    let mut end = words.len();
    for i in (0..words.len()).rev() {
        out[i] = end;
        if words[i].brk >= level {
            end = i;
        }
    }
    out
}

/// Compound nouns joined (`water heater` → `waterheater`), the first listed winning; a compound
/// never spans punctuation.
fn join_compounds(engine: &Engine, words: Vec<Word>) -> Vec<Word> {
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let unbroken = ends(&words, Break::Clause);
    let none = vec![false; words.len()];
    let found = engine.compounds.scan(&Tokens {
        words: &texts,
        negator: &none,
        clause_end: &unbroken,
        sentence_end: &unbroken,
    });
    // For each start, the first compound (in list order) that matches there.
    let mut joined: Vec<Option<(usize, &str)>> = vec![None; words.len()];
    for (p, to) in &engine.joins {
        for span in found.all(*p) {
            if let Some(slot) = joined.get_mut(span.start)
                && slot.is_none()
            {
                *slot = Some((span.end, to));
            }
        }
    }
    let heater = engine
        .heater_hints
        .iter()
        .any(|p| !found.all(*p).is_empty());
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        match joined[i] {
            Some((end, to)) if end > i => {
                let first = &words[i];
                let last_end = words.get(end - 1).map_or(first.span.end, |w| w.span.end);
                out.push(Word {
                    text: to.to_string(),
                    span: first.span.start..last_end,
                    brk: first.brk,
                });
                i = end;
            }
            _ => {
                let mut w = words[i].clone();
                if heater && w.text == engine.words.water_heater {
                    w.text = "waterheater".to_string();
                }
                out.push(w);
                i += 1;
            }
        }
    }
    out
}

fn ranges(toks: &[Tok], id: impl Fn(&Tok) -> usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match out.last_mut() {
            Some(r) if toks.get(r.start).map(&id) == Some(id(t)) => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

impl<'a> Text<'a> {
    pub fn new(engine: &Engine, src: &'a str) -> Text<'a> {
        let words = join_compounds(engine, normalise::words(src));
        let w = &engine.words;

        let mut toks: Vec<Tok> = Vec::with_capacity(words.len());
        let mut pending = Break::None;
        let (mut clause, mut sentence) = (0, 0);
        for (i, word) in words.iter().enumerate() {
            let brk = pending.max(word.brk);
            if w.conjunctions.contains(&word.text) {
                // "the mini split blinks and won't cool", "and is beeping", "but only blows warm
                // air": a verb or an adverb right after it keeps the subject, so the clause goes
                // on.
                let continues = word.brk == Break::None
                    && w.same_subject_conjunctions.contains(&word.text)
                    && words.get(i + 1).is_some_and(|next| {
                        next.brk == Break::None
                            && (w.auxiliaries.contains(&next.text)
                                || w.continuers.contains(&next.text))
                    });
                pending = if continues {
                    brk
                } else {
                    brk.max(Break::Clause)
                };
                continue;
            }
            pending = Break::None;
            if !toks.is_empty() {
                match brk {
                    Break::Sentence => {
                        sentence += 1;
                        clause += 1;
                    }
                    Break::Clause => clause += 1,
                    Break::None => {}
                }
            }
            toks.push(Tok {
                word: word.text.clone(),
                span: word.span.clone(),
                clause,
                sentence,
            });
        }
        let clauses = ranges(&toks, |t| t.clause);
        let sentences = ranges(&toks, |t| t.sentence);

        let texts: Vec<&str> = toks.iter().map(|t| t.word.as_str()).collect();
        let negator: Vec<bool> = texts.iter().map(|t| w.negators.contains(t)).collect();
        let clause_end: Vec<usize> = toks
            .iter()
            .map(|t| clauses.get(t.clause).map_or(toks.len(), |r| r.end))
            .collect();
        let sentence_end: Vec<usize> = toks
            .iter()
            .map(|t| sentences.get(t.sentence).map_or(toks.len(), |r| r.end))
            .collect();
        let found = engine.lexicon.scan(&Tokens {
            words: &texts,
            negator: &negator,
            clause_end: &clause_end,
            sentence_end: &sentence_end,
        });
        Text {
            src,
            toks,
            clauses,
            sentences,
            found,
        }
    }

    pub fn all(&self) -> Range<usize> {
        0..self.toks.len()
    }

    pub fn word(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.word.as_str())
    }

    pub fn clause_of(&self, tok: usize) -> Range<usize> {
        self.toks
            .get(tok)
            .and_then(|t| self.clauses.get(t.clause))
            .cloned()
            .unwrap_or(0..0)
    }

    pub fn sentence_of(&self, tok: usize) -> Range<usize> {
        self.toks
            .get(tok)
            .and_then(|t| self.sentences.get(t.sentence))
            .cloned()
            .unwrap_or(0..0)
    }

    pub fn has(&self, p: PatternId, within: Range<usize>) -> bool {
        self.found.has(p, within)
    }

    pub fn first(&self, p: PatternId, within: Range<usize>) -> Option<Range<usize>> {
        self.found.first(p, within)
    }

    /// The tenant's own words for a token range, lower-cased and on one line.
    pub fn quote(&self, r: Range<usize>) -> String {
        let (Some(first), Some(last)) =
            (self.toks.get(r.start), self.toks.get(r.end.wrapping_sub(1)))
        else {
            return String::new();
        };
        let raw = self
            .src
            .get(first.span.start..last.span.end)
            .unwrap_or_default();
        raw.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
}
