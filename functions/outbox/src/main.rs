//! The `outbox` Lambda function: sends the emails and SMS and sets or cancels the timers of new outbox records (DynamoDB Streams, every kind but `run`).

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    run(service_fn(|event| mendwork_handlers::outbox(&app, event))).await
}
