//! Checking answers against the published OpenAPI document: the document's schemas are JSON
//! Schema 2020-12, validated with the whole `components/schemas` as the root so that `$ref`s
//! resolve, and made strict first — an object may carry only the properties its schema names
//! (`unevaluatedProperties: false`), so an undocumented field fails like a missing one.

use serde_json::{Map, Value, json};

const SCHEMAS: &str = "#/components/schemas/";
const RESPONSES: &str = "#/components/responses/";
/// The suffix of a component's copy that leaves its own level open, for use inside `allOf`
/// (where the sibling schemas add the rest of the properties and the parent is strict).
const LAX: &str = "__lax";

/// The document as served, with its schemas made strict.
pub struct Contract {
    pub doc: Value,
    schemas: Value,
}

impl Contract {
    pub fn new() -> Contract {
        let doc: Value =
            serde_json::from_str(&mendwork_web::api::openapi().to_json().unwrap()).unwrap();
        let mut schemas = Map::new();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            schemas.insert(name.clone(), strict(schema, true));
            schemas.insert(format!("{name}{LAX}"), strict(schema, false));
        }
        Contract {
            doc,
            schemas: Value::Object(schemas),
        }
    }

    /// The schema of the JSON answer `status` of `method path` (a path template), as the
    /// document gives it; panics if the operation or the status is not in the document.
    pub fn response_schema(&self, method: &str, path: &str, status: u16) -> Value {
        let op = &self.doc["paths"][path][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the document");
        let mut response = &op["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which the document does not list"
        );
        if let Some(name) = response["$ref"].as_str() {
            let name = name.strip_prefix(RESPONSES).expect("a response reference");
            response = &self.doc["components"]["responses"][name];
        }
        let schema = &response["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {path} {status}: no JSON schema"
        );
        schema.clone()
    }

    /// The schema of the JSON request body of `method path`, if it takes one.
    pub fn request_schema(&self, method: &str, path: &str) -> Option<Value> {
        let op = &self.doc["paths"][path][method.to_ascii_lowercase()];
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        schema.is_object().then(|| schema.clone())
    }

    /// Why `body` does not match `schema` (a schema of this document); empty when it does.
    pub fn errors_against(&self, schema: &Value, body: &Value) -> Vec<String> {
        let mut root = strict(schema, true);
        root.as_object_mut()
            .unwrap()
            .insert("components".into(), json!({ "schemas": self.schemas }));
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
        validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Why `body` is not a valid answer `status` of `method path`; empty when it is.
    pub fn errors(&self, method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
        self.errors_against(&self.response_schema(method, path, status), body)
    }

    /// Panics unless `body` (text) is a valid JSON answer `status` of `method path`.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &str) -> Value {
        let value: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{method} {path} {status}: not JSON ({e}): {body}"));
        let errors = self.errors(method, path, status, &value);
        assert!(
            errors.is_empty(),
            "{method} {path} {status} does not match the document:\n{}\n{body}",
            errors.join("\n")
        );
        value
    }

    /// Every operation of the document: (method, path template).
    pub fn operations(&self) -> Vec<(String, String)> {
        let mut out = vec![];
        for (path, item) in self.doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                out.push((method.to_ascii_uppercase(), path.clone()));
            }
        }
        out
    }
}

/// `node` with every object that names its properties closed to any other (at its own level
/// when `top`; `allOf` members are left open and their parent closed instead).
fn strict(node: &Value, top: bool) -> Value {
    let Value::Object(m) = node else {
        return node.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        let v = match (k.as_str(), v) {
            ("properties" | "patternProperties", Value::Object(props)) => Value::Object(
                props
                    .iter()
                    .map(|(name, s)| (name.clone(), strict(s, true)))
                    .collect(),
            ),
            ("items" | "additionalProperties" | "not", s) => strict(s, true),
            ("prefixItems", Value::Array(items)) => {
                Value::Array(items.iter().map(|s| strict(s, true)).collect())
            }
            ("oneOf" | "anyOf", Value::Array(items)) => {
                Value::Array(items.iter().map(|s| strict(s, top)).collect())
            }
            ("allOf", Value::Array(items)) => {
                Value::Array(items.iter().map(|s| strict(s, false)).collect())
            }
            ("$ref", Value::String(r)) if !top && r.starts_with(SCHEMAS) => {
                Value::String(format!("{r}{LAX}"))
            }
            (_, v) => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    let names_properties = m.contains_key("properties") || m.contains_key("allOf");
    if top && names_properties && !m.contains_key("additionalProperties") {
        out.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}
