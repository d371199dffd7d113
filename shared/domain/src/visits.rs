//! What the front desk may do to a visit: check in, check out. One rule for a visit made at the
//! desk and for a visit the workflow made for a work order, so neither path can skip it.

use crate::workorder::{Rejection, Visit, VisitStatus};
use chrono::{DateTime, Utc};

/// A front-desk action on a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskAction {
    CheckIn,
    CheckOut,
}

/// The visit after `action` at `now`, `Ok(None)` when it is already done (a repeated click is
/// harmless), or why it cannot be done. Pure: the caller stores the result, through the work
/// order's commit for a linked visit.
pub fn desk(
    visit: &Visit,
    action: DeskAction,
    now: DateTime<Utc>,
) -> Result<Option<Visit>, Rejection> {
    use DeskAction::*;
    use VisitStatus::*;
    let mut next = visit.clone();
    match (action, visit.status) {
        (_, Cancelled) => Err(Rejection::VisitCancelled),
        (CheckIn, CheckedIn) | (CheckOut, CheckedOut) => Ok(None),
        (CheckIn, CheckedOut) => Err(Rejection::VisitCheckedOut),
        (CheckOut, Expected) => Err(Rejection::VisitNotCheckedIn),
        (CheckIn, Expected) => {
            next.status = CheckedIn;
            next.checked_in_at = Some(now);
            Ok(Some(next))
        }
        (CheckOut, CheckedIn) => {
            next.status = CheckedOut;
            next.checked_out_at = Some(now);
            Ok(Some(next))
        }
    }
}
