//! Given/when/then tests of the overdue rule (`overdue::overdue`) and of the command that acts on
//! it (`Command::FlagOverdue`): a step whose timer was lost or never fired is found after the
//! grace period and put in front of the team once; a work order whose timers all fire on time is
//! never overdue, checked on seeded random walks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::overdue::{GRACE_MINUTES, Overdue, Step, overdue};
use mendwork_domain::*;
use support::*;

fn policy(g: &Given) -> Policy {
    PORTFOLIO.policy_for(g.property())
}

fn overdue_of(g: &Given) -> Option<Overdue> {
    overdue(&g.wo, &policy(g), g.now)
}

fn attention(t: &support::Then) -> Option<String> {
    t.attention()
}

#[test]
fn an_offer_whose_accept_timer_never_fired_is_overdue_only_after_the_grace_period() {
    // Given pat's offer, due at 12:00 EST, whose timer never fired.
    let g = Given::offered_to_pat();
    let (_, due) = g.armed(K::AcceptTimeout);
    // When the scheduler is a few minutes late, nothing is overdue yet.
    let early = g.clone().at(due + minutes(GRACE_MINUTES - 1));
    assert_eq!(overdue_of(&early), None);
    early.when(Command::FlagOverdue).no_events();
    // When the grace period has passed, the answer to the offer is overdue since its end.
    let late = g.at(due + minutes(GRACE_MINUTES + 1));
    assert_eq!(
        overdue_of(&late),
        Some(Overdue {
            step: Step::OfferAnswer,
            due
        })
    );
    // Then flagging it puts the work order in front of the team, with the reason emailed.
    let t = late.when(Command::FlagOverdue);
    assert_eq!(t.wo().status, Status::NeedsAttention);
    assert_eq!(t.wo().paused_from, Some(Status::Dispatching));
    let reason = attention(&t).unwrap();
    assert!(
        reason.contains("the offer to Pat Ortiz ended") && reason.contains("Wed Mar 4, 12:00 PM"),
        "{reason}"
    );
    let mail = t.emails("pm.attention.email");
    assert_eq!(mail.len(), 1);
    assert!(mail[0].text.contains(&reason), "{}", mail[0].text);
    // And once only: the same sweep later finds nothing to flag.
    let again = t.after.clone().later(hours(1));
    assert_eq!(overdue_of(&again), None);
    again.when(Command::FlagOverdue).no_events();
    // While the vendor may still take the job.
    let accepted = again.did(Command::Accept { vendor: vid("pat") });
    assert_eq!(accepted.wo.status, Status::Accepted);
}

#[test]
fn a_request_never_triaged_is_overdue_since_it_came_in() {
    let g = Given::submitted(elm_drip());
    assert_eq!(overdue_of(&g.clone().later(minutes(10))), None);
    let late = g.clone().later(minutes(GRACE_MINUTES + 5));
    assert_eq!(
        overdue_of(&late),
        Some(Overdue {
            step: Step::Triage,
            due: g.now
        })
    );
    let t = late.when(Command::FlagOverdue);
    assert!(
        attention(&t).unwrap().contains("never triaged"),
        "{:?}",
        t.events()
    );
    // The follow-up command that was late still runs when it finally comes.
    let triaged = t.after.did(Command::Triage);
    assert_eq!(triaged.wo.status, Status::Dispatching);
}

#[test]
fn a_scheduled_job_whose_reminders_and_done_ask_never_fired_names_the_first_one_missed() {
    // Given Thu 9-11 AM with pat, and nothing fired for two days.
    let g = Given::scheduled_with_pat();
    let (_, eve) = g.armed(K::ReminderDayBefore);
    let late = g.at(utc("2026-03-07T15:00:00Z"));
    assert_eq!(
        overdue_of(&late),
        Some(Overdue {
            step: Step::Reminder,
            due: eve
        })
    );
    let reason = attention(&late.when(Command::FlagOverdue)).unwrap();
    assert!(reason.contains("reminder"), "{reason}");
}

#[test]
fn a_step_with_no_timer_left_to_carry_it_is_overdue_when_that_timer_would_have_been() {
    // Given pat on site, whose "done?" timer was cancelled by a lost write (as if never set).
    let mut g = Given::pat_on_site();
    let (generation, ask) = g.armed(K::OutcomeAsk);
    g.apply(&Event::TimerCancelled {
        timer: K::OutcomeAsk,
        generation,
    });
    assert_eq!(overdue_of(&g.clone().at(ask)), None);
    let late = g.at(ask + minutes(GRACE_MINUTES + 1));
    let found = overdue_of(&late).unwrap();
    assert_eq!(found.step, Step::Outcome);
    assert_eq!(
        found.due, ask,
        "the appointment's end + the outcome ask delay"
    );
}

#[test]
fn needs_attention_closed_and_cancelled_work_orders_are_never_overdue() {
    let lapsed_list = Given::offered_to_pat()
        .fired(K::AcceptTimeout)
        .fired(K::AcceptTimeout);
    assert_eq!(lapsed_list.wo.status, Status::NeedsAttention);
    assert_eq!(overdue_of(&lapsed_list.clone().later(hours(72))), None);
    let cancelled = Given::offered_to_pat()
        .did(Command::Cancel {
            by: pm(),
            reason: None,
        })
        .later(hours(72));
    assert_eq!(overdue_of(&cancelled), None);
    cancelled.when(Command::FlagOverdue).no_events();
}

