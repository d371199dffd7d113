//! Logs never carry a recipient's address or number. What the workflow logs names work orders
//! and outbox records by id; what services say (an SES or SNS error quoting the address it
//! refused) and error chains pass through [`redact`] on their way to a log, which replaces each
//! email address and phone number with a short tag of it — the same tag for the same value, so
//! a reader can still tell one recipient from another without learning who it is.

use sha2::{Digest, Sha256};
use std::error::Error;

/// A short, stable tag of a value (8 hex digits of its SHA-256): enough to correlate log lines,
/// not to recover the value.
pub fn tag(value: &str) -> String {
    Sha256::digest(value.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `text` with every email address replaced by `<email #tag>` and every phone number in E.164
/// form (`+` and 7–15 digits) by `<phone #tag>`.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // Where the text copied as it was begins (after the last replacement).
    let mut floor = 0;
    while i < chars.len() {
        if let Some(end) = phone_at(&chars, i) {
            let value: String = chars[i..end].iter().collect();
            out.push_str(&format!("<phone #{}>", tag(&value)));
            i = end;
            floor = end;
            continue;
        }
        if let Some((start, end)) = email_around(&chars, i, floor) {
            // The local part already copied is taken back.
            let copied = i - start;
            for _ in 0..copied {
                out.pop();
            }
            let value: String = chars[start..end].iter().collect();
            out.push_str(&format!("<email #{}>", tag(&value.to_lowercase())));
            i = end;
            floor = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// An error and its causes on one line (`outer: cause: root`, a cause already at the end of the
/// line not repeated), redacted.
pub fn chain(e: &(dyn Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    redact(&out)
}

/// The end of a phone number starting at `i`: `+` and 7–15 digits, not inside a longer number.
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    if chars[i] != '+' || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let digits = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (7..=15).contains(&digits).then_some(i + 1 + digits)
}

fn local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// When `chars[i]` is the `@` of an email address: where the address starts and ends.
/// The local part starts no earlier than `floor`.
fn email_around(chars: &[char], i: usize, floor: usize) -> Option<(usize, usize)> {
    if chars[i] != '@' {
        return None;
    }
    let mut start = i;
    while start > floor && local_char(chars[start - 1]) {
        start -= 1;
    }
    let mut end = i + 1;
    while end < chars.len() && domain_char(chars[end]) {
        end += 1;
    }
    // A trailing dot ends the sentence, not the domain.
    while end > i + 1 && chars[end - 1] == '.' {
        end -= 1;
    }
    let domain: String = chars[i + 1..end].iter().collect();
    let dotted = domain.contains('.') && !domain.starts_with('.');
    (start < i && dotted).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_numbers_become_stable_tags() {
        let text = "Email address is not verified. The following identities failed the check \
                    in region US-EAST-1: Ana.Lopez+wo@example.com. Texting +17185550199 failed.";
        let out = redact(text);
        assert!(!out.contains("example.com"), "{out}");
        assert!(!out.contains("Ana.Lopez"), "{out}");
        assert!(!out.contains("7185550199"), "{out}");
        assert!(out.contains("US-EAST-1: <email #"), "{out}");
        assert!(out.ends_with("failed."), "{out}");
        assert_eq!(out, redact(text), "the same value, the same tag");
        assert_ne!(
            redact("+17185550199"),
            redact("+17185550110"),
            "different values, different tags"
        );
    }

    #[test]
    fn ids_times_and_prose_are_left_alone() {
        for text in [
            "outbox record wo-abc123/4/0 carried out",
            "committing version 12 of wo-rdeadbeef00012603011400",
            "sequence 100000000000000000042 at 2026-03-04T15:00:00.000000000Z",
            "schedule mw-rec-maple-pest in group mendwork",
            "an @ alone, a+1 and user@localhost",
        ] {
            assert_eq!(redact(text), text);
        }
    }
}
