//! Parsing at the edge: the PM API's JSON body and the tenant form become a [`NewWorkOrder`]
//! built from newtypes, or field-named errors in plain words. Nothing past here re-checks input.

use crate::error::WebError;
use crate::i18n::Lang;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use mendwork_domain::calling::{allowed_codes, may_text_from_form};
use mendwork_domain::localtime::at_local;
use mendwork_domain::text::strip_hidden_format;
use mendwork_domain::{
    Contact, Email, Language, LocalTime, NewWorkOrder, Phone, Portfolio, Property, PropertyId,
    Source, Trade, Window,
};
use serde::Deserialize;
use utoipa::ToSchema;

/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest name, unit or other short text accepted, in characters.
pub const MAX_NAME: usize = 200;
/// Longest access notes accepted, in characters.
pub const MAX_NOTES: usize = 1000;
/// Most availability windows one request may carry.
pub const MAX_WINDOWS: usize = 10;
/// Longest submission token accepted.
const MAX_TOKEN: usize = 100;

pub use crate::field_error::{FieldError, FieldReason};

// ---------------------------------------------------------------------------------------------
// Field parsers shared by the JSON body and the form.

/// Trimmed text of at most `max` characters; `None` when blank. Invisible format characters
/// (bidi overrides and the like, see [`strip_hidden_format`]) are stripped first, so no
/// stored text reads differently from what it says.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let stripped = value.map(strip_hidden_format);
    let Some(v) = stripped.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(FieldError::new(field, FieldReason::TooLong { max }));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(field, FieldReason::BadCharacters));
    }
    Ok(Some(v.to_string()))
}

/// Trimmed, non-blank text of at most `max` characters; blank is "Please enter `what`." in
/// English (staff pages and the PM API; see [`required`] for pages a tenant reads).
pub fn required_text(
    field: &str,
    value: &str,
    max: usize,
    what: &str,
) -> Result<String, FieldError> {
    required(
        field,
        value,
        max,
        FieldReason::Words(format!("Please enter {what}.")),
    )
}

/// Trimmed, non-blank text of at most `max` characters; blank is `missing`.
pub fn required(
    field: &str,
    value: &str,
    max: usize,
    missing: FieldReason,
) -> Result<String, FieldError> {
    optional_text(field, Some(value), max)?.ok_or_else(|| FieldError::new(field, missing))
}

pub fn optional_email(field: &str, value: Option<&str>) -> Result<Option<Email>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Email::parse(v)
            .map(Some)
            .map_err(|_| FieldError::new(field, FieldReason::BadEmail)),
    }
}

pub fn optional_phone(field: &str, value: Option<&str>) -> Result<Option<Phone>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Phone::parse(v)
            .map(Some)
            .map_err(|_| FieldError::new(field, FieldReason::BadPhone)),
    }
}

/// The form's answer to a number in a country the team does not text (SMS pumping sends
/// confirmations to premium numbers abroad).
pub fn country_error(portfolio: &Portfolio) -> FieldError {
    let codes: Vec<String> = allowed_codes(portfolio)
        .iter()
        .map(|c| format!("+{c}"))
        .collect();
    FieldError::new("phone", FieldReason::CountryNotTexted { codes })
}

/// A trade by its API spelling; blank means "let us decide".
pub fn optional_trade(field: &str, value: Option<&str>) -> Result<Option<Trade>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Trade::parse(v).map(Some).ok_or_else(|| {
            let options = Trade::ALL.iter().map(|t| t.as_str().to_string()).collect();
            FieldError::new(
                field,
                FieldReason::UnknownCategory {
                    value: v.to_string(),
                    options,
                },
            )
        }),
    }
}

/// A property of the portfolio by id.
pub fn property<'p>(
    portfolio: &'p Portfolio,
    field: &str,
    id: &str,
) -> Result<&'p Property, FieldError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(FieldError::new(field, FieldReason::ChooseProperty));
    }
    portfolio
        .property(&PropertyId(id.to_string()))
        .ok_or_else(|| {
            FieldError::new(
                field,
                FieldReason::NoSuchProperty {
                    value: id.to_string(),
                },
            )
        })
}

/// A window that starts before it ends and has not ended yet.
pub fn window(
    field: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Window, FieldError> {
    let w = Window::new(start, end)
        .ok_or_else(|| FieldError::new(field, FieldReason::EndBeforeStart))?;
    if w.end <= now {
        return Err(FieldError::new(field, FieldReason::TimePast));
    }
    Ok(w)
}

/// A submission token as sent by our form (letters, digits, `-`, `_`); anything else is ignored.
pub fn submission_token(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN)
        .filter(|t| {
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_string)
}

/// A yes/no form answer; anything but "yes"/"no" (or on/true/false) is `default`.
pub fn yes_no(value: Option<&str>, default: bool) -> bool {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("yes" | "on" | "true" | "1") => true,
        Some("no" | "off" | "false" | "0") => false,
        _ => default,
    }
}

