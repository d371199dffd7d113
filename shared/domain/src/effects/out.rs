//! The messages one event sends, as [`Out`] builds them: every placeholder a message may use, in
//! the reader's language, rendered from the catalogue, with the links the caller signs.

use crate::decide::Context;
use crate::disclosure::access_notes_for;
use crate::localtime::{format_window, format_window_in};
use crate::messages::{for_sms, render_in};
use crate::portfolio::{Vendor, VendorId};
use crate::types::{Language, Priority};
use crate::workorder::*;

/// Builds the links put in messages (signed by the caller; the domain holds no secret).
pub trait Links {
    /// The tenant's status page.
    fn tenant_status(&self, wo: &WorkOrder) -> String;
    /// The owner's approval page for the current approval round.
    fn owner_approval(&self, wo: &WorkOrder) -> String;
    /// The vendor's page for this job.
    fn vendor_job(&self, wo: &WorkOrder, vendor: &VendorId) -> String;
    /// A link to a stored file (a photo, an invoice) by the name the work order keeps.
    fn file(&self, name: &str) -> String;
}

pub(crate) struct Out<'a, 'c> {
    pub(crate) wo: &'a WorkOrder,
    pub(crate) ctx: &'a Context<'c>,
    pub(crate) links: &'a dyn Links,
    pub(crate) effects: Vec<Effect>,
}

