//! Where an inbound SMS goes: opt-out, opt-in, a command on one work order, an answer that
//! changes nothing, or silence. Pure: the SMS step gathers the facts (who the phone is, its open
//! work orders, whether it opted out) and carries the route out, so every path a text can take
//! is decided here once — opt-out and the answer budget included. A known tenant's text about
//! a new problem is read by [`crate::texting`].

use crate::messages::{for_sms, render, render_in};
use crate::portfolio::{Phone, Portfolio};
use crate::replies::{Sender, command_for, expected_replies_in};
use crate::sms::{Intent, parse_reply};
use crate::texting::{NewProblem, new_problem};
use crate::types::{JobCode, Language};
use crate::workorder::{Command, Recipient, Rejection, Status, WorkOrder, WorkOrderId};
use chrono::{DateTime, Utc};

/// What the SMS step knows about one inbound text before it is routed.
pub struct Inbound<'a> {
    pub body: &'a str,
    pub phone: &'a Phone,
    /// Every open work order this phone may speak for, and as whom (vendor or tenant).
    pub open: &'a [(WorkOrder, Sender)],
    /// The number texted STOP and not START since.
    pub opted_out: bool,
    /// The id of the message this one replies to, when the network says
    /// (`previousPublishedMessageId`): outbox ids start with the work order's id.
    pub replying_to: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Why a text got an answer but changed nothing (for the idempotency record and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerReason {
    Help,
    UnknownNumber,
    Unclear,
    CodeNotTheirs,
    NotUnderstood,
    WhichJob,
    Rejected,
    /// A known tenant's new problem: the link to the pre-filled form.
    NewProblemLink,
    /// EMERGENCY with no open request to report it on: what to do now, the same to everyone.
    DangerNoRequest,
}

impl AnswerReason {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerReason::Help => "help",
            AnswerReason::UnknownNumber => "unknown number",
            AnswerReason::Unclear => "unclear",
            AnswerReason::CodeNotTheirs => "code not theirs",
            AnswerReason::NotUnderstood => "not understood",
            AnswerReason::WhichJob => "which job",
            AnswerReason::Rejected => "rejected",
            AnswerReason::NewProblemLink => "new problem: form link",
            AnswerReason::DangerNoRequest => "danger with no open request",
        }
    }
}

/// Why a text gets no answer at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SilenceReason {
    /// The number opted out: it hears nothing until START (HELP aside).
    OptedOut,
    /// STOP again from a number already opted out: confirming once is enough.
    AlreadyOptedOut,
    /// The number has had its answers to texts that did nothing for now (an auto-responder
    /// must not loop with us).
    AnswerBudgetSpent,
}

impl SilenceReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceReason::OptedOut => "opted out: no answer",
            SilenceReason::AlreadyOptedOut => "already opted out",
            SilenceReason::AnswerBudgetSpent => "answer budget spent",
        }
    }
}

/// Where one inbound text goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// STOP: record the opt-out and confirm it (the one text an opted-out number gets).
    OptOut { confirmation: String },
    /// START: record the opt-in and confirm it.
    OptIn { confirmation: String },
    /// Run `command` on `work_order`, the text on its timeline as from `from`. When the command
    /// is refused, [`rejected_answer`] is the answer.
    Execute {
        work_order: WorkOrderId,
        code: JobCode,
        command: Box<Command>,
        from: Recipient,
        lang: Language,
    },
    /// Answer and change nothing. Invariant: an answer always counts against the number's
    /// answer budget (see [`answer_allowed`]); an opted-out number is never answered
    /// (HELP aside).
    Answer {
        work_order: Option<WorkOrderId>,
        reason: AnswerReason,
        body: String,
    },
    /// Say nothing, change nothing.
    Silent { reason: SilenceReason },
    /// A known tenant described a new problem (see [`crate::texting::new_problem`]). A link is
    /// an answer, bound by the same budget and opt-out rule as every answer; an emergency
    /// creates its work order (one per phone and hour) and is never silenced here: the team
    /// must hear of it, and the opt-out gate of the sender still keeps texts from the number.
    NewProblem(Box<NewProblem>),
}

/// The key of the text that confirms an opt-out: the one text a number gets after STOP.
pub const OPT_OUT_CONFIRMATION: &str = "sms.stopped";

/// The opt-out rule, checked by the sender as the last gate before any text goes out (queued
/// before the STOP or not, from any path): an opted-out number gets nothing but the
/// confirmation of its opt-out.
pub fn may_text(opted_out: bool, message_key: &str) -> bool {
    !opted_out || message_key == OPT_OUT_CONFIRMATION
}

/// How many answers to texts that did nothing a number gets per clock hour. An answer is the
/// only thing an auto-responder can make us send, so this bounds any loop.
pub const ANSWERS_PER_HOUR: u32 = 3;

