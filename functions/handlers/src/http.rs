//! HTTP functions (`intake`, `approval`, `pm`, `desk`): an API Gateway HTTP API request, as
//! `lambda_http` decodes it, answered by the same axum router as in local mode, in its deployed
//! configuration. Which paths reach which function is the API's routing (template.yaml), not
//! code.
//!
//! One difference from local mode, and only in who delivers: the router settles the outbox
//! after each request (`App::drain`), which locally is the only delivery there is. In AWS the
//! table's stream delivers every outbox record (the `dispatch` and `outbox` functions), so the
//! HTTP functions see an empty pending outbox and never send, schedule or dispatch themselves —
//! which is also why they need no SES, SNS or Scheduler permission.

use async_trait::async_trait;
use axum::Router;
use axum::response::Response;
use mendwork_app::ports::{CommitError, Outbox, OutboxRecord, StoreError};
use mendwork_app::{App, Files};
use mendwork_web::WebConfig;
use std::convert::Infallible;
use std::sync::Arc;
use tower::ServiceExt;

/// Builds the router once per container: the pages and the `/api` routes of `mendwork_web`,
/// guarded as deployed (the team's pages and the JSON API need a signed-in session; the tenant
/// form needs its issued-at stamp), over the application with stream-delivered outbox.
pub fn router(app: App) -> Router {
    mendwork_web::router_with(
        stream_delivered(app),
        WebConfig {
            api_requires_session: true,
        },
    )
}

/// [`router`] with attached files kept by `files` (the deployment's bucket): the router of
/// the function that serves the tenant form, the vendor links and `/files` (`intake`), the only
/// one allowed to read and write the bucket. `None` (no bucket) leaves attachments off.
pub fn router_with_files(app: App, files: Option<Arc<dyn Files>>) -> Router {
    match files {
        Some(files) => mendwork_web::with_files(router(app), files),
        None => router(app),
    }
}

/// The `intake` function's router on the deployment's adapters.
pub fn intake_router(aws: &mendwork_aws::Aws) -> Router {
    let files = aws.files().map(|f| f as Arc<dyn Files>);
    router_with_files(aws.app(), files)
}

/// The same application, except that its pending outbox always reads empty: the stream
/// consumers deliver it.
pub fn stream_delivered(mut app: App) -> App {
    app.outbox = Arc::new(StreamDelivered(app.outbox));
    app
}

/// Answers one request. The router never fails: errors are pages or JSON bodies it renders and
/// logs itself.
pub async fn serve(router: &Router, request: lambda_http::Request) -> Result<Response, Infallible> {
    let ip = client_ip(&request);
    let (parts, body) = request.into_parts();
    let mut request = axum::http::Request::from_parts(parts, axum::body::Body::new(body));
    if let Some(ip) = ip {
        request.extensions_mut().insert(ip);
    }
    router.clone().oneshot(request).await
}

/// The caller's address as API Gateway saw it (its request context, not a header a client
/// could forge), for the stored per-IP rate limits.
pub fn client_ip(request: &lambda_http::Request) -> Option<mendwork_web::ClientIp> {
    use lambda_http::RequestExt as _;
    use lambda_http::request::RequestContext;
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx
            .http
            .source_ip
            .as_deref()
            .and_then(|ip| ip.parse().ok())
            .map(mendwork_web::ClientIp),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// An outbox delivered elsewhere (by the table's stream): only the pending read differs.
struct StreamDelivered(Arc<dyn Outbox>);

#[async_trait]
impl Outbox for StreamDelivered {
    async fn commit_outbox(
        &self,
        key: &str,
        value: &str,
        outbox: Vec<OutboxRecord>,
    ) -> Result<(), CommitError> {
        self.0.commit_outbox(key, value, outbox).await
    }
    /// Always empty: the `dispatch` and `outbox` functions deliver from the table's stream.
    async fn pending_outbox(&self, _limit: usize) -> Result<Vec<OutboxRecord>, StoreError> {
        Ok(vec![])
    }
    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        self.0.outbox_done(id).await
    }
}
