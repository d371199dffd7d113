//! The engine's data files (`rules/*.yaml`): embedded in the binary, parsed once at first use.
//!
//! Invariant: every file parses and validates; the tests load each of them (and check that every
//! rule fires on a labelled example, that no phrase is listed twice and that every word is
//! normalised), so the panic in [`load`] can only be reached by a build whose tests failed.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// A data file that does not parse, or says something the engine cannot use.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{file}: {source}")]
    Yaml {
        file: &'static str,
        source: serde_yaml_ng::Error,
    },
    #[error("{file}: {problem}")]
    Invalid { file: &'static str, problem: String },
}

impl DataError {
    pub fn invalid(file: &'static str, problem: impl Into<String>) -> DataError {
        DataError::Invalid {
            file,
            problem: problem.into(),
        }
    }
}

/// Parses one embedded data file.
pub fn parse<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<T, DataError> {
    serde_yaml_ng::from_str(text).map_err(|source| DataError::Yaml { file, source })
}

/// The engine's data, or a panic naming the broken file: embedded data that does not load is a
/// defect of the build, which the tests catch, never of the input.
pub fn load<T>(what: Result<T, DataError>) -> T {
    match what {
        Ok(data) => data,
        Err(e) => panic!("the language engine's embedded data is invalid: {e}"),
    }
}

/// A set of normalised words or phrases, for membership tests (`contains` is a hash lookup).
#[derive(Debug, Clone, Default)]
pub struct WordSet {
    words: HashSet<String>,
    /// In file order, for tests and for lists whose order matters.
    listed: Vec<String>,
}

impl WordSet {
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.listed.iter().map(String::as_str)
    }

    /// The entries listed more than once (a test keeps this empty).
    pub fn duplicates(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.listed
            .iter()
            .filter(|w| !seen.insert(w.as_str()))
            .map(String::as_str)
            .collect()
    }
}

impl<'de> Deserialize<'de> for WordSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WordSet, D::Error> {
        let listed: Vec<String> = Vec::deserialize(d)?;
        Ok(WordSet {
            words: listed.iter().cloned().collect(),
            listed,
        })
    }
}
