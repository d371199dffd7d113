//! Photos the tenant attaches to the form (multipart): at most 5 files of at most 8 MB, images
//! only — recognised by their first bytes, not by the name or type the browser claims. They
//! are stored as files under a directory (in local mode beside the store) and served back only
//! through signed links (`/photos/{token}`), which the work order keeps in `photos` so vendor
//! offers and pages can show them.
//!
//! Uploads are on when the router is given a directory with [`with_photos`]; without one the
//! form has no file field and the route answers 404.

use crate::error::{WebError, log_internal};
use crate::intake::{FieldError, ReportForm};
use crate::signing::Signer;
use axum::Extension;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use mendwork_app::App;
use rand::Rng;
use rand::distr::Alphanumeric;
use std::path::PathBuf;

/// Most photos one request may carry.
pub const MAX_PHOTOS: usize = 5;
/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// Largest form body accepted when photos are on (all photos plus the text).
pub const MAX_BODY_BYTES: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;
/// Largest text field of a multipart form.
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// How long a photo link in a work order works.
pub const LINK_DAYS: i64 = 180;

const PURPOSE: &str = "photo-link-v1";

/// Where photos are stored. Present (as a request extension) exactly when uploads are on.
#[derive(Debug, Clone)]
pub struct PhotoDir(pub PathBuf);

/// Turns photo uploads on for `router`, storing them under `dir` (created when needed).
pub fn with_photos(router: Router, dir: PathBuf) -> Router {
    router.layer(Extension(PhotoDir(dir)))
}

pub fn routes() -> Router<App> {
    Router::new().route("/photos/{token}", get(serve))
}

/// An image kind we accept, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Heic,
}

impl Kind {
    pub fn sniff(b: &[u8]) -> Option<Kind> {
        if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Kind::Png)
        } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
            Some(Kind::Gif)
        } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
            Some(Kind::Webp)
        } else if b.len() >= 12
            && &b[4..8] == b"ftyp"
            && matches!(&b[8..12], b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc")
        {
            Some(Kind::Heic)
        } else {
            None
        }
    }
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Heic => "heic",
        }
    }
    fn from_ext(e: &str) -> Option<Kind> {
        [Kind::Jpeg, Kind::Png, Kind::Gif, Kind::Webp, Kind::Heic]
            .into_iter()
            .find(|k| k.ext() == e)
    }
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Heic => "image/heic",
        }
    }
}

/// One accepted file, not yet stored.
#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// The tenant form as posted, urlencoded or multipart: its fields, the photos and what was
/// wrong with them (keyed `photos`).
#[derive(Debug, Clone, Default)]
pub struct ReportBody {
    pub form: ReportForm,
    pub photos: Vec<Upload>,
    pub errors: Vec<FieldError>,
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

/// Reads the text fields the way an urlencoded post is read, so both encodings parse alike.
async fn form_of(pairs: &[(String, String)]) -> Result<ReportForm, WebError> {
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
    axum_extra::extract::Form::<ReportForm>::from_request(req, &())
        .await
        .map(|axum_extra::extract::Form(f)| f)
        .map_err(|_| unreadable())
}

impl<S: Send + Sync> FromRequest<S> for ReportBody {
    type Rejection = crate::error::PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let crate::pages::PageForm(form) =
                crate::pages::PageForm::<ReportForm>::from_request(req, state).await?;
            return Ok(ReportBody {
                form,
                ..ReportBody::default()
            });
        }
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let mut pairs: Vec<(String, String)> = vec![];
        let (mut photos, mut sent, mut too_big, mut not_image) = (vec![], 0usize, false, false);
        while let Some(mut field) = mp.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_string();
            let is_file = field.file_name().is_some();
            let mut bytes: Vec<u8> = vec![];
            let limit = if is_file {
                MAX_PHOTO_BYTES
            } else {
                MAX_TEXT_FIELD
            };
            let mut over = false;
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
            if name != "photos" || (bytes.is_empty() && !over) {
                // An empty file input sends an empty part.
                continue;
            }
            sent += 1;
            if over {
                too_big = true;
                continue;
            }
            match Kind::sniff(&bytes) {
                Some(kind) => photos.push(Upload { kind, bytes }),
                None => not_image = true,
            }
        }
        let mut errors = vec![];
        if sent > MAX_PHOTOS {
            errors.push(FieldError::new(
                "photos",
                format!("Please attach at most {MAX_PHOTOS} photos."),
            ));
        } else if too_big {
            errors.push(FieldError::new("photos", "Each photo must be under 8 MB."));
        } else if not_image {
            errors.push(FieldError::new(
                "photos",
                "Only photos can be attached (JPEG, PNG, GIF, WebP or HEIC).",
            ));
        }
        Ok(ReportBody {
            form: form_of(&pairs).await?,
            photos,
            errors,
        })
    }
}

