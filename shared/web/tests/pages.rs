//! The server-rendered pages against the embedded adapters: the tenant form and status page,
//! the owner's approval page, the vendor page, the PM pages and the front desk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use chrono::Duration;
use mendwork_app::{Claim, Exec};
use mendwork_domain::effects::Links;
use mendwork_domain::{Actor, Command, Money, VendorId, WorkOrderId};
use support::{TestApp, app, create_body};

fn report<'a>(token: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("property", "maple-court"),
        ("unit", "4B"),
        ("name", "Ana Ruiz"),
        ("email", "ana@example.com"),
        ("phone", ""),
        ("description", "The kitchen sink drips all night"),
        ("category", ""),
        ("emergency", "no"),
        ("permission_to_enter", "yes"),
        ("pets", "a cat"),
        ("access_notes", ""),
        ("window_date", "2026-03-10"),
        ("window_start", "09:00"),
        ("window_end", "11:00"),
        ("window_date", "2026-03-11"),
        ("window_start", "13:00"),
        ("window_end", "15:30"),
        ("window_date", ""),
        ("window_start", ""),
        ("window_end", ""),
        ("submission", token),
        ("website", ""),
    ];
    for (k, val) in extra {
        match v.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = val,
            None => v.push((k, val)),
        }
    }
    v
}

#[tokio::test]
async fn the_form_with_two_windows_creates_a_work_order_and_redirects_to_a_status_page_that_renders()
 {
    let t = app();
    let form = t.get("/report/maple-court").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"submission\""));
    assert!(form.body.contains("<label for=\"unit\">"));

    let a = t.post_form("/report", &report("tok-form-1", &[])).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let status_path = a.location();
    assert!(status_path.starts_with("/s/"), "{status_path}");

    let list = t.get("/api/work-orders").await.json();
    let wo = &list["work_orders"][0];
    let windows = wo["availability"].as_array().unwrap();
    assert_eq!(windows.len(), 2);
    // 09:00 in New York on 10 March 2026 (EDT from 8 March) is 13:00 UTC.
    assert_eq!(windows[0]["start"], "2026-03-10T13:00:00Z");
    assert_eq!(wo["tenant"]["name"], "Ana Ruiz");
    assert_eq!(wo["pets"], "a cat");

    let page = t.get(&status_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(wo["code"].as_str().unwrap()));
    assert!(page.body.contains("We received your request"));
    assert!(
        !page.body.contains("Timer"),
        "internal bookkeeping stays hidden"
    );
}

#[tokio::test]
async fn the_same_submission_token_twice_creates_one_work_order() {
    let t = app();
    let first = t.post_form("/report", &report("tok-twice", &[])).await;
    let second = t.post_form("/report", &report("tok-twice", &[])).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(t.count().await, 1);
}

