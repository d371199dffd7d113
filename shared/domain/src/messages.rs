//! Message texts (email and SMS): the catalogue's defaults (`catalogue/en.yaml`, `es.yaml`),
//! which a portfolio may override by key (`<key>`, and `<key>.es` for the Spanish text).
//! Placeholders are `{name}`; SMS defaults stay in the GSM-7 alphabet so they fit one segment
//! where the content allows.

use crate::catalogue;
use crate::portfolio::Portfolio;
use crate::types::Language;
use crate::workorder::{Rejection, Status};
use std::sync::LazyLock;

/// The suffix of a portfolio's override of a Spanish text.
pub const SPANISH_SUFFIX: &str = ".es";

/// Every key a portfolio may override under `messages:` (in catalogue order): every text of the
/// English catalogue but the fixed ones (see [`catalogue::is_overridable`]).
pub static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    catalogue::texts(Language::En)
        .keys()
        .iter()
        .copied()
        .filter(|k| catalogue::is_overridable(k))
        .collect()
});

/// The text for `key` (the portfolio's override, else the default) with `{name}` placeholders
/// filled from `vars`; unknown placeholders are left as written so a typo is visible, not lost.
pub fn render(portfolio: &Portfolio, key: &str, vars: &[(&str, String)]) -> String {
    render_in(portfolio, key, Language::En, vars)
}

/// [`render`] in `lang`. A Spanish text is the portfolio's `<key>.es`, else the Spanish
/// default; a key with no Spanish text (staff and vendor messages) stays in English.
pub fn render_in(
    portfolio: &Portfolio,
    key: &str,
    lang: Language,
    vars: &[(&str, String)],
) -> String {
    let spanish = match lang {
        Language::Es => portfolio
            .messages
            .get(&format!("{key}{SPANISH_SUFFIX}"))
            .map(String::as_str)
            .or_else(|| catalogue::exact(key, Language::Es)),
        Language::En => None,
    };
    let template = spanish
        .or_else(|| portfolio.messages.get(key).map(String::as_str))
        .or_else(|| catalogue::exact(key, Language::En))
        .unwrap_or(key);
    catalogue::fill(template, vars)
}

/// An SMS text as sent to a reader of `lang`. Spanish's á, í, ó and ú (and capitals) are not
/// in the GSM-7 alphabet — é, ñ, ü, ¿ and ¡ are — and one of them would send the whole text as
/// UCS-2, in segments of 70 characters instead of 160; they are written without their accent,
/// as Spanish texts often are.
pub fn for_sms(text: String, lang: Language) -> String {
    match lang {
        Language::En => text,
        Language::Es => text
            .chars()
            .map(|c| match c {
                'á' => 'a',
                'í' => 'i',
                'ó' => 'o',
                'ú' => 'u',
                'Á' => 'A',
                'Í' => 'I',
                'Ó' => 'O',
                'Ú' => 'U',
                c => c,
            })
            .collect(),
    }
}

/// True when `key` has a default text a portfolio may override.
pub fn is_key(key: &str) -> bool {
    catalogue::is_overridable(key)
}

/// True when a portfolio may override `key` under `messages:`: a message key, or a key with a
/// Spanish text followed by [`SPANISH_SUFFIX`].
pub fn is_override_key(key: &str) -> bool {
    is_key(key)
        || key
            .strip_suffix(SPANISH_SUFFIX)
            .is_some_and(|k| is_key(k) && catalogue::exact(k, Language::Es).is_some())
}

/// The keys that have a Spanish text (each also has an English one).
pub fn spanish_keys() -> impl Iterator<Item = &'static str> {
    catalogue::texts(Language::Es)
        .keys()
        .iter()
        .copied()
        .filter(|k| is_key(k))
}

