//! The portfolio a PM team configures: properties, vendor companies, vendors, dispatch rules,
//! policies, message texts and recurring templates. Loaded from YAML by [`crate::config`].

use crate::types::{Money, Trade};
use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);
        impl $name {
            pub fn as_str(&self) -> &str { &self.0 }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self { $name(s.to_string()) }
        }
    };
}

id_type!(
    /// A property's id as written in the portfolio file (`maple-court`).
    PropertyId
);
id_type!(
    /// A vendor's id as written in the portfolio file.
    VendorId
);
id_type!(
    /// A vendor company's id as written in the portfolio file.
    CompanyId
);
id_type!(
    /// A recurring template's id as written in the portfolio file.
    TemplateId
);

/// A phone number in E.164 form (`+15551234567`).
///
/// Invariant: `+` followed by 8–15 digits, the first not 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts E.164 with optional spaces, dashes, dots and parentheses; a 10-digit number
    /// (or 11 starting with 1) is taken as North American.
    pub fn parse(s: &str) -> Result<Phone, String> {
        let trimmed = s.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::new();
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' | ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(format!("{s:?} is not a phone number")),
            }
        }
        let e164 = if plus {
            digits
        } else if digits.len() == 10 {
            format!("1{digits}")
        } else if digits.len() == 11 && digits.starts_with('1') {
            digits
        } else {
            return Err(format!(
                "{s:?} is not a phone number: write it in international form, e.g. +15551234567"
            ));
        };
        if !(8..=15).contains(&e164.len()) || e164.starts_with('0') {
            return Err(format!("{s:?} is not a phone number"));
        }
        Ok(Phone(format!("+{e164}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}
impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address in the conservative shape browsers accept for `<input type="email">`
/// (WHATWG HTML, "valid email address"): a dot-atom local part of ASCII letters, digits and
/// ``!#$%&'*+/=?^_`{|}~-`` (no quoted strings, no comments, no commas, no spaces), one `@`,
/// and a domain of dot-separated labels of letters, digits and inner hyphens, at least two.
///
/// Invariants: ASCII only (so no control, bidi or other invisible character), at most 254
/// bytes, a local part of at most 64, no empty, leading, trailing or doubled dot. What it
/// refuses is what mail servers and SES would refuse or read differently (`a,b@x.com` is two
/// recipients to some of them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, String> {
        let s = s.trim();
        if email_shape(s) {
            Ok(Email(s.to_string()))
        } else {
            Err(format!("{s:?} is not an email address"))
        }
    }
    /// The address as a key: lowercased. Mail providers treat the domain (and, in practice,
    /// the local part) case-insensitively, so `Team@X.com` and `team@x.com` are one inbox and
    /// must share one rate limit and one team membership.
    pub fn normalised(&self) -> String {
        self.0.to_ascii_lowercase()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Email::parse(&s)
    }
}
impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}
fn email_shape(s: &str) -> bool {
    const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    s.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || LOCAL_SPECIALS.as_bytes().contains(&b))
        && local.split('.').all(|part| !part.is_empty())
        && domain.split('.').count() >= 2
        && domain.split('.').all(label_ok)
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A length of time written as `90s`, `15m`, `2h`, `3d` or combined `1h30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Span(pub i64);

impl Span {
    pub const fn minutes(m: i64) -> Span {
        Span(m * 60)
    }
    pub const fn hours(h: i64) -> Span {
        Span(h * 3600)
    }
    pub const fn days(d: i64) -> Span {
        Span(d * 86_400)
    }
    pub fn seconds(self) -> i64 {
        self.0
    }
    pub fn to_chrono(self) -> chrono::Duration {
        chrono::Duration::seconds(self.0)
    }
    pub fn parse(s: &str) -> Result<Span, String> {
        let err = || format!("{s:?} is not a duration: write e.g. 90s, 15m, 2h, 3d or 1h30m");
        let mut total: i64 = 0;
        let mut num = String::new();
        let mut any = false;
        for c in s.trim().chars() {
            if c.is_ascii_digit() {
                num.push(c);
            } else {
                let unit = match c {
                    's' => 1,
                    'm' => 60,
                    'h' => 3600,
                    'd' => 86_400,
                    _ => return Err(err()),
                };
                let n: i64 = num.parse().map_err(|_| err())?;
                total = total
                    .checked_add(n.checked_mul(unit).ok_or_else(err)?)
                    .ok_or_else(err)?;
                num.clear();
                any = true;
            }
        }
        if !num.is_empty() || !any || total <= 0 {
            return Err(err());
        }
        Ok(Span(total))
    }
}
impl TryFrom<String> for Span {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Span::parse(&s)
    }
}
impl From<Span> for String {
    fn from(s: Span) -> String {
        s.to_string()
    }
}
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        for (unit, secs) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
            if rest >= secs {
                write!(f, "{}{unit}", rest / secs)?;
                rest %= secs;
            }
        }
        Ok(())
    }
}

/// The whole configuration of one PM team's deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    /// The PM team: who gets alerts and "needs attention" notices.
    pub team: Team,
    /// Deployment-wide visitor-desk work-order integration flag ("WO Integration").
    #[serde(default)]
    pub visitor_desk_integration: bool,
    pub properties: Vec<Property>,
    #[serde(default)]
    pub companies: Vec<Company>,
    pub vendors: Vec<Vendor>,
    /// Portfolio-wide ranked vendor lists per trade: the backups after a property's own list.
    #[serde(default)]
    pub dispatch: DispatchRules,
    #[serde(default)]
    pub policy: Policy,
    /// Overrides of message texts by key (see `messages`); unknown keys are an error.
    #[serde(default)]
    pub messages: BTreeMap<String, String>,
    /// Overrides of troubleshooting tips per trade.
    #[serde(default)]
    pub tips: BTreeMap<Trade, Vec<String>>,
    #[serde(default)]
    pub recurring: Vec<RecurringTemplate>,
    /// Country calling codes (`"1"`, `"44"`) of the numbers the public form may have us text;
    /// empty: the country of the team's phone (see [`crate::calling::allowed_codes`]).
    #[serde(default)]
    pub allowed_calling_codes: Vec<String>,
    /// Where the team's other systems receive events (see `endpoints`); their secrets are
    /// the deployment's, not the file's.
    #[serde(default)]
    pub webhooks: Vec<crate::endpoints::Endpoint>,
    /// The residents the team's PMS knows (written by the PMS import, see [`crate::import`]):
    /// a request made there by one of them reaches them on their phone and email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<Tenant>,
}

/// A resident as the team's PMS holds them, on one unit of a mapped property.
///
/// Invariant: `pms_id` is unique among tenants and `property` names a property of the
/// portfolio (checked at load). Written by the import, never typed: the PMS is its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The tenant's id in the PMS (Buildium's tenant `Id`).
    pub pms_id: String,
    pub name: String,
    pub property: PropertyId,
    /// The unit's name here (the property's `pms_units` name, else the PMS's unit number).
    #[serde(default)]
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    pub email: Email,
    #[serde(default)]
    pub phone: Option<Phone>,
    /// Other people of the team who may sign in to the dashboard (besides `email`).
    #[serde(default)]
    pub members: Vec<Email>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Property {
    pub id: PropertyId,
    pub name: String,
    pub address: String,
    /// IANA zone: reminder hours, quiet hours, slots and recurring schedules are in it.
    pub timezone: Tz,
    /// Not-to-exceed: an estimate above it needs the owner's approval.
    #[serde(with = "crate::types::dollars")]
    pub nte: Money,
    /// Not-to-exceed for emergency work orders.
    #[serde(with = "crate::types::dollars")]
    pub emergency_nte: Money,
    pub owner: Owner,
    /// The building has a visitor desk (visits are created only where this and the
    /// deployment flag and the vendor company's auto-create flag are all set).
    #[serde(default)]
    pub visitor_desk: bool,
    /// Months (1–12) in which "no heat" is an emergency. Default: October to April.
    #[serde(default = "default_heating_months")]
    pub heating_months: Vec<u32>,
    /// The property's Go-To vendors per trade, in rank order.
    #[serde(default)]
    pub vendors: BTreeMap<Trade, Vec<VendorId>>,
    /// Per-property policy overrides (fields not given fall back to the portfolio policy).
    #[serde(default)]
    pub policy: Option<PolicyOverrides>,
    /// Notes every vendor offer for this property carries (parking, keys at the office…).
    #[serde(default)]
    pub notes: Option<String>,
    /// The property's id in the team's PMS (Buildium's rental property `Id`): requests made
    /// there for it are pulled in as work orders. Absent: nothing is pulled for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pms_id: Option<String>,
    /// The PMS's unit ids of this property and the unit names Mendwork shows (`"1042": "4B"`);
    /// a unit not listed keeps the PMS's id as its name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pms_units: BTreeMap<String, String>,
}

fn default_heating_months() -> Vec<u32> {
    vec![10, 11, 12, 1, 2, 3, 4]
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: String,
    pub email: Email,
    #[serde(default)]
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
    /// Visits are auto-created when a work order is assigned to one of its vendors.
    #[serde(default)]
    pub auto_create_visit: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub id: VendorId,
    pub name: String,
    #[serde(default)]
    pub company: Option<CompanyId>,
    pub phone: Phone,
    pub email: Email,
    pub trades: Vec<Trade>,
    /// Lower is preferred among vendors not on an explicit list.
    #[serde(default = "default_rank")]
    pub rank: u32,
    /// Takes emergency jobs (nights, weekends, tight accept timers).
    #[serde(default)]
    pub emergency: bool,
    #[serde(default = "yes")]
    pub active: bool,
    /// The vendor's id in the team's PMS (Buildium's vendor `Id`): the import matches the
    /// vendor by it, and a PMS work order's vendor maps to this vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pms_id: Option<String>,
    /// When the vendor's insurance policy expires, as the PMS says (covered through that
    /// date): an expired vendor is not offered new jobs ([`crate::candidates`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_expires: Option<chrono::NaiveDate>,
}

pub(crate) fn default_rank() -> u32 {
    100
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchRules {
    /// Portfolio-wide ranked lists per trade, tried after the property's own list.
    #[serde(default)]
    pub backups: BTreeMap<Trade, Vec<VendorId>>,
    /// After both lists, try any other active vendor of the trade by rank.
    #[serde(default = "yes")]
    pub any_vendor_of_trade: bool,
}

/// Local wall-clock time of day, written `"18:00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime(pub NaiveTime);

