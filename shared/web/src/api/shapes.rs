//! The JSON API's answers and request bodies as typed values: what the handlers serialise is
//! what the OpenAPI document describes. Domain values embedded as the domain serialises them
//! (a visit, triage, a timeline event) are described by the schemas in [`super::schemas`].

use super::schemas;
use chrono::{DateTime, Utc};
use mendwork_domain::decide::Recorded;
use mendwork_domain::effects::Links;
use mendwork_domain::safety::SafetyCheck;
use mendwork_domain::triage::Triage;
use mendwork_domain::{
    EstimateDecision, Event, Language, Money, Portfolio, Priority, Property, Source, Status,
    TimerKind, Trade, Vendor, Visit, Window, WorkOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Money as the API writes it: a number of dollars (`500`, `385.5`).
/// Fields of this type are described as `f64` numbers of at least 0.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Dollars(#[serde(with = "mendwork_domain::types::dollars")] pub Money);

/// The property a work order is for; `name` and `timezone` are null if the portfolio no
/// longer has it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PropertyRef {
    pub id: String,
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub timezone: Option<String>,
}

/// The tenant as the request named them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenantBody {
    pub name: String,
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(value_type = schemas::Language)]
    pub language: Language,
}

/// The assigned vendor; `name` and `phone` are null if the portfolio no longer has them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorRef {
    pub id: String,
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub phone: Option<String>,
}

/// The open offer to a vendor.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferBody {
    pub vendor: String,
    pub expires_at: DateTime<Utc>,
}

/// The vendor's estimate and what became of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EstimateBody {
    #[schema(value_type = f64, minimum = 0)]
    pub amount: Dollars,
    /// The not-to-exceed amount it was measured against.
    #[schema(value_type = f64, minimum = 0)]
    pub limit: Dollars,
    #[schema(value_type = schemas::EstimateDecision)]
    pub decision: EstimateDecision,
    #[schema(required = true)]
    pub note: Option<String>,
    pub vendor: String,
    pub at: DateTime<Utc>,
}

/// The vendor's invoice; `file` is a signed link to the document, fresh at each answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceBody {
    #[schema(value_type = f64, minimum = 0)]
    pub amount: Dollars,
    #[schema(required = true)]
    pub reference: Option<String>,
    pub at: DateTime<Utc>,
    #[schema(required = true)]
    pub file: Option<String>,
}

/// The tenant's rating (1 to 5).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackBody {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: u8,
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// An armed timer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimerBody {
    #[schema(value_type = schemas::TimerKind)]
    pub kind: TimerKind,
    pub generation: u32,
    pub due: DateTime<Utc>,
}

/// A work order as the API writes it. Photo and file links are signed, fresh at each answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = WorkOrder)]
pub struct WorkOrderBody {
    pub id: String,
    /// The short job code people read and type (`KP27`).
    #[schema(pattern = "^[A-Z]{2}[2-9]{2}$")]
    pub code: String,
    #[schema(value_type = schemas::Status)]
    pub status: Status,
    /// The status in words.
    pub status_label: String,
    #[schema(value_type = schemas::Trade)]
    pub trade: Trade,
    #[schema(value_type = schemas::Priority)]
    pub priority: Priority,
    pub property: PropertyRef,
    pub unit: String,
    pub tenant: TenantBody,
    pub description: String,
    /// The trade the request named, if any.
    #[schema(value_type = Option<schemas::Trade>, required = true)]
    pub category: Option<Trade>,
    pub emergency: bool,
    pub permission_to_enter: bool,
    #[schema(required = true)]
    pub pets: Option<String>,
    #[schema(required = true)]
    pub access_notes: Option<String>,
    /// Links to the tenant's photos.
    pub photos: Vec<String>,
    #[schema(value_type = schemas::Source)]
    pub source: Source,
    /// When the tenant is available.
    #[schema(value_type = Vec<schemas::Window>)]
    pub availability: Vec<Window>,
    #[schema(required = true)]
    pub vendor: Option<VendorRef>,
    #[schema(required = true)]
    pub offer: Option<OfferBody>,
    /// The numbered slots last sent to the vendor.
    #[schema(value_type = Vec<schemas::Window>)]
    pub slots: Vec<Window>,
    #[schema(value_type = Option<schemas::Window>, required = true)]
    pub appointment: Option<Window>,
    /// A time the vendor proposed, waiting for the tenant.
    #[schema(value_type = Option<schemas::Window>, required = true)]
    pub proposal: Option<Window>,
    #[schema(required = true)]
    pub estimate: Option<EstimateBody>,
    pub approval_round: u32,
    #[schema(value_type = Option<schemas::Visit>, required = true)]
    pub visit: Option<Visit>,
    #[schema(required = true)]
    pub invoice: Option<InvoiceBody>,
    #[schema(required = true)]
    pub feedback: Option<FeedbackBody>,
    /// Why the work order needs the team's attention, in English words.
    #[schema(required = true)]
    pub attention: Option<String>,
    /// The cause of `attention` as a stable snake_case code (`no_vendor`, `all_declined`,
    /// `time_not_picked`, `proposal_unconfirmed`, `outcome_unknown`, `estimate_declined`,
    /// `completed_in_pms`, `unknown_vendor_in_pms`, `overdue`, `danger_reported`; `other` for
    /// a cause recorded before causes were typed).
    #[schema(required = true)]
    pub attention_code: Option<&'static str>,
    #[schema(value_type = Option<schemas::Triage>, required = true)]
    pub triage: Option<Triage>,
    #[schema(value_type = Option<schemas::SafetyCheck>, required = true)]
    pub safety_question: Option<SafetyCheck>,
    /// Instructions the team added for the vendor.
    pub instructions: Vec<String>,
    #[schema(required = true)]
    pub completion_notes: Option<String>,
    /// Links to the vendor's completion photos.
    pub completion_photos: Vec<String>,
    pub not_done_reasons: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub timers: Vec<TimerBody>,
}

