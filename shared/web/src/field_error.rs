//! Why a form field was not accepted, as a typed reason ([`FieldReason`]) said in the reader's
//! language from the catalogue (`form.*`), never an English sentence translated afterwards.

use crate::error::WebError;
use crate::i18n::Lang;
use mendwork_domain::Language;
use mendwork_domain::catalogue;

/// One field's problem, as a typed reason said in the reader's language from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: FieldReason,
}

/// Why a field was not accepted. Every reason a tenant or vendor can meet is a variant with a
/// catalogue key (`form.*`) and the values its text needs; [`FieldReason::Words`] carries words
/// already written for their reader — staff pages and the PM API, which are English by design,
/// or a reason already rendered — and is never translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldReason {
    TooLong {
        max: usize,
    },
    BadCharacters,
    MissingUnit,
    MissingName,
    MissingDescription,
    BadEmail,
    BadPhone,
    /// The team texts only numbers starting with these country codes (`+1`, `+52`).
    CountryNotTexted {
        codes: Vec<String>,
    },
    ContactMissing,
    UnknownCategory {
        value: String,
        options: Vec<String>,
    },
    ChooseProperty,
    NoSuchProperty {
        value: String,
    },
    EndBeforeStart,
    TimePast,
    BadDate,
    BadTime,
    IncompleteWindow,
    TooManyWindows {
        max: usize,
    },
    ChooseYesNo,
    ChooseRating,
    TooManyPhotos {
        max: usize,
    },
    OneFile,
    PhotoTooBig,
    FileTooBig,
    NotAPhoto,
    NotAnInvoice,
    PhotosMissing,
    FileMissing,
    BadAmount,
    ChooseSlot,
    ProposeFuture,
    UseButtons,
    Words(String),
}

impl FieldReason {
    /// The catalogue key and the values its text needs, said in `lang`.
    fn key(&self, lang: Language) -> (&'static str, Vec<(&'static str, String)>) {
        use FieldReason as R;
        let list = |items: &[String]| items.join(&catalogue::render("form.or", lang, &[]));
        let quoted = |v: &str| format!("\"{v}\"");
        let none = Vec::new;
        match self {
            R::TooLong { max } => ("form.too_long", vec![("max", max.to_string())]),
            R::BadCharacters => ("form.bad_characters", none()),
            R::MissingUnit => ("form.missing_unit", none()),
            R::MissingName => ("form.missing_name", none()),
            R::MissingDescription => ("form.missing_description", none()),
            R::BadEmail => ("form.bad_email", none()),
            R::BadPhone => ("form.bad_phone", none()),
            R::CountryNotTexted { codes } => {
                ("form.country_not_texted", vec![("codes", list(codes))])
            }
            R::ContactMissing => ("form.contact_missing", none()),
            R::UnknownCategory { value, options } => (
                "form.unknown_category",
                vec![("value", quoted(value)), ("options", options.join(", "))],
            ),
            R::ChooseProperty => ("form.choose_property", none()),
            R::NoSuchProperty { value } => {
                ("form.no_such_property", vec![("value", quoted(value))])
            }
            R::EndBeforeStart => ("form.end_before_start", none()),
            R::TimePast => ("form.time_past", none()),
            R::BadDate => ("form.bad_date", none()),
            R::BadTime => ("form.bad_time", none()),
            R::IncompleteWindow => ("form.incomplete_window", none()),
            R::TooManyWindows { max } => ("form.too_many_windows", vec![("max", max.to_string())]),
            R::ChooseYesNo => ("form.choose_yes_no", none()),
            R::ChooseRating => ("form.choose_rating", none()),
            R::TooManyPhotos { max } => ("form.too_many_photos", vec![("max", max.to_string())]),
            R::OneFile => ("form.one_file", none()),
            R::PhotoTooBig => ("form.photo_too_big", none()),
            R::FileTooBig => ("form.file_too_big", none()),
            R::NotAPhoto => ("form.not_a_photo", none()),
            R::NotAnInvoice => ("form.not_an_invoice", none()),
            R::PhotosMissing => ("form.photos_missing", none()),
            R::FileMissing => ("form.file_missing", none()),
            R::BadAmount => ("form.bad_amount", none()),
            R::ChooseSlot => ("form.choose_slot", none()),
            R::ProposeFuture => ("form.propose_future", none()),
            R::UseButtons => ("form.use_buttons", none()),
            R::Words(_) => ("", none()),
        }
    }

    /// The reason in `lang`'s words.
    pub fn said_in(&self, lang: Lang) -> String {
        match self {
            FieldReason::Words(words) => words.clone(),
            typed => {
                let lang = Language::from(lang);
                let (key, vars) = typed.key(lang);
                catalogue::render(key, lang, &vars)
            }
        }
    }
}

