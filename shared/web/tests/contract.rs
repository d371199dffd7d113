//! The published contract as a document: OpenAPI 3.1, whole (every reference resolves, every
//! schema compiles), the same routes as the router both ways, and served open at
//! `/api/openapi.json` in local and deployed mode.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mendwork_app::queries::{DEFAULT_PAGE, MAX_PAGE};
use serde_json::Value;
use std::collections::BTreeSet;
use support::contract::Contract;

/// Every `$ref` in `node`, with where it was found.
fn refs(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref"
                    && let Some(r) = v.as_str()
                {
                    out.push((at.to_string(), r.to_string()));
                }
                refs(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The node a local reference (`#/a/b`) points at.
fn resolve<'d>(doc: &'d Value, reference: &str) -> Option<&'d Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[test]
fn the_document_is_openapi_3_1_named_and_versioned_with_every_reference_resolving() {
    let c = Contract::new();
    let doc = &c.doc;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Mendwork");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["paths"].as_object().is_some_and(|p| !p.is_empty()));
    let mut all = vec![];
    refs(doc, "#", &mut all);
    assert!(all.len() > 50, "{}", all.len());
    for (at, r) in &all {
        assert!(resolve(doc, r).is_some(), "{at}: {r} resolves to nothing");
    }
    // Every schema is JSON Schema 2020-12 that compiles with the document as its root.
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        c.errors_against(&schema, &Value::Null);
    }
}

#[test]
fn every_operation_has_a_unique_id_a_success_answer_and_its_path_parameters() {
    let c = Contract::new();
    let mut ids = BTreeSet::new();
    for (method, path) in c.operations() {
        let op = &c.doc["paths"][&path][method.to_ascii_lowercase()];
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        assert!(ids.insert(id.clone()), "operationId {id} is used twice");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{method} {path} has no success answer"
        );
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        let in_template: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        assert_eq!(declared, in_template, "{method} {path}");
    }
}

#[test]
fn the_api_needs_a_session_or_an_api_key_except_the_document_itself() {
    let c = Contract::new();
    let schemes = &c.doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], mendwork_web::auth::COOKIE_NAME);
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let global: Vec<&str> = c.doc["security"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_object().unwrap().keys().map(String::as_str))
        .collect();
    assert_eq!(global, ["session", "bearer"]);
    for (method, path) in c.operations() {
        let op = &c.doc["paths"][&path][method.to_ascii_lowercase()];
        if path == "/api/openapi.json" {
            assert_eq!(op["security"], serde_json::json!([{}]), "open");
        } else {
            assert!(op["security"].is_null(), "{method} {path} overrides");
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path}: no 401"
            );
        }
    }
}

#[test]
fn the_page_parameters_in_the_document_are_the_ones_enforced() {
    let c = Contract::new();
    for path in ["/api/work-orders", "/api/properties", "/api/vendors"] {
        let params = c.doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap();
        let limit = params.iter().find(|p| p["name"] == "limit").unwrap();
        assert_eq!(limit["schema"]["minimum"], 1, "{path}");
        assert_eq!(limit["schema"]["maximum"], MAX_PAGE, "{path}");
        let says = limit["description"].as_str().unwrap();
        assert!(
            says.contains(&format!("default {DEFAULT_PAGE}")),
            "{path}: {says}"
        );
        assert!(params.iter().any(|p| p["name"] == "cursor"), "{path}");
    }
}

/// A concrete path for a template: an enumerated parameter takes its first value, any other
/// a value that names nothing.
fn concrete(c: &Contract, method: &str, path: &str) -> String {
    let op = &c.doc["paths"][path][method.to_ascii_lowercase()];
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    path.split('/')
        .map(
            |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                None => seg.to_string(),
                Some(name) => params
                    .iter()
                    .find(|p| p["name"] == name)
                    .and_then(|p| p["schema"]["enum"][0].as_str())
                    .unwrap_or("x-unknown")
                    .to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_no_other_method_is() {
    let t = support::app();
    let c = Contract::new();
    let documented: BTreeSet<(String, String)> = c.operations().into_iter().collect();
    assert_eq!(documented.len(), 10, "{documented:?}");
    let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
    for path in paths {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let routed = documented.contains(&(method.to_string(), path.clone()));
            let uri = concrete(&c, method, path);
            let req = Request::builder()
                .method(method)
                .uri(&uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let a = t.send(req).await;
            if routed {
                // axum's own "no such route" is an empty 404 or a 405; a handler that finds
                // no such work order answers in JSON, as the document says.
                assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
                assert!(
                    !(a.status == StatusCode::NOT_FOUND && a.body.is_empty()),
                    "{method} {uri} is documented but not routed"
                );
                c.check(method, path, a.status.as_u16(), &a.body);
            } else {
                assert_eq!(
                    a.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {uri} is routed but not documented: {}",
                    a.body
                );
            }
        }
    }
}

#[tokio::test]
async fn the_document_is_served_open_as_generated_in_local_and_deployed_mode() {
    let generated: Value =
        serde_json::from_str(&mendwork_web::api::openapi().to_json().unwrap()).unwrap();
    for t in [support::app(), support::deployed()] {
        let a = t.get("/api/openapi.json").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(
            a.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        assert_eq!(a.json(), generated);
    }
    // Deployed, the data itself still needs a session, and says so as documented.
    let t = support::deployed();
    let c = Contract::new();
    let a = t.get("/api/work-orders").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    c.check("GET", "/api/work-orders", 401, &a.body);
}
