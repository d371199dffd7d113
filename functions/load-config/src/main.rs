//! `mendwork-load-config --table T portfolio.yaml`: loads a portfolio into a deployed Mendwork
//! and sets its recurring schedules (the logic is `mendwork_handlers::load_config`).

use clap::Parser;
use mendwork_handlers::load_config::{Args, run};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mendwork-load-config: {}", mendwork_handlers::chain(&e));
            ExitCode::FAILURE
        }
    }
}
