//! The JSON API under `/api` (HTTP_CONTRACT.md): work orders, properties, vendors and visits,
//! plus the JSON shapes of a work order and a visit that the harness and pages share.
//!
//! The router and its OpenAPI document come from one list (`api_handlers!`): a route cannot be
//! served without being described. Answers are the typed values of [`shapes`], so what is
//! written is what the document says. The router ([`routes`]) takes only each handler's path
//! and methods from its description; the document itself ([`openapi`]) is generated only when
//! asked for, so a cold start does not build it.

/// The router of a list of handlers grouped by path (`[get_x, post_x], [get_y]`), from their
/// `#[utoipa::path]` paths and methods alone: no operation or schema is built (those are what
/// [`documented`] adds, from the same list).
macro_rules! served {
    ($([$($handler:ident),+ $(,)?]),+ $(,)?) => {{
        #[allow(unused_imports)]
        use utoipa::Path as _;
        use utoipa_axum::PathItemExt as _;
        let mut router = axum::Router::new();
        $($(
            utoipa_axum::paste! {
                let mut methods = axum::routing::MethodRouter::new();
                for method in [<__path_ $handler>]::methods() {
                    methods = methods.on(method.to_method_filter(), $handler);
                }
                // A path met again (the next handler of a group) merges its methods.
                router = router.route(&[<__path_ $handler>]::path(), methods);
            }
        )+)+
        router
    }};
}

/// Every `/api` route that reads or changes the team's data, grouped by path: the one list
/// both the router ([`routes`], through `served!`) and the document ([`documented`]) are built
/// from. `$then!` receives the list.
macro_rules! api_handlers {
    ($then:ident) => {
        $then!(
            [list_work_orders, create_work_order],
            [get_work_order],
            [act_on_work_order],
            [list_properties],
            [list_vendors],
            [list_visits, create_visit],
            [act_on_visit],
        )
    };
}

/// The document of a list of handlers grouped by path, as `served!` takes it.
macro_rules! described {
    ($([$($handler:ident),+ $(,)?]),+ $(,)?) => {
        OpenApiRouter::with_openapi(contract::base())$(.routes(routes!($($handler),+)))+
    };
}

pub mod contract;
pub mod schemas;
pub mod shapes;

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
use axum::{Extension, Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use contract::{ConflictError, NotFoundError, QueryError, ReadErrors, WriteErrors};
use mendwork_app::App;
use mendwork_app::queries::Listing;
use mendwork_domain::decide::Recorded;
use mendwork_domain::effects::Links;
use mendwork_domain::visits::DeskAction;
use mendwork_domain::{
    Actor, Command, Money, Portfolio, Property, Status, VendorId, Visit, VisitId, Window, WorkOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shapes::{
    ApprovalBody, AssignBody, CancelBody, CreateVisitBody, Dollars, EmptyBody, InstructionsBody,
    LinkBody, PropertyBody, PropertyPage, TimelineEntry, VendorBody, VendorPage, VisitBody,
    VisitList, WorkOrderBody, WorkOrderDetail, WorkOrderPage,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every `/api` route that reads or changes the team's data, with its description (builds
/// the whole document: for [`openapi`] and tests, not for serving).
pub fn documented() -> OpenApiRouter<App> {
    api_handlers!(described)
}

/// The `/api` routes of [`documented`], the same paths and methods without generating the
/// document (guarded by the caller, see `router_with`).
pub fn routes() -> Router<App> {
    api_handlers!(served)
}

/// `GET /api/openapi.json`, open to anyone (see [`contract`]); the document is generated at
/// its first request.
pub fn contract_routes() -> Router<App> {
    contract::routes()
}

/// The OpenAPI 3.1 document of every `/api` route, the contract's own included.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = documented().into_openapi();
    doc.merge(contract::open().into_openapi());
    doc
}

/// What a list's items may take of an answer: [`paging::MAX_RESPONSE`] less room for the
/// envelope and the cursor.
const LIST_BUDGET: usize = paging::MAX_RESPONSE - 4 * 1024;

// ---------------------------------------------------------------------------------------------
// JSON shapes.

/// Money as the API writes it: a number of dollars (`500`, `385.5`).
pub fn dollars(m: Money) -> Value {
    to_json(&Dollars(m))
}

fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A visit as the API writes it.
pub fn visit_json(v: &Visit) -> Value {
    to_json(v)
}

/// A timeline entry: `{"at", "kind", …event fields}`, of a work order at a property in `tz`
/// (see [`TimelineEntry::new`]).
pub fn recorded_json(r: &Recorded, portfolio: &Portfolio, tz: chrono_tz::Tz) -> Value {
    to_json(&TimelineEntry::new(r, portfolio, tz))
}

/// A work order as the API writes it; `timeline` is left out when `None` (lists). Attached
/// files appear as links signed by `links`, fresh at each call.
pub fn work_order_json(
    wo: &WorkOrder,
    timeline: Option<&[Recorded]>,
    portfolio: &Portfolio,
    links: &dyn Links,
) -> Value {
    let body = WorkOrderBody::new(wo, portfolio, links);
    match timeline {
        None => to_json(&body),
        Some(events) => to_json(&detail(body, events, wo, portfolio)),
    }
}

fn detail(
    work_order: WorkOrderBody,
    events: &[Recorded],
    wo: &WorkOrder,
    portfolio: &Portfolio,
) -> WorkOrderDetail {
    let tz = portfolio
        .property(&wo.request.property)
        .map_or(chrono_tz::UTC, |p| p.timezone);
    WorkOrderDetail {
        work_order,
        timeline: events
            .iter()
            .map(|r| TimelineEntry::new(r, portfolio, tz))
            .collect(),
    }
}

/// A property as the API writes it.
pub fn property_json(p: &Property) -> Value {
    to_json(&PropertyBody::from(p))
}

/// The answer about one work order: it and its timeline, read afresh.
async fn detail_of(app: &App, wo: &WorkOrder) -> Result<WorkOrderDetail, ApiError> {
    let timeline = app.timeline_of(wo).await.map_err(ops::store)?;
    let portfolio = app.portfolio();
    let body = WorkOrderBody::new(wo, &portfolio, app.links.as_ref());
    Ok(detail(body, &timeline, wo, &portfolio))
}

// ---------------------------------------------------------------------------------------------
// Work orders.

/// Create a work order.
///
/// Made as the property team (`source: pm`); its triage and first dispatch step run before
/// the answer. A repeated `submission` token answers exactly as the first did: the same work
/// order, 201.
#[utoipa::path(
    post,
    path = "/api/work-orders",
    tag = "work orders",
    operation_id = "createWorkOrder",
    request_body = crate::intake::CreateWorkOrder,
    responses(
        (status = 201, description = "The work order, with its timeline so far.", body = WorkOrderDetail),
        WriteErrors,
    ),
)]
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
    let detail = detail_of(&app, &wo).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// Read one work order.
