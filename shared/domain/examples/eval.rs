//! Measures how well Mendwork understands people, on the labelled data sets in `data/`:
//! triage of tenant descriptions (trade, priority, emergency kind) and the SMS reply grammar
//! (intent and its key fields).
//!
//! ```sh
//! cargo run -p mendwork-domain --example eval            # everything: figures, matrices, misses
//! cargo run -p mendwork-domain --example eval -- triage  # only the descriptions
//! cargo run -p mendwork-domain --example eval -- sms     # only the replies
//! cargo run -p mendwork-domain --example eval -- --summary   # headline figures only
//! ```
//!
//! It prints accuracy overall and per class, precision per class, the confusion matrices (trade,
//! priority, emergency kind, intent), emergency recall and precision, and every miss with what the
//! rules saw, so that whoever improves `triage.rs` or `sms.rs` knows where to look; then the
//! headline figures and misses of the held-out sets (`data/holdout_*.csv`, written after the rules
//! were tuned). `tests/eval.rs` includes this file as a module and fails when the figures fall
//! below the levels it records. The figures and how to add examples: `docs/understanding.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use mendwork_domain::sms::{Intent, ParsedReply, parse_reply};
use mendwork_domain::triage::{Triage, TriageInput, triage};
use mendwork_domain::{EmergencyKind, Priority, Trade};

/// The tenant descriptions (see the header of the file for the labels).
pub const DESCRIPTIONS_CSV: &str = include_str!("../data/descriptions.csv");
/// The vendor and tenant SMS replies (see the header of the file for the labels).
pub const REPLIES_CSV: &str = include_str!("../data/replies.csv");
/// Descriptions written after the rules were tuned, never used to tune them.
pub const HOLDOUT_DESCRIPTIONS_CSV: &str = include_str!("../data/holdout_descriptions.csv");
/// Replies written after the rules were tuned, never used to tune them.
pub const HOLDOUT_REPLIES_CSV: &str = include_str!("../data/holdout_replies.csv");
/// Descriptions written in one go before the language engine of Understanding v2 and frozen:
/// only their figures are printed, never their misses, so that nobody tunes on them.
pub const BLIND_DESCRIPTIONS_CSV: &str = include_str!("../data/blind_descriptions.csv");
/// Replies written and frozen the same way.
pub const BLIND_REPLIES_CSV: &str = include_str!("../data/blind_replies.csv");

/// The sender's local date every reply of the data set is read against (a Tuesday).
pub fn replies_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// CSV

/// A CSV file: its header, then each row with the line it starts on (for error messages).
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Rows of a CSV text: lines starting with `#` (outside quotes) are comments, the first other
/// line is the header, fields follow RFC 4180 (quotes around a field, `""` inside for a quote,
/// new lines allowed inside quotes).
pub fn parse_csv(text: &str) -> Result<Csv, String> {
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start_line = line;
        if chars.peek() == Some(&'#') {
            for c in chars.by_ref() {
                if c == '\n' {
                    line += 1;
                    break;
                }
            }
            continue;
        }
        let mut fields: Vec<String> = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(format!("line {start_line}: unterminated quote"));
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                '"' => return Err(format!("line {line}: stray quote inside a field")),
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\n' => {
                    line += 1;
                    break;
                }
                '\r' => {}
                c if was_quoted => {
                    return Err(format!("line {line}: {c:?} after a closing quote"));
                }
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.iter().all(String::is_empty) {
            continue;
        }
        rows.push((start_line, fields));
    }
    let mut rows = rows.into_iter();
    let (_, header) = rows.next().ok_or("no header line")?;
    let rows: Vec<(usize, Vec<String>)> = rows.collect();
    for (n, row) in &rows {
        if row.len() != header.len() {
            return Err(format!(
                "line {n}: {} fields, the header has {}",
                row.len(),
                header.len()
            ));
        }
    }
    Ok(Csv { header, rows })
}

