//! Serde's and the YAML parser's messages rewritten in a PM's words: paths and locations
//! taken out (shown separately), types named plainly, and the nearest known name suggested
//! for a typo.

use crate::types::Trade;

/// serde_path_to_error writes `?` for a map key it could not read (`properties[1].vendors.?`
/// for a misspelt trade); put the key as written back in so the PM can find it.
pub(super) fn name_unknown_key(path: String, raw: &str) -> String {
    match (path.strip_suffix('?'), backticked(raw).first()) {
        (Some(parent), Some(given)) => format!("{parent}{given}"),
        _ => path,
    }
}

/// Removes the ` at line L column C` serde_yaml_ng appends, since we show it our own way.
pub(super) fn strip_location(msg: &str, line: usize, column: usize) -> String {
    msg.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// serde_yaml_ng prefixes messages with its own path (`properties[1].timezone: `); we report the
/// serde_path_to_error path separately, so drop it. A prefix counts as a path only if it has
/// no spaces or quotes, so ordinary messages containing `: ` are left alone.
pub(super) fn strip_path_prefix(msg: &str) -> &str {
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
pub(super) fn humanize(path: &str, raw: &str) -> String {
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
pub(super) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
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
