//! The property team's sign-in, needing no other service: an emailed magic link.
//!
//! `GET /login` asks for an address; `POST /login` answers the same "check your email" page
//! whatever the address (no account enumeration) and, for the team's address or one of its
//! `members`, emails a link `/login/{token}` (a [`Claim::Login`], 15 minutes). Opening the link
//! only shows a "Sign in" button (mail scanners follow links); posting it uses the link up (its
//! nonce is recorded with [`WorkOrders::commit_outbox`]) and sets the `mw_session` cookie:
//! signed, HttpOnly, SameSite=Lax, Secure behind https, 12 hours. `POST /logout` records the
//! session's nonce as ended, so a copied cookie stops working too.
//!
//! Security timing (session age) is measured on the real clock, not the local harness's
//! virtual one, so moving the virtual clock in tests does not sign anyone out.
//!
//! [`WorkOrders::commit_outbox`]: mendwork_app::ports::WorkOrders::commit_outbox

use crate::error::{PageError, WebError, log_internal};
use crate::guard::ClientIp;
use crate::limits::admit_login;
use crate::ops;
use crate::pages::{Nav, PageForm, page};
use crate::signing::{Signer, decode_part, encode_part};
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::{DateTime, Duration, Utc};
use maud::{Markup, html};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{CommitError, OutboxRecord};
use mendwork_app::{App, Claim, LinkError};
use mendwork_domain::{Actor, Effect, Email, EmailMessage, Portfolio, Recipient};
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::Deserialize;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "mw_session";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// How long an emailed sign-in link works.
pub const LINK_MINUTES: i64 = 15;
/// Most sign-in emails one address (trimmed and lowercased) gets in a clock hour: enough for
/// a person who lost one, too few to flood an inbox (or the SES quota) from the public form.
/// Per-IP and team-wide caps come with it ([`mendwork_domain::limits`]).
pub const LINKS_PER_HOUR: u32 = mendwork_domain::limits::LOGIN_PER_ADDRESS_HOUR;

const SESSION_PURPOSE: &str = "web-session-v1";

/// A signed-in team member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub email: Email,
    /// Identifies this session (for sign-out).
    pub nonce: String,
    pub expires: DateTime<Utc>,
}

impl Session {
    /// The actor the team member's commands are recorded as.
    pub fn actor(&self) -> Actor {
        Actor::Pm(self.email.to_string())
    }
}

pub fn routes() -> Router<App> {
    Router::new()
        .route("/login", get(login_form).post(request_link))
        .route("/login/{token}", get(confirm_page).post(sign_in))
        .route("/logout", post(logout))
}

fn nonce() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(22)
        .map(char::from)
        .collect()
}

/// True for the team's address and its members (case-insensitive).
pub fn allowed(portfolio: &Portfolio, email: &Email) -> bool {
    let want = email.as_str().to_ascii_lowercase();
    std::iter::once(&portfolio.team.email)
        .chain(portfolio.team.members.iter())
        .any(|e| e.as_str().to_ascii_lowercase() == want)
}

// ---------------------------------------------------------------------------------------------
// The session cookie.

/// The cookie value of a new session for `email`, starting at `now`.
pub fn issue(app: &App, email: &Email, now: DateTime<Utc>) -> (String, Session) {
    let session = Session {
        email: email.clone(),
        nonce: nonce(),
        expires: now + Duration::hours(SESSION_HOURS),
    };
    let payload = format!(
        "s|{}|{}|{}",
        encode_part(session.email.as_str()),
        session.nonce,
        session.expires.timestamp()
    );
    (Signer::new(app, SESSION_PURPOSE).sign(&payload), session)
}

/// The session a cookie value carries, if genuine and unexpired at `now` (not checked here:
/// membership and sign-out, see [`current`]).
pub fn open(app: &App, value: &str, now: DateTime<Utc>) -> Option<Session> {
    let payload = Signer::new(app, SESSION_PURPOSE).open(value)?;
    let parts: Vec<&str> = payload.split('|').collect();
    let ["s", email, nonce, exp] = parts.as_slice() else {
        return None;
    };
    let expires = DateTime::from_timestamp(exp.parse().ok()?, 0)?;
    if now >= expires {
        return None;
    }
    Some(Session {
        email: Email::parse(&decode_part(email)?).ok()?,
        nonce: nonce.to_string(),
        expires,
    })
}

/// The value of one cookie of the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn revoked_key(nonce: &str) -> String {
    format!("logout:{nonce}")
}