fn expect_header(found: &[String], wanted: &[&str]) -> Result<(), String> {
    if found.iter().map(String::as_str).eq(wanted.iter().copied()) {
        Ok(())
    } else {
        Err(format!("header is {found:?}, expected {wanted:?}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Descriptions

/// One labelled tenant description.
#[derive(Debug, Clone)]
pub struct DescriptionCase {
    pub line: usize,
    pub trade: Trade,
    pub priority: Priority,
    pub emergency: Option<EmergencyKind>,
    pub cold_weather: bool,
    /// The safety question that would settle an open danger (`none` when there is none), for
    /// the files that label it.
    pub ask: Option<String>,
    pub text: String,
}

pub const EMERGENCY_KINDS: [EmergencyKind; 9] = [
    EmergencyKind::Gas,
    EmergencyKind::CarbonMonoxide,
    EmergencyKind::Flooding,
    EmergencyKind::FireOrSparks,
    EmergencyKind::Sewage,
    EmergencyKind::NoHeat,
    EmergencyKind::Lockout,
    EmergencyKind::SecurityBreach,
    EmergencyKind::PersonTrapped,
];

/// The labels of the `ask` column.
pub const ASKS: [&str; 7] = [
    "none",
    "water_electric",
    "gas_smell",
    "burning_smell",
    "cold_inside",
    "entry_unsecured",
    "person_trapped",
];

pub const PRIORITIES: [Priority; 3] = [Priority::Emergency, Priority::Urgent, Priority::Routine];

/// The data set's spelling of an emergency kind (`none` is `None`).
pub fn kind_name(kind: Option<EmergencyKind>) -> &'static str {
    match kind {
        None => "none",
        Some(EmergencyKind::Gas) => "gas",
        Some(EmergencyKind::CarbonMonoxide) => "carbon_monoxide",
        Some(EmergencyKind::Flooding) => "flooding",
        Some(EmergencyKind::FireOrSparks) => "fire_or_sparks",
        Some(EmergencyKind::Sewage) => "sewage",
        Some(EmergencyKind::NoHeat) => "no_heat",
        Some(EmergencyKind::Lockout) => "lockout",
        Some(EmergencyKind::SecurityBreach) => "security_breach",
        Some(EmergencyKind::PersonTrapped) => "person_trapped",
    }
}

fn parse_kind(s: &str) -> Option<Option<EmergencyKind>> {
    if s == "none" {
        return Some(None);
    }
    EMERGENCY_KINDS
        .into_iter()
        .find(|k| kind_name(Some(*k)) == s)
        .map(Some)
}

fn parse_priority(s: &str) -> Option<Priority> {
    PRIORITIES.into_iter().find(|p| p.as_str() == s)
}

pub fn load_descriptions(csv: &str) -> Result<Vec<DescriptionCase>, String> {
    let Csv { header, rows } = parse_csv(csv)?;
    let with_ask = header.len() == 6;
    if with_ask {
        expect_header(
            &header,
            &[
                "trade",
                "priority",
                "emergency",
                "cold_weather",
                "ask",
                "description",
            ],
        )?;
    } else {
        expect_header(
            &header,
            &[
                "trade",
                "priority",
                "emergency",
                "cold_weather",
                "description",
            ],
        )?;
    }
    let mut cases = Vec::new();
    for (line, row) in rows {
        let bad = |what: &str, value: &str| format!("line {line}: unknown {what} {value:?}");
        let trade = Trade::parse(&row[0]).ok_or_else(|| bad("trade", &row[0]))?;
        let priority = parse_priority(&row[1]).ok_or_else(|| bad("priority", &row[1]))?;
        let emergency = parse_kind(&row[2]).ok_or_else(|| bad("emergency", &row[2]))?;
        let cold_weather = match row[3].as_str() {
            "yes" => true,
            "no" => false,
            other => return Err(bad("cold_weather", other)),
        };
        if emergency.is_some() != (priority == Priority::Emergency) {
            return Err(format!(
                "line {line}: an emergency kind goes with priority emergency, and only then"
            ));
        }
        let ask = if with_ask {
            if !ASKS.contains(&row[4].as_str()) {
                return Err(bad("ask", &row[4]));
            }
            if emergency.is_some() && row[4] != "none" {
                return Err(format!(
                    "line {line}: an emergency leaves no danger open, so its ask is none"
                ));
            }
            Some(row[4].clone())
        } else {
            None
        };
        cases.push(DescriptionCase {
            line,
            trade,
            priority,
            emergency,
            cold_weather,
            ask,
            text: row[row.len() - 1].clone(),
        });
    }
    Ok(cases)
}

/// One description and what triage made of it.
#[derive(Debug, Clone)]
pub struct TriageResult {
    pub case: DescriptionCase,
    pub got: Triage,
}

impl TriageResult {
    pub fn trade_ok(&self) -> bool {
        self.got.trade == self.case.trade
    }
    pub fn priority_ok(&self) -> bool {
        self.got.priority == self.case.priority
    }
    pub fn kind_ok(&self) -> bool {
        self.got.emergency == self.case.emergency
    }
    pub fn all_ok(&self) -> bool {
        self.trade_ok() && self.priority_ok() && self.kind_ok()
    }
}

pub fn run_triage(cases: &[DescriptionCase]) -> Vec<TriageResult> {
    cases
        .iter()
        .map(|case| TriageResult {
            got: triage(&TriageInput {
                cold_weather: case.cold_weather,
                ..TriageInput::new(&case.text)
            }),
            case: case.clone(),
        })
        .collect()
}

/// The headline figures of triage: counts, so that thresholds compare without rounding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TriageFigures {
    pub total: usize,
    pub trade_ok: usize,
    pub priority_ok: usize,
    /// The emergency kind, `none` included, is right.
    pub kind_ok: usize,
    pub all_ok: usize,
    /// Descriptions labelled emergency.
    pub emergencies: usize,
    /// ... that triage calls an emergency (of any kind).
    pub emergencies_found: usize,
    /// ... of the right kind.
    pub emergencies_right_kind: usize,
    /// Descriptions triage calls an emergency.
    pub flagged: usize,
    /// ... that are labelled emergency.
    pub flagged_right: usize,
    /// Descriptions labelled routine.
    pub routine: usize,
    /// ... that triage calls an emergency (a PM and a vendor woken for nothing).
    pub routine_flagged: usize,
    /// Trade and priority both right.
    pub trade_and_priority_ok: usize,
}

pub fn triage_figures(results: &[TriageResult]) -> TriageFigures {
    let mut f = TriageFigures {
        total: results.len(),
        ..TriageFigures::default()
    };
    for r in results {
        let labelled = r.case.emergency.is_some();
        let flagged = r.got.emergency.is_some();
        f.trade_ok += usize::from(r.trade_ok());
        f.priority_ok += usize::from(r.priority_ok());
        f.kind_ok += usize::from(r.kind_ok());
        f.all_ok += usize::from(r.all_ok());
        f.emergencies += usize::from(labelled);
        f.emergencies_found += usize::from(labelled && flagged);
        f.emergencies_right_kind += usize::from(labelled && r.kind_ok());
        f.flagged += usize::from(flagged);
        f.flagged_right += usize::from(labelled && flagged);
        let routine = r.case.priority == Priority::Routine;
        f.routine += usize::from(routine);
        f.routine_flagged += usize::from(routine && flagged);
        f.trade_and_priority_ok += usize::from(r.trade_ok() && r.priority_ok());
    }
    f
}

// ---------------------------------------------------------------------------------------------
// Replies

/// One labelled SMS reply.
#[derive(Debug, Clone)]
pub struct ReplyCase {
    pub line: usize,
    pub who: String,
    pub intent: String,
    pub fields: BTreeMap<String, String>,
    pub text: String,
}

/// Every intent label of the data set, in the order reports list them.
pub const INTENTS: [&str; 18] = [
    "accept",
    "decline",
    "number",
    "last_slot",
    "propose",
    "arrived",
    "running_late",
    "done",
    "not_done",
    "estimate",
    "invoice",
    "reschedule",
    "cancel",
    "help",
    "stop",
    "start",
    "unclear",
    "unknown",
];

const FIELD_KEYS: [&str; 8] = ["n", "date", "start", "end", "min", "cents", "ref", "code"];

/// The data set's label for a parsed intent.
pub fn intent_name(intent: &Intent) -> &'static str {
    match intent {
        Intent::Accept => "accept",
        Intent::Decline { .. } => "decline",
        Intent::Number(_) => "number",
        Intent::LastSlot => "last_slot",
        Intent::Propose { .. } => "propose",
        Intent::Arrived => "arrived",
        Intent::RunningLate { .. } => "running_late",
        Intent::Done { .. } => "done",
        Intent::NotDone { .. } => "not_done",
        Intent::Estimate { .. } => "estimate",
        Intent::Invoice { .. } => "invoice",
        Intent::Reschedule => "reschedule",
        Intent::Cancel => "cancel",
        Intent::Help => "help",
        Intent::Stop => "stop",
        Intent::Start => "start",
        Intent::Unclear { .. } => "unclear",
        Intent::Unknown => "unknown",
    }
}

/// The key fields of a parse, spelled as in the data set.
pub fn fields_of(parsed: &ParsedReply) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    match &parsed.intent {
        Intent::Number(n) => put("n", n.to_string()),
        Intent::Propose { date, start, end } => {
            put("date", date.format("%Y-%m-%d").to_string());
            put("start", start.format("%H:%M").to_string());
            put("end", end.format("%H:%M").to_string());
        }
        Intent::RunningLate { minutes: Some(m) } => put("min", m.to_string()),
        Intent::Estimate { amount, .. } => put("cents", amount.cents().to_string()),
        Intent::Invoice { amount, reference } => {
            put("cents", amount.cents().to_string());
            if let Some(r) = reference {
                put("ref", r.clone());
            }
        }
        _ => {}
    }
    if let Some(code) = &parsed.job_code {
        put("code", code.to_string());
    }
    f
}

