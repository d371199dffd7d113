//! Time-zone math in the property's IANA zone: local wall-clock times to instants (correct
//! across DST changes), quiet hours, and how times read in messages.

use crate::catalogue;
use crate::portfolio::{LocalTime, Policy};
use crate::types::Language;
use crate::workorder::Window;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;

/// The instant at which the wall clock in `tz` shows `date time`.
///
/// In a spring-forward gap (the time does not exist that day) the clock is moved forward by
/// the gap, as people do; in a fall-back overlap the first occurrence is taken.
pub fn at_local(tz: Tz, date: NaiveDate, time: LocalTime) -> DateTime<Utc> {
    let naive = NaiveDateTime::new(date, time.0);
    resolve(tz, naive)
}

fn resolve(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Read the wall time with the offset in force just before the gap: 02:30 on a
            // spring-forward night becomes 03:30, as a person re-setting a clock would say.
            let before = naive - Duration::hours(6);
            match tz.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    let offset = t.offset().fix();
                    Utc.from_utc_datetime(
                        &(naive - Duration::seconds(i64::from(offset.local_minus_utc()))),
                    )
                }
                // Unreachable with real zones (no two gaps within six hours).
                LocalResult::None => Utc.from_utc_datetime(&naive),
            }
        }
    }
}

/// The local calendar date of `t` in `tz`.
pub fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The local month (1-12) of `t` in `tz`.
pub fn local_month(tz: Tz, t: DateTime<Utc>) -> u32 {
    t.with_timezone(&tz).month()
}

/// True when `t` falls in the policy's quiet hours in `tz` (start inclusive, end exclusive;
/// a start after the end spans midnight).
pub fn in_quiet_hours(tz: Tz, policy: &Policy, t: DateTime<Utc>) -> bool {
    let now = t.with_timezone(&tz).time();
    let (s, e) = (policy.quiet_start.0, policy.quiet_end.0);
    if s <= e {
        now >= s && now < e
    } else {
        now >= s || now < e
    }
}

/// `t` itself outside quiet hours; otherwise the end of the quiet period that contains it.
pub fn next_allowed(tz: Tz, policy: &Policy, t: DateTime<Utc>) -> DateTime<Utc> {
    if !in_quiet_hours(tz, policy, t) {
        return t;
    }
    let date = local_date(tz, t);
    let today_end = at_local(tz, date, policy.quiet_end);
    if today_end > t {
        today_end
    } else {
        at_local(tz, date.succ_opt().unwrap_or(date), policy.quiet_end)
    }
}

/// How a window reads in an English message: `Tue Mar 10, 9-11:30 AM` (local to the property).
pub fn format_window(tz: Tz, w: &Window) -> String {
    format_window_in(tz, w, Language::En)
}

/// How an instant reads in an English message: `Tue Mar 10, 2:30 PM` (local to the property).
pub fn format_instant(tz: Tz, t: DateTime<Utc>) -> String {
    format_instant_in(tz, t, Language::En)
}

/// How a window reads in `lang`, local to the property: `Tue Mar 10, 9-11:30 AM`, `martes 10 de
/// marzo, de 9 a 11:30 a. m.`. The patterns and the 12-hour marks are catalogue texts
/// (`time.*`); the names of days and months come from chrono's locale data, so a language is
/// added in its catalogue file and [`chrono_locale`], never here. A time on the hour drops its
/// `:00` inside one day; a window over midnight gives both times in full.
pub fn format_window_in(tz: Tz, w: &Window, lang: Language) -> String {
    let s = w.start.with_timezone(&tz);
    let e = w.end.with_timezone(&tz);
    let short = |d: &DateTime<Tz>| {
        if d.minute() == 0 {
            d.format("%-I").to_string()
        } else {
            d.format("%-I:%M").to_string()
        }
    };
    if s.date_naive() != e.date_naive() {
        return catalogue::render(
            "time.window_two_days",
            lang,
            &[
                ("day", day(&s, lang)),
                ("from", s.format("%-I:%M").to_string()),
                ("from_half", half(&s, lang)),
                ("to_day", day(&e, lang)),
                ("to", e.format("%-I:%M").to_string()),
                ("to_half", half(&e, lang)),
            ],
        );
    }
    if half(&s, lang) == half(&e, lang) {
        catalogue::render(
            "time.window_one_half",
            lang,
            &[
                ("day", day(&s, lang)),
                ("from", short(&s)),
                ("to", short(&e)),
                ("half", half(&e, lang)),
            ],
        )
    } else {
        catalogue::render(
            "time.window_two_halves",
            lang,
            &[
                ("day", day(&s, lang)),
                ("from", short(&s)),
                ("from_half", half(&s, lang)),
                ("to", short(&e)),
                ("to_half", half(&e, lang)),
            ],
        )
    }
}

/// How an instant reads in `lang`, local to the property: `Tue Mar 10, 2:30 PM`, `martes 10 de
/// marzo, 2:30 p. m.` (the catalogue's `time.instant`).
pub fn format_instant_in(tz: Tz, t: DateTime<Utc>, lang: Language) -> String {
    let l = t.with_timezone(&tz);
    catalogue::render(
        "time.instant",
        lang,
        &[
            ("day", day(&l, lang)),
            ("time", l.format("%-I:%M").to_string()),
            ("half", half(&l, lang)),
        ],
    )
}

/// The locale whose day and month names a language's dates use.
fn chrono_locale(lang: Language) -> chrono::Locale {
    match lang {
        Language::En => chrono::Locale::en_US,
        Language::Es => chrono::Locale::es_US,
    }
}

