//! Old timelines archived on DynamoDB and S3 (moto), through the same steps as the embedded
//! store (`mendwork_app::archive`): the sparse `ARCHIVE` partition of `gsi4` holds exactly the
//! closed or cancelled, unarchived work orders; a work order cancelled 181 days ago goes to
//! `archive/timelines/<id>.json.gz`, its item is marked and leaves the index, each of its event
//! items gets `expires_at` (the table's TTL), and its timeline reads the same before and after;
//! younger and open work orders stay; a sweep stopped between two steps is finished by the
//! next; a second sweep does nothing. The workflow's time is a frozen virtual clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mendwork_app::archive::{
    ARCHIVE_PAGE, Archive, ArchiveSwept, TimelineArchive, Versioned, archive_due, decode,
    document_key,
};
use mendwork_app::files::Files;
use mendwork_app::ports::{Clock, Directory, StoreError, Stored};
use mendwork_app::{App, Exec, LinkSigner};
use mendwork_aws::{DynamoStore, S3Files};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{
    Actor, Command, Contact, Email, NewWorkOrder, Phone, Portfolio, PropertyId, Source, Window,
    WorkOrder, WorkOrderId,
};
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::MotoServer;

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

fn portfolio() -> Portfolio {
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap()
}

/// Monday 2 March 2026, 10:00 in New York: office hours.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

struct World {
    _server: Arc<MotoServer>,
    app: App,
    local: SqliteStore,
    store: Arc<DynamoStore>,
    files: Arc<S3Files>,
    client: aws_sdk_dynamodb::Client,
    table: String,
}

async fn world(test: &str) -> Option<World> {
    let server = MotoServer::shared(test)?;
    let sdk = server.sdk().await;
    let (client, table) = support::table(&sdk).await;
    let bucket = support::bucket(&sdk).await;
    let files = Arc::new(S3Files::new(&sdk, &bucket).unwrap());
    let store = Arc::new(DynamoStore::new(client.clone(), table.clone()));
    // Messages and timers are recorded locally; the state, timelines and outbox are DynamoDB's.
    let local = SqliteStore::open_in_memory().unwrap();
    let vclock = local.clock();
    vclock.set_mode(ClockMode::Frozen(start())).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(vclock);
    let app = App {
        work_orders: store.clone(),
        lookups: store.clone(),
        outbox: store.clone(),
        keys: store.clone(),
        visits: store.clone(),
        opt_outs: store.clone(),
        queries: store.clone(),
        metrics: store.clone(),
        timers: Arc::new(local.timers()),
        mailer: Arc::new(RecordingMailer::new(&local, clock.clone())),
        texter: Arc::new(RecordingTexter::new(&local, clock.clone())),
        clock: clock.clone(),
        directory: Arc::new(Fixed(Arc::new(portfolio()))),
        ids: Arc::new(RandomIds),
        links: Arc::new(LinkSigner::new(&[7u8; 32], "http://test", clock).unwrap()),
        limits: Arc::new(mendwork_app::Unlimited),
        webhooks: mendwork_app::deliveries::Webhooks::off(),
        api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
        archive: Some(Archive {
            store: store.clone(),
            files: files.clone(),
        }),
    };
    Some(World {
        _server: server,
        app,
        local,
        store,
        files,
        client,
        table,
    })
}

impl World {
    async fn created(&self) -> WorkOrderId {
        let day = start().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
        let from = day + Duration::days(8) + Duration::hours(14);
        let request = NewWorkOrder {
            property: PropertyId("maple-court".into()),
            unit: "4B".into(),
            tenant: Contact {
                name: "Ana Ruiz".into(),
                email: Some(Email::parse("ana@example.com").unwrap()),
                phone: Some(Phone::parse("+17185550199").unwrap()),
            },
            description: "Kitchen sink drips under the cabinet, slow leak into a bucket".into(),
            category: None,
            emergency: false,
            permission_to_enter: true,
            pets: None,
            access_notes: None,
            photos: vec![],
            availability: vec![Window::new(from, from + Duration::hours(2)).unwrap()],
            source: Source::Tenant,
            language: mendwork_domain::Language::En,
        };
        let created = self.app.submit(request, None).await.unwrap();
        self.app.drain().await.unwrap();
        created.wo.id
    }

