//! Store errors from real SDK failures, end to end through an adapter: a missing table (on
//! moto), a refused connection and a service that never answers (local sockets) each reach
//! the caller as the kind it acts on, with the service's code where there is one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use mendwork_app::api_keys::ApiKeys;
use mendwork_app::ports::StoreErrorKind;
use mendwork_aws::DynamoApiKeys;
use std::time::Duration;
use support::MotoServer;

/// A client for `endpoint` that tries once and gives up after `timeout`.
async fn once(endpoint: &str, timeout: Duration) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::disabled())
        .timeout_config(TimeoutConfig::builder().operation_timeout(timeout).build())
        .load()
        .await
}

#[tokio::test]
async fn a_missing_table_is_a_not_found_store_error_with_the_service_code() {
    let Some(server) = MotoServer::shared("missing-table") else {
        return;
    };
    let client = aws_sdk_dynamodb::Client::new(&server.sdk().await);
    let keys = DynamoApiKeys::new(client, support::fresh("no-such-table"));
    let e = keys.find("k1").await.expect_err("the table does not exist");
    assert_eq!(e.kind(), StoreErrorKind::NotFound, "{e}");
    assert_eq!(e.code(), Some("ResourceNotFoundException"));
    assert!(!e.is_passing());
    assert!(
        e.failure().context.starts_with("reading an API key: "),
        "{e}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_an_unavailable_store_error() {
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sdk = once(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5)).await;
    let keys = DynamoApiKeys::new(aws_sdk_dynamodb::Client::new(&sdk), "mendwork");
    let e = keys.find("k1").await.expect_err("nothing answers");
    assert!(e.failure().context.contains("dispatch failure"), "{e}");
    assert_eq!(e.kind(), StoreErrorKind::Unavailable, "{e}");
    assert_eq!(e.code(), None);
    assert!(e.is_passing());
}

#[tokio::test]
async fn a_service_that_never_answers_is_an_unavailable_store_error() {
    // A listener that takes the connection and says nothing.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = vec![];
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let sdk = once(&endpoint, Duration::from_millis(300)).await;
    let keys = DynamoApiKeys::new(aws_sdk_dynamodb::Client::new(&sdk), "mendwork");
    let e = keys.find("k1").await.expect_err("nothing answers in time");
    held.abort();
    assert!(e.failure().context.contains("timed out"), "{e}");
    assert_eq!(e.kind(), StoreErrorKind::Unavailable, "{e}");
    assert!(e.is_passing());
}
