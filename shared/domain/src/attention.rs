//! Why a work order needs the team: the cause of [`Event::NeedsAttention`], a typed value
//! decided where the workflow raises it and put into words only where people read it (the PM
//! queue, the work-order page, the timeline, the team's email, the API and webhooks), from the
//! catalogue (`pm.attention.*`, `pm.overdue.*`; English and Spanish; a portfolio may override
//! them like any message). Whatever acts on a cause — the PMS sync not writing its own flags
//! back, the danger alert replacing the generic email — decides on the variant, never on words.
//!
//! A cause recorded before causes were typed is the English sentence of the time
//! ([`Cause::Legacy`], stored under `reason`); it loads and is shown as written.
//!
//! [`Event::NeedsAttention`]: crate::workorder::Event::NeedsAttention

use crate::candidates::SkipReason;
use crate::localtime::format_instant_in;
use crate::messages::render_in;
use crate::overdue::Step;
use crate::portfolio::{Portfolio, VendorId};
use crate::stored;
use crate::types::{Language, Money, Trade};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Why a work order needs the team. Serialised with its `code` (stable snake_case, part of the
/// API and webhook contract) and its data as fields; a legacy cause is a bare string.
///
/// Invariant: the text fields a cause keeps (a PMS's name and vendor id, a legacy sentence) are
/// cut to [`stored::MAX_STATE_TEXT`] and its list of vendors passed over to
/// [`stored::MAX_TRIED`] ([`Cause::bounded`]), so a work order's state stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Cause {
    /// No vendor of `trade` could be offered the job and none had been offered it; those
    /// listed but not offerable are in `passed_over`.
    NoVendor {
        trade: Trade,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        passed_over: Vec<PassedOver>,
    },
    /// Every vendor of `trade` offered the job declined it or let the offer lapse.
    AllDeclined {
        trade: Trade,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        passed_over: Vec<PassedOver>,
    },
    /// `vendor` accepted, was nudged as often as the policy allows, and picked no time.
    TimeNotPicked { vendor: VendorId },
    /// The tenant did not confirm the time the vendor proposed before it lapsed.
    ProposalUnconfirmed,
    /// The vendor, asked as often as the policy allows, never said whether the job is done.
    OutcomeUnknown,
    /// The owner (or the team) declined the vendor's estimate of `amount`.
    EstimateDeclined {
        #[serde(with = "crate::types::dollars")]
        amount: Money,
    },
    /// The team's PMS (`system`, e.g. `buildium`) marks the request completed while the job
    /// is open here. Never written back to that PMS: it raised it.
    CompletedInPms { system: String },
    /// The team's PMS assigned the request to its vendor `pms_vendor`, no active vendor here.
    /// Never written back to that PMS: it raised it.
    UnknownVendorInPms { system: String, pms_vendor: String },
    /// A step of the workflow did not happen by `due` ([`crate::overdue`]); `vendor` is the
    /// one who had the job or its offer then.
    Overdue {
        step: Step,
        due: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vendor: Option<VendorId>,
    },
    /// The tenant reported danger now ([`crate::danger`]); its own alert goes to the team.
    DangerReported,
    /// A cause recorded before causes were typed, in the English words of the time.
    #[serde(untagged)]
    Legacy(String),
}

/// A vendor dispatch passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedOver {
    pub vendor: VendorId,
    pub reason: SkipReason,
}

/// Every cause's [`Cause::code`], for the API's document and the tests.
pub const CODES: [&str; 11] = [
    "no_vendor",
    "all_declined",
    "time_not_picked",
    "proposal_unconfirmed",
    "outcome_unknown",
    "estimate_declined",
    "completed_in_pms",
    "unknown_vendor_in_pms",
    "overdue",
    "danger_reported",
    "other",
];

