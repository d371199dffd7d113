//! Message texts (email and SMS) with their defaults; a portfolio may override any by key.
//! Placeholders are `{name}`; SMS defaults stay in the GSM-7 alphabet so they fit one segment
//! where the content allows.

use crate::portfolio::Portfolio;
use crate::types::Language;

/// (key, default text). Keys ending in `.subject` are email subjects.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "tenant.confirmation.sms",
        "{team}: we got your request #{code} ({property}). We'll text you when a vendor is booked. Status: {link}",
    ),
    (
        "tenant.confirmation.subject",
        "We received your maintenance request #{code}",
    ),
    (
        "tenant.confirmation.email",
        "Hi {name},\n\nThanks for letting us know. Your request #{code} for {property}, unit {unit}, is in:\n\n  {description}\n\nWe'll find a vendor and let you know when the visit is booked. You can follow every step here:\n{link}\n\n— {team}",
    ),
    // The same first messages for an address typed into the public form, which nobody has
    // confirmed: none of the submitter's words (see `disclosure::unconfirmed_contact`).
    (
        "tenant.confirmation.plain.email",
        "Hello,\n\nWe received maintenance request #{code} for {property}, which gave this address for updates. You can follow every step here:\n{link}\n\nIf you did not make this request, please ignore this email.\n\n— {team}",
    ),
    (
        "tenant.tips.plain.email",
        "Hello,\n\nWhile we line up a vendor for #{code}, these may fix it or make it safer. Only try what you're comfortable with:\n\n{tips}\nIf one of them fixes it, reply FIXED to our text or cancel the request from your status page: {link}\n\n— {team}",
    ),
    (
        "tenant.safety.plain.email",
        "Hello,\n\nThe report for request #{code} looks like an emergency ({kind}). Please do this now:\n\n{instructions}\n\nWe have alerted the property team and are sending a vendor at once.\n\n— {team}",
    ),
    (
        "tenant.tips.subject",
        "While you wait: things you can safely try (#{code})",
    ),
    (
        "tenant.tips.email",
        "Hi {name},\n\nWhile we line up a vendor for #{code}, these may fix it or make it safer. Only try what you're comfortable with:\n\n{tips}\nIf one of them fixes it, reply FIXED to our text or cancel the request from your status page: {link}\n\n— {team}",
    ),
    ("tenant.safety.sms", "SAFETY ({kind}): {instructions}"),
    (
        "tenant.safety.subject",
        "Safety first: what to do now about your request #{code}",
    ),
    (
        "tenant.safety.email",
        "Hi {name},\n\nYour report looks like an emergency ({kind}). Please do this now:\n\n{instructions}\n\nWe have alerted the property team and are sending a vendor at once.\n\n— {team}",
    ),
    (
        "pm.emergency.sms",
        "EMERGENCY #{code} {property} unit {unit}: {kind}. {description}",
    ),
    (
        "pm.emergency.subject",
        "EMERGENCY #{code} at {property}: {kind}",
    ),
    (
        "pm.emergency.email",
        "Emergency work order #{code} at {property} ({address}), unit {unit}.\n\nKind: {kind}\nTenant: {name} {tenant_phone}\nDescription: {description}\n\nTriage: {diagnosis}\nThe emergency policy is in force; you will be told if no vendor accepts.",
    ),
    (
        "vendor.offer.sms",
        "New job {code}: {trade}, {street}. {summary} Reply YES {code} to take it or NO. Offer ends {expires}.",
    ),
    (
        "vendor.offer.subject",
        "Job offer {code}: {trade} at {property}",
    ),
    (
        "vendor.offer.email",
        "Hi {vendor},\n\nWould you take this job?\n\nJob: {code} ({priority})\nWhere: {property}, {address}, unit {unit}\nWhat: {description}\nTriage: {diagnosis}\nNot to exceed without approval: {nte}\nAccess: {access}\nPhotos: {photos}\n\nReply YES {code} or NO by text, or use this link: {link}\nThe offer ends {expires_long}.",
    ),
    (
        "vendor.declined_ack.sms",
        "Job {code}: no problem, thanks for letting us know.",
    ),
    (
        "vendor.arrived_ack.sms",
        "Job {code}: checked in. Text DONE when finished, or NOT DONE and why.",
    ),
    (
        "vendor.late_ack.sms",
        "Job {code}: we let the tenant know you're running late.",
    ),
    (
        "vendor.invoice_ack.sms",
        "Job {code}: invoice {amount} received. Thank you!",
    ),
    (
        "tenant.feedback_ack.sms",
        "Thanks for your feedback on #{code}!",
    ),
    (
        "vendor.lapsed.sms",
        "Job {code}: the offer has lapsed and went to another vendor. No action needed.",
    ),
    (
        "vendor.withdrawn.sms",
        "Job {code}: the property team assigned this job to someone else. No action needed.",
    ),
    (
        "vendor.unassigned.sms",
        "Job {code} at {address}: the property team reassigned this job. Please don't go.",
    ),
    (
        "pm.attention.subject",
        "Needs attention: #{code} at {property}",
    ),
    (
        "pm.attention.email",
        "Work order #{code} at {property}, unit {unit}, needs you:\n\n{reason}\n\nDescription: {description}\nYou can assign a vendor or cancel from the dashboard.",
    ),
    (
        "tenant.assigned.sms",
        "#{code}: {vendor} will handle your request. They'll pick a time from your availability; we'll confirm it.",
    ),
    (
        "vendor.slots.sms",
        "Job {code} is yours. Pick a time, reply the number: {slots} Or reply TIME and a day and time.",
    ),
    (
        "tenant.refusal.too_many_times",
        "We can keep at most {max} of your times open. You can add more once some have passed.",
    ),
    (
        "vendor.noslots.sms",
        "Job {code} is yours. The tenant gave no open times: reply TIME and a day and time, e.g. TIME tue 9-11am.",
    ),
    (
        "vendor.nudge.sms",
        "Reminder, job {code} at {address}: please pick a time. {slots} Or reply TIME and a day and time.",
    ),
    (
        "tenant.proposal.sms",
        "#{code}: {vendor} can come {when}. Reply YES to confirm or NO for another time.",
    ),
    (
        "tenant.proposal.subject",
        "Please confirm the visit time for #{code}",
    ),
    (
        "tenant.proposal.email",
        "Hi {name},\n\n{vendor} proposes to come {when} for your request #{code}.\nReply YES to the text message, or confirm here: {link}\n\n— {team}",
    ),
    (
        "vendor.proposal_declined.sms",
        "Job {code}: the tenant can't do {when}. {slots} Or reply TIME and another day and time.",
    ),
    (
        "tenant.scheduled.sms",
        "#{code} booked: {vendor} comes {when}. Reply RESCHEDULE if that no longer works.",
    ),
    ("tenant.scheduled.subject", "Booked: {vendor} comes {when}"),
    (
        "tenant.scheduled.email",
        "Hi {name},\n\nYour repair #{code} is booked.\n\nWho: {vendor}\nWhen: {when}\nWhere: {property}, unit {unit}\n\nThe invite is attached. Follow it here: {link}\n\n— {team}",
    ),
    (
        "vendor.scheduled.sms",
        "Job {code} booked {when} at {address} unit {unit}. Text ARRIVED when on site, DONE when finished.",
    ),
    (
        "tenant.reminder_eve.subject",
        "Reminder: {vendor} comes tomorrow, {when}",
    ),
    (
        "tenant.reminder_eve.email",
        "Hi {name},\n\nA reminder that {vendor} comes tomorrow, {when}, for request #{code}.\n{link}\n\n— {team}",
    ),
    (
        "vendor.reminder_eve.subject",
        "Reminder: job {code} tomorrow, {when}",
    ),
    (
        "vendor.reminder_eve.email",
        "Hi {vendor},\n\nA reminder of job {code} tomorrow, {when}, at {property}, {address}, unit {unit}.\nAccess: {access}\n\nThanks!",
    ),
    (
        "tenant.reminder_morning.sms",
        "Reminder: {vendor} comes today, {when} (#{code}).",
    ),
    (
        "vendor.reminder_morning.sms",
        "Today: job {code} {when} at {address} unit {unit}.",
    ),
    (
        "tenant.late.sms",
        "#{code}: {vendor} is running late{minutes}. Sorry for the wait.",
    ),
    (
        "vendor.outcome.sms",
        "Job {code} at {address}: is the repair done? Reply DONE, or NOT DONE and why.",
    ),
    (
        "tenant.completed.sms",
        "#{code}: {vendor} marked the repair done. How did it go? Reply 1 (poor) to 5 (great).",
    ),
    ("tenant.completed.subject", "Your repair #{code} is done"),
    (
        "tenant.completed.email",
        "Hi {name},\n\n{vendor} marked your repair #{code} done. If something is still wrong, just reply.\nHow did it go? Reply 1 (poor) to 5 (great) to our text, or here: {link}\n\n— {team}",
    ),
    (
        "vendor.completed.sms",
        "Thanks! Job {code} is marked done. Reply INVOICE and the amount (e.g. INVOICE 385) when your invoice is ready.",
    ),
    (
        "vendor.invoice.sms",
        "Job {code} at {address}: we still need your invoice. Reply INVOICE and the amount, or use {link}",
    ),
    (
        "pm.invoice.subject",
        "No invoice yet for #{code} at {property}",
    ),
    (
        "pm.invoice.email",
        "{vendor} finished #{code} at {property} but has sent no invoice after {n} reminders.",
    ),
    (
        "vendor.estimate_ok.sms",
        "Job {code}: estimate {amount} is within the approved limit. Go ahead.",
    ),
    (
        "vendor.estimate_wait.sms",
        "Job {code}: estimate {amount} is over the {limit} limit. We asked the owner; we'll text you when it's decided.",
    ),
    (
        "owner.approval.subject",
        "Approval needed: {amount} repair at {property}",
    ),
    (
        "owner.approval.email",
        "Hi {owner},\n\n{vendor} estimates {amount} for work at {property} ({address}), unit {unit}. That is over your {limit} limit, so we need your approval.\n\nThe problem: {description}\nThe vendor's note: {note}\n\nApprove or decline with one click: {link}\n\n— {team}",
    ),
    (
        "owner.reminder.subject",
        "Reminder: approval needed for {amount} at {property}",
    ),
    (
        "pm.approval_escalated.subject",
        "Owner has not answered: {amount} at {property} (#{code})",
    ),
    (
        "pm.approval_escalated.email",
        "The owner of {property} has not approved or declined the {amount} estimate for #{code} after {n} reminders. You can decide from the dashboard.",
    ),
    (
        "pm.approval_requested.subject",
        "Estimate {amount} sent to the owner: #{code} at {property}",
    ),
    (
        "pm.approval_requested.email",
        "{vendor} estimated {amount} (limit {limit}) for #{code}. The owner was asked to approve.",
    ),
    (
        "vendor.approved.sms",
        "Job {code}: the {amount} estimate is approved. Go ahead and schedule.",
    ),
    (
        "vendor.declined.sms",
        "Job {code}: the {amount} estimate was not approved. The property team will be in touch.",
    ),
    (
        "pm.declined.subject",
        "Estimate declined: #{code} at {property}",
    ),
    (
        "tenant.unscheduled.sms",
        "#{code}: the visit {when} is off ({reason}). We'll confirm a new time.",
    ),
    (
        "vendor.unscheduled.sms",
        "Job {code}: the visit {when} is off ({reason}).",
    ),
    (
        "vendor.instructions.sms",
        "Job {code}, note from the property team: {text}",
    ),
    (
        "tenant.cancelled.sms",
        "#{code}: your request is cancelled. Reply or submit a new one if you still need help.",
    ),
    ("tenant.cancelled.subject", "Request #{code} cancelled"),
    (
        "tenant.cancelled.email",
        "Hi {name},\n\nYour request #{code} at {property} is cancelled{reason}.\n\n— {team}",
    ),
    (
        "vendor.cancelled.sms",
        "Job {code} at {address} is cancelled. Please don't go. Thanks.",
    ),
    (
        "owner.cancelled.subject",
        "Approval no longer needed: #{code} at {property}",
    ),
    (
        "owner.cancelled.email",
        "The work order #{code} at {property} was cancelled: the approval request is withdrawn.",
    ),
    (
        "pm.undelivered.subject",
        "Not delivered: {channel} to {who} for #{code}",
    ),
    (
        "pm.undelivered.email",
        "A {channel} for work order #{code} at {property}, unit {unit}, could not be delivered.\n\nTo: {who} ({to_address})\nMessage: {message}\nWhy: {reason}\n\nCheck the contact details in the portfolio, then resend it from the work order's timeline.",
    ),
    (
        "pm.overdue.triage",
        "Overdue since {due}: the request was never triaged or offered to a vendor. Assign a vendor or cancel.",
    ),
    (
        "pm.overdue.offer",
        "Overdue since {due}: no vendor has been offered the job and no offer is waiting to go out. Assign a vendor.",
    ),
    (
        "pm.overdue.offer_answer",
        "Overdue since {due}: the offer to {vendor} ended and the job did not move on to another vendor. Assign a vendor.",
    ),
    (
        "pm.overdue.scheduling",
        "Overdue since {due}: {vendor} accepted but has not picked a time, and no reminder to them is pending. Ask them or reschedule.",
    ),
    (
        "pm.overdue.proposal",
        "Overdue since {due}: the time {vendor} proposed is still waiting for the tenant. Confirm a time with both.",
    ),
    (
        "pm.overdue.reminder",
        "Overdue since {due}: an appointment reminder to the tenant and {vendor} did not go out. Remind them yourself.",
    ),
    (
        "pm.overdue.outcome",
        "Overdue since {due}: nobody asked {vendor} whether the job is done. Ask them.",
    ),
    (
        "pm.overdue.approval",
        "Overdue since {due}: the owner's approval is waiting and no reminder is pending. Decide or remind the owner.",
    ),
    (
        "pm.overdue.invoice",
        "Overdue since {due}: {vendor}'s invoice is missing and no follow-up is pending. Ask them for it.",
    ),
    (
        "pm.overdue.safety_question",
        "Overdue since {due}: the tenant's safety question never closed. Ask the tenant whether anyone is in danger.",
    ),
    (
        "tenant.question.subject",
        "Safety check for your request #{code}",
    ),
    (
        "tenant.question.email",
        "Hi {name},\n\nOne question about your request #{code}, for your safety:\n\n  {question}\n\nPlease answer YES or NO on your status page: {link}\nIf the answer is yes, we'll treat it as an emergency at once. If anyone is in danger, call 911 now.\n\n— {team}",
    ),
    (
        "tenant.question_no.sms",
        "#{code}: thanks, we'll handle it as a regular repair. If that changes, reply YES. In danger, call 911.",
    ),
    (
        "vendor.withdrawn_emergency.sms",
        "Job {code}: the tenant reported a danger, so this job went to an emergency vendor. No action needed.",
    ),
    (
        "vendor.now_emergency.sms",
        "Job {code} at {street} is now an EMERGENCY ({kind}): the tenant confirmed it. Please go as soon as you can.",
    ),
    (
        "pm.overdue.close",
        "Overdue since {due}: the invoice is in but the work order did not close. Close it.",
    ),
    (
        "sms.help",
        "{team} maintenance texts. Vendors: YES/NO to offers, a number to pick a time, ARRIVED, DONE, NOT DONE + why, INVOICE + amount. STOP to opt out.",
    ),
    (
        "sms.unknown_number",
        "Sorry, we can't match this number to a job. Please contact your property manager.",
    ),
    (
        "sms.not_understood",
        "Sorry, we didn't get that. {expected} Reply HELP for options.",
    ),
    (
        "sms.which_job",
        "You have several open jobs: {jobs}. Please add the job code, e.g. {example}.",
    ),
    ("sms.rejected", "Job {code}: {reason}."),
    (
        "sms.stopped",
        "You won't get more texts from {team}. Reply START to receive job offers again.",
    ),
    ("sms.started", "You will get texts from {team} again."),
    // tenant texts a new problem
    (
        "sms.new_request",
        "{team}: to report this new problem, check and send the form with your text: {link} Nothing is sent until you do. Danger? Call 911.",
    ),
];

