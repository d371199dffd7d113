//! The cold-start baseline: a Lambda function on the same runtime crate that answers every
//! event with `{}` — what "the bare Rust runtime" costs on this machine, in this build profile.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        Ok::<Value, Error>(json!({}))
    }))
    .await
}
