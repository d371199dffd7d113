//! The one SQLite connection every embedded adapter shares: opening, pragmas, the schema and
//! its migrations, and the small conversions (timestamps, JSON, error context) they all use.

use crate::checkpoint::Checkpointer;
use crate::clock::{self, ClockMode};
use chrono::{DateTime, SecondsFormat, Utc};
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_app::ports::{StoreError, StoreErrorKind};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The schema version this build writes. Opening a file with a newer version is refused, so an
/// old binary never half-understands a newer store.
pub const SCHEMA_VERSION: u32 = 6;

/// The connection's settings beyond WAL and `synchronous`, each with why (measured with
/// `mendwork-bench`'s throughput figure, whose store work per lifecycle they change):
/// - `cache_size`: pages kept in memory, 32 MB instead of SQLite's 2 MB, so the indexes a
///   commit updates and the pages a page query reads stay cached at 50,000 work orders;
/// - `mmap_size`: the file is read through a 256 MB memory map, without a `read` call and a
///   copy per page (address space only; the kernel's page cache holds the bytes either way);
/// - `temp_store`: sorts and temporary indexes in memory, not in temporary files;
/// - `journal_size_limit`: after a checkpoint has emptied it, a WAL file longer than 64 MB
///   is cut back, so one burst of writes does not keep its disk space for good.
const PRAGMAS: &[(&str, i64, &str)] = &[
    ("cache_size", -32_768, "32 MB of cached pages"),
    ("mmap_size", 268_435_456, "a 256 MB memory map"),
    ("temp_store", 2, "temporary tables in memory"),
    ("journal_size_limit", 67_108_864, "WAL cut back to 64 MB"),
];

/// Prepared statements kept per connection (see `Db::init`).
const STATEMENT_CACHE: usize = 128;

/// Migrations in order: `MIGRATIONS[n]` takes a store from version `n` to `n + 1`. Append only;
/// never edit a released step, files in the wild were built by it.
const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// Timestamps are RFC 3339 UTC text with nanoseconds (`2025-01-31T09:00:00.000000000Z`): fixed
/// width for years 1000–9999, so text order is time order and indexes on them work, and lossless,
/// so a value read back equals the one written.
const V1: &str = r#"
CREATE TABLE work_orders (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL,
    status       TEXT NOT NULL,
    property     TEXT NOT NULL,
    vendor       TEXT,
    offer_vendor TEXT,
    tenant_phone TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    -- 1 unless closed or cancelled (Status::is_final), so queries don't repeat that list.
    open         INTEGER NOT NULL CHECK (open IN (0, 1)),
    json         TEXT NOT NULL
);
CREATE INDEX work_orders_created ON work_orders (created_at DESC, id);
CREATE INDEX work_orders_status ON work_orders (status, created_at DESC);
CREATE INDEX work_orders_property ON work_orders (property, created_at DESC);
CREATE INDEX work_orders_code ON work_orders (code);
CREATE INDEX work_orders_vendor ON work_orders (vendor) WHERE vendor IS NOT NULL;
CREATE INDEX work_orders_offer_vendor ON work_orders (offer_vendor) WHERE offer_vendor IS NOT NULL;
CREATE INDEX work_orders_tenant_phone ON work_orders (tenant_phone) WHERE tenant_phone IS NOT NULL;

