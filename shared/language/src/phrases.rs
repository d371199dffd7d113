//! Phrases: the small pattern language every rule and word list of the engine is written in,
//! compiled once into one Aho–Corasick automaton and matched against a text in one pass.
//!
//! A phrase is matched against normalised words (see [`crate::normalise`]):
//!
//! - words separated by spaces follow each other: `water heater`;
//! - `a|b` is either word; `a+b` inside an alternative is a run of two words (`no+heat|cold`);
//! - `word*` is any word starting with `word` (`leak*` is leak, leaks, leaking…);
//! - `@name` stands for every alternative of the named word list (`@outlet`), so a list is
//!   written once and shared by every rule that needs it;
//! - `?word` (any element) may be absent;
//! - `~` skips up to 3 words and `~N` up to N, but never a negation, so "heater is not broken"
//!   never reads as "heater … broken".
//!
//! Every phrase has a [`Scope`]: its words must lie inside one clause, one sentence, or anywhere
//! in the text. [`Lexicon::scan`] runs the automaton once over the text to learn which words of
//! which lists each token is, then tries each phrase only where its first word stands: the work
//! grows with the length of the text, never with its square.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

/// Where a phrase's words may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Inside one clause (most rules: "the toilet runs and the outlet sparks" is two facts).
    Clause,
    /// Inside one sentence, across commas and "and".
    Sentence,
    /// Anywhere in the text, for facts told across sentences.
    Text,
}

/// A phrase of the pattern language that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("phrase {phrase:?}: {problem}")]
pub struct PhraseError {
    pub phrase: String,
    pub problem: String,
}

fn bad(phrase: &str, problem: impl Into<String>) -> PhraseError {
    PhraseError {
        phrase: phrase.to_string(),
        problem: problem.into(),
    }
}

/// The number of a compiled phrase, for looking its matches up in [`Found`].
pub type PatternId = usize;

type AtomId = u32;

/// A run of words, one atom each.
type Alternative = Vec<AtomId>;

#[derive(Debug, Clone)]
enum Elem {
    /// Skip up to this many words.
    Gap(usize),
    Words {
        optional: bool,
        alternatives: Vec<Alternative>,
        /// For each first atom (sorted), the alternatives it opens: a token is checked against
        /// its own few atoms, not against every alternative of the element.
        by_first: Vec<(AtomId, Vec<usize>)>,
    },
}

impl Compiled {
    /// Whether every required element has a first word among the atoms `present` in a text: a
    /// necessary condition for a match anywhere in it, cheap to check once per text.
    fn can_match(&self, present: &[bool]) -> bool {
        self.elems.iter().all(|e| match e {
            Elem::Gap(_) | Elem::Words { optional: true, .. } => true,
            Elem::Words { by_first, .. } => by_first
                .iter()
                .any(|(a, _)| present.get(*a as usize).copied().unwrap_or(false)),
        })
    }
}

fn words_elem(optional: bool, alternatives: Vec<Alternative>) -> Elem {
    let mut by_first: Vec<(AtomId, Vec<usize>)> = Vec::new();
    for (i, alt) in alternatives.iter().enumerate() {
        if let Some(&first) = alt.first() {
            match by_first.binary_search_by_key(&first, |(a, _)| *a) {
                Ok(k) => by_first[k].1.push(i),
                Err(k) => by_first.insert(k, (first, vec![i])),
            }
        }
    }
    Elem::Words {
        optional,
        alternatives,
        by_first,
    }
}

#[derive(Debug, Clone)]
struct Compiled {
    scope: Scope,
    elems: Vec<Elem>,
}

/// Collects word lists and phrases, then compiles them all at once.
#[derive(Debug, Default)]
pub struct Builder {
    /// `word` for an exact word, `pre*` for a prefix.
    atoms: Vec<String>,
    atom_ids: HashMap<String, AtomId>,
    lists: HashMap<String, Vec<Alternative>>,
    patterns: Vec<Compiled>,
    interned: HashMap<(String, Scope), PatternId>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    fn atom(&mut self, word: &str) -> AtomId {
        if let Some(id) = self.atom_ids.get(word) {
            return *id;
        }
        let id = AtomId::try_from(self.atoms.len()).unwrap_or(AtomId::MAX);
        self.atoms.push(word.to_string());
        self.atom_ids.insert(word.to_string(), id);
        id
    }

