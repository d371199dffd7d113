//! Why an appointment was called off: the reason of [`Event::Unscheduled`], a typed value
//! decided where the workflow drops the appointment and put into words only where people read
//! it (the tenant's and the vendor's texts, the API and webhooks), from the catalogue
//! (`unscheduled.*`, English and Spanish; a portfolio may override them like any message).
//!
//! A reason recorded before reasons were typed is the English sentence of the time
//! ([`Reason::Legacy`], stored under the same `reason` field); it loads and is shown as written.
//!
//! [`Event::Unscheduled`]: crate::workorder::Event::Unscheduled

use crate::localtime::format_window_in;
use crate::messages::render_in;
use crate::portfolio::Portfolio;
use crate::types::Language;
use crate::workorder::{Actor, Window};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Why an appointment was called off. Serialised with its `code` (stable snake_case, part of
/// the API and webhook contract) and its data as fields; a legacy reason is a bare string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// The vendor proposed another time for the job they had scheduled.
    VendorProposed,
    /// `by` (the tenant, the vendor or the team) asked to reschedule; `window` is the time the
    /// tenant asked for instead, when they named one still ahead (absent in events stored before
    /// it existed).
    AskedToReschedule {
        by: Actor,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Window>,
    },
    /// The team assigned the job again to the vendor who had it, so the old time is off.
    Reassigned,
    /// The vendor's estimate is over the limit: the visit waits for the owner's approval.
    NeedsApproval,
    /// A reason recorded before reasons were typed, in the English words of the time.
    #[serde(untagged)]
    Legacy(String),
}

/// Every reason's [`Reason::code`], for the API's document and the tests.
pub const CODES: [&str; 5] = [
    "vendor_proposed",
    "asked_to_reschedule",
    "reassigned",
    "needs_approval",
    "other",
];

impl Reason {
    /// The reason's stable snake_case code, as the API and webhooks give it (`other` for a
    /// legacy reason, which has none).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::VendorProposed => "vendor_proposed",
            Reason::AskedToReschedule { .. } => "asked_to_reschedule",
            Reason::Reassigned => "reassigned",
            Reason::NeedsApproval => "needs_approval",
            Reason::Legacy(_) => "other",
        }
    }

    /// The reason in words for a reader of `lang`: the catalogue's text (or the portfolio's
    /// override). In English, who asked to reschedule is named as the timeline names actors
    /// (`vendor pat-plumbing`, `PM Dana`); in Spanish the tenant reads "usted", "el técnico" or
    /// "el equipo de la propiedad". The time a tenant asked for is said in `tz`, the property's
    /// zone. A legacy reason reads as written.
    pub fn describe(&self, portfolio: &Portfolio, tz: Tz, lang: Language) -> String {
        let say = |key: &str, vars: &[(&str, String)]| render_in(portfolio, key, lang, vars);
        match self {
            Reason::VendorProposed => say("unscheduled.vendor_proposed", &[]),
            Reason::AskedToReschedule { by, window } => match by {
                Actor::Tenant => match window {
                    Some(w) => say(
                        "unscheduled.tenant_asked_for",
                        &[("when", format_window_in(tz, w, lang))],
                    ),
                    None => say("unscheduled.tenant_asked", &[]),
                },
                Actor::Vendor(v) => say("unscheduled.vendor_asked", &[("vendor", v.to_string())]),
                other => say("unscheduled.team_asked", &[("who", other.to_string())]),
            },
            Reason::Reassigned => say("unscheduled.reassigned", &[]),
            Reason::NeedsApproval => say("unscheduled.needs_approval", &[]),
            Reason::Legacy(words) => words.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::portfolio::VendorId;

    fn all() -> Vec<Reason> {
        vec![
            Reason::VendorProposed,
            Reason::AskedToReschedule {
                by: Actor::Tenant,
                window: None,
            },
            Reason::AskedToReschedule {
                by: Actor::Vendor(VendorId("pat-plumbing".into())),
                window: None,
            },
            Reason::AskedToReschedule {
                by: Actor::Pm("Dana".into()),
                window: None,
            },
            Reason::Reassigned,
            Reason::NeedsApproval,
            Reason::Legacy("the tenant moved out".into()),
        ]
    }

    #[test]
    fn every_reason_has_a_listed_code_and_serialises_back_to_itself() {
        for r in all() {
            assert!(CODES.contains(&r.code()), "{r:?}");
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(serde_json::from_value::<Reason>(v).unwrap(), r);
        }
    }

    #[test]
    fn a_reason_stored_as_english_words_loads_as_legacy_with_code_other() {
        let old: Reason = serde_json::from_str("\"tenant asked to reschedule\"").unwrap();
        assert_eq!(old, Reason::Legacy("tenant asked to reschedule".into()));
        assert_eq!(old.code(), "other");
        let typed: Reason =
            serde_json::from_str(r#"{"code": "asked_to_reschedule", "by": {"type": "tenant"}}"#)
                .unwrap();
        assert_eq!(
            typed,
            Reason::AskedToReschedule {
                by: Actor::Tenant,
                window: None
            }
        );
    }
}
