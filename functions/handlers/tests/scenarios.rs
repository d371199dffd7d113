//! Work orders end to end on moto, through the Lambda handlers only: API Gateway requests into
//! the HTTP functions, SNS events into `sms-inbound`, Streams records of the outbox items moto
//! holds into `dispatch` and `outbox`, and the inputs of the schedules moto holds into the timer
//! functions. No step is taken any other way; what people receive is read from what moto
//! recorded as sent. The functions' clock starts on Wed 2026-03-04 15:00 UTC (10:00 in New
//! York) and moves only when the test moves it.
//!
//! `aws::…` are the shared scenarios (`mendwork_tests::scenarios`, also run by the local
//! runner); the tests below them exist only where the deployment does: a text SNS refuses, and
//! files that go from the browser straight to the bucket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod aws {
    mendwork_tests::shared_scenarios!(crate::support::driver::Aws);
}

use chrono::{DateTime, Utc};
use mendwork_tests::scenarios::{MAPLE, PAT, form_fields, plumbing_request};
use serde_json::{Value, json};
use support::aws::{World, find_link, path_of, utc};
use support::proxy::{Fault, FaultKind};

const PM_EMAIL: &str = "maintenance@example.com";

fn start() -> DateTime<Utc> {
    utc("2026-03-04T15:00:00Z")
}

fn outcome(r: &Value) -> &str {
    r[0]["outcome"].as_str().unwrap_or("")
}

/// Created by the PM API, offered to Pat by the stream, accepted by Pat and booked on slot
/// `slot` — each by its handler.
async fn booked(w: &World, description: &str, slot: &str) -> Value {
    let a = w
        .post_json("/api/work-orders", &plumbing_request(description))
        .await;
    assert_eq!((a.function.as_str(), a.status), ("pm", 201), "{}", a.body);
    let id = a.json()["id"].as_str().unwrap().to_string();
    let wo = w.work_order(&id).await;
    assert_eq!(wo["offer"]["vendor"], PAT, "{wo}");
    let pat = w.vendor_phone(PAT).await;
    let code = wo["code"].as_str().unwrap();
    assert_eq!(
        outcome(&w.sms(&pat, &format!("YES {code}")).await),
        "executed"
    );
    assert_eq!(outcome(&w.sms(&pat, slot).await), "executed");
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "scheduled", "{wo}");
    wo
}

/// A text SNS will not carry (it refuses it for good, as it does a number it will not send to;
/// a text over its 1,600 characters can no longer reach it: every text is fitted to 3
/// segments) is not retried into the dead-letter queue: the outbox function puts it on the
/// timeline as not delivered and the team gets an email saying who missed what.
#[tokio::test]
async fn a_text_sns_refuses_is_on_the_timeline_as_not_delivered_and_the_team_is_emailed() {
    let Some(w) = World::start_with("refused", start(), |p| {
        p.messages.insert(
            "vendor.instructions.sms".into(),
            "Job {code}: {text} Again: {text}".into(),
        );
    })
    .await
    else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let wo = booked(&w, "Leaky pipe under the kitchen sink", "2").await;
    let id = wo["id"].as_str().unwrap().to_string();
    let pat = w.vendor_phone(PAT).await;
    let note = "Ring twice; the buzzer is broken. ".repeat(28);
    w.proxy.inject(Fault {
        operation: "Publish",
        key_prefix: None,
        kind: FaultKind::Refuse,
        times: 1,
    });
    let r = w
        .post_json(
            &format!("/api/work-orders/{id}/instructions"),
            &json!({ "text": note }),
        )
        .await;
    assert_eq!((r.function.as_str(), r.status), ("pm", 200), "{}", r.body);
    let wo = w.work_order(&id).await;
    let timeline = wo["timeline"].as_array().unwrap();
    let refused: Vec<&Value> = timeline
        .iter()
        .filter(|e| e["kind"] == "message_undelivered")
        .collect();
    assert_eq!(refused.len(), 1, "{timeline:#?}");
    assert_eq!(refused[0]["key"], "vendor.instructions.sms");
    assert_eq!(refused[0]["address"], pat.as_str());
    assert!(
        refused[0]["reason"]
            .as_str()
            .unwrap()
            .contains("InvalidParameter"),
        "{}",
        refused[0]
    );
    assert!(
        !w.sent()
            .await
            .iter()
            .any(|m| m.to.contains(&pat) && m.body.contains("buzzer")),
        "nothing went to Pat"
    );
    let notice = w.delivered(&wo, "pm.undelivered.email", PM_EMAIL).await;
    assert!(notice.contains("vendor.instructions.sms"), "{notice}");
    // The work order carries on as before.
    assert_eq!(wo["status"], "scheduled");
}

// ---------------------------------------------------------------------------------------------
// Attached files: straight from the browser to the bucket.

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-image-but-png-magic";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";