/// The date as the catalogue's `time.day` pattern (a chrono format) writes it in `lang`.
fn day(d: &DateTime<Tz>, lang: Language) -> String {
    let pattern = catalogue::text("time.day", lang).unwrap_or("%Y-%m-%d");
    d.format_localized(pattern, chrono_locale(lang)).to_string()
}

/// The 12-hour mark in `lang` (written out from the catalogue: the Spanish locales leave `%p`
/// empty).
fn half(d: &DateTime<Tz>, lang: Language) -> String {
    let key = if d.hour() < 12 { "time.am" } else { "time.pm" };
    catalogue::render(key, lang, &[])
}

/// A deadline as short as it can be said: `11:00 AM` today, else `Thu 9:00 AM`.
pub fn format_deadline(tz: Tz, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&tz);
    if local.date_naive() == local_date(tz, now) {
        local.format("%-I:%M %p").to_string()
    } else {
        local.format("%a %-I:%M %p").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn lt(h: u32, m: u32) -> LocalTime {
        LocalTime(NaiveTime::from_hms_opt(h, m, 0).unwrap())
    }

    #[test]
    fn local_times_map_to_utc_with_the_offset_in_force_that_day() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let winter = at_local(ny, NaiveDate::from_ymd_opt(2026, 3, 7).unwrap(), lt(18, 0));
        let summer = at_local(ny, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(), lt(18, 0));
        assert_eq!(winter.to_rfc3339(), "2026-03-07T23:00:00+00:00");
        assert_eq!(summer.to_rfc3339(), "2026-03-09T22:00:00+00:00");
    }

    #[test]
    fn a_time_inside_the_spring_forward_gap_moves_forward() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let t = at_local(ny, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(), lt(2, 30));
        assert_eq!(t.with_timezone(&ny).format("%H:%M").to_string(), "03:30");
    }

    #[test]
    fn quiet_hours_span_midnight_and_end_at_the_local_quiet_end() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let p = Policy::default();
        let late = at_local(la, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), lt(23, 15));
        assert!(in_quiet_hours(la, &p, late));
        let next = next_allowed(la, &p, late);
        assert_eq!(
            next.with_timezone(&la).format("%m-%d %H:%M").to_string(),
            "06-02 08:00"
        );
        let noon = at_local(la, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), lt(12, 0));
        assert_eq!(next_allowed(la, &p, noon), noon);
    }

    #[test]
    fn windows_read_naturally_in_the_property_zone() {
        let chi: Tz = "America/Chicago".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let w = Window::new(at_local(chi, d, lt(9, 0)), at_local(chi, d, lt(11, 30))).unwrap();
        assert_eq!(format_window(chi, &w), "Tue Mar 10, 9-11:30 AM");
        let w2 = Window::new(at_local(chi, d, lt(11, 0)), at_local(chi, d, lt(13, 0))).unwrap();
        assert_eq!(format_window(chi, &w2), "Tue Mar 10, 11 AM-1 PM");
    }

    #[test]
    fn a_window_over_midnight_and_an_instant_read_in_full_in_english() {
        let chi: Tz = "America/Chicago".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let next = d.succ_opt().unwrap();
        let w = Window::new(at_local(chi, d, lt(22, 0)), at_local(chi, next, lt(1, 0))).unwrap();
        assert_eq!(
            format_window(chi, &w),
            "Tue Mar 10, 10:00 PM - Wed Mar 11, 1:00 AM"
        );
        assert_eq!(
            format_instant(chi, at_local(chi, d, lt(14, 30))),
            "Tue Mar 10, 2:30 PM"
        );
    }

    #[test]
    fn every_language_has_the_date_patterns_and_marks_the_formatter_reads() {
        for lang in [Language::En, Language::Es] {
            for key in [
                "time.day",
                "time.am",
                "time.pm",
                "time.window_one_half",
                "time.window_two_halves",
                "time.window_two_days",
                "time.instant",
            ] {
                assert!(catalogue::exact(key, lang).is_some(), "{lang:?} {key}");
            }
        }
    }

    #[test]
    fn windows_and_instants_read_naturally_in_spanish() {
        let chi: Tz = "America/Chicago".parse().unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let es = Language::Es;
        let w = Window::new(at_local(chi, d, lt(9, 0)), at_local(chi, d, lt(11, 30))).unwrap();
        assert_eq!(
            format_window_in(chi, &w, es),
            "martes 10 de marzo, de 9 a 11:30 a. m."
        );
        let w2 = Window::new(at_local(chi, d, lt(11, 0)), at_local(chi, d, lt(13, 0))).unwrap();
        assert_eq!(
            format_window_in(chi, &w2, es),
            "martes 10 de marzo, de 11 a. m. a 1 p. m."
        );
        let next = d.succ_opt().unwrap();
        let w3 = Window::new(at_local(chi, d, lt(22, 0)), at_local(chi, next, lt(1, 0))).unwrap();
        assert_eq!(
            format_window_in(chi, &w3, es),
            "martes 10 de marzo, 10:00 p. m. al miércoles 11 de marzo, 1:00 a. m."
        );
        assert_eq!(
            format_instant_in(chi, at_local(chi, d, lt(14, 30)), es),
            "martes 10 de marzo, 2:30 p. m."
        );
        assert_eq!(
            format_window_in(chi, &w, Language::En),
            format_window(chi, &w)
        );
    }
}
