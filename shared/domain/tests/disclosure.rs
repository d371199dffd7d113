//! Who is told what: a stranger's words never reach an unconfirmed address in our first
//! messages, and a tenant's access notes reach only the vendor who took the job.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::effects::effects;
use mendwork_domain::{Command, Effect, NewWorkOrder, Source};
use support::*;

const SPAM: &str = "WIN A PRIZE at http://evil.example/claim now, call +1 900 555 0100";

fn first_effects(request: NewWorkOrder) -> Vec<Effect> {
    let g = Given::submitted(request);
    effects(&g.wo, &g.wo, &g.history[0].event, &g.ctx(), &FakeLinks)
}

fn spam_request() -> NewWorkOrder {
    NewWorkOrder {
        description: format!("Kitchen sink drips. {SPAM}"),
        unit: "4B http://evil.example/unit".into(),
        tenant: mendwork_domain::Contact {
            name: "Visit http://evil.example".into(),
            ..tenant()
        },
        ..elm_drip()
    }
}

fn texts(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Email(m) => Some(format!("{} {}", m.subject, m.text)),
            Effect::Sms(m) => Some(m.body.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_first_messages_to_a_form_s_unconfirmed_contact_carry_none_of_the_submitter_s_words() {
    let mut all = texts(&first_effects(spam_request()));
    let triaged = Given::submitted(spam_request()).when(Command::Triage);
    let to_tenant: Vec<Effect> = triaged
        .effects
        .iter()
        .filter(|e| match e {
            Effect::Email(m) => m.recipient == mendwork_domain::Recipient::Tenant,
            Effect::Sms(m) => m.recipient == mendwork_domain::Recipient::Tenant,
            _ => false,
        })
        .cloned()
        .collect();
    all.extend(texts(&to_tenant));
    assert!(all.len() >= 2, "{all:#?}");
    for t in &all {
        assert!(!t.contains("evil.example") && !t.contains("PRIZE"), "{t}");
    }
}

#[test]
fn a_contact_the_team_entered_still_gets_the_full_confirmation() {
    let request = NewWorkOrder {
        source: Source::Pm,
        ..elm_drip()
    };
    let out = first_effects(request);
    let mail = emails_of(&out, "tenant.confirmation.email");
    assert_eq!(mail.len(), 1, "{out:#?}");
    assert!(
        mail[0].text.starts_with("Hi Tina Brooks,"),
        "{}",
        mail[0].text
    );
}

#[test]
fn access_notes_reach_only_the_vendor_who_accepted_never_the_vendors_offered() {
    let request = NewWorkOrder {
        access_notes: Some("Door code 4471#".into()),
        ..elm_drip()
    };
    let offered = Given::submitted(request).when(Command::Triage);
    let offers = texts(&offered.effects);
    assert!(
        offered.emails("vendor.offer.email").len() == 1,
        "{:#?}",
        offered.effects
    );
    for t in &offers {
        assert!(!t.contains("4471"), "an offer carries the door code: {t}");
    }
    // Once pat holds the job, pat's reminder carries it.
    let scheduled = offered
        .after
        .later(minutes(10))
        .did(Command::Accept { vendor: vid("pat") });
    let wo = &scheduled.wo;
    assert_eq!(
        mendwork_domain::disclosure::access_notes_for(wo, &vid("pat")),
        Some("Door code 4471#")
    );
    assert_eq!(
        mendwork_domain::disclosure::access_notes_for(wo, &vid("other")),
        None
    );
}