/// Why `rejection` refused a command, in `lang`, from the catalogue (`refusal.*`; the portfolio
/// may override them): a sentence fragment, as the rejection's `Display` is. A staff-only
/// [`Rejection::Invalid`] keeps its English words for staff and reads as a generic "couldn't be
/// done" to anyone else, so no English sentence reaches a Spanish reader.
pub fn refusal(portfolio: &Portfolio, rejection: &Rejection, lang: Language) -> String {
    let (key, vars) = refusal_key(rejection, lang);
    match (rejection, lang) {
        (Rejection::Invalid(words), Language::En) => words.clone(),
        _ => render_in(portfolio, key, lang, &vars),
    }
}

/// The catalogue key of a rejection and the values its text needs, said in `lang`.
pub fn refusal_key(
    rejection: &Rejection,
    lang: Language,
) -> (&'static str, Vec<(&'static str, String)>) {
    let none = Vec::new;
    match rejection {
        Rejection::WrongStatus(code) => {
            let status = Status::parse(code)
                .map(|s| catalogue::render(status_key(s), lang, &[]))
                .unwrap_or_else(|| code.replace('_', " "));
            ("refusal.wrong_status", vec![("status", status)])
        }
        Rejection::NotYourJob => ("refusal.not_your_job", none()),
        Rejection::NoSuchSlot { asked, count } => (
            "refusal.no_such_slot",
            vec![("asked", asked.to_string()), ("count", count.to_string())],
        ),
        Rejection::NoSlots => ("refusal.no_slots", none()),
        Rejection::BadWindow => ("refusal.bad_window", none()),
        Rejection::VisitOtherProperty {
            visit,
            visit_property,
            wo_property,
        } => (
            "refusal.visit_other_property",
            vec![
                ("visit", visit.clone()),
                ("visit_property", visit_property.clone()),
                ("wo_property", wo_property.clone()),
            ],
        ),
        Rejection::VisitTaken => ("refusal.visit_taken", none()),
        Rejection::ApprovalNotOpen => ("refusal.approval_not_open", none()),
        Rejection::UnknownVendor => ("refusal.unknown_vendor", none()),
        Rejection::VendorInactive(v) => ("refusal.vendor_inactive", vec![("vendor", v.clone())]),
        Rejection::BadRating => ("refusal.bad_rating", none()),
        Rejection::OptedOut => ("refusal.opted_out", none()),
        Rejection::VisitCancelled => ("refusal.visit_cancelled", none()),
        Rejection::VisitCheckedOut => ("refusal.visit_checked_out", none()),
        Rejection::VisitNotCheckedIn => ("refusal.visit_not_checked_in", none()),
        Rejection::TooManyWindows { max } => (
            "tenant.refusal.too_many_times",
            vec![("max", max.to_string())],
        ),
        Rejection::VendorBusy => ("refusal.vendor_busy", none()),
        Rejection::TimeTaken => ("refusal.time_taken", none()),
        Rejection::NoProposal => ("refusal.no_proposal", none()),
        Rejection::NoFeedbackAsked => ("refusal.no_feedback_asked", none()),
        Rejection::TooLateToCancel => ("refusal.too_late_to_cancel", none()),
        Rejection::NoSafetyQuestion => ("refusal.no_safety_question", none()),
        Rejection::DangerOnFinishedRequest => ("refusal.danger_on_finished_request", none()),
        Rejection::Invalid(_) => ("refusal.other", none()),
    }
}

/// The catalogue key of a status as a tenant reads it (`status.<status>`).
pub fn status_key(status: Status) -> &'static str {
    match status {
        Status::Submitted => "status.submitted",
        Status::Dispatching => "status.dispatching",
        Status::NeedsAttention => "status.needs_attention",
        Status::Accepted => "status.accepted",
        Status::Scheduled => "status.scheduled",
        Status::InProgress => "status.in_progress",
        Status::AwaitingApproval => "status.awaiting_approval",
        Status::Completed => "status.completed",
        Status::Closed => "status.closed",
        Status::Cancelled => "status.cancelled",
    }
}
