//! Words people read about their safety, in English and Spanish: what to do now in each kind of
//! emergency (`safety.<kind>`), the troubleshooting tips triage picks (`tip.<tip>`), and the
//! yes/no safety questions that settle an open danger (`question.<question>`). Keyed by the typed
//! values the language engine returns, never by their English text; part of the message
//! catalogue (`catalogue/en.yaml`, `es.yaml`), so a portfolio may override any of them.
//!
//! Invariants (tested): every key has both languages; safety instructions are one short paragraph
//! under 320 characters, so they fit an SMS pair and the top of the confirmation page; questions
//! fit one SMS once Spanish accents are folded and end by saying how to answer.

use crate::catalogue;
use crate::types::{EmergencyKind, Language};
use mendwork_language::triage::{SafetyQuestion, Tip};

/// The catalogue key of the safety instructions for `kind`.
pub fn safety_key(kind: EmergencyKind) -> &'static str {
    match kind {
        EmergencyKind::Gas => "safety.gas",
        EmergencyKind::CarbonMonoxide => "safety.carbon_monoxide",
        EmergencyKind::Flooding => "safety.flooding",
        EmergencyKind::FireOrSparks => "safety.fire_or_sparks",
        EmergencyKind::Sewage => "safety.sewage",
        EmergencyKind::NoHeat => "safety.no_heat",
        EmergencyKind::Lockout => "safety.lockout",
        EmergencyKind::SecurityBreach => "safety.security_breach",
        EmergencyKind::PersonTrapped => "safety.person_trapped",
    }
}

/// The families of advice keys.
const PREFIXES: &[&str] = &["safety.", "tip.", "question."];

fn is_advice(key: &str) -> bool {
    PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The default text of an advice key in `lang` (a key missing in Spanish reads in English).
pub fn text(key: &str, lang: Language) -> Option<&'static str> {
    is_advice(key).then(|| catalogue::text(key, lang)).flatten()
}

/// Whether `key` is an advice key (with an English text).
pub fn is_key(key: &str) -> bool {
    is_advice(key) && catalogue::exact(key, Language::En).is_some()
}

/// Every advice key, in catalogue order.
pub fn keys() -> impl Iterator<Item = &'static str> {
    catalogue::texts(Language::En)
        .keys()
        .iter()
        .copied()
        .filter(|k| is_advice(k))
}

/// Whether `key` has a Spanish text.
pub fn is_spanish_key(key: &str) -> bool {
    is_advice(key) && catalogue::exact(key, Language::Es).is_some()
}

/// What the tenant must do right now for `kind`, in `lang`.
pub fn safety_instructions(kind: EmergencyKind, lang: Language) -> &'static str {
    text(safety_key(kind), lang).unwrap_or_default()
}

/// A tip's text in `lang`.
pub fn tip(tip: Tip, lang: Language) -> &'static str {
    text(tip.key(), lang).unwrap_or_default()
}

/// A safety question's text in `lang` (with a `{code}` placeholder for the request).
pub fn question(q: SafetyQuestion, lang: Language) -> &'static str {
    text(q.key(), lang).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tip_question_and_kind_has_its_text_in_both_languages() {
        let mut keys: Vec<&str> = Tip::ALL.iter().map(|t| t.key()).collect();
        keys.extend(SafetyQuestion::ALL.iter().map(|q| q.key()));
        keys.extend(EmergencyKind::ALL.iter().map(|k| safety_key(*k)));
        for key in &keys {
            assert!(is_key(key), "{key} has no English text");
            assert!(is_spanish_key(key), "{key} has no Spanish text");
        }
        assert_eq!(
            super::keys().count(),
            keys.len(),
            "a text no typed value uses"
        );
    }

    #[test]
    fn safety_instructions_are_short_and_the_spanish_lockout_keeps_the_911_rule() {
        for kind in EmergencyKind::ALL {
            for lang in [Language::En, Language::Es] {
                let s = safety_instructions(kind, lang);
                assert!(
                    !s.is_empty() && s.chars().count() < 320,
                    "{kind:?} {lang:?}: {s}"
                );
            }
        }
        assert!(safety_instructions(EmergencyKind::Lockout, Language::Es).contains("911"));
        assert!(safety_instructions(EmergencyKind::Lockout, Language::En).contains("911"));
    }

    /// The digit runs of a text (911, 62, 1/4…): what must not be lost in translation.
    fn numbers(text: &str) -> std::collections::BTreeSet<&str> {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect()
    }

    #[test]
    fn every_advice_text_carries_the_same_numbers_in_both_languages() {
        for key in keys() {
            let en = text(key, Language::En).unwrap_or_default();
            let es = catalogue::exact(key, Language::Es).unwrap_or_default();
            assert_eq!(numbers(en), numbers(es), "{key}\n  en: {en}\n  es: {es}");
        }
    }

    #[test]
    fn the_spanish_lockout_text_says_to_call_911_for_a_child_a_pet_or_a_stove_inside() {
        let es = safety_instructions(EmergencyKind::Lockout, Language::Es);
        for essential in ["niño", "mascota", "estufa", "911"] {
            assert!(es.contains(essential), "{essential}: {es}");
        }
    }

    #[test]
    fn every_question_fits_one_sms_and_says_how_to_answer() {
        for q in SafetyQuestion::ALL {
            let en = question(q, Language::En);
            assert!(
                en.contains("Reply YES or NO") && en.contains("{code}"),
                "{en}"
            );
            let es = crate::messages::for_sms(question(q, Language::Es).to_string(), Language::Es);
            assert!(
                es.contains("Responda SI o NO") && es.contains("{code}"),
                "{es}"
            );
            for text in [en.to_string(), es] {
                let filled = text.replace("{code}", "KP27");
                assert_eq!(crate::segments::sms_segments(&filled), 1, "{filled}");
            }
        }
    }
}
