//! A Buildium work order reassigned there while Mendwork holds it, on the embedded store against
//! the fake Buildium: a vendor that maps to a portfolio vendor (`pms_id`) takes the job over
//! here, by the PMS, with the old vendor and the new one told; the vendor Buildium named when
//! the job was pulled, or the one the job already has here, changes nothing; a vendor that maps
//! to no one is put before the team, not guessed; overlapping polls act once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::deliveries::Deliveries;
use mendwork_app::ports::WorkOrders;
use mendwork_domain::{Actor, Event, Status, VendorId, WorkOrder};
use mendwork_embedded::{SentFilter, SentMessage};
use support::harness::Harness;

/// Erin Walsh, Maple Court's Go-To electrician, is Buildium's vendor 88; Sam Patel, the
/// portfolio's backup electrician, is its vendor 89.
const ERIN: &str = "+17205550130";
const SAM: &str = "+16195550131";

async fn harness() -> Harness {
    Harness::with_buildium_electricians().await
}

impl Harness {
    /// Buildium work order 70 (task 700, hallway light at Maple Court) naming Buildium vendor
    /// `named`, pulled here and accepted by Erin, whom the Go-To list offered it to.
    async fn held_by_erin(&self, named: Option<i64>) -> WorkOrder {
        let wo = self.pulled_work_order(named).await;
        self.sms(ERIN, "yes").await;
        let wo = self.store.load(&wo.id).await.unwrap().unwrap().wo;
        assert_eq!(wo.status, Status::Accepted);
        wo
    }

    fn texts_to(&self, phone: &str) -> Vec<SentMessage> {
        self.store
            .sent(SentFilter {
                work_order: None,
                to: Some(phone.into()),
                since: None,
            })
            .unwrap()
    }

    async fn events(&self, wo: &WorkOrder) -> Vec<Event> {
        self.store
            .timeline(&wo.id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event)
            .collect()
    }
}

fn keys(sent: &[SentMessage]) -> Vec<&str> {
    sent.iter().map(|m| m.key.as_str()).collect()
}

fn assigned_by_buildium(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Assigned { by: Actor::Pms(s), .. } if s == "buildium"))
        .count()
}

