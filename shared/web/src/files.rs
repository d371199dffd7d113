//! Files people attach, on the web: the tenant form's photos, the vendor's completion photos
//! and invoice. Attachments are on when the router is given a [`Files`] store
//! ([`with_files`]); a page then takes files in one of two ways ([`Mode`]):
//!
//! - **Post** (local mode): the file input is part of a `multipart/form-data` form and the files
//!   arrive with the post ([`WithFiles`]); no JavaScript needed.
//! - **Direct** (AWS): a Lambda function cannot take an 8 MB photo in a request, so a small
//!   script uploads each chosen file straight to storage (`POST /uploads` gives it a presigned
//!   form, good for the scope named by the page's signed *grant*), then submits the form with
//!   the ids it used; the function *adopts* those uploads, checking size and first bytes. Without
//!   JavaScript the form still works, without the file field.
//!
//! Either way a work order keeps only the stored names, and files are served only through
//! signed links (`/files/{token}`); `/photos/{token}` still answers the links of work orders
//! made before files had names.

use crate::error::WebError;
use crate::i18n::Lang;
use crate::intake::{FieldError, FieldReason};
use crate::pages::Errors;
use crate::signing::Signer;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Duration, Utc};
use maud::{Markup, PreEscaped, html};
use mendwork_app::files::{
    FileKind, FileName, Files, MAX_FILE_BYTES, MAX_FILES, Opened, Refusal, UploadId, UploadScope,
};
use mendwork_app::{App, Claim, LinkError};
use serde::Deserialize;
use std::sync::Arc;

/// Largest form body accepted where files may come with the post (all files plus the text).
pub const MAX_BODY_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024;
/// Largest text field of a multipart form.
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// How long a page's upload grant works: as long as the tenant form itself.
pub const GRANT_HOURS: i64 = 24;
/// Most upload forms (one file each) one grant gets in its day: a page's files a few times
/// over (the person may retry), far from free storage.
pub const UPLOAD_FORMS_PER_GRANT: u32 = 3 * MAX_FILES as u32;

const GRANT_PURPOSE: &str = "upload-grant-v1";
/// The signing purpose of the photo links made before files had names.
const LEGACY_PURPOSE: &str = "photo-link-v1";

/// The file store, present (as a request extension) exactly when attachments are on.
#[derive(Clone)]
pub struct Attachments(pub Arc<dyn Files>);

/// Turns attachments on for `router`, kept by `files`.
pub fn with_files(router: Router, files: Arc<dyn Files>) -> Router {
    router.layer(Extension(Attachments(files)))
}

pub fn routes() -> Router<App> {
    Router::new()
        .route("/files/{token}", get(serve))
        .route("/photos/{token}", get(serve_legacy))
        .route("/uploads", post(upload_form))
}

// ---------------------------------------------------------------------------------------------
// What a form accepts.

/// The files one form field accepts, and its words.
#[derive(Debug, Clone, Copy)]
pub struct Accept {
    /// The form field (and error key).
    pub field: &'static str,
    pub kinds: &'static [FileKind],
    pub max: usize,
    words: Words,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Photos,
    Invoice,
}

/// Up to five photos: a tenant's, or a vendor's when the job is done.
pub const PHOTOS: Accept = Accept {
    field: "photos",
    kinds: &FileKind::IMAGES,
    max: MAX_FILES,
    words: Words::Photos,
};

/// One invoice document: a PDF or a photo of the paper.
pub const INVOICE: Accept = Accept {
    field: "file",
    kinds: &FileKind::ALL,
    max: 1,
    words: Words::Invoice,
};