    /// The alternatives of one element: `a|b+c|d*|@list`.
    fn alternatives(&mut self, phrase: &str, part: &str) -> Result<Vec<Alternative>, PhraseError> {
        let mut out: Vec<Alternative> = Vec::new();
        for alt in part.split('|') {
            if let Some(name) = alt.strip_prefix('@') {
                let list = self
                    .lists
                    .get(name)
                    .ok_or_else(|| bad(phrase, format!("no word list named @{name}")))?;
                out.extend(list.iter().cloned());
                continue;
            }
            let mut run: Alternative = Vec::new();
            for word in alt.split('+') {
                let valid = !word.is_empty()
                    && word
                        .trim_end_matches('*')
                        .chars()
                        .all(|c| !c.is_whitespace() && !"|+~?@*".contains(c))
                    && word.matches('*').count() <= 1
                    && word.len() > usize::from(word.ends_with('*'));
                if !valid {
                    return Err(bad(phrase, format!("{alt:?} is not a word, a+b or word*")));
                }
                run.push(self.atom(word));
            }
            out.push(run);
        }
        Ok(out)
    }

    /// Defines `@name` as the alternatives of `phrase` (one element: `a|b+c|d*|@other`).
    pub fn list(&mut self, name: &str, phrase: &str) -> Result<(), PhraseError> {
        if self.lists.contains_key(name) {
            return Err(bad(phrase, format!("@{name} is defined twice")));
        }
        if phrase.contains(' ') || phrase.starts_with('?') || phrase.starts_with('~') {
            return Err(bad(phrase, "a word list is one element: words joined by |"));
        }
        let alternatives = self.alternatives(phrase, phrase)?;
        self.lists.insert(name.to_string(), alternatives);
        Ok(())
    }

    /// Compiles `phrase` for matching inside `scope`; the same phrase and scope compile once.
    pub fn phrase(&mut self, phrase: &str, scope: Scope) -> Result<PatternId, PhraseError> {
        let key = (phrase.to_string(), scope);
        if let Some(id) = self.interned.get(&key) {
            return Ok(*id);
        }
        let mut elems = Vec::new();
        for part in phrase.split_whitespace() {
            if let Some(n) = part.strip_prefix('~') {
                let n = if n.is_empty() {
                    3
                } else {
                    n.parse()
                        .map_err(|_| bad(phrase, format!("{part:?} is not ~ or ~N")))?
                };
                elems.push(Elem::Gap(n));
                continue;
            }
            let (optional, part) = match part.strip_prefix('?') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            let alternatives = self.alternatives(phrase, part)?;
            elems.push(words_elem(optional, alternatives));
        }
        match elems.first() {
            None => return Err(bad(phrase, "empty")),
            Some(Elem::Gap(_)) => return Err(bad(phrase, "starts with a gap")),
            _ => {}
        }
        if matches!(elems.last(), Some(Elem::Gap(_))) {
            return Err(bad(phrase, "ends with a gap"));
        }
        if elems
            .iter()
            .all(|e| matches!(e, Elem::Gap(_) | Elem::Words { optional: true, .. }))
        {
            return Err(bad(phrase, "every word is optional"));
        }
        let id = self.patterns.len();
        self.patterns.push(Compiled { scope, elems });
        self.interned.insert(key, id);
        Ok(id)
    }

    /// The words of every list and phrase, each once: what a test checks is normalised.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.atoms.iter().map(|a| a.trim_end_matches('*'))
    }

    pub fn build(self) -> Result<Lexicon, PhraseError> {
        // " word " matches the whole word, " pre" any word starting with it.
        let needles: Vec<String> = self
            .atoms
            .iter()
            .map(|a| match a.strip_suffix('*') {
                Some(prefix) => format!(" {prefix}"),
                None => format!(" {a} "),
            })
            .collect();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&needles)
            .map_err(|e| bad("(all phrases)", e.to_string()))?;
        let mut starts: Vec<Vec<PatternId>> = vec![Vec::new(); self.atoms.len()];
        for (id, p) in self.patterns.iter().enumerate() {
            // The atoms that can stand at a match's first word: those of every leading optional
            // element, and of the first required one.
            for e in &p.elems {
                let Elem::Words {
                    optional,
                    alternatives,
                    ..
                } = e
                else {
                    break;
                };
                for alt in alternatives {
                    if let Some(&first) = alt.first()
                        && let Some(list) = starts.get_mut(first as usize)
                        && !list.contains(&id)
                    {
                        list.push(id);
                    }
                }
                if !optional {
                    break;
                }
            }
        }
        Ok(Lexicon {
            ac,
            patterns: self.patterns,
            starts,
        })
    }
}

/// Every list and phrase of a part of the engine, compiled.
#[derive(Debug)]
pub struct Lexicon {
    ac: AhoCorasick,
    patterns: Vec<Compiled>,
    /// For each atom, the phrases whose first word it can be.
    starts: Vec<Vec<PatternId>>,
}

/// A text as the matcher sees it: its words, which of them negate, and where each token's clause
/// and sentence end (exclusive token indices).
pub struct Tokens<'a> {
    pub words: &'a [&'a str],
    pub negator: &'a [bool],
    pub clause_end: &'a [usize],
    pub sentence_end: &'a [usize],
}