/// The request's session: a genuine, unexpired cookie of a current team member that was not
/// signed out. A storage failure counts as no session (and is logged).
pub async fn current(app: &App, headers: &HeaderMap) -> Option<Session> {
    let session = open(app, cookie(headers, COOKIE_NAME)?, SystemClock.now())?;
    if !allowed(&app.portfolio(), &session.email) {
        return None;
    }
    match app.recorded(&revoked_key(&session.nonce)).await {
        Ok(None) => Some(session),
        Ok(Some(_)) => None,
        Err(e) => {
            log_internal(&e);
            None
        }
    }
}

fn secure(app: &App) -> bool {
    app.links.base_url().starts_with("https://")
}

fn set_cookie(app: &App, value: &str, max_age: i64) -> Option<HeaderValue> {
    let mut c = format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    if secure(app) {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).ok()
}

// ---------------------------------------------------------------------------------------------
// Guards.

/// For the dashboard pages: no session → to the sign-in page.
pub async fn require_page(State(app): State<App>, mut req: Request, next: Next) -> Response {
    match current(&app, req.headers()).await {
        Some(s) => {
            req.extensions_mut().insert(s);
            next.run(req).await
        }
        None => Redirect::to("/login").into_response(),
    }
}

// The JSON API's guards (a session or an API key) are in `crate::api_auth`.

// ---------------------------------------------------------------------------------------------
// Pages.

#[derive(Debug, Default, Deserialize)]
struct LoginQuery {
    #[serde(default)]
    out: Option<String>,
}

async fn login_form(State(app): State<App>, Query(q): Query<LoginQuery>) -> Markup {
    let portfolio = app.portfolio();
    let notice = q.out.is_some().then_some("You're signed out.");
    login_page(&portfolio.team.name, "", None, notice)
}

