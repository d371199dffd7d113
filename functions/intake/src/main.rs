//! The `intake` Lambda function: the tenant form, the tenant status page, the vendor job links
//! and attached files (HTTP).
//! API Gateway routes only this function's paths here; the router is the shared one.

use lambda_http::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per request.
    let aws = mendwork_handlers::connect_intake().await?;
    let router = mendwork_handlers::http::intake_router(&aws);
    run(service_fn(|request| {
        mendwork_handlers::http(&router, request)
    }))
    .await
}
