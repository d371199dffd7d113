//! The edge's one error type: maps application errors and bad input to HTTP status codes and
//! plain words, as JSON for the API and as a page for browsers. Internal causes are logged here,
//! once, and never shown. A store that is throttled or unavailable is a 503 with `Retry-After`
//! (the request may well work a few seconds later); any other internal failure is a 500.

use crate::pages::guest_layout;
use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use mendwork_app::AppError;
use mendwork_app::links::LinkError;
use mendwork_app::ports::StoreError;
use serde_json::json;

/// What every internal failure says to the outside world.
pub const GENERIC_FAILURE: &str =
    "Something went wrong on our side; nothing was lost. Please try again.";

/// What a passing store failure (throttled, unavailable) says to the outside world.
pub const UNAVAILABLE: &str =
    "We are very busy right now; nothing was lost. Please try again in a few seconds.";

/// How many seconds a client is asked to wait after [`WebError::Unavailable`]: long enough for
/// DynamoDB's adaptive capacity or a transient outage to pass, short enough for a person.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// Why a request did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebError {
    /// The body could not be read at all (malformed JSON).
    #[error("{0}")]
    BadRequest(String),
    /// One input field is wrong; `field` names it (a JSON path or a form field name).
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    /// The request is well formed but makes no sense as a whole.
    #[error("{0}")]
    Invalid(String),
    /// The domain refused the command (the rejection's own words).
    #[error("{0}")]
    Rejected(String),
    #[error("{0}")]
    NotFound(String),
    /// A link that was not made by us.
    #[error("{0}")]
    Forbidden(String),
    /// A link that expired or whose purpose is over.
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    Busy(String),
    /// The store is throttled or unavailable for a moment; already logged. Answered with
    /// `Retry-After`.
    #[error("{UNAVAILABLE}")]
    Unavailable,
    /// Storage or another internal failure; already logged.
    #[error("{GENERIC_FAILURE}")]
    Internal,
}

