use super::*;
use chrono::NaiveTime;

mod answers;
mod moving;
mod values;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(super) fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
}

/// Tuesday 10 March 2026.
pub(super) fn today() -> NaiveDate {
    date(2026, 3, 10)
}

pub(super) fn intent(text: &str) -> Intent {
    parse_reply(text, today()).intent
}

pub(super) fn code(text: &str) -> Option<String> {
    parse_reply(text, today()).job_code.map(|c| c.to_string())
}

pub(super) fn question(text: &str) -> String {
    match intent(text) {
        Intent::Unclear { question } => question,
        other => format!("NOT UNCLEAR: {other:?}"),
    }
}

pub(super) fn proposal(d: NaiveDate, from: (u32, u32), to: (u32, u32)) -> Intent {
    Intent::Propose {
        date: d,
        start: time(from.0, from.1),
        end: time(to.0, to.1),
    }
}

/// A reschedule, with the new time when one is named.
pub(super) fn reschedule(when: Option<NewTime>) -> Intent {
    Intent::Reschedule { when }
}

/// The new time of a reschedule on `d`, from `from` to `to` (hours, minutes).
pub(super) fn new_time(d: NaiveDate, from: (u32, u32), to: (u32, u32)) -> NewTime {
    NewTime {
        date: d,
        start: time(from.0, from.1),
        end: time(to.0, to.1),
    }
}

pub(super) fn done(notes: Option<&str>) -> Intent {
    Intent::Done {
        notes: notes.map(String::from),
    }
}

pub(super) fn not_done(reason: Option<&str>) -> Intent {
    Intent::NotDone {
        reason: reason.map(String::from),
    }
}

pub(super) fn decline(reason: Option<&str>) -> Intent {
    Intent::Decline {
        reason: reason.map(String::from),
    }
}

pub(super) fn estimate(cents: u64, note: Option<&str>) -> Intent {
    Intent::Estimate {
        amount: Money(cents),
        note: note.map(String::from),
    }
}

pub(super) fn invoice(cents: u64, reference: Option<&str>) -> Intent {
    Intent::Invoice {
        amount: Money(cents),
        reference: reference.map(String::from),
    }
}

pub(super) fn late(minutes: Option<u32>) -> Intent {
    Intent::RunningLate { minutes }
}

pub(super) fn assert_all(texts: &[&str], expected: &Intent) {
    for text in texts {
        assert_eq!(&intent(text), expected, "for {text:?}");
    }
}
