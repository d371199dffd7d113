//! Reads template.yaml for the tests: CloudFormation short tags (`!Ref`, `!Sub`, …) become their
//! JSON forms (`{"Ref": …}`, `{"Fn::Sub": …}`), SAM `Globals` are applied to functions, and SAM
//! policy templates are expanded to the IAM actions they grant.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn functions_dir() -> PathBuf {
    repo_root().join("functions")
}

/// Every crate directory under functions/ (by name).
pub fn lambda_crates() -> BTreeSet<String> {
    std::fs::read_dir(functions_dir())
        .expect("functions/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// The binary a functions/<dir> crate builds: its `[[bin]]` name, else its package name.
pub fn crate_bin_name(dir: &str) -> String {
    let manifest = std::fs::read_to_string(functions_dir().join(dir).join("Cargo.toml"))
        .unwrap_or_else(|e| panic!("functions/{dir}/Cargo.toml: {e}"));
    let mut section = String::new();
    let mut package = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        if let Some(value) = line.strip_prefix("name").map(str::trim)
            && let Some(value) = value.strip_prefix('=')
        {
            let value = value.trim().trim_matches('"').to_string();
            match section.as_str() {
                "[[bin]]" => return value,
                "[package]" => package = Some(value),
                _ => {}
            }
        }
    }
    package.unwrap_or_else(|| panic!("functions/{dir}/Cargo.toml has no name"))
}

pub struct Template(pub Value);

/// What a function may do: on the table's items (action, `LeadingKeys` pattern), on its
/// indexes (actions), elsewhere (actions).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Grants {
    pub items: BTreeSet<(String, String)>,
    pub indexes: BTreeSet<String>,
    /// (action, index name) granted on one index only (`${Table.Arn}/index/<name>`).
    pub one_index: BTreeSet<(String, String)>,
    pub other: BTreeSet<String>,
}

