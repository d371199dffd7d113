//! The labelled data sets and how the engine does on them: loading, running, counting. Shared
//! by the eval example (which prints) and the gate test (which holds the figures).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use mendwork_language::replies::{Intent, NewTime, ParsedReply, parse_reply};
use mendwork_language::triage::{Assessment, SafetyQuestion, TriageInput, triage};
use mendwork_language::{EmergencyKind, Priority, Trade};

/// A data set: its file name and text.
#[derive(Debug, Clone, Copy)]
pub struct Set {
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! set {
    ($file:literal) => {
        Set {
            file: $file,
            text: include_str!(concat!("../../data/", $file)),
        }
    };
}

/// The descriptions the engine is tuned on: the first round's and this round's.
pub const MAIN_DESCRIPTIONS: [Set; 2] = [set!("descriptions.csv"), set!("descriptions_more.csv")];
/// Written after the first round's rules were tuned, then used to fix them: no longer blind.
pub const HOLDOUT_DESCRIPTIONS: Set = set!("holdout_descriptions.csv");
/// Written in one go before this round's engine and frozen: only their figures are printed,
/// never their misses, so that nobody tunes on them.
pub const BLIND_DESCRIPTIONS: Set = set!("blind_descriptions.csv");
/// Written in one go at the end of this round, after the engine was tuned, without looking at
/// any of its misses, and frozen: the real estimate. Figures only, like the blind set.
pub const FRESH_DESCRIPTIONS: Set = set!("fresh_descriptions.csv");
/// Held back from tuning (Understanding v3): written in one go before the method change, before
/// looking at the engine's output. Figures only; not blind (its writer changed the engine).
pub const HELDBACK_DESCRIPTIONS: Set = set!("heldback_descriptions.csv");
/// Written in one go (Understanding v3) by someone who had seen neither the engine, its rules
/// nor its labelled data, frozen, and measured once on the engine of that round while blind;
/// a development set since round 5 (its misses are read; the file stays frozen).
pub const ROUND3_DESCRIPTIONS: Set = set!("round3_descriptions.csv");
/// Written in one go (issue 12, round 4) the same way, measured once while blind; a development
/// set since round 5, like round 3.
pub const ROUND4_DESCRIPTIONS: Set = set!("round4_descriptions.csv");
/// Written in one go (issue 12, round 5) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row, frozen, measured once after the development round on rounds 3
/// and 4: the estimate of that round. A development set since round 6, like rounds 3 and 4.
pub const ROUND5_DESCRIPTIONS: Set = set!("round5_descriptions.csv");
/// Written in one go (issue 12, round 6) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row, frozen, measured once after the development round on round 5:
/// the estimate of that round. Figures only, never its misses.
pub const ROUND6_DESCRIPTIONS: Set = set!("round6_descriptions.csv");
/// Written in one go (issue 12, round 7) the same way, measured once after the change of method
/// (the model raises a question it is all but certain of): the estimate of that round. A
/// development set since round 8, like round 5 since round 6.
pub const ROUND7_DESCRIPTIONS: Set = set!("round7_descriptions.csv");
/// Written in one go (issue 12, round 8) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row, frozen, measured once after the development round on round 7:
/// the estimate of that round. A development set since round 9, like round 7 since round 8.
pub const ROUND8_DESCRIPTIONS: Set = set!("round8_descriptions.csv");
/// Written in one go (issue 12, round 9) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row, frozen, measured once after the development round on round 8:
/// the estimate of that round. A development set since round 10, like round 8 since round 9.
pub const ROUND9_DESCRIPTIONS: Set = set!("round9_descriptions.csv");
/// Written in one go (issue 12, round 10) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row, frozen, measured once after the development round on round 9:
/// the estimate of that round. A development set since round 12, like round 9 since round 10.
pub const ROUND10_DESCRIPTIONS: Set = set!("round10_descriptions.csv");
/// Written in one go (issue 12, round 12) by someone who had seen neither the engine, its rules,
/// its tests nor any labelled row — only the label definitions, with the settled conventions (a
/// lockout is an emergency; a reschedule that names its new time carries it) — frozen, measured
/// once after the development round on round 10: the estimate of that round.
pub const ROUND12_DESCRIPTIONS: Set = set!("round12_descriptions.csv");
/// The replies the parser is tuned on.
pub const MAIN_REPLIES: [Set; 2] = [set!("replies.csv"), set!("replies_more.csv")];
pub const HOLDOUT_REPLIES: Set = set!("holdout_replies.csv");
pub const BLIND_REPLIES: Set = set!("blind_replies.csv");
pub const FRESH_REPLIES: Set = set!("fresh_replies.csv");
pub const ROUND3_REPLIES: Set = set!("round3_replies.csv");
pub const ROUND4_REPLIES: Set = set!("round4_replies.csv");
pub const ROUND5_REPLIES: Set = set!("round5_replies.csv");
pub const ROUND6_REPLIES: Set = set!("round6_replies.csv");
pub const ROUND7_REPLIES: Set = set!("round7_replies.csv");
pub const ROUND8_REPLIES: Set = set!("round8_replies.csv");
pub const ROUND9_REPLIES: Set = set!("round9_replies.csv");
pub const ROUND10_REPLIES: Set = set!("round10_replies.csv");
pub const ROUND12_REPLIES: Set = set!("round12_replies.csv");

/// The sender's local date every reply of the data sets is read against (a Tuesday).
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
    pub file: &'static str,
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
pub const ASKS: [&str; 8] = [
    "none",
    "water_electric",
    "gas_smell",
    "burning_smell",
    "cold_inside",
    "entry_unsecured",
    "person_trapped",
    "sewage_backup",
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

pub fn load_descriptions(set: Set) -> Result<Vec<DescriptionCase>, String> {
    let Csv { header, rows } = parse_csv(set.text).map_err(|e| format!("{}: {e}", set.file))?;
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
        let file = set.file;
        let bad = |what: &str, value: &str| format!("{file}:{line}: unknown {what} {value:?}");
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
                "{file}:{line}: an emergency kind goes with priority emergency, and only then"
            ));
        }
        let ask = if with_ask {
            if !ASKS.contains(&row[4].as_str()) {
                return Err(bad("ask", &row[4]));
            }
            if emergency.is_some() && row[4] != "none" {
                return Err(format!(
                    "{file}:{line}: an emergency leaves no danger open, so its ask is none"
                ));
            }
            Some(row[4].clone())
        } else {
            None
        };
        cases.push(DescriptionCase {
            file: set.file,
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
    pub got: Assessment,
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
    /// The safety question asked, as the data sets spell it (`none` for no question).
    pub fn ask(&self) -> &'static str {
        self.got.question.map_or("none", SafetyQuestion::label)
    }
    /// `None` when the set does not label safety questions.
    pub fn ask_ok(&self) -> Option<bool> {
        self.case.ask.as_deref().map(|want| want == self.ask())
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
    /// Descriptions labelled with a safety question (or none), and those asked the right one.
    pub asks: usize,
    pub asks_ok: usize,
    /// Emergencies flagged, or asked the question whose YES is their kind (caught if the tenant
    /// says yes).
    pub emergencies_caught_or_asked: usize,
    /// Routine requests asked a safety question (made urgent, the tenant bothered once).
    pub routine_asked: usize,
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
        f.routine_asked += usize::from(routine && r.got.question.is_some());
        let asked_kind = r.got.question.map(|q| q.emergency_if_yes());
        f.emergencies_caught_or_asked +=
            usize::from(labelled && (flagged || asked_kind == r.case.emergency));
        f.trade_and_priority_ok += usize::from(r.trade_ok() && r.priority_ok());
        if let Some(ok) = r.ask_ok() {
            f.asks += 1;
            f.asks_ok += usize::from(ok);
        }
    }
    f
}

