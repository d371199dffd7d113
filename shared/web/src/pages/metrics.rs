//! The metrics page: figures computed from the timelines (DESIGN §1: "metrics come from the
//! timeline") for work orders created in a period — time to assign, to schedule and to
//! complete (median and p90), vendor acceptance rate and time to accept, no-shows, first-time
//! fix rate, and weekly volume — each drawn as an inline SVG chart with its table.
//!
//! Definitions (from each work order's timeline):
//! - time to assign / schedule / complete: from `submitted` to the first `accepted` or
//!   `assigned` / the first `scheduled` / the first `completed`;
//! - acceptance rate: a vendor's `accepted` over their offers that ended (accepted, declined
//!   or lapsed; withdrawn and still-open offers are left out); time to accept: `offered` →
//!   `accepted` for the same vendor;
//! - no-show: an appointment (`scheduled`) whose window has ended, or that ended in
//!   `not_done`, with neither `arrived` nor `completed` in it; appointments called off
//!   (rescheduled, unscheduled, cancelled) before their end do not count;
//! - first-time fix: a completed work order with no `not_done` before its completion.

use super::charts::{Bar, columns, hbars};
use super::{Nav, page};
use crate::auth::Session;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ops;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_app::ports::ListFilter;
use mendwork_domain::decide::Recorded;
use mendwork_domain::{Event, VendorId, Window, WorkOrder};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn routes() -> Router<App> {
    Router::new().route("/pm/metrics", get(show))
}

/// Most work orders one page view reads timelines for.
const MAX_WORK_ORDERS: usize = 2000;

/// One vendor's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VendorStats {
    pub offers_ended: usize,
    pub accepted: usize,
    pub declined: usize,
    pub lapsed: usize,
    /// Seconds from offer to acceptance.
    pub accept_secs: Vec<i64>,
    /// Appointments whose outcome is known (ended or not done).
    pub appointments: usize,
    pub no_shows: usize,
    pub completed: usize,
    pub first_time_fixes: usize,
}

impl VendorStats {
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.offers_ended > 0).then(|| self.accepted as f64 / self.offers_ended as f64)
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    pub work_orders: usize,
    pub to_assign: Vec<i64>,
    pub to_schedule: Vec<i64>,
    pub to_complete: Vec<i64>,
    pub vendors: BTreeMap<VendorId, VendorStats>,
    pub appointments: usize,
    pub no_shows: usize,
    pub completed: usize,
    pub first_time_fixes: usize,
    /// Work orders created per week (Monday of the week, UTC).
    pub weekly: BTreeMap<NaiveDate, usize>,
}

struct Appointment {
    window: Window,
    vendor: Option<VendorId>,
    arrived: bool,
}

