//! Checks the grants template.yaml gives each function against what its adapters call
//! (`mendwork_aws::iam`): no more, no less; who may send, touch schedules, files and secrets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::collections::BTreeSet;
use support::template::Template;

#[test]
fn only_the_outbox_sends_messages_and_only_timer_owners_touch_schedules() {
    let t = Template::load();
    for (name, f) in t.functions() {
        let actions = t.function_actions(&f);
        let sends = actions.contains("ses:SendEmail") || actions.contains("sns:Publish");
        let senders = ["OutboxFunction", "SweeperFunction"];
        assert_eq!(
            sends,
            senders.contains(&name.as_str()),
            "{name}: {actions:?}"
        );
        let schedules = actions.contains("scheduler:CreateSchedule");
        assert_eq!(
            schedules,
            senders.contains(&name.as_str()) || name == "RecurringFunction",
            "{name}: {actions:?}"
        );
        assert_eq!(actions.contains("iam:PassRole"), schedules, "{name}");
        assert!(
            !actions.iter().any(|a| a.ends_with(":*") || a == "*"),
            "{name}: no wildcard actions: {actions:?}"
        );
    }
    // The scheduler's role invokes the three timer functions and nothing else.
    let role = t.resource("SchedulerRole");
    let statements = &role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    assert_eq!(statements.as_array().unwrap().len(), 1);
    assert_eq!(statements[0]["Action"], "lambda:InvokeFunction");
    let targets: Vec<&str> = statements[0]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Fn::Sub"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 3);
    for suffix in ["-accept-timeout", "-followups", "-recurring"] {
        assert!(targets.iter().any(|t| t.ends_with(suffix)), "{suffix}");
    }
}

#[test]
fn only_intake_touches_the_photos_of_the_private_file_bucket_which_forgets_unclaimed_uploads() {
    use mendwork_app::files::ARCHIVED_TIMELINES;
    use mendwork_aws::files::{FILES_PREFIX, UPLOADS_PREFIX};
    let t = Template::load();
    let archive = format!("${{FileBucket.Arn}}/{ARCHIVED_TIMELINES}*");
    for (name, f) in t.functions() {
        let actions = t.function_actions(&f);
        let s3: Vec<&str> = actions
            .iter()
            .filter(|a| a.starts_with("s3:"))
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let expected: &[&str] = match name.as_str() {
            "IntakeFunction" => &["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
            // Archived timelines: the sweeper writes them, the timeline views read them.
            "SweeperFunction" => &["s3:GetObject", "s3:PutObject"],
            "PmFunction" => &["s3:GetObject"],
            _ => &[],
        };
        assert_eq!(s3, expected, "{name}");
        if matches!(name.as_str(), "SweeperFunction" | "PmFunction") {
            for st in t.statements(&f) {
                if st["Action"].to_string().contains("s3:") {
                    assert_eq!(
                        st["Resource"]["Fn::Sub"], archive,
                        "{name}: the archive's prefix only"
                    );
                }
            }
        }
    }
    let intake = t.resource("IntakeFunction").to_string();
    for prefix in [UPLOADS_PREFIX, FILES_PREFIX] {
        assert!(
            intake.contains(&format!("${{FileBucket.Arn}}/{prefix}*")),
            "intake may use {prefix} and nothing else of the bucket's objects"
        );
    }
    let bucket = t.resource("FileBucket");
    assert_eq!(
        bucket["DeletionPolicy"], "Retain",
        "the files outlive the stack"
    );
    let p = &bucket["Properties"];
    for flag in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(p["PublicAccessBlockConfiguration"][flag], true, "{flag}");
    }
    let rules = p["LifecycleConfiguration"]["Rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["Prefix"] == UPLOADS_PREFIX && r["ExpirationInDays"] == 1),
        "unclaimed uploads are forgotten after a day: {rules:?}"
    );
    for kept in [FILES_PREFIX, ARCHIVED_TIMELINES, "archive/"] {
        assert!(
            !rules.iter().any(|r| r["Prefix"] == kept),
            "kept files and archived timelines never expire"
        );
    }
    let cors = p["CorsConfiguration"]["CorsRules"].as_array().unwrap();
    assert_eq!(cors.len(), 1);
    assert_eq!(
        cors[0]["AllowedMethods"],
        json!(["POST"]),
        "browsers only upload"
    );
    assert_eq!(
        t.globals()["Function"]["Environment"]["Variables"]["MENDWORK_FILE_BUCKET"],
        json!({"Ref": "FileBucket"})
    );
}

// ---------------------------------------------------------------------------------------------
// Least privilege: the template grants each function what mendwork_aws::iam says, no more

/// What the platform does with a function's role, not the adapters: send a failed event to the
/// dead-letter queue (stream and asynchronous functions).
const PLATFORM: [&str; 1] = ["sqs:SendMessage"];