impl Cause {
    /// The cause's stable snake_case code, as the API and webhooks give it (`other` for a
    /// legacy cause, which has none).
    pub fn code(&self) -> &'static str {
        match self {
            Cause::NoVendor { .. } => "no_vendor",
            Cause::AllDeclined { .. } => "all_declined",
            Cause::TimeNotPicked { .. } => "time_not_picked",
            Cause::ProposalUnconfirmed => "proposal_unconfirmed",
            Cause::OutcomeUnknown => "outcome_unknown",
            Cause::EstimateDeclined { .. } => "estimate_declined",
            Cause::CompletedInPms { .. } => "completed_in_pms",
            Cause::UnknownVendorInPms { .. } => "unknown_vendor_in_pms",
            Cause::Overdue { .. } => "overdue",
            Cause::DangerReported => "danger_reported",
            Cause::Legacy(_) => "other",
        }
    }

    /// Whether the PMS `system` raised this cause itself (its "completed", a vendor of its own
    /// that is not one here): written back, the flag would undo what the team set there.
    pub fn raised_by_pms(&self, system: &str) -> bool {
        match self {
            Cause::CompletedInPms { system: s } | Cause::UnknownVendorInPms { system: s, .. } => {
                s == system
            }
            _ => false,
        }
    }

    /// Whether the team is told of this cause by the generic "needs attention" email: not for
    /// a report of danger, which has its own alert (`pm.danger.*`) sent with it.
    pub fn emails_the_team(&self) -> bool {
        !matches!(self, Cause::DangerReported)
    }

    /// The cause as the state keeps it (see the type's invariant).
    pub fn bounded(self) -> Cause {
        let cut = |s: String| stored::state_text(&s);
        let few = |mut v: Vec<PassedOver>| {
            v.truncate(stored::MAX_TRIED);
            v
        };
        match self {
            Cause::NoVendor { trade, passed_over } => Cause::NoVendor {
                trade,
                passed_over: few(passed_over),
            },
            Cause::AllDeclined { trade, passed_over } => Cause::AllDeclined {
                trade,
                passed_over: few(passed_over),
            },
            Cause::CompletedInPms { system } => Cause::CompletedInPms {
                system: cut(system),
            },
            Cause::UnknownVendorInPms { system, pms_vendor } => Cause::UnknownVendorInPms {
                system: cut(system),
                pms_vendor: cut(pms_vendor),
            },
            Cause::Legacy(words) => Cause::Legacy(cut(words)),
            other => other,
        }
    }

    /// The cause in words for the team, in `lang`: the catalogue's text (or the portfolio's
    /// override) with vendor names from `portfolio` and times in `tz`. A legacy cause reads as
    /// written.
    pub fn describe(&self, portfolio: &Portfolio, tz: Tz, lang: Language) -> String {
        let say = |key: &str, vars: &[(&str, String)]| render_in(portfolio, key, lang, vars);
        let name = |id: &VendorId| {
            portfolio
                .vendor(id)
                .map_or_else(|| id.to_string(), |v| v.name.clone())
        };
        let trade = |t: &Trade| say(&format!("trade.{}", t.as_str()), &[]);
        let nobody = |key: &str, t: &Trade, passed: &[PassedOver]| {
            let first = say(key, &[("trade", trade(t))]);
            if passed.is_empty() {
                return first;
            }
            let names: Vec<String> = passed
                .iter()
                .map(|p| skipped(portfolio, lang, &name(&p.vendor), &p.reason))
                .collect();
            let rest = say("pm.attention.passed_over", &[("vendors", names.join(", "))]);
            format!("{first}; {rest}")
        };
        match self {
            Cause::NoVendor { trade, passed_over } => {
                nobody("pm.attention.no_vendor", trade, passed_over)
            }
            Cause::AllDeclined { trade, passed_over } => {
                nobody("pm.attention.all_declined", trade, passed_over)
            }
            Cause::TimeNotPicked { vendor } => {
                say("pm.attention.time_not_picked", &[("vendor", name(vendor))])
            }
            Cause::ProposalUnconfirmed => say("pm.attention.proposal_unconfirmed", &[]),
            Cause::OutcomeUnknown => say("pm.attention.outcome_unknown", &[]),
            Cause::EstimateDeclined { amount } => say(
                "pm.attention.estimate_declined",
                &[("amount", amount.to_string())],
            ),
            Cause::CompletedInPms { system } => say(
                "pm.attention.completed_in_pms",
                &[("system", pms_name(system).to_string())],
            ),
            Cause::UnknownVendorInPms { system, pms_vendor } => say(
                "pm.attention.unknown_vendor_in_pms",
                &[
                    ("system", pms_name(system).to_string()),
                    ("vendor", pms_vendor.clone()),
                ],
            ),
            Cause::Overdue { step, due, vendor } => {
                let vendor = vendor
                    .as_ref()
                    .map_or_else(|| say("pm.attention.the_vendor", &[]), name);
                say(
                    step.key(),
                    &[
                        ("vendor", vendor),
                        ("due", format_instant_in(tz, *due, lang)),
                    ],
                )
            }
            Cause::DangerReported => say("pm.attention.danger_reported", &[]),
            Cause::Legacy(words) => words.clone(),
        }
    }
}

