//! What SQLite did for this process — write transactions committed, statements run, WAL
//! frames appended — counted by hooks on every connection the embedded store opens, so that a
//! benchmark can show what a workflow step costs the store (`mendwork-bench`'s throughput).
//!
//! The hooks also stand in for the WAL's automatic checkpoint (SQLite's own is a WAL hook too,
//! and a connection has one): at [`AUTOCHECKPOINT_FRAMES`], [`on_wal_commit`] asks the store's
//! background checkpointer (`crate::checkpoint`) to run, and checkpoints itself only far past
//! that mark, when no thread has kept up.

use rusqlite::Connection;
use rusqlite::hooks::Wal;
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The WAL's length (in frames, one page each) at which a commit checkpoints it (PASSIVE: it
/// copies what no reader still needs into the database file and never waits). SQLite's
/// default is 1,000 pages (4 MB). With `synchronous=NORMAL` each checkpoint fsyncs the WAL and
/// the database file, and a page written by many commits between two checkpoints is copied
/// once, so a longer WAL means fewer fsyncs and less copying; the price is a WAL file of up to
/// some 16 MB (reused, not grown, after a complete checkpoint) and a longer replay when a
/// process that died opens the store again.
pub(crate) const AUTOCHECKPOINT_FRAMES: c_int = 4_000;

/// The WAL's length at which the commit checkpoints it itself, as SQLite's automatic checkpoint
/// would: the background checkpointer is missing or has fallen far behind (some 64 MB of WAL).
const BACKSTOP_FRAMES: c_int = 4 * AUTOCHECKPOINT_FRAMES;

static COMMITS: AtomicU64 = AtomicU64::new(0);
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static WAL_FRAMES: AtomicU64 = AtomicU64::new(0);
/// Frames in the WAL after the last commit seen: a commit appends the difference, or, when
/// the WAL was restarted after a complete checkpoint, all of its frames.
static WAL_LENGTH: AtomicU64 = AtomicU64::new(0);
static PAGE_SIZE: AtomicU64 = AtomicU64::new(4096);

/// Totals since the process started, over every store it opened (a benchmark runs one store
/// at a time, and reads the difference around what it measures with [`StoreWork::since`]).
///
/// Invariant: the counters only grow. `wal_frames` is exact while one store file is written at
/// a time; two stores written at once in one process (tests) may miscount it, never the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreWork {
    /// Write transactions committed (an implicit transaction of one statement counts once; a
    /// read-only one not at all).
    pub commits: u64,
    /// Statements run, reads and writes, `BEGIN` and `COMMIT` included.
    pub statements: u64,
    /// Pages appended to the write-ahead log (in-memory stores have none).
    pub wal_frames: u64,
    /// The page size of the last store opened (the embedded store keeps SQLite's default).
    pub page_size: u64,
    /// WAL checkpoints run by the stores' background threads (none on a commit's path).
    pub checkpoints: u64,
}

impl StoreWork {
    /// The work done between `earlier` and `self`.
    pub fn since(self, earlier: StoreWork) -> StoreWork {
        StoreWork {
            commits: self.commits.saturating_sub(earlier.commits),
            statements: self.statements.saturating_sub(earlier.statements),
            wal_frames: self.wal_frames.saturating_sub(earlier.wal_frames),
            page_size: self.page_size,
            checkpoints: self.checkpoints.saturating_sub(earlier.checkpoints),
        }
    }

    /// Bytes appended to the WAL: each frame is a page and its 24-byte header.
    pub fn wal_bytes(&self) -> u64 {
        self.wal_frames
            .saturating_mul(self.page_size.saturating_add(24))
    }
}

/// The totals so far.
pub fn store_work() -> StoreWork {
    StoreWork {
        commits: COMMITS.load(Relaxed),
        statements: STATEMENTS.load(Relaxed),
        wal_frames: WAL_FRAMES.load(Relaxed),
        page_size: PAGE_SIZE.load(Relaxed),
        checkpoints: crate::checkpoint::run_so_far(),
    }
}

/// Installs the counting hooks (and with them the WAL's automatic checkpoint) on `conn`.
pub(crate) fn install(conn: &Connection) {
    if let Ok(size) = conn.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))
        && let Ok(size) = u64::try_from(size)
    {
        PAGE_SIZE.store(size, Relaxed);
    }
    conn.commit_hook(Some(|| {
        COMMITS.fetch_add(1, Relaxed);
        // false: let the commit go ahead.
        false
    }));
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(on_statement));
    conn.wal_hook(Some(on_wal_commit));
}

fn on_statement(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(..) = event {
        STATEMENTS.fetch_add(1, Relaxed);
    }
}

/// After each commit to a WAL: counts the frames it appended; once the WAL is
/// [`AUTOCHECKPOINT_FRAMES`] long, asks for a background checkpoint, and past
/// [`BACKSTOP_FRAMES`] checkpoints on the spot, as SQLite's automatic checkpoint (which this
/// hook replaces) would have at the first mark.
fn on_wal_commit(wal: &Wal, frames: c_int) -> rusqlite::Result<()> {
    let now = u64::try_from(frames).unwrap_or(0);
    let before = WAL_LENGTH.swap(now, Relaxed);
    WAL_FRAMES.fetch_add(if now >= before { now - before } else { now }, Relaxed);
    // Asked once as the WAL passes the mark (and again at each further mark while it is not
    // restarted), not at every commit after it: a checkpoint that runs while the commits go on
    // leaves the WAL as long as it was until the next commit restarts it, and asking at each of
    // those commits would run — and fsync — a checkpoint of a few pages after each.
    let marks = |n: u64| n / AUTOCHECKPOINT_FRAMES as u64;
    if frames >= AUTOCHECKPOINT_FRAMES && (now < before || marks(now) > marks(before)) {
        crate::checkpoint::want();
    }
    if frames >= BACKSTOP_FRAMES
        && let Err(e) = wal.checkpoint()
    {
        // As with SQLite's own: the commit has happened, and a checkpoint that could not run
        // now (a reader in another process) runs at a later commit.
        tracing::debug!(error = %e, "WAL checkpoint deferred");
    }
    Ok(())
}
