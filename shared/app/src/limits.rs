//! The `RateLimits` port: stored fixed-window counters that every process (every Lambda
//! container) shares, so a limit holds however many copies of a function answer. The rules —
//! what is counted, how many, over what window — are the domain's ([`mendwork_domain::limits`]).

use crate::ports::StoreError;
use async_trait::async_trait;
use mendwork_domain::limits::Counter;
use std::sync::Arc;

/// Counters kept in the store (DynamoDB items with a TTL in AWS; a SQLite table locally).
///
/// Invariant: `take` is atomic — of any number of concurrent takes of one counter, at most
/// `counter.max` return `true` — and a refused take changes nothing. A counter is forgotten
/// after its window ends (the store may keep it a while longer; it is never read again).
#[async_trait]
pub trait RateLimits: Send + Sync {
    /// Takes one unit: `true` when the counter had room (and now counts one more), `false`
    /// when it is full for this window.
    async fn take(&self, counter: &Counter) -> Result<bool, StoreError>;
}

/// Which of several counters was full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    /// The full counter's kind (e.g. `form-ip`), for logs and for the caller's message.
    pub kind: &'static str,
}

/// Takes one unit of each counter in order; stops at the first that is full. Units taken
/// before it stay taken (a refused flood still counts against itself, which only makes the
/// limit stricter for whoever floods).
pub async fn take_all(
    limits: &Arc<dyn RateLimits>,
    counters: &[Counter],
) -> Result<Result<(), Limited>, StoreError> {
    for c in counters {
        if !limits.take(c).await? {
            return Ok(Err(Limited { kind: c.kind }));
        }
    }
    Ok(Ok(()))
}

/// No limits: every take succeeds. For tools and tests that must not be limited (a benchmark
/// creating thousands of work orders); never for a deployment's public edges.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

#[async_trait]
impl RateLimits for Unlimited {
    async fn take(&self, _counter: &Counter) -> Result<bool, StoreError> {
        Ok(true)
    }
}
