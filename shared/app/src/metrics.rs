//! The metrics projection port: the rows of a range of weeks (see
//! [`mendwork_domain::metrics`]). Rows are written by each adapter inside its commit (the
//! commit's [`crate::ports::Commit::metrics`]); this port only reads them.

use crate::ports::StoreError;
use async_trait::async_trait;
use chrono::Duration;
use mendwork_domain::metrics::{MetricRow, Summary, Weeks};

/// Reads the projection. Implementations read one small set of rows per week of the range
/// (every property and vendor of that week) and never a work order or a timeline, so a read
/// costs the same however long the history behind it.
#[async_trait]
pub trait MetricsProjection: Send + Sync {
    /// Every row of the weeks in `weeks` (rows with no number left may be omitted).
    async fn read(&self, weeks: &Weeks) -> Result<Vec<MetricRow>, StoreError>;
}

impl crate::App {
    /// The page model of work orders created in the last `days` days, in whole weeks (from
    /// the Monday of the week `days` ago to this week), and the weeks it covers.
    pub async fn metrics(&self, days: i64) -> Result<(Summary, Weeks), StoreError> {
        let now = self.now();
        let weeks = Weeks::covering(now - Duration::days(days), now);
        let rows = self.metrics.read(&weeks).await?;
        let rows: Vec<MetricRow> = rows
            .into_iter()
            .filter(|r| weeks.contains(r.key.week))
            .collect();
        Ok((Summary::from_rows(&rows), weeks))
    }
}
