//! The archive over a realistic history (`mendwork_local::seed`, five years of a portfolio in a
//! small team's proportions) on the embedded store: sweeps a page at a time until nothing is
//! due, then every closed or cancelled work order last changed 180 days or more ago is archived
//! and reads back exactly the timeline it was written with, every younger or open one still
//! reads its rows, and the documents are a fraction of their JSON (the README's figures).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use mendwork_app::archive::{ARCHIVE_PAGE, Archive, archive_due, read_archived};
use mendwork_app::ports::{FrozenClock, WorkOrders};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::stored::archive_after;
use mendwork_embedded::{DirFiles, SqliteStore};
use mendwork_local::seed::{Plan, history, write_history};
use std::sync::Arc;

#[tokio::test]
async fn a_seeded_history_is_archived_page_by_page_and_every_timeline_reads_as_written() {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../sample-portfolio.yaml"
    ))
    .unwrap();
    let portfolio = parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap();
    let end = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let plan = Plan {
        work_orders: 300,
        years: 5,
        end,
        open_days: 30,
        seed: 11,
    };
    let store = SqliteStore::open_in_memory().unwrap();
    write_history(&store, &portfolio, &plan, |_| {})
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive {
        store: Arc::new(store.clone()),
        files: Arc::new(DirFiles::new(dir.path())),
    };
    let now = end + Duration::days(1);
    let clock = FrozenClock(now);
    let (mut pages, mut archived, mut raw, mut packed, mut events) = (0, 0, 0, 0, 0);
    loop {
        let swept = archive_due(&archive, &clock, ARCHIVE_PAGE).await.unwrap();
        assert_eq!(swept.skipped, 0);
        if swept.archived.is_empty() {
            break;
        }
        assert!(swept.archived.len() <= ARCHIVE_PAGE);
        pages += 1;
        archived += swept.archived.len();
        raw += swept.raw_bytes;
        packed += swept.document_bytes;
        events += swept.released_events;
    }
    let mut due = 0;
    for (written, timeline) in history(&portfolio, &plan) {
        let wo = store.load(&written.id).await.unwrap().unwrap().wo;
        let old = written.status.is_final() && written.updated_at + archive_after() <= now;
        match (&wo.archived, old) {
            (Some(mark), true) => {
                due += 1;
                let read = read_archived(&archive, &wo.id, mark).await.unwrap();
                assert_eq!(read, timeline, "{}", wo.id);
                assert!(store.timeline(&wo.id).await.unwrap().is_empty());
            }
            (None, false) => {
                assert_eq!(store.timeline(&wo.id).await.unwrap(), timeline, "{}", wo.id);
            }
            (mark, _) => panic!("{} old={old} mark={mark:?}", wo.id),
        }
    }
    assert_eq!(archived, due);
    assert!(archived > 200, "{archived} of 300 archived");
    assert!(packed * 3 < raw, "compressed {packed} of {raw} bytes");
    eprintln!(
        "archived {archived} timelines in {pages} pages: {events} events, {} bytes of JSON \
         each on average, {} compressed ({:.1}x)",
        raw / archived,
        packed / archived,
        raw as f64 / packed as f64
    );
}
