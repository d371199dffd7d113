//! The front desk's rule for a visit, the same for a visit made at the desk and one the workflow
//! made: in once, out once, never out before in, nothing on a cancelled visit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use mendwork_domain::visits::{DeskAction, desk};
use mendwork_domain::*;

fn visit(status: VisitStatus) -> Visit {
    Visit {
        id: VisitId("v-1".into()),
        property: PropertyId("maple".into()),
        work_order: None,
        work_order_code: None,
        visitor: "Pat Rivera".into(),
        company: None,
        expected: None,
        status,
        checked_in_at: None,
        checked_out_at: None,
        automatic: false,
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap()
}

#[test]
fn an_expected_visitor_checks_in_at_the_desks_time() {
    let next = desk(&visit(VisitStatus::Expected), DeskAction::CheckIn, now())
        .unwrap()
        .unwrap();
    assert_eq!(next.status, VisitStatus::CheckedIn);
    assert_eq!(next.checked_in_at, Some(now()));
    assert_eq!(next.checked_out_at, None);
}

#[test]
fn a_visitor_inside_checks_out_and_keeps_the_check_in_time() {
    let mut inside = visit(VisitStatus::CheckedIn);
    let earlier = Utc.with_ymd_and_hms(2026, 3, 4, 14, 0, 0).unwrap();
    inside.checked_in_at = Some(earlier);
    let next = desk(&inside, DeskAction::CheckOut, now()).unwrap().unwrap();
    assert_eq!(next.status, VisitStatus::CheckedOut);
    assert_eq!(next.checked_in_at, Some(earlier));
    assert_eq!(next.checked_out_at, Some(now()));
}

#[test]
fn a_repeated_click_changes_nothing() {
    assert_eq!(
        desk(&visit(VisitStatus::CheckedIn), DeskAction::CheckIn, now()),
        Ok(None)
    );
    assert_eq!(
        desk(&visit(VisitStatus::CheckedOut), DeskAction::CheckOut, now()),
        Ok(None)
    );
}

#[test]
fn a_visitor_cannot_leave_before_arriving_or_come_back_on_the_same_visit() {
    assert_eq!(
        desk(&visit(VisitStatus::Expected), DeskAction::CheckOut, now()),
        Err(Rejection::VisitNotCheckedIn)
    );
    assert_eq!(
        desk(&visit(VisitStatus::CheckedOut), DeskAction::CheckIn, now()),
        Err(Rejection::VisitCheckedOut)
    );
}

#[test]
fn nothing_happens_to_a_cancelled_visit() {
    for action in [DeskAction::CheckIn, DeskAction::CheckOut] {
        assert_eq!(
            desk(&visit(VisitStatus::Cancelled), action, now()),
            Err(Rejection::VisitCancelled)
        );
    }
}
