//! Delays, dates and times: how late a vendor runs, and the visit time someone proposes.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};

use super::ctx::Ctx;
use super::words::{Kw, words as w};
use super::{Intent, unclear};
use crate::normalise::Chunk;

// ---------------------------------------------------------------------------------------------
// Delays

/// A number of tenths (`1.5` → 15) so that `1.5 hours` needs no floating point; a range (`15-20`)
/// reads as its upper bound, since a tenant would rather wait less than expected than more.
pub(super) fn tenths(s: &str) -> Option<u32> {
    let part = |p: &str| -> Option<u32> {
        let (whole, frac) = p.split_once('.').unwrap_or((p, "0"));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() != 1
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        whole
            .parse::<u32>()
            .ok()?
            .checked_mul(10)?
            .checked_add(frac.parse().ok()?)
    };
    match s.split_once('-') {
        Some((low, high)) => {
            part(low)?;
            part(high)
        }
        None => part(s),
    }
}

pub(super) fn minutes_mentioned(ctx: &Ctx) -> Option<u32> {
    let words = w();
    let from_unit = |t: u32, unit: &str| -> Option<u32> {
        if words.minute_units.iter().any(|u| u == unit) {
            Some(t / 10)
        } else if words.hour_units.iter().any(|u| u == unit) {
            t.checked_mul(6)
        } else {
            None
        }
    };
    for i in 0..ctx.tokens.len() {
        let norm = ctx.norm(i);
        // "20min", "1hr"
        for unit in words.minute_units.iter().chain(&words.hour_units) {
            if let Some(q) = norm.strip_suffix(unit.as_str()).and_then(tenths) {
                return from_unit(q, unit);
            }
        }
        if let Some(q) = tenths(norm) {
            if let Some(m) = from_unit(q, ctx.norm(i + 1)) {
                return Some(m);
            }
            // "10 more minutes"
            if ["more", "mas"].contains(&ctx.norm(i + 1))
                && let Some(m) = from_unit(q, ctx.norm(i + 2))
            {
                return Some(m);
            }
            if i > 0 && w().delay_leads.contains(ctx.norm(i - 1)) && q % 10 == 0 {
                return Some(q / 10);
            }
            // "30 late", "10 out"
            if w().delay_after.contains(ctx.norm(i + 1)) && q % 10 == 0 {
                return Some(q / 10);
            }
        }
        for &(p, minutes) in &words.durations {
            if ctx.phrase_at(i, &[p]).is_some() {
                return Some(minutes);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Dates and times

pub(super) const DEFAULT_VISIT_MINUTES: u32 = 120;
pub(super) const LAST_MINUTE_OF_DAY: u32 = 23 * 60 + 59;

pub(super) const SHORT_WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
pub(super) const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `Fri Mar 13`: how questions name a date.
pub(super) fn short_date(d: NaiveDate) -> String {
    let wd = SHORT_WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    let month = SHORT_MONTHS[d.month0() as usize];
    format!("{wd} {month} {}", d.day())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateIssue {
    /// No such day (`2/30`).
    Invalid,
    /// Written with a year, and already over.
    Past,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct DateHit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: Result<NaiveDate, DateIssue>,
    /// Set when the date was named only by its weekday, to check it against an explicit date.
    pub(super) weekday: Option<Weekday>,
}

pub(super) fn find_dates(ctx: &Ctx) -> Vec<DateHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < ctx.tokens.len() {
        match date_at(ctx, i) {
            Some(hit) => {
                i = hit.end;
                hits.push(hit);
            }
            None => i += 1,
        }
    }
    hits
}

pub(super) fn plus_days(today: NaiveDate, days: u64) -> Result<NaiveDate, DateIssue> {
    today
        .checked_add_days(Days::new(days))
        .ok_or(DateIssue::Invalid)
}

pub(super) fn date_at(ctx: &Ctx, i: usize) -> Option<DateHit> {
    let today = ctx.today;
    let norm = ctx.norm(i);
    let hit = |end: usize, value: Result<NaiveDate, DateIssue>| DateHit {
        start: i,
        end,
        value,
        weekday: None,
    };
    if let Some(end) = ctx.phrase_at(i, &w().day_after_tomorrow) {
        return Some(hit(end, plus_days(today, 2)));
    }
    if w().today_words.contains(norm) {
        return Some(hit(i + 1, Ok(today)));
    }
    // "La mañana" is the morning ("a las 10 de la mañana"), "mañana" alone tomorrow.
    let the_morning = norm == "manana" && i > 0 && ctx.norm(i - 1) == "la";
    if w().tomorrow_words.contains(norm) && !the_morning {
        return Some(hit(i + 1, plus_days(today, 1)));
    }
    let (strict, wd_at) = if w().weekday_next.contains(norm) {
        (true, i + 1)
    } else if w().weekday_this.contains(norm) {
        (false, i + 1)
    } else {
        (false, i)
    };
    if let Some((_, wd)) = w()
        .weekdays
        .iter()
        .find(|(name, _)| name == ctx.norm(wd_at))
    {
        // "el lunes 16 a las 9": the number after the weekday is its day of the month when a
        // time follows it and the date falls on that weekday.
        if let Some(day) = day_of_month(ctx.norm(wd_at + 1)).filter(|d| (1..=31).contains(d))
            && (w().at_words.contains(ctx.norm(wd_at + 2))
                || (ctx.norm(wd_at + 2) == "a" && ctx.norm(wd_at + 3) == "las"))
            && let Ok(date) = coming_day_of_month(day, today)
            && date.weekday() == *wd
        {
            return Some(hit(wd_at + 2, Ok(date)));
        }
        let ahead = (7 + wd.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if strict && ahead == 0 { 7 } else { ahead };
        return Some(DateHit {
            start: i,
            end: wd_at + 1,
            value: plus_days(today, u64::from(ahead)),
            weekday: Some(*wd),
        });
    }
    if let Some(value) = numeric_date(norm, today) {
        return Some(hit(i + 1, value));
    }
    // "thursday the 19th": a day of this month, or of the next when it has passed.
    if norm == "the"
        && let Some(day) = ordinal_day(ctx.norm(i + 1))
    {
        return Some(hit(i + 2, coming_day_of_month(day, today)));
    }
    if let Some((_, month)) = w().months.iter().find(|(m, _)| m == norm) {
        let day = day_of_month(ctx.norm(i + 1))?;
        let year = ctx.norm(i + 2);
        if year.len() == 4
            && let Ok(year) = year.parse::<i32>()
        {
            return Some(hit(i + 3, explicit_date(year, *month, day, today)));
        }
        return Some(hit(i + 2, implied_year(*month, day, today)));
    }
    None
}

/// `14`, `14th`, `2nd`.
pub(super) fn day_of_month(norm: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| norm.strip_suffix(s))
        .unwrap_or(norm);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `19th`, `2nd`: a day of the month written as an ordinal (the suffix is required, so that
/// "the 2 of them" is no date).
pub(super) fn ordinal_day(norm: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| norm.strip_suffix(s))?;
    day_of_month(digits).filter(|d| (1..=31).contains(d))
}

/// The next date on or after today that falls on `day` of its month.
pub(super) fn coming_day_of_month(day: u32, today: NaiveDate) -> Result<NaiveDate, DateIssue> {
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..3 {
        if let Some(d) = NaiveDate::from_ymd_opt(year, month, day)
            && d >= today
        {
            return Ok(d);
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    Err(DateIssue::Invalid)
}

/// `3/14`, `3/14/26`, `3/14/2026` (US order, as the product serves US property managers).
pub(super) fn numeric_date(norm: &str, today: NaiveDate) -> Option<Result<NaiveDate, DateIssue>> {
    let parts: Vec<&str> = norm.split('/').collect();
    let numeric = |s: &str, max_len: usize| {
        !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [m, d] if numeric(m, 2) && numeric(d, 2) => {
            Some(implied_year(m.parse().ok()?, d.parse().ok()?, today))
        }
        [m, d, y]
            if numeric(m, 2)
                && numeric(d, 2)
                && (y.len() == 2 || y.len() == 4)
                && numeric(y, 4) =>
        {
            let y: i32 = y.parse().ok()?;
            let year = if y < 100 { 2000 + y } else { y };
            Some(explicit_date(year, m.parse().ok()?, d.parse().ok()?, today))
        }
        _ => None,
    }
}

/// A date written without a year is the next one on or after today (Feb 29 waits for a leap
/// year).
pub(super) fn implied_year(month: u32, day: u32, today: NaiveDate) -> Result<NaiveDate, DateIssue> {
    (today.year()..=today.year() + 8)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d >= today)
        .ok_or(DateIssue::Invalid)
}

pub(super) fn explicit_date(
    year: i32,
    month: u32,
    day: u32,
    today: NaiveDate,
) -> Result<NaiveDate, DateIssue> {
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(DateIssue::Invalid)?;
    if date < today {
        Err(DateIssue::Past)
    } else {
        Ok(date)
    }
}

pub(super) enum DateOutcome {
    Absent,
    Found(NaiveDate),
    Ask(String),
}

pub(super) const DATE_EXAMPLE: &str = "Reply e.g. TIME 3/14 9-11AM";

pub(super) fn date_outcome(hits: &[DateHit]) -> DateOutcome {
    if hits.is_empty() {
        return DateOutcome::Absent;
    }
    if hits.iter().any(|h| h.value == Err(DateIssue::Invalid)) {
        return DateOutcome::Ask(format!("Which date did you mean? {DATE_EXAMPLE}"));
    }
    if hits.iter().any(|h| h.value == Err(DateIssue::Past)) {
        return DateOutcome::Ask(format!(
            "That date has passed. Which date works? {DATE_EXAMPLE}"
        ));
    }
    let mut explicit: Vec<NaiveDate> = Vec::new();
    let mut by_weekday: Vec<NaiveDate> = Vec::new();
    for h in hits {
        if let Ok(d) = h.value {
            let list = if h.weekday.is_some() {
                &mut by_weekday
            } else {
                &mut explicit
            };
            if !list.contains(&d) {
                list.push(d);
            }
        }
    }
    let which_day = |a: NaiveDate, b: NaiveDate| {
        DateOutcome::Ask(format!(
            "Which day did you mean: {} or {}? {DATE_EXAMPLE}",
            short_date(a),
            short_date(b)
        ))
    };
    match (explicit.as_slice(), by_weekday.as_slice()) {
        ([a, b, ..], _) | ([], [a, b, ..]) => which_day(*a, *b),
        ([d], weekday_dates) => {
            // "fri 3/14" must name the same day twice; if not, one of them is a typo.
            let wanted: Vec<Weekday> = hits.iter().filter_map(|h| h.weekday).collect();
            match wanted
                .iter()
                .zip(weekday_dates)
                .find(|(wd, _)| **wd != d.weekday())
            {
                Some((_, by_name)) => DateOutcome::Ask(format!(
                    "Did you mean {} or {}? {DATE_EXAMPLE}",
                    short_date(*by_name),
                    short_date(*d)
                )),
                None => DateOutcome::Found(*d),
            }
        }
        ([], [d]) => DateOutcome::Found(*d),
        ([], []) => DateOutcome::Absent,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meridiem {
    Am,
    Pm,
}

/// One written clock time, before am/pm is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Clock {
    pub(super) hour: u32,
    pub(super) minute: u32,
    pub(super) meridiem: Option<Meridiem>,
    pub(super) colon: bool,
    pub(super) leading_zero: bool,
}

impl Clock {
    /// Minutes after midnight when the writing settles it (am/pm, or 24-hour like `14:00`,
    /// `09:30`).
    pub(super) fn explicit_minutes(self) -> Option<u32> {
        match self.meridiem {
            Some(m) => Some(self.in_meridiem(m)),
            None if self.hour == 0 || self.hour > 12 || self.leading_zero => {
                Some(self.hour * 60 + self.minute)
            }
            None => None,
        }
    }

    pub(super) fn in_meridiem(self, m: Meridiem) -> u32 {
        let base = self.hour % 12;
        let hour = match m {
            Meridiem::Am => base,
            Meridiem::Pm => base + 12,
        };
        hour * 60 + self.minute
    }

    /// Trades work days: a bare 1–6 or 12 is afternoon, 7–11 is morning.
    pub(super) fn working_hours(self) -> u32 {
        let m = if (7..=11).contains(&self.hour) {
            Meridiem::Am
        } else {
            Meridiem::Pm
        };
        self.in_meridiem(m)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct TimeHit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) from: Clock,
    pub(super) to: Option<Clock>,
}

impl TimeHit {
    /// Written so that it cannot be anything but a time (`10am`, `9:30`).
    pub(super) fn strong(&self) -> bool {
        std::iter::once(self.from)
            .chain(self.to)
            .any(|c| c.meridiem.is_some() || c.colon)
    }
}

pub(super) fn parse_clock(s: &str) -> Option<(Clock, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 4 {
        return military(s);
    }
    if digits == 0 || digits > 2 {
        return None;
    }
    let hour: u32 = s[..digits].parse().ok()?;
    let leading_zero = digits == 2 && s.starts_with('0');
    let mut rest = &s[digits..];
    let mut minute = 0;
    let mut colon = false;
    if let Some(r) = rest.strip_prefix(':') {
        if r.len() < 2 || !r.as_bytes()[..2].iter().all(u8::is_ascii_digit) {
            return None;
        }
        minute = r[..2].parse().ok()?;
        rest = &r[2..];
        colon = true;
    }
    let mut meridiem = None;
    for (text, m) in [
        ("a.m.", Meridiem::Am),
        ("p.m.", Meridiem::Pm),
        ("a.m", Meridiem::Am),
        ("p.m", Meridiem::Pm),
        ("am", Meridiem::Am),
        ("pm", Meridiem::Pm),
        ("a", Meridiem::Am),
        ("p", Meridiem::Pm),
    ] {
        if let Some(r) = rest.strip_prefix(text) {
            meridiem = Some(m);
            rest = r;
            break;
        }
    }
    let valid_hour = match meridiem {
        Some(_) => (1..=12).contains(&hour),
        None => hour <= 23,
    };
    (valid_hour && minute < 60).then_some((
        Clock {
            hour,
            minute,
            meridiem,
            colon,
            leading_zero,
        },
        rest,
    ))
}

/// "1400", "0930": a 24-hour time without a colon, on a quarter hour (so a year or a reference
/// is not one); it settles am or pm itself and, like a bare hour, counts only after a day or "at".
fn military(s: &str) -> Option<(Clock, &str)> {
    let (hour, minute): (u32, u32) = (s.get(..2)?.parse().ok()?, s.get(2..4)?.parse().ok()?);
    let clock = Clock {
        hour,
        minute,
        meridiem: None,
        colon: false,
        leading_zero: true,
    };
    (hour <= 23 && minute % 15 == 0).then_some((clock, s.get(4..)?))
}

/// `10am`, `9-11am`, `2pm-4pm`, `9:30-11`.
pub(super) fn parse_window(s: &str) -> Option<(Clock, Option<Clock>)> {
    let (from, rest) = parse_clock(s)?;
    if rest.is_empty() {
        return Some((from, None));
    }
    let (to, rest) = parse_clock(rest.strip_prefix('-')?)?;
    rest.is_empty().then_some((from, Some(to)))
}

/// Settles am/pm and the end: `9-11am` is all morning, `11-1` runs to 1pm, `8-5` to 5pm; no end
/// means a two-hour visit. `None` when the window would not end after it starts.
pub(super) fn resolve_window(from: Clock, to: Option<Clock>) -> Option<(NaiveTime, NaiveTime)> {
    let to_explicit = to.and_then(Clock::explicit_minutes);
    let start = match (
        from.explicit_minutes(),
        to.and_then(|t| t.meridiem),
        to_explicit,
    ) {
        (Some(s), _, _) => s,
        (None, Some(m), Some(end)) => {
            let same = from.in_meridiem(m);
            if same < end {
                same
            } else {
                from.in_meridiem(Meridiem::Am)
            }
        }
        _ => from.working_hours(),
    };
    let end = match to {
        None => (start + DEFAULT_VISIT_MINUTES).min(LAST_MINUTE_OF_DAY),
        Some(t) => to_explicit.unwrap_or_else(|| {
            [t.in_meridiem(Meridiem::Am), t.in_meridiem(Meridiem::Pm)]
                .into_iter()
                .find(|&e| e > start)
                .unwrap_or(start)
        }),
    };
    if end <= start {
        return None;
    }
    let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0);
    Some((time(start)?, time(end)?))
}

/// `9AM`, `9:30AM`, `12PM`.
pub(super) fn short_time(t: NaiveTime) -> String {
    use chrono::Timelike;
    let (pm, hour) = t.hour12();
    let suffix = if pm { "PM" } else { "AM" };
    if t.minute() == 0 {
        format!("{hour}{suffix}")
    } else {
        format!("{hour}:{:02}{suffix}", t.minute())
    }
}

pub(super) fn is_time_piece(ctx: &Ctx, i: usize, region_start: usize) -> bool {
    let t = &ctx.tokens[i];
    let norm = t.norm.as_str();
    let opener = region_start
        .checked_sub(1)
        .map_or("", |p| ctx.tokens[p].norm.as_str());
    // "between 9 and 11", "entre 9 y 11", "de 8 a 12".
    let joins = match opener {
        "between" => &["and"][..],
        "entre" => &["y"][..],
        "de" | "desde" => &["a", "hasta"][..],
        _ => &[][..],
    };
    (norm.bytes().any(|b| b.is_ascii_digit())
        && norm
            .chars()
            .all(|c| c.is_ascii_digit() || ":-.apm".contains(c)))
        || w().time_words.contains(norm)
        || t.raw == "-"
        || joins.contains(&norm)
}

pub(super) fn starts_time(norm: &str) -> bool {
    norm.starts_with(|c: char| c.is_ascii_digit())
        && norm
            .chars()
            .all(|c| c.is_ascii_digit() || ":-.apm".contains(c))
        || ["noon", "midnight", "mediodia"].contains(&norm)
}

pub(super) fn window_text(ctx: &Ctx, from: usize, to: usize) -> String {
    (from..to)
        .map(|i| match ctx.norm(i) {
            "" | "to" | "till" | "til" | "until" | "thru" | "through" | "and" | "y" | "a"
            | "hasta" => "-",
            "noon" | "mediodia" => "12pm",
            "midnight" => "12am",
            "oclock" => "",
            other => other,
        })
        .collect()
}

pub(super) fn find_times(ctx: &Ctx) -> Vec<TimeHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < ctx.tokens.len() {
        if starts_time(ctx.norm(i)) {
            let mut end = i + 1;
            while end < ctx.tokens.len() && end - i < 6 && is_time_piece(ctx, end, i) {
                end += 1;
            }
            let found = (i + 1..=end)
                .rev()
                .find_map(|e| parse_window(&window_text(ctx, i, e)).map(|w| (e, w)));
            if let Some((e, (from, to))) = found {
                hits.push(TimeHit {
                    start: i,
                    end: e,
                    from,
                    to,
                });
                i = e;
                continue;
            }
        }
        i += 1;
    }
    hits
}

/// Keeps the times that are meant as times: `10am` always; `2` only as `at 2` or right after a
/// date; `9-11` with a date, after `from`/`between`, or with an offer word (`can do 9-11`).
pub(super) fn usable_times(ctx: &Ctx, dates: &[DateHit]) -> Vec<TimeHit> {
    let has_trigger = !ctx.phrase_starts(&w().propose_triggers).is_empty()
        || !ctx.phrase_starts(&w().propose_triggers_after).is_empty();
    let mut usable: Vec<TimeHit> = Vec::new();
    for h in find_times(ctx) {
        let prev_tok = h.start.checked_sub(1).map(|p| &ctx.tokens[p]);
        let prev = prev_tok.map_or("", |t| t.norm.as_str());
        let at = w().at_words.contains(prev) || prev_tok.is_some_and(|t| t.raw == "@");
        let after_date = dates.iter().any(|d| d.end == h.start);
        // "tomorrow 9 or 3": a second time offered next to a first one.
        let or_another =
            ["or", "o"].contains(&prev) && usable.last().is_some_and(|u| u.end + 1 == h.start);
        if h.strong()
            || at
            || after_date
            || or_another
            || (h.to.is_some()
                && (!dates.is_empty() || has_trigger || w().range_openers.contains(prev)))
        {
            usable.push(h);
        }
    }
    usable
}

/// Where the offered time starts: anywhere without a refusal; after a refusal, at the first
/// offer word after it, since in "can't do today, how about tomorrow 2pm" today is the refused
/// day (or at the day and time just before an after-word, as in "no, monday 10am works").
/// `None` when a refusal has no counter-offer: "can't do tomorrow 2pm" refuses that time.
pub(super) fn counter_offer_start(ctx: &Ctx) -> Option<usize> {
    let Some(last) = ctx
        .matches
        .iter()
        .filter(|m| m.kw == Kw::Decline)
        .map(|m| m.end)
        .max()
    else {
        return Some(0);
    };
    let spans: Vec<(usize, usize)> = find_dates(ctx)
        .iter()
        .map(|d| (d.start, d.end))
        .chain(find_times(ctx).iter().map(|t| (t.start, t.end)))
        .filter(|&(start, _)| start >= last)
        .collect();
    let before = ctx
        .phrase_starts(&w().propose_triggers)
        .into_iter()
        .filter(|&s| s >= last);
    let after = ctx
        .phrase_starts(&w().propose_triggers_after)
        .into_iter()
        .filter(|&s| s >= last)
        .map(|s| {
            let mut from = s;
            while let Some(&(start, _)) = spans.iter().find(|&&(_, end)| end == from) {
                from = start;
            }
            from
        });
    // "can't do those times, tomorrow 9-11?": a time in a later clause than the refusal is
    // offered instead, from that clause on ("can't do tomorrow 2pm" refuses the time it names).
    let later_clause = find_times(ctx)
        .iter()
        .filter(|t| t.start >= last)
        .find_map(|t| {
            (last.saturating_sub(1)..t.start)
                .rev()
                .find(|&i| ctx.tokens.get(i).is_some_and(Chunk::ends_clause))
                .map(|i| i + 1)
        });
    before.chain(after).chain(later_clause).min()
}

pub(super) fn propose(ctx: &Ctx) -> Option<Intent> {
    let from = counter_offer_start(ctx)?;
    let dates: Vec<DateHit> = find_dates(ctx)
        .into_iter()
        .filter(|d| d.start >= from)
        .collect();
    let times: Vec<TimeHit> = usable_times(ctx, &dates)
        .into_iter()
        .filter(|t| t.start >= from)
        .collect();
    if times.is_empty() {
        return None;
    }
    let date = match date_outcome(&dates) {
        DateOutcome::Absent => ctx.today,
        DateOutcome::Found(d) => d,
        DateOutcome::Ask(q) => return Some(unclear(q)),
    };
    let mut windows: Vec<(NaiveTime, NaiveTime, bool)> = Vec::new();
    for h in &times {
        let Some((start, end)) = resolve_window(h.from, h.to) else {
            return Some(unclear(format!(
                "What time window works? Reply e.g. TIME {} 9-11AM",
                SHORT_WEEKDAYS[date.weekday().num_days_from_monday() as usize].to_uppercase()
            )));
        };
        if !windows.iter().any(|&(s, e, _)| s == start && e == end) {
            windows.push((start, end, h.to.is_some()));
        }
    }
    match windows.as_slice() {
        [(start, end, _)] => Some(Intent::Propose {
            date,
            start: *start,
            end: *end,
        }),
        [a, b, ..] => {
            let show = |&(s, e, ranged): &(NaiveTime, NaiveTime, bool)| {
                if ranged {
                    format!("{}-{}", short_time(s), short_time(e))
                } else {
                    short_time(s)
                }
            };
            Some(unclear(format!(
                "Which time works on {}: {} or {}? Reply with one.",
                short_date(date),
                show(a),
                show(b)
            )))
        }
        [] => None,
    }
}

/// A day without a time ("can do friday", "I'll stop by tomorrow"): ask for the time. A question
/// about the visit ("is anyone coming tomorrow?") offers no day.
pub(super) fn date_without_time(ctx: &Ctx) -> Option<Intent> {
    let asking = ctx
        .core
        .first()
        .is_some_and(|&i| w().question_words.contains(ctx.norm(i)))
        && ctx.tokens.iter().any(|t| t.raw.ends_with('?'));
    // "Yes, I can be there today" accepts the job; the slot comes later.
    let yes = ctx
        .tokens
        .iter()
        .find(|t| !t.norm.is_empty())
        .is_some_and(|t| w().plain_yes.contains(&t.norm));
    if asking || yes {
        return None;
    }
    ask_time(&find_dates(ctx))
}

pub(super) fn ask_time(dates: &[DateHit]) -> Option<Intent> {
    match date_outcome(dates) {
        DateOutcome::Absent => None,
        DateOutcome::Found(d) => Some(unclear(format!(
            "What time on {}? Reply e.g. TIME {} 9-11AM",
            short_date(d),
            SHORT_WEEKDAYS[d.weekday().num_days_from_monday() as usize].to_uppercase()
        ))),
        DateOutcome::Ask(q) => Some(unclear(q)),
    }
}

/// "TIME" with nothing usable after it: our own texts teach the keyword, so ask for the rest.
pub(super) fn time_keyword_alone(ctx: &Ctx) -> Option<Intent> {
    let first = *ctx.core.first()?;
    (ctx.norm(first) == "time").then(|| unclear("What day and time? Reply e.g. TIME TUE 9-11AM"))
}

/// A time too vague to book ("sometime next week", "afternoon works", "can they come in the
/// morning?"): ask for a day and a time rather than guess.
pub(super) fn vague_time(ctx: &Ctx) -> Option<Intent> {
    let vague = !ctx.phrase_starts(&w().vague_times).is_empty();
    (vague && find_times(ctx).is_empty())
        .then(|| unclear("What day and time? Reply e.g. TIME TUE 9-11AM"))
}