impl Lexicon {
    /// The atoms each token is (a token may be several: `leaking` is `leaking` and `leak*`).
    fn atoms_of(&self, words: &[&str]) -> Vec<Vec<AtomId>> {
        let mut haystack =
            String::with_capacity(words.iter().map(|w| w.len() + 1).sum::<usize>() + 1);
        let mut offsets = Vec::with_capacity(words.len());
        for w in words {
            offsets.push(haystack.len());
            haystack.push(' ');
            haystack.push_str(w);
        }
        haystack.push(' ');
        let mut atoms: Vec<Vec<AtomId>> = vec![Vec::new(); words.len()];
        for m in self.ac.find_overlapping_iter(&haystack) {
            if let Ok(token) = offsets.binary_search(&m.start())
                && let Some(list) = atoms.get_mut(token)
                && let Ok(id) = AtomId::try_from(m.pattern().as_usize())
            {
                list.push(id);
            }
        }
        atoms
    }

    /// Every match of every phrase, at most one per phrase and starting word (the shortest).
    pub fn scan(&self, t: &Tokens) -> Found {
        let atoms = self.atoms_of(t.words);
        // Which atoms the text holds anywhere: a phrase one of whose required words the text
        // never says cannot match, and is not tried at each of its starts (a text that repeats
        // one word a thousand times would otherwise try every phrase that word opens, at each
        // of them).
        let mut present = vec![false; self.starts.len()];
        for &a in atoms.iter().flatten() {
            if let Some(slot) = present.get_mut(a as usize) {
                *slot = true;
            }
        }
        let mut viable: Vec<Option<bool>> = vec![None; self.patterns.len()];
        let mut spans: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.patterns.len()];
        // The last token each phrase was tried at, so that a token that is several atoms tries
        // each phrase once.
        let mut tried_at: Vec<usize> = vec![usize::MAX; self.patterns.len()];
        let mut scratch = (Vec::new(), Vec::new());
        for (i, here) in atoms.iter().enumerate() {
            for &a in here {
                for &p in self.starts.get(a as usize).map_or(&[][..], Vec::as_slice) {
                    match tried_at.get_mut(p) {
                        Some(t) if *t == i => continue,
                        Some(t) => *t = i,
                        None => continue,
                    }
                    let Some(pattern) = self.patterns.get(p) else {
                        continue;
                    };
                    let Some(can) = viable.get_mut(p) else {
                        continue;
                    };
                    if !*can.get_or_insert_with(|| pattern.can_match(&present)) {
                        continue;
                    }
                    let limit = match pattern.scope {
                        Scope::Clause => t.clause_end.get(i).copied(),
                        Scope::Sentence => t.sentence_end.get(i).copied(),
                        Scope::Text => Some(t.words.len()),
                    }
                    .unwrap_or(t.words.len());
                    let end = match_from(&pattern.elems, &atoms, t.negator, i, limit, &mut scratch);
                    if let Some(end) = end
                        && let Some(list) = spans.get_mut(p)
                    {
                        list.push(i..end);
                    }
                }
            }
        }
        Found { spans }
    }
}

/// Where the shortest match of `elems` starting at token `start` ends, every word before
/// `limit`.
fn match_from(
    elems: &[Elem],
    atoms: &[Vec<AtomId>],
    negator: &[bool],
    start: usize,
    limit: usize,
    scratch: &mut (Vec<usize>, Vec<usize>),
) -> Option<usize> {
    let has = |token: usize, atom: AtomId| atoms.get(token).is_some_and(|a| a.contains(&atom));
    let (at, next) = scratch;
    at.clear();
    at.push(start);
    for (n, e) in elems.iter().enumerate() {
        next.clear();
        match e {
            Elem::Gap(skip) => {
                for &p in at.iter() {
                    next.push(p);
                    for k in 1..=*skip {
                        let q = p + k;
                        if q > limit || negator.get(q - 1).copied().unwrap_or(false) {
                            break;
                        }
                        next.push(q);
                    }
                }
            }
            Elem::Words {
                optional,
                alternatives,
                by_first,
            } => {
                for &p in at.iter() {
                    if *optional {
                        next.push(p);
                    }
                    let here = atoms.get(p).map_or(&[][..], Vec::as_slice);
                    for first in here {
                        let opened = match by_first.binary_search_by_key(first, |(a, _)| *a) {
                            Ok(k) => by_first[k].1.as_slice(),
                            Err(_) => &[],
                        };
                        for &i in opened {
                            let Some(alt) = alternatives.get(i) else {
                                continue;
                            };
                            let end = p + alt.len();
                            if end <= limit
                                && alt.iter().enumerate().skip(1).all(|(k, &a)| has(p + k, a))
                            {
                                next.push(end);
                            }
                        }
                    }
                }
                // The match starts at `start`: its first word is the first element's, unless
                // that element was optional and skipped.
                if n == 0 && !optional && next.is_empty() {
                    return None;
                }
            }
        }
        if next.len() > 1 {
            next.sort_unstable();
            next.dedup();
        }
        std::mem::swap(at, next);
        if at.is_empty() {
            return None;
        }
    }
    // A match must hold at least one word.
    at.iter().copied().find(|&end| end > start)
}

