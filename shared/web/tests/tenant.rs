//! The tenant's side against the embedded adapters: the accessible form (skip link,
//! fieldsets), English and Spanish, safety guidance on the form and on the confirmation page,
//! the printable QR code, and the issued-at stamp against fast or stale posts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use mendwork_app::ports::{Clock as _, SystemClock};
use mendwork_web::pages::tenant::stamp;
use support::{app, deployed, fields};

#[tokio::test]
async fn the_form_has_a_skip_link_fieldsets_and_safety_guidance_without_javascript() {
    let t = app();
    let f = t.get("/report/maple-court").await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(
        f.body
            .contains("<a class=\"skip\" href=\"#main\">Skip to main content</a>")
    );
    assert!(f.body.contains("<main id=\"main\" tabindex=\"-1\">"));
    for legend in [
        "About you",
        "The problem",
        "Access",
        "When can someone come?",
    ] {
        assert!(
            f.body.contains(&format!("<legend>{legend}</legend>")),
            "{legend}"
        );
    }
    assert!(
        f.body.contains("<details id=\"safety-guidance\">"),
        "closed until needed"
    );
    assert!(f.body.contains("Emergency? What to do right now"));
    assert!(f.body.contains("name=\"issued\""));
    assert!(
        f.body.contains("href=\"/report/maple-court?lang=es\""),
        "a language switch"
    );
}

#[tokio::test]
async fn spanish_comes_from_the_query_or_the_browser_and_stays_through_errors_and_status() {
    let t = app();
    let f = t.get("/report/maple-court?lang=es").await;
    assert!(f.body.contains("<html lang=\"es\">"));
    assert!(f.body.contains("Enviar solicitud"));
    assert!(f.body.contains("Saltar al contenido principal"));
    let req = Request::get("/report")
        .header(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9,en;q=0.5")
        .body(Body::empty())
        .unwrap();
    assert!(t.send(req).await.body.contains("Elija su edificio"));

    let mut bad = fields("tok-es-1", " ", "no");
    bad.push(("lang", "es"));
    let a = t.post_form("/report?lang=es", &bad).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body.contains("Por favor, corrija lo siguiente"),
        "{}",
        a.body
    );
    assert!(a.body.contains("Describa el problema."));

    let mut good = fields("tok-es-2", "El lavabo gotea", "no");
    good.push(("lang", "es"));
    let a = t.post_form("/report?lang=es", &good).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(a.location().ends_with("?lang=es"), "{}", a.location());
    let s = t.get(&a.location()).await;
    assert!(s.body.contains("Recibimos su solicitud"), "{}", s.body);
    assert!(s.body.contains("Qué ha pasado"));
    assert!(s.body.contains("Cancelar la solicitud"));
}

