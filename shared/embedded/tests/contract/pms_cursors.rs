//! The `PmsCursors` contract, run on every adapter (SQLite here, DynamoDB on moto): the first
//! poll sets a cursor once, a cursor moves only from the value the poll read (so of two
//! overlapping polls the later finisher writes nothing and the cursor never goes back to its
//! older view), a poll may still hold it back on purpose, times keep their nanoseconds, each
//! PMS has its own cursor, and concurrent moves from one value let exactly one through.

use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::pms::PmsCursors;
use std::sync::Arc;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap() + Duration::nanoseconds(123_456_789)
}

pub async fn the_first_poll_sets_a_cursor_once_and_a_second_first_poll_writes_nothing(
    c: &dyn PmsCursors,
) {
    assert_eq!(c.cursor("first").await.unwrap(), None);
    assert!(c.set_cursor("first", None, at(15, 0)).await.unwrap());
    assert!(!c.set_cursor("first", None, at(16, 0)).await.unwrap());
    assert_eq!(c.cursor("first").await.unwrap(), Some(at(15, 0)));
}

pub async fn of_two_overlapping_polls_the_later_finisher_writes_nothing_and_the_cursor_never_goes_back(
    c: &dyn PmsCursors,
) {
    assert!(c.set_cursor("overlap", None, at(9, 0)).await.unwrap());
    // Both polls start from 09:00; the second one finishes first, having read up to 11:00.
    let read = c.cursor("overlap").await.unwrap();
    assert!(c.set_cursor("overlap", read, at(11, 0)).await.unwrap());
    // The first, slower one read only up to 10:00: it may not take the cursor back.
    assert!(!c.set_cursor("overlap", read, at(10, 0)).await.unwrap());
    assert_eq!(c.cursor("overlap").await.unwrap(), Some(at(11, 0)));
    // Nor forward from a value it did not read.
    assert!(!c.set_cursor("overlap", read, at(12, 0)).await.unwrap());
    assert_eq!(c.cursor("overlap").await.unwrap(), Some(at(11, 0)));
}

pub async fn a_poll_that_read_the_current_cursor_may_hold_it_back_on_purpose(c: &dyn PmsCursors) {
    // A request left for later (an unmapped property) keeps the cursor at it, even behind
    // where it was: the next poll must read it again.
    assert!(c.set_cursor("hold", None, at(12, 0)).await.unwrap());
    assert!(
        c.set_cursor("hold", Some(at(12, 0)), at(11, 30))
            .await
            .unwrap()
    );
    assert_eq!(c.cursor("hold").await.unwrap(), Some(at(11, 30)));
}

pub async fn each_pms_has_its_own_cursor(c: &dyn PmsCursors) {
    assert!(c.set_cursor("one", None, at(8, 0)).await.unwrap());
    assert!(c.set_cursor("two", None, at(9, 0)).await.unwrap());
    assert!(
        c.set_cursor("one", Some(at(8, 0)), at(8, 30))
            .await
            .unwrap()
    );
    assert_eq!(c.cursor("one").await.unwrap(), Some(at(8, 30)));
    assert_eq!(c.cursor("two").await.unwrap(), Some(at(9, 0)));
}

pub async fn concurrent_moves_from_one_value_let_exactly_one_through(c: Arc<dyn PmsCursors>) {
    assert!(c.set_cursor("race", None, at(7, 0)).await.unwrap());
    let mut running = tokio::task::JoinSet::new();
    for i in 0..8u32 {
        let c = c.clone();
        running.spawn(async move {
            let to = at(7, 10 + i);
            (c.set_cursor("race", Some(at(7, 0)), to).await.unwrap(), to)
        });
    }
    let mut won = vec![];
    while let Some(done) = running.join_next().await {
        let (moved, to) = done.unwrap();
        if moved {
            won.push(to);
        }
    }
    assert_eq!(won.len(), 1, "{won:?}");
    assert_eq!(c.cursor("race").await.unwrap(), Some(won[0]));
}