CREATE TABLE timeline (
    work_order TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    event      TEXT NOT NULL,
    PRIMARY KEY (work_order, seq)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    work_order TEXT,
    kind       TEXT NOT NULL,
    effect     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at    TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE done_at IS NULL;
CREATE INDEX outbox_work_order ON outbox (work_order, seq) WHERE work_order IS NOT NULL;

CREATE TABLE idempotency (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE visits (
    id             TEXT PRIMARY KEY,
    property       TEXT NOT NULL,
    work_order     TEXT,
    status         TEXT NOT NULL,
    expected_start TEXT,
    expected_end   TEXT,
    json           TEXT NOT NULL
);
CREATE INDEX visits_property ON visits (property, expected_start);
CREATE INDEX visits_work_order ON visits (work_order) WHERE work_order IS NOT NULL;

CREATE TABLE opt_outs (
    phone TEXT PRIMARY KEY,
    at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE timers (
    name       TEXT PRIMARY KEY,
    at         TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX timers_due ON timers (at, name);

CREATE TABLE sent (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    to_address TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT,
    body       TEXT NOT NULL,
    ics        TEXT,
    key        TEXT NOT NULL,
    work_order TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX sent_at ON sent (at);
CREATE INDEX sent_work_order ON sent (work_order, at) WHERE work_order IS NOT NULL;
CREATE INDEX sent_to ON sent (to_address, at);
"#;

/// Pages by key: each list's order has an index whose leading columns are that order, so a
/// page is one index range read, whatever the history. `queue_key` is the app's queue order
/// (`mendwork_app::queries::queue_key`), written with every commit; rows written before this
/// version get theirs when the store opens (see `SqliteStore::open`).
const V2: &str = r#"
ALTER TABLE work_orders ADD COLUMN queue_key TEXT;
CREATE INDEX work_orders_newest ON work_orders (created_at, id);
CREATE INDEX work_orders_status_newest ON work_orders (status, created_at, id);
CREATE INDEX work_orders_property_newest ON work_orders (property, created_at, id);
CREATE INDEX work_orders_queue ON work_orders (queue_key) WHERE open = 1;
CREATE INDEX work_orders_property_queue ON work_orders (property, queue_key) WHERE open = 1;
"#;

/// The integrations' API keys (see `mendwork_app::api_keys`): the hash of each secret, never
/// the secret. Kept (not scratch data): losing the table would lock every integration out.
const V3: &str = r#"
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'read-write')),
    hash         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) WITHOUT ROWID;
CREATE INDEX api_keys_created ON api_keys (created_at DESC, id DESC);
"#;

/// The metrics projection (`mendwork_domain::metrics`): one row per week, property and vendor
/// (`''` for the work orders' own figures), its non-zero numbers a JSON object by field name,
/// added to by every commit in the commit's own transaction (read, add, write: the commit
/// holds the write lock). `week` is the Monday (`YYYY-MM-DD`) of the creation week. One row
/// per key, not per number, so a year's page reads some thousands of rows at 50,000 work
/// orders, not tens of thousands. Stores that had work orders before this version are rebuilt
/// from their timelines when opened (see `crate::metrics`).
const V4: &str = r#"
CREATE TABLE metrics (
    week     TEXT NOT NULL,
    property TEXT NOT NULL,
    vendor   TEXT NOT NULL,
    figures  TEXT NOT NULL,
    PRIMARY KEY (week, property, vendor)
) WITHOUT ROWID;
"#;

/// Archived timelines (`mendwork_app::archive`): `archived` is NULL until the timeline is in its
/// document, then `marked`, then `released` once its rows are deleted. Commits never write the
/// column (the mark itself travels in the work order's JSON). Two partial indexes: the due
/// page reads only closed or cancelled, unarchived rows in order of their last change; the
/// unreleased page only rows a sweep marked and stopped before deleting their events.
const V5: &str = r#"
ALTER TABLE work_orders ADD COLUMN archived TEXT CHECK (archived IN ('marked', 'released'));
CREATE INDEX work_orders_archive_due ON work_orders (updated_at, id)
    WHERE open = 0 AND archived IS NULL;
CREATE INDEX work_orders_archive_unreleased ON work_orders (id) WHERE archived = 'marked';
"#;

/// Indexes no query needs, dropped because every commit paid for them: a commit appends each
/// B-tree page it touches to the WAL, and these were a seventh of the pages a lifecycle wrote
/// (counted frame by frame in the WAL of `mendwork-bench`'s throughput run).
/// - V1's `work_orders_created`, `_status` and `_property` (`created_at DESC, id`) duplicate
///   V2's `_newest` indexes (`created_at, id`, read backwards); the queries order by
///   `created_at DESC, id DESC`, so the one index serves them without a sort.
/// - `outbox_work_order`: nothing reads the outbox by work order (the drain reads pending
///   records by `seq`, the done marks find them by `id`).
/// - `sent_at`: the recorded messages are listed by recipient or work order (their own
///   indexes, `sent_to` and `sent_work_order`, which end in `at`), or all of them, which sorts.
const V6: &str = r#"
DROP INDEX work_orders_created;
DROP INDEX work_orders_status;
DROP INDEX work_orders_property;
DROP INDEX outbox_work_order;
DROP INDEX sent_at;
"#;

/// The shared state behind every handle: the connection, the virtual clock's cached mode and
/// the outbox records reported done but not yet marked in the file.
///
/// Lock order: `clock` before `conn` before `done`, never the reverse, so the clock can write
/// through while holding its own lock without deadlocking against a store call reading the
/// time, and the marks are taken out under the connection that writes them.
pub(crate) struct Db {
    conn: Mutex<Connection>,
    pub(crate) clock: Mutex<ClockMode>,
    /// `(outbox id, done_at)` of records reported done since the marks were last written:
    /// written together, in one statement, before the outbox is next read (see
    /// [`Db::write_done`]), so a drain of many records costs one write, not one per record.
    /// Lost if the process dies first; then those records are carried out again, which the
    /// adapters must take anyway (an outbox id seen before is done), and nothing is lost.
    done: Mutex<Vec<(String, String)>>,
    /// The file's WAL checkpoints, off the commit path (`None` in memory, or when the thread
    /// could not start: the commit hook's backstop then keeps the WAL bounded).
    checkpointer: Option<Checkpointer>,
}

impl Db {
    pub(crate) fn open(path: &Path) -> Result<Db, StoreError> {
        let conn = Connection::open(path)
            .map_err(|e| classify(format!("opening the store {}", path.display()), e))?;
        let mut db = Db::init(conn, true)?;
        // After `init`: the file is in WAL mode and migrated before a second connection opens.
        db.checkpointer = Checkpointer::start(path);
        Ok(db)
    }

    pub(crate) fn open_in_memory() -> Result<Db, StoreError> {
        let conn = Connection::open_in_memory().ctx("opening an in-memory store")?;
        Db::init(conn, false)
    }

    fn init(mut conn: Connection, file: bool) -> Result<Db, StoreError> {
        // Another process (a second runner, a test child) may hold the write lock briefly;
        // waiting beats failing a step that would succeed a moment later.
        conn.busy_timeout(Duration::from_secs(5))
            .ctx("setting the busy timeout")?;
        crate::stats::install(&conn);
        // Every hot statement is prepared once and kept (`prepare_cached`): a step runs some
        // 20 distinct ones and the drain that follows as many again, more than rusqlite's
        // default 16, which would evict them in turn and parse each again every time.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        if file {
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .ctx("switching the store to WAL")?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::msg(format!(
                    "the store would not switch to WAL (journal mode {mode})"
                )));
            }
        }
        // NORMAL, WAL's usual setting: a commit that returned survives the process dying (the
        // runner killed, a panic); a power cut or kernel crash may lose the last commits but
        // never corrupts the file. FULL would fsync every commit — some 20 per lifecycle —
        // which made a disk shared with a build run 5 lifecycles a second instead of 45
        // (mendwork-bench's throughput figure). Deployed, DynamoDB holds the state; the
        // embedded store serves local mode and tests.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx("setting synchronous=NORMAL")?;
        for (pragma, value, why) in PRAGMAS {
            conn.pragma_update(None, pragma, value)
                .with_ctx(|| format!("setting {pragma}={value} ({why})"))?;
        }
        migrate(&mut conn)?;
        let mode = clock::load(&conn)?.unwrap_or_default();
        Ok(Db {
            conn: Mutex::new(conn),
            clock: Mutex::new(mode),
            done: Mutex::new(Vec::new()),
            checkpointer: None,
        })
    }

    /// Notes outbox record `id` as done at `at`, to be written by the next [`Db::write_done`].
    pub(crate) fn note_done(&self, id: &str, at: String) {
        self.done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((id.to_string(), at));
    }

    /// Writes the done marks noted so far, in one statement (its own transaction), on `conn`
    /// (this store's connection, held by the caller). On failure the marks are kept for the
    /// next call.
    pub(crate) fn write_done(&self, conn: &Connection) -> Result<(), StoreError> {
        let marks = std::mem::take(&mut *self.done.lock().unwrap_or_else(PoisonError::into_inner));
        if marks.is_empty() {
            return Ok(());
        }
        if let Err(e) = mark_done(conn, &marks) {
            let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
            let later = std::mem::replace(&mut *done, marks);
            done.extend(later);
            return Err(e);
        }
        Ok(())
    }

    /// The connection, for one short call.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // The WAL may have reached its mark at the last commit: its checkpoint now starts
        // beside this call instead of inside that commit.
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.poke();
        }
        // A panic while the lock was held cannot leave a half-done write behind: every write is
        // a transaction that rolls back when dropped during unwinding. So the connection is
        // still sound and refusing it forever would only turn one bug into an outage.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store's notion of now (the virtual clock), for bookkeeping columns.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let mode = *self.clock.lock().unwrap_or_else(PoisonError::into_inner);
        mode.now_at(SystemClock.now())
    }
}

