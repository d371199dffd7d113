//! People's free text as we keep it: what the edges strip before anything is stored, shown or
//! sent.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// True for an invisible formatting character (Unicode category Cf) we do not keep: the bidi
/// overrides and isolates that make a text read differently from what it says (`U+202E`
/// turns `exe.txt` into `txt.exe` on screen), zero-width spaces, the BOM, tag characters.
/// The zero-width joiner and non-joiner stay: they only join letters or emoji, and some
/// scripts (and emoji sequences) need them.
pub fn is_hidden_format(c: char) -> bool {
    c != '\u{200C}' && c != '\u{200D}' && c.general_category() == GeneralCategory::Format
}

/// `text` without [`is_hidden_format`] characters. Invariant: the result has none, and a text
/// with none comes back unchanged.
pub fn strip_hidden_format(text: &str) -> String {
    text.chars().filter(|c| !is_hidden_format(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_overrides_isolates_and_zero_width_spaces_are_stripped_and_joiners_kept() {
        let text = "sink\u{202E}kcab\u{202C} \u{2066}x\u{2069}\u{200B}\u{FEFF}👩\u{200D}🔧";
        assert_eq!(strip_hidden_format(text), "sinkkcab x👩\u{200D}🔧");
    }

    #[test]
    fn ordinary_text_in_any_script_comes_back_unchanged() {
        for t in [
            "Kitchen sink drips",
            "¿Qué pasa? Ñandú",
            "水漏れ",
            "\n\ttabs",
        ] {
            assert_eq!(strip_hidden_format(t), t);
        }
    }
}
