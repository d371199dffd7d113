//! The tenant's pages, in English or Spanish (`?lang=es` or the browser's language): the
//! report form (property chooser, phone-first accessible form with fieldsets, safety guidance
//! that shows without JavaScript, idempotency token, honeypot and a signed issued-at stamp),
//! the printable QR code of a property's form and the neutral thank-you page here; the status
//! page reached by the signed link, with its forms, in [`status`].
//!
//! Anti-spam that costs a real tenant nothing: the honeypot, and the form's `issued` stamp.
//! Deployed ([`crate::WebConfig::api_requires_session`]), a post sooner than 3 seconds after
//! the form was handed out, more than 24 hours after, without a stamp or with a forged one
//! gets the form back (input kept) with a friendly "please submit again". In local mode only a
//! forged or day-old stamp is refused: the harness and the browser tests post the form by hand
//! or faster than a person. The stamp is timed on the real clock, not the virtual one.

mod status;

pub(crate) use status::{act, capitalise, claim, photo_links};

use super::{Errors, Nav, Notice, page, path_of, window_rows};
use crate::error::WebError;
use crate::files::{self, Attachments, MAX_BODY_BYTES, Mode, NotStored, PHOTOS, WithFiles};
use crate::i18n::{self, Lang};
use crate::intake::{FieldError, MAX_WINDOWS, ReportForm, submission_token};
use crate::limits::Admitted;
use crate::ops;
use crate::safety;
use crate::signing::Signer;
use crate::{ClientIp, WebConfig};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};
use mendwork_app::App;
use mendwork_app::files::MAX_FILES;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_domain::effects::Links;
use mendwork_domain::{Portfolio, Property, PropertyId, Trade};
use rand::Rng;
use rand::distr::Alphanumeric;

pub fn routes() -> Router<App> {
    Router::new()
        .route(
            "/report",
            get(chooser)
                .post(submit)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/report/{property}", get(form))
        .route("/report/{property}/qr", get(qr))
        .route("/thanks", get(thanks))
        .merge(status::routes())
}

/// A fresh submission token for one rendering of the form.
pub fn new_token() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

/// A tenant page's failure, in the tenant's language.
#[derive(Debug)]
pub struct TenantError(pub Lang, pub WebError);

impl<E: Into<WebError>> From<(Lang, E)> for TenantError {
    fn from((lang, e): (Lang, E)) -> TenantError {
        TenantError(lang, e.into())
    }
}

impl IntoResponse for TenantError {
    fn into_response(self) -> Response {
        let TenantError(lang, e) = self;
        if lang == Lang::En {
            return e.page();
        }
        // Every word from the catalogue (`tenant_error.*`), in the tenant's language.
        let kind = match &e {
            WebError::Forbidden(_) => "forged",
            WebError::Gone(_) => "expired",
            WebError::NotFound(_) => "not_found",
            WebError::BadRequest(_) | WebError::Field { .. } | WebError::Invalid(_) => "unreadable",
            WebError::Rejected(_) => "refused",
            WebError::Busy(_) | WebError::Unavailable | WebError::Internal => "failed",
        };
        let heading = lang.w(tenant_error_key(kind, false));
        let message = lang.w(tenant_error_key(kind, true));
        let body = html! {
            h1 { (heading) }
            p.notice role="alert" { (message) }
            p { a href=(format!("/report{}", lang.query())) { (lang.w("tenant_error.back")) } }
        };
        let switch = "/report".to_string();
        e.respond(page(heading, lang, Nav::Tenant { switch }, body))
    }
}

/// The catalogue key of a tenant error page's heading or message.
fn tenant_error_key(kind: &str, message: bool) -> &'static str {
    match (kind, message) {
        ("forged", false) => "tenant_error.forged",
        ("forged", true) => "tenant_error.forged_message",
        ("expired", false) => "tenant_error.expired",
        ("expired", true) => "tenant_error.expired_message",
        ("not_found", false) => "tenant_error.not_found",
        ("not_found", true) => "tenant_error.not_found_message",
        ("unreadable", false) => "tenant_error.unreadable",
        ("unreadable", true) => "tenant_error.unreadable_message",
        ("refused", false) => "tenant_error.refused",
        ("refused", true) => "tenant_error.refused_message",
        (_, false) => "tenant_error.failed",
        (_, true) => "tenant_error.failed_message",
    }
}

fn tenant_page(title: &str, lang: Lang, here: &str, body: Markup) -> Markup {
    let sep = if here.contains('?') { '&' } else { '?' };
    let switch = format!("{here}{sep}lang={}", lang.other().code());
    page(title, lang, Nav::Tenant { switch }, body)
}

