//! A throttled or unavailable store at the edge: the JSON API and the pages answer 503 with
//! `Retry-After` (the same request a few seconds later may well work), never the store's own
//! words; any other store failure stays a 500.

mod support;

use async_trait::async_trait;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use mendwork_app::metrics::MetricsProjection;
use mendwork_app::ports::{StoreError, StoreErrorKind, WorkOrderQueries};
use mendwork_app::queries::{Listing, Page, PageKey};
use mendwork_domain::metrics::{MetricRow, Weeks};
use std::sync::Arc;
use support::contract::Contract;
use support::{TestApp, app};

/// What the failing store says internally: none of it may reach a response body.
const INTERNAL: &str = "reading the newest work orders: ProvisionedThroughputExceededException: \
                        table mendwork-secret-table";

/// A store whose reads fail with one kind of failure, as the AWS adapters report it.
#[derive(Clone, Copy)]
struct Failing(StoreErrorKind);

impl Failing {
    fn error(&self) -> StoreError {
        StoreError::of(self.0, INTERNAL).with_code("ProvisionedThroughputExceededException")
    }
}

#[async_trait]
impl WorkOrderQueries for Failing {
    async fn page(&self, _: &Listing, _: Option<&PageKey>, _: usize) -> Result<Page, StoreError> {
        Err(self.error())
    }
}

#[async_trait]
impl MetricsProjection for Failing {
    async fn read(&self, _: &Weeks) -> Result<Vec<MetricRow>, StoreError> {
        Err(self.error())
    }
}

fn failing(kind: StoreErrorKind) -> TestApp {
    let mut t = app();
    t.app.queries = Arc::new(Failing(kind));
    t.app.metrics = Arc::new(Failing(kind));
    t.router = mendwork_web::router_with(t.app.clone(), mendwork_web::WebConfig::default());
    t
}

fn shows_nothing_internal(body: &str) {
    for word in ["Provisioned", "mendwork-secret-table", "reading the newest"] {
        assert!(!body.contains(word), "{word:?} shown: {body}");
    }
}

#[tokio::test]
async fn a_throttled_store_answers_the_api_with_503_and_retry_after_and_no_internal_text() {
    // Given a store that is throttled
    let t = failing(StoreErrorKind::Throttled);
    // When an integration lists work orders
    let a = t.get("/api/work-orders").await;
    // Then it is asked to try again in a few seconds, in the documented shape
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(
        a.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let body = Contract::new().check("get", "/api/work-orders", 503, &a.body);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("try again in a few seconds")),
        "{body}"
    );
    shows_nothing_internal(&a.body);
}

#[tokio::test]
async fn an_unavailable_store_answers_a_page_with_503_and_retry_after_and_no_internal_text() {
    // Given a store that does not answer, and a signed-in team member
    let t = failing(StoreErrorKind::Unavailable);
    t.sign_in().await;
    // When they open the metrics page
    let m = t.get("/pm/metrics").await;
    // Then the page says to try again shortly, and the browser may retry after a few seconds
    assert_eq!(m.status, StatusCode::SERVICE_UNAVAILABLE, "{}", m.body);
    assert_eq!(
        m.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()),
        Some("5")
    );
    assert!(m.body.contains("try again in a few seconds"), "{}", m.body);
    shows_nothing_internal(&m.body);
}

#[tokio::test]
async fn a_store_failure_that_waiting_cannot_fix_stays_a_500_without_retry_after() {
    for kind in [
        StoreErrorKind::NotFound,
        StoreErrorKind::InvalidData,
        StoreErrorKind::Other,
    ] {
        let t = failing(kind);
        let a = t.get("/api/work-orders").await;
        assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{kind:?}");
        assert!(a.headers.get(RETRY_AFTER).is_none(), "{kind:?}");
        Contract::new().check("get", "/api/work-orders", 500, &a.body);
        shows_nothing_internal(&a.body);
    }
}