/// Marks the records done (the first `done_at` stands: a record done twice keeps its first
/// time, and an unknown id changes nothing).
fn mark_done(conn: &Connection, marks: &[(String, String)]) -> Result<(), StoreError> {
    let batch = to_json(&marks, "the outbox records done")?;
    conn.prepare_cached(
        "UPDATE outbox SET done_at = m.value ->> 1 FROM json_each(?1) AS m \
         WHERE outbox.id = m.value ->> 0 AND outbox.done_at IS NULL",
    )
    .ctx("preparing the outbox marks")?
    .execute([batch])
    .with_ctx(|| format!("marking {} outbox records done", marks.len()))?;
    Ok(())
}

impl Drop for Db {
    /// The marks still noted are written as the last handle goes (a clean stop loses none).
    fn drop(&mut self) {
        let conn = self.conn.get_mut().unwrap_or_else(PoisonError::into_inner);
        let marks = std::mem::take(self.done.get_mut().unwrap_or_else(PoisonError::into_inner));
        if !marks.is_empty()
            && let Err(e) = mark_done(conn, &marks)
        {
            // Not lost: those records are carried out again at the next start.
            tracing::warn!(error = %e, records = marks.len(), "outbox marks not written at close");
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("starting the schema migration")?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    )
    .ctx("creating the meta table")?;
    let stored: Option<String> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .ctx("reading the schema version")?;
    let current: u32 = match stored {
        None => 0,
        Some(s) => s
            .parse()
            .map_err(|e| StoreError::new(format!("reading the schema version {s:?}"), e))?,
    };
    if current > SCHEMA_VERSION {
        return Err(StoreError::msg(format!(
            "the store has schema version {current}, newer than this build's {SCHEMA_VERSION}: \
             use a newer Mendwork or another --db file"
        )));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .with_ctx(|| format!("migrating the schema from version {from}"))?;
    }
    if current < SCHEMA_VERSION {
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [SCHEMA_VERSION.to_string()],
        )
        .ctx("recording the schema version")?;
        tracing::info!(from = current, to = SCHEMA_VERSION, "store schema migrated");
    }
    tx.commit().ctx("committing the schema migration")
}

