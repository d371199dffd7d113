//! The virtual clock of local mode: frozen, or the wall clock shifted by an offset. Kept in the
//! store's meta table, so a restarted runner carries on at the virtual time it stopped at.

use crate::db::{Ctx, Db, from_json, to_json};
use chrono::{DateTime, TimeDelta, Utc};
use mendwork_app::ports::{Clock, StoreError, SystemClock};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, PoisonError};

/// How virtual time relates to the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Time stands still at this instant and moves only when told to (deterministic tests).
    Frozen(DateTime<Utc>),
    /// The wall clock plus this offset: time flows, and the harness can jump it forward.
    /// Invariant (checked when set): fits in ±292 years, the range its stored form allows.
    Offset(TimeDelta),
}

impl Default for ClockMode {
    /// Real time: what a store that was never told otherwise runs on.
    fn default() -> Self {
        ClockMode::Offset(TimeDelta::zero())
    }
}

impl ClockMode {
    /// Virtual now, given the wall clock's now.
    pub fn now_at(self, wall: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            ClockMode::Frozen(t) => t,
            // Out of range only for offsets of hundreds of thousands of years; saturating keeps
            // `now` total instead of panicking in the middle of a step.
            ClockMode::Offset(d) => {
                wall.checked_add_signed(d)
                    .unwrap_or(if d > TimeDelta::zero() {
                        DateTime::<Utc>::MAX_UTC
                    } else {
                        DateTime::<Utc>::MIN_UTC
                    })
            }
        }
    }
}

/// The form kept in `meta` under [`CLOCK_KEY`].
#[derive(Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
enum Persisted {
    Frozen { at: DateTime<Utc> },
    Offset { nanos: i64 },
}

const CLOCK_KEY: &str = "clock";

pub(crate) fn load(conn: &Connection) -> Result<Option<ClockMode>, StoreError> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [CLOCK_KEY], |r| {
            r.get(0)
        })
        .optional()
        .ctx("reading the virtual clock")?;
    let Some(raw) = raw else { return Ok(None) };
    Ok(Some(
        match from_json::<Persisted>(&raw, "the virtual clock")? {
            Persisted::Frozen { at } => ClockMode::Frozen(at),
            Persisted::Offset { nanos } => ClockMode::Offset(TimeDelta::nanoseconds(nanos)),
        },
    ))
}

fn save(conn: &Connection, mode: ClockMode) -> Result<(), StoreError> {
    let persisted = match mode {
        ClockMode::Frozen(at) => Persisted::Frozen { at },
        ClockMode::Offset(d) => Persisted::Offset {
            nanos: d.num_nanoseconds().ok_or_else(|| {
                StoreError::msg(format!("a clock offset of {d} is too large to keep"))
            })?,
        },
    };
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        [CLOCK_KEY, &to_json(&persisted, "the virtual clock")?],
    )
    .ctx("saving the virtual clock")?;
    Ok(())
}

/// The local [`Clock`]: virtual time shared by every handle on the same store and written
/// through to it on every change.
///
/// Invariant: the in-memory mode always equals the stored one (a change that fails to persist
/// is not applied). Moving time backwards is allowed: the runner decides whether it may.
#[derive(Clone)]
pub struct VirtualClock {
    db: Arc<Db>,
}

impl VirtualClock {
    pub(crate) fn new(db: Arc<Db>) -> Self {
        VirtualClock { db }
    }

    pub fn mode(&self) -> ClockMode {
        *self.db.clock.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Switches mode (e.g. a runner started with `--frozen`).
    pub fn set_mode(&self, mode: ClockMode) -> Result<(), StoreError> {
        self.change(|_| Some(mode))
    }

    /// Moves virtual now to `t`, keeping the mode: frozen stays frozen at `t`; an offset is
    /// recomputed so that now is `t` at this instant and flows on from there.
    pub fn set(&self, t: DateTime<Utc>) -> Result<(), StoreError> {
        self.change(|mode| {
            Some(match mode {
                ClockMode::Frozen(_) => ClockMode::Frozen(t),
                ClockMode::Offset(_) => ClockMode::Offset(t - SystemClock.now()),
            })
        })
    }

    /// Moves virtual time by `by` (negative moves it back); returns the new now.
    pub fn advance(&self, by: TimeDelta) -> Result<DateTime<Utc>, StoreError> {
        self.change(|mode| match mode {
            ClockMode::Frozen(t) => t.checked_add_signed(by).map(ClockMode::Frozen),
            ClockMode::Offset(d) => d.checked_add(&by).map(ClockMode::Offset),
        })?;
        Ok(self.now())
    }

    fn change(&self, next: impl FnOnce(ClockMode) -> Option<ClockMode>) -> Result<(), StoreError> {
        // Holding the clock lock across the write keeps memory and disk in the same order when
        // two callers move the clock at once (lock order: clock, then connection).
        let mut mode = self.db.clock.lock().unwrap_or_else(PoisonError::into_inner);
        let new = next(*mode).ok_or_else(|| StoreError::msg("the virtual clock would overflow"))?;
        save(&self.db.conn(), new)?;
        *mode = new;
        Ok(())
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.db.now()
    }
}
