//! The safety question on the tenant's status page (the page the form leads to, and the signed
//! link `/s/{token}`): the question triage left open with YES / NO buttons (a POST to
//! `/s/{token}/safety`, authorised by the same signed token), and once the answer made it an
//! emergency, a banner saying so. What an answer does is the domain's
//! (`mendwork_domain::safety`); this page only shows the question and passes the answer on.

use super::tenant::{act, claim};
use super::{PageForm, tenant::TenantError};
use crate::i18n::Lang;
use crate::intake::{FieldError, FieldReason};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use maud::{Markup, html};
use mendwork_app::App;
use mendwork_domain::safety::{SafetyAnswer, question_asked};
use mendwork_domain::{Actor, Command, Portfolio, Status, WorkOrder};
use serde::Deserialize;

pub fn routes() -> Router<App> {
    Router::new().route("/s/{token}/safety", post(answer))
}

/// The question with its buttons while an answer would still change something, or the
/// banner once a YES made the request an emergency; nothing otherwise.
pub fn section(portfolio: &Portfolio, wo: &WorkOrder, lang: Lang, action: &str) -> Markup {
    let live = !wo.status.is_final() && wo.phase() != Status::Completed;
    let said_yes = wo
        .safety
        .as_ref()
        .is_some_and(|c| c.answer == Some(SafetyAnswer::Yes));
    if said_yes && live {
        return html! {
            section.notice.alert #emergency-now role="alert" {
                h2 { (lang.w("page.this_is_now_an_emergency")) }
                p { (lang.w("page.you_told_us_someone_may_be")) }
            }
        };
    }
    let Some(check) = wo.safety_question_pending() else {
        return html! {};
    };
    let question = question_asked(portfolio, check.question, lang.into(), &wo.code);
    html! {
        section.notice #safety-question aria-labelledby="safety-question-heading" {
            h2 #safety-question-heading { (lang.w("page.safety_check")) }
            p #safety-question-text { strong { (question) } }
            @if check.answer == Some(SafetyAnswer::No) || check.expired {
                p.hint { (lang.w("page.if_this_changes_answer_yes_and")) }
            }
            form method="post" action=(action) {
                button.danger type="submit" name="answer" value="yes" aria-describedby="safety-question-text" {
                    (lang.w("page.yes"))
                }
                @if check.answer.is_none() {
                    button.secondary type="submit" name="answer" value="no" aria-describedby="safety-question-text" {
                        (lang.w("page.no"))
                    }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(app): State<App>,
    Path(token): Path<String>,
    lang: Lang,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, TenantError> {
    let id = claim(&app, &token).map_err(|e| TenantError(lang, e))?;
    let command = match f.answer.trim() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(vec![FieldError::new("answer", FieldReason::ChooseYesNo)]),
    }
    .map(|yes| Command::AnswerSafetyQuestion {
        yes,
        by: Actor::Tenant,
    });
    act(&app, "safety", &token, &id, command, lang).await
}