/// `path` with `lang=es` kept when the tenant reads Spanish.
fn keep(lang: Lang, path: &str) -> String {
    match lang {
        Lang::En => path.to_string(),
        Lang::Es if path.contains('?') => format!("{path}&lang=es"),
        Lang::Es => format!("{path}?lang=es"),
    }
}

async fn chooser(State(app): State<App>, lang: Lang) -> Markup {
    let portfolio = app.portfolio();
    tenant_page(
        lang.w("page.report_a_problem"),
        lang,
        "/report",
        html! {
            h1 { (lang.w("page.report_a_maintenance_problem")) }
            p #chooser-hint { (lang.w("page.choose_your_building")) }
            ul aria-describedby="chooser-hint" {
                @for p in &portfolio.properties {
                    li { a href=(keep(lang, &format!("/report/{}", p.id))) { (p.name) } " — " (p.address) }
                }
            }
        },
    )
}

async fn form(
    State(app): State<App>,
    Path(property): Path<String>,
    files: Option<Extension<Attachments>>,
    lang: Lang,
) -> Result<Markup, TenantError> {
    let portfolio = app.portfolio();
    let p = known_property(&portfolio, &property, lang)?;
    let values = ReportForm {
        property: p.id.to_string(),
        submission: new_token(),
        issued: stamp(&app, SystemClock.now()),
        lang: lang.code().into(),
        ..ReportForm::default()
    };
    let mode = Mode::of(&app, files.as_ref().map(|Extension(a)| a));
    let page = report_page(&app, p, &values, &Errors::default(), lang, None, &mode);
    Ok(page)
}

// ---------------------------------------------------------------------------------------------
// The issued-at stamp.

const STAMP_PURPOSE: &str = "form-issued-v1";
/// A real person takes longer than this to fill in the form.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form older than this is stale.
pub const MAX_FORM_AGE_HOURS: i64 = 24;

/// The signed stamp of a form handed out at `now`, with a fresh nonce: the stamp is used up
/// by the first submission that passes with it (see [`crate::limits::admit_form`]).
pub fn stamp(app: &App, now: DateTime<Utc>) -> String {
    Signer::new(app, STAMP_PURPOSE).sign(&format!("f|{}|{}", now.timestamp(), new_token()))
}

/// What a form's stamp says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    Fine,
    Missing,
    /// Sent sooner than a person could: the same stamp will do in a moment.
    TooFast,
    /// Forged, unreadable, without a nonce or older than a day.
    Stale,
}

