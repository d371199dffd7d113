//! The [`Pms`] port on Buildium's Open API (reqwest on rustls): resident requests
//! (`GET /v1/tasks/residentrequests`) and work orders (`GET /v1/workorders`, each one's task by
//! `GET /v1/tasks/{taskId}` for its property) pulled with `lastupdatedfrom` and `offset`/`limit`
//! paging; updates written on a resident request by `PUT /v1/tasks/residentrequests/{id}`
//! (its `TaskStatus` and a `Message`, which Buildium keeps as a task history entry), after
//! reading `GET /v1/tasks/{taskId}/history` so that an update already written is not written
//! again; on a work order, its vendor by `PUT /v1/workorders/{id}` and its task's status and
//! note by the task's own update (`work_orders`). Field names are the JSON names of Buildium's reference (`ResidentRequestTaskMessage`,
//! `WorkOrderMessage`, `AllTasksMessage`, `TaskHistoryMessage`, `ResidentRequestTaskPutMessage`).
//!
//! 429 (after its `Retry-After`) and 5xx are retried a bounded number of times with backoff;
//! 401, 403 and 404 come back as typed [`PmsError`]s at once.

mod directory;
mod work_orders;

use super::{ChangePage, ExternalRef, ExternalRequest, ExternalState, Pms, PmsError, PmsUpdate};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use mendwork_domain::Status;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::fmt;
use std::time::Duration;

/// The credential headers Buildium documents (`clientId`, `clientSecret` API keys).
pub const CLIENT_ID_HEADER: &str = "x-buildium-client-id";
pub const CLIENT_SECRET_HEADER: &str = "x-buildium-client-secret";
/// Buildium's `limit` ranges 1–1000; a page this size keeps each answer small.
pub const PAGE: usize = 100;
/// Attempts of one call in all (the first and the retries of 429 and 5xx).
const ATTEMPTS: u32 = 4;
/// The first backoff after a 5xx; doubled at each retry.
const BACKOFF: Duration = Duration::from_millis(250);
/// A `Retry-After` longer than this is cut to it: the caller retries later anyway.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The marker that names an update in the note it writes, so a retry can find it.
const MARKER: &str = "[mendwork ";

/// Where and as whom to call Buildium. The secret never shows in `Debug`. Locally it is read
/// from the JSON file given with `--buildium` (`{"base_url", "client_id", "client_secret"}`).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildiumConfig {
    /// `https://api.buildium.com` (the sandbox, or a local fake in tests).
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
}

impl fmt::Debug for BuildiumConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildiumConfig")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .finish()
    }
}

/// The Buildium adapter.
pub struct Buildium {
    config: BuildiumConfig,
    client: reqwest::Client,
}

impl Buildium {
    pub fn new(config: BuildiumConfig) -> Result<Buildium, PmsError> {
        let client = crate::https::client_builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .user_agent("Mendwork-PMS/1")
            .build()
            .map_err(|e| PmsError::Unexpected(format!("building the HTTP client: {e}")))?;
        Ok(Buildium { config, client })
    }