/// A vendor passed over and why, e.g. `Pat Ortiz (insurance expired Mar 3, 2026)`.
fn skipped(portfolio: &Portfolio, lang: Language, vendor: &str, why: &SkipReason) -> String {
    match why {
        SkipReason::InsuranceExpired { expired } => {
            let date = match lang {
                Language::En => expired.format("%b %-d, %Y").to_string(),
                Language::Es => expired
                    .format_localized("%-d de %B de %Y", chrono::Locale::es_US)
                    .to_string(),
            };
            render_in(
                portfolio,
                "pm.attention.insurance_expired",
                lang,
                &[("vendor", vendor.to_string()), ("date", date)],
            )
        }
    }
}

/// A PMS's name as the team reads it.
pub fn pms_name(system: &str) -> &str {
    match system {
        "buildium" => "Buildium",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::catalogue;

    #[test]
    fn every_cause_text_has_english_and_spanish_words_with_the_same_placeholders() {
        let keys = [
            "pm.attention.no_vendor",
            "pm.attention.all_declined",
            "pm.attention.passed_over",
            "pm.attention.insurance_expired",
            "pm.attention.time_not_picked",
            "pm.attention.proposal_unconfirmed",
            "pm.attention.outcome_unknown",
            "pm.attention.estimate_declined",
            "pm.attention.completed_in_pms",
            "pm.attention.unknown_vendor_in_pms",
            "pm.attention.danger_reported",
            "pm.attention.the_vendor",
        ];
        let steps = [
            Step::Triage,
            Step::Offer,
            Step::OfferAnswer,
            Step::Scheduling,
            Step::Proposal,
            Step::Reminder,
            Step::Outcome,
            Step::Approval,
            Step::Invoice,
            Step::Close,
            Step::SafetyQuestion,
        ];
        for key in keys.into_iter().chain(steps.map(Step::key)) {
            let en = catalogue::exact(key, Language::En).unwrap_or_else(|| panic!("{key}"));
            let es = catalogue::exact(key, Language::Es).unwrap_or_else(|| panic!("{key} (es)"));
            let (mut pe, mut ps) = (catalogue::placeholders(en), catalogue::placeholders(es));
            pe.sort_unstable();
            ps.sort_unstable();
            assert_eq!(pe, ps, "{key}");
        }
    }

    #[test]
    fn a_cause_serialises_with_its_code_and_a_legacy_one_as_its_words() {
        let c = Cause::CompletedInPms {
            system: "buildium".into(),
        };
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["code"], "completed_in_pms");
        assert_eq!(v["system"], "buildium");
        assert_eq!(serde_json::from_value::<Cause>(v).unwrap(), c);
        let old: Cause =
            serde_json::from_str("\"Pat accepted but has not picked a time\"").unwrap();
        assert_eq!(
            old,
            Cause::Legacy("Pat accepted but has not picked a time".into())
        );
        assert_eq!(old.code(), "other");
    }

    #[test]
    fn only_the_pms_that_raised_a_flag_is_said_to_have_raised_it() {
        let c = Cause::UnknownVendorInPms {
            system: "buildium".into(),
            pms_vendor: "4242".into(),
        };
        assert!(c.raised_by_pms("buildium"));
        assert!(!c.raised_by_pms("appfolio"));
        assert!(!Cause::OutcomeUnknown.raised_by_pms("buildium"));
        assert!(
            !Cause::Legacy("Buildium marks this request completed".into())
                .raised_by_pms("buildium")
        );
    }

    #[test]
    fn a_long_legacy_sentence_or_pms_vendor_id_is_cut_to_the_state_bound() {
        let long = "word ".repeat(400);
        let Cause::Legacy(kept) = Cause::Legacy(long.clone()).bounded() else {
            panic!("still legacy")
        };
        assert!(kept.chars().count() <= stored::MAX_STATE_TEXT);
        let Cause::UnknownVendorInPms { pms_vendor, .. } = (Cause::UnknownVendorInPms {
            system: "buildium".into(),
            pms_vendor: long,
        })
        .bounded() else {
            panic!("same variant")
        };
        assert!(pms_vendor.chars().count() <= stored::MAX_STATE_TEXT);
    }
}