/// A genuine stamp's issue time and nonce (whatever its age).
pub fn open_stamp(app: &App, value: &str) -> Option<(DateTime<Utc>, String)> {
    let payload = Signer::new(app, STAMP_PURPOSE).open(value.trim())?;
    let mut parts = payload.split('|');
    let (Some("f"), Some(t), Some(nonce), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let issued = DateTime::from_timestamp(t.parse().ok()?, 0)?;
    Some((issued, nonce.to_string()))
}

pub fn check_stamp(app: &App, value: &str, now: DateTime<Utc>) -> Stamp {
    if value.trim().is_empty() {
        return Stamp::Missing;
    }
    let Some((issued, _)) = open_stamp(app, value) else {
        return Stamp::Stale;
    };
    let age = now.timestamp() - issued.timestamp();
    if age < MIN_FILL_SECONDS {
        Stamp::TooFast
    } else if age > MAX_FORM_AGE_HOURS * 3600 {
        Stamp::Stale
    } else {
        Stamp::Fine
    }
}

// ---------------------------------------------------------------------------------------------
// The form.

/// A trade as the form's list shows it: the catalogue's word, capitalised.
fn trade_label(lang: Lang, t: Trade) -> String {
    let s = lang.w(super::timeline::trade_key(t));
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The form, filled with `values`, each error beside its field; with a file field when
/// attachments are on (`mode`).
pub(crate) fn report_page(
    app: &App,
    p: &Property,
    values: &ReportForm,
    errors: &Errors,
    lang: Lang,
    notice: Option<&Notice>,
    mode: &Mode,
) -> Markup {
    let errors = &errors.translated(lang);
    let min_date = ops::today(app, p.timezone).format("%Y-%m-%d").to_string();
    // Rows the tenant actually filled in: the browser also submits the empty ones, which
    // must not add a row at every failed submit.
    let filled = (0..values.window_date.len().max(values.window_start.len()))
        .filter(|&i| {
            [
                &values.window_date,
                &values.window_start,
                &values.window_end,
            ]
            .iter()
            .any(|col| col.get(i).is_some_and(|v| !v.trim().is_empty()))
        })
        .count();
    let rows = (filled + 1).clamp(3, MAX_WINDOWS);
    let emergency = values.emergency.as_deref() == Some("yes");
    let no_entry = values.permission_to_enter.as_deref() == Some("no");
    let hazards = safety::mentioned(&values.description);
    let contact_err = errors.get("contact").is_some();
    let described = |field: &str| -> Option<String> {
        let mut ids = vec![];
        if let Some(id) = errors.described_by(field) {
            ids.push(id);
        }
        if contact_err && (field == "email" || field == "phone") {
            ids.push("contact-error".into());
        }
        if field == "email" || field == "phone" {
            ids.push("contact-hint".into());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let invalid = |field: &str| -> Option<&'static str> {
        (errors.get(field).is_some() || (contact_err && (field == "email" || field == "phone")))
            .then_some("true")
    };
    let mut photo_hint = format!(
        "{} {MAX_FILES} {}",
        lang.w("page.up_to"),
        lang.w("page.photos_8_mb_each_a_photo")
    );
    if !errors.is_empty() {
        photo_hint.push(' ');
        photo_hint.push_str(lang.w("page.if_you_had_chosen_photos_please"));
    }
    tenant_page(
        lang.w("page.report_a_problem"),
        lang,
        &format!("/report/{}", p.id),
        html! {
            h1 { (lang.w("page.report_a_problem_at")) " " (p.name) }
            p.hint { (p.address) }
            (Notice::render(notice))
            (errors.summary_in(lang))
            form method="post" action=(keep(lang, "/report")) novalidate enctype=[mode.enctype()] data-upload=[mode.upload_url()] {
                input type="hidden" name="property" value=(p.id);
                input type="hidden" name="submission" value=(values.submission);
                input type="hidden" name="issued" value=(values.issued);
                input type="hidden" name="lang" value=(lang.code());
                div.visually-hidden aria-hidden="true" {
                    label for="website" { (lang.w("page.leave_this_field_empty")) }
                    input type="text" id="website" name="website" tabindex="-1" autocomplete="off" value="";
                }
                fieldset #about {
                    legend { (lang.w("page.about_you")) }
                    label for="unit" { (lang.w("page.unit")) }
                    input type="text" id="unit" name="unit" value=(values.unit) required
                        autocomplete="address-line2" aria-invalid=[invalid("unit")] aria-describedby=[described("unit")];
                    (errors.beside("unit"))
                    label for="name" { (lang.w("page.your_name")) }
                    input type="text" id="name" name="name" value=(values.name) required
                        autocomplete="name" aria-invalid=[invalid("name")] aria-describedby=[described("name")];
                    (errors.beside("name"))
                    p.hint id="contact-hint" { (lang.w("page.give_an_email_address_a_mobile")) }
                    label for="phone" { (lang.w("page.mobile_number")) }
                    input type="tel" id="phone" name="phone" value=(values.phone) autocomplete="tel" inputmode="tel"
                        aria-invalid=[invalid("phone")] aria-describedby=[described("phone")];
                    (errors.beside("phone"))
                    label for="email" { (lang.w("page.email")) }
                    input type="email" id="email" name="email" value=(values.email) autocomplete="email" inputmode="email"
                        aria-invalid=[invalid("email")] aria-describedby=[described("email")];
                    (errors.beside("email"))
                    (errors.beside("contact"))
                }
                fieldset #problem {
                    legend { (lang.w("page.the_problem")) }
                    label for="description" { (lang.w("page.whats_wrong")) }
                    p.hint #description-hint { (lang.w("page.where_it_is_what_you_see")) }
                    textarea id="description" name="description" required maxlength="4000"
                        aria-invalid=[invalid("description")]
                        aria-describedby=(match described("description") { Some(d) => format!("{d} description-hint"), None => "description-hint".into() }) {
                        (values.description)
                    }
                    (errors.beside("description"))
                    label for="category" { (lang.w("page.kind_of_problem")) }
                    select id="category" name="category" aria-invalid=[invalid("category")]
                        aria-describedby=[described("category")] {
                        option value="" { (lang.w("page.not_sure_let_us_decide")) }
                        @for tr in Trade::ALL {
                            option value=(tr.as_str()) selected[values.category == tr.as_str()] { (trade_label(lang, tr)) }
                        }
                    }
                    (errors.beside("category"))
                    fieldset #emergency-question {
                        legend { (lang.w("page.is_this_an_emergency_gas_smell")) }
                        input type="radio" id="emergency-no" name="emergency" value="no" checked[!emergency];
                        label.inline for="emergency-no" { (lang.w("page.no")) }
                        input type="radio" id="emergency-yes" name="emergency" value="yes" checked[emergency];
                        label.inline for="emergency-yes" { (lang.w("page.yes")) }
                        p.hint { (lang.w("page.if_you_smell_gas_or_see")) }
                    }
                    (safety::form_block(lang, emergency || !hazards.is_empty(), &hazards))
                    (files::field(mode, &PHOTOS, lang.w("page.photos_optional"), &photo_hint, errors, lang))
                }
                fieldset #access {
                    legend { (lang.w("page.access")) }
                    fieldset {
                        legend { (lang.w("page.may_the_vendor_enter_if_youre")) }
                        input type="radio" id="pte-yes" name="permission_to_enter" value="yes" checked[!no_entry];
                        label.inline for="pte-yes" { (lang.w("page.yes")) }
                        input type="radio" id="pte-no" name="permission_to_enter" value="no" checked[no_entry];
                        label.inline for="pte-no" { (lang.w("page.no_i_must_be_home")) }
                    }
                    label for="pets" { (lang.w("page.pets")) }
                    input type="text" id="pets" name="pets" value=(values.pets) placeholder=(lang.w("page.e_g_a_friendly_dog"))
                        aria-invalid=[invalid("pets")] aria-describedby=[described("pets")];
                    (errors.beside("pets"))
                    label for="access_notes" { (lang.w("page.access_notes")) }
                    textarea id="access_notes" name="access_notes" maxlength="1000"
                        aria-invalid=[invalid("access_notes")] aria-describedby=[described("access_notes")] {
                        (values.access_notes)
                    }
                    (errors.beside("access_notes"))
                }
                fieldset #availability {
                    legend { (lang.w("page.when_can_someone_come")) }
                    p.hint { (lang.w("page.give_up_to")) " " (MAX_WINDOWS) " " (lang.w("page.times_that_suit_you_in_the")) }
                    (window_rows(lang, rows, &values.window_date, &values.window_start, &values.window_end, errors, &min_date))
                    (errors.beside("windows"))
                }
                button type="submit" { (lang.w("page.send_request")) }
            }
        },
    )
}

