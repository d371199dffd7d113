//! An `App` on the embedded adapters (in-memory SQLite, frozen clock, recorded messages) with
//! the sample portfolio, for handler tests that need no AWS.

use chrono::{DateTime, TimeZone, Utc};
use mendwork_app::ports::{Clock, Directory};
use mendwork_app::{App, LinkSigner};
use mendwork_domain::Portfolio;
use mendwork_domain::config::load_portfolio;
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use std::path::PathBuf;
use std::sync::Arc;

struct Fixed(Arc<Portfolio>);

impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 15, 0, 0).unwrap()
}

pub fn local() -> (App, SqliteStore) {
    let store = SqliteStore::open_in_memory().unwrap();
    let vclock = store.clock();
    vclock.set_mode(ClockMode::Frozen(start())).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(vclock);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../infra/sample-portfolio.yaml");
    let links = LinkSigner::new(
        b"a test secret that is long enough to sign links",
        "https://mendwork.example",
        clock.clone(),
    )
    .unwrap();
    let app = App {
        work_orders: Arc::new(store.clone()),
        lookups: Arc::new(store.clone()),
        outbox: Arc::new(store.clone()),
        keys: Arc::new(store.clone()),
        visits: Arc::new(store.clone()),
        opt_outs: Arc::new(store.clone()),
        queries: Arc::new(store.clone()),
        metrics: Arc::new(store.clone()),
        timers: Arc::new(store.timers()),
        mailer: Arc::new(RecordingMailer::new(&store, clock.clone())),
        texter: Arc::new(RecordingTexter::new(&store, clock.clone())),
        clock,
        directory: Arc::new(Fixed(Arc::new(load_portfolio(&path).unwrap()))),
        ids: Arc::new(RandomIds),
        links: Arc::new(links),
        limits: Arc::new(store.clone()),
        webhooks: mendwork_app::deliveries::Webhooks::off(),
        api_keys: Arc::new(store.clone()),
        archive: None,
    };
    (app, store)
}