#[test]
fn every_function_is_granted_exactly_what_its_adapter_calls_need_and_nothing_more() {
    use mendwork_aws::iam::{FUNCTIONS, On, needs_of};
    let t = Template::load();
    let functions = t.functions();
    let in_template: BTreeSet<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
    let in_table: BTreeSet<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        in_template, in_table,
        "every function is in mendwork_aws::iam"
    );
    for (name, f) in &functions {
        let got = t.grants(f);
        let needs = needs_of(name).unwrap();
        let mut want = support::template::Grants::default();
        for n in &needs {
            match n.on {
                On::Items(keys) => {
                    for k in keys {
                        want.items.insert((n.action.to_string(), k.to_string()));
                    }
                }
                On::Indexes => {
                    want.indexes.insert(n.action.to_string());
                }
                On::Index(name) => {
                    want.one_index
                        .insert((n.action.to_string(), name.to_string()));
                }
                _ => {
                    want.other.insert(n.action.to_string());
                }
            }
        }
        let mut other = got.other.clone();
        other.retain(|a| !PLATFORM.contains(&a.as_str()));
        assert_eq!(got.items, want.items, "{name}: the table's items");
        assert_eq!(got.indexes, want.indexes, "{name}: the indexes");
        assert_eq!(got.one_index, want.one_index, "{name}: single indexes");
        assert_eq!(other, want.other, "{name}: other services");
        // Each secret it may read is one its operations need (conditional grants included).
        let secrets: BTreeSet<String> = t
            .policies(f)
            .iter()
            .filter_map(|p| p.pointer("/AWSSecretsManagerGetSecretValuePolicy/SecretArn/Ref"))
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        let wanted: BTreeSet<String> = needs
            .iter()
            .filter_map(|n| match n.on {
                On::LinkSecret => Some("LinkSecret"),
                On::WebhookSecrets => Some("WebhookSecrets"),
                On::BuildiumSecret => Some("BuildiumSecret"),
                _ => None,
            })
            .map(String::from)
            .collect();
        assert_eq!(secrets, wanted, "{name}: the secrets it may read");
        // No managed policy of SAM's: they grant the whole table.
        for p in &t.policies(f) {
            for key in p.as_object().unwrap().keys() {
                assert!(
                    [
                        "Statement",
                        "AWSSecretsManagerGetSecretValuePolicy",
                        "SQSSendMessagePolicy"
                    ]
                    .contains(&key.as_str()),
                    "{name}: {key} grants more than the adapters need"
                );
            }
        }
    }
}

#[test]
fn the_public_intake_function_may_not_touch_guards_opt_outs_or_the_configuration() {
    let t = Template::load();
    let g = t.grants(t.resource("IntakeFunction"));
    for (action, key) in &g.items {
        let read = ["dynamodb:GetItem", "dynamodb:Query"].contains(&action.as_str());
        assert!(
            !["SENT#*", "VENDORPHONE#*"].contains(&key.as_str())
                && (read || !["OPTOUTS", "CONFIG"].contains(&key.as_str())),
            "{action} on {key}"
        );
    }
    // Its only updates are a rate-limit counter (the form's stored limits and stamp) and the
    // metrics rows its commits add to.
    assert!(
        g.items
            .iter()
            .all(|(a, k)| a != "dynamodb:UpdateItem" || k == "LIMIT#*" || k == "METRIC#*"),
        "{:?}",
        g.items
    );
    assert!(
        g.indexes.is_empty(),
        "intake lists nothing: {:?}",
        g.indexes
    );
}

#[test]
fn email_with_an_invite_may_go_as_raw_mime_from_the_sender_only() {
    let t = Template::load();
    for name in ["OutboxFunction", "SweeperFunction"] {
        let f = t.resource(name);
        let ses: Vec<Value> = t
            .statements(f)
            .into_iter()
            .filter(|s| s["Action"].to_string().contains("ses:"))
            .collect();
        assert_eq!(ses.len(), 1, "{name}");
        assert_eq!(
            ses[0]["Action"],
            json!(["ses:SendEmail", "ses:SendRawEmail"])
        );
        assert_eq!(
            ses[0]["Condition"]["StringEquals"]["ses:FromAddress"],
            json!({"Ref": "SenderEmail"}),
            "{name}: only from the sender"
        );
    }
}

#[test]
fn a_send_claim_outlives_every_function_that_sends() {
    let t = Template::load();
    for name in ["OutboxFunction", "SweeperFunction"] {
        let timeout = t
            .function_property(t.resource(name), "Timeout")
            .and_then(|v| v.as_i64())
            .unwrap();
        assert!(
            timeout < mendwork_aws::senders::LEASE_SECONDS,
            "{name}: a claim must outlive the process that made it ({timeout} s)"
        );
    }
}
