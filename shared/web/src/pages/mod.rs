//! Server-rendered pages (maud, no JavaScript needed): the shared page chrome (skip link,
//! navigation for the public, the signed-in team and tenants in their language), the home page
//! and the small building blocks every page uses (fields with their errors, notices, times).

pub mod api_keys;
pub mod approval;
pub mod charts;
pub mod danger;
pub mod desk;
pub mod metrics;
pub mod pm;
pub mod portfolio;
pub mod safety_question;
pub mod tenant;
pub mod texted;
pub mod timeline;
pub mod vendor;
pub mod webhooks;

use crate::auth::Session;
use crate::error::{PageError, WebError};
use crate::i18n::Lang;
use crate::intake::FieldError;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::routing::get;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use mendwork_app::App;
use mendwork_domain::Window;
use mendwork_domain::localtime::{format_instant, format_window};

/// The page routes; the team's pages (`/pm…`) ask for a session.
/// Every page. Team pages always need a signed-in session; the visitor desk needs one when
/// `desk_requires_session` (deployed: desk staff sign in as team members), and is open in the
/// local harness.
pub fn routes(app: &App, desk_requires_session: bool) -> Router<App> {
    let signed_in = || axum::middleware::from_fn_with_state(app.clone(), crate::auth::require_page);
    let team = Router::new()
        .merge(pm::routes())
        .merge(portfolio::routes())
        .merge(metrics::routes())
        .merge(webhooks::routes())
        .merge(api_keys::routes())
        .route_layer(signed_in());
    let desk = if desk_requires_session {
        desk::routes().route_layer(signed_in())
    } else {
        desk::routes()
    };
    Router::new()
        .route("/", get(home))
        .merge(tenant::routes())
        .merge(texted::routes())
        .merge(safety_question::routes())
        .merge(danger::routes())
        .merge(approval::routes())
        .merge(vendor::routes())
        .merge(team)
        .merge(desk)
}

