//! The visitor desk: a vendor's visit follows the work order; a visit made at the desk links
//! only to a work order of its own property.

use super::*;

pub async fn a_vendor_visit_follows_the_work_order_from_accept_to_check_out<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    let wo = created(&d, "Radiator valve leaks").await;
    let id = wo.id();
    let pat = d.vendor_phone(PAT).await;

    // Pat's company (RapidFlow) auto-creates visits, and Maple Court has a desk.
    let r = d.text(&pat, &format!("YES {}", wo.code())).await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(
        wo.visit_status().as_deref(),
        Some("expected"),
        "{:?}",
        wo["visit"]
    );
    assert_eq!(wo["visit"]["automatic"], true);
    assert_eq!(wo["visit"]["visitor"], "Pat Alvarez");
    assert_eq!(wo["visit"]["work_order"].as_str(), Some(id.as_str()));
    let visit = wo["visit"]["id"].as_str().unwrap_or_default().to_string();

    // The visit's window is the appointment; the desk lists it for that day…
    let r = d.text(&pat, "2").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.visit_expected(), Some(slot2()));
    let friday = d.visits(MAPLE, "2026-03-06").await;
    assert!(
        friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );
    let page = d.open("/desk/maple-court?date=2026-03-06").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Pat"), "{}", page.body);

    // …and moves with it.
    let r = d.pm_action(&id, "reschedule", json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = d.text(&pat, "1").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.appointment(), Some(slot1()));
    assert_eq!(wo.visit_expected(), Some(slot1()));
    let same = wo["visit"]["id"].as_str() == Some(visit.as_str());
    assert!(same, "the same visit moved: {:?}", wo["visit"]);
    let thursday = d.visits(MAPLE, "2026-03-05").await;
    assert!(
        thursday.iter().any(|v| v["id"] == visit.as_str()),
        "{thursday:?}"
    );
    let friday = d.visits(MAPLE, "2026-03-06").await;
    assert!(
        !friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );

    // The desk checks Pat in: the work order is in progress.
    d.clock_to(utc("2026-03-05T14:10:00Z")).await;
    let r = d.desk_check_in(&visit).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "checked_in");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "in_progress");
    assert_eq!(wo.visit_status().as_deref(), Some("checked_in"));

    // Done: the visit is checked out and leaves the desk's queue of expected visitors.
    d.clock_to(utc("2026-03-05T16:00:00Z")).await;
    let r = d.text(&pat, "DONE").await;
    assert_eq!(outcome(&r), "executed", "{r}");
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "completed");
    assert_eq!(wo.visit_status().as_deref(), Some("checked_out"));
    let out_at = wo["visit"]["checked_out_at"].as_str().map(utc);
    assert_eq!(out_at, Some(utc("2026-03-05T16:00:00Z")));
    let desk = d.visits(MAPLE, "2026-03-05").await;
    let gone = desk
        .iter()
        .all(|v| v["id"] != visit.as_str() || v["status"] == "checked_out");
    assert!(gone, "{desk:?}");
}

pub async fn a_visit_made_at_the_desk_links_to_a_work_order_of_the_same_property_only<D: Driver>() {
    let Some(d) = start::<D>().await else { return };
    // Erin's company (Brightline) does not auto-create visits.
    let mut request = plumbing_request("Bedroom ceiling light flickers");
    request["category"] = json!("electrical");
    let wo = d.create_work_order(request).await;
    let (id, code) = (wo.id(), wo.code());
    let offered = d.offered_vendor(&id).await;
    let (vendor, erin) = offered.unwrap_or_else(|| panic!("no offer"));
    assert_eq!(vendor, "erin-electric");
    d.text(&erin, "YES").await;
    d.text(&erin, "2").await;
    let wo = d.work_order(&id).await;
    assert_eq!(wo.status(), "scheduled");
    assert!(
        wo["visit"].is_null(),
        "no automatic visit: {:?}",
        wo["visit"]
    );

    // A visit made at another property's desk is refused, with the reason.
    let elsewhere = json!({ "property": "lakeview", "visitor": "Erin Walsh", "request_id": code });
    let r = d.api_post("/api/visits", &elsewhere).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    let reason = r.error().to_lowercase();
    assert!(
        reason.contains("lakeview") && reason.contains("maple"),
        "{reason}"
    );
    assert!(d.work_order(&id).await["visit"].is_null());

    // The same visit at Maple Court's desk links by the job code.
    let here = json!({
        "property": MAPLE,
        "visitor": "Erin Walsh",
        "company": "Brightline Electric",
        "request_id": code,
    });
    let r = d.api_post("/api/visits", &here).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["work_order"].as_str(), Some(id.as_str()));
    assert_eq!(r.body["automatic"], false);
    let visit = r.body["id"].as_str().unwrap_or_default().to_string();
    let wo = d.work_order(&id).await;
    assert_eq!(wo["visit"]["id"].as_str(), Some(visit.as_str()));
    assert_eq!(
        wo.visit_expected(),
        Some(slot2()),
        "it takes the appointment's window"
    );
    let friday = d.visits(MAPLE, "2026-03-06").await;
    assert!(
        friday.iter().any(|v| v["id"] == visit.as_str()),
        "{friday:?}"
    );
}
