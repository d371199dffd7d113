//! Mendwork's pure domain core: work-order state machine, triage, SMS grammar, policies and
//! time-zone math. No async, no I/O, no AWS: time and ids come in as arguments.

pub mod advice;
pub mod attention;
pub mod booking;
pub mod budget;
pub mod calling;
pub mod candidates;
pub mod catalogue;
pub mod config;
pub mod danger;
pub mod decide;
pub mod delivery;
pub mod disclosure;
pub mod effects;
pub mod endpoints;
pub mod import;
pub mod limits;
pub mod localtime;
pub mod messages;
pub mod metrics;
pub mod outbound;
pub mod overdue;
pub mod pms_changes;
pub mod portfolio;
pub mod replies;
pub mod routing;
pub mod safety;
pub mod segments;
pub mod sms;
pub mod stored;
pub mod text;
pub mod texting;
pub mod triage;
pub mod types;
pub mod unscheduled;
pub mod visits;
pub mod workorder;

pub use portfolio::*;
pub use types::*;
pub use workorder::*;