const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
header{background:#1f4e79;color:#fff;padding:.6rem 1rem}
header a{color:#fff;text-decoration:none;font-weight:600}
header nav{display:flex;gap:1rem;flex-wrap:wrap;max-width:60rem;margin:0 auto}
main{max-width:60rem;margin:0 auto;padding:1rem}
footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#5a6272;font-size:.85rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
section,fieldset{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:1rem;margin:0 0 1rem}
fieldset legend{font-weight:600;padding:0 .3rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
label.inline{display:inline;font-weight:400;margin:0 1rem 0 .25rem}
input,select,textarea{font:inherit;width:100%;max-width:32rem;padding:.5rem;border:1px solid #8a93a3;border-radius:4px;background:#fff}
input[type=radio],input[type=checkbox]{width:auto}
textarea{min-height:6rem}
button,.button{font:inherit;display:inline-block;padding:.55rem 1.1rem;border:0;border-radius:4px;background:#1f4e79;color:#fff;cursor:pointer;margin:.5rem .5rem 0 0;text-decoration:none}
button.secondary{background:#5a6272}
button.danger{background:#a12622}
.hint{color:#5a6272;font-size:.9rem;margin:.1rem 0}
.error{color:#a12622;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border:2px solid #a12622}
.notice{background:#fff6d6;border:1px solid #e0c660;border-radius:6px;padding:.75rem 1rem}
.ok{background:#e4f4e6;border-color:#7dbb85}
.alert{background:#fde8e7;border-color:#d9827d}
.row{display:flex;gap:.75rem;flex-wrap:wrap}
.row>div{flex:1 1 9rem}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e6eb;vertical-align:top}
ol.timeline{padding-left:1.2rem}
ol.timeline li{margin:.35rem 0}
ol.timeline time{color:#5a6272;font-size:.85rem;display:block}
pre{white-space:pre-wrap;background:#f1f3f6;padding:.5rem;border-radius:4px;margin:.25rem 0;font-size:.9rem}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:#e3e9f2;font-size:.85rem}
.badge.needs_attention,.badge.awaiting_approval{background:#fde8e7}
.badge.insurance-expired{background:#fde8e7}
.badge.insurance-soon{background:#fff3cd}
.skip{position:absolute;left:-9999px;top:.5rem;background:#fff;color:#1f4e79;padding:.5rem 1rem;border-radius:4px;z-index:10;font-weight:600}
.skip:focus{left:1rem}
:focus-visible{outline:3px solid #f0b429;outline-offset:2px}
header .who{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:.9rem}
header .who button{margin:0;padding:.25rem .75rem;background:#fff;color:#1f4e79}
.sla{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.8rem;font-weight:600}
.sla.green{background:#e4f4e6;color:#1e5b28}
.sla.amber{background:#fff1c2;color:#6b4c00}
.sla.red{background:#a12622;color:#fff}
.hazard.match{border-left:4px solid #a12622;padding-left:.5rem}
details{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem}
details summary{font-weight:600;cursor:pointer}
iframe.email{width:100%;min-height:22rem;border:1px solid #d8dce3;border-radius:4px;background:#fff}
.chart{max-width:100%;height:auto}
ul.photos{list-style:none;padding:0;margin:0;display:flex;gap:.5rem;flex-wrap:wrap}
ul.photos img{border-radius:4px;border:1px solid #d8dce3;height:auto;max-width:120px}
.num{font-variant-numeric:tabular-nums;text-align:right}
@media print{header,footer,.noprint{display:none}body{background:#fff}section{border:0}}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}th,td{padding:.3rem}}
"#;

/// Which navigation a page carries.
pub enum Nav<'a> {
    /// Everyone's: the form, the team's queue, the desk.
    Public,
    /// People who came by a signed link (vendors, owners) and error pages: the name only, so
    /// nobody is shown the way to pages that are not for them.
    Guest,
    /// The signed-in team's: queue, metrics, portfolio, and who is signed in.
    Staff(&'a Session),
    /// A tenant's, in their language, with a link to the same page in the other language.
    Tenant { switch: String },
}

/// The shared page chrome: document head (viewport, inline CSS), a skip link, header
/// navigation, footer. English, public navigation.
pub fn layout(title: &str, body: Markup) -> Markup {
    page(title, Lang::En, Nav::Public, body)
}

/// [`layout`] for a vendor's or an owner's page, or an error: no navigation to anyone's pages.
pub fn guest_layout(title: &str, body: Markup) -> Markup {
    page(title, Lang::En, Nav::Guest, body)
}

/// The page chrome in a language with a navigation.
pub fn page(title: &str, lang: Lang, nav: Nav<'_>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Mendwork" }
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip href="#main" { (lang.w("page.skip_to_main_content")) }
                header {
                    @match nav {
                        Nav::Public => nav aria-label="Main" {
                            a href="/" { "Mendwork" }
                            a href="/report" { "Report a problem" }
                            a href="/pm" { "Work orders" }
                            a href="/desk" { "Front desk" }
                        },
                        Nav::Guest => nav aria-label="Main" {
                            span { strong { "Mendwork" } }
                        },
                        Nav::Staff(s) => nav aria-label="Main" {
                            a href="/pm" { "Mendwork" }
                            a href="/pm" { "Queue" }
                            a href="/pm/metrics" { "Metrics" }
                            a href="/pm/properties" { "Properties" }
                            a href="/pm/vendors" { "Vendors" }
                            a href="/pm/rules" { "Rules" }
                            a href="/pm/webhooks" { "Webhooks" }
                            a href="/pm/api-keys" { "API keys" }
                            a href="/desk" { "Front desk" }
                            span.who {
                                span { "Signed in as " (s.email) }
                                form method="post" action="/logout" { button type="submit" { "Sign out" } }
                            }
                        },
                        Nav::Tenant { switch } => nav aria-label=(lang.w("page.main")) {
                            a href=(format!("/report{}", lang.query())) { "Mendwork" }
                            a href=(switch) lang=(lang.other().code()) hreflang=(lang.other().code()) { (lang.other_name()) }
                        },
                    }
                }
                main #main tabindex="-1" { (body) }
                footer { (lang.w("page.mendwork_maintenance_work_orders_automated")) }
            }
        }
    }
}

async fn home() -> Markup {
    layout(
        "Home",
        html! {
            h1 { "Mendwork" }
            section {
                h2 { "Tenants" }
                p { a href="/report" { "Report a maintenance problem" } }
            }
            section {
                h2 { "Property team" }
                p { a href="/pm" { "The work-order queue" } }
            }
            section {
                h2 { "Front desk" }
                p { a href="/desk" { "Vendors expected today" } }
            }
            section {
                h2 { "Local mode" }
                p { a href="/dev/messages" { "Every message sent" } }
                p.hint {
                    "Harness API (local runner only): POST /dev/sms, POST /dev/clock, GET /dev/outbox; "
                    "JSON API under /api (work-orders, properties, vendors, visits)."
                }
            }
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

/// A submitted HTML form (repeated keys allowed, for the window rows). A body that can't be
/// read as a form gets an explanation page rather than a bare status line.
#[derive(Debug, Clone)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Form::<T>::from_request(req, state).await {
            Ok(axum_extra::extract::Form(v)) => Ok(PageForm(v)),
            Err(e) => {
                tracing::debug!(error = %e, "unreadable form");
                Err(WebError::BadRequest(
                    "We couldn't read what your browser sent. Please go back, reload the page and try again."
                        .into(),
                )
                .into())
            }
        }
    }
}

/// The errors of one form, looked up by field name.
#[derive(Debug, Clone, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// The field's error in English; pages a tenant reads show [`Errors::translated`] ones.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(FieldError::message)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The id of the field's error message, for `aria-describedby`.
    pub fn described_by(&self, field: &str) -> Option<String> {
        self.get(field).map(|_| format!("{field}-error"))
    }
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.get(field).map(|_| "true")
    }
    /// The error message beside a field (nothing when fine).
    pub fn beside(&self, field: &str) -> Markup {
        html! {
            @if let Some(m) = self.get(field) {
                p.error id=(format!("{field}-error")) { (m) }
            }
        }
    }
    /// The same errors with their words in `lang`.
    pub fn translated(&self, lang: Lang) -> Errors {
        Errors(self.0.iter().map(|e| e.said_in(lang)).collect())
    }
    /// A summary at the top of a form, linking to each field.
    pub fn summary(&self) -> Markup {
        self.summary_in(Lang::En)
    }
    /// The summary with its heading in `lang` (the messages are already in it).
    pub fn summary_in(&self, lang: Lang) -> Markup {
        html! {
            @if !self.0.is_empty() {
                section.notice.alert role="alert" aria-labelledby="error-summary" {
                    h2 id="error-summary" { (lang.w("page.please_correct_the_following")) }
                    ul {
                        @for e in &self.0 {
                            li { a href=(format!("#{}", anchor(&e.field))) { (e.message()) } }
                        }
                    }
                }
            }
        }
    }
}

/// The input a field error points at.
fn anchor(field: &str) -> String {
    match field {
        "contact" => "email".into(),
        "windows" => "window-1-date".into(),
        f if f.starts_with("window-") => format!("{f}-date"),
        f => f.into(),
    }
}

/// A one-line notice (success or problem) at the top of a page.
#[derive(Debug, Clone)]
pub enum Notice {
    Ok(String),
    Problem(String),
}

impl Notice {
    pub fn render(notice: Option<&Notice>) -> Markup {
        html! {
            @match notice {
                Some(Notice::Ok(m)) => p.notice.ok role="status" { (m) },
                Some(Notice::Problem(m)) => p.notice.alert role="alert" { (m) },
                None => {},
            }
        }
    }
}

/// A window as people read it, in the property's zone.
pub fn when(tz: Tz, w: &Window) -> String {
    format_window(tz, w)
}

/// An instant as people read it, in the property's zone.
pub fn at(tz: Tz, t: DateTime<Utc>) -> String {
    format_instant(tz, t)
}

/// A `<time>` element for an instant.
pub fn time_el(tz: Tz, t: DateTime<Utc>) -> Markup {
    html! { time datetime=(t.to_rfc3339()) { (at(tz, t)) } }
}

/// Rows of date / start / end inputs (repeated fields), with each row's error beside it.
pub fn window_rows(
    lang: Lang,
    rows: usize,
    dates: &[String],
    starts: &[String],
    ends: &[String],
    errors: &Errors,
    min_date: &str,
) -> Markup {
    let cell = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    html! {
        @for i in 0..rows {
            @let n = i + 1;
            @let key = format!("window-{n}");
            fieldset {
                legend { (lang.w("page.time")) " " (n) }
                div.row {
                    div {
                        label for=(format!("{key}-date")) { (lang.w("page.date")) }
                        input type="date" id=(format!("{key}-date")) name="window_date" min=(min_date)
                            value=(cell(dates, i)) aria-invalid=[errors.invalid(&key)]
                            aria-describedby=[errors.described_by(&key)];
                    }
                    div {
                        label for=(format!("{key}-start")) { (lang.w("page.from")) }
                        input type="time" id=(format!("{key}-start")) name="window_start"
                            value=(cell(starts, i)) aria-invalid=[errors.invalid(&key)]
                            aria-describedby=[errors.described_by(&key)];
                    }
                    div {
                        label for=(format!("{key}-end")) { (lang.w("page.to")) }
                        input type="time" id=(format!("{key}-end")) name="window_end"
                            value=(cell(ends, i)) aria-invalid=[errors.invalid(&key)]
                            aria-describedby=[errors.described_by(&key)];
                    }
                }
                (errors.beside(&key))
            }
        }
    }
}

/// The path part of a link we signed (`/s/<token>`), for redirects within this site.
pub fn path_of(url: &str, base: &str) -> String {
    match url.strip_prefix(base) {
        Some(p) if p.starts_with('/') => p.to_string(),
        _ => ["/s/", "/v/", "/approve/"]
            .iter()
            .find_map(|k| url.find(k).map(|i| url[i..].to_string()))
            .unwrap_or_else(|| url.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_of_a_signed_link_drops_the_base_url() {
        assert_eq!(
            path_of("http://127.0.0.1:8080/s/abc.def", "http://127.0.0.1:8080"),
            "/s/abc.def"
        );
        assert_eq!(path_of("https://x.example/s/abc", "http://other"), "/s/abc");
    }

    #[test]
    fn the_layout_escapes_the_title_and_sets_the_viewport() {
        let page = layout("<b>", html! { p { "x" } }).into_string();
        assert!(page.contains("&lt;b&gt;"));
        assert!(page.contains("name=\"viewport\""));
    }
}
