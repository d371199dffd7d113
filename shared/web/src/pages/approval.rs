//! The owner's approval page, reached by a signed link: GET shows the estimate and never
//! decides; POST decides (approve or decline) for the round the link was made for. A decided,
//! replaced, expired or forged link gets a page that says so.

use super::tenant::photo_links;
use super::{Nav, PageForm, page as chrome};
use crate::error::{PageError, WebError};
use crate::i18n::{self, Lang};
use crate::ops;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use mendwork_app::{App, AppError, Claim, Exec};
use mendwork_domain::catalogue;
use mendwork_domain::{
    Actor, Command, EstimateDecision, Rejection, Status, WorkOrder, WorkOrderId,
};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/approve/{token}", get(show).post(decide))
}

/// The work order and round an owner link is for.
fn claim(app: &App, token: &str) -> Result<(WorkOrderId, u32), WebError> {
    match app.links.verify(token)? {
        Claim::Owner { work_order, round } => Ok((work_order, round)),
        _ => Err(WebError::Forbidden(
            "This link is not an approval link.".into(),
        )),
    }
}

/// True while the approval this link was made for can still be decided.
fn open(wo: &WorkOrder, round: u32) -> bool {
    wo.phase() == Status::AwaitingApproval
        && round == wo.approval_round
        && wo
            .estimate
            .as_ref()
            .is_some_and(|e| e.decision == EstimateDecision::Pending)
}

/// The catalogue's words for `key` in `lang`, with `vars` filled in.
fn say(lang: Lang, key: &str, vars: &[(&str, String)]) -> String {
    catalogue::render(key, lang.into(), vars)
}

/// The page chrome for an owner, in the language their browser asks for.
fn layout(title: &str, lang: Lang, body: Markup) -> Markup {
    chrome(title, lang, Nav::Guest, body)
}

/// The page for a link whose decision is made (or no longer needed): 410.
fn already_decided(wo: &WorkOrder, round: u32, lang: Lang) -> Response {
    let what = if round != wo.approval_round {
        lang.w("owner.replaced")
    } else {
        match wo.estimate.as_ref().map(|e| &e.decision) {
            Some(EstimateDecision::Approved) => lang.w("owner.already_approved"),
            Some(EstimateDecision::Declined) => lang.w("owner.already_declined"),
            _ => lang.w("owner.not_open"),
        }
    };
    let body = html! {
        h1 { (lang.w("owner.already_decided")) }
        p.notice role="status" { (what) }
        p { (say(lang, "owner.nothing_more", &[("code", wo.code.to_string())])) }
    };
    (
        StatusCode::GONE,
        layout(lang.w("owner.already_decided"), lang, body),
    )
        .into_response()
}

async fn show(
    State(app): State<App>,
    Path(token): Path<String>,
    lang: Lang,
) -> Result<Response, PageError> {
    let (id, round) = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    if !open(&wo, round) {
        return Ok(already_decided(&wo, round, lang));
    }
    Ok(approval_page(&app, &wo, &token, None, lang).into_response())
}

