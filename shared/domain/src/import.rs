//! The portfolio's import from the team's PMS, and its merge rule — decided here once, for
//! every PMS (the adapter only reads what the PMS holds into a [`Directory`]).
//!
//! The rule. Entries are matched by the PMS id recorded on them (`pms_id`); a file vendor with
//! none is linked once, on the first import, to the PMS vendor with its phone or email, and
//! keeps that id from then on.
//! - **Properties** stay the file's: the PMS cannot say their time zone, NTE, owner, Go-To
//!   lists or policy. A mapped one takes the PMS's name and address and its units
//!   (`pms_units`, the PMS's unit number as the name). A PMS property no file property maps is
//!   reported, not added.
//! - **Vendors**: the PMS wins for name, phone, email, insurance expiry and whether they are
//!   active (a value the PMS does not have, or one Mendwork cannot use, keeps the file's); the
//!   file keeps the id, company, rank, emergency flag and its place on Go-To lists, and its
//!   trades (the PMS's one category adds its trade when it names one). A PMS vendor new to the
//!   file is added as `buildium-<id>` when it has a usable phone, email and a category naming a
//!   trade, else reported as skipped with the reason. A file vendor gone from the PMS is
//!   reported and kept as it is: removing it would empty Go-To lists behind the team's back.
//! - **Tenants** are the PMS's alone: those on a current lease of a mapped property, with a
//!   phone or an email, replace the file's list; one gone from it is reported as removed.

use crate::portfolio::{
    Email, Phone, Portfolio, PropertyId, Tenant, Vendor, VendorId, default_rank,
};
use crate::types::Trade;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// What the PMS holds, in its own ids, as read at one moment by an adapter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    pub properties: Vec<PmsProperty>,
    pub units: Vec<PmsUnit>,
    pub tenants: Vec<PmsTenant>,
    pub vendors: Vec<PmsVendor>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PmsProperty {
    pub pms_id: String,
    pub name: String,
    /// One line (`12 Maple Ct, Springfield, IL 62701`), if the PMS has one.
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PmsUnit {
    pub pms_id: String,
    /// The PMS id of its property.
    pub property: String,
    /// The unit number as the PMS shows it (`4B`).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PmsTenant {
    pub pms_id: String,
    pub name: String,
    /// Phone numbers as the PMS writes them, the one to text first.
    pub phones: Vec<String>,
    pub email: Option<String>,
    /// The PMS ids of the property and unit of the tenant's current lease, if any.
    pub property: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PmsVendor {
    pub pms_id: String,
    pub name: String,
    /// The PMS's category (free text there, `Plumbing`, `HVAC`…).
    pub category: Option<String>,
    /// Phone numbers as the PMS writes them, the one to text first.
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub insurance_expires: Option<NaiveDate>,
    pub active: bool,
}

/// The trade a PMS vendor category names, if it names one (`"Plumbing"`, `"HVAC repair"`,
/// `"Pest control"`); categories are free text in the PMS, so this reads words, not codes.
pub fn trade_of_category(category: &str) -> Option<Trade> {
    let c = category.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
    if has(&["plumb", "drain", "sewer"]) {
        Some(Trade::Plumbing)
    } else if has(&["electric"]) {
        Some(Trade::Electrical)
    } else if has(&[
        "hvac",
        "heating",
        "air condition",
        "cooling",
        "furnace",
        "boiler",
    ]) {
        Some(Trade::Hvac)
    } else if has(&["appliance"]) {
        Some(Trade::Appliance)
    } else if has(&["lock"]) {
        Some(Trade::Locksmith)
    } else if has(&["pest", "extermin"]) {
        Some(Trade::Pest)
    } else if has(&["roof", "gutter"]) {
        Some(Trade::Roofing)
    } else if has(&["general", "handyman", "maintenance", "repair"]) {
        Some(Trade::General)
    } else {
        None
    }
}

/// Which list an entry of the report is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Property,
    Vendor,
    Tenant,
}

/// What the import did to one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added,
    /// The fields that changed (names, never values: phones and addresses stay out of output).
    Updated(Vec<&'static str>),
    Unchanged,
    /// In the file, gone from the PMS: kept (properties, vendors) or removed (tenants).
    Gone {
        removed: bool,
    },
    /// In the PMS, not taken into the file, and why.
    Skipped(String),
}

/// One entry of the report: the portfolio's id (or `buildium <id>` for one not taken), its
/// name, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub section: Section,
    pub id: String,
    pub name: String,
    pub change: Change,
}

