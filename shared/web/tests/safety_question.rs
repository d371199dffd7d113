//! The safety question on the page the form leads to (the signed status page), through the
//! router on the embedded adapters: the question and its YES / NO buttons, YES turning the
//! request into an emergency on the page and for the team, NO keeping it routine, a second
//! answer harmless, Spanish, and a forged link refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use support::{TestApp, app, fields};

const TENANT_PHONE: &str = "+13125550177";
const TEAM_PHONE: &str = "+13125550100";
const LEAK: &str = "water dripping from the ceiling right beside the kitchen light";

/// Submits the form with `description` (and a mobile number); returns the status page path.
async fn submit(t: &TestApp, token: &str, description: &str, lang: Option<&str>) -> String {
    let mut form: Vec<(&str, &str)> = fields(token, description, "no")
        .into_iter()
        .map(|(k, v)| {
            if k == "phone" {
                (k, TENANT_PHONE)
            } else {
                (k, v)
            }
        })
        .collect();
    if let Some(l) = lang {
        form.push(("lang", l));
    }
    let a = t.post_form("/report", &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    a.location()
}

/// The page's `/s/<token>` part (without a query).
fn base(status: &str) -> String {
    status.split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn the_confirmation_page_asks_the_safety_question_with_yes_and_no_buttons() {
    let t = app();
    let status = submit(&t, "tok-sq-1", LEAK, None).await;
    let page = t.get(&status).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Safety check"), "{}", page.body);
    assert!(
        page.body
            .contains("Is water touching a light, an outlet, a switch or wiring right now?"),
        "{}",
        page.body
    );
    let action = format!("action=\"{}/safety\"", base(&status));
    assert!(page.body.contains(&action), "{}", page.body);
    assert!(page.body.contains("name=\"answer\" value=\"yes\""));
    assert!(page.body.contains("name=\"answer\" value=\"no\""));
    assert!(!page.body.contains("This is now an emergency"));
    // And the same question went by text, within one segment.
    let texts = t.sent_to(TENANT_PHONE);
    let q: Vec<_> = texts
        .iter()
        .filter(|m| m.key == "question.water_near_electricity")
        .collect();
    assert_eq!(q.len(), 1, "{texts:#?}");
    assert_eq!(mendwork_domain::segments::sms_segments(&q[0].body), 1);
}

#[tokio::test]
async fn yes_on_the_page_makes_it_an_emergency_the_page_says_so_and_the_team_is_alerted() {
    let t = app();
    let status = submit(&t, "tok-sq-2", LEAK, None).await;
    assert!(
        t.sent_to(TEAM_PHONE).is_empty(),
        "no alert before the answer"
    );
    let a = t
        .post_form(&format!("{}/safety", base(&status)), &[("answer", "yes")])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let page = t.get(&a.location()).await;
    assert!(
        page.body.contains("This is now an emergency"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Shut off the water"), "the safety steps");
    assert!(!page.body.contains("name=\"answer\""), "no more buttons");
    assert!(
        page.body
            .contains("The answer to the safety question was YES")
    );
    let alert: Vec<_> = t
        .sent_to(TEAM_PHONE)
        .into_iter()
        .filter(|m| m.key == "pm.emergency.sms")
        .collect();
    assert_eq!(alert.len(), 1);
    let tenant = t.sent_to(TENANT_PHONE);
    assert!(tenant.iter().any(|m| m.key == "tenant.safety.sms"));
    // A second YES (a double click) changes nothing.
    let again = t
        .post_form(&format!("{}/safety", base(&status)), &[("answer", "yes")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(t.sent_to(TEAM_PHONE).len(), alert.len());
}

#[tokio::test]
async fn no_on_the_page_keeps_it_routine_and_leaves_only_a_yes_for_later() {
    let t = app();
    let status = submit(&t, "tok-sq-3", LEAK, None).await;
    let path = format!("{}/safety", base(&status));
    let a = t.post_form(&path, &[("answer", "no")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let page = t.get(&a.location()).await;
    assert!(!page.body.contains("This is now an emergency"));
    assert!(
        page.body
            .contains("we've got your answer to the safety question")
    );
    assert!(page.body.contains("If this changes, answer YES"));
    assert!(page.body.contains("name=\"answer\" value=\"yes\""));
    assert!(!page.body.contains("name=\"answer\" value=\"no\""));
    assert!(t.sent_to(TEAM_PHONE).is_empty());
    let again = t.post_form(&path, &[("answer", "no")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let odd = t.post_form(&path, &[("answer", "maybe")]).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_spanish_tenant_reads_the_question_and_the_buttons_in_spanish() {
    let t = app();
    let status = submit(&t, "tok-sq-4", LEAK, Some("es")).await;
    let page = t.get(&status).await;
    assert!(page.body.contains("Pregunta de seguridad"), "{}", page.body);
    assert!(page.body.contains("¿El agua está tocando"), "{}", page.body);
    assert!(
        page.body.contains(">Sí<") || page.body.contains("Sí\n"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_request_with_no_open_danger_shows_no_question() {
    let t = app();
    let status = submit(&t, "tok-sq-5", "The bathroom sink drips all day", None).await;
    let page = t.get(&status).await;
    assert!(!page.body.contains("Safety check"));
    let a = t
        .post_form(&format!("{}/safety", base(&status)), &[("answer", "yes")])
        .await;
    assert_ne!(a.status, StatusCode::SEE_OTHER, "nothing to answer");
}

#[tokio::test]
async fn a_forged_link_cannot_answer() {
    let t = app();
    let a = t
        .post_form("/s/not-a-real-token/safety", &[("answer", "yes")])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
}
