//! A recording, fault-injecting proxy between the functions' SDK clients and moto's server, on
//! loopback. Every request a function makes is classified as the IAM action AWS would
//! authorize it as (SES's SendEmail with raw content as `ses:SendRawEmail`, each item of a
//! `TransactWriteItems` as its own `PutItem`/`DeleteItem`…, with the partition keys it touches)
//! and recorded under the function the test says is running; then it is passed to moto, or
//! answered with an injected fault — the error a throttled, denied or conflicting service sends,
//! or no answer at all (a crash: the test drops the handler while it waits).

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// One authorized action a function asked for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    pub function: String,
    /// The IAM action, e.g. `dynamodb:PutItem`.
    pub action: String,
    /// The table item's partition key, for item actions; the index's name, for index queries.
    pub key: Option<String>,
    /// A query of one of the table's indexes.
    pub index: bool,
}

/// How an injected fault answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The service's throttling error (DynamoDB `ThrottlingException`, SES
    /// `TooManyRequestsException`, SNS `Throttling`).
    Throttle,
    /// The service's authorization error (`AccessDeniedException`, SNS `AuthorizationError`).
    Deny,
    /// DynamoDB cancels the transaction: another one touched the same items.
    TransactionConflict,
    /// The service refuses this message for good, quoting the recipient as services do (SNS
    /// `InvalidParameter` naming the number, SES `MessageRejected` naming the address).
    Refuse,
    /// No answer ever: the process "crashes" while waiting (the test drops the handler).
    Stall,
    /// Passed to the service, which does it, but the answer never comes back (a crash after
    /// the service acted).
    StallAfter,
}

/// Requests of `operation` (the API's name: `SendEmail`, `Publish`, `TransactWriteItems`,
/// `PutItem`…) whose partition key starts with `key_prefix` (when given) get `kind`, `times`
/// times.
#[derive(Debug, Clone)]
pub struct Fault {
    pub operation: &'static str,
    pub key_prefix: Option<&'static str>,
    pub kind: FaultKind,
    pub times: usize,
}

#[derive(Default)]
struct State {
    function: Option<String>,
    calls: Vec<Call>,
    faults: Vec<Fault>,
    /// Requests per operation, and how many of them got a fault.
    seen: std::collections::BTreeMap<String, (usize, usize)>,
}

#[derive(Clone)]
pub struct Proxy {
    pub endpoint: String,
    target: String,
    state: Arc<Mutex<State>>,
    http: reqwest::Client,
}

impl Proxy {
    /// Starts the proxy in front of `target` (moto's endpoint).
    pub async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let proxy = Proxy {
            endpoint,
            target: target.trim_end_matches('/').to_string(),
            state: Arc::new(Mutex::new(State::default())),
            http: reqwest::Client::new(),
        };
        let serving = proxy.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let p = serving.clone();
            async move { p.handle(req).await }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        proxy
    }

    /// From now on requests are recorded as `function`'s (`None`: not recorded — the test's
    /// own reads of moto).
    pub fn running(&self, function: Option<&str>) {
        self.state.lock().unwrap().function = function.map(str::to_string);
    }

    pub fn inject(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    /// Every call recorded so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Requests of `operation` seen (by anyone recorded or not) and how many were faulted.
    pub fn seen(&self, operation: &str) -> (usize, usize) {
        self.state
            .lock()
            .unwrap()
            .seen
            .get(operation)
            .copied()
            .unwrap_or((0, 0))
    }

    async fn handle(&self, req: Request<Body>) -> Response<Body> {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, 64 << 20).await.unwrap_or_default();
        let (operation, calls) = classify(&parts.method, &parts.uri, &parts.headers, &bytes);
        let fault = {
            let mut st = self.state.lock().unwrap();
            if let Some(f) = &st.function {
                let f = f.clone();
                for (action, key, index) in &calls {
                    st.calls.push(Call {
                        function: f.clone(),
                        action: action.clone(),
                        key: key.clone(),
                        index: *index,
                    });
                }
            }
            let keys: Vec<&String> = calls.iter().filter_map(|c| c.1.as_ref()).collect();
            let hit = st.faults.iter_mut().find(|f| {
                f.times > 0
                    && f.operation == operation
                    && f.key_prefix
                        .is_none_or(|p| keys.iter().any(|k| k.starts_with(p)))
            });
            let kind = hit.map(|f| {
                f.times -= 1;
                f.kind
            });
            let counter = st.seen.entry(operation.clone()).or_default();
            counter.0 += 1;
            counter.1 += usize::from(kind.is_some());
            kind
        };
        match fault {
            Some(FaultKind::Stall) => {
                std::future::pending::<()>().await;
                unreachable!()
            }
            Some(FaultKind::StallAfter) => {
                let _ = self
                    .forward(&parts.method, &parts.uri, &parts.headers, bytes)
                    .await;
                std::future::pending::<()>().await;
                unreachable!()
            }
            Some(kind) => error_response(
                &service_of(&parts.headers, &parts.uri),
                kind,
                &calls,
                &recipient_of(&bytes),
            ),
            None => {
                self.forward(&parts.method, &parts.uri, &parts.headers, bytes)
                    .await
            }
        }
    }

    async fn forward(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: axum::body::Bytes,
    ) -> Response<Body> {
        let url = format!(
            "{}{}",
            self.target,
            uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
        );
        let mut rb = self.http.request(
            reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
            url,
        );
        for (k, v) in headers {
            let name = k.as_str();
            if ["host", "content-length", "connection", "transfer-encoding"].contains(&name) {
                continue;
            }
            rb = rb.header(name, v.as_bytes());
        }
        let resp = match rb.body(body).send().await {
            Ok(r) => r,
            Err(e) => {
                return Response::builder()
                    .status(StatusCode::BAD_GATEWAY)
                    .body(Body::from(e.to_string()))
                    .unwrap();
            }
        };
        let mut out = Response::builder().status(resp.status().as_u16());
        // Content-Length passes as the service set it: a HEAD's is the object's size.
        for (k, v) in resp.headers() {
            if ["connection", "transfer-encoding"].contains(&k.as_str()) {
                continue;
            }
            out = out.header(k.as_str(), v.as_bytes());
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        out.body(Body::from(bytes)).unwrap()
    }
}