/// What an import changed, entry by entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: Vec<Line>,
}

impl ImportReport {
    fn push(&mut self, section: Section, id: impl Into<String>, name: &str, change: Change) {
        self.lines.push(Line {
            section,
            id: id.into(),
            name: name.to_string(),
            change,
        });
    }

    /// How many entries of `section` had a change like `like` (its variant, not its details).
    pub fn count(&self, section: Section, like: &Change) -> usize {
        self.lines
            .iter()
            .filter(|l| {
                l.section == section
                    && std::mem::discriminant(&l.change) == std::mem::discriminant(like)
            })
            .count()
    }

    /// Whether the merged portfolio differs from the file.
    pub fn changed(&self) -> bool {
        self.lines.iter().any(|l| {
            matches!(
                l.change,
                Change::Added | Change::Updated(_) | Change::Gone { removed: true }
            )
        })
    }

    /// The entry of `section` with portfolio id `id`.
    pub fn line(&self, section: Section, id: &str) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| l.section == section && l.id == id)
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (section, plural) in [
            (Section::Property, "properties"),
            (Section::Vendor, "vendors"),
            (Section::Tenant, "tenants"),
        ] {
            writeln!(
                f,
                "{plural}: {} added, {} updated, {} unchanged, {} gone from the PMS, {} skipped",
                self.count(section, &Change::Added),
                self.count(section, &Change::Updated(vec![])),
                self.count(section, &Change::Unchanged),
                self.count(section, &Change::Gone { removed: false }),
                self.count(section, &Change::Skipped(String::new())),
            )?;
            for l in self.lines.iter().filter(|l| l.section == section) {
                let what = match &l.change {
                    Change::Unchanged => continue,
                    Change::Added => "added".to_string(),
                    Change::Updated(fields) => format!("updated: {}", fields.join(", ")),
                    Change::Gone { removed: false } => {
                        "in the file but gone from the PMS: kept; remove or deactivate it".into()
                    }
                    Change::Gone { removed: true } => {
                        "gone from the PMS (or no current lease): removed".into()
                    }
                    Change::Skipped(why) => format!("not taken: {why}"),
                };
                writeln!(f, "  {} ({}): {what}", l.id, l.name)?;
            }
        }
        Ok(())
    }
}

/// The first of `phones` Mendwork can text.
fn first_phone(phones: &[String]) -> Option<Phone> {
    phones.iter().find_map(|p| Phone::parse(p).ok())
}

fn email_of(email: Option<&str>) -> Option<Email> {
    email.and_then(|e| Email::parse(e).ok())
}

/// Merges what the PMS holds into `file` by the rule above: the merged portfolio and what
/// changed. Pure; the caller checks the result as a loaded file is checked before using it.
pub fn merge(file: &Portfolio, pms: &Directory) -> (Portfolio, ImportReport) {
    let mut out = file.clone();
    let mut report = ImportReport::default();
    merge_properties(&mut out, pms, &mut report);
    merge_vendors(&mut out, pms, &mut report);
    merge_tenants(&mut out, file, pms, &mut report);
    (out, report)
}

fn merge_properties(out: &mut Portfolio, pms: &Directory, report: &mut ImportReport) {
    let mapped: HashSet<&str> = out
        .properties
        .iter()
        .filter_map(|p| p.pms_id.as_deref())
        .collect();
    for pp in pms
        .properties
        .iter()
        .filter(|p| !mapped.contains(p.pms_id.as_str()))
    {
        report.push(
            Section::Property,
            format!("buildium {}", pp.pms_id),
            &pp.name,
            Change::Skipped(
                "no property of the file maps it (add it with pms_id, timezone, nte and owner)"
                    .into(),
            ),
        );
    }
    for prop in out.properties.iter_mut() {
        let Some(id) = prop.pms_id.clone() else {
            continue;
        };
        let Some(pp) = pms.properties.iter().find(|p| p.pms_id == id) else {
            report.push(
                Section::Property,
                prop.id.as_str(),
                &prop.name,
                Change::Gone { removed: false },
            );
            continue;
        };
        let mut changed = vec![];
        if !pp.name.trim().is_empty() && prop.name != pp.name {
            prop.name = pp.name.clone();
            changed.push("name");
        }
        if let Some(a) = pp.address.as_ref().filter(|a| !a.trim().is_empty())
            && &prop.address != a
        {
            prop.address = a.clone();
            changed.push("address");
        }
        let units: BTreeMap<String, String> = pms
            .units
            .iter()
            .filter(|u| u.property == id && !u.name.trim().is_empty())
            .map(|u| (u.pms_id.clone(), u.name.clone()))
            .collect();
        if prop.pms_units != units {
            prop.pms_units = units;
            changed.push("pms_units");
        }
        let change = if changed.is_empty() {
            Change::Unchanged
        } else {
            Change::Updated(changed)
        };
        report.push(Section::Property, prop.id.as_str(), &prop.name, change);
    }
}