#[tokio::test]
async fn the_confirmation_page_tells_what_to_do_now_for_a_yes_or_a_hazard_in_the_text() {
    let t = app();
    let a = t
        .post_form(
            "/report",
            &fields("tok-gas", "I smell gas near the stove", "no"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let s = t.get(&a.location()).await;
    assert!(
        s.body.contains("Your safety first: do this now"),
        "{}",
        s.body
    );
    assert!(s.body.contains("Leave now"));

    let a = t
        .post_form("/report", &fields("tok-yes", "Water under the sink", "yes"))
        .await;
    let s = t.get(&a.location()).await;
    assert!(s.body.contains("Your safety first: do this now"));

    let a = t
        .post_form(
            "/report",
            &fields("tok-calm", "The closet door squeaks", "no"),
        )
        .await;
    let s = t.get(&a.location()).await;
    assert!(!s.body.contains("Your safety first"));

    // The form sent back with a hazard in the text opens its guidance.
    let mut f = fields("tok-fire", "sparks from the outlet", "no");
    f[2].1 = "";
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body.contains("<details id=\"safety-guidance\" open>"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn the_qr_page_prints_an_inline_svg_code_of_the_absolute_form_address() {
    let t = app();
    let q = t.get("/report/maple-court/qr").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains("<svg"), "{}", q.body);
    assert!(!q.body.contains("<?xml"));
    assert!(q.body.contains("http://localhost:8080/report/maple-court"));
    assert_eq!(
        t.get("/report/nowhere/qr").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn deployed_a_post_faster_than_a_person_or_without_a_stamp_is_sent_back_friendly() {
    let t = deployed();
    let a = t
        .post_form("/report", &fields("tok-d1", "The sink drips", "no"))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "no stamp");
    assert!(
        a.body.contains("press \"Send request\" again")
            || a.body.contains("press &quot;Send request&quot; again"),
        "{}",
        a.body
    );
    assert!(
        a.body.contains("value=\"The sink drips\"") || a.body.contains(">The sink drips<"),
        "input kept"
    );

    // The wall clock is harmless: the anti-spam stamp measures, in real time, how long a
    // person took to fill the form; the work order still runs on the frozen clock.
    let fresh = stamp(&t.app, SystemClock.now());
    let mut f = fields("tok-d2", "The sink drips", "no");
    f.push(("issued", &fresh));
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "too fast");
    assert!(
        a.body.contains(&format!("value=\"{fresh}\"")),
        "the same stamp will do in a moment"
    );

    let old = stamp(&t.app, SystemClock.now() - Duration::hours(25));
    let mut f = fields("tok-d3", "The sink drips", "no");
    f.push(("issued", &old));
    assert_eq!(
        t.post_form("/report", &f).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "stale"
    );
    assert_eq!(t.count().await, 0);

    let human = stamp(&t.app, SystemClock.now() - Duration::seconds(20));
    let mut f = fields("tok-d4", "The sink drips", "no");
    f.push(("issued", &human));
    let a = t.post_form("/report", &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(t.count().await, 1);
}

#[tokio::test]
async fn locally_only_a_forged_or_stale_stamp_is_refused() {
    let t = app();
    let mut f = fields("tok-l1", "The sink drips", "no");
    f.push(("issued", "forged.stamp"));
    assert_eq!(
        t.post_form("/report", &f).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let fresh = stamp(&t.app, SystemClock.now());
    let mut f = fields("tok-l2", "The sink drips", "no");
    f.push(("issued", &fresh));
    assert_eq!(
        t.post_form("/report", &f).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_tenant_who_reports_in_spanish_gets_spanish_messages_and_a_spanish_status_link() {
    let t = app();
    let mut form = fields("tok-es-msg", "El inodoro está tapado desde ayer", "no");
    form.retain(|(k, _)| *k != "phone");
    form.push(("phone", "+17185550123"));
    form.push(("lang", "es"));
    let a = t.post_form("/report?lang=es", &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(
        a.location().matches("lang=es").count(),
        1,
        "{}",
        a.location()
    );

    let mail = t.sent_to("ana@example.com");
    let confirmation = mail
        .iter()
        .find(|m| m.key == "tenant.confirmation.plain.email")
        .unwrap_or_else(|| panic!("no confirmation: {mail:#?}"));
    assert!(
        confirmation
            .subject
            .as_deref()
            .unwrap()
            .starts_with("Recibimos su solicitud de mantenimiento #"),
        "{confirmation:#?}"
    );
    // The form's address is unconfirmed: the first messages carry none of the form's words.
    assert!(
        confirmation.body.starts_with("Hola:"),
        "{}",
        confirmation.body
    );
    assert!(!confirmation.body.contains("Ana Ruiz") && !confirmation.body.contains("inodoro"));
    let tips = mail.iter().find(|m| m.key == "tenant.tips.plain.email");
    assert!(
        tips.is_some_and(|m| m.body.contains("destapacaños")),
        "{mail:#?}"
    );
    let sms = t.sent_to("+17185550123");
    assert!(
        sms.iter().any(
            |m| m.key == "tenant.confirmation.sms" && m.body.contains("recibimos su solicitud")
        ),
        "{sms:#?}"
    );

    // The link in the email opens the status page in Spanish.
    let link = confirmation
        .body
        .split_whitespace()
        .find(|w| w.contains("/s/"))
        .unwrap();
    assert!(link.ends_with("?lang=es"), "{link}");
    let path = &link[link.find("/s/").unwrap()..];
    let page = t.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"es\">"), "{}", page.body);

    // The team sees which language the tenant writes in.
    t.sign_in().await;
    let id = path_id(&t).await;
    let pm = t.get(&format!("/pm/wo/{id}")).await;
    assert!(pm.body.contains("writes in"), "{}", pm.body);
    assert!(pm.body.contains("Español"));
}

/// The id of the only work order.
async fn path_id(t: &support::TestApp) -> String {
    let list = t
        .app
        .lookups
        .list(&mendwork_app::ports::ListFilter::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    list[0].id.to_string()
}

/// A flood of times through the status link: repeats change nothing, and past the cap the
/// page says why in the tenant's language, from the message catalogue, adding nothing.
#[tokio::test]
async fn past_the_cap_of_open_times_the_status_page_refuses_in_the_tenants_language() {
    let t = app();
    let mut form = fields("tok-es-cap", "El inodoro está tapado desde ayer", "no");
    form.push(("lang", "es"));
    let a = t.post_form("/report?lang=es", &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let status = a.location();
    let (base, query) = status.split_once('?').unwrap();
    let action = format!("{base}/availability?{query}");
    let times = |hour: u32| -> Vec<(String, String)> {
        (0..10u32)
            .flat_map(|day| {
                [
                    ("window_date".to_string(), format!("2026-04-{:02}", 1 + day)),
                    ("window_start".to_string(), format!("{hour:02}:00")),
                    ("window_end".to_string(), format!("{:02}:30", hour + 1)),
                ]
            })
            .collect()
    };
    let post = |pairs: Vec<(String, String)>| {
        let t = &t;
        let action = action.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            t.post_form(&action, &borrowed).await
        }
    };
    assert_eq!(post(times(9)).await.status, StatusCode::SEE_OTHER);
    // The same ten again: nothing new, nothing refused.
    assert_eq!(post(times(9)).await.status, StatusCode::SEE_OTHER);
    let refused = post(times(14)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Podemos guardar como máximo 20 de sus horarios abiertos"),
        "{}",
        refused.body
    );
    let id = path_id(&t).await;
    let wo = t
        .app
        .work_orders
        .load(&mendwork_domain::WorkOrderId(id))
        .await
        .unwrap()
        .unwrap()
        .wo;
    assert!(
        wo.request.availability.len() <= 20,
        "{:?}",
        wo.request.availability
    );
}
