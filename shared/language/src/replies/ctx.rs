//! The matching context of one reply: its tokens, the words that matter (`core`), the lexicon's
//! matches, and the helpers every recogniser uses to look around a keyword.

use chrono::NaiveDate;

use super::words::{Kw, words as w};
use crate::data::WordSet;
use crate::normalise::Chunk;
use crate::phrases::{Found, PatternId, Tokens};

type Token = Chunk;

pub(super) fn ends_clause(raw: &str) -> bool {
    raw.ends_with([',', ';', '.', '!', '?', ':'])
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Match {
    pub(super) kw: Kw,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) struct Ctx {
    pub(super) tokens: Vec<Token>,
    /// Indices of the words that matter: tokens with letters or digits, minus greetings and
    /// thanks at either end (all of them when the message is nothing but those).
    pub(super) core: Vec<usize>,
    pub(super) matches: Vec<Match>,
    pub(super) today: NaiveDate,
    /// Tokens with letters or digits in the whole message, job codes included.
    pub(super) significant: usize,
    /// Every phrase of `rules/replies.yaml`, matched once.
    pub(super) found: Found,
}

impl Ctx {
    pub(super) fn new(tokens: Vec<Token>, today: NaiveDate, in_message: usize) -> Ctx {
        let found = scan(&tokens);
        let significant: Vec<usize> = (0..tokens.len())
            .filter(|&i| !tokens[i].norm.is_empty())
            .collect();
        let trimmed = trim_phrases(&tokens, &significant, &w().fillers, &w().fillers);
        let core = if trimmed.is_empty() {
            significant
        } else {
            trimmed.to_vec()
        };
        let mut matches = lex(&tokens, &found);
        let core_text = join_norms(&tokens, &core);
        let alone = w()
            .alone
            .iter()
            .find(|(_, phrases)| phrases.contains(&core_text));
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
            significant: in_message,
            found,
        }
    }

    pub(super) fn norm(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.norm.as_str())
    }

    /// The core words, a word repeated in a row kept once (`STOP STOP`).
    pub(super) fn core_text(&self) -> String {
        let mut idxs = self.core.clone();
        idxs.dedup_by(|a, b| self.tokens[*a].norm == self.tokens[*b].norm);
        join_norms(&self.tokens, &idxs)
    }

    pub(super) fn first(&self, kw: Kw) -> Option<&Match> {
        self.matches.iter().find(|m| m.kw == kw)
    }

    pub(super) fn has(&self, kw: Kw) -> bool {
        self.first(kw).is_some()
    }

    /// Whether the message opens (after greetings) with this keyword.
    pub(super) fn opens_with(&self, kw: Kw) -> bool {
        self.core
            .first()
            .is_some_and(|&c| self.matches.iter().any(|m| m.kw == kw && m.start == c))
    }

    /// True when one of `words` is among the `window` words before token `at`, within the same
    /// clause.
    pub(super) fn preceded_by(&self, at: usize, words: &WordSet, window: usize) -> bool {
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
            if words.contains(&t.norm) {
                return true;
            }
            seen += 1;
        }
        false
    }

    /// Whether the clause holding the keyword that ends at `end` is a question: a tenant's "is it
    /// done?" must not close the job.
    pub(super) fn asked(&self, end: usize) -> bool {
        self.tokens[end.saturating_sub(1)..]
            .iter()
            .find(|t| ends_clause(&t.raw))
            .is_some_and(|t| t.raw.ends_with('?'))
    }

    /// Start positions of every occurrence of any of `phrases`.
    pub(super) fn phrase_starts(&self, phrases: &[PatternId]) -> Vec<usize> {
        let mut starts: Vec<usize> = phrases
            .iter()
            .flat_map(|&p| self.found.all(p).iter().map(|m| m.start))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    /// Where one of `phrases` ends if it starts at token `start`.
    pub(super) fn phrase_at(&self, start: usize, phrases: &[PatternId]) -> Option<usize> {
        phrases.iter().find_map(|&p| {
            self.found
                .first(p, start..self.tokens.len())
                .filter(|m| m.start == start)
                .map(|m| m.end)
        })
    }

    /// `idxs` without empty words and fillers at either end, nor `front` phrases at the start or
    /// `back` phrases at the end.
    pub(super) fn trimmed(&self, idxs: &[usize], front: &WordSet, back: &WordSet) -> Vec<usize> {
        let mut idxs = idxs;
        loop {
            let before = idxs.len();
            idxs = trim_phrases(&self.tokens, idxs, &w().fillers, &w().fillers);
            idxs = trim_phrases(&self.tokens, idxs, front, back);
            if idxs.len() == before {
                return idxs.to_vec();
            }
        }
    }

    /// Like [`Ctx::trimmed`], also dropping a yes/no at either end — but not one that starts a
    /// longer phrase, as in "no one home" or "no puedo" ("no thanks" is still just an answer).
    pub(super) fn without_answers(&self, idxs: &[usize]) -> Vec<usize> {
        let plain = |i: usize| {
            let norm = self.norm(i);
            w().answer_words.contains(norm) || w().fillers.contains(norm)
        };
        let answer = |i: usize| {
            w().answer_words.contains(self.norm(i))
                && !self
                    .matches
                    .iter()
                    .any(|m| (m.start..m.end).contains(&i) && !(m.start..m.end).all(&plain))
        };
        let mut idxs = self.trimmed(idxs, &w().none, &w().none);
        loop {
            let before = idxs.len();
            if idxs.first().is_some_and(|&i| answer(i)) {
                idxs.remove(0);
            }
            if idxs.last().is_some_and(|&i| answer(i)) {
                idxs.pop();
            }
            idxs = self.trimmed(&idxs, &w().none, &w().none);
            if idxs.len() == before {
                return idxs;
            }
        }
    }

    /// The words at `idxs` as typed, edge punctuation trimmed; `None` when nothing is left.
    pub(super) fn text_of(&self, idxs: &[usize]) -> Option<String> {
        let joined = idxs
            .iter()
            .map(|&i| self.tokens[i].raw.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let trimmed = joined.trim_matches(|c: char| c.is_whitespace() || ",;:.!?-".contains(c));
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }

    pub(super) fn compose(
        &self,
        idxs: &[usize],
        front: &WordSet,
        back: &WordSet,
    ) -> Option<String> {
        self.text_of(&self.trimmed(idxs, front, back))
    }

    /// The whole message as a reason, minus the yes/no that answers the question.
    pub(super) fn whole_reason(&self) -> Option<String> {
        let all: Vec<usize> = (0..self.tokens.len()).collect();
        self.text_of(&self.without_answers(&all))
    }

    /// What the sender wrote after the keyword ending at `end`, else before the one starting at
    /// `start`: "fixed it, swapped the cartridge" and "swapped the cartridge, fixed it" carry
    /// the same note.
    pub(super) fn around(&self, start: usize, end: usize) -> Option<String> {
        self.after_keyword(end).or_else(|| {
            let before: Vec<usize> = (0..start).collect();
            let before = self.trimmed(
                &self.without_answers(&before),
                &w().none,
                &w().before_keyword,
            );
            self.text_of(&before)
        })
    }

    pub(super) fn after_keyword(&self, end: usize) -> Option<String> {
        let after: Vec<usize> = (end..self.tokens.len()).collect();
        self.compose(&after, &w().after_keyword, &w().none)
    }
}

pub(super) fn join_norms(tokens: &[Token], idxs: &[usize]) -> String {
    idxs.iter()
        .map(|&i| tokens[i].norm.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every phrase of the reply lexicon matched once; a phrase never crosses a clause break.
fn scan(tokens: &[Token]) -> Found {
    let words: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
    let negator = vec![false; tokens.len()];
    let mut clause_end = vec![tokens.len(); tokens.len()];
    let mut end = tokens.len();
    for i in (0..tokens.len()).rev() {
        if ends_clause(&tokens[i].raw) {
            end = i + 1;
        }
        clause_end[i] = end;
    }
    w().lex.scan(&Tokens {
        words: &words,
        negator: &negator,
        clause_end: &clause_end,
        sentence_end: &clause_end,
    })
}

/// The lexicon's keywords, left to right, the longest phrase winning at each place.
fn lex(tokens: &[Token], found: &Found) -> Vec<Match> {
    let mut best: Vec<Option<(usize, Kw)>> = vec![None; tokens.len()];
    for &(kw, p) in &w().kw_patterns {
        for m in found.all(p) {
            if let Some(slot) = best.get_mut(m.start)
                && slot.is_none_or(|(end, _)| m.end > end)
            {
                *slot = Some((m.end, kw));
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match best[i] {
            Some((end, kw)) => {
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
pub(super) fn trim_phrases<'a>(
    tokens: &[Token],
    idxs: &'a [usize],
    front: &WordSet,
    back: &WordSet,
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
