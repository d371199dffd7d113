//! Updates written back to a Buildium work order, on the embedded store against the fake
//! Buildium: a job pulled from a work order on a to-do task, dispatched, accepted, scheduled,
//! done and invoiced leaves the work order with its status, the vendor Mendwork assigned, and one
//! note per update on its task's history; a write whose answer was lost is not written twice;
//! the vendor written back and read again by the next poll hands nothing over.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::deliveries::Deliveries;
use mendwork_app::ports::WorkOrders;
use mendwork_domain::{Actor, Command, Money, Status, VendorId, Window, WorkOrder};
use support::harness::{Harness, t};

/// Erin Walsh, Maple Court's Go-To electrician, is Buildium's vendor 88; Sam Patel is its 89.
const ERIN: &str = "+17205550130";

async fn harness() -> Harness {
    Harness::with_buildium_electricians().await
}

impl Harness {
    async fn run(&self, wo: &WorkOrder, command: Command) {
        self.app
            .execute(&wo.id, command, Default::default())
            .await
            .unwrap();
        self.app.drain().await.unwrap();
    }

    fn work_order(&self, field: &str) -> serde_json::Value {
        self.fake.with(|s| s.work_orders[&70][field].clone())
    }

    /// Every PMS delivery recorded so far, with its last answer.
    async fn deliveries(&self) -> Vec<(String, Option<u16>)> {
        self.store
            .log("pms:buildium", 50)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.kind, d.last_status))
            .collect()
    }
}

fn erin() -> VendorId {
    VendorId("erin-electric".into())
}