impl TryFrom<String> for LocalTime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map(LocalTime)
            .map_err(|_| format!("{s:?} is not a time of day: write HH:MM, e.g. 07:30"))
    }
}
impl From<LocalTime> for String {
    fn from(t: LocalTime) -> String {
        t.0.format("%H:%M").to_string()
    }
}

/// Timers, reminder hours, quiet hours and follow-up cadences. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub accept_timeout: Span,
    pub urgent_accept_timeout: Span,
    pub emergency_accept_timeout: Span,
    /// Accepted but no slot chosen: nudge the vendor this long after acceptance, then again.
    pub schedule_nudge_after: Span,
    pub schedule_nudges: u32,
    /// Email reminder the day before the appointment, local time.
    pub reminder_day_before: LocalTime,
    /// SMS reminder the morning of the appointment, local time.
    pub reminder_morning: LocalTime,
    /// No non-emergency SMS is sent between these local times (start may be after end).
    pub quiet_start: LocalTime,
    pub quiet_end: LocalTime,
    /// Ask the vendor "done?" this long after the appointment's end.
    pub outcome_ask_after: Span,
    pub outcome_nudge_after: Span,
    pub outcome_nudges: u32,
    /// A vendor-proposed time waits this long for the tenant before the PM is told.
    pub proposal_timeout: Span,
    pub approval_reminder_after: Span,
    pub approval_reminders: u32,
    pub invoice_followup_after: Span,
    pub invoice_followups: u32,
    /// Close this long after the invoice if the tenant gave no feedback.
    pub close_after_invoice: Span,
    /// The tenant's yes/no safety question stays open this long; unanswered, the routine
    /// path (which never waited) stands. A YES later still makes it an emergency.
    pub safety_question_timeout: Span,
}