fn approval_page(
    app: &App,
    wo: &WorkOrder,
    token: &str,
    error: Option<&str>,
    lang: Lang,
) -> Markup {
    let portfolio = app.portfolio();
    let property = portfolio.property(&wo.request.property);
    let tz = property.map_or(chrono_tz::UTC, |p| p.timezone);
    let vendor = wo.vendor.as_ref().and_then(|v| portfolio.vendor(v));
    let company = vendor
        .and_then(|v| v.company.as_ref())
        .and_then(|c| portfolio.company(c));
    layout(
        lang.w("owner.title"),
        lang,
        html! {
            h1 { (lang.w("owner.heading")) }
            section {
                dl {
                    @if let Some(p) = property {
                        dt { (lang.w("owner.property")) } dd { (p.name) br; (p.address) }
                    }
                    dt { (lang.w("owner.unit")) } dd { (wo.request.unit) }
                    dt { (lang.w("owner.job")) } dd { (wo.code) " — " (lang.w(super::timeline::trade_key(wo.trade))) }
                    dt { (lang.w("owner.problem")) } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { (lang.w("owner.photos")) } dd { (photo_links(lang, &crate::files::links(app, &wo.request.photos))) }
                    }
                    @if let Some(t) = &wo.triage {
                        dt { (lang.w("owner.diagnosis")) } dd { (t.diagnosis_in(lang.into())) }
                    }
                    @if let Some(v) = vendor {
                        dt { (lang.w("owner.vendor")) } dd { (v.name) @if let Some(c) = company { " (" (c.name) ")" } }
                    }
                    @if let Some(e) = &wo.estimate {
                        dt { (lang.w("owner.estimate")) } dd { strong { (e.amount.to_string()) } }
                        dt { (lang.w("owner.your_limit")) } dd { (say(lang, "owner.without_approval", &[("amount", e.limit.to_string())])) }
                        @if let Some(n) = &e.note {
                            dt { (lang.w("owner.scope")) } dd { (n) }
                        }
                        dt { (lang.w("owner.sent")) } dd { (i18n::at(lang, tz, e.at)) }
                    }
                    @if let Some(a) = &wo.appointment {
                        dt { (lang.w("owner.appointment")) } dd { (i18n::when(lang, tz, a)) }
                    }
                }
            }
            form method="post" action=(format!("/approve/{token}{}", lang.query())) {
                @if let Some(m) = error {
                    p.error id="decision-error" role="alert" { (m) }
                }
                fieldset {
                    legend { (lang.w("owner.your_decision")) }
                    p.hint { (lang.w("owner.decision_hint")) }
                    button type="submit" name="decision" value="approve"
                        aria-describedby=[error.map(|_| "decision-error")] { (say(lang, "owner.approve", &[("amount", wo.estimate.as_ref().map(|e| e.amount.to_string()).unwrap_or_default())])) }
                    button.danger type="submit" name="decision" value="decline"
                        aria-describedby=[error.map(|_| "decision-error")] { (lang.w("owner.decline")) }
                }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
}

async fn decide(
    State(app): State<App>,
    Path(token): Path<String>,
    lang: Lang,
    PageForm(f): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let (id, round) = claim(&app, &token)?;
    let approve = match f.decision.trim() {
        "approve" => true,
        "decline" => false,
        _ => {
            let wo = ops::get(&app, id.as_str()).await?;
            if !open(&wo, round) {
                return Ok(already_decided(&wo, round, lang));
            }
            let page = approval_page(&app, &wo, &token, Some(lang.w("owner.choose")), lang);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let command = Command::DecideApproval {
        approve,
        by: Actor::Owner,
        round,
    };
    let result = app.execute(&id, command, Exec::default()).await;
    ops::settle(&app).await;
    match result {
        Ok(done) => {
            let amount = done
                .wo
                .estimate
                .as_ref()
                .map(|e| e.amount.to_string())
                .unwrap_or_default();
            let body = html! {
                h1 { (lang.w("owner.thank_you")) }
                @if approve {
                    p.notice.ok role="status" { (say(lang, "owner.you_approved", &[("amount", amount.clone()), ("code", done.wo.code.to_string())])) }
                    p { (lang.w("owner.approved_next")) }
                } @else {
                    p.notice role="status" { (say(lang, "owner.you_declined", &[("amount", amount.clone()), ("code", done.wo.code.to_string())])) }
                    p { (lang.w("owner.declined_next")) }
                }
            };
            Ok(layout(lang.w("owner.recorded"), lang, body).into_response())
        }
        Err(AppError::Rejected(Rejection::ApprovalNotOpen)) => {
            let wo = ops::get(&app, id.as_str()).await?;
            Ok(already_decided(&wo, round, lang))
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}