#[test]
fn escalated_approval_and_invoice_reminders_are_not_overdue_but_a_lost_close_is() {
    let mut g = Given::awaiting_approval();
    for _ in 0..=PORTFOLIO.policy.approval_reminders {
        g = g.fired(K::ApprovalReminder);
    }
    assert_eq!(g.wo.status, Status::AwaitingApproval);
    assert_eq!(overdue_of(&g.clone().later(hours(24 * 30))), None);

    let done = Given::completed_by_pat().did(Command::Invoice {
        vendor: vid("pat"),
        amount: money(385),
        reference: None,
        file: None,
    });
    let (generation, close) = done.armed(K::CloseAfterInvoice);
    let mut lost = done.clone();
    lost.apply(&Event::TimerCancelled {
        timer: K::CloseAfterInvoice,
        generation,
    });
    let found = overdue_of(&lost.at(close + hours(1))).unwrap();
    assert_eq!((found.step, found.due), (Step::Close, close));
}

// ---------------------------------------------------------------------------------------------
// On time, never overdue

/// xorshift64*: deterministic, so a failure names the seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn earliest_due(wo: &WorkOrder) -> Option<(TimerKind, u32, chrono::DateTime<chrono::Utc>)> {
    wo.timers
        .iter()
        .filter_map(|(k, t)| t.due.map(|d| (*k, t.generation, d)))
        .min_by_key(|(_, _, d)| *d)
}

/// What the people around a work order might do next (often refused, which is fine).
fn someone_acts(rng: &mut Rng, g: &Given) -> Command {
    let vendor =
        g.wo.vendor
            .clone()
            .or(g.wo.offer.as_ref().map(|o| o.vendor.clone()))
            .unwrap_or_else(|| vid("pat"));
    let soon = g.now + hours(2 + rng.below(60) as i64);
    let window = Window::new(soon, soon + hours(2)).unwrap();
    match rng.below(18) {
        0 | 1 => Command::Accept { vendor },
        2 => Command::Decline {
            vendor,
            reason: None,
        },
        3 | 4 => Command::ChooseSlot {
            vendor,
            slot: 1 + rng.below(3) as u32,
        },
        5 => Command::ProposeTime { vendor, window },
        6 => Command::AnswerProposal {
            accept: rng.below(2) == 0,
        },
        7 => Command::Arrived {
            by: Actor::Vendor(vendor),
        },
        8 => Command::Done {
            vendor,
            notes: None,
            photos: vec![],
        },
        9 => Command::NotDone {
            vendor,
            reason: Some("needs a part".into()),
        },
        10 => Command::Estimate {
            vendor,
            amount: money(200 + 300 * rng.below(4)),
            note: None,
        },
        11 => Command::DecideApproval {
            approve: rng.below(3) > 0,
            by: Actor::Owner,
            round: g.wo.approval_round,
        },
        12 => Command::Invoice {
            vendor,
            amount: money(385),
            reference: None,
            file: None,
        },
        13 => Command::Feedback {
            rating: 4,
            comment: None,
        },
        14 => Command::RequestReschedule {
            by: Actor::Tenant,
            window: None,
        },
        15 => Command::AddAvailability {
            windows: vec![window],
        },
        16 => Command::Assign {
            vendor: vid(["pat", "ray"][rng.below(2) as usize]),
            by: pm(),
        },
        _ => Command::Cancel {
            by: pm(),
            reason: None,
        },
    }
}

#[test]
fn a_work_order_whose_timers_all_fire_on_time_is_never_overdue() {
    const WALKS: u64 = 300;
    const STEPS: usize = 50;
    let mut seen = std::collections::BTreeSet::new();
    for seed in 1..=WALKS {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let request = if rng.below(2) == 0 {
            elm_drip()
        } else {
            palm_drip()
        };
        let start_at = now() + hours(rng.below(30) as i64);
        let mut g = Given::submitted_at(request, start_at).did(Command::Triage);
        let mut trail: Vec<String> = vec![];
        for step in 0..STEPS {
            let until = g.now + minutes(rng.below(8 * 60) as i64);
            // The scheduler: every timer due on the way fires at its time, in order.
            while let Some((kind, generation, due)) = earliest_due(&g.wo).filter(|t| t.2 <= until) {
                let at = due.max(g.now);
                g = g.at(at);
                trail.push(format!("{step}: {} fired at {}", kind.as_str(), g.now));
                g = g.did(Command::TimerFired { kind, generation });
            }
            g = g.at(until);
            let cmd = someone_acts(&mut rng, &g);
            if let Ok(events) = mendwork_domain::decide::decide(&g.wo, &cmd, &g.ctx()) {
                trail.push(format!("{step}: at {} {cmd:?}", g.now));
                for e in &events {
                    g.apply(e);
                }
            }
            // Checked at the latest instant before the next timer is due.
            let horizon = earliest_due(&g.wo).map_or(g.now + hours(24 * 40), |t| t.2);
            let at = horizon.max(g.now);
            let checked = g.clone().at(at);
            assert_eq!(
                overdue_of(&checked),
                None,
                "seed {seed}, status {}, timers {:?}\n{}",
                g.wo.status,
                g.wo.timers,
                trail.join("\n")
            );
            seen.insert(g.wo.status);
            if g.wo.status.is_final() {
                break;
            }
        }
    }
    // The walks reach every status, so the rule was checked in each.
    assert_eq!(seen.len(), Status::ALL.len(), "{seen:?}");
}