impl Out<'_, '_> {
    /// The tenant's language.
    pub(crate) fn lang(&self) -> Language {
        self.wo.request.language
    }
    pub(crate) fn portfolio(&self) -> &crate::portfolio::Portfolio {
        self.ctx.portfolio
    }
    /// The placeholders every message may use, in English.
    pub(crate) fn vars(&self) -> Vec<(&'static str, String)> {
        self.vars_in(Language::En)
    }
    /// The placeholders every message may use, for a reader of `lang`.
    pub(crate) fn vars_in(&self, lang: Language) -> Vec<(&'static str, String)> {
        let wo = self.wo;
        let p = self.ctx.property;
        let tz = p.timezone;
        let t = &wo.request.tenant;
        let vendor = wo
            .vendor
            .as_ref()
            .and_then(|v| self.ctx.portfolio.vendor(v))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| render_in(self.ctx.portfolio, "fill.the_vendor", lang, &[]));
        let when = wo
            .appointment
            .or(wo.proposal)
            .map(|w| format_window_in(tz, &w, lang))
            .unwrap_or_default();
        let diagnosis = wo
            .triage
            .as_ref()
            .map(|t| t.diagnosis_in(lang))
            .unwrap_or_default();
        // The tenant's own access notes are added for the vendor holding the job only
        // (`vendor_extra`).
        let access = self.access(None);
        let nte = if wo.priority == Priority::Emergency {
            p.emergency_nte
        } else {
            p.nte
        };
        vec![
            ("team", self.ctx.portfolio.team.name.clone()),
            ("code", wo.code.to_string()),
            ("property", p.name.clone()),
            ("address", p.address.clone()),
            (
                "street",
                p.address
                    .split(',')
                    .next()
                    .unwrap_or(&p.address)
                    .trim()
                    .to_string(),
            ),
            ("unit", wo.request.unit.clone()),
            ("name", t.name.clone()),
            (
                "tenant_phone",
                t.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            ),
            ("description", wo.request.description.clone()),
            ("summary", short(&wo.request.description, 60)),
            ("trade", wo.trade.label().to_string()),
            ("priority", wo.priority.as_str().to_string()),
            ("diagnosis", diagnosis),
            ("nte", nte.to_string()),
            ("access", access),
            (
                "photos",
                if wo.request.photos.is_empty() {
                    "none".into()
                } else {
                    wo.request
                        .photos
                        .iter()
                        .map(|p| self.links.file(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ),
            ("vendor", vendor),
            ("when", when),
            ("owner", p.owner.name.clone()),
            ("slots", slot_list(wo, tz)),
        ]
    }
    /// What a vendor needs to get in: entry permission, pets, the tenant's access notes when
    /// given (`notes`), the building's notes.
    pub(crate) fn access(&self, notes: Option<&str>) -> String {
        let wo = self.wo;
        let mut access = vec![];
        access.push(if wo.request.permission_to_enter {
            "permission to enter".to_string()
        } else {
            "tenant must be home".to_string()
        });
        if let Some(pets) = &wo.request.pets {
            access.push(format!("pets: {pets}"));
        }
        if let Some(n) = notes {
            access.push(n.to_string());
        }
        if let Some(n) = &self.ctx.property.notes {
            access.push(n.clone());
        }
        access.join("; ")
    }
    pub(crate) fn sms(
        &mut self,
        to: Option<&crate::Phone>,
        recipient: Recipient,
        key: &str,
        extra: &[(&'static str, String)],
    ) {
        self.sms_in(to, recipient, key, extra, Language::En);
    }
    pub(crate) fn sms_in(
        &mut self,
        to: Option<&crate::Phone>,
        recipient: Recipient,
        key: &str,
        extra: &[(&'static str, String)],
        lang: Language,
    ) {
        let Some(to) = to else { return };
        if self.ctx.opted_out.contains(to) && recipient != Recipient::Pm {
            return;
        }
        let mut vars = self.vars_in(lang);
        vars.extend(extra.iter().cloned());
        let body = render_in(self.ctx.portfolio, key, lang, &vars);
        // Whatever went into it (a tenant's words, a long list), no text passes its budget.
        let body = crate::budget::fit_sms(for_sms(body, lang));
        self.effects.push(Effect::Sms(SmsMessage {
            to: to.clone(),
            recipient,
            body,
            key: key.to_string(),
        }));
    }
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn email(
        &mut self,
        to: Option<&crate::Email>,
        recipient: Recipient,
        key: &str,
        subject_key: &str,
        extra: &[(&'static str, String)],
        ics: Option<String>,
        lang: Language,
    ) {
        let Some(to) = to else { return };
        let mut vars = self.vars_in(lang);
        vars.extend(extra.iter().cloned());
        let subject = render_in(self.ctx.portfolio, subject_key, lang, &vars);
        let text = render_in(self.ctx.portfolio, key, lang, &vars);
        self.effects.push(Effect::Email(EmailMessage {
            to: to.clone(),
            recipient,
            subject,
            text,
            ics,
            key: key.to_string(),
            language: lang,
        }));
    }
    pub(crate) fn tenant_sms(&mut self, key: &str, extra: &[(&'static str, String)]) {
        let phone = self.wo.request.tenant.phone.clone();
        let lang = self.lang();
        self.sms_in(phone.as_ref(), Recipient::Tenant, key, extra, lang);
    }
    pub(crate) fn tenant_email(
        &mut self,
        key: &str,
        subject: &str,
        extra: &[(&'static str, String)],
        ics: Option<String>,
    ) {
        let email = self.wo.request.tenant.email.clone();
        let lang = self.lang();
        self.email(
            email.as_ref(),
            Recipient::Tenant,
            key,
            subject,
            extra,
            ics,
            lang,
        );
    }
    pub(crate) fn vendor(&self, id: &VendorId) -> Option<&Vendor> {
        self.ctx.portfolio.vendor(id)
    }
    /// A vendor's messages name the vendor they go to (an offer goes out before anyone is
    /// assigned).
    pub(crate) fn vendor_extra(
        &self,
        id: &VendorId,
        extra: &[(&'static str, String)],
    ) -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = self
            .vendor(id)
            .map(|v| vec![("vendor", v.name.clone())])
            .unwrap_or_default();
        if let Some(notes) = access_notes_for(self.wo, id) {
            v.push(("access", self.access(Some(notes))));
        }
        v.extend(extra.iter().cloned());
        v
    }
    pub(crate) fn vendor_sms(
        &mut self,
        id: &VendorId,
        key: &str,
        extra: &[(&'static str, String)],
    ) {
        let phone = self.vendor(id).map(|v| v.phone.clone());
        let extra = self.vendor_extra(id, extra);
        self.sms(phone.as_ref(), Recipient::Vendor(id.clone()), key, &extra);
    }
    pub(crate) fn vendor_email(
        &mut self,
        id: &VendorId,
        key: &str,
        subject: &str,
        extra: &[(&'static str, String)],
    ) {
        let email = self.vendor(id).map(|v| v.email.clone());
        let extra = self.vendor_extra(id, extra);
        self.email(
            email.as_ref(),
            Recipient::Vendor(id.clone()),
            key,
            subject,
            &extra,
            None,
            Language::En,
        );
    }
    pub(crate) fn pm_email(&mut self, key: &str, subject: &str, extra: &[(&'static str, String)]) {
        let email = self.ctx.portfolio.team.email.clone();
        self.email(
            Some(&email),
            Recipient::Pm,
            key,
            subject,
            extra,
            None,
            Language::En,
        );
    }
    /// A text to the team's phone, if the portfolio gives one, sent at once at any hour: texts
    /// are never held for quiet hours (only offers are).
    pub(crate) fn pm_sms(&mut self, key: &str, extra: &[(&'static str, String)]) {
        let phone = self.ctx.portfolio.team.phone.clone();
        self.sms(phone.as_ref(), Recipient::Pm, key, extra);
    }
    pub(crate) fn owner_email(
        &mut self,
        key: &str,
        subject: &str,
        extra: &[(&'static str, String)],
    ) {
        let email = self.ctx.property.owner.email.clone();
        self.email(
            Some(&email),
            Recipient::Owner,
            key,
            subject,
            extra,
            None,
            Language::En,
        );
    }
}

fn short(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        let mut s = s;
        if !s.ends_with(['.', '!', '?']) {
            s.push('.');
        }
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .to_string();
    format!("{cut}...")
}

fn slot_list(wo: &WorkOrder, tz: chrono_tz::Tz) -> String {
    wo.slots
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{}) {}", i + 1, format_window(tz, w).replacen(',', "", 1)))
        .collect::<Vec<_>>()
        .join(" ")
}
