//! What one work order has contributed to the metrics so far, kept on the work order itself
//! ([`crate::WorkOrder::metrics`]) and moved on by [`crate::decide::evolve`] with every event.
//!
//! It is the per-work-order state of the reference computation ([`super::reference`]) —
//! first acceptance, first appointment, open offers and the open appointment — carried
//! across commits, so a commit's metric deltas are the difference of two of these
//! ([`super::deltas`]): each figure is counted once per work order, a retried or refused
//! commit changes nothing (the deltas are written with the work order or not at all), and a
//! figure that a later event takes back (an arrival after a no-show was counted) is a
//! negative delta.

use crate::{Event, VendorId, Window};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One vendor's figures on one work order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offers_ended: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub accepted: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub declined: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lapsed: u32,
    /// Seconds from each offer to its acceptance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept_secs: Vec<i64>,
    /// Appointments over (see [`Marks`]) and those of them nobody came to.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub appointments: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub no_shows: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The appointment now fixed, not yet over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAppointment {
    pub window: Window,
    pub vendor: Option<VendorId>,
    pub arrived: bool,
}

/// How the work order was completed (the first time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// No `not_done` before the completion.
    pub first_time_fix: bool,
    /// The vendor assigned when it was completed.
    pub vendor: Option<VendorId>,
}

/// The metric state of one work order.
///
/// Invariants: each `to_*` is set once, at the first event that fixes it; an appointment is
/// counted when an event closes it (a new time, unscheduled or cancelled at or after its end,
/// not done, completed) — or, while still open, once the work order has an event at or after
/// its end ([`Marks::open_counts`]): that is the one difference from the reference, which
/// counts an ended open appointment at page time. Every scheduled appointment arms the
/// outcome question for an hour after its end (`outcome_ask_after`), whose event counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    /// When the request came in: times run from here.
    pub start: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_assign: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_schedule: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_complete: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_done: bool,
    /// The vendor holding the job (accepted or assigned, not since unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<VendorId>,
    /// Offers out, by vendor, with when each was made.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub offers: BTreeMap<VendorId, DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vendors: BTreeMap<VendorId, Tally>,
    /// Appointments over, of every vendor (and of none), and those nobody came to.
    #[serde(default)]
    pub appointments: u32,
    #[serde(default)]
    pub no_shows: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<OpenAppointment>,
    /// The time of the last event applied.
    pub last: DateTime<Utc>,
}

impl Marks {
    /// The marks of a work order requested at `start`.
    pub fn new(start: DateTime<Utc>) -> Marks {
        Marks {
            start,
            to_assign: None,
            to_schedule: None,
            to_complete: None,
            completion: None,
            not_done: false,
            vendor: None,
            offers: BTreeMap::new(),
            vendors: BTreeMap::new(),
            appointments: 0,
            no_shows: 0,
            appointment: None,
            last: start,
        }
    }

    /// Whether the open appointment counts already: it has ended by the last event.
    pub fn open_counts(&self) -> Option<&OpenAppointment> {
        self.appointment
            .as_ref()
            .filter(|a| a.window.end <= self.last)
    }

    /// Moves the marks on by one event that happened at `at`.
    pub fn apply(&mut self, event: &Event, at: DateTime<Utc>) {
        self.last = self.last.max(at);
        let secs = (at - self.start).num_seconds().max(0);
        match event {
            Event::Offered { vendor, .. } => {
                self.offers.insert(vendor.clone(), at);
            }
            Event::Accepted { vendor } => {
                let offered = self.offers.remove(vendor);
                let t = self.vendors.entry(vendor.clone()).or_default();
                t.accepted += 1;
                t.offers_ended += 1;
                if let Some(o) = offered {
                    t.accept_secs.push((at - o).num_seconds().max(0));
                }
                self.vendor = Some(vendor.clone());
                self.to_assign.get_or_insert(secs);
            }
            Event::Assigned { vendor, .. } => {
                self.offers.remove(vendor);
                self.vendor = Some(vendor.clone());
                self.to_assign.get_or_insert(secs);
            }
            Event::Declined { vendor, .. } => self.refused(vendor, false),
            Event::OfferLapsed { vendor } => self.refused(vendor, true),
            Event::OfferWithdrawn { vendor } | Event::OfferWithdrawnForEmergency { vendor } => {
                self.offers.remove(vendor);
            }
            Event::Unassigned { .. } => self.vendor = None,
            Event::Scheduled { window, .. } => {
                let old = self.appointment.take();
                self.close(old, at, false);
                self.appointment = Some(OpenAppointment {
                    window: *window,
                    vendor: self.vendor.clone(),
                    arrived: false,
                });
                self.to_schedule.get_or_insert(secs);
            }
            Event::Unscheduled { .. } | Event::Cancelled { .. } => {
                let old = self.appointment.take();
                self.close(old, at, false);
            }
            Event::Arrived { .. } => {
                if let Some(a) = self.appointment.as_mut() {
                    a.arrived = true;
                }
            }
            Event::NotDone { .. } => {
                self.not_done = true;
                let old = self.appointment.take();
                self.close(old, at, true);
            }
            Event::Completed { .. } => {
                if let Some(mut a) = self.appointment.take() {
                    a.arrived = true;
                    self.close(Some(a), at, true);
                }
                if self.to_complete.is_none() {
                    self.to_complete = Some(secs);
                    self.completion = Some(Completion {
                        first_time_fix: !self.not_done,
                        vendor: self.vendor.clone(),
                    });
                }
            }
            _ => {}
        }
    }

    /// An open offer to `vendor` ended without acceptance: declined, or `lapsed`.
    fn refused(&mut self, vendor: &VendorId, lapsed: bool) {
        if self.offers.remove(vendor).is_none() {
            return;
        }
        let t = self.vendors.entry(vendor.clone()).or_default();
        t.offers_ended += 1;
        if lapsed {
            t.lapsed += 1;
        } else {
            t.declined += 1;
        }
    }

    /// An appointment is over at `at`: it counts once its window has ended or its outcome is
    /// known (`outcome`), and is a no-show when nobody arrived.
    fn close(&mut self, appt: Option<OpenAppointment>, at: DateTime<Utc>, outcome: bool) {
        let Some(a) = appt else { return };
        if !outcome && a.window.end > at {
            return;
        }
        self.appointments += 1;
        if !a.arrived {
            self.no_shows += 1;
        }
        if let Some(v) = a.vendor {
            let t = self.vendors.entry(v).or_default();
            t.appointments += 1;
            if !a.arrived {
                t.no_shows += 1;
            }
        }
    }
}
