//! A seeded random walk over the work-order state machine, checking the promises `decide`
//! makes for any sequence of commands.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use TimerKind as K;
use mendwork_domain::decide::{Context, decide, replay};
use mendwork_domain::effects::effects;
use mendwork_domain::*;
use support::workflow::*;
use support::*;

// ---------------------------------------------------------------------------------------------
// Random walk

/// xorshift64*: a tiny deterministic generator, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

fn random_window(rng: &mut Rng, now: chrono::DateTime<chrono::Utc>) -> Window {
    let start = now + hours(rng.below(96) as i64 - 6) + minutes(30 * rng.below(2) as i64);
    let end = start + hours(1 + rng.below(3) as i64);
    Window { start, end }
}

/// A command that is plausible (often, not always, valid) for the work order as it stands.
fn random_command(rng: &mut Rng, g: &Given) -> Command {
    let wo = &g.wo;
    let vendors = ["pat", "quinn", "ray", "eve", "nobody"];
    let likely = wo
        .offer
        .as_ref()
        .map(|o| o.vendor.clone())
        .or_else(|| wo.vendor.clone());
    let who = |rng: &mut Rng| match &likely {
        Some(v) if rng.chance(80) => v.clone(),
        _ => vid(rng.pick(&vendors)),
    };
    let actors = [
        Actor::Tenant,
        pm(),
        Actor::Owner,
        Actor::Desk,
        Actor::System,
    ];
    match rng.below(26) {
        0 => Command::Triage,
        1 | 2 => Command::Accept { vendor: who(rng) },
        3 => Command::Decline {
            vendor: who(rng),
            reason: None,
        },
        4 | 5 => Command::ChooseSlot {
            vendor: who(rng),
            slot: rng.below(5) as u32,
        },
        6 => Command::ProposeTime {
            vendor: who(rng),
            window: random_window(rng, g.now),
        },
        7 => Command::AnswerProposal {
            accept: rng.chance(60),
        },
        8 => Command::RequestReschedule {
            by: if rng.chance(50) {
                Actor::Vendor(who(rng))
            } else {
                rng.pick(&actors)
            },
            window: None,
        },
        9 => Command::AddAvailability {
            windows: vec![random_window(rng, g.now)],
        },
        10 => Command::Arrived {
            by: if rng.chance(60) {
                Actor::Vendor(who(rng))
            } else {
                rng.pick(&actors)
            },
        },
        11 => Command::RunningLate {
            vendor: who(rng),
            minutes: Some(15),
        },
        12 => Command::Done {
            vendor: who(rng),
            notes: None,
            photos: vec![],
        },
        13 => Command::NotDone {
            vendor: who(rng),
            reason: Some("need a part".into()),
        },
        14 => Command::Estimate {
            vendor: who(rng),
            amount: money(rng.pick(&[100, 450, 800, 2000])),
            note: None,
        },
        15 => Command::DecideApproval {
            approve: rng.chance(60),
            by: rng.pick(&actors),
            round: wo.approval_round + rng.below(3) as u32 - 1.min(wo.approval_round),
        },
        16 => Command::Invoice {
            vendor: who(rng),
            amount: money(385),
            reference: None,
            file: None,
        },
        17 => Command::Feedback {
            rating: rng.below(7) as u8,
            comment: None,
        },
        18 => Command::Assign {
            vendor: vid(rng.pick(&vendors)),
            by: pm(),
        },
        19 => Command::AddInstructions {
            text: rng.pick(&["Keys at the office", "  "]).into(),
            by: pm(),
        },
        20 => Command::Cancel {
            by: rng.pick(&actors),
            reason: None,
        },
        21 => Command::Close { by: pm() },
        22 => Command::LinkVisit {
            visit: desk_visit(
                rng.pick(&["v-desk-1", "v-desk-2"]),
                rng.pick(&["elm", "palm"]),
            ),
        },
        23 => Command::CheckOut { by: Actor::Desk },
        _ => {
            let kind = rng.pick(&ALL_TIMERS);
            let current = wo.timers.get(&kind).map_or(0, |t| t.generation);
            Command::TimerFired {
                kind,
                generation: current + rng.below(2) as u32 - 1.min(current),
            }
        }
    }
}

/// The earliest armed timer: (kind, generation, due).
fn next_due(wo: &WorkOrder) -> Option<(TimerKind, u32, chrono::DateTime<chrono::Utc>)> {
    wo.timers
        .iter()
        .filter_map(|(k, t)| t.due.map(|d| (*k, t.generation, d)))
        .min_by_key(|(_, _, d)| *d)
}

