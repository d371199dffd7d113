//! [`DynamoStore`]: the work-order store on the single DynamoDB table (see [`crate::schema`]).
//!
//! The store itself and its memory live here; reading (single items, queries page by page,
//! lookups) is in `reads`, the conditional transactions of a commit in `commit`, the encoding
//! of items in `items`, and the app's store ports in `ports`.

mod commit;
mod items;
mod ports;
mod reads;

pub(crate) use commit::SAME_VERSION;
pub(crate) use items::{event_item, wo_item};

use crate::error::AwsError;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use mendwork_app::ports::StoreError;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_domain::WorkOrderId;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};

/// How many work orders' last seen versions are remembered (see [`DynamoStore`]).
const SEEN_CAPACITY: usize = 4096;

/// The lookup items (`(pk, sk)`) an open work order has; none for a closed or cancelled one.
type LookupItems = BTreeSet<(String, String)>;

/// The work-order store on DynamoDB.
///
/// Invariants (the same as the embedded store's, by other means):
/// - a [`Commit`](mendwork_app::ports::Commit) is one `TransactWriteItems`: the work order
///   (conditioned on its version, or on not existing for version 0), its timeline events and
///   outbox records (each conditioned on not existing), the idempotency key (conditioned on not
///   existing), the visit projection, the lookup items and the metric deltas (`ADD` to
///   `METRIC#` rows) all land, or none does;
/// - a work order's `version` is the number of its commits;
/// - the timeline of a commit is keyed by the version it writes, so events are in commit
///   order and a refused commit leaves none behind;
/// - a version conflict is reported only after the idempotency key was checked, so a repeated
///   input is `Duplicate` whatever the version, as in the embedded store.
///
/// To delete the lookup items of values a work order no longer has, a commit needs the
/// previous version's values. The store remembers them for versions it loaded or wrote
/// (`seen`); a given `(id, version)` always denotes the same state because only one commit can
/// ever move a work order from one version to the next, so the memory cannot go stale. On a
/// miss the commit reads the item first.
pub struct DynamoStore {
    client: Client,
    table: String,
    seen: Mutex<HashMap<WorkOrderId, (u64, LookupItems)>>,
    /// The last outbox order stamp handed out, in nanoseconds (strictly increasing per process).
    last_stamp: AtomicI64,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
            seen: Mutex::new(HashMap::new()),
            last_stamp: AtomicI64::new(0),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    fn remember_seen(&self, id: &WorkOrderId, version: u64, lookups: LookupItems) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.len() >= SEEN_CAPACITY && !seen.contains_key(id) {
            seen.clear();
        }
        seen.insert(id.clone(), (version, lookups));
    }

    fn recalled(&self, id: &WorkOrderId, version: u64) -> Option<LookupItems> {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.get(id)
            .filter(|(v, _)| *v == version)
            .map(|(_, l)| l.clone())
    }

    /// A strictly increasing time for ordering outbox records (wall clock, nudged forward
    /// when two commits land in the same nanosecond or the clock steps back).
    fn stamp(&self) -> DateTime<Utc> {
        let now = SystemClock.now().timestamp_nanos_opt().unwrap_or(i64::MAX);
        let mut prev = self.last_stamp.load(Ordering::Relaxed);
        loop {
            let next = now.max(prev.saturating_add(1));
            match self.last_stamp.compare_exchange_weak(
                prev,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return DateTime::from_timestamp_nanos(next),
                Err(p) => prev = p,
            }
        }
    }
}

pub(crate) fn store_err(e: AwsError) -> StoreError {
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::outbox_order;
    use mendwork_domain::WorkOrder;

    #[test]
    fn outbox_order_keys_sort_like_their_stamps() {
        let store_stamp = |ns: i64| DateTime::from_timestamp_nanos(ns);
        let a = outbox_order(store_stamp(1_700_000_000_000_000_001), 7);
        let b = outbox_order(store_stamp(1_700_000_000_000_000_002), 0);
        let c = outbox_order(store_stamp(1_700_000_000_000_000_002), 1);
        assert!(a < b && b < c, "{a} {b} {c}");
    }

    #[test]
    fn from_json_reports_what_failed() {
        let err = crate::item::from_json::<WorkOrder>("{}", "a work order").err();
        assert!(err.is_some_and(|e| e.to_string().starts_with("decoding a work order")));
    }
}
