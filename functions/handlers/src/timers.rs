//! Timer functions (`accept-timeout`, `followups`, `recurring`): EventBridge Scheduler invokes
//! them with the schedule's input — the `TimerSpec` JSON the Timers adapter wrote, or a bare
//! `TimerTarget` such as `{"type":"recurring","template","occurrence"}` — decoded by the
//! adapter's own `timer_target`, and the shared step `App::fire` decides: a stale or repeated
//! firing does nothing.

use crate::HandlerError;
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::App;
use serde::Serialize;
use serde_json::Value;

/// What a firing did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fired {
    pub timer: Option<String>,
    /// The work order the firing acted on or created, if any.
    pub work_order: Option<String>,
    /// How many events it committed: 0 for a stale or repeated firing.
    pub events: usize,
}

pub async fn fire(app: &App, event: LambdaEvent<Value>) -> Result<Fired, Diagnostic> {
    let input = event.payload;
    let target = mendwork_aws::timer_target(&input).map_err(|e| {
        crate::fail(HandlerError::BadEvent(format!(
            "the schedule input is not a timer: {}",
            crate::chain(&e)
        )))
    })?;
    let executed = app
        .fire(&target)
        .await
        .map_err(|e| crate::fail(HandlerError::step("firing a timer")(e)))?;
    let fired = Fired {
        timer: input
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string),
        work_order: executed.as_ref().map(|x| x.wo.id.to_string()),
        events: executed.as_ref().map_or(0, |x| x.events.len()),
    };
    tracing::info!(timer = ?fired.timer, work_order = ?fired.work_order, events = fired.events, "timer fired");
    Ok(fired)
}