///
/// By id or by job code, with its whole timeline.
#[utoipa::path(
    get,
    path = "/api/work-orders/{id}",
    tag = "work orders",
    operation_id = "getWorkOrder",
    params(("id" = String, Path, description = "The work order's id (`wo-…`) or its job code.")),
    responses(
        (status = 200, description = "The work order and its timeline.", body = WorkOrderDetail),
        NotFoundError,
        ReadErrors,
    ),
)]
async fn get_work_order(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Json<WorkOrderDetail>, ApiError> {
    let wo = ops::get(&app, &id).await?;
    Ok(Json(detail_of(&app, &wo).await?))
}

/// The filters and page of the work-order list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only work orders in this status.
    #[param(value_type = Option<schemas::Status>)]
    status: Option<String>,
    /// Only work orders of this property (its id).
    property: Option<String>,
    /// How many work orders at most (default 50). A page may hold fewer to stay within its
    /// size; `next_cursor` then says where the rest starts.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page, with the same filters.
    cursor: Option<String>,
}

/// List work orders.
///
/// Newest first, a page at a time, without their timelines.
#[utoipa::path(
    get,
    path = "/api/work-orders",
    tag = "work orders",
    operation_id = "listWorkOrders",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of work orders.", body = WorkOrderPage),
        QueryError,
        ReadErrors,
    ),
)]
async fn list_work_orders(
    State(app): State<App>,
    Query(q): Query<ListQuery>,
) -> Result<Json<WorkOrderPage>, ApiError> {
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
    let mut list: Vec<WorkOrderBody> = Vec::new();
    let mut size = 0usize;
    for wo in &page.items {
        let item = WorkOrderBody::new(wo, &portfolio, app.links.as_ref());
        let len = serde_json::to_vec(&item).map_or(0, |b| b.len()) + 1;
        if !list.is_empty() && size + len > LIST_BUDGET {
            break;
        }
        size += len;
        list.push(item);
    }
    let shown = list.len();
    let next = if shown < page.items.len() {
        page.items
            .get(shown.wrapping_sub(1))
            .map(|wo| listing.key(wo))
    } else {
        page.next
    };
    Ok(Json(WorkOrderPage {
        work_orders: list,
        next_cursor: next.map(|k| paging::cursor(&listing, &k)),
    }))
}

