//! A portfolio's five-field crontab as an EventBridge Scheduler `cron()` expression (its `?`
//! day, its day names, its year).

use crate::error::AwsError;

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A five-field crontab (`min hour day-of-month month day-of-week`, as the portfolio's
/// `recurring[].schedule`) as an EventBridge Scheduler expression, `cron(min hour dom month dow
/// year)`: `?` in whichever day field the crontab leaves open (the day of the week when both
/// are), the day of the week written with names (`SUN`…`SAT`: crontab counts Sunday as 0 or 7,
/// AWS as 1), the year `*`.
///
/// Errors: anything [`mendwork_domain::config::parse_cron`] rejects, including a crontab that
/// restricts both day fields.
pub fn aws_cron(expr: &str) -> Result<String, AwsError> {
    mendwork_domain::config::parse_cron(expr)
        .map_err(|e| AwsError::Invalid(format!("the recurring schedule {e}")))?;
    let f: Vec<&str> = expr.split_whitespace().collect();
    let [min, hour, dom, month, dow] = f.as_slice() else {
        return Err(AwsError::Invalid(format!(
            "the recurring schedule {expr:?} does not have five fields"
        )));
    };
    let month = month.to_ascii_uppercase();
    let (dom, dow) = if *dow == "*" || *dow == "?" {
        let dom = if *dom == "?" { "*" } else { dom };
        (dom.to_string(), "?".to_string())
    } else {
        (
            "?".to_string(),
            day_names(dow)
                .map_err(|e| AwsError::Invalid(format!("the recurring schedule {expr:?}: {e}")))?,
        )
    };
    Ok(format!("cron({min} {hour} {dom} {month} {dow} *)"))
}

/// A crontab day-of-week field as the set of days it names, written as AWS day names with
/// runs as ranges (`1-5` → `MON-FRI`, `*/2` → `SUN,TUE,THU,SAT`, `5-7` → `SUN,FRI-SAT`).
fn day_names(field: &str) -> Result<String, String> {
    let day = |s: &str| -> Result<usize, String> {
        if let Ok(n) = s.parse::<usize>() {
            return if n <= 7 {
                Ok(n % 7)
            } else {
                Err(format!("{n} is not a day of the week"))
            };
        }
        DAY_NAMES
            .iter()
            .position(|d| d.eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("{s:?} is not a day of the week"))
    };
    let mut days = [false; 7];
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (
                b,
                s.parse::<usize>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{item:?} has no valid step"))?,
            ),
            None => (item, 1),
        };
        // Crontab numbering: 0..=7, with 7 also Sunday; ranges run on those numbers.
        let number = |s: &str| -> Result<usize, String> {
            match s.parse::<usize>() {
                Ok(n) if n <= 7 => Ok(n),
                _ => day(s),
            }
        };
        let (from, to) = match base.split_once('-') {
            _ if base == "*" => (0, 6),
            Some((a, b)) => (number(a)?, number(b)?),
            None if step > 1 => (number(base)?, 6),
            None => {
                let n = number(base)?;
                (n, n)
            }
        };
        if from > to {
            return Err(format!("{item:?} runs backwards"));
        }
        for n in (from..=to).step_by(step) {
            days[n % 7] = true;
        }
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        if !days[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < 7 && days[i + 1] {
            i += 1;
        }
        parts.push(if start == i {
            DAY_NAMES[start].to_string()
        } else {
            format!("{}-{}", DAY_NAMES[start], DAY_NAMES[i])
        });
        i += 1;
    }
    if parts.is_empty() {
        return Err(format!("{field:?} names no day"));
    }
    Ok(parts.join(","))
}