/// (key, Spanish text) for every message a tenant gets (and the answers to a Spanish tenant's
/// unclear texts); a tenant who chose Spanish on the form gets these. A portfolio overrides one under the key with `.es` added
/// (`tenant.confirmation.sms.es`). SMS texts avoid á, í, ó, ú (they would force UCS-2 and
/// shorter segments); what is filled in is folded the same way when the SMS is made.
const DEFAULTS_ES: &[(&str, &str)] = &[
    (
        "tenant.confirmation.sms",
        "{team}: recibimos su solicitud #{code} ({property}). Le avisaremos por texto cuando haya un tecnico agendado. Estado: {link}",
    ),
    (
        "tenant.confirmation.subject",
        "Recibimos su solicitud de mantenimiento #{code}",
    ),
    (
        "tenant.confirmation.email",
        "Hola, {name}:\n\nGracias por avisarnos. Recibimos su solicitud #{code} para {property}, unidad {unit}:\n\n  {description}\n\nBuscaremos un técnico y le avisaremos cuando la visita esté agendada. Puede seguir cada paso aquí:\n{link}\n\n— {team}",
    ),
    (
        "tenant.confirmation.plain.email",
        "Hola:\n\nRecibimos la solicitud de mantenimiento #{code} para {property}, que dio esta dirección para los avisos. Puede seguir cada paso aquí:\n{link}\n\nSi usted no hizo esta solicitud, ignore este correo.\n\n— {team}",
    ),
    (
        "tenant.tips.plain.email",
        "Hola:\n\nMientras buscamos un técnico para #{code}, esto podría resolverlo o hacerlo más seguro. Intente solo lo que le resulte cómodo:\n\n{tips}\nSi algo de esto lo resuelve, responda ARREGLADO a nuestro mensaje de texto o cancele la solicitud en su página de estado: {link}\n\n— {team}",
    ),
    (
        "tenant.safety.plain.email",
        "Hola:\n\nEl reporte de la solicitud #{code} parece una emergencia ({kind}). Por favor haga esto ahora:\n\n{instructions}\n\nYa avisamos al equipo de la propiedad y enviamos un técnico de inmediato.\n\n— {team}",
    ),
    (
        "tenant.tips.subject",
        "Mientras espera: lo que puede intentar sin riesgo (#{code})",
    ),
    (
        "tenant.tips.email",
        "Hola, {name}:\n\nMientras buscamos un técnico para #{code}, esto podría resolverlo o hacerlo más seguro. Intente solo lo que le resulte cómodo:\n\n{tips}\nSi algo de esto lo resuelve, responda ARREGLADO a nuestro mensaje de texto o cancele la solicitud en su página de estado: {link}\n\n— {team}",
    ),
    ("tenant.safety.sms", "SEGURIDAD ({kind}): {instructions}"),
    (
        "tenant.safety.subject",
        "Primero su seguridad: qué hacer ahora sobre su solicitud #{code}",
    ),
    (
        "tenant.safety.email",
        "Hola, {name}:\n\nSu reporte parece una emergencia ({kind}). Por favor haga esto ahora:\n\n{instructions}\n\nYa avisamos al equipo de la propiedad y enviamos un técnico de inmediato.\n\n— {team}",
    ),
    (
        "tenant.feedback_ack.sms",
        "¡Gracias por su opinion sobre #{code}!",
    ),
    (
        "tenant.assigned.sms",
        "#{code}: {vendor} se encargara de su solicitud. Elegira una hora segun su disponibilidad; se la confirmaremos.",
    ),
    (
        "tenant.proposal.sms",
        "#{code}: {vendor} puede ir el {when}. Responda SI para confirmar o NO para otra hora.",
    ),
    (
        "tenant.proposal.subject",
        "Confirme la hora de la visita para #{code}",
    ),
    (
        "tenant.proposal.email",
        "Hola, {name}:\n\n{vendor} propone ir el {when} por su solicitud #{code}.\nResponda SI al mensaje de texto, o confirme aquí: {link}\n\n— {team}",
    ),
    (
        "tenant.scheduled.sms",
        "#{code} agendado: {vendor} ira el {when}. Responda REPROGRAMAR si ya no le queda bien.",
    ),
    (
        "tenant.scheduled.subject",
        "Agendado: {vendor} irá el {when}",
    ),
    (
        "tenant.scheduled.email",
        "Hola, {name}:\n\nSu reparación #{code} está agendada.\n\nQuién: {vendor}\nCuándo: {when}\nDónde: {property}, unidad {unit}\n\nLa invitación va adjunta. Siga el avance aquí: {link}\n\n— {team}",
    ),
    (
        "tenant.reminder_eve.subject",
        "Recordatorio: {vendor} va mañana, {when}",
    ),
    (
        "tenant.reminder_eve.email",
        "Hola, {name}:\n\nLe recordamos que {vendor} va mañana, {when}, por la solicitud #{code}.\n{link}\n\n— {team}",
    ),
    (
        "tenant.reminder_morning.sms",
        "Recordatorio: {vendor} va hoy, {when} (#{code}).",
    ),
    (
        "tenant.late.sms",
        "#{code}: {vendor} viene con retraso{minutes}. Disculpe la espera.",
    ),
    (
        "tenant.completed.sms",
        "#{code}: {vendor} marco la reparacion como terminada. ¿Como le fue? Responda de 1 (mal) a 5 (excelente).",
    ),
    (
        "tenant.completed.subject",
        "Su reparación #{code} está terminada",
    ),
    (
        "tenant.completed.email",
        "Hola, {name}:\n\n{vendor} marcó su reparación #{code} como terminada. Si algo sigue mal, responda a este correo.\n¿Cómo le fue? Responda de 1 (mal) a 5 (excelente) a nuestro mensaje de texto, o aquí: {link}\n\n— {team}",
    ),
    (
        "tenant.unscheduled.sms",
        "#{code}: la visita del {when} se cancelo ({reason}). Le confirmaremos una nueva hora.",
    ),
    (
        "tenant.cancelled.sms",
        "#{code}: su solicitud quedo cancelada. Responda o envie una nueva si aun necesita ayuda.",
    ),
    ("tenant.cancelled.subject", "Solicitud #{code} cancelada"),
    (
        "tenant.question.subject",
        "Pregunta de seguridad sobre su solicitud #{code}",
    ),
    (
        "tenant.question.email",
        "Hola, {name}:\n\nUna pregunta sobre su solicitud #{code}, por su seguridad:\n\n  {question}\n\nResponda SÍ o NO en su página de estado: {link}\nSi la respuesta es sí, lo trataremos como una emergencia de inmediato. Si alguien corre peligro, llame al 911 ahora.\n\n— {team}",
    ),
    (
        "tenant.question_no.sms",
        "#{code}: gracias, lo trataremos como una reparacion normal. Si eso cambia, responda SI. Si hay peligro, llame al 911.",
    ),
    (
        "tenant.cancelled.email",
        "Hola, {name}:\n\nSu solicitud #{code} en {property} quedó cancelada{reason}.\n\n— {team}",
    ),
    (
        "sms.not_understood",
        "Disculpe, no le entendimos. {expected} Responda HELP para ver las opciones.",
    ),
    (
        "tenant.refusal.too_many_times",
        "Podemos guardar como máximo {max} de sus horarios abiertos. Puede agregar más cuando algunos hayan pasado.",
    ),
    (
        "sms.which_job",
        "Tiene varias solicitudes abiertas: {jobs}. Agregue el numero de la solicitud, p. ej. {example}.",
    ),
    // tenant texts a new problem
    (
        "sms.new_request",
        "{team}: para reportar este problema nuevo, revise y envie el formulario con su mensaje: {link} Nada se envia hasta que lo haga. Peligro? Llame al 911.",
    ),
];

