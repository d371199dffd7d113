//! The vendors a job may be offered to, best first — decided here once for every offer (the
//! first one, the next after a decline or a lapse, the emergency offer after a YES, and the
//! vendors triage suggests to the team): the property's Go-To list for the trade, then the
//! portfolio's backups, then (if allowed) any vendor of the trade by rank; active, not opted
//! out, emergency-capable for emergencies, not already tried — and insured on the day.
//!
//! **Insurance.** A vendor whose insurance has expired (`insurance_expires`, imported from the
//! PMS) is not offered new jobs: an uninsured vendor on site is a liability the team does not
//! take. The day compared is the day of the offer in the property's time zone, and a policy
//! that expires on a date covers that whole date. A vendor with no recorded expiry is offered
//! (the rule acts on what the PMS says, not on what it does not). A vendor passed over for it
//! is on the timeline with the reason ([`Event::VendorSkipped`]), once per job; when every
//! vendor is passed over, the job goes to the team as when the list runs out. The team may
//! still assign an expired vendor by hand — `Command::Assign` does not check: the PM decides,
//! and the vendors page shows the expiry.

use crate::localtime::local_date;
use crate::portfolio::{Phone, Portfolio, Property, Vendor, VendorId};
use crate::stored;
use crate::types::Priority;
use crate::workorder::{Event, WorkOrder};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Days ahead within which an insurance expiry is shown as coming (the vendors page).
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Why dispatch passed a vendor over, as the timeline keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum SkipReason {
    /// The vendor's insurance expired on `expired` (covered through that date), before the
    /// day of the offer.
    InsuranceExpired { expired: NaiveDate },
}

impl SkipReason {
    /// In words, for the team's pages and emails (English, like the rest of the PM pages).
    pub fn describe(&self) -> String {
        match self {
            SkipReason::InsuranceExpired { expired } => {
                format!("insurance expired {}", expired.format("%b %-d, %Y"))
            }
        }
    }
}

/// Where a vendor's insurance stands on `today` (the property's or the team's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insurance {
    /// No expiry recorded.
    Unknown,
    /// Covered beyond the warning window.
    Current { expires: NaiveDate },
    /// Covered, but ends within [`EXPIRY_WARNING_DAYS`] days (`days_left` 0: today is the last).
    ExpiresSoon { expires: NaiveDate, days_left: i64 },
    /// Not covered: new jobs are not offered to the vendor.
    Expired { expires: NaiveDate },
}

/// The vendor's insurance on `today`.
pub fn insurance(vendor: &Vendor, today: NaiveDate) -> Insurance {
    let Some(expires) = vendor.insurance_expires else {
        return Insurance::Unknown;
    };
    let days_left = (expires - today).num_days();
    if days_left < 0 {
        Insurance::Expired { expires }
    } else if days_left <= EXPIRY_WARNING_DAYS {
        Insurance::ExpiresSoon { expires, days_left }
    } else {
        Insurance::Current { expires }
    }
}

/// The team's "today" for a vendor who works across the portfolio (the vendors page): the
/// earliest of the properties' local dates, so a vendor is shown expired only once the rule
/// passes them over at every property (UTC's date when there is no property).
pub fn portfolio_today(portfolio: &Portfolio, now: DateTime<Utc>) -> NaiveDate {
    portfolio
        .properties
        .iter()
        .map(|p| local_date(p.timezone, now))
        .min()
        .unwrap_or_else(|| now.date_naive())
}

/// Why `vendor` may not be offered a job on `on`, if it may not.
pub fn not_offerable(vendor: &Vendor, on: NaiveDate) -> Option<SkipReason> {
    match insurance(vendor, on) {
        Insurance::Expired { expires } => Some(SkipReason::InsuranceExpired { expired: expires }),
        _ => None,
    }
}

/// The vendors this work order may be offered to at `now`, best first (see the module's
/// header).
pub fn candidates<'p>(
    portfolio: &'p Portfolio,
    property: &Property,
    wo: &WorkOrder,
    opted_out: &BTreeSet<Phone>,
    now: DateTime<Utc>,
) -> Vec<&'p Vendor> {
    let on = local_date(property.timezone, now);
    listed(portfolio, property, wo, opted_out)
        .into_iter()
        .filter(|v| not_offerable(v, on).is_none())
        .collect()
}

/// The vendors ahead of the first one [`candidates`] offers to (all of them, when it offers to
/// none) that are passed over at `now`, with why: what the timeline records.
pub fn passed_over<'p>(
    portfolio: &'p Portfolio,
    property: &Property,
    wo: &WorkOrder,
    opted_out: &BTreeSet<Phone>,
    now: DateTime<Utc>,
) -> Vec<(&'p Vendor, SkipReason)> {
    let on = local_date(property.timezone, now);
    let mut out = vec![];
    for v in listed(portfolio, property, wo, opted_out) {
        match not_offerable(v, on) {
            Some(why) => out.push((v, why)),
            None => break,
        }
    }
    out
}

/// The `VendorSkipped` events for the vendors [`passed_over`] at `now` that this work order's
/// timeline does not show yet (at most [`stored::MAX_TRIED`] are kept on a job).
pub(crate) fn skipped_events(
    portfolio: &Portfolio,
    property: &Property,
    wo: &WorkOrder,
    opted_out: &BTreeSet<Phone>,
    now: DateTime<Utc>,
) -> Vec<Event> {
    passed_over(portfolio, property, wo, opted_out, now)
        .into_iter()
        .filter(|(v, _)| !wo.skipped.contains(&v.id))
        .take(stored::MAX_TRIED.saturating_sub(wo.skipped.len()))
        .map(|(v, reason)| Event::VendorSkipped {
            vendor: v.id.clone(),
            reason,
        })
        .collect()
}

/// The lists and every rule but insurance: what each offer starts from.
fn listed<'p>(
    portfolio: &'p Portfolio,
    property: &Property,
    wo: &WorkOrder,
    opted_out: &BTreeSet<Phone>,
) -> Vec<&'p Vendor> {
    let trade = wo.trade;
    let mut ids: Vec<&VendorId> = vec![];
    let lists = [
        property.vendors.get(&trade),
        portfolio.dispatch.backups.get(&trade),
    ];
    for list in lists.into_iter().flatten() {
        ids.extend(list.iter());
    }
    let mut out: Vec<&Vendor> = vec![];
    for id in ids {
        if let Some(v) = portfolio.vendor(id)
            && !out.iter().any(|o| o.id == v.id)
        {
            out.push(v);
        }
    }
    if portfolio.dispatch.any_vendor_of_trade {
        let mut rest: Vec<&Vendor> = portfolio
            .vendors
            .iter()
            .filter(|v| v.trades.contains(&trade) && !out.iter().any(|o| o.id == v.id))
            .collect();
        rest.sort_by_key(|v| (v.rank, v.name.clone()));
        out.extend(rest);
    }
    if wo.tried.len() >= stored::MAX_TRIED {
        // Enough vendors were asked: the team decides (see `stored::MAX_TRIED`).
        return vec![];
    }
    out.retain(|v| {
        v.active
            && v.trades.contains(&trade)
            && !opted_out.contains(&v.phone)
            && (wo.priority != Priority::Emergency || v.emergency)
            && !wo.tried.contains(&v.id)
    });
    out
}
