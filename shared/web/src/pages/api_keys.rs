//! The team's API keys in the PM pages: every key (name, scope, when made and by whom, last
//! used, revoked), a form that makes one — the answer shows the key once, with how to use it —
//! and a revoke button per current key. Plain forms, so the same cross-site guard as every
//! other PM form applies ([`crate::guard`]: `Sec-Fetch-Site`/`Origin` checked, SameSite
//! cookie). Each form carries a one-time token: the create form sent again (a reload, a
//! double click) makes no second key and never shows the first one again.

use super::webhooks::utc;
use super::{Errors, Nav, Notice, PageForm, page};
use crate::auth::Session;
use crate::error::{PageError, WebError, log_internal};
use crate::intake::{FieldError, submission_token};
use crate::ops;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_app::api_keys::{self, ApiKey, CreateError, Plaintext, Scope};
use mendwork_app::ports::CommitError;
use mendwork_domain::limits::API_PER_KEY_HOUR;
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/pm/api-keys", get(index).post(create))
        .route("/pm/api-keys/{id}/revoke", post(revoke))
}

/// What the page shows above the list.
enum Shown<'a> {
    Nothing,
    Notice(Notice),
    /// The key just made, shown this once.
    NewKey(&'a ApiKey, &'a Plaintext),
}

#[derive(Debug, Default, Deserialize)]
struct IndexQuery {
    /// The id of the key just revoked.
    revoked: Option<String>,
}

async fn index(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Query(q): Query<IndexQuery>,
) -> Result<Markup, PageError> {
    let revoked = match q.revoked {
        Some(id) => app.api_keys.find(&id).await.map_err(ops::store)?,
        None => None,
    };
    let shown = match revoked.filter(|k| k.revoked_at.is_some()) {
        Some(k) => Shown::Notice(Notice::Ok(format!(
            "The key {} is revoked: calls with it are refused from now on.",
            k.name
        ))),
        None => Shown::Nothing,
    };
    render(&app, &session, shown, &Errors::default(), "", Scope::Read).await
}

