//! A tenant who reports in Spanish reads every message in Spanish — dates, safety instructions,
//! tips and the calendar invite included — while the vendor, owner and team keep English.
//! Given/when/then on the same harness as the workflow tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::config::parse_portfolio;
use mendwork_domain::effects::effects;
use mendwork_domain::messages::{self, render_in};
use mendwork_domain::segments::is_gsm7;
use mendwork_domain::*;
use support::*;

fn in_spanish(r: NewWorkOrder) -> NewWorkOrder {
    NewWorkOrder {
        language: Language::Es,
        ..r
    }
}

/// The effects of the `Submitted` event that opened `g`'s work order.
fn submitted_effects(g: &Given) -> Vec<Effect> {
    let first = &g.history[0].event;
    effects(&g.wo, &g.wo, first, &g.ctx(), &FakeLinks)
}

/// Accepted by pat, from `request`.
fn accepted(request: NewWorkOrder) -> Given {
    Given::submitted(request)
        .did(Command::Triage)
        .later(minutes(10))
        .did(Command::Accept { vendor: vid("pat") })
        .later(minutes(5))
}

/// Pat picks slot 1 (Thu Mar 5, 9–11 AM in New York).
fn pick_slot_1() -> Command {
    Command::ChooseSlot {
        vendor: vid("pat"),
        slot: 1,
    }
}

/// Scheduled with pat on slot 1, from `request`.
fn scheduled(request: NewWorkOrder) -> Then {
    accepted(request).when(pick_slot_1())
}

#[test]
fn a_tenant_who_wrote_in_spanish_is_confirmed_in_spanish() {
    let g = Given::submitted(in_spanish(elm_drip()));
    let out = submitted_effects(&g);
    let sms = sms_of(&out, "tenant.confirmation.sms");
    assert_eq!(sms.len(), 1, "{out:#?}");
    assert!(
        sms[0]
            .body
            .starts_with("Oakline PM: recibimos su solicitud #"),
        "{}",
        sms[0].body
    );
    assert!(is_gsm7(&sms[0].body), "{}", sms[0].body);
    // A form's address is unconfirmed: its first email carries none of the form's words.
    let mail = emails_of(&out, "tenant.confirmation.plain.email");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].subject.starts_with("Recibimos su solicitud"),
        "{}",
        mail[0].subject
    );
    assert!(mail[0].text.starts_with("Hola:"), "{}", mail[0].text);
    assert!(!mail[0].text.contains("Tina Brooks"), "{}", mail[0].text);
    assert_eq!(mail[0].language, Language::Es);
}

#[test]
fn an_english_tenant_is_confirmed_in_english_as_before() {
    let g = Given::submitted(elm_drip());
    let out = submitted_effects(&g);
    let sms = sms_of(&out, "tenant.confirmation.sms");
    assert!(
        sms[0].body.starts_with("Oakline PM: we got your request #"),
        "{}",
        sms[0].body
    );
    assert_eq!(
        emails_of(&out, "tenant.confirmation.plain.email")[0].language,
        Language::En
    );
}

#[test]
fn a_flood_reported_in_spanish_gets_the_safety_instructions_in_spanish_and_the_team_in_english() {
    let t = Given::submitted(in_spanish(elm_flood())).when(Command::Triage);
    let sms = t.sms("tenant.safety.sms");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert!(
        sms[0]
            .body
            .starts_with("SEGURIDAD (fuga de agua o inundacion): Cierre el agua ahora"),
        "{}",
        sms[0].body
    );
    assert!(is_gsm7(&sms[0].body), "{}", sms[0].body);
    let mail = t.emails("tenant.safety.plain.email");
    assert!(
        mail[0].text.contains("fuga de agua o inundación"),
        "{}",
        mail[0].text
    );
    assert!(
        mail[0].text.contains("Cierre el agua ahora"),
        "{}",
        mail[0].text
    );
    let pm = t.emails("pm.emergency.email");
    assert!(
        pm[0].text.starts_with("Emergency work order #"),
        "{}",
        pm[0].text
    );
    assert_eq!(pm[0].language, Language::En);
}

/// A clogged toilet: routine, with troubleshooting tips.
fn clogged() -> NewWorkOrder {
    NewWorkOrder {
        description: "The toilet is clogged and the water rises when we flush.".into(),
        ..elm_drip()
    }
}

