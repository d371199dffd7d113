//! The edge's one error type: maps application errors and bad input to HTTP status codes and
//! plain words, as JSON for the API and as a page for browsers. Internal causes are logged here,
//! once, and never shown.

use crate::pages::guest_layout;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use mendwork_app::AppError;
use mendwork_app::links::LinkError;
use serde_json::json;

/// What every internal failure says to the outside world.
pub const GENERIC_FAILURE: &str =
    "Something went wrong on our side; nothing was lost. Please try again.";

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
            WebError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
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
            WebError::Busy(_) => "Busy, please try again",
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
        (self.status(), guest_layout(self.heading(), body)).into_response()
    }

    /// The error as the API's JSON: `{"error"}` plus `"field"` for a field error.
    pub fn json(&self) -> Response {
        let body = match self {
            WebError::Field { field, message } => json!({ "error": message, "field": field }),
            other => json!({ "error": other.message() }),
        };
        (self.status(), Json(body)).into_response()
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
            AppError::Store(cause) => {
                log_internal(&cause);
                WebError::Internal
            }
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
    use mendwork_app::ports::StoreError;
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

    #[test]
    fn a_rejection_shows_its_own_words() {
        let e = WebError::from(AppError::Rejected(Rejection::ApprovalNotOpen));
        assert_eq!(e.message(), "this approval request is no longer open");
    }
}
