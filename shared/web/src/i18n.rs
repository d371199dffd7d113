//! The tenant's language: English or Spanish, from `?lang=` and else the browser's
//! `Accept-Language`, and the words the tenant pages need in both — including field errors,
//! refusals, statuses and dates, which the lower layers write in English.

use crate::intake::FieldError;
use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use mendwork_domain::{Language, Status, Window};
use std::convert::Infallible;

/// A language the tenant pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

/// The pages' language is the domain's [`Language`]: what a tenant reads on the form is what
/// their messages are written in.
impl From<Lang> for Language {
    fn from(lang: Lang) -> Language {
        match lang {
            Lang::En => Language::En,
            Lang::Es => Language::Es,
        }
    }
}

impl From<Language> for Lang {
    fn from(lang: Language) -> Lang {
        match lang {
            Language::En => Lang::En,
            Language::Es => Lang::Es,
        }
    }
}

impl Lang {
    /// The code for `lang=` and `<html lang>`.
    pub fn code(self) -> &'static str {
        Language::from(self).code()
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Language::parse(s).map(Lang::from)
    }

    /// The English or the Spanish words.
    pub fn t(self, en: &'static str, es: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }

    /// `?lang=es` for links that must keep Spanish; nothing for English (the default).
    pub fn query(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Es => "?lang=es",
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The other language's name in itself.
    pub fn other_name(self) -> &'static str {
        Language::from(self.other()).name()
    }

    /// From a query string's `lang`, else the first supported language of `Accept-Language`
    /// by preference, else English.
    pub fn negotiate(query: Option<&str>, accept: Option<&str>) -> Lang {
        if let Some(l) = query.and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| Lang::parse(v))
        }) {
            return l;
        }
        let Some(accept) = accept else {
            return Lang::En;
        };
        let mut best: Option<(f32, Lang)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::parse(primary) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let accept = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Ok(Lang::negotiate(parts.uri.query(), accept))
    }
}

/// A status in the tenant's words.
pub fn status_label(lang: Lang, s: Status) -> &'static str {
    match lang {
        Lang::En => s.label(),
        Lang::Es => match s {
            Status::Submitted => "Recibida",
            Status::Dispatching => "Buscando técnico",
            Status::NeedsAttention => "En revisión",
            Status::Accepted => "Técnico asignado",
            Status::Scheduled => "Cita programada",
            Status::InProgress => "Técnico en el lugar",
            Status::AwaitingApproval => "Esperando aprobación",
            Status::Completed => "Terminada",
            Status::Closed => "Cerrada",
            Status::Cancelled => "Cancelada",
        },
    }
}

const ES_DAYS: [&str; 7] = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"];
const ES_MONTHS: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
];

fn es_day(d: Weekday) -> &'static str {
    ES_DAYS[d.num_days_from_monday() as usize]
}

fn es_date<T: Datelike>(d: &T) -> String {
    format!(
        "{} {} {}",
        es_day(d.weekday()),
        d.day(),
        ES_MONTHS[d.month0() as usize]
    )
}

fn es_time<T: Timelike>(t: &T) -> String {
    format!("{}:{:02}", t.hour(), t.minute())
}

/// An instant in the property's zone, in the tenant's language.
pub fn at(lang: Lang, tz: Tz, t: DateTime<Utc>) -> String {
    match lang {
        Lang::En => crate::pages::at(tz, t),
        Lang::Es => {
            let l = t.with_timezone(&tz);
            format!("{}, {}", es_date(&l), es_time(&l))
        }
    }
}

/// A window in the property's zone, in the tenant's language.
pub fn when(lang: Lang, tz: Tz, w: &Window) -> String {
    match lang {
        Lang::En => crate::pages::when(tz, w),
        Lang::Es => {
            let s = w.start.with_timezone(&tz);
            let e = w.end.with_timezone(&tz);
            if s.date_naive() == e.date_naive() {
                format!("{}, {}–{}", es_date(&s), es_time(&s), es_time(&e))
            } else {
                format!(
                    "{}, {} – {}, {}",
                    es_date(&s),
                    es_time(&s),
                    es_date(&e),
                    es_time(&e)
                )
            }
        }
    }
}

