//! The `sweeper` Lambda function: every five minutes (a schedule), re-drives outbox records left undone and puts overdue work orders in front of the team.

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    run(service_fn(|event| mendwork_handlers::sweeper(&app, event))).await
}
