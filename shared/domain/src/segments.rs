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

    #[test]
    fn gsm7_covers_the_basic_and_extension_tables_only() {
        assert!(is_gsm7("Hello @ £5, ¿Qué tal? Ñandu {[~]} ^|\\ €"));
        assert!(!is_gsm7("sí"));
        assert!(!is_gsm7("“quoted”"));
        assert!(!is_gsm7("👍"));
    }
}
