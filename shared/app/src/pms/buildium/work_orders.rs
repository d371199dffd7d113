//! Updates written on a Buildium work order (a record pulled with reference kind `work_order`).
//!
//! Buildium's reference splits a work order in two, and so does the write:
//! - the work order itself (`PUT /v1/workorders/{workOrderId}`, body `WorkOrderPutMessage`) holds
//!   the vendor (`VendorId`) but documents no status and no note field;
//! - its task (`WorkOrderMessage.Task`, of type `Todo`, `RentalOwnerRequest` or `ContactRequest`
//!   for the work orders Mendwork pulls) holds the status, and a `Message` sent on the task's own
//!   update (`PUT /v1/tasks/todorequests/{id}`, `ToDoTaskPutMessage`; `PUT
//!   /v1/tasks/rentalownerrequests/{id}`, `RentalOwnerRequestTaskPutMessage`; `PUT
//!   /v1/tasks/contactrequests/{id}`, `ContactRequestTaskPutMessage`, which also requires the
//!   contact's details, read from `GET /v1/tasks/contactrequests/{id}` and sent back) becomes a
//!   task history entry (`GET /v1/tasks/{taskId}/history`), where the update's marker is found
//!   again.
//!
//! Both PUTs empty what they leave out, so each sends back what it read (`GET
//! /v1/workorders/{id}`, `GET /v1/tasks/{taskId}`). The vendor is written first and only when it
//! differs (a retry sets the same value, so it is idempotent by itself); the note is written once
//! per update key, looked up on the history before each try.

use super::{Buildium, MARKER, task_status};
use crate::pms::{PmsError, PmsUpdate};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Where the task behind a work order is updated, by `WorkOrderMessageTask.Type`. A work order
/// on a resident request is pulled as that request (and written there), never as a work order.
fn task_path(task_type: &str, task: i64) -> Option<String> {
    match task_type {
        "Todo" => Some(format!("/v1/tasks/todorequests/{task}")),
        "RentalOwnerRequest" => Some(format!("/v1/tasks/rentalownerrequests/{task}")),
        "ContactRequest" => Some(format!("/v1/tasks/contactrequests/{task}")),
        _ => None,
    }
}

impl Buildium {
    /// Writes `update` on work order `update.reference.id`: its vendor, then its task's status
    /// with the note, once per `update.key` (see the module's doc).
    pub(super) async fn push_work_order(&self, update: &PmsUpdate) -> Result<(), PmsError> {
        let id = &update.reference.id;
        let path = format!("/v1/workorders/{id}");
        let wo: WorkOrderFull = self.get(&path, &[], "a work order").await?;
        let task = wo
            .task
            .as_ref()
            .and_then(|t| t.id)
            .ok_or_else(|| PmsError::Unexpected("the work order names no task".into()))?;
        let task_type = wo
            .task
            .as_ref()
            .and_then(|t| t.r#type.clone())
            .unwrap_or_default();
        let Some(task_path) = task_path(&task_type, task) else {
            return Err(PmsError::Unexpected(format!(
                "a work order on a Buildium {task_type:?} task is not written by Mendwork"
            )));
        };
        if let Some(vendor) = update.vendor.as_deref() {
            let vendor: i64 = vendor.parse().map_err(|_| {
                PmsError::Unexpected("the vendor's PMS id is not a Buildium id".into())
            })?;
            if wo.vendor_id != Some(vendor) {
                let body = wo.put_body(vendor);
                // Setting a vendor is idempotent: a lost answer is looked at by the next try,
                // which reads the work order again and writes only if it still differs.
                self.call(Method::PUT, &path, &[], Some(&body), "a work order")
                    .await?;
            }
        }
        let marker = format!("{MARKER}{}]", update.key);
        for _ in 0..2 {
            if self.written(&task.to_string(), &marker).await? {
                return Ok(());
            }
            let current: TaskFull = self
                .get(&format!("/v1/tasks/{task}"), &[], "a work order's task")
                .await?;
            let mut body = current.put_body(
                task_status(update.status),
                &format!("{}\n{marker}", update.note),
            );
            if task_type == "ContactRequest" {
                let detail = self.contact_detail(&task_path).await?;
                if let Some(m) = body.as_object_mut() {
                    m.insert("ContactDetail".into(), detail);
                }
            }
            match self
                .call(
                    Method::PUT,
                    &task_path,
                    &[],
                    Some(&body),
                    "a work order's task",
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(PmsError::Retryable(why)) => {
                    tracing::info!(reason = %why, "a Buildium update may not have been written; looking again");
                }
                Err(e) => return Err(e),
            }
        }
        if self.written(&task.to_string(), &marker).await? {
            return Ok(());
        }
        Err(PmsError::Retryable(
            "the work order's update was not confirmed".into(),
        ))
    }
}

impl Buildium {
    /// A contact request's `ContactDetail`, as its update must send it back
    /// (`ContactRequestTaskPutMessageContactDetail`: `FirstName` required). Personal data: it
    /// goes back to Buildium and nowhere else, never into a log or an error.
    async fn contact_detail(&self, path: &str) -> Result<Value, PmsError> {
        let request: Value = self.get(path, &[], "a contact request").await?;
        let found = &request["ContactDetail"];
        let mut detail = Map::new();
        for k in ["FirstName", "LastName", "Email"] {
            if let Some(v) = found.get(k).filter(|v| v.is_string()) {
                detail.insert(k.into(), v.clone());
            }
        }
        if !detail.contains_key("FirstName") {
            return Err(PmsError::Unexpected(
                "the contact request names no contact first name, which its update requires".into(),
            ));
        }
        let mut phones = Map::new();
        for k in ["Home", "Work", "Mobile"] {
            if let Some(v) = found["PhoneNumbers"].get(k).filter(|v| v.is_string()) {
                phones.insert(k.into(), v.clone());
            }
        }
        if !phones.is_empty() {
            detail.insert("PhoneNumbers".into(), Value::Object(phones));
        }
        Ok(Value::Object(detail))
    }
}

/// `WorkOrderMessageTask`, what the write needs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TaskRef {
    id: Option<i64>,
    r#type: Option<String>,
}