/// The property a tenant URL names, or the page saying there is none.
pub(crate) fn known_property<'p>(
    portfolio: &'p Portfolio,
    property: &str,
    lang: Lang,
) -> Result<&'p Property, TenantError> {
    portfolio
        .property(&PropertyId(property.to_string()))
        .ok_or_else(|| {
            TenantError(
                lang,
                WebError::NotFound(format!("There is no property {property:?}.")),
            )
        })
}

/// The printable sign for a building: its form's address as a QR code and in words.
async fn qr(
    State(app): State<App>,
    Path(property): Path<String>,
    lang: Lang,
) -> Result<Markup, TenantError> {
    let portfolio = app.portfolio();
    let p = known_property(&portfolio, &property, lang)?;
    let url = format!("{}/report/{}", app.links.base_url(), p.id);
    let svg = qr_svg(&url).ok_or(TenantError(lang, WebError::Internal))?;
    Ok(page(
        &format!("QR code · {}", p.name),
        Lang::En,
        Nav::Public,
        html! {
            section #qr-sign style="text-align:center" {
                h1 { (i18n::both("page.qr.title")) }
                p { strong { (p.name) } br; (p.address) }
                figure style="margin:1rem auto;max-width:20rem" {
                    div role="img" aria-label=(format!("QR code for {url}")) { (PreEscaped(svg)) }
                    figcaption { (i18n::both("page.qr.scan")) }
                }
                p { (i18n::both("page.qr.open")) ":" br; strong { a href=(url) { (url) } } }
                p.hint { (i18n::both("page.qr.emergency")) }
                p.noprint { button type="button" onclick="window.print()" { "Print" } " " a href="/pm/properties" { "Back to the properties" } }
            }
        },
    ))
}

/// An SVG QR code of `text` (the XML prologue dropped so it sits inline in HTML).
pub fn qr_svg(text: &str) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let at = svg.find("<svg")?;
    Some(svg[at..].to_string())
}

