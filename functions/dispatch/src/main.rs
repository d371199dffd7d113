//! The `dispatch` Lambda function: carries out follow-up commands (triage, vendor offer) from outbox records of kind `run` (DynamoDB Streams).

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    run(service_fn(|event| mendwork_handlers::dispatch(&app, event))).await
}