/// The matches of one scan: for each phrase, its spans (token ranges) in order of start.
#[derive(Debug, Default)]
pub struct Found {
    spans: Vec<Vec<Range<usize>>>,
}

impl Found {
    /// Every match of `p`.
    pub fn all(&self, p: PatternId) -> &[Range<usize>] {
        self.spans.get(p).map_or(&[], Vec::as_slice)
    }

    /// The matches of `p` that lie wholly inside `within`.
    pub fn within(
        &self,
        p: PatternId,
        within: Range<usize>,
    ) -> impl Iterator<Item = Range<usize>> + '_ {
        let all = self.all(p);
        let from = all.partition_point(|s| s.start < within.start);
        all[from..]
            .iter()
            .take_while(move |s| s.start < within.end)
            .filter(move |s| s.end <= within.end)
            .cloned()
    }

    /// The first match of `p` inside `within`.
    pub fn first(&self, p: PatternId, within: Range<usize>) -> Option<Range<usize>> {
        self.within(p, within).next()
    }

    /// Whether `p` matches inside `within`.
    pub fn has(&self, p: PatternId, within: Range<usize>) -> bool {
        self.first(p, within).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(phrase: &str, scope: Scope, text: &str) -> Vec<Range<usize>> {
        let mut b = Builder::new();
        b.list("outlet", "outlet*|plug|socket").unwrap();
        let p = b.phrase(phrase, scope).unwrap();
        let lexicon = b.build().unwrap();
        let words: Vec<&str> = text.split(' ').filter(|w| *w != ",").collect();
        // A comma in the test text ends a clause.
        let mut clause_end = vec![0; words.len()];
        let mut i = 0;
        let mut ends = Vec::new();
        for w in text.split(' ') {
            if w == "," {
                ends.push(i);
            } else {
                i += 1;
            }
        }
        ends.push(words.len());
        for (k, end) in clause_end.iter_mut().enumerate() {
            *end = ends.iter().copied().find(|&e| e > k).unwrap_or(words.len());
        }
        let negator: Vec<bool> = words.iter().map(|w| *w == "not").collect();
        let sentence_end = vec![words.len(); words.len()];
        lexicon
            .scan(&Tokens {
                words: &words,
                negator: &negator,
                clause_end: &clause_end,
                sentence_end: &sentence_end,
            })
            .all(p)
            .to_vec()
    }

    #[test]
    fn words_prefixes_runs_and_lists_match_whole_words() {
        assert_eq!(scan("gas", Scope::Clause, "gasket leak , gas"), vec![2..3]);
        assert_eq!(scan("leak*", Scope::Clause, "it leaks"), vec![1..2]);
        assert_eq!(scan("no+heat|cold", Scope::Clause, "no heat"), vec![0..2]);
        assert_eq!(
            scan("@outlet ~2 hot", Scope::Clause, "the outlets are hot"),
            vec![1..4]
        );
    }

    #[test]
    fn a_gap_never_crosses_a_negation_nor_a_phrase_its_scope() {
        assert_eq!(
            scan("heater ~3 broken", Scope::Clause, "heater is not broken"),
            Vec::<Range<usize>>::new()
        );
        assert_eq!(
            scan("heater ~3 broken", Scope::Clause, "heater , broken"),
            Vec::<Range<usize>>::new()
        );
        assert_eq!(
            scan("heater ~3 broken", Scope::Sentence, "heater , broken"),
            vec![0..2]
        );
    }

    #[test]
    fn optional_words_may_open_a_phrase_and_the_shortest_match_wins() {
        assert_eq!(
            scan("?the heat ~2 out", Scope::Clause, "the heat is out"),
            vec![0..4, 1..4]
        );
        assert_eq!(
            scan("?the heat ~2 out", Scope::Clause, "heat out out"),
            vec![0..2]
        );
    }

    #[test]
    fn bad_phrases_are_refused_with_the_reason() {
        let mut b = Builder::new();
        assert!(b.phrase("~2 heat", Scope::Clause).is_err());
        assert!(b.phrase("heat ~x out", Scope::Clause).is_err());
        assert!(b.phrase("@nothing", Scope::Clause).is_err());
        assert!(b.phrase("?a ?b", Scope::Clause).is_err());
        assert!(b.phrase("a||b", Scope::Clause).is_err());
        assert!(b.list("x", "a b").is_err());
    }
}
