//! Who calls the JSON API: a signed-in team member (the session cookie) or another system of
//! the team's with an API key (`Authorization: Bearer mwk_…`, see `mendwork_app::api_keys`).
//!
//! A request that carries an `Authorization` header is judged by its key alone, in both modes:
//! a missing, malformed, unknown, wrong or revoked key is 401 with `WWW-Authenticate: Bearer`
//! even when a valid session cookie comes with it (a broken integration must notice, not run
//! quietly as whoever last signed in on that machine); a key that may only read asking to
//! change something is 403; a key past its hourly allowance is 429 with `Retry-After`. Its
//! last use is written at most once a minute. Without the header, the deployed API needs a
//! session (401) and the local one is open, a session naming the PM when there is one.
//!
//! Nothing of the cross-site guard ([`crate::guard`]) is relaxed for keys: a server calling
//! with a key sends neither `Sec-Fetch-Site` nor `Origin` and passes it as any script does,
//! and a browser page elsewhere cannot add an `Authorization` header to a cross-site request
//! without a CORS preflight, which this API never grants. A key is never a cookie, so a
//! browser never sends it by itself: keys add no cross-site request forgery to defend.

use crate::auth::{COOKIE_NAME, Session, cookie, current};
use crate::error::log_internal;
use crate::ops;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mendwork_app::App;
use mendwork_app::api_keys::{self, ApiKey, Refused, Scope};
use mendwork_domain::limits::{API_PER_KEY_HOUR, api_key_counter};
use mendwork_domain::{Actor, Source};
use serde_json::json;

/// Who is calling: put on the request for the API's handlers.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A signed-in team member.
    Member(Session),
    /// An integration's API key (its secret is not kept here).
    Key {
        id: String,
        name: String,
        scope: Scope,
    },
}

impl Caller {
    /// Who the timeline says did what this caller asks.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Member(s) => s.actor(),
            Caller::Key { name, .. } => Actor::Integration(name.clone()),
        }
    }

    /// Where a work order this caller creates comes from, when it is not the PM's own.
    pub fn source(&self) -> Option<Source> {
        match self {
            Caller::Member(_) => None,
            Caller::Key { name, .. } => Some(Source::Integration { name: name.clone() }),
        }
    }
}

/// The actor of a PM command: the caller, or "PM" where the API is open and nobody said who.
pub fn actor(caller: Option<&Caller>) -> Actor {
    caller.map_or_else(ops::pm, Caller::actor)
}

/// The actor of a visit's check-in or check-out through the API: an integration's key by its
/// name, anyone else as the front desk (whose API it is).
pub fn desk_actor(caller: Option<&Caller>) -> Actor {
    match caller {
        Some(c @ Caller::Key { .. }) => c.actor(),
        _ => Actor::Desk,
    }
}

fn member(req: &mut Request, s: Session) {
    req.extensions_mut().insert(Caller::Member(s.clone()));
    req.extensions_mut().insert(s);
}

/// The deployed API: a key, or a session; neither → 401 JSON.
pub async fn deployed(State(app): State<App>, mut req: Request, next: Next) -> Response {
    if req.headers().contains_key(AUTHORIZATION) {
        return with_key(&app, req, next).await;
    }
    match current(&app, req.headers()).await {
        Some(s) => {
            member(&mut req, s);
            next.run(req).await
        }
        None => {
            let mut res = (
                StatusCode::UNAUTHORIZED,
                Json(json!({
                    "error": "Please sign in first (open /login in a browser), or send an API key: Authorization: Bearer mwk_…"
                })),
            )
                .into_response();
            res.headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
            res
        }
    }
}

/// The open API of local mode: a key, when sent, must be good and names the caller; else a
/// session, when there is one, names the PM.
pub async fn local(State(app): State<App>, mut req: Request, next: Next) -> Response {
    if req.headers().contains_key(AUTHORIZATION) {
        return with_key(&app, req, next).await;
    }
    if cookie(req.headers(), COOKIE_NAME).is_some()
        && let Some(s) = current(&app, req.headers()).await
    {
        member(&mut req, s);
    }
    next.run(req).await
}

const CHALLENGE: &str = "Bearer realm=\"mendwork\"";

/// The token of `Authorization: Bearer <token>` (the scheme in any case).
fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

fn refused(why: Refused) -> Response {
    tracing::info!(reason = ?why, "API key refused");
    let challenge = match why {
        Refused::Malformed => format!("{CHALLENGE}, error=\"invalid_request\""),
        Refused::Unknown | Refused::Revoked => format!("{CHALLENGE}, error=\"invalid_token\""),
    };
    let mut res = (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error": why.to_string() })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        res.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    res
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn with_key(app: &App, mut req: Request, next: Next) -> Response {
    let Some(token) = bearer(&req) else {
        return refused(Refused::Malformed);
    };
    let key: ApiKey = match api_keys::authenticate(app.api_keys.as_ref(), token).await {
        Ok(Ok(key)) => key,
        Ok(Err(why)) => return refused(why),
        Err(e) => return ops::store(e).json(),
    };
    let now = app.now();
    let counter = api_key_counter(&key.id, now);
    match app.limits.take(&counter).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(key = %key.id, "API key over its hourly allowance");
            let wait = (counter.window_end - now).num_seconds().max(1);
            let mut res = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({
                    "error": format!(
                        "This API key made its {API_PER_KEY_HOUR} calls of this hour: try again in {wait} seconds."
                    )
                })),
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert(RETRY_AFTER, v);
            }
            return res;
        }
        Err(e) => return ops::store(e).json(),
    }
    // A failure here loses only the "last used" time: the call goes ahead.
    if key.needs_touch(now)
        && let Err(e) = app.api_keys.touch(&key.id, now).await
    {
        log_internal(&e);
    }
    if !key.scope.allows(changes_state(req.method())) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({
                "error": format!(
                    "The API key {:?} may only read (scope read): use a read-write key to change anything.",
                    key.name
                )
            })),
        )
            .into_response();
    }
    req.extensions_mut().insert(Caller::Key {
        id: key.id,
        name: key.name,
        scope: key.scope,
    });
    next.run(req).await
}
