//! The eval's printed reports: headline figures, per-class tables, confusion matrices, misses.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::sets::*;
use mendwork_language::Trade;

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
        "  emergency flagged or asked {}",
        pct(f.emergencies_caught_or_asked, f.emergencies)
    );
    let _ = writeln!(
        out,
        "  routine asked a question  {}",
        pct(f.routine_asked, f.routine)
    );
    let _ = writeln!(
        out,
        "  emergency precision       {}",
        pct(f.flagged_right, f.flagged)
    );
    if f.asks > 0 {
        let _ = writeln!(
            out,
            "  safety question right     {}",
            pct(f.asks_ok, f.asks)
        );
    }
    out
}

pub fn triage_misses(title: &str, results: &[TriageResult]) -> String {
    let mut out = String::new();
    let missed: Vec<&TriageResult> = results
        .iter()
        .filter(|r| !r.all_ok() || r.ask_ok() == Some(false))
        .collect();
    let _ = writeln!(out, "\nTriage misses in {title} ({}):", missed.len());
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
        if r.ask_ok() == Some(false) {
            wrong.push(format!(
                "asks {} (want {})",
                r.ask(),
                r.case.ask.as_deref().unwrap_or("none")
            ));
        }
        let cold = if r.case.cold_weather { " [cold]" } else { "" };
        let _ = writeln!(
            out,
            "  {}:{}{cold} {:?}\n      {}\n      drivers: {}",
            r.case.file,
            r.case.line,
            r.case.text,
            wrong.join(", "),
            r.got.drivers.join("; ")
        );
    }
    out
}

pub fn triage_report(title: &str, results: &[TriageResult]) -> String {
    let mut out = triage_summary(title, &triage_figures(results));
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

    let pairs: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|r| Some((r.case.ask.as_deref()?, r.ask())))
        .collect();
    if !pairs.is_empty() {
        class_table(&mut out, "Safety question", &ASKS, &pairs);
    }
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

pub fn reply_misses(title: &str, results: &[ReplyResult]) -> String {
    let mut out = String::new();
    let missed: Vec<&ReplyResult> = results.iter().filter(|r| !r.exact()).collect();
    let _ = writeln!(out, "\nSMS misses in {title} ({}):", missed.len());
    for r in missed {
        let want = format!("{} {}", r.case.intent, show_fields(&r.case.fields));
        let got = format!("{} {}", r.intent(), show_fields(&fields_of(&r.got)));
        let _ = writeln!(
            out,
            "  {}:{} ({}) {:?}\n      got  {}   {:?}\n      want {}",
            r.case.file,
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

pub fn reply_report(title: &str, results: &[ReplyResult]) -> String {
    let mut out = reply_summary(title, &reply_figures(results));
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
