//! The value types that words are read into, shared with the domain: trades, priorities, emergency
//! kinds, languages, money and job codes. They live here because the language engine produces
//! them; `mendwork-domain` re-exports them, so its callers see no difference.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The trade a repair needs; decides which vendors may be offered the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trade {
    Plumbing,
    Electrical,
    Hvac,
    Appliance,
    Locksmith,
    Pest,
    Roofing,
    General,
}

impl Trade {
    pub const ALL: [Trade; 8] = [
        Trade::Plumbing,
        Trade::Electrical,
        Trade::Hvac,
        Trade::Appliance,
        Trade::Locksmith,
        Trade::Pest,
        Trade::Roofing,
        Trade::General,
    ];

    /// The API spelling (`"hvac"`, `"plumbing"`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Trade::Plumbing => "plumbing",
            Trade::Electrical => "electrical",
            Trade::Hvac => "hvac",
            Trade::Appliance => "appliance",
            Trade::Locksmith => "locksmith",
            Trade::Pest => "pest",
            Trade::Roofing => "roofing",
            Trade::General => "general",
        }
    }

    /// Words a person would use for it ("Heating & cooling").
    pub fn label(self) -> &'static str {
        match self {
            Trade::Plumbing => "Plumbing",
            Trade::Electrical => "Electrical",
            Trade::Hvac => "Heating & cooling",
            Trade::Appliance => "Appliance",
            Trade::Locksmith => "Locks & keys",
            Trade::Pest => "Pest control",
            Trade::Roofing => "Roofing",
            Trade::General => "General repair",
        }
    }

    pub fn parse(s: &str) -> Option<Trade> {
        let s = s.trim().to_ascii_lowercase();
        Trade::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for Trade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How fast a job must move. Ordered: `Emergency` is the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Emergency,
    Urgent,
    Routine,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::Urgent => "urgent",
            Priority::Routine => "routine",
        }
    }
}

/// The kinds of emergency triage must never miss; each has its own safety instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyKind {
    Gas,
    CarbonMonoxide,
    Flooding,
    FireOrSparks,
    Sewage,
    NoHeat,
    Lockout,
    SecurityBreach,
    /// Someone shut in and unable to get out: a stuck elevator with people inside, a child
    /// locked in a room.
    PersonTrapped,
}

impl EmergencyKind {
    pub const ALL: [EmergencyKind; 9] = [
        EmergencyKind::Gas,
        EmergencyKind::CarbonMonoxide,
        EmergencyKind::Flooding,
        EmergencyKind::FireOrSparks,
        EmergencyKind::Sewage,
        EmergencyKind::NoHeat,
        EmergencyKind::Lockout,
        EmergencyKind::SecurityBreach,
        EmergencyKind::PersonTrapped,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EmergencyKind::Gas => "gas smell",
            EmergencyKind::CarbonMonoxide => "carbon monoxide",
            EmergencyKind::Flooding => "active water leak / flooding",
            EmergencyKind::FireOrSparks => "sparks, smoke or fire",
            EmergencyKind::Sewage => "sewage backup",
            EmergencyKind::NoHeat => "no heat in freezing weather",
            EmergencyKind::Lockout => "lockout",
            EmergencyKind::SecurityBreach => "security breach (broken lock, door or window)",
            EmergencyKind::PersonTrapped => "person trapped",
        }
    }

    /// The hazard's name as the tenant reads it, in their language.
    pub fn label_in(self, lang: Language) -> &'static str {
        match (lang, self) {
            (Language::En, k) => k.label(),
            (Language::Es, EmergencyKind::Gas) => "olor a gas",
            (Language::Es, EmergencyKind::CarbonMonoxide) => "monóxido de carbono",
            (Language::Es, EmergencyKind::Flooding) => "fuga de agua o inundación",
            (Language::Es, EmergencyKind::FireOrSparks) => "chispas, humo o fuego",
            (Language::Es, EmergencyKind::Sewage) => "desbordamiento de aguas negras",
            (Language::Es, EmergencyKind::NoHeat) => "sin calefacción con frío",
            (Language::Es, EmergencyKind::Lockout) => "se quedó fuera sin llave",
            (Language::Es, EmergencyKind::SecurityBreach) => "cerradura, puerta o ventana rota",
            (Language::Es, EmergencyKind::PersonTrapped) => "persona atrapada",
        }
    }
}

