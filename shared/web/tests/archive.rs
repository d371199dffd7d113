//! Old timelines archived on the embedded store (`mendwork_app::archive`): a work order closed
//! 181 days ago goes to its document and its rows go, while the JSON API answers the same bytes
//! before and after; younger and open work orders stay; a sweep stopped between two steps is
//! finished by the next; a second sweep does nothing. Time is the frozen virtual clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mendwork_app::Exec;
use mendwork_app::archive::{
    ARCHIVE_PAGE, Archive, ArchiveSwept, TimelineArchive, Versioned, archive_due, decode,
    document_key,
};
use mendwork_app::ports::{Clock, FrozenClock, StoreError, Stored, WorkOrders};
use mendwork_domain::{Actor, Command, WorkOrder, WorkOrderId};
use mendwork_embedded::{ClockMode, DirFiles, SqliteStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::{TestApp, create_body};

struct World {
    t: TestApp,
    files: Arc<DirFiles>,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let files = Arc::new(DirFiles::new(dir.path()));
    World {
        t: support::with_archive(files.clone()),
        files,
        _dir: dir,
    }
}

impl World {
    /// A work order made through the API and cancelled by the team; its last change's time.
    async fn cancelled(&self) -> (WorkOrderId, DateTime<Utc>) {
        let id = self.created().await;
        self.t
            .app
            .execute(
                &id,
                Command::Cancel {
                    by: Actor::Pm(support::TEAM_EMAIL.into()),
                    reason: Some("the tenant fixed it".into()),
                },
                Exec::default(),
            )
            .await
            .unwrap();
        self.t.app.drain().await.unwrap();
        let wo = self.t.app.work_order(&id).await.unwrap().unwrap();
        assert!(wo.status.is_final());
        (id, wo.updated_at)
    }

    async fn created(&self) -> WorkOrderId {
        let a = self.t.post_json("/api/work-orders", &create_body()).await;
        assert_eq!(a.status, 201, "{}", a.body);
        self.t.app.drain().await.unwrap();
        WorkOrderId(a.json()["id"].as_str().unwrap().to_string())
    }

    fn set_now(&self, at: DateTime<Utc>) {
        self.t
            .store
            .clock()
            .set_mode(ClockMode::Frozen(at))
            .unwrap();
    }

    async fn api(&self, id: &WorkOrderId) -> String {
        let a = self.t.get(&format!("/api/work-orders/{id}")).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body
    }

    /// The rows the store itself still holds for the timeline.
    async fn rows(&self, id: &WorkOrderId) -> usize {
        WorkOrders::timeline(&self.t.store, id).await.unwrap().len()
    }

    fn archive(&self, store: Arc<dyn TimelineArchive>) -> Archive {
        Archive {
            store,
            files: self.files.clone(),
        }
    }

    async fn sweep_with(&self, store: Arc<dyn TimelineArchive>) -> ArchiveSwept {
        let clock = FrozenClock(self.t.app.now());
        archive_due(&self.archive(store), &clock as &dyn Clock, ARCHIVE_PAGE)
            .await
            .unwrap()
    }

    async fn wo(&self, id: &WorkOrderId) -> WorkOrder {
        self.t.app.work_order(id).await.unwrap().unwrap()
    }
}

#[tokio::test]
async fn a_work_order_cancelled_181_days_ago_is_archived_and_the_api_answers_the_same_bytes() {
    let w = world();
    let (id, changed) = w.cancelled().await;
    w.set_now(changed + Duration::days(181));
    let before = w.api(&id).await;
    let rows = w.rows(&id).await;
    assert!(rows >= 3, "a timeline worth archiving: {rows} events");

    // The sweep the local runner and the sweeper run.
    let swept = mendwork_app::sweep::sweep(&w.t.app, &Default::default())
        .await
        .unwrap();
    assert_eq!(swept.archive.archived, vec![id.clone()]);
    assert_eq!(swept.archive.released_events, rows);
    assert!(swept.archive.document_bytes < swept.archive.raw_bytes);

    let mark = w.wo(&id).await.archived.expect("marked");
    let bytes = w
        .files
        .dir()
        .join(document_key(&id).unwrap().as_str())
        .to_path_buf();
    let doc = decode(&std::fs::read(bytes).unwrap(), &id).unwrap();
    assert_eq!(doc.events.len(), rows);
    assert_eq!(doc.through, mark.through);
    assert_eq!(w.rows(&id).await, 0, "the rows are deleted after the mark");
    assert_eq!(w.api(&id).await, before, "the same answer, byte for byte");
}

#[tokio::test]
async fn a_work_order_cancelled_179_days_ago_and_an_open_one_are_left_alone() {
    let w = world();
    let (young, changed) = w.cancelled().await;
    let open = w.created().await;
    w.set_now(changed + Duration::days(179));
    let rows = (w.rows(&young).await, w.rows(&open).await);
    let swept = w.sweep_with(Arc::new(w.t.store.clone())).await;
    assert_eq!(swept, ArchiveSwept::default());
    assert!(w.wo(&young).await.archived.is_none());
    assert!(w.wo(&open).await.archived.is_none());
    assert_eq!((w.rows(&young).await, w.rows(&open).await), rows);
    assert!(
        !w.files.dir().join("archive").exists(),
        "no document written"
    );
    // A year on, the open one is still open and stays.
    w.set_now(changed + Duration::days(400));
    let swept = w.sweep_with(Arc::new(w.t.store.clone())).await;
    assert_eq!(swept.archived, vec![young]);
    assert!(w.wo(&open).await.archived.is_none());
}

/// The store, failing (once, as a crash would stop the sweep) at the mark or at the release.
struct Stopping {
    inner: SqliteStore,
    at_mark: AtomicBool,
    at_release: AtomicBool,
}

fn stopped() -> StoreError {
    StoreError::msg("the sweep stopped here")
}

#[async_trait]
impl TimelineArchive for Stopping {
    async fn due_for_archive(
        &self,
        changed_by: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Stored>, StoreError> {
        self.inner.due_for_archive(changed_by, limit).await
    }
    async fn versioned_timeline(&self, id: &WorkOrderId) -> Result<Vec<Versioned>, StoreError> {
        self.inner.versioned_timeline(id).await
    }
    async fn mark_archived(&self, wo: &WorkOrder, expected: u64) -> Result<bool, StoreError> {
        if self.at_mark.swap(false, Ordering::SeqCst) {
            return Err(stopped());
        }
        self.inner.mark_archived(wo, expected).await
    }
    async fn release_archived(
        &self,
        id: &WorkOrderId,
        through: u64,
        expires: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        if self.at_release.swap(false, Ordering::SeqCst) {
            return Err(stopped());
        }
        self.inner.release_archived(id, through, expires).await
    }
    async fn unreleased(&self, limit: usize) -> Result<Vec<Stored>, StoreError> {
        self.inner.unreleased(limit).await
    }
}

#[tokio::test]
async fn a_sweep_stopped_after_the_document_and_before_the_mark_is_finished_by_the_next() {
    let w = world();
    let (id, changed) = w.cancelled().await;
    w.set_now(changed + Duration::days(181));
    let before = w.api(&id).await;
    let rows = w.rows(&id).await;
    let stopping = Arc::new(Stopping {
        inner: w.t.store.clone(),
        at_mark: AtomicBool::new(true),
        at_release: AtomicBool::new(false),
    });
    let first = w.sweep_with(stopping.clone()).await;
    assert!(first.archived.is_empty());
    assert_eq!(first.skipped, 1);
    let key = document_key(&id).unwrap();
    assert!(
        w.files.dir().join(key.as_str()).is_file(),
        "document written"
    );
    assert!(w.wo(&id).await.archived.is_none(), "not marked");
    assert_eq!(w.rows(&id).await, rows, "nothing let go");
    assert_eq!(w.api(&id).await, before);

    let second = w.sweep_with(stopping).await;
    assert_eq!(second.archived, vec![id.clone()]);
    assert_eq!(w.rows(&id).await, 0);
    assert_eq!(w.api(&id).await, before);

    let third = w.sweep_with(Arc::new(w.t.store.clone())).await;
    assert_eq!(
        third,
        ArchiveSwept::default(),
        "a further sweep does nothing"
    );
}

#[tokio::test]
async fn a_sweep_stopped_after_the_mark_and_before_the_release_is_finished_by_the_next() {
    let w = world();
    let (id, changed) = w.cancelled().await;
    w.set_now(changed + Duration::days(181));
    let before = w.api(&id).await;
    let rows = w.rows(&id).await;
    let stopping = Arc::new(Stopping {
        inner: w.t.store.clone(),
        at_mark: AtomicBool::new(false),
        at_release: AtomicBool::new(true),
    });
    let first = w.sweep_with(stopping.clone()).await;
    assert!(first.archived.is_empty());
    assert!(w.wo(&id).await.archived.is_some(), "marked");
    assert_eq!(w.rows(&id).await, rows, "its rows still there");
    assert_eq!(
        w.api(&id).await,
        before,
        "the document and the rows read as one timeline, each event once"
    );

    let second = w.sweep_with(stopping).await;
    assert_eq!(second.finished, 1);
    assert_eq!(second.released_events, rows);
    assert!(second.archived.is_empty());
    assert_eq!(w.rows(&id).await, 0);
    assert_eq!(w.api(&id).await, before);

    let third = w.sweep_with(Arc::new(w.t.store.clone())).await;
    assert_eq!(
        third,
        ArchiveSwept::default(),
        "a further sweep does nothing"
    );
}

#[tokio::test]
async fn a_timeline_marked_archived_without_an_archive_to_read_is_an_error_not_a_shorter_one() {
    let w = world();
    let (id, changed) = w.cancelled().await;
    w.set_now(changed + Duration::days(181));
    w.sweep_with(Arc::new(w.t.store.clone())).await;
    let mut app = w.t.app.clone();
    app.archive = None;
    let wo = w.wo(&id).await;
    assert!(app.timeline_of(&wo).await.is_err());
    assert!(!w.t.app.timeline_of(&wo).await.unwrap().is_empty());
}
