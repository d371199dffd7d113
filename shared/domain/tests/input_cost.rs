//! Input that costs too much: a work order with every field the form accepts at its longest
//! (a 4,000-character description, 1,000 characters of access notes, 200 of name, unit and
//! pets), built from the patterns that are hardest for the language engine, is triaged — the
//! whole decision with its effects, not only the engine — in under 50 ms of CPU in a debug
//! build (the thread's CPU time: a wall clock on a machine busy with a build reads twice that).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use mendwork_domain::{Command, NewWorkOrder};
use nix::time::{ClockId, clock_gettime};
use std::time::Duration;
use support::*;

/// The form's limits (shared/web's intake): description, notes, short fields.
const DESCRIPTION: usize = 4_000;
const NOTES: usize = 1_000;
const SHORT: usize = 200;
const BOUND: Duration = Duration::from_millis(50);

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

fn patterns() -> Vec<String> {
    vec![
        "leak ".repeat(1_000),
        "water dripping near the outlet and ".repeat(150),
        (0..1_200).map(|i| format!("{} ", i % 97)).collect(),
        "no not never no gas no smoke ".repeat(200),
        "the heater is not working and the toilet is clogged and the outlet sparks and ".repeat(60),
        "hay agua por todos lados en la cocina y no para de salir, se rompió un tubo ".repeat(60),
        "a".repeat(DESCRIPTION),
        "🔥💧🚽👍⭐".repeat(400),
    ]
}

fn longest(text: &str) -> NewWorkOrder {
    NewWorkOrder {
        description: cut(text, DESCRIPTION),
        unit: cut(text, SHORT),
        pets: Some(cut(text, SHORT)),
        access_notes: Some(cut(text, NOTES)),
        tenant: mendwork_domain::Contact {
            name: cut(text, SHORT),
            ..tenant()
        },
        category: None,
        ..elm_drip()
    }
}

/// The CPU time this thread has used so far.
fn thread_cpu() -> Duration {
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).unwrap();
    Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32)
}

#[test]
fn the_longest_work_order_the_form_accepts_is_triaged_in_under_50_ms() {
    // The engine compiles its phrase lists once per process.
    let _ = Given::submitted(elm_drip()).when(Command::Triage);
    for text in patterns() {
        let given = Given::submitted(longest(&text));
        let took = (0..3)
            .map(|_| {
                let t = thread_cpu();
                let then = given.when(Command::Triage);
                assert!(then.result.is_ok(), "{:?}", then.result);
                thread_cpu().saturating_sub(t)
            })
            .min()
            .unwrap();
        assert!(took < BOUND, "{:?} for {:?}…", took, cut(&text, 30));
    }
}
