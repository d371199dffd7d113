//! The contract of pages ([`WorkOrderQueries`]): paging through a listing yields each of its
//! work orders exactly once, in the listing's order, whatever the page size, and work orders
//! committed between two pages never make one show twice.

// Test binaries that include the contract without running these would call them dead.
#![allow(dead_code)]

use super::*;
use mendwork_app::ports::WorkOrderQueries;
use mendwork_app::queries::{Listing, PageKey, QUEUE_ORDER};
use mendwork_domain::Priority;

/// Every work order of `listing` page by page (`limit` each), with the pages' sizes.
pub async fn page_through<S: WorkOrderQueries>(
    s: &S,
    listing: &Listing,
    limit: usize,
) -> (Vec<WorkOrder>, Vec<usize>) {
    let mut out = Vec::new();
    let mut sizes = Vec::new();
    let mut after: Option<PageKey> = None;
    for _ in 0..10_000 {
        let page = s.page(listing, after.as_ref(), limit).await.unwrap();
        assert!(page.items.len() <= limit, "a page holds at most its limit");
        sizes.push(page.items.len());
        out.extend(page.items);
        match page.next {
            Some(k) => after = Some(k),
            None => return (out, sizes),
        }
    }
    panic!("paging never ended");
}

fn position(s: Status) -> usize {
    QUEUE_ORDER.iter().position(|x| *x == s).unwrap()
}

fn urgency(p: Priority) -> u8 {
    match p {
        Priority::Emergency => 0,
        Priority::Urgent => 1,
        Priority::Routine => 2,
    }
}

/// `n` work orders of one property: statuses and priorities in turn (closed and cancelled
/// among them), creation times a minute apart with every third one sharing its time with
/// the one before (ties are broken by id).
pub async fn seed_property<S: WorkOrders>(
    s: &S,
    property: &PropertyId,
    n: usize,
    from: DateTime<Utc>,
) -> Vec<WorkOrder> {
    let priorities = [Priority::Routine, Priority::Emergency, Priority::Urgent];
    let mut out = Vec::new();
    for i in 0..n {
        let at = from + mins((i - i / 3) as i64);
        let mut w = Wo::submit(property, None, at);
        w.wo.status = Status::ALL[i % Status::ALL.len()];
        w.wo.priority = priorities[i % priorities.len()];
        let w = commit_ok(s, w, 0).await;
        out.push(w.wo);
    }
    out
}

/// Newest first: created_at descending, then id descending.
fn newest_order(mut wos: Vec<WorkOrder>) -> Vec<WorkOrderId> {
    wos.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.id.as_str().cmp(a.id.as_str()))
    });
    ids(&wos)
}

