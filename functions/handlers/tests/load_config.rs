//! The `mendwork-load-config` command's logic: it checks the file, refuses to half-load a
//! portfolio whose recurring templates it could not schedule, and loading the same file again
//! changes nothing (on moto).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mendwork_handlers::load_config::{self, Args, LoadError};
use support::aws::{GROUP, TABLE, World, utc};
use support::template::repo_root;

fn args(file: &str) -> Args {
    Args {
        portfolio: repo_root().join(file),
        table: Some(TABLE.into()),
        scheduler_group: None,
        scheduler_role_arn: None,
        recurring_target_arn: None,
        check: false,
        backfill: false,
    }
}

#[tokio::test]
async fn a_portfolio_with_recurring_templates_needs_the_schedule_flags_and_nothing_is_written() {
    let args = args("infra/sample-portfolio.yaml");
    let portfolio = load_config::read(&args).unwrap();
    assert!(load_config::schedule_target(&args).is_none());
    // No AWS is reached: the refusal comes first (the SDK configuration points nowhere).
    let sdk = aws_config::SdkConfig::builder().build();
    let refused = load_config::load(&sdk, TABLE, None, &portfolio, utc("2026-03-04T15:00:00Z"))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, LoadError::NoScheduleTarget(2)),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("LoadConfigCommand"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_webhook_endpoint_a_deployment_cannot_reach_is_refused_with_where_it_is() {
    // Given a portfolio whose endpoint is plain http to this machine (fine locally)
    let dir = tempfile_dir("webhook");
    let file = dir.join("portfolio.yaml");
    let sample = std::fs::read_to_string(repo_root().join("infra/sample-portfolio.yaml")).unwrap();
    std::fs::write(
        &file,
        format!("{sample}\nwebhooks:\n  - name: pms\n    url: http://127.0.0.1:9000/hook\n"),
    )
    .unwrap();
    let mut a = args("infra/sample-portfolio.yaml");
    a.portfolio = file.clone();
    // When the loader reads it, then it refuses, naming the file and the field
    let e = load_config::read(&a).unwrap_err().to_string();
    assert!(e.contains("portfolio.yaml: webhooks[0].url"), "{e}");
    assert!(e.contains("https://"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir(what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mendwork-load-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_mistake_in_the_file_is_reported_with_where_it_is() {
    let dir = std::env::temp_dir().join(format!("mendwork-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("portfolio.yaml");
    let sample = std::fs::read_to_string(repo_root().join("infra/sample-portfolio.yaml")).unwrap();
    std::fs::write(&file, sample.replace("America/New_York", "America/NewYork")).unwrap();
    let mut a = args("infra/sample-portfolio.yaml");
    a.portfolio = file.clone();
    let e = load_config::read(&a).unwrap_err().to_string();
    assert!(e.contains("portfolio.yaml"), "{e}");
    assert!(e.contains("America/NewYork"), "{e}");
    assert!(e.contains("line"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn loading_the_same_portfolio_again_changes_nothing() {
    let start = utc("2026-03-04T15:00:00Z");
    // The world loaded the sample portfolio once with the load-config code.
    let Some(w) = World::start("load twice", start).await else {
        return;
    };
    let before: Vec<String> = w.schedules().await.into_iter().map(|s| s.name).collect();
    assert_eq!(
        before.len(),
        2,
        "one schedule per recurring template: {before:?}"
    );
    let stored = mendwork_aws::read_portfolio(w.aws.dynamodb(), TABLE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);

    let mut again = args("infra/sample-portfolio.yaml");
    again.scheduler_group = Some(GROUP.into());
    again.scheduler_role_arn = Some(w.cfg.scheduler_role_arn.clone());
    again.recurring_target_arn = Some(w.cfg.recurring_target_arn.clone());
    let portfolio = load_config::read(&again).unwrap();
    let loaded = load_config::load(
        &w.sdk,
        TABLE,
        load_config::schedule_target(&again).as_ref(),
        &portfolio,
        start,
    )
    .await
    .unwrap();
    assert_eq!(loaded.recurring_scheduled, 2);
    let after: Vec<String> = w.schedules().await.into_iter().map(|s| s.name).collect();
    assert_eq!(after, before);
    let stored = mendwork_aws::read_portfolio(w.aws.dynamodb(), TABLE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.version, 1,
        "an unchanged portfolio is not written again"
    );
}
