//! Loading and validating a PM team's portfolio YAML: a structural pass (serde, stopping at the
//! first malformed value and naming its path) then a semantic pass that collects every
//! cross-reference, uniqueness and range problem at once, so a PM fixes the file in one go.

use crate::portfolio::{PolicyOverrides, Portfolio, VendorId};
use crate::types::{Money, Trade};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

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

/// serde_path_to_error writes `?` for a map key it could not read (`properties[1].vendors.?`
/// for a misspelt trade); put the key as written back in so the PM can find it.
fn name_unknown_key(path: String, raw: &str) -> String {
    match (path.strip_suffix('?'), backticked(raw).first()) {
        (Some(parent), Some(given)) => format!("{parent}{given}"),
        _ => path,
    }
}

/// Removes the ` at line L column C` serde_yaml_ng appends, since we show it our own way.
fn strip_location(msg: &str, line: usize, column: usize) -> String {
    msg.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// serde_yaml_ng prefixes messages with its own path (`properties[1].timezone: `); we report the
/// serde_path_to_error path separately, so drop it. A prefix counts as a path only if it has
/// no spaces or quotes, so ordinary messages containing `: ` are left alone.
fn strip_path_prefix(msg: &str) -> &str {
    match msg.split_once(": ") {
        Some((head, rest))
            if !head.is_empty()
                && head.chars().all(|c| {
                    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '?')
                }) =>
        {
            rest
        }
        _ => msg,
    }
}

/// Rewrites serde's programmer wording ("invalid type: string, expected u32") into words a PM
/// understands. Unrecognised messages pass through unchanged.
fn humanize(path: &str, raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix("failed to parse timezone: '") {
        let given = rest.strip_suffix('\'').unwrap_or(rest);
        let example = closest(given, chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()))
            .unwrap_or("America/New_York");
        return format!("{given:?} is not an IANA time zone (e.g. {example})");
    }
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let names = backticked(rest);
        if let Some((given, allowed)) = names.split_first() {
            return unknown_name("unknown field", given, allowed);
        }
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        if let Some((given, allowed)) = names.split_first() {
            let trades = Trade::ALL.map(Trade::as_str);
            let what = if allowed == trades {
                "unknown trade"
            } else {
                "unknown value"
            };
            return unknown_name(what, given, allowed);
        }
    }
    if let Some(field) = raw.strip_prefix("missing field ") {
        return format!("required field {field} is missing");
    }
    if raw.contains("untagged enum Raw") {
        // The dollars deserialiser's fallback when the value is neither number nor text.
        return "expected an amount of dollars, e.g. 500 or 1250.50".to_string();
    }
    // "invalid type: string \"abc\", expected u32" → "expected a whole number, found …".
    let invalid = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
        .and_then(|rest| rest.rsplit_once(", expected "));
    if let Some((found, expected)) = invalid {
        let field = path.rsplit('.').next().unwrap_or(path);
        return format!(
            "expected {}, found {found}",
            expected_words(expected, field)
        );
    }
    raw.to_string()
}

fn expected_words(expected: &str, field: &str) -> String {
    let e = expected.trim();
    if matches!(e, "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64") {
        "a whole number".to_string()
    } else if e == "a boolean" || e == "bool" {
        "true or false".to_string()
    } else if e.starts_with("a sequence") {
        "a list (lines starting with `- `)".to_string()
    } else if e.starts_with("struct ") || e.starts_with("a map") {
        format!("a block of `name: value` fields under `{field}`")
    } else if e == "a string" || e == "a borrowed string" {
        "text".to_string()
    } else {
        e.to_string()
    }
}

fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn unknown_name(what: &str, given: &str, allowed: &[&str]) -> String {
    let mut out = format!("{what} `{given}`");
    if let Some(best) = closest(given, allowed.iter().copied()) {
        out.push_str(&format!(" (did you mean `{best}`?)"));
    }
    if !allowed.is_empty() {
        out.push_str(&format!("; allowed here: {}", allowed.join(", ")));
    }
    out
}

