//! The WAL's checkpoints, run by a thread of their own on a connection of their own, so that a
//! commit never waits for one.
//!
//! A checkpoint copies the WAL's pages into the database file and, with `synchronous=NORMAL`,
//! fsyncs both. Run from the commit's WAL hook (SQLite's way, and this store's until now) it
//! held the store's one connection — and with it every other caller — for the length of two
//! fsyncs; on a disk shared with a build that was most of a lifecycle's time
//! (`mendwork-bench`'s throughput). In WAL mode a PASSIVE checkpoint on a second connection runs
//! beside the writer: it copies what no reader still needs and never blocks a commit, and the
//! next commit after a complete one starts the WAL again from the top.
//!
//! Invariant: nothing here changes what a commit guarantees. A commit is durable in the WAL when
//! it returns, checkpointed or not; a checkpoint that fails or is late only leaves the WAL longer
//! (the commit hook checkpoints itself, as before, once the WAL is far past the mark, so a WAL
//! never grows without bound even if this thread is gone).

use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// Set by the commit hook when the WAL has reached the checkpoint mark, taken by the next store
/// call, which asks its checkpointer to run. Process-wide, like the hook (SQLite's WAL hook is a
/// plain function): with several stores in one process (tests), the store that takes it may not
/// be the one whose WAL is long — a PASSIVE checkpoint of a short WAL is cheap, and the long one's
/// next commit sets the flag again.
static WANTED: AtomicBool = AtomicBool::new(false);

/// Checkpoints run by the background threads, for the benchmark and the tests.
static RUN: AtomicU64 = AtomicU64::new(0);

/// Called by the commit hook: the WAL has reached the mark.
pub(crate) fn want() {
    WANTED.store(true, Relaxed);
}

/// Checkpoints the background threads have run since the process started.
pub(crate) fn run_so_far() -> u64 {
    RUN.load(Relaxed)
}

/// One store file's checkpoint thread. Dropping it stops the thread after the checkpoint it may
/// be running, and waits for that.
pub(crate) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a second connection to the store file at `path` and starts the thread. `None` when
    /// the connection or the thread cannot be had: the commit hook's own checkpoint then keeps
    /// the WAL bounded, as it did before this thread existed.
    pub(crate) fn start(path: &Path) -> Option<Checkpointer> {
        let conn = match Connection::open(path) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "no background checkpoints: opening a second connection failed");
                return None;
            }
        };
        // The writer holds its lock for one short transaction at a time; a checkpoint that
        // meets it waits rather than giving up.
        if let Err(e) = conn.busy_timeout(Duration::from_secs(5)) {
            tracing::warn!(error = %e, "no background checkpoints: setting the busy timeout failed");
            return None;
        }
        // One pending request is enough: a request made while one waits is the same request.
        let (wake, asked) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("mendwork-checkpoint".into())
            .spawn(move || run(conn, asked));
        match thread {
            Ok(thread) => Some(Checkpointer {
                wake: Some(wake),
                thread: Some(thread),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "no background checkpoints: starting the thread failed");
                None
            }
        }
    }

    /// Asks for a checkpoint if a commit has reached the mark since the last time it was asked.
    pub(crate) fn poke(&self) {
        if WANTED.swap(false, Relaxed)
            && let Some(wake) = &self.wake
            && let Err(TrySendError::Disconnected(())) = wake.try_send(())
        {
            // The thread is gone (it cannot panic, but a failed spawn of its work would end
            // it): the commit hook's own backstop keeps the WAL bounded.
            tracing::debug!("background checkpoint thread gone");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; joining means no thread touches the file
        // after its store is gone (a test's temporary folder is removed right after).
        self.wake = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: Connection, asked: Receiver<()>) {
    while asked.recv().is_ok() {
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        });
        match done {
            Ok(_) => {
                RUN.fetch_add(1, Relaxed);
            }
            // As with SQLite's automatic checkpoint: the commits are safe in the WAL, and the
            // next request tries again.
            Err(e) => tracing::debug!(error = %e, "background WAL checkpoint deferred"),
        }
    }
}
