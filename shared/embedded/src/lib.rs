//! Embedded adapters for local mode: one SQLite file holds the work orders, timelines, outbox,
//! visits, idempotency keys, opt-outs, timers, API keys (hashed), the virtual clock and every
//! message "sent".
//!
//! Everything shares one connection behind a mutex ([`SqliteStore`] and the handles it hands
//! out), so a local run is one file that survives restarts and crashes: each port call is one
//! short SQLite transaction, and a transition's state and effects land together or not at all.
//! Attached files are kept in a folder beside it ([`DirFiles`]).

mod api_keys;
mod archive;
mod checkpoint;
mod clock;
mod db;
mod deliveries;
mod files;
mod limits;
mod metrics;
mod pages;
mod pms_cursors;
mod rows;
mod sent;
mod sizes;
mod stats;
mod store;
mod timers;

pub use clock::{ClockMode, VirtualClock};
pub use db::SCHEMA_VERSION;
pub use files::DirFiles;
/// Re-exported so local wiring names one crate; the ids themselves are the app's.
pub use mendwork_app::RandomIds;
pub use sent::{RecordingMailer, RecordingTexter, SentFilter, SentMessage};
pub use stats::{StoreWork, store_work};
pub use store::SqliteStore;
pub use timers::SqliteTimers;
