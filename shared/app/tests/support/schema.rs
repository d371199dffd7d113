//! The Buildium endpoints the connector uses, as Buildium's Open API reference documents them
//! (the generated client docs: `ResidentRequestsApi.md`, `WorkOrdersApi.md`, `TasksApi.md`,
//! `ResidentRequestTaskPutMessage.md`, `WorkOrderPutMessage.md`, `ToDoRequestsApi.md`,
//! `ToDoTaskPutMessage.md`, `RentalOwnerRequestsApi.md`, `RentalOwnerRequestTaskPutMessage.md`,
//! `ContactRequestsApi.md`, `ContactRequestTaskPutMessage.md`,
//! and for the import `RentalPropertiesApi.md`,
//! `RentalTenantsApi.md`, `VendorsApi.md`): method, path, query parameter names and types, and the
//! request body's fields, types and required ones. The fake server checks every request it gets
//! against this table, so a request the real API would not document fails the test.

#![allow(dead_code)]

/// A documented type, as the reference writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Integer,
    String,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDTHH:MM:SSZ`, in UTC.
    Time,
    Boolean,
    Float,
    /// A string from a documented list.
    Enum(&'static [&'static str]),
    /// `Array<String>` / `Array<Integer>` in a query (repeated or comma separated).
    Array,
    /// A nested model in a body (its own fields are not checked here).
    Object,
}

pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

const fn f(name: &'static str, ty: Ty, required: bool) -> Field {
    Field { name, ty, required }
}

pub struct Endpoint {
    pub method: &'static str,
    /// Segments; `{name}` is an Integer path parameter.
    pub path: &'static str,
    pub query: &'static [Field],
    /// The JSON body's documented model, if the endpoint takes one.
    pub body: Option<&'static [Field]>,
}

pub const TASK_STATUS: &[&str] = &["New", "InProgress", "Completed", "Deferred", "Closed"];
const PRIORITY: &[&str] = &["Low", "Normal", "High"];

/// `GET /v1/tasks/residentrequests` (`get_resident_request_tasks`).
const RESIDENT_REQUESTS_QUERY: &[Field] = &[
    f("entitytype", Ty::String, false),
    f("entityid", Ty::Integer, false),
    f("statuses", Ty::Array, false),
    f("unitid", Ty::Integer, false),
    f("unitagreementid", Ty::Integer, false),
    f("lastupdatedfrom", Ty::Date, false),
    f("lastupdatedto", Ty::Date, false),
    f("duedatefrom", Ty::Date, false),
    f("duedateto", Ty::Date, false),
    f("taskcategoryid", Ty::Integer, false),
    f("priorities", Ty::Array, false),
    f("assignedtoid", Ty::Integer, false),
    f("tasktitle", Ty::String, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/workorders` (`get_all_work_orders`).