/// The language a tenant chose on the form; their messages and pages use it. Work orders
/// stored before tenants had a language read as English.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    /// The ISO 639-1 code, as in `?lang=` and the JSON API.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// From an ISO 639-1 code (`en`, `es`, any case); `None` for a language we do not speak.
    pub fn parse(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }

    /// The language's name in itself, for staff pages.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Es => "Español",
        }
    }
}

/// An amount of money in whole cents (US dollars). Never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub u64);

impl Money {
    pub fn from_dollars(d: u64) -> Money {
        Money(d * 100)
    }
    pub fn cents(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Money {
    /// `$1,150` for whole dollars, `$385.50` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = self.0 / 100;
        let cents = self.0 % 100;
        let digits = dollars.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if cents == 0 {
            write!(f, "${grouped}")
        } else {
            write!(f, "${grouped}.{cents:02}")
        }
    }
}

/// The short job number vendors see and may text back: two letters then two digits, e.g. `KP27`.
///
/// Invariant: always 4 ASCII characters, letters from [`JobCode::LETTERS`], digits from
/// [`JobCode::DIGITS`] — chosen so that a code can never be mistaken for a word, a number, an
/// amount or a time such as `10am`, and has no look-alike characters (0/O, 1/I/L).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JobCode(String);

impl JobCode {
    pub const LETTERS: &'static [u8] = b"ACDEFGHJKMNPQRTUVWXY";
    pub const DIGITS: &'static [u8] = b"23456789";

    /// Parses a code as a person may type it (`kp27`, `#KP27`).
    pub fn parse(s: &str) -> Option<JobCode> {
        let s = s.trim().trim_start_matches('#').to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() == 4
            && Self::LETTERS.contains(&b[0])
            && Self::LETTERS.contains(&b[1])
            && Self::DIGITS.contains(&b[2])
            && Self::DIGITS.contains(&b[3])
        {
            Some(JobCode(s))
        } else {
            None
        }
    }

    /// Builds the code from four random numbers (any range; taken modulo the alphabets).
    pub fn from_seed(seed: [u32; 4]) -> JobCode {
        let l = Self::LETTERS;
        let d = Self::DIGITS;
        let chars = [
            l[seed[0] as usize % l.len()],
            l[seed[1] as usize % l.len()],
            d[seed[2] as usize % d.len()],
            d[seed[3] as usize % d.len()],
        ];
        JobCode(chars.iter().map(|&c| c as char).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for JobCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        JobCode::parse(&s).ok_or_else(|| format!("not a job code: {s:?}"))
    }
}

impl From<JobCode> for String {
    fn from(c: JobCode) -> String {
        c.0
    }
}

impl fmt::Display for JobCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_displays_with_thousands_separators_and_cents_only_when_needed() {
        assert_eq!(Money(115_000).to_string(), "$1,150");
        assert_eq!(Money(38_550).to_string(), "$385.50");
        assert_eq!(Money(123_456_789).to_string(), "$1,234,567.89");
    }

    #[test]
    fn job_codes_parse_case_insensitively_and_reject_look_alikes_and_times() {
        assert_eq!(
            JobCode::parse("#kp27").map(|c| c.to_string()),
            Some("KP27".into())
        );
        assert!(JobCode::parse("10am").is_none());
        assert!(JobCode::parse("KO27").is_none());
        assert!(JobCode::parse("KP20").is_none());
        assert!(JobCode::parse("KP2").is_none());
    }
}

/// The triage's one-sentence diagnosis as the catalogue names it, so that each reader gets it in
/// their language: the text is `diagnosis.<key>`, its `{in_room}` is `diagnosis.in_room` with
/// `room.<room>` (or nothing when no room was named), its `{trade}` is `trade.<trade>`.
///
/// Invariants: `key` is one of the keys of `rules/diagnoses.yaml` (lowercase letters, digits,
/// `_` and `.`), and `room`, when present, one of its rooms with `_` for spaces (`living_room`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnosis {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    pub trade: Trade,
}