#[tokio::test]
async fn the_honeypot_stores_nothing_and_thanks_the_sender() {
    let t = app();
    let a = t
        .post_form(
            "/report",
            &report("tok-bot", &[("website", "http://spam.example")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/thanks");
    assert_eq!(t.get("/thanks").await.status, StatusCode::OK);
    assert_eq!(t.count().await, 0);
}

#[tokio::test]
async fn form_errors_come_back_beside_their_fields_with_the_input_kept() {
    let t = app();
    let mut pairs = report("tok-bad", &[]);
    for p in pairs.iter_mut() {
        match p.0 {
            "email" => p.1 = "",
            "description" => p.1 = "   ",
            _ => {}
        }
    }
    pairs.extend_from_slice(&[
        ("window_date", "2026-03-12"),
        ("window_start", "15:00"),
        ("window_end", "14:00"),
    ]);
    let a = t.post_form("/report", &pairs).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"contact-error\""), "{}", a.body);
    assert!(a.body.contains("id=\"description-error\""));
    assert!(a.body.contains("id=\"window-4-error\""));
    assert!(
        a.body
            .contains("aria-describedby=\"description-error description-hint\"")
    );
    assert!(a.body.contains("value=\"Ana Ruiz\""), "input kept");
    assert_eq!(t.count().await, 0);
}

/// A work order waiting for the owner's approval of a $900 estimate (Maple Court's NTE is $500).
async fn awaiting_approval(t: &TestApp) -> WorkOrderId {
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let pat = VendorId("pat-plumbing".into());
    let pm = Actor::Pm("PM".into());
    t.app
        .execute(
            &id,
            Command::Assign {
                vendor: pat.clone(),
                by: pm,
            },
            Exec::default(),
        )
        .await
        .unwrap();
    t.app
        .execute(
            &id,
            Command::Estimate {
                vendor: pat,
                amount: Money::from_dollars(900),
                note: Some("Replace the trap".into()),
            },
            Exec::default(),
        )
        .await
        .unwrap();
    t.app.drain().await.unwrap();
    id
}

async fn owner_token(t: &TestApp, id: &WorkOrderId) -> String {
    let wo = t.app.work_orders.load(id).await.unwrap().unwrap().wo;
    let url = t.app.links.owner_approval(&wo);
    url.rsplit('/').next().unwrap().to_string()
}

async fn status_of(t: &TestApp, id: &WorkOrderId) -> String {
    t.get(&format!("/api/work-orders/{}", id.0)).await.json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_approval_page_shows_on_get_decides_on_post_and_then_says_already_decided() {
    let t = app();
    let id = awaiting_approval(&t).await;
    let token = owner_token(&t, &id).await;

    let page = t.get(&format!("/approve/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("$900"));
    assert!(page.body.contains("Maple Court"));
    assert!(page.body.contains("value=\"approve\""));
    let again = t.get(&format!("/approve/{token}")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        status_of(&t, &id).await,
        "awaiting_approval",
        "GET never decides"
    );

    let done = t
        .post_form(&format!("/approve/{token}"), &[("decision", "approve")])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("You approved $900"));
    assert_ne!(status_of(&t, &id).await, "awaiting_approval");

    let twice = t
        .post_form(&format!("/approve/{token}"), &[("decision", "decline")])
        .await;
    assert_eq!(twice.status, StatusCode::GONE);
    assert!(twice.body.contains("Already decided"));
    assert!(twice.body.contains("already approved"));
    let later = t.get(&format!("/approve/{token}")).await;
    assert_eq!(later.status, StatusCode::GONE);
}

#[tokio::test]
async fn a_forged_link_gets_a_403_page_and_an_expired_one_a_410_page() {
    let t = app();
    let id = awaiting_approval(&t).await;
    let token = owner_token(&t, &id).await;
    let (payload, _) = token.split_once('.').unwrap();
    let forged = format!("{payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let a = t.get(&format!("/approve/{forged}")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.body.contains("not valid"));
    let a = t
        .post_form(&format!("/approve/{forged}"), &[("decision", "approve")])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&t, &id).await, "awaiting_approval");
    assert_eq!(t.get("/s/garbage").await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/v/garbage").await.status, StatusCode::FORBIDDEN);

    let wo = t.app.work_orders.load(&id).await.unwrap().unwrap().wo;
    let expired = t.app.links.sign(
        &Claim::Owner {
            work_order: wo.id.clone(),
            round: wo.approval_round,
        },
        t.app.now() - Duration::hours(1),
    );
    let a = t.get(&format!("/approve/{expired}")).await;
    assert_eq!(a.status, StatusCode::GONE);
    assert!(a.body.contains("expired"));

    let tenant = t.app.links.sign(
        &Claim::Tenant {
            work_order: wo.id.clone(),
        },
        t.app.now() + Duration::days(1),
    );
    let a = t.get(&format!("/approve/{tenant}")).await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "a status link does not approve"
    );
}

#[tokio::test]
async fn the_vendor_page_accepts_an_offer_and_books_a_slot() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let vendor = VendorId(wo["offer"]["vendor"].as_str().unwrap().to_string());
    let stored = t.app.work_orders.load(&id).await.unwrap().unwrap().wo;
    let url = t.app.links.vendor_job(&stored, &vendor);
    let path = format!("/v/{}", url.rsplit('/').next().unwrap());

    let page = t.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Accept the job"));

    let a = t.post_form(&path, &[("action", "accept")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let page = t.get(&a.location()).await;
    assert!(page.body.contains("the job is yours"), "{}", page.body);
    assert!(page.body.contains("Book this time"), "{}", page.body);

    let a = t
        .post_form(&path, &[("action", "slot"), ("slot", "7")])
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert!(a.body.contains("There is no slot 7"));

    let a = t
        .post_form(&path, &[("action", "slot"), ("slot", "1")])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(status_of(&t, &id).await, "scheduled");

    let a = t
        .post_form(&path, &[("action", "estimate"), ("amount", "lots")])
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"amount-error\""));
}

#[tokio::test]
async fn the_tenant_can_add_availability_and_cancel_from_the_status_page() {
    let t = app();
    let a = t.post_form("/report", &report("tok-status", &[])).await;
    let path = a.location();
    let add = t
        .post_form(
            &format!("{path}/availability"),
            &[
                ("window_date", "2026-03-12"),
                ("window_start", "08:00"),
                ("window_end", "10:00"),
            ],
        )
        .await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
    let page = t.get(&path).await;
    assert!(page.body.contains("You added a time"), "{}", page.body);

    let bad = t
        .post_form(
            &format!("{path}/availability"),
            &[("window_date", "2026-03-12")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let cancel = t
        .post_form(&format!("{path}/cancel"), &[("reason", "fixed it myself")])
        .await;
    assert_eq!(cancel.status, StatusCode::SEE_OTHER);
    let page = t.get(&path).await;
    assert!(page.body.contains("You cancelled this request"));
    let again = t
        .post_form(&format!("{path}/cancel"), &[("reason", "")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_pm_pages_show_the_queue_and_the_full_timeline_and_act() {
    let t = app();
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = wo["id"].as_str().unwrap();
    t.sign_in().await;
    let q = t.get("/pm").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains(wo["code"].as_str().unwrap()));
    let d = t.get(&format!("/pm/wo/{id}")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(
        d.body.contains("Message out"),
        "messages are shown with their text"
    );
    assert!(d.body.contains("Timer set"));

    let a = t
        .post_form(
            &format!("/pm/wo/{id}/instructions"),
            &[("text", "Gate code 1234")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), format!("/pm/wo/{id}?ok=instructions"));
    let after = t.get(&a.location()).await;
    assert!(
        after
            .body
            .contains("<p class=\"notice ok\" role=\"status\">Instructions added.</p>"),
        "the team sees that the action went through"
    );
    assert!(after.body.contains("Gate code 1234"));
    let quiet = t.get(&format!("/pm/wo/{id}?ok=%3Cscript%3E")).await;
    assert!(
        !quiet.body.contains("notice ok"),
        "only known actions have a line"
    );
    let a = t.post_form(&format!("/pm/wo/{id}/close"), &[]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let a = t
        .post_form(&format!("/pm/wo/{id}/instructions"), &[("text", " ")])
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"text-error\""));
}

#[tokio::test]
async fn the_desk_adds_a_visit_checks_it_in_and_explains_a_wrong_property() {
    let t = app();
    assert_eq!(t.get("/desk").await.status, StatusCode::OK);
    let a = t
        .post_form(
            "/desk/maple-court/visits",
            &[
                ("visitor", "Lee Chen"),
                ("company", ""),
                ("date", "2026-03-02"),
                ("start", ""),
                ("end", ""),
                ("request_id", ""),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let page = t.get(&a.location()).await;
    assert!(page.body.contains("Lee Chen"), "{}", page.body);
    let visits = t
        .get("/api/visits?property=maple-court&date=2026-03-02")
        .await
        .json();
    let vid = visits["visits"][0]["id"].as_str().unwrap().to_string();
    let a = t
        .post_form(
            &format!("/desk/visits/{vid}/check-in"),
            &[("date", "2026-03-02")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(t.get(&a.location()).await.body.contains("Check out"));

    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let a = t
        .post_form(
            "/desk/lakeview/visits",
            &[
                ("visitor", "Sam"),
                ("date", "2026-03-02"),
                ("request_id", wo["code"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert!(a.body.contains("lakeview"));
}