/// Staff pages and the PM API write their field errors in English words (see
/// [`FieldReason::Words`]).
impl From<String> for FieldReason {
    fn from(words: String) -> FieldReason {
        FieldReason::Words(words)
    }
}

impl From<&str> for FieldReason {
    fn from(words: &str) -> FieldReason {
        FieldReason::Words(words.to_string())
    }
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<FieldReason>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The reason in English (the JSON API's and the staff pages' language).
    pub fn message(&self) -> String {
        self.reason.said_in(Lang::En)
    }

    /// The same error with its reason said in `lang`.
    pub fn said_in(&self, lang: Lang) -> FieldError {
        FieldError::new(self.field.clone(), self.reason.said_in(lang))
    }
}

impl From<FieldError> for WebError {
    fn from(e: FieldError) -> WebError {
        WebError::Field {
            message: e.message(),
            field: e.field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldReason as R;

    /// One of each reason, with values like the parsers give.
    fn every_reason() -> Vec<FieldReason> {
        vec![
            R::TooLong { max: 200 },
            R::BadCharacters,
            R::MissingUnit,
            R::MissingName,
            R::MissingDescription,
            R::BadEmail,
            R::BadPhone,
            R::CountryNotTexted {
                codes: vec!["+1".into(), "+52".into()],
            },
            R::ContactMissing,
            R::UnknownCategory {
                value: "boat".into(),
                options: vec!["plumbing".into(), "electrical".into()],
            },
            R::ChooseProperty,
            R::NoSuchProperty {
                value: "nowhere".into(),
            },
            R::EndBeforeStart,
            R::TimePast,
            R::BadDate,
            R::BadTime,
            R::IncompleteWindow,
            R::TooManyWindows { max: 10 },
            R::ChooseYesNo,
            R::ChooseRating,
            R::TooManyPhotos { max: 5 },
            R::OneFile,
            R::PhotoTooBig,
            R::FileTooBig,
            R::NotAPhoto,
            R::NotAnInvoice,
            R::PhotosMissing,
            R::FileMissing,
            R::BadAmount,
            R::ChooseSlot,
            R::ProposeFuture,
            R::UseButtons,
        ]
    }

    #[test]
    fn every_field_reason_is_said_in_both_languages_with_every_value_filled() {
        for reason in every_reason() {
            let en = reason.said_in(Lang::En);
            let es = reason.said_in(Lang::Es);
            for text in [&en, &es] {
                assert!(
                    catalogue::placeholders(text).is_empty() && !text.starts_with("form."),
                    "{reason:?}: {text}"
                );
            }
            assert_ne!(en, es, "{reason:?} has no Spanish words");
        }
    }

    #[test]
    fn a_country_list_is_joined_in_the_readers_language() {
        let r = R::CountryNotTexted {
            codes: vec!["+1".into(), "+52".into()],
        };
        assert!(r.said_in(Lang::En).contains("+1 or +52"));
        assert!(r.said_in(Lang::Es).contains("+1 o +52"));
    }

    #[test]
    fn staff_words_are_shown_as_written_in_any_language() {
        let r = FieldReason::from("Please choose approve or decline.");
        assert_eq!(r.said_in(Lang::Es), "Please choose approve or decline.");
    }
}
