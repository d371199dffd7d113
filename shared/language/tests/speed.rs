//! Any accepted input is read quickly, however it is built: the form takes descriptions of up to
//! 4,000 characters and SMS bodies run to 1,600. The worst inputs we can think of are triaged and
//! parsed in under 50 ms each in a debug build, and the time grows with the length of the text,
//! not with its square (before this engine, 4,000 characters of one repeated word took 3 s).
//! Times are the reading thread's CPU time, not the wall clock: on a machine busy with other
//! work (a build beside the tests) a wall-clock reading of 30 ms of work took 60, and a longer
//! text was preempted more often than a short one, which looked like quadratic growth.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use nix::time::{ClockId, clock_gettime};
use std::time::Duration;

use chrono::NaiveDate;
use mendwork_language::replies::parse_reply;
use mendwork_language::triage::{TriageInput, triage};

/// The form's limit on a description, and the longest SMS a carrier delivers.
const DESCRIPTION_LIMIT: usize = 4_000;
const SMS_LIMIT: usize = 1_600;
/// The bound the engine must keep on any accepted input, in a debug build.
const BOUND: Duration = Duration::from_millis(50);

/// Worst cases: each repeats a pattern that makes many phrases start, many numbers or codes
/// parse, or many negations and clauses to walk back over.
fn worst() -> Vec<(&'static str, String)> {
    vec![
        ("one word repeated", "leak ".repeat(1_000)),
        (
            "a hazard repeated",
            "water dripping near the outlet and ".repeat(150),
        ),
        (
            "numbers",
            (0..1_200).map(|i| format!("{} ", i % 97)).collect(),
        ),
        ("job codes", "KP27 MX34 ".repeat(500)),
        ("money", "$1,150.00 estimate 850 invoice 385 ".repeat(150)),
        ("times", "tomorrow 9-11am friday 2pm ".repeat(200)),
        (
            "long Spanish",
            "hay agua por todos lados en la cocina y no para de salir, se rompió un tubo "
                .repeat(60),
        ),
        (
            "one run-on sentence",
            "the heater is not working and the toilet is clogged and the outlet sparks and "
                .repeat(60),
        ),
        ("negations", "no not never no gas no smoke ".repeat(200)),
        ("one long word", "a".repeat(DESCRIPTION_LIMIT)),
        ("emoji", "🔥💧🚽👍⭐".repeat(400)),
        ("punctuation", "!?.,;:-'\" ".repeat(500)),
    ]
}

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

/// The CPU time this thread has used so far.
fn thread_cpu() -> Duration {
    let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).unwrap();
    Duration::new(t.tv_sec() as u64, t.tv_nsec() as u32)
}

/// The CPU time `f` takes on this thread.
fn cpu_of(f: &impl Fn()) -> Duration {
    let t = thread_cpu();
    f();
    thread_cpu().saturating_sub(t)
}

/// The best of five runs: the machine's other work only ever adds time (cache misses, the
/// odd migration to another core).
fn timed(f: impl Fn()) -> Duration {
    (0..5).map(|_| cpu_of(&f)).min().unwrap()
}

#[test]
fn the_worst_inputs_we_can_build_are_read_in_under_50_ms() {
    // Load and compile the engine first: that happens once per process, not per input.
    triage(&TriageInput::new("warm up"));
    parse_reply("warm up", today());
    for (name, text) in worst() {
        let description = cut(&text, DESCRIPTION_LIMIT);
        let sms = cut(&text, SMS_LIMIT);
        let t = timed(|| {
            triage(&TriageInput::new(&description));
        });
        assert!(t < BOUND, "triage of {name}: {t:?}");
        let r = timed(|| {
            parse_reply(&sms, today());
        });
        assert!(r < BOUND, "reply parse of {name}: {r:?}");
    }
}

/// The best times of `a` and `b`, measured in turns so that a burst of other work on the machine
/// hits both alike.
fn timed_pair(a: impl Fn(), b: impl Fn()) -> (Duration, Duration) {
    let (mut best_a, mut best_b) = (Duration::MAX, Duration::MAX);
    for _ in 0..9 {
        best_a = best_a.min(cpu_of(&a));
        best_b = best_b.min(cpu_of(&b));
    }
    (best_a, best_b)
}

#[test]
fn reading_time_grows_with_the_length_of_the_text_not_its_square() {
    triage(&TriageInput::new("warm up"));
    parse_reply("warm up", today());
    for (name, text) in worst() {
        // Four times the text: linear work takes about four times as long, quadratic sixteen;
        // the bound leaves room for a loaded machine.
        let short = cut(&text, DESCRIPTION_LIMIT / 4);
        let long = cut(&text, DESCRIPTION_LIMIT);
        let (a, b) = timed_pair(
            || {
                triage(&TriageInput::new(&short));
            },
            || {
                triage(&TriageInput::new(&long));
            },
        );
        // A floor keeps timer noise on tiny times from failing the ratio.
        let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.000_5);
        assert!(
            ratio < 10.0,
            "triage of {name}: {a:?} for 1,000 characters, {b:?} for 4,000"
        );
        let short = cut(&text, SMS_LIMIT / 4);
        let long = cut(&text, SMS_LIMIT);
        let (a, b) = timed_pair(
            || {
                parse_reply(&short, today());
            },
            || {
                parse_reply(&long, today());
            },
        );
        let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.000_5);
        assert!(
            ratio < 10.0,
            "reply parse of {name}: {a:?} for 400 characters, {b:?} for 1,600"
        );
    }
}
