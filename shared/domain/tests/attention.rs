//! Why a work order needs the team, as people read it: each cause in the catalogue's words
//! (English and Spanish) with names from the portfolio, and a cause stored before causes were
//! typed loaded and shown as written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::attention::{Cause, PassedOver};
use mendwork_domain::candidates::SkipReason;
use mendwork_domain::decide::{Recorded, replay};
use mendwork_domain::overdue::Step;
use mendwork_domain::*;
use support::*;

fn said(c: &Cause, lang: Language) -> String {
    c.describe(&PORTFOLIO, chrono_tz::America::New_York, lang)
}

#[test]
fn an_event_stored_before_causes_were_typed_loads_and_reads_as_written_in_both_languages() {
    let words = "Every plumbing vendor on the list declined or did not answer";
    let old = serde_json::json!({
        "at": "2026-03-04T17:00:00Z",
        "event": {"kind": "needs_attention", "reason": words}
    });
    let recorded: Recorded = serde_json::from_value(old).unwrap();
    let Event::NeedsAttention { cause } = &recorded.event else {
        panic!("{:?}", recorded.event)
    };
    assert_eq!(cause, &Cause::Legacy(words.into()));
    assert_eq!(cause.code(), "other");
    assert_eq!(said(cause, Language::En), words);
    assert_eq!(said(cause, Language::Es), words);
    // Written again, it reads back the same.
    let again: Recorded = serde_json::from_value(serde_json::to_value(&recorded).unwrap()).unwrap();
    assert_eq!(again.event, recorded.event);
    // Folded into a work order, the state keeps the words as its cause.
    let mut history = Given::offered_to_pat().history;
    history.push(recorded);
    let wo = replay(&history).unwrap();
    assert_eq!(wo.status, Status::NeedsAttention);
    assert_eq!(wo.attention, Some(Cause::Legacy(words.into())));
}

#[test]
fn a_work_order_stored_before_causes_were_typed_keeps_its_attention_words() {
    let g = Given::offered_to_pat()
        .later(hours(1))
        .did(Command::TimerFired {
            kind: TimerKind::AcceptTimeout,
            generation: 1,
        });
    let mut state = serde_json::to_value(&g.wo).unwrap();
    state["attention"] = serde_json::json!("No vendor took it.");
    let wo: WorkOrder = serde_json::from_value(state).unwrap();
    assert_eq!(
        wo.attention,
        Some(Cause::Legacy("No vendor took it.".into()))
    );
}

#[test]
fn each_cause_reads_in_english_and_spanish_with_the_vendor_named_from_the_portfolio() {
    let feb_28 = chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
    let c = Cause::NoVendor {
        trade: Trade::Plumbing,
        passed_over: vec![PassedOver {
            vendor: vid("pat"),
            reason: SkipReason::InsuranceExpired { expired: feb_28 },
        }],
    };
    assert_eq!(
        said(&c, Language::En),
        "No plumbing vendor is available for this property; passed over: Pat Ortiz (insurance \
         expired Feb 28, 2026)"
    );
    assert_eq!(
        said(&c, Language::Es),
        "No hay ningún técnico de plomería disponible para esta propiedad; no se les ofreció: \
         Pat Ortiz (el seguro venció el 28 de febrero de 2026)"
    );
    let late = Cause::Overdue {
        step: Step::Outcome,
        due: "2026-03-04T17:00:00Z".parse().unwrap(),
        vendor: None,
    };
    assert_eq!(
        said(&late, Language::En),
        "Overdue since Wed Mar 4, 12:00 PM: nobody asked the vendor whether the job is done. \
         Ask them."
    );
    assert!(said(&late, Language::Es).starts_with("Atrasado desde miércoles 4 de marzo"));
    let picked = Cause::TimeNotPicked { vendor: vid("pat") };
    assert_eq!(
        said(&picked, Language::Es),
        "Pat Ortiz aceptó pero no ha elegido una hora"
    );
}

#[test]
fn every_cause_has_its_code_listed_and_no_two_causes_share_one() {
    let causes = [
        Cause::NoVendor {
            trade: Trade::General,
            passed_over: vec![],
        },
        Cause::AllDeclined {
            trade: Trade::General,
            passed_over: vec![],
        },
        Cause::TimeNotPicked { vendor: vid("pat") },
        Cause::ProposalUnconfirmed,
        Cause::OutcomeUnknown,
        Cause::EstimateDeclined { amount: money(800) },
        Cause::CompletedInPms {
            system: "buildium".into(),
        },
        Cause::UnknownVendorInPms {
            system: "buildium".into(),
            pms_vendor: "4242".into(),
        },
        Cause::Overdue {
            step: Step::Close,
            due: "2026-03-04T17:00:00Z".parse().unwrap(),
            vendor: None,
        },
        Cause::DangerReported,
        Cause::Legacy("words".into()),
    ];
    let codes: Vec<&str> = causes.iter().map(Cause::code).collect();
    assert_eq!(codes, mendwork_domain::attention::CODES);
    for c in &causes {
        // Every typed cause reads back from what it writes.
        let back: Cause = serde_json::from_value(serde_json::to_value(c).unwrap()).unwrap();
        assert_eq!(&back, c);
        assert!(!said(c, Language::En).is_empty());
    }
}
