//! `pms-poll`: invoked on a schedule (every five minutes, template.yaml — only in a stack that
//! connects Buildium), runs one pull of the connected PMS (`App::pull_pms`): what changed there
//! since the stored cursor becomes work orders, each exactly once, and the cursor moves. The
//! event's content is not used. The new work orders go on like any other: the table's stream
//! hands their triage and offer to `dispatch`.
//!
//! A poll that fails has made what it made and left the cursor where it was: the next one
//! reads the same changes again. Credentials the PMS refuses (401, 403) or that cannot be read
//! are a configuration fault — counted in `ConfigurationFaults`, whose alarm tells the team —
//! and every failure is the function's error (its Errors alarm), never swallowed.

use crate::metrics::{self, Unit};
use crate::{HandlerError, fail};
use lambda_runtime::{Diagnostic, LambdaEvent};
use mendwork_app::App;
use mendwork_app::pms::{Pms, PmsCursors, PmsError};
use mendwork_app::pms_sync::PullError;
use serde::Serialize;
use serde_json::Value;

/// What one poll did (the function's answer; counts only, nothing about the requests' people).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Polled {
    pub created: usize,
    pub already: usize,
    pub finished: usize,
    pub unmapped: usize,
    pub refused: usize,
}

/// Whether a failed poll is the deployment's to fix (the credentials), not the PMS's to get over.
pub fn credentials_fault(e: &PullError) -> bool {
    matches!(
        e,
        PullError::Pms(
            PmsError::Unauthorized | PmsError::Forbidden(_) | PmsError::NoCredentials(_)
        )
    )
}

pub async fn poll(
    app: &App,
    pms: Option<&dyn Pms>,
    cursors: &dyn PmsCursors,
    _event: LambdaEvent<Value>,
) -> Result<Polled, Diagnostic> {
    let Some(pms) = pms else {
        return Err(fail(HandlerError::NoPms));
    };
    match app.pull_pms(pms, cursors).await {
        Ok(r) => Ok(Polled {
            created: r.created,
            already: r.already,
            finished: r.finished,
            unmapped: r.unmapped,
            refused: r.refused,
        }),
        Err(e) => {
            let credentials = credentials_fault(&e);
            if credentials {
                metrics::emit(&[(metrics::CONFIGURATION_FAULTS, 1.0, Unit::Count)]);
                tracing::error!(
                    system = pms.system(),
                    error = %crate::chain(&e),
                    "the PMS credentials are refused or missing: fix the secret; nothing is pulled until then"
                );
            }
            Err(fail(HandlerError::Pull {
                credentials,
                source: e,
            }))
        }
    }
}