impl WorkOrderBody {
    /// `wo` with its property and vendor looked up in `portfolio`, and files as links signed
    /// by `links`.
    pub fn new(wo: &WorkOrder, portfolio: &Portfolio, links: &dyn Links) -> WorkOrderBody {
        let files = |names: &[String]| names.iter().map(|n| links.file(n)).collect::<Vec<_>>();
        let property = portfolio.property(&wo.request.property);
        let tz = property.map_or(chrono_tz::UTC, |p| p.timezone);
        let tenant = &wo.request.tenant;
        WorkOrderBody {
            id: wo.id.to_string(),
            code: wo.code.to_string(),
            status: wo.status,
            status_label: wo.status.label().to_string(),
            trade: wo.trade,
            priority: wo.priority,
            property: PropertyRef {
                id: wo.request.property.to_string(),
                name: property.map(|p| p.name.clone()),
                timezone: property.map(|p| p.timezone.name().to_string()),
            },
            unit: wo.request.unit.clone(),
            tenant: TenantBody {
                name: tenant.name.clone(),
                email: tenant.email.as_ref().map(|e| e.to_string()),
                phone: tenant.phone.as_ref().map(|p| p.to_string()),
                language: wo.request.language,
            },
            description: wo.request.description.clone(),
            category: wo.request.category,
            emergency: wo.request.emergency,
            permission_to_enter: wo.request.permission_to_enter,
            pets: wo.request.pets.clone(),
            access_notes: wo.request.access_notes.clone(),
            photos: files(&wo.request.photos),
            source: wo.request.source.clone(),
            availability: wo.request.availability.clone(),
            vendor: wo.vendor.as_ref().map(|id| {
                let v = portfolio.vendor(id);
                VendorRef {
                    id: id.to_string(),
                    name: v.map(|v| v.name.clone()),
                    phone: v.map(|v| v.phone.to_string()),
                }
            }),
            offer: wo.offer.as_ref().map(|o| OfferBody {
                vendor: o.vendor.to_string(),
                expires_at: o.expires_at,
            }),
            slots: wo.slots.clone(),
            appointment: wo.appointment,
            proposal: wo.proposal,
            estimate: wo.estimate.as_ref().map(|e| EstimateBody {
                amount: Dollars(e.amount),
                limit: Dollars(e.limit),
                decision: e.decision.clone(),
                note: e.note.clone(),
                vendor: e.vendor.to_string(),
                at: e.at,
            }),
            approval_round: wo.approval_round,
            visit: wo.visit.clone(),
            invoice: wo.invoice.as_ref().map(|i| InvoiceBody {
                amount: Dollars(i.amount),
                reference: i.reference.clone(),
                at: i.at,
                file: i.file.as_deref().map(|f| links.file(f)),
            }),
            feedback: wo.feedback.as_ref().map(|f| FeedbackBody {
                rating: f.rating,
                comment: f.comment.clone(),
            }),
            attention: wo
                .attention
                .as_ref()
                .map(|c| c.describe(portfolio, tz, Language::En)),
            attention_code: wo.attention.as_ref().map(|c| c.code()),
            triage: wo.triage.clone(),
            safety_question: wo.safety.clone(),
            instructions: wo.instructions.clone(),
            completion_notes: wo.completion_notes.clone(),
            completion_photos: files(&wo.completion_photos),
            not_done_reasons: wo.not_done_reasons.clone(),
            created_at: wo.created_at,
            updated_at: wo.updated_at,
            timers: wo
                .timers
                .iter()
                .filter_map(|(kind, t)| {
                    t.due.map(|due| TimerBody {
                        kind: *kind,
                        generation: t.generation,
                        due,
                    })
                })
                .collect(),
        }
    }
}

/// One entry of a work order's timeline: the event (by `kind`, with its own fields) and when
/// it was recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    #[schema(value_type = schemas::Event)]
    pub event: serde_json::Value,
}