/// A local date as a form sends it (`YYYY-MM-DD`).
pub fn local_date(field: &str, value: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, FieldReason::BadDate))
}

/// A local time of day as a form sends it (`HH:MM`, seconds allowed).
pub fn local_time(field: &str, value: &str) -> Result<LocalTime, FieldError> {
    let v = value.trim();
    NaiveTime::parse_from_str(v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M:%S"))
        .map(LocalTime)
        .map_err(|_| FieldError::new(field, FieldReason::BadTime))
}

/// One window from local form fields, read in the property's zone.
pub fn local_window(
    field: &str,
    tz: Tz,
    date: &str,
    start: &str,
    end: &str,
    now: DateTime<Utc>,
) -> Result<Window, FieldError> {
    let d = local_date(field, date)?;
    let s = local_time(field, start)?;
    let e = local_time(field, end)?;
    window(field, at_local(tz, d, s), at_local(tz, d, e), now)
}

/// Form rows of date/start/end (repeated fields, matched by position). Entirely blank rows
/// are skipped; each other row is one window. Errors are keyed `window-<row>` (from 1).
pub fn local_windows(
    tz: Tz,
    dates: &[String],
    starts: &[String],
    ends: &[String],
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Vec<Window> {
    let rows = dates.len().max(starts.len()).max(ends.len());
    let cell = |v: &[String], i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut out = vec![];
    let mut filled = 0;
    for i in 0..rows {
        let (d, s, e) = (cell(dates, i), cell(starts, i), cell(ends, i));
        if d.is_empty() && s.is_empty() && e.is_empty() {
            continue;
        }
        filled += 1;
        let field = format!("window-{}", i + 1);
        if d.is_empty() || s.is_empty() || e.is_empty() {
            errors.push(FieldError::new(field, FieldReason::IncompleteWindow));
            continue;
        }
        match local_window(&field, tz, &d, &s, &e, now) {
            Ok(w) => out.push(w),
            Err(err) => errors.push(err),
        }
    }
    if filled > MAX_WINDOWS {
        errors.push(FieldError::new(
            "windows",
            FieldReason::TooManyWindows { max: MAX_WINDOWS },
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The PM API's JSON body.

/// `POST /api/work-orders` as sent; turned into a [`NewWorkOrder`] by [`CreateWorkOrder::parse`].
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(description = "A work order as the property team reports it. Unknown fields are refused.")]
pub struct CreateWorkOrder {
    /// The property's id.
    pub property: String,
    #[schema(max_length = 200)]
    pub unit: String,
    pub tenant: TenantJson,
    #[schema(max_length = 4000)]
    pub description: String,
    /// When the tenant is available (at most 10 windows, none over yet).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub availability: Vec<WindowJson>,
    /// The trade, if known; triage decides otherwise.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schemas::Trade>)]
    pub category: Option<String>,
    /// Defaults to false.
    #[serde(default)]
    pub emergency: Option<bool>,
    /// Defaults to true.
    #[serde(default)]
    pub permission_to_enter: Option<bool>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub pets: Option<String>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub access_notes: Option<String>,
    /// A token that makes a retried submission answer with the first one's work order.
    #[serde(default)]
    #[schema(max_length = 100, pattern = "^[A-Za-z0-9_-]+$")]
    pub submission: Option<String>,
    /// The language of the tenant's messages: `en` (the default) or `es`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schemas::Language>)]
    pub language: Option<String>,
}

/// The person at the unit, as far as they are known.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantJson {
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A span of time, RFC 3339 (`2026-03-10T09:00:00-05:00`); `start` before `end`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowJson {
    #[schema(format = DateTime)]
    pub start: String,
    #[schema(format = DateTime)]
    pub end: String,
}

fn instant(field: &str, value: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            FieldError::new(
                field,
                format!("{value:?} is not an RFC 3339 time, e.g. 2026-03-10T09:00:00-05:00"),
            )
        })
}

impl CreateWorkOrder {
    /// The request and its submission token, or the first bad field (named by its JSON path).
    pub fn parse(
        self,
        portfolio: &Portfolio,
        now: DateTime<Utc>,
    ) -> Result<(NewWorkOrder, Option<String>), FieldError> {
        let property = property(portfolio, "property", &self.property)?.id.clone();
        let unit = required_text("unit", &self.unit, MAX_NAME, "the unit")?;
        let name =
            optional_text("tenant.name", Some(&self.tenant.name), MAX_NAME)?.unwrap_or_default();
        let email = optional_email("tenant.email", self.tenant.email.as_deref())?;
        let phone = optional_phone("tenant.phone", self.tenant.phone.as_deref())?;
        let description = required_text(
            "description",
            &self.description,
            MAX_DESCRIPTION,
            "a description",
        )?;
        if self.availability.len() > MAX_WINDOWS {
            return Err(FieldError::new(
                "availability",
                format!("At most {MAX_WINDOWS} windows."),
            ));
        }
        let mut availability = vec![];
        for (i, w) in self.availability.iter().enumerate() {
            let start = instant(&format!("availability[{i}].start"), &w.start)?;
            let end = instant(&format!("availability[{i}].end"), &w.end)?;
            availability.push(window(&format!("availability[{i}]"), start, end, now)?);
        }
        let category = optional_trade("category", self.category.as_deref())?;
        let language = match self.language.as_deref().map(str::trim) {
            None | Some("") => Language::En,
            Some(code) => Language::parse(code).ok_or_else(|| {
                FieldError::new(
                    "language",
                    format!("Unknown language {code:?}: use \"en\" or \"es\"."),
                )
            })?,
        };
        let pets = optional_text("pets", self.pets.as_deref(), MAX_NAME)?;
        let access_notes = optional_text("access_notes", self.access_notes.as_deref(), MAX_NOTES)?;
        let submission = match self.submission.as_deref() {
            None => None,
            Some(t) => Some(submission_token(Some(t)).ok_or_else(|| {
                FieldError::new("submission", "Use up to 100 letters, digits, '-' or '_'.")
            })?),
        };
        let request = NewWorkOrder {
            property,
            unit,
            tenant: Contact { name, email, phone },
            description,
            category,
            emergency: self.emergency.unwrap_or(false),
            permission_to_enter: self.permission_to_enter.unwrap_or(true),
            pets,
            access_notes,
            photos: vec![],
            availability,
            source: Source::Pm,
            language,
        };
        Ok((request, submission))
    }
}

/// Reads a JSON body into `T`: malformed JSON is a 400, a wrong or unknown field a 422 naming
/// the field by its path.
pub fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}" as &[u8]
    } else {
        bytes
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let message = data_message(&inner.to_string());
                    // The path already ends with an unknown field's name; "." is the root.
                    let field = match (path.as_str(), unknown_field(&message)) {
                        (".", Some(f)) => f,
                        _ => path,
                    };
                    Err(WebError::field(field, message))
                }
                _ => Err(WebError::BadRequest(format!(
                    "The body is not valid JSON: {inner}"
                ))),
            }
        }
    }
}