async fn render(
    app: &App,
    session: &Session,
    shown: Shown<'_>,
    errors: &Errors,
    name: &str,
    scope: Scope,
) -> Result<Markup, PageError> {
    let keys = app.api_keys.list().await.map_err(ops::store)?;
    let base = app.links.base_url();
    let body = html! {
        h1 { "API keys" }
        p.hint {
            "Other systems of the team (a PMS, a script) call the JSON API with a key, sent as "
            code { "Authorization: Bearer mwk_…" } ". A " strong { "read" } " key may only read; a "
            strong { "read-write" } " key may also act as the team does (create, assign, cancel, close…), "
            "and what it does shows on the work order's timeline under the key's name. Each key may make "
            (API_PER_KEY_HOUR) " calls an hour."
        }
        @match &shown {
            Shown::Nothing => {},
            Shown::Notice(n) => (Notice::render(Some(n))),
            Shown::NewKey(key, plain) => section.notice.ok role="status" aria-labelledby="new-key-heading" {
                h2 #new-key-heading { "Your new key " (key.name) " (" (key.scope.as_str()) ")" }
                p { strong { "Copy it now: it is shown only this once." } " Mendwork keeps only a fingerprint of it; if it is lost, revoke it and make another." }
                label for="new-key" { "The key" }
                input #new-key type="text" readonly value=(plain.reveal()) aria-describedby="new-key-hint" autocomplete="off" spellcheck="false";
                p.hint #new-key-hint { "Select it and copy it (Ctrl+C, or ⌘C on a Mac) into the other system's settings." }
                p { "Try it:" }
                pre { "curl -H 'Authorization: Bearer " (plain.reveal()) "' " (base) "/api/work-orders" }
            },
        }
        (errors.summary())
        h2 { "Keys" }
        @if keys.is_empty() {
            p { "No key yet: nothing but a signed-in team member can use the API." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "Name" } th scope="col" { "Scope" } th scope="col" { "Created" }
                    th scope="col" { "Last used" } th scope="col" { "State" }
                } }
                tbody {
                    @for k in &keys {
                        tr id=(format!("key-{}", k.id)) {
                            td { strong { (k.name) } br; span.hint { "mwk_" (k.id) "_…" } }
                            td { (k.scope.as_str()) }
                            td { (utc(k.created_at)) br; span.hint { "by " (k.created_by) } }
                            td { @if let Some(t) = k.last_used_at { (utc(t)) } @else { "never" } }
                            td {
                                @if let Some(t) = k.revoked_at {
                                    span.badge { "revoked" } " " (utc(t))
                                } @else {
                                    span.badge { "active" }
                                    form method="post" action=(format!("/pm/api-keys/{}/revoke", k.id)) {
                                        button.danger type="submit" aria-label=(format!("Revoke the key {}", k.name)) { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #create { "Create a key" }
        form method="post" action="/pm/api-keys" novalidate {
            input type="hidden" name="token" value=(super::tenant::new_token());
            label for="name" { "Name" }
            p.hint #name-hint { "The system that will use it, e.g. buildium: lowercase letters, digits and dashes. The timeline names its actions so." }
            input #name type="text" name="name" value=(name) required maxlength=(api_keys::MAX_NAME)
                aria-invalid=[errors.invalid("name")]
                aria-describedby=(if errors.get("name").is_some() { "name-hint name-error" } else { "name-hint" });
            (errors.beside("name"))
            fieldset {
                legend { "Scope" }
                input #scope-read type="radio" name="scope" value="read" checked[scope == Scope::Read];
                label.inline for="scope-read" { "read — lists and work orders only" }
                br;
                input #scope-read-write type="radio" name="scope" value="read-write" checked[scope == Scope::ReadWrite];
                label.inline for="scope-read-write" { "read-write — also acts as the team" }
                (errors.beside("scope"))
            }
            button type="submit" { "Create key" }
        }
    };
    Ok(page(
        "API keys",
        crate::i18n::Lang::En,
        Nav::Staff(session),
        body,
    ))
}

#[derive(Debug, Default, Deserialize)]
struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    token: String,
}

fn form_key(token: &str) -> String {
    format!("apikey-form:{token}")
}

async fn create(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    PageForm(f): PageForm<CreateForm>,
) -> Result<Response, PageError> {
    let token = submission_token(Some(&f.token));
    if let Some(t) = &token
        && let Some(name) = app.recorded(&form_key(t)).await.map_err(ops::store)?
    {
        let notice = Notice::Problem(format!(
            "This form was sent already: the key {name} was made then and is not shown again. \
             If it was not copied, revoke it and make another."
        ));
        let page = render(
            &app,
            &session,
            Shown::Notice(notice),
            &Errors::default(),
            "",
            Scope::Read,
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let Some(scope) = Scope::parse(&f.scope) else {
        let errors = Errors(vec![FieldError::new("scope", "Choose read or read-write.")]);
        let page = render(
            &app,
            &session,
            Shown::Nothing,
            &errors,
            f.name.trim(),
            Scope::Read,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let made = api_keys::create(
        app.api_keys.as_ref(),
        &f.name,
        scope,
        session.email.as_str(),
        app.now(),
    )
    .await;
    let (key, plain) = match made {
        Ok(made) => made,
        Err(CreateError::Name(e)) => {
            let errors = Errors(vec![FieldError::new("name", e.to_string())]);
            let page = render(
                &app,
                &session,
                Shown::Nothing,
                &errors,
                f.name.trim(),
                scope,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(CreateError::Store(e)) => return Err(ops::store(e).into()),
    };
    tracing::info!(key = %key.id, scope = key.scope.as_str(), "API key created");
    if let Some(t) = &token {
        // The key exists either way; a failure here only lets a resent form make another.
        match app.remember(&form_key(t), &key.name).await {
            Ok(()) | Err(CommitError::Duplicate(_)) | Err(CommitError::Conflict(_)) => {}
            Err(CommitError::Store(e)) => log_internal(&e),
        }
    }
    let shown = Shown::NewKey(&key, &plain);
    let page = render(&app, &session, shown, &Errors::default(), "", Scope::Read).await?;
    Ok(page.into_response())
}

async fn revoke(State(app): State<App>, Path(id): Path<String>) -> Result<Response, PageError> {
    let Some(key) = app.api_keys.find(&id).await.map_err(ops::store)? else {
        return Err(WebError::NotFound("There is no such API key.".into()).into());
    };
    app.api_keys
        .revoke(&key.id, app.now())
        .await
        .map_err(ops::store)?;
    tracing::info!(key = %key.id, "API key revoked");
    Ok(Redirect::to(&format!("/pm/api-keys?revoked={}", key.id)).into_response())
}
