//! A known tenant who texts the team's number about a new problem: whether the text reads as
//! one, and what it gets — a signed link to the tenant form pre-filled with their words,
//! property, unit, name and contact (nothing is created until they send it), or, when triage
//! reads an emergency, the work order at once, so the emergency path of every submission
//! (safety instructions in the tenant's language, the team alerted by email and SMS at any
//! hour, a vendor dispatched) runs unchanged. Pure; [`crate::routing`] calls it.
//!
//! Why an emergency does not wait for the form: a flooded flat or a gas smell cannot wait for
//! a tenant to find a link, and everything the work order needs (property, unit, name,
//! contact) comes from the tenant's own earlier work order; the team is alerted and can cancel
//! one that is not. A routine problem waits for the tenant's confirmation: the form asks for
//! availability and permission to enter, which a text does not give.

use crate::localtime::local_month;
use crate::portfolio::{Email, Phone, Portfolio, PropertyId};
use crate::replies::Sender;
use crate::triage::{Triage, TriageInput, triage};
use crate::types::{Language, Priority, Trade};
use crate::workorder::{Contact, NewWorkOrder, Source, WorkOrder};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many of a phone's latest work orders (open or closed) the SMS step reads to know the
/// tenant: the newest one that names a property still in the portfolio is the one used.
pub const HISTORY: usize = 5;

/// A text shorter than this many words is a reply or a greeting, not a description.
pub const MIN_WORDS: usize = 3;

/// The longest description taken from a text (the form's own limit is higher).
pub const MAX_DESCRIPTION: usize = 1000;

/// How long the pre-filled link works.
pub const LINK_DAYS: i64 = 7;

/// What the form is pre-filled with: the text's words, and who and where from the tenant's
/// latest work order. Invariant: `phone` is the E.164 number that texted, and the tenant of
/// that earlier work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextedRequest {
    pub property: PropertyId,
    pub unit: String,
    pub name: String,
    pub email: Option<Email>,
    pub phone: Phone,
    pub description: String,
    pub language: Language,
}

/// What a known tenant's text about a new problem gets.
#[derive(Debug, Clone, PartialEq)]
pub enum NewProblem {
    /// A link to the form pre-filled with this (within the number's answer budget).
    Link(TextedRequest),
    /// An emergency: create this work order now. `submission` is its idempotency key: one
    /// work order per phone and clock hour, so a flood of texts makes one work order.
    Emergency {
        request: Box<NewWorkOrder>,
        submission: String,
    },
}

/// The tenant's latest work order (history is newest first) whose tenant phone is `phone` and
/// whose property is still in the portfolio.
pub fn known_tenant<'a>(
    portfolio: &Portfolio,
    phone: &Phone,
    history: &'a [WorkOrder],
) -> Option<&'a WorkOrder> {
    history.iter().find(|wo| {
        wo.request.tenant.phone.as_ref() == Some(phone)
            && portfolio.property(&wo.request.property).is_some()
    })
}

/// What the text means as a new problem of the tenant of `history`'s latest work order, or
/// `None` when it is not one. Rules, in order:
/// - the phone must be the tenant of an earlier work order, open or closed (else: unknown);
/// - the text must have at least [`MIN_WORDS`] words and triage must find a problem in it (a
///   trade, a priority above routine, or an emergency) — "thanks", "ok see you" are not;
/// - a text whose trade is that of one of the tenant's open work orders is about that job, not
///   a new one (it keeps its meaning as a reply), unless it reads as an emergency: a routine job
///   that turned dangerous must reach the team at once, and a duplicate the team can cancel
///   costs less than a flood left waiting;
/// - an emergency while the tenant already has an open emergency work order for the same unit
///   is about that one (it is on its way), not a second one.
pub fn new_problem(
    portfolio: &Portfolio,
    phone: &Phone,
    body: &str,
    open: &[(WorkOrder, Sender)],
    history: &[WorkOrder],
    now: DateTime<Utc>,
) -> Option<NewProblem> {
    let last = known_tenant(portfolio, phone, history)?;
    let property = portfolio.property(&last.request.property)?;
    let description: String = body.trim().chars().take(MAX_DESCRIPTION).collect();
    if description.split_whitespace().count() < MIN_WORDS {
        return None;
    }
    let read = triage(&TriageInput {
        description: &description,
        category: None,
        tenant_says_emergency: false,
        cold_weather: property
            .heating_months
            .contains(&local_month(property.timezone, now)),
    });
    if !is_problem(&read) {
        return None;
    }
    let tenant_open = open
        .iter()
        .filter(|(_, s)| matches!(s, Sender::Tenant))
        .map(|(wo, _)| wo);
    let same_place = |wo: &&WorkOrder| {
        wo.request.property == last.request.property && wo.request.unit == last.request.unit
    };
    let request = TextedRequest {
        property: last.request.property.clone(),
        unit: last.request.unit.clone(),
        name: last.request.tenant.name.clone(),
        email: last.request.tenant.email.clone(),
        phone: phone.clone(),
        description,
        language: last.request.language,
    };
    if read.emergency.is_some() {
        let already = tenant_open
            .filter(same_place)
            .any(|wo| wo.priority == Priority::Emergency);
        if already {
            return None;
        }
        return Some(NewProblem::Emergency {
            submission: emergency_submission(phone, now),
            request: Box::new(work_order(request)),
        });
    }
    let mut tenant_open = tenant_open;
    if tenant_open.any(|wo| wo.trade == read.trade) {
        return None;
    }
    Some(NewProblem::Link(request))
}

/// Triage found something to fix.
fn is_problem(read: &Triage) -> bool {
    read.emergency.is_some() || read.trade != Trade::General || read.priority != Priority::Routine
}

/// The idempotency token of an emergency made by text: one per phone and clock hour.
pub fn emergency_submission(phone: &Phone, now: DateTime<Utc>) -> String {
    let digits: String = phone
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("sms-emergency-{digits}-{}", now.format("%Y%m%d%H"))
}

/// The work order a texted emergency creates: what the form would have sent, with no
/// availability (an emergency is dispatched at once) and no permission to enter assumed.
pub fn work_order(r: TextedRequest) -> NewWorkOrder {
    NewWorkOrder {
        property: r.property,
        unit: r.unit,
        tenant: Contact {
            name: r.name,
            email: r.email,
            phone: Some(r.phone),
        },
        description: r.description,
        category: None,
        emergency: false,
        permission_to_enter: false,
        pets: None,
        access_notes: None,
        photos: vec![],
        availability: vec![],
        source: Source::Tenant,
        language: r.language,
    }
}

/// The key of the SMS that carries the pre-filled link.
pub const LINK_MESSAGE: &str = "sms.new_request";

/// The SMS that carries the pre-filled link, in the tenant's language. GSM-7, and within two
/// segments for a team name of up to 25 characters and a link of up to 140 (a deployed link,
/// API Gateway's address and `?lang=es` included, is about 132).
pub fn link_text(portfolio: &Portfolio, lang: Language, link: &str) -> String {
    crate::messages::for_sms(
        crate::messages::render_in(
            portfolio,
            LINK_MESSAGE,
            lang,
            &[("team", portfolio.team.name.clone()), ("link", link.into())],
        ),
        lang,
    )
}
