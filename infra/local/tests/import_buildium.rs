//! The `import-buildium` command against the fake Buildium of the app's tests: it writes the
//! merged portfolio and says what changed; refused by Buildium it leaves the file as it was;
//! and on the runner, a resident request made in Buildium by an imported tenant reaches that
//! tenant by text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../shared/app/tests/support/mod.rs"]
mod support;

use chrono::{DateTime, Utc};
use mendwork_app::pms::buildium::BuildiumConfig;
use mendwork_local::{Options, SAMPLE_PORTFOLIO, start};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;
use support::fake_buildium::{CLIENT_ID, CLIENT_SECRET, FakeBuildium};

const ANA: &str = "+17185550199";

async fn buildium() -> FakeBuildium {
    let fake = FakeBuildium::start().await;
    fake.add_rental(5001, "Maple Court", "120 Maple Court");
    fake.add_unit(1042, 5001, "4B");
    fake.add_tenant(
        501,
        ("Ana", "Ruiz"),
        5001,
        1042,
        "(718) 555-0199",
        "ana.ruiz@example.com",
    );
    fake.add_vendor(
        88,
        ("Pat", "Alvarez"),
        "Plumbing",
        "(718) 555-0110",
        "pat.alvarez@example.com",
        Some("2027-05-31"),
    );
    fake.add_vendor(
        89,
        ("Nia", "Okafor"),
        "Electrical",
        "(646) 555-0177",
        "nia@example.com",
        None,
    );
    fake
}

/// The portfolio and Buildium settings files in `dir`.
fn files(dir: &Path, fake: &FakeBuildium) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = dir.join("portfolio.yaml");
    std::fs::write(
        &config,
        SAMPLE_PORTFOLIO.replacen(
            "  - id: maple-court\n",
            "  - id: maple-court\n    pms_id: \"5001\"\n",
            1,
        ),
    )
    .unwrap();
    let settings = dir.join("buildium.json");
    std::fs::write(
        &settings,
        json!({"base_url": fake.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
            .to_string(),
    )
    .unwrap();
    (config, settings)
}

/// Runs the command off the runtime's threads (the fake answers on them meanwhile).
async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_import-buildium"))
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn args(config: &Path, settings: &Path) -> Vec<String> {
    vec![
        "--config".into(),
        config.display().to_string(),
        "--buildium".into(),
        settings.display().to_string(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_writes_the_merged_portfolio_and_says_what_changed() {
    let fake = buildium().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, settings) = files(dir.path(), &fake);
    let out = run(args(&config, &settings)).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("vendors: 1 added, 1 updated"), "{stdout}");
    assert!(
        stdout.contains("buildium-89 (Nia Okafor): added"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pat-plumbing (Pat Alvarez): updated: pms_id, insurance_expires"),
        "{stdout}"
    );
    assert!(stdout.contains("Wrote"), "{stdout}");
    let written = mendwork_domain::config::load_portfolio(&config).unwrap();
    assert_eq!(written.tenant_by_pms_id("501").unwrap().unit, "4B");
    // A second run finds nothing to change and leaves the file alone.
    let again = run(args(&config, &settings)).await;
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("Nothing changed"), "{stdout}");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_by_buildium_the_command_fails_and_leaves_the_file_as_it_was() {
    let fake = buildium().await;
    fake.with(|s| s.refuse_all = true);
    let dir = tempfile::tempdir().unwrap();
    let (config, settings) = files(dir.path(), &fake);
    let before = std::fs::read(&config).unwrap();
    let out = run(args(&config, &settings)).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("401") && stderr.contains("unchanged"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&config).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_request_from_an_imported_tenant_gets_the_tenant_mendworks_texts() {
    let fake = buildium().await;
    let dir = tempfile::tempdir().unwrap();
    let (config, settings) = files(dir.path(), &fake);
    assert!(run(args(&config, &settings)).await.status.success());
    // Ana (Buildium tenant 501) asks through the resident portal.
    fake.add_resident_request(1, 5001, 1042, "Kitchen sink leaks", "2026-03-04T14:30:00Z");
    let running = start(Options {
        config: Some(config),
        clock_start: Some(
            DateTime::parse_from_rfc3339("2026-03-04T15:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        ),
        buildium: Some(BuildiumConfig {
            base_url: fake.url.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }),
        ..Options::new(dir.path().join("mendwork.db"))
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let base = running.base_url.clone();
    let mut texts: Vec<Value> = vec![];
    for _ in 0..200 {
        let got: Value = http
            .get(format!("{base}/dev/outbox"))
            .query(&[("to", ANA)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        texts = got["messages"].as_array().cloned().unwrap_or_default();
        if !texts.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!texts.is_empty(), "the tenant got no text");
    let wo: Value = http
        .get(format!("{base}/api/work-orders"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wo = &wo["work_orders"][0];
    assert_eq!(wo["unit"], "4B");
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    running.shutdown().await;
}
