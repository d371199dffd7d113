//! The harness API of local mode (never deployed): inbound SMS as End User Messaging sends
//! it, the virtual clock, and every message sent. Also the ticker that fires due timers.

use crate::Local;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use maud::html;
use mendwork_app::ports::TimerSpec;
use mendwork_app::sweep::SweepPolicy;
use mendwork_app::{AppError, InboundSms};
use mendwork_domain::WorkOrderId;
use mendwork_embedded::SentFilter;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub(crate) fn router(local: Local) -> Router {
    Router::new()
        .route("/dev/sms", post(inbound_sms))
        .route("/dev/clock", post(move_clock).get(read_clock))
        .route("/dev/outbox", get(outbox))
        .route("/dev/messages", get(messages_page))
        .route("/dev/timers", get(timers))
        .with_state(local)
}

/// A harness error: the caller's input (400/422) or a failure on our side (500, logged).
enum HarnessError {
    BadInput(StatusCode, String),
    Internal(String),
}

impl From<AppError> for HarnessError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(m) => HarnessError::BadInput(StatusCode::UNPROCESSABLE_ENTITY, m),
            AppError::Rejected(r) => HarnessError::BadInput(StatusCode::CONFLICT, r.to_string()),
            AppError::NotFound(m) => {
                HarnessError::BadInput(StatusCode::NOT_FOUND, format!("{m} not found"))
            }
            other => HarnessError::Internal(error_chain(&other)),
        }
    }
}

impl From<mendwork_app::ports::StoreError> for HarnessError {
    fn from(e: mendwork_app::ports::StoreError) -> Self {
        HarnessError::Internal(error_chain(&e))
    }
}

/// The cause chain, redacted: logs never carry an address or a number.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    mendwork_app::redact::chain(e)
}

impl IntoResponse for HarnessError {
    fn into_response(self) -> Response {
        match self {
            HarnessError::BadInput(code, m) => (code, Json(json!({ "error": m }))).into_response(),
            HarnessError::Internal(chain) => {
                tracing::error!(cause = %chain, "harness request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({ "error": "something went wrong on our side; nothing was lost" })),
                )
                    .into_response()
            }
        }
    }
}