impl Template {
    pub fn load() -> Template {
        let text =
            std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml");
        let yaml: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&text).expect("template.yaml is YAML");
        Template(to_json(&yaml))
    }

    pub fn resource(&self, name: &str) -> &Value {
        self.0["Resources"]
            .get(name)
            .unwrap_or_else(|| panic!("no resource {name}"))
    }

    pub fn resources_of_type(&self, kind: &str) -> Vec<(String, Value)> {
        self.0["Resources"]
            .as_object()
            .expect("Resources")
            .iter()
            .filter(|(_, r)| r["Type"] == kind)
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect()
    }

    pub fn functions(&self) -> Vec<(String, Value)> {
        self.resources_of_type("AWS::Serverless::Function")
    }

    pub fn globals(&self) -> &Value {
        &self.0["Globals"]
    }

    pub fn outputs(&self) -> &Value {
        &self.0["Outputs"]
    }

    /// A function property as deployed: its own, else the `Globals` one.
    pub fn function_property(&self, function: &Value, name: &str) -> Option<Value> {
        function["Properties"]
            .get(name)
            .or_else(|| self.globals()["Function"].get(name))
            .cloned()
    }

    /// A function's `Policies` as deployed with every condition true (the widest stack: a
    /// policy under `!If [Condition, policy, !Ref AWS::NoValue]` is granted when it holds).
    pub fn policies(&self, function: &Value) -> Vec<Value> {
        function["Properties"]["Policies"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|p| match p.get("Fn::If") {
                Some(branches) => {
                    assert_eq!(
                        branches[2],
                        json!({"Ref": "AWS::NoValue"}),
                        "a conditional policy grants nothing otherwise: {p}"
                    );
                    branches[1].clone()
                }
                None => p,
            })
            .collect()
    }

    /// The IAM actions a function's `Policies` grant (SAM policy templates expanded).
    pub fn function_actions(&self, function: &Value) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for policy in self.policies(function) {
            let Some(map) = policy.as_object() else {
                panic!("a managed policy by name grants too much: {policy}");
            };
            for (name, body) in map {
                match name.as_str() {
                    "DynamoDBCrudPolicy" => out.extend(
                        [
                            "dynamodb:GetItem",
                            "dynamodb:DeleteItem",
                            "dynamodb:PutItem",
                            "dynamodb:Scan",
                            "dynamodb:Query",
                            "dynamodb:UpdateItem",
                            "dynamodb:BatchWriteItem",
                            "dynamodb:BatchGetItem",
                            "dynamodb:DescribeTable",
                            "dynamodb:ConditionCheckItem",
                        ]
                        .map(String::from),
                    ),
                    "AWSSecretsManagerGetSecretValuePolicy" => {
                        out.insert("secretsmanager:GetSecretValue".into());
                    }
                    "SQSSendMessagePolicy" => {
                        out.insert("sqs:SendMessage".into());
                    }
                    "Statement" => {
                        for s in body.as_array().expect("statements") {
                            match &s["Action"] {
                                Value::String(a) => {
                                    out.insert(a.clone());
                                }
                                Value::Array(list) => out.extend(
                                    list.iter().filter_map(|a| a.as_str().map(String::from)),
                                ),
                                other => panic!("odd Action {other}"),
                            }
                        }
                    }
                    other => panic!("unexpected policy {other}: add it to the test's list"),
                }
            }
        }
        out
    }

    /// A function's inline policy statements (its `Policies: - Statement:` lists).
    pub fn statements(&self, function: &Value) -> Vec<Value> {
        self.policies(function)
            .iter()
            .filter_map(|p| p.get("Statement").and_then(Value::as_array).cloned())
            .flatten()
            .collect()
    }

    /// What a function's policies grant, split as `mendwork_aws::iam` describes it.
    pub fn grants(&self, function: &Value) -> Grants {
        let mut g = Grants::default();
        for policy in self.policies(function) {
            if policy
                .get("AWSSecretsManagerGetSecretValuePolicy")
                .is_some()
            {
                g.other.insert("secretsmanager:GetSecretValue".into());
            }
            if policy.get("SQSSendMessagePolicy").is_some() {
                g.other.insert("sqs:SendMessage".into());
            }
        }
        for st in self.statements(function) {
            assert_eq!(st["Effect"], "Allow", "{st}");
            let actions: Vec<String> = match &st["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(l) => l
                    .iter()
                    .filter_map(|a| a.as_str().map(String::from))
                    .collect(),
                other => panic!("odd Action {other}"),
            };
            let table = st["Resource"] == json!({"Fn::GetAtt": "Table.Arn"});
            let index = st["Resource"] == json!({"Fn::Sub": "${Table.Arn}/index/*"});
            let one_index = st["Resource"]["Fn::Sub"]
                .as_str()
                .and_then(|r| r.strip_prefix("${Table.Arn}/index/"))
                .filter(|name| *name != "*");
            if let Some(name) = one_index {
                for a in &actions {
                    g.one_index.insert((a.clone(), name.to_string()));
                }
            } else if table {
                let keys = st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
                    .as_array()
                    .unwrap_or_else(|| panic!("a table statement without LeadingKeys: {st}"));
                for a in &actions {
                    for k in keys {
                        g.items.insert((a.clone(), k.as_str().unwrap().to_string()));
                    }
                }
            } else if index {
                g.indexes.extend(actions);
            } else {
                assert!(
                    !actions.iter().any(|a| a.starts_with("dynamodb:")),
                    "DynamoDB on a resource that is not the table or its indexes: {st}"
                );
                g.other.extend(actions);
            }
        }
        g
    }

    /// Every HTTP API route: (route key, integration resource, authorization if any).
    pub fn routes(&self) -> Vec<(String, String, Option<Value>)> {
        self.resources_of_type("AWS::ApiGatewayV2::Route")
            .into_iter()
            .map(|(name, r)| {
                let p = &r["Properties"];
                let key = p["RouteKey"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: RouteKey"))
                    .to_string();
                let target = p["Target"]["Fn::Sub"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: Target"));
                let integration = target
                    .strip_prefix("integrations/${")
                    .and_then(|t| t.strip_suffix('}'))
                    .unwrap_or_else(|| panic!("{name}: Target {target}"))
                    .to_string();
                (key, integration, p.get("AuthorizationType").cloned())
            })
            .collect()
    }
}

/// YAML to JSON, with CloudFormation's short tags in their long forms.
pub fn to_json(v: &serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => json!(b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Y::String(s) => json!(s),
        Y::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    other => serde_yaml_ng::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                out.insert(key, to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let long = match name {
                "Ref" | "Condition" => name.to_string(),
                other => format!("Fn::{other}"),
            };
            json!({ long: to_json(&t.value) })
        }
    }
}