#[test]
fn troubleshooting_tips_reach_a_spanish_tenant_in_spanish() {
    let t = Given::submitted(in_spanish(clogged())).when(Command::Triage);
    let tips = t.emails("tenant.tips.plain.email");
    assert_eq!(tips.len(), 1, "{:#?}", t.effects);
    assert!(
        tips[0].subject.starts_with("Mientras espera"),
        "{}",
        tips[0].subject
    );
    let english = Given::submitted(clogged()).when(Command::Triage);
    let english = &english.emails("tenant.tips.plain.email")[0].text;
    // The same tips, each in Spanish: no English tip text is left.
    for line in english.lines().filter(|l| l.starts_with("- ")) {
        assert!(!tips[0].text.contains(line), "{line} untranslated");
    }
    let count = |t: &str| t.lines().filter(|l| l.starts_with("- ")).count();
    assert!(count(english) >= 1, "{english}");
    assert_eq!(count(&tips[0].text), count(english));
    assert!(tips[0].text.contains("destapacaños"), "{}", tips[0].text);
    // The vendor's offer is the same English text either way.
    let offer = t.sms("vendor.offer.sms");
    assert!(offer[0].body.starts_with("New job "), "{}", offer[0].body);
}

#[test]
fn the_booked_visit_reads_as_a_spanish_date_and_the_vendor_keeps_english() {
    let t = scheduled(in_spanish(elm_drip()));
    let sms = t.sms("tenant.scheduled.sms");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert!(
        sms[0]
            .body
            .contains("ira el jueves 5 de marzo, de 9 a 11 a. m."),
        "{}",
        sms[0].body
    );
    assert!(is_gsm7(&sms[0].body), "{}", sms[0].body);
    let mail = t.emails("tenant.scheduled.email");
    assert!(
        mail[0]
            .text
            .contains("Cuándo: jueves 5 de marzo, de 9 a 11 a. m."),
        "{}",
        mail[0].text
    );
    let ics = mail[0].ics.as_deref().expect("an invite");
    assert!(ics.contains("Visita de reparaci"), "{ics}");
    let vendor = t.sms("vendor.scheduled.sms");
    assert!(
        vendor[0].body.contains("Thu Mar 5, 9-11 AM"),
        "{}",
        vendor[0].body
    );
}

#[test]
fn a_time_the_vendor_proposes_instead_tells_the_spanish_tenant_why_in_spanish_and_the_vendor_in_english()
 {
    let g = accepted(in_spanish(elm_drip())).did(pick_slot_1());
    let t = g.later(hours(1)).when(Command::ProposeTime {
        vendor: vid("pat"),
        window: support::workflow::elm_sat(),
    });
    let sms = t.sms("tenant.unscheduled.sms");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert!(
        sms[0].body.contains("(el técnico propuso otra hora)"),
        "{}",
        sms[0].body
    );
    let vendor = t.sms("vendor.unscheduled.sms");
    assert!(
        vendor[0]
            .body
            .contains("(the vendor proposed another time)"),
        "{}",
        vendor[0].body
    );
}

#[test]
fn a_visit_called_off_tells_the_spanish_tenant_why_in_spanish() {
    let g = accepted(in_spanish(elm_drip())).did(pick_slot_1());
    let t = g.later(hours(1)).when(Command::RequestReschedule {
        by: Actor::Tenant,
        window: None,
    });
    let sms = t.sms("tenant.unscheduled.sms");
    assert_eq!(sms.len(), 1, "{:#?}", t.effects);
    assert!(
        sms[0].body.contains("(usted pidio cambiar la hora)"),
        "{}",
        sms[0].body
    );
    let vendor = t.sms("vendor.unscheduled.sms");
    assert!(
        vendor[0].body.contains("(tenant asked to reschedule)"),
        "{}",
        vendor[0].body
    );
}