    /// One call, retried on 429 (after `Retry-After`) and 5xx up to [`ATTEMPTS`] in all;
    /// `what` names the resource in errors (never a person's data). A write (`PUT`) is not
    /// retried after a 5xx or a lost answer — it may have been done: the caller looks first.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, PmsError> {
        let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), path);
        let mut wait = BACKOFF;
        let mut last = String::new();
        let repeatable = method == Method::GET;
        for attempt in 1..=ATTEMPTS {
            let mut req = self
                .client
                .request(method.clone(), &url)
                .query(query)
                .header(CLIENT_ID_HEADER, &self.config.client_id)
                .header(CLIENT_SECRET_HEADER, &self.config.client_secret)
                .header("accept", "application/json");
            if let Some(b) = body {
                req = req.json(b);
            }
            let pause = match req.send().await {
                Err(e) => {
                    last = if e.is_timeout() {
                        "no answer in time".into()
                    } else {
                        "could not connect".into()
                    };
                    if !repeatable {
                        return Err(PmsError::Retryable(format!("{what}: {last}")));
                    }
                    wait
                }
                Ok(resp) => {
                    let status = resp.status();
                    if status.is_success() {
                        let text = resp.text().await.map_err(|e| {
                            PmsError::Retryable(format!("reading the answer for {what}: {e}"))
                        })?;
                        if text.trim().is_empty() {
                            return Ok(Value::Null);
                        }
                        return serde_json::from_str(&text).map_err(|e| {
                            PmsError::Unexpected(format!("the answer for {what} is not JSON: {e}"))
                        });
                    }
                    match status {
                        StatusCode::UNAUTHORIZED => return Err(PmsError::Unauthorized),
                        StatusCode::FORBIDDEN => return Err(PmsError::Forbidden(what.into())),
                        StatusCode::NOT_FOUND => return Err(PmsError::NotFound(what.into())),
                        StatusCode::TOO_MANY_REQUESTS => {
                            last = "429 too many requests".into();
                            retry_after(resp.headers()).unwrap_or(wait)
                        }
                        s if s.is_server_error() => {
                            last = format!("{} from the server", s.as_u16());
                            if !repeatable {
                                return Err(PmsError::Retryable(format!("{what}: {last}")));
                            }
                            wait
                        }
                        s => {
                            return Err(PmsError::Unexpected(format!("{} for {what}", s.as_u16())));
                        }
                    }
                }
            };
            if attempt < ATTEMPTS {
                tracing::info!(what, attempt, reason = %last, "Buildium call retried");
                tokio::time::sleep(pause.min(MAX_RETRY_AFTER)).await;
                wait *= 2;
            }
        }
        Err(PmsError::Retryable(format!("{what}: {last}")))
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
    ) -> Result<T, PmsError> {
        let v = self.call(Method::GET, path, query, None, what).await?;
        serde_json::from_value(v)
            .map_err(|e| PmsError::Unexpected(format!("{what} has an undocumented shape: {e}")))
    }

    fn paging(since: DateTime<Utc>, offset: usize) -> Vec<(&'static str, String)> {
        vec![
            // Buildium filters by day (YYYY-MM-DD): a day's requests are read again on each
            // poll of that day, and the idempotency keys make that harmless.
            ("lastupdatedfrom", since.format("%Y-%m-%d").to_string()),
            ("offset", offset.to_string()),
            ("limit", PAGE.to_string()),
        ]
    }

    async fn resident_requests(
        &self,
        since: DateTime<Utc>,
        offset: usize,
    ) -> Result<(Vec<ExternalRequest>, bool), PmsError> {
        let list: Vec<ResidentRequestTaskMessage> = self
            .get(
                "/v1/tasks/residentrequests",
                &Self::paging(since, offset),
                "resident requests",
            )
            .await?;
        let full = list.len() == PAGE;
        Ok((list.into_iter().map(ExternalRequest::from).collect(), full))
    }

    async fn work_orders(
        &self,
        since: DateTime<Utc>,
        offset: usize,
    ) -> Result<(Vec<ExternalRequest>, bool), PmsError> {
        let list: Vec<WorkOrderMessage> = self
            .get(
                "/v1/workorders",
                &Self::paging(since, offset),
                "work orders",
            )
            .await?;
        let full = list.len() == PAGE;
        let mut out = vec![];
        for wo in list {
            let Some(task) = &wo.task else { continue };
            // A work order made from a resident request is that request's: the resident
            // requests' feed brings it, once.
            if task.r#type.as_deref() == Some("ResidentRequest") {
                continue;
            }
            let Some(task_id) = task.id else { continue };
            let full_task: AllTasksMessage = self
                .get(&format!("/v1/tasks/{task_id}"), &[], "a work order's task")
                .await?;
            out.push(ExternalRequest {
                reference: ExternalRef {
                    kind: "work_order".into(),
                    id: wo.id.map(|i| i.to_string()).unwrap_or_default(),
                },
                property: full_task.property.and_then(|p| p.id).map(|i| i.to_string()),
                unit: task.unit_id.or(full_task.unit_id).map(|i| i.to_string()),
                title: wo.title.or(full_task.title).unwrap_or_default(),
                description: wo.work_details.unwrap_or_default(),
                requested_by: None,
                requester: None,
                vendor: wo.vendor_id.map(|v| v.to_string()),
                entry_permitted: wo.entry_allowed.as_deref().and_then(|e| match e {
                    "Yes" => Some(true),
                    "No" => Some(false),
                    _ => None,
                }),
                pets: None,
                entry_notes: wo.entry_notes.filter(|n| !n.trim().is_empty()),
                urgent: wo.priority.as_deref() == Some("High"),
                state: state_of(wo.status.as_deref().or(task.status.as_deref())),
                updated_at: full_task.last_updated_date_time.as_deref().and_then(time),
            });
        }
        Ok((out, full))
    }
}

