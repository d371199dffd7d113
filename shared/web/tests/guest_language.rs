//! The vendor's job page and the owner's approval page speak the language the visitor's
//! browser asks for (`?lang=`, else `Accept-Language`), every word from the catalogue.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mendwork_app::Exec;
use mendwork_domain::effects::Links;
use mendwork_domain::{Actor, Command, Money, VendorId, WorkOrderId};
use support::{TestApp, app, create_body};

/// English words of the two pages (as whole texts of an element where they are short) that
/// must not appear on their Spanish versions.
const ENGLISH: [&str; 12] = [
    "Accept the job",
    ">Decline<",
    ">Problem<",
    ">Status<",
    "Will you take this job",
    ">Where<",
    ">Access<",
    "Approve a repair",
    "Your decision",
    "Your limit",
    "without approval",
    "Thank you",
];

fn no_english(body: &str) {
    for word in ENGLISH {
        assert!(!body.contains(word), "{word:?} on a Spanish page:\n{body}");
    }
    assert!(body.contains("<html lang=\"es\""), "{body}");
}

async fn get_in_spanish(t: &TestApp, uri: &str) -> support::Answer {
    let req = Request::get(uri)
        .header(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    t.send(req).await
}

async fn offered(t: &TestApp) -> (WorkOrderId, String) {
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let vendor = VendorId(wo["offer"]["vendor"].as_str().unwrap().to_string());
    let stored = t.app.work_orders.load(&id).await.unwrap().unwrap().wo;
    let url = t.app.links.vendor_job(&stored, &vendor);
    (id, format!("/v/{}", url.rsplit('/').next().unwrap()))
}

async fn awaiting_approval(t: &TestApp) -> String {
    let wo = t.post_json("/api/work-orders", &create_body()).await.json();
    let id = WorkOrderId(wo["id"].as_str().unwrap().to_string());
    let pat = VendorId("pat-plumbing".into());
    for command in [
        Command::Assign {
            vendor: pat.clone(),
            by: Actor::Pm("PM".into()),
        },
        Command::Estimate {
            vendor: pat,
            amount: Money::from_dollars(900),
            note: Some("Replace the trap".into()),
        },
    ] {
        t.app.execute(&id, command, Exec::default()).await.unwrap();
    }
    let wo = t.app.work_orders.load(&id).await.unwrap().unwrap().wo;
    let url = t.app.links.owner_approval(&wo);
    format!("/approve/{}", url.rsplit('/').next().unwrap())
}

#[tokio::test]
async fn a_vendor_whose_browser_asks_for_spanish_reads_the_job_page_in_spanish() {
    let t = app();
    let (id, path) = offered(&t).await;
    let page = get_in_spanish(&t, &path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("¿Acepta este trabajo?"), "{}", page.body);
    assert!(page.body.contains("Aceptar el trabajo"));
    assert!(page.body.contains("fontanería") || page.body.contains("plomería"));
    no_english(&page.body);
    // The triage's diagnosis too, from the catalogue.
    let triage = t
        .app
        .work_orders
        .load(&id)
        .await
        .unwrap()
        .unwrap()
        .wo
        .triage
        .unwrap();
    let spanish = triage.diagnosis_in(mendwork_domain::Language::Es);
    assert_ne!(spanish, triage.diagnosis);
    assert!(
        page.body.contains(&spanish),
        "{spanish:?} not on:\n{}",
        page.body
    );
    assert!(!page.body.contains(&triage.diagnosis));

    // The same link in an English browser stays English.
    let en = t.get(&path).await;
    assert!(en.body.contains("Accept the job"));
    assert!(en.body.contains("<html lang=\"en\""));
    assert!(en.body.contains(&triage.diagnosis));
}

#[tokio::test]
async fn a_vendor_who_chose_spanish_keeps_it_through_an_action_and_a_refusal() {
    let t = app();
    let (_, path) = offered(&t).await;
    let es = format!("{path}?lang=es");
    let page = t.get(&es).await;
    assert!(page.body.contains(&format!("action=\"{path}?lang=es\"")));

    let a = t.post_form(&es, &[("action", "accept")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(a.location().ends_with("&lang=es"), "{}", a.location());
    let page = t.get(&a.location()).await;
    assert!(page.body.contains("el trabajo es suyo"), "{}", page.body);
    assert!(page.body.contains("Reservar este horario"));
    no_english(&page.body);

    let refused = t.post_form(&es, &[("action", "slot"), ("slot", "7")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        !refused.body.contains("There is no slot"),
        "{}",
        refused.body
    );
    no_english(&refused.body);
}

#[tokio::test]
async fn an_owner_whose_browser_asks_for_spanish_approves_in_spanish() {
    let t = app();
    let path = awaiting_approval(&t).await;
    let page = get_in_spanish(&t, &path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("¿Aprueba esta reparación?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Aprobar $900"));
    assert!(page.body.contains("sin aprobación"));
    no_english(&page.body);

    let es = format!("{path}?lang=es");
    let done = t.post_form(&es, &[("decision", "approve")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Usted aprobó $900"), "{}", done.body);
    no_english(&done.body);

    let twice = t.post_form(&es, &[("decision", "decline")]).await;
    assert_eq!(twice.status, StatusCode::GONE);
    assert!(twice.body.contains("Ya se decidió"), "{}", twice.body);
    assert!(twice.body.contains("ya fue aprobado"));
    no_english(&twice.body);
}

#[tokio::test]
async fn an_owner_who_sends_no_choice_is_asked_in_their_language() {
    let t = app();
    let path = awaiting_approval(&t).await;
    let es = format!("{path}?lang=es");
    let page = t.post_form(&es, &[("decision", "maybe")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Elija Aprobar o Rechazar."),
        "{}",
        page.body
    );
    no_english(&page.body);
}