/// serde's message without its " at line 1 column 7" suffix.
fn data_message(m: &str) -> String {
    match m.rfind(" at line ") {
        Some(i) => m[..i].to_string(),
        None => m.to_string(),
    }
}

/// The name in serde's "unknown field `x`, expected …".
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next().map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// The tenant form.

/// `POST /report` as the browser sends it. Every field is optional here so that a missing
/// one becomes an error beside it rather than a bare 400.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub property: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub emergency: Option<String>,
    #[serde(default)]
    pub permission_to_enter: Option<String>,
    #[serde(default)]
    pub pets: String,
    #[serde(default)]
    pub access_notes: String,
    #[serde(default)]
    pub window_date: Vec<String>,
    #[serde(default)]
    pub window_start: Vec<String>,
    #[serde(default)]
    pub window_end: Vec<String>,
    #[serde(default)]
    pub submission: String,
    #[serde(default)]
    pub website: String,
    /// The signed time the form was handed out (anti-spam; see `pages::tenant`).
    #[serde(default)]
    pub issued: String,
    /// The language the form was shown in (`en`/`es`).
    #[serde(default)]
    pub lang: String,
    /// The signed grant of the page's direct uploads (see [`crate::files`]).
    #[serde(default)]
    pub upload: String,
    /// The ids of the photos the page's script uploaded straight to storage.
    #[serde(default)]
    pub upload_id: Vec<String>,
}

impl ReportForm {
    /// True when the honeypot field was filled in (a bot).
    pub fn is_bot(&self) -> bool {
        !self.website.trim().is_empty()
    }

