//! The `sms-inbound` Lambda function: an inbound SMS (End User Messaging JSON inside an SNS event) into the shared SMS step.

use lambda_runtime::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    mendwork_handlers::init_logging();
    // The adapters are built once per container, not per event.
    let aws = mendwork_handlers::connect().await?;
    let app = aws.app();
    run(service_fn(|event| {
        mendwork_handlers::sms_inbound(&app, event)
    }))
    .await
}
