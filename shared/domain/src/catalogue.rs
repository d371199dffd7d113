//! The catalogue of words people read: one data file per language (`catalogue/en.yaml`,
//! `catalogue/es.yaml`), embedded in the binary and parsed once, and the one renderer that fills
//! their `{name}` placeholders. Messages, safety advice, statuses, refusals and form errors are
//! all keys here; code names a text by its key (or by a typed value that maps to one), never by
//! its English words.
//!
//! Invariants (tested): both files parse; every Spanish key has an English text with the same
//! placeholders (but those listed in [`LEFT_OUT_IN_SPANISH`]); every key a tenant reads has a
//! Spanish text. A key missing in Spanish reads in
//! English (staff, vendor and owner texts are English by design).

use crate::types::Language;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The English catalogue as shipped.
pub const EN_SOURCE: &str = include_str!("../catalogue/en.yaml");
/// The Spanish catalogue as shipped.
pub const ES_SOURCE: &str = include_str!("../catalogue/es.yaml");

/// One language's texts in file order (the order keys are listed in, e.g. for "did you mean").
#[derive(Debug, Default)]
pub struct Texts {
    keys: Vec<&'static str>,
    texts: BTreeMap<&'static str, &'static str>,
}

impl Texts {
    /// The keys in file order.
    pub fn keys(&self) -> &[&'static str] {
        &self.keys
    }
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.texts.get(key).copied()
    }
    pub fn contains(&self, key: &str) -> bool {
        self.texts.contains_key(key)
    }
}

/// Parses a catalogue file: a flat YAML map of key to text. The texts live as long as the
/// program (parsed once, from data embedded in it), so callers get `&'static str`.
pub fn parse(source: &str) -> Result<Texts, String> {
    let map: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(source).map_err(|e| e.to_string())?;
    let mut out = Texts::default();
    for (k, v) in map {
        let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
            return Err(format!("not a text: {k:?}: {v:?}"));
        };
        let k: &'static str = Box::leak(k.to_string().into_boxed_str());
        let v: &'static str = Box::leak(v.to_string().into_boxed_str());
        if out.texts.insert(k, v).is_some() {
            return Err(format!("{k} is listed twice"));
        }
        out.keys.push(k);
    }
    Ok(out)
}

/// A shipped file that does not parse leaves its language empty (every text then reads as its
/// key, visibly); the tests below refuse such a build.
fn load(source: &str) -> Texts {
    parse(source).unwrap_or_default()
}

static EN: LazyLock<Texts> = LazyLock::new(|| load(EN_SOURCE));
static ES: LazyLock<Texts> = LazyLock::new(|| load(ES_SOURCE));

/// The texts of one language.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::Es => &ES,
    }
}

/// The default text of `key` in `lang` exactly (no fallback to English).
pub fn exact(key: &str, lang: Language) -> Option<&'static str> {
    texts(lang).get(key)
}

/// The default text of `key` in `lang`, else in English.
pub fn text(key: &str, lang: Language) -> Option<&'static str> {
    exact(key, lang).or_else(|| exact(key, Language::En))
}

/// Keys no portfolio may override: the pages' words (form errors, statuses, the timeline, page
/// text), the reply hints, the HTML email's footer and how dates and times read are rendered
/// where no portfolio is at hand, so an override would be accepted and then ignored.
const FIXED_PREFIXES: &[&str] = &[
    "form.",
    "status.",
    "sms.expect.",
    "page.",
    "timeline.",
    "time.",
    "trade.",
    "priority.",
    "guard.",
    "email.",
];

