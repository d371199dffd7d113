//! Checks template.yaml against the code it deploys: every Lambda crate under functions/ is a
//! function built by cargo-lambda for provided.al2023 on arm64, the table is the one the AWS
//! adapters expect (key schema from `mendwork_aws::schema`), the stream filters split on the
//! outbox `kind`, the functions get exactly the adapters' environment, and every API route
//! reaches a route of the shared router.
//! (What each function is granted is checked in template_grants.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use support::template::{Template, crate_bin_name, functions_dir, lambda_crates};

/// Crates under functions/ that are not Lambda functions.
const NOT_LAMBDAS: [&str; 2] = ["handlers", "load-config"];

#[test]
fn every_function_runs_on_provided_al2023_and_arm64() {
    let t = Template::load();
    let functions = t.functions();
    assert!(!functions.is_empty());
    for (name, f) in &functions {
        assert_eq!(
            t.function_property(f, "Runtime"),
            Some(json!("provided.al2023")),
            "{name}"
        );
        assert_eq!(
            t.function_property(f, "Architectures"),
            Some(json!(["arm64"])),
            "{name}"
        );
        assert_eq!(
            t.function_property(f, "Handler"),
            Some(json!("bootstrap")),
            "{name}"
        );
    }
}

#[test]
fn every_lambda_crate_has_exactly_one_function_built_by_cargo_lambda() {
    let t = Template::load();
    let mut by_dir: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, f) in t.functions() {
        assert_eq!(
            f.pointer("/Metadata/BuildMethod"),
            Some(&json!("rust-cargolambda")),
            "{name}"
        );
        let code_uri = f["Properties"]["CodeUri"].as_str().unwrap().to_string();
        let dir = code_uri
            .strip_prefix("functions/")
            .unwrap_or_else(|| panic!("{name}: CodeUri {code_uri} is not under functions/"))
            .to_string();
        let binary = f.pointer("/Metadata/BuildProperties/Binary").unwrap();
        assert_eq!(
            binary.as_str(),
            Some(crate_bin_name(&dir).as_str()),
            "{name}: the Binary must be the crate's binary"
        );
        by_dir.entry(dir).or_default().push(name);
    }
    let crates = lambda_crates();
    for dir in &crates {
        if NOT_LAMBDAS.contains(&dir.as_str()) {
            assert!(!by_dir.contains_key(dir), "{dir} is not a Lambda function");
            continue;
        }
        assert_eq!(
            by_dir.get(dir).map(Vec::len),
            Some(1),
            "functions/{dir} needs exactly one function in template.yaml, has {:?}",
            by_dir.get(dir)
        );
    }
    for dir in by_dir.keys() {
        assert!(
            crates.contains(dir),
            "template.yaml builds functions/{dir}, which is not a crate"
        );
    }
    assert!(
        functions_dir().join("load-config/Cargo.toml").exists(),
        "the load-config command"
    );
}