#[tokio::test]
async fn a_buildium_work_order_gets_its_status_vendor_and_one_note_per_update_from_dispatch_to_invoice()
 {
    let h = harness().await;
    let wo = h.pulled_work_order(None).await;
    // Being offered is Mendwork's business: nothing is written yet.
    assert!(h.notes(700).is_empty());
    assert_eq!(h.work_order("VendorId"), serde_json::Value::Null);

    h.sms(ERIN, "yes").await;
    assert_eq!(h.now(&wo).await.status, Status::Accepted);
    assert_eq!(h.work_order("VendorId"), 88);
    assert_eq!(h.work_order("Status"), "InProgress");
    // What the vendor's PUT did not change is sent back as it was read.
    assert_eq!(h.work_order("EntryAllowed"), "Yes");
    assert_eq!(
        h.work_order("WorkDetails"),
        "The hallway light on the third floor flickers and is out at night."
    );
    let notes = h.notes(700);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("Erin Walsh accepted the job"),
        "{notes:?}"
    );
    assert!(notes[0].contains(wo.code.as_str()), "{notes:?}");

    // A work order's task names no tenant to ask: the vendor's time is the appointment.
    h.run(
        &wo,
        Command::ProposeTime {
            vendor: erin(),
            window: Window::new(t("2026-03-05T18:00:00Z"), t("2026-03-05T20:00:00Z")).unwrap(),
        },
    )
    .await;
    assert_eq!(h.now(&wo).await.status, Status::Scheduled);
    h.sms(ERIN, "arrived").await;
    h.sms(ERIN, "done, replaced the fixture").await;
    assert_eq!(h.now(&wo).await.status, Status::Completed);
    assert_eq!(h.work_order("Status"), "Completed");
    h.sms(ERIN, "invoice 385").await;
    let end = h.now(&wo).await;
    assert!(end.invoice.is_some(), "{end:?}");

    let log = h.deliveries().await;
    assert!(log.iter().all(|(_, s)| *s == Some(200)), "{log:?}");
    let kinds: Vec<&str> = log.iter().map(|(k, _)| k.as_str()).collect();
    for k in [
        "work_order.accepted",
        "work_order.scheduled",
        "work_order.arrived",
        "work_order.done",
        "work_order.invoice",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    let notes = h.notes(700);
    assert_eq!(notes.len(), log.len(), "{notes:?} {kinds:?}");
    assert!(
        notes.iter().any(|n| n.contains("comes Thu Mar 5")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("reports the work done")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("invoice came in: $385")),
        "{notes:?}"
    );
    let status = h.work_order("Status");
    let want = if end.status == Status::Closed {
        "Closed"
    } else {
        "Completed"
    };
    assert_eq!(status, want, "{:?}", end.status);
    assert_eq!(h.work_order("VendorId"), 88);
    // The vendor was written once: later updates found it already there.
    let vendor_puts = h
        .fake
        .seen()
        .iter()
        .filter(|r| r.method == "PUT" && r.path == "/v1/workorders/70")
        .count();
    assert_eq!(vendor_puts, 1);

    // Every delivery attempted again (as if its outcome had not been recorded): no second note.
    for d in h.store.log("pms:buildium", 50).await.unwrap() {
        assert_eq!(h.app.attempt(d).await.unwrap().last_status, Some(200));
    }
    assert_eq!(h.notes(700).len(), notes.len());
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_work_order_update_whose_answer_was_lost_is_not_written_twice() {
    let h = harness().await;
    let wo = h.pulled_work_order(None).await;
    // Both PUTs of the acceptance (the vendor, then the task with its note) are written by
    // Buildium and answered 500.
    h.fake.with(|s| s.lose_put_answers = 2);
    h.sms(ERIN, "yes").await;
    assert_eq!(h.now(&wo).await.status, Status::Accepted);
    assert_eq!(h.work_order("VendorId"), 88);
    // The vendor's lost answer fails the first attempt; it is retried later.
    let log = h.deliveries().await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_ne!(log[0].1, Some(200), "{log:?}");
    assert!(h.notes(700).is_empty());

    for d in h.store.log("pms:buildium", 50).await.unwrap() {
        // The vendor is there (nothing to write); the task's PUT is written, its answer lost,
        // and found on the history by the second look.
        assert_eq!(h.app.attempt(d).await.unwrap().last_status, Some(200));
    }
    assert_eq!(h.notes(700).len(), 1, "{:?}", h.notes(700));
    for d in h.store.log("pms:buildium", 50).await.unwrap() {
        assert_eq!(h.app.attempt(d).await.unwrap().last_status, Some(200));
    }
    let notes = h.notes(700);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(h.work_order("Status"), "InProgress");
    let task_puts = h
        .fake
        .seen()
        .iter()
        .filter(|r| r.method == "PUT" && r.path == "/v1/tasks/todorequests/700")
        .count();
    assert_eq!(
        task_puts, 1,
        "a second PUT would have written a second note"
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn the_vendor_written_back_to_buildium_and_read_again_hands_nothing_over() {
    let h = harness().await;
    // Buildium named Sam (its 89) when the job was pulled; Mendwork dispatched it to Erin.
    let wo = h.pulled_work_order(Some(89)).await;
    h.sms(ERIN, "yes").await;
    // Erin's Buildium id replaced Sam's there, which stamps the work order's task as changed.
    assert_eq!(h.work_order("VendorId"), 88);
    let events = h.store.timeline(&wo.id).await.unwrap().len();
    for _ in 0..2 {
        let report = h.poll().await;
        assert_eq!((report.reassigned, report.flagged), (0, 0), "{report:?}");
    }
    let after = h.now(&wo).await;
    assert_eq!(after.vendor, Some(erin()));
    assert_eq!(after.status, Status::Accepted);
    assert_eq!(h.store.timeline(&wo.id).await.unwrap().len(), events);
    // A change the team makes there afterwards is still followed.
    h.fake
        .set_work_order_vendor(70, Some(89), "2026-03-04T15:05:00Z");
    assert_eq!(h.poll().await.reassigned, 1);
    assert_eq!(
        h.now(&wo).await.vendor,
        Some(VendorId("sam-electric".into()))
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn a_work_order_write_with_an_undocumented_field_is_refused_by_the_fake() {
    let h = harness().await;
    h.fake
        .add_work_order(70, 700, "Todo", 5001, "2026-03-04T14:30:00Z");
    let client = reqwest::Client::new();
    let put = |path: &str, body: serde_json::Value| {
        client
            .put(format!("{}{path}", h.fake.url))
            .header("x-buildium-client-id", support::fake_buildium::CLIENT_ID)
            .header(
                "x-buildium-client-secret",
                support::fake_buildium::CLIENT_SECRET,
            )
            .json(&body)
            .send()
    };
    // A status is not a field of WorkOrderPutMessage: the work order's status is its task's.
    let r = put(
        "/v1/workorders/70",
        serde_json::json!({"EntryAllowed": "Yes", "VendorId": 88, "Status": "Completed"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    // VendorId is required.
    let r = put(
        "/v1/workorders/70",
        serde_json::json!({"EntryAllowed": "Yes"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    // A to-do's update needs AssignedToUserId.
    let r = put(
        "/v1/tasks/todorequests/700",
        serde_json::json!({"Title": "x", "TaskStatus": "New", "Priority": "Normal"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let v = h.fake.violations();
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(v[0].contains("undocumented body field \"Status\""), "{v:?}");
    assert!(v[1].contains("required body field VendorId"), "{v:?}");
    assert!(
        v[2].contains("required body field AssignedToUserId"),
        "{v:?}"
    );
    // Nothing was written.
    assert_eq!(h.work_order("VendorId"), 88);
    assert_eq!(h.work_order("Status"), "New");
}

#[tokio::test]
async fn work_orders_on_rental_owner_and_contact_requests_get_their_status_and_one_note_each() {
    use mendwork_app::pms::{ExternalRef, Pms, PmsUpdate};
    let h = harness().await;
    h.fake
        .add_work_order(71, 710, "RentalOwnerRequest", 5001, "2026-03-04T14:30:00Z");
    h.fake
        .add_work_order(72, 720, "ContactRequest", 5001, "2026-03-04T14:30:00Z");
    let contact = h.fake.with(|s| s.tasks[&720]["ContactDetail"].clone());
    // Buildium may answer `null` for a list; a line item must survive the vendor's PUT.
    h.fake.with(|s| {
        let wo = s.work_orders.get_mut(&71).unwrap();
        wo["EntryContacts"] = serde_json::Value::Null;
        wo["LineItems"] = serde_json::json!([{"GlAccountId": 6, "Quantity": 1.0, "Memo": "Bulb", "UnitPrice": 12.5}]);
    });
    for (wo, task) in [(71, 710), (72, 720)] {
        let update = PmsUpdate {
            key: format!("evt_{wo}"),
            reference: ExternalRef {
                kind: "work_order".into(),
                id: wo.to_string(),
            },
            status: Status::Completed,
            note: "Mendwork job KP27: Erin Walsh reports the work done.".into(),
            vendor: Some("89".into()),
        };
        h.buildium.push(&update).await.unwrap();
        h.buildium.push(&update).await.unwrap();
        let notes = h.notes(task);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("reports the work done"), "{notes:?}");
        h.fake.with(|s| {
            assert_eq!(s.work_orders[&wo]["Status"], "Completed");
            assert_eq!(s.work_orders[&wo]["VendorId"], 89);
            assert_eq!(s.tasks[&task]["AssignedToUserId"], 12);
        });
    }
    let items = h.fake.with(|s| s.work_orders[&71]["LineItems"].clone());
    assert_eq!(items[0]["Memo"], "Bulb", "{items}");
    assert_eq!(items[0]["UnitPrice"], 12.5, "{items}");
    // The contact's details, required by a contact request's update, went back as they were.
    let after = h.fake.with(|s| s.tasks[&720]["ContactDetail"].clone());
    assert_eq!(after["FirstName"], contact["FirstName"]);
    assert_eq!(after["Email"], contact["Email"]);
    assert_eq!(
        after["PhoneNumbers"]["Mobile"],
        contact["PhoneNumbers"]["Mobile"]
    );
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}

#[tokio::test]
async fn the_estimate_the_owners_decision_and_the_vendors_photos_go_back_as_notes() {
    let h = harness().await;
    let wo = h.pulled_work_order(None).await;
    h.sms(ERIN, "yes").await;
    // Over Maple Court's $500 limit: the owner is asked, and approves.
    h.run(
        &wo,
        Command::Estimate {
            vendor: erin(),
            amount: Money::from_dollars(900),
            note: Some("new fixture and wiring".into()),
        },
    )
    .await;
    let asked = h.now(&wo).await;
    h.run(
        &wo,
        Command::DecideApproval {
            approve: true,
            by: Actor::Owner,
            round: asked.approval_round,
        },
    )
    .await;
    h.run(
        &wo,
        Command::ProposeTime {
            vendor: erin(),
            window: Window::new(t("2026-03-05T18:00:00Z"), t("2026-03-05T20:00:00Z")).unwrap(),
        },
    )
    .await;
    h.sms(ERIN, "arrived").await;
    h.run(
        &wo,
        Command::Done {
            vendor: erin(),
            notes: Some("replaced the fixture".into()),
            photos: vec!["before.jpg".into(), "after.jpg".into()],
        },
    )
    .await;

    let notes = h.notes(700);
    let has = |words: &str| notes.iter().any(|n| n.contains(words));
    assert!(
        has("sent an estimate of $900 (new fixture and wiring), over the limit of $500."),
        "{notes:?}"
    );
    assert!(
        has("the estimate of $900 waits for the owner's approval (limit $500)."),
        "{notes:?}"
    );
    assert!(has("the owner approved the estimate of $900."), "{notes:?}");
    let done = notes
        .iter()
        .find(|n| n.contains("reports the work done"))
        .expect("a note of the work done");
    assert!(done.contains(": replaced the fixture. 2 photos"), "{done}");
    assert!(
        done.contains("2 photos on the job's page: ")
            && done.contains(&format!("/pm/wo/{}", wo.id)),
        "{done}"
    );
    // One note per update, each written once.
    let log = h.deliveries().await;
    assert!(log.iter().all(|(_, s)| *s == Some(200)), "{log:?}");
    assert_eq!(notes.len(), log.len(), "{notes:?} {log:?}");
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
}
