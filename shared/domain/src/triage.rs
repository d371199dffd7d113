//! Triage as the domain keeps it: the language engine's reading of a tenant's description
//! (`mendwork_language::triage`) with the texts people read taken from the message catalogue
//! (safety instructions and tips, `advice`). The record is stored with the work order, so its
//! shape only grows: fields added later default when an older record is read.

use serde::{Deserialize, Serialize};

use crate::advice;
use crate::catalogue;
use crate::types::{EmergencyKind, Language, Priority, Trade};
pub use mendwork_language::Diagnosis;

pub use mendwork_language::triage::{MAX_TIPS, SafetyQuestion, Tip, TriageInput};

/// The outcome of triage, as stored on the work order.
///
/// Invariants:
/// - `priority == Priority::Emergency` exactly when `emergency.is_some()`, and exactly then
///   `safety_instructions` is `Some` (the English text of [`safety_instructions`] for that kind).
/// - `question` is `None` for an emergency; when `Some`, the priority is at least urgent.
/// - `trade` is the input's category when one was given.
/// - `diagnosis` is one plain sentence ending with a period; `drivers` is never empty.
/// - `tips` holds at most [`MAX_TIPS`] texts in English (for staff pages and records stored
///   before tips were typed); `tip_keys` are the same tips as typed values, for the tenant's
///   language, and are empty when the portfolio's own tips replaced them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// Who should fix it: the category when given, else the trade the words point to.
    pub trade: Trade,
    pub priority: Priority,
    /// The most dangerous emergency the description shows, if any.
    pub emergency: Option<EmergencyKind>,
    /// One plain-words sentence in English, e.g. "Likely a failed supply line under the sink in
    /// the kitchen: active water leak." (for staff pages, records and integrations).
    pub diagnosis: String,
    /// The same sentence as the catalogue names it, to word it in each reader's language
    /// ([`Triage::diagnosis_in`]); `None` on work orders triaged before diagnoses were keyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis_key: Option<Diagnosis>,
    /// The facts that drove the decision, e.g. `mentions "water everywhere"`.
    pub drivers: Vec<String>,
    /// For emergencies only: what the tenant must do right now, in English.
    pub safety_instructions: Option<String>,
    /// 0–3 short, safe troubleshooting tips, in English (or the portfolio's own).
    pub tips: Vec<String>,
    /// The tips as typed values, to word them in the tenant's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tip_keys: Vec<Tip>,
    /// The one yes/no safety question that would settle a danger the words leave open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<SafetyQuestion>,
}

/// What the tenant must do right now for each kind of emergency, in English.
///
/// Invariant: plain text, one short paragraph, under 320 characters, so it fits an SMS pair and
/// the top of the confirmation page.
pub fn safety_instructions(kind: EmergencyKind) -> &'static str {
    advice::safety_instructions(kind, Language::En)
}

/// [`safety_instructions`] in the tenant's language. Same invariant.
pub fn safety_instructions_in(kind: EmergencyKind, lang: Language) -> &'static str {
    advice::safety_instructions(kind, lang)
}

impl Triage {
    /// The diagnosis in `lang`: from the catalogue when the work order was triaged with a key,
    /// else the English sentence it was stored with.
    pub fn diagnosis_in(&self, lang: Language) -> String {
        match &self.diagnosis_key {
            Some(d) => render_diagnosis(d, lang),
            None => self.diagnosis.clone(),
        }
    }
}

/// The sentence `d` names, in `lang`, from the catalogue.
pub fn render_diagnosis(d: &Diagnosis, lang: Language) -> String {
    let in_room = d
        .room
        .as_ref()
        .map(|r| {
            let room = catalogue::render(&format!("room.{r}"), lang, &[]);
            catalogue::render("diagnosis.in_room", lang, &[("room", room)])
        })
        .unwrap_or_default();
    let trade = catalogue::render(&format!("trade.{}", d.trade.as_str()), lang, &[]);
    catalogue::render(
        &format!("diagnosis.{}", d.key),
        lang,
        &[("in_room", in_room), ("trade", trade)],
    )
}

/// Triages one description. Deterministic: the same input always gives the same output.
pub fn triage(input: &TriageInput) -> Triage {
    let a = mendwork_language::triage::triage(input);
    Triage {
        trade: a.trade,
        priority: a.priority,
        emergency: a.emergency,
        diagnosis: render_diagnosis(&a.diagnosis, Language::En),
        diagnosis_key: Some(a.diagnosis),
        drivers: a.drivers,
        safety_instructions: a.emergency.map(|k| safety_instructions(k).to_string()),
        tips: a
            .tips
            .iter()
            .map(|t| advice::tip(*t, Language::En).to_string())
            .collect(),
        tip_keys: a.tips,
        question: a.question,
    }
}

/// The tips a tenant reads, in their language: the typed tips when triage chose them, else the
/// texts as written (the portfolio's own tips, or a record stored before tips were typed).
pub fn tips_in(triage: &Triage, lang: Language) -> Vec<String> {
    if triage.tip_keys.is_empty() {
        triage.tips.clone()
    } else {
        triage
            .tip_keys
            .iter()
            .map(|t| advice::tip(*t, lang).to_string())
            .collect()
    }
}