#[tokio::test]
async fn a_work_order_reassigned_in_buildium_is_handed_to_that_vendor_here_and_both_are_told() {
    let h = harness().await;
    let wo = h.held_by_erin(Some(88)).await;
    let to_erin = h.texts_to(ERIN).len();
    assert!(h.texts_to(SAM).is_empty());

    h.fake
        .set_work_order_vendor(70, Some(89), "2026-03-04T14:50:00Z");
    let report = h.poll().await;
    assert_eq!((report.reassigned, report.flagged), (1, 0), "{report:?}");
    let after = h.now(&wo).await;
    assert_eq!(after.vendor, Some(VendorId("sam-electric".into())));
    assert!(!after.status.is_final(), "{:?}", after.status);
    let events = h.events(&wo).await;
    assert_eq!(assigned_by_buildium(&events), 1, "{events:?}");
    assert!(
        events.iter().any(
            |e| matches!(e, Event::Unassigned { vendor } if vendor.as_str() == "erin-electric")
        )
    );
    // Erin is told not to go; Sam gets the job.
    let erin = h.texts_to(ERIN);
    assert_eq!(
        keys(&erin[to_erin..]),
        ["vendor.unassigned.sms"],
        "{:?}",
        keys(&erin)
    );
    let sam = h.texts_to(SAM);
    assert_eq!(sam.len(), 1, "{:?}", keys(&sam));
    assert!(sam[0].body.contains(wo.code.as_str()), "{}", sam[0].body);

    // Later polls read the same work order again (same day): nothing more.
    for _ in 0..2 {
        let again = h.poll().await;
        assert_eq!((again.reassigned, again.flagged), (0, 0), "{again:?}");
    }
    assert_eq!(h.events(&wo).await.len(), events.len());
    assert_eq!(h.texts_to(SAM).len(), 1);
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn reading_back_the_vendor_buildium_named_or_the_one_the_job_has_here_changes_nothing() {
    let h = harness().await;
    // Buildium named Sam when the job was pulled; Mendwork dispatched it by the Go-To list.
    let wo = h.held_by_erin(Some(89)).await;
    let events = h.events(&wo).await.len();
    h.fake.with(|s| {
        s.tasks.get_mut(&700).unwrap()["LastUpdatedDateTime"] = "2026-03-04T14:45:00Z".into()
    });
    let report = h.poll().await;
    assert_eq!((report.reassigned, report.flagged), (0, 0), "{report:?}");
    // The team puts Erin, who has the job here, on it in Buildium: nothing to hand over.
    h.fake
        .set_work_order_vendor(70, Some(88), "2026-03-04T14:50:00Z");
    let report = h.poll().await;
    assert_eq!((report.reassigned, report.flagged), (0, 0), "{report:?}");
    // Unassigned there: the job stays with its vendor here.
    h.fake
        .set_work_order_vendor(70, None, "2026-03-04T14:52:00Z");
    let report = h.poll().await;
    assert_eq!((report.reassigned, report.flagged), (0, 0), "{report:?}");
    let after = h.now(&wo).await;
    assert_eq!(after.vendor, Some(VendorId("erin-electric".into())));
    assert_eq!(after.status, Status::Accepted);
    assert_eq!(h.events(&wo).await.len(), events);
    assert!(h.texts_to(SAM).is_empty());

    // A change after those readings is a change: Sam, named again, now takes it over.
    h.fake
        .set_work_order_vendor(70, Some(89), "2026-03-04T14:55:00Z");
    assert_eq!(h.poll().await.reassigned, 1);
    assert_eq!(
        h.now(&wo).await.vendor,
        Some(VendorId("sam-electric".into()))
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_vendor_buildium_names_that_maps_to_no_vendor_here_is_put_before_the_team_not_guessed() {
    let h = harness().await;
    let wo = h.held_by_erin(Some(88)).await;
    let to_erin = h.texts_to(ERIN).len();
    h.fake
        .set_work_order_vendor(70, Some(4242), "2026-03-04T14:50:00Z");

    let report = h.poll().await;
    assert_eq!((report.flagged, report.reassigned), (1, 0), "{report:?}");
    let after = h.now(&wo).await;
    assert_eq!(after.status, Status::NeedsAttention);
    assert_eq!(after.phase(), Status::Accepted);
    assert_eq!(after.vendor, Some(VendorId("erin-electric".into())));
    assert_eq!(
        after.attention,
        Some(mendwork_domain::attention::Cause::UnknownVendorInPms {
            system: "buildium".into(),
            pms_vendor: "4242".into()
        })
    );
    assert_eq!(assigned_by_buildium(&h.events(&wo).await), 0);
    // The team is told by email; the vendor keeps the job and hears nothing.
    let pm = h
        .store
        .sent(SentFilter {
            work_order: Some(wo.id.clone()),
            to: None,
            since: None,
        })
        .unwrap();
    assert!(keys(&pm).contains(&"pm.attention.email"), "{:?}", keys(&pm));
    assert_eq!(h.texts_to(ERIN).len(), to_erin);
    // Flagged once, however often it is read.
    let events = h.events(&wo).await.len();
    for _ in 0..2 {
        let again = h.poll().await;
        assert_eq!((again.flagged, again.reassigned), (0, 0), "{again:?}");
    }
    assert_eq!(h.events(&wo).await.len(), events);
    // The flag is not queued to go back to Buildium.
    let log = h.store.log("pms:buildium", 50).await.unwrap();
    assert!(
        log.iter().all(|d| d.kind != "work_order.needs_attention"),
        "{log:?}"
    );
}

#[tokio::test]
async fn overlapping_polls_that_read_a_reassignment_hand_the_job_over_once() {
    let h = harness().await;
    let wo = h.held_by_erin(Some(88)).await;
    h.fake
        .set_work_order_vendor(70, Some(89), "2026-03-04T14:50:00Z");
    let (a, b) = tokio::join!(
        h.app.pull_pms(h.buildium.as_ref(), h.store.as_ref()),
        h.app.pull_pms(h.buildium.as_ref(), h.store.as_ref())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    h.app.drain().await.unwrap();
    assert_eq!(a.reassigned + b.reassigned, 1, "{a:?} {b:?}");
    let events = h.events(&wo).await;
    assert_eq!(assigned_by_buildium(&events), 1, "{events:?}");
    assert_eq!(h.texts_to(SAM).len(), 1, "{:?}", keys(&h.texts_to(SAM)));
    assert_eq!(
        h.now(&wo).await.vendor,
        Some(VendorId("sam-electric".into()))
    );
}

#[tokio::test]
async fn a_job_handed_to_another_vendor_in_buildium_and_back_again_goes_back() {
    let h = harness().await;
    let wo = h.held_by_erin(None).await;
    // Buildium puts Sam on it, then Erin, then Sam again: each is a change made there.
    let mut handed = 0;
    for (vendor, at, here) in [
        (89, "2026-03-04T14:50:00Z", "sam-electric"),
        (88, "2026-03-04T14:55:00Z", "erin-electric"),
        (89, "2026-03-04T15:00:00Z", "sam-electric"),
    ] {
        h.fake.set_work_order_vendor(70, Some(vendor), at);
        assert_eq!(h.poll().await.reassigned, 1, "Buildium's vendor {vendor}");
        handed += 1;
        assert_eq!(h.now(&wo).await.vendor, Some(VendorId(here.into())));
        assert_eq!(assigned_by_buildium(&h.events(&wo).await), handed);
    }
    // Polls reading the same again change nothing.
    for _ in 0..2 {
        assert_eq!(h.poll().await.reassigned, 0);
    }
    assert_eq!(assigned_by_buildium(&h.events(&wo).await), 3);
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}
