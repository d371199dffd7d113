//! The JSON API under `/api` (HTTP_CONTRACT.md): work orders, properties, vendors and visits,
//! plus the JSON shapes of a work order and a visit that the harness and pages share.

use crate::api_auth::Caller;
use crate::error::{ApiError, WebError};
use crate::intake::{
    CreateWorkOrder, FieldError, MAX_NAME, MAX_NOTES, json_body, optional_text, required_text,
};
use crate::ops;
use crate::paging;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use mendwork_app::App;
use mendwork_app::queries::Listing;
use mendwork_domain::decide::Recorded;
use mendwork_domain::effects::Links;
use mendwork_domain::visits::DeskAction;
use mendwork_domain::{
    Actor, Command, Money, Portfolio, Property, Status, VendorId, Visit, VisitId, Window, WorkOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The `/api` routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/api/work-orders",
            get(list_work_orders).post(create_work_order),
        )
        .route("/api/work-orders/{id}", get(get_work_order))
        .route("/api/work-orders/{id}/{action}", post(act_on_work_order))
        .route("/api/properties", get(list_properties))
        .route("/api/vendors", get(list_vendors))
        .route("/api/visits", get(list_visits).post(create_visit))
        .route("/api/visits/{id}/{action}", post(act_on_visit))
}

/// What a list's items may take of an answer: [`paging::MAX_RESPONSE`] less room for the
/// envelope and the cursor.
const LIST_BUDGET: usize = paging::MAX_RESPONSE - 4 * 1024;

// ---------------------------------------------------------------------------------------------
// JSON shapes.