/// What the page's upload script does with one file: asks `/uploads` (the intake function)
/// for an upload form with the page's grant, posts the file straight to the bucket (moto), and
/// returns the id the form then names in `upload_id`.
async fn upload_from_page(w: &World, page: &str, id: &str, bytes: &[u8]) -> String {
    let grant = support::aws::hidden_value(page, "upload")
        .unwrap_or_else(|| panic!("no upload grant in the page: {page}"));
    let form = w.post_form("/uploads", &[("grant", &grant)]).await;
    assert_eq!(
        (form.function.as_str(), form.status),
        ("intake", 200),
        "{}",
        form.body
    );
    let form = form.json();
    let url = form["url"].as_str().unwrap();
    assert!(
        // (The functions reach AWS, moto here, through the test's recording proxy.)
        url.starts_with(&w.proxy.endpoint),
        "the browser posts to the bucket, not to us: {url}"
    );
    let mut body = reqwest::multipart::Form::new()
        .text(
            "key",
            format!("{}{id}", form["key_prefix"].as_str().unwrap()),
        )
        .text("Content-Type", "image/png");
    for f in form["fields"].as_array().unwrap() {
        body = body.text(
            f[0].as_str().unwrap().to_string(),
            f[1].as_str().unwrap().to_string(),
        );
    }
    body = body.part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("f"),
    );
    let posted = reqwest::Client::new()
        .post(url)
        .multipart(body)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 204);
    grant
}

/// Opens one of our file links as a browser does: the intake function redirects to a
/// presigned address of the bucket, which serves the bytes. (status, content type, bytes)
async fn open_file(w: &World, link: &str) -> (String, Vec<u8>, Option<String>) {
    let a = w.get(&path_of(link)).await;
    assert_eq!(
        (a.function.as_str(), a.status),
        ("intake", 302),
        "{}",
        a.body
    );
    let to = a.location.clone().unwrap();
    assert!(to.starts_with(&w.proxy.endpoint), "{to}");
    let r = reqwest::get(&to).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let header = |n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    let (ct, cd) = (
        header("content-type").unwrap_or_default(),
        header("content-disposition"),
    );
    (ct, r.bytes().await.unwrap().to_vec(), cd)
}

#[tokio::test]
async fn photos_and_the_invoice_go_straight_to_the_bucket_and_reach_the_people_who_need_them() {
    let Some(w) = World::start("attached files", start()).await else {
        return;
    };
    w.sign_in(PM_EMAIL).await;
    let pat = w.vendor_phone(PAT).await;

    // The tenant's photo: uploaded by the page's script, named in the form post.
    let form = w.get(&format!("/report/{MAPLE}")).await;
    assert!(
        form.body.contains("data-upload=\"/uploads\""),
        "{}",
        form.body
    );
    let issued = support::aws::hidden_value(&form.body, "issued").unwrap();
    let grant = upload_from_page(&w, &form.body, "tenantPhoto000000001", PNG).await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let description = "Water under the kitchen sink, photo attached.";
    let mut fields = form_fields(description, "files-token");
    fields.extend([
        ("issued", issued.as_str()),
        ("upload", grant.as_str()),
        ("upload_id", "tenantPhoto000000001"),
    ]);
    let posted = w.post_form("/report", &fields).await;
    assert_eq!(
        (posted.function.as_str(), posted.status),
        ("intake", 303),
        "{}",
        posted.body
    );

    let id = w
        .work_orders()
        .await
        .iter()
        .find(|wo| wo["description"] == description)
        .and_then(|wo| wo["id"].as_str())
        .unwrap()
        .to_string();
    let wo = w.work_order(&id).await;
    let photo = wo["photos"][0].as_str().unwrap().to_string();
    assert!(
        photo.starts_with("https://mendwork.example/files/"),
        "{photo}"
    );
    let (ct, bytes, _) = open_file(&w, &photo).await;
    assert_eq!((ct.as_str(), bytes.as_slice()), ("image/png", PNG));

    // Pat's offer email links it; Pat takes the job by text.
    let offer = w
        .delivered(&wo, "vendor.offer.email", "pat.alvarez@example.com")
        .await;
    let linked = find_link(&offer, "/files/").unwrap_or_else(|| panic!("{offer}"));
    let (ct, _, _) = open_file(&w, &linked).await;
    assert_eq!(ct, "image/png");
    let vendor_link = find_link(&offer, "/v/").unwrap();
    assert_eq!(outcome(&w.sms(&pat, "yes").await), "executed");
    assert_eq!(outcome(&w.sms(&pat, "1").await), "executed");

    // Done, with a photo of the work, from the vendor's page.
    let page = w.get(&path_of(&vendor_link)).await;
    assert!(
        page.body.contains("Photos of the finished work"),
        "{}",
        page.body
    );
    let grant = upload_from_page(&w, &page.body, "donePhoto00000000001", PNG).await;
    let done = w
        .post_form(
            &path_of(&vendor_link),
            &[
                ("action", "done"),
                ("notes", "New trap fitted"),
                ("upload", &grant),
                ("upload_id", "donePhoto00000000001"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let wo = w.work_order(&id).await;
    assert_eq!(wo["status"], "completed");
    let after = wo["completion_photos"][0].as_str().unwrap().to_string();
    assert_eq!(open_file(&w, &after).await.1, PNG);

    // The invoice, as a PDF: downloaded, never shown as a page.
    let page = w.get(&path_of(&vendor_link)).await;
    let grant = upload_from_page(&w, &page.body, "invoicePdf0000000001", PDF).await;
    let sent = w
        .post_form(
            &path_of(&vendor_link),
            &[
                ("action", "invoice"),
                ("amount", "385"),
                ("upload", &grant),
                ("upload_id", "invoicePdf0000000001"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let wo = w.work_order(&id).await;
    let doc = wo["invoice"]["file"].as_str().unwrap().to_string();
    let (ct, bytes, disposition) = open_file(&w, &doc).await;
    assert_eq!((ct.as_str(), bytes.as_slice()), ("application/pdf", PDF));
    assert!(
        disposition.is_some_and(|d| d.starts_with("attachment")),
        "a document is downloaded"
    );
}