fn merge_vendors(out: &mut Portfolio, pms: &Directory, report: &mut ImportReport) {
    let mut seen: HashSet<usize> = HashSet::new();
    for pv in &pms.vendors {
        let phone = first_phone(&pv.phones);
        let email = email_of(pv.email.as_deref());
        let trade = pv.category.as_deref().and_then(trade_of_category);
        let by_id = out
            .vendors
            .iter()
            .position(|v| v.pms_id.as_deref() == Some(pv.pms_id.as_str()));
        // The first import links a hand-typed vendor by its phone or email, once.
        let linked = by_id.is_none();
        let found = by_id.or_else(|| {
            out.vendors.iter().position(|v| {
                v.pms_id.is_none()
                    && (phone.as_ref() == Some(&v.phone)
                        || email
                            .as_ref()
                            .is_some_and(|e| e.normalised() == v.email.normalised()))
            })
        });
        let Some(i) = found else {
            add_vendor(out, pv, phone, email, trade, report);
            continue;
        };
        seen.insert(i);
        let v = &mut out.vendors[i];
        let mut changed = vec![];
        if linked {
            v.pms_id = Some(pv.pms_id.clone());
            changed.push("pms_id");
        }
        if !pv.name.trim().is_empty() && v.name != pv.name {
            v.name = pv.name.clone();
            changed.push("name");
        }
        if let Some(p) = phone
            && v.phone != p
        {
            v.phone = p;
            changed.push("phone");
        }
        if let Some(e) = email
            && v.email != e
        {
            v.email = e;
            changed.push("email");
        }
        if v.insurance_expires != pv.insurance_expires {
            v.insurance_expires = pv.insurance_expires;
            changed.push("insurance_expires");
        }
        if v.active != pv.active {
            v.active = pv.active;
            changed.push("active");
        }
        if let Some(t) = trade
            && !v.trades.contains(&t)
        {
            v.trades.push(t);
            changed.push("trades");
        }
        let change = if changed.is_empty() {
            Change::Unchanged
        } else {
            Change::Updated(changed)
        };
        report.push(Section::Vendor, v.id.as_str(), &v.name, change);
    }
    let known: HashSet<&str> = pms.vendors.iter().map(|v| v.pms_id.as_str()).collect();
    for (i, v) in out.vendors.iter().enumerate() {
        if seen.contains(&i) {
            continue;
        }
        if let Some(id) = v.pms_id.as_deref()
            && !known.contains(id)
        {
            report.push(
                Section::Vendor,
                v.id.as_str(),
                &v.name,
                Change::Gone { removed: false },
            );
        }
    }
}

fn add_vendor(
    out: &mut Portfolio,
    pv: &PmsVendor,
    phone: Option<Phone>,
    email: Option<Email>,
    trade: Option<Trade>,
    report: &mut ImportReport,
) {
    let id = VendorId(format!("buildium-{}", pv.pms_id));
    let skip = |why: String| Change::Skipped(why);
    let change = if !pv.active {
        skip("inactive in the PMS".into())
    } else if out.vendor(&id).is_some() {
        skip(format!(
            "the file already uses the id {id} for another vendor"
        ))
    } else {
        match (phone, email, trade) {
            (None, _, _) => skip("no phone number Mendwork can text".into()),
            (_, None, _) => skip("no usable email address".into()),
            (_, _, None) => skip(format!(
                "its category {:?} names no trade (add it to the file with its trades)",
                pv.category.clone().unwrap_or_default()
            )),
            (Some(phone), Some(email), Some(trade)) => {
                out.vendors.push(Vendor {
                    id: id.clone(),
                    name: pv.name.clone(),
                    company: None,
                    phone,
                    email,
                    trades: vec![trade],
                    rank: default_rank(),
                    emergency: false,
                    active: true,
                    pms_id: Some(pv.pms_id.clone()),
                    insurance_expires: pv.insurance_expires,
                });
                report.push(Section::Vendor, id.as_str(), &pv.name, Change::Added);
                return;
            }
        }
    };
    report.push(
        Section::Vendor,
        format!("buildium {}", pv.pms_id),
        &pv.name,
        change,
    );
}