fn login_page(team: &str, value: &str, error: Option<&str>, notice: Option<&str>) -> Markup {
    page(
        "Sign in",
        crate::i18n::Lang::En,
        Nav::Public,
        html! {
            h1 { "Sign in to the " (team) " dashboard" }
            @if let Some(n) = notice { p.notice.ok role="status" { (n) } }
            form method="post" action="/login" novalidate {
                label for="email" { "Email address" }
                p.hint #email-hint { "We'll email you a sign-in link. No password needed." }
                input type="email" id="email" name="email" value=(value) required autocomplete="email"
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=(if error.is_some() { "email-hint email-error" } else { "email-hint" });
                @if let Some(e) = error { p.error #email-error { (e) } }
                button type="submit" { "Email me a sign-in link" }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
}

async fn request_link(
    State(app): State<App>,
    ip: Option<Extension<ClientIp>>,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let portfolio = app.portfolio();
    let Ok(email) = Email::parse(&f.email) else {
        let page = login_page(
            &portfolio.team.name,
            f.email.trim(),
            Some("This doesn't look like an email address, e.g. name@example.com."),
            None,
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    // The same work whoever the address is: the same counters, one stored record, the same
    // delivery pass — so the answer's timing does not tell who is on the team.
    let on_team = allowed(&portfolio, &email);
    match admit_login(&app, ip.map(|Extension(ip)| ip), &email, on_team).await? {
        Err(()) => {
            let page = login_page(
                &portfolio.team.name,
                f.email.trim(),
                None,
                Some(
                    "Too many sign-in requests came from your network in the last hour. Please try again later.",
                ),
            );
            return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
        }
        Ok(false) => {}
        Ok(true) => record_link(&app, &email, on_team, &portfolio.team.name).await?,
    }
    ops::settle(&app).await;
    Ok(check_email(&email).into_response())
}

/// Stores a fresh sign-in link's email in the outbox (so it is sent, and retried, like every
/// other message) — for a team address; for any other, the same write with no email in it.
async fn record_link(app: &App, email: &Email, on_team: bool, team: &str) -> Result<(), WebError> {
    let nonce = nonce();
    let now = app.now();
    let token = app.links.sign(
        &Claim::Login {
            email: email.clone(),
            nonce: nonce.clone(),
        },
        now + Duration::minutes(LINK_MINUTES),
    );
    let link = format!("{}/login/{token}", app.links.base_url());
    let text = format!(
        "Hello,\n\nUse this link to sign in to the {team} work-order dashboard. It works once, within {LINK_MINUTES} minutes:\n\n{link}\n\nIf you didn't ask for it, you can ignore this email: nobody can sign in without the link.\n\n— Mendwork"
    );
    let record = OutboxRecord {
        id: format!("login/{nonce}"),
        work_order: None,
        effect: Effect::Email(EmailMessage {
            to: email.clone(),
            recipient: Recipient::Pm,
            subject: "Your Mendwork sign-in link".into(),
            text,
            ics: None,
            key: "pm.login.email".into(),
            language: mendwork_domain::Language::En,
        }),
        created_at: now,
    };
    let outbox = if on_team { vec![record] } else { vec![] };
    match app
        .commit_outbox(&format!("login-mail:{nonce}"), &nonce, outbox)
        .await
    {
        Ok(()) | Err(CommitError::Duplicate(_)) => Ok(()),
        Err(CommitError::Conflict(_)) => Err(WebError::Internal),
        Err(CommitError::Store(e)) => Err(ops::store(e)),
    }
}

fn check_email(email: &Email) -> Markup {
    page(
        "Check your email",
        crate::i18n::Lang::En,
        Nav::Public,
        html! {
            h1 { "Check your email" }
            p role="status" {
                "If " strong { (email) } " belongs to the property team, a sign-in link is on its way. "
                "It works once, within " (LINK_MINUTES) " minutes."
            }
            p.hint { "Asked more than once? Use the newest link. At most " (LINKS_PER_HOUR) " links are sent to one address in an hour." }
            p { a href="/login" { "Use another address" } }
        },
    )
}

/// The member a sign-in link is for, if the link is genuine, unexpired and unused.
async fn link_claim(app: &App, token: &str) -> Result<(Email, String), WebError> {
    let expired = || {
        WebError::Gone(
            "This sign-in link has expired or was already used. Please ask for a new one at /login."
                .into(),
        )
    };
    let (email, nonce) = match app.links.verify(token) {
        Ok(Claim::Login { email, nonce }) => (email, nonce),
        Ok(_) | Err(LinkError::Forged) => {
            return Err(WebError::Forbidden(
                "This is not a sign-in link we sent. Please ask for a new one at /login.".into(),
            ));
        }
        Err(LinkError::Expired) => return Err(expired()),
    };
    if !allowed(&app.portfolio(), &email) {
        return Err(WebError::Forbidden(
            "This address is no longer on the property team.".into(),
        ));
    }
    match app.recorded(&used_key(&nonce)).await {
        Ok(None) => Ok((email, nonce)),
        Ok(Some(_)) => Err(expired()),
        Err(e) => Err(ops::store(e)),
    }
}

fn used_key(nonce: &str) -> String {
    format!("login:{nonce}")
}

async fn confirm_page(
    State(app): State<App>,
    Path(token): Path<String>,
) -> Result<Markup, PageError> {
    let (email, _) = link_claim(&app, &token).await?;
    Ok(page(
        "Sign in",
        crate::i18n::Lang::En,
        Nav::Public,
        html! {
            h1 { "Sign in" }
            p { "Sign in to the dashboard as " strong { (email) } "?" }
            form method="post" action=(format!("/login/{token}")) {
                button type="submit" { "Sign in" }
            }
        },
    ))
}

async fn sign_in(State(app): State<App>, Path(token): Path<String>) -> Result<Response, PageError> {
    let (email, nonce) = link_claim(&app, &token).await?;
    match app.remember(&used_key(&nonce), email.as_str()).await {
        Ok(()) => {}
        Err(CommitError::Duplicate(_)) => {
            return Err(WebError::Gone(
                "This sign-in link was already used. Please ask for a new one at /login.".into(),
            )
            .into());
        }
        Err(CommitError::Conflict(_)) => return Err(WebError::Internal.into()),
        Err(CommitError::Store(e)) => return Err(ops::store(e).into()),
    }
    let (value, _) = issue(&app, &email, SystemClock.now());
    let mut res = Redirect::to("/pm").into_response();
    if let Some(c) = set_cookie(&app, &value, SESSION_HOURS * 3600) {
        res.headers_mut().insert(SET_COOKIE, c);
    }
    Ok(res)
}

async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(s) = current(&app, &headers).await {
        match app.remember(&revoked_key(&s.nonce), s.email.as_str()).await {
            Ok(()) | Err(CommitError::Duplicate(_)) => {}
            Err(CommitError::Conflict(_)) => {}
            Err(CommitError::Store(e)) => log_internal(&e),
        }
    }
    let mut res = Redirect::to("/login?out=1").into_response();
    if let Some(c) = set_cookie(&app, "", 0) {
        res.headers_mut().insert(SET_COOKIE, c);
    }
    res
}
