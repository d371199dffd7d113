//! The team's webhook endpoints in the PM pages: each endpoint as configured (read-only, from
//! the portfolio file), its delivery log — newest first, with attempts, the last answer and
//! the next retry, failed deliveries marked as needing attention — and a button that sends it
//! a signed `mendwork.test` event now. A connected PMS's updates (`pms:buildium`) are listed
//! beside them with their own log, so a refused credential (401, 403) is in front of the team
//! like a failing receiver.

use super::{Nav, Notice, page};
use crate::auth::Session;
use crate::error::PageError;
use crate::i18n::Lang;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_app::deliveries::{DeliveryState, WebhookDelivery};
use mendwork_domain::delivery::MAX_ATTEMPTS;
use serde::Deserialize;

/// How many deliveries an endpoint's log shows.
const LOG_ROWS: usize = 100;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/pm/webhooks", get(index))
        .route("/pm/webhooks/{name}", get(log))
        .route("/pm/webhooks/{name}/test", post(send_test))
}

/// Times on these pages are UTC: receivers log in UTC, and the team compares the two.
pub(super) fn utc(t: DateTime<Utc>) -> Markup {
    let text = t
        .to_rfc3339_opts(SecondsFormat::Secs, true)
        .replace('T', " ");
    html! { time datetime=(t.to_rfc3339()) { (text.trim_end_matches('Z')) " UTC" } }
}