/// A field error in the tenant's language. The parsers speak English; their sentences are
/// known, so each is matched here (an unknown one stays in English rather than vanish).
pub fn field_message(lang: Lang, e: &FieldError) -> String {
    if lang == Lang::En {
        return e.message.clone();
    }
    let m = e.message.as_str();
    let fixed = match m {
        "Please enter your unit." => Some("Indique su unidad o apartamento."),
        "Please enter your name." => Some("Indique su nombre."),
        "Please enter what the problem is." => Some("Describa el problema."),
        "This contains characters we can't accept." => {
            Some("Contiene caracteres que no podemos aceptar.")
        }
        "This doesn't look like an email address, e.g. name@example.com." => {
            Some("Esto no parece un correo electrónico, p. ej. nombre@ejemplo.com.")
        }
        "This doesn't look like a phone number: use a 10-digit US number or +country code." => {
            Some(
                "Esto no parece un número de teléfono: use 10 dígitos (EE. UU.) o + y el código del país.",
            )
        }
        "Please give an email address or a mobile number so we can keep you updated." => {
            Some("Indique un correo electrónico o un número de celular para poder informarle.")
        }
        "Please choose a property." => Some("Elija su edificio."),
        "The end time must be after the start time." => {
            Some("La hora final debe ser posterior a la inicial.")
        }
        "This time is already past: please choose a time in the future." => {
            Some("Esa hora ya pasó: elija una hora futura.")
        }
        "Please enter a date, e.g. 2026-03-10." => Some("Indique una fecha, p. ej. 2026-03-10."),
        "Please enter a time, e.g. 09:30." => Some("Indique una hora, p. ej. 09:30."),
        "Please give the date, a start time and an end time."
        | "Please give a date, a start time and an end time." => {
            Some("Indique la fecha, una hora de inicio y una hora final.")
        }
        "Please choose yes or no." => Some("Elija sí o no."),
        "Please choose a rating from 1 to 5." => Some("Elija una calificación del 1 al 5."),
        "Each photo must be under 8 MB." => Some("Cada foto debe pesar menos de 8 MB."),
        "Only photos can be attached (JPEG, PNG, GIF, WebP or HEIC)." => {
            Some("Solo se pueden adjuntar fotos (JPEG, PNG, GIF, WebP o HEIC).")
        }
        "We didn't receive your photos. Please choose them again." => {
            Some("No recibimos sus fotos. Vuelva a elegirlas.")
        }
        _ => None,
    };
    if let Some(f) = fixed {
        return f.to_string();
    }
    if let Some(n) = m
        .strip_prefix("Please keep this under ")
        .and_then(|r| r.strip_suffix(" characters."))
    {
        return format!("Escriba menos de {n} caracteres.");
    }
    if let Some(n) = m
        .strip_prefix("Please give at most ")
        .and_then(|r| r.strip_suffix(" times."))
    {
        return format!("Indique como máximo {n} horarios.");
    }
    if let Some(n) = m
        .strip_prefix("Please attach at most ")
        .and_then(|r| r.strip_suffix(" photos."))
    {
        return format!("Adjunte como máximo {n} fotos.");
    }
    if let Some(codes) = m
        .strip_prefix("We can only text numbers starting ")
        .and_then(|r| r.strip_suffix(". Please give one of those, or just an email address."))
    {
        return format!(
            "Solo podemos enviar mensajes a números que empiezan por {}. Indique uno de ellos o solo un correo electrónico.",
            codes.replace(" or ", " o ")
        );
    }
    if m.starts_with("Unknown category") {
        return "Elija un tipo de problema de la lista.".into();
    }
    if m.starts_with("There is no property") {
        return "Ese edificio no existe: elíjalo de la lista.".into();
    }
    e.message.clone()
}

/// A rejection in the tenant's language from the message catalogue (the portfolio's words,
/// else the defaults), for rejections that have catalogue words; `None` for the others.
pub fn rejection(
    lang: Lang,
    r: &mendwork_domain::Rejection,
    portfolio: &mendwork_domain::Portfolio,
) -> Option<String> {
    let (key, vars) = r.catalogue()?;
    Some(mendwork_domain::messages::render_in(
        portfolio,
        key,
        lang.into(),
        &vars,
    ))
}

/// A refusal (the domain's sentence) in the tenant's language, for the few a tenant can meet.
pub fn refusal(lang: Lang, m: &str) -> String {
    if lang == Lang::En {
        return m.to_string();
    }
    let lower = m.to_ascii_lowercase();
    if lower.starts_with("this can't be done while the work order is") {
        "Esto ya no se puede hacer en el estado actual de su solicitud.".into()
    } else if lower.starts_with("the time must be in the future") {
        "La hora debe ser futura y empezar antes de terminar.".into()
    } else if lower.starts_with("the rating must be") {
        "La calificación debe ser del 1 al 5.".into()
    } else if lower.starts_with("there is no slot") {
        "Ese horario no existe.".into()
    } else {
        "No se pudo hacer. Por favor, inténtelo de nuevo o llame al equipo de mantenimiento.".into()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_query_wins_then_the_preferred_supported_language() {
        assert_eq!(Lang::negotiate(Some("lang=es"), Some("en-US")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("x=1&lang=en"), Some("es")), Lang::En);
        assert_eq!(
            Lang::negotiate(None, Some("es-MX,es;q=0.9,en;q=0.8")),
            Lang::Es
        );
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, en;q=0.5, es;q=0.4")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("fr")), Lang::En);
        assert_eq!(Lang::negotiate(Some("lang=de"), None), Lang::En);
    }

    #[test]
    fn spanish_dates_use_spanish_names_and_the_property_zone() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let w = Window::new(
            Utc.with_ymd_and_hms(2026, 3, 10, 13, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 10, 15, 0, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(when(Lang::Es, tz, &w), "mar 10 mar, 9:00–11:00");
    }

    #[test]
    fn every_form_error_has_spanish_words() {
        for m in [
            "Please enter your unit.",
            "Please keep this under 200 characters.",
            "Please give at most 10 times.",
            "Please give an email address or a mobile number so we can keep you updated.",
            "We can only text numbers starting +1 or +52. Please give one of those, or just an email address.",
        ] {
            let es = field_message(Lang::Es, &FieldError::new("x", m));
            assert_ne!(es, m);
        }
    }
}