/// Whether an answer may go out, given how many this number already got this hour. The one
/// rule for every answer (help, not understood, unknown number, which job, refusals).
pub fn answer_allowed(already_this_hour: u32) -> bool {
    already_this_hour < ANSWERS_PER_HOUR
}

/// The answer budget's key for `phone` at `now` (one bucket per clock hour).
pub fn answer_budget_key(phone: &Phone, now: DateTime<Utc>) -> String {
    format!("sms-answers:{phone}:{}", now.format("%Y%m%d%H"))
}

/// Routes one inbound text. Carrier keywords (STOP, START, HELP) apply to the number whatever
/// its work orders; anything else is read against each open work order of the phone, and acts
/// only when exactly one work order takes it.
pub fn route(portfolio: &Portfolio, inbound: &Inbound) -> Route {
    route_known(portfolio, inbound, &[])
}

/// [`route`], knowing the phone's latest work orders as tenant, open or closed, newest first
/// (at most [`crate::texting::HISTORY`]). A text that no open work order takes as a reply, from
/// a phone that is no vendor and was the tenant of one of them, and that reads as a new problem,
/// becomes [`Route::NewProblem`]; anything else is routed as by [`route`], so an unknown number
/// gets the same answer as ever and learns nothing.
pub fn route_known(portfolio: &Portfolio, inbound: &Inbound, history: &[WorkOrder]) -> Route {
    let today = inbound.now.date_naive();
    let parsed = parse_reply(inbound.body, today);
    let team = portfolio.team.name.clone();
    let vars = |extra: Vec<(&'static str, String)>| {
        let mut v = vec![("team", team.clone())];
        v.extend(extra);
        v
    };
    match &parsed.intent {
        Intent::Stop if inbound.opted_out => {
            return Route::Silent {
                reason: SilenceReason::AlreadyOptedOut,
            };
        }
        Intent::Stop => {
            return Route::OptOut {
                confirmation: render(portfolio, OPT_OUT_CONFIRMATION, &vars(vec![])),
            };
        }
        Intent::Start => {
            return Route::OptIn {
                confirmation: render(portfolio, "sms.started", &vars(vec![])),
            };
        }
        // HELP is answered even after STOP (carriers require it), within the budget.
        Intent::Help => {
            return Route::Answer {
                work_order: None,
                reason: AnswerReason::Help,
                body: render(portfolio, "sms.help", &vars(vec![])),
            };
        }
        _ => {}
    }
    let is_vendor = portfolio.vendor_by_phone(inbound.phone).is_some();
    let quiet = |route: Route| -> Route {
        match route {
            Route::Answer { .. } if inbound.opted_out => Route::Silent {
                reason: SilenceReason::OptedOut,
            },
            other => other,
        }
    };
    let new = || {
        if is_vendor {
            return None;
        }
        let problem = new_problem(
            portfolio,
            inbound.phone,
            inbound.body,
            inbound.open,
            history,
            inbound.now,
        )?;
        Some(match problem {
            NewProblem::Link(_) if inbound.opted_out => Route::Silent {
                reason: SilenceReason::OptedOut,
            },
            p => Route::NewProblem(Box::new(p)),
        })
    };
    if !is_vendor && inbound.open.is_empty() {
        if let Some(r) = new() {
            return r;
        }
        if parsed.intent == Intent::Emergency {
            return quiet(Route::Answer {
                work_order: None,
                reason: AnswerReason::DangerNoRequest,
                body: danger_no_request(portfolio, &vars(vec![])),
            });
        }
        return quiet(Route::Answer {
            work_order: None,
            reason: AnswerReason::UnknownNumber,
            body: render(portfolio, "sms.unknown_number", &vars(vec![])),
        });
    }
    let lang = language_of(is_vendor, inbound.open);
    let say = |key: &str, extra: Vec<(&'static str, String)>| {
        for_sms(render_in(portfolio, key, lang, &vars(extra)), lang)
    };
    let mine: Vec<&(WorkOrder, Sender)> = inbound.open.iter().collect();
    if let Intent::Unclear { question } = &parsed.intent {
        let about = single(&mine, parsed.job_code.as_ref());
        // The reply engine asks its questions in English; a Spanish reader gets the catalogue's
        // "didn't get that" with what they can reply, in Spanish, never an English question.
        let body = match lang {
            Language::En => question.clone(),
            Language::Es => {
                let expected = mine
                    .iter()
                    .find(|(wo, _)| about.is_some_and(|a| a.id == wo.id))
                    .map(|(wo, s)| expected_replies_in(wo, s, lang).to_string())
                    .unwrap_or_default();
                say("sms.not_understood", vec![("expected", expected)])
            }
        };
        return quiet(Route::Answer {
            work_order: about.map(|w| w.id.clone()),
            reason: AnswerReason::Unclear,
            body,
        });
    }
    // A report of danger is never lost to a job code (see [`danger_code`]).
    let danger = parsed.intent == Intent::Emergency;
    let code = danger_code(danger, parsed.job_code.as_ref(), &mine);
    // Narrowed by job code when given: it must be one of this phone's own work orders.
    let mine: Vec<&(WorkOrder, Sender)> = match code {
        Some(code) => {
            let theirs: Vec<_> = mine
                .into_iter()
                .filter(|(wo, _)| &wo.code == code)
                .collect();
            if theirs.is_empty() {
                let expected = say("sms.code_not_theirs", vec![("code", code.to_string())]);
                return quiet(Route::Answer {
                    work_order: None,
                    reason: AnswerReason::CodeNotTheirs,
                    body: say("sms.not_understood", vec![("expected", expected)]),
                });
            }
            theirs
        }
        None => mine,
    };
    let candidates: Vec<(&WorkOrder, &Sender, Command)> = mine
        .iter()
        .filter_map(|(wo, s)| {
            let tz = portfolio.property(&wo.request.property)?.timezone;
            // A proposed time is read in the property's own calendar.
            let intent = match &parsed.intent {
                Intent::Propose { .. } => {
                    parse_reply(inbound.body, inbound.now.with_timezone(&tz).date_naive()).intent
                }
                other => other.clone(),
            };
            command_for(wo, s, &intent, tz).map(|c| (wo, s, c))
        })
        .collect();
    // Several could match: the message this one replies to settles it.
    let candidates = match (inbound.replying_to, candidates.len()) {
        (Some(prev), n) if n > 1 => {
            let replied: Vec<_> = candidates
                .iter()
                .filter(|(wo, _, _)| prev.starts_with(&format!("{}/", wo.id)))
                .cloned()
                .collect();
            if replied.len() == 1 {
                replied
            } else {
                candidates
            }
        }
        _ => candidates,
    };
    let candidates = safety_first(candidates);
    match candidates.as_slice() {
        [] => {
            // No open work order takes it as a reply: it may be a new problem (a text naming a
            // job code is about that job).
            if code.is_none()
                && let Some(r) = new()
            {
                return r;
            }
            // EMERGENCY that none of the phone's requests takes (a vendor's phone with no
            // request of its own as tenant): what to do now, as to a number with nothing open.
            if danger {
                return quiet(Route::Answer {
                    work_order: None,
                    reason: AnswerReason::DangerNoRequest,
                    body: danger_no_request(portfolio, &vars(vec![])),
                });
            }
            let expected = match mine.as_slice() {
                [(wo, s)] => expected_replies_in(wo, s, lang).to_string(),
                _ => String::new(),
            };
            quiet(Route::Answer {
                work_order: single(&mine, None).map(|w| w.id.clone()),
                reason: AnswerReason::NotUnderstood,
                body: say("sms.not_understood", vec![("expected", expected)]),
            })
        }
        [(wo, sender, command)] => Route::Execute {
            work_order: wo.id.clone(),
            code: wo.code.clone(),
            command: Box::new(command.clone()),
            from: match sender {
                Sender::Vendor(v) => Recipient::Vendor(v.clone()),
                Sender::Tenant => Recipient::Tenant,
            },
            lang,
        },
        several => {
            let jobs: Vec<String> = several
                .iter()
                .map(|(wo, _, _)| format!("{} ({})", wo.code, short_place(portfolio, wo)))
                .collect();
            let example = format!("{} {}", first_word(inbound.body), several[0].0.code);
            quiet(Route::Answer {
                work_order: None,
                reason: AnswerReason::WhichJob,
                body: say(
                    "sms.which_job",
                    vec![("jobs", jobs.join(", ")), ("example", example)],
                ),
            })
        }
    }
}

