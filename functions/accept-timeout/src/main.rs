//! The `accept-timeout` Lambda function: an offer's accept timer fired (EventBridge Scheduler): the next vendor, or the PM.

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    run(service_fn(|event| mendwork_handlers::timer(&app, event))).await
}
