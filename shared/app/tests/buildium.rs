//! The Buildium adapter against a fake Buildium started by each test: paging with the documented
//! filters, a 429 waited out, a 401 as a typed error, an update written once however its answer
//! is lost — and every request it sends checked against the documented schema.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Utc};
use mendwork_app::pms::buildium::{Buildium, BuildiumConfig, PAGE};
use mendwork_app::pms::{ExternalRef, ExternalState, Pms, PmsError, PmsUpdate};
use mendwork_domain::Status;
use support::fake_buildium::{CLIENT_ID, CLIENT_SECRET, FakeBuildium};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn client(fake: &FakeBuildium, secret: &str) -> Buildium {
    Buildium::new(BuildiumConfig {
        base_url: fake.url.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: secret.into(),
    })
    .unwrap()
}

/// Every request changed since `since`, page by page as the pull reads them.
async fn read_all(b: &Buildium, since: DateTime<Utc>) -> Vec<mendwork_app::pms::ExternalRequest> {
    let mut all = vec![];
    let mut page: Option<String> = None;
    loop {
        let got = b.changes(since, page.as_deref()).await.unwrap();
        all.extend(got.requests);
        page = got.next;
        if page.is_none() {
            return all;
        }
    }
}

#[tokio::test]
async fn requests_and_work_orders_are_read_page_by_page_from_the_cursors_day() {
    let fake = FakeBuildium::start().await;
    for id in 1..=(PAGE as i64 + 20) {
        fake.add_resident_request(id, 5001, 1042, "Sink leaks", "2026-03-04T09:00:00Z");
    }
    // Changed before the cursor's day: not returned.
    fake.add_resident_request(999, 5001, 1042, "Old", "2026-03-01T09:00:00Z");
    fake.add_work_order(70, 4000, "Todo", 5002, "2026-03-04T10:00:00Z");
    // A work order made from a resident request comes with that request, not twice.
    fake.add_work_order(71, 1, "ResidentRequest", 5001, "2026-03-04T10:00:00Z");
    let b = client(&fake, CLIENT_SECRET);

    let all = read_all(&b, t("2026-03-04T08:00:00Z")).await;
    assert_eq!(all.len(), PAGE + 20 + 1);
    let first = &all[0];
    assert_eq!(
        first.reference,
        ExternalRef {
            kind: "resident_request".into(),
            id: "1".into()
        }
    );
    assert_eq!(first.property.as_deref(), Some("5001"));
    assert_eq!(first.unit.as_deref(), Some("1042"));
    assert_eq!(first.requested_by.as_deref(), Some("Ana Ruiz"));
    assert_eq!(first.entry_permitted, Some(true));
    assert_eq!(first.state, ExternalState::Open);
    assert_eq!(first.updated_at, Some(t("2026-03-04T09:00:00Z")));
    let wo = all.last().unwrap();
    assert_eq!(
        wo.reference,
        ExternalRef {
            kind: "work_order".into(),
            id: "70".into()
        }
    );
    assert_eq!(wo.property.as_deref(), Some("5002"));

    let seen = fake.seen();
    let lists: Vec<_> = seen
        .iter()
        .filter(|s| s.path == "/v1/tasks/residentrequests")
        .collect();
    assert_eq!(lists.len(), 2, "two pages of resident requests");
    for (i, s) in lists.iter().enumerate() {
        let q = |n: &str| s.query.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        assert_eq!(q("lastupdatedfrom").as_deref(), Some("2026-03-04"));
        assert_eq!(q("offset"), Some((i * PAGE).to_string()));
        assert_eq!(q("limit"), Some(PAGE.to_string()));
    }
    assert!(seen.iter().any(|s| s.path == "/v1/tasks/4000"));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_429_is_waited_out_for_its_retry_after_and_then_read() {
    let fake = FakeBuildium::start().await;
    fake.add_resident_request(1, 5001, 1042, "Sink leaks", "2026-03-04T09:00:00Z");
    fake.with(|s| s.throttle_next = 1);
    let b = client(&fake, CLIENT_SECRET);
    let started = std::time::Instant::now();
    let page = b.changes(t("2026-03-04T08:00:00Z"), None).await.unwrap();
    assert_eq!(page.requests.len(), 1);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(fake.seen().len(), 2, "one 429, one answer");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn throttling_that_does_not_end_is_a_retryable_error_after_a_bounded_number_of_tries() {
    let fake = FakeBuildium::start().await;
    fake.with(|s| s.throttle_next = 100);
    let b = client(&fake, CLIENT_SECRET);
    let err = b
        .changes(t("2026-03-04T08:00:00Z"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, PmsError::Retryable(_)), "{err:?}");
    assert_eq!(fake.seen().len(), 4);
}

#[tokio::test]
async fn a_wrong_secret_is_a_typed_401_error_and_not_an_empty_page() {
    let fake = FakeBuildium::start().await;
    fake.add_resident_request(1, 5001, 1042, "Sink leaks", "2026-03-04T09:00:00Z");
    let b = client(&fake, "not-the-secret");
    let err = b
        .changes(t("2026-03-04T08:00:00Z"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, PmsError::Unauthorized), "{err:?}");
    assert_eq!(fake.seen().len(), 1, "a 401 is not retried");
    let update = PmsUpdate {
        key: "evt_x".into(),
        reference: ExternalRef {
            kind: "resident_request".into(),
            id: "1".into(),
        },
        status: Status::Accepted,
        note: "accepted".into(),
        vendor: None,
    };
    assert!(matches!(b.push(&update).await, Err(PmsError::Unauthorized)));
}

#[tokio::test]
async fn an_update_on_a_request_that_is_gone_is_a_typed_404_error() {
    let fake = FakeBuildium::start().await;
    let b = client(&fake, CLIENT_SECRET);
    let update = PmsUpdate {
        key: "evt_x".into(),
        reference: ExternalRef {
            kind: "resident_request".into(),
            id: "404".into(),
        },
        status: Status::Accepted,
        note: "accepted".into(),
        vendor: None,
    };
    assert!(matches!(b.push(&update).await, Err(PmsError::NotFound(_))));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn an_update_is_written_once_even_when_its_answer_is_lost_and_it_is_sent_again() {
    let fake = FakeBuildium::start().await;
    fake.add_resident_request(7, 5001, 1042, "Sink leaks", "2026-03-04T09:00:00Z");
    // The first PUT is written but answered 500: the adapter looks again before retrying.
    fake.with(|s| s.lose_put_answers = 1);
    let b = client(&fake, CLIENT_SECRET);
    let update = PmsUpdate {
        key: "evt_wo-abc_3_0".into(),
        reference: ExternalRef {
            kind: "resident_request".into(),
            id: "7".into(),
        },
        status: Status::Accepted,
        note: "Mendwork job KP27: Pat accepted the job.".into(),
        vendor: None,
    };
    b.push(&update).await.unwrap();
    // The whole delivery retried later (its outcome was not recorded): still one note.
    b.push(&update).await.unwrap();
    let history = fake.history(7);
    assert_eq!(history.len(), 1, "{history:?}");
    assert!(
        history[0]["Message"]
            .as_str()
            .unwrap()
            .contains("Pat accepted the job.")
    );
    let request = fake.with(|s| s.resident_requests[&7].clone());
    assert_eq!(request["TaskStatus"], "InProgress");
    // What the PUT did not change, it sent back (Buildium empties what is left out).
    assert_eq!(request["Title"], "Sink leaks");
    assert_eq!(request["AssignedToUserId"], 12);
    assert_eq!(request["Category"]["Id"], 3);
    let puts = fake
        .seen()
        .into_iter()
        .filter(|s| s.method == "PUT")
        .count();
    assert_eq!(puts, 1);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test]
async fn a_request_that_deviates_from_the_documented_schema_is_refused_by_the_fake() {
    let fake = FakeBuildium::start().await;
    fake.add_resident_request(7, 5001, 1042, "Sink leaks", "2026-03-04T09:00:00Z");
    let http = reqwest::Client::new();
    let auth = |r: reqwest::RequestBuilder| {
        r.header("x-buildium-client-id", CLIENT_ID)
            .header("x-buildium-client-secret", CLIENT_SECRET)
    };
    let base = &fake.url;
    let cases = [
        // An undocumented filter name.
        auth(http.get(format!("{base}/v1/tasks/residentrequests?updatedsince=2026-03-04"))),
        // A date not in YYYY-MM-DD.
        auth(http.get(format!("{base}/v1/tasks/residentrequests?lastupdatedfrom=2026-03-04T08:00:00Z"))),
        // A limit over 1000.
        auth(http.get(format!("{base}/v1/workorders?limit=5000"))),
        // No credentials headers.
        http.get(format!("{base}/v1/tasks/residentrequests")),
        // A field of another model (`WorkOrderMessage`'s Status) and no TaskStatus.
        auth(http.put(format!("{base}/v1/tasks/residentrequests/7")))
            .json(&serde_json::json!({"Title": "Sink leaks", "Status": "InProgress", "Priority": "Normal"})),
        // A status not in the documented list, an id as a string.
        auth(http.put(format!("{base}/v1/tasks/residentrequests/7")))
            .json(&serde_json::json!({"Title": "x", "TaskStatus": "Accepted", "Priority": "Normal", "CategoryId": "3"})),
        // An endpoint the connector does not use (a POST of a history entry is not documented).
        auth(http.post(format!("{base}/v1/tasks/7/history")))
            .json(&serde_json::json!({"Message": "hello"})),
    ];
    let n = cases.len();
    for case in cases {
        let status = case.send().await.unwrap().status();
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    }
    let v = fake.violations();
    assert!(v.len() >= n, "{v:?}");
    for needle in [
        "undocumented query parameter \"updatedsince\"",
        "lastupdatedfrom=",
        "limit 5000",
        "missing header x-buildium-client-id",
        "undocumented body field \"Status\"",
        "required body field TaskStatus",
        "TaskStatus = \"Accepted\"",
        "CategoryId",
        "not a documented endpoint",
    ] {
        assert!(
            v.iter().any(|x| x.contains(needle)),
            "{needle} not in {v:?}"
        );
    }
    // Nothing was written by the refused PUTs.
    assert!(fake.history(7).is_empty());
}