/// The promises that hold after every step, whatever came before.
fn check_invariants(g: &Given, events: &[Event], before: &WorkOrder) -> Result<(), String> {
    let wo = &g.wo;
    let fail = |what: &str| Err(format!("{what}\nwork order: {wo:#?}\nevents: {events:#?}"));
    if replay(&g.history).as_ref() != Some(wo) {
        return fail("replaying the timeline does not give the work order");
    }
    if wo.status.is_final() && !armed_timers(wo).is_empty() {
        return fail("a closed or cancelled work order still has an armed timer");
    }
    if wo.offer.is_some() {
        if wo.phase() != Status::Dispatching {
            return fail("an offer is out but the work order is not dispatching");
        }
        if !wo.armed(K::AcceptTimeout) {
            return fail("an offer is out without its accept timer");
        }
    }
    if matches!(
        wo.status,
        Status::Accepted | Status::Scheduled | Status::InProgress
    ) && wo.vendor.is_none()
    {
        return fail("no vendor on an accepted/scheduled/in-progress work order");
    }
    if wo.status == Status::Scheduled && wo.appointment.is_none() {
        return fail("scheduled without an appointment");
    }
    if wo.status == Status::AwaitingApproval
        && wo.estimate.as_ref().map(|e| &e.decision) != Some(&EstimateDecision::Pending)
    {
        return fail("awaiting approval without a pending estimate");
    }
    // Nothing waits silently: every open status has a timer that moves it on (or is the PM's).
    if wo.status == Status::Submitted && wo.triage.is_some() && !wo.armed(K::QuietHoursEnd) {
        return fail("triaged but not offered, not held and not flagged to the PM");
    }
    if wo.status == Status::Dispatching && wo.offer.is_none() && !wo.armed(K::QuietHoursEnd) {
        return fail("dispatching with no offer out and none held for quiet hours");
    }
    if wo.status == Status::Accepted && !wo.armed(K::ScheduleNudge) && !wo.armed(K::ProposalTimeout)
    {
        return fail("accepted but neither nudging the vendor nor waiting on the tenant");
    }
    if matches!(wo.status, Status::Scheduled | Status::InProgress) && !wo.armed(K::OutcomeAsk) {
        return fail("booked or on site but the vendor will never be asked whether it is done");
    }
    if let Some(v) = &wo.visit
        && (v.property != wo.request.property || v.work_order.as_ref() != Some(&wo.id))
    {
        return fail("the visit is not of this work order's property");
    }
    for e in events {
        match e {
            Event::Offered { vendor, expires_at } => {
                if *expires_at <= g.now {
                    return fail("an offer that has already expired");
                }
                if before.tried.contains(vendor) {
                    return fail("offered again to a vendor who declined or lapsed");
                }
                match PORTFOLIO.vendor(vendor) {
                    Some(v) if v.active && v.trades.contains(&wo.trade) => {}
                    _ => return fail("offered to an inactive vendor or one of another trade"),
                }
            }
            Event::TimerSet { at, .. } if *at < g.now => {
                return fail("a timer armed in the past");
            }
            _ => {}
        }
    }
    Ok(())
}

fn random_request(rng: &mut Rng) -> NewWorkOrder {
    let r = rng.pick(&[elm_drip(), elm_flood(), palm_drip()]);
    if rng.chance(20) { no_contact(r) } else { r }
}

#[test]
fn any_sequence_of_commands_never_panics_and_a_rejected_command_changes_nothing() {
    const WALKS: u64 = 400;
    const STEPS: usize = 60;
    for seed in 1..=WALKS {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let start_at = now() + hours(rng.below(30) as i64);
        let mut g = Given::submitted_at(random_request(&mut rng), start_at).did(Command::Triage);
        let mut trail: Vec<String> = vec![];
        for step in 0..STEPS {
            // Move the clock: often straight to the next due timer, fired as the scheduler would.
            let cmd = match next_due(&g.wo) {
                Some((kind, generation, due)) if rng.chance(35) => {
                    g.now = due.max(g.now);
                    Command::TimerFired { kind, generation }
                }
                _ => {
                    g.now += minutes(rng.below(6 * 60) as i64);
                    random_command(&mut rng, &g)
                }
            };
            trail.push(format!("{step}: at {} in {}: {cmd:?}", g.now, g.wo.status));
            let before = g.wo.clone();
            let result = decide(&g.wo, &cmd, &g.ctx());
            let again = decide(&g.wo, &cmd, &g.ctx());
            let context = || format!("seed {seed}\n{}", trail.join("\n"));
            assert_eq!(result, again, "decide is not deterministic\n{}", context());
            if let Command::TimerFired { kind, generation } = &cmd {
                let live =
                    g.wo.timers
                        .get(kind)
                        .is_some_and(|t| t.generation == *generation && t.due.is_some());
                if !live || g.wo.status.is_final() {
                    assert_eq!(
                        result,
                        Ok(vec![]),
                        "a dead timer did something\n{}",
                        context()
                    );
                }
            } else if g.wo.status.is_final() {
                assert!(
                    result.is_err(),
                    "a final work order took a command\n{}",
                    context()
                );
            }
            match result {
                Err(_) => assert_eq!(g.wo, before, "a rejection changed the work order"),
                Ok(events) => {
                    for e in &events {
                        let b = g.wo.clone();
                        g.apply(e);
                        let ctx: Context = g.ctx();
                        let _ = effects(&b, &g.wo, e, &ctx, &FakeLinks);
                    }
                    if let Err(broken) = check_invariants(&g, &events, &before) {
                        panic!("{broken}\n{}", context());
                    }
                }
            }
        }
    }
}
