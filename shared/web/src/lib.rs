//! Mendwork's web layer: the axum routers (JSON API under `/api` and the server-rendered pages
//! for tenants, vendors, owners, the property team and the front desk) over the application's
//! [`App`], served by `lambda_http` in AWS and by hyper locally. Implements HTTP_CONTRACT.md
//! except the local-only `/dev` harness.
//!
//! The property team signs in with an emailed link ([`auth`]); their pages (`/pm…`) always
//! need a session, the JSON API only where [`WebConfig::api_requires_session`] says so — or
//! an integration's API key, in either mode ([`api_auth`]). The API's OpenAPI document
//! (`/api/openapi.json`, [`api::openapi`]) is open in either mode.

pub mod api;
pub mod api_auth;
pub mod auth;
pub mod error;
pub mod field_error;
pub mod files;
pub mod guard;
pub mod i18n;
pub mod intake;
pub mod limits;
pub mod ops;
pub mod pages;
pub mod paging;
pub mod safety;
pub mod signing;
pub mod sla;

pub use error::{ApiError, PageError, WebError};
pub use files::with_files;
pub use guard::ClientIp;
pub use pages::layout;
pub use pages::timeline::describe;

use axum::middleware::from_fn_with_state;
use axum::{Extension, Router};
use mendwork_app::App;

/// How the routes are guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebConfig {
    /// The JSON API answers 401 without a team session (deployed). `false` is local mode: the
    /// API is part of the test harness and open (a session, if sent, still names the PM). It
    /// also puts the visitor-desk pages behind the same sign-in, and decides whether the
    /// tenant form must carry its issued-at stamp (see
    /// [`pages::tenant`]): required when deployed, checked when present locally.
    pub api_requires_session: bool,
}

/// Every route of HTTP_CONTRACT.md except `/dev`, API open: the local harness's mode.
pub fn router(app: App) -> Router {
    router_with(
        app,
        WebConfig {
            api_requires_session: false,
        },
    )
}

/// Every route of HTTP_CONTRACT.md except `/dev`, guarded as `config` says.
pub fn router_with(app: App, config: WebConfig) -> Router {
    let api = if config.api_requires_session {
        api::routes().route_layer(from_fn_with_state(app.clone(), api_auth::deployed))
    } else {
        api::routes().route_layer(from_fn_with_state(app.clone(), api_auth::local))
    };
    Router::new()
        .merge(pages::routes(&app, config.api_requires_session))
        .merge(auth::routes())
        .merge(files::routes())
        .merge(api)
        .merge(api::contract_routes())
        .layer(from_fn_with_state(app.clone(), guard::guard))
        .layer(Extension(config))
        .with_state(app)
}