pub fn load_replies(csv: &str) -> Result<Vec<ReplyCase>, String> {
    let Csv { header, rows } = parse_csv(csv)?;
    expect_header(&header, &["who", "intent", "fields", "text"])?;
    let mut cases = Vec::new();
    for (line, row) in rows {
        if !["vendor", "tenant"].contains(&row[0].as_str()) {
            return Err(format!("line {line}: unknown sender {:?}", row[0]));
        }
        if !INTENTS.contains(&row[1].as_str()) {
            return Err(format!("line {line}: unknown intent {:?}", row[1]));
        }
        let mut fields = BTreeMap::new();
        for pair in row[2].split_whitespace() {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("line {line}: field {pair:?} is not key=value"))?;
            if !FIELD_KEYS.contains(&k) {
                return Err(format!("line {line}: unknown field {k:?}"));
            }
            fields.insert(k.to_string(), v.to_string());
        }
        cases.push(ReplyCase {
            line,
            who: row[0].clone(),
            intent: row[1].clone(),
            fields,
            text: row[3].clone(),
        });
    }
    Ok(cases)
}

/// One reply and what the grammar made of it.
#[derive(Debug, Clone)]
pub struct ReplyResult {
    pub case: ReplyCase,
    pub got: ParsedReply,
}

impl ReplyResult {
    pub fn intent(&self) -> &'static str {
        intent_name(&self.got.intent)
    }
    pub fn intent_ok(&self) -> bool {
        self.intent() == self.case.intent
    }
    /// Intent and every key field right (a field not labelled must be absent).
    pub fn exact(&self) -> bool {
        self.intent_ok() && fields_of(&self.got) == self.case.fields
    }
    /// The parse would record money that is not the labelled amount: the one mistake that must
    /// never happen (an ambiguous amount is labelled `unclear`, so acting on it counts).
    pub fn wrong_money(&self) -> bool {
        let amount = match &self.got.intent {
            Intent::Estimate { amount, .. } | Intent::Invoice { amount, .. } => amount.cents(),
            _ => return false,
        };
        !self.intent_ok() || self.case.fields.get("cents") != Some(&amount.to_string())
    }
}