/// The suffix of a portfolio's override of a Spanish text.
pub const SPANISH_SUFFIX: &str = ".es";

/// Every message key a portfolio may override under `messages:`.
pub const KEYS: &[&str] = &{
    let mut out = [""; DEFAULTS.len()];
    let mut i = 0;
    while i < DEFAULTS.len() {
        out[i] = DEFAULTS[i].0;
        i += 1;
    }
    out
};

/// The text for `key` (the portfolio's override, else the default) with `{name}` placeholders
/// filled from `vars`; unknown placeholders are left as written so a typo is visible, not lost.
pub fn render(portfolio: &Portfolio, key: &str, vars: &[(&str, String)]) -> String {
    render_in(portfolio, key, Language::En, vars)
}

/// [`render`] in `lang`. A Spanish text is the portfolio's `<key>.es`, else the Spanish
/// default; a key with no Spanish text (staff and vendor messages) stays in English.
pub fn render_in(
    portfolio: &Portfolio,
    key: &str,
    lang: Language,
    vars: &[(&str, String)],
) -> String {
    let spanish = match lang {
        Language::Es => portfolio
            .messages
            .get(&format!("{key}{SPANISH_SUFFIX}"))
            .map(String::as_str)
            .or_else(|| DEFAULTS_ES.iter().find(|(k, _)| *k == key).map(|(_, t)| *t))
            .or_else(|| {
                crate::advice::is_spanish_key(key)
                    .then(|| crate::advice::text(key, lang))
                    .flatten()
            }),
        Language::En => None,
    };
    let template = spanish
        .or_else(|| portfolio.messages.get(key).map(String::as_str))
        .or_else(|| DEFAULTS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t))
        .or_else(|| crate::advice::text(key, Language::En))
        .unwrap_or(key);
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if after[..close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let name = &after[..close];
                // The last binding wins, so callers can override the common placeholders.
                match vars.iter().rfind(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An SMS text as sent to a reader of `lang`. Spanish's á, í, ó and ú (and capitals) are not
/// in the GSM-7 alphabet — é, ñ, ü, ¿ and ¡ are — and one of them would send the whole text as
/// UCS-2, in segments of 70 characters instead of 160; they are written without their accent,
/// as Spanish texts often are.
pub fn for_sms(text: String, lang: Language) -> String {
    match lang {
        Language::En => text,
        Language::Es => text
            .chars()
            .map(|c| match c {
                'á' => 'a',
                'í' => 'i',
                'ó' => 'o',
                'ú' => 'u',
                'Á' => 'A',
                'Í' => 'I',
                'Ó' => 'O',
                'Ú' => 'U',
                c => c,
            })
            .collect(),
    }
}

/// True when `key` has a default text.
pub fn is_key(key: &str) -> bool {
    KEYS.contains(&key) || crate::advice::is_key(key)
}

/// True when a portfolio may override `key` under `messages:`: a message key, or a key with a
/// Spanish text followed by [`SPANISH_SUFFIX`].
pub fn is_override_key(key: &str) -> bool {
    is_key(key)
        || key.strip_suffix(SPANISH_SUFFIX).is_some_and(|k| {
            DEFAULTS_ES.iter().any(|(d, _)| *d == k) || crate::advice::is_spanish_key(k)
        })
}

/// The keys that have a Spanish text (each also has an English one).
pub fn spanish_keys() -> impl Iterator<Item = &'static str> {
    DEFAULTS_ES
        .iter()
        .map(|(k, _)| *k)
        .chain(crate::advice::keys().filter(|k| crate::advice::is_spanish_key(k)))
}