/// A page token: which feed and the offset in it.
fn token(feed: &str, offset: usize) -> String {
    format!("{feed}:{offset}")
}

#[async_trait]
impl Pms for Buildium {
    fn system(&self) -> &'static str {
        "buildium"
    }

    async fn changes(
        &self,
        since: DateTime<Utc>,
        page: Option<&str>,
    ) -> Result<ChangePage, PmsError> {
        let (feed, offset) = match page.and_then(|p| p.split_once(':')) {
            None => ("rr", 0),
            Some((f, o)) => (
                f,
                o.parse()
                    .map_err(|_| PmsError::Unexpected(format!("page token {page:?}")))?,
            ),
        };
        match feed {
            "rr" => {
                let (requests, full) = self.resident_requests(since, offset).await?;
                let next = if full {
                    token("rr", offset + PAGE)
                } else {
                    token("wo", 0)
                };
                Ok(ChangePage {
                    requests,
                    next: Some(next),
                })
            }
            "wo" => {
                let (requests, full) = self.work_orders(since, offset).await?;
                Ok(ChangePage {
                    requests,
                    next: full.then(|| token("wo", offset + PAGE)),
                })
            }
            _ => Err(PmsError::Unexpected(format!("page token {page:?}"))),
        }
    }

    async fn push(&self, update: &PmsUpdate) -> Result<(), PmsError> {
        match update.reference.kind.as_str() {
            "resident_request" => {}
            "work_order" => return self.push_work_order(update).await,
            other => {
                return Err(PmsError::Unexpected(format!(
                    "Mendwork writes no updates to a Buildium {other}"
                )));
            }
        }
        let id = &update.reference.id;
        let marker = format!("{MARKER}{}]", update.key);
        // Twice at most: a PUT whose answer was lost (a 5xx after the write) is found on the
        // history by the second look, so it is never written twice.
        for _ in 0..2 {
            if self.written(id, &marker).await? {
                return Ok(());
            }
            // Buildium empties every field a PUT leaves out: the documented way is to read the
            // request and send back what is not changing.
            let path = format!("/v1/tasks/residentrequests/{id}");
            let current: ResidentRequestTaskMessage =
                self.get(&path, &[], "a resident request").await?;
            let mut body = json!({
                "Title": current.title.unwrap_or_default(),
                "TaskStatus": task_status(update.status),
                "Priority": current.priority.filter(|p| p != "Unknown").unwrap_or_else(|| "Normal".into()),
                "Message": format!("{}\n{marker}", update.note),
            });
            if let Some(map) = body.as_object_mut() {
                if let Some(c) = current.category.and_then(|c| c.id) {
                    map.insert("CategoryId".into(), json!(c));
                }
                if let Some(u) = current.assigned_to_user_id {
                    map.insert("AssignedToUserId".into(), json!(u));
                }
                if let Some(d) = current.due_date {
                    map.insert("DueDate".into(), json!(d));
                }
            }
            match self
                .call(Method::PUT, &path, &[], Some(&body), "a resident request")
                .await
            {
                Ok(_) => return Ok(()),
                Err(PmsError::Retryable(why)) => {
                    tracing::info!(reason = %why, "a Buildium update may not have been written; looking again");
                }
                Err(e) => return Err(e),
            }
        }
        if self.written(id, &marker).await? {
            return Ok(());
        }
        Err(PmsError::Retryable(
            "the resident request's update was not confirmed".into(),
        ))
    }
}

impl Buildium {
    /// Whether the request's history already has the note carrying `marker`.
    async fn written(&self, id: &str, marker: &str) -> Result<bool, PmsError> {
        let mut offset = 0;
        loop {
            let page: Vec<TaskHistoryMessage> = self
                .get(
                    &format!("/v1/tasks/{id}/history"),
                    &[("offset", offset.to_string()), ("limit", PAGE.to_string())],
                    "a task's history",
                )
                .await?;
            if page
                .iter()
                .any(|h| h.message.as_deref().is_some_and(|m| m.contains(marker)))
            {
                return Ok(true);
            }
            if page.len() < PAGE {
                return Ok(false);
            }
            offset += PAGE;
        }
    }
}