async fn index(
    State(app): State<App>,
    Extension(session): Extension<Session>,
) -> Result<Markup, PageError> {
    let portfolio = app.portfolio();
    let mut rows = vec![];
    for e in &portfolio.webhooks {
        let log = app
            .webhooks
            .deliveries
            .log(&e.name, LOG_ROWS)
            .await
            .map_err(mendwork_app::AppError::from)
            .map_err(crate::error::WebError::from)?;
        let failed = log
            .iter()
            .filter(|d| d.state == DeliveryState::Failed)
            .count();
        let secrets = app.webhooks.secrets.of(&e.name).len();
        rows.push((e, failed, secrets));
    }
    let mut systems = vec![];
    for system in mendwork_app::pms_sync::SYSTEMS {
        let endpoint = mendwork_app::pms_sync::pms_endpoint(system);
        let log = app
            .webhooks
            .deliveries
            .log(&endpoint, LOG_ROWS)
            .await
            .map_err(mendwork_app::AppError::from)
            .map_err(crate::error::WebError::from)?;
        let connected = app
            .webhooks
            .pms
            .as_ref()
            .is_some_and(|p| p.system() == system);
        if log.is_empty() && !connected {
            continue;
        }
        let failed = log
            .iter()
            .filter(|d| d.state == DeliveryState::Failed)
            .count();
        systems.push((endpoint, failed, refused(&log)));
    }
    Ok(page(
        "Webhooks",
        Lang::En,
        Nav::Staff(&session),
        html! {
            h1 { "Webhooks" }
            p.hint { "Read-only: endpoints come from the portfolio file (" code { "webhooks:" } "), their secrets from the deployment's webhook secret. Every event is signed per Standard Webhooks and retried for about a day." }
            @if rows.is_empty() {
                p { "No endpoint is configured: nothing is sent to other systems." }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { "Endpoint" } th scope="col" { "URL" } th scope="col" { "Events" }
                        th scope="col" { "Secrets" } th scope="col" { "Failed (recent)" }
                    } }
                    tbody {
                        @for (e, failed, secrets) in &rows {
                            tr {
                                td { a href=(format!("/pm/webhooks/{}", e.name)) { (e.name) } }
                                td { code { (e.url) } }
                                td { @if e.events.is_empty() { "all" } @else { (e.events.join(", ")) } }
                                td {
                                    @match secrets {
                                        0 => span.badge.needs_attention { "none: nothing is sent" },
                                        1 => "1",
                                        _ => "2 (rotating)",
                                    }
                                }
                                td.num {
                                    @if *failed > 0 { span.badge.needs_attention { (failed) " failed" } } @else { "0" }
                                }
                            }
                        }
                    }
                }
            }
            @if !systems.is_empty() {
                h2 { "Property-management system" }
                p.hint { "Status and notes of the work orders pulled from the PMS go back to it as deliveries of their own, retried like the webhooks'." }
                table {
                    thead { tr {
                        th scope="col" { "Connector" } th scope="col" { "Credentials" } th scope="col" { "Failed (recent)" }
                    } }
                    tbody {
                        @for (endpoint, failed, refused) in &systems {
                            tr {
                                td { a href=(format!("/pm/webhooks/{endpoint}")) { (endpoint) } }
                                td {
                                    @match refused {
                                        Some(status) => span.badge.needs_attention { "refused (HTTP " (status) "): fix the PMS secret" },
                                        None => "accepted",
                                    }
                                }
                                td.num {
                                    @if *failed > 0 { span.badge.needs_attention { (failed) " failed" } } @else { "0" }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The PMS's refusal of the credentials (401 or 403) as the latest attempt's answer, if so.
fn refused(log: &[WebhookDelivery]) -> Option<u16> {
    log.iter()
        .filter(|d| d.attempts > 0)
        .max_by_key(|d| d.last_attempt_at)
        .and_then(|d| d.last_status)
        .filter(|s| matches!(s, 401 | 403))
}

#[derive(Debug, Default, Deserialize)]
struct LogQuery {
    /// The outcome of the test event just sent (`delivered`, `pending`, `failed`).
    sent: Option<String>,
}

/// The receiver's last answer, or why there was none.
fn last_answer(d: &WebhookDelivery) -> String {
    match (d.last_status, &d.last_error) {
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(e)) => e.clone(),
        (None, None) => "—".into(),
    }
}

fn state_cell(d: &WebhookDelivery) -> Markup {
    html! {
        @match d.state {
            DeliveryState::Delivered => span.badge { "delivered" },
            DeliveryState::Failed => span.badge.needs_attention { "failed — needs attention" },
            DeliveryState::Pending => @if d.attempts == 0 { span.badge { "sending" } } @else { span.badge { "retrying" } },
        }
    }
}

async fn log(
    State(app): State<App>,
    Extension(session): Extension<Session>,
    Path(name): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    if mendwork_app::pms_sync::is_pms_endpoint(&name) {
        return pms_log(&app, &session, &name).await;
    }
    let portfolio = app.portfolio();
    let Some(endpoint) = portfolio.webhooks.iter().find(|e| e.name == name) else {
        return Err(PageError(crate::error::WebError::NotFound(format!(
            "webhook endpoint {name} not found"
        ))));
    };
    let log = app
        .webhooks
        .deliveries
        .log(&endpoint.name, LOG_ROWS)
        .await
        .map_err(mendwork_app::AppError::from)
        .map_err(crate::error::WebError::from)?;
    let notice = q.sent.as_deref().map(|s| match s {
        "delivered" => Notice::Ok("The test event was delivered.".into()),
        "failed" => Notice::Problem("The test event was refused for good (the endpoint answered 410 or is not configured).".into()),
        _ => Notice::Problem("The test event was not accepted yet; it is retried on the schedule. See its last answer below.".into()),
    });
    let body = html! {
        h1 { "Webhook " (endpoint.name) }
        (Notice::render(notice.as_ref()))
        dl {
            dt { "URL" } dd { code { (endpoint.url) } }
            dt { "Events" } dd { @if endpoint.events.is_empty() { "all" } @else { (endpoint.events.join(", ")) } }
        }
        form method="post" action=(format!("/pm/webhooks/{}/test", endpoint.name)) {
            button type="submit" { "Send a test event" }
        }
        h2 { "Deliveries" }
        p.hint { "Newest first, the last " (LOG_ROWS) ". A delivery is tried up to " (MAX_ATTEMPTS) " times over about a day, with the same webhook-id each time; failed ones need attention: check the receiver, then send a test event." }
        (deliveries_table(&log))
        p { a href="/pm/webhooks" { "All endpoints" } }
    };
    Ok(page("Webhook deliveries", Lang::En, Nav::Staff(&session), body).into_response())
}

/// A PMS connector's log: the same table, no URL and no test button (a PMS is sent only the
/// updates of its own work orders).
async fn pms_log(app: &App, session: &Session, endpoint: &str) -> Result<Response, PageError> {
    if !mendwork_app::pms_sync::SYSTEMS
        .iter()
        .any(|s| mendwork_app::pms_sync::pms_endpoint(s) == endpoint)
    {
        return Err(PageError(crate::error::WebError::NotFound(format!(
            "webhook endpoint {endpoint} not found"
        ))));
    }
    let log = app
        .webhooks
        .deliveries
        .log(endpoint, LOG_ROWS)
        .await
        .map_err(mendwork_app::AppError::from)
        .map_err(crate::error::WebError::from)?;
    let body = html! {
        h1 { "PMS connector " (endpoint) }
        @if let Some(status) = refused(&log) {
            p { span.badge.needs_attention { "The PMS refused the credentials (HTTP " (status) ")." } " Put a valid API key in the deployment's PMS secret (README, Integrations); the updates below are retried meanwhile." }
        }
        h2 { "Updates" }
        p.hint { "Newest first, the last " (LOG_ROWS) ". An update is tried up to " (MAX_ATTEMPTS) " times over about a day and written once, however often it is tried; failed ones need attention." }
        (deliveries_table(&log))
        p { a href="/pm/webhooks" { "All endpoints" } }
    };
    Ok(page("PMS updates", Lang::En, Nav::Staff(session), body).into_response())
}

/// A delivery log, newest first.
fn deliveries_table(log: &[WebhookDelivery]) -> Markup {
    html! {
        @if log.is_empty() {
            p { "Nothing sent yet." }
        } @else {
            table {
                thead { tr {
                    th scope="col" { "Time" } th scope="col" { "Event" } th scope="col" { "Attempts" }
                    th scope="col" { "Last answer" } th scope="col" { "State" } th scope="col" { "Next retry" }
                } }
                tbody {
                    @for d in log {
                        tr id=(format!("delivery-{}", d.event_id)) {
                            td { (utc(d.created_at)) }
                            td { code { (d.kind) } br; span.hint { (d.event_id) } }
                            td.num { (d.attempts) }
                            td {
                                (last_answer(d))
                            }
                            td { (state_cell(d)) }
                            td { @if let Some(t) = d.next_at.filter(|_| d.attempts > 0) { (utc(t)) } @else { "—" } }
                        }
                    }
                }
            }
        }
    }
}

async fn send_test(
    State(app): State<App>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let d = app
        .send_test_event(&name)
        .await
        .map_err(crate::error::WebError::from)?;
    Ok(Redirect::to(&format!("/pm/webhooks/{name}?sent={}", d.state.as_str())).into_response())
}