impl Default for Policy {
    fn default() -> Self {
        let t = |h, m| LocalTime(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN));
        Policy {
            accept_timeout: Span::hours(2),
            urgent_accept_timeout: Span::hours(1),
            emergency_accept_timeout: Span::minutes(15),
            schedule_nudge_after: Span::hours(4),
            schedule_nudges: 2,
            reminder_day_before: t(18, 0),
            reminder_morning: t(7, 30),
            quiet_start: t(21, 0),
            quiet_end: t(8, 0),
            outcome_ask_after: Span::hours(1),
            outcome_nudge_after: Span::hours(4),
            outcome_nudges: 2,
            proposal_timeout: Span::hours(24),
            approval_reminder_after: Span::hours(24),
            approval_reminders: 2,
            invoice_followup_after: Span::days(3),
            invoice_followups: 4,
            close_after_invoice: Span::days(3),
            safety_question_timeout: Span::minutes(30),
        }
    }
}

/// Per-property overrides: every field optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverrides {
    pub accept_timeout: Option<Span>,
    pub urgent_accept_timeout: Option<Span>,
    pub emergency_accept_timeout: Option<Span>,
    pub reminder_day_before: Option<LocalTime>,
    pub reminder_morning: Option<LocalTime>,
    pub quiet_start: Option<LocalTime>,
    pub quiet_end: Option<LocalTime>,
}