#[derive(Serialize)]
struct Dollars(#[serde(with = "mendwork_domain::types::dollars")] Money);

/// Money as the API writes it: a number of dollars (`500`, `385.5`).
pub fn dollars(m: Money) -> Value {
    serde_json::to_value(Dollars(m)).unwrap_or(Value::Null)
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn window_json(w: &Window) -> Value {
    json!({ "start": w.start, "end": w.end })
}

/// A visit as the API writes it.
pub fn visit_json(v: &Visit) -> Value {
    to_json(v)
}

/// A timeline entry: `{"at", "kind", …event fields}`.
pub fn recorded_json(r: &Recorded) -> Value {
    let mut v = to_json(&r.event);
    if let Value::Object(m) = &mut v {
        m.insert("at".into(), to_json(&r.at));
    }
    v
}

/// A work order as the API writes it; `timeline` is left out when `None` (lists). Attached
/// files appear as links signed by `links`, fresh at each call.
pub fn work_order_json(
    wo: &WorkOrder,
    timeline: Option<&[Recorded]>,
    portfolio: &Portfolio,
    links: &dyn Links,
) -> Value {
    let files = |names: &[String]| names.iter().map(|n| links.file(n)).collect::<Vec<_>>();
    let property = portfolio.property(&wo.request.property);
    let vendor = wo.vendor.as_ref().map(|id| {
        let v = portfolio.vendor(id);
        json!({
            "id": id,
            "name": v.map(|v| v.name.clone()),
            "phone": v.map(|v| v.phone.to_string()),
        })
    });
    let tenant = &wo.request.tenant;
    let timers: Vec<Value> = wo
        .timers
        .iter()
        .filter_map(|(kind, t)| {
            t.due
                .map(|due| json!({ "kind": kind, "generation": t.generation, "due": due }))
        })
        .collect();
    let mut out = json!({
        "id": wo.id,
        "code": wo.code,
        "status": wo.status.as_str(),
        "status_label": wo.status.label(),
        "trade": wo.trade.as_str(),
        "priority": wo.priority.as_str(),
        "property": {
            "id": wo.request.property,
            "name": property.map(|p| p.name.clone()),
            "timezone": property.map(|p| p.timezone.name()),
        },
        "unit": wo.request.unit,
        "tenant": { "name": tenant.name, "email": tenant.email, "phone": tenant.phone, "language": wo.request.language.code() },
        "description": wo.request.description,
        "category": wo.request.category.map(|t| t.as_str()),
        "emergency": wo.request.emergency,
        "permission_to_enter": wo.request.permission_to_enter,
        "pets": wo.request.pets,
        "access_notes": wo.request.access_notes,
        "photos": files(&wo.request.photos),
        "source": to_json(&wo.request.source),
        "availability": wo.request.availability.iter().map(window_json).collect::<Vec<_>>(),
        "vendor": vendor,
        "offer": wo.offer.as_ref().map(|o| json!({ "vendor": o.vendor, "expires_at": o.expires_at })),
        "slots": wo.slots.iter().map(window_json).collect::<Vec<_>>(),
        "appointment": wo.appointment.as_ref().map(window_json),
        "proposal": wo.proposal.as_ref().map(window_json),
        "estimate": wo.estimate.as_ref().map(|e| json!({
            "amount": dollars(e.amount),
            "limit": dollars(e.limit),
            "decision": e.decision,
            "note": e.note,
            "vendor": e.vendor,
            "at": e.at,
        })),
        "approval_round": wo.approval_round,
        "visit": wo.visit.as_ref().map(visit_json),
        "invoice": wo.invoice.as_ref().map(|i| json!({
            "amount": dollars(i.amount),
            "reference": i.reference,
            "at": i.at,
            "file": i.file.as_deref().map(|f| links.file(f)),
        })),
        "feedback": wo.feedback.as_ref().map(|f| json!({ "rating": f.rating, "comment": f.comment })),
        "attention": wo.attention,
        "triage": wo.triage.as_ref().map(to_json),
        "safety_question": wo.safety.as_ref().map(to_json),
        "instructions": wo.instructions,
        "completion_notes": wo.completion_notes,
        "completion_photos": files(&wo.completion_photos),
        "not_done_reasons": wo.not_done_reasons,
        "created_at": wo.created_at,
        "updated_at": wo.updated_at,
        "timers": timers,
    });
    if let (Some(events), Value::Object(m)) = (timeline, &mut out) {
        m.insert(
            "timeline".into(),
            Value::Array(events.iter().map(recorded_json).collect()),
        );
    }
    out
}

/// A property as the API writes it.
pub fn property_json(p: &Property) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "address": p.address,
        "timezone": p.timezone.name(),
        "nte": dollars(p.nte),
        "emergency_nte": dollars(p.emergency_nte),
        "visitor_desk": p.visitor_desk,
    })
}

// ---------------------------------------------------------------------------------------------
// Work orders.

async fn create_work_order(
    State(app): State<App>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let raw: CreateWorkOrder = json_body(&body)?;
    let (mut request, submission) = raw.parse(&app.portfolio(), app.now())?;
    if let Some(source) = caller.and_then(|c| c.source()) {
        request.source = source;
    }
    let created = app.submit(request, submission.as_deref()).await;
    ops::settle(&app).await;
    let created = created?;
    let wo = ops::get(&app, created.wo.id.as_str()).await?;
    let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
    // A repeated submission answers exactly as the first did: the same work order, 201.
    let status = StatusCode::CREATED;
    Ok((
        status,
        Json(work_order_json(
            &wo,
            Some(&timeline),
            &app.portfolio(),
            app.links.as_ref(),
        )),
    )
        .into_response())
}