/// What the property team may do to a work order, as the path names it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WorkOrderAction {
    /// Give the job to a vendor (`{"vendor"}`).
    Assign,
    /// Cancel it (`{"reason"}`, optional).
    Cancel,
    /// Decide the open approval request (`{"approve"}`).
    Approval,
    /// Close it (`{}`).
    Close,
    /// Add instructions for the vendor (`{"text"}`).
    Instructions,
    /// Ask the vendor and tenant for a new time (`{}`).
    Reschedule,
}

/// The action a path segment names; `None` for any other word.
fn action<A: serde::de::DeserializeOwned>(segment: &str) -> Option<A> {
    serde_json::from_value(Value::String(segment.to_string())).ok()
}

/// The command a PM action on a work order runs.
fn pm_command(
    action: WorkOrderAction,
    body: &[u8],
    wo: &WorkOrder,
    by: Actor,
) -> Result<Command, WebError> {
    Ok(match action {
        WorkOrderAction::Assign => {
            let b: AssignBody = json_body(body)?;
            let vendor = required_text("vendor", &b.vendor, MAX_NAME, "a vendor id")?;
            Command::Assign {
                vendor: VendorId(vendor),
                by,
            }
        }
        WorkOrderAction::Cancel => {
            let b: CancelBody = json_body(body)?;
            Command::Cancel {
                by,
                reason: optional_text("reason", b.reason.as_deref(), MAX_NOTES)?,
            }
        }
        WorkOrderAction::Approval => {
            let b: ApprovalBody = json_body(body)?;
            Command::DecideApproval {
                approve: b.approve,
                by,
                round: wo.approval_round,
            }
        }
        WorkOrderAction::Close => {
            let _: EmptyBody = json_body(body)?;
            Command::Close { by }
        }
        WorkOrderAction::Instructions => {
            let b: InstructionsBody = json_body(body)?;
            Command::AddInstructions {
                text: required_text("text", &b.text, MAX_NOTES, "the instructions")?,
                by,
            }
        }
        WorkOrderAction::Reschedule => {
            let _: EmptyBody = json_body(body)?;
            Command::RequestReschedule { by, window: None }
        }
    })
}