/// The queue: open only; needs attention first, then by status; emergencies first; oldest
/// first; then by id.
fn queue_order(wos: &[WorkOrder]) -> Vec<WorkOrderId> {
    let mut open: Vec<WorkOrder> = wos
        .iter()
        .filter(|w| !w.status.is_final())
        .cloned()
        .collect();
    open.sort_by(|a, b| {
        (position(a.status), urgency(a.priority), a.created_at)
            .cmp(&(position(b.status), urgency(b.priority), b.created_at))
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    ids(&open)
}

pub async fn paging_through_a_listing_yields_each_work_order_once_in_its_order<S>(s: &S)
where
    S: WorkOrders + WorkOrderQueries,
{
    // Given 37 work orders of one property, of every status and priority, some created at
    // the same instant
    let p = PropertyId(unique("p-"));
    let wos = seed_property(s, &p, 37, t0()).await;
    let newest = Listing::Newest {
        status: None,
        property: Some(p.clone()),
    };
    let queue = Listing::Queue {
        property: Some(p.clone()),
    };
    for limit in [1, 5, 7, 37, 200] {
        // When they are read page by page
        let (all, sizes) = page_through(s, &newest, limit).await;
        // Then each comes once, newest first, and only the last page is short
        assert_eq!(
            ids(&all),
            newest_order(wos.clone()),
            "newest, limit {limit}"
        );
        assert!(sizes[..sizes.len() - 1].iter().all(|n| *n == limit));
        let (open, _) = page_through(s, &queue, limit).await;
        assert_eq!(ids(&open), queue_order(&wos), "queue, limit {limit}");
        assert!(open.iter().all(|w| !w.status.is_final()));
        assert_eq!(open[0].status, Status::NeedsAttention);
    }
    // And a status of the property pages through that status only
    let dispatching = Listing::Newest {
        status: Some(Status::Dispatching),
        property: Some(p.clone()),
    };
    let (only, _) = page_through(s, &dispatching, 2).await;
    let expected: Vec<WorkOrder> = wos
        .iter()
        .filter(|w| w.status == Status::Dispatching)
        .cloned()
        .collect();
    assert!(expected.len() >= 3);
    assert_eq!(ids(&only), newest_order(expected));
}

pub async fn the_whole_portfolio_listings_page_through_every_work_order_once<S>(s: &S)
where
    S: WorkOrders + WorkOrderQueries,
{
    // Given work orders of two properties (other tests' may be in the store too)
    let a = seed_property(s, &PropertyId(unique("p-")), 12, t0()).await;
    let b = seed_property(s, &PropertyId(unique("p-")), 12, t0() + mins(3)).await;
    let mine: BTreeSet<WorkOrderId> = a.iter().chain(&b).map(|w| w.id.clone()).collect();
    for (listing, expected) in [
        (
            Listing::Newest {
                status: None,
                property: None,
            },
            newest_order(a.iter().chain(&b).cloned().collect()),
        ),
        (
            Listing::Queue { property: None },
            queue_order(&a.iter().chain(&b).cloned().collect::<Vec<_>>()),
        ),
        (
            Listing::Newest {
                status: Some(Status::Scheduled),
                property: None,
            },
            newest_order(
                a.iter()
                    .chain(&b)
                    .filter(|w| w.status == Status::Scheduled)
                    .cloned()
                    .collect(),
            ),
        ),
    ] {
        // When the whole portfolio's listing is paged through
        let (all, _) = page_through(s, &listing, 4).await;
        // Then nothing comes twice, and ours come in their order
        let unique_ids: BTreeSet<&WorkOrderId> = all.iter().map(|w| &w.id).collect();
        assert_eq!(unique_ids.len(), all.len(), "{listing:?}");
        let ours: Vec<WorkOrderId> = all
            .iter()
            .filter(|w| mine.contains(&w.id))
            .map(|w| w.id.clone())
            .collect();
        assert_eq!(ours, expected, "{listing:?}");
    }
}

pub async fn work_orders_committed_between_pages_never_make_one_show_twice<S>(s: &S)
where
    S: WorkOrders + WorkOrderQueries,
{
    // Given 20 work orders of a property and the first page of its listings
    let p = PropertyId(unique("p-"));
    let before = seed_property(s, &p, 20, t0()).await;
    for listing in [
        Listing::Newest {
            status: None,
            property: Some(p.clone()),
        },
        Listing::Queue {
            property: Some(p.clone()),
        },
    ] {
        let first = s.page(&listing, None, 6).await.unwrap();
        let mut seen: Vec<WorkOrder> = first.items.clone();
        let mut after = first.next.clone();
        // When new work orders, created among the ones already there, arrive while the rest
        // is paged through
        let more = seed_property(s, &p, 4, t0() + mins(5)).await;
        while let Some(k) = after {
            let page = s.page(&listing, Some(&k), 6).await.unwrap();
            seen.extend(page.items);
            after = page.next;
        }
        // Then no work order shows twice and every one there from the start shows once
        let seen_ids: Vec<&WorkOrderId> = seen.iter().map(|w| &w.id).collect();
        let distinct: BTreeSet<&WorkOrderId> = seen_ids.iter().copied().collect();
        assert_eq!(distinct.len(), seen_ids.len(), "{listing:?}");
        for w in before.iter().filter(|w| listing.contains(w)) {
            assert!(distinct.contains(&w.id), "{listing:?} lost {}", w.id);
        }
        assert!(more.iter().all(|w| w.request.property == p));
    }
}