/// Attaches "what we were doing" to any error, turning it into a [`StoreError`].
pub(crate) trait Ctx<T> {
    fn ctx(self, what: &str) -> Result<T, StoreError>;
    fn with_ctx(self, what: impl FnOnce() -> String) -> Result<T, StoreError>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Ctx<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Result<T, StoreError> {
        self.map_err(|e| classify(what, e))
    }
    fn with_ctx(self, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|e| classify(what(), e))
    }
}

/// A failure as a [`StoreError`] of the kind a caller acts on. SQLite's busy and locked errors
/// (another connection or process held the lock past the busy timeout) are `Unavailable`,
/// with their code: the same step a moment later should succeed, so the web edge answers 503
/// with `Retry-After` instead of a plain failure. Everything else stays unclassified.
pub(crate) fn classify(
    what: impl Into<String>,
    e: impl std::error::Error + Send + Sync + 'static,
) -> StoreError {
    let code = (&e as &(dyn std::error::Error + 'static))
        .downcast_ref::<rusqlite::Error>()
        .and_then(|e| e.sqlite_error_code());
    match code {
        Some(c @ (ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)) => {
            let name = if c == ErrorCode::DatabaseBusy {
                "SQLITE_BUSY"
            } else {
                "SQLITE_LOCKED"
            };
            StoreError::of(StoreErrorKind::Unavailable, what)
                .with_code(name)
                .with_source(e)
        }
        _ => StoreError::new(what, e),
    }
}

/// A timestamp as stored (see [`V1`] for why this form).
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .with_ctx(|| format!("reading the stored time {s:?}"))
}

pub(crate) fn to_json<T: Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value).with_ctx(|| format!("encoding {what}"))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).with_ctx(|| format!("decoding {what}"))
}

/// Versions are `u64` in the ports and `INTEGER` (i64) in SQLite.
pub(crate) fn to_i64(n: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(n).with_ctx(|| format!("{what} {n} is too large to store"))
}

pub(crate) fn to_u64(n: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(n).with_ctx(|| format!("stored {what} {n} is negative"))
}
