//! Given/when/then tests of the work-order state machine: the invoice, the tenant's feedback
//! and closing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

// ---------------------------------------------------------------------------------------------
// Invoice, feedback, close

#[test]
fn an_invoice_before_the_job_is_done_is_refused() {
    let r = Given::scheduled_with_pat()
        .when(Command::Invoice {
            vendor: vid("pat"),
            amount: money(385),
            reference: None,
            file: None,
        })
        .rejected();
    assert!(
        matches!(r, Rejection::Invalid(ref m) if m.contains("marked done")),
        "{r:?}"
    );
}

#[test]
fn an_invoice_after_the_feedback_closes_the_work_order() {
    let g = Given::completed_by_pat()
        .later(hours(2))
        .did(Command::Feedback {
            rating: 5,
            comment: Some("quick and tidy".into()),
        })
        .later(hours(20));
    let at = g.now;
    let t = g.when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: Some("A-77".into()),
        file: None,
    });
    assert_eq!(
        t.events(),
        &[
            timer_cancelled(K::InvoiceFollowUp, 1),
            Event::InvoiceReceived {
                invoice: Invoice {
                    amount: money(385),
                    reference: Some("A-77".into()),
                    at,
                    file: None,
                }
            },
            Event::Closed { by: Actor::System },
        ]
    );
    assert_eq!(t.wo().status, Status::Closed);
    assert!(armed_timers(t.wo()).is_empty());
    assert_eq!(t.sms("vendor.invoice_ack.sms").len(), 1);
}

#[test]
fn an_invoice_before_the_feedback_closes_after_a_timeout_or_when_the_feedback_comes() {
    let g = Given::completed_by_pat().later(hours(20));
    let at = g.now;
    let t = g.when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: None,
        file: None,
    });
    assert_eq!(t.events()[0], timer_cancelled(K::InvoiceFollowUp, 1));
    assert_eq!(
        t.events().last(),
        Some(&timer_set(K::CloseAfterInvoice, 1, at + hours(72)))
    );
    assert_eq!(t.wo().status, Status::Completed);

    let closed = t.after.when_fired(K::CloseAfterInvoice);
    assert_eq!(
        closed.events(),
        &[
            timer_elapsed(K::CloseAfterInvoice, 1),
            Event::Closed { by: Actor::System }
        ]
    );
    assert_eq!(closed.wo().status, Status::Closed);

    let rated = t.after.later(hours(1)).when(Command::Feedback {
        rating: 4,
        comment: None,
    });
    assert_eq!(
        &rated.events()[1..],
        &[
            timer_cancelled(K::CloseAfterInvoice, 1),
            Event::Closed { by: Actor::System }
        ]
    );
    assert!(armed_timers(rated.wo()).is_empty());
}

#[test]
fn an_invoice_closes_at_once_when_there_is_no_tenant_to_ask_for_feedback() {
    let g = Given::submitted(no_contact(elm_drip()))
        .did(Command::Triage)
        .did(accept("pat"))
        .later(minutes(5))
        .did(choose("pat", 1))
        .at(utc("2026-03-05T15:00:00Z"))
        .did(Command::Done {
            vendor: vid("pat"),
            notes: None,
            photos: vec![],
        });
    assert!(!g.wo.feedback_requested);
    let t = g.later(hours(3)).when(Command::Invoice {
        vendor: vid("pat"),
        amount: money(200),
        reference: None,
        file: None,
    });
    assert_eq!(
        t.events().last(),
        Some(&Event::Closed { by: Actor::System })
    );
    assert_eq!(t.wo().status, Status::Closed);
}

#[test]
fn a_missing_invoice_is_chased_then_escalated_to_the_pm() {
    let mut g = Given::completed_by_pat();
    for n in 1..=4 {
        let t = g.when_fired(K::InvoiceFollowUp);
        assert!(
            t.has(|e| *e == Event::InvoiceRequested { n }),
            "{:#?}",
            t.events()
        );
        assert_eq!(t.sms("vendor.invoice.sms").len(), 1);
        g = t.after;
    }
    let t = g.when_fired(K::InvoiceFollowUp);
    assert_eq!(t.events()[1], Event::InvoiceEscalated);
    assert_eq!(t.emails("pm.invoice.email").len(), 1);
}

#[test]
fn a_rating_outside_one_to_five_is_refused() {
    let g = Given::completed_by_pat();
    for rating in [0, 6, 255] {
        g.when(Command::Feedback {
            rating,
            comment: None,
        })
        .rejected_with(Rejection::BadRating);
    }
    let t = g.when(Command::Feedback {
        rating: 1,
        comment: None,
    });
    assert_eq!(
        t.events(),
        &[Event::FeedbackReceived {
            feedback: Feedback {
                rating: 1,
                comment: None
            }
        }]
    );
}