const WORK_ORDERS_QUERY: &[Field] = &[
    f("entitytype", Ty::String, false),
    f("entityid", Ty::Integer, false),
    f("statuses", Ty::Array, false),
    f("type", Ty::String, false),
    f("unitid", Ty::Integer, false),
    f("unitagreementid", Ty::Integer, false),
    f("lastupdatedfrom", Ty::Date, false),
    f("lastupdatedto", Ty::Date, false),
    f("duedatefrom", Ty::Date, false),
    f("duedateto", Ty::Date, false),
    f("taskcategoryid", Ty::Integer, false),
    f("priorities", Ty::Array, false),
    f("assignedtoid", Ty::Integer, false),
    f("vendorids", Ty::Array, false),
    f("amountfrom", Ty::Float, false),
    f("amountto", Ty::Float, false),
    f("isbilled", Ty::Boolean, false),
    f("title", Ty::String, false),
    f("taskids", Ty::Array, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/tasks/{taskId}/history` (`get_task_histories`).
const HISTORY_QUERY: &[Field] = &[
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/rentals` (`get_all_rentals`).
const RENTALS_QUERY: &[Field] = &[
    f("location", Ty::String, false),
    f("types", Ty::Array, false),
    f("subtypes", Ty::Array, false),
    f("status", Ty::String, false),
    f("rentalownerids", Ty::Array, false),
    f("propertyids", Ty::Array, false),
    f("lastupdatedfrom", Ty::Time, false),
    f("lastupdatedto", Ty::Time, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/rentals/units` (`get_all_rental_units`).
const RENTAL_UNITS_QUERY: &[Field] = &[
    f("propertyids", Ty::Array, false),
    f("lastupdatedfrom", Ty::Time, false),
    f("lastupdatedto", Ty::Time, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/leases/tenants` (`get_all_tenants`).
const TENANTS_QUERY: &[Field] = &[
    f("buildingstatuses", Ty::Array, false),
    f("leasetermstatuses", Ty::Array, false),
    f("unitnumber", Ty::String, false),
    f("name", Ty::String, false),
    f("phone", Ty::String, false),
    f("email", Ty::String, false),
    f("propertyids", Ty::Array, false),
    f("rentalownerids", Ty::Array, false),
    f("lastupdatedfrom", Ty::Time, false),
    f("lastupdatedto", Ty::Time, false),
    f("unitids", Ty::Array, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `GET /v1/vendors` (`get_all_vendors`).
const VENDORS_QUERY: &[Field] = &[
    f("status", Ty::String, false),
    f("email", Ty::String, false),
    f("website", Ty::String, false),
    f("name", Ty::String, false),
    f("insuranceexpiration", Ty::String, false),
    f("phone", Ty::String, false),
    f("lastupdatedfrom", Ty::Time, false),
    f("lastupdatedto", Ty::Time, false),
    f("orderby", Ty::String, false),
    f("offset", Ty::Integer, false),
    f("limit", Ty::Integer, false),
];

/// `ResidentRequestTaskPutMessage` (the body of `update_resource`).
const RESIDENT_REQUEST_PUT: &[Field] = &[
    f("Title", Ty::String, true),
    f("Message", Ty::String, false),
    f("CategoryId", Ty::Integer, false),
    f("SubCategoryId", Ty::Integer, false),
    f("AssignedToUserId", Ty::Integer, false),
    f("TaskStatus", Ty::Enum(TASK_STATUS), true),
    f("Priority", Ty::Enum(PRIORITY), true),
    f("DueDate", Ty::Date, false),
];

/// `WorkOrderPutMessage` (the body of `update_work_order`); its generated client marks
/// `EntryAllowed` and `VendorId` as the ones that cannot be nil.
const WORK_ORDER_PUT: &[Field] = &[
    f("WorkDetails", Ty::String, false),
    f("InvoiceNumber", Ty::String, false),
    f("ChargeableTo", Ty::String, false),
    f("EntryAllowed", Ty::Enum(ENTRY_ALLOWED), true),
    f("EntryNotes", Ty::String, false),
    f("VendorId", Ty::Integer, true),
    f("VendorNotes", Ty::String, false),
    f("EntryContactId", Ty::Integer, false),
    f("EntryContactIds", Ty::Array, false),
    f("LineItems", Ty::Array, false),
];
const ENTRY_ALLOWED: &[&str] = &["Unknown", "Yes", "No"];

/// `ToDoTaskPutMessage` (the body of `update_to_do_task`).
const TO_DO_PUT: &[Field] = &[
    f("Title", Ty::String, true),
    f("Message", Ty::String, false),
    f("CategoryId", Ty::Integer, false),
    f("SubCategoryId", Ty::Integer, false),
    f("PropertyId", Ty::Integer, false),
    f("UnitId", Ty::Integer, false),
    f("AssignedToUserId", Ty::Integer, true),
    f("TaskStatus", Ty::Enum(TASK_STATUS), true),
    f("Priority", Ty::Enum(PRIORITY), true),
    f("DueDate", Ty::Date, false),
];

/// `RentalOwnerRequestTaskPutMessage` (the body of `update_rental_owner_request_task`): the
/// to-do's fields, with `AssignedToUserId` optional.
const RENTAL_OWNER_REQUEST_PUT: &[Field] = &[
    f("Title", Ty::String, true),
    f("Message", Ty::String, false),
    f("CategoryId", Ty::Integer, false),
    f("SubCategoryId", Ty::Integer, false),
    f("PropertyId", Ty::Integer, false),
    f("UnitId", Ty::Integer, false),
    f("AssignedToUserId", Ty::Integer, false),
    f("TaskStatus", Ty::Enum(TASK_STATUS), true),
    f("Priority", Ty::Enum(PRIORITY), true),
    f("DueDate", Ty::Date, false),
];

/// `ContactRequestTaskPutMessage` (the body of `update_contact_request_task`): the to-do's
/// fields and the required `ContactDetail` (`FirstName`, `LastName`, `Email`, `PhoneNumbers`).
const CONTACT_REQUEST_PUT: &[Field] = &[
    f("Title", Ty::String, true),
    f("Message", Ty::String, false),
    f("CategoryId", Ty::Integer, false),
    f("SubCategoryId", Ty::Integer, false),
    f("PropertyId", Ty::Integer, false),
    f("UnitId", Ty::Integer, false),
    f("AssignedToUserId", Ty::Integer, true),
    f("TaskStatus", Ty::Enum(TASK_STATUS), true),
    f("Priority", Ty::Enum(PRIORITY), true),
    f("DueDate", Ty::Date, false),
    f("ContactDetail", Ty::Object, true),
];

/// `WorkOrderMessageTask.Type`'s documented values.
pub const TASK_TYPE: &[&str] = &[
    "ContactRequest",
    "ResidentRequest",
    "Todo",
    "RentalOwnerRequest",
];

/// Every endpoint the connector may call.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/v1/tasks/residentrequests",
        query: RESIDENT_REQUESTS_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/tasks/residentrequests/{residentRequestTaskId}",
        query: &[],
        body: None,
    },
    Endpoint {
        method: "PUT",
        path: "/v1/tasks/residentrequests/{residentRequestTaskId}",
        query: &[],
        body: Some(RESIDENT_REQUEST_PUT),
    },
    Endpoint {
        method: "GET",
        path: "/v1/workorders",
        query: WORK_ORDERS_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/workorders/{workOrderId}",
        query: &[],
        body: None,
    },
    Endpoint {
        method: "PUT",
        path: "/v1/workorders/{workOrderId}",
        query: &[],
        body: Some(WORK_ORDER_PUT),
    },
    Endpoint {
        method: "PUT",
        path: "/v1/tasks/todorequests/{toDoTaskId}",
        query: &[],
        body: Some(TO_DO_PUT),
    },
    Endpoint {
        method: "PUT",
        path: "/v1/tasks/rentalownerrequests/{rentalOwnerRequestTaskId}",
        query: &[],
        body: Some(RENTAL_OWNER_REQUEST_PUT),
    },
    Endpoint {
        method: "GET",
        path: "/v1/tasks/contactrequests/{contactRequestTaskId}",
        query: &[],
        body: None,
    },
    Endpoint {
        method: "PUT",
        path: "/v1/tasks/contactrequests/{contactRequestTaskId}",
        query: &[],
        body: Some(CONTACT_REQUEST_PUT),
    },
    Endpoint {
        method: "GET",
        path: "/v1/tasks/{taskId}",
        query: &[],
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/tasks/{taskId}/history",
        query: HISTORY_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/rentals",
        query: RENTALS_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/rentals/units",
        query: RENTAL_UNITS_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/leases/tenants",
        query: TENANTS_QUERY,
        body: None,
    },
    Endpoint {
        method: "GET",
        path: "/v1/vendors",
        query: VENDORS_QUERY,
        body: None,
    },
];

/// The headers every call carries (Buildium's `clientId` and `clientSecret` API keys).
pub const REQUIRED_HEADERS: &[&str] = &["x-buildium-client-id", "x-buildium-client-secret"];

/// The documented endpoint `method path` is, and its path parameters; `Err` says why none is.
pub fn endpoint(method: &str, path: &str) -> Result<(&'static Endpoint, Vec<i64>), String> {
    let got: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    for e in ENDPOINTS {
        let want: Vec<&str> = e.path.split('/').collect();
        if want.len() != got.len() {
            continue;
        }
        let mut params = vec![];
        let fits = want.iter().zip(&got).all(|(w, g)| {
            if w.starts_with('{') {
                g.parse::<i64>().map(|n| params.push(n)).is_ok()
            } else {
                w == g
            }
        });
        if fits && e.method == method {
            return Ok((e, params));
        }
    }
    Err(format!(
        "{method} {path} is not a documented endpoint the connector uses"
    ))
}

fn fits(ty: Ty, v: &str) -> bool {
    match ty {
        Ty::Integer => v.parse::<i64>().is_ok(),
        Ty::Float => v.parse::<f64>().is_ok(),
        Ty::Boolean => v == "true" || v == "false",
        Ty::Date => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() && v.len() == 10,
        Ty::Time => chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
        Ty::String | Ty::Array | Ty::Object => true,
        Ty::Enum(values) => values.contains(&v),
    }
}

/// Every way the request deviates from the reference (empty: it conforms).
pub fn check(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<String> {
    let (e, _) = match endpoint(method, path) {
        Ok(x) => x,
        Err(why) => return vec![why],
    };
    let mut out = vec![];
    for h in REQUIRED_HEADERS {
        if !headers.iter().any(|(n, v)| n == h && !v.is_empty()) {
            out.push(format!("missing header {h}"));
        }
    }
    for (name, value) in query {
        match e.query.iter().find(|f| f.name == name) {
            None => out.push(format!("undocumented query parameter {name:?}")),
            Some(f) if !fits(f.ty, value) => out.push(format!(
                "query parameter {name}={value:?} is not a {:?}",
                f.ty
            )),
            Some(_) => {}
        }
        if name == "limit" && value.parse::<i64>().is_ok_and(|n| !(1..=1000).contains(&n)) {
            out.push(format!("limit {value} is outside 1–1000"));
        }
        if name == "offset" && value.parse::<i64>().is_ok_and(|n| n < 0) {
            out.push(format!("offset {value} is negative"));
        }
    }
    match e.body {
        None if !body.is_empty() => out.push("a body where none is documented".into()),
        None => {}
        Some(fields) => {
            let json_type = headers
                .iter()
                .any(|(n, v)| n == "content-type" && v.starts_with("application/json"));
            if !json_type {
                out.push("the body is not sent as application/json".into());
            }
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(serde_json::Value::Object(map)) => {
                    for (k, v) in &map {
                        match fields.iter().find(|f| f.name == k) {
                            None => out.push(format!("undocumented body field {k:?}")),
                            Some(f) if !value_fits(f.ty, v) => {
                                out.push(format!("body field {k} = {v} is not a {:?}", f.ty))
                            }
                            Some(_) => {}
                        }
                    }
                    for f in fields.iter().filter(|f| f.required) {
                        if map.get(f.name).is_none_or(|v| v.is_null()) {
                            out.push(format!("required body field {} is missing", f.name));
                        }
                    }
                }
                _ => out.push("the body is not a JSON object".into()),
            }
        }
    }
    out
}

fn value_fits(ty: Ty, v: &serde_json::Value) -> bool {
    use serde_json::Value as V;
    match (ty, v) {
        (_, V::Null) => true,
        (Ty::Integer, V::Number(n)) => n.is_i64() || n.is_u64(),
        (Ty::Float, V::Number(_)) => true,
        (Ty::Boolean, V::Bool(_)) => true,
        (Ty::String, V::String(_)) => true,
        (Ty::Date | Ty::Time | Ty::Enum(_), V::String(s)) => fits(ty, s),
        (Ty::Array, V::Array(_)) => true,
        (Ty::Object, V::Object(_)) => true,
        _ => false,
    }
}