    /// The request, or every bad field (form field names; `window-<n>` for window rows,
    /// `contact` when neither email nor phone was given).
    pub fn parse(
        &self,
        portfolio: &Portfolio,
        now: DateTime<Utc>,
    ) -> Result<NewWorkOrder, Vec<FieldError>> {
        let mut errors = vec![];
        macro_rules! take {
            ($e:expr) => {
                match $e {
                    Ok(v) => Some(v),
                    Err(err) => {
                        errors.push(err);
                        None
                    }
                }
            };
        }
        let prop = take!(property(portfolio, "property", &self.property));
        let unit = take!(required(
            "unit",
            &self.unit,
            MAX_NAME,
            FieldReason::MissingUnit
        ));
        let name = take!(required(
            "name",
            &self.name,
            MAX_NAME,
            FieldReason::MissingName
        ));
        let email = take!(optional_email("email", Some(&self.email)));
        let phone = take!(optional_phone("phone", Some(&self.phone)).and_then(|p| {
            match p {
                Some(p) if !may_text_from_form(portfolio, &p) => Err(country_error(portfolio)),
                other => Ok(other),
            }
        }));
        if let (Some(None), Some(None)) = (&email, &phone) {
            errors.push(FieldError::new("contact", FieldReason::ContactMissing));
        }
        let description = take!(required(
            "description",
            &self.description,
            MAX_DESCRIPTION,
            FieldReason::MissingDescription
        ));
        let category = take!(optional_trade("category", Some(&self.category)));
        let pets = take!(optional_text("pets", Some(&self.pets), MAX_NAME));
        let access_notes = take!(optional_text(
            "access_notes",
            Some(&self.access_notes),
            MAX_NOTES
        ));
        let availability = match prop {
            Some(p) => local_windows(
                p.timezone,
                &self.window_date,
                &self.window_start,
                &self.window_end,
                now,
                &mut errors,
            ),
            None => vec![],
        };
        match (
            prop,
            unit,
            name,
            email,
            phone,
            description,
            category,
            pets,
            access_notes,
        ) {
            (
                Some(p),
                Some(unit),
                Some(name),
                Some(email),
                Some(phone),
                Some(description),
                Some(category),
                Some(pets),
                Some(access_notes),
            ) if errors.is_empty() => Ok(NewWorkOrder {
                property: p.id.clone(),
                unit,
                tenant: Contact { name, email, phone },
                description,
                category,
                emergency: yes_no(self.emergency.as_deref(), false),
                permission_to_enter: yes_no(self.permission_to_enter.as_deref(), true),
                pets,
                access_notes,
                photos: vec![],
                availability,
                source: Source::Tenant,
                language: Lang::parse(&self.lang).unwrap_or_default().into(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
    }

    #[test]
    fn window_rows_are_read_in_the_property_zone_and_blank_rows_are_skipped() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let mut errors = vec![];
        let ws = local_windows(
            tz,
            &["2026-03-10".into(), "".into()],
            &["09:00".into(), "".into()],
            &["11:00".into(), "".into()],
            now(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ws.len(), 1);
        assert_eq!(ws[0].start.to_rfc3339(), "2026-03-10T13:00:00+00:00");
    }

    #[test]
    fn a_window_that_ends_before_it_starts_or_is_past_is_refused_by_row() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let mut errors = vec![];
        local_windows(
            tz,
            &[
                "2026-03-10".into(),
                "2026-03-01".into(),
                "2026-03-10".into(),
            ],
            &["11:00".into(), "09:00".into(), "09:00".into()],
            &["09:00".into(), "10:00".into(), "".into()],
            now(),
            &mut errors,
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["window-1", "window-2", "window-3"]);
    }

    #[test]
    fn submission_tokens_outside_the_safe_alphabet_are_ignored() {
        assert_eq!(
            submission_token(Some("abc-DEF_123")).as_deref(),
            Some("abc-DEF_123")
        );
        assert_eq!(submission_token(Some("a b")), None);
        assert_eq!(submission_token(Some("")), None);
    }

    #[test]
    fn an_unknown_json_field_is_named_in_the_error() {
        let e = json_body::<WindowJson>(br#"{"start":"x","end":"y","colour":1}"#).unwrap_err();
        match e {
            WebError::Field { field, .. } => assert_eq!(field, "colour"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_nested_wrong_type_is_named_by_its_json_path() {
        let body = br#"{"property":"p","unit":"1","tenant":{"name":5},"description":"d"}"#;
        let e = json_body::<CreateWorkOrder>(body).unwrap_err();
        match e {
            WebError::Field { field, .. } => assert_eq!(field, "tenant.name"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        let e = json_body::<WindowJson>(b"{\"start\":").unwrap_err();
        assert!(matches!(e, WebError::BadRequest(_)), "{e:?}");
    }
}
