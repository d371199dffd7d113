//! Pages of work orders: which slice a page shows ([`Listing`]), the one sort key each order
//! is kept in (the same text in every adapter, so a position is a key, never an offset), and
//! the bounds on a page's size. Adapters implement [`crate::ports::WorkOrderQueries`].

use chrono::{DateTime, SecondsFormat, Utc};
use mendwork_domain::{Priority, PropertyId, Status, WorkOrder};

/// Items on a page when the caller does not say.
pub const DEFAULT_PAGE: usize = 50;
/// The most items a page may hold: what one answer can carry well under the response budget.
pub const MAX_PAGE: usize = 200;

/// Which work orders a page shows, and in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every work order — or those of one status, or of one property — newest first
    /// (`created_at` descending, then id descending).
    Newest {
        status: Option<Status>,
        property: Option<PropertyId>,
    },
    /// Open work orders (not closed or cancelled), optionally of one property, in the team's
    /// queue order (see [`queue_key`]). Closed and cancelled work orders are never read.
    Queue { property: Option<PropertyId> },
}

/// A position in a listing: the sort key of the last work order of a page; the next page
/// starts strictly after it.
///
/// Invariant: it has the shape of its listing's keys ([`Listing::parse_key`] checks), so an
/// adapter can turn it into an index position without further checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageKey(String);

impl PageKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The work order id the key ends with (ids never contain `#`).
    pub fn work_order(&self) -> &str {
        self.0.rsplit('#').next().unwrap_or_default()
    }
    /// The creation time the key carries, as stored (fixed-width RFC 3339 text).
    pub fn created_at(&self) -> &str {
        let mut parts = self.0.rsplit('#');
        parts.next();
        parts.next().unwrap_or_default()
    }
}

/// One page of a listing.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<WorkOrder>,
    /// Where the next page starts; `None` when this page is the last.
    pub next: Option<PageKey>,
}

impl Page {
    /// The page of `limit` items from `items` read one past the page (the extra item, if
    /// any, says that another page follows and is dropped); `next` is the key of the last
    /// item kept, in `listing`'s order.
    pub fn from_overfetch(mut items: Vec<WorkOrder>, limit: usize, listing: &Listing) -> Page {
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more {
            items.last().map(|wo| listing.key(wo))
        } else {
            None
        };
        Page { items, next }
    }
}

/// The order the queue shows statuses in: what needs the team first.
pub const QUEUE_ORDER: [Status; 10] = [
    Status::NeedsAttention,
    Status::AwaitingApproval,
    Status::Submitted,
    Status::Dispatching,
    Status::Accepted,
    Status::Scheduled,
    Status::InProgress,
    Status::Completed,
    Status::Closed,
    Status::Cancelled,
];

fn status_rank(s: Status) -> usize {
    QUEUE_ORDER
        .iter()
        .position(|x| *x == s)
        .unwrap_or(QUEUE_ORDER.len())
}

fn priority_rank(p: Priority) -> u8 {
    match p {
        Priority::Emergency => 0,
        Priority::Urgent => 1,
        Priority::Routine => 2,
    }
}

/// A time as sort keys hold it: RFC 3339 UTC with nanoseconds, fixed width for years
/// 1000–9999, so text order is time order (the stores' own timestamp format).
pub fn sort_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// The newest-first key: `<created_at>#<id>`; listings read it in descending order.
pub fn newest_key(wo: &WorkOrder) -> String {
    format!("{}#{}", sort_time(wo.created_at), wo.id.as_str())
}

/// The queue key: `<status rank:02>#<priority rank>#<created_at>#<id>`, read ascending —
/// needs attention first, then by status ([`QUEUE_ORDER`]); emergencies, then the oldest
/// first within a status. The rank is in the key so the queue pages by key like any list.
pub fn queue_key(wo: &WorkOrder) -> String {
    format!(
        "{:02}#{}#{}#{}",
        status_rank(wo.status),
        priority_rank(wo.priority),
        sort_time(wo.created_at),
        wo.id.as_str()
    )
}

