//! The property team's resend, decided in the domain like every other action: the same message
//! to the same address, never to a number that opted out, never on a closed work order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::*;
use support::*;

fn sms_to_tenant() -> SentMessage {
    SentMessage {
        to: Recipient::Tenant,
        channel: Channel::Sms,
        address: "+12125550142".into(),
        subject: None,
        body: "Oakline PM: we received your request.".into(),
        key: "tenant.confirmation.sms".into(),
    }
}

fn resend(m: SentMessage) -> Command {
    Command::Resend {
        message: Box::new(m),
    }
}

#[test]
fn a_resent_text_goes_to_the_same_number_with_the_same_words() {
    let then = Given::offered_to_pat().when(resend(sms_to_tenant()));
    assert!(then.has(|e| matches!(e, Event::MessageResent { .. })));
    let sms: Vec<&SmsMessage> = then
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Sms(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].to.as_str(), "+12125550142");
    assert_eq!(sms[0].body, sms_to_tenant().body);
    assert_eq!(sms[0].key, "tenant.confirmation.sms");
    assert_eq!(then.wo().status, Given::offered_to_pat().wo.status);
}

#[test]
fn a_text_is_not_resent_to_a_number_that_opted_out() {
    let given = Given::offered_to_pat().opted_out(&Phone::parse("+12125550142").unwrap());
    given
        .when(resend(sms_to_tenant()))
        .rejected_with(Rejection::OptedOut);
}

#[test]
fn an_email_is_resent_but_nothing_is_resent_on_a_cancelled_work_order() {
    let email = SentMessage {
        channel: Channel::Email,
        address: "tina.brooks@example.net".into(),
        subject: Some("We received your request".into()),
        ..sms_to_tenant()
    };
    let then = Given::offered_to_pat().when(resend(email.clone()));
    assert!(then.effects.iter().any(|e| matches!(e, Effect::Email(m)
        if m.to.as_str() == "tina.brooks@example.net" && m.subject == "We received your request")));
    let cancelled = Given::offered_to_pat().did(Command::Cancel {
        by: pm(),
        reason: None,
    });
    assert!(matches!(
        cancelled.when(resend(email)).rejected(),
        Rejection::WrongStatus(_)
    ));
}
