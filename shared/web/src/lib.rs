//! Mendwork's web layer: the axum routers (JSON API under `/api` and the server-rendered pages
//! for tenants, vendors, owners, the property team and the front desk) over the application's
//! [`App`], served by `lambda_http` in AWS and by hyper locally. Implements HTTP_CONTRACT.md
//! except the local-only `/dev` harness.

pub mod api;
pub mod error;
pub mod intake;
pub mod ops;
pub mod pages;

pub use error::{ApiError, PageError, WebError};
pub use pages::layout;
pub use pages::timeline::describe;

use axum::Router;
use mendwork_app::App;

/// Every route of HTTP_CONTRACT.md except `/dev`: the pages and the `/api` routes, with the
/// application as their state.
pub fn router(app: App) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .with_state(app)
}