impl Accept {
    /// The file input's `accept` attribute (a hint to the browser; the bytes decide).
    pub fn html_accept(&self) -> &'static str {
        match self.words {
            Words::Photos => "image/*",
            Words::Invoice => "image/*,application/pdf",
        }
    }
    fn too_many(&self) -> FieldReason {
        match self.words {
            Words::Photos => FieldReason::TooManyPhotos { max: self.max },
            Words::Invoice => FieldReason::OneFile,
        }
    }
    fn too_big(&self) -> FieldReason {
        match self.words {
            Words::Photos => FieldReason::PhotoTooBig,
            Words::Invoice => FieldReason::FileTooBig,
        }
    }
    fn wrong_kind(&self) -> FieldReason {
        match self.words {
            Words::Photos => FieldReason::NotAPhoto,
            Words::Invoice => FieldReason::NotAnInvoice,
        }
    }
    fn missing(&self) -> FieldReason {
        match self.words {
            Words::Photos => FieldReason::PhotosMissing,
            Words::Invoice => FieldReason::FileMissing,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// How a page takes files.

/// How the page being rendered takes files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Attachments are off: no file field.
    Off,
    /// The files come with the form post (`multipart/form-data`).
    Post,
    /// A script uploads the files to storage first, for the scope in this signed grant.
    Direct { grant: String },
}

impl Mode {
    /// The mode for a page rendered now (a fresh grant, hence a fresh scope, for each page).
    pub fn of(app: &App, files: Option<&Attachments>) -> Mode {
        match files {
            None => Mode::Off,
            Some(a) if a.0.uploads_direct() => Mode::Direct {
                grant: grant(app, &UploadScope::random()),
            },
            Some(_) => Mode::Post,
        }
    }
    pub fn is_on(&self) -> bool {
        *self != Mode::Off
    }
    /// The `enctype` the form needs.
    pub fn enctype(&self) -> Option<&'static str> {
        matches!(self, Mode::Post).then_some("multipart/form-data")
    }
    /// Where the form's script asks for an upload form (`data-upload`).
    pub fn upload_url(&self) -> Option<&'static str> {
        matches!(self, Mode::Direct { .. }).then_some("/uploads")
    }
}

/// The signed grant of a page's uploads: who holds it may upload files under `scope`, and its
/// form may claim them, for [`GRANT_HOURS`].
pub fn grant(app: &App, scope: &UploadScope) -> String {
    let expires = app.now() + Duration::hours(GRANT_HOURS);
    Signer::new(app, GRANT_PURPOSE).sign(&format!("g|{}|{}", scope.as_str(), expires.timestamp()))
}

/// The scope of a genuine, unexpired grant.
pub fn open_grant(app: &App, token: &str, now: DateTime<Utc>) -> Option<UploadScope> {
    let payload = Signer::new(app, GRANT_PURPOSE).open(token)?;
    let parts: Vec<&str> = payload.split('|').collect();
    let ["g", scope, exp] = parts.as_slice() else {
        return None;
    };
    let exp: i64 = exp.parse().ok()?;
    (now.timestamp() <= exp).then_some(())?;
    UploadScope::parse(scope)
}

/// A form's file field. In `Post` mode a file input the form sends; in `Direct` mode the
/// page's grant, a file input the upload script sends (shown only when scripts run, with a
/// note for browsers without them) and the script itself.
pub fn field(
    mode: &Mode,
    accept: &Accept,
    label: &str,
    hint: &str,
    errors: &Errors,
    lang: Lang,
) -> Markup {
    let id = accept.field;
    let hint_id = format!("{id}-hint");
    let described = match errors.described_by(id) {
        Some(e) => format!("{e} {hint_id}"),
        None => hint_id.clone(),
    };
    let multiple = accept.max > 1;
    let words = |r: FieldReason| r.said_in(lang);
    html! {
        @match mode {
            Mode::Off => {},
            Mode::Post => {
                label for=(id) { (label) }
                p.hint id=(hint_id) { (hint) }
                input type="file" id=(id) name=(id) accept=(accept.html_accept()) multiple[multiple]
                    aria-invalid=[errors.invalid(id)] aria-describedby=(described);
                (errors.beside(id))
            },
            Mode::Direct { grant } => {
                input type="hidden" name="upload" value=(grant);
                div.direct-upload hidden {
                    label for=(id) { (label) }
                    p.hint id=(hint_id) { (hint) }
                    input type="file" id=(id) data-direct accept=(accept.html_accept()) multiple[multiple]
                        data-max-files=(accept.max) data-max-bytes=(MAX_FILE_BYTES)
                        aria-invalid=[errors.invalid(id)] aria-describedby=(described);
                    p.hint data-upload-status aria-live="polite"
                        data-uploading=(lang.w("page.uploading"))
                        data-of=(lang.w("page.of"))
                        data-too-many=(words(accept.too_many()))
                        data-too-big=(words(accept.too_big()))
                        data-stale=(lang.w("page.this_page_is_too_old_to"))
                        data-failed=(lang.w("page.the_upload_didnt_work_check_your")) {}
                    (errors.beside(id))
                }
                noscript { p.hint { (lang.w("page.attaching_files_needs_javascript_which_is")) } }
                script { (PreEscaped(UPLOAD_SCRIPT)) }
            },
        }
    }
}

