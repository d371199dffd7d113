//! Country calling codes: which numbers the public form may have us text. SMS pumping fraud
//! sends a form's confirmation to premium-rate numbers abroad; a team texts its own country.

use crate::portfolio::{Phone, Portfolio};

/// The two-digit country calling codes (ITU-T E.164 zones 2–9). Codes are prefix-free: `1`
/// and `7` are the one-digit codes, these are the two-digit ones, every other number starts
/// with a three-digit code.
const TWO_DIGIT: &[&str] = &[
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// The area codes of the countries that share `+1` with the United States and Canada (the
/// Caribbean and Bermuda). Texts to them are international, priced as such, and a favourite of
/// SMS pumping, so each is a country of its own here (`"1876"` for Jamaica) and `"1"` means the
/// United States (with its territories) and Canada only.
const NANP_ABROAD: &[&str] = &[
    "242", "246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721", "758",
    "767", "784", "809", "829", "849", "868", "869", "876",
];

/// The country calling code of a number (`"1"` for `+15551234567`, `"44"` for `+4420…`,
/// `"1876"` for a Jamaican `+1876…`: see [`NANP_ABROAD`]).
pub fn calling_code(phone: &Phone) -> &str {
    let digits = phone.as_str().trim_start_matches('+');
    let abroad = digits.starts_with('1')
        && digits
            .get(1..4)
            .is_some_and(|area| NANP_ABROAD.contains(&area));
    let len = if abroad {
        4
    } else if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if TWO_DIGIT.iter().any(|c| digits.starts_with(c)) {
        2
    } else {
        3
    };
    digits.get(..len).unwrap_or(digits)
}

/// True when `code` is written as a calling code: one to three digits, not starting with 0,
/// or `1` and the area code of a country abroad that shares `+1` (`"1876"`).
pub fn is_calling_code(code: &str) -> bool {
    let plain = (1..=3).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_digit())
        && !code.starts_with('0');
    let nanp = code.len() == 4
        && code.starts_with('1')
        && code
            .get(1..)
            .is_some_and(|area| NANP_ABROAD.contains(&area));
    plain || nanp
}

/// The calling codes the form may text: the portfolio's `allowed_calling_codes`, else the
/// country of the team's phone, else the countries of the vendors' phones (the team works
/// where its vendors do). Invariant: never empty while the portfolio has a vendor or a team
/// phone.
pub fn allowed_codes(portfolio: &Portfolio) -> Vec<String> {
    let mut codes: Vec<String> = if !portfolio.allowed_calling_codes.is_empty() {
        portfolio.allowed_calling_codes.clone()
    } else if let Some(phone) = &portfolio.team.phone {
        vec![calling_code(phone).to_string()]
    } else {
        portfolio
            .vendors
            .iter()
            .map(|v| calling_code(&v.phone).to_string())
            .collect()
    };
    codes.sort();
    codes.dedup();
    codes
}

/// True when the public form may give us `phone` to text.
pub fn may_text_from_form(portfolio: &Portfolio, phone: &Phone) -> bool {
    let code = calling_code(phone);
    allowed_codes(portfolio).iter().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Phone {
        Phone::parse(s).unwrap()
    }

    #[test]
    fn a_number_s_calling_code_is_one_two_or_three_digits_by_its_zone() {
        assert_eq!(calling_code(&p("+15551234567")), "1");
        assert_eq!(calling_code(&p("+442071234567")), "44");
        assert_eq!(calling_code(&p("+79161234567")), "7");
        assert_eq!(calling_code(&p("+525512345678")), "52");
        assert_eq!(calling_code(&p("+2348012345678")), "234");
        assert_eq!(calling_code(&p("+88212345678")), "882");
    }

    #[test]
    fn calling_codes_are_one_to_three_digits_without_a_leading_zero() {
        assert!(is_calling_code("1"));
        assert!(is_calling_code("44"));
        assert!(is_calling_code("234"));
        assert!(!is_calling_code("0"));
        assert!(!is_calling_code("1234"));
        assert!(is_calling_code("1876"));
        assert!(!is_calling_code("+1"));
        assert!(!is_calling_code(""));
    }

    #[test]
    fn a_caribbean_number_on_the_north_american_plan_is_a_country_of_its_own() {
        assert_eq!(calling_code(&p("+18765551234")), "1876");
        assert_eq!(calling_code(&p("+18095551234")), "1809");
        // The United States' territories and Canada stay `1`.
        assert_eq!(calling_code(&p("+17875551234")), "1");
        assert_eq!(calling_code(&p("+14165551234")), "1");
        assert_eq!(calling_code(&p("+12125551234")), "1");
    }
}
