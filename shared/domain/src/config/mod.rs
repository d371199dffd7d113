//! Loading and validating a PM team's portfolio YAML: a structural pass (serde, stopping at the
//! first malformed value and naming its path) then a semantic pass that collects every
//! cross-reference, uniqueness and range problem at once, so a PM fixes the file in one go.
//!
//! The parsing and the error types live here; serde's wording turned into a PM's is in
//! `wording`, the semantic pass in `validate`, the crontab schedules in `schedule`.

mod schedule;
#[cfg(test)]
mod tests;
mod validate;
mod wording;

pub use schedule::parse_cron;

use crate::portfolio::Portfolio;
use std::fmt;
use std::path::Path;
use validate::validate;
use wording::{humanize, name_unknown_key, strip_location, strip_path_prefix};

/// One thing wrong in a portfolio file.
///
/// `path` locates the value inside the file in the same notation serde uses
/// (`properties[2].vendors.plumbing[1]`, `vendors[4].phone`, `messages.welcome`); it is empty
/// only for a problem with the file as a whole. `message` says what is wrong in a PM's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why a portfolio file could not be used.
///
/// Every variant's `Display` starts with the file name, so the text can be shown as-is to the
/// PM (or in a deploy log) without context: `sample.yaml: properties[1].timezone: "America/NewYork"
/// is not an IANA time zone (e.g. America/New_York) at line 40, column 15`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid YAML (bad indentation, a stray `:`, an unclosed quote…).
    /// `line` and `column` are 1-based.
    #[error("{file}: line {line}, column {column}: this is not valid YAML: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid YAML, but a value has the wrong shape or spelling (unknown field, missing field,
    /// bad phone, duration, time zone…). Serde stops at the first such value, so there is only
    /// one. `line`/`column` (1-based) are given when the YAML parser knows them.
    #[error("{file}: {}", located(path, message, *line, *column))]
    Structure {
        file: String,
        path: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },
    /// The file is well-formed but breaks cross-references or rules; every problem found is
    /// listed (never empty).
    #[error("{}", list_problems(file, problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ConfigError {
    /// The name of the file the error is about, as given to the parser.
    pub fn file(&self) -> &str {
        match self {
            ConfigError::Read { file, .. }
            | ConfigError::Syntax { file, .. }
            | ConfigError::Structure { file, .. }
            | ConfigError::Invalid { file, .. } => file,
        }
    }

    /// Every problem as `(path, message)`; a read or syntax error gives one with an empty path.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            ConfigError::Read { source, .. } => vec![Problem {
                path: String::new(),
                message: format!("cannot read the file: {source}"),
            }],
            ConfigError::Syntax {
                line,
                column,
                message,
                ..
            } => vec![Problem {
                path: String::new(),
                message: format!("line {line}, column {column}: {message}"),
            }],
            ConfigError::Structure { path, message, .. } => vec![Problem {
                path: path.clone(),
                message: message.clone(),
            }],
            ConfigError::Invalid { problems, .. } => problems.clone(),
        }
    }
}

/// `path: message at line L, column C`, leaving out whatever is unknown.
fn located(path: &str, message: &str, line: Option<usize>, column: Option<usize>) -> String {
    let problem = Problem {
        path: path.to_string(),
        message: message.to_string(),
    };
    match (line, column) {
        (Some(l), Some(c)) => format!("{problem} at line {l}, column {c}"),
        (Some(l), None) => format!("{problem} at line {l}"),
        _ => problem.to_string(),
    }
}

/// One line per problem, each prefixed with the file name so editors and CI logs can show them
/// independently.
fn list_problems(file: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{file}: {one}"),
        many => {
            let mut out = format!("{file}: {} problems", many.len());
            for p in many {
                out.push_str(&format!("\n  {file}: {p}"));
            }
            out
        }
    }
}

/// Reads and validates the portfolio at `path`; the file name in errors is `path` as given.
pub fn load_portfolio(path: &Path) -> Result<Portfolio, ConfigError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        file: file.clone(),
        source,
    })?;
    parse_portfolio(&text, &file)
}

/// Parses and validates portfolio YAML. `file` is only used to name the source in errors.
///
/// On success the portfolio satisfies every rule checked by the semantic pass: ids unique,
/// vendor phones unique, every referenced vendor/company/property exists and vendors on a
/// trade's list have that trade, amounts and months in range, schedules valid, message keys
/// known, and at least one property and one vendor.
pub fn parse_portfolio(yaml: &str, file: &str) -> Result<Portfolio, ConfigError> {
    // A first pass into an untyped value separates "not YAML at all" (which the PM fixes with
    // line/column) from "YAML of the wrong shape" (which they fix with a path).
    let value: serde_yaml_ng::Value = match serde_yaml_ng::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            return Err(ConfigError::Syntax {
                file: file.to_string(),
                line,
                column,
                message: strip_location(&e.to_string(), line, column),
            });
        }
    };
    if !value.is_mapping() {
        let message = if value.is_null() {
            "the file is empty: it must describe at least `team`, `properties` and `vendors`"
        } else {
            "the file must be a set of `name: value` fields (`team:`, `properties:`, `vendors:`…)"
        };
        return Err(ConfigError::Structure {
            file: file.to_string(),
            path: String::new(),
            line: None,
            column: None,
            message: message.to_string(),
        });
    }

    // Deserialise from the text rather than the value so errors keep their line numbers.
    let de = serde_yaml_ng::Deserializer::from_str(yaml);
    let portfolio: Portfolio = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        let inner = e.into_inner();
        let location = inner.location().map(|l| (l.line(), l.column()));
        let (line, column) = (location.map(|l| l.0), location.map(|l| l.1));
        let raw = inner.to_string();
        let raw = match location {
            Some((l, c)) => strip_location(&raw, l, c),
            None => raw,
        };
        let message = humanize(&path, strip_path_prefix(&raw));
        ConfigError::Structure {
            file: file.to_string(),
            path: name_unknown_key(path, &raw),
            line,
            column,
            message,
        }
    })?;

    let problems = validate(&portfolio);
    if problems.is_empty() {
        Ok(portfolio)
    } else {
        Err(ConfigError::Invalid {
            file: file.to_string(),
            problems,
        })
    }
}