fn merge_tenants(
    out: &mut Portfolio,
    file: &Portfolio,
    pms: &Directory,
    report: &mut ImportReport,
) {
    let before: HashMap<&str, &Tenant> = file
        .tenants
        .iter()
        .map(|t| (t.pms_id.as_str(), t))
        .collect();
    let mut tenants = vec![];
    for pt in &pms.tenants {
        let Some(prop) = pt.property.as_deref().and_then(|id| {
            out.properties
                .iter()
                .find(|p| p.pms_id.as_deref() == Some(id))
        }) else {
            report.push(
                Section::Tenant,
                format!("buildium {}", pt.pms_id),
                &pt.name,
                Change::Skipped("no current lease on a property the file maps".into()),
            );
            continue;
        };
        let phone = first_phone(&pt.phones);
        let email = email_of(pt.email.as_deref());
        if phone.is_none() && email.is_none() {
            report.push(
                Section::Tenant,
                format!("buildium {}", pt.pms_id),
                &pt.name,
                Change::Skipped("no phone or email Mendwork can use".into()),
            );
            continue;
        }
        let unit = pt
            .unit
            .as_ref()
            .map(|u| prop.pms_units.get(u).cloned().unwrap_or_else(|| u.clone()))
            .unwrap_or_default();
        let t = Tenant {
            pms_id: pt.pms_id.clone(),
            name: pt.name.clone(),
            property: PropertyId(prop.id.0.clone()),
            unit,
            phone,
            email,
        };
        let change = match before.get(t.pms_id.as_str()) {
            None => Change::Added,
            Some(old) => {
                let mut changed = vec![];
                for (field, differs) in [
                    ("name", old.name != t.name),
                    ("property", old.property != t.property),
                    ("unit", old.unit != t.unit),
                    ("phone", old.phone != t.phone),
                    ("email", old.email != t.email),
                ] {
                    if differs {
                        changed.push(field);
                    }
                }
                if changed.is_empty() {
                    Change::Unchanged
                } else {
                    Change::Updated(changed)
                }
            }
        };
        report.push(Section::Tenant, t.pms_id.as_str(), &t.name, change);
        tenants.push(t);
    }
    let kept: HashSet<&str> = tenants.iter().map(|t| t.pms_id.as_str()).collect();
    for old in &file.tenants {
        if !kept.contains(old.pms_id.as_str()) {
            report.push(
                Section::Tenant,
                old.pms_id.as_str(),
                &old.name,
                Change::Gone { removed: true },
            );
        }
    }
    out.tenants = tenants;
}

/// The portfolio as a file's YAML (what `config::parse_portfolio` reads back). Comments of a
/// hand-written file are not kept.
pub fn to_yaml(p: &Portfolio) -> Result<String, String> {
    serde_yaml_ng::to_string(p).map_err(|e| e.to_string())
}

/// What the load check adds for the imported fields: PMS ids unique among vendors and among
/// tenants (one PMS record, one entry), each tenant on a property of the portfolio.
pub fn problems(p: &Portfolio) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut vendors: HashMap<&str, usize> = HashMap::new();
    for (i, v) in p.vendors.iter().enumerate() {
        if let Some(id) = v.pms_id.as_deref()
            && let Some(first) = vendors.insert(id, i)
        {
            out.push((
                format!("vendors[{i}].pms_id"),
                format!("PMS id {id:?} is already used by vendors[{first}]"),
            ));
        }
    }
    let mut tenants: HashMap<&str, usize> = HashMap::new();
    for (i, t) in p.tenants.iter().enumerate() {
        if let Some(first) = tenants.insert(t.pms_id.as_str(), i) {
            out.push((
                format!("tenants[{i}].pms_id"),
                format!("PMS id {:?} is already used by tenants[{first}]", t.pms_id),
            ));
        }
        if p.property(&t.property).is_none() {
            out.push((
                format!("tenants[{i}].property"),
                format!("unknown property {:?}", t.property.as_str()),
            ));
        }
    }
    out
}
