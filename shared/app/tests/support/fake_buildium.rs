//! A fake Buildium for tests, on 127.0.0.1 and a free port, started by the test itself: the
//! endpoints the connector uses with their documented JSON shapes (PascalCase names of
//! `ResidentRequestTaskMessage`, `WorkOrderMessage`, `AllTasksMessage`, `TaskHistoryMessage`),
//! `lastupdatedfrom` filtering by day, `offset`/`limit` paging (default 50), 401 on wrong
//! credentials, work orders' vendor (`PUT /v1/workorders/{id}`) and their to-do or rental-owner
//! task's status and note written like Buildium (left-out fields emptied), and faults on demand (a 429 with `Retry-After`, a PUT answered 500 after it was
//! written; every request refused 401). The import's records are added by `fake_directory.rs`.
//! Every request is checked against `schema.rs`; one that deviates is answered 400 and
//! kept in `violations`, which every test asserts empty.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::schema;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "mendwork-test-client";
pub const CLIENT_SECRET: &str = "fake-secret-0123456789";

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

#[derive(Default)]
pub struct State {
    /// `ResidentRequestTaskMessage`s by id.
    pub resident_requests: BTreeMap<i64, Value>,
    /// `WorkOrderMessage`s by id.
    pub work_orders: BTreeMap<i64, Value>,
    /// `AllTasksMessage`s by task id (for work orders' tasks).
    pub tasks: BTreeMap<i64, Value>,
    /// For the import: `RentalMessage`s, `RentalUnitMessage`s, `TenantMessage`s and
    /// `VendorMessage`s by id (see `fake_directory.rs`).
    pub rentals: BTreeMap<i64, Value>,
    pub units: BTreeMap<i64, Value>,
    pub tenants: BTreeMap<i64, Value>,
    pub vendors: BTreeMap<i64, Value>,
    /// Answer every request 401 (credentials revoked in Buildium).
    pub refuse_all: bool,
    /// `TaskHistoryMessage`s by task id, oldest first.
    pub history: BTreeMap<i64, Vec<Value>>,
    /// Answer this many next requests 429 with `Retry-After: 1`.
    pub throttle_next: u32,
    /// Answer this many next PUTs 500 after writing them (the answer is lost, the write not).
    pub lose_put_answers: u32,
    /// The time the fake stamps on what it writes.
    pub now: String,
    pub seen: Vec<Seen>,
    pub violations: Vec<String>,
    next_history_id: i64,
}

