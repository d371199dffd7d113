//! The Buildium harness of the PMS tests on the embedded store: an `App` with a frozen clock
//! (2026-03-04 15:00 UTC) on the sample portfolio, whose Maple Court is Buildium's rental
//! property 5001, connected to a fake Buildium the test starts; polls drain the outbox.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::fake_buildium::{CLIENT_ID, CLIENT_SECRET, FakeBuildium};
use chrono::{DateTime, Utc};
use mendwork_app::deliveries::{Secrets, Webhooks};
use mendwork_app::pms::buildium::{Buildium, BuildiumConfig};
use mendwork_app::ports::{Clock, Directory, Lookups, WorkOrders};
use mendwork_app::webhooks_http::FakeSender;
use mendwork_app::{App, InboundSms, LinkSigner};
use mendwork_domain::config::parse_portfolio;
use mendwork_domain::{Portfolio, WorkOrder};
use mendwork_embedded::{ClockMode, RandomIds, RecordingMailer, RecordingTexter, SqliteStore};
use std::sync::Arc;

pub const PAT: &str = "+17185550110";

struct Fixed(Arc<Portfolio>);
impl Directory for Fixed {
    fn portfolio(&self) -> Arc<Portfolio> {
        self.0.clone()
    }
}

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub struct Harness {
    pub app: App,
    pub store: Arc<SqliteStore>,
    pub buildium: Arc<Buildium>,
    pub fake: FakeBuildium,
    n: std::cell::Cell<u32>,
}

impl Harness {
    pub async fn new() -> Harness {
        Harness::with_portfolio(|yaml| yaml).await
    }

    /// The harness with Maple Court's electricians mapped to Buildium's vendors: Erin Walsh,
    /// the Go-To electrician, is its vendor 88; Sam Patel, the backup, its 89.
    pub async fn with_buildium_electricians() -> Harness {
        Harness::with_portfolio(|yaml| {
            yaml.replacen(
                "  - id: erin-electric\n",
                "  - id: erin-electric\n    pms_id: \"88\"\n",
                1,
            )
            .replacen(
                "  - id: sam-electric\n",
                "  - id: sam-electric\n    pms_id: \"89\"\n",
                1,
            )
        })
        .await
    }

    /// Buildium work order 70 on to-do task 700 (hallway light at Maple Court) naming
    /// Buildium vendor `named`, pulled here and offered to Erin by the Go-To list.
    pub async fn pulled_work_order(&self, named: Option<i64>) -> WorkOrder {
        self.fake
            .add_work_order(70, 700, "Todo", 5001, "2026-03-04T14:30:00Z");
        self.fake
            .set_work_order_vendor(70, named, "2026-03-04T14:30:00Z");
        assert_eq!(self.poll().await.created, 1);
        let wo = self.work_orders().await.remove(0);
        assert_eq!(
            wo.offer.as_ref().map(|o| o.vendor.as_str()),
            Some("erin-electric"),
            "{wo:?}"
        );
        wo
    }

    /// The work order `wo` as stored now.
    pub async fn now(&self, wo: &WorkOrder) -> WorkOrder {
        self.store.load(&wo.id).await.unwrap().unwrap().wo
    }

    /// The harness on the sample portfolio as `edit` changes it (after the mapping above).
    pub async fn with_portfolio(edit: impl FnOnce(String) -> String) -> Harness {
        let yaml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../infra/sample-portfolio.yaml"
        ))
        .unwrap();
        // Maple Court is Buildium's rental property 5001; its unit 1042 is 4B.
        let yaml = yaml.replacen(
            "  - id: maple-court\n",
            "  - id: maple-court\n    pms_id: \"5001\"\n    pms_units: {\"1042\": \"4B\"}\n",
            1,
        );
        let portfolio = parse_portfolio(&edit(yaml), "p.yaml").unwrap();
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let clock = store.clock();
        clock
            .set_mode(ClockMode::Frozen(t("2026-03-04T15:00:00Z")))
            .unwrap();
        let clock_arc: Arc<dyn Clock> = Arc::new(clock.clone());
        let fake = FakeBuildium::start().await;
        let buildium = Arc::new(
            Buildium::new(BuildiumConfig {
                base_url: fake.url.clone(),
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
            })
            .unwrap(),
        );
        let mut webhooks = Webhooks::new(
            store.clone(),
            Arc::new(FakeSender::new(vec![], 204)),
            Secrets::default(),
        );
        webhooks.signing_clock = clock_arc.clone();
        webhooks.pms = Some(buildium.clone());
        let app = App {
            work_orders: store.clone(),
            lookups: store.clone(),
            outbox: store.clone(),
            keys: store.clone(),
            visits: store.clone(),
            opt_outs: store.clone(),
            queries: store.clone(),
            timers: Arc::new(store.timers()),
            mailer: Arc::new(RecordingMailer::new(&store, clock_arc.clone())),
            texter: Arc::new(RecordingTexter::new(&store, clock_arc.clone())),
            clock: clock_arc.clone(),
            directory: Arc::new(Fixed(Arc::new(portfolio))),
            ids: Arc::new(RandomIds),
            links: Arc::new(LinkSigner::new(&[7u8; 32], "http://test", clock_arc).unwrap()),
            limits: Arc::new(mendwork_app::Unlimited),
            webhooks,
            api_keys: Arc::new(mendwork_app::api_keys::NoKeys),
            metrics: store.clone(),
            archive: None,
        };
        Harness {
            app,
            store,
            buildium,
            fake,
            n: std::cell::Cell::new(0),
        }
    }

    pub async fn poll(&self) -> mendwork_app::pms_sync::PullReport {
        let report = self
            .app
            .pull_pms(self.buildium.as_ref(), self.store.as_ref())
            .await
            .unwrap();
        self.app.drain().await.unwrap();
        report
    }

    pub async fn sms(&self, from: &str, body: &str) {
        self.n.set(self.n.get() + 1);
        self.app
            .handle_sms(&InboundSms {
                origination_number: from.into(),
                destination_number: "+18005550100".into(),
                message_keyword: None,
                message_body: body.into(),
                inbound_message_id: format!("in-{}", self.n.get()),
                previous_published_message_id: None,
            })
            .await
            .unwrap();
        self.app.drain().await.unwrap();
    }

    pub async fn work_orders(&self) -> Vec<WorkOrder> {
        self.store
            .list(&mendwork_app::ports::ListFilter::default())
            .await
            .unwrap()
    }

    /// The notes Mendwork wrote on Buildium's resident request `id`.
    pub fn notes(&self, id: i64) -> Vec<String> {
        self.fake
            .history(id)
            .iter()
            .map(|h| h["Message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    pub fn task_status(&self, id: i64) -> String {
        self.fake
            .with(|s| s.resident_requests[&id]["TaskStatus"].clone())
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}