/// Act on a work order.
///
/// Runs one of the property team's actions, recorded as the signed-in member, as the
/// integration whose API key made the call, or as "PM" where the API is open. The body's shape depends on the action; `close` and `reschedule`
/// take `{}` or no body.
#[utoipa::path(
    post,
    path = "/api/work-orders/{id}/{action}",
    tag = "work orders",
    operation_id = "actOnWorkOrder",
    params(
        ("id" = String, Path, description = "The work order's id or its job code."),
        ("action" = inline(WorkOrderAction), Path, description = "What to do."),
    ),
    // By reference: the body is optional (`close`, `reschedule`), not nullable.
    request_body(content = ref("#/components/schemas/WorkOrderActionBody"),
        content_type = "application/json"),
    responses(
        (status = 200, description = "The work order after the action, with its timeline.", body = WorkOrderDetail),
        NotFoundError,
        ConflictError,
        WriteErrors,
    ),
)]
async fn act_on_work_order(
    State(app): State<App>,
    Path((id, action_name)): Path<(String, String)>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Result<Json<WorkOrderDetail>, ApiError> {
    let wo = ops::get(&app, &id).await?;
    let by = crate::api_auth::actor(caller.as_deref());
    let Some(act) = action::<WorkOrderAction>(&action_name) else {
        return Err(no_such_action(&action_name));
    };
    let command = pm_command(act, &body, &wo, by)?;
    ops::run(&app, &wo.id, command).await?;
    let wo = ops::get(&app, wo.id.as_str()).await?;
    Ok(Json(detail_of(&app, &wo).await?))
}

fn no_such_action(name: &str) -> ApiError {
    WebError::NotFound(format!("There is no action {name:?}.")).into()
}

// ---------------------------------------------------------------------------------------------
// Portfolio.

/// The page of a portfolio list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// How many at most (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// List properties.
///
/// The portfolio's properties, a page at a time.
#[utoipa::path(
    get,
    path = "/api/properties",
    tag = "portfolio",
    operation_id = "listProperties",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of properties.", body = PropertyPage),
        QueryError,
        ReadErrors,
    ),
)]
async fn list_properties(
    State(app): State<App>,
    Query(q): Query<PageQuery>,
) -> Result<Json<PropertyPage>, ApiError> {
    let portfolio = app.portfolio();
    let all: Vec<&Property> = portfolio.properties.iter().collect();
    let page = paging::list_page(
        "properties",
        &all,
        |p| p.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    Ok(Json(PropertyPage {
        properties: page.items.into_iter().map(PropertyBody::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// List vendors.
///
/// The portfolio's vendors, a page at a time.
#[utoipa::path(
    get,
    path = "/api/vendors",
    tag = "portfolio",
    operation_id = "listVendors",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of vendors.", body = VendorPage),
        QueryError,
        ReadErrors,
    ),
)]
async fn list_vendors(
    State(app): State<App>,
    Query(q): Query<PageQuery>,
) -> Result<Json<VendorPage>, ApiError> {
    let portfolio = app.portfolio();
    let all: Vec<&mendwork_domain::Vendor> = portfolio.vendors.iter().collect();
    let page = paging::list_page(
        "vendors",
        &all,
        |v| v.id.to_string(),
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )?;
    Ok(Json(VendorPage {
        vendors: page
            .items
            .into_iter()
            .map(|v| VendorBody::new(v, &portfolio))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

// ---------------------------------------------------------------------------------------------
// Visits (front desk).

/// Which desk and which day.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VisitsQuery {
    /// Only this property's desk (its id); every desk when absent.
    property: Option<String>,
    /// The local day (`YYYY-MM-DD`); today at each property when absent.
    #[param(value_type = Option<String>, format = Date)]
    date: Option<String>,
}

/// List visits.
///
/// The visits expected or made on one day.
#[utoipa::path(
    get,
    path = "/api/visits",
    tag = "visits",
    operation_id = "listVisits",
    params(VisitsQuery),
    responses(
        (status = 200, description = "The day's visits.", body = VisitList),
        QueryError,
        ReadErrors,
    ),
)]
async fn list_visits(
    State(app): State<App>,
    Query(q): Query<VisitsQuery>,
) -> Result<Json<VisitList>, ApiError> {
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
    let mut visits = vec![];
    for p in properties {
        let day = date.unwrap_or_else(|| ops::today(&app, p.timezone));
        visits.extend(
            ops::visits_on(&app, p, day)
                .await?
                .into_iter()
                .map(VisitBody),
        );
    }
    Ok(Json(VisitList { visits }))
}

fn rfc3339(field: &str, v: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(v.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, format!("{v:?} is not an RFC 3339 time")))
}

/// Expect a visitor.
///
/// A visitor expected today at a property's desk; with `request_id` (a work order's id or job
/// code) the visit is linked to that work order.
#[utoipa::path(
    post,
    path = "/api/visits",
    tag = "visits",
    operation_id = "createVisit",
    request_body = CreateVisitBody,
    responses(
        (status = 201, description = "The visit.", body = VisitBody),
        ConflictError,
        WriteErrors,
    ),
)]
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
    Ok((StatusCode::CREATED, Json(VisitBody(visit))).into_response())
}

/// What the desk may do to a visit, as the path names it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VisitAction {
    /// Link it to a work order (`{"request_id"}`).
    Link,
    /// The visitor arrived (`{}`).
    CheckIn,
    /// The visitor left (`{}`).
    CheckOut,
}

/// Act on a visit.
///
/// Links it to a work order, or checks the visitor in or out.
#[utoipa::path(
    post,
    path = "/api/visits/{id}/{action}",
    tag = "visits",
    operation_id = "actOnVisit",
    params(
        ("id" = String, Path, description = "The visit's id."),
        ("action" = inline(VisitAction), Path, description = "What to do."),
    ),
    request_body(content = ref("#/components/schemas/VisitActionBody"),
        content_type = "application/json"),
    responses(
        (status = 200, description = "The visit after the action.", body = VisitBody),
        NotFoundError,
        ConflictError,
        WriteErrors,
    ),
)]
async fn act_on_visit(
    State(app): State<App>,
    Path((id, action_name)): Path<(String, String)>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Result<Json<VisitBody>, ApiError> {
    let id = VisitId(id);
    let by = crate::api_auth::desk_actor(caller.as_deref());
    let Some(act) = action::<VisitAction>(&action_name) else {
        return Err(no_such_action(&action_name));
    };
    let visit = match act {
        VisitAction::Link => {
            let b: LinkBody = json_body(&body)?;
            let request = required_text("request_id", &b.request_id, MAX_NAME, "the request id")?;
            let visit = ops::load_visit(&app, &id).await?;
            ops::link(&app, visit, &request).await?
        }
        VisitAction::CheckIn => {
            let _: EmptyBody = json_body(&body)?;
            ops::desk_action_by(&app, &id, DeskAction::CheckIn, by).await?
        }
        VisitAction::CheckOut => {
            let _: EmptyBody = json_body(&body)?;
            ops::desk_action_by(&app, &id, DeskAction::CheckOut, by).await?
        }
    };
    Ok(Json(VisitBody(visit)))
}