async fn submit(
    State(app): State<App>,
    Extension(config): Extension<WebConfig>,
    files: Option<Extension<Attachments>>,
    ip: Option<Extension<ClientIp>>,
    lang: Lang,
    body: WithFiles<ReportForm>,
) -> Result<Response, TenantError> {
    let WithFiles { form: values, sent } = body;
    let files = files.map(|Extension(a)| a);
    let lang = Lang::parse(&values.lang).unwrap_or(lang);
    if values.is_bot() {
        return Ok(Redirect::to(&keep(lang, "/thanks")).into_response());
    }
    let portfolio = app.portfolio();
    let Some(p) = portfolio.property(&PropertyId(values.property.trim().to_string())) else {
        return Err(TenantError(
            lang,
            WebError::NotFound("Please choose your building from the list.".into()),
        ));
    };
    let now_real = SystemClock.now();
    let stamp_state = check_stamp(&app, &values.issued, now_real);
    // The form going back keeps the input; a new submission token only when it had none
    // usable, a new stamp only when the old one can never pass.
    let again_with =
        |status: StatusCode, errors: Vec<FieldError>, notice: Option<Notice>, renew: bool| {
            let mut v = values.clone();
            if submission_token(Some(&v.submission)).is_none() {
                v.submission = new_token();
            }
            if renew || matches!(stamp_state, Stamp::Missing | Stamp::Stale) {
                v.issued = stamp(&app, now_real);
            }
            let mode = Mode::of(&app, files.as_ref());
            let page = report_page(&app, p, &v, &Errors(errors), lang, notice.as_ref(), &mode);
            (status, page).into_response()
        };
    let again = |errors: Vec<FieldError>, notice: Option<Notice>| {
        again_with(StatusCode::UNPROCESSABLE_ENTITY, errors, notice, false)
    };
    // Files sent with a post where attachments are off are ignored, never stored.
    let file_errors: Vec<FieldError> = files
        .as_ref()
        .and_then(|_| sent.problem(&PHOTOS))
        .into_iter()
        .collect();
    let mut request = match values.parse(&portfolio, app.now()) {
        Ok(r) if file_errors.is_empty() => r,
        Ok(_) => return Ok(again(file_errors, None)),
        Err(mut errors) => {
            errors.extend(file_errors);
            return Ok(again(errors, None));
        }
    };
    let suspicious = match stamp_state {
        Stamp::Fine => false,
        Stamp::Missing | Stamp::TooFast => config.api_requires_session,
        Stamp::Stale => true,
    };
    if suspicious {
        tracing::info!(stamp = ?stamp_state, "tenant form sent back for a second submission");
        let notice = Notice::Problem(lang.w("page.sorry_we_couldnt_take_that_submission").into());
        return Ok(again(vec![], Some(notice)));
    }
    // The stored limits and the stamp's single use (a repeated post of one submission is
    // let through: it returns the work order the first one made).
    let token = submission_token(Some(&values.submission));
    match crate::limits::admit_form(
        &app,
        ip.map(|Extension(ip)| ip),
        &request,
        &values.issued,
        token.as_deref(),
    )
    .await
    {
        Ok(Admitted::Yes) => {}
        Ok(Admitted::StampUsed) => {
            let notice = Notice::Problem(lang.w("page.this_form_was_already_sent_once").into());
            return Ok(again_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![],
                Some(notice),
                true,
            ));
        }
        Ok(Admitted::TooMany) => {
            let notice = Notice::Problem(lang.w("page.we_have_received_too_many_requests").into());
            return Ok(again_with(
                StatusCode::TOO_MANY_REQUESTS,
                vec![],
                Some(notice),
                true,
            ));
        }
        Err(e) => return Err(TenantError(lang, e)),
    }
    request.photos = match files::store(
        &app,
        files.as_ref(),
        sent,
        &values.upload,
        &values.upload_id,
        &PHOTOS,
    )
    .await
    {
        Ok(names) => names,
        Err(NotStored::Field(e)) => return Ok(again(vec![e], None)),
        Err(NotStored::Failed(e)) => return Err(TenantError(lang, e)),
    };
    let created = app.submit(request, token.as_deref()).await;
    ops::settle(&app).await;
    let created = created.map_err(|e| TenantError(lang, e.into()))?;
    // The status link carries the language the work order was made in (the form's).
    let url = app.links.tenant_status(&created.wo);
    Ok(Redirect::to(&path_of(&url, app.links.base_url())).into_response())
}

async fn thanks(lang: Lang) -> Markup {
    tenant_page(
        lang.w("page.thank_you"),
        lang,
        "/thanks",
        html! {
            h1 { (lang.w("page.thank_you")) }
            p { (lang.w("page.we_received_your_message")) }
        },
    )
}
