//! The tenant's language: English or Spanish, from `?lang=` and else the browser's
//! `Accept-Language`, and the words the tenant pages need in both: refusals and statuses from
//! the catalogue (field errors say themselves, see `intake::FieldReason`), and dates.

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use mendwork_domain::catalogue;
use mendwork_domain::messages;
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

    /// The catalogue's words for `key` in this language (else English; else the key itself,
    /// so a missing key shows on the page instead of vanishing — and fails the page tests).
    pub fn w(self, key: &'static str) -> &'static str {
        catalogue::text(key, self.into()).unwrap_or(key)
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

/// A status in the tenant's words, from the catalogue (`status.<status>`).
pub fn status_label(lang: Lang, s: Status) -> String {
    catalogue::render(messages::status_key(s), lang.into(), &[])
}

/// The `n`th (from 0) of the space-separated names of catalogue text `key` in Spanish (the
/// short names of weekdays and months, `page.*_short`); a catalogue missing one reads empty.
fn es_name(key: &str, n: usize) -> &'static str {
    catalogue::text(key, Language::Es)
        .and_then(|names| names.split(' ').nth(n))
        .unwrap_or_default()
}

fn es_day(d: Weekday) -> &'static str {
    es_name("page.weekdays_short", d.num_days_from_monday() as usize)
}

fn es_date<T: Datelike>(d: &T) -> String {
    format!(
        "{} {} {}",
        es_day(d.weekday()),
        d.day(),
        es_name("page.months_short", d.month0() as usize)
    )
}

/// The words of catalogue text `key` in English and in Spanish, side by side, for what both
/// read at once (the printed QR sign).
pub fn both(key: &str) -> String {
    format!(
        "{} · {}",
        catalogue::render(key, Language::En, &[]),
        catalogue::render(key, Language::Es, &[])
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

/// A rejection in the tenant's language, from the catalogue (the portfolio's words, else the
/// defaults), as a sentence fragment; see [`mendwork_domain::messages::refusal`].
pub fn rejection(
    lang: Lang,
    r: &mendwork_domain::Rejection,
    portfolio: &mendwork_domain::Portfolio,
) -> String {
    mendwork_domain::messages::refusal(portfolio, r, lang.into())
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
    fn the_catalogue_names_seven_weekdays_and_twelve_months_in_both_languages() {
        for lang in [Language::En, Language::Es] {
            for (key, n) in [("page.weekdays_short", 7), ("page.months_short", 12)] {
                let names = catalogue::exact(key, lang).unwrap();
                assert_eq!(names.split(' ').count(), n, "{key} {lang:?}");
            }
        }
        assert_eq!(es_day(Weekday::Sat), "sáb");
    }

    #[test]
    fn the_qr_sign_reads_in_english_and_spanish_side_by_side() {
        assert_eq!(
            both("page.qr.title"),
            "Maintenance problem? · ¿Problema de mantenimiento?"
        );
    }

    #[test]
    fn a_refusal_and_a_status_are_said_in_the_tenants_language() {
        let sample = include_str!("../../../infra/sample-portfolio.yaml");
        let portfolio = mendwork_domain::config::parse_portfolio(sample, "sample.yaml").unwrap();
        let closed = mendwork_domain::Rejection::WrongStatus(Status::Closed.as_str());
        let es = rejection(Lang::Es, &closed, &portfolio);
        assert!(es.contains("Cerrada") && !es.contains("closed"), "{es}");
        let en = rejection(Lang::En, &closed, &portfolio);
        assert!(en.contains("Closed"), "{en}");
        assert_eq!(status_label(Lang::Es, Status::Scheduled), "Cita programada");
        assert_eq!(
            status_label(Lang::En, Status::Scheduled),
            Status::Scheduled.label()
        );
    }
}