/// The candidate nearest to `word` (ignoring case), if near enough to be a plausible typo:
/// by edit distance (at most a third of the word's length, at least 2 edits tolerated), else
/// by a shared start of at least 4 letters, which catches other forms of the same word
/// (`plumber` → `plumbing`, `electrician` → `electrical`).
fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    let scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let lc = c.to_lowercase();
            let prefix = w
                .chars()
                .zip(lc.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (edit_distance(&w, &lc), prefix, c)
        })
        .collect();
    scored
        .iter()
        .filter(|(d, _, _)| *d <= limit)
        .min_by_key(|(d, _, _)| *d)
        .or_else(|| {
            scored
                .iter()
                .filter(|(_, p, _)| *p >= 4)
                .max_by_key(|(_, p, _)| *p)
        })
        .map(|(_, _, c)| *c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Accumulates problems with their paths.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// Flags ids seen before; `what` names the kind of thing in the message.
fn check_unique<'a>(
    out: &mut Problems,
    what: &str,
    list: &str,
    ids: impl IntoIterator<Item = &'a str>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, id) in ids.into_iter().enumerate() {
        if id.trim().is_empty() {
            out.push(format!("{list}[{i}].id"), format!("the {what} id is empty"));
        } else if let Some(first) = seen.get(id) {
            out.push(
                format!("{list}[{i}].id"),
                format!("{what} id {id:?} is already used by {list}[{first}]; ids must be unique"),
            );
        } else {
            seen.insert(id, i);
        }
    }
}

