//! The published contract: the OpenAPI 3.1 document of the JSON API, generated from the
//! handlers' `#[utoipa::path]` attributes and the response types, and served open at
//! `GET /api/openapi.json` (no session needed, also when deployed: it says what the API is,
//! not what the team's data is).
//!
//! The error answers every operation shares are described once, under
//! `components/responses`, and referred to by the operations ([`ReadErrors`], [`QueryError`],
//! [`WriteErrors`], [`NotFoundError`], [`ConflictError`]).

use super::shapes::ErrorBody;
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use mendwork_app::App;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Doc, Ref, RefOr, ResponseBuilder, SecurityRequirement,
};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the document is served.
pub const PATH: &str = "/api/openapi.json";

/// The security scheme of a signed-in team member's session cookie.
pub const SESSION_SCHEME: &str = "session";
/// The security scheme of an integration's API key (`Authorization: Bearer …`).
pub const BEARER_SCHEME: &str = "bearer";

/// The shared error answers: (component name, status, what it means).
const ERRORS: [(&str, u16, &str); 10] = [
    (
        "BadRequest",
        400,
        "The body is not JSON at all (malformed). A body of the wrong shape is a 422.",
    ),
    (
        "Unauthorized",
        401,
        "No valid credentials: deployed, every operation but this document needs a team \
         session (the `mw_session` cookie from signing in at /login) or an API key. The local \
         harness's API is open.",
    ),
    (
        "Forbidden",
        403,
        "Refused: a write from another site (`Sec-Fetch-Site` or `Origin` naming another \
         site), or credentials that may not do this.",
    ),
    (
        "NotFound",
        404,
        "No such work order or visit, or no such action.",
    ),
    (
        "Conflict",
        409,
        "The work order or visit cannot do this now; `error` says why, in the domain's words.",
    ),
    (
        "UnsupportedMediaType",
        415,
        "A write whose body is not `application/json`.",
    ),
    (
        "UnprocessableEntity",
        422,
        "A field or parameter is wrong; `field` names it (a JSON path such as `tenant.email`, \
         or a query parameter such as `limit` or `cursor`).",
    ),
    (
        "TooManyRequests",
        429,
        "The caller's rate limit is spent; try again later.",
    ),
    (
        "InternalError",
        500,
        "Something failed on our side; nothing was lost. The cause is logged, never shown.",
    ),
    (
        "Unavailable",
        503,
        "Busy for a moment: too many changes to this work order at once, or the store is \
         throttled or unavailable (then with `Retry-After`, in seconds). Nothing was lost; try \
         again.",
    ),
];

fn refer(statuses: &[u16]) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    ERRORS
        .iter()
        .filter(|(_, status, _)| statuses.contains(status))
        .map(|(name, status, _)| {
            (
                status.to_string(),
                RefOr::Ref(Ref::from_response_name(*name)),
            )
        })
        .collect()
}

/// What any read may answer besides its result.
pub struct ReadErrors;
impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        refer(&[401, 429, 500, 503])
    }
}

/// The 422 of a read whose query parameters are checked.
pub struct QueryError;
impl IntoResponses for QueryError {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        refer(&[422])
    }
}

/// What any write may answer besides its result.
pub struct WriteErrors;
impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        refer(&[400, 401, 403, 415, 422, 429, 500, 503])
    }
}

/// The 404 of an operation on one work order or visit.
pub struct NotFoundError;
impl IntoResponses for NotFoundError {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        refer(&[404])
    }
}

/// The 409 of an operation the domain may refuse.
pub struct ConflictError;
impl IntoResponses for ConflictError {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        refer(&[409])
    }
}

/// Info, security schemes (every operation needs one of them unless it says otherwise) and
/// the shared error answers.
struct Base;

impl Modify for Base {
    fn modify(&self, doc: &mut Doc) {
        doc.info.title = "Mendwork".into();
        doc.info.version = env!("CARGO_PKG_VERSION").into();
        doc.info.description = Some(
            "The JSON API of Mendwork, maintenance work orders for small property-management \
             teams: work orders (create, list, read with their timeline, act on), the \
             portfolio's properties and vendors, and the front desk's visits. Lists are paged \
             with `limit` and an opaque `cursor`. Money is a number of dollars; times are RFC \
             3339 in UTC."
                .into(),
        );
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE_NAME,
                "A team member's session, set by signing in with an emailed link at /login.",
            ))),
        );
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An integration's API key."))
                    .build(),
            ),
        );
        let (name, schema) = (
            ErrorBody::name(),
            <ErrorBody as utoipa::PartialSchema>::schema(),
        );
        components.schemas.insert(name.into_owned(), schema);
        for (name, _, description) in ERRORS {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .build(),
                )
                .build();
            components
                .responses
                .insert(name.to_string(), response.into());
        }
        doc.security = Some(vec![
            SecurityRequirement::new(SESSION_SCHEME, Vec::<String>::new()),
            SecurityRequirement::new(BEARER_SCHEME, Vec::<String>::new()),
        ]);
    }
}

/// The request bodies operations refer to by name (optional bodies, which utoipa would
/// otherwise describe as nullable).
#[derive(OpenApi)]
#[openapi(
    modifiers(&Base),
    components(schemas(super::schemas::WorkOrderActionBody, super::schemas::VisitActionBody))
)]
struct BaseDoc;

/// The document every `/api` router starts from.
pub fn base() -> Doc {
    BaseDoc::openapi()
}

/// This document (served as it is generated, once per process).
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "contract",
    operation_id = "getContract",
    summary = "This OpenAPI document",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API.",
         content_type = "application/json", body = Object),
    ),
)]
async fn contract() -> Response {
    static JSON: LazyLock<String> =
        LazyLock::new(|| super::openapi().to_json().unwrap_or_default());
    ([(CONTENT_TYPE, "application/json")], JSON.as_str()).into_response()
}

/// The contract's own route, open whatever guards the rest of `/api`, with its description.
pub fn open() -> OpenApiRouter<App> {
    OpenApiRouter::with_openapi(base()).routes(routes!(contract))
}

/// The router of [`open`] without its description (see `served!`).
pub(super) fn routes() -> Router<App> {
    served!([contract])
}
