//! `sms-inbound`: AWS End User Messaging publishes each inbound SMS to an SNS topic; the topic
//! invokes this function with an SNS event whose `Message` is the End User Messaging JSON. The
//! shared step (`App::handle_sms`) does the rest, idempotent by `inboundMessageId`.

use crate::HandlerError;
use aws_lambda_events::event::sns::SnsEvent;
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::{App, InboundSms, SmsOutcome};
use serde::Serialize;

/// What the function answers (SNS ignores it; it shows in logs and tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handled {
    pub outcomes: Vec<SmsOutcome>,
}

pub async fn inbound(app: &App, event: LambdaEvent<SnsEvent>) -> Result<Handled, Diagnostic> {
    let mut outcomes = vec![];
    for record in &event.payload.records {
        let sms: InboundSms = serde_json::from_str(&record.sns.message).map_err(|e| {
            crate::fail(HandlerError::BadEvent(format!(
                "the SNS message {} is not an End User Messaging inbound SMS: {e}",
                record.sns.message_id
            )))
        })?;
        let outcome = app
            .handle_sms(&sms)
            .await
            .map_err(|e| crate::fail(HandlerError::step("handling an inbound SMS")(e)))?;
        tracing::info!(inbound_message_id = %sms.inbound_message_id, outcome = ?outcome, "inbound SMS handled");
        outcomes.push(outcome);
    }
    Ok(Handled { outcomes })
}