pub fn run_replies(cases: &[ReplyCase], today: NaiveDate) -> Vec<ReplyResult> {
    cases
        .iter()
        .map(|case| ReplyResult {
            got: parse_reply(&case.text, today),
            case: case.clone(),
        })
        .collect()
}

/// The headline figures of the reply grammar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplyFigures {
    pub total: usize,
    pub intent_ok: usize,
    pub exact: usize,
    pub wrong_money: usize,
}

pub fn reply_figures(results: &[ReplyResult]) -> ReplyFigures {
    ReplyFigures {
        total: results.len(),
        intent_ok: results.iter().filter(|r| r.intent_ok()).count(),
        exact: results.iter().filter(|r| r.exact()).count(),
        wrong_money: results.iter().filter(|r| r.wrong_money()).count(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

/// `93.4% (341/365)`.
pub fn pct(ok: usize, total: usize) -> String {
    if total == 0 {
        return "-".to_string();
    }
    let p = 100.0 * ok as f64 / total as f64;
    format!("{p:.1}% ({ok}/{total})")
}

/// Per-class accuracy (share of each labelled class read right, i.e. recall) and precision (share
/// of each predicted class that was right), then the confusion matrix, rows labelled, columns
/// predicted.
fn class_table(out: &mut String, title: &str, classes: &[&str], pairs: &[(&str, &str)]) {
    let count = |f: &dyn Fn(&(&str, &str)) -> bool| pairs.iter().filter(|p| f(p)).count();
    let _ = writeln!(out, "\n{title} per class");
    let _ = writeln!(
        out,
        "  {:<16} {:>5}  {:<22} {:<22}",
        "class", "n", "accuracy (recall)", "precision"
    );
    for c in classes {
        let labelled = count(&|p| p.0 == *c);
        let predicted = count(&|p| p.1 == *c);
        let right = count(&|p| p.0 == *c && p.1 == *c);
        if labelled == 0 && predicted == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "  {c:<16} {labelled:>5}  {:<22} {:<22}",
            pct(right, labelled),
            pct(right, predicted)
        );
    }
    let shown: Vec<&str> = classes
        .iter()
        .copied()
        .filter(|c| pairs.iter().any(|p| p.0 == *c || p.1 == *c))
        .collect();
    let abbrev = |c: &str| -> String { c.chars().take(5).collect() };
    let _ = writeln!(
        out,
        "\n{title} confusion matrix (rows: labelled, columns: predicted)"
    );
    let mut head = format!("  {:<16}", "");
    for c in &shown {
        let _ = write!(head, " {:>5}", abbrev(c));
    }
    let _ = writeln!(out, "{head}");
    for row in &shown {
        let mut line = format!("  {row:<16}");
        for col in &shown {
            let n = count(&|p| p.0 == *row && p.1 == *col);
            let cell = if n == 0 {
                ".".to_string()
            } else {
                n.to_string()
            };
            let _ = write!(line, " {cell:>5}");
        }
        let _ = writeln!(out, "{line}");
    }
}

pub fn triage_summary(title: &str, f: &TriageFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}: {} tenant descriptions", f.total);
    let _ = writeln!(
        out,
        "  trade accuracy            {}",
        pct(f.trade_ok, f.total)
    );
    let _ = writeln!(
        out,
        "  priority accuracy         {}",
        pct(f.priority_ok, f.total)
    );
    let _ = writeln!(
        out,
        "  emergency kind accuracy   {}",
        pct(f.kind_ok, f.total)
    );
    let _ = writeln!(
        out,
        "  all three right           {}",
        pct(f.all_ok, f.total)
    );
    let _ = writeln!(
        out,
        "  trade and priority right  {}",
        pct(f.trade_and_priority_ok, f.total)
    );
    let _ = writeln!(
        out,
        "  routine flagged emergency {}",
        pct(f.routine_flagged, f.routine)
    );
    let _ = writeln!(
        out,
        "  emergency recall          {}",
        pct(f.emergencies_found, f.emergencies)
    );
    let _ = writeln!(
        out,
        "  emergency recall, kind    {}",
        pct(f.emergencies_right_kind, f.emergencies)
    );
    let _ = writeln!(
        out,
        "  emergency precision       {}",
        pct(f.flagged_right, f.flagged)
    );
    out
}

pub fn triage_misses(file: &str, results: &[TriageResult]) -> String {
    let mut out = String::new();
    let missed: Vec<&TriageResult> = results.iter().filter(|r| !r.all_ok()).collect();
    let _ = writeln!(out, "\nTriage misses in {file} ({}):", missed.len());
    for r in missed {
        let mut wrong = Vec::new();
        if !r.trade_ok() {
            wrong.push(format!(
                "trade {} (want {})",
                r.got.trade.as_str(),
                r.case.trade.as_str()
            ));
        }
        if !r.priority_ok() {
            wrong.push(format!(
                "priority {} (want {})",
                r.got.priority.as_str(),
                r.case.priority.as_str()
            ));
        }
        if !r.kind_ok() {
            wrong.push(format!(
                "emergency {} (want {})",
                kind_name(r.got.emergency),
                kind_name(r.case.emergency)
            ));
        }
        let cold = if r.case.cold_weather { " [cold]" } else { "" };
        let _ = writeln!(
            out,
            "  {file}:{}{cold} {:?}\n      {}\n      drivers: {}",
            r.case.line,
            r.case.text,
            wrong.join(", "),
            r.got.drivers.join("; ")
        );
    }
    out
}

pub fn triage_report(results: &[TriageResult]) -> String {
    let mut out = triage_summary("Triage", &triage_figures(results));
    out.push_str(&triage_tables(results));
    out
}

/// The per-class tables and confusion matrices of a set of results.
pub fn triage_tables(results: &[TriageResult]) -> String {
    let mut out = String::new();

    let trades: Vec<&str> = Trade::ALL.iter().map(|t| t.as_str()).collect();
    let pairs: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r.case.trade.as_str(), r.got.trade.as_str()))
        .collect();
    class_table(&mut out, "Trade", &trades, &pairs);

    let priorities: Vec<&str> = PRIORITIES.iter().map(|p| p.as_str()).collect();
    let pairs: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r.case.priority.as_str(), r.got.priority.as_str()))
        .collect();
    class_table(&mut out, "Priority", &priorities, &pairs);

    let mut kinds: Vec<&str> = EMERGENCY_KINDS
        .iter()
        .map(|k| kind_name(Some(*k)))
        .collect();
    kinds.push("none");
    let pairs: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (kind_name(r.case.emergency), kind_name(r.got.emergency)))
        .collect();
    class_table(&mut out, "Emergency kind", &kinds, &pairs);

    out
}