pub struct FakeBuildium {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl FakeBuildium {
    pub async fn start() -> FakeBuildium {
        let state = Arc::new(Mutex::new(State {
            now: "2026-03-04T15:00:00Z".into(),
            next_history_id: 9000,
            ..State::default()
        }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = shared.clone();
                async move { handle(&state, method, uri, headers, body) }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeBuildium { url, state }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// A resident request as Buildium returns it.
    pub fn add_resident_request(
        &self,
        id: i64,
        property: i64,
        unit: i64,
        title: &str,
        updated: &str,
    ) {
        let r = json!({
            "Id": id,
            "Category": {"Id": 3, "Name": "Plumbing", "Href": "https://api.buildium.com/v1/tasks/categories/3"},
            "Title": title,
            "Description": format!("{title}. Reported through the resident portal."),
            "Property": {"Id": property, "Type": "Rental", "Href": format!("https://api.buildium.com/v1/rentals/{property}")},
            "UnitId": unit,
            "UnitAgreement": {"Id": 77, "Type": "Lease", "Href": "https://api.buildium.com/v1/leases/77"},
            "RequestedByUserEntity": {"Type": "Tenant", "Id": 501, "FirstName": "Ana", "LastName": "Ruiz", "IsCompany": false, "Href": "https://api.buildium.com/v1/leases/tenants/501"},
            "AssignedToUserId": 12,
            "TaskStatus": "New",
            "Priority": "Normal",
            "DueDate": null,
            "CreatedDateTime": updated,
            "LastUpdatedDateTime": updated,
            "Appliance": null,
            "IsEntryPermittedByResident": true,
            "DoesResidentHavePets": false,
            "ResidentEntryNotes": "Key with the super"
        });
        self.with(|s| s.resident_requests.insert(id, r));
    }

    /// A work order on a to-do task of `property`, as Buildium returns it, with its task.
    pub fn add_work_order(
        &self,
        id: i64,
        task: i64,
        task_type: &str,
        property: i64,
        updated: &str,
    ) {
        assert!(
            schema::TASK_TYPE.contains(&task_type),
            "{task_type} is not a documented task type"
        );
        let wo = json!({
            "Id": id,
            "Task": {"Id": task, "Type": task_type, "UnitId": 1043, "UnitAgreement": null, "Title": "Replace hallway light", "DueDate": null, "Priority": "Normal", "Status": "New"},
            "Title": "Replace hallway light",
            "DueDate": null,
            "Priority": "Normal",
            "Status": "New",
            "WorkDetails": "The hallway light on the third floor flickers and is out at night.",
            "InvoiceNumber": null,
            "ChargeableTo": null,
            "EntryAllowed": "Yes",
            "EntryNotes": "",
            "VendorId": 88,
            "VendorNotes": "",
            "EntryContact": null,
            "EntryContacts": [],
            "BillTransactionId": null,
            "Amount": 0.0,
            "LineItems": []
        });
        let t = json!({
            "Id": task,
            "TaskType": task_type,
            "Category": null,
            "Title": "Replace hallway light",
            "Description": "The hallway light on the third floor flickers.",
            "Property": {"Id": property, "Type": "Rental", "Href": format!("https://api.buildium.com/v1/rentals/{property}")},
            "UnitId": 1043,
            "UnitAgreement": null,
            "RequestedByUserEntity": null,
            "AssignedToUserId": 12,
            "TaskStatus": "New",
            "Priority": "Normal",
            "DueDate": null,
            "CreatedDateTime": updated,
            "LastUpdatedDateTime": updated
        });
        let mut t = t;
        if task_type == "ContactRequest" {
            // `ContactRequestTaskMessage.ContactDetail`, read back by a contact request's update.
            t["ContactDetail"] = json!({"FirstName": "Lee", "LastName": "Moss", "Email": "lee@example.com",
                "PhoneNumbers": {"Home": null, "Work": null, "Mobile": "(303) 555-0144"}});
        }
        self.with(|s| {
            s.work_orders.insert(id, wo);
            s.tasks.insert(task, t);
        });
    }

    /// The team changes resident request `id`'s status in Buildium at `updated` (one of the
    /// documented `TaskStatus` values).
    pub fn set_resident_request_status(&self, id: i64, status: &str, updated: &str) {
        assert!(
            schema::TASK_STATUS.contains(&status),
            "{status} is not a documented TaskStatus"
        );
        self.with(|s| {
            let r = s.resident_requests.get_mut(&id).unwrap();
            r["TaskStatus"] = json!(status);
            r["LastUpdatedDateTime"] = json!(updated);
        });
    }

    /// The team assigns work order `id` to Buildium vendor `vendor` (none: unassigns it) at
    /// `updated`, which Buildium stamps on the work order's task.
    pub fn set_work_order_vendor(&self, id: i64, vendor: Option<i64>, updated: &str) {
        self.with(|s| {
            let wo = s.work_orders.get_mut(&id).unwrap();
            wo["VendorId"] = json!(vendor);
            let task = wo["Task"]["Id"].as_i64().unwrap();
            s.tasks.get_mut(&task).unwrap()["LastUpdatedDateTime"] = json!(updated);
        });
    }

    pub fn history(&self, task: i64) -> Vec<Value> {
        self.with(|s| s.history.get(&task).cloned().unwrap_or_default())
    }

    pub fn violations(&self) -> Vec<String> {
        self.with(|s| s.violations.clone())
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.with(|s| s.seen.clone())
    }
}

fn handle(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let header_list: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let path = uri.path().to_string();
    let mut s = state.lock().unwrap();
    s.seen.push(Seen {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        body: serde_json::from_slice(&body).ok(),
    });
    let problems = schema::check(method.as_str(), &path, &query, &header_list, &body);
    if !problems.is_empty() {
        s.violations
            .extend(problems.iter().map(|p| format!("{method} {path}: {p}")));
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"UserMessage": problems.join("; ")})),
        )
            .into_response();
    }
    let header = |n: &str| {
        header_list
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    if s.refuse_all
        || header("x-buildium-client-id") != Some(CLIENT_ID)
        || header("x-buildium-client-secret") != Some(CLIENT_SECRET)
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if s.throttle_next > 0 {
        s.throttle_next -= 1;
        return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response();
    }
    let q = |n: &str| query.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let offset: usize = q("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let limit: usize = q("limit").and_then(|v| v.parse().ok()).unwrap_or(50);
    let from = q("lastupdatedfrom");
    let page = |items: Vec<Value>| -> Response {
        axum::Json(Value::Array(
            items.into_iter().skip(offset).take(limit).collect(),
        ))
        .into_response()
    };
    let (endpoint, params) = match schema::endpoint(method.as_str(), &path) {
        Ok(x) => x,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    match (endpoint.method, endpoint.path) {
        ("GET", "/v1/tasks/residentrequests") => {
            let items = s
                .resident_requests
                .values()
                .filter(|r| updated_on_or_after(r["LastUpdatedDateTime"].as_str(), from.as_deref()))
                .cloned()
                .collect();
            page(items)
        }
        ("GET", "/v1/workorders") => {
            let items = s
                .work_orders
                .values()
                .filter(|w| {
                    let task = w["Task"]["Id"].as_i64().unwrap_or_default();
                    let at = s
                        .tasks
                        .get(&task)
                        .and_then(|t| t["LastUpdatedDateTime"].as_str());
                    updated_on_or_after(at, from.as_deref())
                })
                .cloned()
                .collect();
            page(items)
        }
        ("GET", "/v1/rentals") => page(s.rentals.values().cloned().collect()),
        ("GET", "/v1/rentals/units") => page(s.units.values().cloned().collect()),
        ("GET", "/v1/leases/tenants") => page(s.tenants.values().cloned().collect()),
        ("GET", "/v1/vendors") => page(s.vendors.values().cloned().collect()),
        ("GET", "/v1/tasks/residentrequests/{residentRequestTaskId}") => {
            match s.resident_requests.get(&params[0]) {
                Some(r) => axum::Json(r.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        ("GET", "/v1/tasks/{taskId}") => {
            let id = params[0];
            let found = s.tasks.get(&id).cloned().or_else(|| {
                s.resident_requests.get(&id).map(|r| {
                    let mut t = r.clone();
                    t["TaskType"] = json!("ResidentRequest");
                    t
                })
            });
            match found {
                Some(t) => axum::Json(t).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        ("GET", "/v1/tasks/{taskId}/history") => {
            let id = params[0];
            if !s.resident_requests.contains_key(&id) && !s.tasks.contains_key(&id) {
                return StatusCode::NOT_FOUND.into_response();
            }
            let items = s.history.get(&id).cloned().unwrap_or_default();
            page(items)
        }
        ("PUT", "/v1/tasks/residentrequests/{residentRequestTaskId}") => {
            let id = params[0];
            let put: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let now = s.now.clone();
            let Some(r) = s.resident_requests.get_mut(&id) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            // Fields left out are emptied, as Buildium documents.
            for (field, from) in [
                ("Title", "Title"),
                ("TaskStatus", "TaskStatus"),
                ("Priority", "Priority"),
                ("AssignedToUserId", "AssignedToUserId"),
                ("DueDate", "DueDate"),
            ] {
                r[field] = put.get(from).cloned().unwrap_or(Value::Null);
            }
            r["Category"] = match put.get("CategoryId") {
                Some(c) => json!({"Id": c}),
                None => Value::Null,
            };
            r["LastUpdatedDateTime"] = json!(now);
            let answer = r.clone();
            add_history(&mut s, id, &put);
            if s.lose_put_answers > 0 {
                s.lose_put_answers -= 1;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            axum::Json(answer).into_response()
        }
        ("GET", "/v1/workorders/{workOrderId}") => match s.work_orders.get(&params[0]) {
            Some(w) => axum::Json(w.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        ("PUT", "/v1/workorders/{workOrderId}") => {
            let put: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let now = s.now.clone();
            let Some(w) = s.work_orders.get_mut(&params[0]) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            // Fields left out are emptied, as Buildium documents; line items are replaced.
            for field in [
                "WorkDetails",
                "InvoiceNumber",
                "ChargeableTo",
                "EntryAllowed",
                "EntryNotes",
                "VendorId",
                "VendorNotes",
            ] {
                w[field] = put.get(field).cloned().unwrap_or(Value::Null);
            }
            w["LineItems"] = put.get("LineItems").cloned().unwrap_or(json!([]));
            w["EntryContacts"] = match put.get("EntryContactIds").and_then(Value::as_array) {
                Some(ids) => ids
                    .iter()
                    .map(|i| json!({"Id": i, "Resources": []}))
                    .collect(),
                None => json!([]),
            };
            w["EntryContact"] = match put.get("EntryContactId") {
                Some(i) if !i.is_null() => json!({"Id": i}),
                _ => Value::Null,
            };
            let answer = w.clone();
            let task = w["Task"]["Id"].as_i64().unwrap_or_default();
            if let Some(t) = s.tasks.get_mut(&task) {
                t["LastUpdatedDateTime"] = json!(now);
            }
            if s.lose_put_answers > 0 {
                s.lose_put_answers -= 1;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            axum::Json(answer).into_response()
        }
        ("GET", "/v1/tasks/contactrequests/{contactRequestTaskId}") => {
            match s
                .tasks
                .get(&params[0])
                .filter(|t| t["TaskType"] == "ContactRequest")
            {
                Some(t) => axum::Json(t.clone()).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
        ("PUT", "/v1/tasks/todorequests/{toDoTaskId}")
        | ("PUT", "/v1/tasks/rentalownerrequests/{rentalOwnerRequestTaskId}")
        | ("PUT", "/v1/tasks/contactrequests/{contactRequestTaskId}") => {
            let id = params[0];
            let kind = if endpoint.path.contains("todorequests") {
                "Todo"
            } else if endpoint.path.contains("contactrequests") {
                "ContactRequest"
            } else {
                "RentalOwnerRequest"
            };
            let put: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let now = s.now.clone();
            let Some(t) = s.tasks.get_mut(&id).filter(|t| t["TaskType"] == kind) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            for field in [
                "Title",
                "TaskStatus",
                "Priority",
                "AssignedToUserId",
                "DueDate",
                "UnitId",
            ] {
                t[field] = put.get(field).cloned().unwrap_or(Value::Null);
            }
            t["Category"] = match put.get("CategoryId") {
                Some(c) => {
                    json!({"Id": c, "SubCategory": put.get("SubCategoryId").map(|i| json!({"Id": i}))})
                }
                None => Value::Null,
            };
            t["Property"] = match put.get("PropertyId") {
                Some(p) => {
                    json!({"Id": p, "Type": "Rental", "Href": format!("https://api.buildium.com/v1/rentals/{p}")})
                }
                None => Value::Null,
            };
            if kind == "ContactRequest" {
                t["ContactDetail"] = put.get("ContactDetail").cloned().unwrap_or(Value::Null);
            }
            t["LastUpdatedDateTime"] = json!(now);
            let answer = t.clone();
            // A work order's status is its task's.
            for w in s.work_orders.values_mut() {
                if w["Task"]["Id"].as_i64() == Some(id) {
                    w["Status"] = put["TaskStatus"].clone();
                    w["Task"]["Status"] = put["TaskStatus"].clone();
                }
            }
            add_history(&mut s, id, &put);
            if s.lose_put_answers > 0 {
                s.lose_put_answers -= 1;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            axum::Json(answer).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The history entry Buildium keeps for an update that carries a `Message`.
fn add_history(s: &mut State, task: i64, put: &Value) {
    let Some(message) = put.get("Message").and_then(Value::as_str) else {
        return;
    };
    let now = s.now.clone();
    s.next_history_id += 1;
    let entry = json!({
        "Id": s.next_history_id,
        "Priority": put["Priority"],
        "TaskStatus": put["TaskStatus"],
        "AssignedToUserId": put.get("AssignedToUserId").cloned().unwrap_or(Value::Null),
        "DueDate": put.get("DueDate").cloned().unwrap_or(Value::Null),
        "Message": message,
        "SharedWith": [],
        "FileIds": [],
        "CreatedDateTIme": now,
        "CreatedByUser": {"Id": 1, "FirstName": "API", "LastName": "Client"},
        "LastUpdatedDateTime": now,
        "LastUpdatedByUser": {"Id": 1, "FirstName": "API", "LastName": "Client"}
    });
    s.history.entry(task).or_default().push(entry);
}

/// Buildium's `lastupdatedfrom` is a day: on or after it.
fn updated_on_or_after(at: Option<&str>, from: Option<&str>) -> bool {
    match (at, from) {
        (_, None) => true,
        (Some(at), Some(from)) => at.get(..10).is_some_and(|d| d >= from),
        (None, Some(_)) => false,
    }
}
