//! The `pm` Lambda function: the PM dashboard and the JSON API (HTTP).
//! API Gateway routes only this function's paths here; the router is the shared one.

use lambda_http::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per request; the outbox is the
    // stream functions' (see `connect_http`).
    let aws = mendwork_handlers::connect_http().await?;
    let router = mendwork_handlers::http::router(aws.app());
    run(service_fn(|request| {
        mendwork_handlers::http(&router, request)
    }))
    .await
}