/// Buildium's `TaskStatus` for a work order's status: `New`, `InProgress`, `Completed`,
/// `Closed` (a work order cancelled here closes the request there; the note says why).
pub fn task_status(status: Status) -> &'static str {
    match status {
        Status::Submitted | Status::Dispatching | Status::NeedsAttention => "New",
        Status::Accepted | Status::Scheduled | Status::InProgress | Status::AwaitingApproval => {
            "InProgress"
        }
        Status::Completed => "Completed",
        Status::Closed | Status::Cancelled => "Closed",
    }
}

/// Buildium's documented task statuses: `New`, `InProgress`, `Completed`, `Deferred`, `Closed`
/// (a status it may add later reads as open: nothing is cancelled on a word Mendwork does not know).
fn state_of(status: Option<&str>) -> ExternalState {
    match status {
        Some("Completed") => ExternalState::Completed,
        Some("Closed") => ExternalState::Closed,
        Some("Deferred") => ExternalState::Deferred,
        _ => ExternalState::Open,
    }
}

/// Buildium's times: RFC 3339, or without an offset (then UTC).
fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IdRef {
    id: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserEntity {
    r#type: Option<String>,
    id: Option<i64>,
    first_name: Option<String>,
    last_name: Option<String>,
}

/// `ResidentRequestTaskMessage`, the fields Mendwork reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ResidentRequestTaskMessage {
    id: Option<i64>,
    category: Option<IdRef>,
    title: Option<String>,
    description: Option<String>,
    property: Option<IdRef>,
    unit_id: Option<i64>,
    requested_by_user_entity: Option<UserEntity>,
    assigned_to_user_id: Option<i64>,
    task_status: Option<String>,
    priority: Option<String>,
    due_date: Option<String>,
    last_updated_date_time: Option<String>,
    is_entry_permitted_by_resident: Option<bool>,
    does_resident_have_pets: Option<bool>,
    resident_entry_notes: Option<String>,
}

impl From<ResidentRequestTaskMessage> for ExternalRequest {
    fn from(r: ResidentRequestTaskMessage) -> ExternalRequest {
        let requester = r
            .requested_by_user_entity
            .as_ref()
            .filter(|u| u.r#type.as_deref() == Some("Tenant"))
            .and_then(|u| u.id)
            .map(|i| i.to_string());
        let requested_by = r.requested_by_user_entity.map(|u| {
            [u.first_name, u.last_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        });
        ExternalRequest {
            reference: ExternalRef {
                kind: "resident_request".into(),
                id: r.id.map(|i| i.to_string()).unwrap_or_default(),
            },
            property: r.property.and_then(|p| p.id).map(|i| i.to_string()),
            unit: r.unit_id.map(|i| i.to_string()),
            title: r.title.unwrap_or_default(),
            description: r.description.unwrap_or_default(),
            requested_by: requested_by.filter(|n| !n.trim().is_empty()),
            requester,
            vendor: None,
            entry_permitted: r.is_entry_permitted_by_resident,
            pets: r.does_resident_have_pets,
            entry_notes: r.resident_entry_notes.filter(|n| !n.trim().is_empty()),
            urgent: r.priority.as_deref() == Some("High"),
            state: state_of(r.task_status.as_deref()),
            updated_at: r.last_updated_date_time.as_deref().and_then(time),
        }
    }
}

/// `WorkOrderMessageTask`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WorkOrderMessageTask {
    id: Option<i64>,
    r#type: Option<String>,
    unit_id: Option<i64>,
    status: Option<String>,
}

/// `WorkOrderMessage`, the fields Mendwork reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WorkOrderMessage {
    id: Option<i64>,
    task: Option<WorkOrderMessageTask>,
    title: Option<String>,
    priority: Option<String>,
    status: Option<String>,
    work_details: Option<String>,
    entry_allowed: Option<String>,
    entry_notes: Option<String>,
    vendor_id: Option<i64>,
}

/// `AllTasksMessage`, the fields Mendwork reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AllTasksMessage {
    title: Option<String>,
    property: Option<IdRef>,
    unit_id: Option<i64>,
    last_updated_date_time: Option<String>,
}

/// `TaskHistoryMessage`, the field Mendwork reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TaskHistoryMessage {
    message: Option<String>,
}
