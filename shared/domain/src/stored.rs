//! What a work order's stored state keeps of its history, decided once here: the state is one
//! item (a DynamoDB item, a SQLite row) read and rewritten by every commit, so nothing in it may
//! grow with the work order's age. The full history is the timeline — separate items, one per
//! event — so whatever a bound drops from the state is still there for the team to read.
//!
//! The budget ([`MAX_ITEM_BYTES`]) is what a work order's item may take by DynamoDB's sizing
//! rules (attribute names plus values). Its parts:
//! - what came in with the request, bounded where it is taken in (the form: a description of
//!   4,000 characters, pets and access notes of 1,000 each, at most 5 photos and 10 windows),
//!   and the triage made from it once;
//! - what the history adds, bounded here: the last [`KEPT_NOT_DONE_REASONS`] not-done reasons
//!   and the last [`KEPT_INSTRUCTIONS`] instructions (each with its count), every free text
//!   the state keeps cut to [`MAX_STATE_TEXT`] characters, at most [`MAX_TRIED`] vendors
//!   tried, and fixed-size records (one offer, one appointment, one estimate, one invoice, one
//!   visit, one timer per kind, at most `budget::MAX_OPEN_WINDOWS` windows and
//!   `budget::MAX_SLOTS` slots, the completion photos of the last report — replaced, not
//!   added to, and at most 5 from the job page);
//! - the metrics contribution record (`crate::metrics::Marks`), which holds one entry per
//!   vendor that had the job or an offer of it (at most [`MAX_TRIED`] offers ever go out).
//!
//! Old timelines leave the table by the policy in [`archivable`].

use crate::workorder::WorkOrder;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The most bytes a work order's item may take, by DynamoDB's rules (names plus values).
///
/// 16 KB: a strongly consistent read of it is at most 4 read units (2 eventually consistent)
/// and each commit's rewrite at most 16 write units, however old the work order — against
/// DynamoDB's 400 KB item limit, 25 times the room. A five-year history driven through the
/// real steps stays under it on both stores (`shared/aws/tests/item_budget_moto.rs`).
pub const MAX_ITEM_BYTES: usize = 16 * 1024;

/// The not-done reasons the state keeps (the newest); the rest are on the timeline.
pub const KEPT_NOT_DONE_REASONS: usize = 3;

/// The PM's instructions the state keeps (the newest, what the vendor's job page shows); the
/// rest are on the timeline.
pub const KEPT_INSTRUCTIONS: usize = 5;

/// The most characters of one free text the state keeps (completion notes, a reason, an
/// instruction, an estimate's note, an invoice's reference, a feedback comment, the attention
/// reason); the timeline's event keeps the text as it came.
pub const MAX_STATE_TEXT: usize = 500;

/// The most vendors a work order is offered to automatically: once this many declined or let
/// the offer lapse, dispatch stops and the team decides (the usual "every vendor declined"
/// attention), so `tried` never holds more.
pub const MAX_TRIED: usize = 30;

/// How long after a work order is closed or cancelled its timeline stays in the table; after
/// that it is archived as one compressed document and its items expire (see [`archivable`]).
pub fn archive_after() -> Duration {
    Duration::days(180)
}

/// Whether the timeline of `wo` is due for the archive at `now`: closed or cancelled (so no
/// event will ever be added) and last changed at least [`archive_after`] ago, and not archived
/// yet. A final work order takes no command, so its timeline is complete when this becomes
/// true (a message refused afterwards may still add an event: it lands after the archived
/// part and is read with it).
pub fn archivable(wo: &WorkOrder, now: DateTime<Utc>) -> bool {
    wo.archived.is_none() && wo.status.is_final() && wo.updated_at + archive_after() <= now
}

/// How long an archived timeline's event items stay in the table after the archive mark
/// before they expire (DynamoDB's TTL; the embedded store deletes them with the mark): read
/// only as duplicates of the document meanwhile, so any length is safe; a day leaves room to
/// look at both.
pub fn expire_after_archive() -> Duration {
    Duration::days(1)
}

/// The archive mark a work order's state carries: its timeline's events committed up to and
/// including the commit numbered `through` (the store's version) are in the archived document,
/// written at `at`. Events of later commits (rare: a message refused after the close) are
/// still separate items, read after the document's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archived {
    pub at: DateTime<Utc>,
    pub through: u64,
}

/// `text` as the state keeps it: at most [`MAX_STATE_TEXT`] characters, cut at a word.
pub fn state_text(text: &str) -> String {
    crate::budget::cut(text, MAX_STATE_TEXT)
}

/// Appends `text` (as [`state_text`]) to `list`, keeping only the newest `keep`.
pub fn keep_newest(list: &mut Vec<String>, text: &str, keep: usize) {
    list.push(state_text(text));
    if list.len() > keep {
        let extra = list.len() - keep;
        list.drain(..extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_keeps_only_its_newest_entries_each_cut_to_the_state_text_bound() {
        let mut list = vec![];
        for i in 0..10 {
            keep_newest(&mut list, &format!("reason {i}"), 3);
        }
        assert_eq!(list, vec!["reason 7", "reason 8", "reason 9"]);
        keep_newest(&mut list, &"word ".repeat(400), 3);
        assert!(
            list[2].chars().count() <= MAX_STATE_TEXT,
            "{}",
            list[2].len()
        );
        assert!(list[2].ends_with("..."));
    }
}
