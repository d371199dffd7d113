//! The outer layer every route passes through: cross-site writes refused, the JSON API taking
//! JSON only, and the response headers every page needs (Content-Security-Policy,
//! Referrer-Policy, Cache-Control). Also [`ClientIp`], the caller's address as the runner
//! (API Gateway's request context, or nothing locally) tells it, for the stored rate limits.
//!
//! Cross-site requests (a page elsewhere posting a form or a `fetch` to us, with the victim's
//! cookie or against a tenant's secret link): a state-changing request whose
//! `Sec-Fetch-Site` is `cross-site` or `same-site` is refused with 403; without that header
//! (older browsers, scripts, the PMS calling the API) an `Origin` naming another site is
//! refused too, and a request with neither is let through, as browsers that send neither
//! need. The JSON API also answers 415 to a body that is not `application/json`, which no
//! cross-site HTML form can send.

use crate::files::UPLOAD_SCRIPT;
use crate::i18n::Lang;
use crate::pages::guest_layout;
use crate::safety::live_script;
use axum::Json;
use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST,
    ORIGIN, REFERRER_POLICY, TRANSFER_ENCODING, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use maud::html;
use mendwork_app::App;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::LazyLock;

/// The caller's IP address, put on the request by the runner that knows it (the Lambda
/// handler, from API Gateway's request context). Absent locally: the local runner serves one
/// person on loopback, so there is no per-address limit to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The one policy of every page. Scripts run only if they are the pages' own inline scripts
/// (by hash); styles are the pages' inline sheet and the email previews' style attributes;
/// images and uploads may go to the file bucket (https); nothing may frame a page, and forms
/// post only to us.
pub static CONTENT_SECURITY_POLICY_VALUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; script-src {} {}; style-src 'unsafe-inline'; img-src 'self' https: data:; \
         connect-src 'self' https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        script_hash(UPLOAD_SCRIPT),
        script_hash(&live_script()),
    )
});

/// A CSP source for an inline script: `'sha256-<base64 of the SHA-256 of its text>'`.
pub fn script_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The layer (see the module docs).
pub async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    if changes_state(req.method()) {
        if cross_site(req.headers(), app.links.base_url()) {
            tracing::info!(path = %req.uri().path(), "cross-site request refused");
            return refusal(&req, StatusCode::FORBIDDEN, "guard.cross_site");
        }
        if req.uri().path().starts_with("/api/") && !json_body(&req) {
            return refusal(&req, StatusCode::UNSUPPORTED_MEDIA_TYPE, "guard.not_json");
        }
    }
    let mut res = next.run(req).await;
    secure_headers(res.headers_mut());
    res
}

fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// True when the browser says the request comes from another site: not the host it asked for,
/// nor the deployment's public address (`base_url`, which a custom domain may put in front).
pub fn cross_site(headers: &HeaderMap, base_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none` is the person's own action (a bookmark, the address bar). `same-site` is a
        // sibling host, which may belong to someone else (shared parent domains).
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    match headers.get(ORIGIN) {
        None => false,
        Some(origin) => {
            let host = headers.get(HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest);
            let ours = base_url
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'));
            // `Origin: null` (a sandboxed frame, a data: page) is never us.
            !origin_host.is_some_and(|o| {
                host.is_some_and(|h| o.eq_ignore_ascii_case(h))
                    || ours.is_some_and(|b| o.eq_ignore_ascii_case(b))
            })
        }
    }
}

/// True when the request's body is JSON, or there is no body at all (a bare `POST`).
fn json_body(req: &Request) -> bool {
    let headers = req.headers();
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        Some(ct) => {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        }
        None => match req.body().size_hint().exact() {
            Some(n) => n == 0,
            None => {
                let empty = headers
                    .get(CONTENT_LENGTH)
                    .is_none_or(|l| l.as_bytes() == b"0");
                empty && !headers.contains_key(TRANSFER_ENCODING)
            }
        },
    }
}

/// `key` names the reason in the catalogue: in English for the API, else in the reader's language.
fn refusal(req: &Request, status: StatusCode, key: &'static str) -> Response {
    let mut res = if req.uri().path().starts_with("/api/") {
        (status, Json(json!({ "error": Lang::En.w(key) }))).into_response()
    } else {
        let accept = req
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = Lang::negotiate(req.uri().query(), accept);
        let body = html! {
            h1 { (lang.w("page.not_carried_out")) }
            p.notice role="alert" { (lang.w(key)) }
        };
        (status, guest_layout(lang.w("page.not_carried_out"), body)).into_response()
    };
    secure_headers(res.headers_mut());
    res
}

/// Adds the headers every response carries. A stricter policy a handler set (a stored file's
/// sandbox) is kept; caching is always off, as most URLs here are secrets or private pages.
pub fn secure_headers(h: &mut HeaderMap) {
    if !h.contains_key(CONTENT_SECURITY_POLICY)
        && let Ok(v) = HeaderValue::from_str(&CONTENT_SECURITY_POLICY_VALUE)
    {
        h.insert(CONTENT_SECURITY_POLICY, v);
    }
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}
