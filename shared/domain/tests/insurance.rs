//! Vendor insurance in dispatch: a vendor whose insurance expired before the day of the offer
//! (in the property's time zone) is passed over, with the reason on the timeline, once; a
//! policy expiring today still covers today; when every vendor is passed over the job goes to
//! the team as when the list runs out; the team may still assign an expired vendor by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::candidates::{Insurance, SkipReason, insurance};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::*;
use std::sync::LazyLock;
use support::*;

/// The test portfolio with insurance expiries: `(vendor, date)`.
fn insured(expiries: &[(&str, &str)]) -> &'static Portfolio {
    let mut yaml = PORTFOLIO_YAML.to_string();
    for (vendor, expires) in expiries {
        let at = format!("  - id: {vendor}\n");
        yaml = yaml.replacen(
            &at,
            &format!("{at}    insurance_expires: \"{expires}\"\n"),
            1,
        );
    }
    Box::leak(Box::new(parse_portfolio(&yaml, "test.yaml").unwrap()))
}

/// Pat's policy ended yesterday (Elm House's date is 2026-03-04 at [`now`]).
static PAT_EXPIRED: LazyLock<&'static Portfolio> =
    LazyLock::new(|| insured(&[("pat", "2026-03-03")]));

fn skipped(events: &[Event]) -> Vec<(String, SkipReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::VendorSkipped { vendor, reason } => Some((vendor.to_string(), *reason)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_vendor_whose_insurance_expired_is_passed_over_with_the_reason_and_the_next_is_offered() {
    let t = Given::submitted(elm_drip())
        .in_portfolio(*PAT_EXPIRED)
        .when(Command::Triage);
    assert_eq!(
        skipped(t.events()),
        [(
            "pat".to_string(),
            SkipReason::InsuranceExpired {
                expired: date(2026, 3, 3)
            }
        )]
    );
    assert_eq!(
        t.wo().offer.as_ref().map(|o| o.vendor.as_str()),
        Some("ray")
    );
    assert_eq!(t.wo().skipped, [vid("pat")]);
    // Pat is not told: the vendor passed over gets no text.
    let offers = t.sms("vendor.offer.sms");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].recipient, Recipient::Vendor(vid("ray")));
    // Nor suggested to the team at triage.
    assert!(t.has(|e| matches!(
        e,
        Event::Triaged { suggested_vendors, .. } if !suggested_vendors.contains(&vid("pat"))
    )));
}

#[test]
fn a_vendor_passed_over_is_recorded_once_however_often_dispatch_runs_again() {
    let t = Given::submitted(elm_drip())
        .in_portfolio(*PAT_EXPIRED)
        .did(Command::Triage)
        .later(minutes(5))
        .when(Command::Decline {
            vendor: vid("ray"),
            reason: None,
        });
    // Ray declined and no one is left: the team has it, Pat not recorded a second time.
    assert!(skipped(t.events()).is_empty(), "{:?}", t.events());
    assert_eq!(t.wo().status, Status::NeedsAttention);
}

#[test]
fn insurance_that_expires_today_still_covers_today_in_the_propertys_time_zone() {
    // 2026-03-05 02:00 UTC is still March 4 at Palm Court (6 PM in Los Angeles), whose Go-To
    // plumber is ray: a policy ending March 4 covers the offer, though UTC's date is March 5.
    let portfolio = insured(&[("ray", "2026-03-04")]);
    let t = Given::submitted_at(palm_drip(), utc("2026-03-05T02:00:00Z"))
        .in_portfolio(portfolio)
        .when(Command::Triage);
    assert!(skipped(t.events()).is_empty(), "{:?}", t.events());
    assert_eq!(
        t.wo().offer.as_ref().map(|o| o.vendor.as_str()),
        Some("ray")
    );
    // The next day there, it no longer does.
    let t = Given::submitted_at(palm_drip(), utc("2026-03-05T16:00:00Z"))
        .in_portfolio(portfolio)
        .when(Command::Triage);
    assert_eq!(skipped(t.events()).len(), 1, "{:?}", t.events());
    assert_eq!(
        t.wo().offer.as_ref().map(|o| o.vendor.as_str()),
        Some("pat")
    );
}

#[test]
fn when_every_vendor_is_passed_over_the_job_goes_to_the_team_saying_why() {
    let portfolio = insured(&[("pat", "2026-02-28"), ("ray", "2026-03-01")]);
    let t = Given::submitted(elm_drip())
        .in_portfolio(portfolio)
        .when(Command::Triage);
    let passed: Vec<String> = skipped(t.events()).into_iter().map(|(v, _)| v).collect();
    assert_eq!(passed, ["pat", "ray"]);
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert!(t.wo().offer.is_none());
    let reason = t.attention().unwrap();
    assert!(
        reason.starts_with("No plumbing vendor is available for this property")
            && reason.contains("Pat Ortiz (insurance expired Feb 28, 2026)")
            && reason.contains("Ray Diaz (insurance expired Mar 1, 2026)"),
        "{reason}"
    );
    assert!(!t.emails("pm.attention.email").is_empty());
}

#[test]
fn the_team_may_still_assign_a_vendor_whose_insurance_expired() {
    let t = Given::submitted(elm_drip())
        .in_portfolio(*PAT_EXPIRED)
        .did(Command::Triage)
        .when(Command::Assign {
            vendor: vid("pat"),
            by: pm(),
        });
    assert_eq!(t.wo().vendor, Some(vid("pat")));
}

#[test]
fn where_a_vendors_insurance_stands_on_a_day() {
    let p = insured(&[("pat", "2026-04-03"), ("ray", "2026-04-04")]);
    let pat = p.vendor(&vid("pat")).unwrap();
    let ray = p.vendor(&vid("ray")).unwrap();
    let eve = p.vendor(&vid("eve")).unwrap();
    let today = date(2026, 3, 4);
    assert_eq!(
        insurance(pat, today),
        Insurance::ExpiresSoon {
            expires: date(2026, 4, 3),
            days_left: 30
        }
    );
    assert_eq!(
        insurance(ray, today),
        Insurance::Current {
            expires: date(2026, 4, 4)
        }
    );
    assert_eq!(insurance(eve, today), Insurance::Unknown);
    assert_eq!(
        insurance(pat, date(2026, 4, 4)),
        Insurance::Expired {
            expires: date(2026, 4, 3)
        }
    );
}
