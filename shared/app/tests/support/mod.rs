//! Test support shared by the PMS tests: the documented Buildium schema and a fake server.

pub mod fake_buildium;
pub mod fake_directory;
pub mod harness;
pub mod schema;