impl Metrics {
    /// Adds one work order's timeline (oldest first).
    pub fn add(&mut self, wo: &WorkOrder, timeline: &[Recorded], now: DateTime<Utc>) {
        self.work_orders += 1;
        let created = wo.created_at;
        let week = created.date_naive()
            - Duration::days(i64::from(created.weekday().num_days_from_monday()));
        *self.weekly.entry(week).or_default() += 1;
        let start = timeline
            .iter()
            .find(|r| matches!(r.event, Event::Submitted { .. }))
            .map_or(created, |r| r.at);
        let (mut assigned, mut scheduled, mut completed) = (false, false, false);
        let mut offers: BTreeMap<VendorId, DateTime<Utc>> = BTreeMap::new();
        let mut vendor: Option<VendorId> = None;
        let mut appt: Option<Appointment> = None;
        let mut not_done = false;
        for r in timeline {
            let secs = (r.at - start).num_seconds().max(0);
            match &r.event {
                Event::Offered { vendor: v, .. } => {
                    offers.insert(v.clone(), r.at);
                }
                Event::Accepted { vendor: v } => {
                    let s = self.vendors.entry(v.clone()).or_default();
                    s.accepted += 1;
                    s.offers_ended += 1;
                    if let Some(at) = offers.remove(v) {
                        s.accept_secs.push((r.at - at).num_seconds().max(0));
                    }
                    vendor = Some(v.clone());
                    if !assigned {
                        assigned = true;
                        self.to_assign.push(secs);
                    }
                }
                Event::Assigned { vendor: v, .. } => {
                    offers.remove(v);
                    vendor = Some(v.clone());
                    if !assigned {
                        assigned = true;
                        self.to_assign.push(secs);
                    }
                }
                Event::Declined { vendor: v, .. } => self.refused(&mut offers, v, false),
                Event::OfferLapsed { vendor: v } => self.refused(&mut offers, v, true),
                Event::OfferWithdrawn { vendor: v }
                | Event::OfferWithdrawnForEmergency { vendor: v } => {
                    offers.remove(v);
                }
                Event::Unassigned { .. } => vendor = None,
                Event::Scheduled { window, .. } => {
                    // A new time replaces the old one before it was kept: the old one is void.
                    self.close(appt.take(), r.at, false);
                    appt = Some(Appointment {
                        window: *window,
                        vendor: vendor.clone(),
                        arrived: false,
                    });
                    if !scheduled {
                        scheduled = true;
                        self.to_schedule.push(secs);
                    }
                }
                Event::Unscheduled { .. } | Event::Cancelled { .. } => {
                    self.close(appt.take(), r.at, false);
                }
                Event::Arrived { .. } => {
                    if let Some(a) = appt.as_mut() {
                        a.arrived = true;
                    }
                }
                Event::NotDone { .. } => {
                    not_done = true;
                    self.close(appt.take(), r.at, true);
                }
                Event::Completed { .. } => {
                    if let Some(mut a) = appt.take() {
                        a.arrived = true;
                        self.close(Some(a), r.at, true);
                    }
                    if !completed {
                        completed = true;
                        self.to_complete.push(secs);
                        self.completed += 1;
                        let fixed = !not_done;
                        if fixed {
                            self.first_time_fixes += 1;
                        }
                        if let Some(v) = &vendor {
                            let s = self.vendors.entry(v.clone()).or_default();
                            s.completed += 1;
                            if fixed {
                                s.first_time_fixes += 1;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.close(appt, now, false);
    }

    /// An open offer to `v` ended without acceptance: declined, or `lapsed`.
    fn refused(
        &mut self,
        offers: &mut BTreeMap<VendorId, DateTime<Utc>>,
        v: &VendorId,
        lapsed: bool,
    ) {
        if offers.remove(v).is_none() {
            return;
        }
        let s = self.vendors.entry(v.clone()).or_default();
        s.offers_ended += 1;
        if lapsed {
            s.lapsed += 1;
        } else {
            s.declined += 1;
        }
    }

    /// An appointment is over at `at`: it counts once its window has ended or its outcome is
    /// known (`outcome`), and is a no-show when nobody arrived.
    fn close(&mut self, appt: Option<Appointment>, at: DateTime<Utc>, outcome: bool) {
        let Some(a) = appt else { return };
        if !outcome && a.window.end > at {
            return;
        }
        self.appointments += 1;
        if !a.arrived {
            self.no_shows += 1;
        }
        if let Some(v) = a.vendor {
            let s = self.vendors.entry(v).or_default();
            s.appointments += 1;
            if !a.arrived {
                s.no_shows += 1;
            }
        }
    }
}

/// The nearest-rank percentile (`p` in 0–100) of unsorted values.
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = (u64::from(p) * v.len() as u64).div_ceil(100).max(1) as usize;
    v.get(rank - 1).copied()
}

/// Seconds as people read a duration: `45 min`, `3.5 h`, `2.1 days`.
pub fn duration(secs: i64) -> String {
    let m = secs as f64 / 60.0;
    if m < 90.0 {
        format!("{m:.0} min")
    } else if m < 48.0 * 60.0 {
        format!("{:.1} h", m / 60.0)
    } else {
        format!("{:.1} days", m / 1440.0)
    }
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.0}%", n as f64 * 100.0 / of as f64)
    }
}

#[derive(Debug, Default, Deserialize)]
struct MetricsQuery {
    #[serde(default)]
    days: Option<String>,
}

const PERIODS: [i64; 4] = [7, 30, 90, 365];

async fn show(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<MetricsQuery>,
) -> Result<Markup, PageError> {
    let days = q
        .days
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(90);
    let now = app.now();
    let since = now - Duration::days(days);
    let filter = ListFilter {
        status: None,
        property: None,
        open_only: false,
        limit: None,
    };
    let mut wos: Vec<WorkOrder> = app
        .store
        .list(&filter)
        .await
        .map_err(ops::store)?
        .into_iter()
        .filter(|w| w.created_at >= since)
        .collect();
    let capped = wos.len() > MAX_WORK_ORDERS;
    wos.truncate(MAX_WORK_ORDERS);
    let mut m = Metrics::default();
    for wo in &wos {
        let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
        m.add(wo, &timeline, now);
    }
    let portfolio = app.portfolio();
    let vendor_name = |id: &VendorId| {
        portfolio
            .vendor(id)
            .map_or_else(|| id.to_string(), |v| v.name.clone())
    };
    let hours = |s: i64| s as f64 / 3600.0;
    let stages = [
        ("Assign", &m.to_assign),
        ("Schedule", &m.to_schedule),
        ("Complete", &m.to_complete),
    ];
    let mut time_bars = vec![];
    for (name, values) in stages {
        if let (Some(med), Some(p90)) = (percentile(values, 50), percentile(values, 90)) {
            time_bars.push(Bar::new(
                format!("{name} · median"),
                hours(med),
                duration(med),
            ));
            time_bars.push(Bar::new(format!("{name} · p90"), hours(p90), duration(p90)).alt());
        }
    }
    let vendor_rows: Vec<(&VendorId, &VendorStats)> = m.vendors.iter().collect();
    let accept_bars: Vec<Bar> = vendor_rows
        .iter()
        .filter_map(|(id, s)| {
            s.acceptance_rate()
                .map(|r| Bar::new(vendor_name(id), r * 100.0, pct(s.accepted, s.offers_ended)))
        })
        .collect();
    let weeks: Vec<Bar> = m
        .weekly
        .iter()
        .map(|(d, n)| Bar::new(d.format("%b %-d").to_string(), *n as f64, n.to_string()))
        .collect();
    Ok(page(
        "Metrics",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Metrics" }
            nav.noprint aria-label="Period" {
                p {
                    "Work orders created in the last: "
                    @for d in PERIODS {
                        @if d == days { strong aria-current="page" { (d) " days" } } @else { a href=(format!("/pm/metrics?days={d}")) { (d) " days" } }
                        " "
                    }
                }
            }
            p #metrics-summary {
                strong { (m.work_orders) } " work orders · "
                "first-time fix " strong #first-time-fix { (pct(m.first_time_fixes, m.completed)) } " of " (m.completed) " completed · "
                "no-shows " strong #no-shows { (m.no_shows) } " of " (m.appointments) " appointments"
                @if capped { " · only the newest " (MAX_WORK_ORDERS) " are counted" }
            }
            section aria-labelledby="times-heading" {
                h2 #times-heading { "How long it takes (from the request)" }
                @if time_bars.is_empty() { p { "No work order has been assigned yet in this period." } }
                @else {
                    (hbars("chart-times", "Time to assign, schedule and complete", "Median and 90th percentile, in hours, from the request", &time_bars, None))
                }
                table #times {
                    thead { tr { th scope="col" { "Time to…" } th scope="col" { "Work orders" } th scope="col" { "Median" } th scope="col" { "p90" } } }
                    tbody {
                        @for (name, values) in stages {
                            tr {
                                td { (name) }
                                td.num { (values.len()) }
                                td.num { (percentile(values, 50).map_or("—".into(), duration)) }
                                td.num { (percentile(values, 90).map_or("—".into(), duration)) }
                            }
                        }
                    }
                }
            }
            section #vendors aria-labelledby="vendors-heading" {
                h2 #vendors-heading { "Vendors" }
                @if accept_bars.is_empty() { p { "No offer has ended yet in this period." } }
                @else {
                    (hbars("chart-acceptance", "Acceptance rate by vendor", "Share of offers accepted, of those accepted, declined or lapsed", &accept_bars, Some(100.0)))
                }
                table #vendor-metrics {
                    thead { tr {
                        th scope="col" { "Vendor" } th scope="col" { "Offers" } th scope="col" { "Accepted" }
                        th scope="col" { "Declined" } th scope="col" { "Lapsed" } th scope="col" { "Acceptance" }
                        th scope="col" { "Median time to accept" } th scope="col" { "No-shows" } th scope="col" { "First-time fix" }
                    } }
                    tbody {
                        @for (id, s) in &vendor_rows {
                            tr data-vendor=(id.as_str()) {
                                td { (vendor_name(id)) }
                                td.num { (s.offers_ended) }
                                td.num { (s.accepted) }
                                td.num { (s.declined) }
                                td.num { (s.lapsed) }
                                td.num { (pct(s.accepted, s.offers_ended)) }
                                td.num { (percentile(&s.accept_secs, 50).map_or("—".into(), duration)) }
                                td.num { (s.no_shows) " / " (s.appointments) }
                                td.num { (pct(s.first_time_fixes, s.completed)) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="volume-heading" {
                h2 #volume-heading { "Requests per week" }
                (columns("chart-weekly", "Work orders created per week", "Count of work orders by the week they were created", &weeks))
            }
            details {
                summary { "How these are measured" }
                ul {
                    li { "Times run from the request to the first acceptance or assignment, the first appointment, and the completion." }
                    li { "Acceptance counts offers that ended: accepted, declined or lapsed." }
                    li { "A no-show is an appointment that ended (or was reported not done) with no arrival and no completion; appointments moved or cancelled beforehand don't count." }
                    li { "First-time fix: completed without any \"not done\" visit before." }
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(600), "10 min");
        assert_eq!(duration(3 * 3600 + 1800), "3.5 h");
        assert_eq!(duration(3 * 86_400), "3.0 days");
    }
}
