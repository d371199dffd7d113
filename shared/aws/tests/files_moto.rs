//! [`S3Files`] on moto's S3: files stored and opened through a presigned GET, and the browser's
//! path — a presigned POST used exactly as the upload script uses it (key under the form's
//! prefix, the fields, the file last), then adopted: checked by size and first bytes, copied
//! under a name derived from scope and id with the content type of what it really is. moto does
//! not enforce POST policies, so what the policy itself says is tested in the adapter's unit
//! tests (against AWS's documented example) and the size is checked again here on adoption.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::files::{
    DirectUpload, FileKind, FileName, Files, MAX_FILE_BYTES, Opened, Refusal, UploadId, UploadScope,
};
use mendwork_aws::S3Files;
use support::MotoServer;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-a-real-image-but-png-magic";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n";
const SVG: &[u8] = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";

async fn files(test: &str) -> Option<(std::sync::Arc<MotoServer>, S3Files)> {
    let server = MotoServer::shared(test)?;
    let sdk = server.sdk().await;
    let bucket = support::bucket(&sdk).await;
    let files = S3Files::new(&sdk, &bucket).unwrap();
    Some((server, files))
}

/// Uploads `bytes` as a browser would with this form, under the prefix and `id`.
async fn browser_upload(form: &DirectUpload, id: &str, content_type: &str, bytes: &[u8]) -> u16 {
    let mut body = reqwest::multipart::Form::new()
        .text("key", format!("{}{id}", form.key_prefix))
        .text("Content-Type", content_type.to_string());
    for (k, v) in &form.fields {
        body = body.text(k.clone(), v.clone());
    }
    body = body.part(
        "file",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("photo"),
    );
    reqwest::Client::new()
        .post(&form.url)
        .multipart(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Follows an `Opened::Redirect` as a browser would: (status, content type, bytes).
async fn fetch(opened: Opened) -> (u16, String, Vec<u8>) {
    let Opened::Redirect(url) = opened else {
        panic!("S3 files open as redirects, got {opened:?}")
    };
    let r = reqwest::get(&url).await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_stored_file_opens_through_a_short_lived_presigned_address() {
    let Some((_server, files)) =
        files("a_stored_file_opens_through_a_short_lived_presigned_address").await
    else {
        return;
    };
    let name = FileName::random(FileKind::Png);
    files.put(&name, PNG.to_vec()).await.unwrap();
    let opened = files.open(&name).await.unwrap().expect("stored");
    if let Opened::Redirect(url) = &opened {
        assert!(url.contains(&format!("/files/{name}")), "{url}");
        assert!(url.contains("X-Amz-Expires=600"), "ten minutes: {url}");
    }
    let (status, ct, bytes) = fetch(opened).await;
    assert_eq!(status, 200);
    assert_eq!(ct, "image/png");
    assert_eq!(bytes, PNG);
    let missing = FileName::random(FileKind::Jpeg);
    assert_eq!(files.open(&missing).await.unwrap(), None);
}

#[tokio::test]
async fn a_browser_upload_with_the_presigned_form_is_adopted_as_what_it_really_is() {
    let Some((_server, files)) =
        files("a_browser_upload_with_the_presigned_form_is_adopted_as_what_it_really_is").await
    else {
        return;
    };
    assert!(files.uploads_direct());
    let scope = UploadScope::random();
    let form = files.direct_upload(&scope).await.unwrap().unwrap();
    assert!(
        form.url.ends_with(&format!("/{}", files.bucket())),
        "{}",
        form.url
    );
    assert_eq!(form.key_prefix, format!("uploads/{}/", scope.as_str()));
    assert_eq!(form.max_bytes, MAX_FILE_BYTES);
    // The browser claims a type; what is stored is what the bytes are.
    let id = "a1b2c3d4e5f6g7h8i9j0";
    assert_eq!(
        browser_upload(&form, id, "application/octet-stream", PNG).await,
        204
    );
    let id = UploadId::parse(id).unwrap();
    let name = files
        .adopt(&scope, &id, &FileKind::IMAGES)
        .await
        .unwrap()
        .expect("adopted");
    assert_eq!(name.kind(), FileKind::Png);
    assert_eq!(
        files.adopt(&scope, &id, &FileKind::IMAGES).await.unwrap(),
        Ok(name.clone()),
        "adopting again gives the same name"
    );
    let (status, ct, bytes) = fetch(files.open(&name).await.unwrap().unwrap()).await;
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    assert_eq!(bytes, PNG);

    // An invoice may be a PDF; a photo may not.
    let pdf = UploadId::parse("pdfpdfpdfpdfpdfpdf00").unwrap();
    assert_eq!(
        browser_upload(&form, pdf.as_str(), "application/pdf", PDF).await,
        204
    );
    assert_eq!(
        files.adopt(&scope, &pdf, &FileKind::IMAGES).await.unwrap(),
        Err(Refusal::NotAccepted)
    );
    let doc = files
        .adopt(&scope, &pdf, &FileKind::ALL)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.kind(), FileKind::Pdf);
    let (_, ct, _) = fetch(files.open(&doc).await.unwrap().unwrap()).await;
    assert_eq!(ct, "application/pdf");
}

#[tokio::test]
async fn uploads_that_are_missing_another_forms_hostile_or_too_big_are_refused() {
    let Some((_server, files)) =
        files("uploads_that_are_missing_another_forms_hostile_or_too_big_are_refused").await
    else {
        return;
    };
    let scope = UploadScope::random();
    let form = files.direct_upload(&scope).await.unwrap().unwrap();
    let id = UploadId::parse("nothingherenothing00").unwrap();
    assert_eq!(
        files.adopt(&scope, &id, &FileKind::ALL).await.unwrap(),
        Err(Refusal::Missing)
    );
    let svg = UploadId::parse("svgsvgsvgsvgsvgsvg00").unwrap();
    assert_eq!(
        browser_upload(&form, svg.as_str(), "image/png", SVG).await,
        204
    );
    assert_eq!(
        files.adopt(&scope, &svg, &FileKind::ALL).await.unwrap(),
        Err(Refusal::NotAccepted)
    );
    let other = UploadScope::random();
    assert_eq!(
        files.adopt(&other, &svg, &FileKind::ALL).await.unwrap(),
        Err(Refusal::Missing),
        "another form's scope sees nothing of this one"
    );
    // S3 enforces the policy's size range; moto does not, so this is the adapter's own check.
    let big = UploadId::parse("bigbigbigbigbigbig00").unwrap();
    let mut bytes = PNG.to_vec();
    bytes.resize(MAX_FILE_BYTES + 1, 0);
    assert_eq!(
        browser_upload(&form, big.as_str(), "image/png", &bytes).await,
        204
    );
    assert_eq!(
        files.adopt(&scope, &big, &FileKind::ALL).await.unwrap(),
        Err(Refusal::TooBig)
    );
}