async fn get_work_order(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let wo = ops::get(&app, &id).await?;
    let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
    Ok(Json(work_order_json(
        &wo,
        Some(&timeline),
        &app.portfolio(),
        app.links.as_ref(),
    )))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    status: Option<String>,
    property: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

async fn list_work_orders(
    State(app): State<App>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let portfolio = app.portfolio();
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            WebError::field(
                "status",
                format!("Unknown status {s:?}: use one of {}.", all.join(", ")),
            )
        })?),
    };
    let property = match q
        .property
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(p) => Some(
            crate::intake::property(&portfolio, "property", p)?
                .id
                .clone(),
        ),
    };
    let listing = Listing::Newest { status, property };
    let asked = paging::params(&listing, q.limit.as_deref(), q.cursor.as_deref())?;
    let page = app
        .page(&listing, asked.after.as_ref(), asked.limit)
        .await
        .map_err(ops::store)?;
    // Items are added while the answer stays within its budget; a page cut short says where
    // the rest starts, like any other page.
    let mut list: Vec<Value> = Vec::new();
    let mut size = 0usize;
    let mut shown = 0usize;
    for wo in &page.items {
        let item = work_order_json(wo, None, &portfolio, app.links.as_ref());
        let len = item.to_string().len() + 1;
        if shown > 0 && size + len > LIST_BUDGET {
            break;
        }
        size += len;
        shown += 1;
        list.push(item);
    }
    let next = if shown < page.items.len() {
        page.items
            .get(shown.wrapping_sub(1))
            .map(|wo| listing.key(wo))
    } else {
        page.next
    };
    let next_cursor = next.map(|k| paging::cursor(&listing, &k));
    Ok(Json(
        json!({ "work_orders": list, "next_cursor": next_cursor }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    vendor: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalBody {
    approve: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstructionsBody {
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmptyBody {}

/// The command a PM action on a work order runs.
fn pm_command(action: &str, body: &[u8], wo: &WorkOrder, by: Actor) -> Result<Command, WebError> {
    Ok(match action {
        "assign" => {
            let b: AssignBody = json_body(body)?;
            let vendor = required_text("vendor", &b.vendor, MAX_NAME, "a vendor id")?;
            Command::Assign {
                vendor: VendorId(vendor),
                by,
            }
        }
        "cancel" => {
            let b: CancelBody = json_body(body)?;
            Command::Cancel {
                by,
                reason: optional_text("reason", b.reason.as_deref(), MAX_NOTES)?,
            }
        }
        "approval" => {
            let b: ApprovalBody = json_body(body)?;
            Command::DecideApproval {
                approve: b.approve,
                by,
                round: wo.approval_round,
            }
        }
        "close" => {
            let _: EmptyBody = json_body(body)?;
            Command::Close { by }
        }
        "instructions" => {
            let b: InstructionsBody = json_body(body)?;
            Command::AddInstructions {
                text: required_text("text", &b.text, MAX_NOTES, "the instructions")?,
                by,
            }
        }
        "reschedule" => {
            let _: EmptyBody = json_body(body)?;
            Command::RequestReschedule { by }
        }
        other => return Err(WebError::NotFound(format!("There is no action {other:?}."))),
    })
}

async fn act_on_work_order(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let wo = ops::get(&app, &id).await?;
    let by = crate::api_auth::actor(caller.as_deref());
    let command = pm_command(&action, &body, &wo, by)?;
    ops::run(&app, &wo.id, command).await?;
    let wo = ops::get(&app, wo.id.as_str()).await?;
    let timeline = app.store.timeline(&wo.id).await.map_err(ops::store)?;
    Ok(Json(work_order_json(
        &wo,
        Some(&timeline),
        &app.portfolio(),
        app.links.as_ref(),
    )))
}

// ---------------------------------------------------------------------------------------------
// Portfolio.

#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

async fn list_properties(
    State(app): State<App>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let portfolio = app.portfolio();
    let all: Vec<&Property> = portfolio.properties.iter().collect();
    let page = paging::list_page(
        "properties",
        &all,
        |p| p.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    let list: Vec<Value> = page.items.into_iter().map(property_json).collect();
    Ok(Json(
        json!({ "properties": list, "next_cursor": page.next_cursor }),
    ))
}

async fn list_vendors(
    State(app): State<App>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let portfolio = app.portfolio();
    let all: Vec<&mendwork_domain::Vendor> = portfolio.vendors.iter().collect();
    let page = paging::list_page(
        "vendors",
        &all,
        |v| v.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    let list: Vec<Value> = page
        .items
        .into_iter()
        .map(|v| {
            let company = v.company.as_ref().and_then(|c| portfolio.company(c));
            json!({
                "id": v.id,
                "name": v.name,
                "company": v.company,
                "company_name": company.map(|c| c.name.clone()),
                "phone": v.phone,
                "email": v.email,
                "trades": v.trades,
                "rank": v.rank,
                "emergency": v.emergency,
                "active": v.active,
            })
        })
        .collect();
    Ok(Json(
        json!({ "vendors": list, "next_cursor": page.next_cursor }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Visits (front desk).

#[derive(Debug, Deserialize)]
struct VisitsQuery {
    property: Option<String>,
    date: Option<String>,
}

async fn list_visits(
    State(app): State<App>,
    Query(q): Query<VisitsQuery>,
) -> Result<Json<Value>, ApiError> {
    let portfolio = app.portfolio();
    let properties: Vec<&Property> = match q
        .property
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => vec![crate::intake::property(&portfolio, "property", p)?],
        None => portfolio.properties.iter().collect(),
    };
    let date: Option<NaiveDate> = match q.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Some(crate::intake::local_date("date", d)?),
        None => None,
    };
    let mut out = vec![];
    for p in properties {
        let day = date.unwrap_or_else(|| ops::today(&app, p.timezone));
        out.extend(ops::visits_on(&app, p, day).await?.iter().map(visit_json));
    }
    Ok(Json(json!({ "visits": out })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateVisitBody {
    property: String,
    visitor: String,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
}

fn rfc3339(field: &str, v: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, format!("{v:?} is not an RFC 3339 time")))
}

async fn create_visit(State(app): State<App>, body: Bytes) -> Result<Response, ApiError> {
    let b: CreateVisitBody = json_body(&body)?;
    let portfolio = app.portfolio();
    let property = crate::intake::property(&portfolio, "property", &b.property)?;
    let visitor = required_text("visitor", &b.visitor, MAX_NAME, "the visitor's name")?;
    let company = optional_text("company", b.company.as_deref(), MAX_NAME)?;
    let expected = match (b.start.as_deref(), b.end.as_deref()) {
        (None, None) => None,
        (Some(s), Some(e)) => {
            let (s, e) = (rfc3339("start", s)?, rfc3339("end", e)?);
            Some(
                Window::new(s, e)
                    .ok_or_else(|| FieldError::new("end", "The end must be after the start."))?,
            )
        }
        (None, Some(_)) => {
            return Err(FieldError::new("start", "Give both start and end, or neither.").into());
        }
        (Some(_), None) => {
            return Err(FieldError::new("end", "Give both start and end, or neither.").into());
        }
    };
    let request_id = optional_text("request_id", b.request_id.as_deref(), MAX_NAME)?;
    let visit = ops::create_visit(
        &app,
        ops::NewVisit {
            property: property.id.clone(),
            visitor,
            company,
            expected,
            day: ops::today(&app, property.timezone),
            request_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(visit_json(&visit))).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    request_id: String,
}

async fn act_on_visit(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let id = VisitId(id);
    let by = crate::api_auth::desk_actor(caller.as_deref());
    let visit = match action.as_str() {
        "link" => {
            let b: LinkBody = json_body(&body)?;
            let request = required_text("request_id", &b.request_id, MAX_NAME, "the request id")?;
            let visit = ops::load_visit(&app, &id).await?;
            ops::link(&app, visit, &request).await?
        }
        "check-in" => {
            let _: EmptyBody = json_body(&body)?;
            ops::desk_action_by(&app, &id, DeskAction::CheckIn, by).await?
        }
        "check-out" => {
            let _: EmptyBody = json_body(&body)?;
            ops::desk_action_by(&app, &id, DeskAction::CheckOut, by).await?
        }
        other => return Err(WebError::NotFound(format!("There is no action {other:?}.")).into()),
    };
    Ok(Json(visit_json(&visit)))
}