// ---------------------------------------------------------------------------------------------
// Replies

/// One labelled SMS reply.
#[derive(Debug, Clone)]
pub struct ReplyCase {
    pub file: &'static str,
    pub line: usize,
    pub who: String,
    pub intent: String,
    pub fields: BTreeMap<String, String>,
    pub text: String,
}

/// Every intent label of the data set, in the order reports list them.
pub const INTENTS: [&str; 19] = [
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
    "emergency",
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
        Intent::Reschedule { .. } => "reschedule",
        Intent::Cancel => "cancel",
        Intent::Help => "help",
        Intent::Emergency => "emergency",
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
        // A reschedule that names its new time is compared on the time, as a proposal is.
        Intent::Propose { date, start, end }
        | Intent::Reschedule {
            when: Some(NewTime { date, start, end }),
        } => {
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

pub fn load_replies(set: Set) -> Result<Vec<ReplyCase>, String> {
    let Csv { header, rows } = parse_csv(set.text).map_err(|e| format!("{}: {e}", set.file))?;
    let file = set.file;
    expect_header(&header, &["who", "intent", "fields", "text"])?;
    let mut cases = Vec::new();
    for (line, row) in rows {
        if !["vendor", "tenant"].contains(&row[0].as_str()) {
            return Err(format!("{file}:{line}: unknown sender {:?}", row[0]));
        }
        if !INTENTS.contains(&row[1].as_str()) {
            return Err(format!("{file}:{line}: unknown intent {:?}", row[1]));
        }
        let mut fields = BTreeMap::new();
        for pair in row[2].split_whitespace() {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("{file}:{line}: field {pair:?} is not key=value"))?;
            if !FIELD_KEYS.contains(&k) {
                return Err(format!("{file}:{line}: unknown field {k:?}"));
            }
            fields.insert(k.to_string(), v.to_string());
        }
        cases.push(ReplyCase {
            file,
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

/// Every case of several sets, in order.
pub fn load_all_descriptions(sets: &[Set]) -> Result<Vec<DescriptionCase>, String> {
    let mut out = Vec::new();
    for s in sets {
        out.extend(load_descriptions(*s)?);
    }
    Ok(out)
}

pub fn load_all_replies(sets: &[Set]) -> Result<Vec<ReplyCase>, String> {
    let mut out = Vec::new();
    for s in sets {
        out.extend(load_replies(*s)?);
    }
    Ok(out)
}
