//! "Report danger now" on the tenant's status page (the signed link `/s/{token}`): a button that
//! POSTs `/s/{token}/danger`, authorised by the same signed token and passed through the same
//! guards as the safety question's answer (the cross-site refusal every state-changing request
//! meets, the signed link's claim, the page form's reader). What a report does is the domain's
//! (`mendwork_domain::danger`): the team alerted at any hour, or the open safety question's YES.
//! This page only offers the button and passes the report on; back on the status page the
//! tenant reads that the team was alerted and to call 911 if anyone is in danger.

use super::tenant::{act, claim};
use super::{PageForm, tenant::TenantError};
use crate::i18n::Lang;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_domain::{Actor, Command, WorkOrder};
use serde::Deserialize;

/// The `?ok=` word of the status page after a report (its thank-you line says the team knows).
pub const DONE: &str = "danger";

pub fn routes() -> Router<App> {
    Router::new().route("/s/{token}/danger", post(report))
}

/// The button while a report can still do something (the request is neither completed, closed
/// nor cancelled), with the reminder that 911 comes first; nothing otherwise.
pub fn section(wo: &WorkOrder, lang: Lang, action: &str) -> Markup {
    if !mendwork_domain::danger::takes_reports(wo) {
        return html! {};
    }
    html! {
        section.notice #report-danger aria-labelledby="report-danger-heading" {
            h2 #report-danger-heading { (lang.w("page.is_anyone_in_danger_now")) }
            p #report-danger-hint { (lang.w("page.danger_now_hint")) }
            @if wo.danger_reported.is_some() {
                p { strong { (lang.w("page.you_reported_danger")) } }
            }
            form method="post" action=(action) {
                button.danger type="submit" aria-describedby="report-danger-hint" {
                    (lang.w("page.report_danger_now"))
                }
            }
        }
    }
}

/// The button's form. Nothing in it is read: pressing it is the report.
#[derive(Debug, Default, Deserialize)]
struct DangerForm {}

async fn report(
    State(app): State<App>,
    Path(token): Path<String>,
    lang: Lang,
    PageForm(_): PageForm<DangerForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let command = Command::ReportDanger {
        by: Actor::Tenant,
        via: Some(mendwork_domain::danger::Via::Page),
    };
    act(&app, DONE, &token, &id, Ok(command), lang).await
}