#[test]
fn a_portfolio_may_reword_a_spanish_text_under_its_key_with_es() {
    let mut p = PORTFOLIO.clone();
    p.messages.insert(
        "tenant.feedback_ack.sms.es".into(),
        "¡Mil gracias por #{code}!".into(),
    );
    p.messages.insert(
        "tenant.cancelled.sms".into(),
        "#{code} is cancelled.".into(),
    );
    let vars = [("code", "A1".to_string())];
    assert_eq!(
        render_in(&p, "tenant.feedback_ack.sms", Language::Es, &vars),
        "¡Mil gracias por #A1!"
    );
    // An English rewording does not reach a Spanish tenant: they get the Spanish default.
    assert!(render_in(&p, "tenant.cancelled.sms", Language::Es, &vars).contains("su solicitud"),);
    assert_eq!(
        render_in(&p, "tenant.cancelled.sms", Language::En, &vars),
        "#A1 is cancelled."
    );
    // Messages with no Spanish text stay English for everyone.
    assert!(render_in(&p, "vendor.lapsed.sms", Language::Es, &vars).starts_with("Job A1"));
}

#[test]
fn a_spanish_override_is_accepted_only_for_a_message_that_has_a_spanish_text() {
    let base = PORTFOLIO_YAML.to_string();
    let ok = format!("{base}\nmessages:\n  tenant.completed.sms.es: \"#{{code}} listo\"\n");
    assert!(parse_portfolio(&ok, "test.yaml").is_ok());
    let bad = format!("{base}\nmessages:\n  vendor.offer.sms.es: \"Trabajo {{code}}\"\n");
    let err = parse_portfolio(&bad, "test.yaml").unwrap_err().to_string();
    assert!(err.contains("vendor.offer.sms.es"), "{err}");
}

#[test]
fn every_spanish_text_fills_only_placeholders_its_english_text_has_and_sms_stay_gsm7() {
    let placeholders = |t: &str| -> Vec<String> {
        t.split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(p, _)| p.to_string()))
            .collect()
    };
    let mut empty = PORTFOLIO.clone();
    empty.messages.clear();
    let mut n = 0;
    for key in messages::spanish_keys() {
        n += 1;
        assert!(messages::is_key(key), "{key} has no English text");
        let es = render_in(&empty, key, Language::Es, &[]);
        let en = render_in(&empty, key, Language::En, &[]);
        assert_ne!(es, en, "{key} is not translated");
        for p in placeholders(&es) {
            assert!(
                placeholders(&en).contains(&p),
                "{key}: {{{p}}} is not filled for English either"
            );
        }
        if key.ends_with(".sms") {
            // The texts themselves; filled-in words are folded when the SMS is made.
            assert!(is_gsm7(&es), "{key} is not GSM-7: {es}");
        }
    }
    // Every message a tenant can get has its Spanish text.
    for key in messages::KEYS.iter().filter(|k| k.starts_with("tenant.")) {
        assert!(
            messages::spanish_keys().any(|k| k == *key),
            "{key} has no Spanish text"
        );
    }
    assert!(n > 0);
}

#[test]
fn a_work_order_stored_before_tenants_had_a_language_reads_as_english() {
    let mut json = serde_json::to_value(elm_drip()).unwrap();
    json.as_object_mut().unwrap().remove("language");
    let r: NewWorkOrder = serde_json::from_value(json).unwrap();
    assert_eq!(r.language, Language::En);
    let json = serde_json::to_value(in_spanish(elm_drip())).unwrap();
    assert_eq!(json["language"], "es");
}

#[test]
fn every_reply_word_the_spanish_texts_suggest_means_what_its_english_counterpart_means() {
    use mendwork_domain::sms::parse_reply;
    let today = date(2026, 3, 4);
    for (es, en) in [
        ("SI", "YES"),
        ("NO", "NO"),
        ("REPROGRAMAR", "RESCHEDULE"),
        ("ANULAR", "WITHDRAW"),
        ("ARREGLADO", "FIXED"),
    ] {
        assert_eq!(
            parse_reply(es, today).intent,
            parse_reply(en, today).intent,
            "{es} / {en}"
        );
    }
    // And the texts do suggest them.
    let mut empty = PORTFOLIO.clone();
    empty.messages.clear();
    let text = |key: &str| render_in(&empty, key, Language::Es, &[]);
    assert!(text("tenant.proposal.sms").contains("Responda SI"));
    assert!(text("tenant.scheduled.sms").contains("REPROGRAMAR"));
    assert!(text("tenant.tips.email").contains("ARREGLADO"));
}