    async fn cancelled(&self) -> (WorkOrderId, DateTime<Utc>) {
        let id = self.created().await;
        self.app
            .execute(
                &id,
                Command::Cancel {
                    by: Actor::Pm("maintenance@example.com".into()),
                    reason: Some("the tenant fixed it".into()),
                },
                Exec::default(),
            )
            .await
            .unwrap();
        self.app.drain().await.unwrap();
        let wo = self.wo(&id).await;
        (id, wo.updated_at)
    }

    async fn wo(&self, id: &WorkOrderId) -> WorkOrder {
        self.app.work_order(id).await.unwrap().unwrap()
    }

    fn set_now(&self, at: DateTime<Utc>) {
        self.local.clock().set_mode(ClockMode::Frozen(at)).unwrap();
    }

    /// The timeline as the JSON API writes it (its entries, in order).
    async fn timeline_json(&self, id: &WorkOrderId) -> String {
        serde_json::to_string(&self.app.timeline(id).await.unwrap()).unwrap()
    }

    /// The work orders in one `gsi4` partition.
    async fn in_partition(&self, partition: &str) -> Vec<String> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("gsi4")
            .key_condition_expression("gsi4pk = :h")
            .expression_attribute_values(":h", AttributeValue::S(partition.into()))
            .send()
            .await
            .unwrap();
        page.items
            .unwrap_or_default()
            .iter()
            .map(|it| {
                it["pk"]
                    .as_s()
                    .unwrap()
                    .trim_start_matches("WO#")
                    .to_string()
            })
            .collect()
    }

    /// Each event item's `expires_at` (None where it has none).
    async fn expiries(&self, id: &WorkOrderId) -> Vec<Option<i64>> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :h AND begins_with(sk, :p)")
            .expression_attribute_values(":h", AttributeValue::S(format!("WO#{id}")))
            .expression_attribute_values(":p", AttributeValue::S("EV#".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        page.items
            .unwrap_or_default()
            .iter()
            .map(|it| {
                it.get("expires_at")
                    .map(|v| v.as_n().unwrap().parse().unwrap())
            })
            .collect()
    }

    async fn meta_has(&self, id: &WorkOrderId, attribute: &str) -> bool {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(format!("WO#{id}")))
            .key("sk", AttributeValue::S("META".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        got.item.unwrap().contains_key(attribute)
    }

    async fn sweep_with(&self, store: Arc<dyn TimelineArchive>) -> ArchiveSwept {
        let archive = Archive {
            store,
            files: self.files.clone(),
        };
        archive_due(&archive, self.app.clock.as_ref(), ARCHIVE_PAGE)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_work_order_cancelled_181_days_ago_is_archived_to_s3_and_its_events_expire() {
    let Some(w) =
        world("a_work_order_cancelled_181_days_ago_is_archived_to_s3_and_its_events_expire").await
    else {
        return;
    };
    let (old, changed) = w.cancelled().await;
    let open = w.created().await;
    // The index holds the final, unarchived work order and nothing else.
    assert_eq!(w.in_partition("ARCHIVE").await, vec![old.to_string()]);

    // 179 days on: nothing is due.
    w.set_now(changed + Duration::days(179));
    assert_eq!(w.sweep_with(w.store.clone()).await, ArchiveSwept::default());
    assert!(w.expiries(&old).await.iter().all(Option::is_none));

    // 181 days on: archived.
    let now = changed + Duration::days(181);
    w.set_now(now);
    let before = w.timeline_json(&old).await;
    let events = w.expiries(&old).await.len();
    assert!(events >= 3, "{events} events");
    let swept = mendwork_app::sweep::sweep(&w.app, &Default::default())
        .await
        .unwrap()
        .archive;
    assert_eq!(swept.archived, vec![old.clone()]);
    assert_eq!(swept.released_events, events);

    let key = document_key(&old).unwrap();
    let bytes = w.files.read_document(&key).await.unwrap().expect("in S3");
    let doc = decode(&bytes, &old).unwrap();
    assert_eq!(doc.events.len(), events);
    let mark = w.wo(&old).await.archived.expect("marked");
    assert_eq!(doc.through, mark.through);
    assert!(w.meta_has(&old, "archived").await);
    assert!(!w.meta_has(&old, "gsi4pk").await, "out of the index");
    assert!(w.in_partition("ARCHIVE").await.is_empty());
    assert!(w.in_partition("ARCHIVED").await.is_empty());
    let expiry = (now + Duration::days(1)).timestamp();
    assert_eq!(w.expiries(&old).await, vec![Some(expiry); events]);
    assert_eq!(w.timeline_json(&old).await, before, "the same timeline");
    // The open one is untouched.
    assert!(w.wo(&open).await.archived.is_none());
    assert!(w.expiries(&open).await.iter().all(Option::is_none));

    // TTL deletes the items (days later; moto does not, so the test does): the timeline is
    // the document's.
    let items = w
        .client
        .query()
        .table_name(&w.table)
        .key_condition_expression("pk = :h AND begins_with(sk, :p)")
        .expression_attribute_values(":h", AttributeValue::S(format!("WO#{old}")))
        .expression_attribute_values(":p", AttributeValue::S("EV#".into()))
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    for it in items {
        w.client
            .delete_item()
            .table_name(&w.table)
            .key("pk", it["pk"].clone())
            .key("sk", it["sk"].clone())
            .send()
            .await
            .unwrap();
    }
    assert_eq!(w.timeline_json(&old).await, before, "read from S3 alone");

    // A second sweep does nothing.
    assert_eq!(w.sweep_with(w.store.clone()).await, ArchiveSwept::default());
}

/// The store, failing once (as a crash would stop the sweep) at the mark or at the release.
struct Stopping {
    inner: Arc<DynamoStore>,
    at_mark: AtomicBool,
    at_release: AtomicBool,
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
            return Err(StoreError::msg("the sweep stopped here"));
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
            return Err(StoreError::msg("the sweep stopped here"));
        }
        self.inner.release_archived(id, through, expires).await
    }
    async fn unreleased(&self, limit: usize) -> Result<Vec<Stored>, StoreError> {
        self.inner.unreleased(limit).await
    }
}

#[tokio::test]
async fn sweeps_stopped_before_the_mark_or_before_the_expiry_are_finished_by_the_next() {
    let Some(w) =
        world("sweeps_stopped_before_the_mark_or_before_the_expiry_are_finished_by_the_next").await
    else {
        return;
    };
    let (a, changed) = w.cancelled().await;
    w.set_now(changed + Duration::days(181));
    let before = w.timeline_json(&a).await;

    // Stopped after the document, before the mark: nothing changed but the document.
    let stopping = Arc::new(Stopping {
        inner: w.store.clone(),
        at_mark: AtomicBool::new(true),
        at_release: AtomicBool::new(false),
    });
    let first = w.sweep_with(stopping.clone()).await;
    assert_eq!((first.archived.len(), first.skipped), (0, 1));
    let key = document_key(&a).unwrap();
    assert!(w.files.read_document(&key).await.unwrap().is_some());
    assert!(w.wo(&a).await.archived.is_none());
    assert_eq!(w.in_partition("ARCHIVE").await, vec![a.to_string()]);
    assert!(w.expiries(&a).await.iter().all(Option::is_none));
    assert_eq!(w.timeline_json(&a).await, before);
    // Stopped after the mark, before the expiry: found again in the `ARCHIVED` partition.
    stopping.at_release.store(true, Ordering::SeqCst);
    let second = w.sweep_with(stopping.clone()).await;
    assert!(second.archived.is_empty());
    assert!(w.wo(&a).await.archived.is_some());
    assert_eq!(w.in_partition("ARCHIVED").await, vec![a.to_string()]);
    assert!(w.in_partition("ARCHIVE").await.is_empty());
    assert!(w.expiries(&a).await.iter().all(Option::is_none));
    assert_eq!(
        w.timeline_json(&a).await,
        before,
        "document and items, once each"
    );

    let third = w.sweep_with(stopping).await;
    assert_eq!(third.finished, 1);
    assert!(w.in_partition("ARCHIVED").await.is_empty());
    assert!(w.expiries(&a).await.iter().all(Option::is_some));
    assert_eq!(w.timeline_json(&a).await, before);

    assert_eq!(
        w.sweep_with(w.store.clone()).await,
        ArchiveSwept::default(),
        "a further sweep does nothing"
    );
}