fn file_name(kind: Kind) -> String {
    let id: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    format!("{id}.{}", kind.ext())
}

/// A stored photo's name as we make them (letters and digits, a known extension): nothing
/// else is ever read from the directory.
fn safe_name(name: &str) -> Option<Kind> {
    let (stem, ext) = name.split_once('.')?;
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Kind::from_ext(ext)
}

/// A signed link to a stored photo, valid until `expires`.
pub fn link(app: &App, name: &str, expires: DateTime<Utc>) -> String {
    let token = Signer::new(app, PURPOSE).sign(&format!("p|{name}|{}", expires.timestamp()));
    format!("{}/photos/{token}", app.links.base_url())
}

/// The stored name a link points to, and whether it is still valid at `now`.
pub fn name_of(app: &App, url: &str, now: DateTime<Utc>) -> Option<(String, bool)> {
    let token = url.rsplit('/').next()?;
    let payload = Signer::new(app, PURPOSE).open(token)?;
    let parts: Vec<&str> = payload.split('|').collect();
    let ["p", name, exp] = parts.as_slice() else {
        return None;
    };
    safe_name(name)?;
    let exp: i64 = exp.parse().ok()?;
    Some((name.to_string(), now.timestamp() <= exp))
}

/// Stores the photos and returns their signed links (for the work order).
pub async fn store(
    app: &App,
    dir: &PhotoDir,
    photos: Vec<Upload>,
) -> Result<Vec<String>, WebError> {
    if photos.is_empty() {
        return Ok(vec![]);
    }
    let dir = dir.0.clone();
    let named: Vec<(String, Vec<u8>)> = photos
        .into_iter()
        .map(|p| (file_name(p.kind), p.bytes))
        .collect();
    let names: Vec<String> = named.iter().map(|(n, _)| n.clone()).collect();
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in named {
            std::fs::write(dir.join(name), bytes)?;
        }
        Ok(())
    })
    .await;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            log_internal(&e);
            return Err(WebError::Internal);
        }
        Err(e) => {
            log_internal(&e);
            return Err(WebError::Internal);
        }
    }
    let expires = app.now() + Duration::days(LINK_DAYS);
    Ok(names.iter().map(|n| link(app, n, expires)).collect())
}

async fn serve(
    State(app): State<App>,
    dir: Option<Extension<PhotoDir>>,
    Path(token): Path<String>,
) -> Response {
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            "There is no such photo, or its link has expired.",
        )
            .into_response()
    };
    let Some(Extension(dir)) = dir else {
        return not_found();
    };
    let Some((name, true)) = name_of(&app, &format!("/photos/{token}"), app.now()) else {
        return not_found();
    };
    let Some(kind) = safe_name(&name) else {
        return not_found();
    };
    let path = dir.0.join(&name);
    let bytes = match tokio::task::spawn_blocking(move || std::fs::read(path)).await {
        Ok(Ok(b)) => b,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => return not_found(),
        Ok(Err(e)) => {
            log_internal(&e);
            return WebError::Internal.page();
        }
        Err(e) => {
            log_internal(&e);
            return WebError::Internal.page();
        }
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"GIF89a...."), Some(Kind::Gif));
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(Kind::sniff(b"\0\0\0\x18ftypheic...."), Some(Kind::Heic));
        assert_eq!(Kind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(Kind::sniff(b"%PDF-1.7"), None);
    }

    #[test]
    fn only_names_we_make_are_ever_read() {
        assert_eq!(safe_name("abc123.png"), Some(Kind::Png));
        assert_eq!(safe_name("../etc.png"), None);
        assert_eq!(safe_name("a/b.png"), None);
        assert_eq!(safe_name("abc.exe"), None);
        assert_eq!(safe_name(".png"), None);
    }
}
