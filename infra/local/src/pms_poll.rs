//! The local runner's Buildium poll: every minute of wall time, what changed in Buildium since
//! the stored cursor becomes work orders (`App::pull_pms`); a failed poll is logged and simply
//! made again at the next tick, since the cursor moves only after a complete read.

use crate::Local;
use mendwork_app::pms::buildium::Buildium;
use std::sync::Arc;
use std::time::Duration;

/// Well inside the five minutes a request may take to reach Mendwork.
const EVERY: Duration = Duration::from_secs(60);

pub(crate) async fn every(local: Local, buildium: Arc<Buildium>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        // Serialised with the clock moves and timers, like every other background step.
        let _guard = local.clock_lock.lock().await;
        match local
            .app
            .pull_pms(buildium.as_ref(), local.store.as_ref())
            .await
        {
            Ok(report) if report.created > 0 => {
                if let Err(e) = local.app.drain().await {
                    tracing::error!(cause = %mendwork_app::redact::chain(&e), "delivering after a Buildium poll failed; will retry");
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(cause = %mendwork_app::redact::chain(&e), "the Buildium poll failed; will retry");
            }
        }
    }
}
