//! Attached files on the web: a tenant's photos and a vendor's completion photos and invoice,
//! sent with the form (local mode, a folder) or uploaded straight to storage first (AWS mode,
//! here a store in memory that behaves like the S3 adapter: presigned form, adopt, redirect).
//! Files are served only through signed links; limits and wrong kinds get a clear message
//! beside the field and store nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use async_trait::async_trait;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use mendwork_app::Exec;
use mendwork_app::files::{
    DirectUpload, FileKind, FileName, Files, MAX_FILE_BYTES, Opened, Refusal, UploadId, UploadScope,
};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{ListFilter, StoreError};
use mendwork_domain::effects::Links;
use mendwork_domain::{Actor, Command, VendorId, WorkOrder, WorkOrderId};
use mendwork_embedded::DirFiles;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use support::{TestApp, app, create_body, fields};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-image-but-png-magic";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
const SVG: &[u8] = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";

fn multipart(text: &[(&str, &str)], field: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----mendworktestboundary";
    let mut body: Vec<u8> = vec![];
    for (k, v) in text {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    t: &TestApp,
    uri: &str,
    text: &[(&str, &str)],
    field: &str,
    files: &[(&str, &[u8])],
) -> support::Answer {
    let (ct, body) = multipart(text, field, files);
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    t.send(req).await
}

/// Local mode: files kept in a temporary folder.
fn with_folder() -> (TestApp, tempfile::TempDir) {
    let mut t = app();
    let dir = tempfile::tempdir().unwrap();
    t.router = mendwork_web::with_files(
        t.router.clone(),
        Arc::new(DirFiles::new(dir.path().to_path_buf())),
    );
    (t, dir)
}

async fn all(t: &TestApp) -> Vec<WorkOrder> {
    t.app.lookups.list(&ListFilter::default()).await.unwrap()
}

fn path(url: &str) -> String {
    url.strip_prefix("http://localhost:8080")
        .unwrap_or_else(|| panic!("not one of our links: {url}"))
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Local mode: files sent with the post.

#[tokio::test]
async fn the_form_offers_photos_only_when_attachments_are_on() {
    let t = app();
    let f = t.get("/report/maple-court").await;
    assert!(!f.body.contains("type=\"file\""));
    assert!(!f.body.contains("multipart/form-data"));
    let (t, _dir) = with_folder();
    let f = t.get("/report/maple-court").await;
    assert!(f.body.contains("enctype=\"multipart/form-data\""));
    assert!(
        f.body
            .contains("<label for=\"photos\">Photos (optional)</label>")
    );
    assert!(
        f.body
            .contains("type=\"file\" id=\"photos\" name=\"photos\" accept=\"image/*\" multiple")
    );
    assert!(!f.body.contains("data-upload"), "no script in local mode");
}

#[tokio::test]
async fn a_photo_sent_with_the_form_is_stored_and_served_only_through_its_signed_link() {
    let (t, dir) = with_folder();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-photo", "The sink drips, see the photo", "no"),
        "photos",
        &[("sink.png", PNG), ("", b"")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let wos = all(&t).await;
    let photos = &wos[0].request.photos;
    assert_eq!(photos.len(), 1, "the empty file part is no photo");
    let name = FileName::parse(&photos[0]).expect("the work order keeps the stored name");
    assert_eq!(name.kind(), FileKind::Png);
    assert_eq!(
        std::fs::read(dir.path().join(name.as_str())).unwrap(),
        PNG,
        "stored as sent"
    );

    let status = t.get(&a.location()).await;
    let at = status
        .body
        .find("<img src=\"http://localhost:8080/files/")
        .expect("the status page shows the photo through a signed link");
    let link = &status.body[at + 10..];
    let link = &link[..link.find('"').unwrap()];
    let img = t.get(&path(link)).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers["content-type"], "image/png");
    assert_eq!(img.headers["x-content-type-options"], "nosniff");
    assert_eq!(
        img.headers["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert_eq!(
        img.body,
        String::from_utf8_lossy(PNG),
        "the bytes as stored"
    );

    let (payload, _) = link.rsplit_once('.').unwrap();
    assert_eq!(
        t.get(&path(&format!("{payload}.AAAAAAAAAAAAAAAAAAAAAA")))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a forged link opens nothing"
    );
    let other = t.app.links.tenant_status(&wos[0]);
    let other = other.replace("/s/", "/files/");
    assert_eq!(
        t.get(&path(&other)).await.status,
        StatusCode::NOT_FOUND,
        "a status link is no file link"
    );
    // Without attachments on, nothing is served at all.
    assert_eq!(app().get(&path(link)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_vendors_offer_links_the_tenants_photos() {
    let (t, _dir) = with_folder();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-offer", "The sink drips, see the photo", "no"),
        "photos",
        &[("sink.png", PNG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let wo = &all(&t).await[0];
    let offer = t
        .sent_to("pat.alvarez@example.com")
        .into_iter()
        .find(|m| m.body.contains("Would you take this job?"))
        .expect("the offer email");
    let at = offer
        .body
        .find("Photos: http://localhost:8080/files/")
        .unwrap_or_else(|| panic!("{}", offer.body));
    let link = offer.body[at + 8..].split_whitespace().next().unwrap();
    assert_eq!(t.get(&path(link)).await.status, StatusCode::OK);
    assert_eq!(wo.request.photos.len(), 1);
}

#[tokio::test]
async fn photos_are_limited_to_five_images_of_eight_megabytes() {
    let (t, dir) = with_folder();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-p1", "Drip", "no"),
        "photos",
        &[("x.png", SVG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"photos-error\""), "{}", a.body);
    assert!(a.body.contains("Only photos can be attached"));

    let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("p.png", PNG)).collect();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-p2", "Drip", "no"),
        "photos",
        &six,
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("at most 5 photos"));

    let mut big = PNG.to_vec();
    big.resize(MAX_FILE_BYTES + 1, 0);
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-p3", "Drip", "no"),
        "photos",
        &[("big.png", &big)],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("under 8 MB"));
    assert_eq!(t.count().await, 0);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing stored"
    );

    let five: Vec<(&str, &[u8])> = (0..5).map(|_| ("p.png", PNG)).collect();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-p4", "Drip", "no"),
        "photos",
        &five,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(all(&t).await[0].request.photos.len(), 5);
}

#[tokio::test]
async fn a_spanish_tenant_reads_the_photo_errors_in_spanish() {
    let (t, _dir) = with_folder();
    let mut f = fields("tok-es", "Gotea", "no");
    f.push(("lang", "es"));
    let a = post_multipart(&t, "/report?lang=es", &f, "photos", &[("x.png", SVG)]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body.contains("Solo se pueden adjuntar fotos"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn links_of_work_orders_made_before_files_had_names_still_open() {
    let (t, dir) = with_folder();
    let name = "abcdefghijklmnopqrstuvwx.png";
    std::fs::write(dir.path().join(name), PNG).unwrap();
    let link = mendwork_web::files::legacy_link(&t.app, name, t.app.now() + Duration::days(1));
    assert_eq!(
        t.app.links.file(&link),
        link,
        "a stored link is shown as it is"
    );
    let img = t.get(&path(&link)).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers["content-type"], "image/png");
    let old = mendwork_web::files::legacy_link(&t.app, name, t.app.now() - Duration::days(1));
    assert_eq!(t.get(&path(&old)).await.status, StatusCode::NOT_FOUND);
    let sneaky =
        mendwork_web::files::legacy_link(&t.app, "../secret.png", t.app.now() + Duration::days(1));
    assert_eq!(t.get(&path(&sneaky)).await.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// The vendor's photos and invoice.

/// A work order for Maple Court, offered to Pat, accepted and booked: (id, Pat, Pat's page).
async fn booked(t: &TestApp) -> (WorkOrderId, VendorId, String) {
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let pat = VendorId(wo["offer"]["vendor"].as_str().unwrap().to_string());
    for c in [
        Command::Accept {
            vendor: pat.clone(),
        },
        Command::ChooseSlot {
            vendor: pat.clone(),
            slot: 1,
        },
    ] {
        t.app.execute(&id, c, Exec::default()).await.unwrap();
    }
    let stored = t.app.work_orders.load(&id).await.unwrap().unwrap().wo;
    let url = t.app.links.vendor_job(&stored, &pat);
    (id, pat, format!("/v/{}", url.rsplit('/').next().unwrap()))
}

async fn load(t: &TestApp, id: &WorkOrderId) -> WorkOrder {
    t.app.work_orders.load(id).await.unwrap().unwrap().wo
}

#[tokio::test]
async fn the_vendor_marks_the_job_done_with_photos_and_sends_the_invoice_as_a_pdf() {
    let (t, _dir) = with_folder();
    let (id, pat, page) = booked(&t).await;
    t.app
        .execute(
            &id,
            Command::Arrived {
                by: Actor::Vendor(pat),
            },
            Exec::default(),
        )
        .await
        .unwrap();
    let p = t.get(&page).await;
    assert!(
        p.body.contains("Photos of the finished work (optional)"),
        "{}",
        p.body
    );
    assert!(p.body.contains("enctype=\"multipart/form-data\""));

    let a = post_multipart(
        &t,
        &page,
        &[("action", "done"), ("notes", "Replaced the trap")],
        "photos",
        &[("after.png", PNG), ("after2.png", PNG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let wo = load(&t, &id).await;
    assert_eq!(wo.status.as_str(), "completed");
    assert_eq!(wo.completion_notes.as_deref(), Some("Replaced the trap"));
    assert_eq!(wo.completion_photos.len(), 2);

    let p = t.get(&page).await;
    assert!(p.body.contains("Your photos"), "{}", p.body);
    assert!(p.body.contains("Send your invoice"));
    assert!(p.body.contains("The invoice (PDF or photo, optional)"));

    // A page is not an invoice; nothing is recorded and the reason is beside the field.
    let a = post_multipart(
        &t,
        &page,
        &[("action", "invoice"), ("amount", "385")],
        "file",
        &[("invoice.svg", SVG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("id=\"file-error\""), "{}", a.body);
    assert!(a.body.contains("The invoice must be a PDF or a photo."));
    assert!(load(&t, &id).await.invoice.is_none());

    let a = post_multipart(
        &t,
        &page,
        &[
            ("action", "invoice"),
            ("amount", "385"),
            ("reference", "A-77"),
        ],
        "file",
        &[("invoice.pdf", PDF)],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let wo = load(&t, &id).await;
    let invoice = wo.invoice.as_ref().unwrap();
    assert_eq!(
        invoice
            .file
            .as_deref()
            .and_then(FileName::parse)
            .map(|n| n.kind()),
        Some(FileKind::Pdf)
    );

    // The team sees both, and the document downloads rather than renders.
    t.sign_in().await;
    let pm = t.get(&format!("/pm/wo/{}", id.0)).await;
    assert!(pm.body.contains("Replaced the trap"), "{}", pm.body);
    assert_eq!(
        pm.body
            .matches("<img src=\"http://localhost:8080/files/")
            .count(),
        2
    );
    let at = pm.body.find("the invoice document").unwrap();
    let href = pm.body[..at].rfind("href=\"").unwrap();
    let link = &pm.body[href + 6..at - 2];
    let doc = t.get(&path(link)).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.headers["content-type"], "application/pdf");
    assert!(
        doc.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let json = t.get(&format!("/api/work-orders/{}", id.0)).await.json();
    assert_eq!(json["completion_photos"].as_array().unwrap().len(), 2);
    assert!(
        json["invoice"]["file"]
            .as_str()
            .unwrap()
            .starts_with("http://localhost:8080/files/")
    );
}

#[tokio::test]
async fn the_owner_sees_the_tenants_photos_on_the_approval_page() {
    let (t, _dir) = with_folder();
    let a = post_multipart(
        &t,
        "/report",
        &fields("tok-owner", "Water heater leaking from the bottom", "no"),
        "photos",
        &[("heater.png", PNG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let wo = all(&t).await.remove(0);
    let vendor = wo.offer.as_ref().unwrap().vendor.clone();
    for c in [
        Command::Accept {
            vendor: vendor.clone(),
        },
        Command::Estimate {
            vendor: vendor.clone(),
            amount: mendwork_domain::Money::from_dollars(1_800),
            note: Some("Replace the tank".into()),
        },
    ] {
        t.app.execute(&wo.id, c, Exec::default()).await.unwrap();
    }
    let wo = load(&t, &wo.id).await;
    assert_eq!(wo.status.as_str(), "awaiting_approval");
    let link = t.app.links.owner_approval(&wo);
    let page = t.get(&path(&link)).await;
    assert_eq!(page.status, StatusCode::OK);
    let at = page
        .body
        .find("<img src=\"http://localhost:8080/files/")
        .unwrap_or_else(|| panic!("no photo on the approval page: {}", page.body));
    let src = &page.body[at + 10..];
    let src = &src[..src.find('"').unwrap()];
    assert_eq!(t.get(&path(src)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn files_sent_with_any_other_vendor_action_are_ignored() {
    let (t, dir) = with_folder();
    let (id, _pat, page) = booked(&t).await;
    let a = post_multipart(
        &t,
        &page,
        &[("action", "estimate"), ("amount", "200")],
        "photos",
        &[("x.png", PNG)],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(load(&t, &id).await.estimate.is_some());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// AWS mode: straight to storage.

/// Storage that takes direct uploads, as the S3 adapter does: a presigned form per scope, the
/// uploads a browser made (put there by the test), adoption with the same checks, and
/// redirects to a short-lived address.
#[derive(Default)]
struct Direct {
    uploads: Mutex<HashMap<String, Vec<u8>>>,
    stored: Mutex<HashMap<String, Vec<u8>>>,
}

impl Direct {
    /// What a browser's upload to `<prefix><id>` would leave in storage.
    fn upload(&self, key_prefix: &str, id: &str, bytes: &[u8]) {
        self.uploads
            .lock()
            .unwrap()
            .insert(format!("{key_prefix}{id}"), bytes.to_vec());
    }
}

#[async_trait]
impl Files for Direct {
    async fn put_document(
        &self,
        key: &mendwork_app::files::DocumentKey,
        bytes: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.stored
            .lock()
            .unwrap()
            .insert(key.as_str().to_string(), bytes);
        Ok(())
    }
    async fn read_document(
        &self,
        key: &mendwork_app::files::DocumentKey,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.stored.lock().unwrap().get(key.as_str()).cloned())
    }
    async fn put(&self, name: &FileName, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.stored
            .lock()
            .unwrap()
            .insert(name.as_str().to_string(), bytes);
        Ok(())
    }
    async fn open(&self, name: &FileName) -> Result<Option<Opened>, StoreError> {
        Ok(self
            .stored
            .lock()
            .unwrap()
            .contains_key(name.as_str())
            .then(|| Opened::Redirect(format!("https://bucket.example/files/{name}?sig=x"))))
    }
    fn uploads_direct(&self) -> bool {
        true
    }
    async fn direct_upload(&self, scope: &UploadScope) -> Result<Option<DirectUpload>, StoreError> {
        Ok(Some(DirectUpload {
            url: "https://bucket.example".into(),
            key_prefix: format!("uploads/{}/", scope.as_str()),
            id: mendwork_app::files::UploadScope::random()
                .as_str()
                .to_string(),
            fields: vec![("policy".into(), "p".into())],
            max_bytes: MAX_FILE_BYTES,
            // The wall clock is harmless: a presigned form expires in real time.
            expires: SystemClock.now() + Duration::minutes(15),
        }))
    }
    async fn adopt(
        &self,
        scope: &UploadScope,
        id: &UploadId,
        accept: &[FileKind],
    ) -> Result<Result<FileName, Refusal>, StoreError> {
        let key = format!("uploads/{}/{}", scope.as_str(), id.as_str());
        let Some(bytes) = self.uploads.lock().unwrap().get(&key).cloned() else {
            return Ok(Err(Refusal::Missing));
        };
        if bytes.len() > MAX_FILE_BYTES {
            return Ok(Err(Refusal::TooBig));
        }
        let Some(kind) = FileKind::sniff(&bytes).filter(|k| accept.contains(k)) else {
            return Ok(Err(Refusal::NotAccepted));
        };
        let name = FileName::derived(kind, &format!("{}/{}", scope.as_str(), id.as_str()));
        self.stored
            .lock()
            .unwrap()
            .insert(name.as_str().to_string(), bytes);
        Ok(Ok(name))
    }
}

fn with_direct() -> (TestApp, Arc<Direct>) {
    let mut t = app();
    let store = Arc::new(Direct::default());
    t.router = mendwork_web::with_files(t.router.clone(), store.clone());
    (t, store)
}

/// The value of the hidden input `name` in a page.
fn hidden(body: &str, name: &str) -> String {
    let at = body
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} in {body}"));
    let rest = &body[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The page's grant and the key prefix its upload form names.
async fn grant_and_prefix(t: &TestApp, page: &str) -> (String, String) {
    let f = t.get(page).await;
    let grant = hidden(&f.body, "upload");
    let a = t.post_form("/uploads", &[("grant", &grant)]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.headers["cache-control"], "no-store");
    let prefix = a.json()["key_prefix"].as_str().unwrap().to_string();
    (grant, prefix)
}

#[tokio::test]
async fn with_direct_uploads_the_form_carries_a_grant_and_the_upload_script() {
    let (t, _store) = with_direct();
    let f = t.get("/report/maple-court").await;
    assert!(
        !f.body.contains("multipart/form-data"),
        "the form itself stays small"
    );
    assert!(f.body.contains("data-upload=\"/uploads\""));
    assert!(
        f.body.contains("<div class=\"direct-upload\" hidden>"),
        "shown by the script"
    );
    assert!(
        f.body.contains("type=\"file\" id=\"photos\" data-direct"),
        "the file input has no name: the files never go with the form"
    );
    assert!(f.body.contains("<noscript>"));
    assert!(f.body.contains("window.mendworkUploads"));
    assert!(!hidden(&f.body, "upload").is_empty());
}

#[tokio::test]
async fn an_upload_form_is_given_only_for_a_genuine_grant() {
    let (t, _store) = with_direct();
    let (grant, prefix) = grant_and_prefix(&t, "/report/maple-court").await;
    assert!(
        prefix.starts_with("uploads/") && prefix.ends_with('/'),
        "{prefix}"
    );
    let again = t.post_form("/uploads", &[("grant", &grant)]).await.json();
    assert_eq!(again["key_prefix"], prefix, "one page, one scope");
    let a = t.get("/report/maple-court").await;
    assert_ne!(hidden(&a.body, "upload"), grant, "each page its own grant");

    let forged = t.post_form("/uploads", &[("grant", "eyJ.AAAA")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.json()["error"].as_str().unwrap().contains("reload"));
    let none = t.post_form("/uploads", &[]).await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    // Where files come with the form, there is nothing to hand out.
    let (local, _dir) = with_folder();
    assert_eq!(
        local
            .post_form("/uploads", &[("grant", &grant)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_directly_uploaded_photo_is_adopted_and_shown_through_a_redirect() {
    let (t, store) = with_direct();
    let (grant, prefix) = grant_and_prefix(&t, "/report/maple-court").await;
    store.upload(&prefix, "Ab3dEf6hIj9lMn2pQr5t", PNG);
    let mut f = fields("tok-direct", "Leak under the sink", "no");
    f.extend([
        ("upload", grant.as_str()),
        ("upload_id", "Ab3dEf6hIj9lMn2pQr5t"),
    ]);
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    // The same post again (a double tap): one work order, one stored photo.
    let again = t.post_form("/report", &f).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(t.count().await, 1);
    assert_eq!(store.stored.lock().unwrap().len(), 1);

    let wo = &all(&t).await[0];
    let name = FileName::parse(&wo.request.photos[0]).unwrap();
    assert_eq!(name.kind(), FileKind::Png, "the kind it really is");
    let link = t.app.links.file(name.as_str());
    let r = t.get(&path(&link)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(
        r.headers["location"],
        format!("https://bucket.example/files/{name}?sig=x").as_str()
    );
}

#[tokio::test]
async fn a_missing_forged_or_wrong_direct_upload_is_refused_beside_the_field() {
    let (t, store) = with_direct();
    let (grant, prefix) = grant_and_prefix(&t, "/report/maple-court").await;
    store.upload(&prefix, "svgsvgsvgsvgsvgsvg01", SVG);
    for (n, (g, id, says)) in [
        (
            grant.as_str(),
            "neverUploaded0000000",
            "We didn't receive your photos",
        ),
        (
            "eyJ.AAAA",
            "neverUploaded0000000",
            "We didn't receive your photos",
        ),
        (
            grant.as_str(),
            "../../files/x",
            "We didn't receive your photos",
        ),
        (
            grant.as_str(),
            "svgsvgsvgsvgsvgsvg01",
            "Only photos can be attached",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let token = format!("tok-bad-{n}");
        let mut f = fields(&token, "Leak", "no");
        f.extend([("upload", g), ("upload_id", id)]);
        let a = t.post_form("/report", &f).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{id}: {}",
            a.body
        );
        assert!(a.body.contains("id=\"photos-error\""), "{id}");
        assert!(a.body.contains(says), "{id}: {}", a.body);
        assert!(a.body.contains("Leak"), "the input is kept");
    }
    // Another page's uploads are not this page's.
    let (other_grant, _) = grant_and_prefix(&t, "/report/maple-court").await;
    store.upload(&prefix, "mineminemineminemine", PNG);
    let mut f = fields("tok-other", "Leak", "no");
    f.extend([
        ("upload", other_grant.as_str()),
        ("upload_id", "mineminemineminemine"),
    ]);
    assert_eq!(
        t.post_form("/report", &f).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let ids: Vec<String> = (0..6).map(|i| format!("photo{i:015}")).collect();
    let mut f = fields("tok-six", "Leak", "no");
    f.push(("upload", grant.as_str()));
    for id in &ids {
        store.upload(&prefix, id, PNG);
        f.push(("upload_id", id));
    }
    let a = t.post_form("/report", &f).await;
    assert!(a.body.contains("at most 5 photos"), "{}", a.body);
    assert_eq!(t.count().await, 0);
    assert!(store.stored.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_anonymous_upload_grant_gets_at_most_fifteen_one_file_forms_a_day() {
    let (t, _store) = with_direct();
    let (grant, _) = grant_and_prefix(&t, "/report/maple-court").await;
    let mut ids = std::collections::BTreeSet::new();
    // The helper took one form already.
    for _ in 1..15 {
        let a = t.post_form("/uploads", &[("grant", &grant)]).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        ids.insert(a.json()["id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 14, "each form names its own file");
    let over = t.post_form("/uploads", &[("grant", &grant)]).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    // Another page's grant is not held back.
    let (_, _) = grant_and_prefix(&t, "/report/maple-court").await;
}