impl WebError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> WebError {
        WebError::Field {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Field { .. } | WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Rejected(_) => StatusCode::CONFLICT,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Gone(_) => StatusCode::GONE,
            WebError::Busy(_) | WebError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A store failure at the edge: logged here, once, with its cause chain; answered as
    /// [`WebError::Unavailable`] when it is passing, [`WebError::Internal`] otherwise.
    pub fn store(e: &StoreError) -> WebError {
        log_internal(e);
        if e.is_passing() {
            WebError::Unavailable
        } else {
            WebError::Internal
        }
    }

    /// The error's status with the headers that go with it (`Retry-After` for
    /// [`WebError::Unavailable`]) around `body`.
    pub fn respond(&self, body: impl IntoResponse) -> Response {
        let mut res = (self.status(), body).into_response();
        if *self == WebError::Unavailable {
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        res
    }

    /// The words shown to the person (never an internal cause).
    pub fn message(&self) -> String {
        match self {
            WebError::Field { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// A short heading for the error page.
    fn heading(&self) -> &'static str {
        match self {
            WebError::BadRequest(_) | WebError::Field { .. } | WebError::Invalid(_) => {
                "Please check what you entered"
            }
            WebError::Rejected(_) => "That can't be done right now",
            WebError::NotFound(_) => "Not found",
            WebError::Forbidden(_) => "This link is not valid",
            WebError::Gone(_) => "This link can no longer be used",
            WebError::Busy(_) | WebError::Unavailable => "Busy, please try again",
            WebError::Internal => "Sorry",
        }
    }

    /// The error as an HTML page.
    pub fn page(&self) -> Response {
        let body = html! {
            h1 { (self.heading()) }
            p.notice role="alert" { (self.message()) }
            p { a href="/" { "Back to the start page" } }
        };
        self.respond(guest_layout(self.heading(), body))
    }

    /// The error as the API's JSON: `{"error"}` plus `"field"` for a field error.
    pub fn json(&self) -> Response {
        let body = match self {
            WebError::Field { field, message } => json!({ "error": message, "field": field }),
            other => json!({ "error": other.message() }),
        };
        self.respond(Json(body))
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        match e {
            AppError::Rejected(r) => WebError::Rejected(r.to_string()),
            AppError::Invalid(m) => WebError::Invalid(m),
            AppError::NotFound(what) => WebError::NotFound(format!("{what} not found")),
            AppError::Busy(_) => WebError::Busy(
                "Too many changes to this work order at once; please try again.".into(),
            ),
            AppError::Store(cause) => WebError::store(&cause),
        }
    }
}

impl From<LinkError> for WebError {
    fn from(e: LinkError) -> WebError {
        match e {
            LinkError::Forged => WebError::Forbidden(
                "This link is not one we sent. Please use the link from your message exactly as it arrived."
                    .into(),
            ),
            LinkError::Expired => WebError::Gone(
                "This link has expired. Please contact the property team for a new one.".into(),
            ),
        }
    }
}

/// Logs an internal failure with its whole cause chain, once.
pub fn log_internal(e: &(dyn std::error::Error + 'static)) {
    // A store or service error may quote a recipient's address or number: logs get tags.
    let chain = mendwork_app::redact::chain(e);
    tracing::error!(error = %chain, "request failed");
}

/// A [`WebError`] answered as JSON (the `/api` routes).
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

/// A [`WebError`] answered as an HTML page (the browser routes).
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.page()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mendwork_app::ports::StoreErrorKind;
    use mendwork_domain::Rejection;

    #[test]
    fn each_application_error_maps_to_its_status_code() {
        let cases = [
            (
                AppError::Rejected(Rejection::NotYourJob),
                StatusCode::CONFLICT,
            ),
            (
                AppError::Invalid("bad".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                AppError::NotFound("work order x".into()),
                StatusCode::NOT_FOUND,
            ),
            (
                AppError::Busy(mendwork_domain::WorkOrderId("wo-1".into())),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                AppError::Store(StoreError::msg("disk full")),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                AppError::Store(StoreError::of(StoreErrorKind::Throttled, "throttled")),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                AppError::Store(StoreError::of(StoreErrorKind::Unavailable, "timed out")),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                AppError::Store(StoreError::of(StoreErrorKind::NotFound, "no table")),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                AppError::Store(StoreError::of(StoreErrorKind::InvalidData, "bad item")),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (e, status) in cases {
            assert_eq!(WebError::from(e).status(), status);
        }
    }

    #[test]
    fn a_storage_failure_never_shows_its_cause() {
        let e = WebError::from(AppError::Store(StoreError::msg(
            "secret table xyz is locked",
        )));
        assert_eq!(e.message(), GENERIC_FAILURE);
        assert!(!format!("{e}").contains("xyz"));
    }

    #[tokio::test]
    async fn a_throttled_store_asks_to_retry_in_a_few_seconds_without_its_cause() {
        let cause = StoreError::of(
            StoreErrorKind::Throttled,
            "reading wo-1: ProvisionedThroughputExceededException: secret table xyz",
        )
        .with_code("ProvisionedThroughputExceededException");
        let e = WebError::from(AppError::Store(cause));
        for res in [e.json(), e.page()] {
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                res.headers().get(RETRY_AFTER),
                Some(&HeaderValue::from_static("5"))
            );
            let body = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&body);
            assert!(body.contains("try again in a few seconds"), "{body}");
            assert!(
                !body.contains("xyz") && !body.contains("Provisioned"),
                "{body}"
            );
        }
    }

    #[test]
    fn only_a_passing_store_failure_carries_retry_after() {
        let res = WebError::Internal.json();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers().get(RETRY_AFTER).is_none());
    }

    #[test]
    fn a_rejection_shows_its_own_words() {
        let e = WebError::from(AppError::Rejected(Rejection::ApprovalNotOpen));
        assert_eq!(e.message(), "this approval request is no longer open");
    }
}
