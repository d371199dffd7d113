//! Recurring schedules: a crontab's five fields (its day numbers, its either-day rule) checked
//! and translated into the `cron` crate's schedule, with errors naming the field.

use std::str::FromStr;

/// What each of the five cron fields is called and may hold, for error messages.
const CRON_FIELDS: [(&str, &str); 5] = [
    ("minute", "0–59"),
    ("hour", "0–23"),
    ("day-of-month", "1–31"),
    ("month", "1–12 or JAN–DEC"),
    ("day-of-week", "0–7 or SUN–SAT, where 0 and 7 are Sunday"),
];

const CRON_HINT: &str = "write five fields: minute hour day-of-month month day-of-week, \
                         e.g. \"0 9 1 */3 *\" (09:00 on the 1st of every third month)";

/// Parses a classic five-field cron expression (`minute hour day-of-month month day-of-week`,
/// as in crontab) into a [`cron::Schedule`] firing at second 0.
///
/// Invariants and deliberate differences from the `cron` crate's own syntax:
/// - exactly five fields; the crate's seconds (and year) fields are not accepted, so `"0 "`
///   is prepended internally;
/// - day-of-week uses crontab numbering (0 or 7 = Sunday, 1 = Monday … 6 = Saturday) or names;
///   it is translated because the crate counts 1 = Sunday … 7 = Saturday, and a raw
///   pass-through would silently shift every weekly schedule by a day;
/// - restricting both day-of-month and day-of-week is rejected: crontab fires when *either*
///   matches, the crate only when *both* do, so such a schedule would not mean what it says;
/// - a schedule that can never fire (e.g. `0 9 30 2 *`, February 30th) is rejected.
///
/// The schedule is zone-agnostic: evaluate it with `after(&local_now)` in the property's zone.
/// The error is a sentence for a PM, naming the offending field.
pub fn parse_cron(expr: &str) -> Result<cron::Schedule, String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{expr:?} has {} field{}; {CRON_HINT}",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    }
    let dow = cron_day_of_week(fields[4]).map_err(|e| {
        format!(
            "{expr:?}: in the day-of-week field, {e} (allowed: {})",
            CRON_FIELDS[4].1
        )
    })?;
    let dom_restricted = !matches!(fields[2], "*" | "?");
    if dom_restricted && dow != "*" {
        return Err(format!(
            "{expr:?} restricts both the day of the month and the day of the week; use one and \
             put \"*\" in the other"
        ));
    }
    let translated = [fields[0], fields[1], fields[2], fields[3], dow.as_str()];
    let full = format!("0 {}", translated.join(" "));
    let schedule = cron::Schedule::from_str(&full).map_err(|_| {
        // The crate's message is about its own grammar; find which field is wrong by parsing
        // each one alone, so the PM is told where to look.
        for (i, (name, allowed)) in CRON_FIELDS.iter().enumerate() {
            let mut probe = ["*"; 5];
            probe[i] = translated[i];
            if cron::Schedule::from_str(&format!("0 {}", probe.join(" "))).is_err() {
                return format!(
                    "{expr:?}: the {name} field {:?} is not valid (allowed: {allowed})",
                    fields[i]
                );
            }
        }
        format!("{expr:?} is not a valid schedule; {CRON_HINT}")
    })?;
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    if schedule.after(&epoch).next().is_none() {
        return Err(format!(
            "{expr:?} never happens (that day does not exist in that month)"
        ));
    }
    Ok(schedule)
}

/// Translates a crontab day-of-week field into the `cron` crate's spelling: `*` or a
/// comma-separated list of day names (names are unambiguous in both numberings).
fn cron_day_of_week(field: &str) -> Result<String, String> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    if matches!(field, "*" | "?") {
        return Ok("*".to_string());
    }
    // Crontab day number 0..=7 (7 = Sunday again) from a number or a name.
    let day = |s: &str| -> Result<usize, String> {
        if let Ok(n) = s.parse::<usize>() {
            return if n <= 7 {
                Ok(n)
            } else {
                Err(format!("{n} is not a day"))
            };
        }
        let lower = s.to_ascii_lowercase();
        NAMES
            .iter()
            .position(|n| lower.len() >= 3 && n.to_ascii_lowercase().starts_with(&lower[..3]))
            .filter(|_| {
                let full = [
                    "sunday",
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                ];
                full.iter().any(|f| f.starts_with(&lower))
            })
            .ok_or_else(|| format!("{s:?} is not a day"))
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => match s.parse::<usize>() {
                Ok(n) if n > 0 => (r, Some(n)),
                _ => return Err(format!("the step {s:?} is not a whole number above 0")),
            },
            None => (item, None),
        };
        let (lo, hi) = if matches!(range, "*" | "?") {
            (0, 6)
        } else if let Some((a, b)) = range.split_once('-') {
            let lo = day(a)?;
            // `FRI-SUN` means Friday to Sunday: Sunday at the end of a range is day 7.
            let hi = match day(b)? {
                0 if lo > 0 => 7,
                h => h,
            };
            if hi < lo {
                return Err(format!("the range {range:?} runs backwards"));
            }
            (lo, hi)
        } else {
            let d = day(range)?;
            (d, if step.is_some() { 6.max(d) } else { d })
        };
        for d in (lo..=hi).step_by(step.unwrap_or(1)) {
            days[d % 7] = true;
        }
    }
    if days.iter().all(|d| *d) {
        return Ok("*".to_string());
    }
    Ok(NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(","))
}