/// Uploads the chosen files of each `form[data-upload]` to storage before the form is sent:
/// asks `data-upload` for a presigned form per file with the page's grant, posts each file
/// under the id its form names, adds the ids as `upload_id` fields, then sends the form. Runs once per page
/// (every field includes it); on any failure it says so and leaves the form unsent.
pub(crate) const UPLOAD_SCRIPT: &str = r#"
(function () {
  if (window.mendworkUploads) return;
  window.mendworkUploads = true;
  function wire(form) {
    var input = form.querySelector('input[type=file][data-direct]');
    if (!input) return;
    var box = input.closest('.direct-upload');
    var status = form.querySelector('[data-upload-status]');
    var busy = false, done = false;
    box.hidden = false;
    function fail(msg) { status.textContent = msg; status.classList.add('error'); busy = false; }
    form.addEventListener('submit', async function (ev) {
      if (done || !input.files.length) return;
      ev.preventDefault();
      if (busy) return;
      busy = true;
      status.classList.remove('error');
      form.querySelectorAll('input[name=upload_id]').forEach(function (e) { e.remove(); });
      var files = Array.prototype.slice.call(input.files);
      if (files.length > +input.dataset.maxFiles) return fail(status.dataset.tooMany);
      if (files.some(function (f) { return f.size > +input.dataset.maxBytes; })) return fail(status.dataset.tooBig);
      try {
        for (var i = 0; i < files.length; i++) {
          var r = await fetch(form.dataset.upload, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant=' + encodeURIComponent(form.elements.upload.value)
          });
          if (r.status === 403) return fail(status.dataset.stale);
          if (!r.ok) throw new Error('upload form ' + r.status);
          var p = await r.json();
          status.textContent = status.dataset.uploading + ' ' + (i + 1) + ' ' + status.dataset.of + ' ' + files.length + '…';
          var name = p.id, body = new FormData();
          body.append('key', p.key_prefix + name);
          body.append('Content-Type', 'application/octet-stream');
          p.fields.forEach(function (f) { body.append(f[0], f[1]); });
          body.append('file', files[i]);
          var u = await fetch(p.url, { method: 'POST', body: body });
          if (!u.ok) throw new Error('upload ' + u.status);
          var h = document.createElement('input');
          h.type = 'hidden'; h.name = 'upload_id'; h.value = name;
          form.appendChild(h);
        }
        done = true;
        status.textContent = '';
        form.submit();
      } catch (e) {
        fail(status.dataset.failed);
      }
    });
  }
  function start() { document.querySelectorAll('form[data-upload]').forEach(wire); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
"#;

// ---------------------------------------------------------------------------------------------
// Files that came with a form post.

/// A form post with the files sent in it: `multipart/form-data` (text fields read as an
/// urlencoded form would be) or a plain urlencoded form (no files).
#[derive(Debug)]
pub struct WithFiles<F> {
    pub form: F,
    pub sent: Sent,
}

/// The files of a multipart post, each known by its first bytes (or not at all).
#[derive(Debug, Default)]
pub struct Sent {
    files: Vec<(Option<FileKind>, Vec<u8>)>,
    /// Non-empty files sent, kept or not.
    count: usize,
    too_big: bool,
}

impl Sent {
    /// What is wrong with the files sent, as `accept` sees them.
    pub fn problem(&self, accept: &Accept) -> Option<FieldError> {
        let reason = if self.count > accept.max {
            accept.too_many()
        } else if self.too_big {
            accept.too_big()
        } else if self
            .files
            .iter()
            .any(|(k, _)| !k.is_some_and(|k| accept.kinds.contains(&k)))
        {
            accept.wrong_kind()
        } else {
            return None;
        };
        Some(FieldError::new(accept.field, reason))
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

fn unreadable() -> WebError {
    WebError::BadRequest(
        "We couldn't read what your browser sent. Please go back, reload the page and try again."
            .into(),
    )
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Reads text fields the way an urlencoded post is read, so both encodings parse alike.
async fn form_of<F: serde::de::DeserializeOwned>(
    pairs: &[(String, String)],
) -> Result<F, WebError> {
    let body: String = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let req = Request::builder()
        .method("POST")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .map_err(|_| unreadable())?;
    axum_extra::extract::Form::<F>::from_request(req, &())
        .await
        .map(|axum_extra::extract::Form(f)| f)
        .map_err(|_| unreadable())
}

impl<S, F> FromRequest<S> for WithFiles<F>
where
    S: Send + Sync,
    F: serde::de::DeserializeOwned,
{
    type Rejection = crate::error::PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let crate::pages::PageForm(form) =
                crate::pages::PageForm::<F>::from_request(req, state).await?;
            return Ok(WithFiles {
                form,
                sent: Sent::default(),
            });
        }
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let mut pairs: Vec<(String, String)> = vec![];
        let mut sent = Sent::default();
        while let Some(mut field) = mp.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_string();
            let is_file = field.file_name().is_some();
            let limit = if is_file {
                MAX_FILE_BYTES
            } else {
                MAX_TEXT_FIELD
            };
            let (mut bytes, mut over) = (Vec::<u8>::new(), false);
            // Read to the end either way: the rest of the form follows the part.
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                if bytes.len() + chunk.len() > limit {
                    over = true;
                } else if !over {
                    bytes.extend_from_slice(&chunk);
                }
            }
            if !is_file {
                if over {
                    return Err(unreadable().into());
                }
                pairs.push((name, String::from_utf8_lossy(&bytes).into_owned()));
                continue;
            }
            if bytes.is_empty() && !over {
                // An empty file input sends an empty part.
                continue;
            }
            sent.count += 1;
            if over {
                sent.too_big = true;
            } else {
                sent.files.push((FileKind::sniff(&bytes), bytes));
            }
        }
        Ok(WithFiles {
            form: form_of(&pairs).await?,
            sent,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Storing what a form brought.

/// Why a form's files were not stored.
#[derive(Debug)]
pub enum NotStored {
    /// Something the person can fix, shown beside the field.
    Field(FieldError),
    /// Storage failed (already logged).
    Failed(WebError),
}

/// Stores what a form brought for `accept` and returns the stored names: the files sent with
/// the post (stored under fresh names), and the direct uploads its script named by `ids` under
/// the scope of its `grant` (adopted under names derived from them, so a repeated post stores
/// nothing twice). With attachments off, nothing is stored and nothing is an error.
pub async fn store(
    app: &App,
    files: Option<&Attachments>,
    sent: Sent,
    grant: &str,
    ids: &[String],
    accept: &Accept,
) -> Result<Vec<String>, NotStored> {
    let Some(Attachments(files)) = files else {
        return Ok(vec![]);
    };
    if let Some(p) = sent.problem(accept) {
        return Err(NotStored::Field(p));
    }
    let mut ids: Vec<&str> = ids
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    ids.dedup();
    if sent.count + ids.len() > accept.max {
        return Err(NotStored::Field(FieldError::new(
            accept.field,
            accept.too_many(),
        )));
    }
    let failed = |e: mendwork_app::ports::StoreError| NotStored::Failed(WebError::store(&e));
    let refused = |r: FieldReason| NotStored::Field(FieldError::new(accept.field, r));
    let mut names = vec![];
    for (kind, bytes) in sent.files {
        let Some(kind) = kind else { continue };
        let name = FileName::random(kind);
        files.put(&name, bytes).await.map_err(failed)?;
        names.push(name.as_str().to_string());
    }
    if ids.is_empty() {
        return Ok(names);
    }
    let scope = open_grant(app, grant, app.now()).ok_or_else(|| refused(accept.missing()))?;
    for id in ids {
        let id = UploadId::parse(id).ok_or_else(|| refused(accept.missing()))?;
        match files
            .adopt(&scope, &id, accept.kinds)
            .await
            .map_err(failed)?
        {
            Ok(name) => names.push(name.as_str().to_string()),
            Err(Refusal::Missing) => return Err(refused(accept.missing())),
            Err(Refusal::TooBig) => return Err(refused(accept.too_big())),
            Err(Refusal::NotAccepted) => return Err(refused(accept.wrong_kind())),
        }
    }
    Ok(names)
}

// ---------------------------------------------------------------------------------------------
// The routes.

#[derive(Debug, Deserialize)]
struct UploadRequest {
    #[serde(default)]
    grant: String,
}

/// `POST /uploads`: a presigned upload form for the scope of a genuine grant (JSON), for the
/// page's script. 404 where files are not uploaded directly.
async fn upload_form(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    crate::pages::PageForm(req): crate::pages::PageForm<UploadRequest>,
) -> Response {
    let direct = files.filter(|Extension(Attachments(f))| f.uploads_direct());
    let Some(Extension(Attachments(files))) = direct else {
        return WebError::NotFound("Files are not uploaded here.".into()).json();
    };
    let Some(scope) = open_grant(&app, &req.grant, app.now()) else {
        return WebError::Forbidden(
            "This page is too old to upload files. Please reload it and try again.".into(),
        )
        .json();
    };
    // Each form uploads one file; a grant gets a few pages' worth of forms a day, so an
    // anonymous grant cannot become free storage.
    let counter = mendwork_domain::limits::Counter::fixed(
        "upload-grant",
        scope.as_str(),
        UPLOAD_FORMS_PER_GRANT,
        Duration::hours(GRANT_HOURS),
        app.now(),
    );
    match app.limits.take(&counter).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("upload forms refused: too many for one grant");
            return (
                StatusCode::TOO_MANY_REQUESTS,
                Json(serde_json::json!({ "error": "Too many files for this page. Please reload it and try again later." })),
            )
                .into_response();
        }
        Err(e) => return WebError::store(&e).json(),
    }
    match files.direct_upload(&scope).await {
        Ok(Some(form)) => {
            let mut res = Json(form).into_response();
            res.headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Ok(None) => WebError::NotFound("Files are not uploaded here.".into()).json(),
        Err(e) => WebError::store(&e).json(),
    }
}

fn no_file() -> Response {
    (
        StatusCode::NOT_FOUND,
        "There is no such file, or its link has expired.",
    )
        .into_response()
}

/// `GET /files/{token}`: the file a genuine, unexpired link names.
async fn serve(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    Path(token): Path<String>,
) -> Response {
    match app.links.verify(&token) {
        Ok(Claim::File { name }) => open(files, &name).await,
        Err(LinkError::Expired) => (
            StatusCode::GONE,
            "This link has expired. Open the page it came from again for a fresh one.",
        )
            .into_response(),
        _ => no_file(),
    }
}

/// `GET /photos/{token}`: the photo links of work orders made before files had names.
async fn serve_legacy(
    State(app): State<App>,
    files: Option<Extension<Attachments>>,
    Path(token): Path<String>,
) -> Response {
    let Some(payload) = Signer::new(&app, LEGACY_PURPOSE).open(&token) else {
        return no_file();
    };
    let parts: Vec<&str> = payload.split('|').collect();
    let ["p", name, exp] = parts.as_slice() else {
        return no_file();
    };
    let fresh = exp
        .parse::<i64>()
        .is_ok_and(|exp| app.now().timestamp() <= exp);
    match FileName::parse(name) {
        Some(name) if fresh => open(files, &name).await,
        _ => no_file(),
    }
}

async fn open(files: Option<Extension<Attachments>>, name: &FileName) -> Response {
    let Some(Extension(Attachments(files))) = files else {
        return no_file();
    };
    match files.open(name).await {
        Ok(Some(Opened::Bytes { kind, bytes })) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            h.insert(CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
            h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            // Nothing in a stored file may run as a page of ours.
            h.insert(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            h.insert(
                CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            if !kind.is_image()
                && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            {
                h.insert(CONTENT_DISPOSITION, v);
            }
            res
        }
        Ok(Some(Opened::Redirect(url))) => match HeaderValue::from_str(&url) {
            Ok(location) => {
                let mut res = StatusCode::FOUND.into_response();
                res.headers_mut().insert(LOCATION, location);
                // The address it points to works for a few minutes only.
                res.headers_mut().insert(
                    CACHE_CONTROL,
                    HeaderValue::from_static("private, max-age=120"),
                );
                res
            }
            Err(_) => WebError::Internal.page(),
        },
        Ok(None) => no_file(),
        Err(e) => WebError::store(&e).page(),
    }
}

/// Signed links to stored files (or the links older work orders keep), for a page.
pub fn links(app: &App, names: &[String]) -> Vec<String> {
    use mendwork_domain::effects::Links;
    names.iter().map(|n| app.links.file(n)).collect()
}

/// A photo link made the way work orders made them before files had names (for tests of the
/// `/photos` route).
pub fn legacy_link(app: &App, name: &str, expires: DateTime<Utc>) -> String {
    let token = Signer::new(app, LEGACY_PURPOSE).sign(&format!("p|{name}|{}", expires.timestamp()));
    format!("{}/photos/{token}", app.links.base_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_problem_is_named_in_words() {
        let mut sent = Sent::default();
        assert_eq!(sent.problem(&PHOTOS), None);
        sent.count = 1;
        sent.files.push((Some(FileKind::Pdf), b"%PDF-1.7".to_vec()));
        assert_eq!(
            sent.problem(&PHOTOS).map(|e| e.reason),
            Some(FieldReason::NotAPhoto)
        );
        assert_eq!(sent.problem(&INVOICE), None, "an invoice may be a PDF");
        sent.files.push((None, b"<svg/>".to_vec()));
        sent.count = 2;
        assert_eq!(
            sent.problem(&INVOICE).map(|e| e.reason),
            Some(FieldReason::OneFile)
        );
    }
}