/// The job code a text is narrowed by: the one it names, except that a report of danger
/// (EMERGENCY) naming a code that is none of the phone's open work orders is read as if it
/// named none — it goes to the sender's newest open request ([`safety_first`]), or with none
/// gets the answer of a number with nothing open ([`danger_no_request`]). By the safety-first
/// rule a danger is never lost to a mistyped or foreign code, and the answer is exactly the
/// one EMERGENCY alone gets, so nothing is learnt about whose code it is, or whether it is one.
fn danger_code<'c>(
    danger: bool,
    code: Option<&'c JobCode>,
    mine: &[&(WorkOrder, Sender)],
) -> Option<&'c JobCode> {
    let code = code?;
    let theirs = mine.iter().any(|(wo, _)| &wo.code == code);
    (theirs || !danger).then_some(code)
}

/// When several work orders take a text, danger settles it rather than a question back:
/// - a report of danger (EMERGENCY) that several of the tenant's requests could take goes to
///   the newest one still open (one completed refuses it), at once: asking "which job?" would
///   keep the team from hearing of the danger. A job code in the text, or the message it
///   replies to, has already narrowed it to that job; the team, alerted, sees the tenant's
///   other requests;
/// - a bare YES that could answer a tenant's open safety question or mean something else on
///   another work order of the same phone (a tenant who is also a vendor, with an offer out)
///   answers the safety question: the safe reading, since a danger confirmed is acted on at
///   once and the offer stays open for `YES <code>`, whereas taking the job would leave the
///   danger waiting. A bare NO is not read so: a danger is never dismissed on an ambiguous word
///   (the phone is asked which job, and the question expires to the routine path anyway).
fn safety_first<'a>(
    candidates: Vec<(&'a WorkOrder, &'a Sender, Command)>,
) -> Vec<(&'a WorkOrder, &'a Sender, Command)> {
    if candidates.len() < 2 {
        return candidates;
    }
    let newest_danger = candidates
        .iter()
        .filter(|(_, _, c)| matches!(c, Command::ReportDanger { .. }))
        .max_by_key(|(wo, _, _)| {
            (
                wo.phase() != Status::Completed,
                wo.created_at,
                wo.id.clone(),
            )
        })
        .cloned();
    if let Some(danger) = newest_danger {
        return vec![danger];
    }
    let is_yes = |c: &Command| matches!(c, Command::AnswerSafetyQuestion { yes: true, .. });
    let yes: Vec<_> = candidates
        .iter()
        .filter(|(_, _, c)| is_yes(c))
        .cloned()
        .collect();
    if yes.len() == 1 { yes } else { candidates }
}

