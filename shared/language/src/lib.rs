//! Mendwork's language engine: how it reads people. Triage of a tenant's description (trade,
//! priority, hazards, the one safety question that would settle an open danger) and the reply
//! parser for vendors' and tenants' texts, over one normaliser and one phrase matcher.
//!
//! Rules and word lists are data (`rules/*.yaml`), embedded in the binary, parsed once at first
//! use and validated by tests; texts people read (tips, safety instructions, questions) are not
//! here but in the domain's message catalogue, keyed by the typed values this crate returns. Pure
//! and deterministic: no I/O, no clock, no randomness.

pub mod data;
pub mod model;
pub mod normalise;
pub mod phrases;
pub mod replies;
pub mod triage;
pub mod types;

pub use types::{Diagnosis, EmergencyKind, JobCode, Language, Money, Priority, Trade};
