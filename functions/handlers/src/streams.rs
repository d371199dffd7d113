//! DynamoDB Streams functions: `dispatch` (outbox records of kind `run`: the follow-up commands,
//! i.e. triage and the vendor offer) and `outbox` (every other kind: email, SMS, set and cancel
//! timer). Each new outbox record is carried out with `App::carry_out` and then marked done; the
//! first failure stops the batch and is reported as a batch item failure, so Lambda retries from
//! that record on and nothing later overtakes it. A configuration fault (the deployment may not
//! do this: an authorization error, an unverified sender) is not retried here, where it would
//! hold up the shard for a day: the record is parked — left undone in the outbox, for the
//! sweeper to try again until the team fixes the deployment — the fault is counted in the
//! `ConfigurationFaults` metric (whose alarm tells the team, once) and the batch goes on. Once
//! the stream has given up on a record (its retries used up), the sweeper delivers it too.

use crate::{HandlerError, chain};
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::App;
use mendwork_app::ports::OutboxRecord;
use mendwork_domain::Effect;
use serde::Serialize;
use serde_json::{Value, json};

/// The answer Lambda reads when `FunctionResponseTypes` has `ReportBatchItemFailures`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItemFailure {
    /// The stream record's `dynamodb.SequenceNumber`.
    pub item_identifier: String,
}

/// Which records a function carries out (its event source filter says the same; this guards
/// against a mis-wired filter doing work the function has no permission for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    /// Follow-up commands only.
    Run,
    /// Messages and timers only.
    Effects,
}

impl Lane {
    fn takes(self, effect: &Effect) -> bool {
        matches!(effect, Effect::Run { .. }) == (self == Lane::Run)
    }
}

/// `dispatch`: runs the follow-up commands (triage, then the offer to the first vendor).
pub async fn dispatch(app: &App, event: LambdaEvent<Value>) -> Result<BatchResponse, Diagnostic> {
    batch(app, &event.payload, Lane::Run).await
}

/// `outbox`: sends the emails and SMS and sets or cancels the timers.
pub async fn outbox(app: &App, event: LambdaEvent<Value>) -> Result<BatchResponse, Diagnostic> {
    batch(app, &event.payload, Lane::Effects).await
}

async fn batch(app: &App, event: &Value, lane: Lane) -> Result<BatchResponse, Diagnostic> {
    let Some(records) = event.get("Records").and_then(Value::as_array) else {
        return Err(crate::fail(HandlerError::BadEvent(
            "a DynamoDB Streams event has a \"Records\" list".into(),
        )));
    };
    for (done, record) in records.iter().enumerate() {
        let sequence = record
            .pointer("/dynamodb/SequenceNumber")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Err(e) = one(app, record, lane).await {
            if let Some(fault) = crate::fault(&e) {
                crate::metrics::emit(&[(
                    crate::metrics::CONFIGURATION_FAULTS,
                    1.0,
                    crate::metrics::Unit::Count,
                )]);
                tracing::error!(
                    error_type = e.kind(),
                    %fault,
                    sequence = %sequence,
                    "outbox record parked: the deployment may not carry it out; the sweeper \
                     tries again until it is fixed"
                );
                continue;
            }
            tracing::error!(
                error_type = e.kind(),
                error = %chain(&e),
                sequence = %sequence,
                carried_out = done,
                "stream record failed; Lambda retries from it"
            );
            return Ok(BatchResponse {
                batch_item_failures: vec![BatchItemFailure {
                    item_identifier: sequence,
                }],
            });
        }
    }
    Ok(BatchResponse::default())
}

/// One stream record: zero or one new outbox record (modifications, removals and other items
/// yield none).
async fn one(app: &App, record: &Value, lane: Lane) -> Result<(), HandlerError> {
    let single = json!({ "Records": [record] });
    let outbox = mendwork_aws::outbox_records(&single).map_err(HandlerError::Outbox)?;
    for r in outbox {
        if !lane.takes(&r.effect) {
            tracing::warn!(id = %r.id, "outbox record of the other lane skipped: check the event source filter");
            continue;
        }
        carry_out(app, &r).await?;
    }
    Ok(())
}

async fn carry_out(app: &App, record: &OutboxRecord) -> Result<(), HandlerError> {
    app.carry_out(record)
        .await
        .map_err(HandlerError::step("carrying out an outbox record"))?;
    app.outbox
        .outbox_done(&record.id)
        .await
        .map_err(|e| HandlerError::step("marking an outbox record done")(e.into()))?;
    tracing::info!(id = %record.id, work_order = ?record.work_order.as_ref().map(|w| w.to_string()), "outbox record carried out");
    Ok(())
}