pub fn reply_summary(title: &str, f: &ReplyFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}: {} vendor and tenant replies", f.total);
    let _ = writeln!(
        out,
        "  intent accuracy           {}",
        pct(f.intent_ok, f.total)
    );
    let _ = writeln!(out, "  intent and fields exact   {}", pct(f.exact, f.total));
    let _ = writeln!(
        out,
        "  money recorded wrongly    {} (must be 0)",
        f.wrong_money
    );
    out
}

fn show_fields(f: &BTreeMap<String, String>) -> String {
    f.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn reply_misses(file: &str, results: &[ReplyResult]) -> String {
    let mut out = String::new();
    let missed: Vec<&ReplyResult> = results.iter().filter(|r| !r.exact()).collect();
    let _ = writeln!(out, "\nSMS misses in {file} ({}):", missed.len());
    for r in missed {
        let want = format!("{} {}", r.case.intent, show_fields(&r.case.fields));
        let got = format!("{} {}", r.intent(), show_fields(&fields_of(&r.got)));
        let _ = writeln!(
            out,
            "  {file}:{} ({}) {:?}\n      got  {}   {:?}\n      want {}",
            r.case.line,
            r.case.who,
            r.case.text,
            got.trim(),
            r.got.intent,
            want.trim()
        );
    }
    out
}

pub fn reply_report(results: &[ReplyResult]) -> String {
    let mut out = reply_summary("SMS replies", &reply_figures(results));
    for who in ["vendor", "tenant"] {
        let theirs: Vec<&ReplyResult> = results.iter().filter(|r| r.case.who == who).collect();
        let ok = theirs.iter().filter(|r| r.intent_ok()).count();
        let _ = writeln!(out, "  intent accuracy, {who:<7} {}", pct(ok, theirs.len()));
    }
    let pairs: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r.case.intent.as_str(), r.intent()))
        .collect();
    class_table(&mut out, "Intent", &INTENTS, &pairs);

    out
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let summary = args.iter().any(|a| a == "--summary");
    let only_triage = args.iter().any(|a| a == "triage");
    let only_sms = args.iter().any(|a| a == "sms");
    if let Some(other) = args
        .iter()
        .find(|a| !["--summary", "triage", "sms"].contains(&a.as_str()))
    {
        return Err(format!(
            "unknown argument {other:?}; use [triage|sms] [--summary]"
        ));
    }
    if !only_sms {
        let main = run_triage(&load_descriptions(DESCRIPTIONS_CSV)?);
        let held = run_triage(&load_descriptions(HOLDOUT_DESCRIPTIONS_CSV)?);
        if summary {
            print!("{}", triage_summary("Triage", &triage_figures(&main)));
        } else {
            print!("{}", triage_report(&main));
            print!("{}", triage_misses("descriptions.csv", &main));
        }
        println!();
        print!(
            "{}",
            triage_summary("Triage, held out", &triage_figures(&held))
        );
        if !summary {
            print!("{}", triage_misses("holdout_descriptions.csv", &held));
        }
    }
    if !only_sms {
        // Figures only: the misses of a blind set are never printed.
        let blind = run_triage(&load_descriptions(BLIND_DESCRIPTIONS_CSV)?);
        println!();
        print!(
            "{}",
            triage_summary("Triage, BLIND", &triage_figures(&blind))
        );
        if !summary {
            print!("{}", triage_tables(&blind));
        }
    }
    if !only_triage {
        if !only_sms {
            println!();
        }
        let today = replies_today();
        let main = run_replies(&load_replies(REPLIES_CSV)?, today);
        let held = run_replies(&load_replies(HOLDOUT_REPLIES_CSV)?, today);
        if summary {
            print!("{}", reply_summary("SMS replies", &reply_figures(&main)));
        } else {
            print!("{}", reply_report(&main));
            print!("{}", reply_misses("replies.csv", &main));
        }
        println!();
        print!(
            "{}",
            reply_summary("SMS replies, held out", &reply_figures(&held))
        );
        if !summary {
            print!("{}", reply_misses("holdout_replies.csv", &held));
        }
        let blind = run_replies(&load_replies(BLIND_REPLIES_CSV)?, today);
        println!();
        if summary {
            print!(
                "{}",
                reply_summary("SMS replies, BLIND", &reply_figures(&blind))
            );
        } else {
            print!(
                "{}",
                reply_report(&blind).replacen("SMS replies", "SMS replies, BLIND", 1)
            );
        }
    }
    Ok(())
}