/// Whether a portfolio may override `key` (it has an English text and is not fixed).
pub fn is_overridable(key: &str) -> bool {
    EN.contains(key) && !FIXED_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Keys read only by staff, vendors or owners (English by design, no Spanish text needed);
/// carrier keyword answers (`sms.help`, `sms.stopped`…) go to a number before its language is
/// known, so they are English too.
const ENGLISH_ONLY_PREFIXES: &[&str] = &["pm.", "vendor.", "owner."];
const ENGLISH_ONLY_KEYS: &[&str] = &[
    "sms.help",
    "sms.unknown_number",
    "sms.stopped",
    "sms.started",
    "sms.expect.vendor_offer",
    "sms.expect.vendor_slot",
    "sms.expect.vendor_scheduled",
    "sms.expect.vendor_on_site",
    "sms.expect.vendor_invoice",
    "refusal.not_your_job",
    "refusal.no_slots",
    "refusal.visit_other_property",
    "refusal.visit_taken",
    "refusal.approval_not_open",
    "refusal.unknown_vendor",
    "refusal.vendor_inactive",
    "refusal.opted_out",
    "refusal.visit_cancelled",
    "refusal.visit_checked_out",
    "refusal.visit_not_checked_in",
    "refusal.vendor_busy",
];

/// Whether a tenant may read `key`, so that it must have a Spanish text.
pub fn is_tenant_facing(key: &str) -> bool {
    !ENGLISH_ONLY_PREFIXES.iter().any(|p| key.starts_with(p)) && !ENGLISH_ONLY_KEYS.contains(&key)
}

/// Placeholders a Spanish text leaves out on purpose, by key. Who asked to reschedule is named
/// in English as the timeline names actors (`vendor pat-plumbing`, `PM Dana`), the words the
/// vendor's text and the webhooks always had; the Spanish tenant reads "el técnico" or "el
/// equipo de la propiedad", not an id.
pub const LEFT_OUT_IN_SPANISH: &[(&str, &str)] = &[
    ("unscheduled.vendor_asked", "vendor"),
    ("unscheduled.team_asked", "who"),
];

/// The placeholders a text uses, in order of first use.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = vec![];
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                if !out.contains(&name) {
                    out.push(name);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `template` with each `{name}` filled from `vars` (the last binding of a name wins, so callers
/// can override the common ones); an unknown placeholder is left as written so a typo is seen,
/// not lost.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                match vars.iter().rfind(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The default text of `key` in `lang` (else English, else the key itself) with `vars` filled
/// in, for texts no portfolio overrides (see [`crate::messages::render_in`] for the others).
pub fn render(key: &str, lang: Language, vars: &[(&str, String)]) -> String {
    fill(text(key, lang).unwrap_or(key), vars)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn both_shipped_files_parse_into_texts() {
        for (lang, source) in [(Language::En, EN_SOURCE), (Language::Es, ES_SOURCE)] {
            let parsed = parse(source).unwrap();
            assert!(
                parsed.keys().len() > 100,
                "{lang:?}: {}",
                parsed.keys().len()
            );
            assert_eq!(parsed.keys().len(), texts(lang).keys().len());
        }
    }

    #[test]
    fn a_key_listed_twice_or_a_text_that_is_not_a_string_is_refused() {
        assert!(parse("a: \"x\"\na: \"y\"\n").is_err());
        assert!(parse("a: [1, 2]\n").is_err());
        assert!(parse("a: \"x\"\nb: \"y\"\n").is_ok());
    }

    #[test]
    fn every_spanish_text_has_an_english_one_with_the_same_placeholders() {
        for key in texts(Language::Es).keys() {
            let es = exact(key, Language::Es).unwrap();
            let Some(en) = exact(key, Language::En) else {
                panic!("{key} has Spanish words but no English ones");
            };
            let mut pe = placeholders(en);
            pe.retain(|p| !LEFT_OUT_IN_SPANISH.contains(&(*key, *p)));
            let mut ps = placeholders(es);
            pe.sort_unstable();
            ps.sort_unstable();
            assert_eq!(pe, ps, "{key}: placeholders differ\n  en: {en}\n  es: {es}");
        }
    }

    #[test]
    fn every_placeholder_left_out_in_spanish_is_one_the_english_text_uses_and_spanish_does_not() {
        for (key, name) in LEFT_OUT_IN_SPANISH {
            let en = exact(key, Language::En).unwrap();
            let es = exact(key, Language::Es).unwrap();
            assert!(placeholders(en).contains(name), "{key}: {name}");
            assert!(!placeholders(es).contains(name), "{key}: {name}");
        }
    }

    #[test]
    fn every_text_a_tenant_reads_has_spanish_words() {
        let missing: Vec<&str> = texts(Language::En)
            .keys()
            .iter()
            .copied()
            .filter(|k| is_tenant_facing(k) && !texts(Language::Es).contains(k))
            .collect();
        assert!(missing.is_empty(), "no Spanish text: {missing:?}");
    }

    #[test]
    fn every_english_only_key_names_a_text() {
        for key in ENGLISH_ONLY_KEYS {
            assert!(texts(Language::En).contains(key), "{key}");
            assert!(
                !texts(Language::Es).contains(key),
                "{key} has Spanish words after all"
            );
        }
    }

    #[test]
    fn fill_replaces_known_placeholders_and_keeps_unknown_ones_visible() {
        let vars = [("code", "KP27".to_string()), ("code", "KP28".to_string())];
        assert_eq!(
            fill("#{code} {nope} {x y} {", &vars),
            "#KP28 {nope} {x y} {"
        );
        assert_eq!(placeholders("{a} {b} {a} {not one}"), ["a", "b"]);
    }
}