impl Policy {
    /// The portfolio policy with a property's overrides applied.
    pub fn for_property(&self, p: &Property) -> Policy {
        let mut out = self.clone();
        if let Some(o) = &p.policy {
            macro_rules! take {
                ($($f:ident),*) => { $( if let Some(v) = o.$f { out.$f = v; } )* };
            }
            take!(
                accept_timeout,
                urgent_accept_timeout,
                emergency_accept_timeout,
                reminder_day_before,
                reminder_morning,
                quiet_start,
                quiet_end
            );
        }
        out
    }
}

/// A work order created on a schedule, e.g. "HVAC filter, 1st of every quarter 09:00".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringTemplate {
    pub id: TemplateId,
    pub property: PropertyId,
    #[serde(default)]
    pub unit: Option<String>,
    pub description: String,
    pub trade: Trade,
    /// Five-field cron (minute hour day-of-month month day-of-week) in the property's zone.
    pub schedule: String,
    #[serde(default)]
    pub active: Option<bool>,
}

impl TemplateId {
    /// What tells this template's occurrences apart from every other template's: a hash of
    /// the whole id, case-folded (12 lowercase hex digits), so that ids sharing a long start
    /// (`monthly-checks-pest`, `monthly-checks-plumbing`) never share a work order, while the
    /// work-order id, its timer and schedule names keep a fixed length.
    ///
    /// Invariant: a pure function of the id, ignoring letter case and surrounding spaces; the
    /// portfolio check rejects two templates with the same key
    /// ([`crate::config::parse_portfolio`]).
    pub fn occurrence_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let folded = self.0.trim().to_lowercase();
        Sha256::digest(folded.as_bytes())[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Portfolio {
    pub fn property(&self, id: &PropertyId) -> Option<&Property> {
        self.properties.iter().find(|p| &p.id == id)
    }
    pub fn vendor(&self, id: &VendorId) -> Option<&Vendor> {
        self.vendors.iter().find(|v| &v.id == id)
    }
    pub fn company(&self, id: &CompanyId) -> Option<&Company> {
        self.companies.iter().find(|c| &c.id == id)
    }
    pub fn vendor_by_phone(&self, phone: &Phone) -> Option<&Vendor> {
        self.vendors.iter().find(|v| &v.phone == phone)
    }
    /// The vendor the PMS knows by `pms_id`.
    pub fn vendor_by_pms_id(&self, pms_id: &str) -> Option<&Vendor> {
        self.vendors
            .iter()
            .find(|v| v.pms_id.as_deref() == Some(pms_id))
    }
    /// The tenant the PMS knows by `pms_id`.
    pub fn tenant_by_pms_id(&self, pms_id: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.pms_id == pms_id)
    }
    pub fn policy_for(&self, property: &Property) -> Policy {
        self.policy.for_property(property)
    }
    /// True where assigning this vendor on this property must create a visitor-desk visit.
    pub fn auto_visit(&self, property: &Property, vendor: &Vendor) -> bool {
        self.visitor_desk_integration
            && property.visitor_desk
            && vendor
                .company
                .as_ref()
                .and_then(|c| self.company(c))
                .is_some_and(|c| c.auto_create_visit)
    }
}

/// Weekday helper kept here so config and recurrence agree on spelling.
pub fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}
