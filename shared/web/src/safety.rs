//! Safety guidance for the tenant, in their language, shown at once: on the form (inside a
//! `<details>` that works without JavaScript) and on the confirmation page when the tenant
//! said "emergency" or the description mentions gas, flooding, fire or no heat — whether or
//! not triage later agrees. Triage's own emergency kind, when it found one, is added.

use crate::i18n::Lang;
use maud::{Markup, PreEscaped, html};
use mendwork_domain::EmergencyKind;

/// Words that mean a hazard, English and Spanish, lowercase, accents removed. The same lists
/// drive the form's small live script, so the page and the server agree.
const WORDS: &[(EmergencyKind, &[&str])] = &[
    (
        EmergencyKind::Gas,
        &["gas", "smell of gas", "olor a gas", "huele a gas"],
    ),
    (
        EmergencyKind::Flooding,
        &[
            "flood",
            "flooding",
            "water everywhere",
            "burst pipe",
            "inundacion",
            "inundado",
            "inundada",
            "tuberia rota",
        ],
    ),
    (
        EmergencyKind::FireOrSparks,
        &[
            "fire", "smoke", "sparks", "sparking", "burning", "fuego", "incendio", "humo",
            "chispas",
        ],
    ),
    (
        EmergencyKind::NoHeat,
        &[
            "no heat",
            "heat not working",
            "heating not working",
            "furnace out",
            "sin calefaccion",
            "no hay calefaccion",
            "no funciona la calefaccion",
        ],
    ),
];

fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ì' | 'ï' => 'i',
            'ó' | 'ò' | 'ö' => 'o',
            'ú' | 'ù' | 'ü' => 'u',
            'ñ' => 'n',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect()
}

/// The hazards a description mentions (whole words or phrases), most dangerous first.
pub fn mentioned(description: &str) -> Vec<EmergencyKind> {
    let text = format!(
        " {} ",
        fold(description)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    WORDS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| text.contains(&format!(" {w} "))))
        .map(|(k, _)| *k)
        .collect()
}

/// The hazards to give guidance for: those the text mentions and the one triage found.
pub fn hazards(description: &str, triage: Option<EmergencyKind>) -> Vec<EmergencyKind> {
    let mut out = vec![];
    if let Some(k) = triage {
        out.push(k);
    }
    for k in mentioned(description) {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// A hazard's name.
pub fn name(lang: Lang, k: EmergencyKind) -> &'static str {
    k.label_in(lang.into())
}

/// What to do now about a hazard.
pub fn instructions(lang: Lang, k: EmergencyKind) -> &'static str {
    mendwork_domain::triage::safety_instructions_in(k, lang.into())
}

/// Guidance for any emergency, before we know which.
pub fn general(lang: Lang) -> &'static str {
    lang.w("page.if_anyone_is_in_danger_or")
}

/// The "what to do now" block of the confirmation page; nothing when there is no hazard and
/// the tenant did not say emergency.
pub fn now_block(lang: Lang, emergency: bool, hazards: &[EmergencyKind]) -> Markup {
    if !emergency && hazards.is_empty() {
        return html! {};
    }
    html! {
        section.notice.alert #safety role="alert" aria-labelledby="safety-heading" {
            h2 #safety-heading { (lang.w("page.your_safety_first_do_this_now")) }
            @if hazards.is_empty() {
                p { (general(lang)) }
            }
            @for k in hazards {
                h3 { (name(lang, *k)) }
                p { (instructions(lang, *k)) }
            }
        }
    }
}

/// The form's guidance: a `<details>` readable without JavaScript, open when the last
/// submission said emergency or mentioned a hazard, with a small script that opens it as the
/// tenant types or answers "yes".
pub fn form_block(lang: Lang, open: bool, hazards: &[EmergencyKind]) -> Markup {
    let kinds = [
        EmergencyKind::Gas,
        EmergencyKind::Flooding,
        EmergencyKind::FireOrSparks,
        EmergencyKind::NoHeat,
    ];
    html! {
        details #safety-guidance open[open] {
            summary { (lang.w("page.emergency_what_to_do_right_now")) }
            p { strong { (general(lang)) } }
            @for k in kinds {
                div data-hazard=(hazard_key(k)) class=(if hazards.contains(&k) { "hazard match" } else { "hazard" }) {
                    h3 { (name(lang, k)) }
                    p { (instructions(lang, k)) }
                }
            }
        }
        script { (PreEscaped(live_script())) }
    }
}

fn hazard_key(k: EmergencyKind) -> &'static str {
    match k {
        EmergencyKind::Gas => "gas",
        EmergencyKind::Flooding => "flooding",
        EmergencyKind::FireOrSparks => "fire",
        EmergencyKind::NoHeat => "no-heat",
        _ => "other",
    }
}

/// Progressive enhancement only: opens the guidance and marks the matching hazard while the
/// tenant types; the page works the same without it.
pub(crate) fn live_script() -> String {
    let lists: Vec<String> = WORDS
        .iter()
        .map(|(k, words)| {
            let ws: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            format!("[\"{}\",[{}]]", hazard_key(*k), ws.join(","))
        })
        .collect();
    format!(
        r#"(function(){{var W=[{}];var d=document.getElementById("safety-guidance"),t=document.getElementById("description"),y=document.getElementById("emergency-yes");if(!d||!t)return;function f(s){{return " "+s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g,"").replace(/[^a-z0-9]+/g," ").trim()+" ";}}function u(){{var s=f(t.value),any=false;W.forEach(function(w){{var m=w[1].some(function(x){{return s.indexOf(" "+x+" ")>=0;}});any=any||m;var e=d.querySelector('[data-hazard="'+w[0]+'"]');if(e)e.className=m?"hazard match":"hazard";}});if(any||(y&&y.checked))d.open=true;}}t.addEventListener("input",u);document.querySelectorAll('input[name="emergency"]').forEach(function(r){{r.addEventListener("change",u);}});}})();"#,
        lists.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_are_found_in_english_and_spanish_as_whole_words() {
        assert_eq!(
            mentioned("I smell GAS in the kitchen"),
            [EmergencyKind::Gas]
        );
        assert_eq!(
            mentioned("Hay una inundación en el baño"),
            [EmergencyKind::Flooding]
        );
        assert_eq!(
            mentioned("No heat since last night!"),
            [EmergencyKind::NoHeat]
        );
        assert_eq!(
            mentioned("sparks from the outlet"),
            [EmergencyKind::FireOrSparks]
        );
        assert!(mentioned("the gasket on the fridge is loose").is_empty());
        assert!(mentioned("The kitchen sink drips").is_empty());
    }

    #[test]
    fn the_confirmation_block_appears_for_a_yes_or_a_hazard_only() {
        assert!(now_block(Lang::En, false, &[]).into_string().is_empty());
        let yes = now_block(Lang::Es, true, &[]).into_string();
        assert!(yes.contains("911"), "{yes}");
        let gas = now_block(Lang::En, false, &[EmergencyKind::Gas]).into_string();
        assert!(gas.contains("Leave now"), "{gas}");
    }
}
