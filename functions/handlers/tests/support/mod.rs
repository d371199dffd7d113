//! Test support for the handler tests: reading template.yaml, and (in `aws`) a moto server on
//! loopback with the deployment's resources, playing the parts of AWS that moto does not run —
//! the table's stream and the scheduler's firing — through the real handlers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod aws;
pub mod driver;
pub mod local;
pub mod moto;
pub mod pms;
pub mod proxy;
pub mod template;