/// A deployed function's release build links position-dependent through its build script
/// (functions/release-link.rs): `cargo lambda build` sets `RUSTFLAGS`, which would replace any
/// flags kept in `.cargo/config.toml`, so the script is the one place `sam build` honours.
#[test]
fn every_deployed_function_is_linked_by_the_release_link_script() {
    let t = Template::load();
    for (name, f) in t.functions() {
        let code_uri = f["Properties"]["CodeUri"].as_str().unwrap();
        let dir = code_uri.strip_prefix("functions/").unwrap();
        let manifest =
            std::fs::read_to_string(functions_dir().join(dir).join("Cargo.toml")).unwrap();
        assert!(
            manifest
                .lines()
                .any(|l| l.trim() == r#"build = "../release-link.rs""#),
            "{name}: functions/{dir}/Cargo.toml must say build = \"../release-link.rs\""
        );
    }
}

#[test]
fn the_table_is_keyed_and_indexed_as_the_aws_adapters_expect() {
    use mendwork_aws::schema::*;
    let t = Template::load();
    let table = t.resource("Table");
    assert_eq!(table["Type"], "AWS::DynamoDB::Table");
    let p = &table["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        p["KeySchema"],
        json!([
            {"AttributeName": PK, "KeyType": "HASH"},
            {"AttributeName": SK, "KeyType": "RANGE"},
        ])
    );
    let defined: BTreeSet<(String, String)> = p["AttributeDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["AttributeName"].as_str().unwrap().to_string(),
                d["AttributeType"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, GSI4PK, GSI4SK, GSI5PK, GSI5SK,
        GSI6PK, GSI6SK,
    ]
    .iter()
    .map(|a| (a.to_string(), "S".to_string()))
    .collect();
    assert_eq!(defined, expected);
    let index = |name: &str, hash: &str, range: &str| {
        json!({"IndexName": name, "KeySchema": [
            {"AttributeName": hash, "KeyType": "HASH"},
            {"AttributeName": range, "KeyType": "RANGE"}],
         "Projection": {"ProjectionType": "ALL"}})
    };
    assert_eq!(
        p["GlobalSecondaryIndexes"],
        json!([
            index(GSI1, GSI1PK, GSI1SK),
            index(GSI2, GSI2PK, GSI2SK),
            index(GSI3, GSI3PK, GSI3SK),
            index(GSI4, GSI4PK, GSI4SK),
            index(GSI5, GSI5PK, GSI5SK),
            index(GSI6, GSI6PK, GSI6SK),
        ])
    );
    assert_eq!(p["StreamSpecification"]["StreamViewType"], "NEW_IMAGE");
    assert_eq!(
        p["TimeToLiveSpecification"],
        json!({"AttributeName": TTL, "Enabled": true})
    );
    assert_eq!(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(
        table["DeletionPolicy"], "Retain",
        "the data outlives the stack"
    );
}

#[test]
fn the_stream_consumers_split_outbox_records_on_their_kind() {
    let t = Template::load();
    let filter = |function: &str| -> Value {
        let f = t.resource(function);
        let events = f["Properties"]["Events"].as_object().unwrap();
        assert_eq!(events.len(), 1, "{function}: one event source");
        let e = events.values().next().unwrap();
        assert_eq!(e["Type"], "DynamoDB", "{function}");
        let p = &e["Properties"];
        assert_eq!(p["Stream"], json!({"Fn::GetAtt": "Table.StreamArn"}));
        assert_eq!(
            p["FunctionResponseTypes"],
            json!(["ReportBatchItemFailures"])
        );
        assert_eq!(
            p["DestinationConfig"]["OnFailure"]["Destination"],
            json!({"Fn::GetAtt": "DeadLetterQueue.Arn"}),
            "{function}: failed batches go to the dead-letter queue"
        );
        let filters = p["FilterCriteria"]["Filters"].as_array().unwrap();
        assert_eq!(filters.len(), 1, "{function}");
        serde_json::from_str(filters[0]["Pattern"].as_str().unwrap()).unwrap()
    };
    let kind = mendwork_aws::schema::KIND;
    assert_eq!(
        filter("DispatchFunction"),
        json!({"eventName": ["INSERT"], "dynamodb": {"NewImage": {kind: {"S": ["run"]}}}})
    );
    assert_eq!(
        filter("OutboxFunction"),
        json!({"eventName": ["INSERT"], "dynamodb": {"NewImage": {kind: {"S": [{"anything-but": ["run"]}]}}}})
    );
}

#[test]
fn every_function_gets_the_adapters_environment_and_no_secret_value() {
    let t = Template::load();
    let vars = t.globals()["Function"]["Environment"]["Variables"].clone();
    let names: BTreeSet<&str> = vars
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "MENDWORK_TABLE",
        "MENDWORK_SCHEDULER_GROUP",
        "MENDWORK_SCHEDULER_ROLE_ARN",
        "MENDWORK_ACCEPT_TARGET_ARN",
        "MENDWORK_FOLLOWUP_TARGET_ARN",
        "MENDWORK_RECURRING_TARGET_ARN",
        "MENDWORK_SENDER",
        "MENDWORK_ORIGINATION_NUMBER",
        "MENDWORK_LINK_SECRET_ARN",
        "MENDWORK_BASE_URL",
        "MENDWORK_FILE_BUCKET",
        mendwork_handlers::metrics::NAMESPACE_VAR,
    ]
    .into_iter()
    .collect();
    assert_eq!(names, expected);
    assert_eq!(
        vars["MENDWORK_LINK_SECRET_ARN"],
        json!({"Ref": "LinkSecret"})
    );
    assert_eq!(
        t.resource("LinkSecret")["Type"],
        "AWS::SecretsManager::Secret"
    );
    assert!(
        t.resource("LinkSecret")["Properties"]["GenerateSecretString"].is_object(),
        "the secret is generated by Secrets Manager, never written down"
    );
    // Besides it, the functions that send webhooks (and only they) have their secrets' ARN,
    // and those that talk to Buildium (only in a stack that connects it) its credentials'.
    let webhooks = json!({"Ref": "WebhookSecrets"});
    let buildium =
        json!({"Fn::If": ["ConnectBuildium", {"Ref": "BuildiumSecret"}, {"Ref": "AWS::NoValue"}]});
    for (name, f) in t.functions() {
        let Some(own) = f["Properties"].get("Environment") else {
            continue;
        };
        let want = match name.as_str() {
            "OutboxFunction" | "SweeperFunction" => json!({
                "MENDWORK_WEBHOOK_SECRETS_ARN": webhooks,
                "MENDWORK_BUILDIUM_SECRET_ARN": buildium,
            }),
            "PmFunction" => json!({"MENDWORK_WEBHOOK_SECRETS_ARN": webhooks}),
            "PmsPollFunction" => {
                assert_eq!(f["Condition"], "ConnectBuildium", "{name}");
                json!({"MENDWORK_BUILDIUM_SECRET_ARN": {"Ref": "BuildiumSecret"}})
            }
            _ => panic!("{name}: only the global environment"),
        };
        assert_eq!(own["Variables"], want, "{name}");
    }
    let secret = t.resource("BuildiumSecret");
    assert_eq!(secret["Condition"], "ConnectBuildium");
    let placeholder = secret["Properties"]["SecretString"].as_str().unwrap();
    assert!(
        mendwork_aws::secrets::parse_buildium(placeholder.as_bytes()).is_err(),
        "the Buildium secret is the team's to set; its placeholder is refused, never used"
    );
    assert_eq!(
        t.resource("WebhookSecrets")["Properties"]["SecretString"],
        "{}",
        "the webhook secrets are the team's to set, never written down here"
    );
    // The timer targets are the timer functions.
    for (var, function) in [
        ("MENDWORK_ACCEPT_TARGET_ARN", "AcceptTimeoutFunction"),
        ("MENDWORK_FOLLOWUP_TARGET_ARN", "FollowupsFunction"),
        ("MENDWORK_RECURRING_TARGET_ARN", "RecurringFunction"),
    ] {
        let arn = vars[var]["Fn::Sub"].as_str().unwrap();
        let fname = t.resource(function)["Properties"]["FunctionName"]["Fn::Sub"]
            .as_str()
            .unwrap();
        assert!(arn.ends_with(&format!(":function:{fname}")), "{var}");
    }
}

#[test]
fn every_function_has_an_errors_alarm_and_async_ones_a_dead_letter_destination() {
    let t = Template::load();
    let alarmed: BTreeSet<String> = t
        .resources_of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, a)| a["Properties"]["MetricName"] == "Errors")
        .filter_map(|(_, a)| {
            a["Properties"]["Dimensions"][0]["Value"]["Ref"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    for (name, f) in t.functions() {
        assert!(alarmed.contains(&name), "{name} has no Errors alarm");
        let events = f["Properties"]["Events"].as_object();
        let streams = events.is_some_and(|e| e.values().any(|e| e["Type"] == "DynamoDB"));
        let http = name.ends_with("Function")
            && ["Intake", "Approval", "Pm", "Desk"]
                .iter()
                .any(|h| name == format!("{h}Function"));
        // The sweeper's and the poll's events say nothing: a failed run is done again by the
        // next one.
        let scheduled = ["SweeperFunction", "PmsPollFunction"].contains(&name.as_str());
        if !streams && !http && !scheduled {
            assert_eq!(
                f["Properties"]["EventInvokeConfig"]["DestinationConfig"]["OnFailure"]["Destination"],
                json!({"Fn::GetAtt": "DeadLetterQueue.Arn"}),
                "{name}: an asynchronous function sends what fails to the dead-letter queue"
            );
        }
    }
    let dlq_alarm = t
        .resources_of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .any(|(_, a)| a["Properties"]["Namespace"] == "AWS/SQS");
    assert!(dlq_alarm, "an alarm on the dead-letter queue's depth");
}

#[test]
fn the_outputs_give_the_form_the_api_the_topic_and_the_table() {
    let t = Template::load();
    let outputs = t.outputs();
    for name in [
        "TenantFormUrl",
        "ApiUrl",
        "InboundSmsTopicArn",
        "TableName",
        "LoadConfigCommand",
    ] {
        assert!(outputs.get(name).is_some(), "output {name}");
    }
    let command = outputs["LoadConfigCommand"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap();
    assert!(command.starts_with("mendwork-load-config --table ${Table}"));
}

#[test]
fn api_routes_go_to_the_function_that_owns_their_path() {
    let t = Template::load();
    let owner = |path: &str| -> &str {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "" | "report" | "thanks" | "n" | "s" | "v" | "files" | "photos" | "uploads" => {
                "IntakeIntegration"
            }
            "approve" => "ApprovalIntegration",
            "pm" | "login" | "logout" => "PmIntegration",
            "desk" => "DeskIntegration",
            "api" if path.starts_with("/api/visits") => "DeskIntegration",
            "api" => "PmIntegration",
            other => panic!("a route under /{other} belongs to no function"),
        }
    };
    let routes = t.routes();
    assert!(routes.len() > 20, "{routes:?}");
    for (key, integration, _) in &routes {
        let path = key.split_once(' ').unwrap().1;
        assert_eq!(integration, owner(path), "{key}");
    }
    // Who may call what is the app's business (team sessions, signed links), not IAM's: the
    // team's browsers could not sign requests.
    for (key, _, auth) in &routes {
        assert!(auth.is_none(), "{key}: {auth:?}");
    }
}

#[tokio::test]
async fn every_api_route_reaches_a_route_of_the_shared_router() {
    use tower::ServiceExt;
    let (app, _) = support::local::local();
    let router = mendwork_handlers::http::router(app);
    for (key, _, _) in Template::load().routes() {
        let (method, pattern) = key.split_once(' ').unwrap();
        let path: String = pattern
            .split('/')
            .map(|s| if s.starts_with('{') { "x-unknown" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let request = axum::http::Request::builder()
            .method(method)
            .uri(&path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        // The router's own "no such route" is an empty 404 or a 405; a handler that finds no
        // such work order, token or visit answers with a page or JSON.
        assert_ne!(status, 405, "{key}: the router has no {method} on {path}");
        assert!(
            !(status == 404 && body.is_empty()),
            "{key}: the router has no route for {path}"
        );
    }
}

#[tokio::test]
async fn the_templates_table_is_the_one_create_table_makes_on_moto() {
    let Some(w) =
        support::aws::World::start("template table", support::aws::utc("2026-03-04T15:00:00Z"))
            .await
    else {
        return;
    };
    let described = w
        .aws
        .dynamodb()
        .describe_table()
        .table_name(support::aws::TABLE)
        .send()
        .await
        .unwrap();
    let table = described.table().unwrap();
    let keys = |k: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Value {
        Value::Array(
            k.iter()
                .map(|e| json!({"AttributeName": e.attribute_name(), "KeyType": e.key_type().as_str()}))
                .collect(),
        )
    };
    let mut made = json!({
        "KeySchema": keys(table.key_schema()),
        "AttributeDefinitions": table.attribute_definitions().iter().map(|d| json!({
            "AttributeName": d.attribute_name(), "AttributeType": d.attribute_type().as_str()
        })).collect::<Vec<_>>(),
        "GlobalSecondaryIndexes": table.global_secondary_indexes().iter().map(|g| json!({
            "IndexName": g.index_name(),
            "KeySchema": keys(g.key_schema()),
            "Projection": {"ProjectionType": g.projection().and_then(|p| p.projection_type()).map(|t| t.as_str())},
        })).collect::<Vec<_>>(),
        "StreamViewType": table.stream_specification().and_then(|s| s.stream_view_type()).map(|v| v.as_str()),
    });
    let t = Template::load();
    let p = &t.resource("Table")["Properties"];
    let mut declared = json!({
        "KeySchema": p["KeySchema"],
        "AttributeDefinitions": p["AttributeDefinitions"],
        "GlobalSecondaryIndexes": p["GlobalSecondaryIndexes"],
        "StreamViewType": p["StreamSpecification"]["StreamViewType"],
    });
    for v in [&mut made, &mut declared] {
        for list in ["AttributeDefinitions", "GlobalSecondaryIndexes"] {
            let mut items = v[list].as_array().cloned().unwrap();
            items.sort_by_key(|i| i.to_string());
            v[list] = Value::Array(items);
        }
    }
    assert_eq!(made, declared);
}

#[test]
fn the_sweeper_runs_every_five_minutes_and_its_figures_have_alarms() {
    use mendwork_handlers::metrics;
    let t = Template::load();
    let sweeper = t.resource("SweeperFunction");
    let events = sweeper["Properties"]["Events"].as_object().unwrap();
    assert_eq!(events.len(), 1);
    let schedule = events.values().next().unwrap();
    assert_eq!(schedule["Type"], "ScheduleV2");
    assert_eq!(
        schedule["Properties"]["ScheduleExpression"],
        "rate(5 minutes)"
    );
    assert!(
        schedule["Properties"].get("GroupName").is_none(),
        "the stack's group holds timers only"
    );
    let namespace = json!({"Fn::Sub": "Mendwork/${AWS::StackName}"});
    assert_eq!(
        t.globals()["Function"]["Environment"]["Variables"][metrics::NAMESPACE_VAR],
        namespace
    );
    let alarms = t.resources_of_type("AWS::CloudWatch::Alarm");
    let on = |metric: &str| {
        alarms
            .iter()
            .find(|(_, a)| a["Properties"]["MetricName"] == metric)
            .map(|(_, a)| a["Properties"].clone())
            .unwrap_or_else(|| panic!("no alarm on {metric}"))
    };
    let oldest = on(metrics::OLDEST_UNDONE);
    assert_eq!(oldest["Namespace"], namespace);
    assert_eq!(
        oldest["TreatMissingData"], "breaching",
        "a sweeper that stops is stuck too"
    );
    assert!(oldest["Threshold"].as_i64().unwrap() <= 15 * 60);
    let faults = on(metrics::CONFIGURATION_FAULTS);
    assert_eq!(faults["Namespace"], namespace);
    assert_eq!(faults["Statistic"], "Sum");
    let spend = on("SMSMonthToDateSpentUSD");
    assert_eq!(spend["Namespace"], "AWS/SNS");
    assert_eq!(spend["Threshold"], json!({"Ref": "SmsSpendAlarmUsd"}));
    for a in [oldest, faults, spend] {
        assert_eq!(a["AlarmActions"], json!([{"Ref": "AlarmTopic"}]));
    }
}

#[test]
fn aws_waf_is_optional_and_fronts_the_http_api_through_cloudfront_in_us_east_1() {
    let t = Template::load();
    assert_eq!(t.0["Parameters"]["WafRequestsPer5Minutes"]["Default"], 0);
    for name in ["WebAcl", "Distribution"] {
        assert_eq!(
            t.resource(name)["Condition"],
            "UseWaf",
            "{name} only when asked for"
        );
    }
    let acl = &t.resource("WebAcl")["Properties"];
    assert_eq!(
        acl["Scope"], "CLOUDFRONT",
        "WAF cannot attach to an HTTP API"
    );
    let rule = &acl["Rules"][0];
    assert_eq!(rule["Action"], json!({"Block": {}}));
    assert_eq!(
        rule["Statement"]["RateBasedStatement"]["Limit"],
        json!({"Ref": "WafRequestsPer5Minutes"})
    );
    assert_eq!(
        rule["Statement"]["RateBasedStatement"]["AggregateKeyType"],
        "IP"
    );
    let d = &t.resource("Distribution")["Properties"]["DistributionConfig"];
    assert_eq!(d["WebACLId"], json!({"Fn::GetAtt": "WebAcl.Arn"}));
    let behaviour = &d["DefaultCacheBehavior"];
    assert!(
        behaviour["AllowedMethods"]
            .as_array()
            .unwrap()
            .contains(&json!("POST")),
        "forms and the API post through it"
    );
    assert!(
        d["Origins"][0]["DomainName"]
            .to_string()
            .contains("HttpApi.ApiEndpoint")
    );
    // CloudFront's web ACLs can only be made in us-east-1: the template says so up front.
    let rule = &t.0["Rules"]["WafLivesInUsEast1"];
    assert!(
        rule["Assertions"][0]["Assert"]
            .to_string()
            .contains("us-east-1")
    );
    // Links and the bucket's CORS origin follow the distribution when it is on.
    let base = &t.globals()["Function"]["Environment"]["Variables"]["MENDWORK_BASE_URL"];
    assert!(
        base.to_string().contains("Distribution.DomainName"),
        "{base}"
    );
    let cors = &t.resource("FileBucket")["Properties"]["CorsConfiguration"]["CorsRules"][0];
    assert_eq!(&cors["AllowedOrigins"][0], base);
}