fn valid_time(s: &str) -> bool {
    DateTime::parse_from_rfc3339(s).is_ok_and(|t| sort_time(t.with_timezone(&Utc)) == s)
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl Listing {
    /// The key of `wo` in this listing's order.
    pub fn key(&self, wo: &WorkOrder) -> PageKey {
        PageKey(match self {
            Listing::Newest { .. } => newest_key(wo),
            Listing::Queue { .. } => queue_key(wo),
        })
    }

    /// `raw` as a position in this listing, if it has the shape of this listing's keys.
    pub fn parse_key(&self, raw: &str) -> Option<PageKey> {
        let parts: Vec<&str> = raw.split('#').collect();
        let ok = match (self, parts.as_slice()) {
            (Listing::Newest { .. }, [t, id]) => valid_time(t) && valid_id(id),
            (Listing::Queue { .. }, [rank, prio, t, id]) => {
                rank.len() == 2
                    && rank.parse::<usize>().is_ok_and(|r| r < QUEUE_ORDER.len())
                    && prio.len() == 1
                    && prio.parse::<u8>().is_ok_and(|p| p <= 2)
                    && valid_time(t)
                    && valid_id(id)
            }
            _ => false,
        };
        ok.then(|| PageKey(raw.to_string()))
    }

    /// Whether `wo` belongs to this listing.
    pub fn contains(&self, wo: &WorkOrder) -> bool {
        match self {
            Listing::Newest { status, property } => {
                status.is_none_or(|s| wo.status == s)
                    && property.as_ref().is_none_or(|p| &wo.request.property == p)
            }
            Listing::Queue { property } => {
                !wo.status.is_final() && property.as_ref().is_none_or(|p| &wo.request.property == p)
            }
        }
    }

    /// Whether `a` comes before `b` in this listing (keys are unique: they end with the id).
    pub fn before(&self, a: &PageKey, b: &PageKey) -> bool {
        match self {
            Listing::Newest { .. } => a.0 > b.0,
            Listing::Queue { .. } => a.0 < b.0,
        }
    }
}

/// A page size as asked for: `None` is [`DEFAULT_PAGE`]; 1 to [`MAX_PAGE`] is taken as is;
/// anything else is refused.
pub fn page_size(asked: Option<usize>) -> Option<usize> {
    match asked {
        None => Some(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Some(n),
        Some(_) => None,
    }
}

impl crate::App {
    /// One page of `listing` after `after`, of `limit` work orders (the caller has checked
    /// `limit` with [`page_size`]; it is clamped again here so no caller can ask for more).
    pub async fn page(
        &self,
        listing: &Listing,
        after: Option<&PageKey>,
        limit: usize,
    ) -> Result<Page, crate::ports::StoreError> {
        self.queries
            .page(listing, after, limit.clamp(1, MAX_PAGE))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_of_another_shape_is_not_a_position() {
        // Given the two orders
        let newest = Listing::Newest {
            status: None,
            property: None,
        };
        let queue = Listing::Queue { property: None };
        let t = "2026-01-31T09:00:00.000000000Z";
        // Then each takes only its own shape
        assert!(newest.parse_key(&format!("{t}#wo-abc")).is_some());
        assert!(queue.parse_key(&format!("{t}#wo-abc")).is_none());
        assert!(queue.parse_key(&format!("00#0#{t}#wo-abc")).is_some());
        assert!(queue.parse_key(&format!("99#0#{t}#wo-abc")).is_none());
        assert!(newest.parse_key("2026-01-31T09:00:00Z#wo-abc").is_none());
        assert!(newest.parse_key(&format!("{t}#WO ABC")).is_none());
        assert!(newest.parse_key("").is_none());
    }

    #[test]
    fn a_key_gives_back_its_work_order_and_time() {
        let queue = Listing::Queue { property: None };
        let t = "2026-01-31T09:00:00.000000000Z";
        let k = queue.parse_key(&format!("03#1#{t}#wo-x1")).unwrap();
        assert_eq!(k.work_order(), "wo-x1");
        assert_eq!(k.created_at(), t);
    }

    #[test]
    fn page_sizes_outside_one_to_the_maximum_are_refused() {
        assert_eq!(page_size(None), Some(DEFAULT_PAGE));
        assert_eq!(page_size(Some(1)), Some(1));
        assert_eq!(page_size(Some(MAX_PAGE)), Some(MAX_PAGE));
        assert_eq!(page_size(Some(0)), None);
        assert_eq!(page_size(Some(MAX_PAGE + 1)), None);
    }
}