impl TimelineEntry {
    /// The entry of `r`, an event of a work order at a property in `tz`: the event as the
    /// domain writes it, but for `needs_attention` and `unscheduled`, whose typed cause or reason
    /// is given as webhooks give it ([`mendwork_domain::outbound::attention_data`],
    /// [`mendwork_domain::outbound::unscheduled_data`]: `reason` in English words, `code`, the
    /// cause's fields; `by`, who asked to reschedule, as the API gives actors), so the API keeps
    /// the `reason` it always had.
    pub fn new(r: &Recorded, portfolio: &Portfolio, tz: chrono_tz::Tz) -> TimelineEntry {
        let event = match &r.event {
            Event::NeedsAttention { cause } => {
                let mut data = mendwork_domain::outbound::attention_data(cause, portfolio, tz);
                if let Some(fields) = data.as_object_mut() {
                    fields.insert("kind".into(), "needs_attention".into());
                }
                data
            }
            Event::Unscheduled { reason } => {
                let mut data = mendwork_domain::outbound::unscheduled_data(reason, portfolio, tz);
                data.insert("kind".into(), "unscheduled".into());
                if let mendwork_domain::unscheduled::Reason::AskedToReschedule { by, .. } = reason {
                    data.insert("by".into(), serde_json::to_value(by).unwrap_or_default());
                }
                serde_json::Value::Object(data)
            }
            other => serde_json::to_value(other).unwrap_or_default(),
        };
        TimelineEntry { at: r.at, event }
    }
}

/// A work order with its whole timeline, oldest first: the answer about one work order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkOrderDetail {
    #[serde(flatten)]
    pub work_order: WorkOrderBody,
    pub timeline: Vec<TimelineEntry>,
}

/// A page of work orders, newest first, without their timelines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkOrderPage {
    pub work_orders: Vec<WorkOrderBody>,
    /// Pass as `cursor` (with the same filters) for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A property of the portfolio.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Property)]
pub struct PropertyBody {
    pub id: String,
    pub name: String,
    pub address: String,
    /// An IANA time zone name.
    pub timezone: String,
    /// The not-to-exceed amount for routine work.
    #[schema(value_type = f64, minimum = 0)]
    pub nte: Dollars,
    /// The not-to-exceed amount for emergencies.
    #[schema(value_type = f64, minimum = 0)]
    pub emergency_nte: Dollars,
    /// Whether the property has a visitor desk.
    pub visitor_desk: bool,
}

impl From<&Property> for PropertyBody {
    fn from(p: &Property) -> PropertyBody {
        PropertyBody {
            id: p.id.to_string(),
            name: p.name.clone(),
            address: p.address.clone(),
            timezone: p.timezone.name().to_string(),
            nte: Dollars(p.nte),
            emergency_nte: Dollars(p.emergency_nte),
            visitor_desk: p.visitor_desk,
        }
    }
}

/// A page of the portfolio's properties, in the portfolio's order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PropertyPage {
    pub properties: Vec<PropertyBody>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A vendor of the portfolio.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Vendor)]
pub struct VendorBody {
    pub id: String,
    pub name: String,
    #[schema(required = true)]
    pub company: Option<String>,
    #[schema(required = true)]
    pub company_name: Option<String>,
    pub phone: String,
    pub email: String,
    #[schema(value_type = Vec<schemas::Trade>)]
    pub trades: Vec<Trade>,
    /// Lower is preferred.
    pub rank: u32,
    /// Takes emergency jobs.
    pub emergency: bool,
    pub active: bool,
}

impl VendorBody {
    pub fn new(v: &Vendor, portfolio: &Portfolio) -> VendorBody {
        let company = v.company.as_ref().and_then(|c| portfolio.company(c));
        VendorBody {
            id: v.id.to_string(),
            name: v.name.clone(),
            company: v.company.as_ref().map(|c| c.to_string()),
            company_name: company.map(|c| c.name.clone()),
            phone: v.phone.to_string(),
            email: v.email.to_string(),
            trades: v.trades.clone(),
            rank: v.rank,
            emergency: v.emergency,
            active: v.active,
        }
    }
}

/// A page of the portfolio's vendors, in the portfolio's order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorPage {
    pub vendors: Vec<VendorBody>,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A visit as the API writes it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = schemas::Visit)]
pub struct VisitBody(pub Visit);

/// The day's visits (not paged: one day of one desk, or of every desk).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitList {
    pub visits: Vec<VisitBody>,
}

/// Every refusal and failure: `error` in plain words (never an internal cause); `field` names
/// the request field at fault (a JSON path like `tenant.email`, or a query parameter).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Request bodies (unknown fields are refused with 422).

/// `assign`: the vendor to give the job to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// A vendor's id.
    pub vendor: String,
}

/// `cancel`: why, optionally (the tenant and vendor are told).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// `approval`: the decision on the open approval request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    pub approve: bool,
}

/// `instructions`: words for the vendor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructionsBody {
    #[schema(max_length = 1000)]
    pub text: String,
}

/// A visitor expected today at a property's desk.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVisitBody {
    /// The property's id.
    pub property: String,
    #[schema(max_length = 200)]
    pub visitor: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub company: Option<String>,
    /// When the visitor is expected from (RFC 3339); give both `start` and `end`, or neither.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub start: Option<String>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub end: Option<String>,
    /// A work order's id or job code to link the visit to.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// `check-in`, `check-out`, `close`, `reschedule`: nothing (`{}`, or no body at all).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyBody {}

/// `link`: the work order (id or job code) the visit is for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    pub request_id: String,
}
