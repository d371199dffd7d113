//! The Buildium round trip on the embedded store with a frozen clock, against a fake Buildium
//! started by the test: a resident request made there becomes a Mendwork work order offered to
//! the vendor; the vendor's acceptance and completion go back as notes and statuses, once each
//! however often they are retried; a second poll makes nothing new; a request for a property
//! the portfolio does not map is left for the next poll, not lost. Changes made there to a
//! request Mendwork holds: closed or deferred cancels the work order (the vendor told, nothing
//! written back), completed puts it before the team; each once, however often polls read it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::deliveries::Deliveries;
use mendwork_app::pms::PmsCursors;
use mendwork_app::ports::WorkOrders;
use mendwork_domain::{Source, Status, WorkOrder};
use mendwork_embedded::SentFilter;
use support::harness::{Harness, PAT, t};

#[tokio::test]
async fn a_resident_request_in_buildium_is_dispatched_and_the_vendors_answers_go_back_once() {
    let h = Harness::new().await;
    h.fake.add_resident_request(
        1,
        5001,
        1042,
        "Kitchen sink leaks under the cabinet",
        "2026-03-04T14:30:00Z",
    );
    // A property the portfolio does not map: skipped and counted, read again next poll.
    h.fake
        .add_resident_request(2, 9999, 1, "Door sticks", "2026-03-04T14:40:00Z");

    let first = h.poll().await;
    assert_eq!((first.created, first.unmapped), (1, 1), "{first:?}");
    let wos = h.work_orders().await;
    assert_eq!(wos.len(), 1);
    let wo = &wos[0];
    assert_eq!(
        wo.request.source,
        Source::Pms {
            system: "buildium".into(),
            kind: "resident_request".into(),
            id: "1".into()
        }
    );
    assert_eq!(wo.request.property.as_str(), "maple-court");
    assert_eq!(wo.request.unit, "4B");
    assert!(wo.request.permission_to_enter);
    assert_eq!(wo.status, Status::Dispatching);
    let offer = h
        .store
        .sent(SentFilter {
            work_order: None,
            to: Some(PAT.into()),
            since: None,
        })
        .unwrap();
    assert!(
        offer.last().unwrap().body.contains(wo.code.as_str()),
        "{offer:?}"
    );
    // Nothing went back yet: being offered is Mendwork's business.
    assert!(h.notes(1).is_empty());

    h.sms(PAT, "yes").await;
    let wo = h.store.load(&wo.id).await.unwrap().unwrap().wo;
    assert_eq!(wo.status, Status::Accepted);
    let notes = h.notes(1);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("accepted the job"), "{notes:?}");
    assert!(notes[0].contains(wo.code.as_str()));
    assert_eq!(h.task_status(1), "InProgress");

    h.sms(PAT, "arrived").await;
    h.sms(PAT, "done, replaced the trap").await;
    let wo = h.store.load(&wo.id).await.unwrap().unwrap().wo;
    assert_eq!(wo.status, Status::Completed);
    let notes = h.notes(1);
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[1].contains("is on site"), "{notes:?}");
    assert!(notes[2].contains("reports the work done"), "{notes:?}");
    assert_eq!(h.task_status(1), "Completed");

    // Every PMS delivery attempted again (as if its outcome had not been recorded): no note
    // is written twice.
    let log = h.store.log("pms:buildium", 50).await.unwrap();
    assert_eq!(log.len(), 3);
    for d in log {
        let again = h.app.attempt(d).await.unwrap();
        assert_eq!(again.last_status, Some(200));
    }
    assert_eq!(h.notes(1).len(), 3);

    // A second poll reads the request again (Buildium's answer changed it) and makes nothing.
    let second = h.poll().await;
    assert_eq!(
        (second.created, second.already, second.unmapped),
        (0, 1, 1),
        "{second:?}"
    );
    assert_eq!(h.work_orders().await.len(), 1);
    // The cursor stays at the unmapped request, so it is read until the portfolio maps it.
    assert_eq!(
        h.store.cursor("buildium").await.unwrap(),
        Some(t("2026-03-04T14:40:00Z"))
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn overlapping_polls_make_one_work_order_per_request() {
    let h = Harness::new().await;
    h.fake.add_resident_request(
        1,
        5001,
        1042,
        "Kitchen sink leaks under the cabinet",
        "2026-03-04T14:30:00Z",
    );
    let (a, b) = tokio::join!(
        h.app.pull_pms(h.buildium.as_ref(), h.store.as_ref()),
        h.app.pull_pms(h.buildium.as_ref(), h.store.as_ref())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.created + b.created, 1, "{a:?} {b:?}");
    assert_eq!(a.created + a.already + b.created + b.already, 2);
    assert_eq!(h.work_orders().await.len(), 1);
    // The cursor followed the newest change read.
    assert_eq!(
        h.store.cursor("buildium").await.unwrap(),
        Some(t("2026-03-04T14:30:00Z"))
    );
}

#[tokio::test]
async fn a_request_already_finished_in_buildium_is_not_dispatched() {
    let h = Harness::new().await;
    h.fake
        .add_resident_request(1, 5001, 1042, "Bulb out", "2026-03-04T14:30:00Z");
    h.fake
        .with(|s| s.resident_requests.get_mut(&1).unwrap()["TaskStatus"] = "Completed".into());
    let report = h.poll().await;
    assert_eq!((report.created, report.finished), (0, 1));
    assert!(h.work_orders().await.is_empty());
}

/// The messages the vendor's phone got so far, by catalogue key.
fn keys(sent: &[mendwork_embedded::SentMessage]) -> Vec<String> {
    sent.iter().map(|m| m.key.clone()).collect()
}

impl Harness {
    fn to_vendor(&self) -> Vec<mendwork_embedded::SentMessage> {
        self.store
            .sent(SentFilter {
                work_order: None,
                to: Some(PAT.into()),
                since: None,
            })
            .unwrap()
    }

    /// A resident request made in Buildium, pulled and accepted by the vendor.
    async fn accepted_job(&self) -> WorkOrder {
        self.fake.add_resident_request(
            1,
            5001,
            1042,
            "Kitchen sink leaks under the cabinet",
            "2026-03-04T14:30:00Z",
        );
        assert_eq!(self.poll().await.created, 1);
        self.sms(PAT, "yes").await;
        let wo = self.work_orders().await.remove(0);
        assert_eq!(wo.status, Status::Accepted);
        wo
    }
}

#[tokio::test]
async fn a_request_closed_in_buildium_cancels_its_open_work_order_once_and_the_vendor_is_told() {
    let h = Harness::new().await;
    let wo = h.accepted_job().await;
    let notes_before = h.notes(1).len();
    h.fake
        .set_resident_request_status(1, "Closed", "2026-03-04T14:50:00Z");

    let report = h.poll().await;
    assert_eq!((report.cancelled, report.already), (1, 1), "{report:?}");
    let after = h.store.load(&wo.id).await.unwrap().unwrap().wo;
    assert_eq!(after.status, Status::Cancelled);
    let timeline = h.store.timeline(&wo.id).await.unwrap();
    assert!(
        timeline.iter().any(|r| matches!(
            &r.event,
            mendwork_domain::Event::Cancelled { by: mendwork_domain::Actor::Pms(s), reason: None }
                if s == "buildium"
        )),
        "{timeline:?}"
    );
    let vendor = h.to_vendor();
    assert_eq!(
        keys(&vendor).last().map(String::as_str),
        Some("vendor.cancelled.sms"),
        "{:?}",
        keys(&vendor)
    );
    // Buildium's own change is not written back to it.
    assert_eq!(h.notes(1).len(), notes_before);
    assert_eq!(h.task_status(1), "Closed");

    // Later polls read the request again (same day) and do nothing more.
    for _ in 0..2 {
        let again = h.poll().await;
        assert_eq!((again.cancelled, again.flagged), (0, 0), "{again:?}");
    }
    assert_eq!(h.to_vendor().len(), vendor.len());
    assert_eq!(
        h.store.timeline(&wo.id).await.unwrap().len(),
        timeline.len()
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_request_deferred_in_buildium_cancels_the_work_order_and_stays_deferred_there() {
    let h = Harness::new().await;
    let wo = h.accepted_job().await;
    h.fake
        .set_resident_request_status(1, "Deferred", "2026-03-04T14:50:00Z");
    let report = h.poll().await;
    assert_eq!(report.cancelled, 1, "{report:?}");
    let after = h.store.load(&wo.id).await.unwrap().unwrap().wo;
    assert_eq!(after.status, Status::Cancelled);
    assert_eq!(h.task_status(1), "Deferred");
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_request_completed_in_buildium_while_open_here_is_put_before_the_team_once_not_closed() {
    let h = Harness::new().await;
    let wo = h.accepted_job().await;
    let vendor_before = h.to_vendor().len();
    h.fake
        .set_resident_request_status(1, "Completed", "2026-03-04T14:50:00Z");

    let report = h.poll().await;
    assert_eq!((report.flagged, report.cancelled), (1, 0), "{report:?}");
    let after = h.store.load(&wo.id).await.unwrap().unwrap().wo;
    assert_eq!(after.status, Status::NeedsAttention);
    assert_eq!(after.phase(), Status::Accepted);
    assert_eq!(after.vendor, wo.vendor);
    assert_eq!(
        after.attention,
        Some(mendwork_domain::attention::Cause::CompletedInPms {
            system: "buildium".into()
        })
    );
    // The team is told by email; the vendor is not (the job is theirs until the team decides).
    let pm = h
        .store
        .sent(SentFilter {
            work_order: Some(wo.id.clone()),
            to: None,
            since: None,
        })
        .unwrap();
    assert!(
        keys(&pm).iter().any(|k| k == "pm.attention.email"),
        "{:?}",
        keys(&pm)
    );
    assert_eq!(h.to_vendor().len(), vendor_before);
    // The flag is not written back: Buildium keeps the team's "Completed".
    assert_eq!(h.task_status(1), "Completed");

    let timeline = h.store.timeline(&wo.id).await.unwrap().len();
    for _ in 0..2 {
        let again = h.poll().await;
        assert_eq!((again.flagged, again.cancelled), (0, 0), "{again:?}");
    }
    assert_eq!(h.store.timeline(&wo.id).await.unwrap().len(), timeline);

    // The team decides to stop the job: it cancels, and later polls leave it alone.
    h.app
        .execute(
            &wo.id,
            mendwork_domain::Command::Cancel {
                by: mendwork_domain::Actor::Pm("pm@example.com".into()),
                reason: None,
            },
            mendwork_app::Exec::default(),
        )
        .await
        .unwrap();
    h.app.drain().await.unwrap();
    let last = h.poll().await;
    assert_eq!((last.flagged, last.cancelled), (0, 0), "{last:?}");
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_job_the_vendor_finished_here_is_left_alone_when_buildium_closes_the_request() {
    let h = Harness::new().await;
    let wo = h.accepted_job().await;
    h.sms(PAT, "done, replaced the trap").await;
    assert_eq!(
        h.store.load(&wo.id).await.unwrap().unwrap().wo.status,
        Status::Completed
    );
    h.fake
        .set_resident_request_status(1, "Closed", "2026-03-04T14:59:00Z");
    let report = h.poll().await;
    assert_eq!((report.cancelled, report.flagged), (0, 0), "{report:?}");
    assert_eq!(
        h.store.load(&wo.id).await.unwrap().unwrap().wo.status,
        Status::Completed
    );
}

#[tokio::test]
async fn a_buildium_work_order_closed_there_cancels_its_work_order_here_without_writing_back() {
    let h = Harness::new().await;
    h.fake
        .add_work_order(70, 700, "Todo", 5001, "2026-03-04T14:30:00Z");
    assert_eq!(h.poll().await.created, 1);
    let wo = h.work_orders().await.remove(0);
    assert!(!wo.status.is_final(), "{:?}", wo.status);
    h.fake.with(|s| {
        s.work_orders.get_mut(&70).unwrap()["Status"] = "Closed".into();
        s.tasks.get_mut(&700).unwrap()["LastUpdatedDateTime"] = "2026-03-04T14:55:00Z".into();
    });
    let report = h.poll().await;
    assert_eq!(report.cancelled, 1, "{report:?}");
    assert_eq!(
        h.store.load(&wo.id).await.unwrap().unwrap().wo.status,
        Status::Cancelled
    );
    assert_eq!(h.poll().await.cancelled, 0);
    // Buildium's own change is not queued to go back to it.
    let log = h.store.log("pms:buildium", 50).await.unwrap();
    assert!(
        log.iter().all(|d| d.kind != "work_order.cancelled"),
        "{log:?}"
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}
