//! A vendor's calendar: which work order holds which of a vendor's time, decided once here so
//! that `decide`'s "is the vendor free?" check and the stores' atomic re-check at commit time
//! (the one that holds under races) apply the same rule.

use crate::portfolio::VendorId;
use crate::workorder::{Window, WorkOrder, WorkOrderId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A vendor's time held by one work order.
///
/// Invariant: a work order holds at most one booking, and it holds one exactly when
/// [`booking`] says so; two bookings of one vendor on two work orders never [`clash`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub vendor: VendorId,
    pub work_order: WorkOrderId,
    pub window: Window,
}

/// The booking a work order holds: its appointment, while it is open and has a vendor. A
/// cancelled or closed work order, or one whose appointment was called off (reschedule, not
/// done, approval), holds none, so its vendor's time is free again.
pub fn booking(wo: &WorkOrder) -> Option<Booking> {
    if wo.status.is_final() {
        return None;
    }
    Some(Booking {
        vendor: wo.vendor.clone()?,
        work_order: wo.id.clone(),
        window: wo.appointment?,
    })
}

/// True when two windows share an instant (half-open spans: one ending as the next starts is
/// no overlap).
pub fn overlaps(a: &Window, b: &Window) -> bool {
    a.start < b.end && b.start < a.end
}

/// True when `new` cannot be held beside `held`: the same vendor, another work order, an
/// overlapping window.
pub fn clash(new: &Booking, held: &Booking) -> bool {
    new.vendor == held.vendor
        && new.work_order != held.work_order
        && overlaps(&new.window, &held.window)
}

/// What one transition does to the vendors' calendars: the booking it gives up and the one it
/// takes (both `None` when the booking did not change, so the commit need not touch any
/// calendar).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarChange {
    pub release: Option<Booking>,
    pub hold: Option<Booking>,
}

impl CalendarChange {
    /// The change from the work order as it was (`None`: being created) to as it will be.
    pub fn between(before: Option<&WorkOrder>, after: &WorkOrder) -> CalendarChange {
        let old = before.and_then(booking);
        let new = booking(after);
        if old == new {
            return CalendarChange::default();
        }
        CalendarChange {
            release: old,
            hold: new,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.release.is_none() && self.hold.is_none()
    }
}

/// How long a booking that has ended is kept on a stored calendar. No new booking can clash
/// with it (`decide` takes no slot that has ended, nor a proposed time that has started), so
/// stores may drop it and a vendor's calendar stays as small as their open appointments.
pub fn keep_after_end() -> Duration {
    Duration::days(1)
}

/// Whether a stored calendar may forget `b` at `now`.
pub fn expired(b: &Booking, now: DateTime<Utc>) -> bool {
    b.window.end + keep_after_end() < now
}

/// The stored calendar after `change`: the work order's old entry gone, expired entries
/// dropped, the new booking added. `Err` with the booking it would clash with, if any (the
/// commit must then be refused and decided again).
pub fn apply(
    held: &[Booking],
    change: &CalendarChange,
    vendor: &VendorId,
    now: DateTime<Utc>,
) -> Result<Vec<Booking>, Booking> {
    let mine = |b: &Booking| {
        change
            .release
            .iter()
            .chain(change.hold.iter())
            .any(|c| c.work_order == b.work_order)
    };
    let mut out: Vec<Booking> = held
        .iter()
        .filter(|b| &b.vendor == vendor && !mine(b) && !expired(b, now))
        .cloned()
        .collect();
    if let Some(new) = change.hold.as_ref().filter(|h| &h.vendor == vendor) {
        if let Some(taken) = out.iter().find(|b| clash(new, b)) {
            return Err(taken.clone());
        }
        out.push(new.clone());
    }
    out.sort_by_key(|a| a.window);
    Ok(out)
}
