//! The owner's approval page, reached by a signed link: GET shows the estimate and never
//! decides; POST decides (approve or decline) for the round the link was made for. A decided,
//! replaced, expired or forged link gets a page that says so.

use super::tenant::photo_links;
use super::{PageForm, guest_layout, when};
use crate::error::{PageError, WebError};
use crate::i18n::Lang;
use crate::ops;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use mendwork_app::{App, AppError, Claim, Exec};
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

/// The page for a link whose decision is made (or no longer needed): 410.
fn already_decided(wo: &WorkOrder, round: u32) -> Response {
    let what = if round != wo.approval_round {
        "A newer approval request replaced this one: please use the most recent email.".to_string()
    } else {
        match wo.estimate.as_ref().map(|e| &e.decision) {
            Some(EstimateDecision::Approved) => "This estimate was already approved.".into(),
            Some(EstimateDecision::Declined) => "This estimate was already declined.".into(),
            _ => "This approval request is no longer open.".into(),
        }
    };
    let body = html! {
        h1 { "Already decided" }
        p.notice role="status" { (what) }
        p { "Job " (wo.code) ": nothing more is needed from you. The property team has the details." }
    };
    (StatusCode::GONE, guest_layout("Already decided", body)).into_response()
}

async fn show(State(app): State<App>, Path(token): Path<String>) -> Result<Response, PageError> {
    let (id, round) = claim(&app, &token)?;
    let wo = ops::get(&app, id.as_str()).await?;
    if !open(&wo, round) {
        return Ok(already_decided(&wo, round));
    }
    Ok(approval_page(&app, &wo, &token, None).into_response())
}

fn approval_page(app: &App, wo: &WorkOrder, token: &str, error: Option<&str>) -> Markup {
    let portfolio = app.portfolio();
    let property = portfolio.property(&wo.request.property);
    let tz = property.map_or(chrono_tz::UTC, |p| p.timezone);
    let vendor = wo.vendor.as_ref().and_then(|v| portfolio.vendor(v));
    let company = vendor
        .and_then(|v| v.company.as_ref())
        .and_then(|c| portfolio.company(c));
    guest_layout(
        "Approve a repair",
        html! {
            h1 { "Approve a repair?" }
            section {
                dl {
                    @if let Some(p) = property {
                        dt { "Property" } dd { (p.name) br; (p.address) }
                    }
                    dt { "Unit" } dd { (wo.request.unit) }
                    dt { "Job" } dd { (wo.code) " — " (wo.trade.label()) }
                    dt { "Problem" } dd { (wo.request.description) }
                    @if !wo.request.photos.is_empty() {
                        dt { "Photos" } dd { (photo_links(Lang::En, &crate::files::links(app, &wo.request.photos))) }
                    }
                    @if let Some(t) = &wo.triage {
                        dt { "Diagnosis" } dd { (t.diagnosis) }
                    }
                    @if let Some(v) = vendor {
                        dt { "Vendor" } dd { (v.name) @if let Some(c) = company { " (" (c.name) ")" } }
                    }
                    @if let Some(e) = &wo.estimate {
                        dt { "Estimate" } dd { strong { (e.amount.to_string()) } }
                        dt { "Your limit" } dd { (e.limit.to_string()) " without approval" }
                        @if let Some(n) = &e.note {
                            dt { "Scope" } dd { (n) }
                        }
                        dt { "Sent" } dd { (super::at(tz, e.at)) }
                    }
                    @if let Some(a) = &wo.appointment {
                        dt { "Appointment" } dd { (when(tz, a)) }
                    }
                }
            }
            form method="post" action=(format!("/approve/{token}")) {
                @if let Some(m) = error {
                    p.error id="decision-error" role="alert" { (m) }
                }
                fieldset {
                    legend { "Your decision" }
                    p.hint { "Approving lets the vendor go ahead at this price. Declining tells the vendor and the property team." }
                    button type="submit" name="decision" value="approve"
                        aria-describedby=[error.map(|_| "decision-error")] { "Approve " (wo.estimate.as_ref().map(|e| e.amount.to_string()).unwrap_or_default()) }
                    button.danger type="submit" name="decision" value="decline"
                        aria-describedby=[error.map(|_| "decision-error")] { "Decline" }
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
    PageForm(f): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let (id, round) = claim(&app, &token)?;
    let approve = match f.decision.trim() {
        "approve" => true,
        "decline" => false,
        _ => {
            let wo = ops::get(&app, id.as_str()).await?;
            if !open(&wo, round) {
                return Ok(already_decided(&wo, round));
            }
            let page = approval_page(&app, &wo, &token, Some("Please choose Approve or Decline."));
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
                h1 { "Thank you" }
                @if approve {
                    p.notice.ok role="status" { "You approved " (amount) " for job " (done.wo.code) "." }
                    p { "We've told the vendor, who will now arrange a time with the tenant." }
                } @else {
                    p.notice role="status" { "You declined " (amount) " for job " (done.wo.code) "." }
                    p { "We've told the vendor and the property team, who will be in touch about next steps." }
                }
            };
            Ok(guest_layout("Decision recorded", body).into_response())
        }
        Err(AppError::Rejected(Rejection::ApprovalNotOpen)) => {
            let wo = ops::get(&app, id.as_str()).await?;
            Ok(already_decided(&wo, round))
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}