async fn inbound_sms(
    State(local): State<Local>,
    body: Result<Json<InboundSms>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HarnessError> {
    let Json(sms) = body.map_err(|e| {
        HarnessError::BadInput(
            StatusCode::BAD_REQUEST,
            format!(
                "expected the End User Messaging inbound SMS JSON: {}",
                e.body_text()
            ),
        )
    })?;
    let outcome = local.app.handle_sms(&sms).await?;
    local.app.drain().await?;
    Ok(Json(outcome).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockMove {
    advance_seconds: Option<i64>,
    to: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct Fired {
    name: String,
    at: DateTime<Utc>,
    target: mendwork_app::ports::TimerTarget,
}

async fn read_clock(State(local): State<Local>) -> Json<serde_json::Value> {
    Json(json!({ "now": local.app.now() }))
}

async fn move_clock(
    State(local): State<Local>,
    body: Result<Json<ClockMove>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, HarnessError> {
    let Json(m) = body.map_err(|e| {
        HarnessError::BadInput(
            StatusCode::BAD_REQUEST,
            format!(
                "expected {{\"advance_seconds\": N}} or {{\"to\": \"<RFC 3339>\"}}: {}",
                e.body_text()
            ),
        )
    })?;
    let now = local.app.now();
    let target = match (m.advance_seconds, m.to) {
        (Some(s), None) if s >= 0 => now + Duration::seconds(s),
        (None, Some(t)) if t >= now => t,
        (Some(_), None) => {
            return Err(HarnessError::BadInput(
                StatusCode::UNPROCESSABLE_ENTITY,
                "advance_seconds must not be negative: the clock only moves forward".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(HarnessError::BadInput(
                StatusCode::UNPROCESSABLE_ENTITY,
                "\"to\" is in the past: the clock only moves forward".into(),
            ));
        }
        _ => {
            return Err(HarnessError::BadInput(
                StatusCode::UNPROCESSABLE_ENTITY,
                "give exactly one of advance_seconds or to".into(),
            ));
        }
    };
    let fired = advance_to(&local, target).await?;
    Ok(Json(json!({ "now": local.app.now(), "fired": fired })).into_response())
}

/// Moves virtual time to `target`, firing every timer due on the way in time order, each at
/// its own time, and delivering the outbox after each. A timer is removed only after it fired,
/// so a crash in between fires it again (firing is idempotent).
async fn advance_to(local: &Local, target: DateTime<Utc>) -> Result<Vec<Fired>, HarnessError> {
    let _guard = local.clock_lock.lock().await;
    let mut fired = vec![];
    local.app.drain().await?;
    while let Some(t) = local.timers.next_due(target)? {
        let spec: TimerSpec = t;
        if spec.at > local.app.now() {
            local.clock.set(spec.at)?;
        }
        local.app.fire(&spec.target).await?;
        local.timers.remove(&spec.name)?;
        local.app.drain().await?;
        fired.push(Fired {
            name: spec.name,
            at: spec.at,
            target: spec.target,
        });
    }
    if target > local.app.now() {
        local.clock.set(target)?;
    }
    // Time moved: what the sweeper does in AWS on its schedule, at once.
    sweep(local).await?;
    Ok(fired)
}

/// The sweep of `mendwork_app::sweep` (outbox records left undone re-driven, overdue work
/// orders put in front of the team), then the outbox it filled delivered. The caller holds
/// the clock lock.
async fn sweep(local: &Local) -> Result<(), HarnessError> {
    let swept = mendwork_app::sweep::sweep(&local.app, &SweepPolicy::default()).await?;
    for fault in &swept.faults {
        tracing::error!(%fault, "configuration fault: records stay parked until it is fixed");
    }
    if !swept.flagged.is_empty() || swept.redriven > 0 {
        tracing::info!(
            redriven = swept.redriven,
            overdue = swept.flagged.len(),
            "swept"
        );
    }
    local.app.drain().await?;
    Ok(())
}

/// Ticks between two background sweeps (a minute).
const SWEEP_EVERY_TICKS: u64 = 120;

/// In real-time mode, fires due timers as time passes; in both modes, retries any outbox
/// record a failed delivery left behind, and sweeps every minute.
pub(crate) async fn tick(local: Local, follow_wall_clock: bool) {
    let mut every = tokio::time::interval(std::time::Duration::from_millis(500));
    let mut ticks: u64 = 0;
    loop {
        every.tick().await;
        ticks += 1;
        // The sweep, first soon after start and then every minute, as the sweeper's schedule
        // does in AWS (every five minutes there).
        if ticks % SWEEP_EVERY_TICKS == 1 {
            let _guard = local.clock_lock.lock().await;
            if let Err(HarnessError::Internal(chain)) = sweep(&local).await {
                tracing::error!(cause = %chain, "background sweep failed; will retry");
            }
        }
        let result = if follow_wall_clock {
            advance_to(&local, local.app.now()).await.map(|_| ())
        } else {
            local
                .app
                .drain()
                .await
                .map(|_| ())
                .map_err(HarnessError::from)
        };
        if let Err(HarnessError::Internal(chain)) = result {
            tracing::error!(cause = %chain, "background tick failed; will retry");
        }
        // Webhook retries that are due (by the virtual clock): the sweeper's job in AWS.
        if let Err(e) = local.app.send_due_webhooks(50).await {
            tracing::error!(cause = %mendwork_app::redact::chain(&e), "webhook retries failed; will retry");
        }
    }
}

#[derive(Deserialize, Default)]
struct OutboxQuery {
    to: Option<String>,
    work_order: Option<String>,
    since: Option<DateTime<Utc>>,
}

async fn outbox(
    State(local): State<Local>,
    Query(q): Query<OutboxQuery>,
) -> Result<Response, HarnessError> {
    let messages = local.store.sent(SentFilter {
        work_order: q.work_order.map(WorkOrderId),
        to: q.to,
        since: q.since,
    })?;
    Ok(Json(json!({ "messages": messages })).into_response())
}

async fn timers(State(local): State<Local>) -> Result<Response, HarnessError> {
    let all = local.timers.all()?;
    Ok(Json(json!({ "timers": all })).into_response())
}

async fn messages_page(
    State(local): State<Local>,
    Query(q): Query<OutboxQuery>,
) -> Result<Response, HarnessError> {
    let messages = local.store.sent(SentFilter {
        work_order: q.work_order.map(WorkOrderId),
        to: q.to,
        since: q.since,
    })?;
    let body = html! {
        h1 { "Messages sent" }
        p { "Every email and SMS this local instance has sent, oldest first. Virtual time now: "
            (local.app.now().to_rfc3339()) }
        @if messages.is_empty() { p { "Nothing sent yet." } }
        @for m in messages.iter().rev() {
            article.message {
                header {
                    strong { (format!("{:?}", m.channel).to_uppercase()) } " to " (m.to)
                    " · " time { (m.at.to_rfc3339()) }
                    @if let Some(wo) = &m.work_order { " · " a href={ "/pm/wo/" (wo) } { (wo) } }
                }
                @if let Some(s) = &m.subject { p { strong { (s) } } }
                pre { (m.body) }
            }
        }
    };
    Ok(mendwork_web::layout("Messages sent", body).into_response())
}
