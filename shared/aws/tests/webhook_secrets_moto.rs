//! The webhook endpoints' secrets as a deployed function reads them at start, from the stack's
//! Secrets Manager secret: one or two per endpoint, and a value that is not secrets stopping
//! webhooks only, never the function.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_app::webhooks::WebhookSecret;
use mendwork_aws::{Aws, AwsConfig, load_portfolio};
use mendwork_domain::config::parse_portfolio;
use support::{MotoServer, fresh};

async fn connect(server: &MotoServer, webhook_secrets: Option<&str>) -> Aws {
    let sdk = server.sdk().await;
    let (dynamodb, table) = support::table(&sdk).await;
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../infra/sample-portfolio.yaml"
    ))
    .unwrap();
    let portfolio = parse_portfolio(&yaml, "sample-portfolio.yaml").unwrap();
    load_portfolio(&dynamodb, &table, &portfolio).await.unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let link = secrets
        .create_secret()
        .name(fresh("links"))
        .secret_string("0123456789abcdef0123456789abcdef-test-key")
        .send()
        .await
        .unwrap();
    let webhook_secrets_arn = match webhook_secrets {
        Some(value) => Some(
            secrets
                .create_secret()
                .name(fresh("webhooks"))
                .secret_string(value)
                .send()
                .await
                .unwrap()
                .arn()
                .unwrap()
                .to_string(),
        ),
        None => None,
    };
    let (_, group) = support::schedule_group(&sdk).await;
    let targets = support::targets(&group);
    let cfg = AwsConfig {
        table,
        scheduler_group: group,
        scheduler_role_arn: targets.role_arn,
        accept_target_arn: targets.accept_arn,
        followup_target_arn: targets.followup_arn,
        recurring_target_arn: targets.recurring_arn,
        sender: "noreply@example.com".into(),
        origination_number: None,
        link_secret_arn: link.arn().unwrap().to_string(),
        base_url: "https://mendwork.example.com".into(),
        file_bucket: None,
        webhook_secrets_arn,
        buildium_secret_arn: None,
    };
    Aws::connect_with(&sdk, cfg).await.unwrap()
}

#[tokio::test]
async fn a_function_reads_each_endpoints_secrets_at_start() {
    let Some(server) = MotoServer::shared("webhook-secrets") else {
        return;
    };
    // Given the stack's webhook secret with one endpoint rotating and one not
    let (new, old, one) = (
        WebhookSecret::generate(),
        WebhookSecret::generate(),
        WebhookSecret::generate(),
    );
    let value = serde_json::json!({
        "pms": [new.reveal(), old.reveal()],
        "books": one.reveal(),
    })
    .to_string();
    // When a function starts with it
    let aws = connect(&server, Some(&value)).await;
    // Then it signs with both secrets of the first and the one of the second
    let app = aws.app();
    assert_eq!(app.webhooks.secrets.of("pms"), [new, old]);
    assert_eq!(app.webhooks.secrets.of("books"), [one]);
    assert!(app.webhooks.secrets.of("other").is_empty());
}

#[tokio::test]
async fn a_secret_that_is_not_webhook_secrets_stops_webhooks_not_the_function() {
    let Some(server) = MotoServer::shared("webhook-secrets-bad") else {
        return;
    };
    // Given a webhook secret the team filled in wrongly, and a stack without one
    let bad = connect(&server, Some(r#"{"pms": "not-a-whsec-secret"}"#)).await;
    let none = connect(&server, None).await;
    // Then the functions start, with no secret to sign with
    assert!(bad.app().webhooks.secrets.of("pms").is_empty());
    assert!(none.app().webhooks.secrets.of("pms").is_empty());
}