/// The answer to a command the work order refused (e.g. a slot someone else took meanwhile),
/// or `None` when the number must hear nothing (it opted out). In English; see
/// [`rejected_answer_in`].
pub fn rejected_answer(
    portfolio: &Portfolio,
    code: &JobCode,
    rejection: &Rejection,
    opted_out: bool,
) -> Option<Route> {
    rejected_answer_in(portfolio, code, rejection, opted_out, Language::En)
}

/// [`rejected_answer`] in the sender's language (the `lang` of [`Route::Execute`]): the reason
/// is the rejection's catalogue text, never its English `Display`.
pub fn rejected_answer_in(
    portfolio: &Portfolio,
    code: &JobCode,
    rejection: &Rejection,
    opted_out: bool,
    lang: Language,
) -> Option<Route> {
    if opted_out {
        return None;
    }
    let reason = crate::messages::refusal(portfolio, rejection, lang);
    let body = render_in(
        portfolio,
        "sms.rejected",
        lang,
        &[
            ("team", portfolio.team.name.clone()),
            ("code", code.to_string()),
            ("reason", reason),
        ],
    );
    Some(Route::Answer {
        work_order: None,
        reason: AnswerReason::Rejected,
        body: for_sms(body, lang),
    })
}

/// A tenant (not a vendor) whose open requests are all in Spanish is answered in Spanish;
/// anyone else in English.
fn language_of(is_vendor: bool, open: &[(WorkOrder, Sender)]) -> Language {
    if !is_vendor
        && open
            .iter()
            .all(|(wo, _)| wo.request.language == Language::Es)
    {
        Language::Es
    } else {
        Language::En
    }
}

fn single<'a>(mine: &[&'a (WorkOrder, Sender)], code: Option<&JobCode>) -> Option<&'a WorkOrder> {
    match (mine, code) {
        ([(wo, _)], _) => Some(wo),
        (_, Some(c)) => mine.iter().map(|(w, _)| w).find(|w| &w.code == c),
        _ => None,
    }
}

fn short_place(portfolio: &Portfolio, wo: &WorkOrder) -> String {
    let street = portfolio
        .property(&wo.request.property)
        .map(|p| p.address.split(',').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    format!("{street} #{}", wo.request.unit)
}

fn first_word(text: &str) -> String {
    text.split_whitespace()
        .next()
        .map(|w| w.to_ascii_uppercase())
        .filter(|w| w.len() <= 10 && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "YES".into())
}

/// The answer to EMERGENCY from a number with no open request (a tenant whose requests are all
/// done, or a number nobody knows): call 911 if anyone is in danger, and describe the problem
/// (a known tenant's description then becomes a request, an emergency at once). The same words
/// to every number, so nobody learns whether a number is known; in English and Spanish, since
/// the language of a number with nothing open is not known either.
fn danger_no_request(portfolio: &Portfolio, vars: &[(&str, String)]) -> String {
    let en = render_in(portfolio, DANGER_NO_REQUEST, Language::En, vars);
    let es = for_sms(
        render_in(portfolio, DANGER_NO_REQUEST, Language::Es, vars),
        Language::Es,
    );
    format!("{en}\n{es}")
}

/// The catalogue key of [`danger_no_request`]'s text.
pub const DANGER_NO_REQUEST: &str = "sms.danger_no_request";