/// The semantic pass: every rule the types cannot express. Returns all problems found.
fn validate(p: &Portfolio) -> Vec<Problem> {
    let mut out = Problems::default();

    if p.team.name.trim().is_empty() {
        out.push("team.name", "the team name is empty");
    }
    for (i, code) in p.allowed_calling_codes.iter().enumerate() {
        if !crate::calling::is_calling_code(code) {
            out.push(
                format!("allowed_calling_codes[{i}]"),
                format!(
                    "{code:?} is not a country calling code: write its digits, e.g. \"1\" or \"44\""
                ),
            );
        }
    }

    for (path, message) in crate::endpoints::problems(&p.webhooks) {
        out.push(path, message);
    }
    for (path, message) in crate::import::problems(p) {
        out.push(path, message);
    }

    // --- properties ---
    if p.properties.is_empty() {
        out.push("properties", "list at least one property");
    }
    check_unique(
        &mut out,
        "property",
        "properties",
        p.properties.iter().map(|x| x.id.as_str()),
    );
    // Two properties with one PMS id would split its requests between them at random.
    let mut pms_ids: HashMap<&str, usize> = HashMap::new();
    for (i, prop) in p.properties.iter().enumerate() {
        if let Some(id) = prop.pms_id.as_deref()
            && let Some(first) = pms_ids.insert(id, i)
        {
            out.push(
                format!("properties[{i}].pms_id"),
                format!("PMS id {id:?} is already used by properties[{first}]"),
            );
        }
    }
    for (i, prop) in p.properties.iter().enumerate() {
        let at = format!("properties[{i}]");
        if prop.nte == Money(0) {
            out.push(
                format!("{at}.nte"),
                "the not-to-exceed amount must be more than $0 (otherwise every estimate needs \
                 the owner's approval)",
            );
        }
        if prop.emergency_nte < prop.nte {
            out.push(
                format!("{at}.emergency_nte"),
                format!(
                    "{} is less than the routine NTE of {}; the emergency NTE must be at least \
                     the NTE",
                    prop.emergency_nte, prop.nte
                ),
            );
        }
        for (j, m) in prop.heating_months.iter().enumerate() {
            if !(1..=12).contains(m) {
                out.push(
                    format!("{at}.heating_months[{j}]"),
                    format!("{m} is not a month: write 1 (January) to 12 (December)"),
                );
            }
        }
        check_vendor_lists(&mut out, p, &format!("{at}.vendors"), &prop.vendors);
        if let Some(o) = &prop.policy {
            check_override_quiet_hours(&mut out, p, &format!("{at}.policy"), o);
        }
    }

    // --- companies ---
    check_unique(
        &mut out,
        "company",
        "companies",
        p.companies.iter().map(|x| x.id.as_str()),
    );

    // --- vendors ---
    if p.vendors.is_empty() {
        out.push("vendors", "list at least one vendor");
    }
    check_unique(
        &mut out,
        "vendor",
        "vendors",
        p.vendors.iter().map(|x| x.id.as_str()),
    );
    let mut phones: HashMap<&str, usize> = HashMap::new();
    for (i, v) in p.vendors.iter().enumerate() {
        let at = format!("vendors[{i}]");
        if let Some(&first) = phones.get(v.phone.as_str()) {
            out.push(
                format!("{at}.phone"),
                format!(
                    "{} is also the phone of vendors[{first}] ({:?}); each vendor needs their \
                     own number because SMS replies are matched to vendors by phone",
                    v.phone, p.vendors[first].id.0
                ),
            );
        } else {
            phones.insert(v.phone.as_str(), i);
        }
        if let Some(c) = &v.company
            && p.company(c).is_none()
        {
            out.push(
                format!("{at}.company"),
                format!(
                    "{:?} is not a company listed under `companies`{}",
                    c.0,
                    did_you_mean(&c.0, p.companies.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        if v.trades.is_empty() {
            out.push(
                format!("{at}.trades"),
                format!("list at least one trade ({})", trade_names()),
            );
        }
    }

    // --- dispatch ---
    check_vendor_lists(&mut out, p, "dispatch.backups", &p.dispatch.backups);

    // --- policy ---
    if p.policy.quiet_start == p.policy.quiet_end {
        out.push(
            "policy.quiet_end",
            format!(
                "quiet hours start and end at the same time ({}); make them differ, e.g. \
                 quiet_start: \"21:00\" and quiet_end: \"08:00\"",
                String::from(p.policy.quiet_end)
            ),
        );
    }

    // --- messages ---
    for (key, text) in &p.messages {
        let at = format!("messages.{key}");
        if !crate::messages::is_override_key(key) {
            out.push(
                at,
                format!(
                    "{key:?} is not a message key{}",
                    did_you_mean(key, crate::messages::KEYS.iter().copied())
                ),
            );
        } else if text.trim().is_empty() {
            out.push(at, "the text is empty; remove the line to use the default");
        }
    }

    // --- recurring ---
    check_unique(
        &mut out,
        "recurring template",
        "recurring",
        p.recurring.iter().map(|x| x.id.as_str()),
    );
    for (i, r) in p.recurring.iter().enumerate() {
        let at = format!("recurring[{i}]");
        if p.property(&r.property).is_none() {
            out.push(
                format!("{at}.property"),
                format!(
                    "{:?} is not a property listed under `properties`{}",
                    r.property.0,
                    did_you_mean(&r.property.0, p.properties.iter().map(|x| x.id.as_str()))
                ),
            );
        }
        if let Err(e) = parse_cron(&r.schedule) {
            out.push(format!("{at}.schedule"), e);
        }
        if r.description.trim().is_empty() {
            out.push(format!("{at}.description"), "the description is empty");
        }
    }
    check_occurrence_keys(&mut out, p);

    out.0
}

/// Two templates whose occurrences would share work orders (their ids differ only in letter
/// case, or their occurrence keys collide) are refused: the second would create nothing.
fn check_occurrence_keys(out: &mut Problems, p: &Portfolio) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in p.recurring.iter().enumerate() {
        if r.id.as_str().trim().is_empty() {
            continue;
        }
        let key = r.id.occurrence_key();
        match seen.get(&key) {
            Some(&first) if p.recurring[first].id != r.id => out.push(
                format!("recurring[{i}].id"),
                format!(
                    "recurring template id {:?} collides with recurring[{first}] ({:?}): their \
                     work orders would be the same; give the templates ids that differ by more \
                     than letter case",
                    r.id.as_str(),
                    p.recurring[first].id.as_str()
                ),
            ),
            Some(_) => {}
            None => {
                seen.insert(key, i);
            }
        }
    }
}

fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

fn trade_names() -> String {
    Trade::ALL.map(Trade::as_str).join(", ")
}

/// A per-trade ranked vendor list (a property's Go-To list or `dispatch.backups`): every id
/// must be a vendor of that trade, listed once.
fn check_vendor_lists(
    out: &mut Problems,
    p: &Portfolio,
    at: &str,
    lists: &BTreeMap<Trade, Vec<VendorId>>,
) {
    for (trade, ids) in lists {
        for (j, id) in ids.iter().enumerate() {
            let here = format!("{at}.{trade}[{j}]");
            match p.vendor(id) {
                None => out.push(
                    here,
                    format!(
                        "{:?} is not a vendor listed under `vendors`{}",
                        id.0,
                        did_you_mean(&id.0, p.vendors.iter().map(|v| v.id.as_str()))
                    ),
                ),
                Some(v) if !v.trades.contains(trade) => out.push(
                    here,
                    format!(
                        "vendor {:?} does not do {} (their trades: {}); add {} to their \
                         `trades` or take them off this list",
                        id.0,
                        trade,
                        v.trades
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        trade
                    ),
                ),
                Some(_) => {}
            }
            if ids[..j].contains(id) {
                out.push(
                    format!("{at}.{trade}[{j}]"),
                    format!("vendor {:?} is listed twice for {trade}", id.0),
                );
            }
        }
    }
}

fn check_override_quiet_hours(out: &mut Problems, p: &Portfolio, at: &str, o: &PolicyOverrides) {
    let start = o.quiet_start.unwrap_or(p.policy.quiet_start);
    let end = o.quiet_end.unwrap_or(p.policy.quiet_end);
    if (o.quiet_start.is_some() || o.quiet_end.is_some()) && start == end {
        let field = if o.quiet_end.is_some() {
            "quiet_end"
        } else {
            "quiet_start"
        };
        out.push(
            format!("{at}.{field}"),
            format!(
                "quiet hours for this property start and end at the same time ({}); make \
                 quiet_start and quiet_end differ",
                String::from(end)
            ),
        );
    }
}

/// What each of the five cron fields is called and may hold, for error messages.
const CRON_FIELDS: [(&str, &str); 5] = [
    ("minute", "0–59"),
    ("hour", "0–23"),
    ("day-of-month", "1–31"),
    ("month", "1–12 or JAN–DEC"),
    ("day-of-week", "0–7 or SUN–SAT, where 0 and 7 are Sunday"),
];

const CRON_HINT: &str = "write five fields: minute hour day-of-month month day-of-week, \
                         e.g. \"0 9 1 */3 *\" (09:00 on the 1st of every third month)";

/// Parses a classic five-field cron expression (`minute hour day-of-month month day-of-week`,
/// as in crontab) into a [`cron::Schedule`] firing at second 0.
///
/// Invariants and deliberate differences from the `cron` crate's own syntax:
/// - exactly five fields; the crate's seconds (and year) fields are not accepted, so `"0 "`
///   is prepended internally;
/// - day-of-week uses crontab numbering (0 or 7 = Sunday, 1 = Monday … 6 = Saturday) or names;
///   it is translated because the crate counts 1 = Sunday … 7 = Saturday, and a raw
///   pass-through would silently shift every weekly schedule by a day;
/// - restricting both day-of-month and day-of-week is rejected: crontab fires when *either*
///   matches, the crate only when *both* do, so such a schedule would not mean what it says;
/// - a schedule that can never fire (e.g. `0 9 30 2 *`, February 30th) is rejected.
///
/// The schedule is zone-agnostic: evaluate it with `after(&local_now)` in the property's zone.
/// The error is a sentence for a PM, naming the offending field.
pub fn parse_cron(expr: &str) -> Result<cron::Schedule, String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{expr:?} has {} field{}; {CRON_HINT}",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    }
    let dow = cron_day_of_week(fields[4]).map_err(|e| {
        format!(
            "{expr:?}: in the day-of-week field, {e} (allowed: {})",
            CRON_FIELDS[4].1
        )
    })?;
    let dom_restricted = !matches!(fields[2], "*" | "?");
    if dom_restricted && dow != "*" {
        return Err(format!(
            "{expr:?} restricts both the day of the month and the day of the week; use one and \
             put \"*\" in the other"
        ));
    }
    let translated = [fields[0], fields[1], fields[2], fields[3], dow.as_str()];
    let full = format!("0 {}", translated.join(" "));
    let schedule = cron::Schedule::from_str(&full).map_err(|_| {
        // The crate's message is about its own grammar; find which field is wrong by parsing
        // each one alone, so the PM is told where to look.
        for (i, (name, allowed)) in CRON_FIELDS.iter().enumerate() {
            let mut probe = ["*"; 5];
            probe[i] = translated[i];
            if cron::Schedule::from_str(&format!("0 {}", probe.join(" "))).is_err() {
                return format!(
                    "{expr:?}: the {name} field {:?} is not valid (allowed: {allowed})",
                    fields[i]
                );
            }
        }
        format!("{expr:?} is not a valid schedule; {CRON_HINT}")
    })?;
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    if schedule.after(&epoch).next().is_none() {
        return Err(format!(
            "{expr:?} never happens (that day does not exist in that month)"
        ));
    }
    Ok(schedule)
}

/// Translates a crontab day-of-week field into the `cron` crate's spelling: `*` or a
/// comma-separated list of day names (names are unambiguous in both numberings).
fn cron_day_of_week(field: &str) -> Result<String, String> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    if matches!(field, "*" | "?") {
        return Ok("*".to_string());
    }
    // Crontab day number 0..=7 (7 = Sunday again) from a number or a name.
    let day = |s: &str| -> Result<usize, String> {
        if let Ok(n) = s.parse::<usize>() {
            return if n <= 7 {
                Ok(n)
            } else {
                Err(format!("{n} is not a day"))
            };
        }
        let lower = s.to_ascii_lowercase();
        NAMES
            .iter()
            .position(|n| lower.len() >= 3 && n.to_ascii_lowercase().starts_with(&lower[..3]))
            .filter(|_| {
                let full = [
                    "sunday",
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                ];
                full.iter().any(|f| f.starts_with(&lower))
            })
            .ok_or_else(|| format!("{s:?} is not a day"))
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => match s.parse::<usize>() {
                Ok(n) if n > 0 => (r, Some(n)),
                _ => return Err(format!("the step {s:?} is not a whole number above 0")),
            },
            None => (item, None),
        };
        let (lo, hi) = if matches!(range, "*" | "?") {
            (0, 6)
        } else if let Some((a, b)) = range.split_once('-') {
            let lo = day(a)?;
            // `FRI-SUN` means Friday to Sunday: Sunday at the end of a range is day 7.
            let hi = match day(b)? {
                0 if lo > 0 => 7,
                h => h,
            };
            if hi < lo {
                return Err(format!("the range {range:?} runs backwards"));
            }
            (lo, hi)
        } else {
            let d = day(range)?;
            (d, if step.is_some() { 6.max(d) } else { d })
        };
        for d in (lo..=hi).step_by(step.unwrap_or(1)) {
            days[d % 7] = true;
        }
    }
    if days.iter().all(|d| *d) {
        return Ok("*".to_string());
    }
    Ok(NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike, Weekday};

    const SAMPLE: &str = include_str!("../../../infra/sample-portfolio.yaml");

    /// A small valid portfolio that tests break one rule at a time.
    const MINIMAL: &str = r#"
team:
  name: Test PM
  email: pm@example.com
properties:
  - id: elm
    name: Elm Street Flats
    address: 1 Elm St, Springfield, IL 62701
    timezone: America/Chicago
    nte: 500
    emergency_nte: 1500
    owner:
      name: Olive Owner
      email: olive@example.com
    vendors:
      plumbing: [pat]
companies:
  - id: acme
    name: Acme Plumbing
vendors:
  - id: pat
    name: Pat Plumber
    company: acme
    phone: "+13125550101"
    email: pat@example.com
    trades: [plumbing]
  - id: hana
    name: Hana HVAC
    phone: "+13125550102"
    email: hana@example.net
    trades: [hvac]
recurring:
  - id: filters
    property: elm
    description: Replace HVAC filters
    trade: hvac
    schedule: "0 9 1 */3 *"
"#;

    fn err(yaml: &str) -> ConfigError {
        match parse_portfolio(yaml, "test.yaml") {
            Ok(_) => panic!("expected an error for:\n{yaml}"),
            Err(e) => e,
        }
    }

    fn problems(yaml: &str) -> Vec<Problem> {
        match err(yaml) {
            ConfigError::Invalid { problems, .. } => problems,
            other => panic!("expected semantic problems, got: {other}"),
        }
    }

    fn has(problems: &[Problem], path: &str, words: &str) -> bool {
        problems
            .iter()
            .any(|p| p.path == path && p.message.contains(words))
    }

    #[test]
    fn the_sample_file_parses() {
        let p = match parse_portfolio(SAMPLE, "sample-portfolio.yaml") {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert!(p.properties.len() >= 4);
        assert!(p.vendors.len() >= 12);
    }

    #[test]
    fn the_minimal_test_portfolio_parses() {
        if let Err(e) = parse_portfolio(MINIMAL, "test.yaml") {
            panic!("{e}");
        }
    }

    #[test]
    fn a_misspelt_time_zone_names_file_path_value_and_the_nearest_zone() {
        let yaml = MINIMAL.replace("America/Chicago", "America/NewYork");
        let e = err(&yaml);
        let text = e.to_string();
        assert!(
            text.starts_with(
                "test.yaml: properties[0].timezone: \"America/NewYork\" is not an IANA time zone \
                 (e.g. America/New_York)"
            ),
            "{text}"
        );
        assert!(text.contains("line 9"), "{text}");
    }

    #[test]
    fn a_yaml_syntax_error_gives_line_and_column() {
        let yaml = "team:\n  name: x\n   email: [oops\n";
        let e = err(yaml);
        match &e {
            ConfigError::Syntax { line, column, .. } => assert!(*line >= 2 && *column >= 1),
            other => panic!("expected a syntax error, got {other}"),
        }
        let text = e.to_string();
        assert!(text.starts_with("test.yaml: line "), "{text}");
        assert!(text.contains("column"), "{text}");
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path_and_a_suggestion() {
        let yaml = MINIMAL.replace("    nte: 500", "    nte: 500\n    emergancy_contact: Bob");
        let text = err(&yaml).to_string();
        assert!(text.starts_with("test.yaml: properties[0]"), "{text}");
        assert!(text.contains("unknown field `emergancy_contact`"), "{text}");
    }

    #[test]
    fn an_unknown_top_level_field_is_named() {
        let yaml = format!("{MINIMAL}\nvendor_list: []\n");
        let text = err(&yaml).to_string();
        assert!(text.contains("unknown field `vendor_list`"), "{text}");
        assert!(text.starts_with("test.yaml: "), "{text}");
    }

    #[test]
    fn a_missing_field_is_named_with_its_parent_path() {
        let yaml = MINIMAL.replace("  email: pm@example.com\n", "");
        let text = err(&yaml).to_string();
        assert!(text.starts_with("test.yaml: team"), "{text}");
        assert!(text.contains("`email` is missing"), "{text}");
    }

    #[test]
    fn a_bad_phone_names_the_vendor_path() {
        let yaml = MINIMAL.replace("\"+13125550102\"", "\"call me\"");
        let text = err(&yaml).to_string();
        assert!(
            text.starts_with("test.yaml: vendors[1].phone: \"call me\" is not a phone number"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_trade_names_the_value_and_suggests_the_trade() {
        let yaml = MINIMAL.replace("trades: [hvac]", "trades: [hvca]");
        let text = err(&yaml).to_string();
        assert!(text.starts_with("test.yaml: vendors[1].trades"), "{text}");
        assert!(text.contains("unknown trade `hvca`"), "{text}");
        assert!(text.contains("did you mean `hvac`?"), "{text}");
    }

    #[test]
    fn a_misspelt_trade_as_a_list_key_is_named_in_the_path() {
        let yaml = MINIMAL.replace("plumbing: [pat]", "plumber: [pat]");
        let text = err(&yaml).to_string();
        assert!(
            text.starts_with(
                "test.yaml: properties[0].vendors.plumber: unknown trade `plumber` (did you mean \
                 `plumbing`?)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_wrongly_typed_value_is_described_in_plain_words() {
        let yaml = MINIMAL.replace(
            "    vendors:\n      plumbing: [pat]",
            "    heating_months: ten",
        );
        let text = err(&yaml).to_string();
        assert!(
            text.starts_with("test.yaml: properties[0].heating_months"),
            "{text}"
        );
        assert!(text.contains("expected a list"), "{text}");
    }

    #[test]
    fn an_empty_file_says_it_is_empty() {
        let text = err("# nothing yet\n").to_string();
        assert!(text.starts_with("test.yaml: the file is empty"), "{text}");
    }

    #[test]
    fn an_unknown_vendor_on_a_property_list_names_the_list_position() {
        let yaml = MINIMAL.replace("plumbing: [pat]", "plumbing: [pat, patt]");
        let e = err(&yaml);
        assert_eq!(
            e.to_string(),
            "test.yaml: properties[0].vendors.plumbing[1]: \"patt\" is not a vendor listed under \
             `vendors` (did you mean \"pat\"?)"
        );
    }

    #[test]
    fn a_vendor_without_the_trade_cannot_be_on_that_trade_list() {
        let yaml = MINIMAL.replace("plumbing: [pat]", "plumbing: [pat]\n      hvac: [pat]");
        let ps = problems(&yaml);
        assert!(
            has(&ps, "properties[0].vendors.hvac[0]", "does not do hvac"),
            "{ps:?}"
        );
    }

    #[test]
    fn backup_lists_are_checked_like_property_lists() {
        let yaml = format!("{MINIMAL}dispatch:\n  backups:\n    hvac: [hana, pat, ghost]\n");
        let ps = problems(&yaml);
        assert!(
            has(&ps, "dispatch.backups.hvac[1]", "does not do hvac"),
            "{ps:?}"
        );
        assert!(
            has(&ps, "dispatch.backups.hvac[2]", "\"ghost\" is not a vendor"),
            "{ps:?}"
        );
    }

    #[test]
    fn duplicate_ids_and_phones_are_reported() {
        let yaml = MINIMAL
            .replace("id: hana", "id: pat")
            .replace("+13125550102", "+1 (312) 555-0101");
        let ps = problems(&yaml);
        assert!(
            has(&ps, "vendors[1].id", "already used by vendors[0]"),
            "{ps:?}"
        );
        assert!(has(
            &ps,
            "vendors[1].phone",
            "+13125550101 is also the phone of vendors[0]"
        ));
    }

    #[test]
    fn an_unknown_company_is_reported_on_the_vendor() {
        let yaml = MINIMAL.replace("company: acme", "company: acne");
        let ps = problems(&yaml);
        assert!(
            has(
                &ps,
                "vendors[0].company",
                "\"acne\" is not a company listed under `companies`"
            ),
            "{ps:?}"
        );
        assert!(
            has(&ps, "vendors[0].company", "did you mean \"acme\"?"),
            "{ps:?}"
        );
    }

    #[test]
    fn a_vendor_must_have_a_trade() {
        let yaml = MINIMAL.replace("trades: [hvac]", "trades: []");
        let ps = problems(&yaml);
        assert!(
            has(&ps, "vendors[1].trades", "at least one trade"),
            "{ps:?}"
        );
    }

    #[test]
    fn nte_must_be_positive_and_not_above_the_emergency_nte() {
        let yaml = MINIMAL.replace("nte: 500", "nte: 0");
        assert!(has(&problems(&yaml), "properties[0].nte", "more than $0"));
        let yaml = MINIMAL.replace("emergency_nte: 1500", "emergency_nte: 400");
        let text = err(&yaml).to_string();
        assert_eq!(
            text,
            "test.yaml: properties[0].emergency_nte: $400 is less than the routine NTE of $500; \
             the emergency NTE must be at least the NTE"
        );
    }

    #[test]
    fn heating_months_must_be_real_months() {
        let yaml = MINIMAL.replace(
            "    nte: 500",
            "    nte: 500\n    heating_months: [11, 0, 13]",
        );
        let ps = problems(&yaml);
        assert!(has(
            &ps,
            "properties[0].heating_months[1]",
            "0 is not a month"
        ));
        assert!(has(
            &ps,
            "properties[0].heating_months[2]",
            "13 is not a month"
        ));
    }

    #[test]
    fn recurring_templates_need_a_known_property_and_a_valid_schedule() {
        let yaml = MINIMAL
            .replace("property: elm", "property: elmm")
            .replace("\"0 9 1 */3 *\"", "\"0 25 1 */3 *\"");
        let ps = problems(&yaml);
        assert!(
            has(&ps, "recurring[0].property", "\"elmm\" is not a property"),
            "{ps:?}"
        );
        assert!(
            has(&ps, "recurring[0].property", "did you mean \"elm\"?"),
            "{ps:?}"
        );
        assert!(
            has(&ps, "recurring[0].schedule", "the hour field \"25\""),
            "{ps:?}"
        );
    }

    #[test]
    fn templates_whose_ids_differ_only_in_case_are_refused_and_long_shared_starts_are_fine() {
        let two = |a: &str, b: &str| {
            MINIMAL.replace(
                "recurring:\n  - id: filters",
                &format!(
                    "recurring:\n  - id: {a}\n    property: elm\n    description: Check\n    \
                     trade: hvac\n    schedule: \"0 9 1 * *\"\n  - id: {b}"
                ),
            )
        };
        // The first 12 letters are the same: still two templates, two kinds of work order.
        let fine = two("monthly-checks-pest", "monthly-checks-plumbing");
        let p = parse_portfolio(&fine, "test.yaml").unwrap();
        assert_ne!(
            p.recurring[0].id.occurrence_key(),
            p.recurring[1].id.occurrence_key()
        );
        let ps = problems(&two("Monthly-Pest", "monthly-pest"));
        assert!(
            has(
                &ps,
                "recurring[1].id",
                "\"monthly-pest\" collides with recurring[0] (\"Monthly-Pest\")"
            ),
            "{ps:?}"
        );
        // The same id twice is reported once, as a duplicate.
        let ps = problems(&two("filters", "filters"));
        assert_eq!(
            ps.iter().filter(|p| p.path == "recurring[1].id").count(),
            1,
            "{ps:?}"
        );
    }

    #[test]
    fn an_unknown_message_key_is_named() {
        let yaml = format!("{MINIMAL}messages:\n  no_such_message_key_xyz: Hello\n");
        let ps = problems(&yaml);
        assert!(
            has(
                &ps,
                "messages.no_such_message_key_xyz",
                "\"no_such_message_key_xyz\" is not a message key"
            ),
            "{ps:?}"
        );
    }

    #[test]
    fn a_misspelt_message_key_suggests_the_closest_known_key() {
        // The key list is filled in elsewhere; this test only bites once it has entries.
        let Some(known) = crate::messages::KEYS.first() else {
            return;
        };
        let typo = format!("{known}x");
        let yaml = format!("{MINIMAL}messages:\n  {typo}: Hello\n");
        let ps = problems(&yaml);
        assert!(has(
            &ps,
            &format!("messages.{typo}"),
            &format!("did you mean {known:?}?")
        ));
    }

    #[test]
    fn quiet_hours_must_not_start_and_end_at_the_same_time() {
        let yaml = format!("{MINIMAL}policy:\n  quiet_start: \"08:00\"\n");
        let ps = problems(&yaml);
        assert!(has(
            &ps,
            "policy.quiet_end",
            "start and end at the same time (08:00)"
        ));
        let yaml = MINIMAL.replace(
            "    nte: 500",
            "    nte: 500\n    policy:\n      quiet_end: \"21:00\"",
        );
        let ps = problems(&yaml);
        assert!(
            has(&ps, "properties[0].policy.quiet_end", "same time (21:00)"),
            "{ps:?}"
        );
    }

    #[test]
    fn a_portfolio_needs_a_property_and_a_vendor() {
        let yaml = "team:\n  name: T\n  email: t@example.com\nproperties: []\nvendors: []\n";
        let ps = problems(yaml);
        assert!(has(&ps, "properties", "at least one property"));
        assert!(has(&ps, "vendors", "at least one vendor"));
    }

    #[test]
    fn several_errors_are_reported_together_each_with_file_and_path() {
        let yaml = MINIMAL
            .replace("plumbing: [pat]", "plumbing: [nobody]")
            .replace("company: acme", "company: nowhere")
            .replace("emergency_nte: 1500", "emergency_nte: 100")
            .replace("\"0 9 1 */3 *\"", "\"every monday\"");
        let e = err(&yaml);
        let ps = e.problems();
        assert_eq!(ps.len(), 4, "{ps:?}");
        let text = e.to_string();
        assert!(text.starts_with("test.yaml: 4 problems\n"), "{text}");
        for path in [
            "properties[0].vendors.plumbing[0]",
            "properties[0].emergency_nte",
            "vendors[0].company",
            "recurring[0].schedule",
        ] {
            assert!(
                text.contains(&format!("\n  test.yaml: {path}: ")),
                "{path} in {text}"
            );
        }
    }

    #[test]
    fn load_portfolio_names_a_missing_file() {
        let e = match load_portfolio(Path::new("/nonexistent/portfolio.yaml")) {
            Ok(_) => panic!("loaded a missing file"),
            Err(e) => e,
        };
        assert!(
            e.to_string()
                .starts_with("/nonexistent/portfolio.yaml: cannot read the file")
        );
    }

    #[test]
    fn parse_cron_accepts_five_fields_and_rejects_others() {
        assert!(parse_cron("0 9 1 */3 *").is_ok());
        assert!(parse_cron("30 8 * * MON-FRI").is_ok());
        let e = match parse_cron("0 0 9 1 */3 *") {
            Err(e) => e,
            Ok(_) => panic!("six fields accepted"),
        };
        assert!(e.contains("has 6 fields"), "{e}");
        assert!(parse_cron("0 9 1 13 *").is_err_and(|e| e.contains("the month field \"13\"")));
        assert!(parse_cron("60 9 * * *").is_err_and(|e| e.contains("the minute field")));
        assert!(parse_cron("0 9 * * 8").is_err_and(|e| e.contains("day-of-week field, 8 is not")));
        assert!(parse_cron("0 9 1 * 1").is_err_and(|e| e.contains("both")));
        assert!(parse_cron("0 9 30 2 *").is_err_and(|e| e.contains("never happens")));
    }

    #[test]
    fn parse_cron_uses_crontab_day_numbers_where_1_is_monday_and_0_and_7_are_sunday() {
        let from = chrono::Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single();
        let Some(from) = from else {
            panic!("bad test date")
        };
        let weekday_of = |expr: &str| -> Vec<Weekday> {
            match parse_cron(expr) {
                Ok(s) => s.after(&from).take(3).map(|t| t.weekday()).collect(),
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!(weekday_of("0 9 * * 1"), vec![Weekday::Mon; 3]);
        assert_eq!(weekday_of("0 9 * * 0"), vec![Weekday::Sun; 3]);
        assert_eq!(weekday_of("0 9 * * 7"), vec![Weekday::Sun; 3]);
        assert_eq!(weekday_of("0 9 * * sat"), vec![Weekday::Sat; 3]);
        assert_eq!(
            weekday_of("0 9 * * 5-7"),
            vec![Weekday::Fri, Weekday::Sat, Weekday::Sun]
        );
        assert_eq!(
            weekday_of("0 9 * * FRI-SUN"),
            vec![Weekday::Fri, Weekday::Sat, Weekday::Sun]
        );
        let first = parse_cron("15 9 1 */3 *")
            .ok()
            .and_then(|s| s.after(&from).next());
        assert_eq!(
            first.map(|t| (t.month(), t.day(), t.hour(), t.minute(), t.second())),
            Some((1, 1, 9, 15, 0))
        );
    }

    #[test]
    fn closest_suggests_only_plausible_typos() {
        assert_eq!(closest("plumbng", ["plumbing", "pest"]), Some("plumbing"));
        assert_eq!(
            closest("electrician", ["plumbing", "electrical"]),
            Some("electrical")
        );
        assert_eq!(closest("roof", ["plumbing", "electrical"]), None);
    }
}
