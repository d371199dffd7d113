//! The `pms-poll` Lambda function: every five minutes (a schedule), what changed in Buildium since the stored cursor becomes work orders (`mendwork_handlers::pms_poll`).

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters and Buildium's client are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    let pms = aws.pms();
    let cursors = aws.pms_cursors();
    run(service_fn(|event| {
        mendwork_handlers::pms_poll(&app, pms.as_deref(), &cursors, event)
    }))
    .await
}
