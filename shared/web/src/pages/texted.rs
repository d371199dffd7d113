//! The tenant form reached from a text (`GET /n/{token}`): a known tenant who texted a new
//! problem gets a signed link (`mendwork_app::Claim::Texted`, a week) to the usual form,
//! pre-filled with their words, property, unit, name and contact. Nothing is created until
//! they send it, and the send is the form's own `POST /report`, with its stamp, honeypot and
//! rate limits. A forged link gets the "not valid" page, an expired one the "expired" page.

use super::tenant::{TenantError, known_property, new_token, report_page, stamp};
use super::{Errors, Notice};
use crate::error::WebError;
use crate::files::{Attachments, Mode};
use crate::i18n::Lang;
use crate::intake::ReportForm;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Extension, Router};
use maud::Markup;
use mendwork_app::links::draft_key;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::{App, Claim};
use mendwork_domain::texting::TextedRequest;

pub fn routes() -> Router<App> {
    Router::new().route("/n/{token}", get(form))
}

async fn form(
    State(app): State<App>,
    Path(token): Path<String>,
    files: Option<Extension<Attachments>>,
    lang: Lang,
) -> Result<Markup, TenantError> {
    let fail = |e: WebError| TenantError(lang, e);
    let draft = match app.links.verify(&token).map_err(|e| fail(e.into()))? {
        Claim::Texted { draft } => draft,
        _ => {
            return Err(fail(WebError::Forbidden(
                "This link is not a link to the form.".into(),
            )));
        }
    };
    let stored = app
        .recorded(&draft_key(&draft))
        .await
        .map_err(|e| fail(mendwork_app::AppError::from(e).into()))?
        .ok_or_else(|| fail(WebError::NotFound("This form is no longer here.".into())))?;
    // Written by the SMS step from a `TextedRequest`: unreadable means a bug, not a visitor.
    let t: TextedRequest = serde_json::from_str(&stored).map_err(|e| {
        tracing::error!("a stored pre-fill does not read: {e}");
        fail(WebError::Internal)
    })?;
    let portfolio = app.portfolio();
    let p = known_property(&portfolio, t.property.as_str(), lang)?;
    let values = ReportForm {
        property: p.id.to_string(),
        unit: t.unit,
        name: t.name,
        email: t.email.map(|e| e.to_string()).unwrap_or_default(),
        phone: t.phone.to_string(),
        description: t.description,
        submission: new_token(),
        issued: stamp(&app, SystemClock.now()),
        lang: lang.code().into(),
        ..ReportForm::default()
    };
    let notice = Notice::Ok(lang.w("page.texted_prefilled").into());
    let mode = Mode::of(&app, files.as_ref().map(|Extension(a)| a));
    Ok(report_page(
        &app,
        p,
        &values,
        &Errors::default(),
        lang,
        Some(&notice),
        &mode,
    ))
}