/// The signing service of a request (`dynamodb`, `ses`, `sns`, `scheduler`, `s3`…).
fn service_of(headers: &HeaderMap, uri: &axum::http::Uri) -> String {
    let scope = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .map(str::to_string)
        .or_else(|| {
            uri.query().and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("X-Amz-Credential="))
                    .map(|c| c.replace("%2F", "/"))
            })
        })
        .unwrap_or_default();
    // <key>/<date>/<region>/<service>/aws4_request
    scope.split('/').nth(3).unwrap_or("").to_string()
}

fn pk_of(v: &Value) -> Option<String> {
    v.get("pk")
        .and_then(|p| p.get("S"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The API operation and the authorized actions of one request: (action, key, on an index).
fn classify(
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> (String, Vec<(String, Option<String>, bool)>) {
    let service = service_of(headers, uri);
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let path = uri.path();
    match service.as_str() {
        "dynamodb" => {
            let op = target.rsplit('.').next().unwrap_or("").to_string();
            let one = |action: &str, key: Option<String>, index: bool| {
                vec![(format!("dynamodb:{action}"), key, index)]
            };
            let calls = match op.as_str() {
                "GetItem" | "DeleteItem" | "UpdateItem" => one(&op, pk_of(&json["Key"]), false),
                "PutItem" => one(&op, pk_of(&json["Item"]), false),
                "Query" => {
                    let index = json["IndexName"].as_str().map(str::to_string);
                    let key = json["ExpressionAttributeValues"][":h"]["S"]
                        .as_str()
                        .map(str::to_string);
                    let on_index = index.is_some();
                    one("Query", if on_index { index } else { key }, on_index)
                }
                "BatchGetItem" => json["RequestItems"]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.values())
                    .flat_map(|t| t["Keys"].as_array().cloned().unwrap_or_default())
                    .map(|k| ("dynamodb:BatchGetItem".to_string(), pk_of(&k), false))
                    .collect(),
                "TransactWriteItems" => json["TransactItems"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|t| {
                        let (kind, v) = t.as_object()?.iter().next()?;
                        let (action, key) = match kind.as_str() {
                            "Put" => ("PutItem", pk_of(&v["Item"])),
                            "Delete" => ("DeleteItem", pk_of(&v["Key"])),
                            "Update" => ("UpdateItem", pk_of(&v["Key"])),
                            "ConditionCheck" => ("ConditionCheckItem", pk_of(&v["Key"])),
                            _ => return None,
                        };
                        Some((format!("dynamodb:{action}"), key, false))
                    })
                    .collect(),
                other => one(other, None, false),
            };
            (op, calls)
        }
        "secretsmanager" => {
            let op = target.rsplit('.').next().unwrap_or("").to_string();
            (
                op.clone(),
                vec![(format!("secretsmanager:{op}"), None, false)],
            )
        }
        "ses" => {
            let raw = json["Content"].get("Raw").is_some();
            let action = if raw {
                "ses:SendRawEmail"
            } else {
                "ses:SendEmail"
            };
            let op = if path.ends_with("/outbound-emails") {
                "SendEmail"
            } else {
                "Other"
            };
            (op.into(), vec![(action.to_string(), None, false)])
        }
        "sns" => {
            let form = String::from_utf8_lossy(body);
            let op = form
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or("")
                .to_string();
            (op.clone(), vec![(format!("sns:{op}"), None, false)])
        }
        "scheduler" => {
            let one_schedule = path.starts_with("/schedules/");
            let op = match (method.as_str(), one_schedule) {
                ("POST", true) => "CreateSchedule",
                ("PUT", true) => "UpdateSchedule",
                ("DELETE", true) => "DeleteSchedule",
                ("GET", true) => "GetSchedule",
                ("GET", false) => "ListSchedules",
                _ => "Other",
            };
            let mut calls = vec![(format!("scheduler:{op}"), None, false)];
            if matches!(op, "CreateSchedule" | "UpdateSchedule") {
                calls.push(("iam:PassRole".into(), None, false));
            }
            (op.into(), calls)
        }
        "s3" => {
            let copy = headers.contains_key("x-amz-copy-source");
            let list = uri.query().is_some_and(|q| q.contains("list-type"));
            let (op, actions): (&str, Vec<&str>) = match method.as_str() {
                "GET" if list => ("ListObjectsV2", vec!["s3:ListBucket"]),
                "GET" | "HEAD" => ("GetObject", vec!["s3:GetObject"]),
                "PUT" if copy => ("CopyObject", vec!["s3:GetObject", "s3:PutObject"]),
                "PUT" => ("PutObject", vec!["s3:PutObject"]),
                "DELETE" => ("DeleteObject", vec!["s3:DeleteObject"]),
                _ => ("Other", vec!["s3:Other"]),
            };
            (
                op.into(),
                actions
                    .into_iter()
                    .map(|a| (a.to_string(), None, false))
                    .collect(),
            )
        }
        other => (
            format!("{other}:{}", method.as_str()),
            vec![(format!("{other}:unknown"), None, false)],
        ),
    }
}

/// The recipient of a send: SNS's `PhoneNumber` form field, or SES's first `ToAddresses`.
fn recipient_of(body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if let Some(to) = json["Destination"]["ToAddresses"][0].as_str() {
        return to.to_string();
    }
    String::from_utf8_lossy(body)
        .split('&')
        .find_map(|kv| kv.strip_prefix("PhoneNumber="))
        .map(|p| p.replace("%2B", "+"))
        .unwrap_or_default()
}

/// The error response a service sends for `kind`, in its protocol.
fn error_response(
    service: &str,
    kind: FaultKind,
    calls: &[(String, Option<String>, bool)],
    recipient: &str,
) -> Response<Body> {
    let json = |status: u16, ty: &str, body: Value| {
        Response::builder()
            .status(status)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amzn-ErrorType", ty)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    match (service, kind) {
        ("dynamodb", FaultKind::TransactionConflict) => {
            let reasons: Vec<Value> = calls
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    if i == 0 {
                        serde_json::json!({"Code": "TransactionConflict",
                            "Message": "Transaction is ongoing for the item"})
                    } else {
                        serde_json::json!({"Code": "None"})
                    }
                })
                .collect();
            json(
                400,
                "TransactionCanceledException",
                serde_json::json!({
                    "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                    "message": "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
                    "CancellationReasons": reasons,
                }),
            )
        }
        ("dynamodb", FaultKind::Throttle) => json(
            400,
            "ThrottlingException",
            serde_json::json!({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                "message": "Rate of requests exceeds the allowed throughput."}),
        ),
        ("dynamodb", _) => json(
            400,
            "AccessDeniedException",
            serde_json::json!({"__type": "com.amazon.coral.service#AccessDeniedException",
                "Message": "User is not authorized to perform this action"}),
        ),
        ("ses", FaultKind::Refuse) => Response::builder()
            .status(400)
            .header("content-type", "application/json")
            .header("x-amzn-ErrorType", "MessageRejected")
            .body(Body::from(
                serde_json::json!({"message": format!(
                    "Email address is not verified. The following identities failed the \
                     check in region US-EAST-1: {recipient}")})
                .to_string(),
            ))
            .unwrap(),
        ("ses", FaultKind::Throttle) => Response::builder()
            .status(429)
            .header("content-type", "application/json")
            .header("x-amzn-ErrorType", "TooManyRequestsException")
            .body(Body::from(
                r#"{"message":"Maximum sending rate exceeded."}"#,
            ))
            .unwrap(),
        ("ses", _) => Response::builder()
            .status(403)
            .header("content-type", "application/json")
            .header("x-amzn-ErrorType", "AccessDeniedException")
            .body(Body::from(
                r#"{"message":"User is not authorized to perform ses:SendRawEmail"}"#,
            ))
            .unwrap(),
        (_, kind) => {
            // The query protocol (SNS) and anything else: an XML error document.
            let refused =
                format!("Invalid parameter: PhoneNumber Reason: {recipient} is not valid");
            let (status, code, message) = match kind {
                FaultKind::Throttle => (400, "Throttling", "Rate exceeded"),
                FaultKind::Refuse => (400, "InvalidParameter", refused.as_str()),
                _ => (
                    403,
                    "AuthorizationError",
                    "not authorized to perform: sns:Publish",
                ),
            };
            Response::builder()
                .status(status)
                .header("content-type", "text/xml")
                .body(Body::from(format!(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                     <Message>{message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
                )))
                .unwrap()
        }
    }
}
