//! Every reply word our texts suggest is read as what it says, in both languages: a tenant or a
//! vendor who does what a message tells them is understood. And no text suggests a carrier's
//! opt-out keyword for anything but opting out: CANCEL alone stops every text from the number,
//! so tenants withdraw a request with WITHDRAW (ANULAR in Spanish).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use chrono::NaiveDate;
use mendwork_domain::Language;
use mendwork_domain::messages::{self, render_in};
use mendwork_domain::replies::{Sender, expected_replies_in};
use mendwork_domain::sms::{Intent, parse_reply};
use support::{Given, PORTFOLIO, vid};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

/// Whether a parsed intent is what a suggested word means.
type Reads = fn(&Intent) -> bool;

/// The intent each suggested word must be read as, with an example of the word used as the texts
/// teach it (`INVOICE 385`, `TIME tue 9-11am`).
fn meaning(word: &str) -> Option<(&'static str, Reads)> {
    Some(match word {
        "YES" | "SI" => ("{}", |i| *i == Intent::Accept),
        "NO" => ("{}", |i| matches!(i, Intent::Decline { .. })),
        "TIME" => ("{} tue 9-11am", |i| matches!(i, Intent::Propose { .. })),
        "ARRIVED" => ("{}", |i| *i == Intent::Arrived),
        "DONE" | "FIXED" | "ARREGLADO" => ("{}", |i| matches!(i, Intent::Done { .. })),
        "NOT DONE" => ("{} need a part", |i| matches!(i, Intent::NotDone { .. })),
        "INVOICE" => ("{} 385", |i| matches!(i, Intent::Invoice { .. })),
        "ESTIMATE" => ("{} 850", |i| matches!(i, Intent::Estimate { .. })),
        "RESCHEDULE" | "REPROGRAMAR" => ("{}", |i| *i == Intent::Reschedule { when: None }),
        "WITHDRAW" | "ANULAR" => ("{}", |i| *i == Intent::Cancel),
        "HELP" => ("{}", |i| *i == Intent::Help),
        "EMERGENCY" | "EMERGENCIA" => ("{}", |i| *i == Intent::Emergency),
        "STOP" => ("{}", |i| *i == Intent::Stop),
        "START" => ("{}", |i| *i == Intent::Start),
        _ => return None,
    })
}

/// Capitalised runs in `text` that follow a word telling the reader to reply ("Reply YES",
/// "Text ARRIVED when on site, DONE when finished", "Responda SI o NO").
fn suggested(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in text.split(['.', '\n']) {
        let lower = sentence.to_lowercase();
        if !["reply", "text ", "responda", "send "]
            .iter()
            .any(|w| lower.contains(w))
        {
            continue;
        }
        let words: Vec<&str> = sentence
            .split(|c: char| !c.is_alphanumeric() && c != '{' && c != '}')
            .collect();
        let mut run: Vec<&str> = Vec::new();
        for w in words.iter().chain([&""]) {
            let caps = w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
            if caps {
                run.push(w);
            } else if !run.is_empty() {
                out.push(run.join(" "));
                run.clear();
            }
        }
    }
    out
}

/// Every text a tenant or a vendor may read, in both languages.
fn texts() -> Vec<String> {
    let mut empty = PORTFOLIO.clone();
    empty.messages.clear();
    let mut out: Vec<String> = messages::KEYS
        .iter()
        .map(|k| render_in(&empty, k, Language::En, &[]))
        .collect();
    out.extend(messages::spanish_keys().map(|k| render_in(&empty, k, Language::Es, &[])));
    let phases = [
        Given::submitted(support::elm_drip()),
        Given::offered_to_pat(),
        Given::accepted_by_pat(),
        Given::scheduled_with_pat(),
        Given::pat_on_site(),
        Given::completed_by_pat(),
    ];
    for g in &phases {
        for sender in [Sender::Tenant, Sender::Vendor(vid("pat"))] {
            for lang in [Language::En, Language::Es] {
                out.push(expected_replies_in(&g.wo, &sender, lang).to_string());
            }
        }
    }
    out
}

/// Words in capitals that are not replies: placeholders' surroundings, units, labels.
const NOT_REPLIES: &[&str] = &[
    "AM", "PM", "TUE", "GFCI", "RESET", "TEST", "HEAT", "COOL", "PDF",
];

#[test]
fn every_reply_word_a_text_suggests_is_read_as_what_it_says_in_both_languages() {
    let mut checked = 0;
    for text in texts() {
        for word in suggested(&text) {
            // "YES KP27", "TIME tue": the words before a placeholder or example are the keyword.
            let word = word
                .split(' ')
                .filter(|w| !NOT_REPLIES.contains(w))
                .collect::<Vec<_>>()
                .join(" ");
            if word.is_empty() {
                continue;
            }
            let Some((example, is)) = meaning(&word) else {
                panic!("{text:?} suggests {word:?}, which no test says how to read");
            };
            let reply = example.replace("{}", &word);
            let got = parse_reply(&reply, today()).intent;
            assert!(is(&got), "{text:?} suggests {reply:?}, read as {got:?}");
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} suggestions found");
}

#[test]
fn no_text_suggests_a_carrier_opt_out_keyword_for_anything_but_opting_out() {
    for text in texts() {
        for word in suggested(&text) {
            for keyword in [
                "CANCEL", "CANCELAR", "END", "QUIT", "ALTO", "PARAR", "REMOVE",
            ] {
                assert!(
                    !word.split(' ').any(|w| w == keyword),
                    "{text:?} suggests the opt-out keyword {keyword}"
                );
            }
        }
    }
    // Sent alone, they opt out, as the carriers read them; the suggested words do not.
    for keyword in ["CANCEL", "CANCELAR", "STOP", "ALTO", "PARAR", "QUIT", "END"] {
        assert_eq!(
            parse_reply(keyword, today()).intent,
            Intent::Stop,
            "{keyword}"
        );
    }
    for word in ["WITHDRAW", "ANULAR"] {
        assert_eq!(parse_reply(word, today()).intent, Intent::Cancel, "{word}");
    }
}
