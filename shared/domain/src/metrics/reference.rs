//! The metrics as they were first computed: from each work order's whole timeline, at page
//! time. No page reads this any more (the page reads the projection, see [`super`]); it is
//! kept as the reference the projection is checked against (the replay test), and as the
//! definitions in executable form.
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

use crate::decide::Recorded;
use crate::{Event, VendorId, Window, WorkOrder};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;

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