/// `WorkOrderEntryContactMessage`, its id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EntryContact {
    id: Option<i64>,
}

/// `WorkOrderMessage`, every field `WorkOrderPutMessage` takes back.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WorkOrderFull {
    task: Option<TaskRef>,
    work_details: Option<String>,
    invoice_number: Option<String>,
    chargeable_to: Option<String>,
    entry_allowed: Option<String>,
    entry_notes: Option<String>,
    vendor_id: Option<i64>,
    vendor_notes: Option<String>,
    entry_contact: Option<EntryContact>,
    /// `null` and absent read as none, like every optional field of the reference.
    entry_contacts: Option<Vec<EntryContact>>,
    /// `WorkOrderLineItemMessage`s, sent back as `WorkOrderLineItemSaveMessage`s (the same four
    /// fields): a PUT replaces every line item with the list it carries.
    line_items: Option<Vec<Value>>,
}

impl WorkOrderFull {
    /// The `WorkOrderPutMessage` that changes only the vendor. `EntryAllowed` and `VendorId` are
    /// the required fields; `Unknown` is the documented value when Buildium has none.
    fn put_body(&self, vendor: i64) -> Value {
        let mut m = Map::new();
        m.insert(
            "EntryAllowed".into(),
            json!(self.entry_allowed.as_deref().unwrap_or("Unknown")),
        );
        m.insert("VendorId".into(), json!(vendor));
        for (name, value) in [
            ("WorkDetails", &self.work_details),
            ("InvoiceNumber", &self.invoice_number),
            ("ChargeableTo", &self.chargeable_to),
            ("EntryNotes", &self.entry_notes),
            ("VendorNotes", &self.vendor_notes),
        ] {
            if let Some(v) = value {
                m.insert(name.into(), json!(v));
            }
        }
        let contacts: Vec<i64> = self
            .entry_contacts
            .iter()
            .flatten()
            .filter_map(|c| c.id)
            .collect();
        if !contacts.is_empty() {
            m.insert("EntryContactIds".into(), json!(contacts));
        } else if let Some(c) = self.entry_contact.as_ref().and_then(|c| c.id) {
            m.insert("EntryContactId".into(), json!(c));
        }
        let items: Vec<Value> = self
            .line_items
            .iter()
            .flatten()
            .map(|i| {
                let mut item = Map::new();
                for k in ["GlAccountId", "Quantity", "Memo", "UnitPrice"] {
                    if let Some(v) = i.get(k).filter(|v| !v.is_null()) {
                        item.insert(k.into(), v.clone());
                    }
                }
                Value::Object(item)
            })
            .collect();
        m.insert("LineItems".into(), json!(items));
        Value::Object(m)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SubCategory {
    id: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Category {
    id: Option<i64>,
    sub_category: Option<SubCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PropertyRef {
    id: Option<i64>,
}

/// `AllTasksMessage`, every field the task's PUT takes back.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TaskFull {
    title: Option<String>,
    category: Option<Category>,
    property: Option<PropertyRef>,
    unit_id: Option<i64>,
    assigned_to_user_id: Option<i64>,
    priority: Option<String>,
    due_date: Option<String>,
}

impl TaskFull {
    /// The `ToDoTaskPutMessage` / `RentalOwnerRequestTaskPutMessage` that changes the status and
    /// adds `message`. Required: `Title`, `TaskStatus`, `Priority` (and for a to-do,
    /// `AssignedToUserId`, sent back as read).
    fn put_body(&self, status: &str, message: &str) -> Value {
        let mut m = Map::new();
        m.insert("Title".into(), json!(self.title.as_deref().unwrap_or("")));
        m.insert("TaskStatus".into(), json!(status));
        m.insert(
            "Priority".into(),
            json!(
                self.priority
                    .as_deref()
                    .filter(|p| *p != "Unknown")
                    .unwrap_or("Normal")
            ),
        );
        m.insert("Message".into(), json!(message));
        let category = self.category.as_ref();
        for (name, value) in [
            ("CategoryId", category.and_then(|c| c.id)),
            (
                "SubCategoryId",
                category
                    .and_then(|c| c.sub_category.as_ref())
                    .and_then(|s| s.id),
            ),
            ("PropertyId", self.property.as_ref().and_then(|p| p.id)),
            ("UnitId", self.unit_id),
            ("AssignedToUserId", self.assigned_to_user_id),
        ] {
            if let Some(v) = value {
                m.insert(name.into(), json!(v));
            }
        }
        if let Some(d) = &self.due_date {
            m.insert("DueDate".into(), json!(d));
        }
        Value::Object(m)
    }
}
