//! SMS segments: how many parts an outgoing text is billed and delivered as (GSM-7 or UCS-2).
//! Kept with the messages, which must fit their budgets, not with the reply parser.

/// Number of SMS segments `text` takes: GSM-7 (extension-table chars like €[]{}^~\| count 2
/// septets) 160 single / 153 per part; otherwise UCS-2 70 / 67 counted in UTF-16 code units.
///
/// Parts are filled the way handsets split them: an escaped GSM-7 char or a surrogate pair is
/// never cut across two parts, so a part may hold one unit less than the nominal size. Empty text
/// takes 0 segments.
pub fn sms_segments(text: &str) -> u32 {
    let septets: Option<Vec<usize>> = text.chars().map(gsm7_septets).collect();
    match septets {
        Some(septets) => count_segments(&septets, 160, 153),
        None => {
            let units: Vec<usize> = text.chars().map(char::len_utf16).collect();
            count_segments(&units, 70, 67)
        }
    }
}

/// True when every char is in the GSM 03.38 basic or extension table (so the text is sent as
/// GSM-7, not UCS-2). True for empty text.
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7_septets(c).is_some())
}

/// GSM 03.38 basic character set (the escape char itself is not text, so it is left out).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table: each costs an escape septet plus its own.
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

fn count_segments(units: &[usize], single: usize, part: usize) -> u32 {
    let total: usize = units.iter().sum();
    if total == 0 {
        return 0;
    }
    if total <= single {
        return 1;
    }
    let mut parts = 1usize;
    let mut used = 0usize;
    for &unit in units {
        if used + unit > part {
            parts += 1;
            used = 0;
        }
        used += unit;
    }
    u32::try_from(parts).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Language;

    #[test]
    fn a_160_char_gsm_text_is_one_segment_and_161_is_two() {
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
    }

    #[test]
    fn long_gsm_texts_split_in_parts_of_153() {
        assert_eq!(sms_segments(&"a".repeat(306)), 2);
        assert_eq!(sms_segments(&"a".repeat(307)), 3);
    }

    #[test]
    fn one_emoji_switches_the_text_to_ucs2() {
        let text = format!("{} 👍", "a".repeat(70));
        assert!(!is_gsm7(&text));
        assert_eq!(sms_segments("Done 👍"), 1);
        assert_eq!(sms_segments(&text), 2);
        assert_eq!(sms_segments(&"í".repeat(70)), 1);
        assert_eq!(sms_segments(&"í".repeat(71)), 2);
        assert_eq!(sms_segments(&"í".repeat(134)), 2);
        assert_eq!(sms_segments(&"í".repeat(135)), 3);
    }

    #[test]
    fn the_euro_sign_counts_two_septets() {
        assert!(is_gsm7("€"));
        assert_eq!(sms_segments(&format!("{}€", "a".repeat(158))), 1);
        assert_eq!(sms_segments(&format!("{}€", "a".repeat(159))), 2);
    }

    #[test]
    fn an_escaped_char_or_surrogate_pair_is_never_split_across_parts() {
        let gsm = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(sms_segments(&gsm), 3);
        let ucs2 = format!("{}😀{}", "í".repeat(66), "í".repeat(66));
        assert_eq!(sms_segments(&ucs2), 3);
    }

    #[test]
    fn empty_text_takes_no_segment() {
        assert_eq!(sms_segments(""), 0);
        assert!(is_gsm7(""));
    }

    /// Realistic values for every placeholder an SMS text uses, on the long side of real ones
    /// (a signed status link, a two-hour window with minutes, a vendor with a long name).
    fn realistic(lang: Language) -> Vec<(&'static str, String)> {
        use crate::Window;
        use crate::localtime::{format_window, format_window_in};
        use chrono::TimeZone;
        let tz: chrono_tz::Tz = chrono_tz::America::New_York;
        let at = |d: u32, h: u32, m: u32| {
            chrono::Utc
                .with_ymd_and_hms(2026, 3, d, h, m, 0)
                .single()
                .unwrap_or_default()
        };
        let window = |d: u32, h: u32, m: u32, hours: i64| {
            Window::new(at(d, h, m), at(d, h, m) + chrono::Duration::hours(hours))
                .unwrap_or_else(|| unreachable!("a window of hours"))
        };
        let slots: Vec<String> = [
            window(5, 14, 30, 2),
            window(6, 17, 0, 3),
            window(9, 13, 0, 4),
        ]
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{}) {}", i + 1, format_window(tz, w).replacen(',', "", 1)))
        .collect();
        let link = format!("https://maintenance.mapleproperty.com/s/{}", "x".repeat(86));
        vec![
            ("team", "Maple Property Management".into()),
            ("code", "KP27".into()),
            ("property", "Maple Court Apartments".into()),
            ("street", "1412 Maple Avenue".into()),
            ("address", "1412 Maple Avenue, Brooklyn, NY 11201".into()),
            ("unit", "12B".into()),
            ("name", "Guadalupe Hernandez".into()),
            ("tenant_phone", "+13475550188".into()),
            ("vendor", "Pat's Plumbing & Heating".into()),
            ("trade", "Plumbing".into()),
            ("summary", format!("{}...", "w".repeat(56))),
            ("description", "d".repeat(120)),
            ("expires", "4:35 PM".into()),
            ("when", format_window_in(tz, &window(5, 14, 30, 2), lang)),
            ("slots", slots.join(" ")),
            ("link", link),
            ("amount", "$1,250.00".into()),
            ("limit", "$500.00".into()),
            ("minutes", " (about 30 min)".into()),
            ("reason", "the vendor can't make it".into()),
            ("text", "t".repeat(100)),
            ("kind", "no heat".into()),
            (
                "instructions",
                crate::advice::safety_instructions(crate::types::EmergencyKind::NoHeat, lang)
                    .into(),
            ),
            ("expected", "Reply YES to confirm the time or NO.".into()),
            (
                "jobs",
                "KP27 (1412 Maple Avenue #12B), KQ31 (88 Elm Street #3)".into(),
            ),
            ("example", "YES KP27".into()),
        ]
    }

    /// The SMS texts of the catalogue: `*.sms`, `sms.*` and the safety questions.
    fn sms_keys() -> Vec<&'static str> {
        crate::catalogue::texts(Language::En)
            .keys()
            .iter()
            .copied()
            .filter(|k| k.ends_with(".sms") || k.starts_with("sms.") || k.starts_with("question."))
            .collect()
    }

    /// Offers, slot lists and bookings must stay within 2 segments, and so must the
    /// confirmation, whose "Danger now? Reply EMERGENCY" is there only while it fits; any other
    /// text within the budget every text is cut to (`budget::MAX_SMS_SEGMENTS`).
    fn budget(key: &str) -> u32 {
        const TIGHT: &[&str] = &[
            "tenant.confirmation.sms",
            "vendor.offer.sms",
            "vendor.slots.sms",
            "vendor.noslots.sms",
            "vendor.nudge.sms",
            "vendor.proposal_declined.sms",
            "tenant.proposal.sms",
            "tenant.scheduled.sms",
            "vendor.scheduled.sms",
        ];
        if TIGHT.contains(&key) {
            2
        } else {
            crate::budget::MAX_SMS_SEGMENTS
        }
    }

    #[test]
    fn every_sms_text_fits_its_budget_in_both_languages_with_realistic_values() {
        let mut report = vec![];
        for key in sms_keys() {
            for lang in [Language::En, Language::Es] {
                let Some(template) = crate::catalogue::exact(key, lang) else {
                    continue;
                };
                let vars = realistic(lang);
                let text = crate::messages::for_sms(crate::catalogue::fill(template, &vars), lang);
                assert!(
                    crate::catalogue::placeholders(&text).is_empty(),
                    "{key} {lang:?} uses a placeholder no SMS supplies: {text}"
                );
                assert!(is_gsm7(&text), "{key} {lang:?} is not GSM-7: {text}");
                let n = sms_segments(&text);
                assert!(n <= budget(key), "{key} {lang:?}: {n} segments: {text}");
                report.push(format!(
                    "{key} {lang:?} {n} ({} chars)",
                    text.chars().count()
                ));
            }
        }
        // Seen with `--nocapture`: the figures behind the budgets.
        println!("{}", report.join("\n"));
        assert!(report.len() > 60, "{}", report.len());
    }

    #[test]
    fn gsm7_covers_the_basic_and_extension_tables_only() {
        assert!(is_gsm7("Hello @ £5, ¿Qué tal? Ñandu {[~]} ^|\\ €"));
        assert!(!is_gsm7("sí"));
        assert!(!is_gsm7("“quoted”"));
        assert!(!is_gsm7("👍"));
    }
}
